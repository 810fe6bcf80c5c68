"""Why a scenario is infeasible, in the words of a PPI, and the changes that would make it feasible.

`diagnose(scenario)` solves the elastic model of `solver.elastic` three ways:

1. money only (envelopes, the multi-year envelope, borrowing cap, savings floor, debt ceiling): its least
   change says *what breaks*, year by year ("2027: committed and mandatory projects need 14.2 M€ against an
   envelope of 12.0 M€ (short by 2.2 M€): gs-plateau (committed, 6.1 M€), ..."), and is the first remedy;
2. carry-over allowed, when the scenario has none;
3. schedule only (start windows moved, mandatory status dropped).

Before them, the breaches that hold *whatever the PPI*: the committed projects alone (no new project) already
break a finance limit ("even with no new project, épargne brute falls to 6.6 % in
2035"): no choice of projects can mend those, only a change of the limit or of the assumptions.

Each remedy is a list of `--set` edits. It is shown only once the scenario, derived in memory with exactly
those edits (`models.edits`), has a plan: a suggestion that does not work is never printed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from models.edits import derive, parse_set
from models.errors import ScenarioError
from models.families import FAMILY, family_of_change, split_name
from models.plan import Status
from models.revision import stability_of
from models.scenario import Project, Scenario
from models.spec import ProjectStatus
from models.uncertainty import budget_rows, protection_z, row_load, uncertainty_of
from models.units import MEUR
from solver.elastic import MANDATORY, MONEY, SCHEDULE, ElasticResult, Relaxation, is_feasible, relax
from solver.engines import SolveOptions

# Suggested amounts are rounded up to this (10 k€) for a city, finer for smaller envelopes (`_step`), so that a
# rounded suggestion still suffices.
ROUND_EUR = 1e4
# Each elastic solve stops after this (unless the caller gives a limit): a change found by then works (it is
# checked) but may not be the least.
TIME_LIMIT_S = 60.0
# Projects listed behind a shortfall, the largest first; the others are counted.
LISTED = 6


@dataclass(frozen=True)
class Change:
    """One edit of a remedy: its kind and values (worded in either language by reports.words.change_text), and
    its `--set` argument."""

    kind: str  # raise_envelope, raise_total, borrowing, savings_rate, debt_years, shift, drop_mandatory, carry_over
    values: dict[str, Any]
    edit: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": self.values, "edit": self.edit}


@dataclass(frozen=True)
class Remedy:
    kind: str  # money, carry, schedule
    changes: tuple[Change, ...]
    verified: bool  # the scenario with these edits has a plan (checked by a feasibility solve)

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(c.edit for c in self.changes)


@dataclass(frozen=True)
class Finding:
    """A constraint that breaks: its stable row name, its kind and values (words in reports.words)."""

    row: str
    kind: str  # budget_year, budget_cumulative, budget_total, borrowing, savings, debt, requires, ... row
    values: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "kind": self.kind, "values": self.values}


@dataclass(frozen=True)
class Diagnosis:
    """What breaks and the remedies, as kinds and values: reports.words words them
    (`format_diagnosis`, and `diagnosis_to_dict` for diagnosis.json)."""

    findings: tuple[Finding, ...]
    remedies: tuple[Remedy, ...]
    notes: tuple[tuple[str, dict[str, Any]], ...] = field(default=())  # (kind, values)


def _step(scenario: Scenario) -> float:
    """The step remedies are rounded up to: ROUND_EUR for a city's envelopes (10 M€ and more), a thousandth of
    the largest envelope's order of magnitude below it, down to the cent — a remedy stays the size of the
    money at stake at any scale."""
    largest = max((abs(v) for v in scenario.envelope.values()), default=0.0)
    if largest <= 0:
        return ROUND_EUR
    return min(ROUND_EUR, max(0.01, 10.0 ** (math.floor(math.log10(largest)) - 3)))


def _ceil(euros: float, scenario: Scenario) -> float:
    step = _step(scenario)
    return round(math.ceil(euros / step - 1e-9) * step, 2)


def _m(euros: float) -> float:
    """Euros -> M€ for the stored values (to the euro)."""
    return round(euros / MEUR, 6)


def _charged_in(scenario: Scenario, starts: dict[str, int | None], years) -> dict[str, Any]:
    """The projects started in `starts` that charge the envelopes of `years`, the largest first (at most LISTED,
    then how many more); each with its status: committed, mandatory, locked (by a revision's locked years, at its
    adopted start) or chosen."""
    items = []
    st = stability_of(scenario)
    locked = st.locked if st is not None else {}  # a revision's operations held at their adopted start
    for p in scenario.projects:
        s = starts.get(p.id)
        if s is None:
            continue
        amount = sum(v for y, v in scenario.charged(p, s).items() if y in years)
        if amount > 0.5:
            status = p.status if p.status in (ProjectStatus.COMMITTED, ProjectStatus.MANDATORY) else "chosen"
            if status == "chosen" and locked.get(p.id) == s:
                status = "locked"
            items.append({"id": p.id, "status": status, "amount": _m(amount)})
    items.sort(key=lambda i: -i["amount"])
    return {"projects": items[:LISTED], "more": max(0, len(items) - LISTED)}


def _need(scenario: Scenario, starts: dict[str, int | None], years) -> float:
    """What the projects started in `starts` charge to the envelopes of `years`, in euros."""
    return sum(
        v
        for p in scenario.projects
        if starts.get(p.id) is not None
        for y, v in scenario.charged(p, starts[p.id]).items()
        if y in years
    )


def _envelopes(scenario: Scenario, first: int, last: int) -> float:
    return sum(scenario.envelope[y] for y in range(first, last + 1))


def _who(scenario: Scenario, starts: dict[str, int | None]) -> str:
    chosen = any(scenario.project[pid].status == ProjectStatus.CANDIDATE for pid, s in starts.items() if s is not None)
    return "required" if chosen else "fixed"


def _finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding | None:
    """A relaxation of the money remedy (or a generic slack) as a finding: the finder of the words key of the
    family its change relaxes (models/families.py)."""
    if r.family == "slack":
        return _row_finding(scenario, r.target)
    family = family_of_change(r.family)
    find = _FINDINGS.get(family.words) if family is not None else None
    return find(scenario, res, r) if find is not None else None


def _base(scenario: Scenario, starts: dict[str, int | None]) -> dict[str, Any]:
    return {"who": _who(scenario, starts), "what": "net" if scenario.net_basis else "spending"}


def _protected_finding(scenario: Scenario, res: ElasticResult, names: set[str]) -> Finding | None:
    """A protected envelope short (`uncertainty.budget_confidence`): of the protected rows `names`, the one the
    plan of the elastic optimum overshoots most, with its protected charge (mean + z √S, models/uncertainty.py)
    against the envelope (plus the credit carried in, with a carry-over share); None when none is short."""
    unc = uncertainty_of(scenario.spec)
    starts = dict(res.starts)
    worst: tuple[float, Any, float, float] | None = None
    for row in budget_rows(scenario):
        load = row_load(scenario, starts, row) if row.name in names else None
        if load is None:
            continue
        carried = res.values.get(f"carry[{row.year}]", 0.0) * MEUR if row.year is not None else 0.0
        available = row.cap + (carried if scenario.carry_over and scenario.carry_share < 1.0 else 0.0)
        if worst is None or load - available > worst[0]:
            worst = (load - available, row, load, available)
    if worst is None or worst[0] <= 0.5:
        return None
    _, row, load, available = worst
    values = {
        **_base(scenario, starts),
        "row": f"{row.years[0]}–{row.years[-1]}" if len(row.years) > 1 else str(row.years[0]),
        "level": unc.budget_confidence if unc.gamma is None else unc.gamma,
        "need": _m(load),
        "available": _m(available),
        "short": _m(_ceil(load - available, scenario)),
        **_charged_in(scenario, starts, row.years),
    }
    return Finding(row.name, "budget_robust" if unc.gamma is None else "budget_gamma", values)


def _budget_finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding:
    """raise_envelope: the year short (with full carry-over, the years up to the worst one, together); a
    protected envelope short when the nominal one holds."""
    starts = dict(res.starts)
    y = int(r.target)
    if _need(scenario, starts, [y]) <= scenario.envelope[y] + 0.5 or scenario.carry_over:
        protected = {f"budget_robust[{t}]" for t in scenario.years if t >= y}
        found = _protected_finding(scenario, res, protected)
        if found is not None:
            return found
    base = _base(scenario, starts)
    first = scenario.years[0]
    y = int(r.target)
    if scenario.carry_over and scenario.carry_share >= 1.0:  # the years up to the worst one, together
        ends = [t for t in scenario.years if t >= y]
        t = max(ends, key=lambda e: _need(scenario, starts, range(first, e + 1)) - _envelopes(scenario, first, e))
        years = list(range(first, t + 1))
        need, available = _need(scenario, starts, years), _envelopes(scenario, first, t)
        values = {
            **base,
            "start": first,
            "end": t,
            "need": _m(need),
            "available": _m(available),
            "short": _m(_ceil(need - available, scenario)),
            **_charged_in(scenario, starts, years),
        }
        return Finding(f"budget_cumulative[{t}]", "budget_cumulative", values)
    carried = res.values.get(f"carry[{y}]", 0.0) * MEUR
    need = _need(scenario, starts, [y])
    values = {
        **base,
        "year": y,
        "need": _m(need),
        "envelope": _m(scenario.envelope[y]),
        "carried": _m(carried) if carried > 0.5 else 0.0,
        "short": _m(_ceil(need - carried, scenario) - scenario.envelope[y]),  # as the change rounds its new envelope
        **_charged_in(scenario, starts, [y]),
    }
    return Finding(f"budget[{y}]", "budget_year", values)


def _total_finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding:
    """raise_total: the multi-year envelope short (or its protected row)."""
    starts = dict(res.starts)
    total = scenario.total_envelope
    if total is not None and _need(scenario, starts, list(total.years)) <= total.amount + 0.5:
        found = _protected_finding(scenario, res, {"budget_total_robust"})
        if found is not None:
            return found
    total = scenario.total_envelope
    assert total is not None
    need = _need(scenario, starts, list(total.years))
    values = {
        **_base(scenario, starts),
        "start": total.start,
        "end": total.end,
        "need": _m(need),
        "amount": _m(total.amount),
        "short": _m(_ceil(need, scenario) - total.amount),
        **_charged_in(scenario, starts, list(total.years)),
    }
    return Finding("budget_total", "budget_total", values)


def _borrowing_finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding | None:
    """raise_borrowing: the year that needs the most new borrowing, against the cap."""
    pr = scenario.prospective
    if pr is None or pr.max_borrowing is None:
        return None
    y = max(scenario.years, key=lambda t: res.values.get(f"borrowing[{t}]", 0.0))
    need = res.values.get(f"borrowing[{y}]", 0.0) * MEUR
    return Finding(f"financing[{y}]", "borrowing", {"year": y, "need": _m(need), "cap": _m(pr.max_borrowing)})


def _savings_finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding | None:
    """lower_savings_rate: the year of the lowest savings rate, against the floor."""
    pr = scenario.prospective
    if pr is None or pr.min_savings_rate is None:
        return None
    worst = min(scenario.years, key=lambda t: res.values.get(f"epargne_brute[{t}]", 0.0) / scenario.revenue(t))
    rate = res.values.get(f"epargne_brute[{worst}]", 0.0) * MEUR / scenario.revenue(worst)
    values = {"year": worst, "rate": round(rate, 6), "floor": pr.min_savings_rate}
    return Finding(f"min_savings[{worst}]", "savings", values)


def _debt_finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding | None:
    """excess_debt: the year's debt in years of épargne brute, against the ceiling."""
    pr = scenario.prospective
    if pr is None or pr.max_debt_years is None:
        return None
    y = int(r.target)
    debt = res.values.get(f"debt[{y}]", 0.0) * MEUR
    savings = res.values.get(f"epargne_brute[{y}]", 0.0) * MEUR
    values = {
        "year": y,
        "debt": _m(debt),
        "savings": _m(savings),
        "ratio": round(debt / savings, 6) if savings > 0 else None,
        "ceiling": pr.max_debt_years,
    }
    return Finding(f"debt_capacity[{y}]", "debt", values)


# Finders of the money remedy's changes, by the words key of the family a change relaxes (Family.words).
_FINDINGS: dict[str, Callable[[Scenario, ElasticResult, Relaxation], Finding | None]] = {
    "budget_year": _budget_finding,
    "budget_total": _total_finding,
    "borrowing": _borrowing_finding,
    "savings": _savings_finding,
    "debt": _debt_finding,
}


def baseline_findings(scenario: Scenario) -> list[Finding]:
    """The finance breaches that hold whatever the PPI: with the committed projects alone (no new project),
    the savings and debt path (borrowing only what closes each year: the least any plan can borrow) breaks the
    savings floor, the debt ceiling or the borrowing cap. Kinds `baseline_*`, the worst year of each limit.
    (A year's envelope exceeded by committed projects is the money finding itself, which names them.)"""
    from models.evaluate import evaluate_plan

    starts: dict[str, int | None] = {p.id: p.start for p in scenario.projects if p.status == ProjectStatus.COMMITTED}
    ev = evaluate_plan(scenario, starts)
    found: list[Finding] = []
    pr = scenario.prospective
    if pr is None or not len(ev.finance):
        return found
    rows = ev.finance.to_dict("records")
    if pr.min_savings_rate is not None:
        worst = min(rows, key=lambda r: r["savings_rate"])
        if worst["savings_rate"] < pr.min_savings_rate - 1e-9:
            values = {"year": int(worst["year"]), "rate": round(float(worst["savings_rate"]), 6)}
            found.append(
                Finding(f"min_savings[{values['year']}]", "baseline_savings", {**values, "floor": pr.min_savings_rate})
            )
    if pr.max_debt_years is not None:
        over_debt = [r for r in rows if r["debt"] > 0 and r["debt_years"] > pr.max_debt_years + 1e-9]
        if over_debt:
            worst = max(over_debt, key=lambda r: r["debt_years"])
            ratio = float(worst["debt_years"])
            values = {
                "year": int(worst["year"]),
                "debt": _m(float(worst["debt"])),
                "savings": _m(float(worst["epargne_brute"])),
                "ratio": round(ratio, 6) if math.isfinite(ratio) else None,
                "ceiling": pr.max_debt_years,
            }
            found.append(Finding(f"debt_capacity[{values['year']}]", "baseline_debt", values))
    if pr.max_borrowing is not None:
        worst = max(rows, key=lambda r: r["borrowing"])
        if worst["borrowing"] > pr.max_borrowing + 0.5:
            values = {"year": int(worst["year"]), "need": _m(float(worst["borrowing"])), "cap": _m(pr.max_borrowing)}
            found.append(Finding(f"financing[{values['year']}]", "baseline_borrowing", values))
    return found


def _when(p: Project, how_if_free: str) -> dict[str, Any]:
    if p.status == ProjectStatus.COMMITTED:
        return {"how": "starts", "year": p.start}
    return {"how": how_if_free, "window": (p.earliest, p.latest)}


def _row_finding(scenario: Scenario, row: str) -> Finding:
    """A constraint no change of money can mend, by its stable name: the finder of its family's words key."""
    fam, args = split_name(row)
    family = FAMILY.get(fam)
    find = _ROW_FINDINGS.get(family.words) if family is not None else None
    return find(scenario, row, args.split(",")) if find is not None else Finding(row, "row", {"row": row})


def _requires_finding(scenario: Scenario, row: str, parts: list[str]) -> Finding:
    p, q, s = scenario.project[parts[0]], scenario.project[parts[1]], int(parts[2])
    values = {"p": p.id, "p_status": p.status, "p_when": _when(p, "must"), "q": q.id, "s": s}
    if q.status == ProjectStatus.EXCLUDED:
        return Finding(row, "requires_excluded", values)
    return Finding(row, "requires", {**values, "q_status": q.status, "q_when": _when(q, "can")})


def _excludes_finding(scenario: Scenario, row: str, parts: list[str]) -> Finding:
    p, q = scenario.project[parts[0]], scenario.project[parts[1]]
    return Finding(row, "excludes", {"p": p.id, "p_status": p.status, "q": q.id, "q_status": q.status})


def _mandatory_finding(scenario: Scenario, row: str, parts: list[str]) -> Finding:
    p = scenario.project[parts[0]]
    return Finding(row, "mandatory", {"p": p.id, "window": (p.earliest, p.latest)})


def _locked_finding(scenario: Scenario, row: str, parts: list[str]) -> Finding:
    """A revision's locked operation (models/revision.py) that cannot keep its adopted start."""
    p = scenario.project[parts[0]]
    rev = scenario.spec.revision
    year = rev.adopted.get(p.id) if rev is not None else None
    window = (p.start, p.start) if p.status == ProjectStatus.COMMITTED else (p.earliest, p.latest)
    return Finding(row, "locked", {"p": p.id, "year": year, "window": window})


# Finders of a generic slack, by the words key of the row's family (Family.words); any other row is `row`.
_ROW_FINDINGS: dict[str, Callable[[Scenario, str, list[str]], Finding]] = {
    "requires": _requires_finding,
    "excludes": _excludes_finding,
    "mandatory": _mandatory_finding,
    "locked": _locked_finding,
}


def _edits(scenario: Scenario, res: ElasticResult) -> list[Change]:
    """The `--set` edits that give the scenario the changes of an elastic optimum."""
    scale = scenario.budget_scale or 1.0
    changes: list[Change] = []
    pr = scenario.prospective
    for r in res.relaxations:
        if r.family == "raise_envelope":
            y = int(r.target)
            target = _ceil(scenario.envelope[y] + r.amount * MEUR, scenario)
            values = {"year": y, "by": _m(target - scenario.envelope[y]), "to": _m(target)}
            changes.append(Change("raise_envelope", values, f"budget.annual.{y}={target / scale:.0f}"))
        elif r.family == "raise_total":
            total = scenario.total_envelope
            assert total is not None
            target = _ceil(total.amount + r.amount * MEUR, scenario)
            whole = (total.start, total.end) == (scenario.years[0], scenario.years[-1])
            values = {"start": total.start, "end": total.end, "by": _m(target - total.amount), "to": _m(target)}
            edit = f"budget.total={target / scale:.0f}" if whole else f"budget.total.amount={target / scale:.0f}"
            changes.append(Change("raise_total", values, edit))
        elif r.family == "raise_borrowing" and pr is not None and pr.max_borrowing is not None:
            target = _ceil(pr.max_borrowing + r.amount * MEUR, scenario)
            values = {"to": _m(target), "before": _m(pr.max_borrowing)}
            changes.append(Change("borrowing", values, f"finance.prospective.max_borrowing={target:.0f}"))
        elif r.family == "lower_savings_rate" and pr is not None and pr.min_savings_rate is not None:
            rate = max(0.0, math.floor(round((pr.min_savings_rate - r.amount) * 1000, 6)) / 1000)
            values = {"to": rate, "before": pr.min_savings_rate}
            changes.append(Change("savings_rate", values, f"finance.prospective.min_savings_rate={rate:g}"))
        elif r.family == "excess_debt" and pr is not None and pr.max_debt_years is not None:
            if any(c.kind == "debt_years" for c in changes):
                continue
            ratios = []
            for y in scenario.years:
                debt, savings = res.values.get(f"debt[{y}]", 0.0), res.values.get(f"epargne_brute[{y}]", 0.0)
                if debt > 1e-9:
                    ratios.append(debt / savings if savings > 1e-9 else math.inf)
            worst = max(ratios, default=0.0)
            if math.isfinite(worst):
                years = math.ceil(round(worst * 10, 6)) / 10
                values = {"to": years, "before": pr.max_debt_years}
                changes.append(Change("debt_years", values, f"finance.prospective.max_debt_years={years:g}"))
        elif r.family == "shift":
            p = scenario.project[r.target]
            k = int(round(r.amount))
            current = next(sp.shift for sp in scenario.spec.projects if sp.id == p.id)
            values = {"project": p.id, "years": k, "start": p.earliest + k, "end": p.latest + k}
            start = res.starts.get(p.id)  # its start in the plan that needs the change
            delivery = (start if start is not None else p.earliest + k) + p.delivery_lag
            if delivery > scenario.last_year:  # a remedy that delivers it after the PPI says so
                values.update({"delivery": delivery, "horizon_end": scenario.last_year})
            changes.append(Change("shift", values, f"projects.{p.id}.shift={current + k}"))
        elif r.family == "drop_mandatory":
            changes.append(Change("drop_mandatory", {"project": r.target}, f"projects.{r.target}.status=candidate"))
    return changes


def _verified(scenario: Scenario, changes: list[Change], options: SolveOptions) -> bool:
    """Whether the scenario with the remedy's edits (typed, applied in memory) has a plan."""
    try:
        changed = derive(scenario, [parse_set(c.edit) for c in changes])
    except ScenarioError:  # an edit the validation refuses is no remedy
        return False
    return is_feasible(changed, options)


def diagnose(scenario: Scenario, options: SolveOptions | None = None) -> Diagnosis:
    """What breaks in an infeasible scenario, and the verified changes that give it a plan."""
    options = options or SolveOptions()
    if options.time_limit is None:
        options = replace(options, time_limit=TIME_LIMIT_S)
    money = relax(scenario, (MONEY,), options)
    findings: list[Finding] = baseline_findings(scenario)  # what holds whatever the PPI, first
    notes: list[tuple[str, dict[str, Any]]] = []
    if money.status.has_plan:
        for r in money.relaxations:
            finding = _finding(scenario, money, r)
            if finding is not None and finding not in findings and not _same_row(finding, findings):
                findings.append(finding)
    else:
        notes.append(("no_diagnosis", {"status": money.status.value}))
    candidates: list[tuple[str, list[Change]]] = []
    if money.mends_everything and money.relaxations:
        candidates.append(("money", _edits(scenario, money)))
    if not scenario.carry_over:
        candidates.append(("carry", [Change("carry_over", {}, "budget.carry_over=true")]))
    schedule = relax(scenario, (SCHEDULE, MANDATORY), options)
    if schedule.mends_everything and schedule.relaxations:
        candidates.append(("schedule", _edits(scenario, schedule)))
    remedies: list[Remedy] = []
    can_verify = scenario.document is not None  # loaded or built in Python: its edits are applied in memory
    for kind, changes in candidates:
        if not changes:
            continue
        ok = _verified(scenario, changes, options) if can_verify else False
        protected = protection_z(scenario) is not None or uncertainty_of(scenario.spec).gamma is not None
        if not ok and can_verify and kind == "money" and protected:
            changes, ok = _protected_raise(scenario, changes, options)
        if ok or not can_verify:
            remedies.append(Remedy(kind, tuple(changes), ok))
    if Status.FEASIBLE in (money.status, schedule.status):
        notes.append(("not_least", {"seconds": options.time_limit}))
    if not can_verify:
        notes.append(("in_memory", {}))
    if not remedies:
        notes.append(("none", {}))
    return Diagnosis(tuple(findings), tuple(remedies), tuple(notes))


# Protected envelopes: the raises tried when the elastic amounts fall short, as multiples of them.
PROTECTED_RAISES = (1.05, 1.1, 1.25, 1.5, 2.0)


def _protected_raise(scenario: Scenario, changes: list[Change], options: SolveOptions) -> tuple[list[Change], bool]:
    """With protected envelopes the elastic model's raise can fall a little short: the protected row is the
    tangent of the protected charge at a point that grows with the envelope (docs/model.md, "Plans that hold"),
    so a raise of Δ gives slightly less than Δ of room. The envelope raises are tried again at the multiples
    PROTECTED_RAISES of their amount, the first verified one kept (the changes as given, unverified, otherwise)."""
    scale = scenario.budget_scale or 1.0
    for factor in PROTECTED_RAISES:
        bigger = []
        for c in changes:
            if c.kind == "raise_envelope":
                y = int(c.values["year"])
                target = _ceil(scenario.envelope[y] + c.values["by"] * MEUR * factor, scenario)
                values = {"year": y, "by": _m(target - scenario.envelope[y]), "to": _m(target)}
                c = Change("raise_envelope", values, f"budget.annual.{y}={target / scale:.0f}")
            elif c.kind == "raise_total" and scenario.total_envelope is not None:
                total = scenario.total_envelope
                target = _ceil(total.amount + c.values["by"] * MEUR * factor, scenario)
                values = {**c.values, "by": _m(target - total.amount), "to": _m(target)}
                c = Change("raise_total", values, c.edit.partition("=")[0] + f"={target / scale:.0f}")
            bigger.append(c)
        if _verified(scenario, bigger, options):
            return bigger, True
    return changes, False


def _same_row(finding: Finding, findings: list[Finding]) -> bool:
    """A money finding on a constraint a baseline finding already names (the baseline one says more)."""
    return any(f.row == finding.row and f.kind.startswith("baseline_") for f in findings)


def first_reason(scenario: Scenario, status: str, options: SolveOptions | None = None) -> dict[str, Any]:
    """Why a scenario has no plan, in one finding (kind, values, row: `Finding.to_dict`): the diagnosis' first
    — a breach that holds whatever the PPI, else the first thing the money elastic model finds breaking —
    when the solver proved it infeasible; otherwise (or when nothing is found) the solver's status itself, as
    {"kind": "status", "values": {"status": ...}}."""
    if status == Status.INFEASIBLE.value:
        baseline = baseline_findings(scenario)
        if baseline:
            return baseline[0].to_dict()
        options = options or SolveOptions()
        if options.time_limit is None:
            options = replace(options, time_limit=TIME_LIMIT_S)
        money = relax(scenario, (MONEY,), options)
        if money.status.has_plan:
            for r in money.relaxations:
                finding = _finding(scenario, money, r)
                if finding is not None:
                    return finding.to_dict()
    return {"row": "", "kind": "status", "values": {"status": status}}
