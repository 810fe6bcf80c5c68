"""Neighbouring sectors: demand of a full district met by spare capacity next door, within the cap, at a
penalty; the model family (`transfer[...]`, `transfer_cap[...]`, `served[...]` rows), hand-solved cases on
every engine, and the verifier's checks of transfers."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given

from models.load import scenario_from_dict
from models.plan import Status
from results.record import plan_to_dict
from results.verify import verify_plan
from solver.formulation import build_model
from tests.helpers import make_scenario_dict, project, rows, solve_and_verify
from tests.solver.test_properties import common_settings, scenario_data

ENGINES = ["highs", "cbc", "scipy"]
K = "classes"


def two_districts(
    demand_a: float = 10.0,
    capacity_a: float = 7.0,
    demand_b: float = 5.0,
    capacity_b: float = 8.0,
    transfers: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Districts a (full) and b (spare capacity), neighbours listed on a's side only; one year."""
    return make_scenario_dict(
        years=(2026, 2026),
        districts=[{"id": "a", "neighbours": ["b"]}, {"id": "b"}],
        demand=rows({2026: demand_a}, "a") + rows({2026: demand_b}, "b"),
        capacity=rows({2026: capacity_a}, "a") + rows({2026: capacity_b}, "b"),
        transfers=transfers if transfers is not None else {"max_share": 0.2, "penalty": 0.25},
        **overrides,
    )


@pytest.mark.parametrize("solver", ENGINES)
def test_a_full_district_is_served_next_door_within_the_cap(solver):
    """a lacks 3 classes; b has 3 spare; the cap is 20 % of a's demand of 10 = 2: 2 go to b, 1 stays unmet.
    Objective = 1 (unmet) + 0.25 × 2 (penalty) = 1.5."""
    s = scenario_from_dict(two_districts())
    plan = solve_and_verify(s, solver=solver)
    assert plan.status is Status.OPTIMAL
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 2.0})
    assert plan.objective == pytest.approx(1.5)


@pytest.mark.parametrize("solver", ENGINES)
def test_never_beyond_the_spare_capacity_next_door(solver):
    """b has only 1 spare class (6 for 5): 1 goes next door, 2 stay unmet: 2 + 0.25 = 2.25."""
    s = scenario_from_dict(two_districts(capacity_b=6.0))
    plan = solve_and_verify(s, solver=solver)
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 1.0})
    assert plan.objective == pytest.approx(2.25)


def test_max_units_and_max_share_together_take_the_smaller():
    """20 % of 10 = 2 and max_units 1.5: 1.5 go next door: 1.5 unmet + 0.25 × 1.5 = 1.875."""
    s = scenario_from_dict(two_districts(transfers={"max_share": 0.2, "max_units": 1.5, "penalty": 0.25}))
    plan = solve_and_verify(s)
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 1.5})
    assert plan.objective == pytest.approx(1.875)


def test_neighbours_are_symmetric():
    """Listed on a's side only, b's overflow may also go to a."""
    s = scenario_from_dict(two_districts(demand_a=5.0, capacity_a=8.0, demand_b=10.0, capacity_b=7.0))
    assert s.neighbours == {"a": ("b",), "b": ("a",)}
    plan = solve_and_verify(s)
    assert dict(plan.transfers) == pytest.approx({("b", "a", K, 2026): 2.0})


def test_a_penalty_of_one_or_more_means_no_transfer():
    s = scenario_from_dict(two_districts(transfers={"max_share": 0.2, "penalty": 1.0}))
    assert any("penalty of 1 or more" in w for w in s.warnings)
    plan = solve_and_verify(s)
    assert not plan.transfers
    assert plan.objective == pytest.approx(3.0)


def test_transfers_are_off_without_the_block():
    data = two_districts()
    del data["transfers"]
    s = scenario_from_dict(data)
    assert not s.transfers_on
    assert any("transfers are off" in w for w in s.warnings)
    model = build_model(s)
    assert not model.transfer_col
    assert solve_and_verify(s).objective == pytest.approx(3.0)


def test_only_the_kinds_listed_move():
    """Two kinds short in a; only `places` may be transferred."""
    data = two_districts(transfers={"max_share": 0.5, "penalty": 0.5, "kinds": ["places"]})
    data["demand_kinds"]["places"] = {"unit": "places", "weight": 1.0}
    data["demand"] += rows({2026: 10.0}, "a", "places") + rows({2026: 0.0}, "b", "places")
    data["capacity"] += rows({2026: 8.0}, "a", "places") + rows({2026: 5.0}, "b", "places")
    s = scenario_from_dict(data)
    plan = solve_and_verify(s)
    assert dict(plan.transfers) == pytest.approx({("a", "b", "places", 2026): 2.0})
    assert plan.objective == pytest.approx(3.0 + 0.5 * 2.0)  # classes: 3 unmet; places: 2 moved


def test_no_transfer_between_districts_that_are_not_neighbours():
    """a-b and b-c are neighbours, a and c are not: c's spare capacity cannot take a's pupils directly,
    and b has none to give."""
    data = make_scenario_dict(
        years=(2026, 2026),
        districts=[{"id": "a", "neighbours": ["b"]}, {"id": "b", "neighbours": ["c"]}, {"id": "c"}],
        demand=rows({2026: 10.0}, "a") + rows({2026: 5.0}, "b") + rows({2026: 0.0}, "c"),
        capacity=rows({2026: 7.0}, "a") + rows({2026: 5.0}, "b") + rows({2026: 9.0}, "c"),
        transfers={"max_share": 1.0, "penalty": 0.1},
    )
    s = scenario_from_dict(data)
    model = build_model(s)
    assert ("a", "c", K, 2026) not in model.transfer_col
    plan = solve_and_verify(s)
    # The only way: b sends 3 of its own pupils to c, and a sends 3 to b's freed classes (a chain).
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 3.0, ("b", "c", K, 2026): 3.0})
    assert plan.objective == pytest.approx(0.1 * 6.0)


def test_a_project_next_door_is_chosen_for_the_neighbour_demand():
    """b has no shortage of its own; a project there is worth it only for a's overflow (clipped coefficients
    must still count it: R_b + M_b = −0 + 2)."""
    data = two_districts(capacity_b=5.0, projects=[project("ext-b", district="b", capacity={K: 2.0})])
    s = scenario_from_dict(data)
    plan = solve_and_verify(s)
    assert plan.starts["ext-b"] == 2026
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 2.0})
    assert plan.objective == pytest.approx(1.5)


def test_penalty_is_discounted_like_unmet_demand():
    data = two_districts(discount_rate=0.5)
    data["horizon"] = {"start": 2026, "end": 2027}
    s = scenario_from_dict(data)
    plan = solve_and_verify(s)
    assert plan.objective == pytest.approx(1.5 + 1.5 / 1.5)


def test_model_rows_and_names():
    """Three neighbours of a: one transfer column each, bounded by the cap, and a transfer_cap row."""
    data = make_scenario_dict(
        years=(2026, 2026),
        districts=[{"id": "a", "neighbours": ["b", "c", "e"]}, {"id": "b"}, {"id": "c"}, {"id": "e"}],
        demand=rows({2026: 10.0}, "a"),
        capacity=rows({2026: 2.0}, "a") + rows({2026: 1.0}, "b") + rows({2026: 1.0}, "c") + rows({2026: 1.0}, "e"),
        transfers={"max_share": 0.9, "penalty": 0.5},
    )
    s = scenario_from_dict(data)
    full = build_model(s, reduce_transfers=False)
    assert {k[:2] for k in full.transfer_col} == {("a", "b"), ("a", "c"), ("a", "e")}
    assert "transfer_cap[a,classes,2026]" in full.row_names
    # max(R, 0) + T = 8 + 9 > D = 10: the served row can bind and is there.
    assert "served[a,classes,2026]" in full.row_names
    for j in full.transfer_col.values():
        assert full.col_upper[j] == pytest.approx(9.0)
        assert full.c[j] == pytest.approx(0.5)
    # Reduced (the default): each neighbour can take 1 class at most (its spare), so each column is bounded by 1
    # and the cap of 9 can no longer bind: no transfer_cap row; 8 + 3 > 10: the served row stays, same name.
    model = build_model(s)
    assert {k[:2] for k in model.transfer_col} == {("a", "b"), ("a", "c"), ("a", "e")}
    assert "transfer_cap[a,classes,2026]" not in model.row_names
    assert "served[a,classes,2026]" in model.row_names
    for j in model.transfer_col.values():
        assert model.col_upper[j] == pytest.approx(1.0)
        assert model.c[j] == pytest.approx(0.5)
    plan = solve_and_verify(s)
    assert sum(plan.transfers.values()) == pytest.approx(3.0)  # one spare class in each neighbour
    assert plan.objective == pytest.approx(5.0 + 0.5 * 3.0)


def test_plan_json_and_reports_show_transfers():
    s = scenario_from_dict(two_districts())
    plan = solve_and_verify(s)
    data = plan_to_dict(s, plan)
    assert data["transfers"] == [{"from": "a", "to": "b", "kind": K, "year": 2026, "units": pytest.approx(2.0)}]
    bal = {(r["district"], r["kind"], r["year"]): r for r in data["balance"]}
    assert bal[("a", K, 2026)]["sent"] == pytest.approx(2.0)
    assert bal[("b", K, 2026)]["received"] == pytest.approx(2.0)
    assert data["objective_terms"]["transfers"] == pytest.approx(0.5)

    from reports.summary import format_summary

    text = format_summary(s, plan)
    assert "a → b" in text and "neighbouring district" in text


# ------------------------------------------------------------------------------------------ verifier


def verified(data: dict[str, Any], edit) -> list[str]:
    s = scenario_from_dict(data)
    plan = solve_and_verify(s)
    doc = copy.deepcopy(plan_to_dict(s, plan))
    edit(doc)
    return verify_plan(s, doc).violations


def test_verifier_refuses_a_transfer_above_the_cap():
    def edit(doc):
        doc["transfers"][0]["units"] = 2.5

    problems = verified(two_districts(capacity_b=20.0), edit)
    assert any("above the cap of 2" in p for p in problems), problems


def test_verifier_refuses_a_transfer_beyond_the_receiver_capacity():
    def edit(doc):
        doc["transfers"][0]["units"] = 2.0

    data = two_districts(capacity_b=5.0, transfers={"max_share": 0.2, "penalty": 0.25})
    data["capacity"] = rows({2026: 7.0}, "a") + rows({2026: 1.0}, "b")
    data["demand"] = rows({2026: 10.0}, "a") + rows({2026: 0.0}, "b")
    problems = verified(data, edit)
    assert any("come in from neighbours but the capacity is 1" in p for p in problems), problems


def test_verifier_refuses_transfers_between_strangers_or_without_the_block():
    def strangers(doc):
        doc["transfers"].append({"from": "a", "to": "zz", "kind": K, "year": 2026, "units": 0.5})

    assert any("are not neighbours" in p for p in verified(two_districts(), strangers))

    data = two_districts()
    del data["transfers"]

    def sneaked(doc):
        doc["transfers"] = [{"from": "a", "to": "b", "kind": K, "year": 2026, "units": 1.0}]

    assert any("allows no transfers" in p for p in verified(data, sneaked))


def test_verifier_recomputes_unmet_and_objective_with_transfers():
    def edit(doc):
        doc["transfers"] = []  # drop the transfers: the reported unmet and objective no longer hold

    problems = verified(two_districts(), edit)
    assert any(p.startswith("unmet ('a', 'classes', 2026)") for p in problems), problems
    assert any(p.startswith("objective:") for p in problems), problems


def test_transfers_continue_in_the_tail_and_the_summary_counts_the_ppi_s_years():
    """With a tail year (a project of lag 1 listed, excluded), the cap and the spare capacity continue in 2027:
    2 classes go to b in 2026 and in 2027; the objective counts both years (2 × 1.5), the printed summary
    the PPI's year only."""
    from reports.summary import _transfers_text
    from results import verified

    data = two_districts(projects=[project("x", district="a", delivery_lag=1, status="excluded")])
    s = scenario_from_dict(data)
    assert s.tail == (2027,)
    plan = solve_and_verify(s)
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 2.0, ("a", "b", K, 2027): 2.0})
    assert plan.objective == pytest.approx(3.0)
    text = _transfers_text(s, verified(s, plan).evaluation)
    assert "over 2026-2026" in text and "2.0 classes" in text and "2027" not in text


# ------------------------------------- own_cost rows: a tighter LP measured in benchmarks/transfers.py (issue 18)


def lp_bound(model) -> float:
    """The LP relaxation's optimum (integrality dropped), with SciPy's HiGHS."""
    from benchmarks.transfers import lp_bound as bound

    value = bound(model)
    assert value is not None
    return value


def with_own_cost(s):
    from benchmarks.transfers import own_cost_rows

    return own_cost_rows(build_model(s), s)


def short_next_to_spare(capacity_p: float = 3.0, cost: float = 1.0e6, envelope: float = 10.0e6) -> dict[str, Any]:
    """a lacks 2 classes and has one project p; b has 1 spare class; 1 class may move (max_units), penalty ½;
    one year."""
    return make_scenario_dict(
        years=(2026, 2026),
        envelope=envelope,
        districts=[{"id": "a", "neighbours": ["b"]}, {"id": "b"}],
        demand=rows({2026: 2.0}, "a") + rows({2026: 0.0}, "b"),
        capacity=rows({2026: 1.0}, "b"),
        transfers={"max_units": 1.0, "penalty": 0.5},
        projects=[project("p", district="a", capacity={K: capacity_p}, cost=cost)],
    )


def test_own_cost_structure():
    """R = 2 in a, T = 1 may leave, ν = ½, p brings 3 classes: g(C) = ½ min(1, (2 − C)⁺) + (2 − C − 1)⁺,
    g(0) = 1.5, g(3) = 0:

    unmet[a]:     u + 2 x + t ≥ 2            (p clipped at R + M = 2: b, never short, sends a nothing)
    own_cost[a]:  u + 1.5 x + 0.5 t ≥ 1.5

    A project of 1 class saves g(0) − g(1) = 1 (the unmet class), not 1.5. No row with a penalty of 1 or
    more, nor without transfers."""
    from tests.solver.test_constraints import approx_terms, row_bounds, row_terms

    m = with_own_cost(scenario_from_dict(short_next_to_spare()))
    unmet, start, out = "unmet[a,classes,2026]", "start[p,2026]", "transfer[a,b,classes,2026]"
    approx_terms(row_terms(m, unmet), {unmet: 1.0, start: 2.0, out: 1.0})
    approx_terms(row_terms(m, "own_cost[a,classes,2026]"), {unmet: 1.0, start: 1.5, out: 0.5})
    assert row_bounds(m, "own_cost[a,classes,2026]") == (pytest.approx(1.5), float("inf"))
    small = with_own_cost(scenario_from_dict(short_next_to_spare(capacity_p=1.0)))
    approx_terms(row_terms(small, "own_cost[a,classes,2026]"), {unmet: 1.0, start: 1.0, out: 0.5})
    data = short_next_to_spare()
    data["transfers"]["penalty"] = 1.0
    assert not [n for n in with_own_cost(scenario_from_dict(data)).row_names if n.startswith("own_cost")]
    del data["transfers"]
    assert not [n for n in with_own_cost(scenario_from_dict(data)).row_names if n.startswith("own_cost")]


def test_own_cost_makes_the_lp_the_convex_hull():
    """p (2 classes, 2 M€) against an envelope of 1 M€: the LP may take half of it. Without p, 1 class goes to
    b and 1 stays unmet: 1 + ½ = 1.5; with p, nothing is missing: 0. The plans' convex hull at p = ½ is
    0.75, and so is the LP with the own_cost row; the repository's LP puts the half project on the unmet
    class and sends the other: ½ only. The integer optimum (1.5, no p affordable) is the same in both."""
    from solver import SolveOptions
    from solver.solve import solve_matrix

    s = scenario_from_dict(short_next_to_spare(capacity_p=2.0, cost=2.0e6, envelope=1.0e6))
    assert lp_bound(with_own_cost(s)) == pytest.approx(0.75)
    assert lp_bound(build_model(s)) == pytest.approx(0.5)
    assert solve_matrix(with_own_cost(s), SolveOptions()).objective == pytest.approx(1.5)
    plan = solve_and_verify(s)
    assert plan.objective == pytest.approx(1.5)
    assert dict(plan.transfers) == pytest.approx({("a", "b", K, 2026): 1.0})


@common_settings(80)
@given(scenario_data(transfers=True))
def test_own_cost_rows_keep_the_optimum_and_only_tighten_the_lp(data):
    """Random small scenarios with transfers (the brute-force strategy of test_properties.py, whose
    `test_optimum_with_transfers_equals_brute_force` checks the repository's model against the brute force):
    the repository's optimal plan satisfies every own_cost row (they cut off no optimum), the model with
    them has the same optimum, and its LP bound is never lower."""
    import numpy as np

    from solver import SolveOptions
    from solver.solve import solve_matrix

    s = scenario_from_dict(data)
    old = build_model(s)
    new = with_own_cost(s)
    assert new.col_names == old.col_names  # rows only
    exact = SolveOptions(gap=0.0)
    a, b = solve_matrix(new, exact), solve_matrix(old, exact)
    assert a.status is b.status
    if b.status is not Status.OPTIMAL:
        return
    assert a.objective == pytest.approx(b.objective, rel=1e-6, abs=1e-6)
    activity = new.A @ b.x
    own = [i for i, name in enumerate(new.row_names) if name.startswith("own_cost[")]
    assert np.all(activity[own] >= new.row_lower[own] - 1e-6), [new.row_names[i] for i in own]
    assert lp_bound(new) >= lp_bound(old) - 1e-6


def test_the_benchmark_instances_are_reproducible():
    """benchmarks/transfers.py: the 20-school commune is the same for a seed (and differs between seeds),
    loads with transfers between the adjacent sectors of its 4 × 5 grid (31 pairs); Exemple-Ville's ring gives
    each of its 12 quartiers two neighbours."""
    from benchmarks.transfers import commune_data, ring_scenario

    assert commune_data(0) == commune_data(0) and commune_data(0) != commune_data(1)
    s = scenario_from_dict(commune_data(0))
    assert len(s.districts) == 20 and s.transfers_on
    assert sum(len(v) for v in s.neighbours.values()) == 2 * 31
    assert not scenario_from_dict(commune_data(0, transfers=False)).transfers_on
    base, ring = ring_scenario()
    assert not base.transfers_on and ring.transfers_on
    assert {len(v) for v in ring.neighbours.values()} == {2} and len(ring.neighbours) == 12


def test_the_benchmark_refuses_a_plan_not_proven_or_not_verified_and_two_optima():
    """benchmarks.transfers.check: the command fails (exit 1, no page) on any of these."""
    from benchmarks.transfers import FORMULATIONS, check

    def result(**changes):
        runs = {f: [{"status": "optimal", "verified": True, "objective": 10.0}] for f in FORMULATIONS}
        for f, run in changes.items():
            runs[f][0].update(run)
        return {"name": "x", "runs": runs}

    assert check(result()) == []
    assert check(result(repository={"status": "feasible"})) == ["x repository: feasible, verified True"]
    assert check(result(own_cost={"verified": False})) == ["x own_cost: optimal, verified False"]
    assert check(result(own_cost={"objective": 10.1})) == ["x: optimum 10.0 ≠ 10.1 with the own_cost rows"]
    assert check(result(full={"objective": 9.9})) == ["x: optimum 10.0 ≠ 9.9 with every transfer column"]
