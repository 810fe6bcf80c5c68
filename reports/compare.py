"""Side-by-side comparison of plans (arbitration variants), from their plan.json form.

A comparison holds, for two or more labelled plans of scenarios over the same kinds of demand, the tables
élus look at in a meeting — each with one column per variant, and a `differs` flag where the variants do
not agree:
- `summary`   one row per indicator: status, gap, objective, unmet demand per kind (unit-years and worst
              year), projects chosen, city cost, spending, net effort, debt indicators when present;
- `projects`  one row per project of any variant: its start year in each (blank: not chosen);
- `budget`    one row per year: envelope and spending in each;
- `unmet`     one row per kind and year: unmet demand in each.
The printed form (`format_comparison`) and the files (`comparison_tables`) show the same content.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.evaluate import ObjectiveWeights
from models.plan import OPTIMALITY_GAP, PLAN_STATUSES
from models.scenario import Scenario
from results import Result


@dataclass(frozen=True)
class Entry:
    """One plan of the comparison: its label (`scenario[:variant]` or a results folder) and the plan, solved
    or read back."""

    label: str
    result: Result

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def plan(self) -> Mapping[str, Any]:
        """The plan.json document (the figures it records: budget, finance, options, dates)."""
        return self.result.record.data


@dataclass(frozen=True)
class Comparison:
    entries: tuple[Entry, ...]
    summary: pd.DataFrame
    projects: pd.DataFrame
    budget: pd.DataFrame
    unmet: pd.DataFrame

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    @property
    def weights(self) -> dict[str, ObjectiveWeights]:
        """What each plan's objective counts (kinds' weights, discount, transfer penalty, cost weight, tail weight)."""
        return {e.label: ObjectiveWeights.of(e.scenario) for e in self.entries}

    @property
    def comparable(self) -> bool:
        """True when every objective counts the same way: only then does a lower objective mean a better plan."""
        return len(set(self.weights.values())) == 1

    def weight_differences(self) -> dict[str, list[tuple[str, Any]]]:
        """Per plan, the weights that differ from the first plan's: [(what, value)] (what: a kind, "discount",
        "transfer penalty", "cost" or "tail weight")."""
        first, *_ = self.weights.values()
        out: dict[str, list[tuple[str, Any]]] = {}
        for label, w in self.weights.items():
            diffs = [
                (k, weight) for (k, weight, _), (_, w0, _) in zip(w.kinds, first.kinds, strict=False) if weight != w0
            ]
            diffs += [(k, weight) for k, weight, _ in w.kinds[len(first.kinds) :]]
            for name, value, value0 in (
                ("discount", w.discount_rate, first.discount_rate),
                ("transfer penalty", w.transfer_penalty, first.transfer_penalty),
                ("cost", w.cost_weight, first.cost_weight),
                ("tail weight", w.tail_weight, first.tail_weight),
            ):
                if value != value0:
                    diffs.append((name, value))
            if diffs:
                out[label] = diffs
        return out


def _has_plan(plan: Mapping[str, Any]) -> bool:
    return plan.get("status") in PLAN_STATUSES


def _differs(values: list[Any]) -> bool:
    def norm(v: Any) -> Any:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        return round(v, 6) if isinstance(v, float) else v

    return len({norm(v) for v in values}) > 1


def _summary(entries: tuple[Entry, ...]) -> pd.DataFrame:
    kinds = list(dict.fromkeys(k for e in entries for k in e.scenario.kinds))
    rows: list[tuple[str, str, list[Any], bool]] = []  # (indicator, unit, values, differs)

    def add(indicator: str, unit: str, values: list[Any], differs: bool | None = None) -> None:
        rows.append((indicator, unit, values, _differs(values) if differs is None else differs))

    add("status", "", [e.plan.get("status") for e in entries])
    # Gaps within the optimality tolerance all mean "proven optimal": they do not differ.
    gaps = [e.plan.get("gap") for e in entries]
    add("gap", "share", gaps, _differs([g if g is None or g > OPTIMALITY_GAP else 0.0 for g in gaps]))
    add("objective", "weighted unit-years", [e.plan.get("objective") for e in entries])
    for k in kinds:
        totals, worst, worst_year = [], [], []
        for e in entries:
            end = e.scenario.last_year  # the PPI's years: the tail after the horizon apart
            bal = [r for r in e.plan.get("balance", []) if r["kind"] == k and int(r["year"]) <= end]
            if not _has_plan(e.plan) or not bal:
                totals.append(None)
                worst.append(None)
                worst_year.append(None)
                continue
            by_year: dict[int, float] = {}
            for r in bal:
                by_year[int(r["year"])] = by_year.get(int(r["year"]), 0.0) + float(r["unmet"])
            totals.append(sum(by_year.values()))
            year = max(sorted(by_year), key=lambda y: by_year[y])
            worst.append(by_year[year])
            worst_year.append(year)
        unit = next((e.scenario.spec.demand_kinds[k].unit for e in entries if k in e.scenario.kinds), "")
        add(f"unmet {k}", f"{unit} × years", totals)
        add(f"unmet {k}, worst year", unit, worst)
        add(f"unmet {k}, worst year (year)", "", worst_year)
    chosen, cost, spent, net = [], [], [], []
    for e in entries:
        projects = e.plan.get("projects", [])
        chosen.append(len(e.result.chosen) if _has_plan(e.plan) else None)
        cost.append(sum(float(p.get("city_cost", 0.0)) for p in projects) if _has_plan(e.plan) else None)
        budget = [r for r in e.plan.get("budget", []) if int(r["year"]) <= e.scenario.last_year]
        spent.append(sum(float(r["spent"]) for r in budget) if _has_plan(e.plan) else None)
        net.append(sum(float(r.get("net_effort", r["spent"])) for r in budget) if _has_plan(e.plan) else None)
    add("projects chosen", "", chosen)
    add("city cost of the projects chosen", "€", cost)
    add("spending over the horizon", "€", spent)
    add("net effort over the horizon", "€", net)
    if any(e.plan.get("finance") for e in entries):
        debt_years, debt_end = [], []
        for e in entries:
            fin = [r for r in e.plan.get("finance") or [] if int(r["year"]) <= e.scenario.last_year]
            debt_years.append(max((r["debt_years"] for r in fin if r.get("debt_years") is not None), default=None))
            debt_end.append(fin[-1]["debt"] if fin else None)
        add("capacité de désendettement, worst year", "years", debt_years)
        add("debt at the horizon end", "€", debt_end)
    labels = [e.label for e in entries]
    table = pd.DataFrame(
        [{"indicator": i, "unit": u, **dict(zip(labels, v, strict=True)), "differs": d} for i, u, v, d in rows]
    )
    return table


def _projects(entries: tuple[Entry, ...]) -> pd.DataFrame:
    order: dict[str, dict[str, Any]] = {}
    for e in entries:
        for p in e.scenario.projects:
            order.setdefault(p.id, {"project": p.id, "name": p.name, "district": p.district, "theme": p.theme})
    starts = {e.label: e.result.starts for e in entries}
    rows = []
    for pid, info in order.items():
        values = [starts[e.label].get(pid) for e in entries]
        row = {**info, **{e.label: v for e, v in zip(entries, values, strict=True)}, "differs": _differs(values)}
        rows.append(row)
    table = pd.DataFrame(rows)
    for e in entries:
        table[e.label] = table[e.label].astype("Int64")
    return table


def _budget(entries: tuple[Entry, ...]) -> pd.DataFrame:
    years = sorted({int(r["year"]) for e in entries for r in e.plan.get("budget", [])})
    rows = []
    for y in years:
        row: dict[str, Any] = {"year": y}
        spent = []
        for e in entries:
            r = next((r for r in e.plan.get("budget", []) if int(r["year"]) == y), None)
            row[f"envelope {e.label}"] = None if r is None else float(r["envelope"])
            row[f"spent {e.label}"] = None if r is None else float(r["spent"])
            spent.append(row[f"spent {e.label}"])
        row["differs"] = _differs(spent) or _differs([row[f"envelope {e.label}"] for e in entries])
        rows.append(row)
    return pd.DataFrame(rows)


def _unmet(entries: tuple[Entry, ...]) -> pd.DataFrame:
    kinds = list(dict.fromkeys(k for e in entries for k in e.scenario.kinds))
    years = sorted({y for e in entries for y in e.scenario.years})
    sums = {
        e.label: pd.DataFrame(e.plan.get("balance", []), columns=["kind", "year", "unmet"])
        .groupby(["kind", "year"])["unmet"]
        .sum()
        .to_dict()
        for e in entries
    }
    rows = []
    for k in kinds:
        for y in years:
            values = [sums[e.label].get((k, y)) if _has_plan(e.plan) else None for e in entries]
            rows.append({"kind": k, "year": y, **dict(zip([e.label for e in entries], values, strict=True))})
            rows[-1]["differs"] = _differs(values)
    return pd.DataFrame(rows)


def compare(entries: list[Entry]) -> Comparison:
    """Build the comparison tables of two or more plans (labels must be distinct)."""
    labels = [e.label for e in entries]
    if len(entries) < 2:
        raise ValueError("a comparison needs at least two plans")
    if len(set(labels)) != len(labels):
        raise ValueError(f"each plan of a comparison needs its own label, got {labels}")
    items = tuple(entries)
    return Comparison(items, _summary(items), _projects(items), _budget(items), _unmet(items))


def comparison_tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """The tables written to files (CSV, and the sheets of the workbook)."""
    return {
        "summary": comparison.summary,
        "projects": comparison.projects,
        "budget": comparison.budget,
        "unmet": comparison.unmet,
    }


def _cell(value: Any, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if unit == "€":
        return f"{value / 1e6:,.2f} M€"
    if unit == "share":
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def format_comparison(comparison: Comparison) -> str:
    """The comparison as text: indicators, projects whose start differs, spending per year; `*` marks a
    difference between the variants."""
    labels = comparison.labels
    width = max(14, *(len(label) for label in labels))
    lines = ["Comparison of " + ", ".join(labels), ""]
    head = f"  {'':<44}" + "".join(f"{label:>{width + 2}}" for label in labels)
    lines.append(head)
    for row in comparison.summary.to_dict("records"):
        mark = "*" if row["differs"] else " "
        name = row["indicator"] + (f" ({row['unit']})" if row["unit"] not in ("", "€", "share") else "")
        cells = "".join(f"{_cell(row[label], row['unit']):>{width + 2}}" for label in labels)
        lines.append(f"{mark} {name:<44}{cells}")
    note = comparable_note(comparison)
    if note:
        lines += ["", note]
    differ = comparison.projects[comparison.projects["differs"]]
    lines += ["", f"Projects whose start differs ({len(differ)} of {len(comparison.projects)}; — not chosen):"]
    if len(differ):
        lines.append(f"  {'project':<36}" + "".join(f"{label:>{width + 2}}" for label in labels))
        for row in differ.to_dict("records"):
            cells = "".join(f"{_cell(row[label]):>{width + 2}}" for label in labels)
            lines.append(f"* {row['project']:<36}{cells}")
    lines += ["", "Spending per year, M€ (envelope / spent):"]
    lines.append("  year" + "".join(f"{label:>{width + 8}}" for label in labels))
    for row in comparison.budget.to_dict("records"):
        mark = "*" if row["differs"] else " "
        cells = ""
        for label in labels:
            env, spent = row[f"envelope {label}"], row[f"spent {label}"]
            text = "—" if env is None else f"{env / 1e6:.2f} / {spent / 1e6:.2f}"
            cells += f"{text:>{width + 8}}"
        lines.append(f"{mark} {row['year']}{cells}")
    lines += ["", "* the variants differ"]
    return "\n".join(lines)


def comparable_note(comparison: Comparison) -> str:
    """Empty when the objectives are comparable; else, for the printout, which weights differ and what to
    compare instead (the catalogue's words, reports.words.not_comparable_text)."""
    from reports.words import not_comparable_text

    note = not_comparable_text(comparison, "en")
    return f"! {note}" if note else ""
