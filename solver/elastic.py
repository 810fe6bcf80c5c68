"""Why a scenario has no plan: an elastic version of the model finds the least change that admits one.

The elastic model keeps every column and row of `build_model` and adds *relaxation* columns, each a change a
PPI can actually make, with its cost in the objective (the demand objective is dropped: only feasibility
matters here):

    e[y] ≥ 0   raise_envelope[y]   the envelope of y raised by e[y] M€:
               budget[y]: ... − e[y] ≤ B[y] − C[y];  budget_cumulative[t]: ... − Σ_{y ≤ t} e[y] ≤ ...;
               carry[y+1]: ... − ρ e[y] ≤ ...                                                  cost 1 per M€
    a ≥ 0      raise_total         the multi-year envelope raised by a M€ (budget_total)          cost 1 per M€
    b ≥ 0      raise_borrowing     max_borrowing raised by b M€: br[y] ≤ cap becomes
               borrowing_cap[y]: br[y] − b ≤ cap                                               cost 1 per M€
    σ ≥ 0      lower_savings_rate  min_savings[y]: eb[y] + σ R[y] ≥ ρ R[y]                     cost 1 per point
    z[y] ≥ 0   excess_debt[y]      debt_capacity[y]: dt[y] − M eb[y] − z[y] ≤ 0                 cost 1 per M€
    x[p,s]     start outside the window [earliest_p, latest_p] (any horizon year)  cost SHIFT_COST per year
    d[p] ≥ 0   drop_mandatory[p]   mandatory[p]: Σ_s x[p,s] + d[p] = 1                        cost DROP_COST

Which of these families are allowed is a choice of the caller (`allow`): a budget remedy allows the money
families, a schedule remedy the window moves and dropped mandatory status. Every row of a family that
could make the model infeasible and is not relaxed by an allowed family gets a generic slack
(`slack[<row name>]`, cost ROW_COST): the elastic model is always feasible, and a generic slack left in its
optimum names a constraint (by its stable row name) that no allowed change can mend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp

from models.plan import Status
from models.scenario import Scenario
from solver.engines import ENGINES, SolveOptions, zero_fits
from solver.formulation import MEUR, MatrixModel, build_model
from solver.solve import BINARY_THRESHOLD

MONEY = "money"  # envelopes, multi-year envelope, borrowing cap, savings rate, debt ceiling
SCHEDULE = "schedule"  # start windows moved
MANDATORY = "mandatory"  # mandatory status dropped
FAMILIES = (MONEY, SCHEDULE, MANDATORY)

# Relative costs of the changes: a year of window move weighs like 5 M€ of envelope, dropping a mandatory
# project like 50 M€, so that the least change prefers moving a window to abandoning a project.
SHIFT_COST = 5.0
DROP_COST = 50.0
# A constraint no allowed change can mend: far above any real change, so it is used only when nothing else
# works. A mandatory row costs more than a relation between projects (requires, excludes), so that a
# conflict is blamed on the relation, which names both projects.
ROW_COST = 1e5
ROW_COST_MANDATORY = 2 * ROW_COST
# A tiny cost on choosing a candidate, so that the elastic plan takes only the candidates it needs (the
# list of projects behind a shortfall stays the list of those that cause it).
CANDIDATE_COST = 1e-3
# Relaxations below this (in M€, years or shares) are solver dust.
RELAX_EPS = 1e-6

# Row families that may make the model infeasible (the others always admit their columns at a bound).
HARD_FAMILIES = (
    "budget",
    "budget_cumulative",
    "budget_total",
    "carry",
    "mandatory",
    "requires",
    "excludes",
    "financing",
    "min_savings",
    "debt_capacity",
)
_FAMILY = re.compile(r"^([a-z_]+)(?:\[(.*)\])?$")


@dataclass(frozen=True)
class Relaxation:
    """One change in the elastic optimum.

    family       raise_envelope (target: year), raise_total, raise_borrowing, lower_savings_rate,
                 excess_debt (target: year), shift (target: project, amount: years, + later), drop_mandatory
                 (target: project), slack (target: the stable name of a row no allowed change mends)
    amount       M€ for money, years for a shift, a share for the savings rate, the row's violation for slack
    """

    family: str
    target: str = ""
    amount: float = 0.0


@dataclass(frozen=True)
class ElasticResult:
    """The least change found, the plan that needs it, and the row activities of that plan (M€ rows)."""

    status: Status
    relaxations: tuple[Relaxation, ...] = ()
    starts: Mapping[str, int | None] = field(default_factory=lambda: MappingProxyType({}))
    activity: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    values: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))  # finance columns, M€

    @property
    def mends_everything(self) -> bool:
        """True when the plan needs only allowed changes (no generic slack)."""
        return self.status.has_plan and not any(r.family == "slack" for r in self.relaxations)


def family_of(row_name: str) -> tuple[str, str]:
    """`budget[2027]` -> (`budget`, `2027`)."""
    match = _FAMILY.match(row_name)
    return (match.group(1), match.group(2) or "") if match else (row_name, "")


def _widened(scenario: Scenario) -> Scenario:
    """Every candidate and mandatory project may start in any horizon year (windows become costs)."""
    first, last = scenario.years[0], scenario.years[-1]
    projects = tuple(
        replace(p, earliest=first, latest=last) if p.status in ("candidate", "mandatory") else p
        for p in scenario.projects
    )
    return replace(scenario, projects=projects)


def elastic_model(scenario: Scenario, allow: tuple[str, ...]) -> tuple[MatrixModel, list[tuple[str, str]]]:
    """The elastic model (see the module docstring) and, per added column, its (family, target)."""
    unknown = set(allow) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown relaxation families: {sorted(unknown)}")
    base = build_model(_widened(scenario) if SCHEDULE in allow else scenario)
    n, m = base.shape[1], base.shape[0]
    c = np.zeros(n)
    col_upper = base.col_upper.copy()
    for (pid, year), j in base.start_col.items():
        p = scenario.project[pid]
        distance = max(p.earliest - year, year - p.latest, 0)
        c[j] = SHIFT_COST * distance + (CANDIDATE_COST if p.status == "candidate" else 0.0)
    rows_of: dict[str, list[int]] = {}
    for i, name in enumerate(base.row_names):
        rows_of.setdefault(family_of(name)[0], []).append(i)
    index = {name: i for i, name in enumerate(base.row_names)}

    new_cols: list[tuple[str, float, float, dict[int, float], tuple[str, str]]] = []  # name, cost, hi, terms
    new_rows: list[tuple[str, dict[int, float], float, float]] = []  # name, terms (any column), lo, hi
    relaxed: set[int] = set()

    if MONEY in allow:
        for y in scenario.years:
            terms: dict[int, float] = {}
            if f"budget[{y}]" in index:
                terms[index[f"budget[{y}]"]] = -1.0
            for t in scenario.years:
                if t >= y and f"budget_cumulative[{t}]" in index:
                    terms[index[f"budget_cumulative[{t}]"]] = -1.0
            if f"carry[{y + 1}]" in index:
                terms[index[f"carry[{y + 1}]"]] = -scenario.carry_share
            if terms:
                new_cols.append((f"raise_envelope[{y}]", 1.0, np.inf, terms, ("raise_envelope", str(y))))
                relaxed.update(terms)
        if "budget_total" in index:
            i = index["budget_total"]
            new_cols.append(("raise_total", 1.0, np.inf, {i: -1.0}, ("raise_total", "")))
            relaxed.add(i)
        pr = scenario.prospective
        if pr is not None:
            if pr.max_borrowing is not None:
                b = n + len(new_cols)
                new_cols.append(("raise_borrowing", 1.0, np.inf, {}, ("raise_borrowing", "")))
                for y in scenario.years:
                    j = base.col_names.index(f"borrowing[{y}]")
                    col_upper[j] = np.inf
                    new_rows.append((f"borrowing_cap[{y}]", {j: 1.0, b: -1.0}, -np.inf, pr.max_borrowing / MEUR))
                relaxed.update(rows_of.get("financing", []))
            if pr.min_savings_rate is not None:
                terms = {index[f"min_savings[{y}]"]: scenario.revenue(y) / MEUR for y in scenario.years}
                new_cols.append(("lower_savings_rate", 100.0, pr.min_savings_rate, terms, ("lower_savings_rate", "")))
                relaxed.update(terms)
            for i in rows_of.get("debt_capacity", []):
                year = family_of(base.row_names[i])[1]
                new_cols.append((f"excess_debt[{year}]", 1.0, np.inf, {i: -1.0}, ("excess_debt", year)))
                relaxed.add(i)
    if MANDATORY in allow:
        for i in rows_of.get("mandatory", []):
            pid = family_of(base.row_names[i])[1]
            new_cols.append((f"drop_mandatory[{pid}]", DROP_COST, 1.0, {i: 1.0}, ("drop_mandatory", pid)))
            relaxed.add(i)
    for fam in HARD_FAMILIES:
        for i in rows_of.get(fam, []):
            if i in relaxed:
                continue
            name = base.row_names[i]
            cost = ROW_COST_MANDATORY if fam == "mandatory" else ROW_COST
            if np.isfinite(base.row_upper[i]):
                new_cols.append((f"slack[{name}]", cost, np.inf, {i: -1.0}, ("slack", name)))
            if np.isfinite(base.row_lower[i]):
                new_cols.append((f"slack[{name}]", cost, np.inf, {i: 1.0}, ("slack", name)))

    k = len(new_cols)
    rows, cols, vals = [], [], []
    for j, (_, _, _, terms, _) in enumerate(new_cols):
        for i, v in terms.items():
            rows.append(i)
            cols.append(j)
            vals.append(v)
    extra = sp.csr_matrix((vals, (rows, cols)), shape=(m, k))
    A = sp.hstack([base.A, extra], format="csr")
    if new_rows:
        r_rows, r_cols, r_vals = [], [], []
        for r, (_, terms, _, _) in enumerate(new_rows):
            for j, v in terms.items():
                r_rows.append(r)
                r_cols.append(j)
                r_vals.append(v)
        A = sp.vstack([A, sp.csr_matrix((r_vals, (r_rows, r_cols)), shape=(len(new_rows), n + k))], format="csr")
    model = replace(
        base,
        c=np.concatenate([c, [cost for _, cost, _, _, _ in new_cols]]),
        offset=0.0,
        A=A,
        row_lower=np.concatenate([base.row_lower, [lo for _, _, lo, _ in new_rows]]),
        row_upper=np.concatenate([base.row_upper, [hi for _, _, _, hi in new_rows]]),
        col_lower=np.concatenate([base.col_lower, np.zeros(k)]),
        col_upper=np.concatenate([col_upper, [hi for _, _, hi, _, _ in new_cols]]),
        integrality=np.concatenate([base.integrality, np.zeros(k, dtype=np.int8)]),
        col_names=[*base.col_names, *(name for name, *_ in new_cols)],
        row_names=[*base.row_names, *(name for name, *_ in new_rows)],
    )
    return model, [tag for *_, tag in new_cols]


def relax(scenario: Scenario, allow: tuple[str, ...], options: SolveOptions | None = None) -> ElasticResult:
    """Solve the elastic model: the least change of the allowed families, the plan needing it, and the
    activity (M€) of the budget and finance rows in that plan."""
    options = options or SolveOptions()
    model, tags = elastic_model(scenario, allow)
    result = ENGINES[options.solver](model, replace(options, progress=None))
    if not result.status.has_plan or result.x is None:
        return ElasticResult(result.status)
    x = result.x
    n = model.shape[1] - len(tags)
    relaxations: list[Relaxation] = []
    for j, (fam, target) in enumerate(tags):
        value = float(x[n + j])
        if value > RELAX_EPS:
            relaxations.append(Relaxation(fam, target, value))
    starts: dict[str, int | None] = {p.id: p.start if p.status == "committed" else None for p in scenario.projects}
    for (pid, year), j in model.start_col.items():
        if x[j] > BINARY_THRESHOLD:
            starts[pid] = year
            p = scenario.project[pid]
            if not p.earliest <= year <= p.latest:
                moved = year - p.latest if year > p.latest else year - p.earliest
                relaxations.append(Relaxation("shift", pid, float(moved)))
    activity = model.A @ x
    money_rows = {"budget", "budget_cumulative", "budget_total", "financing", "min_savings", "debt_capacity"}
    acts = {name: float(activity[i]) for i, name in enumerate(model.row_names) if family_of(name)[0] in money_rows}
    finance = {
        name: float(x[j])
        for j, name in enumerate(model.col_names[:n])
        if family_of(name)[0] in ("epargne_brute", "borrowing", "debt", "carry")
    }
    return ElasticResult(
        result.status,
        tuple(relaxations),
        MappingProxyType(starts),
        MappingProxyType(acts),
        MappingProxyType(finance),
    )


def is_feasible(scenario: Scenario, options: SolveOptions | None = None) -> bool:
    """Whether any plan satisfies the scenario's constraints (a feasibility solve: no objective)."""
    options = options or SolveOptions()
    model = build_model(scenario)
    if model.shape[1] == 0:
        return all(zero_fits(lo, hi) for lo, hi in zip(model.row_lower, model.row_upper, strict=True))
    probe = replace(model, c=np.zeros(model.shape[1]), offset=0.0)
    result = ENGINES[options.solver](probe, replace(options, progress=None, gap=None))
    return result.status.has_plan
