"""A ready-to-fill scenario for a new commune (`ppi init`): the files, as bytes, that `ppi.init` writes.

- `scenario.yaml`, commented: horizon, demand kinds, quartiers, budget envelopes, and the tables it names;
- `projets.xlsx`, the project matrix with French headers (models/headers.py), drop-down lists (quartiers,
  maturity levels, competences, statuses) and one example row on the sheet "Projets"; a sheet "Subventions"
  (one row per aid, one example; drop-down lists of the matrix's projects, demand kinds and timings); a sheet
  "Listes" holding the lists;
- `besoins.csv` (demand) and `capacites.csv` (existing capacity), `;`-separated with French headers, one
  example row per quartier and kind.

The example values make a complete scenario that validates and solves as written, so that a new user sees the
whole path at once and then replaces the values; every file says what to replace.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence

from models.defaults import DEFAULT_COMPETENCES, DEFAULT_MATURITY_LEVELS

KINDS = (("maternelle", "classes", 1.0, "Maternelle"), ("elementaire", "classes", 1.0, "Élémentaire"),
         ("creche", "places", 0.05, "Crèche"))  # fmt: skip
STATUSES = ("candidate", "mandatory", "committed", "excluded")
PROJECT_HEADERS = (
    "Identifiant", "Équipement", "Éléments de projet", "Quartier", "Adresse", "Compétence", "Thématique",
    "Maturité", "Statut", "Coût TTC", "Échéancier CP", "Délai de livraison", "Début au plus tôt",
    "Début au plus tard", "Capacité maternelle", "Capacité élémentaire", "Capacité crèche", "Service", "N° AP",
    "Commentaire",
)  # fmt: skip
SUBSIDY_HEADERS = ("Projet", "Financeur", "Montant", "Taux", "Par place", "Nature", "Versement")


def _yaml(name: str, districts: Mapping[str, str], start: int, end: int) -> str:
    def quoted(text: str) -> str:  # any text as a YAML scalar (a JSON string is one)
        return json.dumps(text, ensure_ascii=False)

    def label(d: str) -> str:  # an id typed as the name: capitalised
        typed = districts[d]
        return "-".join(w.capitalize() for w in typed.split("-")) if typed == d else typed

    quartiers = "\n".join(f"  - {{id: {quoted(d)}, name: {quoted(label(d))}}}" for d in districts)
    kinds = "\n".join(f"  {k + ':':13}{{unit: {u}, weight: {w}, name: {n}}}" for k, u, w, n in KINDS)
    return f"""\
# {name} — PPI {start}-{end}: a scenario written by `ppi init`. Replace the example values, then check it with
#   ppi validate scenario.yaml        (every problem at once, with its file, line and column)
#   ppi solve scenario.yaml --report html,xlsx
# The format, key by key: docs/model.md; the JSON Schema for editors: docs/scenario.schema.json.

name: {quoted(f"{name} — PPI {start}-{end}")}
horizon: {{start: {start}, end: {end}}}   # the years planned; projects start at the latest in {end}

# What is planned, in which unit, and how much a unit missing for a year weighs in the objective
# (20 missing crèche places weigh as much as one missing class).
demand_kinds:
{kinds}

# The quartiers (or school sectors): the "Quartier" column of every table gives the id or the name.
# Add `rep: true` to a quartier in REP/REP+, and `neighbours: [...]` to let demand be met next door.
districts:
{quartiers}

# Classes and places needed, and existing, per quartier, kind and year (a year left out takes the last earlier
# value). `ppi demand scenario.yaml` shows them; a forecast from pupils, housing and births can replace
# besoins.csv (docs/model.md, "Demand forecast").
demand:   {{file: besoins.csv}}      # Quartier;Type;Année;Valeur
capacity: {{file: capacites.csv}}    # same columns: classes and places existing

# Crédits de paiement available each year for the city's share of these operations (euros): one number for
# every year, or one line per year ({{{start}: 4.0e6, {start + 1}: 5.5e6, ...}}).
budget:
  annual: 5.0e6
  carry_over: false                  # true: unspent envelope carries into the next year

# FCTVA refunds 16.404 % of eligible spending, one year later (lag 0, 1 or 2 depending on the commune).
finance:
  fctva: {{rate: 0.16404, lag: 1}}

# The project matrix: one row per operation, French headers (Équipement, Quartier, Compétence, Thématique,
# Maturité, Coût TTC, Échéancier CP...). Columns the tool does not use (Adresse, Service, N° AP,
# Commentaire...) are kept and shown in the reports. Numbers may be written 1,8 M€ or 450 000 €.
projects: {{file: projets.xlsx, sheet: Projets}}

# Public aid, one row per aid: the project, the funder, an amount, a rate of the cost or an amount per place
# (with its Nature: creche...), and when it is received (livraison, N+1...). All aid ≤ 80 % of the cost.
subsidies: {{file: projets.xlsx, sheet: Subventions}}

# To test a change without editing this file, write a second file that extends it:
#   extends: scenario.yaml
#   budget: {{annual: 4.5e6}}
# and solve that one (docs/model.md, "Variants and overrides").
"""


def _workbook(districts: Sequence[str], start: int) -> bytes:
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    projects = book.active
    projects.title = "Projets"
    subsidies = book.create_sheet("Subventions")
    lists = book.create_sheet("Listes")
    columns = {
        "Quartiers": list(districts),
        "Maturités": list(DEFAULT_MATURITY_LEVELS),
        "Compétences": list(DEFAULT_COMPETENCES),
        "Statuts": list(STATUSES),
        "Natures": [k for k, *_ in KINDS],
        "Versements": ["livraison", "démarrage", "N+1", "N+2", "N+3"],
    }
    ranges: dict[str, str] = {}
    for j, (title, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(j)
        lists.cell(1, j, title).font = Font(bold=True)
        for i, value in enumerate(values, start=2):
            lists.cell(i, j, value)
        ranges[title] = f"Listes!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 18
    head = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E78")
    example = [
        "gs-exemple", "Groupe scolaire (exemple à remplacer)", "10 classes et un restaurant scolaire", districts[0],
        "adresse", "ville", "Scolaire", "faisabilite", "candidate", "9 000 000 €", "0,1|0,2|0,5|0,2", 3, start + 1,
        None, 4, 6, None, "Éducation", "AP-0001", "exemple : supprimez cette ligne",
    ]  # fmt: skip
    for sheet, headers, row in (
        (projects, PROJECT_HEADERS, example),
        (subsidies, SUBSIDY_HEADERS, ["gs-exemple", "DSIL", None, "20 %", None, None, "N+1"]),
    ):
        sheet.append(list(headers))
        sheet.append(row)
        for j, _ in enumerate(headers, start=1):
            cell = sheet.cell(1, j)
            cell.font, cell.fill = head, fill
            sheet.column_dimensions[get_column_letter(j)].width = max(14, len(str(cell.value)) + 2)
        sheet.freeze_panes = "B2"

    def drop_down(sheet, header: str, headers: Sequence[str], source: str) -> None:
        letter = get_column_letter(headers.index(header) + 1)
        check = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        check.error = f"Choose a value of the list (sheet Listes, {header})"
        check.errorTitle = header
        sheet.add_data_validation(check)
        check.add(f"{letter}2:{letter}1000")

    drop_down(projects, "Quartier", PROJECT_HEADERS, ranges["Quartiers"])
    drop_down(projects, "Maturité", PROJECT_HEADERS, ranges["Maturités"])
    drop_down(projects, "Compétence", PROJECT_HEADERS, ranges["Compétences"])
    drop_down(projects, "Statut", PROJECT_HEADERS, ranges["Statuts"])
    drop_down(subsidies, "Projet", SUBSIDY_HEADERS, "Projets!$A$2:$A$1000")  # the ids of the matrix
    drop_down(subsidies, "Nature", SUBSIDY_HEADERS, ranges["Natures"])
    drop_down(subsidies, "Versement", SUBSIDY_HEADERS, ranges["Versements"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(districts: Sequence[str], start: int, values: dict[str, float]) -> bytes:
    lines = ["Quartier;Type;Année;Valeur"]
    lines += [f"{d};{k};{start};{values[k]:g}".replace(".", ",") for d in districts for k, *_ in KINDS]
    return ("\n".join(lines) + "\n").encode("utf-8")


def starter_files(name: str, districts: Mapping[str, str], start: int, end: int) -> dict[str, bytes]:
    """File name -> content of a new scenario for `districts` (id -> name) over `start`..`end` (see the module
    docstring)."""
    if not districts:
        raise ValueError("give at least one quartier")
    return {
        "scenario.yaml": _yaml(name, districts, start, end).encode("utf-8"),
        "projets.xlsx": _workbook(list(districts), start),
        "besoins.csv": _table(list(districts), start, {"maternelle": 10, "elementaire": 16, "creche": 60}),
        "capacites.csv": _table(list(districts), start, {"maternelle": 9, "elementaire": 15, "creche": 40}),
    }
