"""The plan report: one self-contained HTML page, in French by default, English on request.

One file that opens offline (no external CSS, script, font or image): charts are inline SVG drawn by
matplotlib with their text kept as text (reports/charts.py); the page prints to A4. Key figures carry
`data-key` and `data-value` attributes (the plan.json value, unrounded) so that tools and tests can read them
back. A tiny inline script records each chart's rendered size (`data-rendered-width`,
`data-rendered-height`) and sets `data-ready="1"` on the body once the page has loaded; the page shows
everything without it.

`plan_html(result)`: key figures; spending against the envelope per year by theme; unmet demand per
kind over time (with the plan, and without new projects); a calendar (Gantt) of the chosen operations; a
quartier × year heat map of unmet demand per kind; the projects not chosen; demand met in a neighbouring
quartier; savings and debt; the inputs and overrides used; with `ppi explain`'s explanation, why this plan;
for an infeasible scenario, its diagnosis.

The output depends only on its inputs, apart from the "report generated on" date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from models.evaluate import Evaluation
from models.scenario import Project, Scenario, competences, maturity_levels
from models.spec import ProjectStatus
from reports import assumptions as hyp
from reports.charts import gantt_chart, heatmap_chart, robustness_svg, spending_chart, unmet_chart
from reports.html_base import (
    NBSP,
    Fmt,
    capacity_cells,
    capacity_heads,
    data_span,
    district_names,
    esc,
    figure_html,
    group_row,
    html_table,
    kind_label,
    kpi,
    now,
    page,
    section,
    status_word,
    unit_of,
)
from reports.html_ppi import annex_html, apcp_html, assumptions_html
from reports.text import TEXT
from reports.words import (
    after_horizon_text,
    binding_text,
    change_text,
    explain_notes,
    finding_text,
    note_text,
    objective_texts,
    remedy_title,
    row_note_text,
    why_details,
)
from reports.words import chosen as explain_chosen
from reports.words import left_out as explain_left_out
from results import Result


def plan_html(
    result: Result,
    lang: str = "fr",
    explanation: Mapping[str, Any] | None = None,
    diagnosis: Mapping[str, Any] | None = None,
    robustness: Mapping[str, Any] | None = None,
) -> str:
    """The plan report as one self-contained HTML page (result: the plan, solved or read back, with its
    evaluation; explanation: the explain.json dict of `ppi explain`, shown as a "why this plan" section;
    diagnosis: the diagnosis.json dict of an infeasible scenario, shown as a "why there is no plan" section;
    robustness: the robustness.json dict of `ppi robustness`, shown as a "price of robustness" section)."""
    fmt = Fmt(lang)
    t = fmt.t
    scenario, plan = result.scenario, result.record.data
    info = plan.get("scenario") or {}
    name = info.get("name") or scenario.name
    has_plan = result.has_plan
    version = str(plan.get("ppi_version") or "")
    head = (
        f'<p class="kicker">{esc(t["title_plan"])}</p><h1>{esc(name)}</h1>'
        f'<p class="meta">{esc(t["horizon"].format(start=scenario.first_year, end=scenario.last_year))}'
        + (f" · {esc(t['variant'])}{fmt.colon}{esc(info['variant'])}" if info.get("variant") else "")
        + f" · {esc(t['plan_created'].format(date=fmt.date(plan.get('created'))))}"
        + f' · <span class="generated">{esc(t["generated"].format(date=fmt.date(now())))}</span></p>'
    )
    sections: list[tuple[str, str, str]] = []  # (anchor, title, html)
    if not has_plan:
        sections.append(("synthese", t["summary"], _no_plan_summary(plan, fmt)))
        if diagnosis:
            sections.append(("diagnostic", TEXT[lang]["diag.title"], _diagnosis_section(diagnosis, fmt)))
    else:
        ev, baseline = result.evaluation, result.baseline
        assert ev is not None
        sections.append(("synthese", t["summary"], _plan_summary(scenario, plan, ev, baseline, fmt)))
        sections.append(("depenses", t["spending"], _spending_section(scenario, ev, fmt)))
        sections.append(("besoins", t["unmet"], _unmet_section(scenario, ev, baseline, fmt)))
        sections.append(("calendrier", t["gantt"], _gantt_section(scenario, ev, fmt)))
        sections.append(("apcp", t["apcp"], apcp_html(scenario, ev, fmt)))
        sections.append(("non-retenus", t["not_chosen"], _not_chosen_section(scenario, ev, fmt)))
        if scenario.transfers_on or len(ev.transfers):
            sections.append(("voisins", t["transfers"], _transfers_section(scenario, ev, fmt)))
        if len(ev.finance):
            sections.append(("finances", t["finance"], _finance_section(scenario, ev, fmt)))
        if explanation:
            sections.append(("pourquoi", TEXT[lang]["why.title"], _explain_section(explanation, fmt, scenario)))
    if robustness and has_plan:
        sections.append(("robustesse", t["robustness"], _robustness_section(scenario, robustness, fmt)))
    sections.append(("hypotheses", t["inputs"], assumptions_html(scenario, fmt)))
    sections.append(("annexe", t["annex"], annex_html(scenario, plan, fmt)))
    body = "\n".join(section(a, title, content) for a, title, content in sections)
    return page(lang, f"{t['title_plan']} — {name}", head, [(a, title) for a, title, _ in sections], body, version)


def _diagnosis_section(diagnosis: Mapping[str, Any], fmt: Fmt) -> str:
    """What breaks, and the changes (checked by solving) that give the scenario a plan."""
    t = TEXT[fmt.lang]
    findings = "".join(
        f'<li data-key="finding" data-value="{esc(f["row"])}">{esc(finding_text(f, fmt.lang))} '
        f"<code>{esc(f['row'])}</code></li>"
        for f in diagnosis.get("findings", [])
    )
    parts = [f"<p>{esc(t['diag.intro'])}</p><ul>{findings}</ul>"]
    remedies = diagnosis.get("remedies", [])
    if remedies:
        items = []
        for r in remedies:
            words = "; ".join(esc(change_text(c, fmt.lang)) for c in r["changes"])
            edits = " ".join(f"--set {c['edit']}" for c in r["changes"])
            check = "" if r.get("verified") else f" ({esc(t['not_checked'])})"
            items.append(
                f'<li data-key="remedy" data-value="{esc(r["kind"])}"><strong>{esc(remedy_title(r, fmt.lang))}</strong>'
                f"{check}{fmt.colon}{words}<br><code>{esc(edits)}</code></li>"
            )
        parts.append(f"<p>{esc(t['remedies'])}</p><ol>{''.join(items)}</ol>")
    for note in diagnosis.get("notes", []):
        parts.append(f'<p class="note">{esc(note_text(note["kind"], note.get("values", {}), fmt.lang))}</p>')
    return "\n".join(parts)


def _explain_section(explanation: Mapping[str, Any], fmt: Fmt, scenario: Scenario) -> str:
    """Force-in, drop and defer costs of the projects (by name, the id beside), the value of one more M€ a
    year, what binds."""
    w = TEXT[fmt.lang]

    def name(pid: str) -> str:
        p = scenario.project.get(pid)
        if p is None or not p.name or p.name == pid:
            return esc(pid)
        return f'{esc(p.name)} <span class="id">{esc(pid)}</span>'

    def delta(row: Mapping[str, Any] | None) -> str | tuple[str, str]:
        if row is None:
            return ""
        if row.get("delta") is None:
            word = w["not_possible"] if row.get("status") == "not possible" else w["infeasible"]
            return (esc(word), "num")
        value = 0.0 if abs(row["delta"]) < 5e-4 else row["delta"]  # never "-0,000"
        return (data_span(f"delta.{row['change']}.{row['project']}", row["delta"], fmt.num(value, 3)), "num")

    units = {k: unit_of(scenario, k) for k in scenario.kinds}

    def label(pid: str) -> str:
        p = scenario.project.get(pid)
        return p.name if p is not None and p.name else pid

    def details(row: Mapping[str, Any] | None) -> str:
        """The value's parts and the projects entering, leaving, re-timed (or why there is no value)."""
        if row is None:
            return ""
        if row.get("delta") is None:
            return esc(row_note_text(row, fmt.lang))
        late = after_horizon_text(row, scenario.last_year, fmt.lang)
        text = why_details(row, units, fmt.lang, kind_name=lambda k: kind_label(scenario, k), name=label)
        return esc("; ".join(x for x in (late, text) if x))

    parts = [f'<p class="note">{esc(w["why.intro"])}</p>']
    left = explain_left_out(dict(explanation))
    if left:
        rows = [
            [
                name(r["project"]),
                delta(r),
                (str(r["new_start"]) if r.get("new_start") is not None else "", "num"),
                details(r),
            ]
            for r in left
        ]
        heads = [w["project"], (w["h.delta"], "num"), (w["h.new_start"], "num"), w["h.parts"]]
        parts.append(f"<h3>{esc(w['left'])}</h3>" + html_table(heads, rows))
    chosen = explain_chosen(dict(explanation))
    if chosen:
        rows = [
            [
                name(c["project"]),
                (str(c.get("start") or ""), "num"),
                delta(c.get("drop")),
                details(c.get("drop")),
                delta(c.get("defer")) if c.get("defer") else (esc(w["not_possible"]), "num"),
                details(c.get("defer")),
            ]
            for c in chosen
        ]
        heads = [
            w["project"],
            (w["start"], "num"),
            (w["h.drop"], "num"),
            w["h.drop_parts"],
            (w["h.defer"], "num"),
            w["h.defer_parts"],
        ]
        parts.append(f"<h3>{esc(w['chosen'])}</h3>" + html_table(heads, rows))
    budget = explanation.get("budget") or []
    if budget:
        rows = [
            [
                (str(b["year"]), "num"),
                (fmt.meur(b["envelope"]), "num"),
                (fmt.meur(b["charged"]), "num"),
                (fmt.meur(b["margin"]) + (f" ({esc(w['at_limit'])})" if b.get("at_limit") else ""), "num"),
                (
                    data_span(
                        f"gain.{b['year']}", b.get("gain_per_M"), fmt.num(_no_minus_zero(b.get("gain_per_M")), 3)
                    ),
                    "num",
                ),
                esc(w["yes"] if b.get("binding") else w["no"]),
                details({**b, "delta": b.get("gain_per_M")}) if b.get("gain_per_M") is not None else "",
            ]
            for b in budget
        ]
        heads = [
            (w["year"], "num"),
            (w["envelope"], "num"),
            (w["why.charged"], "num"),
            (w["margin"], "num"),
            (w["h.gain"], "num"),
            w["h.binding"],
            w["h.parts"],
        ]
        parts.append(f"<h3>{esc(w['budget'])}</h3>" + html_table(heads, rows))
    holds = explanation.get("binding") or []
    if holds:
        items = "".join(f"<li>{esc(binding_text(b, fmt.lang))}</li>" for b in holds)
        parts.append(f"<h3>{esc(w['holds'])}</h3><ul>{items}</ul>")
    for note in explain_notes(explanation, fmt.lang):
        parts.append(f'<p class="note">{esc(note)}</p>')
    return "\n".join(parts)


def _status_kpi(plan: Mapping[str, Any], fmt: Fmt) -> str:
    t = fmt.t
    status = plan.get("status")
    gap = plan.get("gap")
    note = data_span("gap", gap, esc(t["gap"].format(gap=fmt.pct(gap, 2)))) if gap is not None else ""
    return kpi(t["status"], esc(status_word(status, t)), "status", status, note, css=f"status status-{status}")


def _no_plan_summary(plan: Mapping[str, Any], fmt: Fmt) -> str:
    t = fmt.t
    status = plan.get("status")
    kpis = [
        _status_kpi(plan, fmt),
        kpi(t["objective"], "—", "objective", plan.get("objective")),
        kpi(t["solver"], esc(plan.get("solver") or "—"), "solver", plan.get("solver"), esc(plan.get("solver_message"))),
    ]
    message = t.get(f"msg.{status}", t["msg.no_solution"])
    return (
        f'<div class="kpis">{"".join(kpis)}</div>\n'
        f'<div class="message" role="alert" data-key="message"><strong>{esc(status_word(status, t))}.</strong> '
        f"{esc(message)}</div>"
    )


def _worst(balance: pd.DataFrame, kind: str) -> tuple[int | None, float]:
    by_year = balance[balance["kind"] == kind].groupby("year")["unmet"].sum()
    if not len(by_year):
        return None, 0.0
    year = int(by_year.idxmax())
    return year, float(by_year.max())


def _plan_summary(scenario: Scenario, plan: Mapping[str, Any], ev: Evaluation, baseline: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    kpis = [_status_kpi(plan, fmt)]
    objective, bound = plan.get("objective"), plan.get("bound")
    kpis.append(
        kpi(
            t["objective"],
            fmt.num(objective, 2),
            "objective",
            objective,
            esc(t["objective_note"].format(bound=fmt.num(bound, 2))),
        )
    )
    span, ppi_years = hyp.span_text(scenario), list(hyp.horizon_years(scenario))  # headline figures: PPI years
    bal = ev.balance[ev.balance["year"].isin(ppi_years)]
    base = baseline.balance[baseline.balance["year"].isin(ppi_years)]
    for k in scenario.kinds:
        total = float(bal.loc[bal["kind"] == k, "unmet"].sum())
        nominal = float(bal.loc[bal["kind"] == k, "unmet_nominal"].sum())
        year, worst = _worst(bal, k)
        without = float(base.loc[base["kind"] == k, "unmet"].sum())
        unit = unit_of(scenario, k)
        decimals = 0 if total >= 1000 else 1
        note = t["unmet_note"].format(
            year=data_span(f"unmet_worst_year.{k}", year, str(year)),
            worst=data_span(f"unmet_worst.{k}", worst, esc(f"{fmt.num(worst, 1)}{NBSP}{unit}")),
            without=data_span(f"unmet_without.{k}", without, esc(fmt.num(without, decimals))),
        ) + t["nominal_note"].format(nominal=data_span(f"unmet_nominal.{k}", nominal, esc(fmt.num(nominal, decimals))))
        unit_text = t["span_unit"].format(unit=unit, span=span)
        value = f'{fmt.num(total, decimals)}{NBSP}<span class="unit">{esc(unit_text)}</span>'
        kpis.append(kpi(t["unmet_kind"].format(kind=kind_label(scenario, k)), value, f"unmet.{k}", total, note))
    candidates = sum(p.status != ProjectStatus.EXCLUDED for p in scenario.projects)
    chosen = int(ev.projects["chosen"].sum())
    kpis.append(
        kpi(
            t["projects_chosen"],
            f"{chosen}",
            "projects_chosen",
            chosen,
            data_span("projects_candidates", candidates, esc(t["projects_note"].format(n=candidates))),
        )
    )
    city_cost = sum(float(p.get("city_cost") or 0.0) for p in plan.get("projects", []))
    kpis.append(kpi(t["city_cost"], esc(fmt.meur(city_cost)), "city_cost", city_cost, esc(t["city_cost_note"])))
    spent = sum(float(r["spent"]) for r in plan.get("budget", []) if int(r["year"]) in ppi_years)
    envelope = sum(float(r["envelope"]) for r in plan.get("budget", []) if int(r["year"]) in ppi_years)
    note = t["spent_note"].format(
        envelope=data_span("envelope_total", envelope, esc(fmt.meur(envelope))),
        use=esc(fmt.pct(spent / envelope if envelope else float("nan"))),
    )
    kpis.append(kpi(t["spent_span"].format(span=span), esc(fmt.meur(spent)), "spent_total", spent, note))
    finance = plan.get("finance") or []
    debt_rows = [r for r in finance if r.get("debt_years") is not None]
    if debt_rows:
        worst_row = max(debt_rows, key=lambda r: r["debt_years"])
        limit = scenario.prospective.max_debt_years if scenario.prospective is not None else None
        limit_text = f"{fmt.num(limit, 0)} {t['years']}" if limit is not None else t["no_limit"]
        kpis.append(
            kpi(
                t["debt_years"],
                f'{fmt.num(worst_row["debt_years"], 1)}{NBSP}<span class="unit">{esc(t["years"])}</span>',
                "debt_years_worst",
                worst_row["debt_years"],
                esc(t["debt_years_note"].format(year=worst_row["year"], limit=limit_text)),
            )
        )
    parts, weights = objective_texts(scenario, ev, fmt.lang, fmt.num, lambda k: kind_label(scenario, k))
    return (
        f'<div class="kpis">{"".join(kpis)}</div>\n'
        f'<p class="note" data-key="objective-parts">{esc(parts)} {esc(weights)}</p>\n'
        f'<p class="note" data-key="maturity-note">{esc(hyp.maturity_text(scenario, fmt.lang))}</p>\n'
        f'<p class="note" data-key="after-horizon">{esc(hyp.after_horizon_text(scenario, ev, fmt))}</p>'
    )


def _spending_section(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    caption = t["spending_caption"].format(
        carry=t["carry"] if scenario.carry_over else "", net=t["net_caption"] if scenario.net_basis else ""
    )
    parts = [figure_html("spending", spending_chart(scenario, ev, fmt), esc(caption))]
    with_receipts = bool((ev.budget["subsidies"] + ev.budget["fctva"]).abs().sum() > 0)
    head: list[str | tuple[str, str]] = [t["year"], (t["available"] if scenario.carry_over else t["envelope"], "num")]
    head.append((t["spent"], "num"))
    if with_receipts:
        head += [(t["receipts"], "num"), (t["net"], "num")]
    head += [(t["margin"], "num"), (t["use"], "num")]
    rows = []
    tail = hyp.tail_years(scenario)
    for r in ev.budget.itertuples(index=False):
        year = f"{r.year} ({t['after_ppi']})" if r.year in tail else str(r.year)
        row: list[str | tuple[str, str]] = [year, (fmt.meur(r.available), "num"), (fmt.meur(r.spent), "num")]
        if with_receipts:
            row += [(fmt.meur(r.subsidies + r.fctva), "num"), (fmt.meur(r.net_effort), "num")]
        use = r.charged / r.available if r.available else float("nan")
        row += [(fmt.meur(r.margin), "num"), (fmt.pct(use), "num")]
        rows.append(row)
    # One total for the PPI's years (the headline figures' span) and, apart, one for the years after it.
    totals = [(t["total"], ev.budget[~ev.budget["year"].isin(tail)])]
    if tail:
        label = f"{t['total']} {tail[0]}–{tail[-1]} ({t['after_ppi']})" if len(tail) > 1 else f"{t['total']} {tail[0]}"
        totals = [(f"{t['total']} {scenario.first_year}–{scenario.horizon_end}", totals[0][1])]
        totals.append((label, ev.budget[ev.budget["year"].isin(tail)]))
    for name, b in totals:
        total: list[str | tuple[str, str]] = [name, (fmt.meur(b["envelope"].sum()), "num")]
        total.append((fmt.meur(b["spent"].sum()), "num"))
        if with_receipts:
            receipts = (b["subsidies"] + b["fctva"]).sum()
            total += [(fmt.meur(receipts), "num"), (fmt.meur(b["net_effort"].sum()), "num")]
        env_sum = float(b["envelope"].sum())
        total += [("", "num"), (fmt.pct(b["charged"].sum() / env_sum if env_sum else float("nan")), "num")]
        rows.append(total)
    parts.append(html_table(head, rows, row_classes=[""] * (len(rows) - len(totals)) + ["total"] * len(totals)))
    notes = [hyp.after_horizon_text(scenario, ev, fmt)]
    folded = hyp.folded_aid_text(scenario, ev, fmt)  # the receipts hold no subsidy: say why
    if folded and with_receipts:
        notes.append(f"{t['subsidies_col']}{fmt.colon}{folded}.")
    tot = scenario.total_envelope
    if tot is not None:
        used = float(b.loc[b["year"].between(tot.start, tot.end), "charged"].sum())
        notes.append(
            t["total_envelope"].format(start=tot.start, end=tot.end, amount=fmt.meur(tot.amount), used=fmt.meur(used))
        )
    parts += [f'<p class="note">{esc(n)}</p>' for n in notes]
    return "\n".join(parts)


def _unmet_section(scenario: Scenario, ev: Evaluation, baseline: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    return "\n".join(
        [
            figure_html("unmet", unmet_chart(scenario, ev, baseline, fmt), esc(t["unmet_caption"])),
            f'<h3 id="carte">{esc(t["heatmap"])}</h3>',
            figure_html("heatmap", heatmap_chart(scenario, ev, fmt), esc(t["heatmap_caption"]), {"unit": "per-kind"}),
        ]
    )


def _gantt_section(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    chosen = ev.projects[ev.projects["chosen"]].sort_values(["start", "delivery", "project"])
    if not len(chosen):
        return f'<p class="note">{esc(t["no_chosen"])}</p>'
    names = district_names(scenario)
    parts = [figure_html("gantt", gantt_chart(scenario, ev, fmt), esc(t["gantt_caption"]))]
    parts.append(f"<h3>{esc(t['chosen_table'])}</h3>")
    head: list[str | tuple[str, str]] = [
        t["project"], t["district"], t["theme"], (t["start"], "num"), (t["delivery"], "num"),
        (t["city_cost_col"], "num"), *capacity_heads(scenario),
    ]  # fmt: skip
    rows = []
    for r in chosen.to_dict("records"):
        p = scenario.project[r["project"]]
        label = esc(r["name"] or r["project"])
        if r["status"] == "committed":
            label += f' <span class="tag">{esc(t["committed"])}</span>'
        label += _described(p, fmt)
        rows.append(
            [
                label,
                esc(names.get(r["district"], r["district"])),
                esc(r["theme"] or t["no_theme"]),
                (str(int(r["start"])), "num"),
                (str(int(r["delivery"])), "num"),
                (fmt.meur(r["city_cost"]), "num"),
                *capacity_cells(scenario, p.capacity, fmt),
            ]
        )
    group = group_row(6, t["capacity_added"], len(scenario.kinds))
    parts.append(html_table(head, rows, head_rows=[group], css="projects"))
    return "\n".join(parts)


def _described(p: Project, fmt: Fmt) -> str:
    """The descriptive columns of the project matrix (address, service, AP number...) under the project's name."""
    if not p.attributes:
        return ""
    colon = "\u202f: " if fmt.lang == "fr" else ": "  # French puts a narrow no-break space before a colon
    shown = " · ".join(f"{esc(k)}{colon}{esc(v)}" for k, v in p.attributes.items())
    return f'<br><span class="sub attributes">{shown}</span>'


def _not_chosen_section(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    names = district_names(scenario)
    levels = maturity_levels(scenario.spec)
    comps = competences(scenario.spec)
    left = ev.projects[~ev.projects["chosen"] & (ev.projects["status"] != "excluded")]
    excluded = ev.projects[ev.projects["status"] == "excluded"]
    parts = []
    if not len(left):
        parts.append(f'<p class="note">{esc(t["all_chosen"])}</p>')
    else:
        parts.append(f"<p>{esc(t['not_chosen_intro'].format(n=len(left)))}</p>")
        head: list[str | tuple[str, str]] = [
            t["project"], t["district"], t["theme"], t["maturity_competence"], (t["cost"], "num"),
            (t["city_cost_col"], "num"), *capacity_heads(scenario),
        ]  # fmt: skip
        rows = []
        for r in left.to_dict("records"):
            p = scenario.project[r["project"]]
            maturity = levels.get(r["maturity"], {}).get("label", r["maturity"]) if r["maturity"] else "—"
            competence = comps.get(r["competence"], {}).get("label", r["competence"]) if r["competence"] else "—"
            rows.append(
                [
                    f'{esc(r["name"] or r["project"])}<br><span class="id">{esc(r["project"])}</span>'
                    + _described(p, fmt),
                    esc(names.get(r["district"], r["district"])),
                    esc(r["theme"] or t["no_theme"]),
                    f'{esc(maturity)}<br><span class="sub">{esc(competence)}</span>',
                    (fmt.meur(r["cost"]), "num"),
                    (fmt.meur(r["city_cost"]), "num"),
                    *capacity_cells(scenario, p.capacity, fmt),
                ]
            )
        group = group_row(6, t["capacity_would_add"], len(scenario.kinds))
        parts.append(html_table(head, rows, head_rows=[group], css="projects"))
    if len(excluded):
        ids = ", ".join(excluded["project"])
        parts.append(f'<p class="note">{esc(t["excluded_note"].format(n=len(excluded), ids=ids))}</p>')
    return "\n".join(parts)


def _transfers_section(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    tr = ev.transfers
    if not len(tr):
        return f'<p class="note">{esc(t["no_transfers"])}</p>'
    names = district_names(scenario)
    head: list[str | tuple[str, str]] = [
        t["from"], t["to"], t["kind"], (t["units_total"], "num"), t["years_span"], (t["max_year"], "num"),
    ]  # fmt: skip
    rows = []
    for (src, dst, k), group in tr.groupby(["from", "to", "kind"], sort=True):
        unit = unit_of(scenario, str(k))
        years = sorted(int(y) for y in group["year"])
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        total = float(group["units"].sum())
        rows.append(
            [
                esc(names.get(str(src), src)),
                esc(names.get(str(dst), dst)),
                esc(kind_label(scenario, str(k))),
                (esc(f"{fmt.num(total, 1)} {t['unit_years'].format(unit=unit)}"), "num"),
                (esc(span), "nowrap"),
                (esc(f"{fmt.num(float(group['units'].max()), 1)}{NBSP}{unit}"), "num"),
            ]
        )
    return f"<p>{esc(t['transfers_intro'])}</p>\n" + html_table(head, rows)


def _finance_section(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    t = fmt.t
    head: list[str | tuple[str, str]] = [
        t["year"], (t["op_costs"], "num"), (t["epargne"], "num"), (t["savings_rate"], "num"),
        (t["borrowing"], "num"), (t["debt"], "num"), (t["debt_years_col"], "num"),
    ]  # fmt: skip
    pr = scenario.prospective
    rows = []
    tail = hyp.tail_years(scenario)
    for r in ev.finance.itertuples(index=False):
        over = pr is not None and pr.max_debt_years is not None and r.debt_years > pr.max_debt_years + 1e-6
        rows.append(
            [
                f"{r.year} ({t['after_ppi']})" if r.year in tail else str(r.year),
                (fmt.meur(r.operating_costs_added), "num"),
                (fmt.meur(r.epargne_brute), "num"),
                (fmt.pct(r.savings_rate, 1), "num"),
                (fmt.meur(r.borrowing), "num"),
                (fmt.meur(r.debt), "num"),
                (fmt.num(r.debt_years, 1) if math.isfinite(r.debt_years) else "—", "num alert" if over else "num"),
            ]
        )
    limits = []
    if pr is not None:
        if pr.min_savings_rate is not None:
            limits.append(t["min_savings"].format(v=fmt.pct(pr.min_savings_rate, 1)))
        if pr.max_debt_years is not None:
            limits.append(t["max_debt_years"].format(v=fmt.num(pr.max_debt_years, 0)))
        if pr.max_borrowing is not None:
            limits.append(t["max_borrowing"].format(v=fmt.meur(pr.max_borrowing)))
    caption = t["finance_caption"].format(limits=t["limits"].format(items="; ".join(limits)) if limits else "")
    return f'<p class="note">{esc(caption.strip())}</p>\n' + html_table(head, rows)


def _robustness_section(scenario: Scenario, robustness: Mapping[str, Any], fmt: Fmt) -> str:
    """The frontier of `ppi robustness`: the chart, then one row per level."""
    from analysis.robustness import Frontier

    t = fmt.t
    frontier = Frontier.from_dict(dict(robustness))
    table = frontier.table()
    kinds = [c.removeprefix("unmet ") for c in table.columns if c.startswith("unmet ")]
    gamma = frontier.path.endswith("gamma")
    head: list[str | tuple[str, str]] = [
        t["rob.gamma"] if gamma else t["rob.level"], (t["rob.holds"], "num"), (t["rob.error"], "num"),
        (t["ch.objective"], "num"),
        *((f"{kind_label(scenario, k)} ({unit_of(scenario, k)})", "num") for k in kinds),
        (t["rob.spending"], "num"), (t["rob.chosen"], "num"),
    ]  # fmt: skip
    rows = []
    for p in frontier.points:
        rows.append(
            [
                t["rob.none"] if p.level is None else (fmt.num(p.level, 1) if gamma else fmt.pct(p.level)),
                (fmt.pct(p.holds, 1), "num"),
                (fmt.pct(p.error, 1), "num"),
                (fmt.num(p.objective, 1), "num"),
                *((fmt.num(p.unmet_by_kind.get(k), 1), "num") for k in kinds),
                (fmt.meur(p.city_spending), "num"),
                (fmt.num(p.chosen, 0), "num"),
            ]
        )
    intro = t["rob.intro"].format(samples=fmt.num(frontier.samples, 0), seed=frontier.seed)
    return "\n".join(
        [
            f'<p class="note">{esc(intro)}</p>',
            figure_html("robustness", robustness_svg(table, fmt, gamma), esc(t["rob.caption"])),
            html_table(head, rows),
        ]
    )


def _no_minus_zero(value: float | None) -> float | None:
    """A value printed with three decimals, without the "-0,000" of solver noise."""
    return None if value is None else (0.0 if abs(value) < 5e-4 else value)
