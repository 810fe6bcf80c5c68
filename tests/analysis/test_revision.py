"""The revision as a whole (models/revision.py → solve → analysis/revision.py): hand-computed reasons, and on
small random communes: with a stability cost above anything a change can gain nothing announced moves; with
none the revision is the fresh solve of the remaining horizon with the projects under way committed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.revision import compare_revision
from models.load import scenario_from_dict
from models.revision import RevisionTerms, revised_document
from models.spec import ProjectStatus
from results import verified
from solver import SolveOptions, solve
from tests.helpers import make_scenario_dict, project, property_settings, random_scenario_dict, rows

EXACT = SolveOptions(gap=0.0)


def solved(scenario):
    plan = solve(scenario, EXACT)
    assert plan.status.has_plan, plan.status
    return verified(scenario, plan)  # every plan through the independent verifier


def revise(adopted_data, year, terms=None, current_data=None):
    adopted = scenario_from_dict(adopted_data, source="<adopted>")
    first = solved(adopted)
    current = scenario_from_dict(current_data or adopted_data, source="<current>")
    doc = revised_document(adopted, first.starts, current, terms or RevisionTerms(year), [])
    revised = scenario_from_dict(doc, source="<revised>")
    return adopted, first, revised, solved(revised)


def test_a_moved_operation_is_valued_by_keeping_it_at_its_adopted_year():
    # Adopted: demand 1 class from 2028, a (1 class, delivered at once) may not start before 2028 → a in 2028.
    # Now the demand comes in 2027 and a may start then; revision in 2027 with μ = 0.4: a moves to 2027
    # (stability 0.4 < 1 class-year). Keeping it in 2028 costs 1 class-year more and 0.4 of stability less:
    # the move is worth 0.6.
    before = make_scenario_dict(
        years=(2026, 2029), envelope=1e6, demand=rows({2026: 0, 2028: 1}), projects=[project("a", earliest_start=2028)]
    )
    now = {**before, "demand": rows({2026: 0, 2027: 1}), "projects": [project("a")]}
    adopted, first, revised, result = revise(before, 2027, RevisionTerms(2027, move_cost=0.4), now)
    assert first.starts["a"] == 2028 and result.starts["a"] == 2027
    found = compare_revision(adopted, first.starts, revised, result.starts)
    (change,) = found.changes
    assert (change.project, change.kind, change.adopted, change.revised) == ("a", "moved", 2028, 2027)
    assert change.parts.unit_years["classes"] == pytest.approx(1.0)
    assert change.parts.stability == pytest.approx(-0.4)
    assert change.value == pytest.approx(0.6)
    assert found.stability == pytest.approx(0.4)


def test_an_operation_under_way_is_reported_with_its_delay_and_cost():
    before = make_scenario_dict(
        years=(2026, 2029), demand=rows({2026: 1}), projects=[project("g", profile=[0.5, 0.5], delivery_lag=1)]
    )
    adopted = scenario_from_dict(before, source="<adopted>")
    first = solved(adopted)
    assert first.starts["g"] == 2026
    realised = [{"line": 2, "project": "g", "year": 2026, "paid": 0.3e6, "delay": 1, "cost": 1.2e6}]
    revised = scenario_from_dict(
        revised_document(adopted, first.starts, adopted, RevisionTerms(2027), realised), source="<revised>"
    )
    result = solved(revised)
    found = compare_revision(adopted, first.starts, revised, result.starts, reasons=False)
    (change,) = found.changes
    assert (change.kind, change.delay, change.cost, change.adopted_cost) == ("under_way", 1, 1.2e6, 1e6)
    # 1.2 M€ − 0.3 M€ paid = 0.9 M€ left, over the planned CP slid by a year that fall in 2027 or later: the
    # profile's two halves, now in 2027 and 2028 → 0.45 M€ each. Delivered in 2028 (lag 1 + 1).
    assert revised.project["g"].city_spending(2026) == pytest.approx({2026: 0.3e6, 2027: 0.45e6, 2028: 0.45e6})
    assert revised.project["g"].delivery_lag == 2
    table = {r["year"]: (r["planned"], r["revised"]) for r in found.realised}
    expected = {2026: (0.5e6, 0.3e6), 2027: (0.5e6, 0.45e6), 2028: (0.0, 0.45e6)}
    assert set(table) == set(expected) and all(table[y] == pytest.approx(expected[y]) for y in expected)


PROPERTY = property_settings(12)


def commune(seed: int) -> dict:
    return random_scenario_dict(seed, n_projects=7, n_districts=2, n_years=6, budget_per_year=4e6)


def reweighted(data: dict) -> dict:
    """The same commune whose élus now weigh a crèche place as a class and a class as a crèche place: the
    adopted plan's operations still fit (demand and envelopes as they were), but it is no longer the best."""
    return {**data, "demand_kinds": {"maternelle": {"weight": 0.05}, "creche": {"weight": 1.0}}}


def moved(revised, result) -> dict:
    return {p: (a, result.starts[p]) for p, a in revised.spec.revision.adopted.items() if result.starts[p] != a}


def test_the_reweighted_commune_reshuffles_without_a_stability_cost():
    # The example that keeps the property below from being empty: seed 0 revised in 2027 drops p2 and moves
    # p4 from 2029 to 2027 when moving costs nothing, and keeps both with a high stability cost.
    data = commune(0)
    _, _, revised, result = revise(data, 2027, RevisionTerms(2027), reweighted(data))
    assert moved(revised, result) == {"p2": (2029, None), "p4": (2029, 2027)}
    _, _, revised, result = revise(data, 2027, RevisionTerms(2027, move_cost=1e5, drop_cost=1e5), reweighted(data))
    assert moved(revised, result) == {}


@PROPERTY
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=4))
def test_a_high_stability_cost_moves_nothing_announced(seed, offset):
    # Nothing slipped and the envelopes are as adopted: the adopted plan's operations from Y on still fit, so a
    # stability cost above any gain (unmet demand is at most a few hundred unit-years here) keeps each one,
    # though the élus' weights changed.
    data = commune(seed)
    y = 2026 + offset
    terms = RevisionTerms(y, move_cost=1e5, drop_cost=1e5)
    _, first, revised, result = revise(data, y, terms, reweighted(data))
    announced = revised.spec.revision.adopted
    assert announced == {p: s for p, s in first.starts.items() if s is not None and s >= y}
    assert moved(revised, result) == {}
    assert result.evaluation.stability_term == 0.0


@PROPERTY
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=4))
def test_without_stability_cost_the_revision_is_a_fresh_solve(seed, offset):
    # μ = κ = 0, nothing locked: the revised optimum equals the optimum of the same remaining horizon, with the
    # projects under way committed, solved with no adopted operations at all.
    data = commune(seed)
    y = 2026 + offset
    _, first, revised, result = revise(data, y)
    under_way = {p for p, s in first.starts.items() if s is not None and s < y}
    assert {p.id for p in revised.projects if p.status == ProjectStatus.COMMITTED} == under_way
    doc = dict(revised.document)
    doc["revision"] = {**doc["revision"], "adopted": {}}
    fresh = solved(scenario_from_dict(doc, source="<fresh>"))
    assert result.record.objective == pytest.approx(fresh.record.objective, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "a (locked by the revision, 9.00"), ("fr", "a (verrouillé par la révision, 9,00")]
)
def test_a_locked_operation_shows_as_locked_in_the_budget_diagnosis(lang, words):
    # Adopted: a (9 M€, may not start before 2028) in 2028. Revised in 2027 with two locked years (2027, 2028):
    # a stays in 2028. Now b, mandatory in 2028 only, needs 2 M€ more: 11 M€ against 10 M€ in 2028. The
    # diagnosis lists what 2028 is charged with: a as locked (not "chosen"), b as mandatory.
    from analysis.diagnose import diagnose
    from reports.words import finding_text

    a = project("a", cost=9e6, earliest_start=2028)
    before = make_scenario_dict(years=(2026, 2029), demand=rows({2026: 0, 2028: 1}), projects=[a])
    b = project("b", cost=2e6, status="mandatory", earliest_start=2028, latest_start=2028)
    now = {**before, "projects": [a, b]}
    adopted = scenario_from_dict(before, source="<adopted>")
    first = solved(adopted)
    assert first.starts["a"] == 2028
    doc = revised_document(adopted, first.starts, scenario_from_dict(now, source="<now>"),
                           RevisionTerms(2027, locked_years=2), [])  # fmt: skip
    revised = scenario_from_dict(doc, source="<revised>")
    assert revised.project["a"].status == ProjectStatus.CANDIDATE and revised.spec.revision.locked_years == 2
    assert not solve(revised).status.has_plan
    found = [f for f in diagnose(revised).findings if f.kind == "budget_year"]
    assert found, diagnose(revised).findings
    listed = {p["id"]: p["status"] for p in found[0].values["projects"]}
    assert listed == {"a": "locked", "b": "mandatory"}
    assert words in finding_text(found[0].to_dict(), lang)


def test_an_abandoned_operation_is_dropped_by_decision_with_its_sunk_cp_and_lost_capacity():
    # g (2 classes, 1 M€: 50 % a year, delivered start + 1) starts in 2026 in the adopted plan; the réalisé of the
    # 2027 revision: it paid 400 k€ in 2026 and the city stopped it. The change says so, with no re-solve:
    # 400 k€ sunk, 2 classes that will not come; its réalisé rows: 400 k€ paid in 2026, nothing in 2027.
    data = make_scenario_dict(
        years=(2026, 2029),
        demand=rows({2026: 2}),
        projects=[project("g", capacity={"classes": 2}, profile=[0.5, 0.5], delivery_lag=1)],
    )
    adopted = scenario_from_dict(data, source="<adopted>")
    first = solved(adopted)
    assert first.starts["g"] == 2026
    row = {"line": 2, "project": "g", "year": 2026, "paid": 400e3, "abandoned": True}
    doc = revised_document(adopted, first.starts, adopted, RevisionTerms(2027, drop_cost=5.0), [row])
    revised = scenario_from_dict(doc, source="<revised>")
    result = solved(revised)
    assert result.starts["g"] is None and result.evaluation.stability_term == 0.0
    found = compare_revision(adopted, first.starts, revised, result.starts)
    (change,) = found.changes
    assert (change.project, change.kind, change.adopted, change.revised) == ("g", "abandoned", 2026, None)
    assert change.sunk == pytest.approx(400e3) and change.lost == (("classes", 2.0),)
    assert change.parts is None and found.abandoned == (change,)
    assert [(r["year"], r["revised"], r["past"]) for r in found.realised] == [(2026, 400e3, True), (2027, 0.0, False)]
