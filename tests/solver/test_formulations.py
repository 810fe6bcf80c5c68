"""The candidate strengthenings of benchmarks/formulations.py: hand-computed rows, and the optimum unchanged.

A strengthening measured in the benchmark must not change what it measures: with its rows the optimum still
equals the brute force of tests/helpers.py on random small scenarios (and plans stay verified), so that a
variant compared with `highs` solves the same problem.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from benchmarks.formulations import (
    EXTENSIONS,
    add_budget_covers,
    add_demand_covers,
    add_transfer_links,
    dominated_columns,
)
from models.load import scenario_from_dict
from models.plan import Status
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, build_model
from solver.solve import plan_from_result, solve_matrix
from tests.helpers import brute_force, make_scenario, project, rows
from tests.solver.test_properties import common_settings, scenario_data

EXACT = SolveOptions(gap=0.0)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def row_terms(model, name: str) -> dict[str, float]:
    r = model.row_names.index(name)
    row = model.A.getrow(r)
    return {model.col_names[j]: v for j, v in zip(row.indices, row.data, strict=True)}


def test_cover_of_two_projects_by_hand():
    """R = 10 classes, two projects of 6: the cover is u + 4 z₁ + 4 z₂ ≥ 8 — it cuts the LP point
    z = (1, 2/3), u = 0 that the row u + 6 z₁ + 6 z₂ ≥ 10 allows (4 + 8/3 < 8)."""
    s = make_scenario(
        years=(2026, 2026),
        demand=rows({2026: 10.0}),
        capacity=rows({2026: 0.0}),
        projects=[project("a", capacity={"classes": 6.0}), project("b", capacity={"classes": 6.0})],
    )
    m = add_demand_covers(build_model(s, symmetry=False))
    name = "cover[d,classes,2026,a+b]"
    assert name in m.row_names
    assert row_terms(m, name) == pytest.approx(
        {"unmet[d,classes,2026]": 1.0, "start[a,2026]": 4.0, "start[b,2026]": 4.0}
    )
    assert m.row_lower[m.row_names.index(name)] == pytest.approx(8.0)
    assert np.isinf(m.row_upper[m.row_names.index(name)])


def test_no_cover_when_the_projects_cannot_cover_the_need():
    """Two projects of 4 for a need of 10: no subset covers it, no cover row."""
    s = make_scenario(
        years=(2026, 2026),
        demand=rows({2026: 10.0}),
        capacity=rows({2026: 0.0}),
        projects=[project("a", capacity={"classes": 4.0}), project("b", capacity={"classes": 4.0})],
    )
    m = build_model(s)
    assert add_demand_covers(m).shape == m.shape


def test_link_by_hand():
    """Districts d (need 3) and e (spare 1, a project of 5), transfers capped at 2 units (max_units): e's row
    counts the project for what it can use, R + M = −1 + 2 = 1, so t[d,e] ≤ 1 + min(1, 2) z."""
    s = make_scenario(
        years=(2026, 2026),
        districts=[{"id": "d", "neighbours": ["e"]}, {"id": "e"}],
        demand=[*rows({2026: 3.0}), *rows({2026: 4.0}, district="e")],
        capacity=[*rows({2026: 0.0}), *rows({2026: 5.0}, district="e")],
        transfers={"kinds": ["classes"], "max_units": 2.0, "max_share": 1.0, "penalty": 0.5},
        projects=[project("x", district="e", capacity={"classes": 5.0})],
    )
    m = add_transfer_links(build_model(s))
    name = "link[d,e,classes,2026]"
    assert name in m.row_names
    assert row_terms(m, name) == pytest.approx({"transfer[d,e,classes,2026]": 1.0, "start[x,2026]": -1.0})
    assert m.row_upper[m.row_names.index(name)] == pytest.approx(1.0)


def _solve_extended(s, extension: str):
    model = EXTENSIONS[extension](build_model(s))
    plan = plan_from_result(s, model, solve_matrix(model, EXACT), EXACT)
    if plan.status.has_plan:
        check = verify_plan(s, plan_to_dict(s, plan))
        assert check.ok, str(check)
        assert close(plan.objective, check.objective)
    return plan


def _assert_brute_force_optimum(s, extension: str) -> None:
    best = brute_force(s)
    plan = _solve_extended(s, extension)
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL, plan.status
    assert close(plan.objective, best[0]), (plan.objective, best)


@common_settings(120)
@given(scenario_data())
def test_covers_keep_the_brute_force_optimum(data):
    _assert_brute_force_optimum(scenario_from_dict(data), "covers")


@common_settings(80)
@given(scenario_data())
def test_budget_covers_keep_the_brute_force_optimum(data):
    _assert_brute_force_optimum(scenario_from_dict(data), "budget-covers")


def test_budget_cover_by_hand():
    """Envelope 10 M€, three projects of 4 M€ each worth a class: the LP takes 2.5 of them; the cover
    x_a + x_b + x_c ≤ 2 (three of them cost 12 > 10) cuts that point off."""
    s = make_scenario(
        years=(2026, 2026),
        demand=rows({2026: 3.0}),
        capacity=rows({2026: 0.0}),
        projects=[project(pid, cost=4.0e6) for pid in ("a", "b", "c")],
    )
    m = add_budget_covers(build_model(s, symmetry=False))
    name = "budget_cover[budget[2026],a+b+c]"
    assert name in m.row_names
    assert row_terms(m, name) == {"start[a,2026]": 1.0, "start[b,2026]": 1.0, "start[c,2026]": 1.0}
    assert m.row_upper[m.row_names.index(name)] == 2.0


@common_settings(60)
@given(scenario_data(transfers=True))
def test_covers_and_links_keep_the_optimum_with_transfers(data):
    s = scenario_from_dict(data)
    _assert_brute_force_optimum(s, "covers")
    _assert_brute_force_optimum(s, "links")


def test_dominated_columns_by_hand():
    """A project in a district with no unmet demand, and a start year (asked for by latest_start) that
    delivers after the horizon, can never help; the start years that deliver in time can; a project another
    requires can. (By default a window already ends where delivery would fall after the horizon.) Under the
    rule 'open' (no tail years) delivery after the horizon serves no one; under the default tail it does."""
    data = dict(
        years=(2026, 2027),
        districts=[{"id": "d"}, {"id": "full"}],
        demand=[*rows({2026: 2.0, 2027: 2.0}), *rows({2026: 1.0, 2027: 1.0}, district="full")],
        capacity=[*rows({2026: 0.0, 2027: 0.0}), *rows({2026: 5.0, 2027: 5.0}, district="full")],
        projects=[
            project("late", delivery_lag=1, latest_start=2027),
            project("useless", district="full"),
            project("needed", district="full"),
            project("phase2", requires=["needed"]),
        ],
    )
    m = build_model(make_scenario(**data, end_rule="open"))
    names = {m.col_names[j] for j in dominated_columns(m)}
    assert names == {"start[late,2027]", "start[useless,2026]", "start[useless,2027]"}
    tail = make_scenario(**data)
    assert len(tail.tail) == 1  # the longest delivery lag
    m = build_model(tail)
    assert {m.col_names[j] for j in dominated_columns(m)} == {"start[useless,2026]", "start[useless,2027]"}
