"""Cross-reference and meaning checks of a scenario (layer 2 of validation).

Each `check_*` function looks at a spec that already has the right shape and types, and returns the
problems it finds as (field path, message) pairs; `run_checks` runs them all so that every problem is
reported at once. Warnings are things that are allowed but probably not meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar

from models.defaults import DEFAULT_LEVELS
from models.errors import Path
from models.forecast import (
    SCHOOL_YEARS,
    capacity_deltas,
    dwelling_types,
    forecast_kinds,
    level_shares,
    new_pupil_shares,
    school_kinds,
)
from models.limits import MAX_HINTS
from models.scenario import (
    competences,
    expand_table,
    maturity_levels,
    resolve_project,
    subsidy_amount,
    tail_length,
)
from models.schools import (
    extension_classes,
    school_capacity,
    school_classes,
    school_districts,
    site_classes,
    site_limits,
)
from models.spec import Cohort, ProjectStatus, ScenarioSpec, SchoolForecast, Subsidy

Finding = tuple[Path, str]

# Profiles are shares typed by people (0.05, 0.15, ...): a sum within this of 1 is taken as 1.
PROFILE_SUM_TOLERANCE = 1e-6


def check_unique_ids(spec: ScenarioSpec) -> Iterator[Finding]:
    for field, items in (("districts", spec.districts), ("projects", spec.projects)):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                yield (
                    (field, i, "id"),
                    f"the id '{item.id}' is used twice (first at {field}[{seen[item.id]}])",
                )
            else:
                seen[item.id] = i


def check_table_references(spec: ScenarioSpec) -> Iterator[Finding]:
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    for field in ("demand", "capacity"):
        rows = getattr(spec, field)
        first: dict[tuple[str, str, int], int] = {}
        for i, row in enumerate(rows):
            if row.district not in districts:
                yield (field, i, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
            if row.kind not in kinds:
                yield (field, i, "kind"), f"unknown demand kind '{row.kind}'{_hint(row.kind, kinds)}"
            key = (row.district, row.kind, row.year)
            if key in first:
                yield (
                    (field, i),
                    f"{row.district}/{row.kind}/{row.year} is given again (first at {field}[{first[key]}])",
                )
            else:
                first[key] = i


def check_project_references(spec: ScenarioSpec) -> Iterator[Finding]:
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    levels = maturity_levels(spec)
    comps = competences(spec)
    ids = {p.id for p in spec.projects}
    for i, p in enumerate(spec.projects):
        if p.district not in districts:
            yield (
                ("projects", i, "district"),
                f"unknown district '{p.district}'{_hint(p.district, districts)}",
            )
        for kind in p.capacity:
            if kind not in kinds:
                yield ("projects", i, "capacity", kind), f"unknown demand kind '{kind}'{_hint(kind, kinds)}"
        if p.maturity is not None and p.maturity not in levels:
            yield (
                ("projects", i, "maturity"),
                f"unknown maturity level '{p.maturity}'{_hint(p.maturity, levels)}",
            )
        if p.competence is not None and p.competence not in comps:
            yield (
                ("projects", i, "competence"),
                f"unknown competence '{p.competence}'{_hint(p.competence, comps)}",
            )
        for field in ("excludes", "requires"):
            for j, other in enumerate(getattr(p, field)):
                if other == p.id:
                    yield ("projects", i, field, j), f"a project cannot {field[:-1]} itself"
                elif other not in ids:
                    yield ("projects", i, field, j), f"unknown project '{other}'{_hint(other, ids)}"


# All public aid together is capped at 80 % of a project's cost (art. L1111-10 CGCT).
AID_CAP = 0.8


def check_subsidies(spec: ScenarioSpec) -> Iterator[Finding]:
    kinds = set(spec.demand_kinds)
    ids = {p.id for p in spec.projects}
    table: dict[str, list[tuple[Path, Subsidy]]] = {}  # project -> its rows of the subsidies table
    for j, row in enumerate(spec.subsidies):
        if row.project not in ids:
            yield ("subsidies", j, "project"), f"unknown project '{row.project}'{_hint(row.project, ids)}"
        else:
            table.setdefault(row.project, []).append((("subsidies", j), row))
    for i, p in enumerate(spec.projects):
        total = 0.0
        own: list[tuple[Path, Subsidy]] = [(("projects", i, "subsidies", j), sub) for j, sub in enumerate(p.subsidies)]
        for path, sub in own + table.get(p.id, []):
            if sub.kind is not None and sub.kind not in kinds:
                yield (*path, "kind"), f"unknown demand kind '{sub.kind}'{_hint(sub.kind, kinds)}"
                continue
            total += subsidy_amount(sub, p.cost, p.capacity)
        if total > AID_CAP * p.cost + 0.01:
            rows = [f"subsidies[{path[1]}]" for path, _ in table.get(p.id, [])]
            yield (
                ("projects", i, "subsidies"),
                (
                    f"public aid totals {total:,.0f} €, above 80 % of the cost ({AID_CAP * p.cost:,.0f} €): "
                    "the commune must finance at least 20 % (art. L1111-10 CGCT)"
                    + (f"; aid from the subsidies table: {', '.join(rows)}" if rows else "")
                ),
            )


def check_operating_costs(spec: ScenarioSpec) -> Iterator[Finding]:
    kinds = set(spec.demand_kinds)
    for kind in spec.finance.operating_cost_per_unit:
        if kind not in kinds:
            yield ("finance", "operating_cost_per_unit", kind), f"unknown demand kind '{kind}'{_hint(kind, kinds)}"


def check_profiles(spec: ScenarioSpec) -> Iterator[Finding]:
    for i, p in enumerate(spec.projects):
        total = sum(p.profile)
        if abs(total - 1.0) > PROFILE_SUM_TOLERANCE:
            yield ("projects", i, "profile"), f"the shares add up to {total:.6g}, not 1"


def check_budget_years(spec: ScenarioSpec) -> Iterator[Finding]:
    h = spec.horizon
    annual = spec.budget.annual
    missing = [y for y in range(h.start, h.end + 1) if y not in annual]
    if missing:
        yield ("budget", "annual"), f"no envelope is given for {_years(missing)}"
    last = h.end + (h.tail_years if h.tail_years is not None else 30) if h.end_rule == "tail" else h.end
    outside = [y for y in annual if not h.start <= y <= last]
    for y in outside:
        if h.end_rule == "tail" and y > h.end:
            yield (
                ("budget", "annual", y),
                f"{y} is after the horizon {h.start}-{h.end} and its {last - h.end} tail years",
            )
        else:
            yield ("budget", "annual", y), f"{y} is outside the horizon {h.start}-{h.end}"
    if spec.budget.carry_over_share is not None and not spec.budget.carry_over:
        yield ("budget", "carry_over_share"), "a carry-over share needs carry_over: true"
    total = spec.budget.total
    if total is not None:
        for field in ("start", "end"):
            value = getattr(total, field)
            if value is not None and not h.start <= value <= h.end:
                yield ("budget", "total", field), f"{value} is outside the horizon {h.start}-{h.end}"
        if total.start is not None and total.end is not None and total.start > total.end:
            yield ("budget", "total"), f"the total envelope starts ({total.start}) after it ends ({total.end})"


def check_windows(spec: ScenarioSpec) -> Iterator[Finding]:
    h = spec.horizon
    for i, p in enumerate(spec.projects):
        for field in ("earliest_start", "latest_start"):
            value = getattr(p, field)
            if value is not None and not h.start <= value <= h.end:
                yield ("projects", i, field), f"{value} is outside the horizon {h.start}-{h.end}"
        if p.earliest_start is not None and p.latest_start is not None and p.earliest_start > p.latest_start:
            yield ("projects", i), f"earliest_start {p.earliest_start} is after latest_start {p.latest_start}"


def check_status_start(spec: ScenarioSpec) -> Iterator[Finding]:
    h = spec.horizon
    for i, p in enumerate(spec.projects):
        if p.status == ProjectStatus.COMMITTED and p.shift:
            yield ("projects", i, "shift"), "a committed project's start is fixed: it has no window to shift"
        if p.status == ProjectStatus.COMMITTED:
            if p.start is None:
                yield ("projects", i, "start"), "a committed project needs its start year ('start')"
            elif p.start > h.end:
                yield ("projects", i, "start"), f"committed start {p.start} is after the horizon end {h.end}"
        elif p.start is not None:
            yield (
                ("projects", i, "start"),
                (
                    f"'start' is only used for committed projects (status is '{p.status}'); "
                    "use earliest_start/latest_start to restrict a window"
                ),
            )


def check_requires_cycles(spec: ScenarioSpec) -> Iterator[Finding]:
    graph = {p.id: [r for r in p.requires if r != p.id] for p in spec.projects}
    index = {p.id: i for i, p in enumerate(spec.projects)}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    cycles: list[list[str]] = []
    # Depth-first, with an explicit stack: a requires-chain of thousands of projects must not overflow
    # Python's recursion limit.
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        stack, position, todo = [root], {root: 0}, [iter(graph[root])]
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                done = stack.pop()
                del position[done]
                state[done] = 2
                todo.pop()
            elif nxt in graph and state.get(nxt) == 1:
                cycles.append(stack[position[nxt] :] + [nxt])
            elif nxt in graph and nxt not in state:
                state[nxt] = 1
                position[nxt] = len(stack)
                stack.append(nxt)
                todo.append(iter(graph[nxt]))
    for cycle in cycles:
        if len(cycle) > 12:  # a long cycle: its ends are enough to find it
            cycle = [*cycle[:5], f"... ({len(cycle) - 10} more)", *cycle[-5:]]
        yield ("projects", index[cycle[0]], "requires"), "requires form a cycle: " + " -> ".join(cycle)


def check_empty_windows(spec: ScenarioSpec) -> Iterator[Finding]:
    """A mandatory project must be able to start; (a candidate that cannot is a warning, see below)."""
    for i, p in enumerate(spec.projects):
        if p.status == ProjectStatus.MANDATORY:
            r = resolve_project(spec, i)
            if r.earliest > r.latest:
                yield ("projects", i), _window_message(r.earliest, r.latest, "a mandatory project")


def check_neighbours(spec: ScenarioSpec) -> Iterator[Finding]:
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    for i, d in enumerate(spec.districts):
        for j, other in enumerate(d.neighbours):
            if other == d.id:
                yield ("districts", i, "neighbours", j), "a district cannot be its own neighbour"
            elif other not in districts:
                yield ("districts", i, "neighbours", j), f"unknown neighbour '{other}'{_hint(other, districts)}"
    tr = spec.transfers
    if tr is not None:
        for j, kind in enumerate(tr.kinds or []):
            if kind not in kinds:
                yield ("transfers", "kinds", j), f"unknown demand kind '{kind}'{_hint(kind, kinds)}"


def check_demand_growth(spec: ScenarioSpec) -> Iterator[Finding]:
    kinds = set(spec.demand_kinds)
    for kind in spec.demand_growth:
        if kind not in kinds:
            yield ("demand_growth", kind), f"unknown demand kind '{kind}'{_hint(kind, kinds)}"


def check_capacity_changes(spec: ScenarioSpec) -> Iterator[Finding]:
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    for i, ch in enumerate(spec.capacity_changes):
        if ch.district not in districts:
            yield (
                ("capacity_changes", i, "district"),
                f"unknown district '{ch.district}'{_hint(ch.district, districts)}",
            )
        for field in ("kind", "to"):
            kind = getattr(ch, field)
            if kind is not None and kind not in kinds:
                yield ("capacity_changes", i, field), f"unknown demand kind '{kind}'{_hint(kind, kinds)}"
        if ch.until is not None and ch.until < spec.horizon.start:
            yield ("capacity_changes", i, "until"), f"the change ends in {ch.until}, before the horizon starts"


def check_forecast(spec: ScenarioSpec) -> Iterator[Finding]:
    """References and shares of the demand forecast."""
    fc = spec.forecast
    if fc is None:
        return
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    if fc.school is None and fc.childcare is None:
        yield ("forecast",), "a forecast needs a school or a childcare block (housing alone feeds neither)"
    if fc.school is not None:
        school = fc.school
        seen: dict[tuple[str, str], int] = {}
        for i, row in enumerate(school.pupils):
            where = ("forecast", "school", "pupils", i)
            if row.district not in districts:
                yield (*where, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
            if (row.district, row.kind) in seen:
                yield where, f"{row.district}/{row.kind} is given again (first at row {seen[(row.district, row.kind)]})"
            seen.setdefault((row.district, row.kind), i)
        for kind in school_kinds(school):
            if kind not in kinds:
                yield ("forecast", "school"), f"unknown demand kind '{kind}'{_hint(kind, kinds)}"
        for kind, shares in school.levels.items():
            total = sum(shares.values())
            if not shares or abs(total - 1.0) > 0.01:
                yield ("forecast", "school", "levels", kind), f"the level shares add up to {total:.4g}, not 1"
        total = sum(school.new_pupils_share.values())
        if total > 1.0 + PROFILE_SUM_TOLERANCE:
            yield (
                ("forecast", "school", "new_pupils_share"),
                f"the shares add up to {total:.4g}, above 1 (new pupils cannot be counted twice)",
            )
        levels = set(SCHOOL_YEARS).union(*(level_shares(school, kind) for kind in school_kinds(school)))
        for j, level in enumerate(school.capped_levels):
            if level not in levels:
                yield (
                    ("forecast", "school", "capped_levels", j),
                    f"unknown level '{level}'{_hint(level, levels)} (levels: {', '.join(_level_order(levels))})",
                )
        if school.rep_cap > school.cap:
            yield (
                ("forecast", "school", "rep_cap"),
                f"the REP cap ({school.rep_cap:g}) is above the cap ({school.cap:g})",
            )
    if fc.housing is not None:
        types = dwelling_types(fc.housing)
        for i, row in enumerate(fc.housing.programmes):
            where = ("forecast", "housing", "programmes", i)
            if row.district not in districts:
                yield (*where, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
            if row.type not in types:
                yield (*where, "type"), f"unknown dwelling type '{row.type}'{_hint(row.type, types)}"
    if fc.childcare is not None:
        cc = fc.childcare
        if cc.kind not in kinds:
            yield ("forecast", "childcare", "kind"), f"unknown demand kind '{cc.kind}'{_hint(cc.kind, kinds)}"
        elif fc.school is not None and cc.kind in school_kinds(fc.school):
            yield ("forecast", "childcare", "kind"), f"'{cc.kind}' is already derived by the school forecast"
        seen_years: dict[tuple[str, int], int] = {}
        for i, row in enumerate(cc.population):
            where = ("forecast", "childcare", "population", i)
            if row.district not in districts:
                yield (*where, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
            key = (row.district, row.year)
            if key in seen_years:
                yield where, f"{row.district}/{row.year} is given again (first at row {seen_years[key]})"
            seen_years.setdefault(key, i)


def check_forecast_rules(spec: ScenarioSpec) -> Iterator[Finding]:
    """Bounds, private share, observed years and the cohort model of the school forecast."""
    school = spec.forecast.school if spec.forecast is not None else None
    if school is None:
        return
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    where = ("forecast", "school")
    if school.trend_bounds is not None:
        low, high = school.trend_bounds
        if not low <= 0 <= high:
            yield (
                (*where, "trend_bounds"),
                f"the floor ({low:g}) and ceiling ({high:g}) of the cumulated change must hold 0 "
                "(floor ≤ 0 ≤ ceiling): the base year itself would be moved",
            )
    shares = school.private_share
    for year, share in shares.items() if isinstance(shares, dict) else [(None, shares)] if shares is not None else []:
        if share >= 1:
            path = (*where, "private_share") + ((year,) if year is not None else ())
            yield path, f"a private share of {share:g} leaves no pupil in public schools"
    seen: dict[tuple[str, str, int], int] = {}
    for i, row in enumerate(school.observed):
        at = (*where, "observed", i)
        if row.district not in districts:
            yield (*at, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
        if row.kind not in kinds:
            yield (*at, "kind"), f"unknown demand kind '{row.kind}'{_hint(row.kind, kinds)}"
        key = (row.district, row.kind, row.year)
        if key in seen:
            yield at, f"{row.district}/{row.kind}/{row.year} is given again (first at row {seen[key]})"
        seen.setdefault(key, i)
    if school.model == "cohort":
        yield from _check_cohort(spec, school)


def _check_cohort(spec: ScenarioSpec, school: SchoolForecast) -> Iterator[Finding]:
    cohort = school.cohort or Cohort()
    where = ("forecast", "school", "cohort")
    districts = {d.id for d in spec.districts}
    of_kind = {level: k for k in school_kinds(school) for level in level_shares(school, k)}
    for j, level in enumerate(cohort.levels):
        if level not in of_kind:
            yield (
                (*where, "levels", j),
                f"'{level}' is not a level of the forecast's kinds{_hint(level, of_kind)} "
                f"(levels: {', '.join(_level_order(set(of_kind)))})",
            )
        elif level in cohort.levels[:j]:
            yield (*where, "levels", j), f"'{level}' is listed twice"
    missing = [lv for lv in _level_order(set(of_kind)) if lv not in cohort.levels]
    if missing:
        yield (
            (*where, "levels"),
            f"the levels {', '.join(missing)} of the forecast's kinds are not in the cohort: their pupils would "
            "be lost",
        )
    for level in cohort.transitions:
        if level not in cohort.levels[1:]:
            yield (
                (*where, "transitions", level),
                f"'{level}' is not a level after the first of the cohort ({', '.join(cohort.levels[1:])})",
            )
    seen: dict[tuple[str, str, int], int] = {}
    for i, row in enumerate(cohort.observed):
        at = (*where, "observed", i)
        if row.district not in districts:
            yield (*at, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
        if row.level not in cohort.levels:
            yield (*at, "level"), f"'{row.level}' is not a level of the cohort{_hint(row.level, cohort.levels)}"
        key = (row.district, row.level, row.year)
        if key in seen:
            yield at, f"{row.district}/{row.level}/{row.year} is given again (first at row {seen[key]})"
        seen.setdefault(key, i)
    births: dict[tuple[str, int], int] = {}
    for i, row in enumerate(cohort.births):
        at = (*where, "births", i)
        if row.district not in districts:
            yield (*at, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
        if (row.district, row.year) in births:
            yield at, f"{row.district}/{row.year} is given again (first at row {births[(row.district, row.year)]})"
        births.setdefault((row.district, row.year), i)
    if cohort.entry == "births" and not cohort.births:
        yield (*where, "births"), "entry: births needs births rows (district, year, value)"


def check_schools(spec: ScenarioSpec) -> Iterator[Finding]:
    """School rows, the school a capacity change or a project names, and site limits."""
    districts = {d.id for d in spec.districts}
    kinds = set(spec.demand_kinds)
    first: dict[str, int] = {}
    rows_of: dict[tuple[str, str], int] = {}
    for i, row in enumerate(spec.schools):
        if row.district not in districts:
            yield ("schools", i, "district"), f"unknown district '{row.district}'{_hint(row.district, districts)}"
        if row.kind not in kinds:
            yield ("schools", i, "kind"), f"unknown demand kind '{row.kind}'{_hint(row.kind, kinds)}"
        if (row.school, row.kind) in rows_of:
            yield (
                ("schools", i),
                f"{row.school}/{row.kind} is given again (first at schools[{rows_of[(row.school, row.kind)]}])",
            )
        rows_of.setdefault((row.school, row.kind), i)
        if row.school in first:
            one = spec.schools[first[row.school]]
            if one.district != row.district:
                yield (
                    ("schools", i, "district"),
                    f"school {row.school} is in '{one.district}' at schools[{first[row.school]}]: a school serves "
                    "one quartier",
                )
            if None not in (one.site_limit, row.site_limit) and one.site_limit != row.site_limit:
                yield (
                    ("schools", i, "site_limit"),
                    f"school {row.school} has a site limit of {one.site_limit:g} at schools[{first[row.school]}]: "
                    "one site, one limit",
                )
        first.setdefault(row.school, i)
    by_table = {(r.district, r.kind) for r in spec.capacity}
    reported: set[tuple[str, str]] = set()
    for i, row in enumerate(spec.schools):
        if (row.district, row.kind) in by_table and (row.district, row.kind) not in reported:
            reported.add((row.district, row.kind))
            yield (
                ("schools", i),
                f"the capacity of {row.district}/{row.kind} is given by the capacity table and by school rows: it "
                "would be counted twice; keep one (school rows add up to the quartier)",
            )
    quartier = school_districts(spec)
    for i, ch in enumerate(spec.capacity_changes):
        if ch.school is None:
            continue
        if ch.school not in quartier:
            yield ("capacity_changes", i, "school"), f"unknown school '{ch.school}'{_hint(ch.school, quartier)}"
        elif quartier[ch.school] != ch.district:
            yield (
                ("capacity_changes", i, "district"),
                f"school {ch.school} is in '{quartier[ch.school]}', not '{ch.district}'",
            )
    for i, p in enumerate(spec.projects):
        if p.school is None:
            continue
        if p.school not in quartier:
            yield ("projects", i, "school"), f"unknown school '{p.school}'{_hint(p.school, quartier)}"
        elif quartier[p.school] != p.district:
            yield (
                ("projects", i, "district"),
                f"the project extends school {p.school}, which is in '{quartier[p.school]}', not '{p.district}'",
            )


def check_school_sites(spec: ScenarioSpec) -> Iterator[Finding]:
    """No school above its site limit, with its changes or with one project that names it; no school below 0
    classes after its changes."""
    if not spec.schools:
        return
    years = tuple(range(spec.horizon.start, spec.horizon.end + 1))
    held = school_classes(spec, years)
    site = site_classes(spec, years)
    limits = site_limits(spec)
    first_row = {r.school: i for i, r in reversed(list(enumerate(spec.schools)))}
    reported: set[tuple[str, str]] = set()
    for (school, kind, y), n in sorted(held.items(), key=lambda item: item[0][2]):
        if n < -1e-9 and (school, kind) not in reported:
            reported.add((school, kind))
            i = next(i for i, ch in enumerate(spec.capacity_changes) if ch.school == school)
            yield ("capacity_changes", i), f"school {school} would have {n:g} {kind} classes in {y}"
    for school, limit in limits.items():
        most = max(site[(school, y)] for y in years)
        worst = (most, next(y for y in years if site[(school, y)] == most))
        if worst[0] > limit + 1e-9:
            changed = any(ch.school == school for ch in spec.capacity_changes)
            yield (
                ("schools", first_row[school], "site_limit"),
                f"school {school} has {worst[0]:g} classes in {worst[1]}"
                + (" with its capacity changes" if changed else "")
                + f", above its site limit of {limit:g}",
            )
    for i, p in enumerate(spec.projects):
        if p.school is None or p.status == ProjectStatus.EXCLUDED or p.school not in limits:
            continue
        adds = extension_classes(spec, p.capacity)
        now = max(site[(p.school, y)] for y in years)
        if now + adds > limits[p.school] + 1e-9:
            yield (
                ("projects", i, "school"),
                f"the project adds {adds:g} classes to school {p.school} ({now:g} at most over the horizon): "
                f"{now + adds:g}, above its site limit of {limits[p.school]:g}",
            )


def school_warnings(spec: ScenarioSpec) -> list[Finding]:
    """Projects that fit a site one by one but not together, unless they exclude each other."""
    out: list[Finding] = []
    limits = site_limits(spec)
    years = tuple(range(spec.horizon.start, spec.horizon.end + 1))
    site = site_classes(spec, years) if spec.schools else {}
    on_site: dict[str, list[int]] = {}
    for i, p in enumerate(spec.projects):
        if p.school in limits and p.status != ProjectStatus.EXCLUDED:
            on_site.setdefault(p.school, []).append(i)
    for school, indices in on_site.items():
        projects = [spec.projects[i] for i in indices]
        together = [
            p for p in projects if not any(q.id in p.excludes or p.id in q.excludes for q in projects if q is not p)
        ]
        adds = sum(extension_classes(spec, p.capacity) for p in together)
        now = max(site[(school, y)] for y in years)
        if len(together) > 1 and now + adds > limits[school] + 1e-9:
            out.append(
                (
                    ("projects", indices[0], "school"),
                    f"{', '.join(p.id for p in together)} together add {adds:g} classes to school {school} "
                    f"({now:g}), above its site limit of {limits[school]:g}: the plan may choose them all; make "
                    "them alternatives (excludes) if the site cannot take them",
                )
            )
    school = spec.forecast.school if spec.forecast is not None else None
    if school is not None and school.private_share is not None and spec.forecast.housing is not None:
        if school.new_pupils_share and sum(school.new_pupils_share.values()) < 1 - PROFILE_SUM_TOLERANCE:
            out.append(
                (
                    ("forecast", "school", "new_pupils_share"),
                    "with private_share, new dwellings' pupils are already shared between public and private "
                    "schools: new_pupils_share below 1 counts the private share twice",
                )
            )
    if (
        school is not None
        and school.model == "cohort"
        and school.cohort is not None
        and school.cohort.entry == "births"
    ):
        born = {r.district for r in school.cohort.births}
        missing = sorted({r.district for r in school.pupils if r.district not in born})
        if missing and school.cohort.births:
            out.append(
                (
                    ("forecast", "school", "cohort", "births"),
                    f"no births for {', '.join(missing)}: there no new cohort enters {school.cohort.levels[0]}",
                )
            )
    if school is not None and school.cohort is not None and school.model != "cohort":
        out.append((("forecast", "school", "cohort"), "a cohort block but model: trend: the cohorts are not used"))
    return out


def check_capacity_stays_positive(spec: ScenarioSpec) -> Iterator[Finding]:
    """Closures and conversions cannot remove more capacity than there is."""
    years = tuple(range(spec.horizon.start, spec.horizon.end + 1))
    districts = tuple(d.id for d in spec.districts)
    existing = expand_table(list(spec.capacity), districts, tuple(spec.demand_kinds), years)
    for key, classes in school_capacity(spec, years).items():
        existing[key] = existing.get(key, 0.0) + classes
    deltas = capacity_deltas(spec)
    reported: set[tuple[str, str]] = set()
    for (d, k, y), delta in sorted(deltas.items(), key=lambda item: item[0][2]):
        left = existing[(d, k, y)] + delta
        if left < -1e-9 and (d, k) not in reported:
            reported.add((d, k))
            i = next(
                i
                for i, ch in enumerate(spec.capacity_changes)
                if ch.district == d
                and ch.kind == k
                and (ch.units < 0 or ch.to is not None)
                and ch.year <= y
                and (ch.until is None or y <= ch.until)  # a change that has ended removes nothing in y
            )
            yield (
                ("capacity_changes", i),
                f"{d}/{k} in {y}: the changes remove {existing[(d, k, y)] - left:g} units but only "
                f"{existing[(d, k, y)]:g} exist",
            )


def check_revision(spec: ScenarioSpec) -> Iterator[Finding]:
    """A revision (models/revision.py) starts the horizon in its year, names projects of the scenario, and
    leaves its abandoned operations excluded."""
    rev = spec.revision
    if rev is None:
        return
    if rev.year != spec.horizon.start:
        yield ("revision", "year"), f"the revision year {rev.year} is not the horizon start {spec.horizon.start}"
    ids = {p.id for p in spec.projects}
    for pid, year in rev.adopted.items():
        if pid not in ids:
            yield ("revision", "adopted", pid), f"{pid} is not a project of the scenario"
        elif not rev.year <= year <= spec.horizon.end:
            yield ("revision", "adopted", pid), f"{year} is outside the horizon {rev.year}-{spec.horizon.end}"
    status = {p.id: p.status for p in spec.projects}
    for i, row in enumerate(rev.realised):
        if row.abandoned and status.get(row.project, ProjectStatus.EXCLUDED) != ProjectStatus.EXCLUDED:
            yield (
                ("revision", "realised", i),
                f"{row.project} was abandoned in the revision of {rev.year}: it cannot be chosen again (status "
                f"{status[row.project]}; it must be excluded)",
            )


CHECKS: tuple[Callable[[ScenarioSpec], Iterator[Finding]], ...] = (
    check_unique_ids,
    check_table_references,
    check_project_references,
    check_profiles,
    check_subsidies,
    check_operating_costs,
    check_budget_years,
    check_windows,
    check_status_start,
    check_requires_cycles,
    check_neighbours,
    check_demand_growth,
    check_capacity_changes,
    check_forecast,
    check_forecast_rules,
    check_schools,
    check_revision,
)

# Run only when the checks above pass (they resolve references).
LATE_CHECKS: tuple[Callable[[ScenarioSpec], Iterator[Finding]], ...] = (
    check_empty_windows,
    check_capacity_stays_positive,
    check_school_sites,
)


def run_checks(spec: ScenarioSpec) -> list[Finding]:
    token = _hints_left.set(MAX_HINTS)
    try:
        findings = [f for check in CHECKS for f in check(spec)]
        if not findings:
            findings = [f for check in LATE_CHECKS for f in check(spec)]
        return findings
    finally:
        _hints_left.reset(token)


def find_warnings(spec: ScenarioSpec) -> list[Finding]:
    """Allowed but probably not meant: candidates that can never start, projects that add no capacity,
    demand or capacity rows after the horizon (never read), a tail weight without tail years."""
    out: list[Finding] = []
    h = spec.horizon
    last = h.end + tail_length(spec)
    span = f"the horizon {h.start}-{h.end}" + (f" and its tail years to {last}" if last > h.end else "")
    for field in ("demand", "capacity"):
        after = sorted({row.year for row in getattr(spec, field) if row.year > last})
        if after:
            first = next(i for i, row in enumerate(getattr(spec, field)) if row.year > last)
            out.append(((field, first), f"rows for {_years(after)} are after {span}: they are not used"))
    beyond = sorted(y for y in spec.budget.annual if y > last)
    if beyond:
        out.append((("budget", "annual", beyond[0]), f"envelopes for {_years(beyond)} are after {span}: not used"))
    for i, p in enumerate(spec.projects):
        r = resolve_project(spec, i)
        if p.status == ProjectStatus.CANDIDATE and r.earliest > r.latest:
            out.append(
                (
                    ("projects", i),
                    _window_message(r.earliest, r.latest, "this candidate") + "; it is never chosen",
                )
            )
        if p.status != ProjectStatus.COMMITTED and p.latest_start is not None and not p.shift:
            if r.earliest <= r.latest < p.latest_start:
                rule = f"the end rule '{h.end_rule}'" + (f" with {h.tail_years} tail years" if h.tail_years else "")
                out.append(
                    (
                        ("projects", i, "latest_start"),
                        f"the window ends in {r.latest}, not {p.latest_start}: under {rule} a later start would "
                        + ("pay CP after the last tail year" if h.end_rule == "tail" else "end after the horizon"),
                    )
                )
        if p.status != ProjectStatus.EXCLUDED and not any(v > 0 for v in p.capacity.values()):
            out.append((("projects", i, "capacity"), "the project adds no capacity"))
    if spec.transfers is not None and not any(d.neighbours for d in spec.districts):
        out.append((("transfers",), "no district lists neighbours: no demand can be transferred"))
    if any(d.neighbours for d in spec.districts) and spec.transfers is None:
        out.append((("districts",), "districts list neighbours but there is no transfers block: transfers are off"))
    if spec.transfers is not None and spec.transfers.penalty >= 1:
        out.append(
            (
                ("transfers", "penalty"),
                "a penalty of 1 or more makes a transfer cost as much as unmet demand: none will be used",
            )
        )
    if spec.objective.tail_weight != 1.0 and last == h.end:
        out.append(
            (
                ("objective", "tail_weight"),
                f"the tail weight {spec.objective.tail_weight:g} changes nothing: under the end rule '{h.end_rule}' "
                f"no year follows {h.end}",
            )
        )
    out += school_warnings(spec)
    fc = spec.forecast
    if fc is not None:
        out += _forecast_warnings(spec)
        table = {(row.district, row.kind) for row in spec.demand}
        derived = set(forecast_kinds(spec))
        both = sorted({k for d, k in table if k in derived})
        for kind in both:
            out.append(
                (("demand",), f"the demand table gives '{kind}' for some districts: there it wins over the forecast")
            )
    return out


def _forecast_warnings(spec: ScenarioSpec) -> list[Finding]:
    """Forecast inputs that are allowed but probably incomplete."""
    fc = spec.forecast
    assert fc is not None
    out: list[Finding] = []
    table = {(row.district, row.kind) for row in spec.demand}
    districts = [d.id for d in spec.districts]
    if fc.school is not None:
        given = {(row.district, row.kind) for row in fc.school.pupils}
        for kind in school_kinds(fc.school):
            missing = [d for d in districts if (d, kind) not in given and (d, kind) not in table]
            if missing:
                out.append(
                    (
                        ("forecast", "school", "pupils"),
                        f"no base pupils of '{kind}' for {', '.join(missing)}: there the demand is only what new "
                        "housing brings",
                    )
                )
        if fc.housing is not None:
            for kind, share in new_pupil_shares(fc.school).items():
                if share == 0:
                    out.append(
                        (
                            ("forecast", "school", "new_pupils_share"),
                            f"new dwellings bring no pupils to '{kind}': give its share in new_pupils_share",
                        )
                    )
    if fc.childcare is not None:
        given_d = {row.district for row in fc.childcare.population}
        missing = [d for d in districts if d not in given_d and (d, fc.childcare.kind) not in table]
        if missing:
            out.append(
                (
                    ("forecast", "childcare", "population"),
                    f"no population for {', '.join(missing)}: there the crèche demand is only what new housing brings",
                )
            )
    return out


def _window_message(earliest: int, latest: int, what: str) -> str:
    return f"{what} cannot start: its earliest start {earliest} is after its latest start {latest}"


# "Did you mean" suggestions left in this run of the checks: each compares a name with every known one, so
# a table of 200,000 rows of unknown districts would otherwise take minutes.
_hints_left: ContextVar[int] = ContextVar("_hints_left", default=MAX_HINTS)


def _hint(name: str, known) -> str:
    import difflib

    left = _hints_left.get()
    if left <= 0:
        return ""
    _hints_left.set(left - 1)
    close = difflib.get_close_matches(name, [str(k) for k in known], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _level_order(levels: set[str]) -> list[str]:
    """School levels in the order of schooling (PS ... CM2), then any others by name."""
    order = [level for shares in DEFAULT_LEVELS.values() for level in shares]
    return sorted(levels, key=lambda level: (order.index(level) if level in order else len(order), level))


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)
