"""Sections of the plan report a finance director signs (reports/html_plan.py places them): the assumptions the
council approves and the technical annex (reports/assumptions.py words them), and the AP/CP table per operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.evaluate import Evaluation
from models.scenario import Scenario
from reports.assumptions import Row, annex_rows, assumption_rows, horizon_end, horizon_years
from reports.html_base import Fmt, data_span, esc, html_table
from reports.text import TEXT


def _rows_table(rows: list[Row], css: str) -> str:
    def value(v: str | tuple[str, ...]) -> str:
        if isinstance(v, tuple):
            return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in v) + "</ul>"
        return esc(v)

    body = "".join(
        f'<tr><th scope="row">{esc(r.label)}</th><td data-key="{esc(r.key)}">{value(r.value)}</td></tr>' for r in rows
    )
    return f'<div class="table-wrap"><table class="inputs {css}"><tbody>{body}</tbody></table></div>'


def assumptions_html(scenario: Scenario, fmt: Fmt) -> str:
    """The planning assumptions, in words (no file path, no solver detail)."""
    return _rows_table(assumption_rows(scenario, fmt), "assumptions")


def annex_html(scenario: Scenario, plan: Mapping[str, Any], fmt: Fmt) -> str:
    """The technical annex: scenario file (relative), solver, time, options, model size, version."""
    return _rows_table(annex_rows(scenario, plan, fmt), "annex")


def share_text(share: float, fmt: Fmt) -> str:
    return fmt.pct(share, 0 if abs(100 * share - round(100 * share)) < 1e-9 else 1)


def apcp_html(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    """One row per chosen operation: AP (city cost), CP per PPI year, CP after the horizon, subsidies, FCTVA and
    net cost; a total row. Aid folded into the city share is said ("part ville 60 %"), never "0"."""
    t = fmt.t
    years = horizon_years(scenario)
    first, end = years[0], horizon_end(scenario)
    chosen = ev.projects[ev.projects["chosen"]].sort_values(["start", "project"])
    if not len(chosen):
        return f'<p class="note">{esc(t["no_chosen"])}</p>'
    cp: dict[str, dict[int, float]] = {}
    for r in ev.spending.itertuples(index=False):
        by = cp.setdefault(str(r.project), {})
        by[int(r.year)] = by.get(int(r.year), 0.0) + float(r.city_spending)
    aid: dict[str, list[float]] = {}
    for r in ev.receipts.itertuples(index=False):
        acc = aid.setdefault(str(r.project), [0.0, 0.0])
        acc[0] += float(r.subsidies)
        acc[1] += float(r.fctva)
    before = any(y < first for by in cp.values() for y in by)
    head: list[str | tuple[str, str]] = [t["project"], (t["start"], "num"), (t["ap"], "num")]
    if before:
        head.append((t["cp_before"].format(year=first), "num"))
    head += [(str(y), "num") for y in years]
    head += [
        (t["cp_after"].format(end=end), "num"),
        (t["subsidies_col"], "num"),
        ("FCTVA", "num"),
        (t["net_cost"], "num"),
    ]
    rows: list[list[str | tuple[str, str]]] = []
    totals = [0.0] * (len(head) - 2)

    def money(key: str, value: float, j: int) -> tuple[str, str]:
        totals[j] += value
        return (data_span(key, value, fmt.num(value / 1e6, 2)) if abs(value) > 0.005 else "–", "num")

    for r in chosen.itertuples(index=False):
        pid = str(r.project)
        p = scenario.project[pid]
        by = cp.get(pid, {})
        sub, fctva = aid.get(pid, [0.0, 0.0])
        cells: list[str | tuple[str, str]] = [
            f'{esc(r.name or pid)}<br><span class="id">{esc(pid)}</span>',
            (str(int(r.start)), "num"),
        ]
        j = 0
        cells.append(money(f"apcp.{pid}.ap", float(r.city_cost), j))
        j += 1
        if before:
            cells.append(money(f"apcp.{pid}.before", sum(v for y, v in by.items() if y < first), j))
            j += 1
        for y in years:
            cells.append(money(f"apcp.{pid}.{y}", by.get(y, 0.0), j))
            j += 1
        cells.append(money(f"apcp.{pid}.after", sum(v for y, v in by.items() if y > end), j))
        j += 1
        if sub <= 0.005 and p.city_share < 1.0:  # aid folded into the city share: say so, never "0"
            note = t["city_share_note"].format(share=share_text(p.city_share, fmt))
            cells.append((f'<span class="sub" data-key="apcp.{esc(pid)}.city_share">{esc(note)}</span>', "num"))
        else:
            cells.append(money(f"apcp.{pid}.subsidies", sub, j))
        j += 1
        cells.append(money(f"apcp.{pid}.fctva", fctva, j))
        j += 1
        cells.append(money(f"apcp.{pid}.net", float(r.city_cost) - sub - fctva, j))
        rows.append(cells)
    total_row: list[str | tuple[str, str]] = [t["total"], ("", "num")]
    total_row += [(fmt.num(v / 1e6, 2), "num") for v in totals]
    rows.append(total_row)
    caption = TEXT[fmt.lang]["apcp_caption"].format(end=end)
    note = f'<p class="note">{esc(caption)} {esc(t["M_eur"])}.</p>'
    return note + "\n" + html_table(head, rows, row_classes=[""] * (len(rows) - 1) + ["total"], css="apcp")
