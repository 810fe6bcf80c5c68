"""`ppi init FOLDER` (issue 17 part 1): a ready-to-fill scenario that validates and solves as written, whose
workbook has French headers, drop-down lists and one example row, and whose emptied tables say what is missing."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

import cli
import ppi

FILES = ["scenario.yaml", "projets.xlsx", "besoins.csv", "capacites.csv"]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_init_writes_a_scenario_that_validates_and_solves(tmp_path, capsys):
    folder = tmp_path / "ma-ville"
    code, out, err = run(
        ["init", folder, "--name", "Ma-Ville", "--districts", "centre,gare", "--start", "2027"], capsys
    )
    assert (code, err) == (0, "")
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert (
        out.splitlines()[0] == f"Scenario written to {folder}/: scenario.yaml, projets.xlsx, besoins.csv, capacites.csv"
    )
    code, out, err = run(["validate", folder / "scenario.yaml"], capsys)
    assert code == 0 and err == ""  # the descriptive columns of the matrix are expected: no warning
    assert out.splitlines()[0] == (
        f"{folder / 'scenario.yaml'}: valid. Ma-Ville — PPI 2027-2036: 2027-2036, 2 districts, 3 demand kinds, "
        "1 projects (1 not excluded)."
    )
    scenario = ppi.load(folder / "scenario.yaml")
    example = scenario.project["gs-exemple"]
    assert (example.district, example.cost, example.competence, example.maturity) == (
        "centre", 9_000_000, "ville", "faisabilite",
    )  # fmt: skip
    assert [(r.name, r.amount, r.offset) for r in example.receipts] == [("DSIL", 1_800_000, 1)]
    assert example.attributes["N° AP"] == "AP-0001"
    result = ppi.solve(scenario)
    assert result.status == "optimal" and list(result.chosen) == ["gs-exemple"]


def test_the_workbook_has_french_headers_lists_and_one_example_row(tmp_path):
    ppi.init(tmp_path / "v", districts=["centre", "nord"], start=2026)
    book = openpyxl.load_workbook(tmp_path / "v" / "projets.xlsx")
    assert book.sheetnames == ["Projets", "Subventions", "Listes"]
    projects = book["Projets"]
    headers = [c.value for c in projects[1]]
    assert headers[:12] == [
        "Identifiant", "Équipement", "Éléments de projet", "Quartier", "Adresse", "Compétence", "Thématique",
        "Maturité", "Statut", "Coût TTC", "Échéancier CP", "Délai de livraison",
    ]  # fmt: skip
    assert projects.max_row == 2 and projects["A2"].value == "gs-exemple"
    lists = {c.value: [r[0].value for r in book["Listes"].iter_rows(min_row=2, min_col=c.column, max_col=c.column)
                       if r[0].value is not None] for c in book["Listes"][1]}  # fmt: skip
    assert lists["Quartiers"] == ["centre", "nord"]
    assert lists["Maturités"][:3] == ["idee", "opportunite", "faisabilite"]
    assert lists["Compétences"][0] == "ville" and lists["Natures"] == ["maternelle", "elementaire", "creche"]
    checks = {str(dv.sqref): dv.formula1 for dv in projects.data_validations.dataValidation}
    column = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, start=1)}
    assert checks[f"{column['Quartier']}2:{column['Quartier']}1000"] == "=Listes!$A$2:$A$3"
    assert checks[f"{column['Maturité']}2:{column['Maturité']}1000"] == "=Listes!$B$2:$B$8"
    assert checks[f"{column['Compétence']}2:{column['Compétence']}1000"] == "=Listes!$C$2:$C$6"
    assert checks[f"{column['Statut']}2:{column['Statut']}1000"] == "=Listes!$D$2:$D$5"
    subsidies = {str(dv.sqref): dv.formula1 for dv in book["Subventions"].data_validations.dataValidation}
    assert subsidies["F2:F1000"] == "=Listes!$E$2:$E$4"
    assert subsidies["A2:A1000"] == "=Projets!$A$2:$A$1000"
    assert [c.value for c in book["Subventions"][1]] == [
        "Projet", "Financeur", "Montant", "Taux", "Par place", "Nature", "Versement",
    ]  # fmt: skip


def test_an_emptied_matrix_says_what_is_missing(tmp_path, capsys):
    folder = tmp_path / "v"
    ppi.init(folder, start=2026)
    book = openpyxl.load_workbook(folder / "projets.xlsx")
    book["Projets"].delete_rows(2)
    book.save(folder / "projets.xlsx")
    code, out, err = run(["validate", folder / "scenario.yaml"], capsys)
    assert code == 1
    assert err.splitlines() == [
        "2 problems in the scenario:",
        f"  - {folder / 'projets.xlsx'}:2: subsidies[0].project: unknown project 'gs-exemple'",
        f"  - {folder / 'scenario.yaml'}:42: projects.file: projets.xlsx, sheet 'Projets' (header on row 1), has a "
        "header but no rows; write an empty table inline (for example `capacity: []`) if there is really nothing "
        "to give",
    ]


def test_a_row_with_empty_cells_names_each_missing_field(tmp_path, capsys):
    folder = tmp_path / "v"
    ppi.init(folder, start=2026)
    book = openpyxl.load_workbook(folder / "projets.xlsx")
    ws = book["Projets"]
    ws.append(["ecole-nord", "École Nord", None, "nord"])  # row 3: only an id, a name and a quartier
    book.save(folder / "projets.xlsx")
    code, out, err = run(["validate", folder / "scenario.yaml"], capsys)
    assert code == 1
    xlsx = folder / "projets.xlsx"
    assert err.splitlines() == [
        "4 problems in the scenario:",
        f"  - {xlsx}:3: projects[1].capacity: this required field is missing (every cell of 'Capacité maternelle', "
        "'Capacité élémentaire', 'Capacité crèche' is empty)",
        f"  - {xlsx}:3: projects[1].cost: this required field is missing (its cell in the column 'Coût TTC' is empty)",
        f"  - {xlsx}:3: projects[1].delivery_lag: this required field is missing (its cell in the column 'Délai de "
        "livraison' is empty)",
        f"  - {xlsx}:3: projects[1].profile: this required field is missing (its cell in the column 'Échéancier CP' "
        "is empty)",
    ]


@pytest.mark.parametrize("what", ["file", "not-empty"])
def test_init_refuses_a_file_or_a_folder_that_is_not_empty(tmp_path, capsys, what):
    target = tmp_path / "x"
    if what == "file":
        target.write_text("keep me", encoding="utf-8")
        expected = f"error: {target} is a file: give a new or empty folder for the scenario"
    else:
        target.mkdir()
        (target / "notes.txt").write_text("keep me", encoding="utf-8")
        expected = f"error: {target} is not empty: ppi init writes a new scenario into a new or empty folder only"
    code, out, err = run(["init", target], capsys)
    assert (code, out, err.strip()) == (1, "", expected)
    assert (target.read_text() if what == "file" else (target / "notes.txt").read_text()) == "keep me"
    assert what == "file" or sorted(os.listdir(target)) == ["notes.txt"]


def test_init_into_an_empty_folder_and_bad_quartier_ids(tmp_path, capsys):
    (tmp_path / "vide").mkdir()
    assert run(["init", tmp_path / "vide", "--start", "2026"], capsys)[0] == 0
    code, out, err = run(["init", tmp_path / "w", "--districts", "Gare Nord,gare-nord"], capsys)
    assert (code, err.strip()) == (
        1, "error: quartiers: give at least one, each once, with a letter or a digit (got Gare Nord, gare-nord)",
    )  # fmt: skip
    assert not Path(tmp_path / "w").exists()


def test_names_and_ids_that_yaml_would_misread_are_written_quoted(tmp_path):
    ppi.init(tmp_path / "v", name="Ville: #1 & co", districts=["Gare: Nord", "nord-est", "Île #2"], start=2026)
    scenario = ppi.load(tmp_path / "v" / "scenario.yaml")
    assert scenario.name == "Ville: #1 & co — PPI 2026-2035"
    assert scenario.districts == ("gare-nord", "nord-est", "ile-2")  # ids from the names typed
    assert [d.name for d in scenario.spec.districts] == ["Gare: Nord", "Nord-Est", "Île #2"]


def test_a_matrix_exported_by_excel_and_an_overlay_solve_as_a_user_runs_them(tmp_path):
    """The path of a new commune, in a subprocess: ppi init, the matrix replaced by a French Excel CSV export
    (`;`, byte-order mark, decimal commas, numbers with spaces and euros, descriptive columns), the aid in an
    overlay that extends the scenario, then ppi validate and ppi solve with the workbook report."""
    from tests.helpers import run_cli

    folder = tmp_path / "ville"
    assert run_cli("init", folder, "--districts", "centre,gare", "--start", "2026").returncode == 0
    matrix = (
        "\ufeffIdentifiant;Équipement;Quartier;Adresse;Compétence;Maturité;Coût TTC;Échéancier CP;"
        "Délai de livraison;Capacité maternelle;Capacité crèche;N° AP;Couleur\n"
        "ext-centre;Extension Centre;Centre;3 rue Haute;Ville;Travaux;1 200 000 €;0,4|0,6;1;2;;AP-12;vert\n"
        "creche-gare;Crèche de la Gare;gare;1 place Gare;Commune;Programme;2,4 M€;0,3|0,7;2;;30;AP-13;\n"
    )
    (folder / "matrice.csv").write_text(matrix, encoding="utf-8")
    scenario = (folder / "scenario.yaml").read_text(encoding="utf-8")
    scenario = scenario.replace("projects: {file: projets.xlsx, sheet: Projets}", "projects: {file: matrice.csv}")
    scenario = scenario.replace("subsidies: {file: projets.xlsx, sheet: Subventions}\n", "")
    (folder / "scenario.yaml").write_text(scenario, encoding="utf-8")
    (folder / "aides.yaml").write_text(
        "extends: scenario.yaml\nprojects:\n  - id: creche-gare\n    subsidies: [{name: CAF, per_unit: 17000, "
        "kind: creche}]\n",
        encoding="utf-8",
    )
    done = run_cli("validate", folder / "aides.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"warning: {folder / 'matrice.csv'}:1: projects: the column 'Couleur' is not a field: kept as a "
        "description of each row"
    ]
    out = tmp_path / "resultats"
    done = run_cli("solve", folder / "aides.yaml", "--out", out, "--report", "xlsx", "--quiet")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out / "report.xlsx")
    rows = [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]
    header = next(r for r in rows if "Couleur" in r)
    line = next(r for r in rows if "ext-centre" in r and len(r) == len(header))
    assert [line[header.index(k)] for k in ("Adresse", "N° AP", "Couleur")] == ["3 rue Haute", "AP-12", "vert"]
    plan = ppi.open_result(out)
    assert {p.id: (p.cost, p.district, p.aid) for p in plan.scenario.projects} == {
        "ext-centre": (1_200_000, "centre", 0.0),
        "creche-gare": (2_400_000, "gare", 510_000),
    }
