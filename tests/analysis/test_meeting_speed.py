"""Many solves without paying the start each time (issue 18): several scenarios solved at once in worker
processes (`analysis.sweep.solve_scenarios`, `ppi.solve_all`, `ppi compare`), and points settled within a
relaxation's bound (`analysis.sweep.settle_between`, explain's budget years).

Every answer is compared with a plain solve of the same scenario alone, from scratch: same status, same
objective (within the optimality gap), and a plan the independent verifier accepts (no timing anywhere).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import ppi
from analysis.explain import budget_points, budget_relaxation, explain
from analysis.sweep import SweepSpec, run_sweep, settle_between, solve_scenarios
from benchmarks.generate import generate_scenario
from models import scenario_from_dict
from models.edits import derive
from models.plan import OPTIMALITY_GAP
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, solve
from tests.helpers import brute_force, make_scenario_dict, project, random_scenario_dict, rows, run_cli

ROOT = Path(__file__).resolve().parents[2]


def _plain(scenario):  # -> Plan
    return solve(scenario, SolveOptions(threads=1))


def _same(result, plain, scenario) -> None:
    assert result.status == plain.status.value
    if plain.objective is not None:
        assert result.objective == pytest.approx(plain.objective, rel=OPTIMALITY_GAP, abs=1e-9)
        assert verify_plan(scenario, result.plan_json).ok


def _tiny(seed: int, envelope: float):
    """Three projects in one district: small enough for the brute force."""
    return scenario_from_dict(
        make_scenario_dict(
            name=f"tiny-{seed}",
            demand=rows({2026: 2 + seed, 2028: 4 + seed}),
            envelope=envelope,
            cost_weight=1e-9,
            projects=[
                project("p1", cost=0.9e6, capacity={"classes": 2}),
                project("p2", cost=0.5e6, earliest_start=2027),
                project("p3", cost=0.4e6, capacity={"classes": 1 + seed % 2}),
            ],
        ),
        source=f"<tiny-{seed}>",
    )


# ----------------------------------------------------------------------------- several scenarios at once


def test_scenarios_solved_together_equal_plain_solves_and_the_brute_force():
    scenarios = [_tiny(0, 1.0e6), _tiny(1, 0.6e6), _tiny(2, 2.0e6)]
    scenarios += [scenario_from_dict(random_scenario_dict(s, n_projects=12), source=f"<r{s}>") for s in (3, 4)]
    results = solve_scenarios(scenarios, workers=2)
    assert [r.scenario.name for r in results] == [s.name for s in scenarios]  # in their order
    for scenario, result in zip(scenarios, results, strict=True):
        _same(result, _plain(scenario), scenario)
        assert result.verification is not None and result.verification.ok
    for scenario, result in zip(scenarios[:3], results[:3], strict=True):
        best = brute_force(scenario)
        assert best is not None and result.objective == pytest.approx(best[0], rel=OPTIMALITY_GAP, abs=1e-9)


def test_an_infeasible_scenario_among_others_says_so():
    committed = project("c", cost=3e6, status="committed", start=2026, profile=[1.0])
    broken = scenario_from_dict(
        make_scenario_dict(name="broken", envelope=1e6, projects=[committed, project("p")]), source="<broken>"
    )
    ok = _tiny(0, 1.0e6)
    a, b = solve_scenarios([broken, ok], workers=2)
    assert a.status == _plain(broken).status.value == "infeasible"
    _same(b, _plain(ok), ok)


def test_start_plans_and_one_worker_give_the_same_answers():
    scenarios = [_tiny(0, 1.0e6), _tiny(1, 0.8e6)]
    plain = [_plain(s) for s in scenarios]
    started = solve_scenarios(scenarios, starts=[dict(p.starts) for p in plain], workers=2)
    alone = solve_scenarios(scenarios, workers=1)  # in this process
    for scenario, p, s, a in zip(scenarios, plain, started, alone, strict=True):
        _same(s, p, scenario)
        _same(a, p, scenario)
    with pytest.raises(ValueError, match="one start plan"):
        solve_scenarios(scenarios, starts=[None])


def test_ppi_solve_all_keeps_the_labels():
    scenarios = {"a": _tiny(0, 1.0e6), "b": _tiny(2, 0.7e6)}
    solved = ppi.solve_all(scenarios, workers=2)
    assert list(solved) == ["a", "b"]
    for label, scenario in scenarios.items():
        _same(solved[label], _plain(scenario), scenario)


def test_workers_started_ahead_are_taken_and_give_the_same_plans():
    """`ppi.start_workers` starts the workers before the scenarios are loaded; `solve_all` takes them (none
    left waiting) and its plans are the plain solves'."""
    from analysis import processes

    ppi.start_workers(2, workers=2)
    assert processes.spare_count() == 2
    scenarios = {"a": _tiny(1, 1.0e6), "b": _tiny(3, 0.8e6)}
    solved = ppi.solve_all(scenarios, workers=2)
    assert processes.spare_count() == 0
    for label, scenario in scenarios.items():
        _same(solved[label], _plain(scenario), scenario)
    ppi.start_workers(2, solver="auto")  # the race solves in this process: nothing started for it
    ppi.start_workers(1)  # one worker: solved in this process
    assert processes.spare_count() == 0


def test_spare_workers_nobody_takes_end_with_the_process(tmp_path):
    """A command that started workers and then failed (a bad scenario) leaves no process behind."""
    import subprocess
    import sys

    pids = tmp_path / "pids.txt"
    script = (
        "from analysis import processes\n"
        "processes.start_spare(2)\n"
        f"open({str(pids)!r}, 'w').write(' '.join(str(p.pid) for p in processes._spare))\n"
        "raise SystemExit(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    for pid in map(int, pids.read_text().split()):
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_compare_in_parallel_equals_compare_one_after_the_other(tmp_path):
    path = tmp_path / "city" / "scenario.yaml"
    path.parent.mkdir()
    data = {**generate_scenario("S", 1), "variants": {"serre": {"scale_budget": 0.8}}}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    targets = [path, f"{path}:serre"]
    tables = []
    for name, workers in (("par", "2"), ("one", "1")):
        out = tmp_path / name
        proc = run_cli("compare", *targets, "--out", out, "--report", "xlsx", "--workers", workers, "--quiet")
        assert proc.returncode == 0, proc.stderr
        tables.append(out / "summary.csv")
    par, one = (t.read_text(encoding="utf-8").splitlines() for t in tables)
    objective = [line for line in par if line.startswith("objective,")]
    assert objective and objective == [line for line in one if line.startswith("objective,")]
    refused = run_cli("compare", *targets, "--workers", "0", "--out", tmp_path / "x")
    assert refused.returncode != 0 and "--workers must be at least 1" in refused.stderr
    assert "Traceback" not in refused.stderr


# ------------------------------------------------------------------------- settled within a relaxation


def _city():
    """The generator's S city, seed 0: budget years with room and budget years at their limit."""
    return scenario_from_dict(generate_scenario("S", 0), source="<S-0>")


def test_explain_settles_the_roomy_budget_years_and_equals_plain_re_solves(tmp_path):
    scenario = _city()
    base = solve(scenario)
    plan = plan_to_dict(scenario, base)
    relaxation = budget_relaxation(scenario, dict(base.starts))
    assert relaxation is not None and len(relaxation[1]) >= 2
    e = explain(scenario, plan, tmp_path / "explain", projects=(scenario.projects[-1].id,), workers=2)
    records = [json.loads(f.read_text(encoding="utf-8")) for f in (tmp_path / "explain" / "points").glob("*.json")]
    settled = [r for r in records if r.get("settled_from")]
    assert settled and all(r["settled_from"]["label"] == relaxation[0].label for r in settled)
    assert {r["label"] for r in settled} <= set(relaxation[1])
    by_year = {b.year: b for b in e.budget}
    for point in budget_points(scenario):
        year = int(point.label.split()[1])
        plain = _plain(derive(scenario, point.edits))
        assert by_year[year].status == plain.status.value
        assert by_year[year].objective == pytest.approx(plain.objective, rel=OPTIMALITY_GAP, abs=1e-9), year
    for r in settled:  # each settled plan passes the verifier at its own envelopes, with its bound
        point = next(p for p in budget_points(scenario) if p.label == r["label"])
        assert verify_plan(derive(scenario, point.edits), r["plan"]).ok
        assert r["plan"]["status"] == "optimal" and r["plan"]["gap"] <= OPTIMALITY_GAP + 1e-9


def _spec_with_relaxation(scenario, base):
    points = tuple(budget_points(scenario))
    relaxation = budget_relaxation(scenario, dict(base.starts))
    assert relaxation is not None
    return SweepSpec(
        scenario,
        (*points, relaxation[0]),
        start=tuple(sorted(base.starts.items())),
        relaxations=((relaxation[0].label, relaxation[1]),),
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_a_sweep_with_a_relaxation_equals_plain_solves(tmp_path, workers):
    scenario = _city()
    spec = _spec_with_relaxation(scenario, solve(scenario))
    result = run_sweep(spec, tmp_path / "s", workers=workers)
    assert result.settled >= 2
    for r, point in zip(result.results, spec.points, strict=True):
        plain = _plain(derive(scenario, point.edits))
        assert r["plan"]["status"] == plain.status.value
        assert r["plan"]["objective"] == pytest.approx(plain.objective, rel=OPTIMALITY_GAP, abs=1e-9), r["label"]
    again = run_sweep(spec, tmp_path / "s", workers=workers)  # resumed: nothing solved again
    assert again.reused == len(spec.points) and again.solved == 0


def test_a_sweep_with_a_relaxation_on_a_dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    scenario = _city()
    spec = _spec_with_relaxation(scenario, solve(scenario))
    result = run_sweep(spec, tmp_path / "d", workers=2, executor="dask")
    for r, point in zip(result.results, spec.points, strict=True):
        plain = _plain(derive(scenario, point.edits))
        assert r["plan"]["objective"] == pytest.approx(plain.objective, rel=OPTIMALITY_GAP, abs=1e-9), r["label"]


def test_a_bound_too_low_or_missing_settles_nothing(tmp_path):
    scenario = _city()
    base = solve(scenario)
    spec = _spec_with_relaxation(scenario, base)
    relaxation = run_sweep(replace(spec, points=spec.points[-1:], relaxations=()), tmp_path / "r", workers=1)
    record = relaxation.results[0]
    member = next(p for p in spec.points if p.label == spec.relaxations[0][1][0])
    assert settle_between(spec, member, record) is not None  # the real bound settles it
    low = {**record, "plan": {**record["plan"], "bound": record["plan"]["objective"] * (1 - 10 * OPTIMALITY_GAP)}}
    assert settle_between(replace(spec, start=()), member, low) is None
    none = {**record, "plan": {**record["plan"], "bound": None}}
    assert settle_between(spec, member, none) is None
    infeasible = {**record, "plan": {**record["plan"], "status": "infeasible"}}
    assert settle_between(spec, member, infeasible) is None
