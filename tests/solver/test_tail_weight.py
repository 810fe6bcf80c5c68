"""The weight of the tail years (`objective.tail_weight`, docs/model.md "The weight of the tail years"): the
unmet demand and transfers of each year after the PPI count at tail weight × discount; the formulation, the
evaluation, the verifier and the brute force agree; 1 (the default) changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.edits import derive, parse_set
from models.evaluate import evaluate_plan
from models.load import load_scenario, scenario_from_dict
from models.plan import Plan, Status
from results.record import plan_to_dict
from results.verify import verify_plan
from solver.formulation import build_model
from tests.helpers import brute_force, make_scenario, make_scenario_dict, project, rows, solve_and_verify
from tests.solver.test_properties import EXACT, close, common_settings, scenario_data

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "exemple-ville" / "scenario.yaml"

# One class missing in d every year of 2026-2027 and of the two tail years 2028-2029; discount 10 % a year.
MISSING = dict(years=(2026, 2027), tail_years=2, demand=rows({2026: 1, 2027: 1}), discount_rate=0.1)


def _with_weight(data: dict[str, Any], weight: float | None, tail_years: int | None = None) -> dict[str, Any]:
    """The scenario data with `objective.tail_weight` (and, when given, the rule 'tail' with that many years)."""
    objective = dict(data.get("objective") or {})
    if weight is not None:
        objective["tail_weight"] = weight
    out = {**data, "objective": objective}
    if tail_years is not None:  # at least every project's last CP offset: a shorter tail would cut windows
        paid = [max(i for i, share in enumerate(p["profile"]) if share) for p in data.get("projects", [])]
        years = max([tail_years, *paid])
        out["horizon"] = {"start": data["horizon"]["start"], "end": data["horizon"]["end"], "tail_years": years}
    return out


def test_year_weight_is_the_discount_times_the_tail_weight_after_the_ppi():
    s = scenario_from_dict(_with_weight(make_scenario_dict(**MISSING), 0.5))
    assert s.tail == (2028, 2029) and s.tail_weight == 0.5
    assert dict(s.year_weight) == pytest.approx({2026: 1.0, 2027: 1 / 1.1, 2028: 0.5 / 1.1**2, 2029: 0.5 / 1.1**3})
    assert dict(s.discount) == pytest.approx({y: 1.1 ** -(y - 2026) for y in s.years})  # the discount is unchanged


def test_unmet_demand_in_the_tail_counts_at_its_weight():
    # Nothing to build: unmet 1 class every year. Objective 1 + 1/1.1 + w (1/1.1² + 1/1.1³).
    for weight in (1.0, 0.5, 0.0):
        s = scenario_from_dict(_with_weight(make_scenario_dict(**MISSING), weight))
        expected = 1 + 1 / 1.1 + weight * (1 / 1.1**2 + 1 / 1.1**3)
        plan = solve_and_verify(s)  # the verifier recomputes the same objective from the plan alone
        assert plan.objective == pytest.approx(expected, rel=1e-9), weight
        ev = evaluate_plan(s, plan.starts)
        assert ev.unmet_term == pytest.approx(expected, rel=1e-9)
        assert ev.unmet_term_by_kind["classes"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("engine", ["highs", "cbc", "cpsat", "scipy"])
def test_every_engine_reads_the_tail_weight_from_the_matrix(engine):
    # LATE below at weight 0.5: a (started 2027, serving the tail year 2028) is worth 0.5 for 0.01.
    s = scenario_from_dict(_with_weight(make_scenario_dict(**LATE), 0.5))
    plan = solve_and_verify(s, solver=engine)
    assert dict(plan.starts) == {"a": 2027} and plan.objective == pytest.approx(2.01, rel=1e-6)


def test_the_unmet_and_transfer_columns_of_tail_years_carry_the_tail_weight():
    # d misses one class every year, e has one spare: one unit goes next door each year at penalty 0.3.
    # Objective 0.3 (1 + 1/1.1) + 0.3 w (1/1.1² + 1/1.1³); the transfer column of 2029 costs 0.3 w / 1.1³.
    data = make_scenario_dict(**MISSING)
    data["districts"] = [{"id": "d", "neighbours": ["e"]}, {"id": "e"}]
    data["capacity"] = rows({2026: 1}, district="e")
    data["transfers"] = {"max_units": 1.0, "penalty": 0.3}
    s = scenario_from_dict(_with_weight(data, 0.25))
    m = build_model(s)
    names = list(m.col_names)
    assert m.c[names.index("unmet[d,classes,2029]")] == pytest.approx(0.25 / 1.1**3)
    assert m.c[names.index("unmet[d,classes,2027]")] == pytest.approx(1 / 1.1)
    assert m.c[names.index("transfer[d,e,classes,2029]")] == pytest.approx(0.3 * 0.25 / 1.1**3)
    assert m.c[names.index("transfer[d,e,classes,2026]")] == pytest.approx(0.3)
    plan = solve_and_verify(s)
    assert plan.objective == pytest.approx(0.3 * (1 + 1 / 1.1) + 0.3 * 0.25 * (1 / 1.1**2 + 1 / 1.1**3), rel=1e-9)
    assert evaluate_plan(s, plan.starts, plan.transfers).transfer_term == pytest.approx(plan.objective, rel=1e-9)


# One class missing in d every year of 2026-2027 and in the tail year 2028; a costs 10 M€ (half in its start
# year, half the next) and serves from the year after its start; the only start the envelopes allow is 2027,
# so a serves 2028 alone, a tail year.
LATE = dict(
    years=(2026, 2027),
    envelope={2026: 0.0, 2027: 5e6},
    demand=rows({2026: 1, 2027: 1}),
    projects=[project("a", cost=10e6, profile=[0.5, 0.5], delivery_lag=1)],
    cost_weight=1e-9,
)


@pytest.mark.parametrize(
    ("weight", "start", "objective"),
    [
        (1.0, 2027, 2 + 0.01),  # serves 2028: unmet 1 + 1 + 0, plus 10 M€ × 1e-9
        (0.5, 2027, 2 + 0.01),  # still worth it: 0.5 saved for 0.01
        (0.0, None, 2.0),  # paid, not rewarded: the cost weight keeps it out
    ],
)
def test_a_project_serving_only_the_tail_is_paid_and_worth_the_tail_weight(weight, start, objective):
    s = scenario_from_dict(_with_weight(make_scenario_dict(**LATE), weight))
    assert s.tail == (2028,)
    plan = solve_and_verify(s)
    assert dict(plan.starts) == {"a": start}
    assert plan.objective == pytest.approx(objective, rel=1e-9)


def test_a_forced_project_serving_only_the_tail_is_still_charged_with_weight_zero():
    s = scenario_from_dict(_with_weight(make_scenario_dict(**LATE), 0.0))
    forced = derive(s, [parse_set("projects.a.status=mandatory")])
    plan = solve_and_verify(forced)
    assert dict(plan.starts) == {"a": 2027}
    ev = evaluate_plan(forced, plan.starts)
    assert ev.budget.set_index("year").loc[2028, "spent"] == pytest.approx(5e6)  # its last CP, in the tail
    assert plan.objective == pytest.approx(2 + 0.01, rel=1e-9)


def test_the_verifier_refuses_an_objective_counted_with_the_wrong_tail_weight():
    full = scenario_from_dict(_with_weight(make_scenario_dict(**MISSING), 1.0))
    half = scenario_from_dict(_with_weight(make_scenario_dict(**MISSING), 0.5))
    plan = solve_and_verify(full)
    doc = plan_to_dict(half, plan)  # half's plan.json, with the objective counted at weight 1
    check = verify_plan(half, doc)
    assert not check.ok
    assert any(v.startswith("objective: plan reports") for v in check.violations), check.violations
    assert check.objective == pytest.approx(1 + 1 / 1.1 + 0.5 * (1 / 1.1**2 + 1 / 1.1**3))
    assert any(v.startswith("bound") for v in check.violations)  # the bound proven at weight 1 is above it too
    doc["objective"] = doc["bound"] = check.objective
    assert verify_plan(half, doc).ok


def test_the_tail_weight_changes_nothing_without_tail_years_and_says_so():
    for rule in ("open", "complete"):
        s = scenario_from_dict(_with_weight(make_scenario_dict(**{**MISSING, "tail_years": None}, end_rule=rule), 0))
        assert s.tail == () and dict(s.year_weight) == dict(s.discount)
        assert any(
            "objective.tail_weight" in w and f"the tail weight 0 changes nothing: under the end rule '{rule}'" in w
            for w in s.warnings
        ), s.warnings
        plan = Plan(scenario=s.name, status=Status.FEASIBLE, solver="", starts={})
        assert verify_plan(s, plan_to_dict(s, plan)).objective == pytest.approx(1 + 1 / 1.1)


@pytest.mark.parametrize("value", ["1.5", "-0.1", "abc", "true"])
def test_a_tail_weight_outside_0_1_or_not_a_number_is_refused_with_its_path(value):
    from models.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"objective\.tail_weight"):
        derive(make_scenario(**MISSING), [parse_set(f"objective.tail_weight={value}")])


def test_the_default_is_weight_one_and_exemple_ville_is_unchanged():
    assert not any("tail_weight" in w for w in make_scenario(end_rule="open").warnings)
    s = load_scenario(EXAMPLE)
    assert s.tail and s.tail_weight == 1.0 and dict(s.year_weight) == dict(s.discount)
    explicit = derive(s, [parse_set("objective.tail_weight=1")])
    a, b = build_model(s), build_model(explicit)
    assert np.array_equal(a.c, b.c) and list(a.col_names) == list(b.col_names)  # the same objective, bit for bit
    plan = solve_and_verify(s)
    assert plan.status is Status.OPTIMAL
    assert plan.objective == pytest.approx(287.225753, abs=5e-3)  # docs/model.md, issue 16's measured value


# --------------------------------------------------------------------------- property: against the brute force


# The random scenarios of tests/solver/test_properties.py, with a tail of one or two years or more (the weight
# only matters there; the drawn end rule is replaced) and a tail weight.
TAILS = st.sampled_from([1, 2])


@common_settings(80)
@given(scenario_data(), st.sampled_from([0.0, 0.3, 0.5, 1.0]), TAILS)
def test_optimum_with_a_tail_weight_equals_brute_force(data, weight, tail_years):
    s = scenario_from_dict(_with_weight(data, weight, tail_years))
    assert s.tail and s.tail_weight == weight
    best = brute_force(s)
    plan = solve_and_verify(s, **EXACT)
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    assert close(plan.objective, best[0]), (plan.objective, best[0], weight)


@common_settings(40)
@given(scenario_data(transfers=True), st.sampled_from([0.0, 0.3, 0.5]), TAILS)
def test_optimum_with_transfers_and_a_tail_weight_equals_brute_force(data, weight, tail_years):
    s = scenario_from_dict(_with_weight(data, weight, tail_years))
    best = brute_force(s)
    plan = solve_and_verify(s, **EXACT)
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert close(plan.objective, best[0]), (plan.objective, best[0], weight)


# ------------------------------------------------------------------------------- through the generic paths


def test_a_sweep_varies_the_tail_weight(tmp_path):
    import ppi

    s = scenario_from_dict(make_scenario_dict(**MISSING), source="<test>")
    result = ppi.sweep(s, tmp_path / "sweep", vary={"objective.tail_weight": [0, 0.5, 1]}, workers=1)
    table = result.table.sort_values("vary objective.tail_weight")
    assert list(table["status"]) == ["optimal"] * 3
    expected = [1 + 1 / 1.1 + w * (1 / 1.1**2 + 1 / 1.1**3) for w in (0, 0.5, 1)]
    assert list(table["objective"]) == pytest.approx(expected, rel=1e-9)
