"""Money at any scale (issue 16, part 2): the matrix's money unit follows the data (solver.formulation.money_unit),
so that an engine's feasibility tolerance never turns into a plan over an envelope that the verifier refuses.

Random small scenarios of tests/solver/test_properties.py with every amount multiplied by a factor, from
hundreds of euros to tens of billions: the optimum is the brute force's and the plan verifies."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import scenario_from_dict
from models.plan import Status
from solver.formulation import MEUR, build_model, money_unit
from tests.helpers import brute_force, make_scenario, project, rows, solve_and_verify
from tests.solver.test_properties import EXACT, close, common_settings, scenario_data

FACTORS = [1e-3, 1e-1, 10.0, 1e3, 1e4]  # amounts of 1e5–2e6 € become 1e2 € … 2e10 €


def scaled(data: dict[str, Any], factor: float) -> dict[str, Any]:
    """Every amount of money × factor (and the cost weight ÷ factor, so the objective is unchanged)."""
    out = copy.deepcopy(data)
    budget = out["budget"]
    budget["annual"] = {y: v * factor for y, v in budget["annual"].items()}
    if "total" in budget:
        budget["total"]["amount"] *= factor
    for p in out["projects"]:
        p["cost"] *= factor
        if "operating_cost" in p:
            p["operating_cost"] *= factor
    prospective = out.get("finance", {}).get("prospective")
    if prospective:
        for key in ("revenue", "spending", "debt", "debt_repayment", "max_borrowing"):
            if prospective.get(key) is not None:
                prospective[key] *= factor
    weight = out["objective"].get("cost_weight")
    if weight:
        out["objective"]["cost_weight"] = weight / factor
    return out


@common_settings(120)
@given(scenario_data(), st.sampled_from(FACTORS))
def test_optimum_equals_brute_force_at_any_scale(data, factor):
    s = scenario_from_dict(scaled(data, factor))
    best = brute_force(s)
    plan = solve_and_verify(s, **EXACT)  # asserts that the verifier accepts the plan
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    assert close(plan.objective, best[0]), (factor, plan.objective, best[0])


@pytest.mark.parametrize(
    ("cost", "unit"),
    [(1.0e6, MEUR), (123_450.0, MEUR), (123_456.0, 1e5), (1234.5, 1e4), (12.34, 1e3), (0.125, 1e3)],
)
def test_the_money_unit_keeps_the_engine_tolerance_under_a_tenth_of_the_finest_amount(cost, unit):
    """Whole tens of euros: M€ (1e-6 M€ = 1 € < 10 €); whole euros: 100 k€ units; cents: k€ units."""
    s = make_scenario(projects=[project("p", cost=cost)], demand=rows({2026: 1.0}), envelope=10 * cost)
    assert money_unit(s) == unit
    model = build_model(s)
    assert model.money == unit
    assert model.row_upper[model.row("budget[2026]")] == pytest.approx(10 * cost / unit)


def test_a_plan_one_euro_over_a_few_hundred_euros_is_not_taken():
    """Two projects of 300 € and 201 €, both to start in 2026, against a 500 € envelope: in M€ the 1 € overrun
    is within HiGHS' tolerance; here the plan takes one project, and verifies."""
    s = make_scenario(
        projects=[
            project(pid, cost=cost, earliest_start=2026, latest_start=2026)
            for pid, cost in (("a", 300.0), ("b", 201.0))
        ],
        demand=rows({2026: 2.0, 2027: 2.0, 2028: 2.0}),
        envelope=500.0,
    )
    plan = solve_and_verify(s, **EXACT)
    assert plan.status is Status.OPTIMAL and len(plan.chosen) == 1


def test_a_diagnosis_at_a_small_scale_sizes_its_remedy_to_the_money_at_stake():
    """A committed 600 € project against a 500 € envelope: the remedy raises the envelope to 600 €, not to the
    10 k€ step that suits a city's envelopes."""
    import ppi

    s = make_scenario(
        projects=[project("a", cost=600.0, status="committed", start=2026)], demand=rows({2026: 1.0}), envelope=500.0
    )
    edits = [c.edit for r in ppi.diagnose(s).remedies for c in r.changes]
    assert "budget.annual.2026=600" in edits
