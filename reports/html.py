"""Self-contained HTML reports: one plan, or several plans side by side — in French by default, English on
request.

One file that opens offline (no external CSS, script, font or image): charts are inline SVG drawn by
matplotlib with their text kept as text; the page prints to A4. Key figures carry `data-key` and
`data-value` attributes (the plan.json value, unrounded) so that tools and tests can read them back. A
tiny inline script records each chart's rendered size (`data-rendered-width`, `data-rendered-height`) and
sets `data-ready="1"` on the body once the page has loaded; the page shows everything without it.

- `plan_html(scenario, plan)`: key figures; spending against the envelope per year by theme; unmet demand
  per kind over time (with the plan, and without new projects); a calendar (Gantt) of the chosen
  operations; a quartier × year heat map of unmet demand per kind; the projects not chosen; demand met in
  a neighbouring quartier; savings and debt; the inputs and overrides used.
- `comparison_html(comparison)`: the summary table and the start year of every project, differences
  highlighted; spending per year (grouped bars, each variant with its envelope) and unmet demand per kind
  (one line per variant), each chart on one set of axes.

The output depends only on its inputs, apart from the "report generated on" date.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from models.evaluate import Evaluation, evaluate_plan
from models.scenario import Scenario, competences, maturity_levels
from reports.compare import Comparison
from reports.words import DIAGNOSIS, binding_text, change_text, finding_text, note_text
from reports.words import TEXT as EXPLAIN_TEXT
from reports.words import chosen as explain_chosen
from reports.words import left_out as explain_left_out

LANGS = ("fr", "en")

NBSP = "\u00a0"  # between a number and its unit
NNBSP = "\u202f"  # French thousands separator (espace fine insécable), and before %

# Colours: themes with a fixed colour first, any other theme takes the next of the palette in the order the
# scenario lists its projects (so that a report's colours do not depend on which projects were chosen).
_THEME_COLOURS = {"scolaire": "#2f6db5", "petite enfance": "#e08a2c", "scolaire et petite enfance": "#8a5fb0"}
_PALETTE = ("#2e9e6a", "#b8405e", "#6b8e23", "#8c6d46", "#4fa3c7", "#c9a227", "#7f7f7f", "#d46aa6")
_VARIANT_COLOURS = ("#1f5fa8", "#e0812b", "#2e9e6a", "#b8405e", "#7b61b8", "#8c6d46", "#4fa3c7", "#6b6b6b")
_KIND_COLOURS = ("#1f5fa8", "#2e9e6a", "#e0812b", "#b8405e", "#7b61b8", "#8c6d46")
_KNOWN_KINDS = {"maternelle": "maternelle", "elementaire": "élémentaire", "creche": "crèche"}

# Matplotlib settings for every chart: text stays text in the SVG, with a font stack every browser can use.
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans", "Helvetica"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#8a96a3",
    "axes.labelcolor": "#2b3440",
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "xtick.color": "#2b3440",
    "ytick.color": "#2b3440",
    "grid.color": "#e1e5ea",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "legend.fontsize": 9,
}

_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title_plan": "Rapport de plan PPI",
        "title_cmp": "Comparaison de variantes PPI",
        "horizon": "Horizon {start}–{end}",
        "horizon_label": "Horizon",
        "plan_created": "plan calculé le {date}",
        "generated": "rapport généré le {date}",
        "contents": "Sommaire",
        "summary": "Synthèse",
        "spending": "Dépenses et enveloppes par année",
        "unmet": "Besoins non satisfaits",
        "heatmap": "Besoins non satisfaits par quartier et par année",
        "gantt": "Calendrier des opérations retenues",
        "not_chosen": "Projets non retenus",
        "transfers": "Besoins accueillis dans un quartier voisin",
        "finance": "Épargne et dette",
        "inputs": "Hypothèses et paramètres",
        "cmp_starts": "Année de démarrage des projets",
        "status": "Statut",
        "status.optimal": "optimal (prouvé)",
        "status.feasible": "réalisable, optimalité non prouvée",
        "status.infeasible": "infaisable",
        "status.no_solution": "aucun plan trouvé",
        "msg.infeasible": (
            "Aucun plan ne respecte toutes les contraintes du scénario : enveloppes annuelles, projets "
            "obligatoires ou engagés, fenêtres de démarrage, exclusions et prérequis, ratios financiers. "
            "Il faut assouplir l'une d'elles (une enveloppe, un projet obligatoire, un plafond) puis relancer "
            "le calcul."
        ),
        "msg.no_solution": (
            "Le solveur s'est arrêté (limite de temps ou erreur) avant de trouver un plan. Relancer le calcul "
            "avec une limite de temps plus longue (--time-limit)."
        ),
        "gap": "écart d'optimalité {gap}",
        "objective": "Objectif",
        "objective_note": "besoins non satisfaits pondérés ; borne {bound}",
        "unmet_kind": "Besoins non satisfaits — {kind}",
        "unmet_note": "pire année {year} : {worst} ; sans nouveaux projets : {without}",
        "unit_years": "{unit} × années",
        "weighted_unit_years": "unités × années, pondérées",
        "years": "années",
        "projects_chosen": "Projets retenus",
        "projects_note": "sur {n} candidats",
        "city_cost": "Coût pour la ville (AP)",
        "city_cost_col": "Coût ville (AP)",
        "city_cost_note": "total des opérations retenues",
        "spent_total": "Dépenses sur l'horizon (CP)",
        "spent_note": "pour {envelope} d'enveloppes ({use})",
        "debt_years": "Capacité de désendettement",
        "debt_years_note": "pire année {year} ; plafond {limit}",
        "no_limit": "aucun plafond",
        "year": "Année",
        "envelope": "Enveloppe",
        "available": "Enveloppe disponible (report compris)",
        "spent": "Dépenses (CP)",
        "receipts": "Recettes (FCTVA + subventions)",
        "net": "Effort net",
        "margin": "Marge",
        "use": "Utilisation",
        "total": "Total",
        "M_eur": "M€",
        "no_theme": "sans thème",
        "spending_caption": (
            "Crédits de paiement (CP) de la ville par année, empilés par thème des opérations, et enveloppe PPI "
            "de l'année (trait noir){carry}. Au-dessus des barres : part de l'enveloppe utilisée.{net}"
        ),
        "carry": ", report des crédits non consommés compris",
        "net_caption": (
            " Les enveloppes plafonnent l'effort net (dépenses − FCTVA − subventions), marqué ◆ ; "
            "le pourcentage porte sur lui."
        ),
        "net_marker": "Effort net (plafonné)",
        "outside": "Dépenses hors horizon, imputées à aucune enveloppe : {items}.",
        "total_envelope": "Enveloppe pluriannuelle {start}–{end} : {amount}, utilisée {used}.",
        "with_plan": "avec le plan",
        "without": "sans nouveaux projets",
        "unmet_caption": (
            "Besoins non satisfaits chaque année, tous quartiers confondus, par type de besoin dans son unité "
            "(non pondérés) : avec le plan (trait plein) et sans nouveaux projets, les seules opérations "
            "engagées étant réalisées (tirets)."
        ),
        "heatmap_caption": (
            "Besoins non satisfaits par quartier (lignes) et par année (colonnes), pour chaque type de besoin "
            "dans son unité (classes, places), non pondérés. Case vide : besoin couvert."
        ),
        "gantt_caption": (
            "Chaque barre va de l'année de démarrage de l'opération à son année de mise en service (chiffre à "
            "droite), couleur selon le thème ; hachures : opération engagée (coup parti). En gris : années hors "
            "de l'horizon du PPI."
        ),
        "committed": "engagée (coup parti)",
        "outside_horizon": "hors horizon",
        "no_chosen": "Aucune opération retenue.",
        "project": "Projet",
        "district": "Quartier",
        "theme": "Thème",
        "start": "Démarrage",
        "delivery": "Mise en service",
        "capacity_added": "Capacité ajoutée",
        "capacity_would_add": "Capacité qu'il ajouterait",
        "maturity_competence": "Maturité, compétence",
        "cost": "Coût total",
        "chosen_table": "Opérations retenues",
        "not_chosen_intro": "{n} projets candidats ne sont pas retenus dans ce plan.",
        "all_chosen": "Tous les projets candidats sont retenus.",
        "excluded_note": "{n} projet(s) exclu(s) par le scénario ne sont pas proposés : {ids}.",
        "transfers_intro": (
            "Une partie des besoins d'un quartier plein est accueillie par la capacité disponible d'un "
            "quartier voisin (dans la limite fixée par le scénario, avec une pénalité)."
        ),
        "no_transfers": "Aucun besoin n'est accueilli dans un quartier voisin dans ce plan.",
        "from": "Quartier d'origine",
        "to": "Quartier d'accueil",
        "kind": "Besoin",
        "units_total": "Total",
        "years_span": "Années",
        "max_year": "Maximum sur une année",
        "op_costs": "Fonctionnement ajouté",
        "epargne": "Épargne brute",
        "savings_rate": "Taux d'épargne brute",
        "borrowing": "Emprunt",
        "debt": "Dette au 31/12",
        "debt_years_col": "Capacité de désendettement (années)",
        "finance_caption": (
            "Trajectoire d'épargne et de dette du plan, en n'empruntant que ce qui boucle chaque année. {limits}"
        ),
        "limits": "Limites du scénario : {items}.",
        "min_savings": "taux d'épargne brute ≥ {v}",
        "max_debt_years": "capacité de désendettement ≤ {v} ans",
        "max_borrowing": "emprunt ≤ {v} par an",
        "scenario": "Scénario",
        "source": "Fichier",
        "variant": "Variante",
        "none_f": "aucune",
        "none_m": "aucun",
        "overrides": "Paramètres modifiés",
        "solver": "Solveur",
        "solver_text": "{solver} ({message}), {runtime}",
        "options": "Options du solveur",
        "model": "Taille du modèle",
        "model_text": "{columns} variables dont {binaries} binaires, {rows} contraintes",
        "basis": "Base des enveloppes",
        "basis.gross": "dépenses brutes de la ville",
        "basis.net": "effort net (dépenses − FCTVA − subventions)",
        "created": "Plan calculé le",
        "version": "Version de ppi",
        "warnings": "Avertissements du scénario",
        "demand_source": "Origine de la demande",
        "demand_forecast": "projetée (effectifs, logements, naissances) pour {n} couples quartier-besoin sur {total}",
        "demand_table": "tableau de demande du scénario",
        "seconds": "s",
        "cmp_intro": "Variantes comparées : {labels}. Les cellules surlignées diffèrent de la première variante.",
        "cmp_spending_caption": (
            "Dépenses de la ville (CP) par année : une barre par variante, sur la même échelle ; trait noir : "
            "enveloppe de la variante cette année-là."
        ),
        "cmp_unmet_caption": (
            "Besoins non satisfaits chaque année, tous quartiers confondus, par type de besoin dans son unité "
            "(non pondérés) : une courbe par variante, sur les mêmes axes."
        ),
        "cmp_no_plan": " Sans plan, donc absentes des graphiques : {labels}.",
        "cmp_starts_intro": (
            "{n} projets sur {total} changent d'une variante à l'autre (— : non retenu) : ils viennent en tête, "
            "les cellules différentes de la première variante surlignées."
        ),
        "cmp_budget": "Enveloppes et dépenses par année",
        "indicator": "Indicateur",
        "unit": "Unité",
        "differs": "Diffère",
        "yes": "oui",
        "ind.status": "statut",
        "ind.gap": "écart d'optimalité",
        "ind.objective": "objectif",
        "ind.unmet": "besoins non satisfaits — {kind}",
        "ind.unmet_worst": "besoins non satisfaits — {kind}, pire année",
        "ind.unmet_worst_year": "besoins non satisfaits — {kind}, pire année (année)",
        "ind.projects chosen": "projets retenus",
        "ind.city cost of the projects chosen": "coût ville des projets retenus (AP)",
        "ind.spending over the horizon": "dépenses sur l'horizon (CP)",
        "ind.net effort over the horizon": "effort net sur l'horizon",
        "ind.capacité de désendettement, worst year": "capacité de désendettement, pire année",
        "ind.debt at the horizon end": "dette en fin d'horizon",
        "legend_envelope": "enveloppe de la variante",
        "footer": "Rapport produit par ppi {version}, outil libre d'aide à la décision pour la PPI.",
    },
    "en": {
        "title_plan": "PPI plan report",
        "title_cmp": "PPI variants comparison",
        "horizon": "Horizon {start}–{end}",
        "horizon_label": "Horizon",
        "plan_created": "plan computed on {date}",
        "generated": "report generated on {date}",
        "contents": "Contents",
        "summary": "Summary",
        "spending": "Spending and envelopes per year",
        "unmet": "Unmet demand",
        "heatmap": "Unmet demand per quartier and year",
        "gantt": "Schedule of the chosen operations",
        "not_chosen": "Projects not chosen",
        "transfers": "Demand met in a neighbouring quartier",
        "finance": "Savings and debt",
        "inputs": "Inputs and parameters",
        "cmp_starts": "Start year of each project",
        "status": "Status",
        "status.optimal": "optimal (proven)",
        "status.feasible": "feasible, not proven optimal",
        "status.infeasible": "infeasible",
        "status.no_solution": "no plan found",
        "msg.infeasible": (
            "No plan satisfies every constraint of the scenario: yearly envelopes, mandatory or committed "
            "projects, start windows, alternatives and prerequisites, finance ratios. Relax one of them (an "
            "envelope, a mandatory project, a ceiling) and solve again."
        ),
        "msg.no_solution": (
            "The solver stopped (time limit or error) before finding any plan. Solve again with a longer time "
            "limit (--time-limit)."
        ),
        "gap": "optimality gap {gap}",
        "objective": "Objective",
        "objective_note": "weighted unmet demand; bound {bound}",
        "unmet_kind": "Unmet demand — {kind}",
        "unmet_note": "worst year {year}: {worst}; without new projects: {without}",
        "unit_years": "{unit} × years",
        "weighted_unit_years": "unit-years, weighted",
        "years": "years",
        "projects_chosen": "Projects chosen",
        "projects_note": "of {n} candidates",
        "city_cost": "Cost to the city (AP)",
        "city_cost_col": "City cost (AP)",
        "city_cost_note": "all chosen operations",
        "spent_total": "Spending over the horizon (CP)",
        "spent_note": "for {envelope} of envelopes ({use})",
        "debt_years": "Capacité de désendettement",
        "debt_years_note": "worst year {year}; ceiling {limit}",
        "no_limit": "no ceiling",
        "year": "Year",
        "envelope": "Envelope",
        "available": "Envelope available (incl. carry-over)",
        "spent": "Spending (CP)",
        "receipts": "Receipts (FCTVA + subsidies)",
        "net": "Net effort",
        "margin": "Margin",
        "use": "Use",
        "total": "Total",
        "M_eur": "M€",
        "no_theme": "no theme",
        "spending_caption": (
            "The city's crédits de paiement (CP) per year, stacked by the operations' theme, and the year's PPI "
            "envelope (black line){carry}. Above the bars: share of the envelope used.{net}"
        ),
        "carry": ", including unspent credit carried over",
        "net_caption": (
            " The envelopes limit the net effort (spending − FCTVA − subsidies), marked ◆; the percentage refers to it."
        ),
        "net_marker": "Net effort (limited)",
        "outside": "Spending outside the horizon, charged to no envelope: {items}.",
        "total_envelope": "Multi-year envelope {start}–{end}: {amount}, used {used}.",
        "with_plan": "with the plan",
        "without": "without new projects",
        "unmet_caption": (
            "Unmet demand each year, all quartiers together, per kind in its unit (not weighted): with the plan "
            "(solid line) and without new projects, only the committed operations being built (dashed)."
        ),
        "heatmap_caption": (
            "Unmet demand per quartier (rows) and year (columns), for each kind of demand in its unit (classes, "
            "places), not weighted. Empty cell: demand met."
        ),
        "gantt_caption": (
            "Each bar runs from the operation's start year to the year it opens (number on the right), coloured "
            "by theme; hatched: committed operation (coup parti). Grey: years outside the PPI horizon."
        ),
        "committed": "committed (coup parti)",
        "outside_horizon": "outside the horizon",
        "no_chosen": "No operation is chosen.",
        "project": "Project",
        "district": "Quartier",
        "theme": "Theme",
        "start": "Start",
        "delivery": "Opens",
        "capacity_added": "Capacity added",
        "capacity_would_add": "Capacity it would add",
        "maturity_competence": "Maturity, competence",
        "cost": "Total cost",
        "chosen_table": "Chosen operations",
        "not_chosen_intro": "{n} candidate projects are not chosen in this plan.",
        "all_chosen": "Every candidate project is chosen.",
        "excluded_note": "{n} project(s) excluded by the scenario are not offered: {ids}.",
        "transfers_intro": (
            "Part of a full quartier's demand is met by spare capacity in a neighbouring quartier (within the "
            "scenario's cap, at a penalty)."
        ),
        "no_transfers": "No demand is met in a neighbouring quartier in this plan.",
        "from": "From quartier",
        "to": "To quartier",
        "kind": "Demand",
        "units_total": "Total",
        "years_span": "Years",
        "max_year": "Most in one year",
        "op_costs": "Operating costs added",
        "epargne": "Épargne brute",
        "savings_rate": "Épargne brute rate",
        "borrowing": "Borrowing",
        "debt": "Debt at year end",
        "debt_years_col": "Capacité de désendettement (years)",
        "finance_caption": "The plan's savings and debt path, borrowing only what closes each year. {limits}",
        "limits": "Scenario limits: {items}.",
        "min_savings": "épargne brute rate ≥ {v}",
        "max_debt_years": "capacité de désendettement ≤ {v} years",
        "max_borrowing": "borrowing ≤ {v} a year",
        "scenario": "Scenario",
        "source": "File",
        "variant": "Variant",
        "none_f": "none",
        "none_m": "none",
        "overrides": "Overrides",
        "solver": "Solver",
        "solver_text": "{solver} ({message}), {runtime}",
        "options": "Solver options",
        "model": "Model size",
        "model_text": "{columns} columns ({binaries} binary), {rows} rows",
        "basis": "Envelopes limit",
        "basis.gross": "the city's gross spending",
        "basis.net": "net effort (spending − FCTVA − subsidies)",
        "created": "Plan computed on",
        "version": "ppi version",
        "warnings": "Scenario warnings",
        "demand_source": "Demand",
        "demand_forecast": "forecast (pupils, housing, births) for {n} of {total} quartier-kind pairs",
        "demand_table": "the scenario's demand table",
        "seconds": "s",
        "cmp_intro": "Variants compared: {labels}. Highlighted cells differ from the first variant.",
        "cmp_spending_caption": (
            "City spending (CP) per year: one bar per variant, on the same scale; black line: the variant's "
            "envelope that year."
        ),
        "cmp_unmet_caption": (
            "Unmet demand each year, all quartiers together, per kind in its unit (not weighted): one line per "
            "variant, on the same axes."
        ),
        "cmp_no_plan": " Without a plan, hence not in the charts: {labels}.",
        "cmp_starts_intro": (
            "{n} of {total} projects change from one variant to another (—: not chosen): they come first, with "
            "the cells that differ from the first variant highlighted."
        ),
        "cmp_budget": "Envelopes and spending per year",
        "indicator": "Indicator",
        "unit": "Unit",
        "differs": "Differs",
        "yes": "yes",
        "ind.status": "status",
        "ind.gap": "optimality gap",
        "ind.objective": "objective",
        "ind.unmet": "unmet demand — {kind}",
        "ind.unmet_worst": "unmet demand — {kind}, worst year",
        "ind.unmet_worst_year": "unmet demand — {kind}, worst year (year)",
        "ind.projects chosen": "projects chosen",
        "ind.city cost of the projects chosen": "city cost of the projects chosen (AP)",
        "ind.spending over the horizon": "spending over the horizon (CP)",
        "ind.net effort over the horizon": "net effort over the horizon",
        "ind.capacité de désendettement, worst year": "capacité de désendettement, worst year",
        "ind.debt at the horizon end": "debt at the horizon end",
        "legend_envelope": "the variant's envelope",
        "footer": "Report produced by ppi {version}, an open-source decision-support tool for the PPI.",
    },
}

# French typography: a no-break space before ":" and a narrow one before ";".
_TEXT["fr"] = {k: v.replace(" : ", f"{NBSP}: ").replace(" ;", f"{NNBSP};") for k, v in _TEXT["fr"].items()}

_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ),
}  # fmt: skip


# --------------------------------------------------------------------------------------------- formatting


class _Fmt:
    """Numbers, money, shares and dates in the report's language (French: 12 345,6 — English: 12,345.6)."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown report language {lang!r}; choose one of {', '.join(LANGS)}")
        self.lang = lang
        self.t = _TEXT[lang]
        self.colon = f"{NBSP}: " if lang == "fr" else ": "

    def num(self, x: float | None, decimals: int = 1) -> str:
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "—"
        x = float(x)
        if round(x, decimals) == 0:
            x = 0.0  # no "-0,0"
        text = f"{abs(x):,.{decimals}f}"
        if self.lang == "fr":
            text = text.replace(",", NNBSP).replace(".", ",")
        return ("−" if x < 0 else "") + text

    def meur(self, x: float | None, decimals: int = 2) -> str:
        return "—" if x is None else f"{self.num(x / 1e6, decimals)}{NBSP}M€"

    def pct(self, x: float | None, decimals: int = 0) -> str:
        if x is None or not math.isfinite(x):
            return "—"
        return f"{self.num(100 * x, decimals)}{NNBSP if self.lang == 'fr' else ''}%"

    def date(self, iso: str | None) -> str:
        if not iso:
            return "—"
        try:
            when = datetime.fromisoformat(iso)
        except ValueError:
            return iso
        month = _MONTHS[self.lang][when.month - 1]
        zone = " UTC" if when.utcoffset() is not None and not when.utcoffset() else ""
        if self.lang == "fr":
            return f"{when.day} {month} {when.year} à {when:%H:%M}{zone}"
        return f"{when.day} {month} {when.year}, {when:%H:%M}{zone}"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _attr_value(value: Any) -> str:
    """A plan.json value as it goes into data-value: repr of floats (unrounded), plain text otherwise."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ------------------------------------------------------------------------------------------------ names


def _kind_label(scenario: Scenario, kind: str) -> str:
    spec = scenario.spec.demand_kinds.get(kind)
    return (spec.name if spec is not None and spec.name else None) or _KNOWN_KINDS.get(kind, kind)


def _unit(scenario: Scenario, kind: str) -> str:
    spec = scenario.spec.demand_kinds.get(kind)
    return spec.unit if spec is not None else ""


def _district_names(scenario: Scenario) -> dict[str, str]:
    return {d.id: d.name or d.id for d in scenario.spec.districts}


def _theme_colours(scenario: Scenario) -> dict[str, str]:
    colours: dict[str, str] = {}
    extra = iter(_PALETTE * 4)
    for p in scenario.projects:
        theme = p.theme or ""
        if theme not in colours:
            colours[theme] = _THEME_COLOURS.get(theme) or next(extra, "#7f7f7f")
    return colours


def _short(text: str, limit: int = 58) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------------------------------------ charts


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any, name: str, label: str) -> str:
    """The figure as inline SVG: no XML prologue, DOCTYPE or metadata, every id prefixed with the chart's
    name (matplotlib numbers its ids from 1 in each figure), text kept as text."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"ppi-{name}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m[1]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name}-{m[1]})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{name}-{m[1]}"', svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_e(label)}" ', 1)
    return svg.strip()


def _axis_formatter(fmt: _Fmt, decimals: int) -> Any:
    """Tick labels in the report's language, without a useless ",0"."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _pos: int) -> str:
        text = fmt.num(value, decimals)
        return (
            text[: -(decimals + 1)]
            if decimals and text.endswith(("," if fmt.lang == "fr" else ".") + "0" * decimals)
            else text
        )

    return FuncFormatter(label)


def _decimals_for(top: float) -> int:
    return 0 if top >= 20 else 1


def _legend_below(fig: Any, handles: list[Any], labels: list[str], ncol: int | None = None) -> None:
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol or min(len(labels), 5))


def _spending_chart(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    """Stacked bars of the city's spending per year by theme; the envelope of each year as a black line."""
    t = fmt.t
    years = list(scenario.years)
    colours = _theme_colours(scenario)
    theme_of = dict(zip(ev.projects["project"], ev.projects["theme"].fillna(""), strict=True))
    spending = ev.spending[ev.spending["year"].isin(years)].assign(
        theme=lambda df: df["project"].map(theme_of).fillna("")
    )
    by_theme = (
        spending.pivot_table(index="year", columns="theme", values="city_spending", aggfunc="sum")
        .reindex(years)
        .fillna(0.0)
        / 1e6
    )
    budget = ev.budget.set_index("year").reindex(years)
    limit = budget["available"] / 1e6
    charged = budget["charged"] / 1e6
    spent = budget["spent"] / 1e6
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(11, 5.0)
        ax = fig.add_subplot()
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        bottom = pd.Series(0.0, index=years)
        handles, labels = [], []
        for theme in colours:
            if theme not in by_theme.columns or not by_theme[theme].any():
                continue
            bars = ax.bar(
                years, by_theme[theme], bottom=bottom, width=0.68, color=colours[theme], edgecolor="white", lw=0.6
            )
            bottom = bottom + by_theme[theme]
            handles.append(bars)
            labels.append(theme or t["no_theme"])
        line = ax.hlines(limit, [y - 0.42 for y in years], [y + 0.42 for y in years], colors="#111111", lw=2.6)
        handles.append(line)
        labels.append(t["available"] if scenario.carry_over else t["envelope"])
        if scenario.net_basis:
            (marker,) = ax.plot(years, charged, "D", color="#111111", ms=5, ls="none")
            handles.append(marker)
            labels.append(t["net_marker"])
        top = float(max(limit.max(), spent.max(), 1e-9))
        for y in years:
            use = charged[y] / limit[y] if limit[y] else float("nan")
            height = max(float(spent[y]), float(limit[y]))
            label = ax.text(
                y, height + top * 0.015, fmt.pct(use), ha="center", va="bottom", fontsize=8.5, color="#3a4654"
            )
            label.set_in_layout(False)
        ax.set_ylim(0, top * 1.12)
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel(t["M_eur"])
        ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
        _legend_below(fig, handles, labels)
        return _svg(fig, "spending", t["spending"])


def _kind_grid(fig: Any, n: int, sharey: bool = False) -> list[Any]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=sharey)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    return flat[:n]


def _unmet_chart(scenario: Scenario, ev: Evaluation, baseline: Evaluation, fmt: _Fmt) -> str:
    """One panel per kind: unmet demand per year with the plan, and without new projects."""
    t = fmt.t
    years = list(scenario.years)
    kinds = list(scenario.kinds)
    import matplotlib
    from matplotlib.lines import Line2D

    with matplotlib.rc_context(_RC):
        rows = math.ceil(len(kinds) / 3)
        fig = _figure(11, 3.5 * rows + 0.6)
        for i, (ax, k) in enumerate(zip(_kind_grid(fig, len(kinds)), kinds, strict=True)):
            plan_series = ev.balance[ev.balance["kind"] == k].groupby("year")["unmet"].sum().reindex(years)
            base_series = baseline.balance[baseline.balance["kind"] == k].groupby("year")["unmet"].sum()
            base_series = base_series.reindex(years)
            colour = _KIND_COLOURS[i % len(_KIND_COLOURS)]
            ax.plot(years, base_series, "--", color="#8a96a3", lw=1.8)
            ax.plot(years, plan_series, "-o", color=colour, lw=2.4, ms=4)
            ax.fill_between(years, plan_series, color=colour, alpha=0.12, lw=0)
            top = float(max(base_series.max(), plan_series.max(), 1e-9))
            ax.set_ylim(0, top * 1.1)
            ax.set_title(f"{_kind_label(scenario, k)} ({_unit(scenario, k)})")
            ax.set_xticks(years, labels=[str(y) for y in years], rotation=45, fontsize=8.5)
            ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
            ax.grid(axis="y")
        handles = [
            Line2D([], [], color="#2b3440", lw=2.4, marker="o", ms=4),
            Line2D([], [], color="#8a96a3", lw=1.8, ls="--"),
        ]
        _legend_below(fig, handles, [t["with_plan"], t["without"]])
        return _svg(fig, "unmet", t["unmet"])


def _heatmap_chart(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    """One panel per kind: unmet demand per district (rows) and year (columns), annotated."""
    t = fmt.t
    years = list(scenario.years)
    kinds = list(scenario.kinds)
    districts = list(scenario.districts)
    names = _district_names(scenario)
    import matplotlib

    with matplotlib.rc_context(_RC):
        rows = math.ceil(len(kinds) / 3)
        fig = _figure(12, rows * (0.3 * len(districts) + 1.3) + 0.2)
        axes = _kind_grid(fig, len(kinds), sharey=True)
        cmap = matplotlib.colormaps["Reds"]
        for i, (ax, k) in enumerate(zip(axes, kinds, strict=True)):
            grid = (
                ev.balance[ev.balance["kind"] == k]
                .pivot_table(index="district", columns="year", values="unmet", aggfunc="sum")
                .reindex(index=districts, columns=years)
                .fillna(0.0)
            )
            top = float(max(grid.max().max(), 1e-9))
            shown = grid.where(grid > 1e-6)
            ax.imshow(shown.values, aspect="auto", cmap=cmap, vmin=0, vmax=top * 1.15, interpolation="nearest")
            decimals = 0 if top >= 20 else 1
            for r, d in enumerate(districts):
                for c, y in enumerate(years):
                    value = float(grid.loc[d, y])
                    if value > 1e-6 and round(value, decimals) > 0:
                        colour = "white" if value > 0.55 * top * 1.15 else "#2b1a1a"
                        ax.text(
                            c, r, fmt.num(value, decimals), ha="center", va="center", fontsize=7, color=colour
                        ).set_in_layout(False)
            ax.set_xticks(range(len(years)), labels=[f"{y % 100:02d}" for y in years], fontsize=8)
            ax.set_yticks(range(len(districts)), labels=[_short(names[d], 30) for d in districts], fontsize=8)
            if i % 3:
                ax.tick_params(axis="y", labelleft=False)
            ax.set_title(f"{_kind_label(scenario, k)} ({_unit(scenario, k)})")
            ax.set_xlabel(f"{t['year']} ({years[0]}–{years[-1]})", fontsize=8.5)
            ax.set_xticks([x - 0.5 for x in range(len(years) + 1)], minor=True)
            ax.set_yticks([r - 0.5 for r in range(len(districts) + 1)], minor=True)
            ax.grid(which="minor", color="white", lw=1.2)
            ax.tick_params(which="both", length=0)
            for side in ("top", "right", "left", "bottom"):
                ax.spines[side].set_visible(False)
        return _svg(fig, "heatmap", t["heatmap"])


def _gantt_chart(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    """One bar per chosen project, from its start to its delivery, coloured by theme."""
    from matplotlib.patches import Patch

    t = fmt.t
    colours = _theme_colours(scenario)
    chosen = ev.projects[ev.projects["chosen"]].sort_values(["start", "delivery", "project"])
    starts = [int(s) for s in chosen["start"]]
    deliveries = [int(d) for d in chosen["delivery"]]
    lo = min(min(starts), scenario.first_year) - 0.5
    hi = max(max(deliveries), scenario.last_year + 1) + 1.2
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(11, 0.3 * len(chosen) + 1.5)
        ax = fig.add_subplot()
        ax.axvspan(lo, scenario.first_year, color="#eceff3", lw=0)
        ax.axvspan(scenario.last_year + 1, hi, color="#eceff3", lw=0)
        for i, (row, s, d) in enumerate(zip(chosen.itertuples(index=False), starts, deliveries, strict=True)):
            committed = row.status == "committed"
            ax.barh(
                i,
                max(d - s, 0.25),
                left=s,
                height=0.62,
                color=colours.get(row.theme or "", "#7f7f7f"),
                edgecolor="white" if not committed else "#1d2733",
                hatch="///" if committed else None,
                lw=0.6,
            )
            label = ax.text(max(d, s + 0.25) + 0.08, i, str(d), va="center", ha="left", fontsize=8, color="#3a4654")
            label.set_in_layout(False)
        ax.set_yticks(range(len(chosen)), labels=[_short(str(r.name or r.project)) for r in chosen.itertuples()])
        ax.tick_params(axis="y", labelsize=8.5, length=0)
        ax.set_ylim(len(chosen) - 0.4, -0.6)
        ax.set_xlim(lo, hi)
        ticks = list(range(math.ceil(lo), math.floor(hi) + 1))
        ax.set_xticks(ticks, labels=[str(y) for y in ticks], fontsize=8.5)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        present = [th for th in colours if th in set(chosen["theme"].fillna(""))]
        handles: list[Any] = [Patch(color=colours[th]) for th in present]
        labels = [th or t["no_theme"] for th in present]
        if (chosen["status"] == "committed").any():
            handles.append(Patch(facecolor="white", edgecolor="#1d2733", hatch="///"))
            labels.append(t["committed"])
        handles.append(Patch(facecolor="#eceff3", edgecolor="#c5ccd5"))
        labels.append(t["outside_horizon"])
        fig.legend(handles, labels, loc="outside upper center", ncol=len(labels))
        return _svg(fig, "gantt", t["gantt"])


def _figure_html(name: str, svg: str, caption: str, extra: Mapping[str, str] | None = None) -> str:
    attrs = "".join(f' data-{k}="{_e(v)}"' for k, v in (extra or {}).items())
    return f'<figure class="chart" data-chart="{name}"{attrs}>\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>'


# ------------------------------------------------------------------------------------------------ pieces


def _kpi(label: str, value: str, key: str, data_value: Any, note: str = "", css: str = "") -> str:
    return (
        f'<div class="kpi{" " + css if css else ""}"><div class="label">{_e(label)}</div>'
        f'<div class="value" data-key="{_e(key)}" data-value="{_e(_attr_value(data_value))}">{value}</div>'
        + (f'<div class="note">{note}</div>' if note else "")
        + "</div>"
    )


def _span(key: str, data_value: Any, text: str) -> str:
    return f'<span data-key="{_e(key)}" data-value="{_e(_attr_value(data_value))}">{text}</span>'


def _table(
    head: Sequence[str | tuple[str, str]],
    rows: Iterable[Sequence[str | tuple[str, str]]],
    row_classes: Sequence[str] | None = None,
    head_rows: Sequence[str] = (),
    css: str = "",
) -> str:
    """An HTML table; a cell is its HTML, or (HTML, class). Header cells are escaped text."""

    def cell(tag: str, c: str | tuple[str, str], escape: bool) -> str:
        text, cls = (c, "") if isinstance(c, str) else c
        body = _e(text) if escape else text
        return f'<{tag} class="{cls}">{body}</{tag}>' if cls else f"<{tag}>{body}</{tag}>"

    out = [f'<div class="table-wrap"><table class="{css}">' if css else '<div class="table-wrap"><table>', "<thead>"]
    out += list(head_rows)
    out.append("<tr>" + "".join(cell("th", c, True) for c in head) + "</tr>")
    out.append("</thead><tbody>")
    for i, r in enumerate(rows):
        cls = row_classes[i] if row_classes and row_classes[i] else ""
        out.append((f'<tr class="{cls}">' if cls else "<tr>") + "".join(cell("td", c, False) for c in r) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _capacity_heads(scenario: Scenario) -> list[str | tuple[str, str]]:
    return [(f"{_kind_label(scenario, k)} ({_unit(scenario, k)})", "num") for k in scenario.kinds]


def _capacity_cells(scenario: Scenario, capacity: Mapping[str, float], fmt: _Fmt) -> list[str | tuple[str, str]]:
    cells: list[str | tuple[str, str]] = []
    for k in scenario.kinds:
        v = float(capacity.get(k, 0.0))
        cells.append((fmt.num(v, 0 if v.is_integer() else 1) if v else "", "num"))
    return cells


def _group_row(before: int, title: str, span: int, after: int = 0) -> str:
    pad = "<th></th>" * before
    return f'<tr class="group">{pad}<th colspan="{span}" class="group">{_e(title)}</th>{"<th></th>" * after}</tr>'


def _page(lang: str, title: str, head_html: str, nav: Sequence[tuple[str, str]], body: str, version: str) -> str:
    t = _TEXT[lang]
    links = "".join(f'<li><a href="#{anchor}">{_e(text)}</a></li>' for anchor, text in nav)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="ppi {_e(version)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header class="report-head">{head_html}</header>\n'
        f'<nav class="toc" aria-label="{_e(t["contents"])}"><ol>{links}</ol></nav>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer class="report-foot">{_e(t["footer"].format(version=version))}</footer>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _section(anchor: str, title: str, content: str) -> str:
    return f'<section id="{anchor}">\n<h2>{_e(title)}</h2>\n{content}\n</section>'


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _status_word(status: str | None, t: Mapping[str, str]) -> str:
    return t.get(f"status.{status}", str(status))


# ------------------------------------------------------------------------------------------------ plan


def plan_html(
    scenario: Scenario,
    plan: Mapping[str, Any],
    lang: str = "fr",
    explanation: Mapping[str, Any] | None = None,
    diagnosis: Mapping[str, Any] | None = None,
) -> str:
    """The plan report as one self-contained HTML page (plan: the plan.json dict; explanation: the
    explain.json dict of `ppi explain`, shown as a "why this plan" section; diagnosis: the diagnosis.json
    dict of an infeasible scenario, shown as a "why there is no plan" section)."""
    fmt = _Fmt(lang)
    t = fmt.t
    info = plan.get("scenario") or {}
    name = info.get("name") or scenario.name
    status = plan.get("status")
    has_plan = status in ("optimal", "feasible")
    version = str(plan.get("ppi_version") or "")
    head = (
        f'<p class="kicker">{_e(t["title_plan"])}</p><h1>{_e(name)}</h1>'
        f'<p class="meta">{_e(t["horizon"].format(start=scenario.first_year, end=scenario.last_year))}'
        + (f" · {_e(t['variant'])}{fmt.colon}{_e(info['variant'])}" if info.get("variant") else "")
        + f" · {_e(t['plan_created'].format(date=fmt.date(plan.get('created'))))}"
        + f' · <span class="generated">{_e(t["generated"].format(date=fmt.date(_now())))}</span></p>'
    )
    sections: list[tuple[str, str, str]] = []  # (anchor, title, html)
    if not has_plan:
        sections.append(("synthese", t["summary"], _no_plan_summary(plan, fmt)))
        if diagnosis:
            sections.append(("diagnostic", DIAGNOSIS[lang]["title"], _diagnosis_section(diagnosis, fmt)))
    else:
        starts = {p["id"]: p.get("start") for p in plan.get("projects", [])}
        transfers = {
            (r["from"], r["to"], r["kind"], int(r["year"])): float(r["units"]) for r in plan.get("transfers", [])
        }
        ev = evaluate_plan(scenario, starts, transfers)
        baseline = evaluate_plan(scenario, {p.id: p.start for p in scenario.projects if p.status == "committed"})
        sections.append(("synthese", t["summary"], _plan_summary(scenario, plan, ev, baseline, fmt)))
        sections.append(("depenses", t["spending"], _spending_section(scenario, ev, fmt)))
        sections.append(("besoins", t["unmet"], _unmet_section(scenario, ev, baseline, fmt)))
        sections.append(("calendrier", t["gantt"], _gantt_section(scenario, ev, fmt)))
        sections.append(("non-retenus", t["not_chosen"], _not_chosen_section(scenario, ev, fmt)))
        if scenario.transfers_on or len(ev.transfers):
            sections.append(("voisins", t["transfers"], _transfers_section(scenario, ev, fmt)))
        if len(ev.finance):
            sections.append(("finances", t["finance"], _finance_section(scenario, ev, fmt)))
        if explanation:
            sections.append(("pourquoi", EXPLAIN_TEXT[lang]["title"], _explain_section(explanation, fmt)))
    sections.append(("hypotheses", t["inputs"], _inputs_section(scenario, plan, fmt)))
    body = "\n".join(_section(a, title, content) for a, title, content in sections)
    return _page(lang, f"{t['title_plan']} — {name}", head, [(a, title) for a, title, _ in sections], body, version)


def _diagnosis_section(diagnosis: Mapping[str, Any], fmt: _Fmt) -> str:
    """What breaks, and the changes (checked by solving) that give the scenario a plan."""
    t = DIAGNOSIS[fmt.lang]
    findings = "".join(
        f'<li data-key="finding" data-value="{_e(f["row"])}">{_e(finding_text(f, fmt.lang))} '
        f"<code>{_e(f['row'])}</code></li>"
        for f in diagnosis.get("findings", [])
    )
    parts = [f"<p>{_e(t['intro'])}</p><ul>{findings}</ul>"]
    remedies = diagnosis.get("remedies", [])
    if remedies:
        items = []
        for r in remedies:
            words = "; ".join(_e(change_text(c, fmt.lang)) for c in r["changes"])
            edits = " ".join(f"--set {c['edit']}" for c in r["changes"])
            check = "" if r.get("verified") else f" ({_e(t['not_checked'])})"
            items.append(
                f'<li data-key="remedy" data-value="{_e(r["kind"])}"><strong>{_e(t["r." + r["kind"]])}</strong>'
                f"{check}{fmt.colon}{words}<br><code>{_e(edits)}</code></li>"
            )
        parts.append(f"<p>{_e(t['remedies'])}</p><ol>{''.join(items)}</ol>")
    for note in diagnosis.get("notes", []):
        parts.append(f'<p class="note">{_e(note_text(note["kind"], note.get("values", {}), fmt.lang))}</p>')
    return "\n".join(parts)


def _explain_section(explanation: Mapping[str, Any], fmt: _Fmt) -> str:
    """Force-in, drop and defer costs of the projects, the value of one more M€ a year, what binds."""
    w = EXPLAIN_TEXT[fmt.lang]

    def delta(row: Mapping[str, Any] | None) -> str | tuple[str, str]:
        if row is None:
            return ""
        if row.get("delta") is None:
            word = w["not_possible"] if row.get("status") == "not possible" else w["infeasible"]
            return (_e(word), "num")
        return (_span(f"delta.{row['change']}.{row['project']}", row["delta"], fmt.num(row["delta"], 3)), "num")

    parts = [f'<p class="note">{_e(w["intro"])}</p>']
    left = explain_left_out(dict(explanation))
    if left:
        rows = [
            [
                _e(r["project"]),
                delta(r),
                (str(r["new_start"]) if r.get("new_start") is not None else "", "num"),
                _e(" ".join(filter(None, [r.get("displaced") or ""]))),
                _e(r.get("added") or ""),
            ]
            for r in left
        ]
        heads = [w["h.project"], (w["h.delta"], "num"), (w["h.new_start"], "num"), w["h.displaced"], w["h.added"]]
        parts.append(f"<h3>{_e(w['left'])}</h3>" + _table(heads, rows))
    chosen = explain_chosen(dict(explanation))
    if chosen:
        rows = [
            [
                _e(c["project"]),
                (str(c.get("start") or ""), "num"),
                delta(c.get("drop")),
                delta(c.get("defer")) if c.get("defer") else (_e(w["not_possible"]), "num"),
                _e(((c.get("drop") or {}).get("added")) or ""),
            ]
            for c in chosen
        ]
        heads = [w["h.project"], (w["h.start"], "num"), (w["h.drop"], "num"), (w["h.defer"], "num"), w["h.added"]]
        parts.append(f"<h3>{_e(w['chosen'])}</h3>" + _table(heads, rows))
    budget = explanation.get("budget") or []
    if budget:
        rows = [
            [
                (str(b["year"]), "num"),
                (fmt.meur(b["envelope"]), "num"),
                (fmt.meur(b["charged"]), "num"),
                (fmt.meur(b["margin"]) + (f" ({_e(w['at_limit'])})" if b.get("at_limit") else ""), "num"),
                (_span(f"gain.{b['year']}", b.get("gain_per_M"), fmt.num(b.get("gain_per_M"), 3)), "num"),
                _e(w["yes"] if b.get("binding") else w["no"]),
            ]
            for b in budget
        ]
        heads = [
            (w["h.year"], "num"),
            (w["h.envelope"], "num"),
            (w["h.charged"], "num"),
            (w["h.margin"], "num"),
            (w["h.gain"], "num"),
            w["h.binding"],
        ]
        parts.append(f"<h3>{_e(w['budget'])}</h3>" + _table(heads, rows))
    holds = explanation.get("binding") or []
    if holds:
        items = "".join(f"<li>{_e(binding_text(b, fmt.lang))}</li>" for b in holds)
        parts.append(f"<h3>{_e(w['holds'])}</h3><ul>{items}</ul>")
    return "\n".join(parts)


def _status_kpi(plan: Mapping[str, Any], fmt: _Fmt) -> str:
    t = fmt.t
    status = plan.get("status")
    gap = plan.get("gap")
    note = _span("gap", gap, _e(t["gap"].format(gap=fmt.pct(gap, 2)))) if gap is not None else ""
    return _kpi(t["status"], _e(_status_word(status, t)), "status", status, note, css=f"status status-{status}")


def _no_plan_summary(plan: Mapping[str, Any], fmt: _Fmt) -> str:
    t = fmt.t
    status = plan.get("status")
    kpis = [
        _status_kpi(plan, fmt),
        _kpi(t["objective"], "—", "objective", plan.get("objective")),
        _kpi(t["solver"], _e(plan.get("solver") or "—"), "solver", plan.get("solver"), _e(plan.get("solver_message"))),
    ]
    message = t.get(f"msg.{status}", t["msg.no_solution"])
    return (
        f'<div class="kpis">{"".join(kpis)}</div>\n'
        f'<div class="message" role="alert" data-key="message"><strong>{_e(_status_word(status, t))}.</strong> '
        f"{_e(message)}</div>"
    )


def _worst(balance: pd.DataFrame, kind: str) -> tuple[int | None, float]:
    by_year = balance[balance["kind"] == kind].groupby("year")["unmet"].sum()
    if not len(by_year):
        return None, 0.0
    year = int(by_year.idxmax())
    return year, float(by_year.max())


def _plan_summary(scenario: Scenario, plan: Mapping[str, Any], ev: Evaluation, baseline: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    kpis = [_status_kpi(plan, fmt)]
    objective, bound = plan.get("objective"), plan.get("bound")
    kpis.append(
        _kpi(
            t["objective"],
            fmt.num(objective, 2),
            "objective",
            objective,
            _e(t["objective_note"].format(bound=fmt.num(bound, 2))),
        )
    )
    unmet = plan.get("unmet_by_kind") or {}
    for k in scenario.kinds:
        total = unmet.get(k, float(ev.balance.loc[ev.balance["kind"] == k, "unmet"].sum()))
        year, worst = _worst(ev.balance, k)
        without = float(baseline.balance.loc[baseline.balance["kind"] == k, "unmet"].sum())
        unit = _unit(scenario, k)
        decimals = 0 if total >= 1000 else 1
        note = t["unmet_note"].format(
            year=_span(f"unmet_worst_year.{k}", year, str(year)),
            worst=_span(f"unmet_worst.{k}", worst, _e(f"{fmt.num(worst, 1)}{NBSP}{unit}")),
            without=_span(f"unmet_without.{k}", without, _e(fmt.num(without, decimals))),
        )
        value = f'{fmt.num(total, decimals)}{NBSP}<span class="unit">{_e(t["unit_years"].format(unit=unit))}</span>'
        kpis.append(_kpi(t["unmet_kind"].format(kind=_kind_label(scenario, k)), value, f"unmet.{k}", total, note))
    candidates = sum(p.status != "excluded" for p in scenario.projects)
    chosen = sum(p.get("start") is not None for p in plan.get("projects", []))
    kpis.append(
        _kpi(
            t["projects_chosen"],
            f"{chosen}",
            "projects_chosen",
            chosen,
            _span("projects_candidates", candidates, _e(t["projects_note"].format(n=candidates))),
        )
    )
    city_cost = sum(float(p.get("city_cost") or 0.0) for p in plan.get("projects", []))
    kpis.append(_kpi(t["city_cost"], _e(fmt.meur(city_cost)), "city_cost", city_cost, _e(t["city_cost_note"])))
    spent = sum(float(r["spent"]) for r in plan.get("budget", []))
    envelope = sum(float(r["envelope"]) for r in plan.get("budget", []))
    note = t["spent_note"].format(
        envelope=_span("envelope_total", envelope, _e(fmt.meur(envelope))),
        use=_e(fmt.pct(spent / envelope if envelope else float("nan"))),
    )
    kpis.append(_kpi(t["spent_total"], _e(fmt.meur(spent)), "spent_total", spent, note))
    finance = plan.get("finance") or []
    debt_rows = [r for r in finance if r.get("debt_years") is not None]
    if debt_rows:
        worst_row = max(debt_rows, key=lambda r: r["debt_years"])
        limit = scenario.prospective.max_debt_years if scenario.prospective is not None else None
        limit_text = f"{fmt.num(limit, 0)} {t['years']}" if limit is not None else t["no_limit"]
        kpis.append(
            _kpi(
                t["debt_years"],
                f'{fmt.num(worst_row["debt_years"], 1)}{NBSP}<span class="unit">{_e(t["years"])}</span>',
                "debt_years_worst",
                worst_row["debt_years"],
                _e(t["debt_years_note"].format(year=worst_row["year"], limit=limit_text)),
            )
        )
    return f'<div class="kpis">{"".join(kpis)}</div>'


def _spending_section(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    caption = t["spending_caption"].format(
        carry=t["carry"] if scenario.carry_over else "", net=t["net_caption"] if scenario.net_basis else ""
    )
    parts = [_figure_html("spending", _spending_chart(scenario, ev, fmt), _e(caption))]
    with_receipts = bool((ev.budget["subsidies"] + ev.budget["fctva"]).abs().sum() > 0)
    head: list[str | tuple[str, str]] = [t["year"], (t["available"] if scenario.carry_over else t["envelope"], "num")]
    head.append((t["spent"], "num"))
    if with_receipts:
        head += [(t["receipts"], "num"), (t["net"], "num")]
    head += [(t["margin"], "num"), (t["use"], "num")]
    rows = []
    for r in ev.budget.itertuples(index=False):
        row: list[str | tuple[str, str]] = [str(r.year), (fmt.meur(r.available), "num"), (fmt.meur(r.spent), "num")]
        if with_receipts:
            row += [(fmt.meur(r.subsidies + r.fctva), "num"), (fmt.meur(r.net_effort), "num")]
        use = r.charged / r.available if r.available else float("nan")
        row += [(fmt.meur(r.margin), "num"), (fmt.pct(use), "num")]
        rows.append(row)
    b = ev.budget
    total: list[str | tuple[str, str]] = [t["total"], (fmt.meur(b["envelope"].sum()), "num")]
    total.append((fmt.meur(b["spent"].sum()), "num"))
    if with_receipts:
        total += [(fmt.meur((b["subsidies"] + b["fctva"]).sum()), "num"), (fmt.meur(b["net_effort"].sum()), "num")]
    env_sum = float(b["envelope"].sum())
    total += [("", "num"), (fmt.pct(b["charged"].sum() / env_sum if env_sum else float("nan")), "num")]
    rows.append(total)
    parts.append(_table(head, rows, row_classes=[""] * (len(rows) - 1) + ["total"]))
    notes = []
    if ev.outside_horizon:
        items = ", ".join(f"{y}{fmt.colon}{fmt.meur(v)}" for y, v in ev.outside_horizon.items())
        notes.append(t["outside"].format(items=items))
    tot = scenario.total_envelope
    if tot is not None:
        used = float(b.loc[b["year"].between(tot.start, tot.end), "charged"].sum())
        notes.append(
            t["total_envelope"].format(start=tot.start, end=tot.end, amount=fmt.meur(tot.amount), used=fmt.meur(used))
        )
    parts += [f'<p class="note">{_e(n)}</p>' for n in notes]
    return "\n".join(parts)


def _unmet_section(scenario: Scenario, ev: Evaluation, baseline: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    return "\n".join(
        [
            _figure_html("unmet", _unmet_chart(scenario, ev, baseline, fmt), _e(t["unmet_caption"])),
            f'<h3 id="carte">{_e(t["heatmap"])}</h3>',
            _figure_html("heatmap", _heatmap_chart(scenario, ev, fmt), _e(t["heatmap_caption"]), {"unit": "per-kind"}),
        ]
    )


def _gantt_section(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    chosen = ev.projects[ev.projects["chosen"]].sort_values(["start", "delivery", "project"])
    if not len(chosen):
        return f'<p class="note">{_e(t["no_chosen"])}</p>'
    names = _district_names(scenario)
    parts = [_figure_html("gantt", _gantt_chart(scenario, ev, fmt), _e(t["gantt_caption"]))]
    parts.append(f"<h3>{_e(t['chosen_table'])}</h3>")
    head: list[str | tuple[str, str]] = [
        t["project"], t["district"], t["theme"], (t["start"], "num"), (t["delivery"], "num"),
        (t["city_cost_col"], "num"), *_capacity_heads(scenario),
    ]  # fmt: skip
    rows = []
    for r in chosen.to_dict("records"):
        p = scenario.project[r["project"]]
        label = _e(r["name"] or r["project"])
        if r["status"] == "committed":
            label += f' <span class="tag">{_e(t["committed"])}</span>'
        rows.append(
            [
                label,
                _e(names.get(r["district"], r["district"])),
                _e(r["theme"] or t["no_theme"]),
                (str(int(r["start"])), "num"),
                (str(int(r["delivery"])), "num"),
                (fmt.meur(r["city_cost"]), "num"),
                *_capacity_cells(scenario, p.capacity, fmt),
            ]
        )
    group = _group_row(6, t["capacity_added"], len(scenario.kinds))
    parts.append(_table(head, rows, head_rows=[group], css="projects"))
    return "\n".join(parts)


def _not_chosen_section(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    names = _district_names(scenario)
    levels = maturity_levels(scenario.spec)
    comps = competences(scenario.spec)
    left = ev.projects[~ev.projects["chosen"] & (ev.projects["status"] != "excluded")]
    excluded = ev.projects[ev.projects["status"] == "excluded"]
    parts = []
    if not len(left):
        parts.append(f'<p class="note">{_e(t["all_chosen"])}</p>')
    else:
        parts.append(f"<p>{_e(t['not_chosen_intro'].format(n=len(left)))}</p>")
        head: list[str | tuple[str, str]] = [
            t["project"], t["district"], t["theme"], t["maturity_competence"], (t["cost"], "num"),
            (t["city_cost_col"], "num"), *_capacity_heads(scenario),
        ]  # fmt: skip
        rows = []
        for r in left.to_dict("records"):
            p = scenario.project[r["project"]]
            maturity = levels.get(r["maturity"], {}).get("label", r["maturity"]) if r["maturity"] else "—"
            competence = comps.get(r["competence"], {}).get("label", r["competence"]) if r["competence"] else "—"
            rows.append(
                [
                    f'{_e(r["name"] or r["project"])}<br><span class="id">{_e(r["project"])}</span>',
                    _e(names.get(r["district"], r["district"])),
                    _e(r["theme"] or t["no_theme"]),
                    f'{_e(maturity)}<br><span class="sub">{_e(competence)}</span>',
                    (fmt.meur(r["cost"]), "num"),
                    (fmt.meur(r["city_cost"]), "num"),
                    *_capacity_cells(scenario, p.capacity, fmt),
                ]
            )
        group = _group_row(6, t["capacity_would_add"], len(scenario.kinds))
        parts.append(_table(head, rows, head_rows=[group], css="projects"))
    if len(excluded):
        ids = ", ".join(excluded["project"])
        parts.append(f'<p class="note">{_e(t["excluded_note"].format(n=len(excluded), ids=ids))}</p>')
    return "\n".join(parts)


def _transfers_section(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    tr = ev.transfers
    if not len(tr):
        return f'<p class="note">{_e(t["no_transfers"])}</p>'
    names = _district_names(scenario)
    head: list[str | tuple[str, str]] = [
        t["from"], t["to"], t["kind"], (t["units_total"], "num"), t["years_span"], (t["max_year"], "num"),
    ]  # fmt: skip
    rows = []
    for (src, dst, k), group in tr.groupby(["from", "to", "kind"], sort=True):
        unit = _unit(scenario, str(k))
        years = sorted(int(y) for y in group["year"])
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        total = float(group["units"].sum())
        rows.append(
            [
                _e(names.get(str(src), src)),
                _e(names.get(str(dst), dst)),
                _e(_kind_label(scenario, str(k))),
                (_e(f"{fmt.num(total, 1)} {t['unit_years'].format(unit=unit)}"), "num"),
                (_e(span), "nowrap"),
                (_e(f"{fmt.num(float(group['units'].max()), 1)}{NBSP}{unit}"), "num"),
            ]
        )
    return f"<p>{_e(t['transfers_intro'])}</p>\n" + _table(head, rows)


def _finance_section(scenario: Scenario, ev: Evaluation, fmt: _Fmt) -> str:
    t = fmt.t
    head: list[str | tuple[str, str]] = [
        t["year"], (t["op_costs"], "num"), (t["epargne"], "num"), (t["savings_rate"], "num"),
        (t["borrowing"], "num"), (t["debt"], "num"), (t["debt_years_col"], "num"),
    ]  # fmt: skip
    pr = scenario.prospective
    rows = []
    for r in ev.finance.itertuples(index=False):
        over = pr is not None and pr.max_debt_years is not None and r.debt_years > pr.max_debt_years + 1e-6
        rows.append(
            [
                str(r.year),
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
    return f'<p class="note">{_e(caption.strip())}</p>\n' + _table(head, rows)


def _inputs_rows(scenario: Scenario, plan: Mapping[str, Any], fmt: _Fmt) -> list[tuple[str, str, str]]:
    """(label, HTML, data-key) rows of the inputs table."""
    t = fmt.t
    info = plan.get("scenario") or {}
    overrides = list(info.get("overrides") or [])
    options = plan.get("options") or {}
    model = plan.get("model") or {}
    opts = ", ".join(f"{k} = {'—' if v is None else v}" for k, v in options.items()) or t["none_f"]
    runtime = plan.get("runtime_s")
    solver_text = t["solver_text"].format(
        solver=plan.get("solver") or "—",
        message=plan.get("solver_message") or "—",
        runtime=f"{fmt.num(runtime, 2)}{NBSP}{t['seconds']}" if runtime is not None else "—",
    )
    rows = [
        (t["scenario"], _e(info.get("name") or scenario.name), "scenario.name"),
        (t["source"], f"<code>{_e(info.get('source') or scenario.source)}</code>", "scenario.source"),
        (t["horizon_label"], _e(f"{scenario.first_year}–{scenario.last_year}"), "scenario.horizon"),
        (t["variant"], _e(info.get("variant") or t["none_f"]), "scenario.variant"),
        (
            t["overrides"],
            "<ul>" + "".join(f"<li><code>{_e(o)}</code></li>" for o in overrides) + "</ul>"
            if overrides
            else _e(t["none_m"]),
            "scenario.overrides",
        ),
        (t["solver"], _e(solver_text), "solver"),
        (t["options"], _e(opts), "options"),
    ]
    if model:
        text = t["model_text"].format(
            columns=model.get("columns", "—"), binaries=model.get("binaries", "—"), rows=model.get("rows", "—")
        )
        rows.append((t["model"], _e(text), "model"))
    basis = plan.get("budget_basis") or ("net" if scenario.net_basis else "gross")
    rows.append((t["basis"], _e(t.get(f"basis.{basis}", basis)), "budget_basis"))
    if scenario.demand_source:
        derived = sum(src == "forecast" for src in scenario.demand_source.values())
        text = (
            t["demand_forecast"].format(n=derived, total=len(scenario.demand_source)) if derived else t["demand_table"]
        )
        rows.append((t["demand_source"], _e(text), "demand_source"))
    rows.append((t["created"], _e(fmt.date(plan.get("created"))), "created"))
    rows.append((t["version"], _e(plan.get("ppi_version") or "—"), "ppi_version"))
    warnings = list(plan.get("warnings") or [])
    if warnings:
        rows.append((t["warnings"], "<ul>" + "".join(f"<li>{_e(w)}</li>" for w in warnings) + "</ul>", "warnings"))
    return rows


def _inputs_section(scenario: Scenario, plan: Mapping[str, Any], fmt: _Fmt) -> str:
    rows = _inputs_rows(scenario, plan, fmt)
    body = "".join(
        f'<tr><th scope="row">{_e(label)}</th><td data-key="{key}">{value}</td></tr>' for label, value, key in rows
    )
    return f'<div class="table-wrap"><table class="inputs"><tbody>{body}</tbody></table></div>'


# ------------------------------------------------------------------------------------------------ comparison


def comparison_html(comparison: Comparison, lang: str = "fr") -> str:
    """Several plans side by side as one self-contained HTML page: the summary table and the start year of
    every project with the differences highlighted, spending and unmet demand per year on shared axes."""
    fmt = _Fmt(lang)
    t = fmt.t
    labels = comparison.labels
    first = comparison.entries[0].scenario
    version = next((str(e.plan.get("ppi_version")) for e in comparison.entries if e.plan.get("ppi_version")), "")
    head = (
        f'<p class="kicker">{_e(t["title_cmp"])}</p><h1>{_e(" · ".join(labels))}</h1>'
        f'<p class="meta">{_e(t["horizon"].format(start=first.first_year, end=first.last_year))}'
        f' · <span class="generated">{_e(t["generated"].format(date=fmt.date(_now())))}</span></p>'
    )
    colours = {label: _VARIANT_COLOURS[i % len(_VARIANT_COLOURS)] for i, label in enumerate(labels)}
    legend = "".join(
        f'<span class="swatch-item"><span class="swatch" style="background:{colours[label]}"></span>{_e(label)}</span>'
        for label in labels
    )
    no_plan = [e.label for e in comparison.entries if e.plan.get("status") not in ("optimal", "feasible")]
    missing = t["cmp_no_plan"].format(labels=", ".join(no_plan)) if no_plan else ""
    intro = f'<p>{_e(t["cmp_intro"].format(labels=", ".join(labels)))}</p>\n<p class="swatches">{legend}</p>'
    sections = [
        ("synthese", t["summary"], intro + "\n" + _cmp_summary_table(comparison, fmt)),
        (
            "depenses",
            t["spending"],
            _figure_html(
                "spending",
                _cmp_spending_chart(comparison, colours, fmt),
                _e(t["cmp_spending_caption"] + missing),
                {"variants": "|".join(labels), "axes": "1"},
            )
            + f"\n<h3>{_e(t['cmp_budget'])}</h3>\n"
            + _cmp_budget_table(comparison, fmt),
        ),
        (
            "besoins",
            t["unmet"],
            _figure_html(
                "unmet",
                _cmp_unmet_chart(comparison, colours, fmt),
                _e(t["cmp_unmet_caption"] + missing),
                {"variants": "|".join(labels)},
            ),
        ),
        ("demarrages", t["cmp_starts"], _cmp_projects_table(comparison, fmt)),
        ("hypotheses", t["inputs"], _cmp_inputs(comparison, fmt)),
    ]
    body = "\n".join(_section(a, title, content) for a, title, content in sections)
    title = f"{t['title_cmp']} — {', '.join(labels)}"
    return _page(lang, title, head, [(a, title) for a, title, _ in sections], body, version)


def _norm(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value


def _cmp_kind_of(indicator: str, kinds: Iterable[str]) -> tuple[str, str] | None:
    """('unmet', kind), ('unmet_worst', kind) or ('unmet_worst_year', kind) for the unmet indicators."""
    for k in sorted(kinds, key=len, reverse=True):
        if indicator == f"unmet {k}":
            return "unmet", k
        if indicator == f"unmet {k}, worst year":
            return "unmet_worst", k
        if indicator == f"unmet {k}, worst year (year)":
            return "unmet_worst_year", k
    return None


def _cmp_cell(value: Any, indicator: str, unit: str, fmt: _Fmt) -> str:
    t = fmt.t
    value = _norm(value)
    if value is None:
        return "—"
    if indicator == "status":
        return _e(_status_word(str(value), t))
    if unit == "€":
        return _e(fmt.meur(float(value)))
    if unit == "share":
        return _e(fmt.pct(float(value), 2))
    if indicator.endswith("(year)") or isinstance(value, (int,)) and not isinstance(value, bool):
        return _e(str(int(value)))
    if indicator == "objective":
        return _e(fmt.num(float(value), 2))
    if isinstance(value, float):
        return _e(fmt.num(value, 1))
    return _e(value)


def _cmp_summary_table(comparison: Comparison, fmt: _Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    scenario = comparison.entries[0].scenario
    kinds = list(dict.fromkeys(k for e in comparison.entries for k in e.scenario.kinds))
    head: list[str | tuple[str, str]] = [t["indicator"], t["unit"], *((label, "num") for label in labels)]
    rows, classes = [], []
    for r in comparison.summary.to_dict("records"):
        indicator, unit = str(r["indicator"]), str(r["unit"])
        found = _cmp_kind_of(indicator, kinds)
        if found is not None:
            which, k = found
            name = t[f"ind.{which}"].format(kind=_kind_label(scenario, k))
        else:
            name = t.get(f"ind.{indicator}", indicator)
        unit_text = {
            "€": t["M_eur"],
            "share": "%",
            "weighted unit-years": t["weighted_unit_years"],
            "years": t["years"],
        }.get(unit, unit)
        if unit.endswith(" × years"):
            unit_text = t["unit_years"].format(unit=unit[: -len(" × years")])
        base = _norm(r[labels[0]])
        cells: list[str | tuple[str, str]] = [_e(name), _e(unit_text)]
        for label in labels:
            text = _cmp_cell(r[label], indicator, unit, fmt)
            css = "num differs" if r["differs"] and _norm(r[label]) != base else "num"
            attrs = (
                f'data-key="{_e(indicator)}" data-variant="{_e(label)}" data-value="{_e(_attr_value(_norm(r[label])))}"'
            )
            cells.append((f"<span {attrs}>{text}</span>", css))
        rows.append(cells)
        classes.append("differs" if r["differs"] else "")
    return _table(head, rows, row_classes=classes, css="compare")


def _cmp_budget_table(comparison: Comparison, fmt: _Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    group = "<tr><th></th>" + "".join(f'<th colspan="2" class="group">{_e(label)}</th>' for label in labels) + "</tr>"
    head: list[str | tuple[str, str]] = [t["year"]]
    for _label in labels:
        head += [(t["envelope"], "num"), (t["spent"], "num")]
    rows, classes = [], []
    for r in comparison.budget.to_dict("records"):
        cells: list[str | tuple[str, str]] = [str(int(r["year"]))]
        for label in labels:
            for col in (f"envelope {label}", f"spent {label}"):
                base = _norm(r[f"{col.split(' ')[0]} {labels[0]}"])
                css = "num differs" if _norm(r[col]) != base else "num"
                cells.append((_e(fmt.meur(_norm(r[col]))), css))
        rows.append(cells)
        classes.append("differs" if r["differs"] else "")
    return _table(head, rows, row_classes=classes, head_rows=[group], css="compare")


def _cmp_projects_table(comparison: Comparison, fmt: _Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    names = _district_names(comparison.entries[0].scenario)
    table = comparison.projects
    n = int(table["differs"].sum()) if len(table) else 0
    intro = f"<p>{_e(t['cmp_starts_intro'].format(n=n, total=len(table)))}</p>"
    head: list[str | tuple[str, str]] = [t["project"], t["district"], t["theme"], *((label, "num") for label in labels)]
    rows, classes = [], []
    records = table.to_dict("records")
    for r in [r for r in records if r["differs"]] + [r for r in records if not r["differs"]]:
        base = _norm(r[labels[0]])
        cells: list[str | tuple[str, str]] = [
            f'{_e(r["name"] or r["project"])}<br><span class="id">{_e(r["project"])}</span>',
            _e(names.get(r["district"], r["district"])),
            _e(r["theme"] or t["no_theme"]),
        ]
        for label in labels:
            value = _norm(r[label])
            text = "—" if value is None else str(int(value))
            css = "num differs" if r["differs"] and value != base else "num"
            attrs = (
                f'data-project="{_e(r["project"])}" data-variant="{_e(label)}" data-value="{_e(_attr_value(value))}"'
            )
            cells.append((f"<span {attrs}>{text}</span>", css))
        rows.append(cells)
        classes.append("differs" if r["differs"] else "")
    return intro + "\n" + _table(head, rows, row_classes=classes, css="compare")


def _cmp_inputs(comparison: Comparison, fmt: _Fmt) -> str:
    t = fmt.t
    labels = comparison.labels
    per_entry = [_inputs_rows(e.scenario, e.plan, fmt) for e in comparison.entries]
    keys = list(dict.fromkeys(key for rows in per_entry for _, _, key in rows))
    label_of = {key: label for rows in per_entry for label, _, key in rows}
    head: list[str | tuple[str, str]] = ["", *labels]
    rows, classes = [], []
    for key in keys:
        values = [next((v for _, v, k in entry if k == key), "—") for entry in per_entry]
        differs = len(set(values)) > 1 and key not in ("created", "solver")
        cells: list[str | tuple[str, str]] = [(_e(label_of[key]), "rowhead")]
        cells += [(v, "differs" if differs and v != values[0] else "") for v in values]
        rows.append(cells)
        classes.append("differs" if differs else "")
    status_row: list[str | tuple[str, str]] = [(_e(t["status"]), "rowhead")]
    status_row += [_e(_status_word(e.plan.get("status"), t)) for e in comparison.entries]
    return _table(head, [status_row, *rows], row_classes=["", *classes], css="inputs compare")


def _cmp_spending_chart(comparison: Comparison, colours: Mapping[str, str], fmt: _Fmt) -> str:
    """Grouped bars: per year one bar per variant (its spending), each with its envelope as a black line."""
    t = fmt.t
    entries = [e for e in comparison.entries if e.plan.get("status") in ("optimal", "feasible")]
    years = sorted({int(r["year"]) for e in entries for r in e.plan.get("budget", [])})
    n = max(len(entries), 1)
    width = 0.8 / n
    import matplotlib
    from matplotlib.lines import Line2D

    with matplotlib.rc_context(_RC):
        fig = _figure(11, 5.0)
        ax = fig.add_subplot()
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        handles: list[Any] = []
        labels: list[str] = []
        top = 1e-9
        for i, e in enumerate(entries):
            budget = {int(r["year"]): r for r in e.plan.get("budget", [])}
            xs = [y - 0.4 + width * (i + 0.5) for y in years]
            spent = [float(budget[y]["spent"]) / 1e6 if y in budget else 0.0 for y in years]
            limit = [
                float(budget[y].get("available", budget[y]["envelope"])) / 1e6 if y in budget else 0.0 for y in years
            ]
            bars = ax.bar(xs, spent, width=width * 0.92, color=colours[e.label], edgecolor="white", lw=0.5)
            ax.hlines(limit, [x - width * 0.48 for x in xs], [x + width * 0.48 for x in xs], colors="#111111", lw=2.2)
            handles.append(bars)
            labels.append(e.label)
            top = max([top, *spent, *limit])
        handles.append(Line2D([], [], color="#111111", lw=2.2))
        labels.append(t["legend_envelope"])
        ax.set_ylim(0, top * 1.1)
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel(t["M_eur"])
        ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
        _legend_below(fig, handles, labels)
        return _svg(fig, "spending", t["spending"])


def _cmp_unmet_chart(comparison: Comparison, colours: Mapping[str, str], fmt: _Fmt) -> str:
    """One panel per kind: unmet demand per year, one line per variant, on the same axes."""
    t = fmt.t
    table = comparison.unmet
    scenario = comparison.entries[0].scenario
    kinds = list(dict.fromkeys(table["kind"])) if len(table) else list(scenario.kinds)
    entries = [e for e in comparison.entries if e.plan.get("status") in ("optimal", "feasible")]
    styles = ("-o", "--s", "-.^", ":D", "-v", "--P")
    import matplotlib

    with matplotlib.rc_context(_RC):
        rows = math.ceil(len(kinds) / 3)
        fig = _figure(11, 3.5 * rows + 0.6)
        handles: list[Any] = []
        for ax, k in zip(_kind_grid(fig, len(kinds)), kinds, strict=True):
            part = table[table["kind"] == k]
            years = [int(y) for y in part["year"]]
            top = 1e-9
            handles = []
            for i, e in enumerate(entries):
                values = [float(v) if _norm(v) is not None else float("nan") for v in part[e.label]]
                (line,) = ax.plot(years, values, styles[i % len(styles)], color=colours[e.label], lw=2.2, ms=4)
                handles.append(line)
                top = max(top, *(v for v in values if math.isfinite(v)), 1e-9)
            ax.set_ylim(0, top * 1.1)
            ax.set_title(f"{_kind_label(scenario, k)} ({_unit(scenario, k)})")
            ax.set_xticks(years, labels=[str(y) for y in years], rotation=45, fontsize=8.5)
            ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
            ax.grid(axis="y")
        _legend_below(fig, handles, [e.label for e in entries])
        return _svg(fig, "unmet", t["unmet"])


# ------------------------------------------------------------------------------------------------ page assets

_SCRIPT = """
window.addEventListener("load", function () {
  var figures = document.querySelectorAll("figure.chart");
  for (var i = 0; i < figures.length; i++) {
    var svg = figures[i].querySelector("svg");
    var box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    figures[i].setAttribute("data-rendered-width", String(Math.round(box.width)));
    figures[i].setAttribute("data-rendered-height", String(Math.round(box.height)));
  }
  document.body.setAttribute("data-ready", "1");
});
"""

_CSS = """
:root { --ink: #1d2733; --muted: #5b6673; --line: #dde2e8; --head: #1f3a5f; --bg: #f4f6f9;
  --diff: #fff0b8; --diff-ink: #6b4400; --ok: #1d7a46; --warn: #a86500; --bad: #b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45; font-size: 16px;
  font-family: "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, "Liberation Sans",
  "DejaVu Sans", sans-serif; }
header.report-head { background: var(--head); color: #fff; padding: 26px max(24px, calc((100% - 1120px) / 2)) 22px; }
header.report-head h1 { margin: 2px 0 6px; font-size: 1.9rem; line-height: 1.2; }
header.report-head .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .8rem;
  opacity: .85; }
header.report-head .meta { margin: 0; opacity: .9; font-size: .95rem; }
nav.toc { max-width: 1120px; margin: 14px auto 0; padding: 0 24px; }
nav.toc ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 8px; }
nav.toc a { display: inline-block; padding: 4px 12px; border-radius: 999px; background: #fff;
  border: 1px solid var(--line); color: var(--head); text-decoration: none; font-size: .9rem; }
nav.toc a:hover { background: #e8eef6; }
main { max-width: 1120px; margin: 0 auto; padding: 4px 24px 32px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 24px 20px;
  margin: 16px 0; }
h2 { margin: 0 0 14px; font-size: 1.4rem; color: var(--head); border-bottom: 2px solid #e6ebf1;
  padding-bottom: 6px; }
h3 { margin: 22px 0 10px; font-size: 1.1rem; color: var(--head); }
p { margin: 8px 0; }
.note, figcaption { color: var(--muted); font-size: .9rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--line); border-left: 4px solid var(--head); border-radius: 8px; padding: 10px 14px;
  background: #fbfcfe; }
.kpi .label { font-size: .85rem; color: var(--muted); font-weight: 600; }
.kpi .value { font-size: 1.7rem; font-weight: 700; font-variant-numeric: tabular-nums; margin: 2px 0; }
.kpi .value .unit { font-size: .85rem; font-weight: 500; color: var(--muted); }
.kpi .note { font-size: .85rem; }
.kpi.status-optimal { border-left-color: var(--ok); } .kpi.status-optimal .value { color: var(--ok); }
.kpi.status-feasible { border-left-color: var(--warn); } .kpi.status-feasible .value { color: var(--warn); }
.kpi.status-infeasible, .kpi.status-no_solution { border-left-color: var(--bad); }
.kpi.status-infeasible .value, .kpi.status-no_solution .value { color: var(--bad); }
.message { margin-top: 16px; border-left: 5px solid var(--bad); background: #fdeeec; padding: 12px 16px;
  border-radius: 6px; }
figure.chart { margin: 8px 0 18px; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; max-width: 100%; }
figure.chart svg * { stroke-linejoin: round; stroke-linecap: butt; }
figcaption { margin-top: 4px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: #eef2f7; color: #26323f; font-weight: 600; vertical-align: bottom; }
th.group { text-align: center; border-left: 1px solid var(--line); border-bottom: 1px solid #c9d2dc; }
tr.group th { padding-bottom: 2px; }
table.projects td:first-child { min-width: 13em; }
.sub { color: var(--muted); }
td.num, th.num { text-align: right; }
td.num, td.nowrap { white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tr.total td { font-weight: 700; border-top: 2px solid #9aa5b1; background: #f3f5f8; }
table.inputs th[scope="row"], td.rowhead { width: 26%; color: var(--muted); font-weight: 600; }
table.inputs ul { margin: 0; padding-left: 1.2em; }
tr.differs td:first-child { box-shadow: inset 4px 0 0 #e0a800; }
tbody tr td.differs { background: var(--diff); color: var(--diff-ink); font-weight: 700; }
td.alert { color: var(--bad); font-weight: 700; }
.id { color: var(--muted); font-size: .8rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.tag { display: inline-block; font-size: .75rem; padding: 0 6px; border-radius: 4px; background: #e8eef6;
  color: var(--head); white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
.swatches { display: flex; flex-wrap: wrap; gap: 6px 16px; }
.swatch-item { white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px;
  vertical-align: -1px; }
footer.report-foot { max-width: 1120px; margin: 0 auto 28px; padding: 0 24px; color: var(--muted); font-size: .8rem; }
@page { size: A4; margin: 15mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 9.5pt; }
  header.report-head { background: none; color: var(--ink); padding: 0 0 6pt; border-bottom: 2pt solid var(--head); }
  header.report-head h1 { font-size: 17pt; }
  nav.toc { display: none; }
  main { max-width: none; padding: 0; }
  section { border: none; border-radius: 0; padding: 0; margin: 12pt 0 0; }
  h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .kpis { grid-template-columns: repeat(3, 1fr); gap: 6pt; }
  .kpi { break-inside: avoid; page-break-inside: avoid; }
  .kpi .value { font-size: 14pt; }
  figure.chart { break-inside: avoid; page-break-inside: avoid; }
  figure.chart svg { max-height: 245mm; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  tbody tr:nth-child(even) td { background: none; }
  footer.report-foot { padding: 0; margin-top: 12pt; }
}
"""
