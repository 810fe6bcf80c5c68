"""`ppi demand`: the derived demand tables and a chart, to check a forecast before any optimisation.

Writes, atomically like every results folder:
- `demand.csv`    district, kind, year, value — the demand as the optimiser reads it, in the scenario table
                  format (it can be frozen into a scenario as `demand: {file: demand.csv}`);
- `forecast.csv`  the same with where it comes from: pupils or children from the base counts and trend, from
                  new housing, their total, the classes or places needed, existing capacity and the gap;
- `capacity.csv`  existing capacity after closures, temporary capacity and conversions;
- `demand.png`    per kind, demand by district against existing capacity, and a district × year map of the gap.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from models.scenario import Scenario
from reports.charts import demand_chart
from results.store import MARKER, OutputError, is_results_folder, replace_folder

DEMAND_FORMAT = "ppi-demand/1"


def forecast_table(scenario: Scenario) -> pd.DataFrame:
    """One row per district, kind and horizon year: demand, its source and parts, capacity and gap."""
    parts = {(r.district, r.kind, r.year): r for r in scenario.forecast}
    names = {d.id: d.name or d.id for d in scenario.spec.districts}
    rep = {d.id: d.rep for d in scenario.spec.districts}
    rows = []
    for d in scenario.districts:
        for k in scenario.kinds:
            source = scenario.demand_source.get((d, k), "none")
            for y in scenario.years:
                part = parts.get((d, k, y)) if source == "forecast" else None
                demand, existing = scenario.demand[(d, k, y)], scenario.existing[(d, k, y)]
                rows.append(
                    {
                        "district": d,
                        "district_name": names[d],
                        "rep": rep[d],
                        "kind": k,
                        "year": y,
                        "source": source,
                        "base": part.base if part else math.nan,
                        "housing": part.housing if part else math.nan,
                        "people": part.people if part else math.nan,
                        "demand": demand,
                        "existing": existing,
                        "gap": demand - existing,
                    }
                )
    return pd.DataFrame(rows)


def demand_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    table = forecast_table(scenario)
    keys = ["district", "kind", "year"]
    return {
        "demand": table[keys].assign(value=table["demand"].round(6)),
        "forecast": table.round(4),
        "capacity": table[keys].assign(value=table["existing"].round(6)),
    }


def _rule(scenario: Scenario, kind: str) -> str:
    """How a kind's demand is derived, in one line."""
    fc = scenario.spec.forecast
    if not any(scenario.demand_source.get((d, kind)) == "forecast" for d in scenario.districts):
        return "from the demand table"  # the table gives every district of this kind: the forecast is not used
    if (
        fc is not None
        and fc.school is not None
        and kind in {r.kind for r in scenario.forecast}
        and (fc.childcare is None or kind != fc.childcare.kind)
    ):
        s = fc.school
        rounding = "rounded up to whole classes" if s.rounding == "up" else "not rounded"
        return (
            f"pupils from {s.base_year} counts, trend and new housing; {s.class_size:g} per class, "
            f"{', '.join(s.capped_levels)} capped at {s.cap:g} ({s.rep_cap:g} in REP/REP+); {rounding}"
        )
    if fc is not None and fc.childcare is not None and kind == fc.childcare.kind:
        c = fc.childcare
        return (
            f"children under 3 × coverage {c.coverage:.0%} × crèche share {c.creche_share:.0%} "
            f"÷ {c.children_per_place:g} children per place"
        )
    return "from the demand table"


def format_demand(scenario: Scenario) -> str:
    """The derived demand per kind and district: first, middle and last year, peak, capacity, worst gap."""
    table = forecast_table(scenario)
    years = scenario.years
    shown = sorted({years[0], years[len(years) // 2], years[-1]})
    lines = [f"{scenario.name}  ({scenario.source})", f"Demand {years[0]}-{years[-1]}"]
    # The district column is as wide as the longest label (22 at least), so long names keep the columns aligned.
    width = max([22, *(len(d) + 6 for d in scenario.districts)])
    for k in scenario.kinds:
        unit = scenario.spec.demand_kinds[k].unit
        rows = table[table["kind"] == k]
        lines += ["", f"{k} ({unit}): {_rule(scenario, k)}"]
        head = f"  {'district':<{width}} {'source':<8} " + " ".join(f"{y:>7}" for y in shown)
        lines.append(head + f" {'peak':>12} {'cap. ' + str(years[0]):>10} {'worst gap':>14}")
        for d in scenario.districts:
            r = rows[rows["district"] == d].set_index("year")
            peak_year = int(r["demand"].idxmax())
            worst_year = int(r["gap"].idxmax())
            worst = r.loc[worst_year, "gap"]
            gap_text = f"{worst:+.1f} ({worst_year})" if worst > 1e-9 else "none"
            label = d + (" (REP)" if bool(r["rep"].iloc[0]) else "")
            lines.append(
                f"  {label:<{width}} {r['source'].iloc[0]:<8} "
                + " ".join(f"{r.loc[y, 'demand']:>7.1f}" for y in shown)
                + f" {r.loc[peak_year, 'demand']:>6.1f} ({peak_year})"
                + f" {r.loc[years[0], 'existing']:>10.1f} {gap_text:>14}"
            )
        total = rows.groupby("year")[["demand", "existing"]].sum()
        short = rows.assign(short=rows["gap"].clip(lower=0)).groupby("year")["short"].sum()
        lines.append(
            f"  {'total':<{width}} {'':<8} "
            + " ".join(f"{total.loc[y, 'demand']:>7.1f}" for y in shown)
            + f" {'':>12} {total.loc[years[0], 'existing']:>10.1f}"
            + f"   short {short.sum():.1f} unit-years"
        )
    return "\n".join(lines)


def write_demand(out_dir: str | Path, scenario: Scenario, chart: bool = True, lang: str = "fr") -> Path:
    """Write the demand tables (and the chart, in `lang`) into a results folder, atomically."""
    out_dir = Path(out_dir)
    if not is_results_folder(out_dir):
        raise OutputError(f"{out_dir} exists and is not a ppi results folder; choose an empty or new folder with --out")
    files = {f"{name}.csv": t.to_csv(index=False).encode("utf-8") for name, t in demand_tables(scenario).items()}
    if chart:
        files["demand.png"] = demand_chart(scenario, lang)
    files[MARKER] = f"{DEMAND_FORMAT}\n".encode()
    replace_folder(out_dir, files)
    return out_dir
