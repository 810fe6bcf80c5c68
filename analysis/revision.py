"""What changed between the adopted PPI and its yearly revision, and why, in explain's terms (data, no words).

A change is an operation the adopted plan announced from the revision year Y on that the revised plan drops
or moves, an operation it adds, an operation under way whose schedule or cost the réalisé changed, or one the
city abandoned under way (dropped by decision: its CP paid before Y, sunk, and the capacity that will not come;
no reason is computed, the city decided it).

The reason of an added, dropped or moved operation is the value of undoing that one change: the revised scenario
solved again with the operation kept at its adopted start (dropped, moved) or left out (added) — the re-solves
at once in worker processes, as `ppi.solve_all` solves (`analysis.sweep.solve_scenarios`) —, each re-solve
verified, its objective split into the parts of `analysis.explain.Parts` (weighted unmet demand and its
unit-years per kind, transfers, cost, stability) minus the revised plan's — positive: undoing it is worse by
that much, which is what the revision gains by the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from analysis.explain import Parts
from analysis.sweep import solve_scenarios
from models.edits import Edit, Exclude, Force, StartFrom, value_edit
from models.errors import ScenarioError
from models.evaluate import evaluate_plan
from models.load import derive_scenario
from models.revision import abandoned_of, paid_before, revision_rows, stability_of
from models.scenario import Scenario
from models.spec import ProjectStatus


@dataclass(frozen=True)
class Change:
    """One change since the adopted PPI. kind: added | dropped | moved | under_way | abandoned."""

    project: str
    kind: str
    adopted: int | None  # start in the adopted plan
    revised: int | None  # start in the revised plan
    status: str = ""  # of the re-solve that undoes the change (optimal, feasible, infeasible, ...) or ""
    parts: Parts | None = None  # the undone plan's parts minus the revised plan's (positive: the change's value)
    delay: int = 0  # under way: years slipped
    cost: float | None = None  # under way: revised cost when it changed (euros)
    adopted_cost: float | None = None
    sunk: float | None = None  # abandoned: the city's CP paid before the revision year (euros)
    lost: tuple[tuple[str, float], ...] = ()  # abandoned: the capacity that will not come, by kind

    @property
    def value(self) -> float | None:
        return None if self.parts is None else self.parts.total


@dataclass(frozen=True)
class Revision:
    """The adopted and revised plans compared: the changes, the réalisé against the plan, and the objective parts
    of the revised plan."""

    year: int
    changes: tuple[Change, ...]
    realised: tuple[dict, ...]  # project, year, planned, revised, past (models.revision.revision_rows)
    parts: Parts
    stability: float
    locked: tuple[str, ...]

    @property
    def abandoned(self) -> tuple[Change, ...]:
        """The operations the city abandoned under way."""
        return tuple(c for c in self.changes if c.kind == "abandoned")


def _keep_at(scenario: Scenario, pid: str, year: int) -> tuple[Edit, ...]:
    """The edits that make `pid` start in `year` exactly."""
    shift = _shift(scenario, pid)
    return (Force(pid), StartFrom(pid, year), value_edit(f"projects.{pid}.latest_start", str(year - shift)))


def _shift(scenario: Scenario, pid: str) -> int:
    rows = (scenario.document or {}).get("projects") or []
    row = next((r for r in rows if r.get("id") == pid), {})
    return int(row.get("shift", 0) or 0)


def compare_revision(
    adopted: Scenario,
    adopted_starts: Mapping[str, int | None],
    revised: Scenario,
    revised_starts: Mapping[str, int | None],
    reasons: bool = True,
    time_limit: float | None = None,
    solver: str = "highs",
    workers: int | None = None,
) -> Revision:
    """The changes between the adopted plan and the revised plan, each with the value of undoing it (when
    `reasons`: one verified re-solve per added, dropped or moved operation, solved at once in `workers` worker
    processes — default one per core, 1 solves them one after the other here — as `ppi.solve_all` does)."""
    st = stability_of(revised)
    assert st is not None, "the revised scenario has no revision section"
    y = st.year
    base = evaluate_plan(revised, revised_starts)
    base_parts = Parts.of(base)
    changes: list[Change] = []
    undos: dict[int, tuple[Edit, ...]] = {}  # the index of a change in `changes` -> the edits that undo it
    for p in revised.projects:
        a, r = adopted_starts.get(p.id), revised_starts.get(p.id)
        if p.status == ProjectStatus.COMMITTED and a is not None and a < y and p.id in adopted.project:
            old = adopted.project[p.id]
            delay = p.delivery_lag - old.delivery_lag
            cost = p.cost if abs(p.cost - old.cost) > 0.5 else None
            if delay or cost is not None:
                changes.append(Change(p.id, "under_way", a, r, delay=delay, cost=cost, adopted_cost=old.cost))
            continue
        if a is not None and a < y:
            continue
        kind = None
        undo: tuple[Edit, ...] = ()
        if a is None and r is not None and p.status != ProjectStatus.COMMITTED:
            kind, undo = "added", (Exclude(p.id),)
        elif a is not None and r is None:
            kind, undo = "dropped", _keep_at(revised, p.id, a)
        elif a is not None and r is not None and a != r:
            kind, undo = "moved", _keep_at(revised, p.id, a)
        if kind is None:
            continue
        undos[len(changes)] = undo
        changes.append(Change(p.id, kind, a, r))
    for pid, rows in abandoned_of(revised).items():
        a, old = adopted_starts.get(pid), adopted.project.get(pid)
        if a is not None and old is not None:
            sunk = sum(paid_before(old, a, y, rows).values())
            lost = tuple((k, v) for k, v in sorted(old.capacity.items()) if v)
            changes.append(Change(pid, "abandoned", a, None, sunk=sunk, lost=lost))
    if reasons:
        for i, (status, parts) in _undo_all(revised, undos, base_parts, solver, time_limit, workers).items():
            changes[i] = replace(changes[i], status=status, parts=parts)
    order = {"under_way": 0, "abandoned": 1, "dropped": 2, "moved": 3, "added": 4}
    changes.sort(key=lambda c: (order[c.kind], c.adopted or c.revised or 0, c.project))
    return Revision(
        y,
        tuple(changes),
        tuple(revision_rows(adopted, adopted_starts, revised)),
        base_parts,
        base.stability_term,
        tuple(sorted(st.locked)),
    )


def _undo_all(
    revised: Scenario,
    undos: Mapping[int, tuple[Edit, ...]],
    base: Parts,
    solver: str,
    time_limit: float | None,
    workers: int | None,
) -> dict[int, tuple[str, Parts | None]]:
    """Solve the revised scenario with each change undone, all at once (`analysis.sweep.solve_scenarios`, each
    plan verified); per change, its status and parts minus the revised plan's ("not possible" and None for an
    undo the scenario refuses: a window, a status)."""
    found: dict[int, tuple[str, Parts | None]] = {}
    scenarios: dict[int, Scenario] = {}
    for i, edits in undos.items():
        try:
            scenarios[i] = derive_scenario(revised, edits)
        except ScenarioError:  # an undo the scenario refuses (window, status): no plan to compare
            found[i] = ("not possible", None)
    if scenarios:
        solved = solve_scenarios(
            list(scenarios.values()), solver=solver, time_limit=time_limit, workers=1 if solver == "auto" else workers
        )
        for i, result in zip(scenarios, solved, strict=True):
            found[i] = (result.status, Parts.of(result.evaluation).minus(base) if result.has_plan else None)
    return found
