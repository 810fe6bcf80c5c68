"""The yearly revision of an adopted PPI ("PPI glissante"), as data. No solver imports.

`ppi revise PREVIOUS SCENARIO --year Y` builds the revised scenario in memory from three things: the adopted
plan (its start years, read through results.record), the scenario as it stands now, and the réalisé (CP paid
and delays observed per project and year, a CSV/XLSX table read here with the line of each row). The rules
(docs/model.md, "The yearly revision"):

- the revised horizon starts in Y: the years before are paid, their envelopes and demand are no longer
  decided; maturity lead times still count from the adopted PPI's first year (`revision.lead_from`);
- a project the adopted plan started before Y is under way: it becomes committed at its start, with the CP
  it paid in each past year (the réalisé; a past year without a row as planned), its remaining city cost
  (revised cost × city share − paid) spread over its remaining planned CP slid by its observed delay, and its
  delivery slid by that delay. An operation under way missing from the scenario, or excluded by it, is an
  error: it cannot be dropped silently;
- an operation under way that the réalisé marks abandoned (`abandoned`) is excluded: its CP paid before Y are
  sunk, it pays nothing from Y on and delivers nothing; it is not announced, so no stability cost. One abandoned
  in an earlier revision (the adopted scenario's `revision.realised`) stays excluded, its rows carried over;
- the operations the adopted plan announced from Y on (`revision.adopted`) carry a stability cost: `move_cost`
  per year moved, `drop_cost` per operation dropped, both in the objective's unit (weighted unit-years: 1 is
  one class missing for one year at weight 1); those announced to start in Y..Y+ℓ−1 are locked to their
  start (`locked_years` ℓ).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.errors import Problem, ScenarioError
from models.scenario import Project, Scenario
from models.spec import ProjectStatus, RealisedRow
from models.tables import TableReadError, read_table
from models.variants import expand_envelopes

REALISED_TABLE = ("revision", "realised")
# Euros: paid amounts are given to the cent; a remainder below this is rounding, not money left to pay.
CENT = 0.01


@dataclass(frozen=True)
class Stability:
    """The stability terms of a revised scenario: the adopted start a_p of each announced operation p, the cost
    per year moved μ, per operation dropped ω, and the locked years ℓ (from the revision year Y)."""

    year: int
    adopted: Mapping[str, int]
    move_cost: float
    drop_cost: float
    locked_years: int

    @property
    def locked(self) -> dict[str, int]:
        """The operations locked to their adopted start: announced to start in Y..Y+ℓ−1."""
        return {p: a for p, a in self.adopted.items() if a < self.year + self.locked_years}

    def cost(self, starts: Mapping[str, int | None]) -> float:
        """Σ_p [p dropped] ω + [p started in s] μ |s − a_p|, over the announced operations."""
        total = 0.0
        for pid, a in self.adopted.items():
            s = starts.get(pid)
            total += self.drop_cost if s is None else self.move_cost * abs(s - a)
        return total


def stability_of(scenario: Scenario) -> Stability | None:
    """The scenario's stability terms, when it is a revision."""
    rev = getattr(scenario.spec, "revision", None)
    if rev is None:
        return None
    return Stability(rev.year, dict(rev.adopted), rev.move_cost, rev.drop_cost, rev.locked_years)


def stability_cost(scenario: Scenario, starts: Mapping[str, int | None]) -> float:
    """The stability part of the objective of a plan (0 outside a revision)."""
    st = stability_of(scenario)
    return 0.0 if st is None else st.cost(starts)


# --------------------------------------------------------------------------------------------- réalisé


def read_realised(path: str | Path) -> list[dict[str, Any]]:
    """The réalisé table (CSV or XLSX, French headers accepted: models/headers.py) as validated rows
    {project, year, paid, delay, cost, abandoned} (a cell left empty: no key); every problem at once, each with
    its file, line and column."""
    path = Path(path)
    try:
        table = read_table(path, None, REALISED_TABLE)
    except TableReadError as exc:
        raise ScenarioError([Problem(str(path), None, "", str(exc))]) from None
    problems = [Problem(str(path), table.header_line, "", msg) for msg in table.headers.errors]
    column = {name: header for header, name in table.headers.fields.items()}
    rows: list[dict[str, Any]] = []
    for line, record in table.rows:
        if "<extra cells>" in record:
            problems.append(Problem(str(path), line, "", "this row has more cells than the header has columns"))
            record = {k: v for k, v in record.items() if k != "<extra cells>"}
        try:
            row = RealisedRow.model_validate(record)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else ""
                where = f"column '{column[name]}'" if name in column else name
                hint = table.headers.hints.get(name, "") if err["type"] == "missing" else ""
                problems.append(Problem(str(path), line, where, hint or err["msg"]))
            continue
        rows.append({"line": line, **row.model_dump(exclude_none=True, exclude_unset=True)})
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (row["project"], row["year"])
        if key in seen:
            problems.append(
                Problem(str(path), row["line"], "", f"{key[0]} {key[1]} is given twice (line {seen[key]} too)")
            )
        seen.setdefault(key, row["line"])
    for name in ("delay", "cost", "abandoned"):
        given: dict[str, tuple[Any, int]] = {}
        for row in rows:
            if name in row:
                first = given.setdefault(row["project"], (row[name], row["line"]))
                if first[0] != row[name]:
                    problems.append(
                        Problem(
                            str(path),
                            row["line"],
                            f"column '{column.get(name, name)}'",
                            f"{row['project']} has {name} {_shown(first[0])} on line {first[1]} and "
                            f"{_shown(row[name])} here: give it once",
                        )
                    )
    if problems:
        raise ScenarioError(problems)
    return rows


def _shown(value: Any) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else f"{value:g}"


def realised_notes(path: str | Path) -> list[str]:
    """What reading the réalisé table left aside (a column that is no field, such as a comment), one line each
    with the file and the header's line; [] when the file cannot be read (read_realised says why)."""
    try:
        table = read_table(Path(path), None, REALISED_TABLE)
    except TableReadError:
        return []
    return [f"{path}:{table.header_line}: {note}" for note in table.headers.notes]


# ------------------------------------------------------------------------------------- the revised document


@dataclass(frozen=True)
class RevisionTerms:
    """What the user sets for a revision: the year, the stability costs, the locked years."""

    year: int
    move_cost: float = 0.0
    drop_cost: float = 0.0
    locked_years: int = 0


def revised_document(
    adopted: Scenario,
    adopted_starts: Mapping[str, int | None],
    current: Scenario,
    terms: RevisionTerms,
    realised: list[dict[str, Any]],
    realised_file: str = "<réalisé>",
    previous: str | None = None,
) -> dict[str, Any]:
    """The revised scenario's input document: `current`'s document with the horizon starting in Y, the projects
    under way committed with their réalisé, and the `revision` section (rules in the module docstring).
    `adopted` is the scenario the adopted plan was solved from (its planned CP), `adopted_starts` its plan."""
    y = terms.year
    where = current.source
    if current.document is None:
        raise ValueError("the scenario has no input document (load it with load_scenario or scenario_from_dict)")
    doc = expand_envelopes(copy.deepcopy(dict(current.document)))
    doc.pop("extends", None)
    h = doc["horizon"]
    problems: list[Problem] = []
    if not h["start"] < y <= h["end"]:
        raise ScenarioError(
            [
                Problem(
                    where, None, "horizon", f"the revision year {y} must be after {h['start']} and at most {h['end']}"
                )
            ]
        )
    old = getattr(current.spec, "revision", None)
    lead_from = old.lead_from if old is not None and old.lead_from is not None else h["start"]
    h["start"] = y
    budget = doc["budget"]
    budget["annual"] = {year: v for year, v in budget["annual"].items() if int(year) >= y}
    total = budget.get("total")
    if isinstance(total, (int, float)) or (isinstance(total, dict) and (total.get("start") or 0) < y):
        problems.append(
            Problem(
                where,
                None,
                "budget.total",
                f"the multi-year envelope starts before the revision year {y}: state the amount left from {y} on "
                f"(budget.total: {{amount: ..., start: {y}}})",
            )
        )
    doc["capacity_changes"] = [  # a temporary change that ended before Y is history
        ch for ch in doc.get("capacity_changes", []) if ch.get("until") is None or ch["until"] >= y
    ]
    by_row = {row["id"]: row for row in doc.get("projects", [])}
    paid_rows: dict[str, list[dict[str, Any]]] = {}
    for row in realised:
        paid_rows.setdefault(row["project"], []).append(row)
    started = {pid: s for pid, s in adopted_starts.items() if s is not None and s < y}
    abandoned = {pid for pid, rows in paid_rows.items() if any(r.get("abandoned") for r in rows)}
    for pid, rows in paid_rows.items():
        for row in rows:
            if row["year"] >= y:
                problems.append(
                    Problem(realised_file, row["line"], "", f"{pid} {row['year']}: the réalisé covers years before {y}")
                )
        if pid in abandoned:
            problems.extend(_abandon_problems(pid, rows, adopted_starts.get(pid), y, realised_file))
        elif pid not in started:
            problems.append(
                Problem(
                    realised_file,
                    rows[0]["line"],
                    "",
                    f"{pid} did not start before {y} in the adopted plan: no réalisé is read for it",
                )
            )
    for pid, s0 in sorted(started.items()):
        row = by_row.get(pid)
        if pid in abandoned:  # stopped by the city: no start, no CP from Y on, no capacity (a scenario may omit it)
            if row is not None:
                row["status"] = ProjectStatus.EXCLUDED.value
                for key in ("start", "earliest_start", "latest_start", "shift"):
                    row.pop(key, None)
            continue
        if row is None or row.get("status") == ProjectStatus.EXCLUDED:
            what = "has no such project" if row is None else "excludes it"
            problems.append(
                Problem(
                    where,
                    None,
                    "projects",
                    f"{pid} is under way (started in {s0} in the adopted plan) but the scenario {what}: an operation "
                    "under way cannot be dropped silently; keep it in the scenario",
                )
            )
            continue
        try:
            row.update(_under_way(adopted.project[pid], s0, y, paid_rows.get(pid, [])))
        except ValueError as exc:
            problems.append(Problem(realised_file, paid_rows[pid][0]["line"], "", str(exc)))
        for key in ("earliest_start", "latest_start", "shift"):
            row.pop(key, None)
    carried: list[dict[str, Any]] = []  # abandoned in an earlier revision: never a candidate again
    for pid, rows in abandoned_of(adopted).items():
        if pid in started or pid in abandoned:
            continue
        if pid in by_row:
            by_row[pid]["status"] = ProjectStatus.EXCLUDED.value
        carried += rows
    for pid, row in by_row.items():
        if pid in started:
            continue
        if row.get("earliest_start") is not None and row["earliest_start"] < y:
            row.pop("earliest_start")
        if row.get("latest_start") is not None and row["latest_start"] < y:
            row.pop("latest_start")
            row.pop("earliest_start", None)
            if row.get("status", ProjectStatus.CANDIDATE) == ProjectStatus.MANDATORY:
                problems.append(
                    Problem(where, None, f"projects.{pid}", f"mandatory {pid} had to start before {y} and did not")
                )
            row["status"] = ProjectStatus.EXCLUDED.value
    if problems:
        raise ScenarioError(problems)
    announced = {pid: s for pid, s in sorted(adopted_starts.items()) if s is not None and s >= y and pid in by_row}
    doc["revision"] = {
        "year": y,
        "lead_from": lead_from,
        "adopted": announced,
        "move_cost": terms.move_cost,
        "drop_cost": terms.drop_cost,
        "locked_years": terms.locked_years,
        **({"previous": previous} if previous else {}),
        "realised": [{k: v for k, v in row.items() if k != "line"} for row in realised] + carried,
    }
    return doc


def _abandon_problems(
    pid: str, rows: list[dict[str, Any]], s0: int | None, y: int, realised_file: str
) -> list[Problem]:
    """What refuses the abandonment of `pid` (adopted start s0) in the revision of year y: an operation not under
    way (leave it out with the scenario's status instead), a delay or revised cost (nothing more is paid)."""
    if s0 is None or s0 >= y:
        what = "the adopted plan did not start it" if s0 is None else f"the adopted plan starts it in {s0}"
        return [
            Problem(
                realised_file,
                next(r["line"] for r in rows if r.get("abandoned")),
                "",
                f"{pid} is marked abandoned but is not under way ({what}, not before {y}): only an operation "
                f"started before {y} is abandoned in the réalisé; leave out one not started with the scenario "
                f"(status: excluded, or --set projects.{pid}.status=excluded)",
            )
        ]
    return [
        Problem(
            realised_file,
            row["line"],
            "",
            f"{pid} is abandoned: it pays nothing from {y} on, so its {name} is not read (a cleanup cost, "
            "demolition or penalties, is an operation of its own: add it as a committed project)",
        )
        for row in rows
        for name in ("delay", "cost")
        if name in row
    ]


def paid_before(p: Project, s0: int, y: int, rows: list[dict[str, Any]]) -> dict[int, float]:
    """The city's CP of p, started in s0, in each year before the revision year y: the réalisé's `paid`, else
    as planned (cost × profile × city share)."""
    planned = p.city_spending(s0)
    paid = {t: planned.get(t, 0.0) for t in range(s0, y)}
    paid.update({int(r["year"]): float(r["paid"]) for r in rows if "paid" in r})
    return paid


def abandoned_of(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """The operations a revised scenario records as abandoned (a réalisé row says so), with their réalisé rows."""
    rev = getattr(scenario.spec, "revision", None)
    if rev is None:
        return {}
    ids = {r.project for r in rev.realised if r.abandoned}
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rev.realised:
        if r.project in ids:
            out.setdefault(r.project, []).append(r.model_dump(exclude_none=True))
    return out


def _under_way(p: Project, s0: int, y: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The project fields of p, started in s0, as committed in the revision of year y: cost (revised), profile
    (what was paid before y, then the remainder over the planned CP slid by the delay) and delivery lag."""
    delay = next((int(r["delay"]) for r in rows if "delay" in r), 0)
    cost = next((float(r["cost"]) for r in rows if "cost" in r), p.cost)
    paid = paid_before(p, s0, y, rows)
    city = cost * p.city_share
    left = city - sum(paid.values())
    if left < -CENT:
        raise ValueError(
            f"{p.id} paid {sum(paid.values()):,.0f} € before {y}, more than its city cost {city:,.0f} €: give its "
            "revised cost (column cost / coût révisé)"
        )
    left = max(left, 0.0)
    later = {s0 + i + delay: share for i, share in enumerate(p.profile) if share and s0 + i + delay >= y}
    weight = sum(later.values())
    spending = dict(paid)
    for t, share in later.items():
        spending[t] = spending.get(t, 0.0) + left * share / weight
    if not later and left > CENT:
        spending[y] = spending.get(y, 0.0) + left
    last = max(t for t, v in spending.items() if v > 0) if any(v > 0 for v in spending.values()) else s0
    if city > 0:
        profile = [spending.get(t, 0.0) / city for t in range(s0, last + 1)]
        profile[-1] += 1.0 - sum(profile)  # the shares' rounding, on the last year paid
    else:
        profile = list(p.profile)
    return {
        "status": ProjectStatus.COMMITTED.value,
        "start": s0,
        "cost": cost,
        "profile": [max(0.0, share) for share in profile],
        "delivery_lag": p.delivery_lag + delay,
    }


def revision_rows(adopted: Scenario, adopted_starts: Mapping[str, int | None], revised: Scenario) -> list[dict]:
    """The réalisé against the plan, per project under way and year: planned CP (adopted plan), paid or
    now scheduled CP (revised scenario), in euros, for every year either has; an abandoned operation's rows
    (`abandoned`) have what it paid before the revision year and nothing after."""
    out = []
    for p in revised.projects:
        s0 = adopted_starts.get(p.id)
        if p.status != ProjectStatus.COMMITTED or s0 is None or p.id not in adopted.project:
            continue
        if s0 >= revised.first_year:
            continue
        planned = adopted.project[p.id].city_spending(s0)
        now = p.city_spending(p.start or s0)
        for t in sorted(set(planned) | set(now)):
            out.append(
                {
                    "project": p.id,
                    "year": t,
                    "planned": planned.get(t, 0.0),
                    "revised": now.get(t, 0.0),
                    "past": t < revised.first_year,
                }
            )
    y = revised.first_year
    for pid, rows in abandoned_of(revised).items():  # its CP paid stay in the past years; nothing from Y on
        s0 = adopted_starts.get(pid)
        if s0 is None or pid not in adopted.project:
            continue
        planned = adopted.project[pid].city_spending(s0)
        paid = paid_before(adopted.project[pid], s0, y, rows)
        for t in sorted(set(planned) | set(paid)):
            out.append(
                {
                    "project": pid,
                    "year": t,
                    "planned": planned.get(t, 0.0),
                    "revised": paid.get(t, 0.0),
                    "past": t < y,
                    "abandoned": True,
                }
            )
    return out


def document_yaml(doc: Mapping[str, Any]) -> str:
    """The revised scenario's document as a YAML file (written beside its plan, so that `ppi report`, `compare`
    and `explain` load the revised scenario again): plain types only, tables inline."""
    import yaml

    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {plain(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        return str(value)

    head = '# The revised scenario written by `ppi revise` (docs/model.md, "The yearly revision").\n'
    return head + yaml.safe_dump(plain(doc), allow_unicode=True, sort_keys=False, width=120)
