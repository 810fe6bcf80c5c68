"""Schools, not only sectors: existing classes per school rolled up to the quartier balance, closures and
extensions per school, site limits, and the balance per school (docs/model.md, "Schools").

- A quartier's existing capacity of a kind is the capacity table plus Σ of its schools' classes of that kind,
  each school counting until the year it closes (`closes`); a capacity change that names a school changes its
  classes (and its quartier's, like any change).
- A site limit caps the classes a school's site holds, all kinds together. It is checked, not optimised: a
  school above its limit, a change or a project (`Project.school`) that would take it above its limit is
  refused (models/checks.py); projects that only together exceed it are flagged, to be made alternatives.
- The balance per school shares the quartier's forecast pupils among its open schools pro rata of their
  base-year pupils (their classes when a school gives no pupils) and rounds each school's classes on its own.
  The optimiser plans the quartier; the per-school balance says where in the quartier the classes are short.

No solver imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.forecast import add_changes
from models.spec import ProjectStatus, ScenarioSpec, SchoolRow

if TYPE_CHECKING:  # the resolved scenario imports this module
    from models.scenario import Scenario


def school_districts(spec: ScenarioSpec) -> dict[str, str]:
    """The quartier of each school (its first row's)."""
    out: dict[str, str] = {}
    for row in spec.schools:
        out.setdefault(row.school, row.district)
    return out


def site_limits(spec: ScenarioSpec) -> dict[str, float]:
    """The site limit of each school that gives one (its first row giving it)."""
    out: dict[str, float] = {}
    for row in spec.schools:
        if row.site_limit is not None:
            out.setdefault(row.school, row.site_limit)
    return out


def school_kinds_of(spec: ScenarioSpec) -> frozenset[str]:
    """The kinds counted in classes at schools: those of the school rows."""
    return frozenset(row.kind for row in spec.schools)


def is_open(row: SchoolRow, year: int) -> bool:
    return row.closes is None or year < row.closes


def school_classes(spec: ScenarioSpec, years: Iterable[int]) -> dict[tuple[str, str, int], float]:
    """Classes per (school, kind, year): the row's classes while the school is open, plus the capacity changes
    that name the school (a conversion moves its units from `kind` to `to` at the school)."""
    years = tuple(years)
    out: dict[tuple[str, str, int], float] = {}
    for row in spec.schools:
        for y in years:
            out[(row.school, row.kind, y)] = row.classes if is_open(row, y) else 0.0
    add_changes(out, spec.capacity_changes, years, lambda ch: ch.school)
    return out


def school_capacity(spec: ScenarioSpec, years: Iterable[int]) -> dict[tuple[str, str, int], float]:
    """Σ of the open schools' classes per (district, kind, year): what the school rows add to the quartier's
    existing capacity (the capacity changes, school or not, are added by `capacity_deltas`)."""
    out: dict[tuple[str, str, int], float] = {}
    for row in spec.schools:
        for y in years:
            if is_open(row, y):
                out[(row.district, row.kind, y)] = out.get((row.district, row.kind, y), 0.0) + row.classes
    return out


def site_classes(spec: ScenarioSpec, years: Iterable[int]) -> dict[tuple[str, int], float]:
    """Classes per (school, year), all kinds together: what its site limit caps."""
    out: dict[tuple[str, int], float] = {}
    for (school, _kind, y), n in school_classes(spec, years).items():
        out[(school, y)] = out.get((school, y), 0.0) + n
    return out


def extension_classes(spec: ScenarioSpec, capacity: dict[str, float]) -> float:
    """Classes a project adds at its school's site: its capacity in the kinds counted at schools."""
    kinds = school_kinds_of(spec)
    return sum(v for k, v in capacity.items() if k in kinds)


@dataclass(frozen=True)
class SchoolBalance:
    """One school, kind and year of the per-school balance."""

    school: str
    name: str
    district: str
    kind: str
    year: int
    share: float  # the school's share of its quartier's pupils (0 when closed)
    pupils: float  # forecast pupils at the school (nan when the quartier's demand is a table)
    needed: float  # classes needed at the school: its pupils rounded on their own, or its share of the demand
    classes: float  # existing classes at the school that year
    site_limit: float | None  # classes the site holds, all kinds together
    room: float | None  # site limit − the site's classes that year (all kinds)
    extensions: tuple[str, ...]  # projects that name the school

    @property
    def gap(self) -> float:
        return self.needed - self.classes


def school_balance(scenario: Scenario) -> list[SchoolBalance]:
    """The balance of every school row and year (empty without school rows)."""
    from models.forecast import classes as classes_needed  # the forecast imports nothing of this module

    spec = scenario.spec
    if not spec.schools:
        return []
    years = scenario.horizon_years  # the PPI's years, like the other demand tables
    held = school_classes(spec, years)
    site = site_classes(spec, years)
    limits = site_limits(spec)
    rep = {d.id: d.rep for d in spec.districts}
    people = {(r.district, r.kind, r.year): r.people for r in scenario.forecast}
    extensions: dict[str, list[str]] = {}
    for p in spec.projects:
        if p.school is not None and p.status != ProjectStatus.EXCLUDED:
            extensions.setdefault(p.school, []).append(p.id)
    school_fc = spec.forecast.school if spec.forecast is not None else None
    last_forecast = max((r.year for r in scenario.forecast), default=None)  # the forecast's last year
    out: list[SchoolBalance] = []
    for y in years:
        open_rows = [r for r in spec.schools if is_open(r, y)]
        for row in spec.schools:
            peers = [r for r in open_rows if r.district == row.district and r.kind == row.kind]
            by_pupils = all(r.pupils is not None for r in peers)
            weight = {r.school: (r.pupils if by_pupils else r.classes) or 0.0 for r in peers}
            total = sum(weight.values())
            share = weight.get(row.school, 0.0) / total if total > 0 and is_open(row, y) else 0.0
            source = scenario.demand_source.get((row.district, row.kind))
            fy = y if last_forecast is None else min(y, last_forecast)  # the tail continues the last year
            if source == "forecast" and school_fc is not None and (row.district, row.kind, fy) in people:
                pupils = people[(row.district, row.kind, fy)] * share
                needed = classes_needed(school_fc, row.kind, rep[row.district], pupils) if share else 0.0
            else:
                pupils = float("nan")
                needed = scenario.demand[(row.district, row.kind, y)] * share
            limit = limits.get(row.school)
            out.append(
                SchoolBalance(
                    school=row.school,
                    name=row.name or row.school,
                    district=row.district,
                    kind=row.kind,
                    year=y,
                    share=share,
                    pupils=pupils,
                    needed=needed,
                    classes=held.get((row.school, row.kind, y), 0.0),
                    site_limit=limit,
                    room=None if limit is None else limit - site.get((row.school, y), 0.0),
                    extensions=tuple(extensions.get(row.school, ())),
                )
            )
    return out


def rows_from_enrolment(records: Iterable[dict[str, str]], kinds: tuple[str, str] = ("maternelle", "elementaire")):
    """School rows from the base-year schools table of `ppi enrolment` (`effectifs-ecoles.csv`: uai, name,
    district, maternelle, elementaire, ulis, classes_maternelle, classes_elementaire): one row per school and
    kind it has classes or pupils of, the pupils of élémentaire with its ULIS pupils (as the base pupils count
    them). Site limits and closures are the council's: add them to the rows."""
    out: list[dict[str, object]] = []
    for r in records:
        mat, ele = kinds
        pupils = {mat: float(r["maternelle"]), ele: float(r["elementaire"]) + float(r.get("ulis") or 0)}
        classes = {mat: float(r["classes_maternelle"]), ele: float(r["classes_elementaire"])}
        for k in kinds:
            if classes[k] or pupils[k]:
                out.append(
                    {
                        "school": r["uai"],
                        "district": r["district"],
                        "kind": k,
                        "classes": classes[k],
                        "pupils": pupils[k],
                        "name": r["name"],
                    }
                )
    return out
