"""The shipped Rennes scenario (scenarios/rennes): demand derived from the real enrolment of Rennes' public
schools; its tables are reproducible from the source copy; it solves to a proven optimum that verifies,
uses transfers between neighbouring sectors, and leaves a real arbitration."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from models.load import load_scenario
from models.plan import Status
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, solve
from tests.helpers import brute_feasible, brute_objective

FOLDER = Path(__file__).resolve().parents[2] / "scenarios" / "rennes"
SCENARIO = FOLDER / "scenario.yaml"
TABLES = ("effectifs.csv", "capacity.csv", "petite-enfance.csv", "logements.csv")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def plan(scenario):
    return solve(scenario, SolveOptions(solver="highs"))


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


def test_prepare_data_reproduces_the_tables(tmp_path):
    """The four tables are what prepare_data.py writes from the source copy, byte for byte."""
    copy = tmp_path / "rennes"
    shutil.copytree(FOLDER, copy, ignore=shutil.ignore_patterns(*TABLES))
    subprocess.run([sys.executable, str(copy / "prepare_data.py")], check=True, capture_output=True, text=True)
    for name in TABLES:
        assert (copy / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_solves_to_a_verified_optimum(scenario, plan):
    assert plan.status is Status.OPTIMAL, plan.message
    check = verify_plan(scenario, plan_to_dict(scenario, plan))
    assert check.ok, str(check)
    assert brute_feasible(scenario, dict(plan.starts))
    assert brute_objective(scenario, dict(plan.starts)) == pytest.approx(plan.objective, rel=1e-6)


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
