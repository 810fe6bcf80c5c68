"""Words of the "why" parts — why this plan (`ppi explain`), why no plan (the diagnosis of `ppi solve`) — in
French and English, from the phrases of reports/text.py.

Shared by the CLI (English), the HTML report and the workbook (French by default). What is explained is
stored by kind with its values (money in M€): the constraints that hold a plan
(analysis.explain.binding_constraints), what breaks in an infeasible scenario and the changes that mend it
(analysis.diagnose). Each kind has one sentence per language in reports/text.py, so a stored explanation can
be written in either language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.units import MEUR
from reports.text import TEXT

if TYPE_CHECKING:
    from analysis.diagnose import Diagnosis
    from analysis.explain import Explanation, ProjectWhy


def _french(text: str, lang: str) -> str:
    """12.34 -> 12,34 and 5.0% -> 5,0 % in French text (numbers only: ids and row names keep their dots)."""
    if lang != "fr":
        return text
    text = re.sub(r"(?<=\d)\.(?=\d)", ",", text)
    return re.sub(r"(?<=\d)%", "\u202f%", text)


# What a budget year of a plan's binding constraints is charged with, as stored, and its phrase.
_BINDING_WHAT = {"spending": "why.spending", "net effort": "what.net"}


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def money_text(meur: float | None) -> str:
    """An amount stored in M€, at a precision that fits it: 12.34 M€ down to 0.01 M€, then 9.5 k€, then 420 €
    below 1 k€ — never "0.00 M€" for a real amount."""
    if meur is None:
        return "—"
    euros = float(meur) * MEUR
    if abs(euros) >= 0.01 * MEUR - 0.5 or abs(euros) < 0.5:
        return f"{float(meur):.2f} M€"
    if abs(euros) >= 1000:
        return f"{euros / 1000:.1f} k€"
    return f"{euros:.0f} €"


# The values of a finding (by kind) or a change (by kind) that are money in M€, worded by money_text.
_MONEY_VALUES = {
    "budget_year": ("need", "envelope", "short", "carried"),
    "budget_cumulative": ("need", "available", "short"),
    "budget_total": ("need", "amount", "short"),
    "budget_robust": ("need", "available", "short"),
    "budget_gamma": ("need", "available", "short"),
    "borrowing": ("need", "cap"),
    "debt": ("debt", "savings"),
    "baseline_debt": ("debt", "savings"),
    "baseline_borrowing": ("need", "cap"),
}
_MONEY_BINDING = {
    "budget_year": ("charged", "available", "margin"),
    "budget_total": ("used", "amount"),
    "borrowing_cap": ("borrowing", "cap"),
}
_MONEY_CHANGES = {"raise_envelope": ("by", "to"), "raise_total": ("by", "to"), "borrowing": ("to", "before")}


def finding_text(f: dict[str, Any], lang: str) -> str:
    """What breaks (analysis.diagnose.Finding as a dict: kind and values) in one sentence."""
    t = TEXT[lang]
    v = dict(f.get("values") or {})
    kind = f.get("kind", "row")
    for key in _MONEY_VALUES.get(kind, ()):
        if key in v and not (key == "carried" and not v[key]):
            v[key] = money_text(v[key])
    if "projects" in v:
        items = [
            t["item"].format(id=p["id"], status=t[f"ps.{p['status']}"], amount=money_text(p["amount"]))
            for p in v["projects"]
        ]
        if v.get("more"):
            items.append(t["more"].format(n=v["more"]))
        v["projects"] = ", ".join(items)
    if "who" in v:
        v["who"] = t[f"who.{v['who']}"]
    if "what" in v:
        v["what"] = t[f"what.{v['what']}"]
    if kind == "budget_year":
        v["carried"] = t["carried"].format(carried=v["carried"]) if v.get("carried") else ""
    if kind == "budget_cumulative":
        v["span"] = _span(v["start"], v["end"])
    if kind == "budget_robust":
        v["level"] = f"{100 * v['level']:g}" + ("\u202f%" if lang == "fr" else "%")
    if kind == "budget_gamma":
        v["level"] = f"{v['level']:g}".replace(".", "," if lang == "fr" else ".")
    if kind in ("debt", "baseline_debt"):
        v["ratio"] = t["ratio"].format(ratio=v["ratio"]) if v.get("ratio") is not None else t["ratio.none"]
    if kind in ("requires", "requires_excluded", "excludes"):
        for side in ("p", "q"):
            if f"{side}_status" in v:
                v[f"{side}_status"] = t[f"ps.{v[side + '_status']}"]
            when = v.get(f"{side}_when")
            if isinstance(when, dict):
                v[f"{side}_when"] = t[f"when.{when['how']}"].format(
                    year=when.get("year"), window=_span(*when.get("window", (0, 0)))
                )
    if kind in ("mandatory", "locked"):
        v["window"] = _span(*v["window"])
    return _french(t[f"f.{kind}"].format(**v), lang)


def reason_text(reason: Mapping[str, Any] | None, lang: str = "en") -> str:
    """Why a sweep point has no plan (analysis.diagnose.first_reason: a finding, or the solver's status), in
    one sentence; "" for a point with a plan."""
    if not reason or not isinstance(reason, Mapping):
        return ""
    if reason.get("kind") == "status":
        status = (reason.get("values") or {}).get("status")
        t = TEXT[lang]
        return t.get(f"st.{status}") or t.get(f"status.{status}") or str(status)
    return finding_text(reason, lang)


def note_text(kind: str, values: dict[str, Any], lang: str) -> str:
    return TEXT[lang][f"n.{kind}"].format(**values)


def change_text(c: dict[str, Any], lang: str) -> str:
    """One change of a remedy (analysis.diagnose.Change as a dict: kind and values) in words."""
    t = TEXT[lang]
    v = dict(c.get("values") or {})
    for key in _MONEY_CHANGES.get(str(c.get("kind")), ()):
        if key in v:
            v[key] = money_text(v[key])
    if c.get("kind") == "shift":
        n = abs(v["years"])
        late = t["c.late"].format(**v) if v.get("delivery") is not None else ""  # delivered after the PPI
        v = {
            "project": v["project"],
            "n": n,
            "s": t["plural"] if n > 1 else "",
            "direction": t["later"] if v["years"] > 0 else t["earlier"],
            "start": v["start"],
            "end": v["end"],
            "late": late,
        }
    return _french(t[f"c.{c.get('kind')}"].format(**v), lang)


# A remedy's heading names what its changes do (rt.<kind>): "Lower the savings floor", not "Give more money".
_TITLE_OF_CHANGE = {"raise_envelope": "money", "raise_total": "money"}


def remedy_title(remedy: Mapping[str, Any], lang: str) -> str:
    """The heading of a remedy (its kind and changes, as diagnosis.json stores them), from what its changes
    do: "Give more money", "Lower the savings floor", "Give more money and raise the debt ceiling"."""
    t = TEXT[lang]
    keys = list(
        dict.fromkeys(_TITLE_OF_CHANGE.get(str(c.get("kind")), str(c.get("kind"))) for c in remedy.get("changes", []))
    )
    words = [t[f"rt.{k}"] for k in keys if f"rt.{k}" in t]
    if not words:
        return t[f"r.{remedy.get('kind')}"]
    text = t["rt.and"].join(words)
    return text[0].upper() + text[1:]


def binding_text(item: dict[str, Any], lang: str) -> str:
    """One constraint that holds the plan, in the report's language (its stored English text if unknown)."""
    t = TEXT[lang]
    template = t.get(f"b.{item.get('kind')}")
    if template is None:
        return str(item.get("text", ""))
    values = {k: v for k, v in item.items() if k not in ("kind", "text")}
    for key in _MONEY_BINDING.get(str(item.get("kind")), ()):
        if key in values:
            values[key] = money_text(values[key])
    if "what" in values:  # stored as "spending" or "net effort"
        values["what"] = t[_BINDING_WHAT[values["what"]]] if values["what"] in _BINDING_WHAT else values["what"]
    return _french(template.format(**values), lang)


def left_out(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    """Forced-in rows, the cheapest first."""
    rows = [r for r in explanation.get("projects", []) if r.get("change") == "force_in"]
    return sorted(rows, key=lambda r: (r.get("delta") is None, r.get("delta") or 0.0))


def chosen(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per chosen project: its drop and defer rows, the costliest drop first."""
    by_project: dict[str, dict[str, Any]] = {}
    for r in explanation.get("projects", []):
        if r.get("change") in ("drop", "defer"):
            entry = by_project.setdefault(r["project"], {"project": r["project"], "start": r.get("start")})
            entry[r["change"]] = r
    return sorted(by_project.values(), key=lambda e: -((e.get("drop") or {}).get("delta") or 0.0))


def project_note_text(note: tuple[str, dict[str, Any]] | None, lang: str = "en") -> str:
    """Why a re-solve about a project has no figure (analysis.explain.ProjectWhy.note), or ""."""
    if not note:
        return ""
    kind, values = note
    if kind == "too_big":
        values = {**values, "need": money_text(values["need"]), "envelope": money_text(values["envelope"])}
    return _french(TEXT[lang][f"pn.{kind}"].format(**values), lang)


def row_note_text(row: Mapping[str, Any], lang: str) -> str:
    """The note of an explain.json project row in the report's language: from its kind and values
    (`note_kind`, `note_values`), or its stored English words when it has none."""
    kind = row.get("note_kind")
    if kind and f"pn.{kind}" in TEXT[lang]:
        return project_note_text((str(kind), dict(row.get("note_values") or {})), lang)
    return str(row.get("note") or "")


def explain_note_text(kind: str, values: dict[str, Any], lang: str = "en") -> str:
    """A note on a whole explanation (analysis.explain.Explanation.notes); a plan's status in the language's
    word ("feasible", "réalisable")."""
    values = dict(values)
    if "status" in values:
        values["status"] = TEXT[lang].get(f"status.{values['status']}", str(values["status"])).split(",")[0]
    return TEXT[lang][f"note.{kind}"].format(**values)


def projects_table(explanation: Explanation, lang: str = "en") -> pd.DataFrame:
    """The explanation's projects table (projects.csv) with its notes in words."""
    table = explanation.projects_table()
    table["note"] = [project_note_text(w.note, lang) for w in explanation.projects]
    return table


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """The explain.json content: the explanation's kinds and values, with the English words beside them."""

    def records(table: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                k: (None if pd.isna(v) else (int(v) if hasattr(v, "is_integer") and k.endswith("start") else v))
                for k, v in row.items()
            }
            for row in table.astype(object).to_dict("records")
        ]

    e = explanation
    return {
        "format": "ppi-explain/1",
        "scenario": e.scenario,
        "status": e.status,
        "objective": e.objective,
        "projects": [
            {**r, "note_kind": w.note[0] if w.note else None, "note_values": dict(w.note[1]) if w.note else None}
            for r, w in zip(records(projects_table(e)), e.projects, strict=True)
        ],
        "budget": records(e.budget_table()),
        "binding": [{**b, "text": binding_text(b, "en")} for b in e.binding],
        # kinds and values, worded in the reader's language (explain_notes); the English words beside them
        "notes": [
            {"kind": kind, "values": values, "text": explain_note_text(kind, values, "en")} for kind, values in e.notes
        ],
        "units": dict(e.units),
        "parts": e.parts.columns() if e.parts is not None else None,
    }


def explain_notes(explanation: Mapping[str, Any], lang: str) -> list[str]:
    """The notes of an explain.json in the report's language (a note stored as text alone is shown as is)."""
    notes = []
    for note in explanation.get("notes") or []:
        if isinstance(note, Mapping) and f"note.{note.get('kind')}" in TEXT[lang]:
            notes.append(_french(explain_note_text(str(note["kind"]), dict(note.get("values") or {}), lang), lang))
        else:
            notes.append(str(note.get("text", "")) if isinstance(note, Mapping) else str(note))
    return notes


def diagnosis_to_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis.json content: kinds and values, with the English words beside them."""
    return {
        "format": "ppi-diagnosis/1",
        "findings": [{**f.to_dict(), "text": finding_text(f.to_dict(), "en")} for f in diagnosis.findings],
        "remedies": [
            {
                "kind": r.kind,
                "title": remedy_title({"kind": r.kind, "changes": [c.to_dict() for c in r.changes]}, "en"),
                "verified": r.verified,
                "changes": [{**c.to_dict(), "text": change_text(c.to_dict(), "en")} for c in r.changes],
            }
            for r in diagnosis.remedies
        ],
        "notes": [{"kind": k, "values": v, "text": note_text(k, v, "en")} for k, v in diagnosis.notes],
    }


def format_diagnosis(diagnosis: Diagnosis | Mapping[str, Any], lang: str = "en") -> str:
    """The diagnosis (or its diagnosis.json form) as the CLI prints it."""
    d = diagnosis if isinstance(diagnosis, Mapping) else diagnosis_to_dict(diagnosis)
    t = TEXT[lang]
    lines = [t["diag.intro"]]
    for f in d["findings"]:
        lines.append(f"  - {finding_text(f, lang)}  [{f['row']}]")
    if d["remedies"]:
        lines.append(t["remedies"])
        for i, r in enumerate(d["remedies"], 1):
            check = "" if r["verified"] else f" ({t['not_checked']})"
            words = "; ".join(change_text(c, lang) for c in r["changes"])
            lines.append(f"  {i}. {remedy_title(r, lang)}{check}: {words}")
            lines.append("     " + " ".join(f"--set {c['edit']}" for c in r["changes"]))
    for note in d["notes"]:
        lines.append(f"Note: {note_text(note['kind'], note['values'], lang)}")
    return "\n".join(lines)


def _signed(value: float, decimals: int = 3) -> str:
    """+1.234 / -0.500, never -0.000."""
    value = 0.0 if abs(value) < 0.5 * 10**-decimals else value
    return f"{value:+.{decimals}f}"


def _signed_units(value: float) -> str:
    """Unit-years as people count them: +111, +2.5, +0.25."""
    if abs(value) >= 100:
        return f"{value:+.0f}"
    if abs(value) >= 1:
        return f"{value:+.1f}".replace(".0", "") if f"{value:.1f}".endswith(".0") else f"{value:+.1f}"
    return f"{value:+.2f}"


def parts_text(
    row: Mapping[str, Any],
    units: Mapping[str, str],
    lang: str = "en",
    kind_name: Any = None,
    decimals: int = 3,
) -> str:
    """An objective change split into its parts — weighted unmet demand per kind (with its unit-years), the
    transfer penalty, the cost term —, from the columns of an explain table row (`delta unmet K`, `delta
    unit-years K`, `delta transfers`, `delta cost`; analysis.explain.Parts.columns). Parts that do not change
    are left out; "" when the row has no parts (no plan)."""
    t = TEXT[lang]

    def value(key: str) -> float | None:
        v = row.get(key)
        return None if v is None or v != v else float(v)  # None or NaN: no plan to compare

    if value("delta cost") is None:
        return ""
    limit = 0.5 * 10**-decimals
    items = []
    for k, unit in units.items():
        weighted, unit_years = value(f"delta unmet {k}") or 0.0, value(f"delta unit-years {k}") or 0.0
        if abs(weighted) >= limit or abs(unit_years) >= 0.005:
            name = kind_name(k) if kind_name is not None else k
            items.append(
                t["x.kind"].format(
                    kind=name, value=_signed(weighted, decimals), units=_signed_units(unit_years), unit=unit
                )
            )
    for key, label in (
        ("delta transfers", "x.transfers"),
        ("delta cost", "x.cost"),
        ("delta stability", "x.stability"),
    ):
        v = value(key) or 0.0
        if abs(v) >= limit:
            items.append(t[label].format(value=_signed(v, decimals)))
    return _french(", ".join(items) if items else t["x.none"], lang)


def plan_change_text(row: Mapping[str, Any], lang: str = "en", name: Any = None) -> str:
    """The projects that enter, leave and move (re-timed) in a re-solve against the plan explained, from an
    explain table row (`added`, `displaced`, `retimed` as "id:2028->2030"); "" when nothing changes."""
    t = TEXT[lang]
    name = name or (lambda pid: pid)

    def ids(key: str) -> list[str]:
        v = row.get(key)
        return str(v).split() if v and v == v else []

    parts = []
    if ids("added"):
        parts.append(t["x.enter"].format(ids=", ".join(name(i) for i in ids("added"))))
    if ids("displaced"):
        parts.append(t["x.leave"].format(ids=", ".join(name(i) for i in ids("displaced"))))
    moved = retimed_text(row.get("retimed"), lang, name)
    if moved:
        parts.append(t["x.move"].format(items=moved))
    return "; ".join(parts)


def retimed_text(retimed: Any, lang: str = "en", name: Any = None) -> str:
    """Re-timed projects ("id:2028->2030 ...", as stored) as "name 2028→2030, ..."."""
    if not retimed or retimed != retimed:
        return ""
    name = name or (lambda pid: pid)
    items = []
    for item in str(retimed).split():
        pid, _, years = item.rpartition(":")
        before, _, after = years.partition("->")
        items.append(TEXT[lang]["x.moved_item"].format(id=name(pid), before=before, after=after))
    return ", ".join(items)


def after_horizon_text(row: Mapping[str, Any], horizon_end: int | None, lang: str = "en") -> str:
    """The words "delivered in 2037, after the end of the PPI (2035)" for a re-solve that delivers its project after the
    PPI's last year; "" otherwise."""
    delivery = row.get("delivery")
    if delivery is None or delivery != delivery or horizon_end is None or int(delivery) <= horizon_end:
        return ""
    return TEXT[lang]["x.after_horizon"].format(year=int(delivery), end=horizon_end)


def why_details(row: Mapping[str, Any], units: Mapping[str, str], lang: str = "en", **names: Any) -> str:
    """The parts of a re-solve's objective change and its projects entering, leaving and moving, in one
    sentence (the report tables' column)."""
    kind_name, name = names.get("kind_name"), names.get("name")
    return "; ".join(x for x in (parts_text(row, units, lang, kind_name), plan_change_text(row, lang, name)) if x)


def format_explanation(e: Explanation, top: int = 0) -> str:
    """The explanation as the CLI prints it (`top`: at most this many projects per list, 0 for all). Each value
    is followed by its parts and the projects that enter, leave and move."""
    lines = [f"{e.scenario}: plan {e.status}, objective {e.objective:.6g}" if e.objective is not None else e.scenario]
    left_out = [w for w in e.projects if w.change == "force_in"]
    chosen = [w for w in e.projects if w.change != "force_in"]

    def cut(items: list) -> list:
        return items[:top] if top else items

    def details(label: str, w: ProjectWhy | None, delta: float | None) -> None:
        if w is None or w.parts is None:
            return
        row = {**w.parts.columns(), **_change_columns(w)}
        text = why_details(row, e.units)
        lines.append(f"      {label}{_signed(delta or 0.0)} = {text}")

    if left_out:
        lines.append("\nProjects left out — forced in at their best start year:")
        for w in cut(sorted(left_out, key=lambda w: (w.delta is None, w.delta or 0.0))):
            if w.delta is None:
                note = project_note_text(w.note)
                lines.append(f"  {w.project}: {w.status}" + (f" ({note})" if note else ""))
                continue
            late = _late(w)
            lines.append(f"  {w.project}: objective {w.delta:+.3f} (starts {w.new_start}{late})")
            details("", w, w.delta)
    if chosen:
        lines.append("\nProjects chosen — dropped, or deferred one year:")
        by_project: dict[str, dict[str, ProjectWhy]] = {}
        for w in chosen:
            by_project.setdefault(w.project, {})[w.change] = w
        ordered = sorted(by_project.items(), key=lambda kv: -(kv[1]["drop"].delta or 0.0) if "drop" in kv[1] else 0)
        for pid, changes in cut(ordered):
            parts = []
            drop, defer = changes.get("drop"), changes.get("defer")
            if drop is not None:
                parts.append(f"dropped {drop.delta:+.3f}" if drop.delta is not None else f"dropped: {drop.status}")
            if defer is not None:
                if defer.delta is not None:
                    parts.append(f"deferred to {defer.new_start}{_late(defer)} {defer.delta:+.3f}")
                else:
                    parts.append(project_note_text(defer.note) or defer.status)
            start = drop.start if drop is not None else (defer.start if defer is not None else None)
            lines.append(f"  {pid} (starts {start}): " + "; ".join(parts))
            details("dropped ", drop, drop.delta if drop is not None else None)
            details("deferred ", defer, defer.delta if defer is not None else None)
    if e.budget:
        lines.append("\nValue of one more M€ in each year's envelope (objective removed):")
        for b in e.budget:
            flag = "; one more M€ improves the plan" if b.binding else ""
            limit = ", envelope used up" if b.at_limit else ""
            gain = f"{0.0 if abs(b.gain) < 5e-4 else b.gain:.3f}" if b.gain is not None else b.status
            removed = ", ".join(f"{k} {v:.3g}" for k, v in b.unmet_removed.items() if abs(v) > 1e-6)
            lines.append(
                f"  {b.year}: {gain}{' (unmet removed: ' + removed + ')' if removed else ''};"
                f" margin {b.margin / MEUR:.2f} M€{limit}{flag}"
            )
            if b.parts is not None:
                text = why_details({**b.parts.columns(), **b.change.columns()}, e.units)
                lines.append(f"      objective {_signed(-(b.gain or 0.0))} = {text}")
    if e.binding:
        lines.append("\nWhat holds the plan:")
        lines += [f"  - {binding_text(b, 'en')}" for b in e.binding]
    for kind, values in e.notes:
        lines.append(f"Note: {explain_note_text(kind, values)}")
    return "\n".join(lines)


def _late(w: ProjectWhy) -> str:
    """The words ", delivered in 2037, after the end of the PPI (2035)" when a change delivers it after the PPI."""
    text = after_horizon_text({"delivery": w.delivery}, w.horizon_end)
    return f", {text}" if text else ""


def _change_columns(w: ProjectWhy) -> dict[str, str]:
    return {
        "added": " ".join(w.added),
        "displaced": " ".join(w.displaced),
        "retimed": " ".join(f"{pid}:{a}->{b}" for pid, a, b in w.retimed),
    }


def not_comparable_text(comparison: Any, lang: str) -> str:
    """Empty when the compared objectives count alike; else the weights that differ, in words."""
    if comparison.comparable:
        return ""
    t = TEXT[lang]
    names = {
        "discount": t["w.discount"],
        "transfer penalty": t["w.transfer_penalty"],
        "cost": t["w.cost"],
        "tail weight": t["w.tail_weight"],
    }
    parts = "; ".join(
        f"{label}{' :' if lang == 'fr' else ':'} "
        + ", ".join(f"{names.get(what, what)} {_num(value, lang)}" for what, value in diffs)
        for label, diffs in comparison.weight_differences().items()
    )
    return t["cmp_not_comparable"].format(first=comparison.labels[0], parts=parts)


def _num(value: float, lang: str) -> str:
    """A weight as people write it: `0.05`, or `0,05` in French."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def objective_texts(scenario: Any, ev: Any, lang: str, num: Any, kind_name: Any) -> tuple[str, str]:
    """The objective split into its parts, and the weights behind it, as two sentences of a report.
    `num(value, decimals)` writes a number the report's way; `kind_name(k)` names a kind."""
    from models.evaluate import ObjectiveWeights

    t = TEXT[lang]
    w = ObjectiveWeights.of(scenario)
    kinds = ", ".join(f"{kind_name(k)} {num(ev.unmet_term_by_kind.get(k, 0.0), 2)}" for k, _, _ in w.kinds)
    transfers = t["obj_transfers"].format(value=num(ev.transfer_term, 2)) if scenario.transfers_on else ""
    cost = num(ev.cost_term, 4)
    if getattr(scenario.spec, "revision", None) is not None:  # a revision's stability part (models/revision.py)
        cost += t["obj_stability"].format(value=num(ev.stability_term, 2))
    parts = t["obj_parts"].format(unmet=num(ev.unmet_term, 2), kinds=kinds, transfers=transfers, cost=cost)
    weights = ", ".join(
        t["obj_weight_kind"].format(kind=kind_name(k), weight=_num(weight, lang), unit=unit)
        for k, weight, unit in w.kinds
    )
    penalty = t["obj_penalty"].format(penalty=_num(w.transfer_penalty, lang)) if scenario.transfers_on else ""
    discount = f"{_num(w.discount_rate * 100, lang)} %"
    tail = scenario.tail
    if tail and w.tail_weight != 1.0:  # the tail years' share of their weight, when it is not all of it
        span = str(tail[0]) if len(tail) == 1 else f"{tail[0]}–{tail[-1]}"
        penalty += t["obj_tail"].format(span=span, share=f"{_num(w.tail_weight * 100, lang)} %")
    text = t["obj_weights"].format(
        weights=weights, discount=discount, penalty=penalty, cost_weight=_num(w.cost_weight * MEUR, lang)
    )
    return _french(parts, lang), _french(text, lang)
