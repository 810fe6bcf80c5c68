"""Words of the "why this plan" part of the reports (explain.json, `ppi explain`), in French and English.

Shared by the HTML report and the workbook. The constraints that hold a plan are stored by kind with their
values (analysis.explain.binding_constraints): each kind has one sentence per language here.
"""

from __future__ import annotations

import re
from typing import Any

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
    },
}


def binding_text(item: dict[str, Any], lang: str) -> str:
    """One constraint that holds the plan, in the report's language (its stored English text if unknown)."""
    t = TEXT[lang]
    template = t.get(f"b.{item.get('kind')}")
    if template is None:
        return str(item.get("text", ""))
    values = {k: v for k, v in item.items() if k not in ("kind", "text")}
    if "what" in values:
        values["what"] = t.get(values["what"], values["what"])
    text = template.format(**values)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text) if lang == "fr" else text  # 12.34 -> 12,34


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
