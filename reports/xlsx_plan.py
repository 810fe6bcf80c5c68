"""The plan workbook a finance direction can forward as is, in French (default) or English.

Every table is recomputed from the scenario and the plan's start years (the `Result`'s evaluation,
`models.evaluate.evaluate_plan`), so the workbook shows the consequences of the plan itself (conventions of
money, totals and saving: reports/xlsx_base.py).

Sheets of `plan_workbook`: Synthèse, PPI, Budget, Épargne et dette (with a savings and debt path), Besoins
non satisfaits, Projets non retenus, Transferts (when the plan sends demand next door), [Pourquoi ce plan,
Valeur du budget: with `ppi explain`'s explanation], Hypothèses. A plan without a plan (infeasible, no
solution) gives the Synthèse sheet alone, saying so, and the diagnosis when there is one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from models.evaluate import Evaluation
from models.scenario import Scenario, competences, maturity_levels
from reports import assumptions as hyp
from reports.html_base import NNBSP, Fmt
from reports.text import TEXT
from reports.words import (
    after_horizon_text,
    binding_text,
    change_text,
    explain_notes,
    finding_text,
    objective_texts,
    remedy_title,
    retimed_text,
    row_note_text,
)
from reports.words import chosen as explain_chosen
from reports.words import left_out as explain_left_out
from reports.xlsx_base import (
    BOLD,
    COUNT,
    GAP,
    MONEY,
    NUMBER,
    SHARE,
    UNITS,
    WARN_FONT,
    YEAR,
    Cell,
    Col,
    Texts,
    clean,
    created_of,
    has_plan,
    inputs_of,
    labels_of,
    money,
    new_workbook,
    save_workbook,
    write_table,
)
from results import Result


def _mismatch(plan: dict[str, Any], ev: Evaluation) -> bool:
    """True when the recomputed spending per year differs from the plan's (a stale plan or scenario)."""
    recorded = {int(r["year"]): float(r["spent"]) for r in plan.get("budget", []) if "year" in r and "spent" in r}
    computed = {int(r.year): float(r.spent) for r in ev.budget.itertuples(index=False)}
    if not recorded:
        return False
    return any(abs(recorded.get(y, 0.0) - v) > 0.02 for y, v in computed.items()) or set(recorded) != set(computed)


def _summary_rows(
    scenario: Scenario, plan: Mapping[str, Any], ev: Evaluation | None, baseline: Evaluation, t: Texts
) -> list[list[Any]]:
    name, source, variant, overrides = inputs_of(scenario, plan, t.lang)
    _, kinds, units = labels_of(scenario)
    rows: list[list[Any]] = [
        [t("scenario"), name, ""],
        [t("wb.source"), source, ""],
        [t("variant"), variant or t("none_f"), ""],
        [t("wb.overrides"), "; ".join(overrides) if overrides else t("none_f"), ""],
        [t("wb.status"), t.status(plan.get("status")), ""],
        [t("status_code"), plan.get("status"), ""],
        [t("solver"), plan.get("solver") or "", ""],
    ]
    if plan.get("solver_message"):
        rows.append([t("solver_message"), plan["solver_message"], ""])
    if not has_plan(plan) or ev is None:
        rows.append([Cell(t("warning"), font=WARN_FONT), Cell(t("no_plan", words=plan.get("status")))])
        rows += _created_rows(plan, t)
        return rows
    rows += [
        [t("wb.gap"), Cell(plan.get("gap"), GAP), t("u.share")],
        [t("wb.objective"), Cell(plan.get("objective"), NUMBER), t("u.weighted")],
        [t("bound"), Cell(plan.get("bound"), NUMBER), t("u.weighted")],
    ]
    parts, weights = objective_texts(scenario, ev, t.lang, _plain_number(t.lang), lambda k: kinds[k])
    rows += [[t("wb.obj_parts"), parts, ""], [t("wb.obj_weights"), weights, ""]]
    fmt = Fmt(t.lang)
    span, ppi_years = hyp.span_text(scenario), list(hyp.horizon_years(scenario))  # headline figures: PPI years
    rows.append([t("wb.span"), span, ""])
    rows.append([t("wb.maturity"), hyp.maturity_text(scenario, t.lang), ""])
    without_new = baseline.balance[baseline.balance["year"].isin(ppi_years)]
    bal = ev.balance[ev.balance["year"].isin(ppi_years)]
    for k in scenario.kinds:
        by_year = bal[bal["kind"] == k].groupby("year")["unmet"].sum()
        unit = units[k]
        unit_years = t("span_unit", unit=unit, span=span)
        rows.append([t("unmet_kind", kind=kinds[k]), Cell(round(float(by_year.sum()), 6), UNITS), unit_years])
        nominal = round(float(bal.loc[bal["kind"] == k, "unmet_nominal"].sum()), 6)
        rows.append([t("wb.unmet_nominal", kind=kinds[k]), Cell(nominal, UNITS), unit_years])
        if len(by_year):
            worst = int(by_year.idxmax())
            rows.append([t("unmet_worst", kind=kinds[k]), Cell(round(float(by_year.max()), 6), UNITS), unit])
            rows.append([t("unmet_worst_year", kind=kinds[k]), Cell(worst, YEAR), t("u.year")])
        without = float(without_new.loc[without_new["kind"] == k, "unmet"].sum())
        rows.append([t("unmet_without", kind=kinds[k]), Cell(round(without, 6), UNITS), unit_years])
    chosen = ev.projects[ev.projects["chosen"]]
    candidates = sum(p.status != "excluded" for p in scenario.projects)
    budget = ev.budget[ev.budget["year"].isin(ppi_years)]
    envelopes = float(budget["envelope"].sum())
    charged = float(budget["charged"].sum())
    rows += [
        [t("projects_chosen"), Cell(len(chosen), COUNT), t("u.count")],
        [t("candidates"), Cell(candidates, COUNT), t("u.count")],
        [t("wb.city_cost"), Cell(money(chosen["city_cost"].sum()), MONEY), "€"],
        [t("envelopes"), Cell(money(envelopes), MONEY), "€"],
        [t("wb.spent"), Cell(money(budget["spent"].sum()), MONEY), "€"],
        [t("wb.use"), Cell(charged / envelopes if envelopes else None, SHARE), t("u.share")],
        [t("wb.basis"), t("wb.basis.net") if scenario.net_basis else t("wb.basis.gross"), ""],
    ]
    after = hyp.after_horizon(ev, scenario)
    end = hyp.horizon_end(scenario)
    rows.append([t("wb.after", end=end), Cell(money(sum(after.values())), MONEY), "€"])
    rows.append(["", hyp.after_horizon_text(scenario, ev, fmt), ""])
    folded = hyp.folded_aid_text(scenario, ev, fmt)  # aid folded into the city share: said, never "0 €"
    subsidies = Cell(money(budget["subsidies"].sum()), MONEY)
    rows += [
        [t("subsidies"), folded, ""] if folded else [t("subsidies"), subsidies, "€"],
        [t("fctva"), Cell(money(budget["fctva"].sum()), MONEY), "€"],
        [t("wb.net"), Cell(money(budget["net_effort"].sum()), MONEY), "€"],
    ]
    fin = ev.finance
    if len(fin):
        debt_years = fin["debt_years"].where(fin["debt_years"].map(math.isfinite), other=math.inf)
        worst = int(fin.loc[debt_years.idxmax(), "year"])
        rows += [
            [t("wb.debt_years"), Cell(clean(float(debt_years.max())), NUMBER), t("years")],
            [t("debt_years_year"), Cell(worst, YEAR), t("u.year")],
            [t("savings_min"), Cell(float(fin["savings_rate"].min()), SHARE), t("u.share")],
            [t("savings_min_year"), Cell(int(fin.loc[fin["savings_rate"].idxmin(), "year"]), YEAR), t("u.year")],
            [t("debt_end", year=end), Cell(money(fin.loc[fin["year"] <= end, "debt"].iloc[-1]), MONEY), "€"],
            [t("wb.borrowing"), Cell(money(fin["borrowing"].sum()), MONEY), "€"],
        ]
    if _mismatch(plan, ev):
        rows.append([Cell(t("warning"), font=WARN_FONT), Cell(t("mismatch"), font=WARN_FONT), ""])
    for w in plan.get("warnings", []) or []:
        rows.append([t("warning"), hyp.without_machine_paths(str(w), scenario), ""])
    rows += _created_rows(plan, t)
    return rows


def _created_rows(plan: Mapping[str, Any], t: Texts) -> list[list[Any]]:
    """The plan's date in words of the workbook's language, and the ppi version."""
    created = Fmt(t.lang).date(plan.get("created"))
    return [[t("wb.created"), created, ""], [t("version"), plan.get("ppi_version") or "", ""]]


def _maturity_label(scenario: Scenario, key: str | None) -> str:
    if not key:
        return ""
    return str(maturity_levels(scenario.spec).get(key, {}).get("label") or key)


def _competence_label(scenario: Scenario, key: str | None) -> str:
    if not key:
        return ""
    return str(competences(scenario.spec).get(key, {}).get("label") or key)


def _ppi_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: Texts, name: str) -> None:
    districts, _, _ = labels_of(scenario)
    first, last = scenario.first_year, scenario.years[-1]  # CP after `last`: outside every modelled year
    tail = hyp.tail_years(scenario)
    starts = {pid: s for pid, s, ok in ev.projects[["project", "start", "chosen"]].itertuples(index=False) if ok}
    chosen = [p for p in scenario.projects if p.id in starts]
    cp: dict[str, dict[int, float]] = {}
    for r in ev.spending.itertuples(index=False):
        cp.setdefault(r.project, {})[int(r.year)] = cp.get(r.project, {}).get(int(r.year), 0.0) + r.city_spending
    cp = {pid: {y: money(v) for y, v in by.items()} for pid, by in cp.items()}
    receipts: dict[str, list[float]] = {}
    for r in ev.receipts.itertuples(index=False):
        acc = receipts.setdefault(r.project, [0.0, 0.0])
        acc[0] += r.subsidies
        acc[1] += r.fctva
    before = any(y < first for p in chosen for y in cp.get(p.id, {}))
    after = any(y > last for p in chosen for y in cp.get(p.id, {}))
    columns = [
        Col(t("h.id")),
        Col(t("project"), wrap=True),
        Col(t("h.district")),
        Col(t("theme")),
        Col(t("h.maturity")),
        Col(t("h.competence")),
        Col(t("status")),
        Col(t("start"), YEAR),
        Col(t("h.delivery"), YEAR),
        Col(t("h.ap"), MONEY),
    ]
    if before:
        columns.append(Col(t("h.cp_before", year=first), MONEY))
    columns += [Col(t("h.cp_tail" if y in tail else "h.cp", year=y), MONEY) for y in scenario.years]
    if after:
        columns.append(Col(t("h.cp_after", year=last), MONEY))
    columns += [Col(t("h.subsidies_total"), MONEY), Col(t("h.fctva_total"), MONEY), Col(t("h.net_cost"), MONEY)]

    def money_cells(pid: str, ap: float) -> list[float]:
        by = cp.get(pid, {})
        cells = [ap]
        if before:
            cells.append(money(sum(v for y, v in by.items() if y < first)))
        cells += [by.get(y, 0.0) for y in scenario.years]
        if after:
            cells.append(money(sum(v for y, v in by.items() if y > last)))
        sub, fctva = receipts.get(pid, [0.0, 0.0])
        p = scenario.project[pid]
        if sub <= 0.005 and p.city_share < 1.0:  # aid folded into the city share: say so, never "0 €"
            share = f"{100 * p.city_share:.6g}{NNBSP if t.lang == 'fr' else ''}%"
            subsidies: Any = Cell(t("city_share_note", share=share.replace(".", "," if t.lang == "fr" else ".")))
        else:
            subsidies = money(sub)
        return cells + [subsidies, money(fctva), money(ap - sub - fctva)]

    rows = []
    for p in chosen:
        s = int(starts[p.id])
        rows.append(
            [
                p.id,
                p.name,
                districts.get(p.district, p.district),
                p.theme,
                _maturity_label(scenario, p.maturity),
                _competence_label(scenario, p.competence),
                t.get(f"ps.{p.status}", p.status),
                s,
                s + p.delivery_lag,
                *money_cells(p.id, money(p.city_cost)),
            ]
        )
    n_text = 9

    def amount(cell: Any) -> float:
        return cell if isinstance(cell, float) else 0.0

    sums = [money(sum(amount(r[j]) for r in rows)) for j in range(n_text, len(columns))]
    totals = [[t("wb.total"), *([""] * (n_text - 1)), *sums]] if rows else []
    notes = [[hyp.after_horizon_text(scenario, ev, Fmt(t.lang))]] if rows else []
    described = list(dict.fromkeys(k for p in chosen for k in p.attributes))  # the matrix's descriptive columns
    columns += [Col(k, wrap=True) for k in described]
    rows = [[*row, *(p.attributes.get(k, "") for k in described)] for p, row in zip(chosen, rows, strict=True)]
    write_table(ws, t("t.ppi", name=name), columns, rows, totals, freeze_cols=1, footer=name, notes=notes)


def _budget_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: Texts, name: str) -> None:
    net_basis = scenario.net_basis
    tail, end = hyp.tail_years(scenario), hyp.horizon_end(scenario)
    columns = [
        Col(t("year"), YEAR),
        Col(t("h.period")),
        Col(t("h.envelope"), MONEY),
        Col(t("h.carried"), MONEY),
        Col(t("h.available"), MONEY),
        Col(t("h.spent"), MONEY),
        Col(t("h.subsidies"), MONEY),
        Col(t("h.fctva"), MONEY),
        Col(t("h.net"), MONEY),
    ]
    if net_basis:
        columns.append(Col(t("h.charged"), MONEY))
    columns += [Col(t("h.margin"), MONEY), Col(t("h.use"), SHARE)]
    rows = []
    for r in ev.budget.itertuples(index=False):
        period = t("period.after", end=end) if r.year in tail else t("period.ppi")
        row = [int(r.year), period, *(money(v) for v in (r.envelope, r.carried_in, r.available, r.spent))]
        row += [money(r.subsidies), money(r.fctva), money(r.net_effort)]
        if net_basis:
            row.append(money(r.charged))
        row += [money(r.margin), r.charged / r.available if r.available else None]
        rows.append(row)
    b = ev.budget
    envelope = money(sum(r[2] for r in rows))
    charged_total = float(b["charged"].sum())
    total = [t("wb.total"), None, envelope, None, None, money(sum(r[5] for r in rows))]
    total += [money(sum(r[j] for r in rows)) for j in (6, 7, 8)]
    if net_basis:
        total.append(money(sum(r[9] for r in rows)))
    total += [None, charged_total / envelope if envelope else None]
    notes = [[hyp.after_horizon_text(scenario, ev, Fmt(t.lang))]]
    folded = hyp.folded_aid_text(scenario, ev, Fmt(t.lang))
    if folded:
        notes.append([f"{t('subsidies_col')}{Fmt(t.lang).colon}{folded}"])
    write_table(ws, t("t.budget", name=name), columns, rows, [total], freeze_cols=1, footer=name, notes=notes)


def _finance_sheet(ws: Worksheet, ev: Evaluation, t: Texts, name: str) -> None:
    spec = [
        ("revenue", "h.revenue", MONEY),
        ("operating_spending", "h.op_spending", MONEY),
        ("operating_costs_added", "h.op_added", MONEY),
        ("interest", "h.interest", MONEY),
        ("epargne_brute", "h.savings", MONEY),
        ("savings_rate", "h.savings_rate", SHARE),
        ("net_investment", "h.net_investment", MONEY),
        ("repayment", "h.repayment", MONEY),
        ("borrowing", "h.borrowing", MONEY),
        ("debt", "h.debt", MONEY),
        ("debt_years", "h.debt_years", NUMBER),
    ]
    columns = [Col(t("year"), YEAR), *(Col(t(key), fmt) for _, key, fmt in spec)]
    rows = []
    for r in ev.finance.to_dict("records"):
        rows.append([int(r["year"]), *(money(r[c]) if fmt == MONEY else clean(float(r[c])) for c, _, fmt in spec)])
    write_table(ws, t("t.finance", name=name), columns, rows, freeze_cols=1, footer=name)


def _robustness_sheet(ws: Worksheet, scenario: Scenario, robustness: dict[str, Any], t: Texts, name: str) -> None:
    """Prix de la robustesse: one row per level of `ppi robustness` (robustness.json)."""
    from analysis.robustness import Frontier

    frontier = Frontier.from_dict(robustness)
    kinds = sorted({k for p in frontier.points for k in p.unmet_by_kind})
    _, labels, units = labels_of(scenario)
    gamma = frontier.path.endswith("gamma")
    columns = [
        Col(t("rob.gamma"), NUMBER) if gamma else Col(t("rob.level"), SHARE),
        Col(t("rob.holds"), SHARE),
        Col(t("rob.error"), SHARE),
        Col(t("ch.objective"), NUMBER, wrap=True),
        *(Col(f"{labels.get(k, k)} ({units.get(k, '')})", NUMBER) for k in kinds),
        Col(t("rob.spending").replace(" (M€)", ""), MONEY),
        Col(t("rob.chosen"), COUNT),
    ]
    rows = [
        [
            t("rob.none") if p.level is None else p.level,
            clean(p.holds),
            clean(p.error),
            clean(p.objective),
            *(clean(p.unmet_by_kind.get(k)) for k in kinds),
            money(p.city_spending) if p.city_spending is not None else None,
            p.chosen,
        ]
        for p in frontier.points
    ]
    notes = [[t("rob.intro", samples=frontier.samples, seed=frontier.seed)]]
    write_table(ws, f"{t('robustness')} — {name}", columns, rows, footer=name, notes=notes)


def _unmet_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: Texts, name: str) -> None:
    districts, kinds, units = labels_of(scenario)
    columns = [Col(t("h.district")), Col(t("h.district_id")), Col(t("h.kind")), Col(t("unit"))]
    tail, years = hyp.tail_years(scenario), scenario.years  # the tail's years marked, the total's span said
    columns += [Col(f"{y} ({t('after_ppi')})" if y in tail else str(y), UNITS) for y in years]
    ppi = [y for y in years if y not in tail]  # the total covers the PPI's years, as the headline figures
    columns.append(Col(f"{t('total')} {ppi[0]}–{ppi[-1]}", UNITS))
    unmet = {(r.district, r.kind, int(r.year)): round(float(r.unmet), 6) for r in ev.balance.itertuples(index=False)}
    rows, totals = [], []
    for k in scenario.kinds:
        per_year = dict.fromkeys(scenario.years, 0.0)
        for d in scenario.districts:
            values = [unmet.get((d, k, y), 0.0) for y in scenario.years]
            for y, v in zip(scenario.years, values, strict=True):
                per_year[y] += v
            total = sum(v for y, v in zip(scenario.years, values, strict=True) if y not in tail)
            rows.append([districts.get(d, d), d, kinds[k], units[k], *values, round(total, 6)])
        totals.append(
            [t("total_of", kind=kinds[k]), "", kinds[k], units[k]]
            + [round(v, 6) for v in per_year.values()]
            + [round(sum(v for y, v in per_year.items() if y not in tail), 6)]
        )
    # Beside the expected values, the nominal ones: every place delivered counted whole (docs/model.md).
    nominal = ev.balance.groupby(["kind", "year"])["unmet_nominal"].sum()
    notes = []
    for k in scenario.kinds:
        values = [round(float(nominal.get((k, y), 0.0)), 6) + 0.0 for y in scenario.years]
        total = sum(v for y, v in zip(scenario.years, values, strict=True) if y not in tail)
        notes.append([t("nominal_of", kind=kinds[k]), "", kinds[k], units[k], *values, round(total, 6)])
    write_table(ws, t("t.unmet", name=name), columns, rows, totals, freeze_cols=1, footer=name, notes=notes)


def _left_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: Texts, name: str) -> None:
    districts, kinds, units = labels_of(scenario)
    chosen = ev.projects.set_index("project")["chosen"].to_dict()
    columns = [
        Col(t("h.id")),
        Col(t("project"), wrap=True),
        Col(t("h.district")),
        Col(t("theme")),
        Col(t("h.maturity")),
        Col(t("h.competence")),
        Col(t("status")),
        Col(t("h.cost"), MONEY),
        Col(t("h.city_cost"), MONEY),
        *(Col(t("h.capacity", kind=kinds[k], unit=units[k]), UNITS) for k in scenario.kinds),
        Col(t("h.earliest"), YEAR),
        Col(t("h.latest"), YEAR),
    ]
    rows = []
    for p in scenario.projects:
        if p.status == "excluded" or chosen.get(p.id):
            continue
        window = p.start_years
        rows.append(
            [
                p.id,
                p.name,
                districts.get(p.district, p.district),
                p.theme,
                _maturity_label(scenario, p.maturity),
                _competence_label(scenario, p.competence),
                t.get(f"ps.{p.status}", p.status),
                money(p.cost),
                money(p.city_cost),
                *(float(p.capacity.get(k, 0.0)) for k in scenario.kinds),
                window[0] if window else None,
                window[-1] if window else None,
            ]
        )
    totals = []
    if rows:
        totals = [[t("wb.total"), *([""] * 6), money(sum(r[7] for r in rows)), money(sum(r[8] for r in rows))]]
        totals[0] += [sum(r[9 + i] for r in rows) for i in range(len(scenario.kinds))]
    write_table(ws, t("t.left", name=name), columns, rows, totals, freeze_cols=1, footer=name)


def _transfers_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: Texts, name: str) -> None:
    districts, kinds, units = labels_of(scenario)
    columns = [
        Col(t("h.from")),
        Col(t("h.to")),
        Col(t("h.kind")),
        Col(t("unit")),
        Col(t("year"), YEAR),
        Col(t("h.units"), UNITS),
    ]
    rows = [
        [districts.get(r["from"], r["from"]), districts.get(r["to"], r["to"]), kinds.get(r["kind"], r["kind"])]
        + [units.get(r["kind"], ""), int(r["year"]), round(float(r["units"]), 6) + 0.0]
        for r in ev.transfers.to_dict("records")
    ]
    totals = []
    for k in scenario.kinds:
        total = sum(float(r["units"]) for r in ev.transfers.to_dict("records") if r["kind"] == k)
        if total:
            totals.append([t("total_of", kind=kinds[k]), "", kinds[k], units[k], None, round(total, 6) + 0.0])
    write_table(ws, t("t.transfers", name=name), columns, rows, totals, freeze_cols=0, footer=name)


def _inputs_sheet(ws: Worksheet, scenario: Scenario, plan: dict[str, Any], t: Texts, name: str) -> None:
    """Hypothèses et paramètres: the assumptions the council approves, in words, then the technical annex
    (scenario file relative to its folder, solver, time, options, model size)."""
    fmt = Fmt(t.lang)

    def text(value: str | tuple[str, ...]) -> str:
        return "\n".join(value) if isinstance(value, tuple) else value

    rows: list[list[Any]] = [[r.label, text(r.value)] for r in hyp.assumption_rows(scenario, fmt)]
    rows.append([Cell(t("annex"), font=BOLD), ""])
    rows += [[r.label, text(r.value)] for r in hyp.annex_rows(scenario, plan, fmt)]
    columns = [Col(t("h.item"), wrap=True), Col(t("h.value"), wrap=True)]
    write_table(ws, t("t.inputs", name=name), columns, rows, freeze_cols=0, footer=name)


def _diagnosis_sheet(ws: Worksheet, diagnosis: dict[str, Any], lang: str, name: str) -> None:
    """Why there is no plan: what breaks (with the stable constraint names), then the checked remedies."""
    t = TEXT[lang]
    columns = [Col(t["h.what"], wrap=True), Col(t["h.detail"], wrap=True), Col("--set")]
    rows: list[list[Any]] = [[finding_text(f, lang), f["row"], ""] for f in diagnosis.get("findings", [])]
    for r in diagnosis.get("remedies", []):
        for i, c in enumerate(r["changes"]):
            rows.append([remedy_title(r, lang) if i == 0 else "", change_text(c, lang), c["edit"]])
    write_table(ws, f"{t['diag.title']} — {name}", columns, rows, footer=name)


def _explain_sheets(wb: Any, explanation: dict[str, Any], lang: str, name: str, scenario: Scenario) -> None:
    """Why this plan: one row per re-solve about a project, by name (with what holds the plan as notes), and
    the value of one more M€ in each year's envelope."""
    w = TEXT[lang]

    def label(pid: str) -> str:
        p = scenario.project.get(pid)
        return f"{p.name} ({pid})" if p is not None and p.name and p.name != pid else pid

    def labels(ids: str | None) -> str:
        return ", ".join(label(i) for i in (ids or "").split())

    _, kinds, units = labels_of(scenario)

    def parts(r: dict[str, Any]) -> list[Any]:
        """The value's parts, one number a column: weighted unmet demand and unit-years per kind, transfers,
        cost (empty without a plan to compare)."""
        cells: list[Any] = []
        for k in scenario.kinds:
            cells += [r.get(f"delta unmet {k}"), r.get(f"delta unit-years {k}")]
        return [*cells, r.get("delta transfers"), r.get("delta cost")]

    part_columns = [
        col
        for k in scenario.kinds
        for col in (
            Col(w["h.part_kind"].format(kind=kinds[k]), "0.000"),
            Col(w["h.part_units"].format(kind=kinds[k], unit=units[k]), "0.0"),
        )
    ] + [Col(w["h.part_transfers"], "0.000"), Col(w["h.part_cost"], "0.000")]

    def note(r: dict[str, Any]) -> str:
        late = after_horizon_text(r, scenario.last_year, lang)
        return "; ".join(x for x in (row_note_text(r, lang), late) if x)

    columns = [
        Col(w["project"]),
        Col(w["start"], YEAR),
        Col(w["h.change"]),
        Col(w["h.status"]),
        Col(w["h.delta"], "0.000"),
        *part_columns,
        Col(w["h.new_start"], YEAR),
        Col(w["h.displaced"], wrap=True),
        Col(w["h.added"], wrap=True),
        Col(w["h.moved"], wrap=True),
        Col(w["h.note"], wrap=True),
    ]
    rows = [
        [
            label(r["project"]),
            r.get("start"),
            w.get(f"change.{r['change']}", r["change"]),
            r.get("status"),
            r.get("delta"),
            *parts(r),
            r.get("new_start"),
            labels(r.get("displaced")),
            labels(r.get("added")),
            retimed_text(r.get("retimed"), lang, label),
            note(r),
        ]
        for r in [
            *explain_left_out(explanation),
            *(row for c in explain_chosen(explanation) for row in (c.get("drop"), c.get("defer")) if row),
        ]
    ]
    notes = [[w["holds"]], *([binding_text(b, lang)] for b in explanation.get("binding") or [])]
    notes += [[text] for text in explain_notes(explanation, lang)]
    write_table(
        wb.create_sheet(w["sheet"]),
        f"{w['why.title']} — {name}",
        columns,
        rows,
        freeze_cols=1,
        footer=name,
        notes=notes if len(notes) > 1 else (),
    )
    budget = explanation.get("budget") or []
    if budget:
        columns = [
            Col(w["year"], YEAR),
            Col(w["envelope"], MONEY),
            Col(w["why.charged"], MONEY),
            Col(w["margin"], MONEY),
            Col(w["h.gain"], "0.000"),
            Col(w["h.binding"]),
            *part_columns,
            Col(w["h.added"], wrap=True),
            Col(w["h.displaced"], wrap=True),
            Col(w["h.moved"], wrap=True),
        ]
        rows = [
            [
                b["year"],
                money(b["envelope"]),
                money(b["charged"]),
                money(b["margin"]),
                b.get("gain_per_M"),
                w["yes"] if b.get("binding") else w["no"],
                *parts(b),
                labels(b.get("added")),
                labels(b.get("displaced")),
                retimed_text(b.get("retimed"), lang, label),
            ]
            for b in budget
        ]
        write_table(wb.create_sheet(w["sheet_budget"]), f"{w['budget']} — {name}", columns, rows, footer=name)


def plan_workbook(
    result: Result,
    lang: str = "fr",
    explanation: dict[str, Any] | None = None,
    diagnosis: dict[str, Any] | None = None,
    robustness: dict[str, Any] | None = None,
) -> bytes:
    """The plan as an .xlsx workbook (bytes): Synthèse, PPI, Budget, [Épargne et dette], Besoins non
    satisfaits, Projets non retenus, [Transferts], [Pourquoi ce plan, Valeur du budget: with the explain.json
    dict of `ppi explain`], Hypothèses — or Synthèse alone when there is no plan.

    `result`: the plan (solved, or read back from plan.json) whose evaluation gives every table."""
    t = Texts(lang)
    wb = new_workbook()
    scenario, plan = result.scenario, result.record.data
    name = inputs_of(scenario, plan)[0]
    wb.properties.title = name
    ev = result.evaluation
    summary = wb.create_sheet(t("summary"))
    columns = [Col(t("indicator"), wrap=True), Col(t("h.value"), wrap=True), Col(t("unit"))]
    rows = _summary_rows(scenario, plan, ev, result.baseline, t)
    write_table(summary, t("t.summary", name=name), columns, rows, footer=name)
    summary.auto_filter.ref = None
    if ev is None and diagnosis:
        _diagnosis_sheet(wb.create_sheet(TEXT[lang]["diag.title"][:31]), diagnosis, lang, name)
    if ev is not None:
        _ppi_sheet(wb.create_sheet(t("sh.ppi")), scenario, ev, t, name)
        _budget_sheet(wb.create_sheet(t("sh.budget")), scenario, ev, t, name)
        if len(ev.finance):
            _finance_sheet(wb.create_sheet(t("finance")), ev, t, name)
        _unmet_sheet(wb.create_sheet(t("unmet")), scenario, ev, t, name)
        _left_sheet(wb.create_sheet(t("not_chosen")), scenario, ev, t, name)
        if len(ev.transfers):
            _transfers_sheet(wb.create_sheet(t("sh.transfers")), scenario, ev, t, name)
        if explanation:
            _explain_sheets(wb, explanation, lang, name, scenario)
        if robustness:
            _robustness_sheet(wb.create_sheet(t("robustness")[:31]), scenario, robustness, t, name)
        _inputs_sheet(wb.create_sheet(t("sh.inputs")), scenario, plan, t, name)
    return save_workbook(wb, created_of(plan))


def _plain_number(lang: str):
    """Numbers inside a sentence of the workbook: 12.34, or 12,34 in French."""

    def num(value: float, decimals: int) -> str:
        text = f"{value:,.{decimals}f}".replace(",", "\u202f")
        return text.replace(".", ",") if lang == "fr" else text.replace("\u202f", ",")

    return num
