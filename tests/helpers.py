"""Test helpers: scenario builders, solve-and-verify, and an independent brute-force optimiser.

The brute force shares nothing with `solver/` or `results/verify.py`: it enumerates every combination of
start years and checks windows, budget, alternatives and prerequisites, and computes the objective, with
its own plain loops. It only reads the resolved `Scenario` (windows, confidence, city share, tables).
"""

from __future__ import annotations

import copy
import math
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from models.load import scenario_from_dict
from models.plan import Plan
from models.scenario import Scenario
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, solve

REPO = Path(__file__).resolve().parents[1]
KIND = "classes"
DISTRICT = "d"
START = 2026

# Warnings the CBC engine raises on every call with PuLP 3.3 (see tests/solver/test_engines.py, which asserts
# that the engine raises none): two PuLP deprecations of the API solver/engines.py uses, and the log file
# solver/engines.py reads without closing it. Filtered in the other tests so that they test behaviour.
# Brute-force budget tolerance, in euros (spending is a sum of float products).
BRUTE_MONEY_TOL = 1e-3


# ---------------------------------------------------------------------------------------------- builders


def project(pid: str, **overrides: Any) -> dict[str, Any]:
    """A project dict: district `d`, 1 class, 1 M€ paid in the start year, delivered the same year."""
    base: dict[str, Any] = {
        "id": pid,
        "district": DISTRICT,
        "capacity": {KIND: 1.0},
        "cost": 1.0e6,
        "profile": [1.0],
        "delivery_lag": 0,
    }
    base.update(overrides)
    return base


def rows(values: dict[int, float], district: str = DISTRICT, kind: str = KIND) -> list[dict[str, Any]]:
    """Table rows (demand or capacity) for one district and kind."""
    return [{"district": district, "kind": kind, "year": y, "value": v} for y, v in values.items()]


def make_scenario_dict(**overrides: Any) -> dict[str, Any]:
    """Scenario data: one district `d`, one kind `classes` (weight 1), horizon 2026-2028, 10 M€ a year,
    no projects, no demand, cost_weight 0 (hand-computed objectives are then pure unmet demand) unless
    overridden. `years=(start, end)` is a shortcut for the horizon, `end_rule=` and `tail_years=` for its end
    rule; `envelope=` for budget.annual."""
    data: dict[str, Any] = {
        "name": "test",
        "horizon": {"start": START, "end": START + 2},
        "demand_kinds": {KIND: {"unit": "classes", "weight": 1.0}},
        "districts": [{"id": DISTRICT}],
        "demand": [],
        "capacity": [],
        "budget": {"annual": 10.0e6, "carry_over": False},
        "objective": {"cost_weight": 0.0},
        "projects": [],
    }
    if "years" in overrides:
        start, end = overrides.pop("years")
        data["horizon"] = {"start": start, "end": end}
    for key in ("end_rule", "tail_years"):  # the horizon end rule (default: tail years)
        if key in overrides:
            data["horizon"] = {**data["horizon"], key: overrides.pop(key)}
    if "envelope" in overrides:
        data["budget"] = {**data["budget"], "annual": overrides.pop("envelope")}
    if "carry_over" in overrides:
        data["budget"] = {**data["budget"], "carry_over": overrides.pop("carry_over")}
    if "cost_weight" in overrides:
        data["objective"] = {"cost_weight": overrides.pop("cost_weight")}
    data.update(overrides)
    return data


def make_scenario(**overrides: Any) -> Scenario:
    """A resolved scenario built from `make_scenario_dict(**overrides)`."""
    return scenario_from_dict(make_scenario_dict(**overrides), source="<test>")


# ------------------------------------------------------------------------------------ solve and verify


def solve_and_verify(scenario: Scenario, solver: str = "highs", **options: Any) -> Plan:
    """Solve; when there is a plan, assert that the independent verifier accepts its plan.json."""
    plan = solve(scenario, SolveOptions(solver=solver, **options))
    if plan.status.has_plan:
        check = verify_plan(scenario, plan_to_dict(scenario, plan))
        assert check.ok, f"{solver}: {check}"
        assert plan.objective is not None
        assert math.isclose(plan.objective, check.objective, rel_tol=1e-6, abs_tol=1e-6)
        assert set(plan.starts) == {p.id for p in scenario.projects}
    return plan


def run_cli(*args: str | Path, cwd: Path = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python cli.py ARGS` as a user would, in a subprocess; capture its output."""
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


# ------------------------------------------------------------------------------------------ brute force


def _spending(p, s: int) -> dict[int, float]:
    out: dict[int, float] = {}
    for i, share in enumerate(p.profile):
        out[s + i] = out.get(s + i, 0.0) + p.cost * share * p.city_share
    return out


def _charged(scenario: Scenario, p, s: int) -> dict[int, float]:
    """What the envelopes count: spending, less FCTVA (lagged) and subsidies on the net basis."""
    out = _spending(p, s)
    if scenario.net_basis:
        for y, amount in _spending(p, s).items():
            refund = y + scenario.fctva_lag
            out[refund] = out.get(refund, 0.0) - scenario.fctva_rate * p.fctva_eligible * amount
        for r in p.receipts:
            out[s + r.offset] = out.get(s + r.offset, 0.0) - r.amount
    return out


def _options(p) -> list[int | None]:
    if p.status == "excluded":
        return [None]
    if p.status == "committed":
        return [p.start]
    window = list(p.start_years)
    return window if p.status == "mandatory" else [None, *window]


def _counted(scenario: Scenario, p: Any, s: int, y: int) -> float:
    """Share of a delivered project's capacity counted in y under `uncertainty.slips` (docs/model.md), with
    plain arithmetic: q the one-year slip probability of its maturity; 'expected' counts P(delay ≤ y − s − lag)
    with P(delay = 1) = q − q², P(delay = 2) = q²; 'robust' counts nothing in the delivery year if q > 0."""
    u = scenario.spec.uncertainty
    if u.slips == "ignore":
        return 1.0
    from models.uncertainty import DEFAULT_DELAY_PROBABILITY, DELAY_PROBABILITY

    table = {**DELAY_PROBABILITY, **u.slip_probability}
    default = DEFAULT_DELAY_PROBABILITY if u.default_slip_probability is None else u.default_slip_probability
    q = table.get(p.maturity, default) if p.maturity else default
    late = y - s - p.delivery_lag
    if u.slips == "robust":
        return 0.0 if late == 0 and q > 0 else 1.0
    on_time, one_late, two_late = 1 - q, q - q * q, q * q
    return on_time + (one_late if late >= 1 else 0.0) + (two_late if late >= 2 else 0.0)


def brute_objective(scenario: Scenario, starts: dict[str, int | None]) -> float:
    """Objective of a plan computed with plain loops: weighted, discounted unmet demand (times the tail weight
    after the PPI's last year; with the best transfers to neighbours, when the scenario allows them) + λ × city
    spending."""
    years = list(scenario.years)
    r = scenario.spec.discount_rate
    total = 0.0
    capacity: dict[tuple[str, str, int], float] = {}
    for d in scenario.districts:
        for k in scenario.kinds:
            for y in years:
                cap = scenario.existing[(d, k, y)]
                for p in scenario.projects:
                    s = starts.get(p.id)
                    if s is not None and p.district == d and s + p.delivery_lag <= y:
                        cap += p.confidence * p.capacity.get(k, 0.0) * _counted(scenario, p, s, y)
                capacity[(d, k, y)] = cap
    limits = scenario.spec.transfers
    movable = set() if limits is None else set(limits.kinds if limits.kinds is not None else scenario.kinds)
    for k in scenario.kinds:
        for y in years:
            tail = scenario.spec.objective.tail_weight if y > scenario.spec.horizon.end else 1.0
            factor = scenario.weight[k] * (1.0 + r) ** (-(y - years[0])) * tail
            if k in movable and any(d.neighbours for d in scenario.spec.districts):
                total += factor * _best_with_transfers(scenario, capacity, k, y)
            else:
                for d in scenario.districts:
                    total += factor * max(0.0, scenario.demand[(d, k, y)] - capacity[(d, k, y)])
    spending = 0.0
    for p in scenario.projects:
        if starts.get(p.id) is not None:
            spending += sum(p.cost * share * p.city_share for share in p.profile)
    return total + scenario.cost_weight * spending + _brute_stability(scenario, starts)


def _brute_stability(scenario: Scenario, starts: dict[str, int | None]) -> float:
    """A revision's stability cost with plain loops: drop_cost per announced project not started, move_cost per
    year between its start and its adopted one."""
    rev = scenario.spec.revision
    if rev is None:
        return 0.0
    total = 0.0
    for pid, adopted in rev.adopted.items():
        s = starts.get(pid)
        total += rev.drop_cost if s is None else rev.move_cost * abs(s - adopted)
    return total


def _best_with_transfers(scenario: Scenario, capacity: dict[tuple[str, str, int], float], k: str, y: int) -> float:
    """min Σ_d u_d + ν Σ t over transfers t[d→e] between neighbours (either side may list the other), with
    u_d ≥ D_d − cap_d − out_d + in_d, in_d ≤ cap_d, out_d ≤ min(D_d, max_share D_d, max_units), u, t ≥ 0:
    a small linear program of its own (scipy.optimize.linprog), in units of the kind (weight applied by the
    caller)."""
    from scipy.optimize import linprog

    limits = scenario.spec.transfers
    assert limits is not None
    districts = list(scenario.districts)
    pairs = sorted(
        {(d.id, n) for d in scenario.spec.districts for n in d.neighbours}
        | {(n, d.id) for d in scenario.spec.districts for n in d.neighbours}
    )
    n_u, n_t = len(districts), len(pairs)
    cost = [1.0] * n_u + [limits.penalty] * n_t
    a_ub, b_ub = [], []
    for i, d in enumerate(districts):
        demand, cap = scenario.demand[(d, k, y)], capacity[(d, k, y)]
        row = [0.0] * (n_u + n_t)  # −u − out + in ≤ −(D − cap)
        row[i] = -1.0
        for j, (src, dst) in enumerate(pairs):
            if src == d:
                row[n_u + j] -= 1.0
            if dst == d:
                row[n_u + j] += 1.0
        a_ub.append(row)
        b_ub.append(-(demand - cap))
        inflow = [1.0 if dst == d else 0.0 for src, dst in pairs]
        a_ub.append([0.0] * n_u + inflow)
        b_ub.append(cap)
        limit = demand
        if limits.max_share is not None:
            limit = min(limit, limits.max_share * demand)
        if limits.max_units is not None:
            limit = min(limit, limits.max_units)
        outflow = [1.0 if src == d else 0.0 for src, dst in pairs]
        a_ub.append([0.0] * n_u + outflow)
        b_ub.append(limit)
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(0, None)] * (n_u + n_t), method="highs")
    assert res.status == 0, res.message
    return float(res.fun)


def brute_feasible(scenario: Scenario, starts: dict[str, int | None]) -> bool:
    """Every constraint, checked with plain loops."""
    years = list(scenario.years)
    for p in scenario.projects:
        if starts.get(p.id) not in _options(p):
            return False
    for p in scenario.projects:
        for q in p.excludes:
            if starts.get(p.id) is not None and starts.get(q) is not None:
                return False
        for q in p.requires:
            sp, sq = starts.get(p.id), starts.get(q)
            if sp is not None and (sq is None or sq > sp):
                return False
    rev = scenario.spec.revision
    if rev is not None:  # a revision's locked operations start in their adopted year; abandoned ones never start
        for pid, adopted in rev.adopted.items():
            if adopted < rev.year + rev.locked_years and starts.get(pid) != adopted:
                return False
        if any(r.abandoned and starts.get(r.project) is not None for r in rev.realised):
            return False
    spent = dict.fromkeys(years, 0.0)
    for p in scenario.projects:
        s = starts.get(p.id)
        if s is not None:
            for y, amount in _charged(scenario, p, s).items():
                if y in spent:
                    spent[y] += amount
    return budget_ok(scenario, [spent[y] for y in years]) and prospective_ok(scenario, starts)


def prospective_ok(scenario: Scenario, starts: dict[str, int | None]) -> bool:
    """Savings and debt limits on the least-borrowing path (own loops, loans tracked one by one)."""
    pr = scenario.prospective
    if pr is None:
        return True
    net_basis_scenario = replace(scenario, net_basis=True)
    debt, old_left = pr.debt, pr.debt
    loans: list[list[float]] = []  # [yearly repayment, years left]
    for t, y in enumerate(scenario.years):
        revenue = pr.revenue * (1 + pr.revenue_growth) ** t
        op = sum(
            p.operating_cost
            for p in scenario.projects
            if starts.get(p.id) is not None and starts[p.id] + p.delivery_lag <= y
        )
        net = sum(
            _charged(net_basis_scenario, p, starts[p.id]).get(y, 0.0)
            for p in scenario.projects
            if starts.get(p.id) is not None
        )
        savings = revenue - pr.spending * (1 + pr.spending_growth) ** t - op - pr.interest_rate * debt
        old = min(pr.debt_repayment, old_left)
        old_left -= old
        new = sum(loan[0] for loan in loans if loan[1] > 0)
        for loan in loans:
            loan[1] -= 1
        borrowing = max(0.0, net + pr.other_investment + old + new - savings)
        loans.append([borrowing / pr.loan_years, pr.loan_years])
        debt += borrowing - old - new
        if pr.max_borrowing is not None and borrowing > pr.max_borrowing + BRUTE_MONEY_TOL:
            return False
        if pr.min_savings_rate is not None and savings < pr.min_savings_rate * revenue - BRUTE_MONEY_TOL:
            return False
        if pr.max_debt_years is not None and debt > pr.max_debt_years * savings + BRUTE_MONEY_TOL:
            return False
    return True


def budget_ok(scenario: Scenario, spent: list[float]) -> bool:
    """City spending per horizon year (in order) within the envelopes: yearly, carried over, multi-year."""
    carried = 0.0
    for y, amount in zip(scenario.years, spent, strict=True):
        available = scenario.envelope[y] + carried
        if amount > available + BRUTE_MONEY_TOL:
            return False
        carried = scenario.carry_share * (available - amount)
    total = scenario.total_envelope
    if total is not None:
        used = sum(a for y, a in zip(scenario.years, spent, strict=True) if total.start <= y <= total.end)
        if used > total.amount + BRUTE_MONEY_TOL:
            return False
    return True


def brute_force(scenario: Scenario) -> tuple[float, dict[str, int | None]] | None:
    """Best (objective, starts) over every combination of start years, or None if none is feasible.

    Depth-first over the projects, pruning partial plans whose spending already breaks the budget (spending
    only grows as projects are added) or that choose two alternatives; prerequisites are checked on
    complete plans. Ties keep the first plan found.
    """
    years = list(scenario.years)
    projects = list(scenario.projects)
    best: list[Any] = [math.inf, None]
    starts: dict[str, int | None] = {}

    def visit(i: int, spent: list[float]) -> None:
        if i == len(projects):
            if brute_feasible(scenario, starts):
                value = brute_objective(scenario, starts)
                if value < best[0] - 1e-12:
                    best[0], best[1] = value, dict(starts)
            return
        p = projects[i]
        for s in _options(p):
            if s is not None:
                clash = any(
                    starts.get(q) is not None
                    for q in set(p.excludes) | {o.id for o in projects[:i] if p.id in o.excludes}
                )
                if clash:
                    continue
                new = list(spent)
                for y, amount in _charged(scenario, p, s).items():
                    if y in scenario.envelope:
                        new[y - years[0]] += amount
                # On the net basis a later project's receipts can lower a year's charge: no pruning there.
                if not scenario.net_basis and not budget_ok(scenario, new):
                    continue
            else:
                new = spent
            starts[p.id] = s
            visit(i + 1, new)
            del starts[p.id]

    visit(0, [0.0] * len(years))
    if best[1] is None:
        return None
    return best[0], best[1]


def count_plans(scenario: Scenario) -> int:
    """Number of start-year combinations the brute force may visit (before pruning)."""
    return math.prod(len(_options(p)) for p in scenario.projects)


# ------------------------------------------------------------------------------- random instances


def random_scenario_dict(
    seed: int,
    n_projects: int = 50,
    n_districts: int = 5,
    n_years: int = 10,
    budget_per_year: float = 6.0e6,
) -> dict[str, Any]:
    """A generated scenario (deterministic in `seed`), hard enough for a solver to need some time."""
    rng = random.Random(seed)
    start = START
    years = list(range(start, start + n_years))
    kinds = ["maternelle", "creche"]
    districts = [f"q{i}" for i in range(n_districts)]
    demand, capacity = [], []
    for d in districts:
        for k in kinds:
            base = rng.randint(5, 40) if k == "maternelle" else rng.randint(40, 200)
            capacity.append({"district": d, "kind": k, "year": start, "value": base})
            growth = rng.uniform(0.0, 0.08)
            for t, y in enumerate(years):
                demand.append({"district": d, "kind": k, "year": y, "value": round(base * (1 + growth) ** (t + 1), 2)})
    projects = []
    for i in range(n_projects):
        kind = rng.choice(kinds)
        size = rng.randint(1, 6) if kind == "maternelle" else rng.randint(10, 60)
        cost = round(size * (rng.uniform(0.8, 1.5) if kind == "maternelle" else rng.uniform(0.06, 0.1)), 3) * 1e6
        lag = rng.randint(0, 3)
        earliest = start + rng.randint(0, 3)
        latest = min(years[-1] - lag, earliest + rng.randint(2, 6))
        if latest < earliest:
            earliest = latest = years[-1] - lag
        projects.append(
            {
                "id": f"p{i}",
                "district": rng.choice(districts),
                "capacity": {kind: size},
                "cost": cost,
                "profile": rng.choice([[1.0], [0.3, 0.7], [0.1, 0.7, 0.2], [0.05, 0.15, 0.6, 0.2]]),
                "delivery_lag": lag,
                "earliest_start": earliest,
                "latest_start": latest,
                "confidence": rng.choice([0.7, 0.85, 1.0]),
            }
        )
    for i in range(0, n_projects - 1, 7):  # a few pairs of alternatives
        projects[i]["excludes"] = [f"p{i + 1}"]
    return {
        "name": f"random-{seed}",
        "horizon": {"start": years[0], "end": years[-1]},
        "demand_kinds": {"maternelle": {"weight": 1.0}, "creche": {"weight": 0.05}},
        "districts": [{"id": d} for d in districts],
        "demand": demand,
        "capacity": capacity,
        "budget": {"annual": budget_per_year},
        "projects": projects,
    }


def scaled_envelopes(data: dict[str, Any], factor: float) -> dict[str, Any]:
    """A copy of scenario data with every budget envelope multiplied by `factor`."""
    out = copy.deepcopy(data)
    annual = out["budget"]["annual"]
    if isinstance(annual, dict):
        out["budget"]["annual"] = {y: v * factor for y, v in annual.items()}
    else:
        out["budget"]["annual"] = annual * factor
    total = out["budget"].get("total")
    if isinstance(total, dict):
        out["budget"]["total"] = {**total, "amount": total["amount"] * factor}
    elif total is not None:
        out["budget"]["total"] = total * factor
    return out


__all__ = [
    "DISTRICT",
    "KIND",
    "START",
    "brute_force",
    "brute_feasible",
    "brute_objective",
    "count_plans",
    "make_scenario",
    "make_scenario_dict",
    "project",
    "random_scenario_dict",
    "rows",
    "run_cli",
    "scaled_envelopes",
    "solve_and_verify",
]


def saved(scenario: Scenario, plan: dict[str, Any]):  # -> results.Result
    """A plan in its plan.json form, with its scenario, as the `Result` the reports take."""
    from results import PlanRecord, Result

    return Result.read(scenario, PlanRecord(plan))


# ------------------------------------------------------------------------------- shared by several test files

# The tables `ppi enrolment` writes for a commune when crèche places are estimated too (--under-3 and
# --creche-places): tests/models/test_enrolment.py (Rennes) and tests/scenarios/test_saint_malo.py.
ENROLMENT_TABLES = (
    "effectifs.csv",
    "capacity.csv",
    "petite-enfance.csv",
    "effectifs-observes.csv",
    "effectifs-niveaux.csv",
    "effectifs-ecoles.csv",
    "enrolment.yaml",
)


def assert_verified_optimum(scenario: Scenario, plan: Plan) -> None:
    """A shipped scenario's plan: proven optimal, accepted by the independent verifier with the same objective,
    and feasible with the same objective by the brute force's own loops (which enumerate nothing here: they only
    check this plan)."""
    assert plan.status.value == "optimal", plan.message
    check = verify_plan(scenario, plan_to_dict(scenario, plan))
    assert check.ok, str(check)
    assert math.isclose(check.objective, plan.objective, rel_tol=1e-6)
    assert brute_feasible(scenario, dict(plan.starts))
    assert math.isclose(brute_objective(scenario, dict(plan.starts)), plan.objective, rel_tol=1e-6)


def interrupt(proc: subprocess.Popen, timeout: float = 60) -> float:
    """Ctrl-C as a terminal sends it: SIGINT to `proc`, then wait for it to exit (killed, and the test failed, if
    it is still running after `timeout` seconds). Returns the seconds from the signal to the exit."""
    import signal
    import time

    t0 = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return time.perf_counter() - t0


def property_settings(max_examples: int, *suppressed: Any) -> Any:  # -> hypothesis.settings
    """The property tests' hypothesis settings: reproducible (derandomized, no example database), no deadline (a
    solve's time varies on a shared machine), no "explain" phase (it writes patch files); the too-slow health
    check off, and the other `suppressed` ones (`HealthCheck` members)."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, *suppressed],
    )
