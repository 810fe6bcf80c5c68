"""The comparison of variants: one self-contained HTML page (see reports/html_plan.py for the page's
conventions), in French by default, English on request.

`comparison_html(comparison)`: the summary table and the start year of every project, differences
highlighted; spending per year (grouped bars, each variant with its envelope) and unmet demand per kind (one
line per variant), each chart on one set of axes (reports/charts.py); the inputs of each variant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models.plan import PLAN_STATUSES
from models.revision import abandoned_of
from reports.assumptions import maturity_text
from reports.charts import VARIANT_COLOURS, comparison_spending_chart, comparison_unmet_chart
from reports.compare import Comparison
from reports.html_base import (
    Fmt,
    attr_value,
    district_names,
    esc,
    figure_html,
    html_table,
    inputs_rows,
    kind_label,
    norm,
    now,
    page,
    section,
    status_word,
)
from reports.words import not_comparable_text


def comparison_html(comparison: Comparison, lang: str = "fr") -> str:
    """Several plans side by side as one self-contained HTML page: the summary table and the start year of
    every project with the differences highlighted, spending and unmet demand per year on shared axes."""
    fmt = Fmt(lang)
    t = fmt.t
    labels = comparison.labels
    first = comparison.entries[0].scenario
    version = next((str(e.plan.get("ppi_version")) for e in comparison.entries if e.plan.get("ppi_version")), "")
    head = (
        f'<p class="kicker">{esc(t["title_cmp"])}</p><h1>{esc(" · ".join(labels))}</h1>'
        f'<p class="meta">{esc(t["horizon"].format(start=first.first_year, end=first.last_year))}'
        f' · <span class="generated">{esc(t["generated"].format(date=fmt.date(now())))}</span></p>'
    )
    colours = {label: VARIANT_COLOURS[i % len(VARIANT_COLOURS)] for i, label in enumerate(labels)}
    legend = "".join(
        f'<span class="swatch-item"><span class="swatch" style="background:{colours[label]}"></span>{esc(label)}</span>'
        for label in labels
    )
    no_plan = [e.label for e in comparison.entries if e.plan.get("status") not in PLAN_STATUSES]
    missing = t["cmp_no_plan"].format(labels=", ".join(no_plan)) if no_plan else ""
    intro = f'<p>{esc(t["cmp_intro"].format(labels=", ".join(labels)))}</p>\n<p class="swatches">{legend}</p>'
    note = not_comparable_text(comparison, lang)
    if note:
        intro += f'\n<p class="message" data-key="not-comparable">{esc(note)}</p>'
    maturity = dict.fromkeys(maturity_text(e.scenario, lang) for e in comparison.entries)  # one if all alike
    intro += "".join(f'\n<p class="note" data-key="maturity-note">{esc(m)}</p>' for m in maturity)
    sections = [
        ("synthese", t["summary"], intro + "\n" + _cmp_summary_table(comparison, fmt)),
        (
            "depenses",
            t["spending"],
            figure_html(
                "spending",
                comparison_spending_chart(comparison, colours, fmt),
                esc(t["cmp_spending_caption"] + missing),
                {"variants": "|".join(labels), "axes": "1"},
            )
            + f"\n<h3>{esc(t['cmp_budget'])}</h3>\n"
            + _cmp_budget_table(comparison, fmt),
        ),
        (
            "besoins",
            t["unmet"],
            figure_html(
                "unmet",
                comparison_unmet_chart(comparison, colours, fmt),
                esc(t["cmp_unmet_caption"] + missing),
                {"variants": "|".join(labels)},
            ),
        ),
        ("demarrages", t["cmp_starts"], _cmp_projects_table(comparison, fmt)),
        ("hypotheses", t["inputs"], _cmp_inputs(comparison, fmt)),
    ]
    body = "\n".join(section(a, title, content) for a, title, content in sections)
    title = f"{t['title_cmp']} — {', '.join(labels)}"
    return page(lang, title, head, [(a, title) for a, title, _ in sections], body, version)


def _cmp_kind_of(indicator: str, kinds: Iterable[str]) -> tuple[str, str] | None:
    """('unmet', kind), ('unmet_worst', kind) or ('unmet_worst_year', kind) for the unmet indicators."""
    for k in sorted(kinds, key=len, reverse=True):
        if indicator == f"unmet {k}":
            return "unmet", k
        if indicator == f"unmet {k}, worst year":
            return "unmet_worst", k
        if indicator == f"unmet {k}, worst year (year)":
            return "unmet_worst_year", k
    return None


def _cmp_cell(value: Any, indicator: str, unit: str, fmt: Fmt) -> str:
    return esc(compared_value(value, indicator, unit, fmt))


def compared_value(value: Any, indicator: str, unit: str, fmt: Fmt) -> str:
    """One cell of the comparison's summary as text (not escaped; the live page shows it too)."""
    t = fmt.t
    value = norm(value)
    if value is None:
        return "—"
    if indicator == "status":
        return status_word(str(value), t)
    if unit == "€":
        return fmt.meur(float(value))
    if unit == "share":
        return fmt.pct(float(value), 2)
    if indicator.endswith("(year)") or isinstance(value, (int,)) and not isinstance(value, bool):
        return str(int(value))
    if indicator == "objective":
        return fmt.num(float(value), 2)
    if isinstance(value, float):
        return fmt.num(value, 1)
    return str(value)


def compared_indicator(indicator: str, unit: str, kinds: Iterable[str], scenario: Any, fmt: Fmt) -> tuple[str, str]:
    """A row of the comparison's summary worded: its figure's name and its unit (not escaped)."""
    t = fmt.t
    found = _cmp_kind_of(indicator, kinds)
    if found is not None:
        which, k = found
        name = t[f"ind.{which}"].format(kind=kind_label(scenario, k))
    else:
        name = t.get(f"ind.{indicator}", indicator)
    unit_text = {
        "€": t["M_eur"],
        "share": "%",
        "weighted unit-years": t["weighted_unit_years"],
        "years": t["years"],
    }.get(unit, unit)
    if unit.endswith(" × years"):
        unit_text = t["unit_years"].format(unit=unit[: -len(" × years")])
    return name, unit_text


def _cmp_summary_table(comparison: Comparison, fmt: Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    scenario = comparison.entries[0].scenario
    kinds = list(dict.fromkeys(k for e in comparison.entries for k in e.scenario.kinds))
    head: list[str | tuple[str, str]] = [t["indicator"], t["unit"], *((label, "num") for label in labels)]
    rows, classes = [], []
    for r in comparison.summary.to_dict("records"):
        indicator, unit = str(r["indicator"]), str(r["unit"])
        name, unit_text = compared_indicator(indicator, unit, kinds, scenario, fmt)
        base = norm(r[labels[0]])
        cells: list[str | tuple[str, str]] = [esc(name), esc(unit_text)]
        for label in labels:
            text = _cmp_cell(r[label], indicator, unit, fmt)
            css = "num differs" if r["differs"] and norm(r[label]) != base else "num"
            value = esc(attr_value(norm(r[label])))
            attrs = f'data-key="{esc(indicator)}" data-variant="{esc(label)}" data-value="{value}"'
            cells.append((f"<span {attrs}>{text}</span>", css))
        rows.append(cells)
        classes.append("differs" if r["differs"] else "")
    return html_table(head, rows, row_classes=classes, css="compare")


def _cmp_budget_table(comparison: Comparison, fmt: Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    group = "<tr><th></th>" + "".join(f'<th colspan="2" class="group">{esc(label)}</th>' for label in labels) + "</tr>"
    head: list[str | tuple[str, str]] = [t["year"]]
    for _label in labels:
        head += [(t["envelope"], "num"), (t["spent"], "num")]
    rows, classes = [], []
    for r in comparison.budget.to_dict("records"):
        cells: list[str | tuple[str, str]] = [str(int(r["year"]))]
        for label in labels:
            for col in (f"envelope {label}", f"spent {label}"):
                base = norm(r[f"{col.split(' ')[0]} {labels[0]}"])
                css = "num differs" if norm(r[col]) != base else "num"
                cells.append((esc(fmt.meur(norm(r[col]))), css))
        rows.append(cells)
        classes.append("differs" if r["differs"] else "")
    return html_table(head, rows, row_classes=classes, head_rows=[group], css="compare")


def _cmp_projects_table(comparison: Comparison, fmt: Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    names = district_names(comparison.entries[0].scenario)
    table = comparison.projects
    n = int(table["differs"].sum()) if len(table) else 0
    intro = f"<p>{esc(t['cmp_starts_intro'].format(n=n, total=len(table)))}</p>"
    head: list[str | tuple[str, str]] = [t["project"], t["district"], t["theme"], *((label, "num") for label in labels)]
    rows, classes = [], []
    records = table.to_dict("records")
    gone = {e.label: abandoned_of(e.scenario) for e in comparison.entries}  # stopped by the city in a revision
    for r in [r for r in records if r["differs"]] + [r for r in records if not r["differs"]]:
        base = norm(r[labels[0]])
        cells: list[str | tuple[str, str]] = [
            f'{esc(r["name"] or r["project"])}<br><span class="id">{esc(r["project"])}</span>',
            esc(names.get(r["district"], r["district"])),
            esc(r["theme"] or t["no_theme"]),
        ]
        for label in labels:
            value = norm(r[label])
            text = "—" if value is None else str(int(value))
            if value is None and r["project"] in gone[label]:
                text = t["rv.kind.abandoned"]
            css = "num differs" if r["differs"] and value != base else "num"
            attrs = (
                f'data-project="{esc(r["project"])}" data-variant="{esc(label)}" data-value="{esc(attr_value(value))}"'
            )
            cells.append((f"<span {attrs}>{text}</span>", css))
        rows.append(cells)
        classes.append("differs" if r["differs"] else "")
    return intro + "\n" + html_table(head, rows, row_classes=classes, css="compare")


def _cmp_inputs(comparison: Comparison, fmt: Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    per_entry = [inputs_rows(e.scenario, e.plan, fmt) for e in comparison.entries]
    keys = list(dict.fromkeys(key for rows in per_entry for _, _, key in rows))
    label_of = {key: label for rows in per_entry for label, _, key in rows}
    head: list[str | tuple[str, str]] = ["", *labels]
    rows, classes = [], []
    for key in keys:
        values = [next((v for _, v, k in entry if k == key), "—") for entry in per_entry]
        differs = len(set(values)) > 1 and key not in ("created", "solver")
        cells: list[str | tuple[str, str]] = [(esc(label_of[key]), "rowhead")]
        cells += [(v, "differs" if differs and v != values[0] else "") for v in values]
        rows.append(cells)
        classes.append("differs" if differs else "")
    status_row: list[str | tuple[str, str]] = [(esc(t["status"]), "rowhead")]
    status_row += [esc(status_word(e.plan.get("status"), t)) for e in comparison.entries]
    return html_table(head, [status_row, *rows], row_classes=["", *classes], css="inputs compare")
