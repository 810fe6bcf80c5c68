"""The straightforward baseline: the plain PPI formulation as a user would write it in PuLP, solved by CBC.

Every improvement of the repository's formulation is reported as a ratio against this model measured in the
same run (issue 8). It reads the resolved `models.scenario.Scenario` and writes, with `pulp.LpVariable`,
`pulp.LpProblem` and `pulp.lpSum`, money in euros as the scenario gives it:

    x[p,s] ∈ {0, 1}   project p starts in year s ∈ S_p (committed projects: their one start, fixed to 1)
    u[d,k,y] ≥ 0      unmet demand of kind k in district d, year y (every district, kind and year)

    minimise    Σ w[k] δ[y] u[d,k,y] + λ Σ_p Σ_s city_cost_p x[p,s]
    select once Σ_s x[p,s] ≤ 1  (= 1 for mandatory projects)
    budget      Σ_p Σ_s charged[p,y∣s] x[p,s] ≤ B[y]               (every horizon year; carry-over and the
                                                                    multi-year envelope as in docs/model.md)
    unmet       u[d,k,y] ≥ D[d,k,y] − E[d,k,y] − Σ_{p∈d} Σ_{s: s+L_p ≤ y} a[p,k] x[p,s]
    excludes    Σ_s x[p,s] + Σ_s x[q,s] ≤ 1
    requires    Σ_{t≤s} x[p,t] ≤ Σ_{t≤s} x[q,t]   for each s ∈ S_p

with a[p,k] = confidence_p × capacity_p[k], the FULL capacity: no clipping at the residual demand, no upper
bound on u, no row or column removed where demand is already met, no scaling. This is what the repository's
model (`solver/formulation.py`) improves on.

Left out (the baseline then solves a relaxation of the scenario, and its plan may break them; the runner
compares it only on instances without them): the savings and debt path (`finance.prospective`) and the
transfers between neighbouring districts (`transfers`). `left_out(scenario)` names them for a scenario.

Solved with `pulp.PULP_CBC_CMD(timeLimit=..., msg=False)` — PuLP's default solver, CBC 2.10 bundled with
PuLP 3.3 — with the repository's relative gap (1e-4) so that "optimal" means the same for every variant.
PuLP reports "Optimal" for a run stopped by the time limit, so CBC's log is read for the real stopping
reason, the bound and the search trajectory (`benchmarks.cbclog`).
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from benchmarks.cbclog import CbcLog, parse_cbc_log
from models.evaluate import evaluate_plan
from models.plan import OPTIMALITY_GAP, Plan, Status
from models.scenario import Scenario
from solver.engines import relative_gap

# PuLP 3.3 warns that `LpVariable(...)`, `PULP_CBC_CMD` and the `prob.constraints` mapping are deprecated in
# favour of PuLP 4 forms: the baseline is written the way PuLP 3 users write models, so these warnings are
# expected, not news.
PULP_DEPRECATIONS = r"(Constructing LpVariable|PULP_CBC_CMD is deprecated|Using LpProblem.constraints)"


@dataclass
class BaselineResult:
    """A baseline solve: its plan (status, start years, evaluated objective), timings and CBC's log."""

    plan: Plan
    own_objective: float | None  # CBC's objective of the baseline model (u may sit above the residual)
    assembly_s: float  # building the PuLP problem (variables, objective, rows)
    solve_s: float  # prob.solve: writing the MPS file, running CBC, reading the solution back
    log: CbcLog
    left_out: tuple[str, ...]
    stats: dict[str, int] = field(default_factory=dict)


def left_out(scenario: Scenario) -> tuple[str, ...]:
    """The scenario's features the baseline does not model (it then solves a relaxation)."""
    out = []
    if scenario.prospective is not None:
        out.append("finance.prospective")
    if scenario.transfers_on:
        out.append("transfers")
    return tuple(out)


def build_baseline(scenario: Scenario) -> tuple[Any, dict[tuple[str, int], Any]]:
    """The PuLP problem of the module docstring and its start variables x[(project, year)]."""
    import pulp

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PULP_DEPRECATIONS, category=DeprecationWarning)
        prob = pulp.LpProblem("ppi_baseline", pulp.LpMinimize)
        x: dict[tuple[str, int], Any] = {}
        for i, p in enumerate(scenario.projects):
            for s in p.start_years:
                if p.status == "committed":  # fixed to 1 (PuLP resets the bounds of an LpBinary to 0..1)
                    x[(p.id, s)] = pulp.LpVariable(f"x_{i}_{s}", lowBound=1, upBound=1, cat=pulp.LpInteger)
                else:
                    x[(p.id, s)] = pulp.LpVariable(f"x_{i}_{s}", cat=pulp.LpBinary)
        u = {
            (d, k, y): pulp.LpVariable(f"u_{a}_{b}_{y}", lowBound=0)
            for a, d in enumerate(scenario.districts)
            for b, k in enumerate(scenario.kinds)
            for y in scenario.years
        }
    prob += pulp.lpSum(
        scenario.weight[k] * scenario.discount[y] * var for (d, k, y), var in u.items()
    ) + scenario.cost_weight * pulp.lpSum(scenario.project[pid].city_cost * var for (pid, _), var in x.items())

    starts = {p.id: [(s, x[(p.id, s)]) for s in p.start_years] for p in scenario.projects}
    for i, p in enumerate(scenario.projects):
        if not starts[p.id]:
            continue
        chosen = pulp.lpSum(var for _, var in starts[p.id])
        if p.status == "mandatory":
            prob += chosen == 1, f"mandatory_{i}"
        else:
            prob += chosen <= 1, f"select_once_{i}"

    charged = {y: [] for y in scenario.years}
    for p in scenario.projects:
        for s, var in starts[p.id]:
            for y, amount in scenario.charged(p, s).items():
                if y in charged and amount:
                    charged[y].append(amount * var)
    spent = {y: pulp.lpSum(terms) for y, terms in charged.items()}
    if scenario.carry_over and scenario.carry_share >= 1.0:  # cumulative form
        cum_spent, cum_env = 0, 0.0
        for y in scenario.years:
            cum_spent, cum_env = cum_spent + spent[y], cum_env + scenario.envelope[y]
            prob += cum_spent <= cum_env, f"budget_{y}"
    elif scenario.carry_over:  # a share of the unspent envelope carries into the next year
        carry = {y: pulp.LpVariable(f"carry_{y}", lowBound=0) for y in scenario.years[1:]}
        for i, y in enumerate(scenario.years):
            k_in = carry.get(y, 0)
            prob += spent[y] - k_in <= scenario.envelope[y], f"budget_{y}"
            if i + 1 < len(scenario.years):
                nxt = carry[scenario.years[i + 1]]
                prob += nxt <= scenario.carry_share * (scenario.envelope[y] + k_in - spent[y]), f"carry_{y}"
    else:
        for y in scenario.years:
            prob += spent[y] <= scenario.envelope[y], f"budget_{y}"
    total = scenario.total_envelope
    if total is not None:
        prob += pulp.lpSum(spent[y] for y in total.years if y in spent) <= total.amount, "budget_total"

    added: dict[tuple[str, str, int], list] = {}
    for p in scenario.projects:
        for s, var in starts[p.id]:
            for k, cap in p.capacity.items():
                for y in scenario.years:
                    if s + p.delivery_lag <= y and cap:
                        added.setdefault((p.district, k, y), []).append(p.confidence * cap * var)
    for a, d in enumerate(scenario.districts):
        for b, k in enumerate(scenario.kinds):
            for y in scenario.years:
                key = (d, k, y)
                need = scenario.demand[key] - scenario.existing[key]
                prob += u[key] >= need - pulp.lpSum(added.get(key, [])), f"unmet_{a}_{b}_{y}"

    for i, p in enumerate(scenario.projects):
        for q in p.excludes:
            j = next(j for j, other in enumerate(scenario.projects) if other.id == q)
            if i < j or p.id not in scenario.project[q].excludes:  # one row per pair
                both = pulp.lpSum(v for _, v in starts[p.id]) + pulp.lpSum(v for _, v in starts[q])
                prob += both <= 1, f"excludes_{i}_{j}"
        for q in p.requires:
            j = next(j for j, other in enumerate(scenario.projects) if other.id == q)
            for s, _ in starts[p.id]:
                mine = pulp.lpSum(v for t, v in starts[p.id] if t <= s)
                theirs = pulp.lpSum(v for t, v in starts[q] if t <= s)
                prob += mine <= theirs, f"requires_{i}_{j}_{s}"
    return prob, x


def solve_baseline(scenario: Scenario, time_limit: float | None, log_dir: str | None = None) -> BaselineResult:
    """Build and solve the baseline; the plan's objective is the one its start years imply.

    CBC's own objective can exceed the plan's when a run stopped by the time limit leaves some u above
    D − E − Σ a x: `own_objective` keeps it, the plan reports `models.evaluate.evaluate_plan`'s value.
    """
    import pulp

    t0 = time.perf_counter()
    prob, x = build_baseline(scenario)
    assembly_s = time.perf_counter() - t0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PULP_DEPRECATIONS, category=DeprecationWarning)
        stats = {
            "columns": len(prob.variables()),
            "binaries": sum(v.cat == pulp.LpInteger for v in prob.variables()),
            "rows": len(prob.constraints),
            "nonzeros": sum(len(c) for c in prob.constraints.values()),
        }
    with tempfile.TemporaryDirectory(dir=log_dir) as tmp:
        log_path = os.path.join(tmp, "cbc.log")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=PULP_DEPRECATIONS, category=DeprecationWarning)
            cmd = pulp.PULP_CBC_CMD(timeLimit=time_limit, msg=False, gapRel=OPTIMALITY_GAP, logPath=log_path)
        t0 = time.perf_counter()
        prob.solve(cmd)
        solve_s = time.perf_counter() - t0
        text = ""
        if os.path.exists(log_path):
            with open(log_path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
    log = parse_cbc_log(text)
    reason = log.result or pulp.LpStatus[prob.status]
    has_plan = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) and all(
        v.varValue is not None for v in x.values()
    )
    starts: dict[str, int | None] = {p.id: None for p in scenario.projects}
    if has_plan:
        for (pid, s), var in x.items():
            if var.varValue > 0.5:
                starts[pid] = s
    own = pulp.value(prob.objective) if has_plan else None
    objective = bound = None
    if not has_plan:
        infeasible = "infeasible" in reason.lower() or (
            log.result is None and prob.status == pulp.LpStatusInfeasible and not log.time_limit_hit(time_limit)
        )
        status = Status.INFEASIBLE if infeasible else Status.NO_SOLUTION
    else:
        objective = evaluate_plan(scenario, starts).objective
        bound = log.bound if log.bound is not None else None
        proven = reason.startswith("Optimal solution found")
        if proven and bound is None:
            bound = own
        gap = relative_gap(objective, bound)
        status = Status.OPTIMAL if proven and gap is not None and gap <= OPTIMALITY_GAP + 1e-9 else Status.FEASIBLE
    plan = Plan(
        scenario=scenario.name,
        status=status,
        solver="baseline-pulp-cbc",
        starts=MappingProxyType(starts) if has_plan else MappingProxyType({}),
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        runtime_s=assembly_s + solve_s,
        message=reason,
        options=MappingProxyType({"solver": "baseline-pulp-cbc", "time_limit": time_limit, "gap": OPTIMALITY_GAP}),
        stats=MappingProxyType({"build_s": round(assembly_s, 4), "solve_s": round(solve_s, 4), **stats}),
    )
    return BaselineResult(plan, own, assembly_s, solve_s, log, left_out(scenario), stats)
