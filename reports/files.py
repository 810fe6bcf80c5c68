"""plan.json and CSV tables, written atomically into a results folder.

The folder is built beside its destination and swapped in with renames, so a reader sees either the
previous complete results or the new complete results, never a mix. A folder that does not hold ppi
results (no `.ppi-results` marker) is never replaced.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import uuid
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from models.evaluate import Evaluation, evaluate_plan
from models.plan import Plan
from models.scenario import Scenario

MARKER = ".ppi-results"
PLAN_FORMAT = "ppi-plan/1"


class OutputError(Exception):
    """The results cannot be written where asked."""


def _ppi_version() -> str:
    try:
        return version("ppi")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "dev"


def _num(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


def plan_to_dict(scenario: Scenario, plan: Plan, evaluation: Evaluation | None = None) -> dict[str, Any]:
    """The plan.json content: solver outcome plus every table the start years imply."""
    out: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "scenario": {
            "name": scenario.name,
            "source": scenario.source,
            "horizon": {"start": scenario.first_year, "end": scenario.last_year},
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
    spending: dict[str, dict[str, float]] = {}
    for row in ev.spending.itertuples(index=False):
        spending.setdefault(row.project, {})[str(row.year)] = round(float(row.city_spending), 2)
    receipts: dict[str, dict[str, dict[str, float]]] = {}
    for row in ev.receipts.itertuples(index=False):
        receipts.setdefault(row.project, {})[str(row.year)] = {
            "subsidies": round(float(row.subsidies), 2),
            "fctva": round(float(row.fctva), 2),
        }
    projects = []
    for row in ev.projects.to_dict("records"):
        projects.append(
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
        )
    out["objective_terms"] = {"unmet_demand": ev.unmet_term, "transfers": ev.transfer_term, "cost": ev.cost_term}
    out["projects"] = projects
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
    out["unmet_by_kind"] = {k: float(ev.balance.loc[ev.balance["kind"] == k, "unmet"].sum()) for k in scenario.kinds}
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


def _tables(scenario: Scenario, ev: Evaluation) -> dict[str, pd.DataFrame]:
    """The spreadsheet tables: projects (with CP per horizon year), budget, balance."""
    projects = ev.projects.copy()
    cp = ev.spending.pivot_table(index="project", columns="year", values="city_spending", aggfunc="sum")
    for y in scenario.years:
        col = cp[y] if y in cp.columns else pd.Series(dtype=float)
        projects[f"cp_{y}"] = projects["project"].map(col).fillna(0.0).round(2)
    for col in ("start", "delivery"):
        projects[col] = projects[col].astype("Int64")
    tables = {
        "projects": projects,
        "apcp": apcp_table(scenario, ev),
        "budget": ev.budget.round(2),
        "balance": ev.balance.round(6),
    }
    if len(ev.finance):
        tables["finance"] = ev.finance.round(4)
    if scenario.transfers_on:
        tables["transfers"] = ev.transfers.round(6)
    return tables


def apcp_table(scenario: Scenario, ev: Evaluation) -> pd.DataFrame:
    """AP/CP table: per chosen project its AP (city cost), CP, receipts and net effort per horizon year,
    with what falls outside the horizon in `before`/`after` columns, and a TOTAL row."""
    chosen = ev.projects[ev.projects["chosen"]]
    first, last = scenario.first_year, scenario.last_year
    receipts = ev.receipts.assign(total=ev.receipts["subsidies"] + ev.receipts["fctva"])
    rows = []
    for p in chosen.itertuples(index=False):
        cp = ev.spending[ev.spending["project"] == p.project].groupby("year")["city_spending"].sum()
        rc = receipts[receipts["project"] == p.project].groupby("year")["total"].sum()
        row: dict[str, object] = {
            "project": p.project,
            "name": p.name,
            "district": p.district,
            "theme": p.theme,
            "start": int(p.start),
            "delivery": int(p.delivery),
            "ap": p.city_cost,
            "cp_before": float(cp[cp.index < first].sum()),
        }
        row |= {f"cp_{y}": float(cp.get(y, 0.0)) for y in scenario.years}
        row["cp_after"] = float(cp[cp.index > last].sum())
        row |= {f"receipts_{y}": float(rc.get(y, 0.0)) for y in scenario.years}
        row["receipts_after"] = float(rc[rc.index > last].sum())
        row |= {f"net_{y}": row[f"cp_{y}"] - row[f"receipts_{y}"] for y in scenario.years}
        rows.append(row)
    table = pd.DataFrame(rows)
    if len(table):
        numeric = table.select_dtypes("number").drop(columns=["start", "delivery"]).sum()
        table = pd.concat([table, pd.DataFrame([{"project": "TOTAL", **numeric.to_dict()}])], ignore_index=True)
        for col in ("start", "delivery"):
            table[col] = table[col].astype("Int64")
    return table.round(2)


def write_results(out_dir: str | Path, scenario: Scenario, plan: Plan, extra: dict[str, bytes] | None = None) -> Path:
    """Write plan.json (+ projects.csv, budget.csv, balance.csv when there is a plan, and `extra` files such
    as reports) atomically."""
    out_dir = Path(out_dir)
    if not is_results_folder(out_dir):
        raise OutputError(f"{out_dir} exists and is not a ppi results folder; choose an empty or new folder with --out")
    files: dict[str, bytes] = {}
    ev = evaluate_plan(scenario, plan.starts, plan.transfers) if plan.status.has_plan else None
    payload = plan_to_dict(scenario, plan, ev)
    files["plan.json"] = (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if ev is not None:
        for name, table in _tables(scenario, ev).items():
            files[f"{name}.csv"] = table.to_csv(index=False).encode("utf-8")
    files.update(extra or {})
    files[MARKER] = f"{PLAN_FORMAT}\n".encode()
    replace_folder(out_dir, files)
    return out_dir


def write_file(path: Path, data: bytes) -> None:
    """Write one file atomically: written beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.new-{uuid.uuid4().hex[:8]}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def is_results_folder(path: Path) -> bool:
    """True when `path` may be written: it does not exist, is an empty folder, or holds ppi results."""
    return not path.exists() or (path.is_dir() and (not any(path.iterdir()) or (path / MARKER).exists()))


def replace_folder(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a new folder beside `out_dir` and swap it in with renames."""
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    tmp = parent / f".{out_dir.name}.new-{tag}"
    old = parent / f".{out_dir.name}.old-{tag}"
    tmp.mkdir()
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if out_dir.exists():
            os.rename(out_dir, old)
            try:
                os.rename(tmp, out_dir)
            except OSError:
                os.rename(old, out_dir)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def read_plan(path: str | Path) -> dict[str, Any]:
    """Read a plan.json (or the plan.json of a results folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / "plan.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(f"{path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise OutputError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise OutputError(f"{path} is not a ppi plan ({PLAN_FORMAT})")
    for table, required in (("projects", ("id",)), ("budget", ("year", "spent")), ("balance", _BALANCE_KEYS)):
        rows = data.get(table, [])
        if not isinstance(rows, list):
            raise OutputError(f"{path}: '{table}' must be a list")
        for i, row in enumerate(rows):
            missing = [k for k in required if not isinstance(row, dict) or k not in row]
            if missing:
                raise OutputError(f"{path}: {table}[{i}] lacks {', '.join(missing)}")
    transfers = data.get("transfers", [])
    if not isinstance(transfers, list):
        raise OutputError(f"{path}: 'transfers' must be a list")
    for i, row in enumerate(transfers):
        missing = [k for k in ("from", "to", "kind", "year", "units") if not isinstance(row, dict) or k not in row]
        if missing:
            raise OutputError(f"{path}: transfers[{i}] lacks {', '.join(missing)}")
        if not isinstance(row["units"], (int, float)) or not isinstance(row["year"], int):
            raise OutputError(f"{path}: transfers[{i}] needs a number of units and a year")
    for i, row in enumerate(data.get("projects", [])):
        start = row.get("start")
        if start is not None and not isinstance(start, int):
            raise OutputError(f"{path}: projects[{i}].start must be a year or null, not {start!r}")
    return data


_BALANCE_KEYS = ("district", "kind", "year", "unmet")
