"""SCIP (through PySCIPOpt) on the repository's matrix model: a third engine for the benchmark's comparison.

Not an engine of `ppi solve`: measured on the same instances as HiGHS (docs/benchmarks-formulation.md) it
did not do better than HiGHS, the default. Needs `pip install -e '.[bench]'` (PySCIPOpt bundles SCIP).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from models.plan import OPTIMALITY_GAP, Status
from solver.engines import EngineResult, SolveOptions, relative_gap
from solver.formulation import MatrixModel


def solve_scip(m: MatrixModel, opts: SolveOptions) -> EngineResult:
    """Solve with SCIP on one thread; `opts.progress` gets (seconds, best objective, bound) at every node and
    new incumbent, as HiGHS' callback does."""
    from pyscipopt import SCIP_EVENTTYPE, Eventhdlr, Model, quicksum

    s = Model("ppi")
    s.hideOutput(not opts.verbose)
    s.setParam("limits/gap", opts.gap if opts.gap is not None else OPTIMALITY_GAP)
    s.setParam("randomization/randomseedshift", int(opts.seed))
    s.setParam("parallel/maxnthreads", 1)
    if opts.time_limit is not None:
        s.setParam("limits/time", float(opts.time_limit))
    t_load = time.perf_counter()
    x = [
        s.addVar(
            name=f"x{j}",
            vtype="I" if m.integrality[j] else "C",
            lb=m.col_lower[j] if math.isfinite(m.col_lower[j]) else None,
            ub=m.col_upper[j] if math.isfinite(m.col_upper[j]) else None,
            obj=float(m.c[j]),
        )
        for j in range(m.shape[1])
    ]
    s.addObjoffset(m.offset)
    A = m.A.tocsr()
    for i in range(A.shape[0]):
        cols, vals = A.indices[A.indptr[i] : A.indptr[i + 1]], A.data[A.indptr[i] : A.indptr[i + 1]]
        expr = quicksum(float(v) * x[j] for j, v in zip(cols, vals, strict=True))
        lo, hi = m.row_lower[i], m.row_upper[i]
        if math.isfinite(lo) and math.isfinite(hi):
            s.addCons(expr == lo if lo == hi else (lo <= (expr <= hi)), name=f"r{i}")
        elif math.isfinite(hi):
            s.addCons(expr <= hi, name=f"r{i}")
        elif math.isfinite(lo):
            s.addCons(expr >= lo, name=f"r{i}")
    info: dict[str, Any] = {"load_s": time.perf_counter() - t_load}
    if opts.progress is not None:
        report = opts.progress

        class Progress(Eventhdlr):  # SCIP calls it at every solved node and new incumbent
            def eventinit(self) -> None:
                for event in (SCIP_EVENTTYPE.NODESOLVED, SCIP_EVENTTYPE.BESTSOLFOUND):
                    self.model.catchEvent(event, self)

            def eventexec(self, event) -> None:
                primal = self.model.getPrimalbound() if self.model.getNSols() else None
                dual = self.model.getDualbound()
                dual = dual if math.isfinite(dual) and abs(dual) < 1e19 else None
                if dual is not None and self.model.getNNodes() <= 1:
                    info["root_bound"] = max(dual, info.get("root_bound", -math.inf))
                report(self.model.getSolvingTime(), primal, dual)

        s.includeEventhdlr(Progress(), "progress", "reports the search to the benchmark")
    t0 = time.perf_counter()
    s.optimize()
    runtime = time.perf_counter() - t0
    info["nodes"] = int(s.getNNodes())
    status = s.getStatus()
    if status == "infeasible":
        return EngineResult(Status.INFEASIBLE, None, None, None, runtime, status, info)
    if s.getNSols() == 0:
        return EngineResult(Status.NO_SOLUTION, None, None, None, runtime, status, info)
    best = s.getBestSol()
    values = np.array([s.getSolVal(best, v) for v in x])
    objective, bound = float(s.getObjVal()), float(s.getDualbound())
    gap = relative_gap(objective, bound)
    proven = status == "optimal" or (gap is not None and gap <= OPTIMALITY_GAP)
    return EngineResult(Status.OPTIMAL if proven else Status.FEASIBLE, values, objective, bound, runtime, status, info)
