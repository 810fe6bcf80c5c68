"""The shipped Saint-Malo scenario (scenarios/saint-malo): started with `ppi init`, its enrolment tables written
by `ppi enrolment` from the national file in data/ and a hand-written school → quartier table, its project
matrix filled in the workbook `ppi init` wrote. It loads, solves to a proven optimum that verifies, and its
README's commands and figures hold."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.helpers import ENROLMENT_TABLES, assert_verified_optimum

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "scenarios" / "saint-malo"
SCENARIO = FOLDER / "scenario.yaml"
NATIONAL = REPO / "data" / "ecoles-effectifs-ille-et-vilaine-2019-2022.csv"
TABLES = ENROLMENT_TABLES
# The README's commands, as arguments of `ppi`.
INIT = ["--name", "Saint-Malo", "--start", "2026", "--end", "2035"]
INIT += ["--districts", "La Découverte,Bellevue-Rocabey,Courtoisville,Legatelois,La Cité-Grand Bé"]
ENROLMENT = ["--commune", "Saint-Malo", "--map", str(FOLDER / "ecoles-quartiers.csv"), "--capacity-year", "2026"]
ENROLMENT += ["--under-3", "0.67", "--creche-places", "0.20,0.16", "--quiet"]


def _rows(path: Path, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def test_enrolment_tables_are_what_ppi_enrolment_writes(tmp_path):
    """Every table `ppi enrolment` wrote into the scenario comes out again, byte for byte, from the national
    file and the mapping (the README's command)."""
    from cli import main

    out = tmp_path / "saint-malo"
    assert main(["enrolment", str(NATIONAL), *ENROLMENT, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(TABLES)
    for name in TABLES:
        assert (out / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_every_public_school_of_the_commune_is_mapped_once():
    """19 public schools in 2022, each in one of the five quartiers; the REP flags are the file's."""
    mapping = pd.read_csv(FOLDER / "ecoles-quartiers.csv", dtype=str)
    assert mapping["uai"].is_unique and len(mapping) == 19
    national = pd.read_csv(NATIONAL, sep=";", dtype=str, encoding="utf-8-sig")
    public = national[(national["Commune"] == "SAINT-MALO") & (national["Secteur"] == "PUBLIC")]
    assert set(public["Numéro de l'école"]) == set(mapping["uai"])
    schools = pd.read_csv(FOLDER / "effectifs-ecoles.csv")
    assert len(schools) == 19


def test_demand_is_derived_from_the_real_2022_enrolment(scenario):
    """No demand table: every quartier and kind is forecast; 2,159 public pupils (844 pré-élémentaire, 1,315
    élémentaire with ULIS) in 111 classes in 2022."""
    assert not scenario.spec.demand
    assert set(scenario.demand_source.values()) == {"forecast"}
    assert [d.id for d in scenario.spec.districts] == [
        "la-decouverte",
        "bellevue-rocabey",
        "courtoisville",
        "legatelois",
        "la-cite-grand-be",
    ]
    assert {d.id for d in scenario.spec.districts if d.rep} == {"la-decouverte", "bellevue-rocabey"}
    pupils = pd.read_csv(FOLDER / "effectifs.csv")
    assert pupils.groupby("kind")["pupils"].sum().to_dict() == {"elementaire": 1315, "maternelle": 844}
    capacity = pd.read_csv(FOLDER / "capacity.csv")
    assert capacity[capacity["kind"] != "creche"]["value"].sum() == 111


def test_the_workbook_keeps_the_headers_ppi_init_writes(tmp_path):
    """The project matrix is the workbook `ppi init` wrote (README's command): its French headers (plus one
    column a user added, `Exclut`), its subsidies sheet and its drop-down lists."""
    from cli import main

    fresh = tmp_path / "saint-malo"
    assert main(["init", str(fresh), *INIT]) == 0
    ours, theirs = FOLDER / "projets.xlsx", fresh / "projets.xlsx"
    header = _rows(theirs, "Projets")[0]
    assert header[:3] == ("Identifiant", "Équipement", "Éléments de projet")
    assert "Coût TTC" in header and "Échéancier CP" in header and "Maturité" in header
    assert _rows(ours, "Projets")[0] == (*header, "Exclut")
    assert _rows(ours, "Subventions")[0] == _rows(theirs, "Subventions")[0]
    assert _rows(ours, "Listes") == _rows(theirs, "Listes")
    projects = _rows(ours, "Projets")[1:]
    assert 8 <= len(projects) <= 15
    assert "gs-exemple" not in {row[0] for row in projects}


def test_projects_come_from_the_workbook(scenario):
    assert len(scenario.projects) == 11
    by_id = {p.id: p for p in scenario.projects}
    assert by_id["ext-decouverte"].status == "mandatory"
    assert by_id["gs-gare-rocabey"].cost == pytest.approx(6.6e6)
    assert by_id["gs-gare-rocabey"].profile == pytest.approx([0.03, 0.03, 0.18, 0.54, 0.11, 0.09, 0.02])
    assert by_id["creche-gare-rocabey"].capacity == {"creche": 30}
    assert by_id["gs-gare-rocabey"].excludes == ("ext-bellevue",)
    assert by_id["gs-gare-rocabey"].attributes["N° AP"] == "AP-2026-01"
    # the Subventions sheet: CAF 17,000 € and the département 3,000 € per place, on delivery
    receipts = {(r.name, r.amount, r.offset) for r in by_id["creche-decouverte"].receipts}
    assert receipts == {("CAF", 340000.0, 3), ("Département d'Ille-et-Vilaine", 60000.0, 3)}


def test_solves_to_a_verified_optimum(scenario, plan):
    assert_verified_optimum(scenario, plan)


def test_the_plan_is_the_readme_s(plan):
    """The README's summary: objective 28.6235, nine of eleven projects, the new school and the Gare-Rocabey
    crèche left out."""
    assert plan.objective == pytest.approx(28.6235, abs=1e-3)
    starts = {pid: s for pid, s in plan.starts.items() if s is not None}
    assert starts == {
        "ext-decouverte": 2026,
        "mod-bel-air": 2026,
        "mod-gelin": 2026,
        "mod-nation": 2026,
        "creche-decouverte": 2027,
        "ext-bellevue": 2027,
        "micro-creche-rocabey": 2027,
        "ext-rocabey": 2028,
        "ext-courtoisville": 2029,
    }
