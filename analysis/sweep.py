"""Sweeps: the same scenario solved at many points — every envelope scaled, or any value varied — in parallel,
resumable, and the budget frontier read from the results.

A sweep is a base `Scenario` (loaded from a file or built in Python) and points; a point is typed edits of
it (`models.edits`): a budget factor (`--budget-scale 0.6:1.4:0.05`) and/or values of scenario paths
(`--vary demand_kinds.creche.weight=0.05,0.1`) — the points are the product of all of them —, or a project
forced in, left out, started later (explain), or sampled values (Monte Carlo). The base scenario is sent to
the workers; each point is derived from it in memory (its values, then its budget factor), solved
single-threaded in a worker process (`analysis.worker`), checked by the independent verifier, and saved at
once as `points/<key>.json` in the sweep's folder: an interrupted sweep run again with the same inputs
reuses every finished point.
Along a budget axis (points that differ only by their budget factor), the points are solved from the largest
factor down, and a point is *settled* without a solve when the plan proven optimal at a larger factor passes
the independent verifier at its own (or the larger one was proven infeasible): see `settle_point`, and
docs/model.md ("Sweeps: points settled without a solve") for the argument.
Bad specifications (unknown path, empty range, non-positive factor) fail before any solve.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import os
import pickle
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import processes
from models.edits import (
    Edit,
    Exclude,
    Force,
    ScaleBudget,
    SetValue,
    ShiftWindow,
    StartFrom,
    as_set_values,
    derive,
    unscaled,
    value_edit,
)
from models.plan import PLAN_STATUSES
from models.scenario import Scenario
from models.spec import ProjectStatus
from models.variants import EditError, set_value
from results.record import PlanRecord

SWEEP_FORMAT = "ppi-sweep/1"


class SweepError(Exception):
    """A sweep specification that cannot be run (reported before any solve)."""


@dataclass(frozen=True)
class Point:
    """One point of a sweep: typed edits of the base scenario (`models.edits`), and a name."""

    edits: tuple[Edit, ...] = ()
    name: str | None = None  # a label of its own (a Monte Carlo sample, an explain change), else one of the edits

    @property
    def budget_scale(self) -> float | None:
        """The point's factor on every envelope (its `ScaleBudget` edits), None without one."""
        factors = [e.factor for e in self.edits if isinstance(e, ScaleBudget)]
        return math.prod(factors) if factors else None

    @property
    def label(self) -> str:
        if self.name is not None:
            return self.name
        parts = [f"budget×{self.budget_scale:g}"] if self.budget_scale is not None else []
        return " ".join(parts + [_edit_label(e) for e in self.edits if not isinstance(e, ScaleBudget)]) or "base"


def _edit_label(edit: Edit) -> str:
    if isinstance(edit, SetValue):
        return f"{edit.path}={edit.written}"
    if isinstance(edit, Force):
        return f"force {edit.project}"
    if isinstance(edit, Exclude):
        return f"exclude {edit.project}"
    if isinstance(edit, ShiftWindow):
        return f"shift {edit.project} {edit.years:+d}"
    if isinstance(edit, StartFrom):
        return f"{edit.project} from {edit.year}"
    raise TypeError(f"not an edit: {edit!r}")


@dataclass(frozen=True)
class SweepSpec:
    """What to solve: the base scenario (any `Scenario`: it is sent to the workers), the points, and the
    solve options."""

    scenario: Scenario
    points: tuple[Point, ...] = ()
    time_limit: float | None = None
    gap: float | None = None
    solver: str = "highs"
    fixed: tuple[tuple[str, int | None], ...] = ()  # a plan (start years) also evaluated at every point
    start: tuple[tuple[str, int | None], ...] = ()  # a plan offered to the solver at every point (warm start)
    reasons: bool = False  # a point with no plan records why (analysis.diagnose.first_reason)
    settle: bool = True  # settle a budget point from a larger one's proven answer (`settle_point`) when it can
    # Points settled from a relaxation's bound (`settle_between`): (a relaxation point's name, the names of the
    # points whose feasible sets lie inside its own, with the same objective). The relaxation is solved first.
    relaxations: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def record(self, point: Point) -> dict[str, Any]:
        """A point as its result file records it: the budget factor of the scenario solved (the base's times
        the point's), the values it sets as `--set` texts, its name."""
        data: dict[str, Any] = dict(self.scenario.document or {})
        values: list[list[str]] = []
        for edit in point.edits:
            for value in as_set_values(edit, data):
                values.append([value.path, value.written])
                try:  # the next edits see this one (a window shifted twice)
                    set_value(data, value.path, value.value)
                except EditError:
                    pass  # reported when the point is derived
        factors = [f for f in (self.scenario.budget_scale, point.budget_scale) if f is not None]
        return {"budget_scale": math.prod(factors) if factors else None, "values": values, "name": point.name}

    def key(self, point: Point, inputs: str) -> str:
        """A point's file name: a digest of everything its result depends on (`inputs`: the scenario's)."""
        payload = json.dumps(
            {
                "inputs": inputs,
                "variant": self.scenario.variant,
                "sets": list(self.scenario.sets),
                "point": self.record(point),
                "options": [self.time_limit, self.gap, self.solver],
                "fixed": [list(item) for item in self.fixed],
                **({"start": [list(item) for item in self.start]} if self.start else {}),
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def parse_range(text: str, max_points: int | None = None) -> list[float]:
    """`0.6:1.4:0.05` -> [0.6, 0.65, ..., 1.4] (end included); `0.8,0.9,1` -> those values. More than
    `max_points` values (None: no limit) are refused before any is built."""
    try:
        if ":" in text:
            parts = [float(x) for x in text.split(":")]
            if len(parts) != 3:
                raise ValueError
            start, end, step = parts
            if step <= 0:
                raise SweepError(f"the step of {text!r} must be positive")
            if end < start:
                raise SweepError(f"the range {text!r} is empty: it ends before it starts")
            if not all(math.isfinite(v) for v in parts):
                raise ValueError
            n = int(math.floor((end - start) / step + 1e-9)) + 1
            if max_points is not None and n > max_points:
                raise SweepError(
                    f"the range {text!r} gives {n:,} points, more than {max_points:,}: check its step, or confirm "
                    f"with --max-points {n}"
                )
            values = [round(start + i * step, 10) for i in range(n)]
        else:
            values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise SweepError(f"{text!r} is not a range START:END:STEP or a list a,b,c of numbers") from None
    if not values:
        raise SweepError(f"the range {text!r} is empty")
    bad = [v for v in values if not v > 0 or not math.isfinite(v)]
    if bad:
        raise SweepError(f"budget factors must be positive, got {bad[0]:g} in {text!r}")
    return values


def parse_vary(text: str) -> tuple[str, list[str]]:
    """`demand_kinds.creche.weight=0.05,0.1` -> (path, ["0.05", "0.1"])."""
    path, sep, values = text.partition("=")
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not sep or not path.strip() or not items:
        raise SweepError(f"--vary is written PATH=v1,v2,... (e.g. demand_kinds.creche.weight=0.05,0.1), got {text!r}")
    return path.strip(), items


def make_points(budget_scales: list[float] | None, varies: list[tuple[str, list[str]]]) -> tuple[Point, ...]:
    """The product of the budget factors and of each varied path's values (written as `--vary` takes them)."""
    scales: list[float | None] = list(budget_scales) if budget_scales else [None]
    edits = [[value_edit(path, v) for v in values] for path, values in varies]
    combos = list(itertools.product(*edits)) if varies else [()]
    points = tuple(
        Point((*combo, *([ScaleBudget(scale)] if scale is not None else []))) for combo in combos for scale in scales
    )
    if not points:
        raise SweepError("the sweep has no point")
    return points


def check_spec(spec: SweepSpec) -> None:
    """Derive the scenario at every point (no solve): every bad path or value is reported before any solve."""
    from models import ScenarioError

    problems = []
    for point in spec.points:
        try:
            derive(spec.scenario, point.edits)
        except ScenarioError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise ScenarioError(problems)


def _inputs_digest(spec: SweepSpec) -> str:
    """Digest of the base scenario without its budget factor (every table read, the variant and overrides
    applied): a point saved by an earlier run is reused only if the inputs are still the same."""
    base = spec.scenario if spec.scenario.budget_scale is None else unscaled(spec.scenario)
    return hashlib.sha256(base.spec.model_dump_json().encode()).hexdigest()


def _solved(spec: SweepSpec, point: Point) -> tuple[Scenario, Any]:
    """The point's scenario, derived in memory, and the solver's `Plan` of it (one thread)."""
    from solver import SolveOptions, solve

    scenario = derive(spec.scenario, point.edits)
    options = SolveOptions(solver=spec.solver, time_limit=spec.time_limit, gap=spec.gap, threads=1)
    return scenario, solve(scenario, options, start=dict(spec.start) if spec.start else None)


def solve_point(spec: SweepSpec, point: Point) -> dict[str, Any]:
    """Derive, solve (one thread), verify and summarise one point; runs in a worker process."""
    from results import verified

    scenario, plan = _solved(spec, point)
    result = verified(scenario, plan, what=f"the plan of point {point.label}")
    return _point_record(spec, point, scenario, result)


def solve_plan(spec: SweepSpec, point: Point) -> dict[str, Any]:
    """The solver's plan of one point as plain data (`Plan`'s fields; `plan_from_fields` makes it a `Plan`
    again), for a caller that verifies it itself (`solve_scenarios`); runs in a worker process."""
    _, plan = _solved(spec, point)
    return {
        f.name: dict(getattr(plan, f.name)) if isinstance(getattr(plan, f.name), Mapping) else getattr(plan, f.name)
        for f in fields(plan)
    }


def plan_from_fields(data: dict[str, Any]) -> Any:
    """The `Plan` that `solve_plan` sent as plain data."""
    from models.plan import Plan

    return Plan(**data)


def solve_scenarios(
    scenarios: Sequence[Scenario],
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float | None = None,
    starts: Sequence[Mapping[str, int | None] | None] | None = None,
    workers: int | None = None,
) -> list[Any]:
    """Solve several scenarios (variants, what-ifs: each a `Scenario`) at once, each single-threaded in a
    worker process (`analysis.worker`, started once and kept for the next scenario it is handed), longest
    model first; `starts[i]`: a plan offered to scenario i's solver. Every plan is checked here by the
    independent verifier; returns one `results.Result` per scenario, in their order. One worker (or one
    scenario) solves in this process, with the solver's own threads."""
    from results import verified
    from solver import SolveOptions, solve

    starts = list(starts) if starts is not None else [None] * len(scenarios)
    if len(starts) != len(scenarios):
        raise ValueError("one start plan (or None) per scenario")
    workers = processes.worker_count(workers, len(scenarios))
    plans: dict[str, Any] = {}
    if workers == 1:
        for i, (scenario, start) in enumerate(zip(scenarios, starts, strict=True)):
            options = SolveOptions(solver=solver, time_limit=time_limit, gap=gap)
            plans[str(i)] = solve(scenario, options, start=dict(start) if start else None)
    else:
        specs = {
            str(i): SweepSpec(
                scenario,
                solver=solver,
                time_limit=time_limit,
                gap=gap,
                start=tuple(sorted(start.items())) if start else (),
                settle=False,
            )
            for i, (scenario, start) in enumerate(zip(scenarios, starts, strict=True))
        }
        # the largest models first: the last solves to start are the short ones
        order = sorted(specs, key=lambda k: -len(specs[k].scenario.projects) * len(specs[k].scenario.years))
        lock = threading.Lock()

        def take() -> tuple[str, Point] | None:
            with lock:
                return (order.pop(0), Point()) if order else None

        def finished(key: str, data: Any) -> None:
            plans[key] = plan_from_fields(unpickled(data))

        _run_in_workers(None, take, workers, finished, specs=specs, reply="plan")
    return [
        verified(scenario, plans[str(i)], what=f"the plan of {scenario.name}") for i, scenario in enumerate(scenarios)
    ]


def _point_record(spec: SweepSpec, point: Point, scenario: Scenario, result: Any) -> dict[str, Any]:
    """A point's result file: its point, label, envelope total, verified plan (and the fixed plan, the reason)."""
    from solver import SolveOptions

    data = result.record.placed(None)  # a point's plan names no path of the machine
    out = {
        "format": SWEEP_FORMAT,
        "point": spec.record(point),
        "label": point.label,
        "envelope_total": float(sum(scenario.envelope[y] for y in scenario.horizon_years)),  # the PPI's
        "verified": True if result.has_plan else None,
        "plan": data,
    }
    if spec.fixed:
        out["fixed"] = evaluate_fixed(scenario, dict(spec.fixed))
    if spec.reasons and not result.has_plan:
        from analysis.diagnose import first_reason

        options = SolveOptions(solver=spec.solver, time_limit=spec.time_limit, gap=spec.gap, threads=1)
        out["reason"] = first_reason(scenario, result.status, options)
    return out


def settle_point(spec: SweepSpec, point: Point, sources: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The point's result without a solve, from the result of a point of its budget axis with a larger factor
    (`sources`, nearest first), or None when none settles it.

    Same edits but a smaller factor: every envelope (yearly and multi-year, ≥ 0) is smaller, nothing else
    changes — not the objective, which no envelope enters —, so the point's plans are plans of the larger
    point. Hence (docs/model.md, "Sweeps: points settled without a solve"):
    - a plan proven optimal at the larger factor that passes the independent verifier here is optimal here,
      with the same bound and gap (the larger point's bound is a lower bound here too);
    - a larger point proven infeasible makes this one infeasible.
    Only proven answers settle (a `feasible` plan does not: a solve could find better). The record names its
    source (`settled_from`: label and budget factor). A scenario with protected envelopes
    (`uncertainty.budget_confidence`) is always solved: its rows are the tangent of the protected charge at a
    point that moves with the envelope (docs/model.md, "Plans that hold"), so a smaller budget's model is not the
    larger one's with smaller limits."""
    from models.plan import Plan, Status
    from models.uncertainty import uncertainty_of
    from results import verified
    from results.result import VerificationError

    scenario = None
    tried: list[dict[str, int | None]] = []
    for source in sources:
        plan = source.get("plan") or {}
        status = plan.get("status")
        if status not in (Status.OPTIMAL.value, Status.INFEASIBLE.value):
            continue
        if scenario is None:
            scenario = derive(spec.scenario, point.edits)
            if uncertainty_of(scenario.spec).budget_confidence is not None:
                return None
        record = PlanRecord(plan)
        settled_from = {"label": source["label"], "budget_scale": source["point"].get("budget_scale")}
        if status == Status.INFEASIBLE.value:
            infeasible = Plan(
                scenario=scenario.name,
                status=Status.INFEASIBLE,
                solver=str(plan.get("solver", spec.solver)),
                message=f"settled: point {source['label']} (a larger budget) is infeasible",
                options=dict(plan.get("options") or {}),
            )
            out = _point_record(spec, point, scenario, verified(scenario, infeasible))
            return {**out, "settled_from": settled_from}
        starts = record.starts
        if starts in tried:
            continue
        tried.append(starts)
        candidate = Plan(
            scenario=scenario.name,
            status=Status.OPTIMAL,
            solver=str(plan.get("solver", spec.solver)),
            starts=starts,
            objective=plan.get("objective"),
            bound=plan.get("bound"),
            gap=plan.get("gap"),
            message=f"settled: the optimal plan of point {source['label']} (a larger budget) fits",
            options=dict(plan.get("options") or {}),
            stats=dict(plan.get("model") or {}),
            transfers=record.transfers,
        )
        try:  # within every envelope of this point, and the same objective here (the verifier recomputes it)
            result = verified(scenario, candidate, what=f"the plan settled for point {point.label}")
        except VerificationError:
            continue
        return {**_point_record(spec, point, scenario, result), "settled_from": settled_from}
    return None


def settle_between(spec: SweepSpec, point: Point, relaxation: dict[str, Any]) -> dict[str, Any] | None:
    """The point's result without a solve, from a finished *relaxation* of it — a point whose feasible set
    contains this point's, with the same objective function (`SweepSpec.relaxations`) —, or None.

    The relaxation's bound β is a lower bound here (its minimum over a larger set is no larger). A plan that
    the independent verifier accepts here, with objective z, is therefore optimal here when z − β is within
    the optimality gap of z — the certificate a solve gives. The plans tried: the relaxation's own (when it
    fits here) and the sweep's start plan (`SweepSpec.start`, e.g. the plan explained, feasible in every
    point that only loosens it). Docs: docs/model.md ("Sweeps: points settled without a solve")."""
    from models.evaluate import evaluate_plan
    from models.plan import OPTIMALITY_GAP, Plan, Status
    from results import verified
    from results.result import VerificationError
    from solver.engines import GAP_SLACK, relative_gap

    plan = relaxation.get("plan") or {}
    bound = plan.get("bound")
    if plan.get("status") not in PLAN_STATUSES or bound is None or not math.isfinite(bound):
        return None
    tolerance = (spec.gap if spec.gap is not None else OPTIMALITY_GAP) + GAP_SLACK
    scenario = derive(spec.scenario, point.edits)
    record = PlanRecord(plan)
    candidates = [(record.starts, record.transfers)]
    if spec.start:
        candidates.append((dict(spec.start), {}))
    tried: list[dict[str, int | None]] = []
    for starts, transfers in candidates:
        starts = {p.id: starts.get(p.id) for p in scenario.projects}
        if starts in tried:
            continue
        tried.append(starts)
        objective = evaluate_plan(scenario, starts, transfers).objective
        gap = relative_gap(objective, bound)
        if gap is None or gap > tolerance:
            continue
        candidate = Plan(
            scenario=scenario.name,
            status=Status.OPTIMAL,
            solver=str(plan.get("solver", spec.solver)),
            starts=starts,
            objective=objective,
            bound=bound,
            gap=gap,
            message=f"settled: within the bound of point {relaxation['label']} (a relaxation)",
            options=dict(plan.get("options") or {}),
            stats=dict(plan.get("model") or {}),
            transfers=transfers,
        )
        try:  # within every rule of this point, and its objective recomputed
            result = verified(scenario, candidate, what=f"the plan settled for point {point.label}")
        except VerificationError:
            continue
        settled_from = {"label": relaxation["label"], "budget_scale": relaxation["point"].get("budget_scale")}
        return {**_point_record(spec, point, scenario, result), "settled_from": settled_from}
    return None


class _Schedule:
    """The points left to do, handed out one at a time to the executors (from any thread): the points of each
    budget axis — same values and name, several factors — from the largest factor down; before a point is
    handed out it is offered to `settle_point` with the finished points of larger factors of its axis (this
    run's or an earlier run's), and a settled point is saved (`finished`) instead of being solved."""

    def __init__(
        self,
        spec: SweepSpec,
        keys: list[str],
        todo: list[tuple[str, Point]],
        done: dict[str, dict[str, Any]],
        finished: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self.spec = spec
        self.lock = threading.Lock()
        self.done = done
        self.finished = finished
        self.solved = 0
        self.settled = 0
        self.axis: dict[str, tuple[str, float]] = {}  # key -> (axis, factor), points of an axis of 2 or more
        if spec.settle:
            groups: dict[str, dict[str, float]] = {}
            for key, point in zip(keys, spec.points, strict=True):
                if point.budget_scale is None:
                    continue
                record = spec.record(point)
                axis = json.dumps([record["values"], point.name])
                groups.setdefault(axis, {})[key] = float(record["budget_scale"])
            for axis, members in groups.items():
                if len(members) > 1:
                    self.axis.update({key: (axis, factor) for key, factor in members.items()})
        self.todo = sorted(todo, key=lambda item: -self.axis[item[0]][1] if item[0] in self.axis else 0.0)
        # relaxations first, the points they may settle last (`settle_between`)
        key_of = {point.label: key for key, point in zip(keys, spec.points, strict=True)}
        self.relaxation: dict[str, str] = {}  # key of a point -> key of its relaxation
        for name, members in spec.relaxations:
            for member in members:
                if name in key_of and member in key_of:
                    self.relaxation[key_of[member]] = key_of[name]
        firsts = set(self.relaxation.values())
        self.todo.sort(key=lambda item: 0 if item[0] in firsts else (2 if item[0] in self.relaxation else 1))
        self.wait = False  # whether `take` waits for a relaxation being solved (local workers) or solves at once
        self.running: set[str] = set()  # keys handed out and not finished
        self.aborted = False
        self.cond = threading.Condition(self.lock)

    def finish(self, key: str, data: dict[str, Any]) -> None:
        """A solved point's result: saved, and the points waiting for it woken."""
        self.finished(key, data)
        with self.cond:
            self.running.discard(key)
            self.cond.notify_all()

    def abort(self) -> None:
        """Stop handing out points (an executor failed): `take` returns None from now on."""
        with self.cond:
            self.aborted = True
            self.cond.notify_all()

    def _next(self) -> tuple[str, Point] | None:
        """The next point to consider (lock held): a point whose relaxation is being solved waits for it
        when `wait` and another executor is solving it, unless no other point is left."""
        while not self.aborted:
            if not self.todo:
                return None
            for i, (key, _) in enumerate(self.todo):
                first = self.relaxation.get(key)
                if not (self.wait and first in self.running):
                    return self.todo.pop(i)
            self.cond.wait()
        return None

    def _sources(self, key: str) -> list[dict[str, Any]]:
        axis, factor = self.axis[key]
        larger = sorted((f, k) for k, (a, f) in self.axis.items() if a == axis and f > factor and k in self.done)
        return [self.done[k] for _, k in larger]

    def take(self) -> tuple[str, Point] | None:
        """The next point to solve (None: nothing left), after settling every point it can on the way."""
        while True:
            with self.lock:
                item = self._next()
                if item is None:
                    return None
                key, point = item
                sources = self._sources(key) if key in self.axis else []
                first = self.relaxation.get(key)
                relaxation = self.done.get(first) if first is not None else None
            data = settle_point(self.spec, point, sources) if sources else None
            if data is None and relaxation is not None:
                data = settle_between(self.spec, point, relaxation)
            if data is None:
                with self.lock:
                    self.solved += 1
                    self.running.add(key)
                return key, point
            with self.lock:
                self.settled += 1
            self.finished(key, data)


def evaluate_fixed(scenario: Any, starts: dict[str, int | None]) -> dict[str, Any]:
    """A given plan (start years) under this point's scenario, without solving: its objective and what it
    breaks (budget years, windows...) by the independent verifier."""
    from models.evaluate import evaluate_plan
    from models.plan import Plan, Status
    from results.record import plan_to_dict
    from results.verify import verify_plan

    starts = {p.id: starts.get(p.id) for p in scenario.projects}
    ev = evaluate_plan(scenario, starts)
    plan = Plan(scenario=scenario.name, status=Status.FEASIBLE, solver="fixed", starts=starts, objective=ev.objective)
    record = plan_to_dict(scenario, plan, ev)
    check = verify_plan(scenario, record)
    return {
        "objective": ev.objective,
        "unmet_by_kind": record["unmet_by_kind"],  # over the PPI's years, as every plan reports it
        "violations": check.violations,
    }


@dataclass
class SweepResult:
    spec: SweepSpec
    results: list[dict[str, Any]]  # one per point, in the order of spec.points
    reused: int = 0  # points read back from an earlier run
    solved: int = 0  # points done by this run: solved, or settled without a solve (`settled` of them)
    seconds: float = 0.0
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    damaged: tuple[str, ...] = ()  # labels of points whose saved file could not be read: solved again
    settled: int = 0  # points of this run settled from a larger budget's proven answer (`settle_point`)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    from results.store import write_file

    write_file(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def run_sweep(
    spec: SweepSpec,
    out_dir: str | Path,
    workers: int | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> SweepResult:
    """Solve every point not already in `out_dir/points/`, `workers` at a time (default: the CPU count) —
    in local worker processes, or on a Dask cluster (`executor="dask"`: the one at `scheduler`, or a local
    one of `workers` processes) —; save each as soon as it is done; return the results in point order."""
    if executor not in ("local", "dask"):
        raise SweepError(f"unknown executor {executor!r} (local or dask)")
    out = Path(out_dir)
    points_dir = out / "points"
    points_dir.mkdir(parents=True, exist_ok=True)
    (out / ".ppi-results").write_text(f"{SWEEP_FORMAT}\n", encoding="utf-8")
    inputs = _inputs_digest(spec)
    keys = [spec.key(p, inputs) for p in spec.points]
    for leftover in points_dir.glob(".*.json.new-*"):  # a point file cut short by a killed run (folder claimed)
        leftover.unlink(missing_ok=True)
    done: dict[str, dict[str, Any]] = {}
    damaged: list[str] = []
    labels = {k: p.label for k, p in zip(keys, spec.points, strict=True)}
    for key in sorted(set(keys)):
        f = points_dir / f"{key}.json"
        if os.path.lexists(f):
            saved = _read_point(f)
            if saved is not None:
                done[key] = saved
                continue
            damaged.append(labels[key])  # damaged (by hand, a disk, another program): removed and solved again
            if f.is_dir() and not f.is_symlink():
                shutil.rmtree(f)
            else:
                f.unlink()
    todo = [(k, p) for k, p in zip(keys, spec.points, strict=True) if k not in done]
    todo = list({k: (k, p) for k, p in todo}.values())
    reused = len(spec.points) - len(todo)
    t0 = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    if progress:
        progress(reused, len(spec.points), 0.0)
    lock = threading.Lock()

    def finished(key: str, data: dict[str, Any]) -> None:
        with lock:
            done[key] = data
            _write_json(points_dir / f"{key}.json", data)
            if progress:
                progress(len(done), len(spec.points), time.perf_counter() - t0)

    schedule = _Schedule(spec, keys, todo, done, finished)
    if todo and executor == "dask":
        _run_on_dask(spec, schedule.take, workers, scheduler, schedule.finish)
    elif todo and workers == 1:
        while (item := schedule.take()) is not None:
            schedule.finish(item[0], solve_point(spec, item[1]))
    elif todo:
        schedule.wait = True
        _run_in_workers(spec, schedule.take, min(workers, len(todo)), schedule.finish, abort=schedule.abort)
    results = [done[k] for k in keys]
    result = SweepResult(
        spec,
        results,
        reused=reused,
        solved=len(todo),
        seconds=time.perf_counter() - t0,
        settled=schedule.settled,
    )
    result.damaged = tuple(damaged)
    result.table = frontier_table(results)
    return result


def _read_point(path: Path) -> dict[str, Any] | None:
    """A saved point as written by `solve_point`, or None when its file cannot be read as one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not a file, not UTF-8, not JSON
        return None
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict) or "label" not in data:
        return None
    if data.get("format") != SWEEP_FORMAT or "envelope_total" not in data:
        return None
    return data


def _run_in_workers(
    spec: SweepSpec | None,
    take: Callable[[], tuple[str, Point] | None],
    workers: int,
    finished: Callable[[str, dict[str, Any]], None],
    specs: dict[str, SweepSpec] | None = None,
    reply: str = "record",
    abort: Callable[[], None] | None = None,
) -> None:
    """Solve the points `take` hands out in `workers` subprocesses (`python -m analysis.worker`, each started
    when it has a first point to solve), `finished` called as each result comes back; on any error or
    interruption every worker is stopped.

    `specs` (key -> sweep): each point solved under its own sweep (another scenario, other options), sent to
    a worker before the point when it holds another one; otherwise every point is one of `spec`. `reply`:
    "record" (the point's verified result file, `solve_point`) or "plan" (the solver's `Plan`, pickled,
    for the caller to verify: `solve_plan`). `abort` is called when a worker fails (`take` may be waiting)."""
    lock = threading.Lock()
    procs: list[subprocess.Popen] = []
    stop = threading.Event()
    # sent once to each worker (the scenario, the options), or per point from `specs`
    task_spec = pickled(replace(spec, points=())) if spec is not None else None
    pickled_specs = {k: pickled(replace(s, points=())) for k, s in (specs or {}).items()}

    def start() -> subprocess.Popen:
        proc = processes.take()  # a spare worker started ahead (`processes.start_spare`), or a new one
        with lock:
            procs.append(proc)
        assert proc.stdin is not None
        if task_spec is not None:
            proc.stdin.write(json.dumps({"spec": task_spec}) + "\n")
        return proc

    def serve() -> None:
        proc: subprocess.Popen | None = None
        held = task_spec  # the sweep the worker holds
        try:
            while not stop.is_set():
                item = take()
                if item is None:
                    break
                key, point = item
                if proc is None:
                    proc = start()
                assert proc.stdin is not None and proc.stdout is not None
                if key in pickled_specs and pickled_specs[key] != held:
                    held = pickled_specs[key]
                    proc.stdin.write(json.dumps({"spec": held}) + "\n")
                proc.stdin.write(json.dumps({"key": key, "point": pickled(point), "answer": reply}) + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                if not line:
                    raise RuntimeError(f"a sweep worker stopped while solving point {point.label}")
                answer = json.loads(line)
                if "error" in answer:
                    raise RuntimeError(f"point {point.label}: {answer['error']}\n{answer.get('trace', '')}")
                finished(key, answer["result"])
        except BaseException:
            if abort is not None:
                abort()
            raise
        finally:
            if proc is not None:
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.close()
                proc.wait()
                proc.stdout.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(serve) for _ in range(workers)]
        try:
            for fut in futures:
                fut.result()
        except BaseException:
            stop.set()
            if abort is not None:
                abort()
            with lock:
                for proc in procs:
                    proc.kill()
            raise


def pickled(obj: Any) -> str:
    """An object for a worker's task line (the workers are our own processes, started by this module)."""
    return base64.b64encode(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)).decode("ascii")


def unpickled(text: str) -> Any:
    """The object a `pickled` text holds."""
    return pickle.loads(base64.b64decode(text))


def _run_on_dask(
    spec: SweepSpec,
    take: Callable[[], tuple[str, Point] | None],
    workers: int,
    scheduler: str | None,
    finished: Callable[[str, dict[str, Any]], None],
) -> None:
    """Solve the points `take` hands out as tasks of a Dask cluster: the one at `scheduler` (its workers need
    ppi installed), or a local cluster of `workers` single-threaded processes started for the sweep. As many
    tasks are in flight as the cluster has threads (at least `workers`): the next point is taken when one
    comes back, so that a point a finished one settles is never sent."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SweepError("the dask executor needs dask.distributed: pip install 'ppi[dask]'") from None
    cluster = None
    if scheduler is None:
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        except Exception as exc:  # a worker that does not start (memory, ports, a broken environment)
            raise SweepError(f"the local Dask cluster could not start: {type(exc).__name__}: {exc}") from exc
    try:
        try:
            client = Client(scheduler if scheduler is not None else cluster)
        except (OSError, TimeoutError) as exc:
            raise SweepError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            slots = max(workers, sum(client.nthreads().values()))
            futures: dict[Any, str] = {}
            pending = as_completed()

            def submit() -> None:
                item = take()
                if item is not None:
                    key, point = item
                    fut = client.submit(solve_point, spec, point, key=f"ppi-point-{key}", pure=False)
                    futures[fut] = key
                    pending.add(fut)

            for _ in range(slots):
                submit()
            for fut in pending:
                finished(futures.pop(fut), fut.result())
                submit()
    finally:
        if cluster is not None:
            cluster.close()


def frontier_table(results: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """One row per point: factor, values, total envelope, status, gap, objective, unmet per kind, projects
    chosen, the point it was settled from (`settle_point`; None when solved); along the budget axis (points
    sorted by total envelope for each combination of varied values), the projects entering and leaving the
    plan and the objective removed per extra M€."""
    rows = []
    for r in results:
        plan = r["plan"]
        point = r["point"]
        row: dict[str, Any] = {
            "label": r["label"],
            "budget_scale": point.get("budget_scale"),
            **{f"vary {p}": v for p, v in point.get("values", [])},
            "envelope_total": r["envelope_total"],
            "status": plan["status"],
            "gap": plan.get("gap"),
            "objective": plan.get("objective"),
        }
        for kind, units in (plan.get("unmet_by_kind") or {}).items():
            row[f"unmet {kind}"] = units
        chosen = sorted(PlanRecord(plan).chosen)
        row["projects_chosen"] = len(chosen) if plan.get("projects") else None
        row["chosen"] = " ".join(chosen)
        # why a point has no plan (kind and values, worded by reports.words.reason_text); None with a plan
        no_plan = plan["status"] not in PLAN_STATUSES
        row["reason"] = (r.get("reason") or _status_reason(plan["status"])) if no_plan else None
        row["settled_from"] = (r.get("settled_from") or {}).get("label")  # settled without a solve, from that point
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["entering"] = ""
    table["leaving"] = ""
    table["objective_per_extra_meur"] = math.nan
    group_cols = [c for c in table.columns if c.startswith("vary ")]
    groups = table.groupby(group_cols, sort=False, dropna=False) if group_cols else [(None, table)]
    for _, group in groups:
        ordered = group.sort_values("envelope_total")
        previous = None
        for idx, row in ordered.iterrows():
            if previous is not None and row["status"] in PLAN_STATUSES:
                before, after = set(previous["chosen"].split()), set(row["chosen"].split())
                table.at[idx, "entering"] = " ".join(sorted(after - before))
                table.at[idx, "leaving"] = " ".join(sorted(before - after))
                extra = (row["envelope_total"] - previous["envelope_total"]) / 1e6
                if extra > 0 and previous["objective"] is not None and row["objective"] is not None:
                    table.at[idx, "objective_per_extra_meur"] = (previous["objective"] - row["objective"]) / extra
            if row["status"] in PLAN_STATUSES:
                previous = row
    return table


def _status_reason(status: str) -> dict[str, Any]:
    return {"row": "", "kind": "status", "values": {"status": status}}


def knee(table: pd.DataFrame) -> int | None:
    """Index of the knee of a budget frontier (no varied value): the point farthest from the straight line
    between the first and last solved points, on axes scaled to [0, 1] — past it, each extra M€ removes
    markedly less unmet demand."""
    solved = table[table["status"].isin(PLAN_STATUSES)].sort_values("envelope_total")
    if len(solved) < 3:
        return None
    x, y = solved["envelope_total"].to_numpy(float), solved["objective"].to_numpy(float)
    if x[-1] == x[0] or y[0] == y[-1]:
        return None
    xs, ys = (x - x[0]) / (x[-1] - x[0]), (y - y[-1]) / (y[0] - y[-1])
    distance = (1 - xs) - ys  # below the chord from (0, 1) to (1, 0): the curve's bend toward the origin
    best = int(distance.argmax())
    return int(solved.index[best]) if distance[best] > 1e-9 else None


# Named parameters of a tornado that move many values at once: every project's cost by a relative change
# ("+10%", "-0.1"), or every project's delivery by whole years ("1", "2").
AGGREGATE_PARAMS = ("costs", "delays")


def _relative(value: str) -> float:
    text = value.strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise SweepError(f"costs takes relative changes such as -10% or +0.1, got {value!r}") from None


def expand_param(scenario: Any, name: str, value: str) -> tuple[tuple[str, str], ...]:
    """The `--set` values of one parameter value: itself for a path, every project's for `costs`/`delays`."""
    if name not in AGGREGATE_PARAMS:
        return ((name, value),)
    movable = [p for p in scenario.projects if p.status != ProjectStatus.EXCLUDED]
    if name == "costs":
        change = _relative(value)
        if change <= -1:
            raise SweepError(f"costs cannot fall by 100 % or more, got {value!r}")
        return tuple((f"projects.{p.id}.cost", repr(round(p.cost * (1 + change), 2))) for p in movable)
    if name == "delays":
        try:
            years = int(value)
        except ValueError:
            raise SweepError(f"delays takes whole years such as 1 or 2, got {value!r}") from None
        return tuple((f"projects.{p.id}.delivery_lag", str(max(0, min(30, p.delivery_lag + years)))) for p in movable)
    raise AssertionError(name)  # every aggregate parameter is handled above


def tornado_points(params: list[tuple[str, list[str]]], scenario: Any = None) -> tuple[Point, ...]:
    """One at a time: the base, then each parameter at each of its values with the others at base. A path
    moves one value; `costs` (relative change) and `delays` (years) move every project's (needs `scenario`)."""
    if not params:
        raise SweepError("a tornado needs at least one --param PATH=LOW,HIGH")
    points = [Point()]
    for name, values in params:
        if not values:
            raise SweepError(f"--param {name} needs values")
        if name in AGGREGATE_PARAMS and scenario is None:
            raise SweepError(f"the {name} parameter needs the scenario to expand")
        points += [
            Point(tuple(value_edit(path, text) for path, text in expand_param(scenario, name, v)), name=f"{name}={v}")
            for v in values
        ]
    return tuple(points)


def tornado_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per parameter: the objective at each of its values against the base, the swing (largest −
    smallest of these and the base), and the projects that enter or leave the base plan at each value;
    sorted by swing."""
    base = results[0]["plan"]
    base_chosen = set(PlanRecord(base).chosen)
    rows: dict[str, dict[str, Any]] = {}
    for r in results[1:]:
        path, _, value = r["label"].partition("=")
        plan = r["plan"]
        row = rows.setdefault(path, {"parameter": path, "base": base.get("objective"), "values": [], "objectives": []})
        row["values"].append(value)
        row["objectives"].append(plan.get("objective") if plan["status"] in PLAN_STATUSES else None)
        if plan["status"] not in PLAN_STATUSES:
            row.setdefault("plan changes", []).append(f"{value}: no plan ({plan['status']})")
            continue
        chosen = set(PlanRecord(plan).chosen)
        change = [f"+{p}" for p in sorted(chosen - base_chosen)] + [f"-{p}" for p in sorted(base_chosen - chosen)]
        row.setdefault("plan changes", []).append(f"{value}: {' '.join(change) or 'none'}")
    out = []
    for row in rows.values():
        known = [o for o in row["objectives"] if o is not None] + ([row["base"]] if row["base"] is not None else [])
        swing = (max(known) - min(known)) if len(known) > 1 else math.nan  # the base counts as one of the values
        out.append(
            {
                "parameter": row["parameter"],
                "values": ", ".join(row["values"]),
                "objectives": ", ".join("no plan" if o is None else f"{o:.6g}" for o in row["objectives"]),
                "base objective": row["base"],
                "low": min(known) if known else math.nan,
                "high": max(known) if known else math.nan,
                "swing": swing,
                "plan changes": "; ".join(row["plan changes"]),
            }
        )
    return pd.DataFrame(out).sort_values("swing", ascending=False, na_position="last").reset_index(drop=True)
