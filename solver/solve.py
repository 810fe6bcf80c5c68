"""Solve a scenario: build the matrix model, run an engine, read the plan back as start years."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp

from models.plan import OPTIMALITY_GAP, Plan, Status
from models.scenario import Scenario
from models.spec import ProjectStatus
from solver.engines import ENGINES, GAP_SLACK, EngineResult, SolveOptions, Start, relative_gap, zero_fits
from solver.formulation import MatrixModel, build_model

# A binary whose value is above this is taken as 1 (solvers return 0.9999999 for 1).
BINARY_THRESHOLD = 0.5
# A transfer below this (in the kind's unit) is solver dust, not a transfer.
TRANSFER_EPS = 1e-9


def _solve_matrix(model: MatrixModel, options: SolveOptions, start: Start | None = None) -> EngineResult:
    """Run the engine; a model with no decision left is settled here (solvers treat it as an edge case)."""
    if model.shape[1] == 0:
        if all(zero_fits(lo, hi) for lo, hi in zip(model.row_lower, model.row_upper, strict=True)):
            return EngineResult(Status.OPTIMAL, np.zeros(0), model.offset, model.offset, 0.0, "no decision left")
        return EngineResult(Status.INFEASIBLE, None, None, None, 0.0, "the fixed projects break a constraint")
    return settle(model, ENGINES[options.solver](model, options, start))


def settle(model: MatrixModel, result: EngineResult) -> EngineResult:
    """An engine's result with its plan polished and its objective, gap and status recomputed from that plan."""
    if not result.status.has_plan or result.x is None:
        return result
    x = polish(model, result.x)
    objective = float(model.c @ x) + model.offset
    status = result.status
    gap = relative_gap(objective, result.bound)
    if status == Status.OPTIMAL and gap is not None and gap > OPTIMALITY_GAP + GAP_SLACK:
        status = Status.FEASIBLE  # polishing showed the solver's value was not its plan's
    return replace(result, x=x, objective=objective, status=status)


def polish(model: MatrixModel, x: np.ndarray) -> np.ndarray:
    """The solver's plan with binaries rounded, transfer dust removed and each unmet column at its least value.

    Given the start decisions and transfers, u[d,k,y] = min(R, max(0, R − Σ a x − out + in)). A plan stopped
    short of optimality (time limit, loose gap) may leave u above that value; the objective is then recomputed from the
    polished plan, so it is the plan's true objective.
    """
    x = np.array(x, dtype=float)
    integer = model.integrality.astype(bool)
    x[integer] = np.round(x[integer])
    if model.transfer_col:
        cols = np.fromiter(model.transfer_col.values(), dtype=int)
        x[cols] = np.where(x[cols] > TRANSFER_EPS, np.minimum(x[cols], model.col_upper[cols]), 0.0)
    if model.unmet_row:
        cols = np.fromiter(model.unmet_row.keys(), dtype=int)
        rows = np.fromiter(model.unmet_row.values(), dtype=int)
        served = model.A[rows] @ x - x[cols]  # every unmet column has coefficient 1 in its own row
        x[cols] = np.clip(model.row_lower[rows] - served, 0.0, model.col_upper[cols])
    return x


def unstartable(scenario: Scenario, starts: Mapping[str, int | None]) -> list[str]:
    """Projects a plan chooses that this scenario cannot start as that plan did: unknown or excluded here,
    (candidates and mandatory projects) a start year outside their window here, or — in turn — a start
    before one of their prerequisites, or without it (the phase 2 of a phase 1 left out)."""
    out: list[str] = []
    kept: dict[str, int] = {}
    for pid, year in starts.items():
        p = scenario.project.get(pid)
        if year is None:
            continue
        if p is not None and p.status == ProjectStatus.COMMITTED:
            kept[pid] = p.start if p.start is not None else year
        elif p is None or p.status == ProjectStatus.EXCLUDED or year not in p.start_years:
            out.append(pid)
        else:
            kept[pid] = year
    for p in scenario.projects:  # committed projects start whatever the plan says
        if p.status == ProjectStatus.COMMITTED and p.start is not None:
            kept.setdefault(p.id, p.start)
    changed = True
    while changed:  # a prerequisite left out takes its dependants with it
        changed = False
        for pid in [pid for pid in kept if scenario.project[pid].status != ProjectStatus.COMMITTED]:
            if any(q not in kept or kept[q] > kept[pid] for q in scenario.project[pid].requires):
                del kept[pid]
                out.append(pid)
                changed = True
    return out


def start_columns(scenario: Scenario, model: MatrixModel, starts: Mapping[str, int | None]) -> dict[int, float]:
    """A plan's start years as values of the model's start columns: x[p,s] = 1 for the start of each chosen
    project the scenario can start as the plan did (`unstartable` lists the others), 0 for every other start
    column. Committed projects are constants of the model (no column). The engine completes the other columns
    and checks the whole plan."""
    values = dict.fromkeys(model.start_col.values(), 0.0)
    left_out = set(unstartable(scenario, starts))
    for pid, year in starts.items():
        j = model.start_col.get((pid, year)) if year is not None and pid not in left_out else None
        if j is not None:
            values[j] = 1.0
    return values


def solve(
    scenario: Scenario, options: SolveOptions | None = None, start: Mapping[str, int | None] | None = None
) -> Plan:
    """Optimal (or best found) plan of a scenario, with the solver's real status, bound and gap.

    `start` (project → start year or None, e.g. the plan of a previous run) is offered to HiGHS as its first
    plan (`start_columns`; projects the scenario cannot start as that plan did are left out of it, see
    `unstartable`): when it is feasible here, the search begins from a plan at least that good. It does
    not change the optimum (nor, measured, make the search faster: docs/benchmarks-start.md).
    """
    options = options or SolveOptions()
    if options.solver not in ENGINES:
        raise ValueError(f"unknown solver '{options.solver}' (available: {', '.join(ENGINES)})")
    t0 = time.perf_counter()
    model = build_model(scenario)
    build_s = time.perf_counter() - t0
    start_values = start_columns(scenario, model, start) if start is not None else None
    result = _solve_matrix(model, options, start_values)
    return plan_from_result(scenario, model, result, options, build_s)


def plan_from_result(
    scenario: Scenario, model: MatrixModel, result: EngineResult, options: SolveOptions, build_s: float = 0.0
) -> Plan:
    """Read the start years and transfers of an engine's solution back into a `Plan`."""
    starts: dict[str, int | None] = {p.id: None for p in scenario.projects}
    transfers: dict[tuple[str, str, str, int], float] = {}
    if result.status.has_plan:
        assert result.x is not None
        for p in scenario.projects:
            if p.status == ProjectStatus.COMMITTED:
                starts[p.id] = p.start
        for (pid, year), j in model.start_col.items():
            if result.x[j] > BINARY_THRESHOLD:
                starts[pid] = year
        for key, j in model.transfer_col.items():
            if result.x[j] > TRANSFER_EPS:
                transfers[key] = float(result.x[j])
    stats = {
        "build_s": round(build_s, 4),
        "solve_s": round(result.runtime_s, 4),
        "columns": model.shape[1],
        "binaries": int(model.integrality.sum()),
        "rows": model.shape[0],
        "nonzeros": int(model.A.nnz),
    }
    return Plan(
        scenario=scenario.name,
        status=result.status,
        solver=result.info.get("winner", options.solver),  # auto: the engine whose plan it is
        starts=MappingProxyType(starts) if result.status.has_plan else MappingProxyType({}),
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        runtime_s=build_s + result.runtime_s,
        message=result.message,
        options=MappingProxyType(options.as_dict()),
        stats=MappingProxyType(stats),
        transfers=MappingProxyType(transfers),
    )


__all__ = ["SolveOptions", "Status", "solve"]


def near_optimal_model(
    model: MatrixModel, objective_cap: float, previous: list[Mapping[str, int | None]]
) -> MatrixModel:
    """Modelling to generate alternatives: the same constraints plus

    near_optimal:  c·x + offset ≤ objective_cap          (within the tolerance of the optimum)

    and a new objective, the distance to the previous plans P to maximise: Σ_P (projects of P left out +
    projects outside P chosen), i.e. minimise Σ_p Σ_s (n_in(p) − n_out(p) + ½ n_same(p,s)) x[p,s] with n_in,
    n_out the numbers of previous plans choosing p or not, n_same those starting it in s — so that an
    alternative swaps projects rather than merely dropping some, and moves start years when it keeps them.
    """
    c = np.zeros_like(model.c)
    for (pid, year), j in model.start_col.items():
        for starts in previous:
            chosen = starts.get(pid)
            c[j] += (1.0 + (0.5 if chosen == year else 0.0)) if chosen is not None else -1.0
    row = sp.csr_matrix(model.c.reshape(1, -1))
    return replace(
        model,
        c=c,
        offset=0.0,
        A=sp.vstack([model.A, row], format="csr"),
        row_lower=np.append(model.row_lower, -np.inf),
        row_upper=np.append(model.row_upper, objective_cap - model.offset),
        row_names=[*model.row_names, "near_optimal"],
    )


def solve_matrix(model: MatrixModel, options: SolveOptions, start: Start | None = None) -> EngineResult:
    """Run an engine on a matrix model as it is (for variants of the model such as `near_optimal_model`)."""
    return _solve_matrix(model, options, start)
