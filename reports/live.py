"""The live arbitration page's data and words (`ppi serve`, docs/serve-api.md): a plan, its changes against
the previous one, the diagnosis, one project's "why", the edits' labels, the comparison — as JSON-ready dicts
worded in the page's language from the one catalogue (reports/text.py), and the reports' own SVG charts.

The numbers are the ones the reports show (the plan's evaluation, plan.json's figures); nothing is computed
again here but sums of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from models.scenario import Scenario
from reports.charts import (
    VARIANT_COLOURS,
    comparison_spending_chart,
    comparison_unmet_chart,
    gantt_chart,
    heatmap_chart,
    spending_chart,
    unmet_chart,
)
from reports.compare import Comparison
from reports.html_base import NBSP, NNBSP, Fmt, district_names, kind_label, unit_of
from reports.html_compare import compared_indicator, compared_value
from reports.text import TEXT
from reports.words import change_text, finding_text, note_text, remedy_title, row_note_text, why_details
from results import Result

PLAN_CHARTS = ("spending", "unmet", "heatmap", "gantt")
COMPARISON_CHARTS = ("spending", "unmet")


def _clean(value: Any) -> Any:
    """A JSON-ready value: numpy numbers as Python's, NaN as None."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _year(value: Any) -> int | None:
    value = _clean(value)
    return None if value is None else int(value)


def words(key: str, lang: str, **values: Any) -> str:
    """One phrase of the page (`live.<key>`) in `lang`, filled with `values`."""
    return TEXT[lang][f"live.{key}"].format(**values)


def page_words(lang: str) -> dict[str, str]:
    """The page's own labels (`page.<key>` of the catalogue, served as `State.words` without the prefix); in
    French with the reports' typography: a no-break space before ":", "?", "!" and inside « », a narrow one
    before ";", so that no line starts with the punctuation."""
    found = {k.removeprefix("page."): v for k, v in TEXT[lang].items() if k.startswith("page.")}
    if lang != "fr":
        return found
    return {
        k: re.sub(r" ([:?!»])", NBSP + r"\1", v).replace("« ", "«" + NBSP).replace(" ;", NNBSP + ";")
        for k, v in found.items()
    }


def scenario_view(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the page lists it: years, kinds (worded, with their weight), and the projects with their
    resolved window and their quartier's name."""
    tail = [y for y in scenario.years if y > scenario.horizon_end]
    quartiers = district_names(scenario)
    return {
        "name": scenario.name,
        "years": list(scenario.years),
        "ppi_years": [y for y in scenario.years if y <= scenario.horizon_end],
        "tail_years": tail,
        "kinds": [
            {
                "id": k,
                "name": kind_label(scenario, k),
                "unit": unit_of(scenario, k),
                "weight": _clean(scenario.weight[k]),
            }
            for k in scenario.kinds
        ],
        "envelopes": {str(y): _clean(v) for y, v in scenario.envelope.items()},
        "carry_over": bool(scenario.carry_over),
        "transfers": bool(scenario.transfers_on),
        "projects": [
            {
                "id": p.id,
                "name": p.name,
                "quartier": p.district,
                "quartier_name": quartiers.get(p.district, p.district),
                "theme": p.theme,
                "kinds": sorted(p.capacity),
                "cost": p.cost,
                "city_share": p.city_share,
                "maturity": p.maturity,
                "competence": p.competence,
                "earliest": p.earliest,
                "latest": p.latest,
                "status": p.status,
            }
            for p in scenario.projects
        ],
    }


def plan_view(result: Result, lang: str) -> dict[str, Any]:
    """A plan as the page shows it: status, objective and its parts, key figures, projects, spending, unmet."""
    scenario = result.scenario
    view: dict[str, Any] = {
        "status": result.status,
        "status_label": TEXT[lang].get(f"status.{result.status}", result.status),
        "objective": _clean(result.objective),
        "bound": _clean(result.bound),
        "parts": [],
        "key_figures": [],
        "projects": [],
        "spending": [],
        "unmet": [],
    }
    ev = result.evaluation if result.has_plan else None
    if ev is None:
        return view
    kinds = list(scenario.kinds)
    view["parts"] = [
        {
            "label": words("part_unmet", lang, kind=kind_label(scenario, k)),
            "value": _clean(ev.unmet_term_by_kind.get(k)),
        }
        for k in kinds
    ]
    if ev.transfer_term:
        view["parts"].append({"label": words("part_transfers", lang), "value": _clean(ev.transfer_term)})
    view["parts"].append({"label": words("part_cost", lang), "value": _clean(ev.cost_term)})
    ppi_years = [y for y in scenario.years if y <= scenario.horizon_end]
    balance = ev.balance[ev.balance["year"].isin(ppi_years)]
    budget = ev.budget[ev.budget["year"].isin(ppi_years)]
    figures = [{"key": "objective", "label": TEXT[lang]["objective"], "value": _clean(result.objective), "unit": ""}]
    for k in kinds:
        total = float(balance.loc[balance["kind"] == k, "unmet"].sum())
        figures.append(
            {
                "key": f"unmet.{k}",
                "label": TEXT[lang]["unmet_kind"].format(kind=kind_label(scenario, k)),
                "value": total,
                "unit": TEXT[lang]["unit_years"].format(unit=unit_of(scenario, k)),
            }
        )
    chosen = int(ev.projects["chosen"].sum())
    figures.append({"key": "projects_chosen", "label": TEXT[lang]["projects_chosen"], "value": chosen, "unit": ""})
    city_cost = float(ev.projects.loc[ev.projects["chosen"], "city_cost"].sum())
    figures.append({"key": "city_cost", "label": TEXT[lang]["city_cost"], "value": city_cost, "unit": "€"})
    figures.append(
        {"key": "spent", "label": TEXT[lang]["spent"], "value": float(budget["spent"].sum()), "unit": "€"},
    )
    view["key_figures"] = figures
    columns = ["project", "name", "district", "theme", "status", "maturity", "competence", "city_share", "cost"]
    quartiers = district_names(scenario)
    for row in ev.projects.to_dict("records"):
        view["projects"].append(
            {
                "id": row["project"],
                **{("quartier" if c == "district" else c): _clean(row[c]) for c in columns[1:]},
                "quartier_name": quartiers.get(row["district"], row["district"]),
                "city_cost": _clean(row["city_cost"]),
                "chosen": bool(row["chosen"]),
                "start": _year(row["start"]) if row["chosen"] else None,
                "delivery": _year(row["delivery"]) if row["chosen"] else None,
            }
        )
    view["spending"] = [
        {"year": int(r["year"]), "spent": _clean(r["spent"]), "envelope": _clean(r["envelope"])}
        for r in ev.budget.to_dict("records")
    ]
    by_kind_year = ev.balance.groupby(["kind", "year"], sort=False)["unmet"].sum()
    view["unmet"] = [{"kind": k, "year": int(y), "value": float(v)} for (k, y), v in by_kind_year.items()]
    return view


def plan_chart(result: Result, name: str, lang: str) -> str:
    """One of the report's charts of a plan as SVG text (`PLAN_CHARTS`)."""
    fmt = Fmt(lang)
    ev = result.evaluation
    assert ev is not None, "a chart needs a plan"
    if name == "spending":
        return spending_chart(result.scenario, ev, fmt)
    if name == "unmet":
        return unmet_chart(result.scenario, ev, result.baseline, fmt)
    if name == "heatmap":
        return heatmap_chart(result.scenario, ev, fmt)
    if name == "gantt":
        return gantt_chart(result.scenario, ev, fmt)
    raise KeyError(name)


def changes_view(before: Result, after: Result) -> dict[str, Any]:
    """What changed from one plan to the next: projects that enter, leave and move; unmet demand per kind over
    the PPI's years; spending per year."""
    was, now = before.starts, after.starts
    entered = sorted(p for p, s in now.items() if s is not None and was.get(p) is None)
    left = sorted(p for p, s in was.items() if s is not None and now.get(p) is None)
    moved = [
        {"id": p, "from": was[p], "to": s}
        for p, s in sorted(now.items())
        if s is not None and was.get(p) is not None and was[p] != s
    ]
    view: dict[str, Any] = {"entered": entered, "left": left, "moved": moved, "unmet": [], "spending": []}
    if before.evaluation is None or after.evaluation is None:
        return view
    years = [y for y in after.scenario.years if y <= after.scenario.horizon_end]

    def unmet(r: Result) -> dict[str, float]:
        assert r.evaluation is not None
        b = r.evaluation.balance
        return {str(k): float(v) for k, v in b[b["year"].isin(years)].groupby("kind")["unmet"].sum().items()}

    u0, u1 = unmet(before), unmet(after)
    view["unmet"] = [{"kind": k, "before": u0.get(k, 0.0), "after": u1.get(k, 0.0)} for k in after.scenario.kinds]
    s0 = dict(zip(before.evaluation.budget["year"], before.evaluation.budget["spent"], strict=True))
    s1 = dict(zip(after.evaluation.budget["year"], after.evaluation.budget["spent"], strict=True))
    view["spending"] = [
        {"year": int(y), "before": _clean(s0.get(y, 0.0)), "after": _clean(s1.get(y, 0.0))}
        for y in sorted(set(s0) | set(s1))
    ]
    return view


def diagnosis_view(diagnosis: Any, lang: str) -> dict[str, Any]:
    """The diagnosis of an infeasible state: its findings worded, its remedies (each a list of `--set`)."""
    remedies = []
    colon = Fmt(lang).colon  # the catalogue's punctuation: in French a no-break space before the colon
    for i, r in enumerate(diagnosis.remedies):
        changes = [c.to_dict() for c in r.changes]
        title = remedy_title({"kind": r.kind, "changes": changes}, lang)
        detail = "; ".join(change_text(c, lang) for c in changes)
        remedies.append({"index": i, "label": f"{title}{colon}{detail}", "set": list(r.sets), "verified": r.verified})
    return {
        "findings": [finding_text(f.to_dict(), lang) for f in diagnosis.findings]
        + [note_text(k, v, lang) for k, v in diagnosis.notes],
        "remedies": remedies,
    }


def why_view(explanation: Any, scenario: Scenario, project: str, lang: str) -> dict[str, Any]:
    """One project's explain values (force in, drop or defer): the objective's change, its parts and the
    projects entering, leaving and moving, worded."""
    from reports.words import explanation_to_dict

    data = explanation_to_dict(explanation)
    units = {k: unit_of(scenario, k) for k in scenario.kinds}

    def name(pid: str) -> str:
        p = scenario.project.get(pid)
        return p.name if p is not None and p.name else pid

    values, lines = [], []
    for row in data["projects"]:
        if row.get("project") != project:
            continue
        change = str(row.get("change"))
        label = TEXT[lang].get(f"live.why_{change}", change)
        if row.get("delta") is None:
            detail = row_note_text(row, lang)
        else:
            detail = why_details(row, units, lang, kind_name=lambda k: kind_label(scenario, k), name=name)
        delta = _clean(row.get("delta"))
        values.append({"change": change, "label": label, "delta": delta, "new_start": row.get("new_start"),
                       "text": detail})  # fmt: skip
        shown = Fmt(lang).num(delta, 3) if delta is not None else "—"
        lines.append(f"{label}{Fmt(lang).colon}{shown}" + (f" ({detail})" if detail else ""))
    if not values:
        lines.append(words("why_nothing", lang, project=name(project)))
    return {"project": project, "running": False, "values": values, "text": "\n".join(lines)}


def comparison_view(comparison: Comparison, lang: str) -> dict[str, Any]:
    """The comparison's summary table (one row per figure, one column per state) and its two charts drawn on
    the same axes."""
    fmt = Fmt(lang)
    colours = {label: VARIANT_COLOURS[i % len(VARIANT_COLOURS)] for i, label in enumerate(comparison.labels)}
    summary = comparison.summary
    rows = [{str(k): _clean(v) for k, v in row.items()} for row in summary.to_dict("records")]
    scenario = comparison.entries[0].scenario
    kinds = list(dict.fromkeys(k for e in comparison.entries for k in e.scenario.kinds))
    for row in rows:  # worded as the comparison report words them (reports/html_compare.py)
        indicator, unit = str(row["indicator"]), str(row["unit"])
        row["label"], row["unit_label"] = compared_indicator(indicator, unit, kinds, scenario, fmt)
        row["texts"] = {label: compared_value(row.get(label), indicator, unit, fmt) for label in comparison.labels}
    return {
        "labels": comparison.labels,
        "columns": [str(c) for c in summary.columns],
        "head": {"indicator": fmt.t["indicator"], "unit": fmt.t["unit"]},
        "rows": rows,
        "starts": [{str(k): _clean(v) for k, v in row.items()} for row in comparison.projects.to_dict("records")],
        "charts": {
            "spending": comparison_spending_chart(comparison, colours, fmt),
            "unmet": comparison_unmet_chart(comparison, colours, fmt),
        },
    }


def edit_label(edit: Mapping[str, Any], scenario: Scenario, lang: str) -> str:
    """An edit of the page in words (`live.edit_<kind>`)."""
    fmt = Fmt(lang)
    kind = str(edit["kind"])
    values = dict(edit)
    if "project" in edit:
        p = scenario.project.get(str(edit["project"]))
        values["name"] = p.name if p is not None and p.name else edit["project"]
    if kind == "envelope":
        values["amount"] = fmt.meur(float(edit["value"]))
    if kind == "scale":
        values["percent"] = fmt.pct(float(edit["factor"]) - 1.0, 1)
    if kind == "weight":
        values["kind_name"] = kind_label(scenario, str(edit["demand_kind"]))
    if kind in ("carry", "transfers"):
        values["state"] = TEXT[lang]["live.on" if edit.get("on") else "live.off"]
    if kind == "window":
        values["earliest"] = edit.get("earliest") if edit.get("earliest") is not None else "…"
        values["latest"] = edit.get("latest") if edit.get("latest") is not None else "…"
    if kind == "shift":
        values["years"] = f"{int(edit['years']):+d}"
    return TEXT[lang][f"live.edit_{kind}"].format(**values)
