"""Read the tables a scenario keeps in files (CSV or XLSX) into rows, with the line of each row.

CSV: UTF-8 (a BOM is accepted), separator `,`, `;` or tab detected from the header; with `;` a decimal
comma is accepted (French Excel exports). XLSX: the first sheet unless one is named. Cell values are
turned into numbers where they look like numbers, so that the scenario model validates them as if they
had been written in YAML. Project tables write capacity columns as `capacity.<kind>` and lists (profile,
excludes, requires) as values separated by `|` or spaces.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

LIST_FIELDS = {"profile", "excludes", "requires"}
# Columns holding names and codes: kept as text even when they look like numbers (a district "01").
TEXT_FIELDS = {
    "id",
    "name",
    "description",
    "district",
    "kind",
    "theme",
    "maturity",
    "competence",
    "status",
    "type",
    "note",
    "to",
}
NESTED_PREFIX = "capacity."


class TableReadError(Exception):
    """A table file that cannot be read at all (missing, unreadable, wrong format)."""


def read_table(path: Path, sheet: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Return [(line, {column: value})] for each non-empty data row, empty cells left out."""
    if not path.exists():
        raise TableReadError(f"the file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise TableReadError("'sheet' only applies to XLSX files")
        return _read_csv(path)
    raise TableReadError(f"cannot read {path.name}: tables must be .csv or .xlsx files")


def _read_csv(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableReadError(f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    header = text.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=header.count)
    decimal_comma = sep != ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        return rows
    for number, cells in enumerate(reader, start=2):
        record = {
            col: value.strip() if col in TEXT_FIELDS else _cell(value, decimal_comma)
            for col, value in zip(columns, cells, strict=False)
            if col and value.strip() != ""
        }
        if len(cells) > len(columns):
            record["<extra cells>"] = cells[len(columns) :]
        if record:
            rows.append((number, record))
    return rows


def _read_xlsx(path: Path, sheet: str | None) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
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
                rows.append((number, record))
        return rows
    finally:
        book.close()


def _xlsx_cell(column: str, value: Any) -> Any:
    if column in TEXT_FIELDS:
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    return _cell(value, False) if isinstance(value, str) else value


def _cell(value: str, decimal_comma: bool) -> Any:
    text = value.strip()
    for candidate in (text, text.replace(",", ".") if decimal_comma else None):
        if candidate is None:
            continue
        try:
            return int(candidate)
        except ValueError:
            pass
        try:
            return float(candidate)
        except ValueError:
            pass
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
