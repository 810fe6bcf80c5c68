"""Typed results: a plan (which project starts when) and the solver's outcome, as plain values.

The solver returns a `Plan`; reports and the verifier read it (or its `plan.json` form). No solver
imports here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Status(StrEnum):
    """Outcome of a solve, reported exactly as the solver ended.

    optimal      proven optimal (within the default relative gap tolerance, 1e-4);
    feasible     a plan was found but not proven optimal (time limit, or a looser --gap): see `gap`;
    infeasible   no plan satisfies the constraints;
    no_solution  the solver stopped (time limit, error) before finding any plan.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"

    @property
    def has_plan(self) -> bool:
        return self.value in PLAN_STATUSES


# The statuses that come with a plan, as plan.json and the sweep tables write them: test a status read back
# from a file or a table with `in PLAN_STATUSES` (or `Status(s).has_plan`), never with a tuple of its own.
PLAN_STATUSES: tuple[str, ...] = (Status.OPTIMAL.value, Status.FEASIBLE.value)


# HiGHS' and CBC's default relative MIP gap: a plan within it is what every solver calls "optimal".
OPTIMALITY_GAP = 1e-4


@dataclass(frozen=True)
class Plan:
    """A solved (or unsolved) scenario: start year of each project and how the solver ended."""

    scenario: str
    status: Status
    solver: str
    starts: Mapping[str, int | None] = field(default_factory=lambda: MappingProxyType({}))
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    runtime_s: float = 0.0
    message: str = ""
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    stats: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Demand of one district met next door: (from district, to district, kind, year) -> units.
    transfers: Mapping[tuple[str, str, str, int], float] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def chosen(self) -> list[str]:
        return [pid for pid, s in self.starts.items() if s is not None]
