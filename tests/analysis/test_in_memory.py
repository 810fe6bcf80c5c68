"""Analyses of a scenario built in Python (`scenario_from_dict`, no file anywhere): derived, swept, explained,
put through a tornado and Monte Carlo, and diagnosed, each re-solve a typed edit of the scenario in memory.

The scenario is the hand-solved one of tests/analysis/test_explain.py: one district needing 2 classes a year
(2026–2028), 1 M€ a year; p1 (1 class, 1 M€), p2 (1 class, 1 M€, from 2027), big (2 classes, 1.5 M€). The
optimum starts p1 in 2026 and p2 in 2027: unmet 1. With twice the money, big starts in 2026: unmet 0.
"""

from __future__ import annotations

import pytest

import ppi
from analysis.diagnose import diagnose
from analysis.explain import explain
from analysis.montecarlo import Distributions, run_montecarlo
from analysis.sweep import SweepSpec, check_spec, make_points, run_sweep, tornado_points, tornado_table
from models import ScenarioError, scenario_from_dict
from models.edits import Exclude, ScaleBudget, derive
from results.record import plan_to_dict
from solver import solve
from tests.helpers import make_scenario_dict, project, rows

DATA = make_scenario_dict(
    demand=rows({2026: 2, 2027: 2, 2028: 2}),
    envelope=1e6,
    projects=[project("p1"), project("p2", earliest_start=2027), project("big", capacity={"classes": 2}, cost=1.5e6)],
)
# 2027: committed a needs 9 M€ and mandatory b (window 2027 only) 2 M€ against 10 M€: short by 1 M€.
SHORT_2027 = make_scenario_dict(
    projects=[
        project("a", cost=9e6, status="committed", start=2027),
        project("b", cost=2e6, status="mandatory", earliest_start=2027, latest_start=2027),
    ]
)


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict(DATA)


def test_derived_in_memory(scenario):
    richer = derive(scenario, [ScaleBudget(2.0), Exclude("p1")])
    assert richer.source == "<memory>" and richer.envelope[2026] == 2e6 and richer.project["p1"].status == "excluded"
    assert ppi.solve(richer).objective == pytest.approx(0.0)  # big in 2026


def test_swept_over_two_budget_points_and_resumed(scenario, tmp_path):
    spec = SweepSpec(scenario, make_points([1.0, 2.0], []))
    check_spec(spec)
    first = run_sweep(spec, tmp_path / "sweep", workers=2)  # the scenario goes to two worker processes
    assert [r["label"] for r in first.results] == ["budget×1", "budget×2"]
    assert [r["plan"]["objective"] for r in first.results] == pytest.approx([1.0, 0.0])
    assert all(r["verified"] for r in first.results)
    again = run_sweep(spec, tmp_path / "sweep", workers=1)
    assert (again.reused, again.solved) == (2, 0)
    frontier = ppi.sweep(scenario, tmp_path / "api", budget_scale=[1.0, 2.0], workers=1).table
    assert list(frontier["objective"]) == pytest.approx([1.0, 0.0])
    with pytest.raises(ScenarioError, match="no row 'zz'"):
        check_spec(SweepSpec(scenario, make_points(None, [("projects.zz.status", ["excluded"])])))


def test_explained_for_one_project(scenario, tmp_path):
    plan = plan_to_dict(scenario, solve(scenario))
    e = explain(scenario, plan, tmp_path / "explain", projects=("p2",), budget=False, workers=1)
    why = {w.change: w for w in e.projects}
    assert set(why) == {"drop", "defer"}
    assert why["drop"].delta == pytest.approx(2.0)  # p1 alone: 1 + 1 + 1 = 3
    assert why["defer"].delta == pytest.approx(1.0) and why["defer"].new_start == 2028  # 1 + 1 + 0 = 2


def test_tornado_and_monte_carlo(scenario, tmp_path):
    points = tornado_points([("budget.annual.2026", ["0", "1.5e6"])])
    result = run_sweep(SweepSpec(scenario, points), tmp_path / "tornado", workers=1)
    row = tornado_table(result.results).iloc[0]
    assert row["parameter"] == "budget.annual.2026" and row["low"] == pytest.approx(0.0)  # big in 2026
    base = solve(scenario)
    spec = SweepSpec(scenario, fixed=tuple(sorted(base.starts.items())))
    mc = run_montecarlo(scenario, spec, 3, 7, Distributions(), tmp_path / "mc", workers=1)
    assert len(mc.samples) == 3 and set(mc.samples["status"]) <= {"optimal", "feasible", "infeasible"}


def test_diagnosed_when_infeasible():
    short = scenario_from_dict(SHORT_2027)
    d = diagnose(short)
    assert d.findings[0].row == "budget[2027]"
    assert d.remedies and all(r.verified for r in d.remedies)  # checked by deriving it in memory
    assert "in_memory" not in [kind for kind, _ in d.notes]
    for remedy in d.remedies:
        assert ppi.solve(ppi.derive(short, set=list(remedy.sets))).status == "optimal"
