"""From files to a validated `Scenario`: the one way scenarios enter the tool.

1. the YAML file is parsed with the line of every value (`models.yaml_lines`);
2. tables kept in CSV/XLSX files are read in place of their `{file: ...}` references, each row keeping
   its file and line;
3. shape and types are validated by the pydantic models of `models.spec`;
4. references and meaning are checked by `models.checks`.
Every problem from any step is collected into one `ScenarioError`, each naming its file, line and field.

Hostile or mistaken inputs stop early with a plain message: files over their size limit (checked before they
are read), numbers that are not finite or beyond `MAX_NUMBER` (models/limits.py), and table files outside the
folder of the scenario file that names them, unless `allow_outside_files` is set.
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
import re
from pathlib import Path
from typing import Any

import pydantic

from models import spec as spec_module
from models.checks import find_warnings, run_checks
from models.edits import Edit, ScaleBudget, SetValue, as_set_values, parse_set
from models.errors import Path as FieldPath
from models.errors import Problem, ScenarioError, format_path
from models.headers import fold
from models.limits import MAX_NUMBER, MAX_YAML_BYTES, FileTooLarge, NotARegularFile, read_bytes, text_position
from models.scenario import Scenario, resolve
from models.spec import INVISIBLE, TABLE_PATHS, ScenarioSpec, Variant
from models.tables import TableReadError, project_record, read_table
from models.variants import EditError, Moves, apply_short_forms, expand_envelopes, merge, moved, set_value
from models.yaml_lines import load_yaml_with_lines

Location = tuple[str, int | None]


class _Locator:
    """Maps a field path to the (file, line) it came from: the longest known prefix wins. It also gathers what
    the table files' headers say (`notes`: warnings about columns kept or not read, shared by every file of a
    scenario) and, per table file, the columns that may have meant a missing field (`hints`)."""

    def __init__(self, file: str, notes: list[Problem] | None = None, hints: dict[Any, dict[str, str]] | None = None):
        self.file = file
        self.where: dict[FieldPath, Location] = {}
        self.notes: list[Problem] = [] if notes is None else notes
        # (table file, table path) -> field -> what to add to "this required field is missing"
        self.hints: dict[Any, dict[str, str]] = {} if hints is None else hints

    def __call__(self, path: FieldPath) -> Location:
        for n in range(len(path), -1, -1):
            if path[:n] in self.where:
                return self.where[path[:n]]
        return (self.file, None)

    def problem(self, path: FieldPath, message: str) -> Problem:
        file, line = self(path)
        return Problem(file, line, format_path(path), message)


def load_scenario(
    path: str | Path,
    variant: str | None = None,
    overrides: tuple[str, ...] = (),
    budget_scale: float | None = None,
    *,
    allow_outside_files: bool = False,
) -> Scenario:
    """Read, validate and resolve a scenario file — with the file it `extends`, the named `variant`, the
    `overrides` ("path=value", as `--set` takes them) and a factor on every envelope (`budget_scale`, as a
    sweep uses it) applied, in this order; raise `ScenarioError` listing every problem.

    A table file (`{file: ...}`) must lie in the folder of the YAML file naming it, or below, unless
    `allow_outside_files` (the CLI's --allow-outside-files) is set."""
    path = Path(path)
    locator = _Locator(str(path))
    problems: list[Problem] = []  # in tables: the rest is still checked
    fatal: list[Problem] = []  # unreadable files: nothing else can be checked
    data, applied = _read_document(path, locator, problems, fatal, chain=(), allow_outside=allow_outside_files)
    if fatal:
        raise ScenarioError(fatal + problems)
    return _from_data(
        data,
        source=str(path),
        base_dir=path.parent,
        locator=locator,
        variant=variant,
        overrides=overrides,
        applied=applied,
        problems=problems,
        budget_scale=budget_scale,
        allow_outside_files=allow_outside_files,
    )


def _read_document(
    path: Path,
    locator: _Locator,
    problems: list[Problem],
    fatal: list[Problem],
    chain: tuple[Path, ...],
    allow_outside: bool,
) -> tuple[Any, list[str]]:
    """One scenario file with its tables read (relative to its own folder), merged over the file it extends.

    Returns the data and the lines saying which files were merged; the locator learns where each value is.
    """
    file = str(path)
    try:
        raw = read_bytes(path, MAX_YAML_BYTES, "a scenario")
    except FileNotFoundError:
        fatal.append(Problem(file, None, "", "the scenario file does not exist"))
        return None, []
    except FileTooLarge as exc:
        fatal.append(Problem(file, None, "", f"{exc}; keep large tables in CSV files ({{file: ...}})"))
        return None, []
    except NotARegularFile as exc:
        fatal.append(Problem(file, None, "", f"the scenario file cannot be read: {exc}"))
        return None, []
    except OSError as exc:
        fatal.append(Problem(file, None, "", f"the scenario file cannot be read ({exc.strerror or exc})"))
        return None, []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = text_position(raw, exc.start)
        fatal.append(
            Problem(
                file,
                line,
                "",
                f"the scenario file is not UTF-8 text (byte {raw[exc.start]:#04x} in column {column} of line {line}); "
                "save it as UTF-8",
            )
        )
        return None, []
    data, lines, yaml_problems = load_yaml_with_lines(text, file)
    if chain and (yaml_problems or not _looks_like_a_scenario(data)):
        # A file named by `extends:` that is not a scenario (a table, a plan, a key file...): said in one line,
        # without echoing what the file holds.
        lines_of = sorted({p.line for p in yaml_problems if p.line is not None})
        why = f"it is not valid YAML (line {lines_of[0]})" if lines_of else "it holds no scenario keys"
        fatal.append(Problem(file, None, "", f"this file is not a scenario: {why}"))
        return None, []
    fatal += yaml_problems
    if yaml_problems:
        return None, []
    own = _Locator(file, locator.notes, locator.hints)
    own.where.update({p: (file, ln) for p, ln in lines.items()})
    if not isinstance(data, dict):
        locator.where.update(own.where)
        return data, []
    data = _read_tables(data, path.parent, own, problems, allow_outside)
    base_ref = data.get("extends")
    if base_ref is None:
        locator.where.update(own.where)
        return data, []
    if not isinstance(base_ref, str) or not base_ref:
        fatal.append(own.problem(("extends",), "extends names a scenario file, relative to this one"))
        return None, []
    base_path = path.parent / base_ref
    if base_path.resolve() in {p.resolve() for p in (*chain, path)}:
        loop = " -> ".join(str(p) for p in (*chain, path, base_path))
        fatal.append(own.problem(("extends",), f"the scenarios extend each other in a loop: {loop}"))
        return None, []
    base_locator = _Locator(str(base_path), locator.notes, locator.hints)
    base, applied = _read_document(base_path, base_locator, problems, fatal, (*chain, path), allow_outside)
    if fatal:
        fatal.append(own.problem(("extends",), f"the scenario extended, {base_path}, cannot be used"))
        return None, []
    if not isinstance(base, dict):
        fatal.append(own.problem(("extends",), f"{base_path} is not a scenario (not a mapping of keys)"))
        return None, []
    child = {k: v for k, v in data.items() if k != "extends"}
    if "name" not in child and isinstance(base.get("name"), str):
        child["name"] = f"{base['name']} ({path.stem})"
    moves: Moves = []
    replaced: list[FieldPath] = []
    if isinstance(_get(child, ("budget", "annual")), dict):  # one year changed over `annual: 5e6`: the others kept
        base = expand_envelopes(base)
    merged = merge(base, child, moves=moves, replaced=replaced)
    merged["extends"] = base_ref
    for p, where in base_locator.where.items():
        if not any(tuple(p[: len(r)]) == r and len(p) > len(r) for r in replaced):
            locator.where[p] = where
    for p, where in own.where.items():
        target = moved(p, moves)
        if not _keeps_base_location(target, _get(child, p), locator.where, replaced):
            locator.where[target] = where
    return merged, [*applied, f"extends {base_path}"]


def _keeps_base_location(
    target: FieldPath, written: Any, where: dict[FieldPath, Location], replaced: list[FieldPath]
) -> bool:
    """Whether a mapping or list the extending file wrote at `target` was merged into the base's (not replacing
    it): then the values it wrote keep their own lines, and the rest of the merged row or mapping keeps the base's
    — a faulty value of a workbook row that an overlay also touches is located at the workbook's row."""
    return isinstance(written, (dict, list)) and target in where and target not in replaced


def _looks_like_a_scenario(data: Any) -> bool:
    """A mapping with at least one of the format's top-level keys (`horizon`, `budget`, `extends`...)."""
    return isinstance(data, dict) and any(isinstance(k, str) and k in ScenarioSpec.model_fields for k in data)


def _read_tables(
    data: dict[str, Any], base_dir: Path, locator: _Locator, problems: list[Problem], allow_outside: bool
) -> dict[str, Any]:
    """The data with every `{file: ...}` table reference replaced by the rows of its file."""
    data = dict(data)
    for path in TABLE_PATHS:
        parent = _copied_parent(data, path)
        if parent is not None and isinstance(parent.get(path[-1]), dict):
            parent[path[-1]] = _read_table_ref(parent[path[-1]], path, base_dir, locator, problems, allow_outside)
    return data


def scenario_from_dict(
    data: Any,
    source: str = "<memory>",
    base_dir: str | Path = ".",
    locator: _Locator | None = None,
    variant: str | None = None,
    overrides: tuple[str, ...] = (),
    applied: list[str] | None = None,
    problems: list[Problem] | None = None,
    budget_scale: float | None = None,
    *,
    allow_outside_files: bool = False,
) -> Scenario:
    """Validate scenario data already in memory (the YAML structure as Python objects), with a named
    variant and `path=value` overrides applied (see models/variants.py for the precedence); table files
    are read from `base_dir` (or below it, unless `allow_outside_files`). The scenario keeps a copy of the
    data (`models.edits.derive` edits that copy): changing `data` afterwards changes nothing."""
    return _from_data(
        copy.deepcopy(data),
        source,
        base_dir,
        locator,
        variant,
        overrides,
        applied,
        problems,
        budget_scale,
        allow_outside_files=allow_outside_files,
    )


def _from_data(
    data: Any,
    source: str = "<memory>",
    base_dir: str | Path = ".",
    locator: _Locator | None = None,
    variant: str | None = None,
    overrides: tuple[str, ...] = (),
    applied: list[str] | None = None,
    problems: list[Problem] | None = None,
    budget_scale: float | None = None,
    *,
    allow_outside_files: bool = False,
) -> Scenario:
    """`scenario_from_dict` on data the caller gives away (not copied)."""
    locator = locator or _Locator(source)
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([locator.problem((), f"a scenario must be a mapping of keys, this file is {what}")])
    problems = list(problems or [])
    data = _read_tables(data, Path(base_dir), locator, problems, allow_outside_files)
    applied = list(applied or [])
    if data.get("name") is None:
        data["name"] = _default_name(source)
    edits: list[Problem] = []  # an edit that names nothing: stop before checking the wrong data
    if variant is not None or overrides or budget_scale is not None:
        data = expand_envelopes(data)
    if variant is not None:
        data = _apply_variant(data, variant, locator, edits, applied, Path(base_dir), allow_outside_files)
    for text in overrides:
        try:
            edit = parse_set(text)
        except ScenarioError as exc:
            edits += exc.problems
            continue
        data = _apply_set(data, edit, locator, edits, applied)
    if edits:
        raise ScenarioError(edits + problems)
    return _validated(
        data,
        locator,
        problems,
        source=source,
        variant=variant,
        applied=applied,
        sets=tuple(overrides),
        budget_scale=budget_scale,
        allow_outside_files=allow_outside_files,
    )


def derive_scenario(scenario: Scenario, edits: tuple[Edit, ...], keep_scale: bool = True) -> Scenario:
    """`models.edits.derive`: the edits applied to the scenario's input document, validated again (without
    the scenario's budget factor unless `keep_scale`)."""
    if scenario.document is None:
        raise ValueError(
            "this scenario has no input document to edit (build it with load_scenario or scenario_from_dict)"
        )
    locator = _Locator(scenario.source)
    locator.where.update(scenario.locations)
    data = expand_envelopes(dict(scenario.document))
    applied = list(scenario.overrides[:-1] if scenario.budget_scale is not None else scenario.overrides)
    sets = list(scenario.sets)
    factor = scenario.budget_scale if keep_scale else None
    problems: list[Problem] = []
    for edit in edits:
        if isinstance(edit, ScaleBudget):
            factor = edit.factor if factor is None else factor * edit.factor
            continue
        for value in as_set_values(edit, data):
            data = _apply_set(data, value, locator, problems, applied)
            sets.append(value.set_text)
    if problems:
        raise ScenarioError(problems)
    return _validated(
        data,
        locator,
        [],
        source=scenario.source,
        variant=scenario.variant,
        applied=applied,
        sets=tuple(sets),
        budget_scale=factor,
        allow_outside_files=scenario.allow_outside_files,
        carried_notes=scenario.table_notes,
    )


def _validated(
    document: dict[str, Any],
    locator: _Locator,
    problems: list[Problem],
    *,
    source: str,
    variant: str | None,
    applied: list[str],
    sets: tuple[str, ...],
    budget_scale: float | None,
    allow_outside_files: bool,
    carried_notes: tuple[str, ...] = (),
) -> Scenario:
    """The input document (every edit applied) with the budget factor applied last, validated and resolved;
    the scenario keeps the document, to be edited again (`derive_scenario`), and the warnings about its table
    files' columns (`carried_notes` when it is derived: no file is read again)."""
    data = document
    if budget_scale is not None:
        data = dict(data)
        applied = applied + [
            line.replace("variant sweep:", "budget scale:")
            for line in apply_short_forms(data, {"scale_budget": budget_scale}, "sweep")
        ]
    numbers = _check_numbers(data, (), locator)
    if numbers:  # an infinite or huge number would overflow the checks and the solver's sums
        raise ScenarioError(numbers + problems)
    data = _district_names(data, locator)
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
    notes = tuple(dict.fromkeys([*carried_notes, *(str(note) for note in locator.notes)]))
    warnings = notes + tuple(str(locator.problem(path, message)) for path, message in find_warnings(spec))
    return resolve(
        spec,
        source=source,
        warnings=warnings,
        variant=variant,
        overrides=tuple(applied),
        sets=sets,
        budget_scale=budget_scale,
        allow_outside_files=allow_outside_files,
        document=document,
        locations=dict(locator.where),
        table_notes=notes,
    )


_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def _district_names(data: dict[str, Any], locator: _Locator) -> dict[str, Any]:
    """A table file's quartier written by its name or its id in other case or accents (`Centre-ville` for the
    district `centre` named Centre-ville) read as the district's id. Only cells of table files: a YAML value
    must be the id."""
    districts = data.get("districts")
    if not isinstance(districts, list):
        return data
    entries = [d for d in districts if isinstance(d, dict) and isinstance(d.get("id"), str)]
    ids = {d["id"] for d in entries}
    named: dict[str, set[str]] = {}
    for d in entries:
        for label in (d["id"], d.get("name")):
            if isinstance(label, str):
                named.setdefault(fold(label), set()).add(d["id"])
    for part in TABLE_PATHS:
        rows = _get(data, part)
        if not isinstance(rows, list):
            continue
        changed = list(rows)
        for i, row in enumerate(rows):
            value = row.get("district") if isinstance(row, dict) else None
            if not isinstance(value, str) or value in ids:
                continue
            if not locator((*part, i, "district"))[0].lower().endswith(_TABLE_SUFFIXES):
                continue
            match = named.get(fold(value), set())
            if len(match) == 1:
                changed[i] = {**row, "district": next(iter(match))}
        if changed != rows:
            data = dict(data)
            _set(data, part, changed)
    return data


def _apply_variant(
    data: dict[str, Any],
    name: str,
    locator: _Locator,
    problems: list[Problem],
    applied: list[str],
    base_dir: Path = Path("."),
    allow_outside: bool = False,
) -> dict[str, Any]:
    """The named variant's edits: its override fragment, its short forms, then its `set` values."""
    variants = data.get("variants")
    if not isinstance(variants, dict) or name not in variants:
        known = sorted(str(k) for k in variants) if isinstance(variants, dict) else []
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        listed = f"; the file defines: {', '.join(known)}" if known else "; the file defines no variants"
        problems.append(locator.problem(("variants",), f"unknown variant '{name}'{hint}{listed}"))
        return data
    try:
        spec = Variant.model_validate(variants[name])
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            problems.append(_translate({**err, "loc": ("variants", name, *err["loc"])}, locator))
        return data
    data = dict(data)
    data["name"] = f"{data.get('name')} — {name}"
    applied.append(f"variant {name}" + (f": {spec.description}" if spec.description else ""))
    prefix: FieldPath = ("variants", name)
    if spec.override is not None:
        moves: Moves = []
        replaced: list[FieldPath] = []
        fragment = _read_tables(spec.override, base_dir, locator, problems, allow_outside)
        data = merge(data, fragment, moves=moves, replaced=replaced)
        known = dict(locator.where)
        for p, where in known.items():
            if tuple(p[:3]) == (*prefix, "override"):
                target = moved(tuple(p[3:]), moves)
                if not _keeps_base_location(target, _get(fragment, tuple(p[3:])), known, replaced):
                    locator.where[target] = where
        applied.append(f"variant {name}: override of {', '.join(str(k) for k in spec.override)}")
    try:
        applied += apply_short_forms(data, spec.model_dump(), name)
    except EditError as exc:
        problems.append(locator.problem(tuple(exc.path.split(".")[:3]), str(exc)))
    for dotted, value in spec.set.items():
        try:
            path = set_value(data, dotted, value)
        except EditError as exc:
            problems.append(locator.problem((*prefix, "set", dotted), str(exc)))
            continue
        _locate_edit(locator, path, locator((*prefix, "set", dotted)))
        applied.append(f"variant {name}: {dotted} = {value!r}")
    return data


def _locate_edit(locator: _Locator, path: FieldPath, where: Location) -> None:
    """Problems at `path`, below it, or at the keys it created are located at the edit."""
    for p in [p for p in locator.where if tuple(p[: len(path)]) == path]:
        del locator.where[p]
    for n in range(1, len(path) + 1):
        if path[:n] not in locator.where or n == len(path):
            locator.where[path[:n]] = where


def _apply_set(
    data: dict[str, Any], edit: SetValue, locator: _Locator, problems: list[Problem], applied: list[str]
) -> dict[str, Any]:
    """One value set (a `--set` override or a typed edit), recorded as `--set path=value`; a problem is
    located at the edit."""
    data = dict(data)
    try:
        path = set_value(data, edit.path, edit.value)
    except EditError as exc:
        problems.append(Problem(edit.where, None, exc.path, str(exc)))
        return data
    _locate_edit(locator, path, (edit.where, None))
    applied.append(f"--set {edit.path}={edit.written}")
    return data


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
# other fields are still checked; findings about the replaced fields are not reported. The neutral values are
# read from the format (models/spec.py), so a new field needs nothing here; only the fields that say which
# row it is are never replaced (a row without them is set aside).
_ROW_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("projects",): ("id", "district"),
    ("subsidies",): ("project",),
    ("demand",): ("district", "kind", "year"),
    ("capacity",): ("district", "kind", "year"),
    ("districts",): ("id",),
}


def _neutral_value(field: Any) -> Any:
    """What replaces a faulty value of a field: its default when it has one; else nothing for a mapping, 0 for
    a number, and one share (everything in the first year) for a list of numbers such as a CP profile."""
    if not field.is_required():
        return field.get_default(call_default_factory=True)
    annotation = getattr(field.annotation, "__origin__", field.annotation)
    if annotation is dict:
        return {}
    if annotation is list:
        return [1.0]
    return 0.0 if field.annotation is float else 0


def _neutral_values(part: tuple[str, ...]) -> dict[str, Any]:
    """field -> neutral value, for the rows of a table part."""
    row_model = ScenarioSpec.model_fields[part[0]].annotation.__args__[0]
    return {n: _neutral_value(f) for n, f in row_model.model_fields.items() if n not in _ROW_KEYS[part]}


_NEUTRAL: dict[tuple[str, ...], dict[str, Any]] = {part: _neutral_values(part) for part in _ROW_KEYS}
_NEUTRAL[("subsidies",)] = {}  # an aid with a faulty value is set aside whole: no neutral amount is an aid
# A finding about a field computed from other fields of its row is not reported when one of those was faulty
# (and replaced): a text cost is one problem, not also "aid above 80 % of the cost (0 €)".
_DEPENDS_ON: dict[str, set[str]] = {"subsidies": {"cost", "capacity"}}


def _get(data: Any, path: FieldPath) -> Any:
    for key in path:
        if isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        elif isinstance(data, dict):
            data = data.get(key)
        else:
            return None
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
        return (
            len(row[2]) > 0
            and row[2][0] not in fields
            and row[2][0] not in ("start", "status")
            and not fields & _DEPENDS_ON.get(str(row[2][0]), set())
        )


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
    ref: dict,
    path: tuple[str, ...],
    base_dir: Path,
    locator: _Locator,
    problems: list[Problem],
    allow_outside: bool = False,
) -> list[dict[str, Any]] | dict:
    unknown = set(ref) - {"file", "sheet"}
    if unknown or not isinstance(ref.get("file"), str) or not isinstance(ref.get("sheet"), (str, type(None))):
        problems.append(
            locator.problem(path, "a table is either a list of rows or {file: PATH} (with an optional sheet for XLSX)")
        )
        return []
    table_path = base_dir / ref["file"]
    if not allow_outside and not _is_inside(table_path, base_dir):
        problems.append(
            locator.problem(
                (*path, "file"),
                f"the table file {ref['file']} is outside the scenario's folder {base_dir.resolve()}; move it into "
                "the folder, or allow files outside with --allow-outside-files",
            )
        )
        return []
    try:
        table = read_table(table_path, ref.get("sheet"), path)
    except TableReadError as exc:
        problems.append(locator.problem((*path, "file"), str(exc)))
        return []
    where = format_path(path)
    problems += [Problem(str(table_path), table.header_line, where, message) for message in table.headers.errors]
    locator.notes += [Problem(str(table_path), table.header_line, where, message) for message in table.headers.notes]
    locator.hints[(str(table_path), path)] = table.headers.hints
    out: list[dict[str, Any]] = []
    for line, record in table.rows:
        i = len(out)
        locator.where[(*path, i)] = (str(table_path), line)
        if "<extra cells>" in record:
            problems.append(locator.problem((*path, i), "this row has more cells than the header has columns"))
            record = {k: v for k, v in record.items() if k != "<extra cells>"}
            if not record:  # only cells beyond the header: that one problem, not a row missing every field
                del locator.where[(*path, i)]
                continue
        out.append(project_record(record) if path == ("projects",) else record)
    return out


def _is_inside(file: Path, folder: Path) -> bool:
    """Whether `file`, symbolic links followed, is `folder` or below it."""
    try:
        return file.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL in the name
        return False


def _check_numbers(data: Any, path: FieldPath, locator: _Locator) -> list[Problem]:
    """Every number of the scenario finite and at most MAX_NUMBER in size (it is summed over projects and
    years, and read by the solver)."""
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _check_numbers(value, (*path, key), locator)]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _check_numbers(value, (*path, i), locator)]
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        return []
    if isinstance(data, float) and not math.isfinite(data):
        return [locator.problem(path, f"expected a finite number (got {data!r})")]
    if abs(data) > MAX_NUMBER:
        big_int = isinstance(data, int) and abs(data) >= 10**300  # too large to show as a float
        shown = f"a number of {len(str(abs(data)))} digits" if big_int else f"{data:.3g}"
        limit = f"{MAX_NUMBER:.0e}".replace("e+", "e")
        return [locator.problem(path, f"{shown} is larger than {limit}, the largest number a scenario may hold")]
    return []


@functools.lru_cache(maxsize=1024)
def _key_hint(key: str) -> str:
    """` (did you mean 'budget'?)` for `budjet` (cached: a table repeats the same wrong column on every row)."""
    close = difflib.get_close_matches(key, _known_keys(), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@functools.lru_cache(maxsize=1)
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
        message = f"unknown key '{loc[-1]}'{_key_hint(str(loc[-1]))}"
        return locator.problem(loc, message)
    if kind == "missing":
        table = next((t for t in TABLE_PATHS if tuple(loc[: len(t)]) == t), None)
        hint = locator.hints.get((locator(loc)[0], table), {}).get(str(loc[-1])) if table else None
        return locator.problem(loc, "this required field is missing" + (f" ({hint})" if hint else ""))
    if kind == "string_pattern_mismatch":
        hidden = sorted({f"U+{ord(c):04X}" for c in str(value) if re.fullmatch(f"[{INVISIBLE}]", c)})
        if hidden:
            return locator.problem(
                loc,
                f"an identifier cannot contain invisible characters ({', '.join(hidden)}: text-direction or "
                f"zero-width marks that make ids look alike or show backwards) (got {value!r})",
            )
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
