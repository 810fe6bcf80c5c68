"""What the workbooks share: number formats and styles, the phrases of the catalogue (reports/text.py), and
the sheet writer — a titled table with its header frozen and filtered, columns fitted, wrapped rows grown,
totals and notes, printed landscape on A4 — and deterministic saving.

Money is in euros (format `#,##0 "€"`, cells keep the cents), rounded to the cent as in plan.json, and totals
are written as values (sums of the cells above), never as formulas, so that a reader without a calculation
engine sees them. Workbooks are deterministic: their properties and the zip entries carry the plan's
`created` date, so the same plan gives the same bytes.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from models.plan import PLAN_STATUSES
from models.scenario import Scenario
from reports.text import TEXT

LANGS = ("fr", "en")

MONEY = '#,##0 "€";-#,##0 "€";"-"'  # zero shown as a dash, as in printed PPI tables
SHARE = "0.0%"
GAP = "0.00%"
UNITS = "#,##0.0"
COUNT = "#,##0"
YEAR = "0"
NUMBER = "#,##0.00"

HEADER_FILL = PatternFill("solid", start_color="FF1F4E79", end_color="FF1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
DIFF_FILL = PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699")
WARN_FONT = Font(bold=True, color="FFC00000")
TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
MAX_WIDTH = 50
HEADER_WIDTH = 16  # a longer header wraps rather than widen its column
LINE_HEIGHT = 15  # points per line of wrapped text
MIN_WIDTH = 6
FIRST_DATA_ROW = 3  # row 1: title; row 2: header
EPOCH = datetime(2000, 1, 1)  # workbook date when the plan has no usable `created`


class Texts:
    """Phrases of the catalogue (reports/text.py) in one language: `t("key", name=...)`."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
        self.lang = lang
        self.texts = TEXT[lang]

    def __call__(self, text_id: str, /, **kwargs: Any) -> str:
        text = self.texts[text_id]
        return text.format(**kwargs) if kwargs else text

    def get(self, key: str, default: str) -> str:
        return self.texts.get(key, default)

    def status(self, code: Any) -> str:
        """A solve outcome: the workbook's longer words for a plan that failed (st.), else the pages' words."""
        return self.texts.get(f"st.{code}") or self.texts.get(f"status.{code}", str(code))


# ----------------------------------------------------------------------------------------- sheet writer


@dataclass(frozen=True)
class Cell:
    """A value with its own number format, fill or font (otherwise the column's)."""

    value: Any
    fmt: str | None = None
    fill: PatternFill | None = None
    font: Font | None = None


@dataclass(frozen=True)
class Col:
    header: str
    fmt: str | None = None
    wrap: bool = False


def clean(value: Any) -> Any:
    """A cell value: None for missing or non-finite numbers, plain Python types."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        if value != value:  # pandas NA / NaN
            return None
    except TypeError:  # pd.NA raises on bool()
        return None
    return value


def _display_len(value: Any, fmt: str | None) -> int:
    """Rough width of a value once formatted, for fitting the column."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        if fmt == MONEY:
            return len(f"{value:,.0f}") + 2
        if fmt in (SHARE, GAP):
            return len(f"{value * 100:,.2f}") + 1
        if fmt == YEAR:
            return len(str(int(value)))
        if fmt == UNITS:
            return len(f"{value:,.1f}")
        if isinstance(value, int):
            return len(f"{value:,}")
        return len(f"{value:,.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _lines(text: str, width: float) -> int:
    """Lines a text takes once wrapped at word boundaries in a column `width` characters wide."""
    room = max(1, int(width) - 2)
    count = 0
    for paragraph in text.splitlines() or [""]:
        n, used = 1, 0
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need > room and used:
                n, used = n + 1, len(word)
            else:
                used = need
        count += n
    return count


def _print_setup(ws: Worksheet, footer: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.oddFooter.left.text = footer.replace("&", "&&")[:200]
    ws.oddFooter.right.text = "&P / &N"


def write_table(
    ws: Worksheet,
    title: str,
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    totals: Sequence[Sequence[Any]] = (),
    freeze_cols: int = 0,
    footer: str = "",
    notes: Sequence[Sequence[Any]] = (),
) -> int:
    """Write a titled table: title in row 1, header in row 2 (bold, filled, frozen, filtered), data rows,
    bold totals rows, then note rows (after a blank row). Returns the last data row."""
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    # Long headers wrap: they ask for the width of their longest word, or of HEADER_WIDTH characters.
    widths = [max(min(len(c.header), HEADER_WIDTH), *(len(w) for w in c.header.split())) for c in columns]
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=j, value=col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wrapped: list[tuple[int, int, str]] = []  # (row, column, text) of wrapped cells, for the row heights
    top = any(c.wrap for c in columns)  # rows may grow: align every cell on the top line

    def put(r: int, values: Sequence[Any], bold: bool, measure: bool = True) -> None:
        for j, raw in enumerate(values, start=1):
            spec = raw if isinstance(raw, Cell) else Cell(raw)
            value = clean(spec.value)
            col = columns[j - 1] if j <= len(columns) else Col("")
            fmt = spec.fmt or col.fmt
            cell = ws.cell(row=r, column=j, value=value)
            if fmt and value is not None and not isinstance(value, str):
                cell.number_format = fmt
            if spec.fill is not None:
                cell.fill = spec.fill
            if spec.font is not None:
                cell.font = spec.font
            elif bold:
                cell.font = BOLD
            if bold:
                cell.border = TOTAL_BORDER
            if col.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(value, str):
                    wrapped.append((r, j, value))
            elif top:
                cell.alignment = Alignment(vertical="top")
            if measure and j <= len(widths):
                widths[j - 1] = max(widths[j - 1], _display_len(value, fmt))

    r = FIRST_DATA_ROW - 1
    for values in rows:
        r += 1
        put(r, values, bold=False)
    last_data = r
    for values in totals:
        r += 1
        put(r, values, bold=True)
    if notes:
        r += 1
        for values in notes:
            r += 1
            put(r, values, bold=False, measure=False)  # notes run over the empty cells to their right
    last_col = get_column_letter(len(columns))
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=freeze_cols + 1).coordinate
    ws.auto_filter.ref = f"A2:{last_col}{max(last_data, 2)}"
    fitted = [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]
    for j, w in enumerate(fitted, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    # Row heights of wrapped text (Excel does not grow them on opening a file): LINE_HEIGHT points a line.
    lines: dict[int, int] = {2: max(_lines(c.header, fitted[j]) for j, c in enumerate(columns))}
    for r, j, text in wrapped:
        lines[r] = max(lines.get(r, 1), _lines(text, fitted[j - 1]))
    for r, n in lines.items():
        if n > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * n
    ws.print_title_rows = "2:2"
    _print_setup(ws, footer)
    return last_data


def save_workbook(wb: Workbook, created: datetime) -> bytes:
    """The workbook's bytes, identical for identical content: properties and zip entries dated `created`."""
    wb.properties.created = created
    wb.properties.modified = created
    wb.properties.creator = "ppi"
    wb.properties.lastModifiedBy = "ppi"
    stamp = (max(1980, created.year), created.month, created.day, created.hour, created.minute, created.second)

    class _Zip(zipfile.ZipFile):
        def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
            if isinstance(zinfo_or_arcname, str):
                zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=stamp)
                zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
                zinfo_or_arcname.external_attr = 0o600 << 16
            super().writestr(zinfo_or_arcname, data, *args, **kwargs)

        def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
            # openpyxl writes worksheets from temporary files, which would carry their own dates
            with open(filename, "rb") as fh:
                self.writestr(str(arcname if arcname is not None else filename), fh.read())

    buf = io.BytesIO()
    archive = _Zip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # save_workbook() would stamp `modified` with the current time
    return buf.getvalue()


def created_of(plan: dict[str, Any]) -> datetime:
    """The plan's `created` date as a naive UTC datetime (a fixed date if missing or unreadable)."""
    text = plan.get("created")
    if not isinstance(text, str):
        return EPOCH
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return EPOCH
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


# ------------------------------------------------------------------------------------------------ values


def money(x: Any) -> float:
    return round(float(x), 2)


def rounded(value: Any, digits: int) -> Any:
    """Floats rounded (money to the cent, quantities to 1e-6), other values as they are."""
    value = clean(value)
    return round(value, digits) if isinstance(value, float) else value


def has_plan(plan: dict[str, Any]) -> bool:
    return plan.get("status") in PLAN_STATUSES and "projects" in plan


def labels_of(scenario: Scenario) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Display names of districts, kinds and units."""
    spec = scenario.spec
    districts = {d.id: d.name or d.id for d in spec.districts}
    kinds = {k: (spec.demand_kinds[k].name or k) if k in spec.demand_kinds else k for k in scenario.kinds}
    units = {k: spec.demand_kinds[k].unit if k in spec.demand_kinds else "" for k in scenario.kinds}
    return districts, kinds, units


def inputs_of(scenario: Scenario, plan: dict[str, Any], lang: str = "en") -> tuple[str, str, Any, list[str]]:
    """The plan's name, its scenario file as shown (no folder of the machine), variant, and overrides in words."""
    from reports.assumptions import override_text, shown_path

    info = plan.get("scenario") or {}
    name = info.get("name") or scenario.name
    source = shown_path(str(info.get("source") or scenario.source))
    variant = scenario.variant  # the scenario's own variant and overrides, never the text a plan file carries
    overrides = [override_text(o, lang) for o in scenario.overrides]
    return name, source, variant, overrides
