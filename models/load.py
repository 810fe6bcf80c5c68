"""From files to a validated `Scenario`: the one way scenarios enter the tool.

1. the YAML file is parsed with the line of every value (`models.yaml_lines`);
2. tables kept in CSV/XLSX files are read in place of their `{file: ...}` references, each row keeping
   its file and line;
3. shape and types are validated by the pydantic models of `models.spec`;
4. references and meaning are checked by `models.checks`.
Every problem from any step is collected into one `ScenarioError`, each naming its file, line and field.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pydantic

from models import spec as spec_module
from models.checks import find_warnings, run_checks
from models.errors import Path as FieldPath
from models.errors import Problem, ScenarioError, format_path
from models.scenario import Scenario, resolve
from models.spec import TABLE_PATHS, ScenarioSpec
from models.tables import TableReadError, project_record, read_table
from models.yaml_lines import load_yaml_with_lines

Location = tuple[str, int | None]


class _Locator:
    """Maps a field path to the (file, line) it came from: the longest known prefix wins."""

    def __init__(self, file: str):
        self.file = file
        self.where: dict[FieldPath, Location] = {}

    def __call__(self, path: FieldPath) -> Location:
        for n in range(len(path), -1, -1):
            if path[:n] in self.where:
                return self.where[path[:n]]
        return (self.file, None)

    def problem(self, path: FieldPath, message: str) -> Problem:
        file, line = self(path)
        return Problem(file, line, format_path(path), message)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and resolve a scenario file; raise `ScenarioError` listing every problem."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, None, "", "the scenario file does not exist")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(file, None, "", f"the scenario file cannot be read ({exc})")]) from None
    data, lines, problems = load_yaml_with_lines(text, file)
    locator = _Locator(file)
    locator.where.update({p: (file, ln) for p, ln in lines.items()})
    if problems:
        raise ScenarioError(problems)
    return scenario_from_dict(data, source=file, base_dir=path.parent, locator=locator)


def scenario_from_dict(
    data: Any,
    source: str = "<memory>",
    base_dir: str | Path = ".",
    locator: _Locator | None = None,
) -> Scenario:
    """Validate scenario data already in memory (the YAML structure as Python objects)."""
    locator = locator or _Locator(source)
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([locator.problem((), f"a scenario must be a mapping of keys, this file is {what}")])
    data = dict(data)
    problems: list[Problem] = []
    for path in TABLE_PATHS:
        parent = _copied_parent(data, path)
        if parent is not None and isinstance(parent.get(path[-1]), dict):
            parent[path[-1]] = _read_table_ref(parent[path[-1]], path, Path(base_dir), locator, problems)
    if data.get("name") is None:
        data["name"] = _default_name(source)
    spec, shape_problems, rest = _validate_shape(data, locator)
    problems += shape_problems
    if spec is not None:
        for path, message in run_checks(spec):
            path = rest.original(path)
            if rest.reports(path, message):
                problems.append(locator.problem(path, message))
    if problems:
        raise ScenarioError(problems)
    assert spec is not None
    warnings = tuple(str(locator.problem(path, message)) for path, message in find_warnings(spec))
    return resolve(spec, source=source, warnings=warnings)


# Parts of a scenario that can be set aside when their shape is wrong, so that the meaning checks still run
# on the rest and every problem is reported at once.
_LIST_PARTS: tuple[tuple[str, ...], ...] = (("districts",), *TABLE_PATHS)
_DICT_PARTS = ("demand_kinds", "maturity_levels", "competences")
# Optional blocks set aside whole when a value in them (outside their tables' rows) is faulty.
_BLOCK_PARTS: tuple[tuple[str, ...], ...] = (
    ("forecast", "school"),
    ("forecast", "housing"),
    ("forecast", "childcare"),
    ("forecast",),
    ("transfers",),
)
# A faulty field of a row is replaced by a neutral value (rather than the row set aside) so that the row's
# other fields are still checked; findings about the replaced fields are not reported.
_NEUTRAL: dict[tuple[str, ...], dict[str, Any]] = {
    ("projects",): {
        "name": None,
        "description": None,
        "theme": None,
        "capacity": {},
        "cost": 0.0,
        "profile": [1.0],
        "delivery_lag": 0,
        "earliest_start": None,
        "latest_start": None,
        "maturity": None,
        "competence": None,
        "city_share": None,
        "confidence": None,
        "status": "candidate",
        "start": None,
        "excludes": [],
        "requires": [],
    },
    ("demand",): {"value": 0.0},
    ("capacity",): {"value": 0.0},
    ("districts",): {"name": None, "rep": False, "neighbours": []},
}


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    parent = _copied_parent(data, path)
    if parent is not None:
        parent[path[-1]] = value


def _row_of(path: FieldPath) -> tuple[tuple[str, ...], int, FieldPath] | None:
    """(list part, row index, rest of the path) when `path` points into a row of a list part."""
    for part in _LIST_PARTS:
        n = len(part)
        if tuple(path[:n]) == part and len(path) > n and isinstance(path[n], int):
            return part, path[n], tuple(path[n + 1 :])
    return None


class _Rest:
    """What is left of a scenario once faulty parts are set aside or neutralised."""

    def __init__(self, data: dict[str, Any]):
        self.data = dict(data)
        self.kept: dict[tuple[str, ...], list[int]] = {}  # per list part: original indices of the rows kept
        self.removed: set[str] = set()  # names of rows and entries set aside
        self.neutral: dict[tuple[tuple[str, ...], int], set[str]] = {}  # (part, original index) -> fields
        self.blocks: set[tuple[str, ...]] = set()  # optional blocks set aside

    def original(self, path: FieldPath) -> FieldPath:
        """Map a path in the validated rest back to the file's numbering of rows."""
        row = _row_of(path)
        if row is None or row[0] not in self.kept:
            return path
        part, i, tail = row
        return (*part, self.kept[part][i], *tail)

    def reports(self, path: FieldPath, message: str) -> bool:
        """False for a finding caused by setting a part aside or neutralising a field."""
        if any(f"'{name}'" in message for name in self.removed):
            return False
        if any(tuple(path[: len(block)]) == block or tuple(path) == block[:-1] for block in self.blocks):
            return False  # about a block set aside, or its parent now missing it
        row = _row_of(path)
        fields = self.neutral.get((row[0], row[1])) if row else None
        if fields is None:
            return True
        assert row is not None
        return len(row[2]) > 0 and row[2][0] not in fields and row[2][0] not in ("start", "status")


def _validate_shape(data: dict[str, Any], locator: _Locator) -> tuple[ScenarioSpec | None, list[Problem], _Rest]:
    """Validate types; on errors, neutralise or set aside the faulty parts and validate the rest again."""
    rest = _Rest(data)
    try:
        return ScenarioSpec.model_validate(data), [], rest
    except pydantic.ValidationError as exc:
        errors = exc.errors()
    problems = [_translate(err, locator) for err in errors]
    for part in _LIST_PARTS:
        items = _get(rest.data, part)
        if not isinstance(items, list):
            continue
        items = [dict(item) if isinstance(item, dict) else item for item in items]
        n = len(part)
        drop: set[int] = set()
        for e in errors:
            loc = e["loc"]
            if tuple(loc[:n]) != part or len(loc) <= n or not isinstance(loc[n], int):
                continue
            i, item = loc[n], items[loc[n]]
            field = loc[n + 1] if len(loc) > n + 1 else None
            if isinstance(item, dict) and e["type"] == "extra_forbidden" and len(loc) == n + 2:
                item.pop(field, None)
            elif isinstance(item, dict) and field in _NEUTRAL.get(part, {}):
                item[field] = _NEUTRAL[part][field]
                rest.neutral.setdefault((part, i), set()).add(str(field))
            else:
                drop.add(i)
        rest.removed |= {str(items[i]["id"]) for i in drop if isinstance(items[i], dict) and "id" in items[i]}
        rest.kept[part] = [i for i in range(len(items)) if i not in drop]
        _set(rest.data, part, [items[i] for i in rest.kept[part]])
    for e in errors:  # a faulty value outside any row: set aside the most specific optional block holding it
        if _row_of(e["loc"]) is not None:
            continue
        block = next((b for b in _BLOCK_PARTS if tuple(e["loc"][: len(b)]) == b), None)
        if block is not None and _get(rest.data, block) is not None:
            _set(rest.data, block, None)
            rest.blocks.add(block)
    for part in _DICT_PARTS:
        bad = {e["loc"][1] for e in errors if e["loc"][:1] == (part,) and len(e["loc"]) > 1}
        entries = rest.data.get(part)
        if bad and isinstance(entries, dict):
            rest.removed |= {str(k) for k in bad}
            rest.data[part] = {k: v for k, v in entries.items() if k not in bad}
    try:
        return ScenarioSpec.model_validate(rest.data), problems, rest
    except pydantic.ValidationError:
        return None, problems, rest


def _default_name(source: str) -> str:
    """`scenarios/ville/scenario.yaml` -> `ville`; `budget-serre.yaml` -> `budget-serre`."""
    if source.startswith("<"):
        return "scenario"
    path = Path(source)
    return path.parent.name if path.stem == "scenario" and path.parent.name else path.stem


def _copied_parent(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """The mapping holding the table at `path`, copied on the way down so the caller's data is untouched."""
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            return None
        node[key] = dict(child)
        node = node[key]
    return node


def _read_table_ref(
    ref: dict, path: tuple[str, ...], base_dir: Path, locator: _Locator, problems: list[Problem]
) -> list[dict[str, Any]] | dict:
    unknown = set(ref) - {"file", "sheet"}
    if unknown or not isinstance(ref.get("file"), str):
        problems.append(
            locator.problem(path, "a table is either a list of rows or {file: PATH} (with an optional sheet for XLSX)")
        )
        return []
    table_path = base_dir / ref["file"]
    try:
        records = read_table(table_path, ref.get("sheet"))
    except TableReadError as exc:
        problems.append(locator.problem((*path, "file"), str(exc)))
        return []
    out = []
    for i, (line, record) in enumerate(records):
        locator.where[(*path, i)] = (str(table_path), line)
        if "<extra cells>" in record:
            problems.append(locator.problem((*path, i), "this row has more cells than the header has columns"))
            record = {k: v for k, v in record.items() if k != "<extra cells>"}
        out.append(project_record(record) if path == ("projects",) else record)
    return out


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for obj in vars(spec_module).values():
        if isinstance(obj, type) and issubclass(obj, pydantic.BaseModel):
            keys.update(obj.model_fields)
    return sorted(keys)


def _translate(err: Any, locator: _Locator) -> Problem:
    """A pydantic error in plain words, located in its file."""
    loc = tuple(part for part in err["loc"] if part != "[key]")
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown key '{loc[-1]}'{hint}"
        return locator.problem(loc, message)
    if kind == "missing":
        return locator.problem(loc, "this required field is missing")
    if kind == "string_pattern_mismatch":
        return locator.problem(loc, f"an identifier cannot contain spaces, commas, semicolons or '|' (got {value!r})")
    if kind == "dict_type":
        if loc == ("budget", "annual"):
            message = "expected a number (the same envelope every year) or one 'year: amount' line per year"
        else:
            message = "expected a mapping of 'key: value' lines"
        return locator.problem(loc, f"{message} (got {value!r})")
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if "[key]" in err["loc"]:
        message = f"key {value!r}: {message[0].lower()}{message[1:]}"
    elif not isinstance(value, (dict, list)):
        message = f"{message[0].lower()}{message[1:]} (got {value!r})"
    else:
        message = f"{message[0].lower()}{message[1:]}"
    return locator.problem(loc, message)
