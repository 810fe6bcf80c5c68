"""Why a scenario is infeasible, in the words of a PPI, and the changes that would make it feasible.

`diagnose(scenario)` solves the elastic model of `solver.diagnose` three ways:

1. money only (envelopes, the multi-year envelope, borrowing cap, savings floor, debt ceiling): its least
   change says *what breaks*, year by year ("2027: committed and mandatory projects need 14.2 M€ against an
   envelope of 12.0 M€ (short by 2.2 M€): gs-plateau (committed, 6.1 M€), ..."), and is the first remedy;
2. carry-over allowed, when the scenario has none;
3. schedule only (start windows moved, mandatory status dropped).

Each remedy is a list of `--set` edits. It is shown only once the scenario, read again with exactly those
edits, has a plan: a suggestion that does not work is never printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from analysis.derive import derive
from models.scenario import Project, Scenario
from solver.diagnose import MANDATORY, MONEY, SCHEDULE, ElasticResult, Relaxation, family_of, is_feasible, relax
from solver.engines import SolveOptions

MEUR = 1e6
# Suggested amounts are rounded up to this (10 k€), so that a rounded suggestion still suffices.
ROUND_EUR = 1e4
# Projects listed behind a shortfall, the largest first; the others are counted.
LISTED = 6


@dataclass(frozen=True)
class Change:
    """One edit of a remedy: in words, and as a `--set` argument."""

    text: str
    edit: str


@dataclass(frozen=True)
class Remedy:
    title: str
    changes: tuple[Change, ...]
    verified: bool  # the scenario with these edits has a plan (checked by a feasibility solve)

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(c.edit for c in self.changes)


@dataclass(frozen=True)
class Finding:
    """A constraint that breaks: its stable row name and what it says in plain words."""

    row: str
    text: str


@dataclass(frozen=True)
class Diagnosis:
    findings: tuple[Finding, ...]
    remedies: tuple[Remedy, ...]
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [{"row": f.row, "text": f.text} for f in self.findings],
            "remedies": [
                {
                    "title": r.title,
                    "verified": r.verified,
                    "changes": [{"text": c.text, "edit": c.edit} for c in r.changes],
                }
                for r in self.remedies
            ],
            "notes": list(self.notes),
        }


def meur(euros: float) -> str:
    """12 345 678 -> '12.35 M€' (to 10 k€, the precision of the suggested changes); 123.4 M€ above 100 M€."""
    x = euros / MEUR
    return f"{x:.1f} M€" if abs(x) >= 100 else f"{x:.2f} M€"


def _ceil(euros: float) -> float:
    return math.ceil(euros / ROUND_EUR - 1e-9) * ROUND_EUR


def _years(p: Project) -> str:
    return f"{p.earliest}" if p.earliest == p.latest else f"{p.earliest}–{p.latest}"


def _charged_in(scenario: Scenario, starts: dict[str, int | None], years: range | list[int]) -> list[tuple[str, float]]:
    """(project label, amount charged to `years`) for every project started, the largest first."""
    out = []
    for p in scenario.projects:
        s = starts.get(p.id)
        if s is None:
            continue
        amount = sum(v for y, v in scenario.charged(p, s).items() if y in years)
        if amount > 0.5:
            what = {"committed": "committed", "mandatory": "mandatory"}.get(p.status, "chosen")
            out.append((f"{p.id} ({what}, {meur(amount)})", amount))
    return sorted(out, key=lambda t: -t[1])


def _listing(items: list[tuple[str, float]]) -> str:
    names = [name for name, _ in items[:LISTED]]
    if len(items) > LISTED:
        names.append(f"and {len(items) - LISTED} more")
    return ", ".join(names)


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
    chosen = any(scenario.project[pid].status == "candidate" for pid, s in starts.items() if s is not None)
    return "committed, mandatory and required projects" if chosen else "committed and mandatory projects"


def _committed_in(scenario: Scenario, y: int) -> float:
    return sum(
        scenario.charged(p, p.start).get(y, 0.0)
        for p in scenario.projects
        if p.status == "committed" and p.start is not None
    )


def _finding(scenario: Scenario, res: ElasticResult, r: Relaxation) -> Finding | None:
    """A relaxation of the money remedy (or a generic slack) in plain words."""
    starts = dict(res.starts)
    spend = "net effort" if scenario.net_basis else "spending"
    first = scenario.years[0]
    if r.family == "raise_envelope":
        y = int(r.target)
        if scenario.carry_over and scenario.carry_share >= 1.0:  # the years up to the worst one, together
            ends = [t for t in scenario.years if t >= y]
            t = max(ends, key=lambda e: _need(scenario, starts, range(first, e + 1)) - _envelopes(scenario, first, e))
            years = list(range(first, t + 1))
            need, available = _need(scenario, starts, years), _envelopes(scenario, first, t)
            span = f"{first}–{t}" if t > first else f"{t}"
            text = (
                f"{span} (with carry-over): {_who(scenario, starts)} need {meur(need)} of {spend} against "
                f"{meur(available)} of envelopes (short by {meur(_ceil(need - available))}): "
            )
            return Finding(f"budget_cumulative[{t}]", text + _listing(_charged_in(scenario, starts, years)))
        carried = res.values.get(f"carry[{y}]", 0.0) * MEUR
        need = _need(scenario, starts, [y])
        against = f"an envelope of {meur(scenario.envelope[y])}" + (
            f" plus {meur(carried)} carried over" if carried > 0.5 else ""
        )
        text = (
            f"{y}: {_who(scenario, starts)} need {meur(need)} of {spend} against {against} "
            f"(short by {meur(_ceil(need - scenario.envelope[y] - carried))}): "
        )
        return Finding(f"budget[{y}]", text + _listing(_charged_in(scenario, starts, [y])))
    if r.family == "raise_total":
        total = scenario.total_envelope
        assert total is not None
        years = list(total.years)
        text = (
            f"{total.start}–{total.end} multi-year envelope: {_who(scenario, starts)} need "
            f"{meur(total.amount + r.amount * MEUR)} of {spend} against {meur(total.amount)} "
            f"(short by {meur(r.amount * MEUR)}): " + _listing(_charged_in(scenario, starts, years))
        )
        return Finding("budget_total", text)
    pr = scenario.prospective
    if r.family == "raise_borrowing" and pr is not None and pr.max_borrowing is not None:
        y = max(scenario.years, key=lambda t: res.values.get(f"borrowing[{t}]", 0.0))
        need = res.values.get(f"borrowing[{y}]", 0.0) * MEUR
        return Finding(
            f"financing[{y}]",
            f"{y}: the year's investment and repayments need {meur(need)} of new borrowing, above the "
            f"{meur(pr.max_borrowing)} a year allowed (finance.prospective.max_borrowing)",
        )
    if r.family == "lower_savings_rate" and pr is not None and pr.min_savings_rate is not None:
        worst = min(scenario.years, key=lambda t: res.values.get(f"epargne_brute[{t}]", 0.0) / scenario.revenue(t))
        rate = res.values.get(f"epargne_brute[{worst}]", 0.0) * MEUR / scenario.revenue(worst)
        return Finding(
            f"min_savings[{worst}]",
            f"{worst}: épargne brute falls to {rate:.1%} of operating revenue, below the floor of "
            f"{pr.min_savings_rate:.1%} (finance.prospective.min_savings_rate)",
        )
    if r.family == "excess_debt" and pr is not None and pr.max_debt_years is not None:
        y = int(r.target)
        debt = res.values.get(f"debt[{y}]", 0.0) * MEUR
        savings = res.values.get(f"epargne_brute[{y}]", 0.0) * MEUR
        ratio = f"{debt / savings:.1f} years of" if savings > 0 else "more than any number of years of"
        return Finding(
            f"debt_capacity[{y}]",
            f"{y}: debt of {meur(debt)} is {ratio} épargne brute ({meur(savings)}), above the ceiling of "
            f"{pr.max_debt_years:g} years (capacité de désendettement, finance.prospective.max_debt_years)",
        )
    if r.family == "slack":
        return Finding(r.target, _row_words(scenario, r.target))
    return None


def _row_words(scenario: Scenario, row: str) -> str:
    """A constraint no change of money can mend, by its stable name, in plain words."""
    fam, args = family_of(row)
    parts = args.split(",")
    if fam == "requires":
        p, q, s = scenario.project[parts[0]], scenario.project[parts[1]], int(parts[2])
        when = f"starts in {p.start}" if p.status == "committed" else f"must start in {_years(p)}"
        if q.status == "excluded":
            return f"{p.id} ({p.status}) {when} and requires {q.id}, which is excluded"
        q_when = f"starts in {q.start}" if q.status == "committed" else f"can start in {_years(q)}"
        return f"{p.id} ({p.status}) {when} and requires {q.id}, which {q_when}: {q.id} cannot have started by {s}"
    if fam == "excludes":
        p, q = scenario.project[parts[0]], scenario.project[parts[1]]
        return f"{p.id} ({p.status}) and {q.id} ({q.status}) exclude each other, but both must be carried out"
    if fam == "mandatory":
        p = scenario.project[parts[0]]
        return f"mandatory project {p.id} cannot start in its window {_years(p)} with the other constraints"
    return f"constraint {row} cannot be met"


def _edits(scenario: Scenario, res: ElasticResult) -> list[Change]:
    """The `--set` edits that give the scenario the changes of an elastic optimum."""
    scale = scenario.budget_scale or 1.0
    changes: list[Change] = []
    pr = scenario.prospective
    for r in res.relaxations:
        if r.family == "raise_envelope":
            y = int(r.target)
            target = _ceil(scenario.envelope[y] + r.amount * MEUR)
            changes.append(
                Change(
                    f"raise the {y} envelope by {meur(target - scenario.envelope[y])} (to {meur(target)})",
                    f"budget.annual.{y}={target / scale:.0f}",
                )
            )
        elif r.family == "raise_total":
            total = scenario.total_envelope
            assert total is not None
            target = _ceil(total.amount + r.amount * MEUR)
            changes.append(
                Change(
                    f"raise the {total.start}–{total.end} multi-year envelope by {meur(target - total.amount)} "
                    f"(to {meur(target)})",
                    f"budget.total={target / scale:.0f}"
                    if (total.start, total.end) == (scenario.years[0], scenario.years[-1])
                    else f"budget.total.amount={target / scale:.0f}",
                )
            )
        elif r.family == "raise_borrowing" and pr is not None and pr.max_borrowing is not None:
            target = _ceil(pr.max_borrowing + r.amount * MEUR)
            changes.append(
                Change(
                    f"allow {meur(target)} of new borrowing a year (instead of {meur(pr.max_borrowing)})",
                    f"finance.prospective.max_borrowing={target:.0f}",
                )
            )
        elif r.family == "lower_savings_rate" and pr is not None and pr.min_savings_rate is not None:
            rate = max(0.0, math.floor(round((pr.min_savings_rate - r.amount) * 1000, 6)) / 1000)
            changes.append(
                Change(
                    f"lower the épargne brute floor to {rate:.1%} of operating revenue "
                    f"(from {pr.min_savings_rate:.1%})",
                    f"finance.prospective.min_savings_rate={rate:g}",
                )
            )
        elif r.family == "excess_debt" and pr is not None and pr.max_debt_years is not None:
            if any(c.edit.startswith("finance.prospective.max_debt_years=") for c in changes):
                continue
            ratios = []
            for y in scenario.years:
                debt, savings = res.values.get(f"debt[{y}]", 0.0), res.values.get(f"epargne_brute[{y}]", 0.0)
                if debt > 1e-9:
                    ratios.append(debt / savings if savings > 1e-9 else math.inf)
            worst = max(ratios, default=0.0)
            if math.isfinite(worst):
                years = math.ceil(round(worst * 10, 6)) / 10
                changes.append(
                    Change(
                        f"raise the debt ceiling to {years:g} years of épargne brute (from {pr.max_debt_years:g})",
                        f"finance.prospective.max_debt_years={years:g}",
                    )
                )
        elif r.family == "shift":
            p = scenario.project[r.target]
            k = int(round(r.amount))
            current = next(sp.shift for sp in scenario.spec.projects if sp.id == p.id)
            n = abs(k)
            when = f"{n} year{'s' if n > 1 else ''} {'later' if k > 0 else 'earlier'}"
            changes.append(
                Change(
                    f"move {p.id}'s window {when} (to {p.earliest + k}–{p.latest + k})",
                    f"projects.{p.id}.shift={current + k}",
                )
            )
        elif r.family == "drop_mandatory":
            changes.append(
                Change(f"make {r.target} a candidate instead of mandatory", f"projects.{r.target}.status=candidate")
            )
    return changes


def _verified(scenario: Scenario, changes: list[Change], options: SolveOptions) -> bool:
    try:
        changed = derive(scenario, [c.edit for c in changes])
    except Exception:  # an edit the loader refuses is no remedy
        return False
    return is_feasible(changed, options)


def diagnose(scenario: Scenario, options: SolveOptions | None = None) -> Diagnosis:
    """What breaks in an infeasible scenario, and the verified changes that give it a plan."""
    options = options or SolveOptions()
    money = relax(scenario, (MONEY,), options)
    findings: list[Finding] = []
    notes: list[str] = []
    if money.status.has_plan:
        for r in money.relaxations:
            finding = _finding(scenario, money, r)
            if finding is not None and finding not in findings:
                findings.append(finding)
    else:
        notes.append(f"the elastic model ended {money.status.value}: no diagnosis")
    candidates: list[tuple[str, list[Change]]] = []
    if money.mends_everything and money.relaxations:
        candidates.append(("Give more money", _edits(scenario, money)))
    if not scenario.carry_over:
        carry = Change("let unspent envelope carry into later years", "budget.carry_over=true")
        candidates.append(("Allow carry-over", [carry]))
    schedule = relax(scenario, (SCHEDULE, MANDATORY), options)
    if schedule.mends_everything and schedule.relaxations:
        candidates.append(("Change the schedule", _edits(scenario, schedule)))
    remedies: list[Remedy] = []
    can_verify = not scenario.source.startswith("<")
    for title, changes in candidates:
        if not changes:
            continue
        ok = _verified(scenario, changes, options) if can_verify else False
        if ok or not can_verify:
            remedies.append(Remedy(title, tuple(changes), ok))
    if not can_verify:
        notes.append("the scenario was built in memory: the remedies could not be checked by loading it again")
    if not remedies:
        notes.append("no single kind of change ppi can suggest (money, carry-over, windows) gives a plan")
    return Diagnosis(tuple(findings), tuple(remedies), tuple(notes))


def format_diagnosis(diagnosis: Diagnosis) -> str:
    """The diagnosis as the CLI prints it."""
    lines = ["No plan satisfies the constraints. What breaks:"]
    for f in diagnosis.findings:
        lines.append(f"  - {f.text}  [{f.row}]")
    if not diagnosis.findings:
        lines.append("  (nothing found)")
    if diagnosis.remedies:
        lines.append("Changes that make it feasible (each checked by solving the changed scenario):")
        for i, r in enumerate(diagnosis.remedies, 1):
            check = "" if r.verified else " (not checked)"
            lines.append(f"  {i}. {r.title}{check}: " + "; ".join(c.text for c in r.changes))
            lines.append("     " + " ".join(f"--set {c.edit}" for c in r.changes))
    for note in diagnosis.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
