"""A scenario derived from another in memory: `--set` texts and a budget factor, or typed edits."""

from __future__ import annotations

from collections.abc import Iterable

from models import Scenario, ScenarioError
from models.edits import Edit, ScaleBudget, parse_set
from models.edits import derive as derive_edits


def derive(scenario: Scenario, sets: Iterable[str | Edit] = (), budget_scale: float | None = None) -> Scenario:
    """The scenario with `sets` ("path=value" edits, as `--set` takes them, or typed edits of
    `models.edits`) applied, then a further factor on every envelope; validated again, without reading any
    file (a scenario built in memory can be derived too)."""
    edits: list[Edit] = []
    problems = []
    for item in sets:
        if not isinstance(item, str):
            edits.append(item)
            continue
        try:
            edits.append(parse_set(item))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    if budget_scale is not None:
        edits.append(ScaleBudget(budget_scale))
    return derive_edits(scenario, edits)
