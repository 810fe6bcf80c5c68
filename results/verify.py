"""Independent verifier: recompute every constraint and the objective from a plan alone.

It reads the scenario and a plan in its `plan.json` form (start year per project, plus the figures the
plan reports) and checks, with plain loops written apart from the solver's matrix model:
- each start lies in the project's window (committed at its start, excluded never, mandatory always);
- alternatives (`excludes`) are never both chosen; `requires` holds, never earlier than the required one;
- city spending per year stays within the envelope (cumulatively with carry-over);
- the reported spending, budget and balance figures are the ones the start years imply;
- the reported objective equals the recomputed one, and the bound does not exceed it;
- a revision's locks hold, and its abandoned operations have no start, no CP from its year on, no delivery.
No solver is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.evaluate import Evaluation
from models.plan import OPTIMALITY_GAP, Plan, Status
from models.scenario import Scenario
from models.spec import ProjectStatus
from models.uncertainty import budget_rows, delivered_share, protection_z, row_load, uncertainty_of
from results.record import PLAN_STATUSES, PlanRecord, plan_to_dict

# Euros: spending is a sum of cost × share products, so a few cents of floating error are possible.
MONEY_TOL = 0.01
# Units of demand (classes, places): capacities are confidence × capacity products.
UNIT_TOL = 1e-6
# Objective: the solver's value carries its own feasibility tolerances (1e-7 relative on rows).
OBJECTIVE_RTOL = 1e-6
# Reported figures made again by the same evaluation: equal but for the last bits of a float.
FIGURE_RTOL = 1e-9


@dataclass
class Verification:
    violations: list[str] = field(default_factory=list)
    objective: float = 0.0  # recomputed

    @property
    def ok(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        if self.ok:
            return f"plan verified: every constraint holds, objective {self.objective:.6g}"
        return "plan violates its scenario:\n" + "\n".join(f"  - {v}" for v in self.violations)


def verify_plan(
    scenario: Scenario,
    plan: PlanRecord | Mapping[str, Any],
    evaluation: Evaluation | None = None,
    reported: bool = True,
) -> Verification:
    """Check a plan (its plan.json record or dict) against its scenario; list every violation found.

    `evaluation`: the plan's decisions already evaluated under `scenario` (a `Result` has it), used only to
    make the reported figures again; the constraints and the objective are recomputed here regardless.
    `reported=False` skips comparing the figures the document reports, for a document just made from that
    very evaluation (they would be compared with themselves)."""
    doc: Mapping[str, Any] = plan.data if isinstance(plan, PlanRecord) else plan
    out = Verification()
    bad = out.violations.append
    reported = {entry["id"]: entry for entry in doc.get("projects", [])}
    starts = _starts(scenario, reported, bad)
    _verify_windows(scenario, starts, bad)
    _verify_horizon_end(scenario, starts, bad)
    _verify_links(scenario, starts, bad)
    spent, receipts, total_city_spending = _verify_spending(scenario, starts, reported, bad)
    _verify_budget(scenario, spent, receipts, doc, bad)
    _verify_budget_protection(scenario, starts, bad)
    if scenario.prospective is not None:
        _verify_prospective(scenario, starts, doc, bad)
    sent, received, transfer_term = _verify_transfers(scenario, doc, bad)
    unmet_term = _verify_balance(scenario, starts, sent, received, doc, bad)
    stability_term = _verify_revision(scenario, starts, bad)
    _verify_abandoned(scenario, starts, reported, bad)
    out.objective = unmet_term + transfer_term + scenario.cost_weight * total_city_spending + stability_term
    _verify_objective(out.objective, doc, bad)
    if reported:
        _verify_reported(scenario, doc, bad, evaluation)
    return out


def _starts(scenario: Scenario, reported: dict[str, Any], bad) -> dict[str, int | None]:
    """Start year of each project of the scenario as the plan gives it; projects missing or unknown."""
    starts: dict[str, int | None] = {}
    for p in scenario.projects:
        if p.id not in reported:
            bad(f"project {p.id} is missing from the plan")
            starts[p.id] = None
        else:
            starts[p.id] = reported[p.id].get("start")
    for pid in reported:
        if pid not in scenario.project:
            bad(f"the plan has a project {pid} that the scenario does not have")
    return starts


def _verify_windows(scenario: Scenario, starts: dict[str, int | None], bad) -> None:
    """Start windows and statuses: committed at their start, excluded never, mandatory always."""
    for p in scenario.projects:
        s = starts[p.id]
        if p.status == ProjectStatus.EXCLUDED and s is not None:
            bad(f"{p.id} is excluded but starts in {s}")
        elif p.status == ProjectStatus.COMMITTED and s != p.start:
            bad(f"{p.id} is committed to start in {p.start}, the plan says {s}")
        elif p.status == ProjectStatus.MANDATORY and s is None:
            bad(f"{p.id} is mandatory but not chosen")
        movable = p.status in (ProjectStatus.CANDIDATE, ProjectStatus.MANDATORY)
        if s is not None and movable and not p.earliest <= s <= p.latest:
            bad(f"{p.id} starts in {s}, outside its window {p.earliest}-{p.latest}")


def _verify_horizon_end(scenario: Scenario, starts: dict[str, int | None], bad) -> None:
    """The horizon end rule (docs/model.md): no project the plan decides starts after the PPI's last year;
    under 'complete' each one is paid and delivered by then; under 'tail' every euro of it falls in a
    modelled year, charged to an envelope (only 'open' leaves CP to no envelope, by the user's choice)."""
    end, last = scenario.horizon_end, scenario.years[-1]
    for p in scenario.projects:
        s = starts[p.id]
        if s is None or p.status == ProjectStatus.COMMITTED:
            continue
        if s > end:
            bad(f"{p.id} starts in {s}, after the PPI's last year {end}")
        paid = max((s + i for i, share in enumerate(p.profile) if share), default=s)
        if scenario.end_rule == "complete" and max(paid, s + p.delivery_lag) > end:
            bad(f"{p.id} is paid until {paid} and delivered in {s + p.delivery_lag}: the rule 'complete' needs {end}")
        elif scenario.end_rule == "tail" and paid > last:
            bad(f"{p.id} pays CP until {paid}, after the last tail year {last}: charged to no envelope")


def _verify_links(scenario: Scenario, starts: dict[str, int | None], bad) -> None:
    """Alternatives (`excludes`) never both chosen; `requires` chosen and started no later."""
    for p in scenario.projects:
        for q in p.excludes:
            if starts[p.id] is not None and starts.get(q) is not None:
                bad(f"{p.id} and {q} are alternatives but both are chosen")
        for q in p.requires:
            if starts[p.id] is None:
                continue
            if starts.get(q) is None:
                bad(f"{p.id} requires {q}, which is not chosen")
            elif starts[q] > starts[p.id]:
                bad(f"{p.id} starts in {starts[p.id]}, before {q} which it requires ({starts[q]})")


def _verify_spending(
    scenario: Scenario, starts: dict[str, int | None], reported: dict[str, Any], bad
) -> tuple[dict[int, float], dict[int, float], float]:
    """City spending (CP) of each chosen project per year against what the plan reports, and its delivery.
    Returns the spending and the receipts (subsidies + FCTVA) per horizon year, and the total city
    spending (horizon or not)."""
    years = list(scenario.years)
    spent = dict.fromkeys(years, 0.0)
    receipts = dict.fromkeys(years, 0.0)  # subsidies + FCTVA received in the year
    total_city_spending = 0.0
    for p in scenario.projects:
        s = starts[p.id]
        if s is None:
            continue
        amounts = {}
        for i, share in enumerate(p.profile):
            amount = p.cost * share * p.city_share
            amounts[s + i] = amounts.get(s + i, 0.0) + amount
            total_city_spending += amount
            if s + i in spent:
                spent[s + i] += amount
            refund_year = s + i + scenario.fctva_lag
            if refund_year in receipts:
                receipts[refund_year] += scenario.fctva_rate * p.fctva_eligible * amount
        for r in p.receipts:
            if s + r.offset in receipts:
                receipts[s + r.offset] += r.amount
        given = reported.get(p.id, {}).get("spending", {})
        for y in set(amounts) | {int(k) for k in given}:
            want, got = amounts.get(y, 0.0), float(given.get(str(y), given.get(y, 0.0)))
            if abs(want - got) > MONEY_TOL:
                bad(f"{p.id} spending in {y}: plan says {got:.2f} €, the start years imply {want:.2f} €")
        delivery = reported.get(p.id, {}).get("delivery")
        if delivery != s + p.delivery_lag:
            bad(f"{p.id} delivery: plan says {delivery}, start {s} + lag {p.delivery_lag} = {s + p.delivery_lag}")
    return spent, receipts, total_city_spending


def _verify_budget(
    scenario: Scenario, spent: dict[int, float], receipts: dict[int, float], doc: Mapping[str, Any], bad
) -> None:
    """Yearly envelopes (with carry-over), the multi-year envelope, and the budget rows the plan reports.

    Charged in year y: spent_y (gross basis) or spent_y − receipts_y (net basis). Without full carry-over,
    charged_y ≤ envelope_y + carried_y with carried_{y+1} = share × max(0, envelope_y + carried_y − charged_y);
    with full carry-over, Σ_{t≤y} charged_t ≤ Σ_{t≤y} envelope_t."""
    years = list(scenario.years)
    if scenario.net_basis:  # the envelopes limit net effort
        spent = {y: spent[y] - receipts[y] for y in years}
    carried = 0.0  # credit carried into year y
    cum_env = cum_spent = 0.0
    for y in years:
        cum_env += scenario.envelope[y]
        cum_spent += spent[y]
        if scenario.carry_over and scenario.carry_share >= 1.0:
            if cum_spent > cum_env + MONEY_TOL:
                bad(f"budget {y}: {cum_spent:.2f} € spent since the start against {cum_env:.2f} € cumulated")
        elif spent[y] > scenario.envelope[y] + carried + MONEY_TOL:
            bad(f"budget {y}: {spent[y]:.2f} € spent against {scenario.envelope[y] + carried:.2f} € available")
        carried = scenario.carry_share * max(0.0, scenario.envelope[y] + carried - spent[y])
    total = scenario.total_envelope
    if total is not None:
        over = sum(spent[y] for y in total.years)
        if over > total.amount + MONEY_TOL:
            bad(f"total envelope {total.start}-{total.end}: {over:.2f} € spent against {total.amount:.2f} €")
    for row in doc.get("budget", []):
        y = int(row["year"])
        charged = float(row.get("charged", row["spent"]))
        if y in spent and abs(charged - spent[y]) > MONEY_TOL:
            bad(f"budget {y}: plan reports {charged:.2f} € charged, the start years imply {spent[y]:.2f} €")


def _verify_budget_protection(scenario: Scenario, starts: dict[str, int | None], bad) -> None:
    """The protected envelopes (`uncertainty.budget_confidence`, docs/model.md "Plans that hold: robustness"):
    each row of the budget rule holds for the plan's protected load Σ mean + z √(Σ v²) of its chosen projects
    (committed included), computed here exactly — the model writes a linear row that implies it; under
    `uncertainty.gamma`, Σ charge + the Γ largest overruns, sorted here (the model writes their LP dual). Under a
    carry-over share ρ < 1 the credit carried is what the protected loads leave: k[y+1] = ρ (B[y] + k[y] − load[y])."""
    unc = uncertainty_of(scenario.spec)
    if protection_z(scenario) is None and unc.gamma is None:
        return
    what = f"{unc.budget_confidence:.0%} confidence" if unc.gamma is None else f"Γ = {unc.gamma:g} overruns"
    share_carry = scenario.carry_over and scenario.carry_share < 1.0
    carried = 0.0
    for row in budget_rows(scenario):
        load = row_load(scenario, starts, row)
        assert load is not None
        available = row.cap + (carried if share_carry and row.year is not None else 0.0)
        if load > available + MONEY_TOL:
            where = f"budget {row.year}" if row.year is not None else "total envelope"
            bad(
                f"protected {where}: {load:.2f} € charged with the protection for {what} against {available:.2f} € "
                "available"
            )
        if share_carry and row.year is not None:
            carried = scenario.carry_share * max(0.0, available - load)


def _year_factor(scenario: Scenario, y: int) -> float:
    """The objective's weight of a unit-year in y, from the spec alone (not `Scenario.year_weight`, which the
    formulation reads): (1 + r)^−(y − y0), times `objective.tail_weight` after the PPI's last year."""
    spec = scenario.spec
    tail = spec.objective.tail_weight if y > spec.horizon.end else 1.0
    return (1.0 + spec.discount_rate) ** -(y - spec.horizon.start) * tail


def _verify_balance(
    scenario: Scenario,
    starts: dict[str, int | None],
    sent: dict[tuple[str, str, int], float],
    received: dict[tuple[str, str, int], float],
    doc: Mapping[str, Any],
    bad,
) -> float:
    """Capacity and unmet demand per district, kind and year against the plan's balance rows; returns the
    unmet term of the objective, Σ weight_k × (1 + r)^−(y − y0) × (tail weight after y1) × unmet_dky."""
    years = list(scenario.years)
    unc = uncertainty_of(scenario.spec)  # slips counted in the capacity, when the scenario says so
    unmet_term = 0.0
    unmet: dict[tuple[str, str, int], float] = {}
    for d in scenario.districts:
        for k in scenario.kinds:
            for y in years:
                capacity = scenario.existing[(d, k, y)]
                for p in scenario.projects:
                    s = starts[p.id]
                    if p.district == d and s is not None and s + p.delivery_lag <= y:
                        capacity += p.confidence * p.capacity.get(k, 0.0) * delivered_share(unc, p, s, y)
                demand = scenario.demand[(d, k, y)]
                gone, into = sent.get((d, k, y), 0.0), received.get((d, k, y), 0.0)
                # d's capacity serves what comes in first; its own pupils left are served up to what remains.
                u = max(0.0, demand - gone - (capacity - into))
                if into > capacity + UNIT_TOL:
                    bad(f"{d}/{k}/{y}: {into:g} units come in from neighbours but the capacity is {capacity:g}")
                if gone > demand + UNIT_TOL:
                    bad(f"{d}/{k}/{y}: {gone:g} units are sent next door but the demand is {demand:g}")
                unmet[(d, k, y)] = u
                unmet_term += scenario.weight[k] * _year_factor(scenario, y) * u
    for row in doc.get("balance", []):
        key = (row["district"], row["kind"], int(row["year"]))
        if key in unmet and abs(float(row["unmet"]) - unmet[key]) > UNIT_TOL:
            bad(f"unmet {key}: plan reports {row['unmet']}, the start years imply {unmet[key]}")
    return unmet_term


def _verify_revision(scenario: Scenario, starts: dict[str, int | None], bad) -> float:
    """A revision (docs/model.md, "The yearly revision"): each operation announced in the locked years starts in
    its adopted year; the stability term is ω per announced operation dropped and μ per year each one moved."""
    rev = getattr(scenario.spec, "revision", None)
    if rev is None:
        return 0.0
    term = 0.0
    for pid, adopted in rev.adopted.items():
        s = starts.get(pid)
        if adopted < rev.year + rev.locked_years and s != adopted:
            bad(f"{pid} is locked to its adopted start {adopted} (revision of {rev.year}), the plan says {s}")
        if s is None:
            term += rev.drop_cost
        else:
            term += rev.move_cost * abs(s - adopted)
    return term


def _verify_abandoned(scenario: Scenario, starts: dict[str, int | None], reported: dict[str, Any], bad) -> None:
    """A revision's abandoned operations (a réalisé row of its `revision` section says so): the scenario cannot
    choose them, and the plan gives them no start, no delivery (so no capacity) and no CP from the revision year."""
    rev = getattr(scenario.spec, "revision", None)
    if rev is None:
        return
    for pid in sorted({r.project for r in rev.realised if r.abandoned}):
        where = f"{pid} was abandoned in the revision of {rev.year}"
        p = scenario.project.get(pid)
        if p is not None and p.status != ProjectStatus.EXCLUDED:
            bad(f"{where} but the scenario has it {p.status}")
        entry = reported.get(pid) or {}
        s = starts.get(pid, entry.get("start"))
        if s is not None:
            bad(f"{where}, the plan starts it in {s}")
        if entry.get("delivery") is not None:
            bad(f"{where}, the plan delivers it in {entry['delivery']}")
        for year, amount in (entry.get("spending") or {}).items():
            if str(year).lstrip("-").isdigit() and int(year) >= rev.year and abs(float(amount)) > MONEY_TOL:
                bad(f"{where}, the plan pays it {float(amount):.2f} € in {year}")


def _verify_objective(recomputed: float, doc: Mapping[str, Any], bad) -> None:
    """The reported objective equals the recomputed one, the bound does not exceed it, and "optimal" comes
    with a gap within the optimality tolerance."""
    objective = doc.get("objective")
    if objective is None:
        if doc.get("status") in PLAN_STATUSES:
            bad("the plan has no objective value")
        return
    if abs(objective - recomputed) > OBJECTIVE_RTOL * max(1.0, abs(recomputed)):
        bad(f"objective: plan reports {objective:.9g}, recomputed {recomputed:.9g}")
    bound = doc.get("bound")
    if bound is not None and bound > recomputed + OBJECTIVE_RTOL * max(1.0, abs(recomputed)):
        bad(f"bound {bound:.9g} exceeds the plan's objective {recomputed:.9g}")
    gap = doc.get("gap")
    if doc.get("status") == "optimal" and (gap is None or gap > OPTIMALITY_GAP + 1e-9):
        bad(f"status optimal with a gap of {gap}")


def _verify_transfers(
    scenario: Scenario, plan: Mapping[str, Any], bad
) -> tuple[dict[tuple[str, str, int], float], dict[tuple[str, str, int], float], float]:
    """Each transfer between neighbours, of a kind that may move, within the horizon; what leaves a district
    within its cap (max_share × demand, max_units). Returns units sent and received per (district, kind,
    year) and the transfers' objective term."""
    sent: dict[tuple[str, str, int], float] = {}
    received: dict[tuple[str, str, int], float] = {}
    term = 0.0
    limits = scenario.spec.transfers
    neighbours = {d.id: set(d.neighbours) for d in scenario.spec.districts}
    for row in plan.get("transfers", []):
        src, dst, k, y, units = row["from"], row["to"], row["kind"], int(row["year"]), float(row["units"])
        what = f"transfer {src} → {dst} ({k}, {y})"
        if limits is None:
            bad(f"{what}: the scenario allows no transfers")
            continue
        if dst not in neighbours.get(src, set()) and src not in neighbours.get(dst, set()):
            bad(f"{what}: {src} and {dst} are not neighbours")
            continue
        if k not in scenario.weight or (limits.kinds is not None and k not in limits.kinds):
            bad(f"{what}: '{k}' may not be transferred")
            continue
        if y not in scenario.discount:
            bad(f"{what}: {y} is outside the horizon")
            continue
        if units < -UNIT_TOL:
            bad(f"{what}: negative units {units:g}")
        sent[(src, k, y)] = sent.get((src, k, y), 0.0) + units
        received[(dst, k, y)] = received.get((dst, k, y), 0.0) + units
        term += limits.penalty * scenario.weight[k] * _year_factor(scenario, y) * units
    for (d, k, y), units in sorted(sent.items()):
        demand = scenario.demand[(d, k, y)]
        caps = []
        if limits is not None and limits.max_share is not None:
            caps.append(limits.max_share * demand)
        if limits is not None and limits.max_units is not None:
            caps.append(limits.max_units)
        if caps and units > min(caps) + UNIT_TOL:
            bad(f"{d}/{k}/{y}: {units:g} units met next door, above the cap of {min(caps):g}")
    return sent, received, term


def _verify_prospective(scenario: Scenario, starts: dict[str, int | None], plan: Mapping[str, Any], bad) -> None:
    """Savings and debt path with the least borrowing that closes each year, against the ratio limits."""
    pr = scenario.prospective
    assert pr is not None
    years = list(scenario.years)
    debt, remaining_old = pr.debt, pr.debt
    loans: list[tuple[int, float]] = []
    reported = {int(r["year"]): r for r in plan.get("finance", [])}
    for t, y in enumerate(years):
        revenue = pr.revenue * (1 + pr.revenue_growth) ** t
        spending = pr.spending * (1 + pr.spending_growth) ** t
        op = net = 0.0
        for p in scenario.projects:
            s = starts[p.id]
            if s is None:
                continue
            if s + p.delivery_lag <= y:
                op += p.operating_cost
            for i, share in enumerate(p.profile):
                amount = p.cost * share * p.city_share
                if s + i == y:
                    net += amount
                if s + i + scenario.fctva_lag == y:
                    net -= scenario.fctva_rate * p.fctva_eligible * amount
            for r in p.receipts:
                if s + r.offset == y:
                    net -= r.amount
        savings = revenue - spending - op - pr.interest_rate * debt
        old = min(pr.debt_repayment, remaining_old)
        remaining_old -= old
        new = sum(amount / pr.loan_years for start, amount in loans if start < y <= start + pr.loan_years)
        borrowing = max(0.0, net + pr.other_investment + old + new - savings)
        loans.append((y, borrowing))
        debt += borrowing - old - new
        if pr.max_borrowing is not None and borrowing > pr.max_borrowing + MONEY_TOL:
            bad(f"borrowing {y}: {borrowing:.2f} € needed against a cap of {pr.max_borrowing:.2f} €")
        if pr.min_savings_rate is not None and savings < pr.min_savings_rate * revenue - MONEY_TOL:
            bad(f"épargne brute {y}: {savings:.2f} € is below {pr.min_savings_rate:.0%} of revenue")
        if pr.max_debt_years is not None and debt > pr.max_debt_years * savings + MONEY_TOL:
            bad(f"debt {y}: {debt:.2f} € is above {pr.max_debt_years:g} years of épargne brute ({savings:.2f} €)")
        row = reported.get(y)
        if row is not None:
            for key, want in (("epargne_brute", savings), ("borrowing", borrowing), ("debt", debt)):
                if abs(float(row[key]) - want) > MONEY_TOL:
                    bad(f"{key} {y}: plan reports {row[key]:.2f} €, the start years imply {want:.2f} €")


# Figures the checks above recompute on their own (reported once, there).
_CHECKED_ABOVE = {
    "budget": {"charged"},
    "finance": {"epargne_brute", "borrowing", "debt"},
    "balance": {"unmet"},
}


def _verify_reported(scenario: Scenario, doc: Mapping[str, Any], bad, evaluation: Evaluation | None = None) -> None:
    """Every other figure plan.json reports is the one its decisions imply.

    The checks above recompute the constraints and the objective with loops of their own. The plan file
    carries many more figures that reports show — envelopes and margins, receipts, balances, the finance path,
    unmet demand per kind, each project's AP and receipts, what falls outside the horizon, the scenario's
    overrides. Here the document is made again from the plan's decisions alone (start years and transfers,
    through `models.evaluate`) and compared with the file, row by row: a figure edited by hand, a row
    removed or added, money on a project not chosen, or a plan made for other overrides is named."""
    record = PlanRecord(doc)
    starts = {p.id: record.starts.get(p.id) for p in scenario.projects}
    plan = Plan(scenario=scenario.name, status=Status.FEASIBLE, solver="", starts=starts, transfers=record.transfers)
    again = plan_to_dict(scenario, plan, evaluation)
    info, want = doc.get("scenario") or {}, again["scenario"]
    for key in ("name", "horizon", "variant", "set", "budget_scale", "overrides"):
        if info.get(key) != want[key]:
            bad(
                f"scenario {key}: the plan records {_show(info.get(key))}, the scenario verified has {_show(want[key])}"
            )
    for key in ("objective_terms", "spending_outside_horizon", "unmet_by_kind", "demand_source"):
        _same(key, doc.get(key), again.get(key), bad)
    wanted = {p["id"]: p for p in again["projects"]}
    for p in doc.get("projects", []):
        if p["id"] not in wanted:
            continue  # reported above
        chosen = starts.get(p["id"]) is not None
        for key, value in wanted[p["id"]].items():
            if key in ("id", "start") or (chosen and key in ("spending", "delivery")):
                continue  # the start is the decision; a chosen project's CP and delivery are checked above
            _same(f"{p['id']} {key}", p.get(key), value, bad)
    for table, keys in (("budget", ("year",)), ("finance", ("year",)), ("balance", ("district", "kind", "year"))):
        _same_rows(table, keys, doc.get(table, []), again.get(table, []), bad)


def _same_rows(table: str, keys: tuple[str, ...], got: list[dict], want: list[dict], bad) -> None:
    """The rows of a table: the same rows (by key) with the same figures."""
    index = {tuple(r[k] for k in keys): r for r in want}
    seen = set()
    for row in got:
        key = tuple(row.get(k) for k in keys)
        name = f"{table} {'/'.join(str(k) for k in key)}"
        if key not in index:
            bad(f"{name}: a row the plan's scenario does not have")
            continue
        seen.add(key)
        for field_name, value in index[key].items():
            if field_name not in keys and field_name not in _CHECKED_ABOVE.get(table, ()):
                _same(f"{name} {field_name}", row.get(field_name), value, bad)
    for key in index.keys() - seen:
        bad(f"{table} {'/'.join(str(k) for k in key)}: the row is missing from the plan")


def _same(where: str, got: Any, want: Any, bad) -> None:
    """One reported value (a number, a text, or a mapping of them) against the one the plan implies."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in sorted(set(want) | set(got), key=str):
            _same(f"{where} {key}", got.get(key), want.get(key), bad)
        return
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (got, want))
    if numbers and abs(got - want) <= FIGURE_RTOL * max(1.0, abs(want)):
        return
    if not numbers and got == want:
        return
    bad(f"{where}: the plan says {_show(got)}, its start years imply {_show(want)}")


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else str(value)
