"""OR-Tools CP-SAT as an engine (`--solver cpsat`), on the same `MatrixModel` as HiGHS.

CP-SAT solves integer programs only: integer variables, integer coefficients. The model's start columns are
binary already; its money rows, demand rows and the continuous columns (unmet demand, transfers, carried
credit, the savings and debt path) are not. Rather than pretend a scaled model is the real one, the engine
solves a *relaxation* of the real model in integers and recomputes every plan exactly:

1. Every continuous column x_c gets finite bounds (its own, or for a free one the least and greatest value
   the LP relaxation allows: no plan lies outside them) and a grid of step g_c = 2^(e_c − GRID_BITS), with
   2^e_c ≥ max |x_c|: x_c ≈ g_c z_c, z_c integer.
2. Each row i is multiplied by a power of two S_i (exact in floating point) so that its largest activity is
   about 2^ROW_BITS, and its coefficients rounded to integers q. A real plan x* maps to z* (its continuous
   values moved to the grid point below, or above for a column of negative cost: less than one step), and
   its integer activity differs from S_i × the real one by at most

       E_i = Σ_b |S a_b − q_b| max|x_b| + Σ_c (|S a_c| g_c + |S a_c g_c − q_c| max|z_c|)      (+ a margin)

   so the integer row  ⌈S_i lo − E_i⌉ ≤ q·(x, z) ≤ ⌊S_i hi + E_i⌋  keeps every real plan: a relaxation.
3. The objective, scaled and rounded the same way: the move to the grid never lowers it, so its error E_0 is
   that of its rounded coefficients alone, and CP-SAT's proven bound B of the integer objective gives the
   real bound max((B − E_0) / S_0 + offset, Σ_j min(c_j lo_j, c_j hi_j) + offset), valid for the real
   (unscaled) model.
4. The start decisions of CP-SAT's best solutions are fixed and the continuous part is solved exactly by a
   linear program (HiGHS): that is the plan, with its true objective. A status is `optimal` only when that
   true objective is within the optimality gap of the real bound; otherwise `feasible` with that bound.
   CP-SAT proving its relaxation infeasible proves the real model infeasible.

Time limit, threads (CP-SAT workers), seed, gap, progress (the relaxation's incumbent and the real bound) and
interruption (SIGINT stops the search within moments and raises `SolveInterrupted` with the best plan found
so far, recomputed exactly) are honoured as by the HiGHS engine; a start plan is given as a hint. CP-SAT's
presolve is off: in OR-Tools 9.15 it certified a wrong optimum of Exemple-Ville's relaxation (the known bug
google/or-tools#5293), which step 4 cannot catch; the tests compare CP-SAT with HiGHS and the brute force.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import replace
from typing import Any

import numpy as np

from models.plan import OPTIMALITY_GAP, Status
from solver.engines import (
    EngineResult,
    SigintWatch,
    SolveInterrupted,
    SolveOptions,
    Start,
    solve_highs,
    status_with_plan,
)
from solver.formulation import MatrixModel

GRID_BITS = 20  # a continuous column's grid: 2^-20 (about 1e-6) of its largest magnitude
ROW_BITS = 52  # a row's largest integer activity, about 2^52 (CP-SAT accepts sums up to 2^63)
OBJECTIVE_BITS = 56
SAFETY_UNITS = 4.0  # integer units added to every error bound (floating-point rounding of S·lo, S·hi)
BOUND_PAD = 1e-6  # relative padding of the bounds of free columns found by linear programs
EVALUATE_AT_MOST = 20  # solutions of CP-SAT evaluated exactly, best first, until one is a real plan


class _Scaled:
    """The integer relaxation of a model, with what is needed to read CP-SAT's answers back."""

    def __init__(self) -> None:
        self.proto_model: Any = None
        self.objective_scale = 1.0
        self.objective_error = 0.0
        self.integer_cols: np.ndarray = np.zeros(0, dtype=int)


def _pow2_at_least(v: float) -> int:
    """e with 2^e ≥ v (v > 0)."""
    return math.ceil(math.log2(v)) if v > 0 else 0


def _column_bounds(m: MatrixModel, opts: SolveOptions) -> tuple[np.ndarray, np.ndarray] | None:
    """Finite bounds of every column: its own, or for a column without one the least and greatest value of
    the LP relaxation (padded). None when the LP relaxation is infeasible (so is the model)."""
    lo, hi = m.col_lower.copy(), m.col_upper.copy()
    free = [j for j in range(len(lo)) if not (math.isfinite(lo[j]) and math.isfinite(hi[j]))]
    if not free:
        return lo, hi
    import highspy

    from solver.engines import new_highs

    h = new_highs(False)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    highspy.Highs.resetGlobalScheduler(True)
    A = m.A.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.zeros(A.shape[1])
    lp.col_lower_, lp.col_upper_ = m.col_lower, m.col_upper
    lp.row_lower_, lp.row_upper_ = m.row_lower, m.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    h.passModel(lp)
    h.run()
    if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        return None
    n = A.shape[1]
    for j in free:
        for sense, bounds in ((1.0, lo), (-1.0, hi)):
            if math.isfinite(bounds[j]):
                continue
            cost = np.zeros(n)
            cost[j] = sense
            h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                # unbounded in the relaxation (or not settled): a wide bound, 1e12 units of the model (money: 1e12
                # M€ at most), far beyond any plan's value
                bounds[j] = -sense * 1e12
                continue
            v = h.getSolution().col_value[j]
            bounds[j] = v - sense * (BOUND_PAD * (1.0 + abs(v)))
    return lo, hi


def _scale(m: MatrixModel, lo: np.ndarray, hi: np.ndarray, start: Start | None) -> _Scaled:
    from ortools.sat.python import cp_model

    n = m.A.shape[1]
    integer = m.integrality.astype(bool)
    out = _Scaled()
    out.integer_cols = np.flatnonzero(integer)
    # Integer columns: their own bounds, rounded inwards; continuous ones: grid steps.
    magnitude = np.maximum(np.abs(lo), np.abs(hi))
    grid = np.ones(n)
    zlo = np.zeros(n, dtype=np.int64)
    zhi = np.zeros(n, dtype=np.int64)
    for j in range(n):
        if integer[j]:
            zlo[j], zhi[j] = math.ceil(lo[j] - 1e-9), math.floor(hi[j] + 1e-9)
        else:
            grid[j] = 2.0 ** (_pow2_at_least(max(magnitude[j], 2.0**-30)) - GRID_BITS)
            zlo[j], zhi[j] = math.floor(lo[j] / grid[j]), math.ceil(hi[j] / grid[j])
    zmax = np.maximum(np.abs(zlo), np.abs(zhi)).astype(float)
    xmax = np.where(integer, zmax, magnitude)  # the largest |x_j| of any plan

    cm = cp_model.CpModel()
    proto = cm.proto
    for j in range(n):
        v = proto.variables.add()
        v.domain.extend([int(zlo[j]), int(zhi[j])])

    def scaled_terms(
        cols: np.ndarray, vals: np.ndarray, bits: int, extra: float, objective: bool = False
    ) -> tuple[float, np.ndarray, float]:
        """(S, integer coefficients, error bound E) of a row or the objective over columns `cols`. A plan's
        continuous value x_c is taken to the grid point z_c = ⌊x_c / g_c⌋ where its cost c_c ≥ 0, ⌈x_c / g_c⌉
        where c_c < 0 (less than one step away, so a row errs by at most |S a_c| g_c; the objective never
        gains from the move, so it errs by its rounded coefficients only)."""
        activity = float(np.sum(np.abs(vals) * xmax[cols])) + extra
        S = 2.0 ** (bits - _pow2_at_least(max(activity, 2.0**-60)))
        real = S * vals * np.where(integer[cols], 1.0, grid[cols])
        q = np.round(real)
        err = np.abs(real - q) * zmax[cols]
        if not objective:
            err += np.where(integer[cols], 0.0, np.abs(S * vals) * grid[cols])
        return S, q, float(err.sum()) + SAFETY_UNITS

    A = m.A.tocsr()
    for i in range(A.shape[0]):
        cols = A.indices[A.indptr[i] : A.indptr[i + 1]]
        vals = A.data[A.indptr[i] : A.indptr[i + 1]]
        rlo, rhi = m.row_lower[i], m.row_upper[i]
        finite = [abs(b) for b in (rlo, rhi) if math.isfinite(b)]
        if len(cols) == 0:
            if (math.isfinite(rlo) and rlo > 1e-9) or (math.isfinite(rhi) and rhi < -1e-9):
                ct = proto.constraints.add()  # an empty row that 0 breaks: the model is infeasible
                ct.bool_or.literals.extend([])
            continue
        S, q, err = scaled_terms(cols, vals, ROW_BITS, max(finite, default=0.0))
        keep = q != 0
        reach = int(np.sum(np.abs(q) * zmax[cols])) + 1  # no activity goes beyond ±reach
        ilo = max(math.ceil(S * rlo - err), -reach) if math.isfinite(rlo) else -reach
        ihi = min(math.floor(S * rhi + err), reach) if math.isfinite(rhi) else reach
        if ilo > ihi:  # no activity of the row reaches its bounds: the model is infeasible
            proto.constraints.add().bool_or.literals.extend([])
            continue
        ct = proto.constraints.add()
        ct.linear.vars.extend(cols[keep].tolist())
        ct.linear.coeffs.extend(q[keep].astype(np.int64).tolist())
        ct.linear.domain.extend([int(ilo), int(ihi)])
    cols = np.flatnonzero(m.c)
    if len(cols):
        S0, q0, err0 = scaled_terms(cols, m.c[cols], OBJECTIVE_BITS, 0.0, objective=True)
        keep = q0 != 0
        proto.objective.vars.extend(cols[keep].tolist())
        proto.objective.coeffs.extend(q0[keep].astype(np.int64).tolist())
        out.objective_scale, out.objective_error = S0, err0
    if start:
        for j, v in start.items():
            proto.solution_hint.vars.append(int(j))
            proto.solution_hint.values.append(int(round(v)))
    out.proto_model = cm
    return out


def _fixed_lp(m: MatrixModel, values: np.ndarray) -> MatrixModel:
    """The model with its integer columns fixed at `values`: a linear program in the continuous columns."""
    integer = m.integrality.astype(bool)
    lo, hi = m.col_lower.copy(), m.col_upper.copy()
    lo[integer] = hi[integer] = np.round(values[integer])
    return replace(m, col_lower=lo, col_upper=hi, integrality=np.zeros_like(m.integrality))


def evaluate(m: MatrixModel, values: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The real plan of integer decisions `values`: its continuous part solved exactly (HiGHS, a linear
    program), (x, true objective); None when no plan has these decisions."""
    r = solve_highs(_fixed_lp(m, values), SolveOptions(threads=1))
    if r.status is not Status.OPTIMAL or r.x is None:
        return None
    return r.x, float(m.c @ r.x) + m.offset


def solve_cpsat(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    info: dict[str, Any] = {}
    if not m.integrality.any():  # no decision for CP-SAT: the linear program is the model
        r = solve_highs(m, replace(opts, progress=None))
        return replace(r, runtime_s=time.perf_counter() - t0, info={**r.info, "engine": "cpsat (linear program)"})
    bounds = _column_bounds(m, opts)
    if bounds is None:
        return EngineResult(
            Status.INFEASIBLE, None, None, None, time.perf_counter() - t0, "LP relaxation infeasible", info
        )
    scaled = _scale(m, *bounds, start)
    info["scale_s"] = time.perf_counter() - t0
    S0, E0 = scaled.objective_scale, scaled.objective_error

    lo, hi = bounds
    # Every plan costs at least Σ_j min(c_j lo_j, c_j hi_j) + offset: a floor under the bound carried back
    # (the scaling's error can only take the latter below it, e.g. under 0 for a plan meeting all demand).
    floor = float(np.sum(np.minimum(m.c * lo, m.c * hi), where=m.c != 0, initial=0.0)) + m.offset

    def real_bound(b: float) -> float:
        return max((b - E0) / S0 + m.offset, floor)

    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = int(opts.threads) if opts.threads else (os.cpu_count() or 1)
    p.random_seed = int(opts.seed)
    gap = opts.gap if opts.gap is not None else OPTIMALITY_GAP
    p.relative_gap_limit = gap / 2.0  # the rest for the scaling error, checked on the real model below
    p.log_search_progress = bool(opts.verbose)
    # CP-SAT 9.15's presolve certified a wrong optimum on Exemple-Ville's relaxation (299.35 where a plan of
    # 298.02 fits it; the known bug google/or-tools#5293): presolve off gave the right optimum, and sooner here
    # (19 s against no proof in 100 s with the bug's workaround presolve_inclusion_work_limit=0).
    p.cp_model_presolve = False
    p.catch_sigint_signal = False  # CP-SAT's own handler would stop the search as if it had finished
    if opts.time_limit is not None:
        p.max_time_in_seconds = max(0.01, float(opts.time_limit) - (time.perf_counter() - t0))

    solutions: list[tuple[float, np.ndarray]] = []  # (integer objective, values of the integer columns)
    integer_cols = scaled.integer_cols
    report = opts.progress
    last_bound: list[float | None] = [None]

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            values = np.asarray(self.response_proto.solution, dtype=float)
            solutions.append((self.objective_value, values[integer_cols]))
            if report is not None:
                report(self.wall_time, self.objective_value / S0 + m.offset, last_bound[0])

    if report is not None:

        def on_bound(b: float) -> None:
            last_bound[0] = real_bound(b)
            report(time.perf_counter() - t_search, None, last_bound[0])

        solver.best_bound_callback = on_bound

    watch = SigintWatch()
    done = threading.Event()

    def watcher() -> None:  # SIGINT reaches the wakeup pipe at once, even while CP-SAT holds the main thread
        while not done.wait(0.05):
            if watch.hit or watch._woken():
                solver.stop_search()
                return

    t_search = time.perf_counter()
    with watch:
        thread = threading.Thread(target=watcher, daemon=True)
        thread.start()
        try:
            status = solver.solve(scaled.proto_model, Collect())
        finally:
            done.set()
            thread.join()
    info["search_s"] = time.perf_counter() - t_search
    name = solver.status_name(status)
    info["cpsat_status"] = name
    info["engine"] = "cpsat"
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT refused the scaled model: {scaled.proto_model.validate()}")
    bound = real_bound(solver.best_objective_bound) if math.isfinite(solver.best_objective_bound) else None
    if status == cp_model.INFEASIBLE:
        return EngineResult(Status.INFEASIBLE, None, None, None, time.perf_counter() - t0, "infeasible (CP-SAT)", info)

    best: tuple[np.ndarray, float] | None = None
    n = m.A.shape[1]
    tried = 0
    for _, values in sorted(solutions, key=lambda s: s[0]):
        if tried >= EVALUATE_AT_MOST:
            break
        tried += 1
        full = np.zeros(n)
        full[integer_cols] = values
        best = evaluate(m, full)
        if best is not None:
            break
    info["evaluated"] = tried
    runtime = time.perf_counter() - t0
    if watch.hit:
        if best is None:
            raise SolveInterrupted(EngineResult(Status.NO_SOLUTION, None, None, bound, runtime, "interrupted", info))
        x, objective = best
        partial = status_with_plan(objective, bound, proven=False)
        raise SolveInterrupted(EngineResult(partial, x, objective, bound, runtime, "interrupted", info))
    if best is None:
        message = name if not solutions else f"{name}; no solution of the relaxation is a real plan"
        return EngineResult(Status.NO_SOLUTION, None, None, bound, runtime, message, info)
    x, objective = best
    if bound is not None and bound > objective:
        bound = objective  # the real bound is below every plan: only rounding can put it above
    status_out = status_with_plan(objective, bound, proven=bound is not None)
    return EngineResult(status_out, x, objective, bound, runtime, name, info)


__all__ = ["evaluate", "solve_cpsat"]
