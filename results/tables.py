"""The CSV tables of a results folder: projects (with CP per horizon year), AP/CP, budget, balance, finance,
transfers — all computed from the plan's evaluation, never from a solver's values."""

from __future__ import annotations

import pandas as pd

from models.evaluate import Evaluation
from models.scenario import Scenario


def result_tables(scenario: Scenario, ev: Evaluation) -> dict[str, pd.DataFrame]:
    """The spreadsheet tables, by file stem: projects (with CP per horizon year), apcp, budget, balance, and
    finance / transfers when the scenario has them."""
    projects = ev.projects.copy()
    cp = ev.spending.pivot_table(index="project", columns="year", values="city_spending", aggfunc="sum")
    for y in scenario.years:
        col = cp[y] if y in cp.columns else pd.Series(dtype=float)
        projects[f"cp_{y}"] = projects["project"].map(col).fillna(0.0).round(2)
    for col in ("start", "delivery"):
        projects[col] = projects[col].astype("Int64")
    tables = {
        "projects": tidy(projects),
        "apcp": tidy(apcp_table(scenario, ev), 2),
        "budget": tidy(ev.budget, 2),
        "balance": tidy(ev.balance),
    }
    if len(ev.finance):
        tables["finance"] = tidy(ev.finance, 4)
    if scenario.transfers_on:
        tables["transfers"] = tidy(ev.transfers)
    return tables


PRECISION = 6  # decimals kept of a quantity (classes, places, shares): 0.3999999999998434 is written 0.4


def tidy(table: pd.DataFrame, digits: int = PRECISION) -> pd.DataFrame:
    """A table as people read it: floats rounded to `digits` decimals, no -0.0 (float dust of the sums)."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits) + 0.0
    return out


def apcp_table(scenario: Scenario, ev: Evaluation) -> pd.DataFrame:
    """AP/CP table: per chosen project its AP (city cost), CP, receipts and net effort per modelled year (the
    PPI's, then the tail's), with what falls outside every modelled year in `before`/`after` columns, its
    subsidies, FCTVA and net cost over all years, and a TOTAL row."""
    chosen = ev.projects[ev.projects["chosen"]]
    first, last = scenario.years[0], scenario.years[-1]  # `after`: past every modelled year, the tail included
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
        aid = ev.receipts[ev.receipts["project"] == p.project]
        row["subsidies"], row["fctva"] = float(aid["subsidies"].sum()), float(aid["fctva"].sum())
        row["net_cost"] = p.city_cost - row["subsidies"] - row["fctva"]
        rows.append(row)
    table = pd.DataFrame(rows)
    if len(table):
        numeric = table.select_dtypes("number").drop(columns=["start", "delivery"]).sum()
        table = pd.concat([table, pd.DataFrame([{"project": "TOTAL", **numeric.to_dict()}])], ignore_index=True)
        for col in ("start", "delivery"):
            table[col] = table[col].astype("Int64")
    return table.round(2)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as the CSV bytes of a results folder."""
    return table.to_csv(index=False).encode("utf-8")


def parquet_bytes(table: pd.DataFrame) -> bytes:
    """A table as Parquet bytes (for analysts' dataframes)."""
    import io

    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()
