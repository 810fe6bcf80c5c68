"""Solve a scenario: build the matrix model, run an engine, read the plan back as start years."""

from __future__ import annotations

import time
from types import MappingProxyType

from models.plan import Plan, Status
from models.scenario import Scenario
from solver.engines import ENGINES, SolveOptions
from solver.model import build_model

# A binary whose value is above this is taken as 1 (solvers return 0.9999999 for 1).
BINARY_THRESHOLD = 0.5


def solve(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Optimal (or best found) plan of a scenario, with the solver's real status, bound and gap."""
    options = options or SolveOptions()
    if options.solver not in ENGINES:
        raise ValueError(f"unknown solver '{options.solver}' (available: {', '.join(ENGINES)})")
    t0 = time.perf_counter()
    model = build_model(scenario)
    build_s = time.perf_counter() - t0
    result = ENGINES[options.solver](model, options)
    starts: dict[str, int | None] = {p.id: None for p in scenario.projects}
    if result.status.has_plan:
        assert result.x is not None
        for p in scenario.projects:
            if p.status == "committed":
                starts[p.id] = p.start
        for (pid, year), j in model.start_col.items():
            if result.x[j] > BINARY_THRESHOLD:
                starts[pid] = year
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
        solver=options.solver,
        starts=MappingProxyType(starts) if result.status.has_plan else MappingProxyType({}),
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        runtime_s=build_s + result.runtime_s,
        message=result.message,
        options=MappingProxyType(options.as_dict()),
        stats=MappingProxyType(stats),
    )


__all__ = ["SolveOptions", "Status", "solve"]
