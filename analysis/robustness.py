"""The price of robustness: unmet demand against the probability of holding every envelope.

The scenario is solved once per robustness level — `uncertainty.budget_confidence` set to each level (`None`:
the envelopes unprotected, the plan of today), as the points of a sweep (`analysis.sweep.run_sweep`: in parallel,
verified, saved and resumable) — and each plan is then re-evaluated, without re-solving, under the same cost
samples of the scenario's own uncertainty (`analysis.montecarlo.fixed_plan_risk`: the numbers of its `uncertainty`
section, the ones the protection uses). A point of the frontier: the level asked, the probability measured that
every envelope of the PPI holds (with its sampling error), the unmet demand over the PPI's years per kind, the
objective (weighted unmet demand) and the city spending of the plan. Data only: reports word and draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.montecarlo import Distributions, fixed_plan_risk
from analysis.sweep import Point, SweepSpec, run_sweep
from models.edits import value_edit
from models.plan import PLAN_STATUSES
from models.scenario import Scenario
from results.record import PlanRecord

LEVEL_PATH = "uncertainty.budget_confidence"
GAMMA_PATH = "uncertainty.gamma"  # the other axis: Γ projects overrunning (Bertsimas–Sim)


@dataclass(frozen=True)
class FrontierPoint:
    level: float | None  # budget_confidence asked (None: no protection)
    status: str
    objective: float | None  # weighted unmet demand (and the tie-break terms) of the plan
    unmet_by_kind: dict[str, float]  # over the PPI's years, in each kind's unit-years
    city_spending: float | None  # euros, every chosen project (committed included)
    chosen: int | None  # projects chosen
    holds: float | None  # share of the cost samples in which every envelope holds
    error: float | None  # its standard error


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]
    samples: int
    seed: int
    path: str = LEVEL_PATH  # what the levels set: budget_confidence, or gamma
    solved: int = 0  # levels solved by this run (the others read back from its folder)
    reused: int = 0

    def table(self) -> pd.DataFrame:
        """One row per level: level, status, probability of holding, its error, objective, unmet per kind,
        city spending, projects chosen."""
        kinds = sorted({k for p in self.points for k in p.unmet_by_kind})
        rows = []
        for p in self.points:
            row: dict[str, Any] = {
                "level": p.level,
                "status": p.status,
                "holds": p.holds,
                "error": p.error,
                "objective": p.objective,
            }
            row.update({f"unmet {k}": p.unmet_by_kind.get(k) for k in kinds})
            row.update({"city_spending": p.city_spending, "chosen": p.chosen})
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """robustness.json: the frontier as data (reports read it back with `from_dict`)."""
        data = {"samples": self.samples, "seed": self.seed, "path": self.path}
        return {**data, "points": [p.__dict__ for p in self.points]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frontier:
        points = tuple(FrontierPoint(**p) for p in data["points"])
        return cls(points, int(data["samples"]), int(data["seed"]), str(data.get("path", LEVEL_PATH)))


def level_points(levels: list[float | None], path: str = LEVEL_PATH) -> tuple[Point, ...]:
    """One sweep point per level: `path` (budget_confidence or gamma) set to it (`null`: unset), the other
    protection unset (they exclude each other)."""
    other = GAMMA_PATH if path == LEVEL_PATH else LEVEL_PATH
    return tuple(
        Point(
            (value_edit(other, "null"), value_edit(path, "null" if v is None else repr(v))),
            name=f"{path}={v}",
        )
        for v in levels
    )


def robustness_frontier(
    scenario: Scenario,
    spec: SweepSpec,
    levels: list[float | None],
    samples: int,
    seed: int,
    out: str | Path,
    dist: Distributions | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Any = None,
    path: str = LEVEL_PATH,
) -> Frontier:
    """Solve `scenario` at each level (spec: the solve options) and measure each plan's probability of holding
    every envelope under `samples` cost samples drawn with `seed` (the same samples for every level)."""
    dist = dist or Distributions()
    spec = replace(spec, scenario=scenario, points=level_points(levels, path))
    result = run_sweep(spec, out, workers=workers, progress=progress, executor=executor, scheduler=scheduler)
    points = []
    for level, r in zip(levels, result.results, strict=True):
        plan = r["plan"]
        status = plan["status"]
        if status not in PLAN_STATUSES:
            points.append(FrontierPoint(level, status, None, {}, None, None, None, None))
            continue
        starts = PlanRecord(plan).starts
        risk = fixed_plan_risk(scenario, starts, samples, seed, dist)
        chosen = [p for p in scenario.projects if starts.get(p.id) is not None]
        points.append(
            FrontierPoint(
                level=level,
                status=status,
                objective=plan.get("objective"),
                unmet_by_kind={k: float(v) for k, v in (plan.get("unmet_by_kind") or {}).items()},
                city_spending=float(sum(p.city_cost for p in chosen)),
                chosen=len(chosen),
                holds=risk.holds,
                error=risk.error,
            )
        )
    return Frontier(tuple(points), samples, seed, path, solved=result.solved, reused=result.reused)
