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
families, a schedule remedy the window moves and dropped mandatory status. Which constraint family each
change relaxes, and which families could make the model infeasible, is read from the registry
(models/families.py). Every row of a family that could make the model infeasible and is not relaxed by an
allowed family gets a generic slack (`slack[<row name>]`, cost ROW_COST): the elastic model is always
feasible, and a generic slack left in its optimum names a constraint (by its stable row name) that no
allowed change can mend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp

from models.families import (
    FAMILY,
    FINANCE_COLUMNS,
    HARD_FAMILIES,
    MONEY_FAMILIES,
    Relax,
    family_of_change,
    split_name,
)
from models.plan import Status
from models.scenario import Scenario
from models.spec import ProjectStatus
from models.units import MEUR
from solver.engines import ENGINES, SolveOptions, zero_fits
from solver.formulation import MatrixModel, build_model
from solver.solve import BINARY_THRESHOLD

MONEY = Relax.MONEY  # envelopes, multi-year envelope, borrowing cap, savings rate, debt ceiling
SCHEDULE = Relax.SCHEDULE  # start windows moved
MANDATORY = Relax.MANDATORY  # mandatory status dropped
REMEDIES = (MONEY, SCHEDULE, MANDATORY)  # what a caller may allow

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


def _widened(scenario: Scenario) -> Scenario:
    """Every candidate and mandatory project may start in any horizon year the end rule allows it (windows
    become costs; a start whose CP would fall after the last modelled year stays out)."""
    first = scenario.years[0]
    projects = tuple(
        replace(p, earliest=first, latest=scenario.last_start(p))
        if p.status in (ProjectStatus.CANDIDATE, ProjectStatus.MANDATORY)
        else p
        for p in scenario.projects
    )
    return replace(scenario, projects=projects)


@dataclass
class _Elastic:
    """The elastic model under construction: the base model, and the columns and rows added to it.

    A new column has a name, a cost, an upper bound (lower bound 0), its terms in the base rows and its
    (change, target) tag; a new row has a name, its terms (on any column, base or new) and its bounds.
    `relaxed` holds the base rows an allowed change already relaxes (they get no generic slack).
    """

    scenario: Scenario
    base: MatrixModel
    col_upper: np.ndarray
    cols: list[tuple[str, float, float, dict[int, float], tuple[str, str]]] = field(default_factory=list)
    rows: list[tuple[str, dict[int, float], float, float]] = field(default_factory=list)
    relaxed: set[int] = field(default_factory=set)
    index: dict[str, int] = field(default_factory=dict)  # base row name -> row
    rows_of: dict[str, list[int]] = field(default_factory=dict)  # family stem -> its base rows

    def __post_init__(self) -> None:
        for i, name in enumerate(self.base.row_names):
            self.rows_of.setdefault(split_name(name)[0], []).append(i)
            self.index[name] = i

    @property
    def per_meur(self) -> float:
        """M€ per unit of money in the model (money changes are priced per M€, see the costs above)."""
        return self.base.money / MEUR

    def add_col(self, name: str, cost: float, hi: float, terms: dict[int, float], tag: tuple[str, str]) -> int:
        """A column 0 ≤ v ≤ hi with its terms in the base rows; its index in the elastic model."""
        self.cols.append((name, cost, hi, terms, tag))
        return self.base.shape[1] + len(self.cols) - 1


def add_raise_envelope(e: _Elastic) -> None:
    """e[y] ≥ 0 (`raise_envelope[y]`, cost 1 per M€), for each year with a budget row:

    budget[y]: ... − e[y] ≤ B[y] − C[y];  budget_cumulative[t]: ... − Σ_{y ≤ t} e[y] ≤ ...;
    carry[y+1]: ... − ρ e[y] ≤ ...
    """
    scenario = e.scenario
    for y in scenario.years:
        terms: dict[int, float] = {}
        if f"budget[{y}]" in e.index:
            terms[e.index[f"budget[{y}]"]] = -1.0
        for t in scenario.years:
            if t >= y and f"budget_cumulative[{t}]" in e.index:
                terms[e.index[f"budget_cumulative[{t}]"]] = -1.0
        if f"carry[{y + 1}]" in e.index:
            terms[e.index[f"carry[{y + 1}]"]] = -scenario.carry_share
        _raise_protected(e, scenario, y, terms)
        if terms:
            e.add_col(f"raise_envelope[{y}]", e.per_meur, np.inf, terms, ("raise_envelope", str(y)))
            e.relaxed.update(terms)


def add_raise_total(e: _Elastic) -> None:
    """a ≥ 0 (`raise_total`, cost 1 per M€):  budget_total: ... − a ≤ A − Σ C[y]."""
    if "budget_total" in e.index:
        i = e.index["budget_total"]
        terms = {i: -1.0}
        if "budget_total_robust" in e.index:
            terms[e.index["budget_total_robust"]] = -1.0
        e.add_col("raise_total", e.per_meur, np.inf, terms, ("raise_total", ""))
        e.relaxed.update(terms)


def _raise_protected(e: _Elastic, scenario: Scenario, y: int, terms: dict[int, float]) -> None:
    """The protected rows (add_budget_protection) gain what their nominal row gains from raising the envelope
    of y: budget_robust[t] for t = y (for every t ≥ y under full carry-over), carry_robust[y+1] ρ of it."""
    cumulative = scenario.carry_over and scenario.carry_share >= 1.0
    for t in scenario.years:
        if (t == y or (cumulative and t >= y)) and f"budget_robust[{t}]" in e.index:
            terms[e.index[f"budget_robust[{t}]"]] = -1.0
    if f"carry_robust[{y + 1}]" in e.index:
        terms[e.index[f"carry_robust[{y + 1}]"]] = -scenario.carry_share


def add_raise_borrowing(e: _Elastic) -> None:
    """b ≥ 0 (`raise_borrowing`, cost 1 per M€), when max_borrowing is set: the bound br[y] ≤ cap becomes

    borrowing_cap[y]:  br[y] − b ≤ cap

    and the financing rows, which borrowing now closes whatever the cap, get no generic slack.
    """
    pr = e.scenario.prospective
    if pr is None or pr.max_borrowing is None:
        return
    b = e.add_col("raise_borrowing", e.per_meur, np.inf, {}, ("raise_borrowing", ""))
    for y in e.scenario.years:
        j = e.base.col_names.index(f"borrowing[{y}]")
        e.col_upper[j] = np.inf
        e.rows.append((f"borrowing_cap[{y}]", {j: 1.0, b: -1.0}, -np.inf, pr.max_borrowing / e.base.money))
    e.relaxed.update(e.rows_of.get("financing", []))


def add_lower_savings_rate(e: _Elastic) -> None:
    """0 ≤ σ ≤ ρ (`lower_savings_rate`, cost 1 per point), when min_savings_rate ρ is set:

    min_savings[y]:  eb[y] + σ R[y] ≥ ρ R[y]
    """
    scenario = e.scenario
    pr = scenario.prospective
    if pr is None or pr.min_savings_rate is None:
        return
    terms = {e.index[f"min_savings[{y}]"]: scenario.revenue(y) / e.base.money for y in scenario.years}
    e.add_col("lower_savings_rate", 100.0, pr.min_savings_rate, terms, ("lower_savings_rate", ""))
    e.relaxed.update(terms)


def add_excess_debt(e: _Elastic) -> None:
    """z[y] ≥ 0 (`excess_debt[y]`, cost 1 per M€):  debt_capacity[y]: dt[y] − M eb[y] − z[y] ≤ 0."""
    if e.scenario.prospective is None:
        return
    for i in e.rows_of.get("debt_capacity", []):
        year = split_name(e.base.row_names[i])[1]
        e.add_col(f"excess_debt[{year}]", e.per_meur, np.inf, {i: -1.0}, ("excess_debt", year))
        e.relaxed.add(i)


def add_drop_mandatory(e: _Elastic) -> None:
    """0 ≤ d[p] ≤ 1 (`drop_mandatory[p]`, cost DROP_COST):  mandatory[p]: Σ_s x[p,s] + d[p] = 1."""
    for i in e.rows_of.get("mandatory", []):
        pid = split_name(e.base.row_names[i])[1]
        e.add_col(f"drop_mandatory[{pid}]", DROP_COST, 1.0, {i: 1.0}, ("drop_mandatory", pid))
        e.relaxed.add(i)


# The change that relaxes each relaxable family (models/families.py `Family.change`), in the order the
# columns are added; a change is added when the caller allows its family's remedy (`Family.relax`).
# The changes whose amount is money (priced and reported per M€).
MONEY_CHANGES = frozenset({"raise_envelope", "raise_total", "raise_borrowing", "excess_debt"})

RELAXATIONS: dict[str, Callable[[_Elastic], None]] = {
    "raise_envelope": add_raise_envelope,
    "raise_total": add_raise_total,
    "raise_borrowing": add_raise_borrowing,
    "lower_savings_rate": add_lower_savings_rate,
    "excess_debt": add_excess_debt,
    "drop_mandatory": add_drop_mandatory,
}


def add_slacks(e: _Elastic) -> None:
    """s ≥ 0 (`slack[<row>]`, cost ROW_COST, 2 ROW_COST for a mandatory row) on each side of every row of a
    hard family (models/families.py) that no allowed change relaxes: ... − s ≤ hi,  ... + s ≥ lo."""
    for fam in HARD_FAMILIES:
        cost = ROW_COST_MANDATORY if FAMILY[fam].relax is Relax.MANDATORY else ROW_COST
        if fam in MONEY_FAMILIES:
            cost *= e.per_meur  # priced per M€ whatever the model's money unit
        for i in e.rows_of.get(fam, []):
            if i in e.relaxed:
                continue
            name = e.base.row_names[i]
            if np.isfinite(e.base.row_upper[i]):
                e.add_col(f"slack[{name}]", cost, np.inf, {i: -1.0}, ("slack", name))
            if np.isfinite(e.base.row_lower[i]):
                e.add_col(f"slack[{name}]", cost, np.inf, {i: 1.0}, ("slack", name))


def _assemble(e: _Elastic, c: np.ndarray) -> MatrixModel:
    """The base model with the new columns (objective: `c` on the base columns, then their costs) and rows."""
    base = e.base
    n, m = base.shape[1], base.shape[0]
    k = len(e.cols)
    rows, cols, vals = [], [], []
    for j, (_, _, _, terms, _) in enumerate(e.cols):
        for i, v in terms.items():
            rows.append(i)
            cols.append(j)
            vals.append(v)
    extra = sp.csr_matrix((vals, (rows, cols)), shape=(m, k))
    A = sp.hstack([base.A, extra], format="csr")
    if e.rows:
        r_rows, r_cols, r_vals = [], [], []
        for r, (_, terms, _, _) in enumerate(e.rows):
            for j, v in terms.items():
                r_rows.append(r)
                r_cols.append(j)
                r_vals.append(v)
        A = sp.vstack([A, sp.csr_matrix((r_vals, (r_rows, r_cols)), shape=(len(e.rows), n + k))], format="csr")
    return replace(
        base,
        c=np.concatenate([c, [cost for _, cost, _, _, _ in e.cols]]),
        offset=0.0,
        A=A,
        row_lower=np.concatenate([base.row_lower, [lo for _, _, lo, _ in e.rows]]),
        row_upper=np.concatenate([base.row_upper, [hi for _, _, _, hi in e.rows]]),
        col_lower=np.concatenate([base.col_lower, np.zeros(k)]),
        col_upper=np.concatenate([e.col_upper, [hi for _, _, hi, _, _ in e.cols]]),
        integrality=np.concatenate([base.integrality, np.zeros(k, dtype=np.int8)]),
        col_names=[*base.col_names, *(name for name, *_ in e.cols)],
        row_names=[*base.row_names, *(name for name, *_ in e.rows)],
    )


def elastic_model(scenario: Scenario, allow: tuple[str, ...]) -> tuple[MatrixModel, list[tuple[str, str]]]:
    """The elastic model (see the module docstring) and, per added column, its (change, target).

    The base model (windows widened to the horizon when SCHEDULE is allowed; a start outside its window
    costs SHIFT_COST per year, a chosen candidate CANDIDATE_COST), then the changes of the allowed remedies
    (`RELAXATIONS`), then the generic slacks (`add_slacks`).
    """
    unknown = set(allow) - set(REMEDIES)
    if unknown:
        raise ValueError(f"unknown relaxation families: {sorted(unknown)}")
    base = build_model(_widened(scenario) if SCHEDULE in allow else scenario)
    c = np.zeros(base.shape[1])
    for (pid, year), j in base.start_col.items():
        p = scenario.project[pid]
        distance = max(p.earliest - year, year - p.latest, 0)
        c[j] = SHIFT_COST * distance + (CANDIDATE_COST if p.status == ProjectStatus.CANDIDATE else 0.0)
    e = _Elastic(scenario, base, base.col_upper.copy())
    for change, add in RELAXATIONS.items():
        family = family_of_change(change)
        if family is not None and family.relax in allow:
            add(e)
    add_slacks(e)
    return _assemble(e, c), [tag for *_, tag in e.cols]


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
    per_meur = model.money / MEUR  # money amounts are reported in M€ whatever the model's unit
    for j, (fam, target) in enumerate(tags):
        value = float(x[n + j])
        if fam in MONEY_CHANGES or (fam == "slack" and split_name(target)[0] in MONEY_FAMILIES):
            value *= per_meur
        if value > RELAX_EPS:
            relaxations.append(Relaxation(fam, target, value))
    starts: dict[str, int | None] = {
        p.id: p.start if p.status == ProjectStatus.COMMITTED else None for p in scenario.projects
    }
    for (pid, year), j in model.start_col.items():
        if x[j] > BINARY_THRESHOLD:
            starts[pid] = year
            p = scenario.project[pid]
            if not p.earliest <= year <= p.latest:
                moved = year - p.latest if year > p.latest else year - p.earliest
                relaxations.append(Relaxation("shift", pid, float(moved)))
    activity = model.A @ x
    acts = {
        name: float(activity[i]) * per_meur
        for i, name in enumerate(model.row_names)
        if split_name(name)[0] in MONEY_FAMILIES
    }
    finance = {
        name: float(x[j]) * per_meur
        for j, name in enumerate(model.col_names[:n])
        if split_name(name)[0] in FINANCE_COLUMNS
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
