"""Excel workbooks a finance direction can forward as is: the plan (AP/CP table, budget, unmet demand,
projects not chosen, inputs) and the comparison of variants, in French (default) or English.

Every table is recomputed from the scenario and the plan's start years (`models.evaluate.evaluate_plan`),
so the workbook shows the consequences of the plan itself; money is in euros (format `#,##0 "€"`, cells keep
the cents), rounded to the cent as in plan.json, and totals are written as values (sums of the cells above),
never as formulas, so that a reader without a calculation engine sees them. Workbooks are deterministic:
their properties and the zip entries carry the plan's `created` date, so the same plan gives the same bytes.

Sheets of `plan_workbook`: Synthèse, PPI, Budget, Épargne et dette (with a savings and debt path), Besoins
non satisfaits, Projets non retenus, Transferts (when the plan sends demand next door), Hypothèses. A plan
without a plan (infeasible, no solution) gives the Synthèse sheet alone, saying so.

Sheets of `comparison_workbook`: Synthèse, Projets, Budget, Besoins non satisfaits, Hypothèses, with one
column per variant; rows where the variants differ have their variant cells filled.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from models.evaluate import Evaluation, evaluate_plan
from models.scenario import Scenario, competences, maturity_levels
from reports.compare import Comparison
from reports.words import DIAGNOSIS, binding_text, change_text, finding_text
from reports.words import TEXT as EXPLAIN_TEXT
from reports.words import chosen as explain_chosen
from reports.words import left_out as explain_left_out

LANGS = ("fr", "en")

MONEY = '#,##0 "€";-#,##0 "€";"-"'  # zero shown as a dash, as in printed PPI tables
SHARE = "0.0%"
GAP = "0.00%"
UNITS = "#,##0.0"
COUNT = "#,##0"
YEAR = "0"
NUMBER = "#,##0.00"

HEADER_FILL = PatternFill("solid", start_color="FF1F4E79", end_color="FF1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
DIFF_FILL = PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699")
WARN_FONT = Font(bold=True, color="FFC00000")
TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
MAX_WIDTH = 50
HEADER_WIDTH = 16  # a longer header wraps rather than widen its column
LINE_HEIGHT = 15  # points per line of wrapped text
MIN_WIDTH = 6
FIRST_DATA_ROW = 3  # row 1: title; row 2: header
_EPOCH = datetime(2000, 1, 1)  # workbook date when the plan has no usable `created`

# ------------------------------------------------------------------------------------------------ texts

_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        # sheet names
        "sh.summary": "Synthèse",
        "sh.ppi": "PPI",
        "sh.budget": "Budget",
        "sh.finance": "Épargne et dette",
        "sh.unmet": "Besoins non satisfaits",
        "sh.left": "Projets non retenus",
        "sh.transfers": "Transferts",
        "sh.inputs": "Hypothèses",
        "sh.projects": "Projets",
        # titles
        "t.summary": "Synthèse du plan — {name}",
        "t.ppi": "Programmation pluriannuelle des investissements (AP/CP, part ville, en euros) — {name}",
        "t.budget": "Enveloppes et crédits de paiement par année (en euros) — {name}",
        "t.finance": "Épargne et dette, en empruntant le strict nécessaire chaque année (en euros) — {name}",
        "t.unmet": "Besoins non satisfaits par quartier, besoin et année (en unités du besoin) — {name}",
        "t.left": "Projets candidats non retenus — {name}",
        "t.transfers": "Besoins accueillis dans un quartier voisin — {name}",
        "t.inputs": "Hypothèses du calcul — {name}",
        "t.csummary": "Comparaison des variantes — indicateurs (cellules colorées : les variantes diffèrent)",
        "t.cprojects": "Comparaison des variantes — année de démarrage des projets (cellules colorées : différences)",
        "t.cbudget": "Comparaison des variantes — enveloppes et dépenses par année (en euros)",
        "t.cunmet": "Comparaison des variantes — besoins non satisfaits par besoin et année",
        "t.cinputs": "Comparaison des variantes — données d'entrée et résolution",
        # headers
        "h.indicator": "Indicateur",
        "h.value": "Valeur",
        "h.unit": "Unité",
        "h.id": "Code",
        "h.name": "Projet",
        "h.district": "Quartier",
        "h.district_id": "Code quartier",
        "h.theme": "Thème",
        "h.maturity": "Maturité",
        "h.competence": "Compétence",
        "h.status": "Statut",
        "h.start": "Démarrage",
        "h.delivery": "Livraison",
        "h.ap": "AP (€)",
        "h.cp_before": "CP avant {year} (€)",
        "h.cp": "CP {year} (€)",
        "h.cp_after": "CP après {year} (€)",
        "h.subsidies_total": "Subventions, toutes années (€)",
        "h.fctva_total": "FCTVA, toutes années (€)",
        "h.year": "Année",
        "h.envelope": "Enveloppe (€)",
        "h.carried": "Report de l'année précédente (€)",
        "h.available": "Crédits disponibles (€)",
        "h.spent": "Dépenses (€)",
        "h.subsidies": "Subventions (€)",
        "h.fctva": "FCTVA (€)",
        "h.net": "Effort net (€)",
        "h.charged": "Imputé sur l'enveloppe (€)",
        "h.margin": "Marge (€)",
        "h.use": "Taux d'utilisation",
        "h.revenue": "Recettes de fonctionnement (€)",
        "h.op_spending": "Dépenses de fonctionnement (€)",
        "h.op_added": "Fonctionnement des nouveaux équipements (€)",
        "h.interest": "Intérêts (€)",
        "h.savings": "Épargne brute (€)",
        "h.savings_rate": "Taux d'épargne brute",
        "h.net_investment": "Investissement net (€)",
        "h.repayment": "Remboursement (€)",
        "h.borrowing": "Emprunt (€)",
        "h.debt": "Encours de dette (€)",
        "h.debt_years": "Capacité de désendettement (années)",
        "h.kind": "Besoin",
        "h.total": "Total",
        "h.cost": "Coût total (€)",
        "h.city_cost": "Coût pour la ville (€)",
        "h.capacity": "Capacité {kind} ({unit})",
        "h.earliest": "Démarrage au plus tôt",
        "h.latest": "Démarrage au plus tard",
        "h.from": "Quartier d'origine",
        "h.to": "Quartier d'accueil",
        "h.units": "Unités",
        "h.item": "Donnée",
        "h.differs": "Différence",
        "h.envelope_of": "Enveloppe {label} (€)",
        "h.spent_of": "Dépenses {label} (€)",
        # values and labels
        "total": "TOTAL",
        "total_of": "TOTAL {kind}",
        "yes": "oui",
        "no": "non",
        "none": "aucune",
        "not_chosen": "non retenu",
        "scenario": "Scénario",
        "source": "Fichier du scénario",
        "variant": "Variante",
        "overrides": "Modifications appliquées",
        "override": "Modification",
        "status": "Résultat de la résolution",
        "status_code": "Statut (code)",
        "solver": "Solveur",
        "solver_message": "Message du solveur",
        "gap": "Écart à l'optimum (gap)",
        "objective": "Objectif (besoins non satisfaits pondérés)",
        "bound": "Borne inférieure de l'objectif",
        "unmet": "Besoins non satisfaits — {kind}",
        "unmet_worst": "Besoins non satisfaits — {kind}, année la plus tendue",
        "unmet_worst_year": "Besoins non satisfaits — {kind}, année la plus tendue (année)",
        "unmet_without": "Besoins non satisfaits — {kind}, sans nouveau projet",
        "chosen": "Projets retenus",
        "candidates": "Projets candidats (hors projets exclus)",
        "city_cost": "Coût pour la ville des projets retenus (AP)",
        "envelopes": "Enveloppes sur l'horizon",
        "spent": "Dépenses de la ville sur l'horizon (CP)",
        "use": "Taux d'utilisation des enveloppes",
        "outside": "Dépenses hors horizon ({years})",
        "subsidies": "Subventions perçues sur l'horizon",
        "fctva": "FCTVA perçu sur l'horizon",
        "net": "Effort net sur l'horizon (dépenses − subventions − FCTVA)",
        "basis": "Les enveloppes limitent",
        "basis.gross": "les dépenses brutes de la ville",
        "basis.net": "l'effort net (dépenses − FCTVA − subventions)",
        "debt_years": "Capacité de désendettement, année la plus haute",
        "debt_years_year": "Capacité de désendettement, année la plus haute (année)",
        "savings_min": "Taux d'épargne brute, année la plus basse",
        "savings_min_year": "Taux d'épargne brute, année la plus basse (année)",
        "debt_end": "Encours de dette fin {year}",
        "borrowing": "Emprunts sur l'horizon",
        "created": "Date du plan",
        "version": "Version de ppi",
        "warning": "Avertissement",
        "no_plan": "Aucun plan ({words}) : seule cette synthèse est produite.",
        "mismatch": (
            "Le plan ne correspond plus au scénario (dépenses recalculées différentes de plan.json) : "
            "le scénario a-t-il changé depuis la résolution ?"
        ),
        "horizon_start": "Début de l'horizon",
        "horizon_end": "Fin de l'horizon",
        "carry": "Report des crédits non consommés",
        "carry_share": "Part reportée",
        "total_envelope": "Enveloppe pluriannuelle {start}–{end}",
        "fctva_rate": "Taux de FCTVA",
        "fctva_lag": "Délai de versement du FCTVA (années)",
        "model": "Modèle : {key}",
        "option": "Option du solveur : {key}",
        "envelope_year": "Enveloppe {year}",
        "u.years": "années",
        "u.year": "année",
        "u.unit_years": "{unit} × années",
        "u.weighted": "unités × années pondérées",
        "u.share": "%",
        "u.count": "projets",
        # statuses
        "st.optimal": "optimal (prouvé)",
        "st.feasible": "réalisable, optimalité non prouvée",
        "st.infeasible": "infaisable : aucun plan ne satisfait les contraintes",
        "st.no_solution": "aucun plan trouvé dans les limites de temps",
        "ps.committed": "engagé",
        "ps.mandatory": "obligatoire",
        "ps.candidate": "candidat",
        "ps.excluded": "exclu",
        # comparison indicators
        "ci.status": "Résultat de la résolution",
        "ci.gap": "Écart à l'optimum (gap)",
        "ci.objective": "Objectif (besoins non satisfaits pondérés)",
        "ci.unmet": "Besoins non satisfaits — {kind}",
        "ci.unmet_worst": "Besoins non satisfaits — {kind}, année la plus tendue",
        "ci.unmet_worst_year": "Besoins non satisfaits — {kind}, année la plus tendue (année)",
        "ci.projects chosen": "Projets retenus",
        "ci.city cost of the projects chosen": "Coût pour la ville des projets retenus (AP)",
        "ci.spending over the horizon": "Dépenses de la ville sur l'horizon (CP)",
        "ci.net effort over the horizon": "Effort net sur l'horizon",
        "ci.capacité de désendettement, worst year": "Capacité de désendettement, année la plus haute",
        "ci.debt at the horizon end": "Encours de dette en fin d'horizon",
        "opt.solver": "moteur",
        "opt.time_limit": "limite de temps (s)",
        "opt.gap": "écart visé",
        "opt.threads": "fils d'exécution",
        "opt.seed": "graine",
        "runtime": "Durée de résolution (s)",
        "mk.columns": "variables",
        "mk.binaries": "variables binaires",
        "mk.rows": "contraintes",
        "mk.nonzeros": "coefficients non nuls",
    },
    "en": {
        "sh.summary": "Summary",
        "sh.ppi": "PPI",
        "sh.budget": "Budget",
        "sh.finance": "Savings and debt",
        "sh.unmet": "Unmet demand",
        "sh.left": "Projects not chosen",
        "sh.transfers": "Transfers",
        "sh.inputs": "Inputs",
        "sh.projects": "Projects",
        "t.summary": "Plan summary — {name}",
        "t.ppi": "Multi-year investment programme (AP/CP, city share, in euros) — {name}",
        "t.budget": "Envelopes and payments per year (in euros) — {name}",
        "t.finance": "Savings and debt, borrowing only what closes each year (in euros) — {name}",
        "t.unmet": "Unmet demand per district, kind and year (in units of the kind) — {name}",
        "t.left": "Candidate projects not chosen — {name}",
        "t.transfers": "Demand met in a neighbouring district — {name}",
        "t.inputs": "Inputs of the computation — {name}",
        "t.csummary": "Comparison of variants — indicators (filled cells: the variants differ)",
        "t.cprojects": "Comparison of variants — start year of each project (filled cells: differences)",
        "t.cbudget": "Comparison of variants — envelopes and spending per year (in euros)",
        "t.cunmet": "Comparison of variants — unmet demand per kind and year",
        "t.cinputs": "Comparison of variants — inputs and solve",
        "h.indicator": "Indicator",
        "h.value": "Value",
        "h.unit": "Unit",
        "h.id": "Id",
        "h.name": "Project",
        "h.district": "District",
        "h.district_id": "District id",
        "h.theme": "Theme",
        "h.maturity": "Maturity",
        "h.competence": "Competence",
        "h.status": "Status",
        "h.start": "Start",
        "h.delivery": "Delivery",
        "h.ap": "AP (€)",
        "h.cp_before": "CP before {year} (€)",
        "h.cp": "CP {year} (€)",
        "h.cp_after": "CP after {year} (€)",
        "h.subsidies_total": "Subsidies, all years (€)",
        "h.fctva_total": "FCTVA, all years (€)",
        "h.year": "Year",
        "h.envelope": "Envelope (€)",
        "h.carried": "Carried from the previous year (€)",
        "h.available": "Available (€)",
        "h.spent": "Spending (€)",
        "h.subsidies": "Subsidies (€)",
        "h.fctva": "FCTVA (€)",
        "h.net": "Net effort (€)",
        "h.charged": "Charged to the envelope (€)",
        "h.margin": "Margin (€)",
        "h.use": "Use",
        "h.revenue": "Operating revenue (€)",
        "h.op_spending": "Operating spending (€)",
        "h.op_added": "Operating costs of new equipment (€)",
        "h.interest": "Interest (€)",
        "h.savings": "Épargne brute (€)",
        "h.savings_rate": "Savings rate",
        "h.net_investment": "Net investment (€)",
        "h.repayment": "Repayment (€)",
        "h.borrowing": "Borrowing (€)",
        "h.debt": "Outstanding debt (€)",
        "h.debt_years": "Debt capacity (years)",
        "h.kind": "Kind",
        "h.total": "Total",
        "h.cost": "Total cost (€)",
        "h.city_cost": "City cost (€)",
        "h.capacity": "Capacity {kind} ({unit})",
        "h.earliest": "Earliest start",
        "h.latest": "Latest start",
        "h.from": "From district",
        "h.to": "To district",
        "h.units": "Units",
        "h.item": "Item",
        "h.differs": "Differs",
        "h.envelope_of": "Envelope {label} (€)",
        "h.spent_of": "Spending {label} (€)",
        "total": "TOTAL",
        "total_of": "TOTAL {kind}",
        "yes": "yes",
        "no": "no",
        "none": "none",
        "not_chosen": "not chosen",
        "scenario": "Scenario",
        "source": "Scenario file",
        "variant": "Variant",
        "overrides": "Overrides applied",
        "override": "Override",
        "status": "Solve outcome",
        "status_code": "Status (code)",
        "solver": "Solver",
        "solver_message": "Solver message",
        "gap": "Optimality gap",
        "objective": "Objective (weighted unmet demand)",
        "bound": "Lower bound of the objective",
        "unmet": "Unmet demand — {kind}",
        "unmet_worst": "Unmet demand — {kind}, worst year",
        "unmet_worst_year": "Unmet demand — {kind}, worst year (year)",
        "unmet_without": "Unmet demand — {kind}, without new projects",
        "chosen": "Projects chosen",
        "candidates": "Candidate projects (excluding excluded ones)",
        "city_cost": "City cost of the projects chosen (AP)",
        "envelopes": "Envelopes over the horizon",
        "spent": "City spending over the horizon (CP)",
        "use": "Use of the envelopes",
        "outside": "Spending outside the horizon ({years})",
        "subsidies": "Subsidies received over the horizon",
        "fctva": "FCTVA received over the horizon",
        "net": "Net effort over the horizon (spending − subsidies − FCTVA)",
        "basis": "Envelopes limit",
        "basis.gross": "gross city spending",
        "basis.net": "net effort (spending − FCTVA − subsidies)",
        "debt_years": "Debt capacity, highest year",
        "debt_years_year": "Debt capacity, highest year (year)",
        "savings_min": "Savings rate, lowest year",
        "savings_min_year": "Savings rate, lowest year (year)",
        "debt_end": "Outstanding debt end {year}",
        "borrowing": "Borrowing over the horizon",
        "created": "Plan date",
        "version": "ppi version",
        "warning": "Warning",
        "no_plan": "No plan ({words}): only this summary is written.",
        "mismatch": (
            "The plan no longer matches the scenario (recomputed spending differs from plan.json): "
            "has the scenario changed since the solve?"
        ),
        "horizon_start": "Horizon start",
        "horizon_end": "Horizon end",
        "carry": "Unspent envelope carried over",
        "carry_share": "Share carried",
        "total_envelope": "Multi-year envelope {start}–{end}",
        "fctva_rate": "FCTVA rate",
        "fctva_lag": "FCTVA lag (years)",
        "model": "Model: {key}",
        "option": "Solver option: {key}",
        "envelope_year": "Envelope {year}",
        "u.years": "years",
        "u.year": "year",
        "u.unit_years": "{unit} × years",
        "u.weighted": "weighted unit-years",
        "u.share": "%",
        "u.count": "projects",
        "st.optimal": "optimal (proven)",
        "st.feasible": "feasible, not proven optimal",
        "st.infeasible": "infeasible: no plan satisfies the constraints",
        "st.no_solution": "no plan found within the limits",
        "ps.committed": "committed",
        "ps.mandatory": "mandatory",
        "ps.candidate": "candidate",
        "ps.excluded": "excluded",
        "ci.status": "Solve outcome",
        "ci.gap": "Optimality gap",
        "ci.objective": "Objective (weighted unmet demand)",
        "ci.unmet": "Unmet demand — {kind}",
        "ci.unmet_worst": "Unmet demand — {kind}, worst year",
        "ci.unmet_worst_year": "Unmet demand — {kind}, worst year (year)",
        "ci.projects chosen": "Projects chosen",
        "ci.city cost of the projects chosen": "City cost of the projects chosen (AP)",
        "ci.spending over the horizon": "City spending over the horizon (CP)",
        "ci.net effort over the horizon": "Net effort over the horizon",
        "ci.capacité de désendettement, worst year": "Debt capacity, highest year",
        "ci.debt at the horizon end": "Outstanding debt at the horizon end",
        "opt.solver": "engine",
        "opt.time_limit": "time limit (s)",
        "opt.gap": "target gap",
        "opt.threads": "threads",
        "opt.seed": "seed",
        "runtime": "Solve time (s)",
        "mk.columns": "columns",
        "mk.binaries": "binary columns",
        "mk.rows": "rows",
        "mk.nonzeros": "nonzeros",
    },
}


class _T:
    """Texts of one language: `t("key", name=...)`."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
        self.lang = lang
        self.texts = _TEXTS[lang]

    def __call__(self, text_id: str, /, **kwargs: Any) -> str:
        text = self.texts[text_id]
        return text.format(**kwargs) if kwargs else text

    def get(self, key: str, default: str) -> str:
        return self.texts.get(key, default)

    def status(self, code: Any) -> str:
        return self.texts.get(f"st.{code}", str(code))


# ----------------------------------------------------------------------------------------- sheet writer


@dataclass(frozen=True)
class Cell:
    """A value with its own number format, fill or font (otherwise the column's)."""

    value: Any
    fmt: str | None = None
    fill: PatternFill | None = None
    font: Font | None = None


@dataclass(frozen=True)
class Col:
    header: str
    fmt: str | None = None
    wrap: bool = False


def _clean(value: Any) -> Any:
    """A cell value: None for missing or non-finite numbers, plain Python types."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        if value != value:  # pandas NA / NaN
            return None
    except TypeError:  # pd.NA raises on bool()
        return None
    return value


def _display_len(value: Any, fmt: str | None) -> int:
    """Rough width of a value once formatted, for fitting the column."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        if fmt == MONEY:
            return len(f"{value:,.0f}") + 2
        if fmt in (SHARE, GAP):
            return len(f"{value * 100:,.2f}") + 1
        if fmt == YEAR:
            return len(str(int(value)))
        if fmt == UNITS:
            return len(f"{value:,.1f}")
        if isinstance(value, int):
            return len(f"{value:,}")
        return len(f"{value:,.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _lines(text: str, width: float) -> int:
    """Lines a text takes once wrapped at word boundaries in a column `width` characters wide."""
    room = max(1, int(width) - 2)
    count = 0
    for paragraph in text.splitlines() or [""]:
        n, used = 1, 0
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need > room and used:
                n, used = n + 1, len(word)
            else:
                used = need
        count += n
    return count


def _print_setup(ws: Worksheet, footer: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.oddFooter.left.text = footer.replace("&", "&&")[:200]
    ws.oddFooter.right.text = "&P / &N"


def _table(
    ws: Worksheet,
    title: str,
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    totals: Sequence[Sequence[Any]] = (),
    freeze_cols: int = 0,
    footer: str = "",
    notes: Sequence[Sequence[Any]] = (),
) -> int:
    """Write a titled table: title in row 1, header in row 2 (bold, filled, frozen, filtered), data rows,
    bold totals rows, then note rows (after a blank row). Returns the last data row."""
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    # Long headers wrap: they ask for the width of their longest word, or of HEADER_WIDTH characters.
    widths = [max(min(len(c.header), HEADER_WIDTH), *(len(w) for w in c.header.split())) for c in columns]
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=j, value=col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wrapped: list[tuple[int, int, str]] = []  # (row, column, text) of wrapped cells, for the row heights
    top = any(c.wrap for c in columns)  # rows may grow: align every cell on the top line

    def put(r: int, values: Sequence[Any], bold: bool, measure: bool = True) -> None:
        for j, raw in enumerate(values, start=1):
            spec = raw if isinstance(raw, Cell) else Cell(raw)
            value = _clean(spec.value)
            col = columns[j - 1] if j <= len(columns) else Col("")
            fmt = spec.fmt or col.fmt
            cell = ws.cell(row=r, column=j, value=value)
            if fmt and value is not None and not isinstance(value, str):
                cell.number_format = fmt
            if spec.fill is not None:
                cell.fill = spec.fill
            if spec.font is not None:
                cell.font = spec.font
            elif bold:
                cell.font = BOLD
            if bold:
                cell.border = TOTAL_BORDER
            if col.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(value, str):
                    wrapped.append((r, j, value))
            elif top:
                cell.alignment = Alignment(vertical="top")
            if measure and j <= len(widths):
                widths[j - 1] = max(widths[j - 1], _display_len(value, fmt))

    r = FIRST_DATA_ROW - 1
    for values in rows:
        r += 1
        put(r, values, bold=False)
    last_data = r
    for values in totals:
        r += 1
        put(r, values, bold=True)
    if notes:
        r += 1
        for values in notes:
            r += 1
            put(r, values, bold=False, measure=False)  # notes run over the empty cells to their right
    last_col = get_column_letter(len(columns))
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=freeze_cols + 1).coordinate
    ws.auto_filter.ref = f"A2:{last_col}{max(last_data, 2)}"
    fitted = [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]
    for j, w in enumerate(fitted, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    # Row heights of wrapped text (Excel does not grow them on opening a file): LINE_HEIGHT points a line.
    lines: dict[int, int] = {2: max(_lines(c.header, fitted[j]) for j, c in enumerate(columns))}
    for r, j, text in wrapped:
        lines[r] = max(lines.get(r, 1), _lines(text, fitted[j - 1]))
    for r, n in lines.items():
        if n > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * n
    ws.print_title_rows = "2:2"
    _print_setup(ws, footer)
    return last_data


def _save(wb: Workbook, created: datetime) -> bytes:
    """The workbook's bytes, identical for identical content: properties and zip entries dated `created`."""
    wb.properties.created = created
    wb.properties.modified = created
    wb.properties.creator = "ppi"
    wb.properties.lastModifiedBy = "ppi"
    stamp = (max(1980, created.year), created.month, created.day, created.hour, created.minute, created.second)

    class _Zip(zipfile.ZipFile):
        def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
            if isinstance(zinfo_or_arcname, str):
                zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=stamp)
                zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
                zinfo_or_arcname.external_attr = 0o600 << 16
            super().writestr(zinfo_or_arcname, data, *args, **kwargs)

        def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
            # openpyxl writes worksheets from temporary files, which would carry their own dates
            with open(filename, "rb") as fh:
                self.writestr(str(arcname if arcname is not None else filename), fh.read())

    buf = io.BytesIO()
    archive = _Zip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # save_workbook() would stamp `modified` with the current time
    return buf.getvalue()


def _created(plan: dict[str, Any]) -> datetime:
    """The plan's `created` date as a naive UTC datetime (a fixed date if missing or unreadable)."""
    text = plan.get("created")
    if not isinstance(text, str):
        return _EPOCH
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


def _new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


# ------------------------------------------------------------------------------------------ plan workbook


def _money(x: Any) -> float:
    return round(float(x), 2)


def _round(value: Any, digits: int) -> Any:
    """Floats rounded (money to the cent, quantities to 1e-6), other values as they are."""
    value = _clean(value)
    return round(value, digits) if isinstance(value, float) else value


def _has_plan(plan: dict[str, Any]) -> bool:
    return plan.get("status") in ("optimal", "feasible") and "projects" in plan


def _labels(scenario: Scenario) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Display names of districts, kinds and units."""
    spec = scenario.spec
    districts = {d.id: d.name or d.id for d in spec.districts}
    kinds = {k: (spec.demand_kinds[k].name or k) if k in spec.demand_kinds else k for k in scenario.kinds}
    units = {k: spec.demand_kinds[k].unit if k in spec.demand_kinds else "" for k in scenario.kinds}
    return districts, kinds, units


def _inputs_of(scenario: Scenario, plan: dict[str, Any]) -> tuple[str, str, Any, list[str]]:
    info = plan.get("scenario") or {}
    name = info.get("name") or scenario.name
    source = info.get("source") or scenario.source
    variant = info.get("variant", scenario.variant)
    overrides = list(info.get("overrides", scenario.overrides) or [])
    return name, source, variant, overrides


def _mismatch(plan: dict[str, Any], ev: Evaluation) -> bool:
    """True when the recomputed spending per year differs from the plan's (a stale plan or scenario)."""
    recorded = {int(r["year"]): float(r["spent"]) for r in plan.get("budget", []) if "year" in r and "spent" in r}
    computed = {int(r.year): float(r.spent) for r in ev.budget.itertuples(index=False)}
    if not recorded:
        return False
    return any(abs(recorded.get(y, 0.0) - v) > 0.02 for y, v in computed.items()) or set(recorded) != set(computed)


def _summary_rows(scenario: Scenario, plan: dict[str, Any], ev: Evaluation | None, t: _T) -> list[list[Any]]:
    name, source, variant, overrides = _inputs_of(scenario, plan)
    _, kinds, units = _labels(scenario)
    rows: list[list[Any]] = [
        [t("scenario"), name, ""],
        [t("source"), source, ""],
        [t("variant"), variant or t("none"), ""],
        [t("overrides"), "; ".join(overrides) if overrides else t("none"), ""],
        [t("status"), t.status(plan.get("status")), ""],
        [t("status_code"), plan.get("status"), ""],
        [t("solver"), plan.get("solver") or "", ""],
    ]
    if plan.get("solver_message"):
        rows.append([t("solver_message"), plan["solver_message"], ""])
    if not _has_plan(plan) or ev is None:
        rows.append([Cell(t("warning"), font=WARN_FONT), Cell(t("no_plan", words=plan.get("status")))])
        rows += [[t("created"), plan.get("created") or "", ""], [t("version"), plan.get("ppi_version") or "", ""]]
        return rows
    rows += [
        [t("gap"), Cell(plan.get("gap"), GAP), t("u.share")],
        [t("objective"), Cell(plan.get("objective"), NUMBER), t("u.weighted")],
        [t("bound"), Cell(plan.get("bound"), NUMBER), t("u.weighted")],
    ]
    committed = {p.id: p.start for p in scenario.projects if p.status == "committed"}
    baseline = evaluate_plan(scenario, committed).balance
    bal = ev.balance
    for k in scenario.kinds:
        by_year = bal[bal["kind"] == k].groupby("year")["unmet"].sum()
        unit = units[k]
        rows.append([t("unmet", kind=kinds[k]), Cell(float(by_year.sum()), UNITS), t("u.unit_years", unit=unit)])
        if len(by_year):
            worst = int(by_year.idxmax())
            rows.append([t("unmet_worst", kind=kinds[k]), Cell(float(by_year.max()), UNITS), unit])
            rows.append([t("unmet_worst_year", kind=kinds[k]), Cell(worst, YEAR), t("u.year")])
        without = float(baseline.loc[baseline["kind"] == k, "unmet"].sum())
        rows.append([t("unmet_without", kind=kinds[k]), Cell(without, UNITS), t("u.unit_years", unit=unit)])
    chosen = ev.projects[ev.projects["chosen"]]
    candidates = sum(p.status != "excluded" for p in scenario.projects)
    budget = ev.budget
    envelopes = float(budget["envelope"].sum())
    charged = float(budget["charged"].sum())
    rows += [
        [t("chosen"), Cell(len(chosen), COUNT), t("u.count")],
        [t("candidates"), Cell(candidates, COUNT), t("u.count")],
        [t("city_cost"), Cell(_money(chosen["city_cost"].sum()), MONEY), "€"],
        [t("envelopes"), Cell(_money(envelopes), MONEY), "€"],
        [t("spent"), Cell(_money(budget["spent"].sum()), MONEY), "€"],
        [t("use"), Cell(charged / envelopes if envelopes else None, SHARE), t("u.share")],
        [t("basis"), t("basis.net") if scenario.net_basis else t("basis.gross"), ""],
    ]
    if ev.outside_horizon:
        years = ", ".join(str(y) for y in ev.outside_horizon)
        rows.append([t("outside", years=years), Cell(_money(sum(ev.outside_horizon.values())), MONEY), "€"])
    rows += [
        [t("subsidies"), Cell(_money(budget["subsidies"].sum()), MONEY), "€"],
        [t("fctva"), Cell(_money(budget["fctva"].sum()), MONEY), "€"],
        [t("net"), Cell(_money(budget["net_effort"].sum()), MONEY), "€"],
    ]
    fin = ev.finance
    if len(fin):
        debt_years = fin["debt_years"].where(fin["debt_years"].map(math.isfinite), other=math.inf)
        worst = int(fin.loc[debt_years.idxmax(), "year"])
        rows += [
            [t("debt_years"), Cell(_clean(float(debt_years.max())), NUMBER), t("u.years")],
            [t("debt_years_year"), Cell(worst, YEAR), t("u.year")],
            [t("savings_min"), Cell(float(fin["savings_rate"].min()), SHARE), t("u.share")],
            [t("savings_min_year"), Cell(int(fin.loc[fin["savings_rate"].idxmin(), "year"]), YEAR), t("u.year")],
            [t("debt_end", year=scenario.last_year), Cell(_money(fin["debt"].iloc[-1]), MONEY), "€"],
            [t("borrowing"), Cell(_money(fin["borrowing"].sum()), MONEY), "€"],
        ]
    if _mismatch(plan, ev):
        rows.append([Cell(t("warning"), font=WARN_FONT), Cell(t("mismatch"), font=WARN_FONT), ""])
    for w in plan.get("warnings", []) or []:
        rows.append([t("warning"), w, ""])
    rows += [[t("created"), plan.get("created") or "", ""], [t("version"), plan.get("ppi_version") or "", ""]]
    return rows


def _maturity_label(scenario: Scenario, key: str | None) -> str:
    if not key:
        return ""
    return str(maturity_levels(scenario.spec).get(key, {}).get("label") or key)


def _competence_label(scenario: Scenario, key: str | None) -> str:
    if not key:
        return ""
    return str(competences(scenario.spec).get(key, {}).get("label") or key)


def _ppi_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: _T, name: str) -> None:
    districts, _, _ = _labels(scenario)
    first, last = scenario.first_year, scenario.last_year
    starts = {pid: s for pid, s, ok in ev.projects[["project", "start", "chosen"]].itertuples(index=False) if ok}
    chosen = [p for p in scenario.projects if p.id in starts]
    cp: dict[str, dict[int, float]] = {}
    for r in ev.spending.itertuples(index=False):
        cp.setdefault(r.project, {})[int(r.year)] = cp.get(r.project, {}).get(int(r.year), 0.0) + r.city_spending
    cp = {pid: {y: _money(v) for y, v in by.items()} for pid, by in cp.items()}
    receipts: dict[str, list[float]] = {}
    for r in ev.receipts.itertuples(index=False):
        acc = receipts.setdefault(r.project, [0.0, 0.0])
        acc[0] += r.subsidies
        acc[1] += r.fctva
    before = any(y < first for p in chosen for y in cp.get(p.id, {}))
    after = any(y > last for p in chosen for y in cp.get(p.id, {}))
    columns = [
        Col(t("h.id")),
        Col(t("h.name"), wrap=True),
        Col(t("h.district")),
        Col(t("h.theme")),
        Col(t("h.maturity")),
        Col(t("h.competence")),
        Col(t("h.status")),
        Col(t("h.start"), YEAR),
        Col(t("h.delivery"), YEAR),
        Col(t("h.ap"), MONEY),
    ]
    if before:
        columns.append(Col(t("h.cp_before", year=first), MONEY))
    columns += [Col(t("h.cp", year=y), MONEY) for y in scenario.years]
    if after:
        columns.append(Col(t("h.cp_after", year=last), MONEY))
    columns += [Col(t("h.subsidies_total"), MONEY), Col(t("h.fctva_total"), MONEY)]

    def money_cells(pid: str, ap: float) -> list[float]:
        by = cp.get(pid, {})
        cells = [ap]
        if before:
            cells.append(_money(sum(v for y, v in by.items() if y < first)))
        cells += [by.get(y, 0.0) for y in scenario.years]
        if after:
            cells.append(_money(sum(v for y, v in by.items() if y > last)))
        sub, fctva = receipts.get(pid, [0.0, 0.0])
        return cells + [_money(sub), _money(fctva)]

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
                *money_cells(p.id, _money(p.city_cost)),
            ]
        )
    n_text = 9
    sums = [_money(sum(r[j] for r in rows)) for j in range(n_text, len(columns))]
    totals = [[t("total"), *([""] * (n_text - 1)), *sums]] if rows else []
    _table(ws, t("t.ppi", name=name), columns, rows, totals, freeze_cols=1, footer=name)


def _budget_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: _T, name: str) -> None:
    net_basis = scenario.net_basis
    columns = [
        Col(t("h.year"), YEAR),
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
        row = [int(r.year), *(_money(v) for v in (r.envelope, r.carried_in, r.available, r.spent))]
        row += [_money(r.subsidies), _money(r.fctva), _money(r.net_effort)]
        if net_basis:
            row.append(_money(r.charged))
        row += [_money(r.margin), r.charged / r.available if r.available else None]
        rows.append(row)
    b = ev.budget
    envelope = _money(sum(r[1] for r in rows))
    charged_total = float(b["charged"].sum())
    total = [t("total"), envelope, None, None, _money(sum(r[4] for r in rows))]
    total += [_money(sum(r[j] for r in rows)) for j in (5, 6, 7)]
    if net_basis:
        total.append(_money(sum(r[8] for r in rows)))
    total += [None, charged_total / envelope if envelope else None]
    notes = [
        [t("outside", years=y), Cell(None), Cell(None), Cell(None), Cell(_money(v), MONEY)]
        for y, v in ev.outside_horizon.items()
    ]
    _table(ws, t("t.budget", name=name), columns, rows, [total], freeze_cols=1, footer=name, notes=notes)


def _finance_sheet(ws: Worksheet, ev: Evaluation, t: _T, name: str) -> None:
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
    columns = [Col(t("h.year"), YEAR), *(Col(t(key), fmt) for _, key, fmt in spec)]
    rows = []
    for r in ev.finance.to_dict("records"):
        rows.append([int(r["year"]), *(_money(r[c]) if fmt == MONEY else _clean(float(r[c])) for c, _, fmt in spec)])
    _table(ws, t("t.finance", name=name), columns, rows, freeze_cols=1, footer=name)


def _unmet_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: _T, name: str) -> None:
    districts, kinds, units = _labels(scenario)
    columns = [Col(t("h.district")), Col(t("h.district_id")), Col(t("h.kind")), Col(t("h.unit"))]
    columns += [Col(str(y), UNITS) for y in scenario.years] + [Col(t("h.total"), UNITS)]
    unmet = {(r.district, r.kind, int(r.year)): round(float(r.unmet), 6) for r in ev.balance.itertuples(index=False)}
    rows, totals = [], []
    for k in scenario.kinds:
        per_year = dict.fromkeys(scenario.years, 0.0)
        for d in scenario.districts:
            values = [unmet.get((d, k, y), 0.0) for y in scenario.years]
            for y, v in zip(scenario.years, values, strict=True):
                per_year[y] += v
            rows.append([districts.get(d, d), d, kinds[k], units[k], *values, round(sum(values), 6)])
        totals.append(
            [t("total_of", kind=kinds[k]), "", kinds[k], units[k]]
            + [round(v, 6) for v in per_year.values()]
            + [round(sum(per_year.values()), 6)]
        )
    _table(ws, t("t.unmet", name=name), columns, rows, totals, freeze_cols=1, footer=name)


def _left_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: _T, name: str) -> None:
    districts, kinds, units = _labels(scenario)
    chosen = ev.projects.set_index("project")["chosen"].to_dict()
    columns = [
        Col(t("h.id")),
        Col(t("h.name"), wrap=True),
        Col(t("h.district")),
        Col(t("h.theme")),
        Col(t("h.maturity")),
        Col(t("h.competence")),
        Col(t("h.status")),
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
                _money(p.cost),
                _money(p.city_cost),
                *(float(p.capacity.get(k, 0.0)) for k in scenario.kinds),
                window[0] if window else None,
                window[-1] if window else None,
            ]
        )
    totals = []
    if rows:
        totals = [[t("total"), *([""] * 6), _money(sum(r[7] for r in rows)), _money(sum(r[8] for r in rows))]]
        totals[0] += [sum(r[9 + i] for r in rows) for i in range(len(scenario.kinds))]
    _table(ws, t("t.left", name=name), columns, rows, totals, freeze_cols=1, footer=name)


def _transfers_sheet(ws: Worksheet, scenario: Scenario, ev: Evaluation, t: _T, name: str) -> None:
    districts, kinds, units = _labels(scenario)
    columns = [
        Col(t("h.from")),
        Col(t("h.to")),
        Col(t("h.kind")),
        Col(t("h.unit")),
        Col(t("h.year"), YEAR),
        Col(t("h.units"), UNITS),
    ]
    rows = [
        [districts.get(r["from"], r["from"]), districts.get(r["to"], r["to"]), kinds.get(r["kind"], r["kind"])]
        + [units.get(r["kind"], ""), int(r["year"]), float(r["units"])]
        for r in ev.transfers.to_dict("records")
    ]
    totals = []
    for k in scenario.kinds:
        total = sum(float(r["units"]) for r in ev.transfers.to_dict("records") if r["kind"] == k)
        if total:
            totals.append([t("total_of", kind=kinds[k]), "", kinds[k], units[k], None, total])
    _table(ws, t("t.transfers", name=name), columns, rows, totals, freeze_cols=0, footer=name)


def _inputs_sheet(ws: Worksheet, scenario: Scenario, plan: dict[str, Any], t: _T, name: str) -> None:
    _, source, variant, overrides = _inputs_of(scenario, plan)
    rows: list[list[Any]] = [
        [t("scenario"), name],
        [t("source"), source],
        [t("variant"), variant or t("none")],
    ]
    if overrides:
        rows += [[t("override"), o] for o in overrides]
    else:
        rows.append([t("overrides"), t("none")])
    rows.append([t("solver"), plan.get("solver") or ""])
    for key, value in (plan.get("options") or {}).items():
        label = t("option", key=t.get(f"opt.{key}", key))
        rows.append([label, "—" if value is None else value])
    if plan.get("runtime_s") is not None:
        rows.append([t("runtime"), Cell(plan["runtime_s"], NUMBER)])
    for key, value in (plan.get("model") or {}).items():
        if not key.endswith("_s"):
            rows.append([t("model", key=t.get(f"mk.{key}", key)), Cell(value, COUNT)])
    rows += [
        [t("horizon_start"), Cell(scenario.first_year, YEAR)],
        [t("horizon_end"), Cell(scenario.last_year, YEAR)],
        [t("basis"), t("basis.net") if scenario.net_basis else t("basis.gross")],
        [t("carry"), t("yes") if scenario.carry_over else t("no")],
    ]
    if scenario.carry_over:
        rows.append([t("carry_share"), Cell(scenario.carry_share, SHARE)])
    total = scenario.total_envelope
    if total is not None:
        rows.append([t("total_envelope", start=total.start, end=total.end), Cell(_money(total.amount), MONEY)])
    if scenario.fctva_rate:
        rows += [
            [t("fctva_rate"), Cell(scenario.fctva_rate, "0.000%")],
            [t("fctva_lag"), Cell(scenario.fctva_lag, COUNT)],
        ]
    rows += [[t("envelope_year", year=y), Cell(_money(scenario.envelope[y]), MONEY)] for y in scenario.years]
    columns = [Col(t("h.item")), Col(t("h.value"))]
    _table(ws, t("t.inputs", name=name), columns, rows, freeze_cols=0, footer=name)


def _diagnosis_sheet(ws: Worksheet, diagnosis: dict[str, Any], lang: str, name: str) -> None:
    """Why there is no plan: what breaks (with the stable constraint names), then the checked remedies."""
    t = DIAGNOSIS[lang]
    columns = [Col(t["h.what"], wrap=True), Col(t["h.detail"], wrap=True), Col("--set")]
    rows: list[list[Any]] = [[finding_text(f, lang), f["row"], ""] for f in diagnosis.get("findings", [])]
    for r in diagnosis.get("remedies", []):
        for i, c in enumerate(r["changes"]):
            rows.append([t["r." + r["kind"]] if i == 0 else "", change_text(c, lang), c["edit"]])
    _table(ws, f"{t['title']} — {name}", columns, rows, footer=name)


def _explain_sheets(wb: Any, explanation: dict[str, Any], lang: str, name: str) -> None:
    """Why this plan: one row per re-solve about a project (with what holds the plan as notes), and the value
    of one more M€ in each year's envelope."""
    w = EXPLAIN_TEXT[lang]
    columns = [
        Col(w["h.project"]),
        Col(w["h.start"], YEAR),
        Col(w["h.change"]),
        Col(w["h.status"]),
        Col(w["h.delta"], "0.000"),
        Col(w["h.new_start"], YEAR),
        Col(w["h.displaced"], wrap=True),
        Col(w["h.added"], wrap=True),
        Col(w["h.note"], wrap=True),
    ]
    rows = [
        [
            r["project"],
            r.get("start"),
            w.get(f"change.{r['change']}", r["change"]),
            r.get("status"),
            r.get("delta"),
            r.get("new_start"),
            r.get("displaced") or "",
            r.get("added") or "",
            r.get("note") or "",
        ]
        for r in [
            *explain_left_out(explanation),
            *(row for c in explain_chosen(explanation) for row in (c.get("drop"), c.get("defer")) if row),
        ]
    ]
    notes = [[w["holds"]], *([binding_text(b, lang)] for b in explanation.get("binding") or [])]
    _table(
        wb.create_sheet(w["sheet"]),
        f"{w['title']} — {name}",
        columns,
        rows,
        freeze_cols=1,
        footer=name,
        notes=notes if len(notes) > 1 else (),
    )
    budget = explanation.get("budget") or []
    if budget:
        columns = [
            Col(w["h.year"], YEAR),
            Col(w["h.envelope"], MONEY),
            Col(w["h.charged"], MONEY),
            Col(w["h.margin"], MONEY),
            Col(w["h.gain"], "0.000"),
            Col(w["h.binding"]),
        ]
        rows = [
            [
                b["year"],
                _money(b["envelope"]),
                _money(b["charged"]),
                _money(b["margin"]),
                b.get("gain_per_M"),
                w["yes"] if b.get("binding") else w["no"],
            ]
            for b in budget
        ]
        _table(wb.create_sheet(w["sheet_budget"]), f"{w['budget']} — {name}", columns, rows, footer=name)


def plan_workbook(
    scenario: Scenario,
    plan: dict[str, Any],
    lang: str = "fr",
    explanation: dict[str, Any] | None = None,
    diagnosis: dict[str, Any] | None = None,
) -> bytes:
    """The plan as an .xlsx workbook (bytes): Synthèse, PPI, Budget, [Épargne et dette], Besoins non
    satisfaits, Projets non retenus, [Transferts], [Pourquoi ce plan, Valeur du budget: with the explain.json
    dict of `ppi explain`], Hypothèses — or Synthèse alone when there is no plan.

    `plan` is the plan.json dict (`reports.files.plan_to_dict`); the tables are recomputed from its start
    years and transfers with `evaluate_plan`."""
    t = _T(lang)
    wb = _new_workbook()
    name = _inputs_of(scenario, plan)[0]
    wb.properties.title = name
    ev = None
    if _has_plan(plan):
        starts = {p["id"]: p["start"] for p in plan["projects"]}
        transfers = {(tr["from"], tr["to"], tr["kind"], tr["year"]): tr["units"] for tr in plan.get("transfers", [])}
        ev = evaluate_plan(scenario, starts, transfers)
    summary = wb.create_sheet(t("sh.summary"))
    columns = [Col(t("h.indicator"), wrap=True), Col(t("h.value"), wrap=True), Col(t("h.unit"))]
    _table(summary, t("t.summary", name=name), columns, _summary_rows(scenario, plan, ev, t), footer=name)
    summary.auto_filter.ref = None
    if ev is None and diagnosis:
        _diagnosis_sheet(wb.create_sheet(DIAGNOSIS[lang]["title"][:31]), diagnosis, lang, name)
    if ev is not None:
        _ppi_sheet(wb.create_sheet(t("sh.ppi")), scenario, ev, t, name)
        _budget_sheet(wb.create_sheet(t("sh.budget")), scenario, ev, t, name)
        if len(ev.finance):
            _finance_sheet(wb.create_sheet(t("sh.finance")), ev, t, name)
        _unmet_sheet(wb.create_sheet(t("sh.unmet")), scenario, ev, t, name)
        _left_sheet(wb.create_sheet(t("sh.left")), scenario, ev, t, name)
        if len(ev.transfers):
            _transfers_sheet(wb.create_sheet(t("sh.transfers")), scenario, ev, t, name)
        if explanation:
            _explain_sheets(wb, explanation, lang, name)
        _inputs_sheet(wb.create_sheet(t("sh.inputs")), scenario, plan, t, name)
    return _save(wb, _created(plan))


# ------------------------------------------------------------------------------------ comparison workbook


def _indicator(raw: str, kinds: dict[str, str], t: _T) -> str:
    """The compare module's indicator names in the workbook's language (unknown ones kept as is)."""
    if raw.startswith("unmet "):
        rest = raw[len("unmet ") :]
        for suffix, key in ((", worst year (year)", "ci.unmet_worst_year"), (", worst year", "ci.unmet_worst")):
            if rest.endswith(suffix):
                k = rest[: -len(suffix)]
                return t(key, kind=kinds.get(k, k))
        return t("ci.unmet", kind=kinds.get(rest, rest))
    return t.get(f"ci.{raw}", raw)


def _unit(raw: str, t: _T) -> str:
    if raw == "share":
        return t("u.share")
    if raw == "weighted unit-years":
        return t("u.weighted")
    if raw == "years":
        return t("u.years")
    if raw.endswith(" × years"):
        return t("u.unit_years", unit=raw[: -len(" × years")])
    return raw


def _fmt_for(indicator: str, unit: str) -> str | None:
    if unit == "€":
        return MONEY
    if unit == "share":
        return GAP
    if indicator.endswith("(year)"):
        return YEAR
    if indicator == "projects chosen":
        return COUNT
    if unit == "years" or unit == "weighted unit-years":
        return NUMBER
    return UNITS


def _fill(differs: Any) -> PatternFill | None:
    return DIFF_FILL if bool(differs) else None


def comparison_workbook(comparison: Comparison, lang: str = "fr") -> bytes:
    """The comparison of variants as an .xlsx workbook (bytes): Synthèse, Projets, Budget, Besoins non
    satisfaits, Hypothèses; one column per variant, differing rows' variant cells filled."""
    t = _T(lang)
    labels = comparison.labels
    entries = comparison.entries
    kinds: dict[str, str] = {}
    units: dict[str, str] = {}
    districts: dict[str, str] = {}
    for e in entries:
        d_names, k_names, k_units = _labels(e.scenario)
        for k, v in k_names.items():
            kinds.setdefault(k, v)
        for k, v in k_units.items():
            units.setdefault(k, v)
        for d, v in d_names.items():
            districts.setdefault(d, v)
    footer = " / ".join(labels)
    wb = _new_workbook()
    wb.properties.title = footer
    yes, no = t("yes"), t("no")

    # Summary: indicator × variant.
    columns = [Col(t("h.indicator")), Col(t("h.unit")), *(Col(label) for label in labels), Col(t("h.differs"))]
    rows = []
    for r in comparison.summary.to_dict("records"):
        fill = _fill(r["differs"])
        fmt = _fmt_for(r["indicator"], r["unit"])
        if r["indicator"] == "status":
            values = [Cell(t.status(r[label]) if r[label] else None, fill=fill) for label in labels]
        else:
            values = [Cell(_round(r[label], 2 if fmt == MONEY else 6), fmt, fill) for label in labels]
        unit = _unit(r["unit"], t)
        rows.append([_indicator(r["indicator"], kinds, t), unit, *values, yes if r["differs"] else no])
    _table(wb.create_sheet(t("sh.summary")), t("t.csummary"), columns, rows, freeze_cols=2, footer=footer)

    # Projects: start year per variant.
    columns = [
        Col(t("h.id")),
        Col(t("h.name"), wrap=True),
        Col(t("h.district")),
        Col(t("h.theme")),
        *(Col(label, YEAR) for label in labels),
        Col(t("h.differs")),
    ]
    rows = []
    for r in comparison.projects.to_dict("records"):
        fill = _fill(r["differs"])
        starts = [_clean(r[label]) for label in labels]
        cells = [Cell(int(s) if s is not None else t("not_chosen"), fill=fill) for s in starts]
        rows.append([r["project"], r["name"], districts.get(r["district"], r["district"]), r["theme"], *cells])
        rows[-1].append(yes if r["differs"] else no)
    _table(wb.create_sheet(t("sh.projects")), t("t.cprojects"), columns, rows, freeze_cols=1, footer=footer)

    # Budget: envelope and spending per year per variant.
    columns = [Col(t("h.year"), YEAR)]
    for label in labels:
        columns += [Col(t("h.envelope_of", label=label), MONEY), Col(t("h.spent_of", label=label), MONEY)]
    columns.append(Col(t("h.differs")))
    rows = []
    sums = [0.0] * (2 * len(labels))
    for r in comparison.budget.to_dict("records"):
        fill = _fill(r["differs"])
        row: list[Any] = [int(r["year"])]
        for i, label in enumerate(labels):
            env, spent = _clean(r[f"envelope {label}"]), _clean(r[f"spent {label}"])
            row += [Cell(None if env is None else _money(env), fill=fill)]
            row += [Cell(None if spent is None else _money(spent), fill=fill)]
            sums[2 * i] += env or 0.0
            sums[2 * i + 1] += spent or 0.0
        rows.append([*row, yes if r["differs"] else no])
    totals = [[t("total"), *(_money(v) for v in sums), ""]] if rows else []
    _table(wb.create_sheet(t("sh.budget")), t("t.cbudget"), columns, rows, totals, freeze_cols=1, footer=footer)

    # Unmet: kind × year per variant.
    columns = [
        Col(t("h.kind")),
        Col(t("h.unit")),
        Col(t("h.year"), YEAR),
        *(Col(label, UNITS) for label in labels),
        Col(t("h.differs")),
    ]
    rows = []
    by_kind: dict[str, list[float]] = {}
    for r in comparison.unmet.to_dict("records"):
        fill = _fill(r["differs"])
        values = [_round(r[label], 6) for label in labels]
        acc = by_kind.setdefault(r["kind"], [0.0] * len(labels))
        for i, v in enumerate(values):
            acc[i] += v or 0.0
        k = r["kind"]
        rows.append([kinds.get(k, k), units.get(k, ""), int(r["year"]), *(Cell(v, fill=fill) for v in values)])
        rows[-1].append(yes if r["differs"] else no)
    totals = [
        [t("total_of", kind=kinds.get(k, k)), units.get(k, ""), None, *(round(v, 6) for v in acc), ""]
        for k, acc in by_kind.items()
    ]
    _table(wb.create_sheet(t("sh.unmet")), t("t.cunmet"), columns, rows, totals, freeze_cols=1, footer=footer)

    # Inputs: per variant.
    fields: list[tuple[str, list[Any]]] = []
    info = [_inputs_of(e.scenario, e.plan) for e in entries]
    fields.append((t("scenario"), [i[0] for i in info]))
    fields.append((t("source"), [i[1] for i in info]))
    fields.append((t("variant"), [i[2] or t("none") for i in info]))
    fields.append((t("overrides"), ["\n".join(i[3]) if i[3] else t("none") for i in info]))
    fields.append((t("solver"), [e.plan.get("solver") or "" for e in entries]))
    for key in dict.fromkeys(k for e in entries for k in (e.plan.get("options") or {})):
        label = t("option", key=t.get(f"opt.{key}", key))
        values = [(e.plan.get("options") or {}).get(key) for e in entries]
        fields.append((label, ["—" if v is None else v for v in values]))
    fields.append((t("status"), [t.status(e.plan.get("status")) for e in entries]))
    fields.append((t("created"), [e.plan.get("created") or "" for e in entries]))
    fields.append((t("version"), [e.plan.get("ppi_version") or "" for e in entries]))
    columns = [Col(t("h.item")), *(Col(label, wrap=True) for label in labels), Col(t("h.differs"))]
    rows = []
    for label, values in fields:
        if label == t("created"):  # plans are solved at different times: not a difference of inputs
            rows.append([label, *values, ""])
            continue
        differs = len({str(v) for v in values}) > 1
        fill = _fill(differs)
        rows.append([label, *(Cell(v, fill=fill) for v in values), yes if differs else no])
    _table(wb.create_sheet(t("sh.inputs")), t("t.cinputs"), columns, rows, freeze_cols=1, footer=footer)

    created = max((_created(e.plan) for e in entries), default=_EPOCH)
    return _save(wb, created)
