"""The readable summary `ppi solve` prints: outcome, unmet demand, budget use, projects by start year."""

from __future__ import annotations

from models.evaluate import Evaluation, ObjectiveWeights, evaluate_plan
from models.plan import Plan, Status
from models.scenario import Scenario
from models.spec import ProjectStatus
from reports import assumptions as hyp
from reports.html_base import Fmt
from reports.text import TEXT
from results.result import committed_starts

# The outcome in the workbook's English words (its longer words for a plan that failed).
STATUS_WORDS = {s: TEXT["en"].get(f"st.{s.value}") or TEXT["en"][f"status.{s.value}"] for s in Status}


def _meur(x: float) -> str:
    return f"{x / 1e6:,.2f}"


# A run that used this share of its time limit (or more) was stopped by it.
STOPPED_SHARE = 0.9


def format_summary(
    scenario: Scenario, plan: Plan, evaluation: Evaluation | None = None, baseline: Evaluation | None = None
) -> str:
    """The printed summary of a solve; `evaluation` and `baseline` (the committed projects alone) are
    computed here when the caller has not computed them already."""
    lines = [f"{scenario.name}  ({scenario.source})"]
    head = f"Status: {STATUS_WORDS[plan.status]}"
    if plan.gap is not None:
        head += f", gap {plan.gap:.2%}"
    limit = plan.options.get("time_limit")
    if limit and plan.status in (Status.FEASIBLE, Status.NO_SOLUTION) and plan.runtime_s >= STOPPED_SHARE * limit:
        head += f" — stopped by the time limit of {limit:g} s" + (
            ": the best plan found is shown with its bound" if plan.status == Status.FEASIBLE else ""
        )
    lines.append(head)
    if plan.objective is not None:
        bound = f"{plan.bound:.6g}" if plan.bound is not None else "unknown"
        lines.append(f"Objective: {plan.objective:.6g} (bound {bound})")
    objective_at = len(lines)  # its parts and weights go here once the plan is evaluated
    stats = plan.stats
    lines.append(
        f"Solver: {plan.solver} ({plan.message}), {plan.runtime_s:.2f} s; model {stats.get('columns', 0)} columns "
        f"({stats.get('binaries', 0)} binary), {stats.get('rows', 0)} rows"
    )
    derived = sum(src == "forecast" for src in scenario.demand_source.values())
    if derived:
        lines.append(
            f"Demand: derived by the forecast for {derived} of {len(scenario.demand_source)} district-kind pairs "
            "(`ppi demand` shows how)"
        )
    if not plan.status.has_plan:
        return "\n".join(lines)
    ev = evaluation or evaluate_plan(scenario, plan.starts, plan.transfers)
    if plan.objective is not None:
        lines[objective_at:objective_at] = objective_lines(scenario, ev)
    if baseline is None:
        baseline = evaluate_plan(scenario, committed_starts(scenario))
    ppi_years = list(hyp.horizon_years(scenario))  # the headline figures cover the PPI's years, not the tail
    without_new = baseline.balance[baseline.balance["year"].isin(ppi_years)]
    bal = ev.balance[ev.balance["year"].isin(ppi_years)]
    lines += [
        "",
        f"Expected unmet demand, unit-years over {hyp.span_text(scenario).replace('–', '-')} "
        f"(nominal: every place delivered counted whole; in brackets: without new projects"
        f"{' or transfers' if scenario.transfers_on else ''}):",
    ]
    for k in scenario.kinds:
        rows = bal[bal["kind"] == k]
        by_year = rows.groupby("year")["unmet"].sum()
        worst_year = int(by_year.idxmax()) if len(by_year) else scenario.first_year
        unit = scenario.spec.demand_kinds[k].unit
        without = without_new.loc[without_new["kind"] == k, "unmet"].sum()
        lines.append(
            f"  {k:<14} {rows['unmet'].sum():>9.1f} {unit:<8} nominal {rows['unmet_nominal'].sum():>8.1f}  "
            f"worst year {worst_year}: {by_year.max():.1f}   ({without:.1f})"
        )
    lines.append("  " + hyp.maturity_text(scenario, "en"))
    if scenario.transfers_on:
        lines += ["", _transfers_text(scenario, ev)]
    with_receipts = bool((ev.budget["subsidies"] + ev.budget["fctva"]).abs().sum() > 0)
    basis = "net effort (spending − FCTVA − subsidies)" if scenario.net_basis else "gross city spending"
    lines += ["", f"Budget, M€ (envelopes limit {basis}):"]
    head = "  year  envelope     spent"
    head += "  receipts       net" if with_receipts else ""
    lines.append(head + "    margin   use")
    tail = hyp.tail_years(scenario)
    for row in ev.budget.itertuples(index=False):
        use = row.charged / row.available if row.available else 0.0
        text = f"  {row.year}  {_meur(row.envelope):>8}  {_meur(row.spent):>8}"
        if with_receipts:
            text += f"  {_meur(row.subsidies + row.fctva):>8}  {_meur(row.net_effort):>8}"
        lines.append(text + f"  {_meur(row.margin):>8}  {use:>4.0%}" + ("  after the PPI" if row.year in tail else ""))
    total = scenario.total_envelope
    if total is not None:
        used = ev.budget.loc[ev.budget["year"].between(total.start, total.end), "charged"].sum()
        lines.append(f"  {total.start}-{total.end}: total envelope {_meur(total.amount)}, used {_meur(used)}")
    if scenario.carry_over and scenario.carry_share < 1.0:
        lines.append(f"  (carry-over: {scenario.carry_share:.0%} of a year's unspent envelope carries into the next)")
    elif scenario.carry_over:
        lines.append("  (carry-over: unspent envelope carries into later years; the cumulative total is binding)")
    lines.append("  " + hyp.after_horizon_text(scenario, ev, Fmt("en")).replace("\u00a0", " "))
    u = scenario.spec.uncertainty
    if u.budget_confidence is not None or u.gamma is not None:
        robust = next(r for r in hyp.assumption_rows(scenario, Fmt("en")) if r.key == "robustness")
        lines.append(f"  (protected envelopes: {robust.value})")
    if len(ev.finance):
        lines += ["", "Savings and debt, M€ (borrowing only what closes each year):"]
        lines.append("  year  op. costs added  épargne brute   rate  borrowing      debt  debt years")
        for row in ev.finance.itertuples(index=False):
            years_text = f"{row.debt_years:>10.1f}" if row.debt_years != float("inf") else "         —"
            lines.append(
                f"  {row.year}  {_meur(row.operating_costs_added):>15}  {_meur(row.epargne_brute):>13}  "
                f"{row.savings_rate:>5.1%}  {_meur(row.borrowing):>9}  {_meur(row.debt):>8}  {years_text}"
            )
    chosen = ev.projects[ev.projects["chosen"]]
    candidates = [p for p in scenario.projects if p.status != ProjectStatus.EXCLUDED]
    lines += [
        "",
        f"Projects chosen: {len(chosen)} of {len(candidates)}, city cost {_meur(chosen['city_cost'].sum())} M€",
    ]
    for year, group in chosen.sort_values(["start", "project"]).groupby("start", sort=True):
        names = ", ".join(
            f"{r.project} (→{int(r.delivery)}{', committed' if r.status == 'committed' else ''})"
            for r in group.itertuples(index=False)
        )
        lines.append(f"  {int(year)}: {names}")
    left = ev.projects[~ev.projects["chosen"] & (ev.projects["status"] != "excluded")]
    if len(left):
        lines.append("  not chosen: " + ", ".join(left["project"]))
    if scenario.warnings:
        lines += ["", "Warnings:", *(f"  - {w}" for w in scenario.warnings)]
    return "\n".join(lines)


def _transfers_text(scenario: Scenario, ev: Evaluation) -> str:
    """Demand met next door, per pair of districts and kind: unit-years, years and the largest year."""
    tr = ev.transfers
    tr = tr[tr["year"] <= scenario.horizon_end]  # the PPI's years, like the unmet demand above
    if not len(tr):
        return "Demand met in a neighbouring district: none"
    span = f"{scenario.first_year}-{scenario.horizon_end}"
    lines = [f"Demand met in a neighbouring district over {span} (unit-years; years; most in one year):"]
    for (src, dst, k), rows in tr.groupby(["from", "to", "kind"], sort=True):
        unit = scenario.spec.demand_kinds[k].unit
        years = sorted(int(y) for y in rows["year"])
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        lines.append(
            f"  {src} → {dst}  {k:<12} {rows['units'].sum():>7.1f} {unit:<8} {span}  max {rows['units'].max():.1f}"
        )
    return "\n".join(lines)


def objective_lines(scenario: Scenario, ev: Evaluation) -> list[str]:
    """The objective split into its parts, and the weights behind it (the council's choices)."""
    w = ObjectiveWeights.of(scenario)
    kinds = ", ".join(f"{k} {ev.unmet_term_by_kind.get(k, 0.0):.4g}" for k, _, _ in w.kinds)
    span = f"{scenario.years[0]}-{scenario.years[-1]}"
    if scenario.tail:
        span += f", with the {len(scenario.tail)} years after the PPI"
        if w.tail_weight != 1.0:
            span += f" counted at {w.tail_weight * 100:g}%"
    parts = f"  = unmet demand {ev.unmet_term:.6g} over {span} ({kinds})"
    if scenario.transfers_on:
        parts += f" + transfers {ev.transfer_term:.4g}"
    parts += f" + cost {ev.cost_term:.4g}"
    if getattr(scenario.spec, "revision", None) is not None:  # a revision's stability part (models/revision.py)
        parts += f" + stability {ev.stability_term:.4g}"
    weights = ", ".join(f"{k} {weight:g} ({unit})" for k, weight, unit in w.kinds)
    extra = [f"discount {w.discount_rate * 100:g}% a year"]
    if scenario.transfers_on:
        extra.append(f"a unit met next door costs {w.transfer_penalty:g} of its weight")
    extra.append(f"cost {w.cost_weight * 1e6:g} per M€ of city spending")
    return [parts, f"  weights per unit-year unmet: {weights}; {'; '.join(extra)}"]
