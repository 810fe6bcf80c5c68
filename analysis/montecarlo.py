"""Monte Carlo robustness: the scenario re-solved under sampled costs, delays and demand growth.

Each sample (reproducible from the seed) draws, for every project not excluded,
- a cost factor exp(N(0, σ_m)) — log-normal, so overruns are larger than savings — with σ_m by maturity
  level (docs/domain.md cost certainty ±50 % for an idée … ±5–10 % in works, read as about two σ);
- a delivery delay of +1 year with probability p_m, +2 with p_m² (low maturity slips more);
and for every demand kind an extra yearly demand growth N(0, σ_demand). The draws are typed edits of the
scenario in memory (`SetValue` of `projects.<id>.cost`, `projects.<id>.delivery_lag`, `demand_growth.<kind>`),
so every sample is a validated scenario, solved and verified like any sweep point (in parallel, resumable,
Dask or local); the scenario may have been loaded from a file or built in Python.

The report: how often each project is chosen and in which start year; the distribution of unmet demand
and of the objective; and for a fixed plan (the base optimum by default), re-evaluated under each sample
without re-solving, the probability that it breaks a budget year or misses an objective threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.sweep import Point, SweepResult, SweepSpec, run_sweep
from models.edits import value_edit
from models.plan import PLAN_STATUSES
from models.scenario import Scenario
from models.spec import ProjectStatus
from results.record import PlanRecord

# σ of the log cost factor and probability of a one-year slip, by maturity level (docs/domain.md, "Maturity levels").
COST_SIGMA = {"idee": 0.25, "opportunite": 0.20, "faisabilite": 0.15, "programme": 0.10, "conception": 0.06,
              "travaux": 0.04, "livre": 0.0}  # fmt: skip
DELAY_PROBABILITY = {"idee": 0.4, "opportunite": 0.3, "faisabilite": 0.2, "programme": 0.15, "conception": 0.1,
                     "travaux": 0.05, "livre": 0.0}  # fmt: skip
DEFAULT_COST_SIGMA = 0.10  # a project without a maturity level
DEFAULT_DELAY_PROBABILITY = 0.15
DEFAULT_DEMAND_SIGMA = 0.01  # extra yearly growth of demand, per kind


@dataclass(frozen=True)
class Distributions:
    cost_sigma_scale: float = 1.0  # multiplies every σ of the cost factor (0: no cost uncertainty)
    delay_scale: float = 1.0  # multiplies every slip probability (0: no delay)
    demand_sigma: float = DEFAULT_DEMAND_SIGMA


def sample_points(scenario: Scenario, samples: int, seed: int, dist: Distributions) -> tuple[Point, ...]:
    """`samples` points drawn from the distributions, the same for the same seed."""
    rng = np.random.Generator(np.random.PCG64(seed))
    points = []
    for i in range(samples):
        values: list[tuple[str, str]] = []  # (path, value as written: the record of the sample)
        for p in scenario.projects:
            if p.status == ProjectStatus.EXCLUDED:
                continue
            level = p.maturity or ""
            sigma = COST_SIGMA.get(level, DEFAULT_COST_SIGMA) * dist.cost_sigma_scale
            prob = min(1.0, DELAY_PROBABILITY.get(level, DEFAULT_DELAY_PROBABILITY) * dist.delay_scale)
            factor = math.exp(rng.normal(0.0, sigma)) if sigma > 0 else 1.0
            u = rng.random()
            delay = 2 if u < prob * prob else (1 if u < prob else 0)
            if factor != 1.0:
                values.append((f"projects.{p.id}.cost", repr(round(p.cost * factor, 2))))
            if delay and p.delivery_lag + delay <= 30:
                values.append((f"projects.{p.id}.delivery_lag", str(p.delivery_lag + delay)))
        for k in scenario.kinds:
            if dist.demand_sigma > 0:
                values.append((f"demand_growth.{k}", repr(round(float(rng.normal(0.0, dist.demand_sigma)), 6))))
        points.append(Point(tuple(value_edit(path, text) for path, text in values), name=f"sample {i + 1}"))
    return tuple(points)


@dataclass(frozen=True)
class MonteCarlo:
    result: SweepResult
    samples: pd.DataFrame  # one row per sample
    projects: pd.DataFrame  # one row per project: selection frequency, start years
    summary: pd.DataFrame  # quantiles of the objective and of unmet demand per kind; fixed-plan risks


def run_montecarlo(
    scenario: Scenario,
    spec: SweepSpec,
    samples: int,
    seed: int,
    dist: Distributions,
    out_dir: Any,
    workers: int | None = None,
    threshold: float | None = None,
    progress: Any = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> MonteCarlo:
    """Solve every sample of `scenario` (spec: the solve options, and spec.fixed: the plan also evaluated
    under each) and summarise."""
    points = sample_points(scenario, samples, seed, dist)
    spec = replace(spec, scenario=scenario, points=points)
    result = run_sweep(spec, out_dir, workers=workers, progress=progress, executor=executor, scheduler=scheduler)
    return MonteCarlo(result, *_tables(scenario, result, threshold))


def _tables(scenario: Scenario, result: SweepResult, threshold: float | None):
    rows, starts = [], []
    for r in result.results:
        plan = r["plan"]
        row: dict[str, Any] = {"sample": r["label"], "status": plan["status"], "objective": plan.get("objective")}
        for k, v in (plan.get("unmet_by_kind") or {}).items():
            row[f"unmet {k}"] = v
        fixed = r.get("fixed")
        if fixed is not None:
            row["fixed objective"] = fixed["objective"]
            row["fixed breaks budget"] = any(v.startswith("budget") for v in fixed["violations"])
            row["fixed violations"] = len(fixed["violations"])
        rows.append(row)
        starts += [{"project": pid, "start": start} for pid, start in PlanRecord(plan).starts.items()]
    samples = pd.DataFrame(rows)
    n = len(samples)
    solved = samples[samples["status"].isin(PLAN_STATUSES)]
    st = pd.DataFrame(starts, columns=["project", "start"])
    proj_rows = []
    for p in scenario.projects:
        chosen = st[(st["project"] == p.id) & st["start"].notna()]
        years = chosen["start"].astype(int).value_counts().sort_index()
        proj_rows.append(
            {
                "project": p.id,
                "name": p.name,
                "district": p.district,
                "chosen_share": len(chosen) / len(solved) if len(solved) else math.nan,
                "most_frequent_start": int(years.idxmax()) if len(years) else None,
                "starts": " ".join(f"{y}:{c}" for y, c in years.items()),
            }
        )
    projects = pd.DataFrame(proj_rows).sort_values("chosen_share", ascending=False, kind="stable")
    projects = projects.reset_index(drop=True).astype({"most_frequent_start": "Int64"})
    summary_rows = [{"indicator": "samples", "value": n}, {"indicator": "samples with a plan", "value": len(solved)}]
    for col in [c for c in samples.columns if c == "objective" or c.startswith("unmet ")]:
        values = solved[col].astype(float)
        for q in (0.05, 0.5, 0.95):
            summary_rows.append({"indicator": f"{col}, {int(q * 100)}th percentile", "value": values.quantile(q)})
        summary_rows.append({"indicator": f"{col}, mean", "value": values.mean()})
    if "fixed objective" in samples:
        breaks = samples["fixed breaks budget"].mean()
        summary_rows.append({"indicator": "fixed plan: probability of breaking a budget year", "value": breaks})
        if threshold is not None:
            misses = (samples["fixed objective"] > threshold) | samples["fixed breaks budget"]
            summary_rows.append(
                {"indicator": f"fixed plan: probability of objective above {threshold:g} or a budget break",
                 "value": misses.mean()}
            )  # fmt: skip
    return samples, projects, pd.DataFrame(summary_rows)
