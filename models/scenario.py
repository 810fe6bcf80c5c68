"""The resolved scenario: what the solver and the verifier read.

`resolve(spec)` turns a validated `ScenarioSpec` into plain, immutable values: every default applied
(maturity and competence defaults, start windows, confidence, city share), demand and capacity tables
expanded to every district, kind and horizon year. The semantics written in docs/model.md live here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from models.defaults import (
    DEFAULT_COMPETENCES,
    DEFAULT_COST_WEIGHT,
    DEFAULT_MATURITY_LEVELS,
    DEFAULT_OPERATING_COST_PER_UNIT,
)
from models.forecast import ForecastRow, capacity_deltas, forecast_demand
from models.schools import school_capacity
from models.spec import ProjectStatus, Prospective, ScenarioSpec, Subsidy, TableRow

Key = tuple[str, str, int]  # (district, kind, year)


@dataclass(frozen=True)
class Receipt:
    """A subsidy resolved to euros, received `offset` years after the project's start."""

    name: str
    amount: float
    offset: int


@dataclass(frozen=True)
class Project:
    """A candidate project with every default resolved."""

    id: str
    name: str
    district: str
    theme: str
    capacity: Mapping[str, float]
    cost: float
    profile: tuple[float, ...]
    delivery_lag: int
    earliest: int
    latest: int
    confidence: float
    city_share: float
    status: str  # a ProjectStatus value: compare with its members
    start: int | None
    excludes: tuple[str, ...]
    requires: tuple[str, ...]
    maturity: str | None
    competence: str | None
    receipts: tuple[Receipt, ...] = ()
    fctva_eligible: float = 1.0
    operating_cost: float = 0.0  # euros a year for the city, from delivery
    attributes: Mapping[str, str] = field(default_factory=dict)  # descriptive columns (address, service...)

    @property
    def start_years(self) -> tuple[int, ...]:
        """Years in which the project may start: its window, its fixed start if committed, none if excluded."""
        if self.status == ProjectStatus.EXCLUDED:
            return ()
        if self.status == ProjectStatus.COMMITTED:
            assert self.start is not None
            return (self.start,)
        return tuple(range(self.earliest, self.latest + 1))

    def city_spending(self, start: int) -> dict[int, float]:
        """City spending by year when starting in `start`: cost × profile[y − s] × city_share."""
        return {start + i: self.cost * share * self.city_share for i, share in enumerate(self.profile) if share}

    def receipts_by_year(self, start: int) -> dict[int, float]:
        """Subsidies received by year when starting in `start`."""
        out: dict[int, float] = {}
        for r in self.receipts:
            out[start + r.offset] = out.get(start + r.offset, 0.0) + r.amount
        return out

    @property
    def aid(self) -> float:
        """All public aid (subsidies) in euros."""
        return sum(r.amount for r in self.receipts)

    @property
    def city_cost(self) -> float:
        """Total city spending if chosen (all years): cost × city_share."""
        return self.cost * sum(self.profile) * self.city_share

    def __getstate__(self) -> dict[str, Any]:
        return _plain_state(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        _restore_state(self, state)


_PROXIED = "__mapping_proxies__"


def _plain_state(obj: Any) -> dict[str, Any]:
    """A frozen dataclass's fields for pickle (a scenario sent to sweep workers): read-only mappings as
    dicts (a mappingproxy cannot be pickled), cached values left out."""
    state = {f: getattr(obj, f) for f in obj.__dataclass_fields__}
    proxied = [k for k, v in state.items() if isinstance(v, MappingProxyType)]
    return {**state, **{k: dict(state[k]) for k in proxied}, _PROXIED: proxied}


def _restore_state(obj: Any, state: dict[str, Any]) -> None:
    proxied = state.pop(_PROXIED, [])
    for key, value in state.items():
        object.__setattr__(obj, key, MappingProxyType(value) if key in proxied else value)


@dataclass(frozen=True)
class TotalBudget:
    """A multi-year envelope: city spending over years start..end ≤ amount."""

    amount: float
    start: int
    end: int

    @property
    def years(self) -> range:
        return range(self.start, self.end + 1)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, ready for the solver. Build it with `models.load_scenario`."""

    spec: ScenarioSpec
    name: str
    source: str
    years: tuple[int, ...]
    kinds: tuple[str, ...]
    districts: tuple[str, ...]
    weight: Mapping[str, float]  # per kind
    discount: Mapping[int, float]  # per year: (1+r)^-(y-start)
    demand: Mapping[Key, float]
    existing: Mapping[Key, float]
    envelope: Mapping[int, float]
    carry_over: bool
    carry_share: float  # share of a year's unspent envelope carried into the next (0 without carry-over)
    total_envelope: TotalBudget | None  # multi-year envelope, if any
    cost_weight: float
    projects: tuple[Project, ...]
    fctva_rate: float = 0.0  # 0 when the scenario has no FCTVA block
    fctva_lag: int = 0
    net_basis: bool = False  # envelopes limit net effort instead of gross city spending
    prospective: Prospective | None = None  # savings and debt path, when given
    warnings: tuple[str, ...] = field(default=())
    demand_source: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (d, k) -> table|forecast|none
    forecast: tuple[ForecastRow, ...] = ()  # the derived demand, with its pupils and children
    neighbours: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # symmetric; empty: transfers off
    transfer_kinds: tuple[str, ...] = ()
    transfer_max_share: float | None = None
    transfer_max_units: float | None = None
    transfer_penalty: float = 0.0  # share of the kind's weight per unit transferred per year
    horizon_end: int = 0  # the PPI's last year (last possible start); years after it are the tail
    end_rule: str = "tail"  # what happens after horizon_end: tail, complete or open (docs/model.md)
    tail_weight: float = 1.0  # factor on the objective's unmet and transfer terms in the tail years
    variant: str | None = None  # the named variant applied, if any
    overrides: tuple[str, ...] = ()  # every input applied on top of the file, in order ("--set a.b=1", ...)
    sets: tuple[str, ...] = ()  # the raw path=value overrides given (to reload the same scenario)
    budget_scale: float | None = None  # a factor on every envelope applied last (a budget sweep's point)
    allow_outside_files: bool = False  # its table files may lie outside its folder (read again the same way)
    # The input document validated (tables inlined, variant and overrides applied; not the budget factor) and
    # where each of its values came from: what `models.edits.derive` edits, without reading any file.
    document: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    locations: Mapping[tuple[str | int, ...], tuple[str, int | None]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # The warnings about the table files' columns (kept or not read), which a derived scenario keeps: it reads
    # no file. They are also the first of `warnings`.
    table_notes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def project(self) -> Mapping[str, Project]:
        return MappingProxyType({p.id: p for p in self.projects})

    def __getstate__(self) -> dict[str, Any]:
        return _plain_state(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        _restore_state(self, state)

    def fctva_by_year(self, p: Project, start: int) -> dict[int, float]:
        """FCTVA refunds by year: rate × eligible share × city spending of year y, received in y + lag."""
        if not self.fctva_rate:
            return {}
        share = self.fctva_rate * p.fctva_eligible
        return {y + self.fctva_lag: share * amount for y, amount in p.city_spending(start).items() if share * amount}

    def net_effort(self, p: Project, start: int) -> dict[int, float]:
        """City spending − FCTVA − subsidies received, by year."""
        out = p.city_spending(start)
        for y, amount in self.fctva_by_year(p, start).items():
            out[y] = out.get(y, 0.0) - amount
        for y, amount in p.receipts_by_year(start).items():
            out[y] = out.get(y, 0.0) - amount
        return out

    def charged(self, p: Project, start: int) -> dict[int, float]:
        """What the envelopes count of p by year: city spending (gross basis) or net effort (net basis)."""
        return self.net_effort(p, start) if self.net_basis else p.city_spending(start)

    def revenue(self, y: int) -> float:
        """Operating revenue of year y on the prospective path."""
        assert self.prospective is not None
        return self.prospective.revenue * (1 + self.prospective.revenue_growth) ** (y - self.years[0])

    def operating_spending(self, y: int) -> float:
        """Operating spending (excluding interest and new equipment) of year y on the prospective path."""
        assert self.prospective is not None
        return self.prospective.spending * (1 + self.prospective.spending_growth) ** (y - self.years[0])

    def existing_repayment(self, y: int) -> float:
        """Repayment of the debt outstanding at the horizon start, in year y (constant until repaid)."""
        assert self.prospective is not None
        pr = self.prospective
        before = pr.debt_repayment * (y - self.years[0])
        return max(0.0, min(pr.debt_repayment, pr.debt - before))

    @property
    def transfers_on(self) -> bool:
        return bool(self.transfer_kinds) and any(self.neighbours.values())

    def transfer_cap(self, d: str, k: str, y: int) -> float:
        """T[d,k,y]: demand of d that may be met next door, min(max_share × D[d,k,y], max_units)."""
        if k not in self.transfer_kinds or not self.neighbours.get(d):
            return 0.0
        caps = []
        if self.transfer_max_share is not None:
            caps.append(self.transfer_max_share * self.demand[(d, k, y)])
        if self.transfer_max_units is not None:
            caps.append(self.transfer_max_units)
        return min(caps) if caps else 0.0

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        """The PPI's last year (the horizon end); the tail years, if any, follow it."""
        return self.horizon_end

    @property
    def horizon_years(self) -> tuple[int, ...]:
        """The PPI's years, in which projects may start."""
        return tuple(y for y in self.years if y <= self.horizon_end)

    def last_start(self, p: Project) -> int:
        """The latest start the horizon end rule allows p, whatever its window: a PPI year ('open'); one that
        leaves every CP in a modelled year ('tail'); one that pays and delivers p by the end ('complete')."""
        if self.end_rule == "tail":
            return min(self.horizon_end, self.years[-1] - last_paid_offset(p.profile))
        if self.end_rule == "complete":
            return self.horizon_end - max(p.delivery_lag, last_paid_offset(p.profile))
        return self.horizon_end

    @property
    def tail(self) -> tuple[int, ...]:
        """The years after the PPI (rule 'tail'): charged like the others, counted with `tail_weight`, with no
        new start."""
        return tuple(y for y in self.years if y > self.horizon_end)

    @cached_property
    def year_weight(self) -> Mapping[int, float]:
        """The objective's weight of a unit-year of unmet demand (before the kind's weight), per year: the
        discount δ[y], times `objective.tail_weight` in a tail year. The formulation and the evaluation read it
        here; the verifier and the brute force recompute it from the spec on their own."""
        return MappingProxyType(
            {y: d * (self.tail_weight if y > self.horizon_end else 1.0) for y, d in self.discount.items()}
        )


def expand_table(
    rows: list[TableRow], districts: tuple[str, ...], kinds: tuple[str, ...], years: tuple[int, ...]
) -> dict[Key, float]:
    """Value for every (district, kind, horizon year).

    A year missing from the table takes the last earlier value given for that district and kind (a year
    before the first one given is 0); combinations never given are 0.
    """
    given: dict[tuple[str, str], dict[int, float]] = {}
    for row in rows:
        given.setdefault((row.district, row.kind), {})[row.year] = row.value
    out: dict[Key, float] = {}
    for d in districts:
        for k in kinds:
            series = sorted(given.get((d, k), {}).items())
            value, i = 0.0, 0
            for y in years:
                while i < len(series) and series[i][0] <= y:
                    value = series[i][1]
                    i += 1
                out[(d, k, y)] = value
    return out


def operating_costs_per_unit(spec: ScenarioSpec) -> dict[str, float]:
    """Yearly operating cost per unit of capacity by kind: the scenario's, over the shipped defaults (which
    apply only with a savings and debt path, and only to kinds of the scenario)."""
    costs: dict[str, float] = {}
    if spec.finance.prospective is not None:
        costs = {k: v for k, v in DEFAULT_OPERATING_COST_PER_UNIT.items() if k in spec.demand_kinds}
    return costs | dict(spec.finance.operating_cost_per_unit)


def maturity_levels(spec: ScenarioSpec) -> dict[str, dict]:
    levels = {k: dict(v) for k, v in DEFAULT_MATURITY_LEVELS.items()}
    levels.update({k: v.model_dump() for k, v in spec.maturity_levels.items()})
    return levels


def competences(spec: ScenarioSpec) -> dict[str, dict]:
    comps = {k: dict(v) for k, v in DEFAULT_COMPETENCES.items()}
    comps.update({k: v.model_dump() for k, v in spec.competences.items()})
    return comps


def last_paid_offset(profile: tuple[float, ...] | list[float]) -> int:
    """The year after its start in which a project pays its last CP (the profile's last non-zero share)."""
    return max((i for i, share in enumerate(profile) if share), default=0)


def tail_length(spec: ScenarioSpec) -> int:
    """Tail years after the horizon end (rule 'tail'): `horizon.tail_years`, else the longest delivery lag of
    the projects listed — so that capacity delivered at the end counts for as long as it takes to build — and
    more if a committed project or an explicit window pays CP or delivers later; 0 with the rules 'complete'
    and 'open'. Every project listed counts, whatever its status or shift: a what-if that excludes, forces or
    moves one keeps the years, so that objectives compare (a shifted window is cut where the tail ends)."""
    h = spec.horizon
    if h.end_rule != "tail":
        return 0
    if h.tail_years is not None:
        return h.tail_years
    need = 0
    for p in spec.projects:
        last = None
        if p.status == ProjectStatus.COMMITTED:
            last = p.start
        else:
            need = max(need, p.delivery_lag)
            last = p.latest_start  # as written: a what-if that shifts a window keeps the years
        if last is not None:
            need = max(need, last + max(p.delivery_lag, last_paid_offset(p.profile)) - h.end)
    return min(need, 30)


def resolve_project(spec: ScenarioSpec, index: int, tail: int | None = None) -> Project:
    """Apply the defaults of docs/model.md to one project (references must already be checked); `tail`: the
    scenario's tail years (`tail_length(spec)` when not given)."""
    p = spec.projects[index]
    h = spec.horizon
    level = maturity_levels(spec).get(p.maturity) if p.maturity else None
    comp = competences(spec).get(p.competence) if p.competence else None
    lead = int(level["lead_years"]) if level else 0
    rev = spec.revision  # a revision keeps the adopted PPI's maturity: its lead years count from its first year
    lead_from = rev.lead_from if rev is not None and rev.lead_from is not None else h.start
    earliest = max(p.earliest_start if p.earliest_start is not None else h.start, lead_from + lead)
    if p.latest_start is not None:
        latest = p.latest_start
    elif h.end_rule == "tail":  # any PPI year whose CP the tail years can still charge
        latest = h.end
    else:  # delivered within the horizon
        latest = h.end - p.delivery_lag
    if p.shift:  # a variant moved the window: it stays within the horizon
        earliest, latest = max(h.start, earliest + p.shift), min(h.end, latest + p.shift)
    if h.end_rule == "tail":  # every CP charged: a window ends where the tail can still charge the last one
        tail = tail_length(spec) if tail is None else tail
        latest = min(latest, h.end + tail - last_paid_offset(p.profile))
    if h.end_rule == "complete":  # paid and delivered within the horizon
        latest = min(latest, h.end - max(p.delivery_lag, last_paid_offset(p.profile)))
    if p.confidence is not None:
        confidence = p.confidence
    else:
        confidence = (float(level["confidence"]) if level else 1.0) * (float(comp["confidence"]) if comp else 1.0)
    if p.city_share is not None:
        city_share = p.city_share
    else:
        city_share = float(comp["city_share"]) if comp else 1.0
    return Project(
        id=p.id,
        name=p.name or p.id,
        district=p.district,
        theme=p.theme or "",
        capacity=MappingProxyType(dict(p.capacity)),
        cost=p.cost,
        profile=tuple(p.profile),
        delivery_lag=p.delivery_lag,
        earliest=earliest,
        latest=latest,
        confidence=confidence,
        city_share=city_share,
        status=p.status,
        start=p.start,
        excludes=tuple(p.excludes),
        requires=tuple(p.requires),
        maturity=p.maturity,
        competence=p.competence,
        receipts=tuple(
            Receipt(
                name=sub.name or f"subsidy {i + 1}",
                amount=subsidy_amount(sub, p.cost, p.capacity),
                offset=p.delivery_lag if sub.at == "delivery" else int(sub.at),
            )
            for i, sub in enumerate([*p.subsidies, *(row for row in spec.subsidies if row.project == p.id)])
        ),
        fctva_eligible=p.fctva_eligible,
        operating_cost=p.operating_cost
        if p.operating_cost is not None
        else sum(cost * p.capacity.get(k, 0.0) for k, cost in operating_costs_per_unit(spec).items()),
        attributes=MappingProxyType(dict(p.attributes)),
    )


def subsidy_amount(sub: Subsidy, cost: float, capacity: Mapping[str, float]) -> float:
    """A subsidy in euros: its amount, or rate × cost, or per_unit × capacity of its kind."""
    if sub.amount is not None:
        return sub.amount
    if sub.rate is not None:
        return sub.rate * cost
    assert sub.per_unit is not None and sub.kind is not None
    return sub.per_unit * capacity.get(sub.kind, 0.0)


def resolve_demand(
    spec: ScenarioSpec, years: tuple[int, ...]
) -> tuple[dict[Key, float], dict[tuple[str, str], str], tuple[ForecastRow, ...]]:
    """Demand for every district, kind and year: the table where it gives the district and kind, else the
    forecast where it derives the kind, else 0 — times (1 + g_k)^(y − y₀) for a kind given an extra yearly
    growth g_k in `demand_growth`; with where each pair came from."""
    kinds = tuple(spec.demand_kinds)
    districts = tuple(d.id for d in spec.districts)
    demand = expand_table(spec.demand, districts, kinds, years)
    in_table = {(row.district, row.kind) for row in spec.demand}
    source = {(d, k): "table" if (d, k) in in_table else "none" for d in districts for k in kinds}
    rows = tuple(forecast_demand(spec))
    end = spec.horizon.end
    for row in rows:
        if (row.district, row.kind) not in in_table:
            for y in [row.year] if row.year < end else [y for y in years if y >= end]:  # the tail continues
                demand[(row.district, row.kind, y)] = row.demand
            source[(row.district, row.kind)] = "forecast"
    for k, growth in spec.demand_growth.items():  # a what-if on top of table and forecast alike
        for (d, kind, y), value in demand.items():
            if kind == k:
                demand[(d, kind, y)] = value * (1.0 + growth) ** (y - years[0])
    return demand, source, rows


def resolve_existing(spec: ScenarioSpec, years: tuple[int, ...]) -> dict[Key, float]:
    """Existing capacity: the capacity table (carried forward), the open schools' classes (school rows) and the
    capacity changes of each year."""
    existing = expand_table(spec.capacity, tuple(d.id for d in spec.districts), tuple(spec.demand_kinds), years)
    for key, classes in school_capacity(spec, years).items():  # school rows roll up to their quartier
        existing[key] = existing.get(key, 0.0) + classes
    for key, delta in capacity_deltas(spec, years).items():
        existing[key] = existing.get(key, 0.0) + delta
    return existing


def symmetric_neighbours(spec: ScenarioSpec) -> dict[str, tuple[str, ...]]:
    """Neighbours both ways: listing b under a makes a and b neighbours."""
    out: dict[str, set[str]] = {d.id: set() for d in spec.districts}
    for d in spec.districts:
        for other in d.neighbours:
            if other != d.id and other in out:
                out[d.id].add(other)
                out[other].add(d.id)
    return {d: tuple(sorted(ns)) for d, ns in out.items()}


def resolve(
    spec: ScenarioSpec,
    source: str = "<memory>",
    warnings: tuple[str, ...] = (),
    variant: str | None = None,
    overrides: tuple[str, ...] = (),
    sets: tuple[str, ...] = (),
    budget_scale: float | None = None,
    allow_outside_files: bool = False,
    document: Mapping[str, Any] | None = None,
    locations: Mapping[tuple[str | int, ...], tuple[str, int | None]] | None = None,
    table_notes: tuple[str, ...] = (),
) -> Scenario:
    """Build the solver-ready scenario from a spec that passed every check in `models.checks` (and the
    input `document` it was validated from, with the `locations` of its values, for `models.edits`)."""
    h = spec.horizon
    tail = tail_length(spec)
    projects = tuple(resolve_project(spec, i, tail) for i in range(len(spec.projects)))
    years = tuple(range(h.start, h.end + 1 + tail))
    kinds = tuple(spec.demand_kinds)
    districts = tuple(d.id for d in spec.districts)
    r = spec.discount_rate
    demand, demand_source, forecast = resolve_demand(spec, years)
    tr = spec.transfers
    return Scenario(
        spec=spec,
        name=spec.name or "scenario",
        source=source,
        years=years,
        kinds=kinds,
        districts=districts,
        weight=MappingProxyType({k: v.weight for k, v in spec.demand_kinds.items()}),
        discount=MappingProxyType({y: (1.0 + r) ** -(y - years[0]) for y in years}),
        demand=MappingProxyType(demand),
        existing=MappingProxyType(resolve_existing(spec, years)),
        envelope=MappingProxyType(
            {y: spec.budget.annual.get(y, spec.budget.annual.get(h.end, 0.0)) for y in years}
        ),  # a tail year without its own envelope continues the horizon's last
        carry_over=spec.budget.carry_over,
        carry_share=(spec.budget.carry_over_share if spec.budget.carry_over_share is not None else 1.0)
        if spec.budget.carry_over
        else 0.0,
        total_envelope=None
        if spec.budget.total is None
        else TotalBudget(
            amount=spec.budget.total.amount,
            start=spec.budget.total.start if spec.budget.total.start is not None else years[0],
            end=spec.budget.total.end if spec.budget.total.end is not None else h.end,
        ),
        cost_weight=DEFAULT_COST_WEIGHT if spec.objective.cost_weight is None else spec.objective.cost_weight,
        projects=projects,
        fctva_rate=spec.finance.fctva.rate if spec.finance.fctva else 0.0,
        fctva_lag=spec.finance.fctva.lag if spec.finance.fctva else 0,
        net_basis=spec.budget.basis == "net",
        prospective=spec.finance.prospective,
        warnings=warnings,
        demand_source=MappingProxyType(demand_source),
        forecast=forecast,
        neighbours=MappingProxyType(symmetric_neighbours(spec) if tr is not None else {}),
        transfer_kinds=() if tr is None else tuple(tr.kinds if tr.kinds is not None else kinds),
        transfer_max_share=None if tr is None else tr.max_share,
        transfer_max_units=None if tr is None else tr.max_units,
        transfer_penalty=0.0 if tr is None else tr.penalty,
        horizon_end=h.end,
        end_rule=h.end_rule,
        tail_weight=spec.objective.tail_weight,
        variant=variant,
        overrides=overrides,
        sets=sets,
        budget_scale=budget_scale,
        allow_outside_files=allow_outside_files,
        document=document,
        locations=MappingProxyType(dict(locations or {})),
        table_notes=table_notes,
    )
