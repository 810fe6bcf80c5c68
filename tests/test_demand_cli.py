"""`ppi demand`, run as a user runs it: the derived demand tables and chart, written atomically.

`python cli.py demand SCENARIO --out DIR` writes demand.csv, forecast.csv, capacity.csv and demand.png (and the
`.ppi-results` marker) into a results folder; an invalid scenario writes nothing and exits 1; a folder that
is not a ppi results folder is never touched. The small scenario below derives its whole demand from a
forecast block; the worked rows are computed by hand in the comments.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import cli
from models import load_scenario
from tests.helpers import run_cli as run

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = Path("scenarios/exemple-ville/scenario.yaml")  # relative to REPO, as a user types it
INVALID = Path("tests/models/data/invalid/childcare-coverage-above-100.yaml")
TABLES = {"demand.csv", "forecast.csv", "capacity.csv"}
MARKER = ".ppi-results"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

SCENARIO = """\
name: Petite Ville — demande
horizon: {start: 2026, end: 2030}
demand_kinds:
  maternelle: {unit: classes}
  elementaire: {unit: classes}
  creche: {unit: places, weight: 0.05}
districts:
  - {id: nord, name: Quartier Nord, neighbours: [sud]}
  - {id: sud, name: Quartier Sud, rep: true}
capacity:
  - {district: nord, kind: maternelle, year: 2026, value: 5}
  - {district: nord, kind: elementaire, year: 2026, value: 10}
  - {district: sud, kind: maternelle, year: 2026, value: 4}
  - {district: sud, kind: elementaire, year: 2026, value: 8}
  - {district: nord, kind: creche, year: 2026, value: 40}
capacity_changes:
  - {district: nord, kind: maternelle, year: 2028, units: -1, note: fermeture}
transfers: {max_share: 0.1}
budget: {annual: 1.0e6}
forecast:
  school:
    base_year: 2026
    pupils:
      - {district: nord, kind: maternelle, pupils: 110}
      - {district: nord, kind: elementaire, pupils: 220}
      - {district: sud, kind: maternelle, pupils: 66}
      - {district: sud, kind: elementaire, pupils: 120}
  housing:
    profile: [0.5, 1.0]
    programmes:
      - {district: nord, year: 2027, type: moyen, dwellings: 160, name: ZAC Nord}
  childcare:
    population:
      - {district: nord, year: 2026, value: 100}
      - {district: sud, year: 2026, value: 80}
    coverage: 0.5
    rounding: up
projects:
  - {id: ext-nord, district: nord, capacity: {maternelle: 2}, cost: 1.0e6, profile: [1.0], delivery_lag: 1}
"""
FORECAST_COLUMNS = [
    "district",
    "district_name",
    "rep",
    "kind",
    "year",
    "source",
    "base",
    "housing",
    "people",
    "demand",
    "existing",
    "gap",
]


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    assert "internal error" not in proc.stderr, proc.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The small scenario and one `ppi demand` run on it (with the chart)."""
    folder = tmp_path_factory.mktemp("demand")
    scenario = folder / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = folder / "out"
    proc = run("demand", scenario, "--out", out)
    return scenario, out, proc


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_demand_writes_the_four_files(written):
    scenario, out, proc = written
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert {p.name for p in out.iterdir()} == TABLES | {"demand.png", MARKER}
    assert f"Demand tables written to {out}/" in proc.stdout
    # The summary names the rule of each kind and flags the REP district.
    assert "rounded up to whole classes" in proc.stdout
    assert "sud (REP)" in proc.stdout
    # Nothing but the results folder next to the scenario (no temporary folder left behind).
    assert {p.name for p in scenario.parent.iterdir()} == {"scenario.yaml", "out"}


def test_demand_csv_is_a_demand_table_that_gives_the_same_demand(written, tmp_path):
    scenario, out, proc = written
    assert proc.returncode == 0, proc.stderr
    assert list(read_csv(out / "demand.csv")[0]) == ["district", "kind", "year", "value"]
    derived = load_scenario(scenario)
    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    del data["forecast"]
    del data["capacity_changes"]
    shutil.copy(out / "demand.csv", tmp_path / "demand.csv")
    shutil.copy(out / "capacity.csv", tmp_path / "capacity.csv")
    data["demand"] = {"file": "demand.csv"}
    data["capacity"] = {"file": "capacity.csv"}
    frozen_path = tmp_path / "frozen.yaml"
    frozen_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    frozen = load_scenario(frozen_path)
    # Every value here is whole classes or places (rounding up), so the CSV holds them exactly.
    assert dict(frozen.demand) == dict(derived.demand)
    assert dict(frozen.existing) == dict(derived.existing)
    assert set(frozen.demand_source.values()) == {"table"}
    assert set(derived.demand_source.values()) == {"forecast"}


def test_forecast_csv_columns_and_a_row_worked_by_hand(written):
    _, out, proc = written
    assert proc.returncode == 0, proc.stderr
    table = read_csv(out / "forecast.csv")
    assert list(table[0]) == FORECAST_COLUMNS
    assert len(table) == 2 * 3 * 5  # districts × kinds × years
    by_key = {(r["district"], r["kind"], r["year"]): r for r in table}
    # nord, maternelle, 2028: 110 base pupils (no trend); ZAC Nord, 160 moyen dwellings delivered 2027, profile
    # [0.5, 1.0]: 160 × 0.25 × 1.0 = 40 pupils in 2028, 3/8 of them in maternelle = 15. 125 pupils / 22 = 5.68
    # → 6 classes. Existing: 5 classes, one closed from 2028 → 4. Gap 6 − 4 = 2.
    row = by_key[("nord", "maternelle", "2028")]
    assert row == {
        "district": "nord",
        "district_name": "Quartier Nord",
        "rep": "False",
        "kind": "maternelle",
        "year": "2028",
        "source": "forecast",
        "base": "110.0",
        "housing": "15.0",
        "people": "125.0",
        "demand": "6.0",
        "existing": "4.0",
        "gap": "2.0",
    }
    # sud (REP), elementaire, 2026: 120 pupils, CP and CE1 at 12, CE2-CM2 at 22:
    # 24/12 + 24/12 + 72/22 = 7.27 → 8 classes, against 8 existing: gap 0.
    row = by_key[("sud", "elementaire", "2026")]
    assert (row["rep"], row["people"], row["demand"], row["existing"], row["gap"]) == (
        "True",
        "120.0",
        "8.0",
        "8.0",
        "0.0",
    )
    # sud, creche, 2027: 80 children under 3 × coverage 0.5 = 40 places; no existing place.
    row = by_key[("sud", "creche", "2027")]
    assert (row["base"], row["housing"], row["demand"], row["existing"], row["gap"]) == (
        "80.0",
        "0.0",
        "40.0",
        "0.0",
        "40.0",
    )
    capacity = {(r["district"], r["kind"], r["year"]): r["value"] for r in read_csv(out / "capacity.csv")}
    assert [capacity[("nord", "maternelle", str(y))] for y in range(2026, 2031)] == ["5.0", "5.0", "4.0", "4.0", "4.0"]


def test_the_chart_is_a_real_png(written):
    _, out, proc = written
    assert proc.returncode == 0, proc.stderr
    png = (out / "demand.png").read_bytes()
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 20_000  # three kinds, two panels each: not an empty canvas


def test_a_previous_demand_folder_is_replaced_whole_with_force_and_no_chart_writes_no_png(
    written, tmp_path, scenario_file
):
    _, first, proc = written
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    shutil.copytree(first, out)
    (out / "old-notes.csv").write_text("left from an earlier run", encoding="utf-8")
    (out / "demand.csv").write_text("district,kind,year,value\n", encoding="utf-8")
    refused = run("demand", scenario_file, "--out", out, "--no-chart", "--quiet")
    assert refused.returncode == 1 and "add --force" in refused.stderr
    assert (out / "old-notes.csv").exists()
    second = run("demand", scenario_file, "--out", out, "--no-chart", "--quiet", "--force")
    assert second.returncode == 0, second.stderr
    no_traceback(second)
    assert second.stdout.strip() == str(out)
    assert {p.name for p in out.iterdir()} == TABLES | {MARKER}  # no PNG, and the old files are gone
    for name in TABLES:
        assert (out / name).read_bytes() == (first / name).read_bytes(), name
    assert {p.name for p in tmp_path.iterdir()} == {"scenario.yaml", "out"}


def test_an_invalid_scenario_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = run("demand", INVALID, "--out", out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    no_traceback(proc)
    assert "1 problem" in proc.stderr
    assert "forecast.childcare.coverage" in proc.stderr and "above 100 %" in proc.stderr
    assert proc.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_foreign_folder_is_refused_and_left_untouched(tmp_path, scenario_file):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "demand.csv").write_text("the service's own table\n", encoding="utf-8")
    (out / "notes.txt").write_text("do not delete\n", encoding="utf-8")
    before = snapshot(out)
    proc = run("demand", scenario_file, "--out", out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    no_traceback(proc)
    assert "not a ppi results folder" in proc.stderr
    assert snapshot(out) == before
    assert {p.name for p in tmp_path.iterdir()} == {"scenario.yaml", "documents"}


def test_the_default_folder_is_results_slug_demand(tmp_path, scenario_file, capsys, monkeypatch):
    """In-process (`cli.main`, the same code without the interpreter start), from the scenario's folder."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demand", str(scenario_file), "--no-chart", "--quiet"]) == 0
    out = Path("results") / "petite-ville-demande-demand"
    assert capsys.readouterr().out.strip() == str(out)
    assert {p.name for p in (tmp_path / out).iterdir()} == TABLES | {MARKER}


def test_the_example_scenario_table_sourced(tmp_path):
    out = tmp_path / "out"
    proc = run("demand", EXAMPLE, "--out", out, "--no-chart")
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert {p.name for p in out.iterdir()} == TABLES | {MARKER}
    assert "from the demand table" in proc.stdout
    scenario = load_scenario(REPO / EXAMPLE)
    demand = read_csv(out / "demand.csv")
    assert len(demand) == len(scenario.districts) * len(scenario.kinds) * len(scenario.horizon_years)
    for row in demand:
        key = (row["district"], row["kind"], int(row["year"]))
        assert float(row["value"]) == pytest.approx(scenario.demand[key], abs=1e-6), key
    forecast = read_csv(out / "forecast.csv")
    assert {r["source"] for r in forecast} <= {"table", "none"}
    assert all(r["base"] == r["housing"] == r["people"] == "" for r in forecast)  # no forecast parts


def test_the_summary_says_table_for_a_kind_the_table_gives_everywhere(tmp_path):
    """A kind the forecast derives but the demand table gives for every district is read from the table: the
    summary must say so, not describe the pupil rule that is not used (reports.demand._rule)."""
    from reports.demand import format_demand

    table = (
        "demand:\n"
        "  - {district: nord, kind: maternelle, year: 2026, value: 7}\n"
        "  - {district: sud, kind: maternelle, year: 2026, value: 3}\n"
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO.replace("budget:", table + "budget:"), encoding="utf-8")
    scenario = load_scenario(path)
    assert {scenario.demand_source[(d, "maternelle")] for d in ("nord", "sud")} == {"table"}
    text = format_demand(scenario)
    assert "maternelle (classes): from the demand table" in text
    assert "elementaire (classes): pupils from 2026 counts" in text
    assert "creche (places): children under 3 × coverage 50%" in text
