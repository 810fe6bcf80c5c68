"""The results package (results/): the plan.json codec, the typed Result of a solved or saved plan, and the
results store's folder policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from results import OutputError, PlanRecord, Result, read_plan, write_results
from results.store import analysis_folder, output_folder
from tests.helpers import make_scenario, project, rows, solve_and_verify


@pytest.fixture(scope="module")
def solved():
    scenario = make_scenario(
        projects=[project("p1"), project("p2", cost=2.0e6)], demand=rows({2026: 2, 2027: 2, 2028: 2}), envelope=1.5e6
    )
    return Result(scenario, solve_and_verify(scenario))


def test_a_record_reads_back_as_written(solved, tmp_path):
    write_results(tmp_path / "out", solved.scenario, solved.plan, evaluation=solved.evaluation, record=solved.record)
    again = read_plan(tmp_path / "out")
    assert again.to_json() == json.loads(solved.record.to_bytes())
    assert again.starts == solved.starts and again.has_plan and again.status == "optimal"
    assert again.objective == pytest.approx(solved.objective)
    assert again.scenario.source == solved.scenario.source and not again.scenario.edited


def test_a_saved_plan_gives_the_same_tables_and_verifies(solved):
    saved = Result.read(solved.scenario, PlanRecord.from_json(solved.record.to_json()))
    assert saved.plan is None and saved.chosen == solved.chosen
    assert saved.budget.equals(solved.budget) and saved.balance.equals(solved.balance)
    assert saved.verification.ok


def test_a_result_holds_one_plan(solved):
    with pytest.raises(ValueError, match="either"):
        Result(solved.scenario)
    with pytest.raises(ValueError, match="either"):
        Result(solved.scenario, solved.plan, solved.record)


def test_the_evaluation_is_computed_once(solved):
    assert solved.evaluation is solved.evaluation and solved.baseline is solved.baseline
    assert solved.record is solved.record


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "is not a ppi plan"),
        ({"format": "other"}, "is not a ppi plan"),
        ({"format": "ppi-plan/1", "projects": {}}, "'projects' must be a list"),
        ({"format": "ppi-plan/1", "projects": [{"start": 2026}]}, r"projects\[0\] lacks id"),
        ({"format": "ppi-plan/1", "projects": [{"id": "a", "start": "2026"}]}, "must be a year or null"),
        ({"format": "ppi-plan/1", "transfers": [{"from": "a"}]}, r"transfers\[0\] lacks to"),
    ],
)
def test_a_plan_file_of_the_wrong_shape_is_refused(doc, message):
    with pytest.raises(OutputError, match=message):
        PlanRecord.from_json(doc, where="p.json")


def test_read_plan_says_what_is_wrong(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        read_plan(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(OutputError, match="not valid JSON"):
        read_plan(tmp_path / "bad.json")


def test_default_folders_are_numbered_and_named_folders_kept(tmp_path):
    default = tmp_path / "results" / "city"
    assert output_folder(None, default) == default
    default.mkdir(parents=True)
    (default / ".ppi-results").write_text("x")
    assert output_folder(None, default) == default.with_name("city-2")
    assert output_folder(None, default, force=True) == default
    with pytest.raises(OutputError, match="already holds results"):
        output_folder(default, default)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not a ppi results folder"):
        output_folder(tmp_path / "other", default)


def test_an_analysis_folder_resumes_the_same_run_only(tmp_path):
    run = {"command": "sweep", "points": 3}
    folder = analysis_folder(None, tmp_path / "sweep", run)
    assert json.loads((folder / "run.json").read_text()) == run
    (folder / ".ppi-results").write_text("ppi-sweep/1\n")  # what a run leaves beside its points
    assert analysis_folder(None, tmp_path / "sweep", run) == folder  # the same run resumes
    with pytest.raises(OutputError, match="another sweep run"):  # a folder named with --out is not replaced
        analysis_folder(folder, tmp_path / "sweep", {**run, "points": 4})
    other = analysis_folder(None, tmp_path / "sweep", {**run, "points": 4})  # the default folder is numbered
    assert other == tmp_path / "sweep-2"
    (other / ".ppi-results").write_text("ppi-sweep/1\n")
    assert analysis_folder(None, tmp_path / "sweep", {**run, "points": 4}) == other  # and resumes there
    assert analysis_folder(None, tmp_path / "sweep", run) == folder


def test_a_named_pipe_given_as_a_plan_is_refused_without_waiting(tmp_path):
    import os

    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="named pipe, not a regular file"):
        read_plan(fifo)
    with pytest.raises(OutputError, match="named pipe"):
        read_plan(tmp_path)  # the folder's plan.json is the pipe


def test_a_plan_file_names_its_scenario_relative_to_its_folder(tmp_path, monkeypatch):
    """No absolute path of the machine in plan.json (the scenario typed as a relative path): the scenario's
    path is written relative to the plan's folder, and read back as the file it names."""
    import ppi
    from tests.helpers import REPO

    monkeypatch.chdir(REPO)
    scenario = ppi.load("scenarios/rennes/scenario.yaml")
    ppi.write(ppi.solve(scenario), tmp_path / "out")
    text = (tmp_path / "out" / "plan.json").read_text(encoding="utf-8")
    written = json.loads(text)["scenario"]["path"]
    assert not written.startswith("/") and str(tmp_path) not in text and f'"{REPO}' not in text
    record = read_plan(tmp_path / "out")
    assert Path(record.scenario.path).resolve() == (REPO / "scenarios" / "rennes" / "scenario.yaml").resolve()
