"""The yearly revision's report (analysis.revision.Revision): console text, one HTML page, one workbook, in
French by default, English on request, through the one catalogue reports/text.py.

What changed since the adopted PPI — operations added, dropped, moved, under way slipped or dearer, abandoned
by the city (dropped by decision) — each with its reason in explain's terms (the value of undoing it, split into
its parts: reports.words.parts_text); the operations abandoned under way in their own group, with their CP paid
(sunk) and the capacity that will not come; the réalisé against the planned CP of the operations under way; and
the adopted and revised plans side by side on the same axes (the comparison charts, reports/charts.py).
"""

from __future__ import annotations

from typing import Any

from analysis.revision import Change, Revision
from reports.charts import VARIANT_COLOURS, comparison_spending_chart, comparison_unmet_chart
from reports.compare import Comparison
from reports.html_base import Fmt, esc, figure_html, html_table, page, section
from reports.words import parts_text
from reports.xlsx_base import Col, Texts, created_of, new_workbook, save_workbook, write_table

# A change whose undoing moves the objective by less than this (weighted unit-years: the last digit shown) is a
# tie: the revised plan and the plan that keeps the adopted year are worth the same.
TIE = 5e-4


def plan_labels(lang: str = "fr") -> tuple[str, str]:
    """The labels of the adopted and the revised plan in their comparison."""
    t = Texts(lang)
    return t("rv.adopted"), t("rv.revised")


def _units(comparison: Comparison) -> dict[str, str]:
    scenario = comparison.entries[-1].scenario
    return {k: scenario.spec.demand_kinds[k].unit for k in scenario.kinds}


def why_text(change: Change, comparison: Comparison, lang: str) -> str:
    """A change's reason: the value of undoing it (moved, dropped, added), or what the réalisé says (under way)."""
    t = Texts(lang)
    fmt = Fmt(lang)
    if change.kind == "abandoned":
        return t("rv.why.abandoned")
    if change.kind == "under_way":
        out = []
        if change.delay:
            out.append(t("rv.why.delay", delay=change.delay))
        if change.cost is not None:
            out.append(t("rv.why.cost", before=fmt.meur(change.adopted_cost), after=fmt.meur(change.cost)))
        return ", ".join(out)
    if not change.status:  # not valued (--no-reasons)
        return ""
    if change.parts is None:
        return t("rv.why.none", status=change.status)
    if change.kind != "added" and abs(change.parts.total) < TIE:
        return t("rv.why.tie", year=change.adopted)
    weight = comparison.entries[-1].scenario.cost_weight
    money = fmt.meur(change.parts.cost / weight) if weight else "—"
    parts = parts_text(change.parts.columns(), _units(comparison), lang)
    key = "rv.why.drop" if change.kind == "added" else "rv.why.keep"
    return t(key, year=change.adopted, value=fmt.num(change.value, 3), parts=parts, money=money)


def revision_year(comparison: Comparison) -> int:
    """The revision year: the revised plan's first year."""
    return comparison.entries[-1].scenario.first_year


def lost_text(change: Change, comparison: Comparison, lang: str) -> str:
    """The capacity an abandoned operation will not deliver: `30 places creche, 2 classes maternelle`."""
    fmt = Fmt(lang)
    kinds = comparison.entries[-1].scenario.spec.demand_kinds
    out = []
    for kind, units in change.lost:
        unit = kinds[kind].unit if kind in kinds else ""
        out.append(f"{fmt.num(units, 0)} {unit} {kind}" if unit and unit != kind else f"{fmt.num(units, 0)} {kind}")
    return ", ".join(out) or "—"


def _abandoned_rows(revision: Revision, comparison: Comparison, lang: str) -> list[list[Any]]:
    """One row per operation abandoned under way: id, adopted start, CP paid (sunk, euros), capacity lost."""
    return [[c.project, c.adopted, c.sunk, lost_text(c, comparison, lang)] for c in revision.abandoned]


def _abandoned_heads(t: Texts) -> list[str]:
    return [t("rv.head.project"), t("rv.head.adopted"), t("rv.head.sunk"), t("rv.head.lost")]


def _change_rows(revision: Revision, comparison: Comparison, lang: str) -> list[list[str]]:
    t = Texts(lang)
    return [
        [
            c.project,
            t(f"rv.kind.{c.kind}"),
            str(c.adopted) if c.adopted is not None else "—",
            str(c.revised) if c.revised is not None else "—",
            why_text(c, comparison, lang),
        ]
        for c in revision.changes
    ]


def _heads(t: Texts) -> list[str]:
    return [t("rv.head.project"), t("rv.head.change"), t("rv.head.adopted"), t("rv.head.revised"), t("rv.head.why")]


def _facts(revision: Revision, comparison: Comparison, lang: str, previous: str) -> list[str]:
    t = Texts(lang)
    fmt = Fmt(lang)
    revised = comparison.entries[-1]
    rev = revised.scenario.spec.revision
    locked = ", ".join(revision.locked) or t("rv.nothing_locked")
    return [
        t("rv.intro", previous=previous, year=revision.year, end=revised.scenario.last_year),
        t(
            "rv.objective",
            objective=fmt.num(revised.plan.get("objective"), 3),
            status=revised.plan.get("status"),
            stability=fmt.num(revision.stability, 3),
        ),
        t("rv.rules", move=fmt.num(rev.move_cost, 3), drop=fmt.num(rev.drop_cost, 3), locked=locked),
    ]


def revision_text(revision: Revision, comparison: Comparison, lang: str = "fr", previous: str = "") -> str:
    """The revision for the console: the facts, one line per change with its reason, then the operations
    abandoned under way with their CP paid (sunk) and the capacity that will not come."""
    t = Texts(lang)
    lines = [t("rv.title", year=revision.year), *_facts(revision, comparison, lang, previous), "", t("rv.changes")]
    if not revision.changes:
        lines.append("  " + t("rv.no_change"))
    rows = _change_rows(revision, comparison, lang)
    width = max((len(row[1]) for row in rows), default=11)
    for project, kind, adopted, revised, why in rows:
        lines.append(f"  {project:<28} {kind:<{width}} {adopted:>5} → {revised:<5} {why}")
    if revision.abandoned:
        fmt = Fmt(lang)
        lines += ["", t("rv.abandoned"), "  " + t("rv.abandoned_intro")]
        year = revision_year(comparison)
        for project, adopted, sunk, lost in _abandoned_rows(revision, comparison, lang):
            line = t("rv.abandoned_line", sunk=fmt.meur(sunk), year=year, lost=lost)
            lines.append(f"  {project:<28} {adopted:>5}  {line}")
    return "\n".join(lines)


def _realised_rows(revision: Revision, lang: str) -> list[list[Any]]:
    t = Texts(lang)

    def state(r: dict) -> str:
        if r["past"]:
            return t("rv.past")
        return t("rv.not_paid") if r.get("abandoned") else t("rv.future")

    return [[r["project"], r["year"], r["planned"], r["revised"], state(r)] for r in revision.realised]


def revision_html(revision: Revision, comparison: Comparison, lang: str = "fr", previous: str = "") -> str:
    """The revision as one self-contained HTML page."""
    fmt = Fmt(lang)
    t = Texts(lang)
    title = t("rv.title", year=revision.year)
    head = f"<h1>{esc(title)}</h1>" + "".join(f"<p>{esc(p)}</p>" for p in _facts(revision, comparison, lang, previous))
    rows = _change_rows(revision, comparison, lang)
    changes = (
        html_table(_heads(t), [[esc(c) for c in r] for r in rows])
        if rows
        else f'<p data-key="no-change">{esc(t("rv.no_change"))}</p>'
    )
    realised = html_table(
        [t("rv.head.project"), t("rv.head.year"), t("rv.head.planned"), t("rv.head.realised"), ""],
        [[esc(p), str(y), fmt.meur(a), fmt.meur(b), esc(w)] for p, y, a, b, w in _realised_rows(revision, lang)],
    )
    colours = {label: VARIANT_COLOURS[i % len(VARIANT_COLOURS)] for i, label in enumerate(comparison.labels)}
    charts = figure_html(
        "revision-spending", comparison_spending_chart(comparison, colours, fmt), t("rv.spending_caption")
    ) + figure_html("revision-unmet", comparison_unmet_chart(comparison, colours, fmt), t("rv.unmet_caption"))
    abandoned = (
        f"<p>{esc(t('rv.abandoned_intro'))}</p>"
        + html_table(
            _abandoned_heads(t),
            [
                [esc(p), str(a), fmt.meur(sunk), esc(lost)]
                for p, a, sunk, lost in _abandoned_rows(revision, comparison, lang)
            ],
        )
        if revision.abandoned
        else ""
    )
    body = "\n".join(
        [
            section("changes", t("rv.changes"), changes),
            *([section("abandoned", t("rv.abandoned"), abandoned)] if abandoned else []),
            section("realised", t("rv.realised"), realised),
            section("side", t("rv.side"), charts),
        ]
    )
    nav = [
        ("changes", t("rv.changes")),
        *([("abandoned", t("rv.abandoned"))] if abandoned else []),
        ("realised", t("rv.realised")),
        ("side", t("rv.side")),
    ]
    version = str(comparison.entries[-1].plan.get("ppi_version", ""))
    return page(lang, title, head, nav, body, version)


def revision_workbook(revision: Revision, comparison: Comparison, lang: str = "fr", previous: str = "") -> bytes:
    """The revision as an .xlsx workbook: the changes with their reasons, and the réalisé against the plan."""
    t = Texts(lang)
    wb = new_workbook()
    ws = wb.create_sheet(t("rv.sheet.changes"))
    write_table(
        ws,
        t("rv.title", year=revision.year),
        [Col(h, wrap=(i == 4)) for i, h in enumerate(_heads(t))],
        _change_rows(revision, comparison, lang),
        notes=[[line] for line in _facts(revision, comparison, lang, previous)],
    )
    if revision.abandoned:
        ws = wb.create_sheet(t("rv.abandoned"))
        write_table(
            ws,
            t("rv.abandoned"),
            [
                Col(t("rv.head.project")),
                Col(t("rv.head.adopted")),
                Col(t("rv.head.sunk"), "#,##0"),
                Col(t("rv.head.lost")),
            ],
            _abandoned_rows(revision, comparison, lang),
            notes=[[t("rv.abandoned_intro")]],
        )
    ws = wb.create_sheet(t("rv.sheet.realised"))
    write_table(
        ws,
        t("rv.realised"),
        [
            Col(t("rv.head.project")),
            Col(t("rv.head.year")),
            Col(t("rv.head.planned"), "#,##0"),
            Col(t("rv.head.realised"), "#,##0"),
            Col(t("rv.past") + " / " + t("rv.future")),
        ],
        _realised_rows(revision, lang),
    )
    return save_workbook(wb, created_of(dict(comparison.entries[-1].plan)))
