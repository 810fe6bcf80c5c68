"""Demand derived from what services know: pupils today, housing programmes, births, and the rules.

For every district, kind and year (docs/model.md, "Demand forecast", has the same formulas):

    school pupils   P[d,k,y] = P₀[d,k] (1 + g[d,k])^(y − y_b) + Σ_h n_h × ppd[type_h] × φ[y − y_h] × θ[k]
    classes         C[d,k,y] = ⌈ Σ_l P[d,k,y] s[k,l] / size[d,l] ⌉      (⌈·⌉ only with rounding: up)
                    size[d,l] = min(class_size, cap_d) for the capped levels (GS, CP, CE1), class_size otherwise,
                    cap_d = rep_cap (12) in a REP/REP+ district, cap (24) elsewhere
    under 3         U[d,y] = population (or births of y−1, y−2, y−3) + Σ_h n_h × u3[type_h] × φ[y − y_h]
    crèche places   Q[d,y] = U[d,y] × coverage × creche_share / children_per_place   (⌈·⌉ with rounding: up)

with P₀ the base pupils in the base year y_b, g the trend (damped and bounded: `trend_factor`; P₀ and the new
pupils follow the public share 1 − private share: `public_factor`), n_h the dwellings of programme h delivered in y_h,
ppd and u3 the pupils and children under 3 per dwelling at the peak, φ the time profile after delivery (0
before it, its last value after its end), θ[k] the share of new pupils going to kind k, s[k,l] the share
of level l in kind k. With `model: cohort` the pupils of each level age into the next level instead
(`cohort_pupils`). The yearly changes of existing capacity (closures, temporary capacity, conversions)
are computed here too (`capacity_deltas`). No solver imports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from models.defaults import DEFAULT_DWELLING_TYPES, DEFAULT_HOUSING_PROFILE, DEFAULT_LEVELS
from models.spec import CapacityChange, ChildcareForecast, Cohort, HousingForecast, ScenarioSpec, SchoolForecast

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


def classes_of_levels(school: SchoolForecast, kind: str, rep: bool, pupils: Mapping[str, float]) -> float:
    """C = Σ_l pupils[l] / size[l] for pupils counted per level (the cohort model), rounded like `classes`."""
    sizes = class_sizes(school, kind, rep)
    return _round(sum(n / sizes[level] for level, n in pupils.items()), school.rounding)


def trend_factor(school: SchoolForecast, growth: float, years: int) -> float:
    """The cumulated change `years` after the base year: Π_{i=1..n} (1 + g φ^(i−1)) with φ = `trend_damping`
    ((1 + g)^n undamped, and before the base year), clipped to [1 + floor, 1 + ceiling] (`trend_bounds`)."""
    phi = school.trend_damping
    if years <= 0 or phi == 1.0:
        factor = (1.0 + growth) ** years
    else:
        factor = math.prod(1.0 + growth * phi ** (i - 1) for i in range(1, years + 1))
    if school.trend_bounds is not None:
        low, high = school.trend_bounds
        factor = min(max(factor, 1.0 + low), 1.0 + high)
    return factor


def private_share(school: SchoolForecast, year: int) -> float:
    """s[y]: the share of all pupils in private schools: one number, or the years given (linear between two
    of them, the first before the first one, the last after the last one); 0 without `private_share`."""
    given = school.private_share
    if given is None:
        return 0.0
    if not isinstance(given, Mapping):
        return float(given)
    years = sorted(given)
    if year <= years[0]:
        return float(given[years[0]])
    if year >= years[-1]:
        return float(given[years[-1]])
    after = next(y for y in years if y >= year)
    before = max(y for y in years if y <= year)
    if after == before:
        return float(given[before])
    t = (year - before) / (after - before)
    return float(given[before] + t * (given[after] - given[before]))


def public_factor(school: SchoolForecast, year: int) -> float:
    """(1 − s[y]) / (1 − s[y_b]): base pupils are public pupils, whose number follows the public share."""
    return (1.0 - private_share(school, year)) / (1.0 - private_share(school, school.base_year))


def cohort_kinds(school: SchoolForecast) -> dict[str, str]:
    """The kind of each cohort level (a level of some kind's `levels`)."""
    cohort = school.cohort or Cohort()
    of = {level: k for k in school_kinds(school) for level in level_shares(school, k)}
    return {level: of[level] for level in cohort.levels if level in of}


def _observed_levels(cohort: Cohort) -> dict[tuple[str, str, int], float]:
    return {(r.district, r.level, r.year): r.pupils for r in cohort.observed}


def _estimated_levels(school: SchoolForecast) -> dict[tuple[str, str, int], float]:
    """Level counts estimated from the kinds' observed pupils (`forecast.school.observed`) × the kind's level
    shares, for the levels the cohort's own rows leave out (the national file has no PS/MS/GS detail)."""
    cohort = school.cohort or Cohort()
    kinds = cohort_kinds(school)
    out: dict[tuple[str, str, int], float] = {}
    for row in school.observed:
        levels = [lv for lv in cohort.levels if kinds.get(lv) == row.kind]
        given = level_shares(school, row.kind)
        norm = sum(given.get(lv, 0.0) for lv in levels)
        for lv in levels:
            if norm > 0:
                out[(row.district, lv, row.year)] = row.pupils * given.get(lv, 0.0) / norm
    return out


def transition_rates(school: SchoolForecast, districts: tuple[str, ...]) -> dict[tuple[str, str], tuple[float, str]]:
    """r[d,l] for every level but the first, with where it comes from: `transitions` (given), else Σ_y
    P[d,l,y+1] / Σ_y P[d,l−1,y] over the years of d where both are counted — per level in `cohort.observed`
    (observed), or, for a level it leaves out, its kind's observed pupils × its level share (estimated) —,
    else the same over every district (commune), else 1 (default: no pupil arrives or leaves)."""
    cohort = school.cohort or Cohort()
    obs = _observed_levels(cohort)
    est = {key: v for key, v in _estimated_levels(school).items() if key not in obs}
    both = {**est, **obs}
    out: dict[tuple[str, str], tuple[float, str]] = {}
    for prev, level in zip(cohort.levels, cohort.levels[1:], strict=False):
        pairs = [
            (d, both[(d, prev, y)], both[(d, level, y + 1)], (d, prev, y) in est or (d, level, y + 1) in est)
            for (d, lv, y) in both
            if lv == prev and (d, level, y + 1) in both
        ]
        everywhere = sum(p for _, p, _, _ in pairs), sum(n for _, _, n, _ in pairs)
        for d in districts:
            if level in cohort.transitions:
                out[(d, level)] = (float(cohort.transitions[level]), "given")
                continue
            mine = [(p, n, e) for dd, p, n, e in pairs if dd == d]
            before, after = sum(p for p, _, _ in mine), sum(n for _, n, _ in mine)
            if before > 0:
                out[(d, level)] = (after / before, "estimated" if any(e for _, _, e in mine) else "observed")
            elif everywhere[0] > 0:
                out[(d, level)] = (everywhere[1] / everywhere[0], "commune")
            else:
                out[(d, level)] = (1.0, "default")
    return out


def cohort_base(school: SchoolForecast, d: str) -> dict[str, float]:
    """Pupils of each cohort level of d in the base year: the kind's base pupils P₀ split like the levels
    observed that year (every level of the kind observed), else by the kind's level shares; without a pupils
    row, the observed counts."""
    cohort = school.cohort or Cohort()
    obs = _observed_levels(cohort)
    kinds = cohort_kinds(school)
    rows = {(r.district, r.kind): r for r in school.pupils}
    out: dict[str, float] = {}
    for k in dict.fromkeys(kinds.values()):
        levels = [lv for lv in cohort.levels if kinds.get(lv) == k]
        seen = {lv: obs[(d, lv, school.base_year)] for lv in levels if (d, lv, school.base_year) in obs}
        total_seen = sum(seen.values())
        row = rows.get((d, k))
        if len(seen) == len(levels) and total_seen > 0:
            shares = {lv: seen[lv] / total_seen for lv in levels}
            total = row.pupils if row is not None else total_seen
        else:
            given = level_shares(school, k)
            norm = sum(given.get(lv, 0.0) for lv in levels) or 1.0
            shares = {lv: given.get(lv, 0.0) / norm for lv in levels}
            total = row.pupils if row is not None else 0.0
        out.update({lv: total * shares[lv] for lv in levels})
    return out


def _series_trend(series: Mapping[int, float]) -> float | None:
    """The compound yearly change from the first to the last year of a series with a positive first value."""
    years = sorted(y for y, v in series.items())
    if len(years) < 2 or series[years[0]] <= 0:
        return None
    growth = (series[years[-1]] / series[years[0]]) ** (1 / (years[-1] - years[0])) - 1
    return min(max(growth, -0.5), 0.5)


def entry_trend(school: SchoolForecast, d: str) -> tuple[float, str]:
    """g of the first level's new cohorts: `entry_trend`, else the observed first level's first-to-last change,
    else the trend of d's pupils of its kind (its row's, or the school trend)."""
    cohort = school.cohort or Cohort()
    if cohort.entry_trend is not None:
        return cohort.entry_trend, "given"
    first = cohort.levels[0]
    seen = {
        y: v for (dd, lv, y), v in _observed_levels(cohort).items() if dd == d and lv == first and y <= school.base_year
    }
    growth = _series_trend(seen)
    if growth is not None:
        return growth, "observed"
    kind = cohort_kinds(school).get(first)
    row = next((r for r in school.pupils if r.district == d and r.kind == kind), None)
    return (school.trend if row is None or row.trend is None else row.trend), "pupils"


def entry_rate(school: SchoolForecast, d: str) -> float:
    """New pupils of the first level per birth entry_age years before: `entry_rate`, else the base year's."""
    cohort = school.cohort or Cohort()
    if cohort.entry_rate is not None:
        return cohort.entry_rate
    births = _births(cohort, d, school.base_year - cohort.entry_age)
    return cohort_base(school, d).get(cohort.levels[0], 0.0) / births if births > 0 else 0.0


def _births(cohort: Cohort, d: str, year: int) -> float:
    series = {r.year: r.value for r in cohort.births if r.district == d}
    return _extended(series, year, 0.0) if series else 0.0


def cohort_pupils(
    school: SchoolForecast, districts: tuple[str, ...], years: tuple[int, ...]
) -> dict[tuple[str, str, int], float]:
    """Public pupils of each level from the cohorts, per (district, level, year), before new housing:

        P[d,l,y_b] = cohort_base;  P[d,l,y] = r[d,l] P[d,l−1,y−1] for the other levels after y_b;
        P[d,l₀,y] = P[d,l₀,y_b] × trend_factor(g_entry, y − y_b)   (entry: trend)
                  = entry_rate × births[d, y − entry_age]           (entry: births)

    times the public factor (1 − s[y]) / (1 − s[y_b]). A year before y_b takes the base year's pupils.
    """
    cohort = school.cohort or Cohort()
    rates = transition_rates(school, districts)
    levels = [lv for lv in cohort.levels if lv in cohort_kinds(school)]
    out: dict[tuple[str, str, int], float] = {}
    last = max(years) if years else school.base_year
    for d in districts:
        current = cohort_base(school, d)
        growth, _ = entry_trend(school, d)
        rate = entry_rate(school, d) if cohort.entry == "births" else 0.0
        by_year = {school.base_year: dict(current)}
        for y in range(school.base_year + 1, last + 1):
            nxt = {}
            for prev, level in zip(levels, levels[1:], strict=False):
                nxt[level] = rates[(d, level)][0] * current[prev]
            if cohort.entry == "births":
                nxt[levels[0]] = rate * _births(cohort, d, y - cohort.entry_age)
            else:
                nxt[levels[0]] = by_year[school.base_year][levels[0]] * trend_factor(
                    school, growth, y - school.base_year
                )
            by_year[y] = current = nxt
        for y in years:
            level_pupils = by_year.get(y, by_year[school.base_year])
            pub = public_factor(school, y)
            for lv in levels:
                out[(d, lv, y)] = level_pupils[lv] * pub
    return out


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


def forecast_demand(spec: ScenarioSpec, years: tuple[int, ...] | None = None) -> list[ForecastRow]:
    """Derived demand for every district, forecast kind and horizon year, or the `years` given (`ppi demand`
    draws the forecast from the base year); empty without a forecast."""
    fc = spec.forecast
    if fc is None:
        return []
    years = years if years is not None else tuple(range(spec.horizon.start, spec.horizon.end + 1))
    rep = {d.id: d.rep for d in spec.districts}
    new = housing_children(fc.housing, years)
    rows: list[ForecastRow] = []
    if fc.school is not None:
        school = fc.school
        shares = new_pupil_shares(school)
        base = {(r.district, r.kind): r for r in school.pupils}
        cohorts = cohort_pupils(school, tuple(rep), years) if school.model == "cohort" else {}
        by_kind = cohort_kinds(school) if school.model == "cohort" else {}
        for d in rep:
            for k in school_kinds(school):
                row = base.get((d, k))
                growth = school.trend if row is None or row.trend is None else row.trend
                aged = [lv for lv, kind in by_kind.items() if kind == k]
                for y in years:
                    public = 1.0 - private_share(school, y)
                    from_housing = new.get((d, y), (0.0, 0.0))[0] * shares.get(k, 0.0) * public
                    if aged:  # the cohort model: levels counted one by one, new pupils split by level shares
                        per_level = {lv: cohorts[(d, lv, y)] for lv in aged}
                        split = level_shares(school, k)
                        from_base = sum(per_level.values())
                        need = classes_of_levels(
                            school,
                            k,
                            rep[d],
                            {lv: per_level.get(lv, 0.0) + from_housing * split.get(lv, 0.0) for lv in split},
                        )
                    else:
                        from_base = (
                            0.0
                            if row is None
                            else row.pupils
                            * trend_factor(school, growth, y - school.base_year)
                            * public_factor(school, y)
                        )
                        need = classes(school, k, rep[d], from_base + from_housing)
                    rows.append(ForecastRow(d, k, y, from_base, from_housing, need))
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


def capacity_deltas(
    spec: ScenarioSpec, years: tuple[int, ...] | range | None = None
) -> dict[tuple[str, str, int], float]:
    """Change of existing capacity per (district, kind, year) from `capacity_changes`, for `years` (default:
    the horizon's; the scenario passes its tail years too).

    A change applies from its year to `until` (inclusive; for good without it); a conversion takes its units
    from `kind` and adds them to `to`.
    """
    years = years if years is not None else range(spec.horizon.start, spec.horizon.end + 1)
    out: dict[tuple[str, str, int], float] = {}
    add_changes(out, spec.capacity_changes, years, lambda ch: ch.district)
    return out


def add_changes(
    out: dict[tuple[str, str, int], float],
    changes: Iterable[CapacityChange],
    years: Iterable[int],
    place: Callable[[CapacityChange], str | None],
) -> None:
    """Add each change's units to `out[(place, kind, y)]` for the years it applies (from `year` to `until`),
    at the place `place(change)` names (a quartier, a school; None: the change is not counted there); a
    conversion takes its units from `kind` and adds them to `to`."""
    years = tuple(years)
    for ch in changes:
        where = place(ch)
        if where is None:
            continue
        for y in years:
            if y < ch.year or (ch.until is not None and y > ch.until):
                continue
            if ch.to is None:
                out[(where, ch.kind, y)] = out.get((where, ch.kind, y), 0.0) + ch.units
            else:
                out[(where, ch.kind, y)] = out.get((where, ch.kind, y), 0.0) - ch.units
                out[(where, ch.to, y)] = out.get((where, ch.to, y), 0.0) + ch.units
