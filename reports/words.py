"""Words of the "why" parts — why this plan (`ppi explain`), why no plan (the diagnosis of `ppi solve`) — in
French and English.

Shared by the CLI (English), the HTML report and the workbook (French by default). What is explained is
stored by kind with its values (money in M€): the constraints that hold a plan
(analysis.explain.binding_constraints), what breaks in an infeasible scenario and the changes that mend it
(analysis.diagnose). Each kind has one sentence per language here, so a stored explanation can be written
in either language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from analysis.diagnose import Diagnosis
    from analysis.explain import Explanation, ProjectWhy

MEUR = 1e6

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Pourquoi ce plan ?",
        "sheet": "Pourquoi ce plan",
        "sheet_budget": "Valeur du budget",
        "h.change": "Changement",
        "change.force_in": "imposé",
        "change.drop": "abandonné",
        "change.defer": "reporté d'un an",
        "h.status": "Résultat",
        "intro": "Chaque valeur vient d'une nouvelle résolution du scénario avec un seul changement. Un écart "
        "positif de l'objectif est une perte (plus de besoins non satisfaits pondérés), un écart négatif un gain.",
        "left": "Projets non retenus : l'effet de les imposer (à leur meilleure année de démarrage)",
        "chosen": "Projets retenus : l'effet de les abandonner ou de les reporter d'un an",
        "budget": "Valeur d'un million d'euros de plus dans l'enveloppe de chaque année",
        "holds": "Ce qui tient le plan",
        "h.project": "Projet",
        "h.start": "Démarrage",
        "h.new_start": "Démarrage imposé",
        "h.delta": "Écart d'objectif",
        "h.displaced": "Projets évincés",
        "h.added": "Projets ajoutés",
        "h.moved": "Projets décalés",
        "h.drop": "Abandon : écart",
        "h.defer": "Report d'un an : écart",
        "h.year": "Année",
        "h.envelope": "Enveloppe",
        "h.charged": "Imputé",
        "h.margin": "Marge",
        "h.gain": "Objectif retiré par M€",
        "h.binding": "Contraignante",
        "h.note": "Remarque",
        "yes": "oui",
        "no": "non",
        "at_limit": "à sa limite",
        "not_possible": "impossible",
        "infeasible": "aucun plan possible",
        "spending": "dépense",
        "net effort": "effort net",
        "b.budget_year": "{year} : une {what} de {charged:.2f} M€ utilise l'enveloppe de {available:.2f} M€ "
        "à {margin:.2f} M€ près [budget[{year}]]",
        "b.budget_total": "{start}–{end} : {used:.2f} M€ utilisés sur l'enveloppe pluriannuelle de {amount:.2f} M€ "
        "[budget_total]",
        "b.window_earliest": "{project} démarre en {year}, la première année que permet sa fenêtre",
        "b.window_latest": "{project} démarre en {year}, la dernière année de sa fenêtre : il ne peut être reporté",
        "b.requires_same_year": "{project} démarre en {year}, l'année où démarre {required} (qu'il requiert)",
        "b.debt_ceiling": "{year} : la dette représente {debt_years:.1f} années d'épargne brute, au plafond de "
        "{ceiling:g} ans [debt_capacity[{year}]]",
        "b.savings_floor": "{year} : l'épargne brute est de {rate:.1%} des recettes, au plancher de {floor:.1%} "
        "[min_savings[{year}]]",
        "b.borrowing_cap": "{year} : l'emprunt nouveau de {borrowing:.2f} M€ atteint le plafond de {cap:.2f} M€ "
        "[financing[{year}]]",
        "pn.cannot_defer": "ne peut être reporté : sa fenêtre se termine en {latest}",
        "pn.no_plan_with": "aucun plan ne peut l'inclure",
        "pn.no_plan_without": "aucun plan sans lui",
        "note.not_optimal": "le plan expliqué est {status} (optimalité non prouvée) : un changement peut l'améliorer "
        "pour des raisons qui lui sont propres",
    },
    "en": {
        "title": "Why this plan?",
        "sheet": "Why this plan",
        "sheet_budget": "Value of budget",
        "h.change": "Change",
        "change.force_in": "forced in",
        "change.drop": "dropped",
        "change.defer": "deferred one year",
        "h.status": "Outcome",
        "intro": "Each value comes from solving the scenario again with one change. A positive change of the "
        "objective is a loss (more weighted unmet demand), a negative one a gain.",
        "left": "Projects not chosen: the effect of forcing them in (at their best start year)",
        "chosen": "Projects chosen: the effect of dropping them or deferring them one year",
        "budget": "Value of one more million euros in each year's envelope",
        "holds": "What holds the plan",
        "h.project": "Project",
        "h.start": "Start",
        "h.new_start": "Start when forced",
        "h.delta": "Objective change",
        "h.displaced": "Projects displaced",
        "h.added": "Projects brought in",
        "h.moved": "Projects moved",
        "h.drop": "Dropped: change",
        "h.defer": "Deferred one year: change",
        "h.year": "Year",
        "h.envelope": "Envelope",
        "h.charged": "Charged",
        "h.margin": "Margin",
        "h.gain": "Objective removed per M€",
        "h.binding": "Binding",
        "h.note": "Note",
        "yes": "yes",
        "no": "no",
        "at_limit": "at its limit",
        "not_possible": "not possible",
        "infeasible": "no plan possible",
        "spending": "spending",
        "net effort": "net effort",
        "b.budget_year": "{year}: {what} of {charged:.2f} M€ uses the envelope of {available:.2f} M€ to within "
        "{margin:.2f} M€ [budget[{year}]]",
        "b.budget_total": "{start}–{end}: {used:.2f} M€ of the {amount:.2f} M€ multi-year envelope are used "
        "[budget_total]",
        "b.window_earliest": "{project} starts in {year}, the earliest year its window allows",
        "b.window_latest": "{project} starts in {year}, the last year of its window: it cannot be deferred",
        "b.requires_same_year": "{project} starts in {year}, the year {required} (which it requires) starts",
        "b.debt_ceiling": "{year}: debt is {debt_years:.1f} years of épargne brute, at the ceiling of {ceiling:g} "
        "years [debt_capacity[{year}]]",
        "b.savings_floor": "{year}: épargne brute is {rate:.1%} of revenue, at the floor of {floor:.1%} "
        "[min_savings[{year}]]",
        "b.borrowing_cap": "{year}: new borrowing of {borrowing:.2f} M€ is at the cap of {cap:.2f} M€ "
        "[financing[{year}]]",
        "pn.cannot_defer": "cannot be deferred: its window ends in {latest}",
        "pn.no_plan_with": "no plan can include it",
        "pn.no_plan_without": "no plan without it",
        "note.not_optimal": "the plan explained is {status} (not proven optimal): a change may improve on it for "
        "reasons of its own",
    },
}

DIAGNOSIS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Why there is no plan",
        "intro": "No plan satisfies the constraints. What breaks:",
        "remedies": "Changes that make it feasible (each checked by solving the changed scenario):",
        "not_checked": "not checked",
        "h.what": "What breaks, then the changes that mend it",
        "h.detail": "Constraint, or change",
        "who.fixed": "committed and mandatory projects",
        "who.required": "committed, mandatory and required projects",
        "what.spending": "spending",
        "what.net": "net effort",
        "st.committed": "committed",
        "st.mandatory": "mandatory",
        "st.candidate": "candidate",
        "st.chosen": "chosen",
        "st.excluded": "excluded",
        "item": "{id} ({status}, {amount:.2f} M€)",
        "more": "and {n} more",
        "carried": " plus {carried:.2f} M€ carried over",
        "f.budget_year": "{year}: {who} need {need:.2f} M€ of {what} against an envelope of {envelope:.2f} M€"
        "{carried} (short by {short:.2f} M€): {projects}",
        "f.budget_cumulative": "{span} (with carry-over): {who} need {need:.2f} M€ of {what} against "
        "{available:.2f} M€ of envelopes (short by {short:.2f} M€): {projects}",
        "f.budget_total": "{start}–{end} multi-year envelope: {who} need {need:.2f} M€ of {what} against "
        "{amount:.2f} M€ (short by {short:.2f} M€): {projects}",
        "f.borrowing": "{year}: the year's investment and repayments need {need:.2f} M€ of new borrowing, above the "
        "{cap:.2f} M€ a year allowed (finance.prospective.max_borrowing)",
        "f.savings": "{year}: épargne brute falls to {rate:.1%} of operating revenue, below the floor of "
        "{floor:.1%} (finance.prospective.min_savings_rate)",
        "f.debt": "{year}: debt of {debt:.2f} M€ is {ratio} épargne brute ({savings:.2f} M€), above the ceiling "
        "of {ceiling:g} years (capacité de désendettement, finance.prospective.max_debt_years)",
        "ratio": "{ratio:.1f} years of",
        "ratio.none": "more than any number of years of",
        "when.starts": "starts in {year}",
        "when.must": "must start in {window}",
        "when.can": "can start in {window}",
        "f.requires": "{p} ({p_status}) {p_when} and requires {q}, which {q_when}: {q} cannot have started by {s}",
        "f.requires_excluded": "{p} ({p_status}) {p_when} and requires {q}, which is excluded",
        "f.excludes": "{p} ({p_status}) and {q} ({q_status}) exclude each other, but both must be carried out",
        "f.mandatory": "mandatory project {p} cannot start in its window {window} with the other constraints",
        "f.row": "constraint {row} cannot be met",
        "r.money": "Give more money",
        "r.carry": "Allow carry-over",
        "r.schedule": "Change the schedule",
        "c.raise_envelope": "raise the {year} envelope by {by:.2f} M€ (to {to:.2f} M€)",
        "c.raise_total": "raise the {start}–{end} multi-year envelope by {by:.2f} M€ (to {to:.2f} M€)",
        "c.borrowing": "allow {to:.2f} M€ of new borrowing a year (instead of {before:.2f} M€)",
        "c.savings_rate": "lower the épargne brute floor to {to:.1%} of operating revenue (from {before:.1%})",
        "c.debt_years": "raise the debt ceiling to {to:g} years of épargne brute (from {before:g})",
        "c.shift": "move {project}'s window {n} year{s} {direction} (to {start}–{end})",
        "later": "later",
        "earlier": "earlier",
        "plural": "s",
        "c.drop_mandatory": "make {project} a candidate instead of mandatory",
        "c.carry_over": "let unspent envelope carry into later years",
        "n.no_diagnosis": "the elastic model ended {status}: no diagnosis",
        "n.in_memory": "the scenario was built in memory: the remedies could not be checked by loading it again",
        "n.not_least": "the least change was not proven within {seconds:g} s: the changes offered work but may not "
        "be the smallest",
        "n.none": "no single kind of change ppi can suggest (money, carry-over, windows) gives a plan",
    },
    "fr": {
        "title": "Pourquoi il n'y a pas de plan",
        "intro": "Aucun plan ne respecte les contraintes. Ce qui bloque :",
        "remedies": "Changements qui rendent le scénario réalisable (chacun vérifié en résolvant le scénario "
        "modifié) :",
        "not_checked": "non vérifié",
        "h.what": "Ce qui bloque, puis les changements qui réparent",
        "h.detail": "Contrainte, ou changement",
        "who.fixed": "les projets engagés et obligatoires",
        "who.required": "les projets engagés, obligatoires et requis",
        "what.spending": "dépenses",
        "what.net": "effort net",
        "st.committed": "engagé",
        "st.mandatory": "obligatoire",
        "st.candidate": "candidat",
        "st.chosen": "retenu",
        "st.excluded": "exclu",
        "item": "{id} ({status}, {amount:.2f} M€)",
        "more": "et {n} autres",
        "carried": " plus {carried:.2f} M€ reportés",
        "f.budget_year": "{year} : {who} demandent {need:.2f} M€ de {what} pour une enveloppe de {envelope:.2f} M€"
        "{carried} (il manque {short:.2f} M€) : {projects}",
        "f.budget_cumulative": "{span} (avec report) : {who} demandent {need:.2f} M€ de {what} pour "
        "{available:.2f} M€ d'enveloppes (il manque {short:.2f} M€) : {projects}",
        "f.budget_total": "enveloppe pluriannuelle {start}–{end} : {who} demandent {need:.2f} M€ de {what} pour "
        "{amount:.2f} M€ (il manque {short:.2f} M€) : {projects}",
        "f.borrowing": "{year} : les investissements et remboursements de l'année demandent {need:.2f} M€ "
        "d'emprunt nouveau, au-delà des {cap:.2f} M€ par an permis (finance.prospective.max_borrowing)",
        "f.savings": "{year} : l'épargne brute tombe à {rate:.1%} des recettes de fonctionnement, sous le "
        "plancher de {floor:.1%} (finance.prospective.min_savings_rate)",
        "f.debt": "{year} : la dette de {debt:.2f} M€ représente {ratio} d'épargne brute ({savings:.2f} M€), "
        "au-delà du plafond de {ceiling:g} ans (capacité de désendettement, finance.prospective.max_debt_years)",
        "ratio": "{ratio:.1f} années",
        "ratio.none": "un nombre d'années infini",
        "when.starts": "démarre en {year}",
        "when.must": "doit démarrer en {window}",
        "when.can": "peut démarrer en {window}",
        "f.requires": "{p} ({p_status}) {p_when} et requiert {q}, qui {q_when} : {q} ne peut avoir démarré en {s}",
        "f.requires_excluded": "{p} ({p_status}) {p_when} et requiert {q}, qui est exclu",
        "f.excludes": "{p} ({p_status}) et {q} ({q_status}) s'excluent l'un l'autre, mais les deux doivent être "
        "réalisés",
        "f.mandatory": "le projet obligatoire {p} ne peut démarrer dans sa fenêtre {window} avec les autres "
        "contraintes",
        "f.row": "la contrainte {row} ne peut être respectée",
        "r.money": "Plus de crédits",
        "r.carry": "Autoriser le report des crédits",
        "r.schedule": "Modifier le calendrier",
        "c.raise_envelope": "relever l'enveloppe {year} de {by:.2f} M€ (à {to:.2f} M€)",
        "c.raise_total": "relever l'enveloppe pluriannuelle {start}–{end} de {by:.2f} M€ (à {to:.2f} M€)",
        "c.borrowing": "permettre {to:.2f} M€ d'emprunt nouveau par an (au lieu de {before:.2f} M€)",
        "c.savings_rate": "abaisser le plancher d'épargne brute à {to:.1%} des recettes (au lieu de {before:.1%})",
        "c.debt_years": "relever le plafond de dette à {to:g} années d'épargne brute (au lieu de {before:g})",
        "c.shift": "décaler la fenêtre de {project} de {n} an{s} {direction} (à {start}–{end})",
        "later": "plus tard",
        "earlier": "plus tôt",
        "plural": "s",
        "c.drop_mandatory": "faire de {project} un projet candidat plutôt qu'obligatoire",
        "c.carry_over": "reporter les crédits non consommés sur les années suivantes",
        "n.no_diagnosis": "le modèle élastique s'est terminé {status} : pas de diagnostic",
        "n.in_memory": "scénario construit en mémoire : les remèdes n'ont pas pu être vérifiés en le relisant",
        "n.not_least": "le plus petit changement n'a pas été prouvé en {seconds:g} s : les changements proposés "
        "fonctionnent mais ne sont peut-être pas les plus petits",
        "n.none": "aucun changement d'un seul type (crédits, report, fenêtres) ne donne de plan",
    },
}


def _french(text: str, lang: str) -> str:
    """12.34 -> 12,34 and 5.0% -> 5,0 % in French text (numbers only: ids and row names keep their dots)."""
    if lang != "fr":
        return text
    text = re.sub(r"(?<=\d)\.(?=\d)", ",", text)
    return re.sub(r"(?<=\d)%", "\u202f%", text)


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def finding_text(f: dict[str, Any], lang: str) -> str:
    """What breaks (analysis.diagnose.Finding as a dict: kind and values) in one sentence."""
    t = DIAGNOSIS[lang]
    v = dict(f.get("values") or {})
    kind = f.get("kind", "row")
    if "projects" in v:
        items = [t["item"].format(id=p["id"], status=t[f"st.{p['status']}"], amount=p["amount"]) for p in v["projects"]]
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
    if kind == "debt":
        v["ratio"] = t["ratio"].format(ratio=v["ratio"]) if v.get("ratio") is not None else t["ratio.none"]
    if kind in ("requires", "requires_excluded", "excludes"):
        for side in ("p", "q"):
            if f"{side}_status" in v:
                v[f"{side}_status"] = t[f"st.{v[side + '_status']}"]
            when = v.get(f"{side}_when")
            if isinstance(when, dict):
                v[f"{side}_when"] = t[f"when.{when['how']}"].format(
                    year=when.get("year"), window=_span(*when.get("window", (0, 0)))
                )
    if kind == "mandatory":
        v["window"] = _span(*v["window"])
    return _french(t[f"f.{kind}"].format(**v), lang)


def note_text(kind: str, values: dict[str, Any], lang: str) -> str:
    return DIAGNOSIS[lang][f"n.{kind}"].format(**values)


def change_text(c: dict[str, Any], lang: str) -> str:
    """One change of a remedy (analysis.diagnose.Change as a dict: kind and values) in words."""
    t = DIAGNOSIS[lang]
    v = dict(c.get("values") or {})
    if c.get("kind") == "shift":
        n = abs(v["years"])
        v = {
            "project": v["project"],
            "n": n,
            "s": t["plural"] if n > 1 else "",
            "direction": t["later"] if v["years"] > 0 else t["earlier"],
            "start": v["start"],
            "end": v["end"],
        }
    return _french(t[f"c.{c.get('kind')}"].format(**v), lang)


def binding_text(item: dict[str, Any], lang: str) -> str:
    """One constraint that holds the plan, in the report's language (its stored English text if unknown)."""
    t = TEXT[lang]
    template = t.get(f"b.{item.get('kind')}")
    if template is None:
        return str(item.get("text", ""))
    values = {k: v for k, v in item.items() if k not in ("kind", "text")}
    if "what" in values:
        values["what"] = t.get(values["what"], values["what"])
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
    return TEXT[lang][f"pn.{kind}"].format(**values)


def explain_note_text(kind: str, values: dict[str, Any], lang: str = "en") -> str:
    """A note on a whole explanation (analysis.explain.Explanation.notes)."""
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
        "projects": records(projects_table(e)),
        "budget": records(e.budget_table()),
        "binding": [{**b, "text": binding_text(b, "en")} for b in e.binding],
        "notes": [explain_note_text(kind, values, "en") for kind, values in e.notes],
    }


def diagnosis_to_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis.json content: kinds and values, with the English words beside them."""
    return {
        "format": "ppi-diagnosis/1",
        "findings": [{**f.to_dict(), "text": finding_text(f.to_dict(), "en")} for f in diagnosis.findings],
        "remedies": [
            {
                "kind": r.kind,
                "title": DIAGNOSIS["en"][f"r.{r.kind}"],
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
    t = DIAGNOSIS[lang]
    lines = [t["intro"]]
    for f in d["findings"]:
        lines.append(f"  - {finding_text(f, lang)}  [{f['row']}]")
    if d["remedies"]:
        lines.append(t["remedies"])
        for i, r in enumerate(d["remedies"], 1):
            check = "" if r["verified"] else f" ({t['not_checked']})"
            words = "; ".join(change_text(c, lang) for c in r["changes"])
            lines.append(f"  {i}. {t['r.' + r['kind']]}{check}: {words}")
            lines.append("     " + " ".join(f"--set {c['edit']}" for c in r["changes"]))
    for note in d["notes"]:
        lines.append(f"Note: {note_text(note['kind'], note['values'], lang)}")
    return "\n".join(lines)


def format_explanation(e: Explanation, top: int = 0) -> str:
    """The explanation as the CLI prints it (`top`: at most this many projects per list, 0 for all)."""
    from analysis.explain import OBJ_EPS

    lines = [f"{e.scenario}: plan {e.status}, objective {e.objective:.6g}" if e.objective is not None else e.scenario]
    left_out = [w for w in e.projects if w.change == "force_in"]
    chosen = [w for w in e.projects if w.change != "force_in"]

    def cut(items: list) -> list:
        return items[:top] if top else items

    if left_out:
        lines.append("\nProjects left out — forced in at their best start year:")
        for w in cut(sorted(left_out, key=lambda w: (w.delta is None, w.delta or 0.0))):
            if w.delta is None:
                note = project_note_text(w.note)
                lines.append(f"  {w.project}: {w.status}" + (f" ({note})" if note else ""))
                continue
            effect = _effect(w)
            lines.append(f"  {w.project}: objective {w.delta:+.3f} (starts {w.new_start}){effect}")
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
                    parts.append(f"deferred to {defer.new_start} {defer.delta:+.3f}")
                else:
                    parts.append(project_note_text(defer.note) or defer.status)
            start = drop.start if drop is not None else None
            lines.append(f"  {pid} (starts {start}): " + "; ".join(parts) + (_effect(drop) if drop else ""))
    if e.budget:
        lines.append("\nValue of one more M€ in each year's envelope (objective removed):")
        for b in e.budget:
            flag = " binding" if b.binding else ""
            limit = " at its limit" if b.at_limit else ""
            gain = f"{b.gain:.3f}" if b.gain is not None else b.status
            removed = ", ".join(f"{k} {v:.3g}" for k, v in b.unmet_removed.items() if abs(v) > OBJ_EPS)
            lines.append(
                f"  {b.year}: {gain}{' (unmet removed: ' + removed + ')' if removed else ''};"
                f" margin {b.margin / MEUR:.2f} M€{limit}{flag}"
            )
    if e.binding:
        lines.append("\nWhat holds the plan:")
        lines += [f"  - {binding_text(b, 'en')}" for b in e.binding]
    for kind, values in e.notes:
        lines.append(f"Note: {explain_note_text(kind, values)}")
    return "\n".join(lines)


def _effect(w: ProjectWhy) -> str:
    parts = []
    if w.displaced:
        parts.append("displaces " + ", ".join(w.displaced))
    if w.added:
        parts.append("brings in " + ", ".join(w.added))
    if w.moved:
        parts.append(f"moves {len(w.moved)} other" + ("s" if len(w.moved) > 1 else ""))
    return (": " + "; ".join(parts)) if parts else ""
