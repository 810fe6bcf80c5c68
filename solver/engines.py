"""Solver engines: each takes a `MatrixModel` and returns an `EngineResult` with its real outcome.

- `highs` (default): HiGHS through highspy, loaded from the sparse arrays directly.
- `cbc`: COIN-OR CBC through PuLP (its bundled binary); the matrix is turned into PuLP expressions, and
  CBC's own log is read for the best bound and the reason it stopped, because PuLP reports "Optimal"
  for a run stopped by the time limit.
- `scipy`: scipy.optimize.milp (an older HiGHS embedded in SciPy), a fallback with no extra package.
- `cpsat`: OR-Tools CP-SAT on an integer relaxation of the model, every plan recomputed exactly by a linear
  program and the bound carried back to the real model (solver/cpsat.py).
- `auto`: HiGHS and CP-SAT race in two processes when there are two cores; the first proof wins
  (solver/race.py).
A time limit is never reported as optimal: statuses follow `models.plan.Status`.

Interruption: a SIGINT (Ctrl-C) while HiGHS runs, in a terminal or not, stops HiGHS from its interrupt
callbacks within moments and raises `SolveInterrupted` (a `KeyboardInterrupt`) carrying the best plan found
so far, if any; an interrupted solve is never reported as a status ("no_solution" or other).
"""

from __future__ import annotations

import math
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.plan import OPTIMALITY_GAP, Status
from solver.formulation import MatrixModel

# An empty row (no decision left in it) must admit 0 within this: its bounds may carry rounding dust.
FEASIBILITY_TOL = 1e-9
# Small slack when comparing a reported gap with the requested one (solvers round their gap).
GAP_SLACK = 1e-9
# HiGHS' share of its effort spent on primal heuristics (its own default is 0.05). Measured in the same runs
# (docs/benchmarks.md, variant highs-effort005): better plans found sooner on the M tier, within noise on L
# and XL, the small instances unchanged; 0.6 and 1.0 were no better than 0.3 on M.
HIGHS_HEURISTIC_EFFORT = 0.3
# HiGHS' root reduced-cost heuristic (a sub-MIP over the columns the root LP prices lowest) runs only on models
# with more integer columns than this. Measured in the same runs (docs/benchmarks-rrc.md, variant highs-norrc):
# without it the shipped scenarios (57-126 binaries) are proven 1.31x faster and the S tier (112-168) 1.2-1.46x,
# 12 of 13 of these instances faster (one S-tight city 0.6 -> 0.9 s); on M (539-636) and L (1,796-2,294) the gaps
# at the time limit were mixed or worse without it. The meeting's many re-solves are of the small kind.
ROOT_REDUCED_COST_MIN_INTEGERS = 300

# A start plan for an engine: values of start columns (column index → 0 or 1), the other columns left for the
# engine to complete. HiGHS completes it and takes it as its first incumbent when it is feasible; CBC and
# SciPy ignore it.
Start = Mapping[int, float]


class SolveInterrupted(KeyboardInterrupt):
    """A solve stopped by SIGINT (Ctrl-C). `result` is the engine's outcome at the stop: its `x` and
    `objective` are the best plan found so far (None when there was none); it is not a finished solve."""

    def __init__(self, result: EngineResult | None = None):
        super().__init__("the solve was interrupted")
        self.result = result


class SigintWatch:
    """While HiGHS runs in the main thread: SIGINT sets a flag (instead of raising KeyboardInterrupt inside a
    HiGHS callback, which HiGHS reports as a solve error) and the interrupt callbacks, subscribed in every
    mode, ask HiGHS to stop. The signal is also written to a wakeup pipe by the C-level handler, so a callback
    run on a HiGHS thread sees it even before Python's handler runs. Elsewhere (another thread, SIGINT not at
    Python's default) it does nothing."""

    def __init__(self) -> None:
        self.hit = False
        self.saved: Any = None
        self.saved_fd: int | None = None
        self.pipe: tuple[int, int] | None = None

    def __enter__(self) -> SigintWatch:
        if threading.current_thread() is threading.main_thread() and (
            signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self.saved = signal.signal(signal.SIGINT, self._on_sigint)
            r, w = os.pipe()
            os.set_blocking(r, False)
            os.set_blocking(w, False)
            self.pipe = (r, w)
            self.saved_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        return self

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self.hit = True

    def __exit__(self, *exc: Any) -> None:
        if self.pipe is not None:
            signal.set_wakeup_fd(self.saved_fd if self.saved_fd is not None else -1)
            self._woken()
            for fd in self.pipe:
                os.close(fd)
            self.pipe = None
        if self.saved is not None:
            signal.signal(signal.SIGINT, self.saved)
            self.saved = None

    def _woken(self) -> bool:
        if self.pipe is None:
            return False
        try:
            data = os.read(self.pipe[0], 64)
        except (BlockingIOError, OSError):
            return False
        if signal.SIGINT in data:
            self.hit = True
        return self.hit

    def __call__(self, event: Any) -> None:  # HiGHS' simplex, IPM and MIP interrupt callbacks
        if self.hit or self._woken():
            event.interrupt()


@dataclass(frozen=True)
class SolveOptions:
    solver: str = "highs"
    time_limit: float | None = None  # seconds
    gap: float | None = None  # relative MIP gap at which to stop (default 1e-4, "optimal")
    threads: int | None = None
    seed: int = 0
    verbose: bool = False
    # HiGHS' mip_heuristic_effort; None = HIGHS_HEURISTIC_EFFORT (other engines ignore it).
    heuristic_effort: float | None = None
    # Further HiGHS options as (name, value) pairs, set last (benchmark variants; other engines ignore them).
    highs_options: tuple[tuple[str, Any], ...] = ()
    # Called as progress(elapsed_s, best_objective, best_bound) while HiGHS searches (None when unknown).
    progress: Callable[[float, float | None, float | None], None] | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        out = {
            "solver": self.solver,
            "time_limit": self.time_limit,
            "gap": self.gap,
            "threads": self.threads,
            "seed": self.seed,
        }
        if self.heuristic_effort is not None:
            out["heuristic_effort"] = self.heuristic_effort
        if self.highs_options:
            out["highs_options"] = dict(self.highs_options)
        return out


@dataclass(frozen=True)
class EngineResult:
    status: Status
    x: np.ndarray | None
    objective: float | None
    bound: float | None
    runtime_s: float
    message: str = ""
    # What the engine can tell about its run, for benchmarks: HiGHS `load_s` (passModel), `nodes`,
    # `root_bound` (the best dual bound seen at node 0, when a progress callback listened); CBC `log`.
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(objective − bound) / |objective|, 0 when they meet; None when either is unknown."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    diff = objective - bound
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return diff / max(abs(objective), 1e-10)


def zero_fits(lo: float, hi: float) -> bool:
    """An empty row 0 satisfies lo ≤ 0 ≤ hi (with the solvers' feasibility tolerance)."""
    return lo <= FEASIBILITY_TOL and hi >= -FEASIBILITY_TOL


def status_with_plan(objective: float, bound: float | None, proven: bool) -> Status:
    """A plan the solver calls optimal is reported optimal only if its gap is within the default tolerance."""
    gap = relative_gap(objective, bound)
    if proven and (gap is None or gap <= OPTIMALITY_GAP + GAP_SLACK):
        return Status.OPTIMAL
    return Status.FEASIBLE


def new_highs(verbose: bool):  # -> highspy.Highs
    """A HiGHS instance; its start-up banner (printed by C++ to stdout) is silenced unless verbose."""
    import highspy

    if verbose:
        return highspy.Highs()
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def solve_highs(
    m: MatrixModel, opts: SolveOptions, start: Start | None = None, stop: threading.Event | None = None
) -> EngineResult:
    """HiGHS on the model. `stop`, when set (by another thread: the race of solver/race.py), ends the run as
    a time limit would: the result is what HiGHS had then, never reported optimal unless proven."""
    h = configured_highs(opts)
    info: dict[str, Any] = {"load_s": pass_model(h, m)}
    return run_highs(h, m, opts, start, stop, info)


def configured_highs(opts: SolveOptions):  # -> highspy.Highs
    """A HiGHS instance with the options of `opts` (gap, seed, heuristic effort, time limit, threads)."""
    import highspy

    h = new_highs(opts.verbose)
    h.setOptionValue("output_flag", bool(opts.verbose))
    h.setOptionValue("mip_rel_gap", opts.gap if opts.gap is not None else OPTIMALITY_GAP)
    h.setOptionValue("random_seed", int(opts.seed))
    effort = HIGHS_HEURISTIC_EFFORT if opts.heuristic_effort is None else opts.heuristic_effort
    h.setOptionValue("mip_heuristic_effort", float(effort))
    if opts.time_limit is not None:
        h.setOptionValue("time_limit", float(opts.time_limit))
    if opts.threads is not None:
        h.setOptionValue("threads", int(opts.threads))
        # HiGHS keeps one thread scheduler per process, sized by the first run: a run asking for another
        # number of threads fails ("Not Set") unless the scheduler is reset first.
        highspy.Highs.resetGlobalScheduler(True)
    for name, value in opts.highs_options:
        h.setOptionValue(name, value)
    return h


def pass_model(h, m: MatrixModel) -> float:
    """Load the matrix model into HiGHS instance `h`; returns the seconds passModel took."""
    import highspy

    lp = highspy.HighsLp()
    A = m.A.tocsc()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = m.c
    lp.col_lower_ = m.col_lower
    lp.col_upper_ = m.col_upper
    lp.row_lower_ = m.row_lower
    lp.row_upper_ = m.row_upper
    lp.offset_ = m.offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in m.integrality
    ]
    t_load = time.perf_counter()
    h.passModel(lp)
    return time.perf_counter() - t_load


def run_highs(
    h,
    m: MatrixModel,
    opts: SolveOptions,
    start: Start | None = None,
    stop: threading.Event | None = None,
    info: dict[str, Any] | None = None,
) -> EngineResult:
    """Run HiGHS instance `h`, loaded with `m` (or a model with the same columns), and read its outcome."""
    import highspy

    info = {} if info is None else info
    if "mip_heuristic_run_root_reduced_cost" not in dict(opts.highs_options):
        h.setOptionValue(
            "mip_heuristic_run_root_reduced_cost", int(m.integrality.sum()) > ROOT_REDUCED_COST_MIN_INTEGERS
        )
    if start:
        index = np.fromiter(start.keys(), dtype=np.int32, count=len(start))
        values = np.fromiter(start.values(), dtype=float, count=len(start))
        h.setSolution(len(index), index, values)  # kept as the first incumbent only if feasible
    if opts.progress is not None:
        report = opts.progress

        def on_progress(event) -> None:  # HiGHS calls this often during branch and bound
            d = event.data_out
            primal = d.mip_primal_bound if math.isfinite(d.mip_primal_bound) else None
            dual = d.mip_dual_bound if math.isfinite(d.mip_dual_bound) else None
            if dual is not None and d.mip_node_count == 0:
                info["root_bound"] = max(dual, info.get("root_bound", -math.inf))
            report(d.running_time, primal, dual)

        h.cbMipInterrupt.subscribe(on_progress)
    watch = SigintWatch()
    listener = watch
    if stop is not None:

        def listener(event) -> None:
            if stop.is_set():
                event.interrupt()
            else:
                watch(event)

    for event in (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt):
        event.subscribe(listener)
    t0 = time.perf_counter()
    with watch:
        h.run()
    runtime = time.perf_counter() - t0
    ms = h.getModelStatus()
    run = h.getInfo()
    name = h.modelStatusToString(ms)
    info["nodes"] = int(run.mip_node_count)
    has_plan = run.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.array(h.getSolution().col_value) if has_plan else None
    objective = float(run.objective_function_value) if has_plan else None
    bound = float(run.mip_dual_bound) if has_plan or ms == highspy.HighsModelStatus.kOptimal else None
    S = highspy.HighsModelStatus
    if watch.hit:
        partial = status_with_plan(objective, bound, proven=False) if objective is not None else Status.NO_SOLUTION
        raise SolveInterrupted(EngineResult(partial, x, objective, bound, runtime, "interrupted", info))
    if ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return EngineResult(Status.INFEASIBLE, None, None, None, runtime, name, info)
    if objective is None:
        return EngineResult(Status.NO_SOLUTION, None, None, bound, runtime, name, info)
    if ms == S.kOptimal and not m.integrality.any():
        bound = objective  # a linear program (no project left to decide): HiGHS reports no MIP bound
    status = status_with_plan(objective, bound, proven=ms == S.kOptimal)
    return EngineResult(status, x, objective, bound, runtime, name, info)


# CBC run that used at least this share of its time limit is taken as stopped by it.
CBC_TIME_LIMIT_SHARE = 0.9
CBC_RESULT = re.compile(r"^Result - (.+)$", re.M)
CBC_OBJECTIVE = re.compile(r"^Objective value:\s+(\S+)", re.M)
CBC_BOUND = re.compile(r"^Lower bound:\s+(\S+)", re.M)


def solve_cbc(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    import pulp
    from pulp.apis.coin_api import pulp_cbc_path

    n = m.A.shape[1]
    prob = pulp.LpProblem("ppi", pulp.LpMinimize)
    xs = [
        prob.add_variable(
            f"x{j}",
            lowBound=m.col_lower[j] if math.isfinite(m.col_lower[j]) else None,
            upBound=m.col_upper[j] if math.isfinite(m.col_upper[j]) else None,
            cat=pulp.LpInteger if m.integrality[j] else pulp.LpContinuous,
        )
        for j in range(n)
    ]
    prob += pulp.LpAffineExpression([(xs[j], float(m.c[j])) for j in range(n) if m.c[j] != 0.0])
    A = m.A.tocsr()
    for i in range(A.shape[0]):
        lo, hi = m.row_lower[i], m.row_upper[i]
        cols = A.indices[A.indptr[i] : A.indptr[i + 1]]
        vals = A.data[A.indptr[i] : A.indptr[i + 1]]
        if len(cols) == 0:
            if not zero_fits(lo, hi):
                return EngineResult(Status.INFEASIBLE, None, None, None, 0.0, f"row {m.row_names[i]} is empty")
            continue
        expr = pulp.LpAffineExpression([(xs[j], float(v)) for j, v in zip(cols, vals, strict=True)])
        if lo == hi:
            prob += expr == float(lo), f"r{i}"
        else:
            if math.isfinite(hi):
                prob += expr <= float(hi), f"r{i}u"
            if math.isfinite(lo):
                prob += expr >= float(lo), f"r{i}l"
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "cbc.log")
        options = [f"randomSeed {int(opts.seed) + 1}", f"randomCbcSeed {int(opts.seed) + 1}"]
        cmd = pulp.COIN_CMD(
            path=pulp_cbc_path,  # the CBC binary bundled with PuLP 3
            msg=bool(opts.verbose),
            timeLimit=opts.time_limit,
            gapRel=opts.gap if opts.gap is not None else OPTIMALITY_GAP,
            threads=opts.threads,
            logPath=log,
            options=options,
        )
        t0 = time.perf_counter()
        prob.solve(cmd)
        runtime = time.perf_counter() - t0
        text = ""
        if os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
    info = {"log": text}
    result = CBC_RESULT.search(text)
    reason = result.group(1).strip() if result else pulp.LpStatus[prob.status]
    if result is not None and "infeasible" in reason.lower():
        return EngineResult(Status.INFEASIBLE, None, None, None, runtime, reason, info=info)
    if result is None and pulp.LpSolutionInfeasible in (prob.sol_status, prob.status):
        # CBC stopped without its "Result -" line (e.g. in pre-processing). Infeasibility is believed only
        # when the time limit did not cut the run short; otherwise nothing is known.
        if opts.time_limit is None or runtime < CBC_TIME_LIMIT_SHARE * opts.time_limit:
            return EngineResult(Status.INFEASIBLE, None, None, None, runtime, reason, info=info)
        return EngineResult(
            Status.NO_SOLUTION, None, None, None, runtime, "stopped by the time limit during pre-processing", info
        )
    values = [v.varValue for v in xs]
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) or any(
        v is None for v in values
    ):
        return EngineResult(Status.NO_SOLUTION, None, None, None, runtime, reason, info=info)
    x = np.array(values, dtype=float)
    objective = float(m.c @ x) + m.offset
    bound_match = CBC_BOUND.search(text)
    bound = float(bound_match.group(1)) + m.offset if bound_match else None
    proven = reason.startswith("Optimal solution found")
    if not m.integrality.any() and prob.status == pulp.LpStatusOptimal:
        proven = True  # a linear program: CBC solves it with Clp and writes no branch-and-bound result line
    if proven and bound is None:
        bound = objective
    return EngineResult(status_with_plan(objective, bound, proven), x, objective, bound, runtime, reason, info=info)


def solve_scipy(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    from scipy.optimize import Bounds, LinearConstraint, milp

    options: dict = {
        "disp": bool(opts.verbose),
        "mip_rel_gap": opts.gap if opts.gap is not None else OPTIMALITY_GAP,
    }
    if opts.time_limit is not None:
        options["time_limit"] = float(opts.time_limit)
    constraints = [LinearConstraint(m.A, m.row_lower, m.row_upper)] if m.A.shape[0] else []
    t0 = time.perf_counter()
    res = milp(
        m.c,
        integrality=m.integrality,
        bounds=Bounds(m.col_lower, m.col_upper),
        constraints=constraints,
        options=options,
    )
    runtime = time.perf_counter() - t0
    if res.status == 2:
        return EngineResult(Status.INFEASIBLE, None, None, None, runtime, res.message)
    if res.x is None:
        return EngineResult(Status.NO_SOLUTION, None, None, None, runtime, res.message)
    objective = float(res.fun) + m.offset
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(dual) + m.offset if dual is not None and np.isfinite(dual) else None
    if res.status == 0 and not m.integrality.any():
        bound = objective  # a linear program solved to optimality
    return EngineResult(
        status_with_plan(objective, bound, res.status == 0), res.x, objective, bound, runtime, res.message
    )


ENGINES: dict[str, Callable[[MatrixModel, SolveOptions, Start | None], EngineResult]] = {
    "highs": solve_highs,
    "cbc": solve_cbc,
    "scipy": solve_scipy,
}


def solve_cpsat(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    """OR-Tools CP-SAT on an integer relaxation of the model, each plan recomputed exactly (solver/cpsat.py)."""
    from solver.cpsat import solve_cpsat as run

    return run(m, opts, start)


ENGINES["cpsat"] = solve_cpsat


def solve_auto(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    """HiGHS and CP-SAT race in two processes; the first proof wins (solver/race.py)."""
    from solver.race import solve_auto as run

    return run(m, opts, start)


ENGINES["auto"] = solve_auto
