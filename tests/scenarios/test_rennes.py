"""The shipped Rennes scenario (scenarios/rennes): demand derived from the real enrolment of Rennes' public
schools; its enrolment tables are reproducible from the national file in data/; it solves to a proven optimum
that verifies, uses transfers between neighbouring sectors, and leaves a real arbitration."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from models.forecast import classes
from tests.helpers import assert_verified_optimum

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "scenarios" / "rennes"
SCENARIO = FOLDER / "scenario.yaml"
TABLES = ("effectifs.csv", "capacity.csv", "petite-enfance.csv", "effectifs-observes.csv", "effectifs-ecoles.csv")


def test_demand_is_derived_for_every_sector_and_kind(scenario):
    assert not scenario.spec.demand
    assert set(scenario.demand_source.values()) == {"forecast"}
    assert len(scenario.districts) == 6
    assert {d.id for d in scenario.spec.districts if d.rep} == {
        "rennes-35000-rep",
        "rennes-35200-rep",
        "rennes-35700-rep",
    }


def test_base_pupils_are_the_real_2022_public_enrolment():
    """77 public schools, 14,063 pupils (5,572 pré-élémentaire, 8,418 élémentaire + 73 ULIS), 683 classes."""
    pupils = pd.read_csv(FOLDER / "effectifs.csv")
    assert pupils.groupby("kind")["pupils"].sum().to_dict() == {"elementaire": 8491, "maternelle": 5572}
    capacity = pd.read_csv(FOLDER / "capacity.csv")
    school = capacity[capacity["kind"] != "creche"]
    assert school["value"].sum() == 683


def test_rep_sectors_need_more_classes_per_pupil(scenario):
    """The 12-pupil cap on GS, CP and CE1 makes a REP class hold fewer pupils at the planning rules."""
    first = scenario.first_year
    per_class = {}
    for row in scenario.forecast:
        if row.year == first and row.kind == "elementaire":
            per_class[row.district] = row.people / row.demand
    assert per_class["rennes-35000-rep"] < 19 < 22 < per_class["rennes-35000"]


def test_enrolment_tables_come_from_the_national_file(tmp_path):
    """The enrolment tables are what `ppi enrolment` writes from data/ (README's command), byte for byte;
    tests/models/test_enrolment.py checks them one by one."""
    from cli import main

    out = tmp_path / "rennes"
    args = [str(REPO / "data" / "ecoles-effectifs-ille-et-vilaine-2019-2022.csv"), "--commune", "Rennes"]
    args += ["--map", str(FOLDER / "ecoles-quartiers.csv"), "--out", str(out), "--capacity-year", "2026"]
    args += ["--classes-by", "school", "--under-3", "0.75", "--creche-places", "0.20,0.16", "--quiet"]
    assert main(["enrolment", *args]) == 0
    for name in TABLES:
        assert (out / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_classes_needed_at_the_planning_rules_match_the_readme(scenario):
    """The README's "classes existing / needed" check: the 2022 pupils at the scenario's planning rules."""
    school = scenario.spec.forecast.school
    rep = {d.id: d.rep for d in scenario.spec.districts}
    pupils = pd.read_csv(FOLDER / "effectifs.csv")
    needed = {
        (r.district, r.kind): math.ceil(classes(school, r.kind, rep[r.district], r.pupils) - 1e-9)
        for r in pupils.itertuples()
    }
    mat = [needed[(d, "maternelle")] for d in sorted(rep)]
    ele = [needed[(d, "elementaire")] for d in sorted(rep)]
    assert (mat, ele) == ([102, 41, 18, 52, 26, 26], [185, 73, 34, 65, 14, 37])


def test_housing_programmes_are_the_readme_s():
    """logements.csv, kept by hand (ASSUMED figures): dwellings a year per programme as the README lists them."""
    housing = pd.read_csv(FOLDER / "logements.csv")
    per_year = housing.groupby(["name", "district", "year"])["dwellings"].sum()
    expected = {
        ("EuroRennes", "rennes-35000"): (2023, 2032, 350),
        ("Baud-Chardonnet", "rennes-35000"): (2023, 2030, 200),
        ("La Courrouze", "rennes-35000"): (2023, 2031, 250),
        ("Beauregard-Quincé", "rennes-35000"): (2025, 2033, 200),
        ("Maurepas-Gayeulles (Gayeulles)", "rennes-35700"): (2024, 2032, 220),
        ("Maurepas-Gayeulles (renouvellement urbain)", "rennes-35700-rep"): (2026, 2033, 100),
        ("Le Blosne (renouvellement urbain)", "rennes-35200-rep"): (2025, 2033, 100),
    }
    got = {}
    for (name, district, year), n in per_year.items():
        first, last, each = got.get((name, district), (year, year, n))
        assert n == each, (name, year)
        got[(name, district)] = (min(first, year), max(last, year), n)
    assert got == expected


def test_solves_to_a_verified_optimum(scenario, plan):
    assert_verified_optimum(scenario, plan)


def test_a_real_arbitration_with_transfers(scenario, plan):
    chosen = [pid for pid, s in plan.starts.items() if s is not None]
    candidates = [p for p in scenario.projects if p.status != "excluded"]
    assert 0 < len(chosen) < len(candidates)
    assert plan.transfers, "the plan meets some demand in a neighbouring sector"
    cap = scenario.spec.transfers
    assert cap is not None and cap.max_units is not None
    for (src, dst, _k, _y), units in plan.transfers.items():
        assert dst in scenario.neighbours[src]
        assert units <= cap.max_units + 1e-9
