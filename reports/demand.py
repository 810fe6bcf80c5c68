"""`ppi demand`: the derived demand tables and a chart, to check a forecast before any optimisation.

Writes, atomically like every results folder:
- `demand.csv`    district, kind, year, value — the demand as the optimiser reads it, in the scenario table
                  format (it can be frozen into a scenario as `demand: {file: demand.csv}`);
- `forecast.csv`  the same with where it comes from: pupils or children from the base counts and trend, from
                  new housing, their total, the classes or places needed, existing capacity and the gap;
- `capacity.csv`  existing capacity after closures, temporary capacity and conversions;
- `observed.csv`  per quartier, kind and year, the pupils and classes observed (`forecast.school.observed`)
                  beside the pupils and classes forecast, so that a forecast can be judged against the past;
- `cohort.csv`    with the cohort model, the pupils of each level per quartier and year (public, before new
                  housing) and the transition rate into the level, with its source;
- `schools.csv`   with school rows, the balance per school and year: its share of the quartier's pupils, the
                  classes it needs (rounded per school), its classes, its site limit and the room left;
- `demand.png`    per kind, demand by district against existing capacity, and a district × year map of the gap;
- `observed.png`  per quartier and kind, the observed pupils (solid) and the forecast (dashed).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from models.forecast import cohort_kinds, cohort_pupils, forecast_demand, private_share, transition_rates
from models.scenario import Scenario
from models.schools import school_balance
from reports.charts import demand_chart, observed_chart
from results.store import MARKER, OutputError, is_results_folder, replace_folder

DEMAND_FORMAT = "ppi-demand/1"


def forecast_table(scenario: Scenario) -> pd.DataFrame:
    """One row per district, kind and year of the PPI: demand, its source and parts, capacity and gap (the
    tail years after the PPI, if any, continue the last year's demand: they are not repeated here)."""
    parts = {(r.district, r.kind, r.year): r for r in scenario.forecast}
    names = {d.id: d.name or d.id for d in scenario.spec.districts}
    rep = {d.id: d.rep for d in scenario.spec.districts}
    rows = []
    for d in scenario.districts:
        for k in scenario.kinds:
            source = scenario.demand_source.get((d, k), "none")
            for y in scenario.horizon_years:  # the tail years repeat the last one's demand (docs/model.md)
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


def observed_table(scenario: Scenario) -> pd.DataFrame:
    """Per quartier, kind and year, the observed pupils and classes (`forecast.school.observed`, the past years
    `ppi enrolment` writes in effectifs-observes.csv) beside the forecast ones (the horizon's years): empty
    without observed rows. `phase` says which a year is; the base year may be both."""
    fc = scenario.spec.forecast
    school = fc.school if fc is not None else None
    if school is None or not school.observed:
        return pd.DataFrame(
            columns=["district", "kind", "year", "phase", "observed_pupils", "observed_classes", "pupils", "classes"]
        )
    seen = {(r.district, r.kind, r.year): r for r in school.observed}
    kinds = [k for k in scenario.kinds if any(r.kind == k for r in school.observed)]
    # The forecast from the base year on (the years before the horizon too), so that it meets the observed ones.
    years = tuple(range(min(school.base_year, scenario.years[0]), scenario.last_year + 1))
    forecast = {
        (r.district, r.kind, r.year): r
        for r in forecast_demand(scenario.spec, years)
        if scenario.demand_source.get((r.district, r.kind)) == "forecast" and r.year >= school.base_year
    }
    rows = []
    for d in scenario.districts:
        for k in kinds:
            years = sorted(
                {y for (dd, kk, y) in seen if (dd, kk) == (d, k)}
                | {y for (dd, kk, y) in forecast if (dd, kk) == (d, k)}
            )
            for y in years:
                o, f = seen.get((d, k, y)), forecast.get((d, k, y))
                rows.append(
                    {
                        "district": d,
                        "kind": k,
                        "year": y,
                        "phase": "observed" if f is None else "forecast" if o is None else "both",
                        "observed_pupils": o.pupils if o else math.nan,
                        "observed_classes": o.classes if o and o.classes is not None else math.nan,
                        "pupils": f.people if f else math.nan,
                        "classes": f.demand if f else math.nan,
                    }
                )
    return pd.DataFrame(rows)


def cohort_table(scenario: Scenario) -> pd.DataFrame:
    """The cohort model's pupils per quartier, level and year, with the rate into the level and its source
    (given, observed, estimated, commune, default; empty for the first level): empty without `model: cohort`."""
    fc = scenario.spec.forecast
    school = fc.school if fc is not None else None
    if school is None or school.model != "cohort":
        return pd.DataFrame(columns=["district", "level", "kind", "year", "pupils", "rate", "rate_source"])
    districts = tuple(scenario.districts)
    years = scenario.horizon_years
    pupils = cohort_pupils(school, districts, years)
    rates = transition_rates(school, districts)
    kinds = cohort_kinds(school)
    rows = [
        {
            "district": d,
            "level": lv,
            "kind": k,
            "year": y,
            "pupils": pupils[(d, lv, y)],
            "rate": rates[(d, lv)][0] if (d, lv) in rates else math.nan,
            "rate_source": rates[(d, lv)][1] if (d, lv) in rates else "",
        }
        for d in districts
        for lv, k in kinds.items()
        for y in years
    ]
    return pd.DataFrame(rows)


def schools_table(scenario: Scenario) -> pd.DataFrame:
    """The balance per school and year (models/schools.py): empty without school rows."""
    rows = [
        {
            "school": b.school,
            "name": b.name,
            "district": b.district,
            "kind": b.kind,
            "year": b.year,
            "share": b.share,
            "pupils": b.pupils,
            "needed": b.needed,
            "classes": b.classes,
            "gap": b.gap,
            "site_limit": math.nan if b.site_limit is None else b.site_limit,
            "room": math.nan if b.room is None else b.room,
            "extensions": " ".join(b.extensions),
        }
        for b in school_balance(scenario)
    ]
    return pd.DataFrame(rows)


def demand_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    table = forecast_table(scenario)
    keys = ["district", "kind", "year"]
    out = {
        "demand": table[keys].assign(value=table["demand"].round(6)),
        "forecast": table.round(4),
        "capacity": table[keys].assign(value=table["existing"].round(6)),
    }
    observed = observed_table(scenario)
    if len(observed):
        out["observed"] = observed.round(4)
    cohorts = cohort_table(scenario)
    if len(cohorts):
        out["cohort"] = cohorts.round(4)
    schools = schools_table(scenario)
    if len(schools):
        out["schools"] = schools.round(4)
    return out


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
        how = (
            f"cohorts from {s.base_year} ageing level by level, new cohorts "
            + ("from births" if s.cohort is not None and s.cohort.entry == "births" else "at a trend")
            if s.model == "cohort"
            else f"pupils from {s.base_year} counts, trend"
        )
        rules = []
        if s.trend_damping != 1:
            rules.append(f"trend damped by {s.trend_damping:g} a year")
        if s.trend_bounds is not None:
            rules.append(f"cumulated change within {s.trend_bounds[0]:+.0%} / {s.trend_bounds[1]:+.0%}")
        if s.private_share is not None:
            first, last = scenario.years[0], scenario.last_year
            rules.append(
                f"private share {private_share(s, s.base_year):.0%} in {s.base_year}, "
                f"{private_share(s, first):.0%} in {first}, {private_share(s, last):.0%} in {last}"
            )
        return (
            f"{how} and new housing; {s.class_size:g} per class, "
            f"{', '.join(s.capped_levels)} capped at {s.cap:g} ({s.rep_cap:g} in REP/REP+); {rounding}"
            + "".join(f"; {r}" for r in rules)
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
    years = scenario.horizon_years
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
    lines += _observed_lines(scenario) + _cohort_lines(scenario) + _school_lines(scenario)
    return "\n".join(lines)


def _observed_lines(scenario: Scenario) -> list[str]:
    """Per kind and quartier: pupils in the first observed year and the base year, the yearly change between
    them, the forecast at the horizon's start and end and its yearly change: a forecast that breaks with the
    past shows."""
    table = observed_table(scenario)
    if not len(table):
        return []
    first, last = scenario.years[0], scenario.last_year
    lines = ["", "Pupils observed and forecast (observed.csv, observed.png); change a year"]
    width = max([22, *(len(d) + 2 for d in scenario.districts)])
    for k in dict.fromkeys(table["kind"]):
        rows = table[table["kind"] == k]
        seen_years = sorted(rows.loc[rows["observed_pupils"].notna(), "year"])
        if not seen_years:
            continue
        y0, y1 = int(seen_years[0]), int(seen_years[-1])
        lines.append(f"  {k:<{width}} {y0:>7} {y1:>7} {'change':>8}   {first:>7} {last:>7} {'change':>8}")
        for d in scenario.districts:
            r = rows[rows["district"] == d].set_index("year")
            if y0 not in r.index or y1 not in r.index or first not in r.index or last not in r.index:
                continue
            o0, o1 = r.loc[y0, "observed_pupils"], r.loc[y1, "observed_pupils"]
            f0, f1 = r.loc[first, "pupils"], r.loc[last, "pupils"]
            lines.append(
                f"  {d:<{width}} {o0:>7.0f} {o1:>7.0f} {_yearly(o0, o1, y1 - y0):>8}   {f0:>7.0f} {f1:>7.0f} "
                f"{_yearly(f0, f1, last - first):>8}"
            )
    return lines


def _yearly(a: float, b: float, years: int) -> str:
    if years <= 0 or not a > 0 or math.isnan(b):
        return "—"
    return f"{(b / a) ** (1 / years) - 1:+.1%}"


def _cohort_lines(scenario: Scenario) -> list[str]:
    """The cohort model's transition rates per quartier, with where they come from."""
    fc = scenario.spec.forecast
    school = fc.school if fc is not None else None
    if school is None or school.model != "cohort":
        return []
    rates = transition_rates(school, tuple(scenario.districts))
    levels = [lv for (d, lv) in rates if d == scenario.districts[0]]
    width = max([22, *(len(d) + 2 for d in scenario.districts)])
    lines = ["", "Cohort transition rates (pupils of a level per pupil of the previous level the year before)"]
    lines.append(f"  {'district':<{width}} " + " ".join(f"{lv:>6}" for lv in levels) + "  source")
    for d in scenario.districts:
        sources = sorted({rates[(d, lv)][1] for lv in levels})
        lines.append(
            f"  {d:<{width}} " + " ".join(f"{rates[(d, lv)][0]:>6.3f}" for lv in levels) + "  " + ", ".join(sources)
        )
    return lines


def _school_lines(scenario: Scenario) -> list[str]:
    """Per school and kind, in the first and last year: classes needed (its share of the quartier's pupils,
    rounded per school), classes it has, the site's room and the projects that extend it."""
    table = schools_table(scenario)
    if not len(table):
        return []
    first, last = scenario.years[0], scenario.last_year
    lines = ["", f"Schools (schools.csv): classes needed / held in {first} and {last}, room left on the site"]
    width = max([24, *(len(str(n)) + 2 for n in table["school"])])
    lines.append(
        f"  {'school':<{width}} {'district':<18} {'kind':<12} {str(first):>11} {str(last):>11} {'room':>6}  extensions"
    )
    for (sid, k), r in table.groupby(["school", "kind"], sort=False):
        r = r.set_index("year")
        a, b = r.loc[first], r.loc[last]
        room = "" if math.isnan(b["room"]) else f"{b['room']:g}"
        lines.append(
            f"  {sid:<{width}} {a['district']:<18} {k:<12} {a['needed']:>5g} / {a['classes']:<3g} "
            f"{b['needed']:>5g} / {b['classes']:<3g} {room:>6}  {b['extensions']}"
        )
    return lines


def write_demand(out_dir: str | Path, scenario: Scenario, chart: bool = True, lang: str = "fr") -> Path:
    """Write the demand tables (and the chart, in `lang`) into a results folder, atomically."""
    out_dir = Path(out_dir)
    if not is_results_folder(out_dir):
        raise OutputError(f"{out_dir} exists and is not a ppi results folder; choose an empty or new folder with --out")
    files = {f"{name}.csv": t.to_csv(index=False).encode("utf-8") for name, t in demand_tables(scenario).items()}
    if chart:
        files["demand.png"] = demand_chart(scenario, lang)
        if "observed.csv" in files:
            files["observed.png"] = observed_chart(scenario, lang)
    files[MARKER] = f"{DEMAND_FORMAT}\n".encode()
    replace_folder(out_dir, files)
    return out_dir
