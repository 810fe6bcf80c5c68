"""The PPI plan as a mixed-integer program in matrix form (numpy / scipy.sparse).

Notation (docs/model.md has the full table):

    x[p,s]   start[p,s]      1 if project p starts in year s (s in its start window S_p)    binary
    u[d,k,y] unmet[d,k,y]    unmet demand of kind k in district d, year y                   kind's unit
    t[d,e,k,y] transfer[...] demand of d met by spare capacity of neighbour e (transfers)   kind's unit
    c[p,y]                   city spending of p in year y if it starts in s: cost_p × profile_p[y−s] × share_p
    a[p,k]                   capacity counted: confidence_p × capacity_p[k]
    D, E                     demand and existing capacity; R[d,k,y] = D − E − committed capacity delivered
    B[y]                     budget envelope of year y
    w[k], δ[y]               weight of kind k, discount factor (1+r)^-(y−start)
    δ'[y]                    year weight: δ[y], times the tail weight ϑ in a tail year (`Scenario.year_weight`)
    λ                        cost_weight

    minimise   Σ w[k] δ'[y] u[d,k,y] + Σ ν w[k] δ'[y] t[d,e,k,y] + λ Σ_p Σ_s city_cost_p x[p,s]
               (+ the committed projects' cost term; ν the transfer penalty share)

`build_model` reads like a table of contents: one `add_*` function per constraint family, each with its
inequality in the docstring and stable row names (`budget[2027]`, `select_once[gs-plateau]`) whose stems are
registered in models/families.py (the builder refuses any other). Money is in M€ inside the matrix
(coefficients near 1 keep the solver's tolerances meaningful); the objective is in weighted unit-years as
in the scenario. Committed projects are constants, not columns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from models.families import COLUMNS, FAMILY
from models.revision import stability_of
from models.scenario import Project, Scenario
from models.spec import ProjectStatus, Prospective
from models.uncertainty import (
    budget_rows,
    delivered_share,
    project_row_charge,
    protection_label,
    protection_z,
    uncertainty_of,
)
from models.units import MEUR

# A residual demand below this (in the kind's unit) is treated as met: it avoids rows for rounding dust
# such as 1e-12 classes left after subtracting capacities.
DEMAND_EPS = 1e-9


@dataclass
class MatrixModel:
    """min c·x + offset  s.t.  row_lower ≤ A x ≤ row_upper,  col_lower ≤ x ≤ col_upper, x integral where flagged."""

    c: np.ndarray
    offset: float
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray  # 1 = integer, 0 = continuous
    col_names: list[str]
    row_names: list[str]
    start_col: dict[tuple[str, int], int] = field(default_factory=dict)
    unmet_row: dict[int, int] = field(default_factory=dict)  # unmet column -> its unmet[d,k,y] row
    transfer_col: dict[tuple[str, str, str, int], int] = field(default_factory=dict)  # (from, to, kind, year)
    money: float = MEUR  # euros per unit of money in the matrix (see `money_unit`)

    @property
    def shape(self) -> tuple[int, int]:
        return self.A.shape

    def row(self, name: str) -> int:
        return self.row_names.index(name)


class _Builder:
    """Accumulates columns and rows (as COO triplets) while the constraint families are added."""

    def __init__(self, money: float = MEUR) -> None:
        self.money = money  # euros per unit of money in the rows
        self.c: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.integer: list[int] = []
        self.col_names: list[str] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.row_names: list[str] = []
        self.offset = 0.0
        self.start_col: dict[tuple[str, int], int] = {}
        self.unmet_row: dict[int, int] = {}
        self.transfer_col: dict[tuple[str, str, str, int], int] = {}
        self.balance_row: dict[tuple[str, str, int], int] = {}  # (d, k, y) -> its unmet[d,k,y] row
        self.unmet_col: dict[tuple[str, str, int], int] = {}  # (d, k, y) -> its u[d,k,y] column
        # The transfer columns to build with their upper bounds (`transfer_arcs`); None: every neighbour pair.
        self.arcs: dict[tuple[str, str, str, int], float] | None = None
        self.inflow: dict[tuple[str, str, int], float] = {}  # (e, k, y) -> Σ of the bounds of the arcs into e

    def add_col(self, name: str, cost: float, lo: float, hi: float, integer: bool) -> int:
        self.c.append(cost)
        self.lo.append(lo)
        self.hi.append(hi)
        self.integer.append(1 if integer else 0)
        self.col_names.append(name)
        return len(self.c) - 1

    def add_row(self, name: str, terms: dict[int, float], lo: float, hi: float) -> None:
        r = len(self.row_names)
        for j, v in terms.items():
            if v != 0.0:
                self.rows.append(r)
                self.cols.append(j)
                self.vals.append(v)
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        self.row_names.append(name)

    def add_terms(self, row: int, terms: dict[int, float]) -> None:
        """Add terms to a row already added."""
        for j, v in terms.items():
            if v != 0.0:
                self.rows.append(row)
                self.cols.append(j)
                self.vals.append(v)

    def finish(self) -> MatrixModel:
        _check_registered(self.row_names, FAMILY, "row")
        _check_registered(self.col_names, COLUMNS, "column")
        n, m = len(self.c), len(self.row_names)
        A = sp.csr_matrix((self.vals, (self.rows, self.cols)), shape=(m, n), dtype=float)
        A.sum_duplicates()
        return MatrixModel(
            c=np.array(self.c, dtype=float),
            offset=self.offset,
            A=A,
            row_lower=np.array(self.row_lo, dtype=float),
            row_upper=np.array(self.row_hi, dtype=float),
            col_lower=np.array(self.lo, dtype=float),
            col_upper=np.array(self.hi, dtype=float),
            integrality=np.array(self.integer, dtype=np.int8),
            col_names=self.col_names,
            row_names=self.row_names,
            start_col=dict(self.start_col),
            unmet_row=dict(self.unmet_row),
            transfer_col=dict(self.transfer_col),
            money=self.money,
        )


def _check_registered(names: list[str], registry: Mapping[str, object], what: str) -> None:
    """Every row (column) stem is in models/families.py: a family added without its record is a bug."""
    unknown = {name.partition("[")[0] for name in names} - registry.keys()
    if unknown:
        raise AssertionError(f"{what} stems not registered in models/families.py: {sorted(unknown)}")


# Engines accept a row as met within an absolute tolerance (HiGHS: 1e-6 of the row's unit). Money is written in
# units small enough that this tolerance stays under a tenth of the finest amount the scenario holds, so that
# no engine can take a plan over an envelope for one within it: M€ whenever the amounts are whole tens of
# euros (both shipped scenarios), finer units for finer amounts (down to the cent).
ENGINE_TOLERANCE = 1e-6
MONEY_MARGIN = 10.0  # the finest amount / the tolerance, at least: a sum of such amounts over a limit is over it by
# at least the finest amount, ten times what the engine may let pass


def _whole(x: float) -> bool:
    return abs(x - round(x)) <= 1e-9 * max(1.0, abs(x))


def money_unit(scenario: Scenario) -> float:
    """Euros per unit of money in the matrix: 10^k ≤ 1 M€ with ENGINE_TOLERANCE × 10^k ≤ q / MONEY_MARGIN, where
    q is the finest decimal step (100 €, 10 €, ..., 1 cent) of the amounts the start decisions add up
    against a limit: the envelopes, what each project charges per year at each start, operating costs. (The
    finance block's constants — revenue growing by a rate, debt — sit in rows with continuous columns and
    do not decide which combinations of projects fit.)"""
    steps = [100.0, 10.0, 1.0, 0.1, 0.01]
    finest = steps[0]

    def see(amount: float) -> None:
        nonlocal finest
        if not amount or not np.isfinite(amount):
            return
        finest = min(finest, next((q for q in steps if _whole(amount / q)), steps[-1]))

    for y in scenario.years:
        see(scenario.envelope[y])
    if scenario.total_envelope is not None:
        see(scenario.total_envelope.amount)
    for p in scenario.projects:
        see(p.operating_cost or 0.0)
        for s in p.start_years if p.status != ProjectStatus.COMMITTED else [p.start]:
            for amount in scenario.charged(p, s).values():
                see(amount)
    unit = 10.0 ** math.floor(math.log10(finest / MONEY_MARGIN / ENGINE_TOLERANCE) + 1e-9)
    return min(MEUR, unit)


def build_model(scenario: Scenario, symmetry: bool = True, reduce_transfers: bool = True) -> MatrixModel:
    """The whole model: columns, then each constraint family (`symmetry`: order identical projects). Money
    is in units of `money_unit(scenario)` euros (model.money). `reduce_transfers`: only the transfer columns
    some optimal plan may use, with tighter bounds (`transfer_arcs`); False: one per neighbour pair (the
    model before issue 18, kept for comparison)."""
    b = _Builder(money_unit(scenario))
    if reduce_transfers and scenario.transfers_on:
        b.arcs = transfer_arcs(scenario)
        for (_, e, k, y), bound in b.arcs.items():
            b.inflow[(e, k, y)] = b.inflow.get((e, k, y), 0.0) + bound
    add_start_columns(b, scenario)
    add_select_once(b, scenario)
    add_budget(b, scenario)
    add_budget_protection(b, scenario)
    add_unmet_demand(b, scenario)
    add_transfers(b, scenario)
    add_excludes(b, scenario)
    add_requires(b, scenario)
    add_prospective(b, scenario)
    if symmetry:
        add_symmetry(b, scenario)
    add_stability(b, scenario)
    add_locked(b, scenario)
    return b.finish()


def _committed(scenario: Scenario) -> list[Project]:
    return [p for p in scenario.projects if p.status == ProjectStatus.COMMITTED]


def add_start_columns(b: _Builder, scenario: Scenario) -> None:
    """x[p,s] ∈ {0,1} for every non-committed, non-excluded project p and s ∈ S_p = [earliest_p, latest_p].

    Objective coefficient λ × city_cost_p (cost_p × share_p). A committed project is a constant: its cost
    term λ × city_cost_p goes to the objective offset.
    """
    for p in scenario.projects:
        if p.status in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED):
            continue
        for s in p.start_years:
            b.start_col[(p.id, s)] = b.add_col(f"start[{p.id},{s}]", scenario.cost_weight * p.city_cost, 0, 1, True)
    b.offset += sum(scenario.cost_weight * p.city_cost for p in _committed(scenario))


def add_select_once(b: _Builder, scenario: Scenario) -> None:
    """select_once[p]:  Σ_s x[p,s] ≤ 1 for a candidate;  = 1 for a mandatory project (`mandatory[p]`)."""
    for p in scenario.projects:
        terms = {b.start_col[(p.id, s)]: 1.0 for s in p.start_years if (p.id, s) in b.start_col}
        if p.status == ProjectStatus.MANDATORY:
            b.add_row(f"mandatory[{p.id}]", terms, 1.0, 1.0)
        elif p.status == ProjectStatus.CANDIDATE and terms:
            b.add_row(f"select_once[{p.id}]", terms, -np.inf, 1.0)


@dataclass
class _Spending:
    """What the projects charge to the envelopes, in the model's money unit: per year, the terms of the start
    columns and the committed projects' constant part C[y]."""

    per_year: dict[int, dict[int, float]]
    committed: dict[int, float]
    money: float  # euros per unit

    def free(self, scenario: Scenario, y: int) -> float:
        """B[y] − C[y]: the envelope of y left by the committed projects."""
        return scenario.envelope[y] / self.money - self.committed[y]


def _spending(b: _Builder, scenario: Scenario) -> _Spending:
    """spent[y] = Σ_p Σ_s e[p,y|s] x[p,s] as terms, and C[y]. Spending outside the modelled years is dropped."""
    years = scenario.years
    committed = dict.fromkeys(years, 0.0)
    per_year: dict[int, dict[int, float]] = {y: {} for y in years}
    for p in scenario.projects:
        if p.status == ProjectStatus.COMMITTED:
            assert p.start is not None
            for y, amount in scenario.charged(p, p.start).items():
                if y in committed:
                    committed[y] += amount / b.money
            continue
        for s in p.start_years:
            j = b.start_col.get((p.id, s))
            if j is None:
                continue
            for y, amount in scenario.charged(p, s).items():
                if y in per_year:
                    per_year[y][j] = per_year[y].get(j, 0.0) + amount / b.money
    return _Spending(per_year, committed, b.money)


def add_budget(b: _Builder, scenario: Scenario) -> None:
    """Envelopes. spent[y] = Σ_p Σ_s e[p,y|s] x[p,s] and C[y] the committed projects' part, where e is the
    city spending c[p,y|s] on the gross basis, and on the net basis the net effort
    c[p,y|s] − τ η_p c[p,y−lag|s] − subsidies of p received in y (FCTVA rate τ, eligible share η_p).
    One family per carry-over rule (`add_budget_annual`, `add_budget_cumulative`, `add_budget_carry`), then
    the multi-year envelope (`add_budget_total`). The years are the horizon's and its tail's (rule 'tail':
    envelopes continue the last year's unless given); spending before the horizon start, or after the last
    modelled year (rule 'open'), is charged to no envelope.
    """
    spending = _spending(b, scenario)
    if not scenario.carry_over:
        add_budget_annual(b, scenario, spending)
    elif scenario.carry_share >= 1.0:
        add_budget_cumulative(b, scenario, spending)
    else:
        add_budget_carry(b, scenario, spending)
    add_budget_total(b, scenario, spending)


def add_budget_annual(b: _Builder, scenario: Scenario, spending: _Spending) -> None:
    """budget[y]:  spent[y] ≤ B[y] − C[y]   (no carry-over)."""
    for y in scenario.years:
        b.add_row(f"budget[{y}]", spending.per_year[y], -np.inf, spending.free(scenario, y))


def add_budget_cumulative(b: _Builder, scenario: Scenario, spending: _Spending) -> None:
    """budget_cumulative[y]:  Σ_{t ≤ y} spent[t] ≤ Σ_{t ≤ y} (B[t] − C[t])   (carry-over, share 1)."""
    cumulative: dict[int, float] = {}
    rhs = 0.0
    for y in scenario.years:
        for j, v in spending.per_year[y].items():
            cumulative[j] = cumulative.get(j, 0.0) + v
        rhs += spending.free(scenario, y)
        b.add_row(f"budget_cumulative[{y}]", dict(cumulative), -np.inf, rhs)


def add_budget_carry(b: _Builder, scenario: Scenario, spending: _Spending) -> None:
    """With a carry-over share ρ < 1, carried credit k[y] ≥ 0 (column `carry[y]`, k[y₀] = 0):

    budget[y]:    spent[y] − k[y] ≤ B[y] − C[y]
    carry[y+1]:   k[y+1] − ρ k[y] + ρ spent[y] ≤ ρ (B[y] − C[y])          (k[y+1] ≤ ρ × unspent of y)
    """
    years = scenario.years
    share = scenario.carry_share
    carry = {y: b.add_col(f"carry[{y}]", 0.0, 0.0, np.inf, False) for y in years[1:]}
    for y in years:
        terms = dict(spending.per_year[y])
        if y in carry:
            terms[carry[y]] = -1.0
        b.add_row(f"budget[{y}]", terms, -np.inf, spending.free(scenario, y))
        if y + 1 in carry:
            nxt = {j: share * v for j, v in spending.per_year[y].items()}
            nxt[carry[y + 1]] = 1.0
            if y in carry:
                nxt[carry[y]] = -share
            b.add_row(f"carry[{y + 1}]", nxt, -np.inf, share * spending.free(scenario, y))


def add_budget_total(b: _Builder, scenario: Scenario, spending: _Spending) -> None:
    """budget_total:  Σ_{y ∈ T} spent[y] ≤ A − Σ_{y ∈ T} C[y]   (multi-year envelope A over T, when set)."""
    total = scenario.total_envelope
    if total is None:
        return
    terms: dict[int, float] = {}
    for y in total.years:
        for j, v in spending.per_year[y].items():
            terms[j] = terms.get(j, 0.0) + v
    rhs = total.amount / b.money - sum(spending.committed[y] for y in total.years)
    b.add_row("budget_total", terms, -np.inf, rhs)


# The protected rows are written this much (in the model's money unit) inside their exact form, so that a plan the
# engine accepts within its row tolerance still meets the exact protected load the verifier recomputes.
PROTECTION_MARGIN = 10 * ENGINE_TOLERANCE


def add_budget_protection(b: _Builder, scenario: Scenario) -> None:
    """Envelopes that hold with the probability `uncertainty.budget_confidence` α (docs/model.md, "Plans that
    hold: robustness"), when the scenario sets it. For each row r of the budget rule (`models.uncertainty.
    budget_rows`: each year; under full carry-over the years up to y; the multi-year envelope), with m_j the
    mean charge μ_j a_j + f_j of option j = (p, s) on r and v_j = s_j a_j its deviation, the exact protected row

        Σ_j m_j x_j + z √(Σ_j v_j² x_j) ≤ cap_r − Σ_c m_c          (x binary, so x_j² = x_j; c committed)

    (z = Φ⁻¹(1 − (1 − α)/m), m the uncertain rows) is implied by its tangent at S₀ > 0, since
    √S ≤ √S₀/2 + S/(2√S₀) for every S ≥ 0 (equality at S = S₀):

    budget_robust[y] / budget_total_robust:
        Σ_j (m_j + z v_j²/(2√S₀)) x_j ≤ cap_r − Σ_c m_c − z (S₀ + S_c)/(2√S₀) − margin   (− k[y] on the left
        with a carry-over share ρ < 1, the credit carried in; S_c = Σ_c v_c²)
    carry_robust[y+1]:  k[y+1] − ρ k[y] + ρ Σ_j (m_j + z v_j²/(2√S₀)) x_j ≤ ρ (B[y] − Σ_c m_c − ...)
        (the credit carried on is at most ρ × what the protected charge leaves)

    S₀ is the variance of the row filled to its cap with options of the row's average v²/m (the committed
    projects' variance added): the tangent over-protects by (1 + r)/(2√r) for a plan of variance r S₀
    (6 % at r = 1/2 or 2). It is clipped to √S₀ ≤ R/z + √((R/z)² − S_c) (R = cap − Σ_c m_c) when the committed
    projects alone fit the exact row, so that they still fit the tangent (the tangent at S₀ passes through
    S = S_c below R/z); the margin never takes the committed projects alone out either. Rows whose charge is
    certain get no protected copy."""
    unc = uncertainty_of(scenario.spec)
    if unc.gamma is not None:
        add_budget_gamma(b, scenario)
        return
    z = protection_z(scenario)
    if z is None:
        return
    money = b.money
    carry = {}
    if scenario.carry_over and scenario.carry_share < 1.0:
        carry = {y: b.col_names.index(f"carry[{y}]") for y in scenario.years[1:]}
    for row in budget_rows(scenario):
        options: dict[int, tuple[float, float]] = {}
        fixed_mean = fixed_var = 0.0
        for p in scenario.projects:
            for s in p.start_years:
                mean, dev = project_row_charge(scenario, p, s, row, unc)
                if p.status == ProjectStatus.COMMITTED:
                    fixed_mean += mean / money
                    fixed_var += (dev / money) ** 2
                elif (p.id, s) in b.start_col and (mean or dev):
                    options[b.start_col[(p.id, s)]] = (mean / money, (dev / money) ** 2)
        mean_sum = sum(m for m, _ in options.values() if m > 0)
        ratio = sum(v for _, v in options.values()) / mean_sum if mean_sum > 0 else 0.0
        room = row.cap / money - fixed_mean  # R: the cap less the committed projects' mean charge
        s0 = fixed_var + max(0.0, room) * ratio
        if room > 0 and (room / z) ** 2 >= fixed_var:  # the committed projects alone fit: keep them fitting
            s0 = min(s0, (room / z + math.sqrt((room / z) ** 2 - fixed_var)) ** 2)
        if s0 <= 0.0:
            continue  # a certain charge: the nominal row says it all
        root = math.sqrt(s0)
        terms = {j: m + z * v / (2.0 * root) for j, (m, v) in options.items()}
        rhs = room - z * (s0 + fixed_var) / (2.0 * root)
        _add_protected_row(b, scenario, carry, row.name, row.year, terms, rhs - min(PROTECTION_MARGIN, max(0.0, rhs)))


def _add_protected_row(
    b: _Builder,
    scenario: Scenario,
    carry: dict[int, int],
    name: str,
    y: int | None,
    terms: dict[int, float],
    rhs: float,
) -> None:
    """A protected row (`terms` ≤ `rhs`, the carried credit k[y] subtracted when y has one), and with a carry-over
    share ρ < 1 its `carry_robust[y+1]` row: k[y+1] − ρ k[y] + ρ × (its charge) ≤ ρ rhs."""
    if y in carry:
        terms[carry[y]] = -1.0
    b.add_row(name, terms, -np.inf, rhs)
    if y is not None and y + 1 in carry:
        share = scenario.carry_share
        nxt = {j: share * v for j, v in terms.items() if j != carry.get(y)}
        nxt[carry[y + 1]] = 1.0
        if y in carry:
            nxt[carry[y]] = -share
        b.add_row(f"carry_robust[{y + 1}]", nxt, -np.inf, share * rhs)


def add_budget_gamma(b: _Builder, scenario: Scenario) -> None:
    """Bertsimas–Sim protection (`uncertainty.gamma` Γ): each row r of the budget rule holds when any Γ of the
    projects charging it overrun by their deviation d_p = (exp(2σ_p) − 1) a_p (a_p its cost-set charge on r).
    The worst case max_{|U| ≤ Γ} Σ_{p ∈ U} d_p x_p is linearised by its LP dual (Bertsimas and Sim, 2004), with
    columns w_r ≥ 0 (`protection[r]`) and q_{p,r} ≥ 0 (`overrun[p,r]`):

    budget_robust[y] / budget_total_robust:  Σ_j e_j x_j + Γ w_r + Σ_p q_{p,r} ≤ cap_r − Σ_c e_c − margin
    overrun[p,r]:  q_{p,r} + w_r − Σ_s d_{p,r|s} x[p,s] ≥ 0   (a committed project: q + w ≥ d_c)

    (Σ_s x[p,s] ≤ 1, so Σ_s d_{p,r|s} x[p,s] is p's overrun at its start.) With a carry-over share, the rows
    take k[y] and `carry_robust[y+1]` as for `budget_confidence`. Rows without any overrun get no copy."""
    unc = uncertainty_of(scenario.spec)
    gamma = unc.gamma
    assert gamma is not None
    money = b.money
    carry = {}
    if scenario.carry_over and scenario.carry_share < 1.0:
        carry = {y: b.col_names.index(f"carry[{y}]") for y in scenario.years[1:]}
    for row in budget_rows(scenario):
        label = protection_label(row)
        nominal: dict[int, float] = {}
        overruns: dict[str, dict[int, float]] = {}  # project -> its start columns' overruns
        fixed, fixed_overruns = 0.0, {}
        for p in scenario.projects:
            for s in p.start_years:
                charge, over = project_row_charge(scenario, p, s, row, unc)
                if p.status == ProjectStatus.COMMITTED:
                    fixed += charge / money
                    if over > 0:
                        fixed_overruns[p.id] = over / money
                elif (p.id, s) in b.start_col:
                    j = b.start_col[(p.id, s)]
                    if charge:
                        nominal[j] = charge / money
                    if over > 0:
                        overruns.setdefault(p.id, {})[j] = over / money
        if not overruns and not fixed_overruns:
            continue
        w = b.add_col(f"protection[{label}]", 0.0, 0.0, np.inf, False)
        terms = {**nominal, w: gamma}
        for pid, over in overruns.items():
            q = b.add_col(f"overrun[{pid},{label}]", 0.0, 0.0, np.inf, False)
            terms[q] = 1.0
            b.add_row(f"overrun[{pid},{label}]", {q: 1.0, w: 1.0, **{j: -d for j, d in over.items()}}, 0.0, np.inf)
        for pid, d in fixed_overruns.items():
            q = b.add_col(f"overrun[{pid},{label}]", 0.0, 0.0, np.inf, False)
            terms[q] = 1.0
            b.add_row(f"overrun[{pid},{label}]", {q: 1.0, w: 1.0}, d, np.inf)
        ranked = sorted(fixed_overruns.values(), reverse=True)  # the committed projects' worst case, alone
        whole = int(math.floor(gamma))
        alone = sum(ranked[:whole]) + ((gamma - whole) * ranked[whole] if whole < len(ranked) else 0.0)
        rhs = row.cap / money - fixed
        margin = min(PROTECTION_MARGIN, max(0.0, rhs - alone))
        _add_protected_row(b, scenario, carry, row.name, row.year, terms, rhs - margin)


def residual_demand(scenario: Scenario) -> dict[tuple[str, str, int], float]:
    """R[d,k,y] = D − E − capacity of the committed projects delivered by y (negative: spare capacity)."""
    residual = {key: scenario.demand[key] - scenario.existing[key] for key in scenario.demand}
    unc = uncertainty_of(scenario.spec)
    for p in _committed(scenario):
        assert p.start is not None
        for y in scenario.years:
            if p.start + p.delivery_lag <= y:
                counted = delivered_share(unc, p, p.start, y)  # 1 unless the scenario counts slips
                for k, cap in p.capacity.items():
                    residual[(p.district, k, y)] -= p.confidence * cap * counted
    return residual


def _inflow_bound(scenario: Scenario, d: str, k: str, y: int) -> float:
    """M[d,k,y] = Σ_{e ∈ N(d)} T[e,k,y]: the most demand neighbours may send to d (0 without transfers)."""
    return sum(scenario.transfer_cap(e, k, y) for e in scenario.neighbours.get(d, ()))


def _most_added(scenario: Scenario) -> dict[tuple[str, str, int], float]:
    """Cmax[e,k,y]: the most capacity of kind k e's own projects (candidates, mandatory) may add by year y —
    each project counted once, at its best start — as their coefficients in the `unmet` rows, unclipped."""
    unc = uncertainty_of(scenario.spec)
    most: dict[tuple[str, str, int], float] = {}
    for p in scenario.projects:
        if p.status in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED):
            continue
        for k, cap in p.capacity.items():
            full = p.confidence * cap
            if full <= 0 or k not in scenario.transfer_kinds:
                continue
            for y in scenario.years:
                best = max((full * delivered_share(unc, p, s, y) for s in p.start_years), default=0.0)
                if best > 0:
                    most[(p.district, k, y)] = most.get((p.district, k, y), 0.0) + best
    return most


def _longest_chain(penalty: float, districts: int) -> int:
    """L: the most transfers one unit may take (d → e → … ), L ν < 1 — a chain of L steps costs L ν w δ,
    and from L ν ≥ 1 on it costs at least the unit left unmet. Exact in the penalty's binary value."""
    nu = Fraction(penalty)
    if nu == 0:
        return districts - 1  # a path visits each district once
    whole = int(1 / nu)
    steps = whole - 1 if whole * nu >= 1 else whole
    return min(steps, districts - 1)


def _reach(arcs: Mapping[str, list[str]], starts: set[str], without: str, depth: int) -> dict[str, int]:
    """Breadth first from `starts` along `arcs` (never through `without`): the fewest steps to each district
    reached within `depth` steps."""
    dist = {s: 0 for s in starts if s != without}
    frontier = list(dist)
    while frontier and dist[frontier[0]] < depth:
        nxt = []
        for v in frontier:
            for w in arcs.get(v, ()):
                if w != without and w not in dist:
                    dist[w] = dist[v] + 1
                    nxt.append(w)
        frontier = nxt
    return dist


def transfer_arcs(scenario: Scenario) -> dict[tuple[str, str, str, int], float]:
    """The transfer columns t[d,e,k,y] some optimal plan may need, each with an upper bound that such a plan
    meets (docs/model.md, "Which transfer columns the model keeps", has the proof):

    - a unit moves along a path source → … → sink of at most L steps (`_longest_chain`, L ν < 1), out of a
      district with a row and a cap (R + M > 0, T > 0), never twice through a district;
    - its source is short before its own projects (R[source,k,y] > 0);
    - its sink can have spare capacity: A[e] = Cmax[e,k,y] − R[e,k,y] > 0 (`_most_added`), dust
      (≤ DEMAND_EPS) aside as everywhere in the model;
    - t[d,e,k,y] ≤ min(T[d,k,y], A[e]⁺ + T[e,k,y]), the last term only when e may pass units on (L ≥ 2 and a
      neighbour other than d); with L = 1 also ≤ R[d,k,y] (nothing passes through d).

    An arc (d, e) is kept when some source reaches d without passing through e, and e reaches some sink
    without passing through d, in at most L steps in all. For every (k, y) where no district may be short
    nothing is kept.
    """
    residual = residual_demand(scenario)
    most = _most_added(scenario)
    longest = _longest_chain(scenario.transfer_penalty, len(scenario.districts))
    arcs: dict[tuple[str, str, str, int], float] = {}
    if longest < 1:
        return arcs
    for k in scenario.transfer_kinds:
        if scenario.weight[k] <= 0:
            continue
        for y in scenario.years:
            cap = {d: scenario.transfer_cap(d, k, y) for d in scenario.districts}
            r = {d: residual[(d, k, y)] for d in scenario.districts}
            out: dict[str, list[str]] = {}
            into: dict[str, list[str]] = {}
            for d in scenario.districts:
                inflow = sum(cap[e] for e in scenario.neighbours.get(d, ()))
                if cap[d] > DEMAND_EPS and r[d] + inflow > DEMAND_EPS:  # as add_transfers: a row and a cap
                    out[d] = list(scenario.neighbours[d])
                    for e in out[d]:
                        into.setdefault(e, []).append(d)
            sources = {d for d in out if r[d] > 0}
            if not sources:
                continue
            spare = {e: max(0.0, most.get((e, k, y), 0.0) - r[e]) for e in scenario.districts}
            sinks = {e for e in scenario.districts if spare[e] > DEMAND_EPS}
            for d in out:
                for e in out[d]:
                    if longest == 1:
                        keep = d in sources and e in sinks
                    else:
                        before = _reach(into, {d}, e, longest - 1)  # d back to the sources, avoiding e
                        first = min((before[s] for s in sources if s in before), default=None)
                        after = _reach(out, {e}, d, longest - 1) if first is not None else {}
                        last = min((after[s] for s in sinks if s in after), default=None)
                        keep = first is not None and last is not None and first + 1 + last <= longest
                    if not keep:
                        continue
                    passes_on = longest >= 2 and any(f != d for f in out.get(e, ()))
                    bound = min(cap[d], spare[e] + (cap[e] if passes_on else 0.0))
                    if longest == 1:
                        bound = min(bound, r[d])  # one step: d sends only its own shortage
                    if bound > DEMAND_EPS:
                        arcs[(d, e, k, y)] = bound
    return arcs


def add_unmet_demand(b: _Builder, scenario: Scenario) -> None:
    """unmet[d,k,y]:  u[d,k,y] + Σ_{p ∈ d} Σ_{s : s + lag_p ≤ y} min(a[p,k] ψ[p,y|s], R + M) x[p,s]  (+ transfers)
                      ≥ R[d,k,y]

    (ψ[p,y|s] the share delivered by y, `models.uncertainty.delivered_share`: 1 unless `uncertainty.slips` is
    `expected` — 1 − q_p in s + lag_p, 1 − q_p² a year later — or `robust` — 0 in s + lag_p if p may slip)

    with 0 ≤ u[d,k,y] ≤ max(R, 0), objective coefficient w[k] δ'[y]. Without transfers (M = 0) only where
    R > 0 and w[k] > 0: elsewhere unmet demand is zero, or costs nothing. `add_transfers` adds its terms to
    these rows, and the rows of districts that may receive demand (R + M > 0, M the inflow bound). Clipping a
    project's contribution at R + M (coefficient reduction) leaves the integer plans and their unmet demand
    unchanged — one project covering R + M already satisfies the row whatever comes in — and tightens the LP
    relaxation.
    """
    residual = residual_demand(scenario)
    unc = uncertainty_of(scenario.spec)
    by_district: dict[str, list[Project]] = {}
    for p in scenario.projects:
        if p.status not in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED):
            by_district.setdefault(p.district, []).append(p)
    for d in scenario.districts:
        for k in scenario.kinds:
            weight = scenario.weight[k]
            if weight <= 0:
                continue
            for y in scenario.years:
                r = residual[(d, k, y)]
                inflow = _inflow_bound(scenario, d, k, y) if b.arcs is None else b.inflow.get((d, k, y), 0.0)
                reach = r + inflow
                if reach <= DEMAND_EPS:
                    continue
                terms: dict[int, float] = {}
                if r > DEMAND_EPS:
                    u = b.add_col(f"unmet[{d},{k},{y}]", weight * scenario.year_weight[y], 0.0, r, False)
                    b.unmet_row[u] = len(b.row_names)
                    b.unmet_col[(d, k, y)] = u
                    terms[u] = 1.0
                for p in by_district.get(d, []):
                    full = p.confidence * p.capacity.get(k, 0.0)
                    if full <= 0:
                        continue
                    for s in p.start_years:
                        if s + p.delivery_lag <= y and (p.id, s) in b.start_col:
                            a = min(full * delivered_share(unc, p, s, y), reach)
                            if a > 0:
                                terms[b.start_col[(p.id, s)]] = a
                b.balance_row[(d, k, y)] = len(b.row_names)
                b.add_row(f"unmet[{d},{k},{y}]", terms, r, np.inf)


def add_transfers(b: _Builder, scenario: Scenario) -> None:
    """Demand of d met by spare capacity of a neighbour e: t[d,e,k,y] ≥ 0 (column `transfer[d,e,k,y]`),
    objective coefficient ν w[k] δ'[y] (ν the penalty share), for kinds that may be transferred:

    unmet[d,k,y]:     ... + Σ_e t[d,e,k,y] − Σ_c t[c,d,k,y] ≥ R[d,k,y]   (out of d counts as served; what
                      comes in uses d's capacity: with R < 0 this says inflow ≤ spare capacity + new capacity)
    transfer_cap[d,k,y]: Σ_e t[d,e,k,y] ≤ T[d,k,y] = min(max_share × D[d,k,y], max_units)
                      (a column bound when d has one neighbour)
    served[d,k,y]:    u[d,k,y] + Σ_e t[d,e,k,y] ≤ D[d,k,y]     (d's own pupils served at home are ≥ 0; added
                      only where it can bind, max(R, 0) + T > D)
    Transfers leave d only where its row exists (R + M > 0: elsewhere its own capacity always suffices); a
    receiving district without a row has spare capacity for every possible inflow.
    """
    if not scenario.transfers_on:
        return
    residual = residual_demand(scenario)
    for d in scenario.districts:
        for k in scenario.transfer_kinds:
            weight = scenario.weight[k]
            if weight <= 0:
                continue
            for y in scenario.years:
                row = b.balance_row.get((d, k, y))
                cap = scenario.transfer_cap(d, k, y)
                if row is None or cap <= DEMAND_EPS:
                    continue
                out: dict[int, float] = {}
                for e in scenario.neighbours[d]:
                    bound = cap if b.arcs is None else b.arcs.get((d, e, k, y), 0.0)
                    if bound <= 0.0:
                        continue  # no optimal plan needs it (`transfer_arcs`)
                    j = b.add_col(
                        f"transfer[{d},{e},{k},{y}]",
                        scenario.transfer_penalty * weight * scenario.year_weight[y],
                        0.0,
                        bound,
                        False,
                    )
                    b.transfer_col[(d, e, k, y)] = j
                    out[j] = 1.0
                    b.add_terms(row, {j: 1.0})
                    if (e, k, y) in b.balance_row:
                        b.add_terms(b.balance_row[(e, k, y)], {j: -1.0})
                if not out:
                    continue
                most = sum(b.hi[j] for j in out)  # what may leave d at most, by the columns' bounds
                if len(out) > 1 and most > cap:
                    b.add_row(f"transfer_cap[{d},{k},{y}]", out, -np.inf, cap)
                demand = scenario.demand[(d, k, y)]
                if max(residual[(d, k, y)], 0.0) + min(cap, most) > demand + DEMAND_EPS:
                    served = dict(out)
                    if (d, k, y) in b.unmet_col:
                        served[b.unmet_col[(d, k, y)]] = 1.0
                    b.add_row(f"served[{d},{k},{y}]", served, -np.inf, demand)


def _chosen_expr(b: _Builder, p: Project, by_year: int | None = None) -> tuple[dict[int, float], float]:
    """Σ_{s ≤ by_year} x[p,s] as (terms, constant): a committed project is the constant 1 once started."""
    if p.status == ProjectStatus.COMMITTED:
        assert p.start is not None
        return {}, 1.0 if by_year is None or p.start <= by_year else 0.0
    terms = {
        b.start_col[(p.id, s)]: 1.0
        for s in p.start_years
        if (by_year is None or s <= by_year) and (p.id, s) in b.start_col
    }
    return terms, 0.0


def add_excludes(b: _Builder, scenario: Scenario) -> None:
    """excludes[p,q]:  Σ_s x[p,s] + Σ_s x[q,s] ≤ 1   for each pair of alternatives (listed on either side)."""
    pairs = sorted({tuple(sorted((p.id, q))) for p in scenario.projects for q in p.excludes})
    for pid, qid in pairs:
        tp, cp = _chosen_expr(b, scenario.project[pid])
        tq, cq = _chosen_expr(b, scenario.project[qid])
        terms = {**tp}
        for j, v in tq.items():
            terms[j] = terms.get(j, 0.0) + v
        b.add_row(f"excludes[{pid},{qid}]", terms, -np.inf, 1.0 - cp - cq)


def add_requires(b: _Builder, scenario: Scenario) -> None:
    """requires[p,q,s]:  Σ_{t ≤ s} x[p,t] ≤ Σ_{t ≤ s} x[q,t]   for each s ∈ S_p, when p requires q.

    p may start in s only if q has started in s or earlier: p is chosen only with q, never before it. (The
    cumulative form is the strongest linear statement of this precedence.)
    """
    for p in scenario.projects:
        if p.status == ProjectStatus.EXCLUDED:
            continue
        for qid in p.requires:
            q = scenario.project[qid]
            for s in p.start_years:
                if p.status != ProjectStatus.COMMITTED and (p.id, s) not in b.start_col:
                    continue
                tp, cp = _chosen_expr(b, p, s)
                tq, cq = _chosen_expr(b, q, s)
                terms = dict(tp)
                for j, v in tq.items():
                    terms[j] = terms.get(j, 0.0) - v
                b.add_row(f"requires[{p.id},{qid},{s}]", terms, -np.inf, cq - cp)


def add_prospective(b: _Builder, scenario: Scenario) -> None:
    """The savings and debt path, when the scenario has a `finance.prospective` block (money in M€).

    Columns per year: épargne brute eb[y] (free), new borrowing br[y] ∈ [0, cap], debt at year end dt[y]
    (`_finance_columns`). With R[y], O[y] the operating revenue and spending paths, op_p the operating cost
    of p from delivery, i the interest rate, D₀ the debt at the start, A[y] its repayment, N the new loans'
    duration and n[p,y|s] = c[p,y|s] − FCTVA − subsidies the net effort, each year gets the rows of
    `add_savings`, `add_debt`, `add_financing`, `add_min_savings` and `add_debt_capacity`, in that order.
    Committed projects enter as constants. The path and its limits run through the tail years like the
    horizon's: a plan may not push a breach of the ratios past the PPI's end.
    """
    pr = scenario.prospective
    if pr is None:
        return
    finance = _finance_columns(b, scenario, pr)
    for y in scenario.years:
        add_savings(b, scenario, finance, y)
        add_debt(b, scenario, finance, y)
        add_financing(b, scenario, finance, y)
        add_min_savings(b, scenario, finance, y)
        add_debt_capacity(b, scenario, finance, y)


@dataclass
class _Finance:
    """The columns of the savings and debt path and the projects' terms in its rows (in the model's money unit)."""

    pr: Prospective
    eb: dict[int, int]  # épargne brute eb[y]
    br: dict[int, int]  # new borrowing br[y]
    dt: dict[int, int]  # debt at the end of y, dt[y]
    op_terms: dict[int, dict[int, float]]  # Σ_p Σ_{s: s+L_p ≤ y} op_p x[p,s]
    net_terms: dict[int, dict[int, float]]  # Σ_p Σ_s n[p,y|s] x[p,s]
    op_const: dict[int, float]  # the committed projects' part of each
    net_const: dict[int, float]

    def new_loans(self, scenario: Scenario, y: int) -> list[int]:
        """The years t with y − N ≤ t < y, whose loans are repaid in y."""
        return [t for t in scenario.years if y - self.pr.loan_years <= t < y]


def _finance_columns(b: _Builder, scenario: Scenario, pr: Prospective) -> _Finance:
    """eb[y] free, br[y] ∈ [0, max_borrowing], dt[y] free; and the operating-cost and net-effort terms."""
    years = scenario.years
    cap = pr.max_borrowing / b.money if pr.max_borrowing is not None else np.inf
    eb = {y: b.add_col(f"epargne_brute[{y}]", 0.0, -np.inf, np.inf, False) for y in years}
    br = {y: b.add_col(f"borrowing[{y}]", 0.0, 0.0, cap, False) for y in years}
    dt = {y: b.add_col(f"debt[{y}]", 0.0, -np.inf, np.inf, False) for y in years}
    op_terms: dict[int, dict[int, float]] = {y: {} for y in years}
    net_terms: dict[int, dict[int, float]] = {y: {} for y in years}
    op_const = dict.fromkeys(years, 0.0)
    net_const = dict.fromkeys(years, 0.0)
    for p in scenario.projects:
        for s in p.start_years:
            j = b.start_col.get((p.id, s))
            if j is None and p.status != ProjectStatus.COMMITTED:
                continue
            for y in years:
                if p.operating_cost and s + p.delivery_lag <= y:
                    if j is None:
                        op_const[y] += p.operating_cost / b.money
                    else:
                        op_terms[y][j] = p.operating_cost / b.money
            for y, amount in scenario.net_effort(p, s).items():
                if y not in net_terms:
                    continue
                if j is None:
                    net_const[y] += amount / b.money
                else:
                    net_terms[y][j] = net_terms[y].get(j, 0.0) + amount / b.money
    return _Finance(pr, eb, br, dt, op_terms, net_terms, op_const, net_const)


def add_savings(b: _Builder, scenario: Scenario, f: _Finance, y: int) -> None:
    """savings[y]:  eb[y] + i dt[y−1] + Σ_p Σ_{s: s+L_p ≤ y} op_p x[p,s] = R[y] − O[y]   (dt[y₀−1] = D₀)."""
    pr = f.pr
    savings = {f.eb[y]: 1.0, **f.op_terms[y]}
    rhs = scenario.revenue(y) / b.money - scenario.operating_spending(y) / b.money - f.op_const[y]
    if y == scenario.years[0]:
        rhs -= pr.interest_rate * pr.debt / b.money
    else:
        savings[f.dt[y - 1]] = pr.interest_rate
    b.add_row(f"savings[{y}]", savings, rhs, rhs)


def add_debt(b: _Builder, scenario: Scenario, f: _Finance, y: int) -> None:
    """debt[y]:  dt[y] − dt[y−1] − br[y] + Σ_{t=y−N}^{y−1} br[t] / N = −A[y]   (dt[y₀−1] = D₀)."""
    pr = f.pr
    repay = scenario.existing_repayment(y) / b.money
    debt = {f.dt[y]: 1.0, f.br[y]: -1.0, **{f.br[t]: 1.0 / pr.loan_years for t in f.new_loans(scenario, y)}}
    if y == scenario.years[0]:
        b.add_row(f"debt[{y}]", debt, pr.debt / b.money - repay, pr.debt / b.money - repay)
    else:
        debt[f.dt[y - 1]] = -1.0
        b.add_row(f"debt[{y}]", debt, -repay, -repay)


def add_financing(b: _Builder, scenario: Scenario, f: _Finance, y: int) -> None:
    """financing[y]:  br[y] + eb[y] − Σ_{t=y−N}^{y−1} br[t] / N − Σ_p Σ_s n[p,y|s] x[p,s] ≥ other + A[y]

    (borrowing closes what savings and receipts leave of the year's investment and repayments).
    """
    pr = f.pr
    repay = scenario.existing_repayment(y) / b.money
    financing = {f.br[y]: 1.0, f.eb[y]: 1.0, **{f.br[t]: -1.0 / pr.loan_years for t in f.new_loans(scenario, y)}}
    for j, v in f.net_terms[y].items():
        financing[j] = financing.get(j, 0.0) - v
    b.add_row(f"financing[{y}]", financing, pr.other_investment / b.money + repay + f.net_const[y], np.inf)


def add_min_savings(b: _Builder, scenario: Scenario, f: _Finance, y: int) -> None:
    """min_savings[y]:  eb[y] ≥ ρ R[y]   (when min_savings_rate ρ is set)."""
    if f.pr.min_savings_rate is not None:
        b.add_row(f"min_savings[{y}]", {f.eb[y]: 1.0}, f.pr.min_savings_rate * (scenario.revenue(y) / b.money), np.inf)


def add_debt_capacity(b: _Builder, scenario: Scenario, f: _Finance, y: int) -> None:
    """debt_capacity[y]:  dt[y] − M eb[y] ≤ 0   (when max_debt_years M is set: capacité de désendettement)."""
    if f.pr.max_debt_years is not None:
        b.add_row(f"debt_capacity[{y}]", {f.dt[y]: 1.0, f.eb[y]: -f.pr.max_debt_years}, -np.inf, 0.0)


def identical_groups(scenario: Scenario) -> list[list[Project]]:
    """Groups (of two or more) of candidate projects that only their id tells apart — same district, capacity,
    cost, profile, delivery lag, window, confidence, city share, subsidies, FCTVA share and operating cost —
    and that no `excludes` or `requires` names nor a revision announced, each sorted by id: identical modular
    classrooms, typically."""
    linked = {q for p in scenario.projects for q in (*p.excludes, *p.requires)}
    st = stability_of(scenario)  # an operation announced in the adopted PPI is told apart by its stability terms
    linked |= set(st.adopted) if st is not None else set()
    groups: dict[tuple, list[Project]] = {}
    for p in scenario.projects:
        if p.status != ProjectStatus.CANDIDATE or p.excludes or p.requires or p.id in linked:
            continue
        key = (
            p.district,
            tuple(sorted(p.capacity.items())),
            p.cost,
            p.profile,
            p.delivery_lag,
            p.earliest,
            p.latest,
            p.confidence,
            p.city_share,
            p.receipts,
            p.fctva_eligible,
            p.operating_cost,
        )
        groups.setdefault(key, []).append(p)
    return [sorted(g, key=lambda p: p.id) for g in groups.values() if len(g) > 1]


def add_symmetry(b: _Builder, scenario: Scenario) -> None:
    """symmetry[p,q,s]:  Σ_{t ≤ s} x[q,t] ≤ Σ_{t ≤ s} x[p,t]   for consecutive identical projects p < q (by
    id) and every s of their common window.

    Identical projects are interchangeable, so every plan has a twin with their start years sorted by id:
    q starts no earlier than p, and only if p is chosen. Keeping only the sorted twin removes the symmetric
    copies of each plan that branch and bound would otherwise explore; no objective value is lost.
    """
    for group in identical_groups(scenario):
        for p, q in zip(group, group[1:], strict=False):
            for s in p.start_years:
                terms = {b.start_col[(q.id, t)]: 1.0 for t in q.start_years if t <= s}
                for t in p.start_years:
                    if t <= s:
                        terms[b.start_col[(p.id, t)]] = terms.get(b.start_col[(p.id, t)], 0.0) - 1.0
                b.add_row(f"symmetry[{p.id},{q.id},{s}]", terms, -np.inf, 0.0)


def add_stability(b: _Builder, scenario: Scenario) -> None:
    """The stability part of the objective in a revision (models/revision.py): for each operation p the adopted
    PPI announced to start in a_p ≥ Y, with μ the cost per year moved and ω the cost of dropping it,

        stability = Σ_p [ ω (1 − Σ_s x[p,s]) + μ Σ_s |s − a_p| x[p,s] ]

    linear in x because |s − a_p| is a constant of each column: ω goes to the offset, each x[p,s] gets
    μ |s − a_p| − ω. A committed (or excluded) p is a constant: μ |start − a_p| (ω). No rows, no columns.
    """
    st = stability_of(scenario)
    if st is None:
        return
    for pid, a in st.adopted.items():
        p = scenario.project[pid]
        if p.status == ProjectStatus.COMMITTED:
            assert p.start is not None
            b.offset += st.move_cost * abs(p.start - a)
            continue
        b.offset += st.drop_cost
        for s in p.start_years:
            j = b.start_col.get((pid, s))
            if j is not None:
                b.c[j] += st.move_cost * abs(s - a) - st.drop_cost


def add_locked(b: _Builder, scenario: Scenario) -> None:
    """locked[p]:  x[p,a_p] = 1   for each operation announced to start in a_p < Y + ℓ (the locked years of a
    revision): it keeps its adopted start. A committed p is locked only if it starts there (an empty row 0 = 1
    otherwise, which the diagnosis names); an excluded p, or a_p outside its window, cannot hold either."""
    st = stability_of(scenario)
    if st is None:
        return
    for pid, a in sorted(st.locked.items()):
        p = scenario.project[pid]
        if p.status == ProjectStatus.COMMITTED:
            here = 1.0 if p.start == a else 0.0
            b.add_row(f"locked[{pid}]", {}, 1.0 - here, 1.0 - here)
            continue
        j = b.start_col.get((pid, a))
        b.add_row(f"locked[{pid}]", {j: 1.0} if j is not None else {}, 1.0, 1.0)
