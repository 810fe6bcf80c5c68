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
import io
import zipfile
from pathlib import Path
from typing import Any

from models.limits import (
    MAX_TABLE_BYTES,
    MAX_TABLE_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    FileTooLarge,
    megabytes,
    read_bytes,
)
from models.spec import LIST_COLUMNS, TEXT_COLUMNS

# Columns kept as text, and columns holding lists: read from the format (models/spec.py).
LIST_FIELDS = LIST_COLUMNS
TEXT_FIELDS = TEXT_COLUMNS
NESTED_PREFIX = "capacity."


class TableReadError(Exception):
    """A table file that cannot be read at all (missing, unreadable, wrong format)."""


def read_table(path: Path, sheet: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Return [(line, {column: value})] for each non-empty data row, empty cells left out."""
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
    except OSError as exc:
        raise TableReadError(f"{path.name} cannot be read ({exc.strerror or exc})") from exc
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data, sheet)
    return _read_csv(path, data)


def _too_many_rows(path: Path) -> TableReadError:
    return TableReadError(f"{path.name} has more than {MAX_TABLE_ROWS:,} rows, more than a table may have")


def _read_csv(path: Path, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableReadError(f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    header = text.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=header.count)
    decimal_comma = sep != ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        header_cells = next(reader, None)
        if header_cells is None:
            return rows
        columns = [c.strip() for c in header_cells]
        for number, cells in enumerate(reader, start=2):
            record = {
                col: value.strip() if col in TEXT_FIELDS else _cell(value, decimal_comma)
                for col, value in zip(columns, cells, strict=False)
                if col and value.strip() != ""
            }
            if len(cells) > len(columns):
                record["<extra cells>"] = cells[len(columns) :]
            if record:
                if len(rows) == MAX_TABLE_ROWS:
                    raise _too_many_rows(path)
                rows.append((number, record))
    except csv.Error as exc:  # a field over csv's size limit, a quote never closed...
        raise TableReadError(f"{path.name} is not a readable CSV table (line {reader.line_num}: {exc})") from exc
    return rows


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> list[tuple[int, dict[str, Any]]]:
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
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            return []
        columns = [str(c).strip() if c is not None else "" for c in header]
        rows = []
        for number, cells in enumerate(it, start=2):
            record = {
                col: _xlsx_cell(col, value)
                for col, value in zip(columns, cells, strict=False)
                if col and value is not None and not (isinstance(value, str) and value.strip() == "")
            }
            if record:
                if len(rows) == MAX_TABLE_ROWS:
                    raise _too_many_rows(path)
                rows.append((number, record))
        return rows
    except TableReadError:
        raise
    except Exception as exc:  # a damaged sheet is only found while its rows are read
        raise TableReadError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    finally:
        book.close()


def _xlsx_cell(column: str, value: Any) -> Any:
    if column in TEXT_FIELDS:
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    return _cell(value, False) if isinstance(value, str) else value


def _cell(value: str, decimal_comma: bool) -> Any:
    """A cell as a whole number, a number (decimal comma allowed when asked), or else its text."""
    text = value.strip()
    for candidate in (text, text.replace(",", ".") if decimal_comma else None):
        for parse in (int, float):
            if candidate is not None:
                with contextlib.suppress(ValueError):  # not this kind of number: try the next
                    return parse(candidate)
    return text


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
    return [_cell(p, True) for p in parts] if numeric else parts
