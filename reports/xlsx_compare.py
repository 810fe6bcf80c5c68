"""The comparison of variants as a workbook, in French (default) or English (conventions:
reports/xlsx_base.py).

Sheets of `comparison_workbook`: Synthèse, Projets, Budget, Besoins non satisfaits, Hypothèses, with one
column per variant; rows where the variants differ have their variant cells filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from models.revision import abandoned_of
from reports.assumptions import maturity_text
from reports.compare import Comparison
from reports.html_base import Fmt
from reports.words import not_comparable_text
from reports.xlsx_base import (
    COUNT,
    DIFF_FILL,
    EPOCH,
    GAP,
    MONEY,
    NUMBER,
    UNITS,
    WARN_FONT,
    YEAR,
    Cell,
    Col,
    Texts,
    clean,
    created_of,
    inputs_of,
    labels_of,
    money,
    new_workbook,
    rounded,
    save_workbook,
    write_table,
)

# The phrase of each indicator of reports.compare (those per kind of demand aside).
_INDICATORS = {
    "status": "wb.status",
    "gap": "wb.gap",
    "objective": "wb.objective",
    "projects chosen": "projects_chosen",
    "city cost of the projects chosen": "wb.city_cost",
    "spending over the horizon": "wb.spent",
    "net effort over the horizon": "wb.net_effort",
    "capacité de désendettement, worst year": "wb.debt_years",
    "debt at the horizon end": "wb.debt_at_end",
}


def _indicator(raw: str, kinds: dict[str, str], t: Texts) -> str:
    """The compare module's indicator names in the workbook's language (unknown ones kept as is)."""
    if raw.startswith("unmet "):
        rest = raw[len("unmet ") :]
        for suffix, key in ((", worst year (year)", "unmet_worst_year"), (", worst year", "unmet_worst")):
            if rest.endswith(suffix):
                k = rest[: -len(suffix)]
                return t(key, kind=kinds.get(k, k))
        return t("unmet_kind", kind=kinds.get(rest, rest))
    return t(_INDICATORS[raw]) if raw in _INDICATORS else raw


def _unit(raw: str, t: Texts) -> str:
    if raw == "share":
        return t("u.share")
    if raw == "weighted unit-years":
        return t("u.weighted")
    if raw == "years":
        return t("years")
    if raw.endswith(" × years"):
        return t("unit_years", unit=raw[: -len(" × years")])
    return raw


def _fmt_for(indicator: str, unit: str) -> str | None:
    if unit == "€":
        return MONEY
    if unit == "share":
        return GAP
    if indicator.endswith("(year)"):
        return YEAR
    if indicator == "projects chosen":
        return COUNT
    if unit == "years" or unit == "weighted unit-years":
        return NUMBER
    return UNITS


def _fill(differs: Any) -> PatternFill | None:
    return DIFF_FILL if bool(differs) else None


@dataclass(frozen=True)
class _Variants:
    """What every sheet of a comparison needs: the variants' labels, the names of kinds, units and
    districts over all variants (the first one naming each wins), the footer and the yes/no words."""

    labels: list[str]
    kinds: dict[str, str]
    units: dict[str, str]
    districts: dict[str, str]
    footer: str
    yes: str
    no: str


def _variants(comparison: Comparison, t: Texts) -> _Variants:
    kinds: dict[str, str] = {}
    units: dict[str, str] = {}
    districts: dict[str, str] = {}
    for e in comparison.entries:
        d_names, k_names, k_units = labels_of(e.scenario)
        for k, v in k_names.items():
            kinds.setdefault(k, v)
        for k, v in k_units.items():
            units.setdefault(k, v)
        for d, v in d_names.items():
            districts.setdefault(d, v)
    labels = comparison.labels
    return _Variants(labels, kinds, units, districts, " / ".join(labels), t("yes"), t("no"))


def _summary_sheet(wb: Workbook, comparison: Comparison, t: Texts, vs: _Variants) -> None:
    """Synthèse: indicator × variant."""
    labels = vs.labels
    columns = [Col(t("indicator")), Col(t("unit")), *(Col(label) for label in labels), Col(t("h.differs"))]
    rows = []
    for r in comparison.summary.to_dict("records"):
        fill = _fill(r["differs"])
        fmt = _fmt_for(r["indicator"], r["unit"])
        if r["indicator"] == "status":
            values = [Cell(t.status(r[label]) if r[label] else None, fill=fill) for label in labels]
        else:
            values = [Cell(rounded(r[label], 2 if fmt == MONEY else 6), fmt, fill) for label in labels]
        unit = _unit(r["unit"], t)
        rows.append([_indicator(r["indicator"], vs.kinds, t), unit, *values, vs.yes if r["differs"] else vs.no])
    note = not_comparable_text(comparison, t.lang)
    notes = [[Cell(note, font=WARN_FONT)]] if note else []
    notes += [[m] for m in dict.fromkeys(maturity_text(e.scenario, t.lang) for e in comparison.entries)]
    write_table(
        wb.create_sheet(t("summary")), t("t.csummary"), columns, rows, freeze_cols=2, footer=vs.footer, notes=notes
    )


def _projects_sheet(wb: Workbook, comparison: Comparison, t: Texts, vs: _Variants) -> None:
    """Projets: the start year of each project per variant."""
    labels = vs.labels
    columns = [
        Col(t("h.id")),
        Col(t("project"), wrap=True),
        Col(t("h.district")),
        Col(t("theme")),
        *(Col(label, YEAR) for label in labels),
        Col(t("h.differs")),
    ]
    rows = []
    gone = [abandoned_of(e.scenario) for e in comparison.entries]  # stopped by the city in a revision
    for r in comparison.projects.to_dict("records"):
        fill = _fill(r["differs"])
        starts = [clean(r[label]) for label in labels]
        cells = [
            Cell(
                int(s) if s is not None else t("rv.kind.abandoned") if r["project"] in g else t("wb.not_chosen"),
                fill=fill,
            )
            for s, g in zip(starts, gone, strict=True)
        ]
        rows.append([r["project"], r["name"], vs.districts.get(r["district"], r["district"]), r["theme"], *cells])
        rows[-1].append(vs.yes if r["differs"] else vs.no)
    write_table(wb.create_sheet(t("sh.projects")), t("t.cprojects"), columns, rows, freeze_cols=1, footer=vs.footer)


def _budget_sheet(wb: Workbook, comparison: Comparison, t: Texts, vs: _Variants) -> None:
    """Budget: envelope and spending per year per variant, with totals."""
    labels = vs.labels
    columns = [Col(t("year"), YEAR)]
    for label in labels:
        columns += [Col(t("h.envelope_of", label=label), MONEY), Col(t("h.spent_of", label=label), MONEY)]
    columns.append(Col(t("h.differs")))
    rows = []
    sums = [0.0] * (2 * len(labels))
    for r in comparison.budget.to_dict("records"):
        fill = _fill(r["differs"])
        row: list[Any] = [int(r["year"])]
        for i, label in enumerate(labels):
            env, spent = clean(r[f"envelope {label}"]), clean(r[f"spent {label}"])
            row += [Cell(None if env is None else money(env), fill=fill)]
            row += [Cell(None if spent is None else money(spent), fill=fill)]
            sums[2 * i] += env or 0.0
            sums[2 * i + 1] += spent or 0.0
        rows.append([*row, vs.yes if r["differs"] else vs.no])
    totals = [[t("wb.total"), *(money(v) for v in sums), ""]] if rows else []
    write_table(wb.create_sheet(t("sh.budget")), t("t.cbudget"), columns, rows, totals, freeze_cols=1, footer=vs.footer)


def _unmet_sheet(wb: Workbook, comparison: Comparison, t: Texts, vs: _Variants) -> None:
    """Besoins non satisfaits: kind × year per variant, with a total per kind."""
    labels = vs.labels
    columns = [
        Col(t("h.kind")),
        Col(t("unit")),
        Col(t("year"), YEAR),
        *(Col(label, UNITS) for label in labels),
        Col(t("h.differs")),
    ]
    rows = []
    by_kind: dict[str, list[float]] = {}
    end = comparison.entries[0].scenario.horizon_end  # the totals cover the PPI's years, as the indicators
    for r in comparison.unmet.to_dict("records"):
        fill = _fill(r["differs"])
        values = [rounded(r[label], 6) for label in labels]
        acc = by_kind.setdefault(r["kind"], [0.0] * len(labels))
        for i, v in enumerate(values):
            acc[i] += (v or 0.0) if int(r["year"]) <= end else 0.0
        k = r["kind"]
        rows.append([vs.kinds.get(k, k), vs.units.get(k, ""), int(r["year"]), *(Cell(v, fill=fill) for v in values)])
        rows[-1].append(vs.yes if r["differs"] else vs.no)
    totals = [
        [t("total_of", kind=vs.kinds.get(k, k)), vs.units.get(k, ""), None, *(round(v, 6) for v in acc), ""]
        for k, acc in by_kind.items()
    ]
    write_table(wb.create_sheet(t("unmet")), t("t.cunmet"), columns, rows, totals, freeze_cols=1, footer=vs.footer)


def _inputs_sheet(wb: Workbook, comparison: Comparison, t: Texts, vs: _Variants) -> None:
    """Hypothèses: the inputs and the solve of each variant."""
    labels = vs.labels
    entries = comparison.entries
    fields: list[tuple[str, list[Any]]] = []
    info = [inputs_of(e.scenario, e.plan, t.lang) for e in entries]
    fields.append((t("scenario"), [i[0] for i in info]))
    fields.append((t("wb.source"), [i[1] for i in info]))
    fields.append((t("variant"), [i[2] or t("none_f") for i in info]))
    fields.append((t("wb.overrides"), ["\n".join(i[3]) if i[3] else t("none_f") for i in info]))
    fields.append((t("solver"), [e.plan.get("solver") or "" for e in entries]))
    for key in dict.fromkeys(k for e in entries for k in (e.plan.get("options") or {})):
        label = t("option", key=t.get(f"opt.{key}", key))
        values = [(e.plan.get("options") or {}).get(key) for e in entries]
        fields.append((label, ["—" if v is None else v for v in values]))
    fields.append((t("wb.status"), [t.status(e.plan.get("status")) for e in entries]))
    fields.append((t("wb.created"), [Fmt(t.lang).date(e.plan.get("created")) for e in entries]))
    fields.append((t("version"), [e.plan.get("ppi_version") or "" for e in entries]))
    columns = [Col(t("h.item")), *(Col(label, wrap=True) for label in labels), Col(t("h.differs"))]
    rows = []
    for label, values in fields:
        if label == t("wb.created"):  # plans are solved at different times: not a difference of inputs
            rows.append([label, *values, ""])
            continue
        differs = len({str(v) for v in values}) > 1
        fill = _fill(differs)
        rows.append([label, *(Cell(v, fill=fill) for v in values), vs.yes if differs else vs.no])
    write_table(wb.create_sheet(t("sh.inputs")), t("t.cinputs"), columns, rows, freeze_cols=1, footer=vs.footer)


def comparison_workbook(comparison: Comparison, lang: str = "fr") -> bytes:
    """The comparison of variants as an .xlsx workbook (bytes): Synthèse, Projets, Budget, Besoins non
    satisfaits, Hypothèses; one column per variant, differing rows' variant cells filled."""
    t = Texts(lang)
    vs = _variants(comparison, t)
    wb = new_workbook()
    wb.properties.title = vs.footer
    for sheet in (_summary_sheet, _projects_sheet, _budget_sheet, _unmet_sheet, _inputs_sheet):
        sheet(wb, comparison, t, vs)
    entries = comparison.entries
    created = max((created_of(e.plan) for e in entries), default=EPOCH)
    return save_workbook(wb, created)
