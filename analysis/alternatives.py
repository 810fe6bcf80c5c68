"""Near-optimal alternatives: plans whose objective is within a tolerance of the optimum and that differ
from each other as much as possible (modelling to generate alternatives, `solver.solve.near_optimal_model`)
— what élus need to see that there is more than one good answer.

The optimum is solved first; then each alternative minimises its overlap with every plan found so far,
under `objective ≤ optimum + within × |optimum|`. Each is reported with its true objective (recomputed
from its start years, verified independently) and its differences from the optimum; the search stops early
when no plan differing from the others fits within the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

import pandas as pd

from models.evaluate import evaluate_plan
from models.plan import Plan, Status
from models.scenario import Scenario
from results import Result, verified
from solver import SolveOptions, solve
from solver.formulation import build_model
from solver.solve import near_optimal_model, plan_from_result, solve_matrix


class AlternativesError(Exception):
    """No alternative can be searched (the scenario has no optimum to start from)."""


@dataclass(frozen=True)
class Alternatives:
    optimum: Result
    plans: tuple[Result, ...]  # the alternatives, in the order found (the optimum not included)
    within: float
    table: pd.DataFrame  # one row per plan, the optimum first


def _chosen(plan: Plan | Result) -> dict[str, int]:
    return {pid: s for pid, s in plan.starts.items() if s is not None}


def find_alternatives(
    scenario: Scenario, within: float = 0.02, count: int = 5, options: SolveOptions | None = None
) -> Alternatives:
    """The optimum and up to `count` alternatives within `within` (relative) of its objective."""
    if not within >= 0:
        raise ValueError(f"the tolerance must be 0 or more, got {within}")
    options = options or SolveOptions()
    optimum = verified(scenario, solve(scenario, options))
    if optimum.status != Status.OPTIMAL or optimum.objective is None:
        raise AlternativesError(f"the scenario has no proven optimum to start from (status {optimum.status})")
    cap = optimum.objective + within * max(abs(optimum.objective), 1e-9)
    # Without the symmetry rows: projects the model cannot tell apart (two identical extensions, of two
    # schools) are different projects to the élus, and swapping them is an alternative worth showing.
    model = build_model(scenario, symmetry=False)
    found: list[Result] = []
    for _ in range(count):
        previous = [optimum.starts, *(p.starts for p in found)]
        result = solve_matrix(near_optimal_model(model, cap, previous), options)
        if not result.status.has_plan:
            break
        plan = plan_from_result(scenario, model, result, options)
        if any(_chosen(plan) == _chosen(p) for p in (optimum, *found)):
            break  # nothing different fits within the tolerance
        ev = evaluate_plan(scenario, plan.starts, plan.transfers)
        gap = (ev.objective - optimum.objective) / max(abs(ev.objective), 1e-10)
        plan = replace(
            plan,
            status=Status.FEASIBLE,
            objective=ev.objective,
            bound=optimum.bound,
            gap=max(0.0, gap),
            message=f"alternative within {within:.2%} of the optimum {optimum.objective:.6g}",
            options=MappingProxyType({**plan.options, "within": within}),
        )
        found.append(verified(scenario, plan, what="an alternative plan"))
    return Alternatives(optimum, tuple(found), within, _table(scenario, optimum, found))


def _table(scenario: Scenario, optimum: Result, plans: list[Result]) -> pd.DataFrame:
    base = _chosen(optimum)
    rows = []
    for i, plan in enumerate([optimum, *plans]):
        chosen = _chosen(plan)
        ev = plan.evaluation
        assert ev is not None
        unmet = ev.balance.groupby("kind", sort=False)["unmet"].sum()
        assert plan.objective is not None and optimum.objective is not None
        rows.append(
            {
                "plan": "optimum" if i == 0 else f"alternative {i}",
                "objective": plan.objective,
                "above_optimum": (plan.objective - optimum.objective) / max(abs(optimum.objective), 1e-10),
                **{f"unmet {k}": float(v) for k, v in unmet.items()},
                "projects_chosen": len(chosen),
                "city_cost": float(ev.projects.loc[ev.projects["chosen"], "city_cost"].sum()),
                "added": " ".join(sorted(set(chosen) - set(base))),
                "removed": " ".join(sorted(set(base) - set(chosen))),
                "moved": " ".join(
                    f"{p}:{base[p]}→{chosen[p]}" for p in sorted(set(base) & set(chosen)) if base[p] != chosen[p]
                ),
            }
        )
    return pd.DataFrame(rows)
