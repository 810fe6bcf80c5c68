"""The shipped example (scenarios/exemple-ville): it loads, solves to proven optimality, verifies, and is a
real arbitration — candidates left out, envelopes nearly full, demand still unmet."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.evaluate import evaluate_plan
from models.plan import OPTIMALITY_GAP, Status
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, solve
from tests.helpers import brute_feasible, brute_objective

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "exemple-ville" / "scenario.yaml"


@pytest.fixture(scope="module")
def evaluation(scenario, plan):
    return evaluate_plan(scenario, plan.starts)


def test_example_loads(scenario):
    assert scenario.horizon_years == tuple(range(2026, 2036))
    assert scenario.tail == tuple(range(2036, 2040))  # the longest delivery lag: 4 years
    assert len(scenario.districts) == 12
    assert set(scenario.kinds) == {"maternelle", "elementaire", "creche"}
    statuses = [p.status for p in scenario.projects]
    assert statuses.count("committed") >= 1 and statuses.count("mandatory") >= 1
    assert statuses.count("candidate") >= 20


def test_example_solves_to_proven_optimum(plan):
    assert plan.status is Status.OPTIMAL, plan.message
    assert plan.gap is not None and plan.gap <= OPTIMALITY_GAP
    assert plan.bound <= plan.objective + 1e-9


def test_example_plan_verifies(scenario, plan):
    check = verify_plan(scenario, plan_to_dict(scenario, plan))
    assert check.ok, str(check)
    assert check.objective == pytest.approx(plan.objective, rel=1e-6)
    # And by the brute-force helpers' own loops.
    assert brute_feasible(scenario, dict(plan.starts))
    assert brute_objective(scenario, dict(plan.starts)) == pytest.approx(plan.objective, rel=1e-6)


def test_example_statuses_respected(scenario, plan):
    for p in scenario.projects:
        if p.status == "committed":
            assert plan.starts[p.id] == p.start
        elif p.status == "mandatory":
            assert plan.starts[p.id] is not None
        elif p.status == "excluded":
            assert plan.starts[p.id] is None


def test_example_is_a_real_arbitration(scenario, plan, evaluation):
    candidates = [p.id for p in scenario.projects if p.status == "candidate"]
    chosen = [pid for pid in candidates if plan.starts[pid] is not None]
    left_out = [pid for pid in candidates if plan.starts[pid] is None]
    assert len(chosen) >= 5, chosen
    assert len(left_out) >= 5, left_out
    # Envelopes bind: several years are at least 90 % used.
    budget = evaluation.budget
    used = budget["spent"] / budget["envelope"]
    assert (used >= 0.9).sum() >= 3, used.round(3).tolist()
    assert (used <= 1 + 1e-9).all()
    # Demand remains unmet somewhere: the budget cannot buy everything.
    assert evaluation.unmet_term > 1.0
    assert (evaluation.balance["unmet"] > 1e-6).any()


def test_example_more_budget_would_serve_more(scenario, plan):
    # The budget is what limits the plan: with every envelope doubled the optimum is strictly better.
    from models.load import scenario_from_dict
    from tests.helpers import scaled_envelopes

    data = scenario.spec.model_dump(mode="python", exclude_none=True)
    richer = scenario_from_dict(scaled_envelopes(data, 2.0), source="<richer>")
    more = solve(richer, SolveOptions(solver="highs"))
    assert more.status is Status.OPTIMAL
    assert more.objective < plan.objective - 1.0
