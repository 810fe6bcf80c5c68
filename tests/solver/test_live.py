"""solver/live.py: re-solves on one live HiGHS model equal plain solves of the edited scenarios.

For each edit kind (a project forced in, excluded, started later; every envelope scaled; one envelope set),
the live answer's status, objective and plan are those of `solver.solve` on the derived scenario; the live
model is back to the base's bounds after every answer; a scenario whose matrix differs is solved from
scratch. No timing is asserted.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from models.edits import Exclude, Force, ScaleBudget, ShiftWindow, StartFrom, derive, value_edit
from models.load import load_scenario, scenario_from_dict
from models.spec import ProjectStatus
from results import verified
from solver import SolveOptions, solve
from solver.live import LiveModel
from tests.helpers import REPO, random_scenario_dict

OPTIONS = SolveOptions(threads=1)


def _small(seed: int, budget: dict) -> dict:
    """A random city of 8 projects, a committed one among them (a constant of the budget rows)."""
    data = random_scenario_dict(seed, n_projects=8, n_districts=2, n_years=5, budget_per_year=4.0e6)
    data["budget"] = {"annual": 4.0e6, **budget}
    committed = copy.deepcopy(data["projects"][-1])
    committed.update(id="c0", status="committed", start=2026, earliest_start=2026, latest_start=2026)
    data["projects"].append(committed)
    return data


BUDGETS = {
    "annual": {},
    "cumulative": {"carry_over": True},
    "carry": {"carry_over": True, "carry_over_share": 0.5, "total": 15.0e6},
}


def _same(live_plan, plain_plan, scenario) -> None:
    assert live_plan.status == plain_plan.status
    if plain_plan.objective is None:
        assert live_plan.objective is None
        return
    assert live_plan.objective == pytest.approx(plain_plan.objective, abs=1e-7)
    assert dict(live_plan.starts) == dict(plain_plan.starts)
    verified(scenario, live_plan, what="the live plan")  # the verifier accepts it under the edited scenario


def _edits(scenario, plan) -> list[tuple]:
    """One edit of each kind on this scenario and its plan (as `ppi explain` makes them)."""
    chosen = [p for p in scenario.projects if p.status == ProjectStatus.CANDIDATE and plan.starts.get(p.id) is not None]
    left = [p for p in scenario.projects if p.status == ProjectStatus.CANDIDATE and plan.starts.get(p.id) is None]
    edits: list[tuple] = [(ScaleBudget(0.8),), (ScaleBudget(1.3),), (value_edit("budget.annual.2027", "6000000"),)]
    if left:
        edits.append((Force(left[0].id),))
    if chosen:
        p = chosen[0]
        edits.append((Exclude(p.id),))
        s = plan.starts[p.id]
        if s < p.latest:
            edits.append((Force(p.id), StartFrom(p.id, s + 1)))
    return edits


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("budget", list(BUDGETS))
def test_each_edit_equals_a_plain_solve(seed: int, budget: str) -> None:
    scenario = scenario_from_dict(_small(seed, BUDGETS[budget]))
    live = LiveModel(scenario, OPTIONS)
    base = live.solve()
    _same(base, solve(scenario, OPTIONS), scenario)
    for edits in _edits(scenario, base):
        edited = derive(scenario, edits)
        _same(live.solve(edited), solve(edited, OPTIONS), edited)
        again = live.solve()  # the base is back: same answer
        assert again.objective == pytest.approx(base.objective, abs=1e-9)
        assert dict(again.starts) == dict(base.starts)
    assert live.fallbacks == 0, live.last_fallback
    assert live.live_solves == 1 + 2 * len(_edits(scenario, base))


def test_bounds_restored_after_each_answer() -> None:
    scenario = scenario_from_dict(_small(3, BUDGETS["carry"]))
    live = LiveModel(scenario, OPTIONS)
    plan = live.solve()
    for edits in _edits(scenario, plan):
        live.solve(derive(scenario, edits))
        lp = live.highs.getLp()
        m = live.model
        assert np.array_equal(np.asarray(lp.col_lower_), m.col_lower)
        assert np.array_equal(np.asarray(lp.col_upper_), m.col_upper)
        assert np.array_equal(np.asarray(lp.row_lower_), m.row_lower)
        assert np.array_equal(np.asarray(lp.row_upper_), m.row_upper)


def test_fallback_when_the_matrix_differs() -> None:
    scenario = scenario_from_dict(_small(1, {}))
    live = LiveModel(scenario, OPTIONS)
    p = next(p for p in scenario.projects if p.status == ProjectStatus.CANDIDATE and p.latest < scenario.years[-1])
    for edits, reason in [
        ((ShiftWindow(p.id, 1),), "new column"),  # a start year the base model has no column for
        ((value_edit(f"projects.{p.id}.cost", "3333000"),), ""),  # other coefficients and costs
        ((value_edit("objective.cost_weight", "0.5"),), "objective offset"),
    ]:
        edited = derive(scenario, edits)
        before = live.fallbacks
        _same(live.solve(edited), solve(edited, OPTIONS), edited)
        assert live.fallbacks == before + 1
        assert live.last_fallback.startswith(reason)
    assert live.live_solves == 0


@pytest.fixture(scope="module")
def exemple_ville():
    scenario = load_scenario(str(REPO / "scenarios/exemple-ville/scenario.yaml"))
    live = LiveModel(scenario, OPTIONS)
    return scenario, live, live.solve()


@pytest.mark.parametrize(
    "edits",
    [
        (Force("gs-gare-nord"),),
        (Exclude("ext-langevin"),),
        (value_edit("budget.annual.2030", "10500000"),),
    ],
    ids=["force", "exclude", "budget"],
)
def test_exemple_ville(exemple_ville, edits) -> None:
    scenario, live, base = exemple_ville
    edited = derive(scenario, edits)
    _same(live.solve(edited), solve(edited, OPTIONS), edited)
    assert live.fallbacks == 0, live.last_fallback
    assert dict(live.solve().starts) == dict(base.starts)
