"""Uncertainty of the plan: cost overruns and slips by maturity level, demand growth, and the envelopes' protection.

The numbers (docs/domain.md, "Maturity levels"): σ of the log-normal cost factor by maturity level — the cost
certainty of each level (±50 % for an idée … ±5–10 % in works) read as about two σ — and the probability of a
one-year slip by level (a project assumption: the sources only say that low maturity slips more). A scenario's
`uncertainty` section replaces any of them; `ppi montecarlo` samples from the same numbers, and the robust
budget rows (`budget_confidence`) protect against the same σ. No solver imports.

The protection of an envelope row r (docs/model.md, "Plans that hold: robustness"). A chosen project j
charges the row a_j (what its cost sets: city spending, less the FCTVA on the net basis) plus f_j (what its
cost does not set: subsidies on the net basis). Its cost factor is F_j = exp(N(0, σ_j)), independent across
projects, the same in every year of the project. The row's charge Σ_j F_j a_j + f_j has mean
Σ_j μ_j a_j + f_j with μ_j = exp(σ_j²/2) and variance S = Σ_j v_j², v_j = s_j a_j, s_j = μ_j √(exp(σ_j²) − 1).
With the normal approximation, the row holds with probability 1 − ε when

    Σ_j (μ_j a_j + f_j) + z √S ≤ cap_r,   z = Φ⁻¹(1 − ε).

The target `budget_confidence` α is the probability of holding EVERY row of the PPI jointly (each year under the
scenario's rule, and the multi-year envelope): by the union bound, giving each of the m rows that carry
uncertain spending ε = (1 − α) / m suffices, whatever the correlation between rows (a project's factor is shared
by the years it pays in). `protected_load` is the left-hand side; the solver writes a linear row that implies it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from types import MappingProxyType
from typing import Any

# σ of the log cost factor and probability of a one-year slip, by maturity level (docs/domain.md, "Maturity levels").
COST_SIGMA: Mapping[str, float] = MappingProxyType(
    {"idee": 0.25, "opportunite": 0.20, "faisabilite": 0.15, "programme": 0.10, "conception": 0.06,
     "travaux": 0.04, "livre": 0.0}
)  # fmt: skip
DELAY_PROBABILITY: Mapping[str, float] = MappingProxyType(
    {"idee": 0.4, "opportunite": 0.3, "faisabilite": 0.2, "programme": 0.15, "conception": 0.1, "travaux": 0.05,
     "livre": 0.0}
)  # fmt: skip
DEFAULT_COST_SIGMA = 0.10  # a project without a maturity level (or of a level the tables do not name)
DEFAULT_DELAY_PROBABILITY = 0.15
DEFAULT_DEMAND_SIGMA = 0.01  # extra yearly growth of demand, per kind


@dataclass(frozen=True)
class Uncertainty:
    """The scenario's uncertainty, every default resolved."""

    cost_sigma: Mapping[str, float]
    slip_probability: Mapping[str, float]
    default_cost_sigma: float = DEFAULT_COST_SIGMA
    default_slip_probability: float = DEFAULT_DELAY_PROBABILITY
    demand_sigma: float = DEFAULT_DEMAND_SIGMA
    budget_confidence: float | None = None  # None: the envelopes are not protected
    slips: str = "ignore"  # how the demand rows count a project that may slip: ignore, expected, robust
    gamma: float | None = None  # Bertsimas–Sim: at most Γ projects of a row overrun by their two-σ deviation

    def sigma(self, maturity: str | None) -> float:
        """σ of the log cost factor of a project at this maturity level."""
        return self.cost_sigma.get(maturity or "", self.default_cost_sigma)

    def slip(self, maturity: str | None) -> float:
        """Probability that a project at this maturity level slips one year (two years: its square)."""
        return self.slip_probability.get(maturity or "", self.default_slip_probability)


def uncertainty_of(spec: Any) -> Uncertainty:
    """The uncertainty of a scenario (its `ScenarioSpec`): the defaults above, replaced by its `uncertainty`."""
    u = getattr(spec, "uncertainty", None)
    if u is None:
        return Uncertainty(COST_SIGMA, DELAY_PROBABILITY)
    return Uncertainty(
        cost_sigma=MappingProxyType({**COST_SIGMA, **u.cost_sigma}),
        slip_probability=MappingProxyType({**DELAY_PROBABILITY, **u.slip_probability}),
        default_cost_sigma=DEFAULT_COST_SIGMA if u.default_cost_sigma is None else u.default_cost_sigma,
        default_slip_probability=(
            DEFAULT_DELAY_PROBABILITY if u.default_slip_probability is None else u.default_slip_probability
        ),
        demand_sigma=DEFAULT_DEMAND_SIGMA if u.demand_sigma is None else u.demand_sigma,
        budget_confidence=u.budget_confidence,
        slips=u.slips,
        gamma=u.gamma,
    )


def delivered_share(unc: Uncertainty, p: Any, start: int, year: int) -> float:
    """Share of p's capacity (already × its confidence) counted in `year` when it starts in `start`, under the
    scenario's rule for slips (q: the one-year slip probability of p's maturity; a slip of two years has
    probability q², as Monte Carlo samples them):
    - `ignore`: 1 from the delivery year s + L;
    - `expected`: the probability that p is delivered by then, 1 − q in s + L, 1 − q² in s + L + 1, 1 after;
    - `robust`: a project that may slip (q > 0) counts from s + L + 1, as if it slipped one year."""
    late = year - start - p.delivery_lag
    if late < 0:
        return 0.0
    if unc.slips == "ignore":
        return 1.0
    q = unc.slip(p.maturity)
    if unc.slips == "robust":
        return 0.0 if late == 0 and q > 0 else 1.0
    return 1.0 - q if late == 0 else (1.0 - q * q if late == 1 else 1.0)


def mean_factor(sigma: float) -> float:
    """μ = E[exp(N(0, σ))] = exp(σ²/2): a log-normal overrun is larger on average than the median cost."""
    return math.exp(sigma * sigma / 2.0)


def sd_factor(sigma: float) -> float:
    """s = sd[exp(N(0, σ))] = exp(σ²/2) √(exp(σ²) − 1)."""
    return mean_factor(sigma) * math.sqrt(math.expm1(sigma * sigma))


def cost_part(scenario: Any, p: Any, start: int) -> dict[int, float]:
    """What the project's cost sets of its charge to the envelopes, by year: its city spending, less the FCTVA
    refunds on the net basis (both proportional to the cost). The rest of the charge (subsidies received, on the
    net basis) is taken as certain: a subsidy at a rate of the cost grows with an overrun, so ignoring it errs on
    the safe side."""
    out = dict(p.city_spending(start))
    if scenario.net_basis:
        for y, amount in scenario.fctva_by_year(p, start).items():
            out[y] = out.get(y, 0.0) - amount
    return out


@dataclass(frozen=True)
class BudgetRow:
    """An envelope row the protection applies to: its name, the years whose charges it sums, and its cap in
    euros (for a carry-over share below 1, the year's own envelope: the credit carried in is added apart)."""

    name: str
    years: tuple[int, ...]
    cap: float
    year: int | None  # the year of a yearly row (None: the multi-year envelope)


def budget_rows(scenario: Any) -> list[BudgetRow]:
    """The rows of the scenario's budget rule: `budget_robust[y]` for each modelled year (annual, carry-over
    share below 1: the year's charges; full carry-over: the charges up to y against the envelopes up to y),
    then `budget_total_robust` for the multi-year envelope."""
    years = list(scenario.years)
    rows = []
    cumulative = scenario.carry_over and scenario.carry_share >= 1.0
    for i, y in enumerate(years):
        counted = tuple(years[: i + 1]) if cumulative else (y,)
        rows.append(BudgetRow(f"budget_robust[{y}]", counted, sum(scenario.envelope[t] for t in counted), y))
    total = scenario.total_envelope
    if total is not None:
        counted = tuple(y for y in total.years if y in scenario.envelope)
        rows.append(BudgetRow("budget_total_robust", counted, total.amount, None))
    return rows


def uncertain_rows(scenario: Any, rows: list[BudgetRow] | None = None) -> list[BudgetRow]:
    """The rows some project (at some start) could charge with an uncertain cost: the m of the union bound."""
    unc = uncertainty_of(scenario.spec)
    uncertain_years: set[int] = set()
    for p in scenario.projects:
        if unc.sigma(p.maturity) <= 0:
            continue
        for s in p.start_years:
            uncertain_years.update(y for y, a in cost_part(scenario, p, s).items() if a)
    return [r for r in (rows if rows is not None else budget_rows(scenario)) if uncertain_years & set(r.years)]


def protection_z(scenario: Any) -> float | None:
    """z = Φ⁻¹(1 − (1 − α)/m) for the target α of holding every envelope jointly over the m uncertain rows;
    None when the scenario asks for no protection (or no row is uncertain)."""
    alpha = uncertainty_of(scenario.spec).budget_confidence
    if alpha is None:
        return None
    m = len(uncertain_rows(scenario))
    if m == 0:
        return None
    return NormalDist().inv_cdf(1.0 - (1.0 - alpha) / m)


def project_row_charge(scenario: Any, p: Any, start: int, row: BudgetRow, unc: Uncertainty) -> tuple[float, float]:
    """Project p started in `start` on `row`, in euros: (mean charge μ a + f, deviation v = s a) for
    `budget_confidence`; under `gamma`, (charge at the cost given a + f, overrun (exp(2σ) − 1) a⁺ — the cost
    certainty of its maturity, read as two σ; a year whose charge falls with the cost, FCTVA refunds alone, has
    none)."""
    charged = scenario.charged(p, start)
    proportional = cost_part(scenario, p, start)
    a = sum(proportional.get(y, 0.0) for y in row.years)
    f = sum(charged.get(y, 0.0) for y in row.years) - a
    sigma = unc.sigma(p.maturity)
    if unc.gamma is not None:
        return a + f, math.expm1(2.0 * sigma) * max(0.0, a)
    return mean_factor(sigma) * a + f, sd_factor(sigma) * a


def protected_load(charges: list[tuple[float, float]], z: float) -> float:
    """Σ mean + z √(Σ v²): the row's charge that holds with probability 1 − ε (normal approximation)."""
    return sum(m for m, _ in charges) + z * math.sqrt(sum(v * v for _, v in charges))


def gamma_load(charges: list[tuple[float, float]], gamma: float) -> float:
    """Σ charge + the largest overruns of at most Γ projects (Bertsimas–Sim; a fractional Γ takes that share
    of the next largest)."""
    overruns = sorted((d for _, d in charges), reverse=True)
    whole = int(math.floor(gamma))
    extra = sum(overruns[:whole])
    if whole < len(overruns):
        extra += (gamma - whole) * overruns[whole]
    return sum(m for m, _ in charges) + extra


def row_load(scenario: Any, starts: Mapping[str, int | None], row: BudgetRow) -> float | None:
    """The protected charge of `row` for a plan (start years): `protected_load` or `gamma_load` as the scenario
    asks; None when it asks for no protection."""
    unc = uncertainty_of(scenario.spec)
    chosen = [(p, s) for p in scenario.projects if (s := starts.get(p.id)) is not None]
    charges = [project_row_charge(scenario, p, s, row, unc) for p, s in chosen]
    if unc.gamma is not None:
        return gamma_load(charges, unc.gamma)
    z = protection_z(scenario)
    return None if z is None else protected_load(charges, z)


def protection_label(row: BudgetRow) -> str:
    """The index of a row's protection columns: its year, or `total`."""
    return "total" if row.year is None else str(row.year)
