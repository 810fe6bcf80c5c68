"""The `ppi` command line, run as a user runs it: exit codes, messages, and the results folder.

Exit codes: 0 solved or valid, 1 invalid input, 2 infeasible, 3 no plan within the time limit, 4 internal
error. Most runs start `python cli.py ...` in a subprocess from the repository root; the full set of
invalid scenarios (tests/models/data/invalid/) also goes through `cli.main` in-process, which is the same code
minus the interpreter start, to keep the suite fast.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import cli
from models import ScenarioError, load_scenario, scenario_json_schema
from tests.helpers import run_cli as run

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = Path("scenarios/exemple-ville/scenario.yaml")  # relative to REPO, as a user types it
INVALID_DIR = Path("tests/models/data/invalid")
MANIFEST = yaml.safe_load((REPO / INVALID_DIR / "expected.yaml").read_text(encoding="utf-8"))
INVALID = sorted(MANIFEST)
RESULT_FILES = {"plan.json", "apcp.csv", "projects.csv", "budget.csv", "balance.csv"}

# One invalid scenario per layer of validation (YAML, shape, references, tables), for the subprocess runs.
REPRESENTATIVE_INVALID = [
    "yaml-syntax-error.yaml",
    "unknown-district.yaml",
    "demand-csv-bad-number.yaml",
    "projects-xlsx-true-cost.yaml",
    "yaml-python-tag.yaml",
    "yaml-billion-laughs.yaml",
]


def main(args: list[str | Path], capsys, cwd: Path = REPO) -> tuple[int, str, str]:
    """`cli.main` in-process, from the repository root: (exit code, stdout, stderr)."""
    before = Path.cwd()
    os.chdir(cwd)
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse usage errors and --help
        code = exc.code
    finally:
        os.chdir(before)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(folder: Path) -> set[str]:
    return {p.name for p in folder.parent.iterdir()}


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


SMALL = """\
name: petite ville
horizon: {start: 2026, end: 2030}
demand_kinds:
  classes: {unit: classes}
districts:
  - {id: nord}
  - {id: sud}
demand:
  - {district: nord, kind: classes, year: 2026, value: 10}
  - {district: sud, kind: classes, year: 2026, value: 9}
capacity:
  - {district: nord, kind: classes, year: 2026, value: 8}
  - {district: sud, kind: classes, year: 2026, value: 8}
budget:
  annual: 1.5e6
projects:
  - id: ecole-nord
    district: nord
    capacity: {classes: 2}
    cost: 2.0e6
    profile: [0.5, 0.5]
    delivery_lag: 2
  - id: ext-sud
    district: sud
    capacity: {classes: 1}
    cost: 0.8e6
    profile: [1.0]
    delivery_lag: 1
    STATUS
"""


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.replace("STATUS", "status: candidate"), encoding="utf-8")
    return path


@pytest.fixture
def infeasible(tmp_path) -> Path:
    """ext-sud is mandatory, costs 0.8 M€ in its start year, and no year's envelope reaches it."""
    path = tmp_path / "infeasible.yaml"
    text = SMALL.replace("STATUS", "status: mandatory").replace("annual: 1.5e6", "annual: 0.5e6")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "results"
    proc = run("solve", EXAMPLE, "--out", out)
    return proc, out


@pytest.fixture
def example_results(example_run, tmp_path) -> Path:
    """A private copy of the example's results folder, free to be modified."""
    proc, out = example_run
    assert proc.returncode == 0, proc.stderr
    copy = tmp_path / "results"
    shutil.copytree(out, copy)
    return copy


# --------------------------------------------------------------------------- the example


def test_solve_example(example_run):
    proc, out = example_run
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert "Status: optimal" in proc.stdout
    assert "Objective:" in proc.stdout
    assert "Projects chosen:" in proc.stdout
    assert f"Results written to {out}" in proc.stdout
    assert RESULT_FILES <= {p.name for p in out.iterdir()}
    assert (out / ".ppi-results").exists()
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] == "optimal"
    assert plan["gap"] is not None and plan["gap"] <= 1e-4
    assert len(plan["projects"]) == 41
    assert plan["scenario"]["horizon"] == {"start": 2026, "end": 2035, "end_rule": "tail", "tail_years": 4}
    header = (out / "projects.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "cp_2026" in header and "cp_2035" in header
    assert (out / "budget.csv").read_text(encoding="utf-8").startswith("year")
    assert (
        len((out / "balance.csv").read_text(encoding="utf-8").splitlines()) == 1 + 12 * 3 * 14
    )  # 10 PPI years and 4 tail years
    # No temporary folder left beside the results.
    assert siblings(out) == {out.name}


def test_verify_example(example_run, capsys):
    _, out = example_run
    proc = run("verify", EXAMPLE, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "plan verified" in proc.stdout
    no_traceback(proc)
    code, stdout, _ = main(["verify", EXAMPLE, out / "plan.json"], capsys)  # the file itself, in-process
    assert code == 0
    assert "plan verified" in stdout


def _tamper(results: Path, change) -> Path:
    plan = json.loads((results / "plan.json").read_text(encoding="utf-8"))
    change(plan)
    (results / "plan.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    return results / "plan.json"


def _first_chosen_candidate(plan: dict) -> dict:
    return next(p for p in plan["projects"] if p["status"] == "candidate" and p["start"] is not None)


def test_verify_refuses_a_moved_start_year(example_results):
    moved = {}

    def change(plan):
        entry = _first_chosen_candidate(plan)
        entry["start"] += 1
        moved["id"] = entry["id"]

    path = _tamper(example_results, change)
    proc = run("verify", EXAMPLE, path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "violates" in proc.stdout
    assert moved["id"] in proc.stdout
    no_traceback(proc)


def test_verify_refuses_a_moved_committed_project(example_results, capsys):
    def change(plan):
        entry = next(p for p in plan["projects"] if p["id"] == "gs-simone-veil")
        entry["start"] = 2026

    code, out, _ = main(["verify", EXAMPLE, _tamper(example_results, change)], capsys)
    assert code == 1
    assert "gs-simone-veil is committed to start in 2025" in out


def test_verify_refuses_a_changed_objective(example_results):
    def change(plan):
        plan["objective"] = plan["objective"] - 1.0

    proc = run("verify", EXAMPLE, _tamper(example_results, change))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "objective" in proc.stdout
    no_traceback(proc)


def test_verify_refuses_a_dropped_project(example_results, capsys):
    def change(plan):
        plan["projects"] = [p for p in plan["projects"] if p["status"] != "mandatory"]

    code, out, _ = main(["verify", EXAMPLE, _tamper(example_results, change)], capsys)
    assert code == 1
    assert "ext-jean-jaures is missing from the plan" in out


@pytest.mark.parametrize("content", ["{not json", '{"format": "something-else"}', "[]"])
def test_verify_refuses_a_file_that_is_not_a_plan(tmp_path, content, capsys):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = main(["verify", EXAMPLE, path], capsys)
    assert code == 1
    assert str(path) in err
    assert "internal error" not in err


def test_verify_missing_plan(tmp_path, capsys):
    code, _, err = main(["verify", EXAMPLE, tmp_path / "nowhere"], capsys)
    assert code == 1
    assert "does not exist" in err


def test_verify_a_damaged_plan_is_invalid_input_not_an_internal_error(example_results):
    """A hand-edited plan.json missing a field is the user's input: exit 1 with a message, not exit 4.

    Today results.verify.verify_plan indexes `entry["id"]` directly: KeyError, "internal error" (exit 4).
    """

    def change(plan):
        del plan["projects"][0]["id"]

    proc = run("verify", EXAMPLE, _tamper(example_results, change))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr
    no_traceback(proc)


# --------------------------------------------------------------------------- invalid scenarios


def _expected_exit(name: str) -> int:
    """The exit code the manifest states for an invalid file (`exit:`; 1, invalid input, by default)."""
    entry = MANIFEST[name]
    return entry.get("exit", 1) if isinstance(entry, dict) else 1


def _expected_problems(relpath: Path) -> list[str]:
    """The messages load_scenario reports for the file (what the CLI must print, all of them)."""
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        load_scenario(relpath)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]
    finally:
        os.chdir(cwd)
    raise AssertionError(f"{relpath} loads without error")


@pytest.mark.parametrize("name", INVALID)
@pytest.mark.parametrize("command", ["solve", "validate"])
def test_invalid_scenario_in_process(name, command, tmp_path, capsys):
    relpath = INVALID_DIR / name
    expected = _expected_problems(relpath)
    out = tmp_path / "out"
    code, stdout, stderr = main([command, relpath] + (["--out", out] if command == "solve" else []), capsys)
    assert code == _expected_exit(name), stderr
    assert "Traceback" not in stderr
    assert "internal error" not in stderr
    assert stdout == ""
    # Every problem, each with its file (the scenario, or the CSV/XLSX table) and line.
    assert f"{len(expected)} problem" in stderr
    for problem in expected:
        assert problem in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", REPRESENTATIVE_INVALID)
def test_invalid_scenario_subprocess(name, tmp_path):
    relpath = INVALID_DIR / name
    out = tmp_path / "out"
    proc = run("solve", relpath, "--out", out)
    assert proc.returncode == _expected_exit(name), proc.stderr
    no_traceback(proc)
    for problem in _expected_problems(relpath):
        assert problem in proc.stderr
    assert proc.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_scenario_file(tmp_path, capsys):
    code, _, err = main(["solve", tmp_path / "nowhere.yaml", "--out", tmp_path / "out"], capsys)
    assert code == 1
    assert "nowhere.yaml" in err and "does not exist" in err
    assert not (tmp_path / "out").exists()


def test_existing_results_are_left_intact_by_an_invalid_scenario(example_results):
    before = snapshot(example_results)
    neighbours = siblings(example_results)
    proc = run("solve", INVALID_DIR / "unknown-district.yaml", "--out", example_results)
    assert proc.returncode == 1
    no_traceback(proc)
    assert snapshot(example_results) == before
    assert siblings(example_results) == neighbours


def test_existing_results_are_replaced_only_with_force(small, tmp_path, capsys):
    out = tmp_path / "results"
    code, _, err = main(["solve", small, "--out", out], capsys)
    assert code == 0, err
    (out / "plan.json").write_text("{}", encoding="utf-8")  # an old, different plan
    before = snapshot(out)
    refused = run("solve", small, "--out", out, "--quiet")
    assert refused.returncode == 1
    no_traceback(refused)
    assert "already holds results; add --force" in refused.stderr
    assert snapshot(out) == before
    second = run("solve", small, "--out", out, "--quiet", "--force")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == str(out)
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["status"] == "optimal"
    assert RESULT_FILES | {".ppi-results"} == {p.name for p in out.iterdir()}
    assert siblings(out) == {"small.yaml", "results"}


def test_default_folder_is_never_overwritten_a_new_run_folder_is_made(small, tmp_path):
    first = run("solve", small, "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    folder = Path(first.stdout.strip())
    before = snapshot(tmp_path / folder)
    second = run("solve", small, "--quiet", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"{folder}-2"
    assert snapshot(tmp_path / folder) == before
    third = run("solve", small, "--quiet", "--force", cwd=tmp_path)
    assert third.stdout.strip() == str(folder)
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == [folder.name, f"{folder.name}-2"]


def test_identical_runs_give_byte_identical_plans_apart_from_timing(small, tmp_path):
    timing = {"created", "runtime_s"}
    model_timing = {"build_s", "solve_s"}
    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        proc = run("solve", small, "--out", out, "--quiet")
        assert proc.returncode == 0, proc.stderr
    plans = []
    for out in outs:
        plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        assert timing <= plan.keys() and model_timing <= plan["model"].keys()
        for key in timing:
            plan.pop(key)
        for key in model_timing:
            plan["model"].pop(key)
        plans.append(json.dumps(plan, indent=2, ensure_ascii=False))
    assert plans[0] == plans[1]
    for name in RESULT_FILES - {"plan.json"}:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_out_folder_with_foreign_files_is_refused(small, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "budget-2026.xlsx").write_bytes(b"the finance direction's own file")
    (out / "plan.json").write_text('{"mine": true}', encoding="utf-8")
    before = snapshot(out)
    proc = run("solve", small, "--out", out)
    assert proc.returncode == 1
    no_traceback(proc)
    assert "not a ppi results folder" in proc.stderr
    assert snapshot(out) == before
    assert siblings(out) == {"small.yaml", "documents"}


def test_out_that_is_a_file_is_refused(small, tmp_path, capsys):
    out = tmp_path / "documents"
    out.write_text("not a folder", encoding="utf-8")
    code, _, err = main(["solve", small, "--out", out], capsys)
    assert code == 1
    assert "not a ppi results folder" in err
    assert out.read_text(encoding="utf-8") == "not a folder"
    assert siblings(out) == {"small.yaml", "documents"}


def test_empty_out_folder_is_used(small, tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    code, _, err = main(["solve", small, "--out", out, "--quiet"], capsys)
    assert code == 0, err
    assert RESULT_FILES <= {p.name for p in out.iterdir()}


def test_default_out_is_results_slug(small, tmp_path, capsys):
    code, out, err = main(["solve", small, "--quiet"], capsys, cwd=tmp_path)
    assert code == 0, err
    assert out.strip() == str(Path("results") / "petite-ville")
    assert (tmp_path / "results" / "petite-ville" / "plan.json").exists()


# --------------------------------------------------------------------------- infeasible, time limits


def test_infeasible_scenario(infeasible, tmp_path, capsys):
    out = tmp_path / "out"
    proc = run("solve", infeasible, "--out", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    no_traceback(proc)
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] == "infeasible"
    assert "projects" not in plan
    assert not (out / "projects.csv").exists()
    assert "infeasible" in proc.stdout.lower()
    code, stdout, _ = main(["verify", infeasible, out], capsys)
    assert code == 0
    assert "nothing to verify" in stdout


def hard_scenario(n_projects: int = 150, seed: int = 7) -> str:
    """150 candidates over 10 districts and 12 years under a tight envelope: HiGHS needs well over 20 s."""
    rng = random.Random(seed)
    districts = [f"q{i:02d}" for i in range(10)]
    kinds = {"maternelle": 1.0, "elementaire": 1.0, "creche": 0.05}
    years = range(2026, 2038)
    out = ["name: hard-generated", "horizon: {start: 2026, end: 2037}", "demand_kinds:"]
    out += [f"  {k}: {{weight: {w}}}" for k, w in kinds.items()]
    out += ["districts:"] + [f"  - {{id: {d}}}" for d in districts]
    out += ["demand:"]
    for d in districts:
        for k in kinds:
            scale = 10 if k == "creche" else 1
            base, growth = rng.uniform(5, 15) * scale, rng.uniform(0.0, 0.08)
            for y in years:
                value = base * (1 + growth) ** (y - 2026)
                out.append(f"  - {{district: {d}, kind: {k}, year: {y}, value: {value:.2f}}}")
    out += ["capacity:"]
    for d in districts:
        for k in kinds:
            value = rng.uniform(4, 12) * (10 if k == "creche" else 1)
            out.append(f"  - {{district: {d}, kind: {k}, year: 2026, value: {value:.0f}}}")
    profiles = ["[0.1, 0.7, 0.2]", "[0.75, 0.25]", "[1.0]", "[0.05, 0.15, 0.6, 0.2]", "[0.3, 0.7]"]
    out += ["budget:", "  annual: 9.0e6", "projects:"]
    for i in range(n_projects):
        k = rng.choice(list(kinds))
        scale = 10 if k == "creche" else 1
        cap = rng.randint(1, 6) * scale
        cost = cap * rng.uniform(0.8e6, 1.5e6) / scale
        profile = rng.choice(profiles)
        out += [
            f"  - id: p{i:03d}",
            f"    district: {rng.choice(districts)}",
            f"    capacity: {{{k}: {cap}}}",
            f"    cost: {cost:.0f}",
            f"    profile: {profile}",
            f"    delivery_lag: {profile.count(',') + 1}",
        ]
        if i % 7 == 3:
            out.append(f"    excludes: [p{i - 1:03d}]")
        if i % 11 == 5:
            out.append(f"    requires: [p{i - 2:03d}]")
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def hard(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hard") / "hard.yaml"
    path.write_text(hard_scenario(), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("limit", ["0.01", "1"])
def test_time_limit_never_claims_optimality(hard, tmp_path, limit):
    out = tmp_path / "out"
    proc = run("solve", hard, "--out", out, "--time-limit", limit)
    no_traceback(proc)
    assert proc.returncode in (0, 3), proc.stderr
    assert f"stopped by the time limit of {float(limit):g} s" in proc.stdout  # labelled as such
    assert "Status: optimal" not in proc.stdout
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["options"]["time_limit"] == float(limit)
    if proc.returncode == 3:
        assert plan["status"] == "no_solution"
        assert "projects" not in plan
    else:
        # Far from provable in this time (a 20 s run still has a gap above 1 %).
        assert plan["status"] == "feasible", plan["status"]
        assert plan["gap"] is None or plan["gap"] > 1e-4
        check = run("verify", hard, out)
        assert check.returncode == 0, check.stdout


# --------------------------------------------------------------------------- validate, schema, usage


def test_validate_example():
    proc = run("validate", EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout
    assert "41 projects" in proc.stdout
    assert "12 districts" in proc.stdout
    no_traceback(proc)


def test_validate_invalid(capsys):
    code, out, err = main(["validate", INVALID_DIR / "requires-cycle.yaml"], capsys)
    assert code == 1
    assert "requires form a cycle" in err
    assert "requires-cycle.yaml:24" in err
    assert out == ""


def test_validate_prints_warnings(tmp_path, capsys):
    path = tmp_path / "warn.yaml"
    path.write_text(SMALL.replace("STATUS", "maturity: idee\n    latest_start: 2027"), encoding="utf-8")
    code, out, err = main(["validate", path], capsys)
    assert code == 0, err
    assert "valid" in out
    assert "warning:" in err and "cannot start" in err


def test_schema_prints_json():
    proc = run("schema")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(json.dumps(scenario_json_schema()))


def test_schema_out_file(tmp_path, capsys):
    path = tmp_path / "scenario.schema.json"
    code, out, _ = main(["schema", "--out", path], capsys)
    assert code == 0
    assert out == ""
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(scenario_json_schema()))


def test_usage_error_exits_1_subprocess():
    proc = run("solve", "x.yaml", "--time-limit", "-1")
    assert proc.returncode == 1, proc.stderr
    assert "usage:" in proc.stderr
    no_traceback(proc)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["solve"],
        ["solve", "x.yaml", "--time-limit", "-1"],
        ["solve", "x.yaml", "--time-limit", "soon"],
        ["solve", "x.yaml", "--gap", "0"],
        ["solve", "x.yaml", "--solver", "gurobi"],
        ["solve", "x.yaml", "--no-such-option"],
        ["verify", "x.yaml"],
    ],
    ids=lambda a: " ".join(a) or "no-arguments",
)
def test_usage_errors_exit_1(args, capsys):
    code, _, err = main(args, capsys)
    assert code == 1, err
    assert "usage:" in err
    assert "Traceback" not in err


def test_help_exits_0(capsys):
    code, out, _ = main(["--help"], capsys)
    assert code == 0
    assert "solve" in out and "verify" in out


@pytest.mark.parametrize("debug", [False, True])
def test_internal_error_exit_4_traceback_only_with_debug(debug, monkeypatch, capsys):
    """A bug (simulated: the loader raises RuntimeError) is exit 4; its traceback shows only with --debug."""
    import models

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(models, "load_scenario", broken)
    code, _, err = main([*(["--debug"] if debug else []), "validate", EXAMPLE], capsys)
    assert code == 4, err
    assert "simulated bug" in err
    if debug:
        assert "Traceback" in err
    else:
        assert "Traceback" not in err
        assert "internal error: RuntimeError: simulated bug" in err
        assert "--debug" in err


def test_console_script():
    exe = shutil.which("ppi")
    if exe is None:
        pytest.skip("the ppi console script is not on PATH (pip install -e .)")
    proc = subprocess.run([exe, "validate", str(EXAMPLE)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout


def test_a_table_outside_the_scenario_folder_needs_allow_outside_files_in_every_command(tmp_path):
    folder = tmp_path / "scenario"
    folder.mkdir()
    (tmp_path / "shared").mkdir()
    demand = "district,kind,year,value\nnord,classes,2026,10\nsud,classes,2026,9\n"
    (tmp_path / "shared" / "demand.csv").write_text(demand, encoding="utf-8")
    text = SMALL.replace("STATUS", "status: mandatory").replace("annual: 1.5e6", "annual: 0.5e6")
    start, end = text.index("demand:\n"), text.index("capacity:\n")
    path = folder / "s.yaml"
    path.write_text(text[:start] + "demand: {file: ../shared/demand.csv}\n" + text[end:], encoding="utf-8")
    refused = run("validate", path)
    assert refused.returncode == 1
    no_traceback(refused)
    assert "is outside the scenario's folder" in refused.stderr and "--allow-outside-files" in refused.stderr
    assert run("validate", path, "--allow-outside-files").returncode == 0
    # An infeasible solve: its diagnosis reads the scenario again (with the same permission) to check remedies.
    out = tmp_path / "out"
    solved = run("solve", path, "--allow-outside-files", "--out", out)
    assert solved.returncode == 2, solved.stderr
    assert "--set budget.annual." in solved.stdout  # a remedy, checked by loading the scenario again
    assert run("report", out, "--allow-outside-files").returncode == 0
    assert run("report", out, "--force").returncode == 1  # the plan's scenario is read again: refused
    fixed = "budget.annual=1e6"
    sweep = run(
        "sweep",
        path,
        "--set",
        fixed,
        "--budget-scale",
        "1,2",
        "--workers",
        "1",
        "--allow-outside-files",
        "--out",
        tmp_path / "sweep",
    )
    assert sweep.returncode == 0, sweep.stderr


def test_version_and_a_missing_results_folder(capsys):
    """`ppi --version`; `ppi report` of a folder that does not exist is not called a scenario file."""
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("ppi ")
    assert cli.main(["report", "results/nowhere"]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert "no such results folder, plan file or scenario" in err and "scenario file" not in err


@pytest.mark.parametrize(
    ("value", "text"),
    [(9.523e-05, "0.000095"), (-0.0, "0"), (-1e-9, "0"), (float("nan"), "—"), (1234567.0, "1,234,567"), (0.5, "0.5")],
)
def test_printed_tables_show_plain_numbers(value, text):
    """No NaN, no 9.523e-05, no -0 in the tables the command line prints."""
    assert cli._number(value) == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["solve", str(EXAMPLE), "--gap", "abc"], "argument --gap: must be a number, got 'abc'"),
        (["solve", str(EXAMPLE), "--gap", "0"], "argument --gap: must be positive, got '0'"),
        (["revise", "out", "--year", "2027", "--move-cost", "-1"], "--move-cost: must be zero or more, got '-1'"),
        (["revise", "out", "--year", "2027", "--drop-cost", "x"], "--drop-cost: must be a number, got 'x'"),
        (["robustness", str(EXAMPLE), "--gamma", "1,lots"], "a Γ level is a number of projects (or none), got 'lots'"),
        (["robustness", str(EXAMPLE), "--gamma", "2000"], "a Γ level is between 0 and 1000 projects, got '2000'"),
    ],
)
def test_a_number_option_out_of_its_range_is_refused_with_its_reason(args, message, capsys):
    """Every number option (cli.py `_number_option`) names the option, what it must be and what it got, exit 1."""
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    assert stop.value.code == 1
    assert message in capsys.readouterr().err
