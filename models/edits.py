"""Typed edits of a validated scenario, and `derive`: a what-if as data, without reading any file again.

    from models.edits import Exclude, Force, ScaleBudget, SetValue, ShiftWindow, StartFrom, derive

    tight = derive(scenario, [SetValue("budget.annual.2027", 8e6), ScaleBudget(0.9), Exclude("gs-plateau")])

A `Scenario` keeps the input document it was validated from (the file and what it extends, its tables'
rows inlined, the named variant and the `--set` overrides applied; the budget factor apart, since it
applies last). `derive` applies the edits to that document in memory and validates the result again, so
every check of `ppi validate` applies and a problem names the edited path. The scenario may have been
loaded from a file or built in Python (`scenario_from_dict`): nothing is read again.

Each edit is recorded as `--set` text (`scenario.sets`, and `--set path=value` in `scenario.overrides`),
so a derived scenario can be loaded again from its file with exactly those overrides: `Force`, `Exclude`,
`ShiftWindow` and `StartFrom` are written as the one value of the project row they set. `ScaleBudget`
multiplies the scenario's budget factor (`scenario.budget_scale`), which applies to every envelope after
every value set — as `--budget-scale` does.

The `"path=value"` grammar of the command line is read by `parse_set`, the one parser of that form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from models.errors import Problem, ScenarioError
from models.yaml_lines import load_yaml_with_lines

if TYPE_CHECKING:
    from models.scenario import Scenario


@dataclass(frozen=True)
class SetValue:
    """Set one value by dotted path (`budget.annual.2027`, `projects.gs-plateau.cost`,
    `demand_kinds.creche.weight`): rows of a table are named by their id."""

    path: str
    value: Any
    text: str | None = None  # the value as written on the command line (None: written from `value`)
    given: str | None = field(default=None, compare=False)  # the whole `--set` argument as typed

    @property
    def written(self) -> str:
        """The value as `--set` text: as typed, or YAML that reads back as the same value."""
        return self.text if self.text is not None else write_value(self.value)

    @property
    def set_text(self) -> str:
        """The `--set` argument (`path=value`)."""
        return self.given if self.given is not None else f"{self.path}={self.written}"

    @property
    def where(self) -> str:
        """Where a problem caused by this edit is located (in place of a file)."""
        return f"--set {self.set_text}"


@dataclass(frozen=True)
class ScaleBudget:
    """Every envelope (yearly and multi-year) × `factor`, applied after every value set."""

    factor: float


@dataclass(frozen=True)
class ShiftWindow:
    """The project's start window moved by `years` (later if positive), kept within the horizon."""

    project: str
    years: int


@dataclass(frozen=True)
class Force:
    """The project must be in the plan (status mandatory)."""

    project: str


@dataclass(frozen=True)
class Exclude:
    """The project is left out (status excluded)."""

    project: str


@dataclass(frozen=True)
class StartFrom:
    """The project starts no earlier than `year` (a year of its window as resolved: any shift of the window
    by a variant is accounted for)."""

    project: str
    year: int


Edit = SetValue | ScaleBudget | ShiftWindow | Force | Exclude | StartFrom


def write_value(value: Any) -> str:
    """A value as `--set` text that reads back (as YAML) as the same value: `12000000.0`, `mandatory`,
    `true`, `[0.5, 0.5]`; a string YAML would read otherwise is quoted."""
    if isinstance(value, str):
        read, _, problems = load_yaml_with_lines(value or "null", "")
        return value if not problems and read == value else json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def parse_set(text: str) -> SetValue:
    """`budget.annual.2027=12e6` -> SetValue("budget.annual.2027", 12000000.0, "12e6"): the value is read as
    YAML (12e6, excluded, true, [a, b]). A text that is not `path=value`, or a value that is not readable:
    `ScenarioError` located at `--set TEXT`."""
    where = f"--set {text}"
    dotted, sep, raw = text.partition("=")
    dotted = dotted.strip()
    if not sep or not dotted:
        raise ScenarioError(
            [Problem(where, None, "", "an override is written path=value, e.g. budget.annual.2027=12e6")]
        )
    value, _, yaml_problems = load_yaml_with_lines(raw.strip() or "null", where)
    if yaml_problems:
        raise ScenarioError([Problem(where, None, dotted, f"the value is not readable ({yaml_problems[0].message})")])
    return SetValue(dotted, value, raw.strip(), given=text)


def value_edit(path: str, text: str) -> SetValue:
    """The edit of one path to a value written as text (a sweep's `--vary` value): as `--set path=text`."""
    return parse_set(f"{path}={text}")


def _project_row(data: dict[str, Any], project: str) -> dict[str, Any]:
    rows = data.get("projects")
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("id") == project:
            return row
    return {}  # no such project: setting its value reports it


def as_set_values(edit: Edit, data: dict[str, Any]) -> tuple[SetValue, ...]:
    """The values an edit sets in the document `data` (a `ScaleBudget` sets none: it is a factor)."""
    if isinstance(edit, SetValue):
        return (edit,)
    if isinstance(edit, ScaleBudget):
        return ()
    if isinstance(edit, Force):
        return (SetValue(f"projects.{edit.project}.status", "mandatory"),)
    if isinstance(edit, Exclude):
        return (SetValue(f"projects.{edit.project}.status", "excluded"),)
    shift = _project_row(data, edit.project).get("shift", 0) or 0
    if isinstance(edit, ShiftWindow):
        return (SetValue(f"projects.{edit.project}.shift", int(shift) + edit.years),)
    if isinstance(edit, StartFrom):  # the file's earliest start is before the window's shift
        return (SetValue(f"projects.{edit.project}.earliest_start", edit.year - int(shift)),)
    raise TypeError(f"not an edit: {edit!r}")


def derive(scenario: Scenario, edits: tuple[Edit, ...] | list[Edit] = ()) -> Scenario:
    """The scenario with `edits` applied in order to its input document, validated again (`ScenarioError`
    listing every problem, each located at the edit that caused it). Reads no file."""
    from models.load import derive_scenario

    return derive_scenario(scenario, tuple(edits))


def unscaled(scenario: Scenario) -> Scenario:
    """The scenario without its budget factor (`scenario.budget_scale`), validated again."""
    from models.load import derive_scenario

    return derive_scenario(scenario, (), keep_scale=False)
