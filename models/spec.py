"""The scenario format: strict pydantic models mirroring the YAML file.

Shape and types only (layer 1 of validation). Cross-references and meaning are checked in
`models.checks`; the resolved, solver-ready view is `models.scenario.Scenario`. Field descriptions feed
the published JSON Schema (`ppi schema`, docs/scenario.schema.json).
"""

from __future__ import annotations

from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

# Characters an identifier may not hold: spaces, the table separators, and the invisible ones that make two ids
# look the same or show one backwards (text-direction controls such as U+202E, zero-width spaces and joiners).
INVISIBLE = r"\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
Id = Annotated[
    str, Field(min_length=1, pattern=r"^[^\s,;|" + INVISIBLE + "]+$", description="identifier without spaces")
]


class AmbiguousNumber(str):
    """A table cell such as `1.500` in a file with decimal commas: 1500 with a French thousands separator, or
    1.5 typed with a point? Read as text, refused by every number field with the reason (models/tables.py)."""


class RefusedNumber(str):
    """A number-looking table cell that is not guessed (`1,800` in a comma-separated file, `12 %` where no share is
    expected, `1,8 M€ HT`): read as text, refused by every number field with its `reason` (models/headers.py)."""

    reason: str

    def __new__(cls, text: str, reason: str) -> RefusedNumber:
        obj = super().__new__(cls, text)
        obj.reason = reason
        return obj


def _a_number(value: Any) -> Any:
    """Numbers must be numbers: `true` (a YAML boolean, an Excel TRUE/VRAI cell) is not 1, and an ambiguous
    table cell is not guessed."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true or false")
    if isinstance(value, AmbiguousNumber):
        raise ValueError(
            f"'{value}' is ambiguous in a file with decimal commas: write {value.replace('.', '')} (thousands) "
            f"or {value.replace('.', ',', 1)} (a decimal)"
        )
    if isinstance(value, RefusedNumber):
        raise ValueError(value.reason)
    return value


_Number = BeforeValidator(_a_number)
Float = Annotated[float, _Number]
Int = Annotated[int, _Number]
Year = Annotated[int, Field(ge=1900, le=2200, description="calendar year"), _Number]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False), _Number]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), _Number]
Confidence = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), _Number]


class ProjectStatus(StrEnum):
    """How a project enters the plan (its `status`; compare a project's status with these, never a string)."""

    CANDIDATE = "candidate"  # the optimiser decides whether and when, within its window
    MANDATORY = "mandatory"  # starts within its window in every plan
    COMMITTED = "committed"  # already decided: its start is fixed, its costs and capacity are constants
    EXCLUDED = "excluded"  # left out of every plan


# The field's type: the same values as a Literal, so that the published JSON Schema and the error messages
# stay as they are (tests/models check that both list the same values).
ProjectStatusName = Literal["candidate", "mandatory", "committed", "excluded"]


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors (a typo never passes silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


EndRule = Literal["tail", "complete", "open"]


class Horizon(Strict):
    start: Year = Field(description="first planned year")
    end: Year = Field(description="last planned year (inclusive): the last year a project may start")
    end_rule: EndRule = Field(
        "tail",
        description=(
            "what happens after the end: 'tail' (tail years whose envelopes and demand continue the last "
            "year's unless given, charged and counted, with no new start), 'complete' (every chosen project's "
            "CP falls within the horizon), 'open' (CP after the end charged to no envelope, capacity after it "
            "not counted)"
        ),
    )
    tail_years: Int | None = Field(
        None,
        ge=0,
        le=30,
        description="years after the end with rule 'tail' (default: the longest delivery lag, and every CP paid)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.end < self.start:
            raise ValueError(f"the horizon ends ({self.end}) before it starts ({self.start})")
        if self.end - self.start > 60:
            raise ValueError("the horizon is longer than 60 years")
        if self.tail_years and self.end_rule != "tail":
            raise ValueError(f"tail_years is set but the end rule is '{self.end_rule}', not 'tail'")
        return self


class DemandKind(Strict):
    unit: str = Field("units", description="unit of demand and capacity, e.g. classes or places")
    weight: NonNeg = Field(1.0, description="objective weight of one unit of unmet demand for one year")
    name: str | None = Field(None, description="label for reports")


class District(Strict):
    id: Id
    name: str | None = Field(None, description="quartier name for reports")
    rep: bool = Field(False, description="education priority district (REP/REP+): the lower class-size cap applies")
    neighbours: list[Id] = Field(
        default_factory=list,
        description="districts whose spare capacity may take some of this one's demand (symmetric; needs transfers)",
    )

    @field_validator("neighbours", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class TableRow(Strict):
    district: Id
    kind: Id
    year: Year
    value: NonNeg = Field(description="demand or existing capacity, in the kind's unit")


class CapacityChange(Strict):
    """A change to existing capacity: a closure (units < 0), an opening or temporary capacity (units > 0,
    with `until`), or rooms converted from `kind` to `to`."""

    district: Id
    kind: Id
    year: Year = Field(description="first year the change applies")
    units: Float = Field(allow_inf_nan=False, description="units opened (> 0) or closed (< 0); moved when `to` is set")
    until: Year | None = Field(None, description="last year the change applies (default: for good)")
    to: Id | None = Field(None, description="kind the units are converted to (the change then moves them)")
    note: str | None = Field(None, description="what it is, for reports")
    school: Id | None = Field(None, description="school (id of a `schools` row) whose classes change")

    @model_validator(mode="after")
    def _sensible(self) -> CapacityChange:
        if self.units == 0:
            raise ValueError("units is 0: the change changes nothing")
        if self.to is not None and self.units < 0:
            raise ValueError("a conversion moves a positive number of units from `kind` to `to`")
        if self.to is not None and self.to == self.kind:
            raise ValueError(f"a conversion from '{self.kind}' to itself changes nothing")
        if self.until is not None and self.until < self.year:
            raise ValueError(f"'until' ({self.until}) is before the change's year ({self.year})")
        return self


class PupilRow(Strict):
    """Pupils of a kind (level group) in a district in the forecast's base year."""

    district: Id
    kind: Id
    pupils: NonNeg
    trend: Annotated[float, Field(ge=-0.5, le=0.5, allow_inf_nan=False), _Number] | None = Field(
        None, description="yearly change of these pupils (default: the school trend)"
    )


class HousingRow(Strict):
    """Dwellings of a type delivered in a district in a year (logements livrés)."""

    district: Id
    year: Year = Field(description="year of delivery")
    type: Id = Field(description="dwelling type (key of housing.dwelling_types)")
    dwellings: NonNeg
    name: str | None = Field(None, description="programme name (ZAC, opération)")


class PopulationRow(Strict):
    """Children under 3 (or births) in a district in a year."""

    district: Id
    year: Year
    value: NonNeg


class ObservedRow(Strict):
    """Pupils of a kind counted in a district in a past year (`effectifs-observes.csv` of `ppi enrolment`)."""

    district: Id
    kind: Id
    year: Year
    pupils: NonNeg
    classes: NonNeg | None = Field(None, description="classes counted that year")
    schools: NonNeg | None = Field(None, description="schools counted that year")


class LevelRow(Strict):
    """Pupils of one level (PS … CM2) counted in a district in a year: what the cohort model ages."""

    district: Id
    level: str = Field(min_length=1, description="school year (PS, MS, GS, CP, CE1, CE2, CM1, CM2)")
    year: Year
    pupils: NonNeg


class SchoolRow(Strict):
    """A school's classes of one kind; a quartier's existing capacity of the kind is the sum of its schools'."""

    school: Id = Field(description="the school's id (its UAI, or any id); a primaire has one row per kind")
    district: Id = Field(description="quartier the school serves")
    kind: Id = Field(description="demand kind of these classes")
    classes: NonNeg = Field(description="classes of this kind at the school")
    site_limit: NonNeg | None = Field(
        None, description="classes the site can hold, all kinds together (the same on every row of the school)"
    )
    closes: Year | None = Field(None, description="first year the school is closed (its classes count until then)")
    pupils: NonNeg | None = Field(
        None, description="pupils of this kind in the base year (shares the quartier's forecast among its schools)"
    )
    name: str | None = Field(None, description="the school's name, for reports")


Growth = Annotated[float, Field(ge=-0.5, le=0.5, allow_inf_nan=False), _Number]
Rate = Annotated[float, Field(gt=0, le=3, allow_inf_nan=False), _Number]


class Cohort(Strict):
    """Pupils age: a level's pupils this year are the next level's next year, times a transition rate."""

    levels: list[str] = Field(
        ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"],
        min_length=2,
        description="school years in order, the first fed by new cohorts (each a level of a kind's `levels`)",
    )
    observed: list[LevelRow] = Field(
        default_factory=list,
        description="rows district,level,year,pupils: the levels' past counts (base-year split and transition rates)",
    )
    transitions: dict[str, Rate] = Field(
        default_factory=dict,
        description="pupils of a level per pupil of the previous level the year before, for every district "
        "(default: estimated from `observed`, else 1)",
    )
    entry: Literal["trend", "births"] = Field(
        "trend", description="new cohorts of the first level: its base-year pupils at a trend, or births"
    )
    entry_trend: Growth | None = Field(
        None,
        description="yearly change of the first level's new cohorts (default: from `observed`, else the pupils' "
        "trend); damped and bounded like the trend",
    )
    births: list[PopulationRow] = Field(
        default_factory=list, description="rows district,year,value: births (entry: births)"
    )
    entry_age: Int = Field(3, ge=0, le=10, description="the births of y − entry_age enter the first level in y")
    entry_rate: Rate | None = Field(
        None, description="pupils entering per birth (default: the base year's, from the births and pupils)"
    )


def _rate(v: Any, what: str) -> Any:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 1:
        raise ValueError(f"{what} is a share between 0 and 1 ({v:g} % is {v / 100:g}); this one is above 100 %")
    return v


class SchoolForecast(Strict):
    """Pupils from a base year, a trend and new housing; classes by the planning size and the REP rules."""

    base_year: Year = Field(description="year of the base pupil counts")
    pupils: list[PupilRow] = Field(description="rows district,kind,pupils[,trend] (inline, or {file: ...})")
    trend: Float = Field(0.0, ge=-0.5, le=0.5, allow_inf_nan=False, description="yearly change of base pupils")
    class_size: Float = Field(22.0, gt=0, le=40, allow_inf_nan=False, description="planning size, pupils per class")
    cap: Float = Field(24.0, gt=0, le=40, allow_inf_nan=False, description="pupils per class at most in capped levels")
    rep_cap: Float = Field(12.0, gt=0, le=40, allow_inf_nan=False, description="the same cap in REP/REP+ districts")
    capped_levels: list[str] = Field(["GS", "CP", "CE1"], description="levels under the cap (dédoublement)")
    levels: dict[Id, dict[str, NonNeg]] = Field(
        default_factory=dict,
        description="share of a kind's pupils per level (default: PS/MS/GS for maternelle, CP…CM2 for elementaire, "
        "equal shares)",
    )
    new_pupils_share: dict[Id, Share] = Field(
        default_factory=dict,
        description="split of pupils from new dwellings between kinds (default: by number of levels)",
    )
    rounding: Literal["up", "none"] = Field("up", description="classes rounded up to whole classes, or kept fractional")
    model: Literal["trend", "cohort"] = Field(
        "trend", description="pupils from the base pupils at a trend, or cohorts ageing level by level (`cohort`)"
    )
    cohort: Cohort | None = Field(None, description="the cohort model's levels, rates and new cohorts")
    trend_damping: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), _Number] = Field(
        1.0, description="the trend of the i-th year after the base year is trend × damping^(i-1) (1: not damped)"
    )
    trend_bounds: list[Annotated[float, Field(ge=-1, le=10, allow_inf_nan=False), _Number]] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="floor and ceiling of the cumulated change from the base year, e.g. [-0.2, 0.2]",
    )
    private_share: Share | dict[Year, Share] | None = Field(
        None,
        description="share of all pupils in private schools, one number or per year (linear between years "
        "given, held outside them): the public pupils follow (1 − share)",
    )
    observed: list[ObservedRow] = Field(
        default_factory=list,
        description="rows district,kind,year,pupils[,classes,schools]: the observed years, shown beside the forecast",
    )


class DwellingType(Strict):
    pupils: NonNeg = Field(description="school pupils (maternelle + élémentaire) per dwelling at the peak")
    under_3: NonNeg | None = Field(
        None, description="children under 3 per dwelling at the peak (default 3/8 of pupils)"
    )
    profile: list[NonNeg] | None = Field(
        None, min_length=1, max_length=40, description="this type's own time profile (default: the housing profile)"
    )


class HousingForecast(Strict):
    """Children brought by new dwellings: per dwelling type, at the peak, shaped by a profile after delivery."""

    dwelling_types: dict[Id, DwellingType] = Field(
        default_factory=dict, description="per type (defaults: petit 0.1, moyen 0.25, grand 0.5, social 0.5 pupils)"
    )
    profile: list[NonNeg] | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="share of the peak in the delivery year, the next, ...; the last value holds for later years",
    )
    programmes: list[HousingRow] = Field(description="rows district,year,type,dwellings[,name]")


class ChildcareForecast(Strict):
    """Crèche places: children under 3 × target coverage × crèche share ÷ children per place."""

    kind: Id = Field("creche", description="demand kind of crèche places")
    basis: Literal["under_3", "births"] = Field(
        "under_3", description="population rows are children under 3, or births (under-3 in y = births y-1..y-3)"
    )
    population: list[PopulationRow] = Field(description="rows district,year,value")
    trend: Float = Field(
        0.0,
        ge=-0.5,
        le=0.5,
        allow_inf_nan=False,
        description="yearly change from a year given until the next one given",
    )
    coverage: Share = Field(description="target formal places per child under 3 (e.g. 0.6 for 60 per 100)")
    creche_share: Share = Field(1.0, description="share of that coverage expected in crèches (EAJE)")
    children_per_place: Float = Field(1.0, gt=0, le=5, allow_inf_nan=False, description="children one place serves")
    rounding: Literal["up", "none"] = Field("none", description="places rounded up to whole places, or kept fractional")

    @field_validator("coverage", "creche_share", mode="before")
    @classmethod
    def _share(cls, v: Any, info: Any) -> Any:
        return _rate(v, "a " + info.field_name.replace("_", " "))


class Forecast(Strict):
    """Demand derived from pupils, housing and births, for district-kind pairs the demand table leaves out."""

    school: SchoolForecast | None = None
    housing: HousingForecast | None = None
    childcare: ChildcareForecast | None = None


class Transfers(Strict):
    """Demand met by spare capacity in a neighbouring district (dérogations, boundary changes)."""

    kinds: list[Id] | None = Field(None, description="kinds that may be transferred (default: every kind)")
    max_share: Share | None = Field(
        None, description="share of a district's demand that may be met next door, per year"
    )
    max_units: NonNeg | None = Field(
        None, description="units of a district's demand that may be met next door, per year"
    )
    penalty: NonNeg = Field(
        0.5, description="objective cost of a unit transferred for a year, as a share of the kind's weight"
    )

    @field_validator("max_share", mode="before")
    @classmethod
    def _share(cls, v: Any) -> Any:
        return _rate(v, "max_share")

    @model_validator(mode="after")
    def _a_limit(self) -> Transfers:
        if self.max_share is None and self.max_units is None:
            raise ValueError("give max_share or max_units (or both): transfers need a limit")
        return self


class TableFile(Strict):
    """A table kept in a file next to the scenario (CSV with , or ; or tab separators, or XLSX)."""

    file: str = Field(min_length=1, description="path relative to the scenario file")
    sheet: str | None = Field(None, description="XLSX sheet name (default: the first sheet)")


class TotalEnvelope(Strict):
    """A multi-year envelope (e.g. the mandate's), on top of the yearly ones."""

    amount: NonNeg = Field(description="euros available over the years start..end for the city's share of spending")
    start: Year | None = Field(None, description="first year counted (default: the horizon start)")
    end: Year | None = Field(None, description="last year counted (default: the horizon end)")


class Budget(Strict):
    basis: Literal["gross", "net"] = Field(
        "gross",
        description="what the envelopes limit: gross city spending, or net effort (spending − FCTVA − subsidies)",
    )
    annual: dict[Year, NonNeg] = Field(
        description="envelope in euros for the city's share of spending, per year (or one number for every year)"
    )
    carry_over: bool = Field(False, description="unspent envelope carries into later years")
    carry_over_share: Share | None = Field(
        None, description="share of a year's unspent envelope carried into the next year (default 1; needs carry_over)"
    )
    total: TotalEnvelope | None = Field(None, description="multi-year envelope, or one number for the whole horizon")

    @field_validator("total", mode="before")
    @classmethod
    def _total_amount(cls, v: Any) -> Any:
        return {"amount": v} if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class MaturityLevel(Strict):
    label: str | None = None
    lead_years: Int = Field(ge=0, le=30, description="years after the horizon start before the project can start")
    confidence: Confidence = Field(description="share of the capacity counted for a project at this level")


class Competence(Strict):
    label: str | None = None
    city_share: Share = Field(description="share of the cost paid by the city")
    confidence: Confidence = Field(description="share of the capacity the city can count on")


class Objective(Strict):
    cost_weight: NonNeg | None = Field(
        None, description="objective weight per euro of city spending (default 1e-10, a tie-break)"
    )
    tail_weight: Share = Field(
        1.0,
        description="weight of unmet demand in the tail years after the PPI (end rule 'tail'), on top of the "
        "discount: 1 counts them like the PPI's years, 0 leaves them only to carry payments",
    )


class Subsidy(Strict):
    """A public aid for a project: an amount, a rate of the cost, or an amount per unit of capacity."""

    name: str | None = Field(None, description="who pays it (CAF, département, DSIL...)")
    amount: NonNeg | None = Field(None, description="euros")
    rate: Share | None = Field(None, description="share of the project's cost")
    per_unit: NonNeg | None = Field(None, description="euros per unit of capacity of `kind` (e.g. per crèche place)")
    kind: Id | None = Field(None, description="demand kind whose capacity `per_unit` multiplies")
    at: Int | Literal["delivery"] = Field(
        "delivery", description="received this many years after the start, or on delivery"
    )

    @model_validator(mode="after")
    def _one_basis(self) -> Subsidy:
        given = [k for k in ("amount", "rate", "per_unit") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of amount, rate or per_unit")
        if (self.per_unit is None) != (self.kind is None):
            raise ValueError("per_unit and kind go together")
        if isinstance(self.at, int) and not 0 <= self.at <= 30:
            raise ValueError(f"'at' must be between 0 and 30 years after the start, or 'delivery' (got {self.at})")
        return self


class SubsidyRow(Subsidy):
    """One row of the subsidies table: an aid of one project (added to the project's own `subsidies`)."""

    project: Id = Field(description="id of the project receiving the aid")


class Fctva(Strict):
    """FCTVA: the State refunds a share of eligible investment spending, `lag` years later."""

    rate: Share = Field(0.16404, description="share of eligible spending TTC refunded (16.404 % since 2015)")
    lag: Annotated[Literal[0, 1, 2], _Number] = Field(
        1, description="years between the spending and the refund (regime N, N+1, N+2)"
    )


class Prospective(Strict):
    """The city's savings and debt path ("prospective financière"), first horizon year onwards."""

    revenue: NonNeg = Field(description="operating revenue in the first horizon year, euros")
    revenue_growth: Float = Field(0.0, ge=-0.5, le=0.5, description="yearly growth of operating revenue")
    spending: NonNeg = Field(description="operating spending excluding interest in the first year, euros")
    spending_growth: Float = Field(0.0, ge=-0.5, le=0.5, description="yearly growth of operating spending")
    debt: NonNeg = Field(0.0, description="outstanding debt at the start of the first year, euros")
    debt_repayment: NonNeg = Field(0.0, description="yearly repayment of that debt until it is repaid, euros")
    interest_rate: Share = Field(0.0, description="interest on the debt outstanding at the start of each year")
    other_investment: NonNeg = Field(0.0, description="yearly investment outside this PPI to finance, euros")
    loan_years: Int = Field(20, ge=1, le=50, description="new loans are repaid in equal parts over this many years")
    min_savings_rate: Share | None = Field(None, description="épargne brute ≥ this share of operating revenue")
    max_debt_years: NonNeg | None = Field(
        None, description="capacité de désendettement ceiling: debt ≤ this × épargne brute (e.g. 12)"
    )
    max_borrowing: NonNeg | None = Field(None, description="new borrowing per year at most, euros")


class Finance(Strict):
    fctva: Fctva | None = Field(None, description="FCTVA refunds (none when left out)")
    operating_cost_per_unit: dict[Id, NonNeg] = Field(
        default_factory=dict,
        description="yearly operating cost per unit of capacity of a kind, from delivery (defaults for maternelle, "
        "elementaire, creche with a prospective block)",
    )
    prospective: Prospective | None = Field(None, description="savings and debt path; needed by the ratio limits")


class Project(Strict):
    id: Id
    name: str | None = None
    description: str | None = None
    district: Id = Field(description="district (quartier) whose demand the project serves")
    theme: str | None = Field(None, description="free label for reports (scolaire, petite enfance...)")
    capacity: dict[Id, NonNeg] = Field(description="capacity added per demand kind, in the kind's unit")
    cost: NonNeg = Field(description="total cost in euros TTC")
    profile: list[NonNeg] = Field(
        min_length=1,
        max_length=30,
        description="share of the cost paid in the start year, the next, ... (sums to 1)",
    )
    delivery_lag: Int = Field(ge=0, le=30, description="capacity counts from the year start + delivery_lag")
    earliest_start: Year | None = None
    latest_start: Year | None = None
    maturity: Id | None = Field(None, description="key of maturity_levels")
    competence: Id | None = Field(None, description="key of competences")
    city_share: Share | None = Field(None, description="overrides the competence's city share")
    confidence: Confidence | None = Field(None, description="overrides maturity x competence confidence")
    status: ProjectStatusName = "candidate"
    start: Year | None = Field(None, description="start year, required when committed")
    excludes: list[Id] = Field(default_factory=list, description="alternatives: at most one of them is chosen")
    requires: list[Id] = Field(
        default_factory=list, description="chosen only if these are, starting no earlier than them"
    )
    subsidies: list[Subsidy] = Field(default_factory=list, description="public aid received by the city")
    fctva_eligible: Share = Field(1.0, description="share of the city's spending eligible to the FCTVA")
    operating_cost: NonNeg | None = Field(
        None, description="yearly operating cost for the city from delivery, euros (default: per-unit costs)"
    )
    shift: Int = Field(0, ge=-30, le=30, description="years its start window is moved by (a variant's edit)")
    school: Id | None = Field(
        None, description="school (id of a `schools` row) the project extends: its site limit applies"
    )
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="descriptive columns kept as written (address, service, AP number, comments...), shown in the "
        "reports; a project table's columns that are not fields land here",
    )

    @field_validator("excludes", "requires", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Variant(Strict):
    """A named arbitration variant: edits applied on top of the scenario, in this order: `override`, the
    short forms (`scale_budget`, `exclude`, `force`, `shift`, `weights`), then `set`."""

    description: str | None = None
    override: dict[str, Any] | None = Field(None, description="a scenario fragment merged over the scenario")
    scale_budget: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False), _Number] | None = Field(
        None, description="every envelope (and the total one) multiplied by this"
    )
    exclude: list[Id] = Field(default_factory=list, description="projects set to status excluded")
    force: list[Id] = Field(default_factory=list, description="projects set to status mandatory")
    shift: dict[Id, Int] = Field(default_factory=dict, description="start windows moved by this many years")
    weights: dict[Id, NonNeg] = Field(default_factory=dict, description="new objective weights of demand kinds")
    set: dict[str, Any] = Field(default_factory=dict, description="single values by dotted path, like --set")

    @field_validator("exclude", "force", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


# A yes/no table cell as a commune types it (case and accents aside); Excel TRUE/FALSE cells are booleans already.
_YES_NO = {"oui": True, "non": False, "vrai": True, "faux": False, "true": True, "false": False, "yes": True,
           "no": False, "1": True, "0": False, "o": True, "n": False}  # fmt: skip


def _yes_no(value: Any) -> Any:
    """oui/non, vrai/faux, true/false, yes/no, 1/0 (a number cell 1 or 0) as a boolean; anything else refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        return _YES_NO[value.strip().lower()]
    raise ValueError(f"expected oui or non (true/false, 1/0), not '{value}'")


YesNo = Annotated[bool, BeforeValidator(_yes_no)]


class RealisedRow(Strict):
    """One row of the réalisé table of a yearly revision: what a project under way actually paid in a past year,
    and what was observed of it (a delay, a revised cost, its abandonment)."""

    project: Id = Field(description="project (id) of the adopted plan")
    year: Year = Field(description="budget year of the payment")
    paid: NonNeg | None = Field(None, description="CP paid by the city that year, euros (cp_payé)")
    delay: Int | None = Field(None, ge=0, le=30, description="years the project's remaining schedule slipped")
    cost: NonNeg | None = Field(None, description="revised total cost of the project, euros TTC")
    abandoned: YesNo = Field(
        False,
        description="the city stopped this operation under way (abandonnée): its CP paid are sunk, it pays nothing "
        "more and delivers nothing",
    )


class Revision(Strict):
    """The yearly revision of an adopted PPI (`ppi revise` writes it): its operations announced from the revision
    year on, the stability cost of moving or dropping them, the years locked, and the réalisé it started from."""

    year: Year = Field(description="revision year Y: the revised horizon starts then; earlier years are paid")
    adopted: dict[Id, Year] = Field(
        default_factory=dict, description="start year of each operation the adopted PPI announced from Y on"
    )
    move_cost: NonNeg = Field(
        0.0, description="objective cost of moving an announced operation by one year (weighted unit-years)"
    )
    drop_cost: NonNeg = Field(
        0.0, description="objective cost of dropping an announced operation (weighted unit-years)"
    )
    locked_years: Int = Field(
        0, ge=0, le=30, description="operations announced to start in Y..Y+ℓ-1 keep their start (ℓ, 0: none)"
    )
    lead_from: Year | None = Field(
        None, description="the year maturity lead times count from (the adopted PPI's first year; default: Y)"
    )
    previous: str | None = Field(None, description="the adopted plan's results folder, as given")
    realised: list[RealisedRow] = Field(default_factory=list, description="CP paid and delays observed (réalisé)")


class Uncertainty(Strict):
    """Cost overruns and slips by maturity level, demand growth, and the envelopes' protection (robustness)."""

    cost_sigma: dict[Id, Annotated[float, Field(ge=0, le=2, allow_inf_nan=False), _Number]] = Field(
        default_factory=dict,
        description="σ of the log-normal cost factor per maturity level (replaces the defaults)",
    )
    slip_probability: dict[Id, Share] = Field(
        default_factory=dict,
        description="probability of a one-year slip per maturity level (two years: its square; replaces the defaults)",
    )
    default_cost_sigma: Annotated[float, Field(ge=0, le=2, allow_inf_nan=False), _Number] | None = Field(
        None, description="σ of the cost factor of a project without a maturity level (default 0.10)"
    )
    default_slip_probability: Share | None = Field(
        None, description="slip probability of a project without a maturity level (default 0.15)"
    )
    demand_sigma: Annotated[float, Field(ge=0, le=0.5, allow_inf_nan=False), _Number] | None = Field(
        None, description="σ of the extra yearly demand growth per kind, in Monte Carlo runs (default 0.01)"
    )
    budget_confidence: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False), _Number] | None = Field(
        None,
        description="probability that every envelope of the PPI holds at once given the cost uncertainty by "
        "maturity (e.g. 0.9); none: the envelopes are not protected",
    )
    gamma: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False), _Number] | None = Field(
        None,
        description="Bertsimas–Sim protection instead of budget_confidence: each envelope holds when any Γ of "
        "the projects it is charged with overrun by their maturity's deviation (two σ)",
    )
    slips: Literal["ignore", "expected", "robust"] = Field(
        "ignore",
        description="capacity of a project that may slip, in the demand rows: counted from its delivery year "
        "(ignore), by its probability of being delivered (expected), or from one year later (robust)",
    )

    @model_validator(mode="after")
    def _one_protection(self) -> Uncertainty:
        if self.gamma is not None and self.budget_confidence is not None:
            raise ValueError("give budget_confidence or gamma, not both: they are two ways to protect the envelopes")
        return self


class ScenarioSpec(Strict):
    extends: str | None = Field(None, description="scenario file this one extends and overrides (relative path)")
    variants: dict[Id, Variant] = Field(default_factory=dict, description="named variants (file.yaml:name)")
    name: str | None = Field(None, description="scenario name (default: the file name)")
    description: str | None = None
    horizon: Horizon
    discount_rate: Float = Field(0.0, ge=0, le=1, description="weight of year t is (1+r)^-(t-start)")
    demand_kinds: dict[Id, DemandKind] = Field(min_length=1)
    districts: list[District] = Field(min_length=1)
    demand: list[TableRow] = Field(default_factory=list, description="rows district,kind,year,value")
    capacity: list[TableRow] = Field(default_factory=list, description="existing capacity, same rows")
    schools: list[SchoolRow] = Field(
        default_factory=list,
        description="rows school,district,kind,classes[,site_limit,closes,pupils,name]: existing classes per "
        "school, summed into the quartier's capacity",
    )
    budget: Budget
    maturity_levels: dict[Id, MaturityLevel] = Field(default_factory=dict)
    competences: dict[Id, Competence] = Field(default_factory=dict)
    objective: Objective = Field(default_factory=Objective)
    finance: Finance = Field(default_factory=Finance)
    capacity_changes: list[CapacityChange] = Field(
        default_factory=list, description="closures, temporary capacity and conversions"
    )
    forecast: Forecast | None = Field(None, description="demand derived from pupils, housing and births")
    demand_growth: dict[Id, Annotated[float, Field(ge=-0.5, le=0.5, allow_inf_nan=False), _Number]] = Field(
        default_factory=dict,
        description="extra yearly growth of a kind's demand from the horizon start (what-if and Monte Carlo runs)",
    )
    transfers: Transfers | None = Field(None, description="demand met next door (off without this block)")
    projects: list[Project] = Field(default_factory=list)
    subsidies: list[SubsidyRow] = Field(
        default_factory=list,
        description="public aid, one row per aid: project, name (funder), amount | rate | per_unit with kind, at; "
        "added to each project's own subsidies",
    )
    revision: Revision | None = Field(None, description="the yearly revision of an adopted PPI (ppi revise)")
    uncertainty: Uncertainty = Field(
        default_factory=Uncertainty,
        description="cost overruns and slips by maturity level, demand growth, and the envelopes' protection",
    )

    @model_validator(mode="before")
    @classmethod
    def _envelope_for_every_year(cls, data: Any) -> Any:
        """`budget.annual: 12e6` means 12 M€ in every horizon year."""
        if not isinstance(data, dict):
            return data
        budget, horizon = data.get("budget"), data.get("horizon")
        annual = budget.get("annual") if isinstance(budget, dict) else None
        if isinstance(annual, (int, float)) and not isinstance(annual, bool):
            if isinstance(horizon, dict) and all(isinstance(horizon.get(k), int) for k in ("start", "end")):
                years = range(horizon["start"], horizon["end"] + 1)
                data = {**data, "budget": {**budget, "annual": dict.fromkeys(years, budget["annual"])}}
        return data


# Tables that may be written inline or kept in a CSV/XLSX file (`{file: ...}`): their paths in the scenario.
TABLE_PATHS: tuple[tuple[str, ...], ...] = (
    ("demand",),
    ("capacity",),
    ("schools",),
    ("projects",),
    ("subsidies",),
    ("capacity_changes",),
    ("forecast", "school", "pupils"),
    ("forecast", "school", "observed"),
    ("forecast", "school", "cohort", "observed"),
    ("forecast", "school", "cohort", "births"),
    ("forecast", "housing", "programmes"),
    ("forecast", "childcare", "population"),
)


def _bare(annotation: Any) -> Any:
    """A field's type without Annotated metadata and without `| None`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def table_row_model(path: tuple[str, ...]) -> type[BaseModel]:
    """The model of one row of the table at `path` (e.g. `Project` for ("projects",))."""
    model: Any = ScenarioSpec
    for key in path:
        annotation = _bare(model.model_fields[key].annotation)
        if get_origin(annotation) is list:
            return get_args(annotation)[0]
        model = annotation
    raise ValueError(f"{'.'.join(path)} is not a table")


def _columns(scalar: Any) -> set[str]:
    """Columns of the table rows whose values are of the kind `scalar(type) -> bool` says."""
    return {
        name
        for path in TABLE_PATHS
        for name, field in table_row_model(path).model_fields.items()
        if scalar(_bare(field.annotation))
    }


# Columns of the tables read from files, from the rows' models (so a new field needs nothing more): text
# columns keep what looks like a number as text (a district "01"); list columns are split on separators.
TEXT_COLUMNS: frozenset[str] = frozenset(_columns(lambda t: t is str or get_origin(t) is Literal))
LIST_COLUMNS: frozenset[str] = frozenset(
    _columns(lambda t: get_origin(t) is list and _bare(get_args(t)[0]) in (str, float, int))
)


# The model holding each nested table field, for the JSON Schema.
_TABLE_OWNERS = {
    "school": "SchoolForecast",
    "cohort": "Cohort",
    "housing": "HousingForecast",
    "childcare": "ChildcareForecast",
}


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario file as users write it (tables inline or in a file)."""
    schema = ScenarioSpec.model_json_schema()
    schema["$defs"]["TableFile"] = TableFile.model_json_schema()
    schema["title"] = "ppi scenario"
    for path in TABLE_PATHS:
        props = schema["properties"] if len(path) == 1 else schema["$defs"][_TABLE_OWNERS[path[-2]]]["properties"]
        key = path[-1]
        inline = {k: v for k, v in props[key].items() if k not in ("description", "title", "default")}
        props[key] = {
            "title": props[key].get("title", key),
            "description": props[key].get("description", "") + " (inline list, or {file: ...} CSV/XLSX)",
            "anyOf": [inline, {"$ref": "#/$defs/TableFile"}],
        }
    neighbours = schema["$defs"]["District"]["properties"]["neighbours"]
    listed = {k: v for k, v in neighbours.items() if k not in ("description", "title", "default")}
    schema["$defs"]["District"]["properties"]["neighbours"] = {
        "description": neighbours.get("description"),
        "anyOf": [listed, {"type": "string", "pattern": listed["items"]["pattern"]}],
    }
    for key in ("excludes", "requires"):  # one id is accepted in place of a list of one
        prop = schema["$defs"]["Project"]["properties"][key]
        listed = {k: v for k, v in prop.items() if k not in ("description", "title", "default")}
        schema["$defs"]["Project"]["properties"][key] = {
            "description": prop.get("description"),
            "anyOf": [listed, {"type": "string", "pattern": listed["items"]["pattern"]}],
        }
    annual = schema["$defs"]["Budget"]["properties"]["annual"]
    total = schema["$defs"]["Budget"]["properties"]["total"]
    total["anyOf"].insert(0, {"type": "number", "minimum": 0})
    inline = {k: v for k, v in annual.items() if k not in ("description", "title")}
    annual_desc = annual.get("description")
    schema["$defs"]["Budget"]["properties"]["annual"] = {
        "description": annual_desc,
        "anyOf": [inline, {"type": "number", "minimum": 0}],
    }
    return schema
