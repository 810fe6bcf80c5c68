"""Read the tables a scenario keeps in files (CSV or XLSX) into rows, with the line of each row.

CSV: UTF-8 (a BOM is accepted), separator `,`, `;` or tab detected from the header; with `;` a decimal
comma is accepted (French Excel exports). XLSX: the first sheet unless one is named. Cell values are
turned into numbers where they look like numbers, so that the scenario model validates them as if they
had been written in YAML. Project tables write capacity columns as `capacity.<kind>` and lists (profile,
excludes, requires) as values separated by `|` or spaces.

A table file is at most `MAX_TABLE_BYTES` (checked before it is read) and `MAX_TABLE_ROWS` data rows; an
XLSX workbook unpacks to at most `MAX_XLSX_UNPACKED_BYTES` (models/limits.py).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.headers import (
    FOLDED_VALUE_COLUMNS,
    HEADER_ALIASES,
    Headers,
    fold_value,
    french_number,
    map_headers,
    scaled,
)
from models.limits import (
    MAX_TABLE_BYTES,
    MAX_TABLE_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    FileTooLarge,
    NotARegularFile,
    megabytes,
    read_bytes,
    text_position,
)
from models.spec import LIST_COLUMNS, TABLE_PATHS, TEXT_COLUMNS, AmbiguousNumber, table_row_model

# Columns kept as text, and columns holding lists: read from the format (models/spec.py).
LIST_FIELDS = LIST_COLUMNS
TEXT_FIELDS = TEXT_COLUMNS
NESTED_PREFIX = "capacity."
# Columns holding a share (0 to 1): there, and only there, `12 %` reads as 0.12.
SHARE_COLUMNS = frozenset(
    name
    for path in TABLE_PATHS
    for name, field in table_row_model(path).model_fields.items()
    if any(getattr(m, "le", None) == 1 for m in field.metadata) or "le=1)" in repr(field.annotation)
)


class TableReadError(Exception):
    """A table file that cannot be read at all (missing, unreadable, wrong format, empty)."""


@dataclass
class Table:
    """The rows of a table file, with the line of each, and what its header says (models/headers.py)."""

    rows: list[tuple[int, dict[str, Any]]]
    header_line: int
    headers: Headers


def read_table(path: Path, sheet: str | None = None, table: tuple[str, ...] | None = None) -> Table:
    """Return [(line, {column: value})] for each non-empty data row, empty cells left out, with the header's line
    and the reading of its columns: the headers of the table at `table` (a scenario path such as ("projects",))
    are mapped to its fields (French aliases, models/headers.py); its descriptive columns are gathered in each
    row's `attributes` (a project table) or left out, with one note each.

    A table without a data row is refused (an empty file, a header alone, an empty sheet): read as nothing it
    would silently mean no demand, no capacity or no projects. Write an empty table inline (`capacity: []`)
    to say so."""
    if not path.exists():
        raise TableReadError(f"the file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise TableReadError(f"cannot read {path.name}: tables must be .csv or .xlsx files")
    if suffix in (".csv", ".txt", ".tsv") and sheet is not None:
        raise TableReadError("'sheet' only applies to XLSX files")
    try:
        data = read_bytes(path, MAX_TABLE_BYTES, "a table")
    except FileTooLarge as exc:
        raise TableReadError(f"{path.name}: {exc}") from exc
    except NotARegularFile as exc:
        raise TableReadError(f"{path.name} cannot be read: {exc}") from exc
    except OSError as exc:
        raise TableReadError(f"{path.name} cannot be read ({exc.strerror or exc})") from exc
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data, sheet, table)
    return _read_csv(path, data, table)


def _too_many_rows(path: Path) -> TableReadError:
    return TableReadError(f"{path.name} has more than {MAX_TABLE_ROWS:,} rows, more than a table may have")


def _no_rows(name: str, header: bool) -> TableReadError:
    if not header:
        return TableReadError(f"{name} is empty: a table needs a header line and one line per row")
    return TableReadError(
        f"{name} has a header but no rows; write an empty table inline (for example `capacity: []`) if there is "
        "really nothing to give"
    )


def _text(value: str) -> str:
    """Text as read from a table: NFC, so that an id typed with a composed or a decomposed accent is one id."""
    return unicodedata.normalize("NFC", value.strip())


def _read_csv(path: Path, data: bytes, table: tuple[str, ...] | None) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = text_position(data, exc.start)
        raise TableReadError(
            f"{path.name} is not UTF-8 text (byte {data[exc.start]:#04x} in column {column} of line {line}); "
            "save it as UTF-8 (CSV UTF-8 in Excel)"
        ) from exc
    header = text.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=header.count)
    decimal_comma = sep != ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        header_cells = next(reader, None)
        if header_cells is None or not any(c.strip() for c in header_cells):
            raise _no_rows(path.name, header=False)
        columns = [_text(c) for c in header_cells]
        headers = map_headers(table, columns)
        for number, cells in enumerate(reader, start=2):
            record = _record(headers, zip(columns, cells, strict=False), decimal_comma)
            if len(cells) > len(columns):
                record["<extra cells>"] = cells[len(columns) :]
            if record:
                if len(rows) == MAX_TABLE_ROWS:
                    raise _too_many_rows(path)
                rows.append((number, record))
    except csv.Error as exc:  # a field over csv's size limit, a quote never closed...
        raise TableReadError(f"{path.name} is not a readable CSV table (line {reader.line_num}: {exc})") from exc
    if not rows:
        raise _no_rows(path.name, header=True)
    return Table(rows, 1, headers)


def _record(headers: Headers, cells: Iterable[tuple[str, Any]], decimal_comma: bool) -> dict[str, Any]:
    """One row's cells by field (`attributes`: the descriptive columns, as text), empty cells left out."""
    record: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    for column, value in cells:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        if column in headers.attributes:
            attributes[column] = _as_text(value)
        elif column in headers.fields:
            name = headers.fields[column]
            if column in headers.scales and isinstance(value, str) and re.search(r"€|\beur|\d\s*[kKmM]\b", value):
                record[name] = scaled(column, headers.scales[column], value)  # its own unit: refused
                continue
            record[name] = _value(name, value, decimal_comma, headers.table)
            if column in headers.scales:
                record[name] = scaled(column, headers.scales[column], record[name])
    if attributes:
        record["attributes"] = attributes
    return record


def _as_text(value: Any) -> str:
    """A cell as text: a whole number without `.0`, a date without its midnight."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return _text(str(value))


def _value(column: str, value: Any, decimal_comma: bool, table: tuple[str, ...]) -> Any:
    """A cell of a field: text for text fields (ids typed in French folded to the format's ids), else a number
    where it reads as one (French forms included), else its text."""
    if column in TEXT_FIELDS or (column in FOLDED_VALUE_COLUMNS and isinstance(value, str)):
        if isinstance(value, bool):
            return value  # refused by the format as text: TRUE is not an id
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else _text(str(value))
        if column in FOLDED_VALUE_COLUMNS and table in HEADER_ALIASES:
            text = fold_value(column, text)
            return _cell(text, decimal_comma) if column == "at" else text
        return text
    if not isinstance(value, str):
        return value
    return _cell(value, decimal_comma, share=column in SHARE_COLUMNS or column == "profile")


@functools.cache
def _parser_class() -> Any:
    """openpyxl's sheet parser (cells as they are in the file, whatever `<dimension>` declares), noting the
    formulas that have no value saved with them (openpyxl is imported only when a workbook is read)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.uncomputed: list[str] = []

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            # No saved value: no <v>, or an empty one on a cell that is not text (Excel saves a formula giving
            # "" as t="str" with an empty <v>; a program that does not compute formulas writes an empty <v/>).
            saved = element.findtext(VALUE_TAG)
            if element.find(FORMULA_TAG) is not None and (
                saved is None or (saved == "" and element.get("t") not in ("str", "s", "inlineStr"))
            ):
                self.uncomputed.append(element.get("r") or f"{get_column_letter(cell['column'])}{cell['row']}")
            return cell

    return Parser


def _sheet_rows(path: Path, book: Any, ws: Any) -> tuple[list[tuple[int, dict[int, Any]]], Any]:
    """The non-empty rows of a sheet as (row number, {column number: value}), from the cells really in the
    file: the work is proportional to the sheet's XML, never to the size its `<dimension>` declares; reading
    stops at the first row beyond MAX_TABLE_ROWS data rows."""
    rows: list[tuple[int, dict[int, Any]]] = []
    with ws._get_source() as src:  # noqa: SLF001 - the read-only sheet's XML, as openpyxl reads it
        parser = _parser_class()(
            src,
            ws._shared_strings,  # noqa: SLF001
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,  # noqa: SLF001
            timedelta_formats=book._timedelta_formats,  # noqa: SLF001
        )
        for number, cells in parser.parse():
            values = {
                c["column"]: c["value"]
                for c in cells
                if c["value"] is not None and not (isinstance(c["value"], str) and c["value"].strip() == "")
            }
            if values:
                if len(rows) > MAX_TABLE_ROWS:  # the header and MAX_TABLE_ROWS rows already
                    raise _too_many_rows(path)
                rows.append((number, values))
    return rows, parser


def _read_xlsx(path: Path, data: bytes, sheet: str | None, table: tuple[str, ...] | None) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableReadError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableReadError(
            f"{path.name} unpacks to {megabytes(unpacked)}, more than the "
            f"{MAX_XLSX_UNPACKED_BYTES // 1_000_000} MB a workbook may hold"
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableReadError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableReadError(f"{path.name} has no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        if not hasattr(ws, "_get_source"):  # a chart sheet
            raise TableReadError(f"{path.name}: the sheet '{ws.title}' holds no cells")
        cells, parser = _sheet_rows(path, book, ws)
        _refuse_ambiguous(path, ws.title, parser)
        if not cells:
            where = f"{path.name}, sheet '{ws.title}',"
            other = [] if sheet is not None else [s.title for s in book.worksheets[1:] if _has_cells(book, s)]
            if other:
                raise TableReadError(
                    f"{where} is empty; the data seems to be on the sheet '{other[0]}': name it, as "
                    f"{{file: {path.name}, sheet: {other[0]}}}"
                )
            raise _no_rows(where.rstrip(","), header=False)
        header_row, header = cells[0]
        columns = {col: _text(str(value)) for col, value in header.items()}
        headers = map_headers(table, list(columns.values()))
        width = max(columns)
        rows = []
        for number, values in cells[1:]:
            record = _record(headers, ((columns[c], v) for c, v in values.items() if c in columns), False)
            extra = [value for col, value in sorted(values.items()) if col > width]
            if extra:
                record["<extra cells>"] = extra
            if record:
                rows.append((number, record))
        if not rows:
            raise _no_rows(f"{path.name}, sheet '{ws.title}' (header on row {header_row}),", header=True)
        return Table(rows, header_row, headers)
    except TableReadError:
        raise
    except Exception as exc:  # a damaged sheet is only found while its rows are read
        raise TableReadError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    finally:
        book.close()


def _has_cells(book: Any, ws: Any) -> bool:
    """Whether a sheet holds at least one value (read up to its first one)."""
    if not hasattr(ws, "_get_source"):
        return False
    with ws._get_source() as src:  # noqa: SLF001
        parser = _parser_class()(src, ws._shared_strings, data_only=True)  # noqa: SLF001
        return any(any(c["value"] not in (None, "") for c in cells) for _, cells in parser.parse())


def _refuse_ambiguous(path: Path, title: str, parser: Any) -> None:
    """Merged cells (the value is in the first cell only) and formulas saved without their value (the file
    was written by a program that does not compute them) would silently read as empty cells."""
    problems = []
    merged = [str(r.ref) for r in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
    if merged:
        shown = ", ".join(merged[:5]) + (f" and {len(merged) - 5} more" if len(merged) > 5 else "")
        problems.append(
            f"merged cells {shown} (only their first cell holds the value): unmerge them and fill every cell"
        )
    if parser.uncomputed:
        cells = parser.uncomputed
        shown = ", ".join(cells[:5]) + (f" and {len(cells) - 5} more" if len(cells) > 5 else "")
        problems.append(
            f"formulas without a saved value in {shown}: open and save the file in Excel or LibreOffice, or "
            "write the values"
        )
    if problems:
        raise TableReadError(f"{path.name}, sheet '{title}', is ambiguous: " + "; ".join(problems))


# `1.500` or `12.345.678` in a file with decimal commas: a French thousands separator, or a decimal point?
_THOUSANDS = re.compile(r"[-+]?[1-9][0-9]{0,2}(\.[0-9]{3})+")  # not 0.500: no thousands start with 0


def _cell(value: str, decimal_comma: bool, share: bool = False) -> Any:
    """A cell as a whole number, a number (decimal comma allowed when asked), a number written the French way
    (`1 800 000`, `450 000 €`, `1,8 M€`, `2,5`, `12 %` where a share is expected: models/headers.py), or else its
    text (a `RefusedNumber` when it looks like a number that cannot be read without guessing).

    In a file with decimal commas, a number written with points every three digits (`1.500`) is refused as
    ambiguous (`AmbiguousNumber`): it may be 1500 with a thousands separator or 1.5 typed with a point."""
    text = _text(value)
    if decimal_comma and _THOUSANDS.fullmatch(text):
        return AmbiguousNumber(text)
    for candidate in (text, text.replace(",", ".") if decimal_comma else None):
        for parse in (int, float):
            if candidate is not None:
                with contextlib.suppress(ValueError):  # not this kind of number: try the next
                    return parse(candidate)
    return french_number(text, decimal_comma=decimal_comma, share=share)


def project_record(record: dict[str, Any]) -> dict[str, Any]:
    """Turn a flat project row into the nested form of the YAML format."""
    out: dict[str, Any] = {}
    capacity: dict[str, Any] = {}
    for key, value in record.items():
        if key.startswith(NESTED_PREFIX):
            capacity[key[len(NESTED_PREFIX) :]] = value
        elif key in LIST_FIELDS:
            out[key] = _split_list(value, numeric=key == "profile")
        else:
            out[key] = value
    if capacity:
        out["capacity"] = capacity
    return out


def _split_list(value: Any, numeric: bool) -> list[Any]:
    if not isinstance(value, str):
        return [value]
    parts = [p for p in value.replace("|", " ").split() if p]
    return [_cell(p, True, share=True) for p in parts] if numeric else parts
