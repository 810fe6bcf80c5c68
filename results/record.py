"""plan.json, typed: the one place a plan file is written from a solved plan and parsed back.

`plan_record(scenario, plan, evaluation)` builds the record of a solved (or unsolved) plan;
`PlanRecord.from_json(data)` checks and types a plan read from disk; `to_json()` gives the document back
unchanged, so the file format (`ppi-plan/1`) is exactly the one written before this module existed.
Everything after the solver reads plans through this record: start years, status and the scenario a plan
was solved from are never picked out of the raw dictionary anywhere else.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.evaluate import Evaluation, evaluate_plan
from models.limits import FileTooLarge, NotARegularFile, read_bytes
from models.plan import PLAN_STATUSES, Plan
from models.scenario import Scenario
from results.errors import OutputError

PLAN_FORMAT = "ppi-plan/1"


def _ppi_version() -> str:
    try:
        return version("ppi")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "dev"


def _num(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


@dataclass(frozen=True)
class ScenarioRef:
    """What a plan records of the scenario it was solved from (enough to load it again)."""

    name: str | None
    source: str | None
    variant: str | None
    sets: tuple[str, ...]
    overrides: tuple[str, ...]
    budget_scale: float | None
    path: str | None = None  # the scenario file's absolute path in memory (`source` is as the user typed it)

    @property
    def edited(self) -> bool:
        """True when the plan was solved from a variant, `--set` edits or a budget factor."""
        return bool(self.variant or self.sets or self.budget_scale)


@dataclass(frozen=True)
class PlanRecord:
    """A plan in its plan.json form. `data` is the document exactly as written or read; the properties are
    its typed reading."""

    data: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The plan.json document (a dict that json.dumps writes as the file)."""
        return dict(self.data)

    def to_bytes(self, folder: str | Path | None = None) -> bytes:
        """The plan.json file's bytes. Written into `folder`, the scenario's `path` is made relative to that
        folder, so that no absolute path of the machine is written and the folder can move with its scenario."""
        return (json.dumps(self.placed(folder), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def placed(self, folder: str | Path | None) -> dict[str, Any]:
        """The document as written into `folder` (see `to_bytes`); without a folder, without the path."""
        info = dict(self.data.get("scenario") or {})
        if "path" not in info:
            return dict(self.data)
        if folder is None:
            info.pop("path")
        else:
            info["path"] = os.path.relpath(info["path"], Path(folder).absolute())
        return {**self.data, "scenario": info}

    @classmethod
    def from_json(cls, data: Any, where: str = "plan") -> PlanRecord:
        """Check the shape of a plan document read from disk (`where` names it in messages) and type it."""
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
            raise OutputError(f"{where} is not a ppi plan ({PLAN_FORMAT})")
        for table, required in (("projects", ("id",)), ("budget", ("year", "spent")), ("balance", _BALANCE_KEYS)):
            rows = data.get(table, [])
            if not isinstance(rows, list):
                raise OutputError(f"{where}: '{table}' must be a list")
            for i, row in enumerate(rows):
                missing = [k for k in required if not isinstance(row, dict) or k not in row]
                if missing:
                    raise OutputError(f"{where}: {table}[{i}] lacks {', '.join(missing)}")
        transfers = data.get("transfers", [])
        if not isinstance(transfers, list):
            raise OutputError(f"{where}: 'transfers' must be a list")
        for i, row in enumerate(transfers):
            missing = [k for k in ("from", "to", "kind", "year", "units") if not isinstance(row, dict) or k not in row]
            if missing:
                raise OutputError(f"{where}: transfers[{i}] lacks {', '.join(missing)}")
            if not isinstance(row["units"], (int, float)) or not isinstance(row["year"], int):
                raise OutputError(f"{where}: transfers[{i}] needs a number of units and a year")
        for i, row in enumerate(data.get("projects", [])):
            start = row.get("start")
            if start is not None and not isinstance(start, int):
                raise OutputError(f"{where}: projects[{i}].start must be a year or null, not {start!r}")
        problems = _shape_problems(data)
        if problems:
            shown = problems[:_SHOWN] + ([f"... and {len(problems) - _SHOWN} more"] if len(problems) > _SHOWN else [])
            raise OutputError(f"{where} is not a valid ppi plan:\n" + "\n".join(f"  - {p}" for p in shown))
        return cls(data)

    # The typed reading.
    @property
    def status(self) -> str:
        """As recorded: one of `Status`' values for a plan ppi wrote."""
        return str(self.data.get("status"))

    @property
    def has_plan(self) -> bool:
        """True when the record holds a plan (status optimal or feasible)."""
        return self.status in PLAN_STATUSES

    @property
    def objective(self) -> float | None:
        return self.data.get("objective")

    @property
    def bound(self) -> float | None:
        return self.data.get("bound")

    @property
    def gap(self) -> float | None:
        return self.data.get("gap")

    @property
    def projects(self) -> list[dict[str, Any]]:
        return list(self.data.get("projects", []))

    @cached_property
    def starts(self) -> dict[str, int | None]:
        """Start year of each project in the plan (None: not chosen)."""
        return {p["id"]: p.get("start") for p in self.data.get("projects", [])}

    @property
    def chosen(self) -> list[str]:
        """The projects the plan starts, in plan order."""
        return [pid for pid, start in self.starts.items() if start is not None]

    @cached_property
    def transfers(self) -> dict[tuple[str, str, str, int], float]:
        """Demand met next door: (from, to, kind, year) -> units."""
        return {
            (t["from"], t["to"], t["kind"], int(t["year"])): float(t["units"]) for t in self.data.get("transfers", [])
        }

    @cached_property
    def scenario(self) -> ScenarioRef:
        info = self.data.get("scenario") or {}
        return ScenarioRef(
            name=info.get("name"),
            source=info.get("source"),
            variant=info.get("variant"),
            sets=tuple(info.get("set", [])),
            overrides=tuple(info.get("overrides", [])),
            budget_scale=info.get("budget_scale"),
            path=info.get("path"),
        )


# --- the shape of plan.json, checked when a plan is read back (a plan file is input like any other) --------


class _Strict(BaseModel):
    """Numbers are numbers (not strings or booleans); no field the format does not have."""

    model_config = ConfigDict(strict=True, extra="forbid")


Number = float  # strict: an int or a float, never a string or a boolean
Year = Annotated[int, Field(ge=1900, le=2200)]


class _Horizon(_Strict):
    start: Year
    end: Year
    end_rule: Literal["tail", "complete", "open"] = "open"  # plans written before the rule existed: open
    tail_years: int = Field(0, ge=0)


class _ScenarioInfo(_Strict):
    name: str
    source: str
    path: str | None = None
    horizon: _Horizon
    variant: str | None
    overrides: list[str]
    set: list[str]
    budget_scale: Number | None


class _Receipts(_Strict):
    subsidies: Number
    fctva: Number


class _Project(_Strict):
    id: str
    name: str
    district: str
    theme: str | None
    status: str
    start: Year | None
    delivery: Year | None
    city_cost: Number
    spending: dict[str, Number]
    receipts: dict[str, _Receipts]


class _Balance(_Strict):
    district: str
    kind: str
    year: Year
    demand: Number
    existing: Number
    added: Number
    capacity: Number
    sent: Number
    received: Number
    unmet: Number


class _Transfer(_Strict):
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    kind: str
    year: Year
    units: Number


class _Budget(_Strict):
    year: Year
    spent: Number
    envelope: Number | None = None
    carried_in: Number | None = None
    available: Number | None = None
    subsidies: Number | None = None
    fctva: Number | None = None
    net_effort: Number | None = None
    charged: Number | None = None
    margin: Number | None = None
    cumulative_envelope: Number | None = None
    cumulative_charged: Number | None = None


class _Finance(_Strict):
    year: Year
    epargne_brute: Number
    borrowing: Number
    debt: Number
    revenue: Number | None = None
    operating_spending: Number | None = None
    operating_costs_added: Number | None = None
    interest: Number | None = None
    savings_rate: Number | None = None
    net_investment: Number | None = None
    repayment: Number | None = None
    debt_years: Number | None = None


class _Terms(_Strict):
    unmet_demand: Number
    transfers: Number
    cost: Number
    stability: Number | None = None  # a revision's (models/revision.py)


class _PlanDocument(_Strict):
    format: Literal["ppi-plan/1"]
    scenario: _ScenarioInfo
    status: Literal["optimal", "feasible", "infeasible", "no_solution"]
    objective: Number | None
    bound: Number | None
    gap: Number | None
    solver: str
    solver_message: str
    runtime_s: Number
    options: dict[str, Any]
    model: dict[str, Any]
    created: str
    ppi_version: str
    warnings: list[str]
    budget_basis: Literal["gross", "net"]
    objective_terms: _Terms | None = None
    projects: list[_Project] = []
    budget: list[_Budget] = []
    finance: list[_Finance] = []
    spending_outside_horizon: dict[str, Number] = {}
    unmet_by_kind: dict[str, Number] = {}
    balance: list[_Balance] = []
    transfers: list[_Transfer] = []
    demand_source: dict[str, str] = {}


def _shape_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with the shape of a plan document, one line per problem (path: what)."""
    try:
        _PlanDocument.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            path = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in e["loc"]).lstrip(".")
            got = "" if e["type"] in ("missing", "extra_forbidden") else f" (got {e['input']!r:.40})"
            lines.append(f"{path or 'the document'}: {e['msg'].lower()}{got}")
        return lines
    problems = []
    for table, key in (("budget", "year"), ("finance", "year")):
        for i, row in enumerate(data.get(table, [])):
            if not isinstance(row.get(key), int) or isinstance(row.get(key), bool):
                problems.append(f"{table}[{i}].{key}: a year is required")
    ids = [p["id"] for p in data.get("projects", [])]
    problems += [
        f"projects: {pid} is listed {ids.count(pid)} times" for pid in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for i, p in enumerate(data.get("projects", [])):
        years = [y for y in (*p["spending"], *p["receipts"]) if not y.lstrip("-").isdigit()]
        if years:
            problems.append(f"projects[{i}]: {years[0]!r} is not a year")
    return problems


_BALANCE_KEYS = ("district", "kind", "year", "unmet")
_SHOWN = 10  # problems listed before "... and N more"


def read_plan(path: str | Path) -> PlanRecord:
    """Read a plan.json (or the plan.json of a results folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / "plan.json"
    try:
        data = json.loads(read_bytes(path, MAX_PLAN_BYTES, "a plan file").decode("utf-8"))
    except FileNotFoundError:
        raise OutputError(f"{path} does not exist") from None
    except (NotARegularFile, FileTooLarge) as exc:
        raise OutputError(f"{path} cannot be read: {exc}") from None
    except UnicodeDecodeError:
        raise OutputError(f"{path} is not a ppi plan (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise OutputError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    record = PlanRecord.from_json(data, where=str(path))
    scenario_path = (record.data.get("scenario") or {}).get("path")
    if scenario_path and not Path(scenario_path).is_absolute():  # written relative to the plan's folder
        info = {**record.data["scenario"], "path": str(path.absolute().parent / scenario_path)}
        record = PlanRecord({**record.data, "scenario": info})
    return record


# A plan of 2,000 projects and 150 quartiers over 15 years is about 40 MB; a file far above is not a plan.
MAX_PLAN_BYTES = 500 * 1024 * 1024


def plan_record(scenario: Scenario, plan: Plan, evaluation: Evaluation | None = None) -> PlanRecord:
    """The plan.json record of a plan: solver outcome plus every table the start years imply."""
    return PlanRecord(plan_to_dict(scenario, plan, evaluation))


def plan_to_dict(scenario: Scenario, plan: Plan, evaluation: Evaluation | None = None) -> dict[str, Any]:
    """The plan.json content: solver outcome plus every table the start years imply."""
    out: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "scenario": {
            "name": scenario.name,
            "source": scenario.source,
            **({"path": str(Path(scenario.source).absolute())} if not scenario.source.startswith("<") else {}),
            "horizon": {
                "start": scenario.first_year,
                "end": scenario.last_year,
                "end_rule": scenario.end_rule,
                "tail_years": len(scenario.tail),
            },
            "variant": scenario.variant,
            "overrides": list(scenario.overrides),
            "set": list(scenario.sets),
            "budget_scale": scenario.budget_scale,
        },
        "status": plan.status.value,
        "objective": _num(plan.objective),
        "bound": _num(plan.bound),
        "gap": _num(plan.gap),
        "solver": plan.solver,
        "solver_message": plan.message,
        "runtime_s": round(plan.runtime_s, 4),
        "options": dict(plan.options),
        "model": dict(plan.stats),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "ppi_version": _ppi_version(),
        "warnings": list(scenario.warnings),
        "budget_basis": "net" if scenario.net_basis else "gross",
    }
    if not plan.status.has_plan:
        return out
    ev = evaluation or evaluate_plan(scenario, plan.starts, plan.transfers)
    out["objective_terms"] = {"unmet_demand": ev.unmet_term, "transfers": ev.transfer_term, "cost": ev.cost_term}
    if getattr(scenario.spec, "revision", None) is not None:  # a revision's stability part (models/revision.py)
        out["objective_terms"]["stability"] = ev.stability_term
    out["projects"] = _projects(ev)
    out["budget"] = [
        {k: (int(v) if k == "year" else round(float(v), 2)) for k, v in row.items()}
        for row in ev.budget.to_dict("records")
    ]
    if len(ev.finance):
        out["finance"] = [
            {k: (int(v) if k == "year" else _num(round(float(v), 4))) for k, v in row.items()}
            for row in ev.finance.to_dict("records")
        ]
    out["spending_outside_horizon"] = {str(y): round(v, 2) for y, v in ev.outside_horizon.items()}
    ppi_years = ev.balance[ev.balance["year"] <= scenario.horizon_end]  # the PPI's years, the tail after it apart
    out["unmet_by_kind"] = {k: float(ppi_years.loc[ppi_years["kind"] == k, "unmet"].sum()) for k in scenario.kinds}
    out["balance"] = [
        {
            "district": r["district"],
            "kind": r["kind"],
            "year": int(r["year"]),
            **{c: float(r[c]) for c in ("demand", "existing", "added", "capacity", "sent", "received", "unmet")},
        }
        for r in ev.balance.to_dict("records")
    ]
    out["transfers"] = [
        {"from": r["from"], "to": r["to"], "kind": r["kind"], "year": int(r["year"]), "units": float(r["units"])}
        for r in ev.transfers.to_dict("records")
    ]
    if scenario.forecast:
        out["demand_source"] = {f"{d}/{k}": src for (d, k), src in sorted(scenario.demand_source.items())}
    return out


def _projects(ev: Evaluation) -> list[dict[str, Any]]:
    """plan.json's projects: start, delivery, city cost, CP and receipts per year of each project."""
    spending: dict[str, dict[str, float]] = {}
    for row in ev.spending.itertuples(index=False):
        spending.setdefault(row.project, {})[str(row.year)] = round(float(row.city_spending), 2)
    receipts: dict[str, dict[str, dict[str, float]]] = {}
    for row in ev.receipts.itertuples(index=False):
        receipts.setdefault(row.project, {})[str(row.year)] = {
            "subsidies": round(float(row.subsidies), 2),
            "fctva": round(float(row.fctva), 2),
        }
    return [
        {
            "id": row["project"],
            "name": row["name"],
            "district": row["district"],
            "theme": row["theme"],
            "status": row["status"],
            "start": None if row["start"] is None or pd.isna(row["start"]) else int(row["start"]),
            "delivery": None if row["delivery"] is None or pd.isna(row["delivery"]) else int(row["delivery"]),
            "city_cost": round(float(row["city_cost"]), 2) if row["chosen"] else 0.0,
            "spending": spending.get(row["project"], {}),
            "receipts": receipts.get(row["project"], {}),
        }
        for row in ev.projects.to_dict("records")
    ]
