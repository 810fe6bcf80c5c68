"""Demand derived from what services know: pupils today, housing programmes, births, and the rules.

For every district, kind and year (docs/model.md, "Demand forecast", has the same formulas):

    school pupils   P[d,k,y] = P₀[d,k] (1 + g[d,k])^(y − y_b) + Σ_h n_h × ppd[type_h] × φ[y − y_h] × θ[k]
    classes         C[d,k,y] = ⌈ Σ_l P[d,k,y] s[k,l] / size[d,l] ⌉      (⌈·⌉ only with rounding: up)
                    size[d,l] = min(class_size, cap_d) for the capped levels (GS, CP, CE1), class_size otherwise,
                    cap_d = rep_cap (12) in a REP/REP+ district, cap (24) elsewhere
    under 3         U[d,y] = population (or births of y−1, y−2, y−3) + Σ_h n_h × u3[type_h] × φ[y − y_h]
    crèche places   Q[d,y] = U[d,y] × coverage × creche_share / children_per_place   (⌈·⌉ with rounding: up)

with P₀ the base pupils in the base year y_b, g the trend, n_h the dwellings of programme h delivered in y_h,
ppd and u3 the pupils and children under 3 per dwelling at the peak, φ the time profile after delivery (0
before it, its last value after its end), θ[k] the share of new pupils going to kind k, s[k,l] the share
of level l in kind k. The yearly changes of existing capacity (closures, temporary capacity, conversions)
are computed here too (`capacity_deltas`). No solver imports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from models.defaults import DEFAULT_DWELLING_TYPES, DEFAULT_HOUSING_PROFILE, DEFAULT_LEVELS
from models.spec import ChildcareForecast, HousingForecast, ScenarioSpec, SchoolForecast

# Rounding up forgives this much, so that 3.0000000001 classes (floating dust) is 3, not 4.
ROUNDING_SLACK = 1e-9
# Under-3 children per dwelling when a type gives none: three birth cohorts for eight school cohorts.
UNDER_3_PER_PUPIL = 3 / 8
# The eight school years of maternelle and élémentaire, which pupils per dwelling count.
SCHOOL_YEARS = frozenset(level for levels in DEFAULT_LEVELS.values() for level in levels)


@dataclass(frozen=True)
class ForecastRow:
    """One district, kind and year of a derived demand."""

    district: str
    kind: str
    year: int
    base: float  # pupils (or children under 3) from the base counts and trend, or the population table
    housing: float  # pupils (or children under 3) brought by new dwellings
    demand: float  # classes (or places) needed

    @property
    def people(self) -> float:
        return self.base + self.housing


def level_shares(school: SchoolForecast, kind: str) -> dict[str, float]:
    """Share of a kind's pupils in each level, normalised to sum to 1 (checked to be close to 1 already)."""
    given = school.levels.get(kind) or DEFAULT_LEVELS.get(kind) or {kind: 1.0}
    total = sum(given.values())
    return {level: share / total for level, share in given.items()} if total > 0 else {kind: 1.0}


def school_kinds(school: SchoolForecast) -> tuple[str, ...]:
    """Demand kinds the school forecast derives: those of its pupil rows, levels and new-pupil shares."""
    kinds = [row.kind for row in school.pupils] + list(school.levels) + list(school.new_pupils_share)
    return tuple(dict.fromkeys(kinds))


def new_pupil_shares(school: SchoolForecast) -> dict[str, float]:
    """θ[k]: the scenario's split, else the kind's share of the eight school years PS…CM2 (maternelle 3/8,
    élémentaire 5/8), whichever kinds the forecast derives: pupils per dwelling count all eight years."""
    kinds = school_kinds(school)
    if school.new_pupils_share:
        return {k: school.new_pupils_share.get(k, 0.0) for k in kinds}
    return {k: len(set(level_shares(school, k)) & SCHOOL_YEARS) / len(SCHOOL_YEARS) for k in kinds}


def class_sizes(school: SchoolForecast, kind: str, rep: bool) -> dict[str, float]:
    """size[d,l] for the levels of a kind: the planning size, capped for the capped levels."""
    cap = school.rep_cap if rep else school.cap
    capped = set(school.capped_levels)
    return {
        level: min(school.class_size, cap) if level in capped else school.class_size
        for level in level_shares(school, kind)
    }


def classes(school: SchoolForecast, kind: str, rep: bool, pupils: float) -> float:
    """C = Σ_l pupils × s[l] / size[l], rounded up to whole classes when `rounding: up`.

    Rounding is done once per district, kind and year, not per level: remainders of several levels share a
    class (classes à plusieurs niveaux), as schools do.
    """
    sizes = class_sizes(school, kind, rep)
    raw = sum(pupils * share / sizes[level] for level, share in level_shares(school, kind).items())
    return _round(raw, school.rounding)


def _round(value: float, rounding: str) -> float:
    if rounding == "up":
        return float(max(0, math.ceil(value - ROUNDING_SLACK)))
    return value


def dwelling_types(housing: HousingForecast) -> dict[str, dict]:
    """The shipped dwelling types (docs/domain.md) with the scenario's entries replacing or adding keys."""
    types = {k: dict(v) for k, v in DEFAULT_DWELLING_TYPES.items()}
    types.update({k: v.model_dump() for k, v in housing.dwelling_types.items()})
    return types


def profile_share(profile: tuple[float, ...] | list[float], years_since_delivery: int) -> float:
    """φ[i]: 0 before delivery, the profile's value i years after, its last value past its end."""
    if years_since_delivery < 0:
        return 0.0
    return float(profile[min(years_since_delivery, len(profile) - 1)])


def housing_children(
    housing: HousingForecast | None, years: tuple[int, ...]
) -> dict[tuple[str, int], tuple[float, float]]:
    """(pupils, children under 3) brought by new dwellings, per (district, year)."""
    out: dict[tuple[str, int], tuple[float, float]] = {}
    if housing is None:
        return out
    types = dwelling_types(housing)
    default_profile = housing.profile or DEFAULT_HOUSING_PROFILE
    for row in housing.programmes:
        t = types[row.type]
        profile = t.get("profile") or default_profile
        under_3 = t["under_3"] if t.get("under_3") is not None else UNDER_3_PER_PUPIL * t["pupils"]
        for y in years:
            phi = profile_share(profile, y - row.year)
            if phi:
                pupils, small = out.get((row.district, y), (0.0, 0.0))
                out[(row.district, y)] = (
                    pupils + row.dwellings * t["pupils"] * phi,
                    small + row.dwellings * under_3 * phi,
                )
    return out


def _extended(series: Mapping[int, float], year: int, trend: float) -> float:
    """A yearly series at any year: the value given, else the last earlier one grown at the trend, else the
    first one."""
    earlier = [y for y in series if y <= year]
    if not earlier:
        return series[min(series)]
    last = max(earlier)
    return series[last] * (1.0 + trend) ** (year - last)


def under_3(childcare: ChildcareForecast, series: Mapping[int, float], year: int) -> float:
    """Children under 3 in a year from a district's population series (or births of the three previous years)."""
    if not series:
        return 0.0
    if childcare.basis == "births":
        return sum(_extended(series, year - i, childcare.trend) for i in (1, 2, 3))
    return _extended(series, year, childcare.trend)


def forecast_demand(spec: ScenarioSpec) -> list[ForecastRow]:
    """Derived demand for every district, forecast kind and horizon year (empty without a forecast)."""
    fc = spec.forecast
    if fc is None:
        return []
    years = tuple(range(spec.horizon.start, spec.horizon.end + 1))
    rep = {d.id: d.rep for d in spec.districts}
    new = housing_children(fc.housing, years)
    rows: list[ForecastRow] = []
    if fc.school is not None:
        school = fc.school
        shares = new_pupil_shares(school)
        base = {(r.district, r.kind): r for r in school.pupils}
        for d in rep:
            for k in school_kinds(school):
                row = base.get((d, k))
                growth = school.trend if row is None or row.trend is None else row.trend
                for y in years:
                    from_base = 0.0 if row is None else row.pupils * (1.0 + growth) ** (y - school.base_year)
                    from_housing = new.get((d, y), (0.0, 0.0))[0] * shares.get(k, 0.0)
                    rows.append(
                        ForecastRow(
                            d, k, y, from_base, from_housing, classes(school, k, rep[d], from_base + from_housing)
                        )
                    )
    if fc.childcare is not None:
        cc = fc.childcare
        per_child = cc.coverage * cc.creche_share / cc.children_per_place
        population: dict[str, dict[int, float]] = {}
        for r in cc.population:
            population.setdefault(r.district, {})[r.year] = r.value
        for d in rep:
            for y in years:
                from_base = under_3(cc, population.get(d, {}), y)
                from_housing = new.get((d, y), (0.0, 0.0))[1]
                rows.append(
                    ForecastRow(
                        d,
                        cc.kind,
                        y,
                        from_base,
                        from_housing,
                        _round((from_base + from_housing) * per_child, cc.rounding),
                    )
                )
    return rows


def forecast_kinds(spec: ScenarioSpec) -> tuple[str, ...]:
    """Demand kinds a scenario's forecast derives."""
    fc = spec.forecast
    if fc is None:
        return ()
    kinds = school_kinds(fc.school) if fc.school is not None else ()
    return kinds + ((fc.childcare.kind,) if fc.childcare is not None else ())


def capacity_deltas(spec: ScenarioSpec) -> dict[tuple[str, str, int], float]:
    """Change of existing capacity per (district, kind, horizon year) from `capacity_changes`.

    A change applies from its year to `until` (inclusive; for good without it); a conversion takes its units
    from `kind` and adds them to `to`.
    """
    years = range(spec.horizon.start, spec.horizon.end + 1)
    out: dict[tuple[str, str, int], float] = {}
    for ch in spec.capacity_changes:
        for y in years:
            if y < ch.year or (ch.until is not None and y > ch.until):
                continue
            if ch.to is None:
                out[(ch.district, ch.kind, y)] = out.get((ch.district, ch.kind, y), 0.0) + ch.units
            else:
                out[(ch.district, ch.kind, y)] = out.get((ch.district, ch.kind, y), 0.0) - ch.units
                out[(ch.district, ch.to, y)] = out.get((ch.district, ch.to, y), 0.0) + ch.units
    return out
