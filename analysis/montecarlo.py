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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.sweep import Point, SweepResult, SweepSpec, run_sweep
from models.edits import value_edit
from models.plan import PLAN_STATUSES
from models.scenario import Scenario
from models.spec import ProjectStatus
from models.uncertainty import cost_part, uncertainty_of
from results.record import PlanRecord


@dataclass(frozen=True)
class Distributions:
    cost_sigma_scale: float = 1.0  # multiplies every σ of the cost factor (0: no cost uncertainty)
    delay_scale: float = 1.0  # multiplies every slip probability (0: no delay)
    demand_sigma: float | None = None  # σ of the extra yearly demand growth (None: the scenario's)


@dataclass(frozen=True)
class Draw:
    """One sample: each project's cost factor and delay (projects not excluded, in the scenario's order), and
    each kind's extra demand growth."""

    factors: dict[str, float]
    delays: dict[str, int]
    growth: dict[str, float]


def draw_samples(scenario: Scenario, samples: int, seed: int, dist: Distributions) -> list[Draw]:
    """`samples` draws from the scenario's uncertainty (models/uncertainty.py: its `uncertainty` section or the
    defaults) times the scales of `dist`, the same for the same seed."""
    unc = uncertainty_of(scenario.spec)
    demand_sigma = unc.demand_sigma if dist.demand_sigma is None else dist.demand_sigma
    rng = np.random.Generator(np.random.PCG64(seed))
    out = []
    for _ in range(samples):
        factors, delays, growth = {}, {}, {}
        for p in scenario.projects:
            if p.status == ProjectStatus.EXCLUDED:
                continue
            sigma = unc.sigma(p.maturity) * dist.cost_sigma_scale
            prob = min(1.0, unc.slip(p.maturity) * dist.delay_scale)
            factors[p.id] = math.exp(rng.normal(0.0, sigma)) if sigma > 0 else 1.0
            u = rng.random()
            delays[p.id] = 2 if u < prob * prob else (1 if u < prob else 0)
        for k in scenario.kinds:
            if demand_sigma > 0:
                growth[k] = float(rng.normal(0.0, demand_sigma))
        out.append(Draw(factors, delays, growth))
    return out


def sampled_cost(p: Any, factor: float) -> float:
    """The cost a sample sets (to the cent, as its edit writes it)."""
    return round(p.cost * factor, 2)


def sample_points(scenario: Scenario, samples: int, seed: int, dist: Distributions) -> tuple[Point, ...]:
    """`samples` points drawn from the distributions, the same for the same seed. A sample is one realisation:
    its scenario counts its own costs and delays as they are, so a scenario's protected envelopes
    (`uncertainty.budget_confidence`) and counted slips (`uncertainty.slips`) are switched off in it — the plan
    re-evaluated under a sample breaks an envelope only if the sampled costs break it."""
    unc = uncertainty_of(scenario.spec)
    realised: list[tuple[str, str]] = []
    if unc.slips != "ignore":
        realised.append(("uncertainty.slips", "ignore"))
    if unc.budget_confidence is not None:
        realised.append(("uncertainty.budget_confidence", "null"))
    points = []
    for i, draw in enumerate(draw_samples(scenario, samples, seed, dist)):
        values: list[tuple[str, str]] = []  # (path, value as written: the record of the sample)
        for p in scenario.projects:
            if p.id not in draw.factors:
                continue
            factor, delay = draw.factors[p.id], draw.delays[p.id]
            if factor != 1.0:
                values.append((f"projects.{p.id}.cost", repr(sampled_cost(p, factor))))
            if delay and p.delivery_lag + delay <= 30:
                values.append((f"projects.{p.id}.delivery_lag", str(p.delivery_lag + delay)))
        for k, g in draw.growth.items():
            values.append((f"demand_growth.{k}", repr(round(g, 6))))
        values += realised  # a sample's costs and delays are known: no margin for them on top
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
            row["fixed breaks budget"] = breaks_envelope(fixed["violations"])
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


def breaks_envelope(violations: list[str]) -> bool:
    """The verifier's violations include an envelope broken: a year's (`budget ...`) or the multi-year one's
    (`total envelope ...`). The protected rows (`protected ...`) are the plan's own margin, not an envelope."""
    return any(v.startswith(("budget ", "total envelope ")) for v in violations)


# Euros: the verifier's tolerance on an envelope (results/verify.py MONEY_TOL), so both call the same plans broken.
ENVELOPE_TOL = 0.01


@dataclass(frozen=True)
class FixedRisk:
    """A fixed plan re-evaluated under sampled costs without re-solving: which envelope each sample breaks."""

    samples: pd.DataFrame  # one row per sample: broken (bool), first_year (first year broken as text, "total", or None)
    probability: float  # share of samples that break at least one envelope
    error: float  # its standard error √(p (1 − p) / n)
    n: int

    @property
    def holds(self) -> float:
        """Share of samples in which every envelope holds."""
        return 1.0 - self.probability


def fixed_plan_risk(
    scenario: Scenario, starts: Mapping[str, int | None], samples: int, seed: int, dist: Distributions
) -> FixedRisk:
    """The plan `starts` under `samples` draws (`draw_samples`: the same draws as `sample_points` for the same
    seed), re-evaluated without re-solving: each envelope of the scenario's rule (annual, full carry-over
    cumulated, carry-over share, multi-year) recomputed for every sample at once. A sample scales each chosen
    project's cost-set charge (`models.uncertainty.cost_part`) by its cost factor; slips and demand growth do
    not move money. It agrees with the independent verifier run on each sample's derived scenario (tests), in
    a fraction of the time; subsidies at a rate of the cost are held at their base amount (the only difference:
    an overrun raises them, so this errs on the side of breaking)."""
    years = list(scenario.years)
    index = {y: i for i, y in enumerate(years)}
    chosen = [p for p in scenario.projects if starts.get(p.id) is not None and p.status != ProjectStatus.EXCLUDED]
    prop = np.zeros((len(chosen), len(years)))
    fixed = np.zeros(len(years))
    for j, p in enumerate(chosen):
        s = starts[p.id]
        assert s is not None
        part = cost_part(scenario, p, s)
        for y, amount in scenario.charged(p, s).items():
            if y in index:
                prop[j, index[y]] += part.get(y, 0.0)
                fixed[index[y]] += amount - part.get(y, 0.0)
    draws = draw_samples(scenario, samples, seed, dist)
    factor = np.array(
        [[sampled_cost(p, d.factors.get(p.id, 1.0)) / p.cost if p.cost else 1.0 for p in chosen] for d in draws]
    ).reshape(len(draws), len(chosen))
    spent = factor @ prop + fixed  # samples × years
    envelope = np.array([scenario.envelope[y] for y in years])
    broken = np.zeros(spent.shape, dtype=bool)
    if scenario.carry_over and scenario.carry_share >= 1.0:
        broken = np.cumsum(spent, axis=1) > np.cumsum(envelope) + ENVELOPE_TOL
    else:
        carried = np.zeros(len(draws))
        for i in range(len(years)):
            broken[:, i] = spent[:, i] > envelope[i] + carried + ENVELOPE_TOL
            carried = scenario.carry_share * np.maximum(0.0, envelope[i] + carried - spent[:, i])
    total_broken = np.zeros(len(draws), dtype=bool)
    total = scenario.total_envelope
    if total is not None:
        cols = [index[y] for y in total.years if y in index]
        total_broken = spent[:, cols].sum(axis=1) > total.amount + ENVELOPE_TOL
    rows = []
    for n in range(len(draws)):
        hit = [years[i] for i in np.flatnonzero(broken[n])]
        first: str | None = str(hit[0]) if hit else ("total" if total_broken[n] else None)
        rows.append({"sample": f"sample {n + 1}", "broken": bool(hit) or bool(total_broken[n]), "first_year": first})
    table = pd.DataFrame(rows, columns=["sample", "broken", "first_year"])
    p_break = float(table["broken"].mean()) if len(table) else math.nan
    error = math.sqrt(p_break * (1.0 - p_break) / len(table)) if len(table) else math.nan
    return FixedRisk(table, p_break, error, len(table))
