"""What the HTML pages share: the formatter of numbers, money, shares and dates in the page's language, the
phrases of the catalogue (reports/text.py) with French typography, escaping, tables, key figures, the page
frame with its inline CSS and script, and the inputs table (of a plan page, and per variant in a comparison).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from models.scenario import Scenario
from reports.text import TEXT

LANGS = ("fr", "en")

NBSP = "\u00a0"  # between a number and its unit
NNBSP = "\u202f"  # French thousands separator (espace fine insécable), and before %

_KNOWN_KINDS = {"maternelle": "maternelle", "elementaire": "élémentaire", "creche": "crèche"}

# The phrases of the pages; in French with a no-break space before ":" and a narrow one before ";".
PAGE_TEXT: dict[str, dict[str, str]] = {
    "fr": {k: v.replace(" : ", f"{NBSP}: ").replace(" ;", f"{NNBSP};") for k, v in TEXT["fr"].items()},
    "en": TEXT["en"],
}

_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ),
}  # fmt: skip


# --------------------------------------------------------------------------------------------- formatting


class Fmt:
    """Numbers, money, shares and dates in the report's language (French: 12 345,6 — English: 12,345.6)."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown report language {lang!r}; choose one of {', '.join(LANGS)}")
        self.lang = lang
        self.t = PAGE_TEXT[lang]
        self.colon = f"{NBSP}: " if lang == "fr" else ": "

    def num(self, x: float | None, decimals: int = 1) -> str:
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "—"
        x = float(x)
        if round(x, decimals) == 0:
            x = 0.0  # no "-0,0"
        text = f"{abs(x):,.{decimals}f}"
        if self.lang == "fr":
            text = text.replace(",", NNBSP).replace(".", ",")
        return ("−" if x < 0 else "") + text

    def meur(self, x: float | None, decimals: int = 2) -> str:
        return "—" if x is None else f"{self.num(x / 1e6, decimals)}{NBSP}M€"

    def pct(self, x: float | None, decimals: int = 0) -> str:
        if x is None or not math.isfinite(x):
            return "—"
        return f"{self.num(100 * x, decimals)}{NNBSP if self.lang == 'fr' else ''}%"

    def date(self, iso: str | None) -> str:
        if not iso:
            return "—"
        try:
            when = datetime.fromisoformat(iso)
        except ValueError:
            return iso
        month = _MONTHS[self.lang][when.month - 1]
        zone = " UTC" if when.utcoffset() is not None and not when.utcoffset() else ""
        if self.lang == "fr":
            return f"{when.day} {month} {when.year} à {when:%H:%M}{zone}"
        return f"{when.day} {month} {when.year}, {when:%H:%M}{zone}"


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def attr_value(value: Any) -> str:
    """A plan.json value as it goes into data-value: repr of floats (unrounded), plain text otherwise."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ------------------------------------------------------------------------------------------------ names


def kind_label(scenario: Scenario, kind: str) -> str:
    spec = scenario.spec.demand_kinds.get(kind)
    return (spec.name if spec is not None and spec.name else None) or _KNOWN_KINDS.get(kind, kind)


def unit_of(scenario: Scenario, kind: str) -> str:
    spec = scenario.spec.demand_kinds.get(kind)
    return spec.unit if spec is not None else ""


def district_names(scenario: Scenario) -> dict[str, str]:
    return {d.id: d.name or d.id for d in scenario.spec.districts}


def short(text: str, limit: int = 58) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------------ pieces


def figure_html(name: str, svg: str, caption: str, extra: Mapping[str, str] | None = None) -> str:
    attrs = "".join(f' data-{k}="{esc(v)}"' for k, v in (extra or {}).items())
    return f'<figure class="chart" data-chart="{name}"{attrs}>\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>'


def kpi(label: str, value: str, key: str, data_value: Any, note: str = "", css: str = "") -> str:
    return (
        f'<div class="kpi{" " + css if css else ""}"><div class="label">{esc(label)}</div>'
        f'<div class="value" data-key="{esc(key)}" data-value="{esc(attr_value(data_value))}">{value}</div>'
        + (f'<div class="note">{note}</div>' if note else "")
        + "</div>"
    )


def data_span(key: str, data_value: Any, text: str) -> str:
    return f'<span data-key="{esc(key)}" data-value="{esc(attr_value(data_value))}">{text}</span>'


def html_table(
    head: Sequence[str | tuple[str, str]],
    rows: Iterable[Sequence[str | tuple[str, str]]],
    row_classes: Sequence[str] | None = None,
    head_rows: Sequence[str] = (),
    css: str = "",
) -> str:
    """An HTML table; a cell is its HTML, or (HTML, class). Header cells are escaped text."""

    def cell(tag: str, c: str | tuple[str, str], escape: bool) -> str:
        text, cls = (c, "") if isinstance(c, str) else c
        body = esc(text) if escape else text
        return f'<{tag} class="{cls}">{body}</{tag}>' if cls else f"<{tag}>{body}</{tag}>"

    out = [f'<div class="table-wrap"><table class="{css}">' if css else '<div class="table-wrap"><table>', "<thead>"]
    out += list(head_rows)
    out.append("<tr>" + "".join(cell("th", c, True) for c in head) + "</tr>")
    out.append("</thead><tbody>")
    for i, r in enumerate(rows):
        cls = row_classes[i] if row_classes and row_classes[i] else ""
        out.append((f'<tr class="{cls}">' if cls else "<tr>") + "".join(cell("td", c, False) for c in r) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def capacity_heads(scenario: Scenario) -> list[str | tuple[str, str]]:
    return [(f"{kind_label(scenario, k)} ({unit_of(scenario, k)})", "num") for k in scenario.kinds]


def capacity_cells(scenario: Scenario, capacity: Mapping[str, float], fmt: Fmt) -> list[str | tuple[str, str]]:
    cells: list[str | tuple[str, str]] = []
    for k in scenario.kinds:
        v = float(capacity.get(k, 0.0))
        cells.append((fmt.num(v, 0 if v.is_integer() else 1) if v else "", "num"))
    return cells


def group_row(before: int, title: str, span: int, after: int = 0) -> str:
    pad = "<th></th>" * before
    return f'<tr class="group">{pad}<th colspan="{span}" class="group">{esc(title)}</th>{"<th></th>" * after}</tr>'


def page(lang: str, title: str, head_html: str, nav: Sequence[tuple[str, str]], body: str, version: str) -> str:
    t = PAGE_TEXT[lang]
    links = "".join(f'<li><a href="#{anchor}">{esc(text)}</a></li>' for anchor, text in nav)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="ppi {esc(version)}">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header class="report-head">{head_html}</header>\n'
        f'<nav class="toc" aria-label="{esc(t["contents"])}"><ol>{links}</ol></nav>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer class="report-foot">{esc(t["footer"].format(version=version))}</footer>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def section(anchor: str, title: str, content: str) -> str:
    return f'<section id="{anchor}">\n<h2>{esc(title)}</h2>\n{content}\n</section>'


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def status_word(status: str | None, t: Mapping[str, str]) -> str:
    return t.get(f"status.{status}", str(status))


def norm(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value


def inputs_rows(scenario: Scenario, plan: Mapping[str, Any], fmt: Fmt) -> list[tuple[str, str, str]]:
    """(label, HTML, data-key) rows of the inputs table."""
    from reports.assumptions import override_text, shown_path, without_machine_paths

    t = fmt.t
    info = plan.get("scenario") or {}
    overrides = [override_text(o, fmt.lang) for o in scenario.overrides]  # the scenario's own, not the plan's text
    options = plan.get("options") or {}
    model = plan.get("model") or {}
    opts = ", ".join(f"{t.get(f'opt.{k}', k)} = {'—' if v is None else v}" for k, v in options.items()) or t["none_f"]
    runtime = plan.get("runtime_s")
    solver_text = t["solver_text"].format(
        solver=plan.get("solver") or "—",
        message=plan.get("solver_message") or "—",
        runtime=f"{fmt.num(runtime, 2)}{NBSP}{t['seconds']}" if runtime is not None else "—",
    )
    rows = [
        (t["scenario"], esc(info.get("name") or scenario.name), "scenario.name"),
        (t["source"], f"<code>{esc(shown_path(str(info.get('source') or scenario.source)))}</code>", "scenario.source"),
        (t["horizon_label"], esc(f"{scenario.first_year}–{scenario.last_year}"), "scenario.horizon"),
        (t["variant"], esc(scenario.variant or t["none_f"]), "scenario.variant"),
        (
            t["overrides"],
            "<ul>" + "".join(f"<li>{esc(o)}</li>" for o in overrides) + "</ul>" if overrides else esc(t["none_m"]),
            "scenario.overrides",
        ),
        (t["solver"], esc(solver_text), "solver"),
        (t["options"], esc(opts), "options"),
    ]
    if model:
        text = t["model_text"].format(
            columns=model.get("columns", "—"), binaries=model.get("binaries", "—"), rows=model.get("rows", "—")
        )
        rows.append((t["model"], esc(text), "model"))
    basis = plan.get("budget_basis") or ("net" if scenario.net_basis else "gross")
    rows.append((t["basis"], esc(t.get(f"basis.{basis}", basis)), "budget_basis"))
    if scenario.demand_source:
        derived = sum(src == "forecast" for src in scenario.demand_source.values())
        text = (
            t["demand_forecast"].format(n=derived, total=len(scenario.demand_source)) if derived else t["demand_table"]
        )
        rows.append((t["demand_source"], esc(text), "demand_source"))
    rows.append((t["created"], esc(fmt.date(plan.get("created"))), "created"))
    rows.append((t["version"], esc(plan.get("ppi_version") or "—"), "ppi_version"))
    warnings = [without_machine_paths(str(w), scenario) for w in plan.get("warnings") or []]
    if warnings:
        rows.append((t["warnings"], "<ul>" + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>", "warnings"))
    return rows


def inputs_section(scenario: Scenario, plan: Mapping[str, Any], fmt: Fmt) -> str:
    rows = inputs_rows(scenario, plan, fmt)
    body = "".join(
        f'<tr><th scope="row">{esc(label)}</th><td data-key="{key}">{value}</td></tr>' for label, value, key in rows
    )
    return f'<div class="table-wrap"><table class="inputs"><tbody>{body}</tbody></table></div>'


# ------------------------------------------------------------------------------------------------ page assets

_SCRIPT = """
window.addEventListener("load", function () {
  var figures = document.querySelectorAll("figure.chart");
  for (var i = 0; i < figures.length; i++) {
    var svg = figures[i].querySelector("svg");
    var box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    figures[i].setAttribute("data-rendered-width", String(Math.round(box.width)));
    figures[i].setAttribute("data-rendered-height", String(Math.round(box.height)));
  }
  document.body.setAttribute("data-ready", "1");
});
"""

_CSS = """
:root { --ink: #1d2733; --muted: #5b6673; --line: #dde2e8; --head: #1f3a5f; --bg: #f4f6f9;
  --diff: #fff0b8; --diff-ink: #6b4400; --ok: #1d7a46; --warn: #a86500; --bad: #b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45; font-size: 16px;
  font-family: "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, "Liberation Sans",
  "DejaVu Sans", sans-serif; }
header.report-head { background: var(--head); color: #fff; padding: 26px max(24px, calc((100% - 1120px) / 2)) 22px; }
header.report-head h1 { margin: 2px 0 6px; font-size: 1.9rem; line-height: 1.2; }
header.report-head .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .8rem;
  opacity: .85; }
header.report-head .meta { margin: 0; opacity: .9; font-size: .95rem; }
nav.toc { max-width: 1120px; margin: 14px auto 0; padding: 0 24px; }
nav.toc ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 8px; }
nav.toc a { display: inline-block; padding: 4px 12px; border-radius: 999px; background: #fff;
  border: 1px solid var(--line); color: var(--head); text-decoration: none; font-size: .9rem; }
nav.toc a:hover { background: #e8eef6; }
main { max-width: 1120px; margin: 0 auto; padding: 4px 24px 32px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 24px 20px;
  margin: 16px 0; }
h2 { margin: 0 0 14px; font-size: 1.4rem; color: var(--head); border-bottom: 2px solid #e6ebf1;
  padding-bottom: 6px; }
h3 { margin: 22px 0 10px; font-size: 1.1rem; color: var(--head); }
p { margin: 8px 0; }
.note, figcaption { color: var(--muted); font-size: .9rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--line); border-left: 4px solid var(--head); border-radius: 8px; padding: 10px 14px;
  background: #fbfcfe; }
.kpi .label { font-size: .85rem; color: var(--muted); font-weight: 600; }
.kpi .value { font-size: 1.7rem; font-weight: 700; font-variant-numeric: tabular-nums; margin: 2px 0; }
.kpi .value .unit { font-size: .85rem; font-weight: 500; color: var(--muted); }
.kpi .note { font-size: .85rem; }
.kpi.status-optimal { border-left-color: var(--ok); } .kpi.status-optimal .value { color: var(--ok); }
.kpi.status-feasible { border-left-color: var(--warn); } .kpi.status-feasible .value { color: var(--warn); }
.kpi.status-infeasible, .kpi.status-no_solution { border-left-color: var(--bad); }
.kpi.status-infeasible .value, .kpi.status-no_solution .value { color: var(--bad); }
.message { margin-top: 16px; border-left: 5px solid var(--bad); background: #fdeeec; padding: 12px 16px;
  border-radius: 6px; }
figure.chart { margin: 8px 0 18px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; max-width: 100%; }
figure.chart svg * { stroke-linejoin: round; stroke-linecap: butt; }
figcaption { margin-top: 4px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: #eef2f7; color: #26323f; font-weight: 600; vertical-align: bottom; }
th.group { text-align: center; border-left: 1px solid var(--line); border-bottom: 1px solid #c9d2dc; }
tr.group th { padding-bottom: 2px; }
table.projects td:first-child { min-width: 13em; }
.sub { color: var(--muted); }
td.num, th.num { text-align: right; }
td.num, td.nowrap { white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr.total td { font-weight: 700; border-top: 2px solid #9aa5b1; background: #f3f5f8; }
table.inputs th[scope="row"], td.rowhead { width: 26%; color: var(--muted); font-weight: 600; }
table.inputs ul { margin: 0; padding-left: 1.2em; }
tr.differs td:first-child { box-shadow: inset 4px 0 0 #e0a800; }
tbody tr td.differs { background: var(--diff); color: var(--diff-ink); font-weight: 700; }
td.alert { color: var(--bad); font-weight: 700; }
.id { color: var(--muted); font-size: .8rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.tag { display: inline-block; font-size: .75rem; padding: 0 6px; border-radius: 4px; background: #e8eef6;
  color: var(--head); white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
.swatches { display: flex; flex-wrap: wrap; gap: 6px 16px; }
.swatch-item { white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px;
  vertical-align: -1px; }
footer.report-foot { max-width: 1120px; margin: 0 auto 28px; padding: 0 24px; color: var(--muted); font-size: .8rem; }
@page { size: A4; margin: 15mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 9.5pt; }
  header.report-head { background: none; color: var(--ink); padding: 0 0 6pt; border-bottom: 2pt solid var(--head); }
  header.report-head h1 { font-size: 17pt; }
  nav.toc { display: none; }
  main { max-width: none; padding: 0; }
  section { border: none; border-radius: 0; padding: 0; margin: 12pt 0 0; }
  h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .kpis { grid-template-columns: repeat(3, 1fr); gap: 6pt; }
  .kpi { break-inside: avoid; page-break-inside: avoid; }
  .kpi .value { font-size: 14pt; }
  figure.chart { break-inside: avoid; page-break-inside: avoid; }
  figure.chart svg { max-height: 245mm; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  tbody tr:nth-child(even) td { background: none; }
  footer.report-foot { padding: 0; margin-top: 12pt; }
}
"""
