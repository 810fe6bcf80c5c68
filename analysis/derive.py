"""A scenario derived from a loaded one: its own file, variant and overrides, plus more (validated again)."""

from __future__ import annotations

from collections.abc import Iterable

from models import Scenario, load_scenario


def derive(scenario: Scenario, sets: Iterable[str] = (), budget_scale: float | None = None) -> Scenario:
    """The scenario read again from its file with its variant and overrides, then `sets` ("path=value"
    edits, as `--set` takes them) and a further factor on every envelope. A scenario built in memory has
    no file to read again: `ValueError`."""
    if scenario.source.startswith("<"):
        raise ValueError("deriving a scenario needs one loaded from a file, not one built in memory")
    scales = [f for f in (scenario.budget_scale, budget_scale) if f is not None]
    return load_scenario(
        scenario.source,
        variant=scenario.variant,
        overrides=scenario.sets + tuple(sets),
        budget_scale=scales[0] * scales[1] if len(scales) == 2 else (scales[0] if scales else None),
        allow_outside_files=scenario.allow_outside_files,
    )
