"""The transfer columns the model keeps (`solver.formulation.transfer_arcs`, docs/model.md "Which transfer
columns the model keeps"): by hand — a column that must go, one that must stay (a chain), a chain that costs as
much as the unmet unit — and, on random small scenarios with transfers, the reduced model's optimum equals the
full model's (`build_model(..., reduce_transfers=False)`), with the names of what remains unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.load import scenario_from_dict
from models.plan import Status
from solver import SolveOptions
from solver.formulation import build_model, transfer_arcs
from solver.solve import solve_matrix
from tests.helpers import make_scenario_dict, project, rows, solve_and_verify
from tests.solver.test_properties import close, common_settings, scenario_data

K = "classes"


def pair(capacity_b: float = 5.0, years: tuple[int, int] = (2026, 2026), **overrides: Any) -> dict[str, Any]:
    """a lacks 3 classes (10 for 7), b has 5 pupils and `capacity_b` classes; 20 % of a's demand may move."""
    span = range(years[0], years[1] + 1)
    return make_scenario_dict(
        years=years,
        districts=[{"id": "a", "neighbours": ["b"]}, {"id": "b"}],
        demand=rows(dict.fromkeys(span, 10.0), "a") + rows(dict.fromkeys(span, 5.0), "b"),
        capacity=rows({years[0]: 7.0}, "a") + rows({years[0]: capacity_b}, "b"),
        transfers={"max_share": 0.2, "penalty": 0.25},
        **overrides,
    )


def chain(penalty: float) -> dict[str, Any]:
    """a-b and b-c are neighbours: a lacks 3 classes, b is exactly full, c has 9 spare; anything may move."""
    return make_scenario_dict(
        years=(2026, 2026),
        districts=[{"id": "a", "neighbours": ["b"]}, {"id": "b", "neighbours": ["c"]}, {"id": "c"}],
        demand=rows({2026: 10.0}, "a") + rows({2026: 5.0}, "b") + rows({2026: 0.0}, "c"),
        capacity=rows({2026: 7.0}, "a") + rows({2026: 5.0}, "b") + rows({2026: 9.0}, "c"),
        transfers={"max_share": 1.0, "penalty": penalty},
    )


def test_a_column_into_a_district_that_can_never_have_room_goes():
    """b is full (5 pupils, 5 classes) and has no project: a's pupils cannot go there, nor can b's go to a
    (b is never short): no transfer column; the full model has both and the same optimum (3 unmet)."""
    s = scenario_from_dict(pair())
    assert transfer_arcs(s) == {}
    model = build_model(s)
    assert not model.transfer_col
    assert not [n for n in model.row_names if n.startswith(("transfer_cap", "served"))]
    full = build_model(s, reduce_transfers=False)
    assert set(full.transfer_col) == {("a", "b", K, 2026), ("b", "a", K, 2026)}
    plan = solve_and_verify(s)
    assert plan.objective == pytest.approx(3.0) and not plan.transfers
    assert solve_matrix(full, SolveOptions()).objective == pytest.approx(3.0)


def test_a_project_next_door_keeps_the_column_bounded_by_what_it_adds():
    """A project of 1 class in b: b may have 1 spare class, so a → b stays, bounded by min(T = 2, 1, R = 3);
    in 2027 a is no longer short (its demand drops to 7): no column that year."""
    data = pair(years=(2026, 2027), projects=[project("ext-b", district="b", capacity={K: 1.0})])
    data["demand"] = [r for r in data["demand"] if not (r["district"] == "a" and r["year"] == 2027)]
    data["demand"] += rows({2027: 7.0}, "a")
    s = scenario_from_dict(data)
    assert transfer_arcs(s) == pytest.approx({("a", "b", K, 2026): 1.0})
    plan = solve_and_verify(s)
    assert plan.starts["ext-b"] == 2026
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 1.0})
    assert plan.objective == pytest.approx(2.0 + 0.25)


def test_a_chain_stays_when_two_steps_cost_less_than_the_unmet_unit():
    """Penalty 0.1: a → b → c (b passes its own pupils on to make room) is the only way; a → b is bounded by
    A[b]⁺ + T[b] = 0 + 5 (b may pass on), b → c by min(T[b] = 5, A[c] = 9). Nothing goes back: b → a (a can
    never have room), c → b (c is never short, and b → a leads nowhere)."""
    s = scenario_from_dict(chain(0.1))
    assert transfer_arcs(s) == pytest.approx({("a", "b", K, 2026): 5.0, ("b", "c", K, 2026): 5.0})
    assert set(build_model(s).transfer_col) == {("a", "b", K, 2026), ("b", "c", K, 2026)}
    plan = solve_and_verify(s)
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 3.0, ("b", "c", K, 2026): 3.0})
    assert plan.objective == pytest.approx(0.1 * 6.0)


def test_a_chain_that_costs_as_much_as_the_unmet_unit_goes():
    """Penalty ½: two steps cost 1, as a class left unmet: no column at all (one step at most, and a's only
    neighbour b can never have room); the full model finds the same optimum, 3."""
    s = scenario_from_dict(chain(0.5))
    assert transfer_arcs(s) == {}
    assert solve_and_verify(s).objective == pytest.approx(3.0)
    assert solve_matrix(build_model(s, reduce_transfers=False), SolveOptions(gap=0.0)).objective == pytest.approx(3.0)


@st.composite
def transfer_scenarios(draw) -> dict[str, Any]:
    """The random scenarios with transfers of test_properties.py, with penalties where chains of one to three
    steps pay (½ allows one step, 0.3 three) and, with three districts, sometimes a triangle (d0 also next to d2)."""
    data = draw(scenario_data(transfers=True))
    data["transfers"]["penalty"] = draw(st.sampled_from([0.0, 0.25, 0.3, 0.5, 0.9]))
    districts = data["districts"]
    if len(districts) == 3 and draw(st.booleans()):
        districts[0]["neighbours"] = [*districts[0].get("neighbours", []), "d2"]
    return data


@common_settings(80)
@given(transfer_scenarios())
def test_the_reduced_model_has_the_full_model_s_optimum(data):
    """Same status and optimum (solved to a zero gap); the reduced model's columns and rows are the full
    model's, under the same names; its plan passes the verifier."""
    s = scenario_from_dict(data)
    full, reduced = build_model(s, reduce_transfers=False), build_model(s)
    assert set(reduced.col_names) <= set(full.col_names)
    assert set(reduced.row_names) <= set(full.row_names)
    exact = SolveOptions(gap=0.0)
    a, b = solve_matrix(reduced, exact), solve_matrix(full, exact)
    assert a.status is b.status
    if b.status is not Status.OPTIMAL:
        return
    assert close(a.objective, b.objective), (a.objective, b.objective)
    plan = solve_and_verify(s, gap=0.0)
    assert close(plan.objective, b.objective)


@st.composite
def neighbourhoods(draw) -> dict[str, Any]:
    """Three or four districts in a path or a ring, one kind, two years, small random demands and capacities
    (so that short, full and spare districts sit side by side and chains may pay), up to three projects."""
    n = draw(st.integers(3, 4))
    names = [f"d{i}" for i in range(n)]
    districts = [{"id": d, "neighbours": [names[i + 1]] if i + 1 < n else []} for i, d in enumerate(names)]
    if draw(st.booleans()):
        districts[-1]["neighbours"] = [names[0]]  # a ring
    demand, capacity = [], []
    for d in names:
        demand += rows({2026: draw(st.integers(0, 6)), 2027: draw(st.integers(0, 6))}, d)
        capacity += rows({2026: draw(st.integers(0, 6))}, d)
    projects = [
        project(
            f"p{i}",
            district=draw(st.sampled_from(names)),
            capacity={K: draw(st.integers(1, 3))},
            cost=draw(st.integers(1, 4)) * 1.0e6,
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    limits = draw(st.sampled_from([{"max_share": 0.5}, {"max_units": 2.0}, {"max_share": 1.0}]))
    return make_scenario_dict(
        years=(2026, 2027),
        envelope=draw(st.integers(0, 4)) * 1.0e6,
        districts=districts,
        demand=demand,
        capacity=capacity,
        projects=projects,
        cost_weight=0.01,
        transfers={**limits, "penalty": draw(st.sampled_from([0.0, 0.2, 0.3, 0.5]))},
    )


@common_settings(60)
@given(neighbourhoods())
def test_the_reduced_model_has_the_full_model_s_optimum_on_chains_and_rings(data):
    """As above, on neighbourhoods where chains of transfers pay (the random scenarios of test_properties.py
    rarely need one)."""
    s = scenario_from_dict(data)
    exact = SolveOptions(gap=0.0)
    a, b = solve_matrix(build_model(s), exact), solve_matrix(build_model(s, reduce_transfers=False), exact)
    assert a.status is b.status
    if b.status is Status.OPTIMAL:
        assert close(a.objective, b.objective), (a.objective, b.objective)
