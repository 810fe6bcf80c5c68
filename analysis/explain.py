"""Why this plan: what each project's place in it is worth, what each budget euro is worth, what binds.

Every number comes from re-solving the scenario with one change (an integer plan has no meaningful LP dual):

- a project left out, *forced in* (`Force(P)`: status mandatory, at its best start year): the objective it
  costs, and the projects it displaces;
- a chosen project *dropped* (`Exclude(P)`) or *deferred* one year (`Force(P)` and `StartFrom(P, s+1)`):
  the objective lost;
- one more M€ in the envelope of year y (`budget.annual.y=B+1e6`): the objective removed, and the unmet
  demand per kind.

Every value is split into the objective's parts (`Parts`: weighted unmet demand per kind, with its unit-years,
the transfer penalty, the cost term — `models.evaluate.Evaluation`), each re-solve's minus the plan's, and
comes with the projects that enter, leave and move (re-timed) against the plan explained. A change whose
project is delivered after the PPI's last year (`Scenario.last_year`) says so (`delivery`).

The changes are typed edits (`models.edits`) of the scenario explained, in memory: it may have been loaded
from a file or built in Python. They are the points of a sweep (`analysis.sweep.run_sweep`): solved in
parallel, verified, saved and resumable like any sweep. The constraints that bind the plan (budget years at
their limit, windows at their edge, ratios at their ceiling) are read from the plan itself.

The results are kinds and values, never sentences: `reports.words` words them (`format_explanation`, and
`explanation_to_dict` for explain.json).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.sweep import Point, SweepSpec, run_sweep
from models.edits import Edit, Exclude, Force, StartFrom, value_edit
from models.evaluate import Evaluation, evaluate_plan
from models.plan import PLAN_STATUSES
from models.scenario import Project, Scenario
from models.spec import ProjectStatus
from models.units import MEUR
from results.record import PlanRecord

EXTRA_BUDGET = 1e6  # the extra envelope whose value is measured, in euros
# A budget year is "at its limit" when less than this share of its envelope is left (projects are lumpy: a
# year with 0.5 % left has no room for any project).
AT_LIMIT_SHARE = 0.01
# Objective changes below this are solver tolerance, not a difference (the objective is in unit-years).
OBJ_EPS = 1e-6
# A difference of two objectives below this share of the objective is floating-point dust, shown as 0 (a real
# difference of 1e-4 — a cost term of 100 k€ — on an objective of 300 is kept).
DUST = 1e-9


@dataclass(frozen=True)
class Parts:
    """The objective's parts: of a plan, or (`minus`) their change from one plan to another.

    `unmet` is the weighted unmet demand of each kind (its share of the objective), `unit_years` the same
    demand unweighted (classes × years, places × years); `transfers` the transfer penalty, `cost` the cost
    term. `total` = Σ unmet + transfers + cost = the objective (or its change)."""

    unmet: dict[str, float]
    unit_years: dict[str, float]
    transfers: float
    cost: float
    stability: float = 0.0  # a revision's cost of moving and dropping announced operations (models/revision.py)

    @property
    def total(self) -> float:
        return sum(self.unmet.values()) + self.transfers + self.cost + self.stability

    @classmethod
    def of(cls, ev: Evaluation) -> Parts:
        units = ev.balance.groupby("kind", sort=False)["unmet"].sum().to_dict() if len(ev.balance) else {}
        return cls(
            {k: float(v) for k, v in ev.unmet_term_by_kind.items()},
            {k: float(units.get(k, 0.0)) for k in ev.unmet_term_by_kind},
            float(ev.transfer_term),
            float(ev.cost_term),
            float(ev.stability_term),
        )

    def minus(self, base: Parts) -> Parts:
        """This plan's parts minus `base`'s (positive: worse), solver dust shown as 0."""

        def d(a: float, b: float) -> float:
            x = a - b
            return 0.0 if abs(x) < DUST * max(1.0, abs(b)) else x

        kinds = list(dict.fromkeys([*base.unmet, *self.unmet]))
        return Parts(
            {k: d(self.unmet.get(k, 0.0), base.unmet.get(k, 0.0)) for k in kinds},
            {k: d(self.unit_years.get(k, 0.0), base.unit_years.get(k, 0.0)) for k in kinds},
            d(self.transfers, base.transfers),
            d(self.cost, base.cost),
            d(self.stability, base.stability),
        )

    def columns(self) -> dict[str, float]:
        """The parts as table columns: `delta unmet K` (weighted), `delta unit-years K`, `delta transfers`,
        `delta cost`."""
        return {
            **{f"delta unmet {k}": v for k, v in self.unmet.items()},
            **{f"delta unit-years {k}": v for k, v in self.unit_years.items()},
            "delta transfers": self.transfers,
            "delta cost": self.cost,
            "delta stability": self.stability,
        }


@dataclass(frozen=True)
class PlanChange:
    """What another plan does differently from the plan explained: projects that enter, leave, and move
    (id, start in the plan, start after)."""

    added: tuple[str, ...] = ()
    displaced: tuple[str, ...] = ()
    retimed: tuple[tuple[str, int, int], ...] = ()

    @property
    def moved(self) -> tuple[str, ...]:
        return tuple(pid for pid, _, _ in self.retimed)

    def columns(self) -> dict[str, str]:
        return {
            "displaced": " ".join(self.displaced),
            "added": " ".join(self.added),
            "moved": " ".join(self.moved),
            "retimed": " ".join(f"{pid}:{a}->{b}" for pid, a, b in self.retimed),
        }


@dataclass(frozen=True)
class ProjectWhy:
    """One re-solve about one project: what changes in the objective and the plan."""

    project: str
    chosen: bool  # in the plan explained
    start: int | None  # its start in the plan explained
    change: str  # force_in | drop | defer
    status: str  # of the re-solve (optimal, feasible, infeasible, no_solution) or "not possible"
    objective: float | None
    delta: float | None  # objective after − objective of the plan (positive: worse)
    new_start: int | None = None  # its start after the change
    displaced: tuple[str, ...] = ()  # chosen in the plan, left out after the change
    added: tuple[str, ...] = ()  # left out in the plan, chosen after the change
    moved: tuple[str, ...] = ()  # chosen in both, another start year
    # Why there is no figure, as (kind, values): ("cannot_defer", {"latest": 2031}), ("no_plan_with", {}),
    # ("no_plan_without", {}); worded by reports.words.project_note_text.
    note: tuple[str, dict[str, Any]] | None = None
    parts: Parts | None = None  # the objective's parts after − in the plan (their total is `delta`)
    retimed: tuple[tuple[str, int, int], ...] = ()  # the moved projects: (id, start in the plan, start after)
    delivery: int | None = None  # the project's delivery after the change (new_start + its delivery lag)
    horizon_end: int | None = None  # the PPI's last year, when `delivery` falls after it

    @property
    def after_horizon(self) -> bool:
        return self.delivery is not None and self.horizon_end is not None and self.delivery > self.horizon_end


@dataclass(frozen=True)
class BudgetValue:
    year: int
    envelope: float
    charged: float  # what the plan charges to it (gross spending or net effort)
    margin: float  # envelope (+ carried in) − charged
    status: str
    objective: float | None  # with EXTRA_BUDGET more in this year
    gain: float | None  # objective removed by it (positive: better)
    unmet_removed: dict[str, float] = field(default_factory=dict)  # unit-years per kind
    parts: Parts | None = None  # the objective's parts with one more M€ − in the plan (total: −gain)
    change: PlanChange = field(default_factory=PlanChange)  # projects entering, leaving, re-timed

    @property
    def at_limit(self) -> bool:
        return self.margin < AT_LIMIT_SHARE * self.envelope

    @property
    def binding(self) -> bool:
        return self.gain is not None and self.gain > OBJ_EPS


@dataclass(frozen=True)
class Explanation:
    scenario: str
    status: str
    objective: float | None
    projects: tuple[ProjectWhy, ...]
    budget: tuple[BudgetValue, ...]
    binding: tuple[dict[str, Any], ...]  # see binding_constraints
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()  # (kind, values), worded by reports.words.explain_note_text
    units: dict[str, str] = field(default_factory=dict)  # kind -> its unit (classes, places)
    parts: Parts | None = None  # the objective's parts of the plan explained

    def projects_table(self) -> pd.DataFrame:
        """One row per re-solve; the note column holds the note's kind (reports.words.projects_table words it)."""
        rows = [
            {
                "project": w.project,
                "chosen": w.chosen,
                "start": w.start,
                "change": w.change,
                "status": w.status,
                "objective": w.objective,
                "delta": w.delta,
                "new_start": w.new_start,
                "displaced": " ".join(w.displaced),
                "added": " ".join(w.added),
                "moved": " ".join(w.moved),
                "note": w.note[0] if w.note else "",
                "retimed": " ".join(f"{pid}:{a}->{b}" for pid, a, b in w.retimed),
                "delivery": w.delivery,
                "after_horizon": w.after_horizon,
                **(w.parts.columns() if w.parts is not None else {}),
            }
            for w in self.projects
        ]
        fixed = [f for f in ProjectWhy.__dataclass_fields__ if f not in ("parts", "horizon_end")] + ["after_horizon"]
        table = pd.DataFrame(rows, columns=list(dict.fromkeys(fixed + [c for r in rows for c in r])))
        for col in ("start", "new_start", "delivery"):
            table[col] = table[col].astype("Int64")
        return _stability_if_any(table)

    def budget_table(self) -> pd.DataFrame:
        rows = [
            {
                "year": b.year,
                "envelope": b.envelope,
                "charged": b.charged,
                "margin": b.margin,
                "at_limit": b.at_limit,
                "status": b.status,
                "objective_with_1M": b.objective,
                "gain_per_M": b.gain,
                "binding": b.binding,
                **{f"unmet removed {k}": v for k, v in b.unmet_removed.items()},
                **(b.parts.columns() if b.parts is not None else {}),
                **b.change.columns(),
            }
            for b in self.budget
        ]
        return _stability_if_any(pd.DataFrame(rows))


def _stability_if_any(table: pd.DataFrame) -> pd.DataFrame:
    """The table without its `delta stability` column when it is 0 (or empty) in every row: outside a revision,
    or in a revision whose re-solves move no announced operation, it says nothing."""
    column = "delta stability"
    if column in table and not (table[column].fillna(0.0) != 0.0).any():
        return table.drop(columns=column)
    return table


def _difference(objective: float | None, base: float | None) -> float | None:
    """objective − base, with floating-point dust (below DUST relative to the objective) shown as 0."""
    if objective is None or base is None:
        return None
    d = objective - base
    return 0.0 if abs(d) < DUST * max(1.0, abs(base)) else d


def _starts(plan: dict[str, Any]) -> dict[str, int | None]:
    """Start years of a plan in its plan.json form (a re-solve's, or the plan explained), read by the codec."""
    return PlanRecord(plan).starts


def _diff(base: dict[str, int | None], other: dict[str, int | None], skip: str | None = None) -> PlanChange:
    """The projects (but `skip`) that enter, leave and move in `other` against `base`."""
    ids = [pid for pid in base if pid != skip]
    displaced = tuple(p for p in ids if base[p] is not None and other.get(p) is None)
    added = tuple(p for p in ids if base[p] is None and other.get(p) is not None)
    retimed = tuple(
        (p, int(base[p]), int(other[p]))  # type: ignore[arg-type]
        for p in ids
        if base[p] is not None and other.get(p) not in (None, base[p])
    )
    return PlanChange(added, displaced, retimed)


def _parts(scenario: Scenario, plan: dict[str, Any]) -> Parts:
    """The objective's parts of a plan (plan.json form), evaluated from its start years and transfers under the
    scenario explained (a re-solve's change — a project forced, excluded, one more M€ — leaves the objective's
    weights as they are)."""
    record = PlanRecord(plan)
    return Parts.of(evaluate_plan(scenario, record.starts, record.transfers))


def _why_no_plan_with(scenario: Scenario, p: Project) -> tuple[str, dict[str, Any]]:
    """Why no plan can start `p` (in its window), in budget words when its own spending cannot fit: at every
    start year some year's charge of p alone is above that year's envelope (values in M€), the tightest
    such year of the start that fits best; otherwise the plain note (other projects, windows or ratios)."""
    if scenario.carry_over:
        return ("no_plan_with", {})
    best: tuple[float, int, float, float] | None = None  # (over by, year, need, envelope)
    for s in p.start_years:
        over = [
            (amount - scenario.envelope[y], y, amount, scenario.envelope[y])
            for y, amount in scenario.charged(p, s).items()
            if y in scenario.envelope and amount > scenario.envelope[y] + 0.01
        ]
        if not over:
            return ("no_plan_with", {})
        worst = max(over)
        best = worst if best is None or worst < best else best
    if best is None:
        return ("no_plan_with", {})
    _, year, need, envelope = best
    return ("too_big", {"year": year, "need": need / MEUR, "envelope": envelope / MEUR})


def _same_years(scenario: Scenario) -> tuple[Edit, ...]:
    """The edit that keeps the years of the scenario explained in a re-solve: its tail (years after the PPI,
    as long as the longest delivery lag of the projects it may choose) would be shorter once the project with
    that lag is dropped, and two objectives over different years are no difference. Nothing to keep without
    a tail, or with its length given."""
    horizon = getattr(scenario.spec, "horizon", None)
    tail = getattr(scenario, "tail", ())
    if not tail or getattr(horizon, "end_rule", None) != "tail" or getattr(horizon, "tail_years", None) is not None:
        return ()
    return (value_edit("horizon.tail_years", str(len(tail))),)


def project_points(scenario: Scenario, starts: dict[str, int | None], only: tuple[str, ...] = ()) -> list[Point]:
    """The re-solves about projects: force in each project left out, drop and defer each chosen one."""
    points = []
    for p in scenario.projects:
        if (only and p.id not in only) or p.status in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED):
            continue
        s = starts.get(p.id)
        if s is None:
            points.append(Point((Force(p.id),), name=f"force_in {p.id}"))
            continue
        points.append(Point((Exclude(p.id), *_same_years(scenario)), name=f"drop {p.id}"))
        if s < p.latest:
            points.append(Point((Force(p.id), StartFrom(p.id, s + 1)), name=f"defer {p.id}"))
    return points


def budget_points(scenario: Scenario) -> list[Point]:
    """One more M€ in each year's envelope (before the scenario's budget factor, which applies last)."""
    scale = scenario.budget_scale or 1.0
    return [
        Point(
            (value_edit(f"budget.annual.{y}", f"{(scenario.envelope[y] + EXTRA_BUDGET) / scale:.0f}"),), f"budget {y}"
        )
        for y in scenario.years
    ]


def budget_relaxation(scenario: Scenario, starts: dict[str, int | None]) -> tuple[Point, tuple[str, ...]] | None:
    """One point with one more M€ in every year the plan leaves that M€ unspent already, and the names of
    those years' budget points, which it relaxes (`analysis.sweep.settle_between`): when the plan explained
    is still optimal with all of these M€ at once (its objective within the gap of this point's bound), it is
    optimal with each of them alone, and these points need no solve of their own. Years with less room are
    more likely to buy something with their M€ and are solved one by one. None with fewer than two such
    years."""
    scale = scenario.budget_scale or 1.0
    budget = evaluate_plan(scenario, starts).budget
    years = [int(row["year"]) for row in budget.to_dict("records") if float(row["margin"]) >= EXTRA_BUDGET]
    if len(years) < 2:
        return None
    edits = tuple(
        value_edit(f"budget.annual.{y}", f"{(scenario.envelope[y] + EXTRA_BUDGET) / scale:.0f}") for y in years
    )
    return Point(edits, f"budget {years[0]}-{years[-1]} ({len(years)} years)"), tuple(f"budget {y}" for y in years)


def explain(
    scenario: Scenario,
    plan: dict[str, Any],
    out_dir: str | Path,
    *,
    projects: tuple[str, ...] = (),
    budget: bool = True,
    time_limit: float | None = None,
    solver: str = "highs",
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> Explanation:
    """Explain a plan (plan.json form) of a scenario (loaded from a file or built in Python); re-solves are
    saved in `out_dir`."""
    unknown = [pid for pid in projects if pid not in scenario.project]
    if unknown:
        raise ValueError(f"unknown project {unknown[0]!r}")
    starts = _starts(plan)
    base_objective = plan.get("objective")
    base_parts = _parts(scenario, plan)
    points = project_points(scenario, starts, projects) + (budget_points(scenario) if budget else [])
    relaxation = budget_relaxation(scenario, starts) if budget else None
    if relaxation is not None:
        points.append(relaxation[0])
    spec = SweepSpec(
        scenario,  # each change derived from the scenario explained (its budget factor kept)
        tuple(points),
        time_limit=time_limit,
        solver=solver,
        start=tuple(sorted(starts.items())),  # the plan explained: a first plan for every re-solve
        relaxations=((relaxation[0].label, relaxation[1]),) if relaxation is not None else (),
    )
    result = run_sweep(spec, out_dir, workers=workers, progress=progress, executor=executor, scheduler=scheduler)
    by_name = {r["label"]: r["plan"] for r in result.results}
    notes: list[tuple[str, dict[str, Any]]] = []
    if plan.get("status") != "optimal":
        notes.append(("not_optimal", {"status": plan.get("status")}))

    whys: list[ProjectWhy] = []
    for p in scenario.projects:
        if (projects and p.id not in projects) or p.status in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED):
            continue
        s = starts.get(p.id)
        changes = ["force_in"] if s is None else ["drop", "defer"]
        for change in changes:
            name = f"{change} {p.id}"
            if name not in by_name:
                whys.append(
                    ProjectWhy(
                        p.id,
                        s is not None,
                        s,
                        change,
                        "not possible",
                        None,
                        None,
                        note=("cannot_defer", {"latest": p.latest}),
                    )
                )
                continue
            other = by_name[name]
            objective = other.get("objective")
            other_starts = _starts(other)
            delta = _difference(objective, base_objective)
            note = None
            diff, parts = PlanChange(), None
            if other.get("status") in PLAN_STATUSES:
                diff = _diff(starts, other_starts, p.id)
                parts = _parts(scenario, other).minus(base_parts)
            elif other.get("status") == "infeasible":  # nothing is displaced: there is no plan to compare
                note = ("no_plan_without", {}) if change == "drop" else _why_no_plan_with(scenario, p)
            new_start = other_starts.get(p.id)
            delivery = None if new_start is None else new_start + p.delivery_lag
            whys.append(
                ProjectWhy(
                    p.id,
                    s is not None,
                    s,
                    change,
                    other.get("status", ""),
                    objective,
                    delta,
                    new_start,
                    diff.displaced,
                    diff.added,
                    diff.moved,
                    note,
                    parts,
                    diff.retimed,
                    delivery,
                    scenario.last_year,
                )
            )

    ev = evaluate_plan(scenario, starts)
    values: list[BudgetValue] = []
    if budget:
        base_unmet = plan.get("unmet_by_kind") or {}
        for row in ev.budget.to_dict("records"):
            y = int(row["year"])
            other = by_name[f"budget {y}"]
            objective = other.get("objective")
            unmet = other.get("unmet_by_kind") or {}
            has_plan = other.get("status") in PLAN_STATUSES
            values.append(
                BudgetValue(
                    y,
                    float(row["envelope"]),
                    float(row["charged"]),
                    float(row["margin"]),
                    other.get("status", ""),
                    objective,
                    -d if (d := _difference(objective, base_objective)) is not None else None,
                    {k: float(base_unmet.get(k, 0.0)) - float(unmet.get(k, 0.0)) for k in scenario.kinds},
                    _parts(scenario, other).minus(base_parts) if has_plan else None,
                    _diff(starts, _starts(other)) if has_plan else PlanChange(),
                )
            )
    return Explanation(
        scenario.name,
        str(plan.get("status")),
        base_objective,
        tuple(whys),
        tuple(values),
        tuple(binding_constraints(scenario, starts)),
        tuple(notes),
        {k: scenario.spec.demand_kinds[k].unit for k in scenario.kinds},
        base_parts,
    )


def binding_constraints(scenario: Scenario, starts: dict[str, int | None]) -> list[dict[str, Any]]:
    """The constraints a plan is held by: budget years at their limit, windows at their edge, prerequisites
    started the same year, ratios at their ceiling. Each is {"kind", its values (money in M€)}, worded by
    reports.words.binding_text."""
    ev = evaluate_plan(scenario, starts)
    found: list[dict[str, Any]] = []

    def add(kind: str, **values: Any) -> None:
        found.append({"kind": kind, **values})

    what = "net effort" if scenario.net_basis else "spending"
    for row in ev.budget.to_dict("records"):
        available, margin = float(row["available"]), float(row["margin"])
        if available > 0 and margin < AT_LIMIT_SHARE * float(row["envelope"]):
            add(
                "budget_year",
                year=int(row["year"]),
                what=what,
                charged=float(row["charged"]) / MEUR,
                available=available / MEUR,
                margin=max(margin, 0.0) / MEUR,
            )
    total = scenario.total_envelope
    if total is not None:
        used = float(ev.budget[ev.budget["year"].isin(list(total.years))]["charged"].sum())
        if total.amount - used < AT_LIMIT_SHARE * total.amount:
            add("budget_total", start=total.start, end=total.end, used=used / MEUR, amount=total.amount / MEUR)
    first = scenario.years[0]
    for p in scenario.projects:
        s = starts.get(p.id)
        if s is None or p.status in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED):
            continue
        if s == p.earliest and p.earliest > first:
            add("window_earliest", project=p.id, year=s)
        if s == p.latest and p.earliest < p.latest:
            add("window_latest", project=p.id, year=s)
        for q in p.requires:
            if starts.get(q) == s:
                add("requires_same_year", project=p.id, year=s, required=q)
    pr = scenario.prospective
    if pr is not None and len(ev.finance):
        for row in ev.finance.to_dict("records"):
            y = int(row["year"])
            if pr.max_debt_years is not None and row["debt_years"] >= pr.max_debt_years * (1 - AT_LIMIT_SHARE):
                add("debt_ceiling", year=y, debt_years=float(row["debt_years"]), ceiling=pr.max_debt_years)
            if pr.min_savings_rate is not None and row["savings_rate"] <= pr.min_savings_rate * (1 + AT_LIMIT_SHARE):
                add("savings_floor", year=y, rate=float(row["savings_rate"]), floor=pr.min_savings_rate)
            if pr.max_borrowing is not None and row["borrowing"] >= pr.max_borrowing * (1 - AT_LIMIT_SHARE):
                add(
                    "borrowing_cap",
                    year=y,
                    borrowing=float(row["borrowing"]) / MEUR,
                    cap=pr.max_borrowing / MEUR,
                )
    return found
