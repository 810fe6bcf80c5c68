"""Start plans (warm starts): a plan offered to HiGHS as its first incumbent changes how soon good plans are
found, never the optimum; a start the scenario cannot take is left out, project by project."""

from __future__ import annotations

from hypothesis import given

import ppi
from models.load import scenario_from_dict
from models.plan import Status
from solver import SolveOptions, build_model
from solver.solve import solve, start_columns, unstartable
from tests.helpers import REPO, brute_force, make_scenario, project, rows, run_cli
from tests.solver.test_properties import close, common_settings, scenario_data

EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"


def first_plan_objective(scenario, start=None) -> tuple[float, float]:
    """(objective of the first plan HiGHS reports, final objective)."""
    seen: list[float] = []
    plan = solve(
        scenario,
        SolveOptions(threads=1, progress=lambda t, p, d: seen.append(p) if p is not None else None),
        start=start,
    )
    assert plan.status is Status.OPTIMAL
    return seen[0], plan.objective


def test_the_optimum_as_start_is_the_first_plan():
    """Exemple-Ville: without a start HiGHS' first plan is well above the optimum; with the optimal plan as
    start, the first plan it reports is the optimum."""
    s = ppi.load(EXAMPLE)
    cold_first, optimum = first_plan_objective(s)
    assert cold_first > optimum * 1.05
    base = ppi.solve(s, threads=1)
    warm_first, warm_optimum = first_plan_objective(s, dict(base.plan.starts))
    assert close(warm_first, optimum) and close(warm_optimum, optimum)


def test_start_columns_leave_out_what_the_scenario_cannot_start():
    s = make_scenario(
        years=(2026, 2028),
        demand=rows({2026: 3.0, 2027: 3.0, 2028: 3.0}),
        capacity=rows({2026: 0.0, 2027: 0.0, 2028: 0.0}),
        projects=[
            project("a"),
            project("b", latest_start=2027),
            project("c", status="excluded"),
            project("done", status="committed", start=2026),
            project("phase2", requires=["b"]),
            project("early", requires=["a"]),
            project("after-done", requires=["done"]),
        ],
    )
    m = build_model(s)
    plan = {"a": 2027, "b": 2028, "c": 2026, "done": 2026, "ghost": 2027, "x": None}
    plan |= {"phase2": 2028, "early": 2026, "after-done": 2027}
    # b's window ends in 2027: b, then phase2 that requires it, are left out; early starts before a.
    assert sorted(unstartable(s, plan)) == ["b", "c", "early", "ghost", "phase2"]
    values = start_columns(s, m, plan)
    assert values[m.start_col[("a", 2027)]] == 1.0 and values[m.start_col[("after-done", 2027)]] == 1.0
    assert sum(values.values()) == 2.0
    assert set(values) == set(m.start_col.values())


@common_settings(80)
@given(scenario_data())
def test_any_start_keeps_the_optimum(data):
    """The brute-force optimum as start, or every project at its earliest year (often infeasible): the
    optimum is the brute force's either way, and the plan passes the verifier."""
    s = scenario_from_dict(data)
    best = brute_force(s)
    everything = {p.id: p.earliest for p in s.projects if p.status != "excluded"}
    for start in ([best[1]] if best else []) + [everything]:
        plan = _solve_verified(s, start)
        if best is None:
            assert plan.status is Status.INFEASIBLE
        else:
            assert plan.status is Status.OPTIMAL
            assert close(plan.objective, best[0]), (plan.objective, best, start)


def _solve_verified(s, start):
    from results.record import plan_to_dict
    from results.verify import verify_plan

    plan = solve(s, SolveOptions(gap=0.0), start=start)
    if plan.status.has_plan:
        assert verify_plan(s, plan_to_dict(s, plan)).ok
    return plan


def test_cli_start(tmp_path):
    first = run_cli("solve", EXAMPLE, "--out", tmp_path / "first", "--quiet")
    assert first.returncode == 0, first.stderr
    again = run_cli(
        "solve",
        EXAMPLE,
        "--out",
        tmp_path / "again",
        "--start",
        tmp_path / "first",
        "--set",
        "projects.ext-jean-jaures.status=excluded",
    )
    assert again.returncode == 0, again.stderr
    assert "Start plan: " in again.stderr
    assert "left out, not startable here as in that plan: ext-jean-jaures" in again.stderr
    missing = run_cli("solve", EXAMPLE, "--out", tmp_path / "x", "--start", tmp_path / "nothing")
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr and not (tmp_path / "x").exists()
