"""Sweeps (analysis/sweep.py, `ppi sweep`) and the Python API (ppi.py): the budget frontier is monotone and
every point verified; points run in worker processes and an interrupted sweep resumes without solving its
finished points again; bad specifications fail before any solve."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import ppi
from analysis.sweep import SweepError, SweepSpec, make_points, parse_range, parse_vary, run_sweep
from models import ScenarioError, load_scenario
from models.edits import ScaleBudget, SetValue
from results.verify import verify_plan
from tests.helpers import REPO, make_scenario_dict, project, rows, run_cli


def scenario_file(folder: Path, n_years: int = 4) -> Path:
    """A small scenario: two districts short of classes, five projects, 1.5 M€ a year."""
    end = 2026 + n_years - 1
    data = make_scenario_dict(
        years=(2026, end),
        districts=[{"id": "a"}, {"id": "b"}],
        demand=rows({2026: 4, 2028: 6}, "a") + rows({2026: 3, 2029: 5}, "b"),
        capacity=rows({2026: 2}, "a") + rows({2026: 2}, "b"),
        envelope=1.5e6,
        cost_weight=1e-9,
        projects=[
            project("a1", district="a", capacity={"classes": 2}, cost=1.2e6, profile=[0.5, 0.5], delivery_lag=1),
            project("a2", district="a", capacity={"classes": 1}, cost=0.6e6),
            project("b1", district="b", capacity={"classes": 2}, cost=1.4e6, profile=[0.5, 0.5], delivery_lag=1),
            project("b2", district="b", capacity={"classes": 1}, cost=0.5e6),
            project("m", district="b", capacity={"classes": 1}, cost=0.1e6),
        ],
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- specifications


def test_ranges_and_points():
    assert parse_range("0.6:1.4:0.05") == pytest.approx([0.6 + 0.05 * i for i in range(17)])
    assert parse_range("0.8,1,1.2") == [0.8, 1.0, 1.2]
    assert parse_vary("demand_kinds.creche.weight=0.05, 0.1") == ("demand_kinds.creche.weight", ["0.05", "0.1"])
    points = make_points([0.9, 1.0], [("a.b", ["1", "2"]), ("c", ["x"])])
    assert len(points) == 4 and points[0].budget_scale == 0.9
    assert points[0].edits == (SetValue("a.b", 1, "1"), SetValue("c", "x", "x"), ScaleBudget(0.9))
    assert points[0].label == "budget×0.9 a.b=1 c=x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.4:0.6:0.1", "empty"),
        ("0.6:1.4:0", "step"),
        ("-0.2:1:0.2", "positive"),
        ("0,1", "positive"),
        ("a:b:c", "not a range"),
        ("", "empty"),
    ],
)
def test_bad_ranges_are_refused(text, message):
    with pytest.raises(SweepError, match=message):
        parse_range(text)


def test_bad_sweeps_fail_before_any_solve(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "out"
    for args, fragment in (
        (["--budget-scale", "1.2:0.8:0.1"], "empty"),
        (["--budget-scale=-1:1:0.5"], "positive"),
        (["--vary", "budget.anual.2027=1,2"], "unknown key 'anual'"),
        (["--vary", "projects.zz.status=excluded"], "no row 'zz'"),
        (["--vary", "objective.cost_weight=-1"], "greater than or equal to 0"),
        ([], "needs points"),
    ):
        proc = run_cli("sweep", path, *args, "--out", out)
        assert proc.returncode == 1, (args, proc.stderr)
        assert fragment in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert not out.exists()


# ----------------------------------------------------------------------------------- the frontier


def test_frontier_is_monotone_and_every_point_verifies(tmp_path):
    path = scenario_file(tmp_path / "s")
    spec = SweepSpec(load_scenario(path), points=make_points(parse_range("0.4:2.0:0.4"), []))
    result = run_sweep(spec, tmp_path / "sweep", workers=2)
    assert result.solved == 5 and result.reused == 0
    table = result.table
    assert list(table["budget_scale"]) == [0.4, 0.8, 1.2, 1.6, 2.0]
    solved = table[table["status"] == "optimal"]
    assert len(solved) >= 4
    objectives = list(solved["objective"])
    assert all(b <= a + 1e-6 * max(1.0, abs(a)) for a, b in zip(objectives, objectives[1:], strict=False))
    assert objectives[0] > objectives[-1]  # more budget does buy something here
    for r in result.results:  # each saved plan against its own scenario, by the independent verifier
        scenario = load_scenario(path, budget_scale=r["point"]["budget_scale"])
        assert r["envelope_total"] == pytest.approx(sum(scenario.envelope[y] for y in scenario.horizon_years))
        if r["plan"]["status"] == "optimal":
            assert verify_plan(scenario, r["plan"]).ok
    assert (table["entering"] != "").any()


def test_resume_reuses_finished_points_and_inputs_changes_invalidate_them(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "sweep"
    first = run_sweep(SweepSpec(load_scenario(path), points=make_points([0.8, 1.0], [])), out, workers=1)
    files = {f.name: f.read_bytes() for f in (out / "points").iterdir()}
    assert first.solved == 2 and len(files) == 2
    more = run_sweep(SweepSpec(load_scenario(path), points=make_points([0.8, 1.0, 1.2], [])), out, workers=1)
    assert (more.reused, more.solved) == (2, 1)
    for name, data in files.items():
        assert (out / "points" / name).read_bytes() == data  # not solved again, not rewritten
    assert [r["label"] for r in more.results] == ["budget×0.8", "budget×1", "budget×1.2"]
    # A changed input (one demand value) makes every point stale.
    path.write_text(path.read_text().replace("value: 6", "value: 7"), encoding="utf-8")
    again = run_sweep(SweepSpec(load_scenario(path), points=make_points([0.8], [])), out, workers=1)
    assert (again.reused, again.solved) == (0, 1)


def test_an_interrupted_sweep_resumes(tmp_path):
    """`ppi sweep` stopped by Ctrl-C after its first points: run again, it solves only what is left."""
    path = scenario_file(tmp_path / "s", n_years=6)
    out = tmp_path / "sweep"
    args = [sys.executable, str(REPO / "cli.py"), "sweep", str(path), "--budget-scale", "0.5:3:0.1", "--workers", "1"]
    proc = subprocess.Popen([*args, "--out", str(out)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "points").glob("*.json"))) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    kept = len(list((out / "points").glob("*.json")))
    assert 2 <= kept < 26, kept
    again = run_cli("sweep", path, "--budget-scale", "0.5:3:0.1", "--workers", "1", "--out", out)
    assert again.returncode == 0, again.stderr
    assert f"{26 - kept} points solved, {kept} reused" in again.stdout
    assert len(list((out / "points").glob("*.json"))) == 26
    assert not list((out / "points").glob(".*"))  # no half-written file left behind


def test_cli_sweep_prints_the_frontier_and_writes_its_files(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "sweep"
    proc = run_cli(
        "sweep", path, "--budget-scale", "0.5:1.5:0.5", "--vary", "demand_kinds.classes.weight=1,2", "--out", out
    )
    assert proc.returncode == 0, proc.stderr
    assert "6 points solved, 0 reused" in proc.stdout
    table = (out / "sweep.csv").read_text().splitlines()
    assert len(table) == 7 and "vary demand_kinds.classes.weight" in table[0]
    import pandas as pd

    frame = pd.read_parquet(out / "sweep.parquet")
    assert len(frame) == 6 and list(frame["status"]) == list(pd.read_csv(out / "sweep.csv")["status"])
    proc = run_cli("sweep", path, "--budget-scale", "0.5:1.5:0.5", "--out", tmp_path / "frontier", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "frontier" / "frontier.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------ Python API


def test_python_api_load_derive_solve_compare(tmp_path):
    path = scenario_file(tmp_path / "s")
    base = ppi.load(path)
    tight = ppi.derive(base, set={"budget.annual.2026": 0.5e6}, budget_scale=0.8)
    assert tight.envelope[2026] == pytest.approx(0.4e6) and tight.envelope[2027] == pytest.approx(1.2e6)
    assert tight.overrides == ("--set budget.annual.2026=500000.0", "budget scale: every envelope × 0.8")
    twice = ppi.derive(tight, budget_scale=0.5)
    assert twice.envelope[2027] == pytest.approx(0.6e6)  # factors multiply; earlier overrides kept
    results = {"base": ppi.solve(base), "tight": ppi.solve(tight)}
    assert results["base"].status == "optimal" and results["base"].objective <= results["tight"].objective
    assert set(results["base"].unmet_by_kind.index) == {"classes"}
    assert results["base"].budget["spent"].sum() > 0
    comparison = ppi.compare(results)
    assert list(comparison.summary.columns[2:4]) == ["base", "tight"]
    ppi.write(results["tight"], tmp_path / "out", reports=["xlsx"])
    folder = tmp_path / "out"
    plan = json.loads((folder / "plan.json").read_text())
    assert plan["scenario"]["budget_scale"] == 0.8 and (folder / "report.xlsx").exists()
    with pytest.raises(ScenarioError, match="no row 'zz'"):
        ppi.derive(base, set={"projects.zz.status": "excluded"})
    from tests.helpers import make_scenario

    in_memory = ppi.derive(make_scenario(), budget_scale=0.5)  # built in Python: derived in memory too
    assert in_memory.envelope[2026] == pytest.approx(0.5 * make_scenario().envelope[2026])


def test_the_example_script_runs():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "examples/what_if.py"], cwd=REPO, capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert "budget x0.9" in proc.stdout and "not chosen any more" in proc.stdout


def test_a_script_without_main_guard_runs_a_parallel_sweep_once(tmp_path):
    """Workers are plain subprocesses: an analyst's script is not run again in each of them."""
    path = scenario_file(tmp_path / "s")
    script = tmp_path / "script.py"
    script.write_text(
        "import ppi\n"
        "print('start')\n"
        f"r = ppi.sweep({str(path)!r}, out={str(tmp_path / 'out')!r}, budget_scale=[0.8, 1.0, 1.2], workers=2)\n"
        "print('solved', r.solved, list(r.table['status']))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("start") == 1
    assert "solved 3" in proc.stdout


# ---------------------------------------------------------------------------------------- tornado


def test_tornado_one_at_a_time(tmp_path):
    from analysis.sweep import tornado_points, tornado_table

    path = scenario_file(tmp_path / "s")
    params = [("demand_kinds.classes.weight", ["0.5", "2"]), ("budget.annual.2026", ["0", "3e6"])]
    points = tornado_points(params)
    assert [p.label for p in points] == [
        "base",
        "demand_kinds.classes.weight=0.5",
        "demand_kinds.classes.weight=2",
        "budget.annual.2026=0",
        "budget.annual.2026=3e6",
    ]
    result = run_sweep(SweepSpec(load_scenario(path), points=points), tmp_path / "t", workers=1)
    table = tornado_table(result.results)
    base = result.results[0]["plan"]["objective"]
    weight = table.set_index("parameter").loc["demand_kinds.classes.weight"]
    # Halving the only kind's weight at most halves the objective (cost tie-break aside), doubling doubles it.
    assert weight["low"] < base < weight["high"]
    assert weight["low"] <= base * 0.5 + 1e-2 and weight["high"] <= base * 2 + 1e-6
    assert table["swing"].iloc[0] == table["swing"].max()  # sorted by swing
    no_money, more_money = (
        float(v) for v in table.set_index("parameter").loc["budget.annual.2026", "objectives"].split(",")
    )
    assert no_money >= base - 1e-6 >= more_money - 2e-6


def test_cli_tornado(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "t"
    proc = run_cli("tornado", path, "--param", "demand_kinds.classes.weight=0.5,2", "--out", out, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "Base objective" in proc.stdout and (out / "tornado.csv").exists() and (out / "tornado.png").exists()
    for args, fragment in ((["--param", "budget.anual.2026=1,2"], "unknown key 'anual'"), ([], "at least one --param")):
        proc = run_cli("tornado", path, *args, "--out", tmp_path / "bad")
        assert proc.returncode == 1 and fragment in proc.stderr, proc.stderr
    assert not (tmp_path / "bad").exists()


# ------------------------------------------------------------------------------------------- Dask


def test_dask_and_local_executors_give_identical_results(tmp_path):
    """The same sweep on a real local Dask cluster (two worker processes) and on local workers."""
    path = scenario_file(tmp_path / "s")
    points = make_points([0.6, 1.0, 1.4], [("demand_kinds.classes.weight", ["1", "2"])])
    # Settling off: which larger point settles a smaller one depends on which solve ends first, and with
    # equally good plans the start years could then differ (tests/analysis/test_settle.py covers settling).
    spec = SweepSpec(load_scenario(path), points=points, settle=False)
    local = run_sweep(spec, tmp_path / "local", workers=2)
    dask = run_sweep(spec, tmp_path / "dask", workers=2, executor="dask")
    assert dask.solved == local.solved == 6
    for a, b in zip(local.results, dask.results, strict=True):
        assert a["label"] == b["label"] and a["plan"]["status"] == b["plan"]["status"]
        assert a["plan"]["objective"] == pytest.approx(b["plan"]["objective"], rel=1e-9)
        assert [p["start"] for p in a["plan"]["projects"]] == [p["start"] for p in b["plan"]["projects"]]
    assert sorted(f.name for f in (tmp_path / "dask" / "points").iterdir()) == sorted(
        f.name for f in (tmp_path / "local" / "points").iterdir()
    )


def test_cli_sweep_on_a_dask_cluster(tmp_path):
    path = scenario_file(tmp_path / "s")
    proc = run_cli(
        "sweep", path, "--budget-scale", "0.8,1.2", "--executor", "dask", "--workers", "2", "--out", tmp_path / "d"
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 points solved, 0 reused" in proc.stdout


# ------------------------------------------------------------------------------------ Monte Carlo


def test_montecarlo_same_seed_same_results_and_fixed_plan_risks(tmp_path):
    from analysis.montecarlo import Distributions, run_montecarlo, sample_points

    path = scenario_file(tmp_path / "s")
    scenario = ppi.load(path)
    dist = Distributions(cost_sigma_scale=2.0, delay_scale=2.0, demand_sigma=0.02)
    assert sample_points(scenario, 5, 7, dist) == sample_points(scenario, 5, 7, dist)
    assert sample_points(scenario, 5, 7, dist) != sample_points(scenario, 5, 8, dist)
    base = ppi.solve(scenario)
    spec = SweepSpec(scenario, fixed=tuple(sorted(base.starts.items())))
    first = run_montecarlo(scenario, spec, 6, 7, dist, tmp_path / "a", workers=2, threshold=base.objective)
    second = run_montecarlo(scenario, spec, 6, 7, dist, tmp_path / "b", workers=1, threshold=base.objective)
    assert first.samples.equals(second.samples) and first.projects.equals(second.projects)
    assert len(first.samples) == 6 and first.samples["sample"].tolist() == [f"sample {i}" for i in range(1, 7)]
    shares = first.projects["chosen_share"]
    assert ((shares >= 0) & (shares <= 1)).all()
    summary = dict(zip(first.summary["indicator"], first.summary["value"], strict=True))
    assert 0 <= summary["fixed plan: probability of breaking a budget year"] <= 1
    key = f"fixed plan: probability of objective above {base.objective:g} or a budget break"
    assert 0 <= summary[key] <= 1
    # The fixed plan is re-evaluated, not re-solved: never better than each sample's own optimum.
    ok = first.samples[first.samples["status"] == "optimal"]
    assert (ok["fixed objective"] >= ok["objective"] - 1e-6).all()


def test_cli_montecarlo(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "mc"
    proc = run_cli("montecarlo", path, "--samples", "4", "--workers", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    for name in ("samples.csv", "projects.csv", "summary.csv", "samples.parquet", "projects.parquet", "montecarlo.png"):
        assert (out / name).exists(), name
    again = run_cli("montecarlo", path, "--samples", "4", "--workers", "1", "--out", out)
    assert "0 samples solved, 4 reused" in again.stdout
    for args, fragment in ((["--samples", "0"], "at least 1"), (["--delay", "-1"], "0 or more")):
        proc = run_cli("montecarlo", path, *args, "--out", tmp_path / "bad")
        assert proc.returncode == 1 and fragment in proc.stderr, proc.stderr
    assert not (tmp_path / "bad").exists()


def test_tornado_named_parameters_move_every_project(tmp_path):
    from analysis.sweep import expand_param, tornado_points

    path = scenario_file(tmp_path / "s")
    scenario = ppi.load(path)
    costs = dict(expand_param(scenario, "costs", "+10%"))
    assert costs["projects.a1.cost"] == repr(round(1.2e6 * 1.1, 2)) and len(costs) == 5
    lags = dict(expand_param(scenario, "delays", "1"))
    assert lags["projects.a1.delivery_lag"] == "2" and lags["projects.a2.delivery_lag"] == "1"
    for name, value, fragment in (("costs", "-100%", "100 %"), ("costs", "abc", "relative"), ("delays", "x", "whole")):
        with pytest.raises(SweepError, match=fragment):
            expand_param(scenario, name, value)
    points = tornado_points([("costs", ["-10%", "+10%"]), ("delays", ["1"])], scenario)
    assert [p.label for p in points] == ["base", "costs=-10%", "costs=+10%", "delays=1"]
    proc = run_cli("tornado", path, "--param", "costs=-10%,+10%", "--param", "delays=1", "--out", tmp_path / "t")
    assert proc.returncode == 0, proc.stderr
    table = (tmp_path / "t" / "tornado.csv").read_text()
    assert "costs" in table and "delays" in table
    assert (tmp_path / "t" / "tornado.parquet").exists()


# ------------------------------------------------------------------ infeasible points (issue 16 part 5)


def _committed_scenario(folder: Path) -> Path:
    """1 M€ a year; a committed project pays 0.8 M€ in 2026: below ×0.8 no plan exists (0.75 M€ < 0.8 M€)."""
    data = make_scenario_dict(
        demand=rows({2026: 2, 2027: 2, 2028: 2}),
        envelope=1e6,
        projects=[
            project("c", status="committed", start=2026, cost=0.8e6),
            project("p1"),
            project("p2", earliest_start=2027),
        ],
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_infeasible_points_carry_their_reason_in_sweep_csv(tmp_path):
    import pandas as pd

    path = _committed_scenario(tmp_path / "s")
    out = tmp_path / "sweep"
    proc = run_cli("sweep", path, "--budget-scale", "0.5,0.75,1", "--out", out, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "sweep.csv").set_index("label")
    assert list(table["status"]) == ["infeasible", "infeasible", "optimal"]
    assert table.at["budget×0.75", "reason"] == (
        "2026: committed and mandatory projects need 0.80 M€ of spending against an envelope of 0.75 M€ "
        "(short by 0.05 M€): c (committed, 0.80 M€)"
    )
    assert "0.50 M€ (short by 0.30 M€)" in table.at["budget×0.5", "reason"]
    assert pd.isna(table.at["budget×1", "reason"])  # a point with a plan has no reason
    assert "budget×0.75: no plan — 2026: committed and mandatory projects need 0.80 M€" in proc.stdout
    points = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "points").glob("*.json")]
    reasons = [p["reason"] for p in points if "reason" in p]
    assert len(reasons) == 2 and {r["kind"] for r in reasons} == {"budget_year"}  # kinds and values, stored
    assert (out / "frontier.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_point_stopped_by_its_time_limit_gives_the_status_as_its_reason():
    from reports.words import reason_text

    assert reason_text({"kind": "status", "values": {"status": "no_solution"}}) == ("no plan found within the limits")
    assert reason_text(None) == ""


def test_the_frontier_chart_marks_the_points_with_no_plan():
    import pandas as pd
    from matplotlib.figure import Figure

    from reports.charts import _mark_no_plan
    from reports.text import TEXT

    table = pd.DataFrame(
        {"status": ["infeasible", "optimal", "optimal"], "envelope_total": [1e6, 2e6, 3e6], "objective": [None, 5, 3]}
    )
    ax = Figure().subplots()
    _mark_no_plan(ax, table, table[table["status"] == "optimal"], "fr")
    handles, labels = ax.get_legend_handles_labels()
    assert labels == [TEXT["fr"]["ch.no_plan"]]
    (offsets,) = [c.get_offsets() for c in ax.collections]
    assert [tuple(map(float, o)) for o in offsets] == [(1.0, 5.0)]  # at its envelope, at the top of the curve


def test_solve_with_budget_scale_reproduces_a_sweep_point(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "sweep"
    proc = run_cli("sweep", path, "--budget-scale", "0.8", "--out", out, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    (point_file,) = (out / "points").glob("*.json")
    point = json.loads(point_file.read_text(encoding="utf-8"))
    solved = run_cli("solve", path, "--budget-scale", "0.8", "--out", tmp_path / "plan", "--quiet")
    assert solved.returncode == 0, solved.stderr
    plan = json.loads((tmp_path / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert plan["scenario"]["budget_scale"] == point["plan"]["scenario"]["budget_scale"] == 0.8
    assert plan["objective"] == pytest.approx(point["plan"]["objective"], abs=1e-9)
    assert {p["id"]: p["start"] for p in plan["projects"]} == {p["id"]: p["start"] for p in point["plan"]["projects"]}
    assert [b["envelope"] for b in plan["budget"]] == [b["envelope"] for b in point["plan"]["budget"]]
    again = run_cli("verify", path, tmp_path / "plan", "--with-plan-overrides")  # checked with its own factor
    assert again.returncode == 0, again.stdout + again.stderr
    bad = run_cli("solve", path, "--budget-scale", "0", "--out", tmp_path / "x")
    assert bad.returncode == 1 and "must be positive" in bad.stderr
