"""The horizon end rule (docs/model.md, "The horizon end"): tail years, 'complete', 'open'.

Hand-computed cases: how long the tail is, what a tail year's envelope and demand are, which windows each rule
leaves, what the plan does with them, and what the verifier refuses.
"""

from __future__ import annotations

import pytest

from models.load import scenario_from_dict
from models.plan import Plan, Status
from results.record import plan_to_dict
from results.verify import verify_plan
from tests.helpers import make_scenario, make_scenario_dict, project, rows, solve_and_verify

# One class missing every year in district d; 2026-2027; a project a of 10 M€ paid half in its start year and
# half the next, delivered a year after its start.
LATE = dict(
    years=(2026, 2027),
    envelope={2026: 0.0, 2027: 5e6},
    demand=rows({2026: 1, 2027: 1}),
    projects=[project("a", cost=10e6, profile=[0.5, 0.5], delivery_lag=1)],
)


def test_default_tail_is_the_longest_delivery_lag():
    s = make_scenario(
        years=(2026, 2030),
        projects=[project("a", delivery_lag=2), project("b", delivery_lag=3, status="excluded"), project("c")],
    )
    assert s.horizon_end == 2030 and s.tail == (2031, 2032, 2033)  # excluded b counts: a what-if keeps the years
    assert s.years == tuple(range(2026, 2034)) and s.horizon_years == tuple(range(2026, 2031))
    assert s.last_year == 2030


def test_what_ifs_keep_the_years():
    # Excluding, forcing or shifting a project leaves the tail as it was: objectives over the same years.
    from models.edits import Exclude, Force, ShiftWindow, derive

    s = make_scenario(years=(2026, 2030), projects=[project("a", delivery_lag=3), project("b", delivery_lag=1)])
    assert s.tail == (2031, 2032, 2033)
    for edit in (Exclude("a"), Force("b"), ShiftWindow("b", 2)):
        assert derive(s, [edit]).years == s.years, edit


def test_a_shifted_window_still_charges_every_cp():
    # p pays CP over three years (last one two years after its start); the tail is one year (a's lag): its
    # window ends in 2029 so its last CP falls in 2031, the last tail year. Shifted a year later by a what-if,
    # it still ends in 2029 (a start in 2030 would pay in 2032, after every envelope).
    from models.edits import ShiftWindow, derive

    p = project("p", delivery_lag=1, profile=[0.2, 0.3, 0.5], earliest_start=2026)
    s = make_scenario(years=(2026, 2030), projects=[p])
    assert s.tail == (2031,) and s.project["p"].latest == 2029
    shifted = derive(s, [ShiftWindow("p", 1)])
    assert shifted.project["p"].earliest == 2027 and shifted.project["p"].latest == 2029


def test_the_tail_reaches_a_committed_project_s_last_cp():
    # Committed c starts in 2029 and pays CP for four years (2029-2032): the tail reaches 2032 to charge them.
    s = make_scenario(
        years=(2026, 2030),
        projects=[project("c", status="committed", start=2029, profile=[0.25] * 4), project("a", delivery_lag=1)],
    )
    assert s.tail == (2031, 2032)


def test_given_tail_years_and_the_other_rules():
    assert make_scenario(tail_years=3, projects=[project("a")]).tail == (2029, 2030, 2031)
    for rule in ("complete", "open"):
        s = make_scenario(end_rule=rule, projects=[project("a", delivery_lag=2)])
        assert s.tail == () and s.years == (2026, 2027, 2028) and s.end_rule == rule


def test_tail_years_with_another_rule_is_refused():
    with pytest.raises(Exception, match="tail_years is set but the end rule is 'open'"):
        make_scenario(end_rule="open", tail_years=2)


def test_tail_envelopes_continue_the_last_year_unless_given():
    s = make_scenario(envelope={2026: 1e6, 2027: 2e6, 2028: 3e6}, projects=[project("a", delivery_lag=2)])
    assert {y: s.envelope[y] for y in s.tail} == {2029: 3e6, 2030: 3e6}
    s = make_scenario(envelope={2026: 1e6, 2027: 2e6, 2028: 3e6, 2030: 0.5e6}, projects=[project("a", delivery_lag=2)])
    assert {y: s.envelope[y] for y in s.tail} == {2029: 3e6, 2030: 0.5e6}


def test_tail_demand_and_capacity_continue_the_tables():
    s = make_scenario(
        demand=rows({2026: 1, 2028: 3, 2030: 5}),
        capacity=rows({2026: 2}),
        capacity_changes=[{"district": "d", "kind": "classes", "year": 2027, "units": 1.0, "until": 2029}],
        projects=[project("a", delivery_lag=2)],
    )
    assert [s.demand[("d", "classes", y)] for y in s.years] == [1, 1, 3, 3, 5]  # 2030's row is read
    assert [s.existing[("d", "classes", y)] for y in s.years] == [2, 3, 3, 3, 2]  # the change ends in 2029
    assert s.discount[2030] == 1.0


def test_windows_under_each_rule():
    # p: lag 1, CP over three years (last CP two years after its start).
    p = project("p", delivery_lag=1, profile=[0.2, 0.3, 0.5])
    tail = make_scenario(years=(2026, 2030), projects=[p])
    assert tail.tail == (2031,) and tail.project["p"].latest == 2029  # paid by 2031, the last tail year
    longer = make_scenario(years=(2026, 2030), tail_years=2, projects=[p])
    assert longer.project["p"].latest == 2030
    assert make_scenario(years=(2026, 2030), end_rule="open", projects=[p]).project["p"].latest == 2029
    assert make_scenario(years=(2026, 2030), end_rule="complete", projects=[p]).project["p"].latest == 2028
    short = make_scenario(years=(2026, 2030), tail_years=1, projects=[{**p, "latest_start": 2030}])
    assert short.project["p"].latest == 2029  # an explicit window is cut where the tail still charges every CP


def test_a_cut_window_is_warned():
    data = make_scenario_dict(years=(2026, 2030), tail_years=1)
    data["projects"] = [project("p", delivery_lag=1, profile=[0.2, 0.3, 0.5], latest_start=2030)]
    s = scenario_from_dict(data)
    assert any("the window ends in 2029, not 2030" in w and "after the last tail year" in w for w in s.warnings)


def test_open_rule_leaves_cp_to_no_envelope_and_values_nothing_after_the_end():
    # Open: a started in 2027 (its explicit window) charges 5 M€ to 2027 and 5 M€ to 2028, charged to no
    # envelope; delivered in 2028 it serves no one. Unmet 1 + 1 = 2 either way; with no cost weight the
    # solver may choose it or not, but its objective is 2.
    s = make_scenario(end_rule="open", **{**LATE, "projects": [{**LATE["projects"][0], "latest_start": 2027}]})
    plan = solve_and_verify(s)
    assert plan.objective == pytest.approx(2.0)


def test_tail_charges_the_last_cp_and_values_the_late_delivery():
    # Tail (one year, 2028, envelope 5 M€ continued): a in 2027 pays 5 + 5 M€ within 2027's and 2028's
    # envelopes and serves 2028. Unmet 1 (2026) + 1 (2027) + 0 (2028) = 2; without a: 3.
    s = make_scenario(**LATE)
    assert s.tail == (2028,) and s.project["a"].latest == 2027
    plan = solve_and_verify(s)
    assert dict(plan.starts) == {"a": 2027}
    assert plan.objective == pytest.approx(2.0)
    out = plan_to_dict(s, plan)
    assert out["spending_outside_horizon"] == {}
    assert out["scenario"]["horizon"] == {"start": 2026, "end": 2027, "end_rule": "tail", "tail_years": 1}


def test_a_tail_envelope_given_as_zero_keeps_the_late_start_out():
    # The same with 2028's envelope given as 0: a's second half cannot be charged, so it never starts.
    s = make_scenario(**{**LATE, "envelope": {2026: 0.0, 2027: 5e6, 2028: 0.0}})
    plan = solve_and_verify(s)
    assert dict(plan.starts) == {"a": None}
    assert plan.objective == pytest.approx(3.0)


def test_complete_rule_keeps_only_operations_finished_by_the_end():
    # Complete: a must be paid (2 years) and delivered (1 year) by 2027: it may start in 2026 only, where the
    # envelope is 0. Nothing is chosen; unmet 2.
    s = make_scenario(end_rule="complete", **LATE)
    assert s.project["a"].start_years == (2026,)
    plan = solve_and_verify(s)
    assert dict(plan.starts) == {"a": None} and plan.objective == pytest.approx(2.0)


def _plan(scenario, starts):
    return plan_to_dict(scenario, Plan(scenario=scenario.name, status=Status.FEASIBLE, solver="", starts=starts))


def test_the_verifier_refuses_a_start_after_the_ppi():
    s = make_scenario(**LATE)
    check = verify_plan(s, _plan(s, {"a": 2028}))
    assert any("a starts in 2028, after the PPI's last year 2027" in v for v in check.violations)


def test_the_verifier_refuses_cp_after_the_last_tail_year_and_an_unfinished_complete_plan():
    others = {k: v for k, v in LATE.items() if k != "projects"}
    tail = make_scenario(tail_years=1, **others, projects=[project("a", cost=10e6, profile=[0.2, 0.3, 0.5])])
    check = verify_plan(tail, _plan(tail, {"a": 2027}))
    assert any("a pays CP until 2029, after the last tail year 2028" in v for v in check.violations)
    complete = make_scenario(end_rule="complete", **LATE)
    check = verify_plan(complete, _plan(complete, {"a": 2027}))
    assert any("the rule 'complete' needs 2027" in v for v in check.violations)


def test_finance_limits_bind_in_the_tail():
    # Revenue 10 M€, operating spending 9.45 M€: épargne brute 0.55 M€ against a floor of 5 % (0.5 M€). a costs
    # 0.1 M€ a year to run from its delivery in 2028, the tail year: 0.45 M€ there, below the floor. The
    # limits hold in every modelled year, so a stays out (unmet 3 instead of 2).
    data = make_scenario_dict(**LATE)
    data["projects"][0]["operating_cost"] = 0.1e6
    data["finance"] = {"prospective": {"revenue": 10e6, "spending": 9.45e6, "min_savings_rate": 0.05}}
    s = scenario_from_dict(data)
    plan = solve_and_verify(s)
    assert dict(plan.starts) == {"a": None} and plan.objective == pytest.approx(3.0)
    data["finance"]["prospective"]["spending"] = 9.35e6  # room for its running cost: it comes in
    plan = solve_and_verify(scenario_from_dict(data))
    assert dict(plan.starts) == {"a": 2027} and plan.objective == pytest.approx(2.0)
