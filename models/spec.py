"""The scenario format: strict pydantic models mirroring the YAML file.

Shape and types only (layer 1 of validation). Cross-references and meaning are checked in
`models.checks`; the resolved, solver-ready view is `models.scenario.Scenario`. Field descriptions feed
the published JSON Schema (`ppi schema`, docs/scenario.schema.json).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Id = Annotated[str, Field(min_length=1, pattern=r"^[^\s,;|]+$", description="identifier without spaces")]
Year = Annotated[int, Field(ge=1900, le=2200, description="calendar year")]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Confidence = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]

Status = Literal["candidate", "mandatory", "committed", "excluded"]


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors (a typo never passes silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Horizon(Strict):
    start: Year = Field(description="first planned year")
    end: Year = Field(description="last planned year (inclusive)")

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.end < self.start:
            raise ValueError(f"the horizon ends ({self.end}) before it starts ({self.start})")
        if self.end - self.start > 60:
            raise ValueError("the horizon is longer than 60 years")
        return self


class DemandKind(Strict):
    unit: str = Field("units", description="unit of demand and capacity, e.g. classes or places")
    weight: NonNeg = Field(1.0, description="objective weight of one unit of unmet demand for one year")
    name: str | None = Field(None, description="label for reports")


class District(Strict):
    id: Id
    name: str | None = Field(None, description="quartier name for reports")


class TableRow(Strict):
    district: Id
    kind: Id
    year: Year
    value: NonNeg = Field(description="demand or existing capacity, in the kind's unit")


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
    lead_years: int = Field(ge=0, le=30, description="years after the horizon start before the project can start")
    confidence: Confidence = Field(description="share of the capacity counted for a project at this level")


class Competence(Strict):
    label: str | None = None
    city_share: Share = Field(description="share of the cost paid by the city")
    confidence: Confidence = Field(description="share of the capacity the city can count on")


class Objective(Strict):
    cost_weight: NonNeg | None = Field(
        None, description="objective weight per euro of city spending (default 1e-10, a tie-break)"
    )


class Subsidy(Strict):
    """A public aid for a project: an amount, a rate of the cost, or an amount per unit of capacity."""

    name: str | None = Field(None, description="who pays it (CAF, département, DSIL...)")
    amount: NonNeg | None = Field(None, description="euros")
    rate: Share | None = Field(None, description="share of the project's cost")
    per_unit: NonNeg | None = Field(None, description="euros per unit of capacity of `kind` (e.g. per crèche place)")
    kind: Id | None = Field(None, description="demand kind whose capacity `per_unit` multiplies")
    at: int | Literal["delivery"] = Field(
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


class Fctva(Strict):
    """FCTVA: the State refunds a share of eligible investment spending, `lag` years later."""

    rate: Share = Field(0.16404, description="share of eligible spending TTC refunded (16.404 % since 2015)")
    lag: Literal[0, 1, 2] = Field(1, description="years between the spending and the refund (regime N, N+1, N+2)")


class Prospective(Strict):
    """The city's savings and debt path ("prospective financière"), first horizon year onwards."""

    revenue: NonNeg = Field(description="operating revenue in the first horizon year, euros")
    revenue_growth: float = Field(0.0, ge=-0.5, le=0.5, description="yearly growth of operating revenue")
    spending: NonNeg = Field(description="operating spending excluding interest in the first year, euros")
    spending_growth: float = Field(0.0, ge=-0.5, le=0.5, description="yearly growth of operating spending")
    debt: NonNeg = Field(0.0, description="outstanding debt at the start of the first year, euros")
    debt_repayment: NonNeg = Field(0.0, description="yearly repayment of that debt until it is repaid, euros")
    interest_rate: Share = Field(0.0, description="interest on the debt outstanding at the start of each year")
    other_investment: NonNeg = Field(0.0, description="yearly investment outside this PPI to finance, euros")
    loan_years: int = Field(20, ge=1, le=50, description="new loans are repaid in equal parts over this many years")
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
    delivery_lag: int = Field(ge=0, le=30, description="capacity counts from the year start + delivery_lag")
    earliest_start: Year | None = None
    latest_start: Year | None = None
    maturity: Id | None = Field(None, description="key of maturity_levels")
    competence: Id | None = Field(None, description="key of competences")
    city_share: Share | None = Field(None, description="overrides the competence's city share")
    confidence: Confidence | None = Field(None, description="overrides maturity x competence confidence")
    status: Status = "candidate"
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

    @field_validator("excludes", "requires", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class ScenarioSpec(Strict):
    name: str | None = Field(None, description="scenario name (default: the file name)")
    description: str | None = None
    horizon: Horizon
    discount_rate: float = Field(0.0, ge=0, le=1, description="weight of year t is (1+r)^-(t-start)")
    demand_kinds: dict[Id, DemandKind] = Field(min_length=1)
    districts: list[District] = Field(min_length=1)
    demand: list[TableRow] = Field(default_factory=list, description="rows district,kind,year,value")
    capacity: list[TableRow] = Field(default_factory=list, description="existing capacity, same rows")
    budget: Budget
    maturity_levels: dict[Id, MaturityLevel] = Field(default_factory=dict)
    competences: dict[Id, Competence] = Field(default_factory=dict)
    objective: Objective = Field(default_factory=Objective)
    finance: Finance = Field(default_factory=Finance)
    projects: list[Project] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _envelope_for_every_year(cls, data: Any) -> Any:
        """`budget.annual: 12e6` means 12 M€ in every horizon year."""
        if not isinstance(data, dict):
            return data
        budget, horizon = data.get("budget"), data.get("horizon")
        if isinstance(budget, dict) and isinstance(budget.get("annual"), (int, float)):
            if isinstance(horizon, dict) and all(isinstance(horizon.get(k), int) for k in ("start", "end")):
                years = range(horizon["start"], horizon["end"] + 1)
                data = {**data, "budget": {**budget, "annual": dict.fromkeys(years, budget["annual"])}}
        return data


TABLE_FIELDS = ("demand", "capacity", "projects")


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario file as users write it (tables inline or in a file)."""
    schema = ScenarioSpec.model_json_schema()
    schema["$defs"]["TableFile"] = TableFile.model_json_schema()
    schema["title"] = "ppi scenario"
    props = schema["properties"]
    for key in TABLE_FIELDS:
        inline = {k: v for k, v in props[key].items() if k not in ("description", "title", "default")}
        props[key] = {
            "title": props[key].get("title", key),
            "description": props[key].get("description", "") + " (inline list, or {file: ...} CSV/XLSX)",
            "anyOf": [inline, {"$ref": "#/$defs/TableFile"}],
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
