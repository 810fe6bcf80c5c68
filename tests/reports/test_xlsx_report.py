"""Excel workbooks (reports/xlsx_plan.py, reports/xlsx_compare.py): the plan workbook of the shipped example read back
with openpyxl — sheets, AP/CP totals, budget, unmet demand and projects not chosen all equal to plan.json — its
formatting, an infeasible plan, a plan with transfers, and the comparison of two variants."""

from __future__ import annotations

import copy
import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from models.load import load_scenario, scenario_from_dict
from models.yaml_lines import load_yaml_with_lines
from reports.compare import Entry, compare
from reports.html_base import Fmt
from reports.xlsx_base import LANGS
from reports.xlsx_compare import comparison_workbook
from reports.xlsx_plan import plan_workbook
from results.record import plan_to_dict
from solver import SolveOptions, solve
from tests.helpers import make_scenario, make_scenario_dict, project, rows, saved, scaled_envelopes

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "exemple-ville"
EXAMPLE = EXAMPLE_DIR / "scenario.yaml"
HEADER_ROW = 2
FIRST_ROW = 3
MONEY_TOL = 0.011  # plan.json rounds each amount to the cent

PLAN_SHEETS = {
    "fr": [
        "Synthèse",
        "PPI",
        "Budget",
        "Épargne et dette",
        "Besoins non satisfaits",
        "Projets non retenus",
        "Hypothèses",
    ],
    "en": ["Summary", "PPI", "Budget", "Savings and debt", "Unmet demand", "Projects not chosen", "Assumptions"],
}
COMPARISON_SHEETS = {
    "fr": ["Synthèse", "Projets", "Budget", "Besoins non satisfaits", "Hypothèses"],
    "en": ["Summary", "Projects", "Budget", "Unmet demand", "Assumptions"],
}


# ------------------------------------------------------------------------------------------------ helpers


def write_and_open(data: bytes, path: Path):
    path.write_bytes(data)
    return load_workbook(path, data_only=False)


def header(ws: Worksheet) -> list[Any]:
    return [c.value for c in ws[HEADER_ROW]]


def column(ws: Worksheet, title: str) -> int:
    """1-based index of the column headed `title`."""
    return header(ws).index(title) + 1


def body(ws: Worksheet) -> list[tuple[Any, ...]]:
    """Rows from the first data row down to the first empty row (data rows, then totals rows)."""
    out = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if all(v is None for v in row):
            break
        out.append(row)
    return out


def split_totals(ws: Worksheet) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(data rows, TOTAL rows) of a table whose totals rows start with 'TOTAL'."""
    rows_ = body(ws)
    data = [r for r in rows_ if not str(r[0]).startswith("TOTAL")]
    totals = [r for r in rows_ if str(r[0]).startswith("TOTAL")]
    return data, totals


def all_text(wb) -> str:
    return "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def values_of(wb) -> dict[str, list[tuple[Any, ...]]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def plan(scenario) -> dict[str, Any]:
    result = solve(scenario, SolveOptions(solver="highs"))
    assert result.status.has_plan, result.message
    return plan_to_dict(scenario, result)


@pytest.fixture(scope="module")
def books(scenario, plan, tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("xlsx")
    return {
        lang: write_and_open(plan_workbook(saved(scenario, plan), lang), folder / f"plan-{lang}.xlsx") for lang in LANGS
    }


@pytest.fixture(scope="module")
def wb(books):
    return books["fr"]


@pytest.fixture(scope="module")
def comparison(scenario, plan):
    data, _, problems = load_yaml_with_lines(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert not problems
    tighter = scenario_from_dict(scaled_envelopes(data, 0.9), source=str(EXAMPLE), base_dir=EXAMPLE_DIR)
    result = solve(tighter, SolveOptions(solver="highs"))
    assert result.status.has_plan, result.message
    return compare(
        [Entry("base", saved(scenario, plan)), Entry("enveloppes -10 %", saved(tighter, plan_to_dict(tighter, result)))]
    )


@pytest.fixture(scope="module")
def comparison_books(comparison, tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("xlsx-compare")
    return {
        lang: write_and_open(comparison_workbook(comparison, lang), folder / f"compare-{lang}.xlsx") for lang in LANGS
    }


# ------------------------------------------------------------------------------------------- plan workbook


@pytest.mark.parametrize("lang", LANGS)
def test_sheet_names(books, lang):
    """The example has a savings and debt path (its sheet is there) and no transfers (no sheet)."""
    assert books[lang].sheetnames == PLAN_SHEETS[lang]


def test_ppi_has_one_row_per_chosen_project(wb, plan):
    data, totals = split_totals(wb["PPI"])
    chosen = [p["id"] for p in plan["projects"] if p["start"] is not None]
    assert [r[0] for r in data] == chosen
    assert len(totals) == 1
    ws = wb["PPI"]
    starts = {p["id"]: (p["start"], p["delivery"]) for p in plan["projects"]}
    c_start, c_delivery = column(ws, "Démarrage"), column(ws, "Livraison")
    for r in data:
        assert (r[c_start - 1], r[c_delivery - 1]) == starts[r[0]]
        assert isinstance(r[c_start - 1], int)


def test_ppi_ap_and_cp_totals_equal_plan_json(wb, plan):
    ws = wb["PPI"]
    data, (total,) = split_totals(ws)
    chosen = [p for p in plan["projects"] if p["start"] is not None]
    c_ap = column(ws, "AP (€)")
    assert total[c_ap - 1] == pytest.approx(sum(p["city_cost"] for p in chosen), abs=MONEY_TOL)
    first, last = plan["scenario"]["horizon"]["start"], plan["scenario"]["horizon"]["end"]
    for y in range(first, last + 1):
        c = column(ws, f"CP {y} (€)")
        expected = sum(p["spending"].get(str(y), 0.0) for p in chosen)
        assert total[c - 1] == pytest.approx(expected, abs=MONEY_TOL), y
        assert sum(r[c - 1] for r in data) == pytest.approx(total[c - 1], abs=MONEY_TOL)
    # What falls outside the horizon has its own columns, and each project's CP add up to its AP.
    before = sum(v for p in chosen for y, v in p["spending"].items() if int(y) < first)
    after = sum(v for p in chosen for y, v in p["spending"].items() if int(y) > last)
    assert before > 0 and after > 0  # the example has committed projects started before 2026
    assert total[column(ws, f"CP avant {first} (€)") - 1] == pytest.approx(before, abs=MONEY_TOL)
    # after the PPI: a column per tail year ("CP 2036, au-delà"), then what no modelled year holds ("CP après")
    after_cols = [i for i, h in enumerate(header(ws)) if "au-delà" in str(h) or str(h).startswith("CP après")]
    assert after_cols and sum(total[i] for i in after_cols) == pytest.approx(after, abs=MONEY_TOL)
    cp_cols = [i for i, h in enumerate(header(ws)) if str(h).startswith("CP ")]
    by_id = {p["id"]: p for p in chosen}
    for r in data:
        assert sum(r[i] for i in cp_cols) == pytest.approx(r[c_ap - 1], abs=MONEY_TOL)
        assert r[c_ap - 1] == pytest.approx(by_id[r[0]]["city_cost"], abs=MONEY_TOL)


def test_english_ppi_carries_the_same_figures(books):
    """Same rows and figures; only the headers, the status words (column 7) and the city share said instead of
    subsidies ("part ville 75 %", "city share 75%") are translated."""
    fr, en = books["fr"]["PPI"], books["en"]["PPI"]

    def figures(row: tuple) -> tuple:
        return tuple("share" if isinstance(v, str) and v.endswith("%") else v for v in row[:6] + row[7:])

    assert [figures(r) for r in body(fr)] == [figures(r) for r in body(en)]
    assert {r[6] for r in body(en)} >= {"committed", "candidate"}
    assert header(en)[:2] == ["Id", "Project"] and "CP 2026 (€)" in header(en)


def test_budget_spent_per_year_equals_plan_json(wb, plan):
    ws = wb["Budget"]
    data, (total,) = split_totals(ws)
    c_year, c_spent, c_env = column(ws, "Année"), column(ws, "Dépenses (€)"), column(ws, "Enveloppe (€)")
    by_year = {r[c_year - 1]: r for r in data}
    assert list(by_year) == [b["year"] for b in plan["budget"]]
    for b in plan["budget"]:
        assert by_year[b["year"]][c_spent - 1] == pytest.approx(b["spent"], abs=MONEY_TOL)
        assert by_year[b["year"]][c_env - 1] == pytest.approx(b["envelope"], abs=MONEY_TOL)
        assert by_year[b["year"]][column(ws, "FCTVA (€)") - 1] == pytest.approx(b["fctva"], abs=MONEY_TOL)
        assert by_year[b["year"]][column(ws, "Effort net (€)") - 1] == pytest.approx(b["net_effort"], abs=MONEY_TOL)
    assert total[c_spent - 1] == pytest.approx(sum(b["spent"] for b in plan["budget"]), abs=MONEY_TOL)
    assert total[c_env - 1] == pytest.approx(sum(b["envelope"] for b in plan["budget"]), abs=MONEY_TOL)
    use = [r[column(ws, "Taux d'utilisation") - 1] for r in data]
    assert all(0.0 <= u <= 1.0 + 1e-9 for u in use)


def kind_ids(scenario) -> dict[str, str]:
    """Kind label shown in the workbook -> kind id."""
    return {scenario.spec.demand_kinds[k].name or k: k for k in scenario.kinds}


def test_unmet_totals_equal_plan_json(wb, plan, scenario):
    ws = wb["Besoins non satisfaits"]
    data, totals = split_totals(ws)
    assert len(data) == len(scenario.districts) * len(scenario.kinds)
    years = scenario.years
    c_kind, c_total = column(ws, "Besoin"), column(ws, f"Total {years[0]}–{scenario.horizon_end}")  # the PPI's years
    kind_of = kind_ids(scenario)  # the sheet shows each kind's name
    totals_by_kind = {kind_of[r[c_kind - 1]]: r[c_total - 1] for r in totals}
    assert totals_by_kind == pytest.approx(plan["unmet_by_kind"], abs=1e-4)
    # Each cell is the plan's unmet demand of that district, kind and year.
    unmet = {(b["district"], b["kind"], b["year"]): b["unmet"] for b in plan["balance"]}
    c_district = column(ws, "Code quartier")
    for r in data:
        for y in scenario.years:
            title = f"{y} (au-delà)" if y > scenario.last_year else str(y)  # the tail's years marked
            cell = r[column(ws, title) - 1]
            assert cell == pytest.approx(unmet[(r[c_district - 1], kind_of[r[c_kind - 1]], y)], abs=1e-6)


def test_not_chosen_sheet_lists_the_candidates_left_out(wb, plan, scenario):
    ws = wb["Projets non retenus"]
    data, totals = split_totals(ws)
    excluded = {p.id for p in scenario.projects if p.status == "excluded"}
    expected = [p["id"] for p in plan["projects"] if p["start"] is None and p["id"] not in excluded]
    assert expected  # the example is a real arbitration
    assert [r[0] for r in data] == expected
    c_city = column(ws, "Coût pour la ville (€)")
    assert totals[0][c_city - 1] == pytest.approx(
        sum(scenario.project[pid].city_cost for pid in expected), abs=MONEY_TOL
    )
    first = column(ws, "Démarrage au plus tôt")
    for r in data:
        p = scenario.project[r[0]]
        assert (r[first - 1], r[first]) == (p.start_years[0], p.start_years[-1])


def test_summary_says_what_the_plan_is(wb, plan):
    ws = wb["Synthèse"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]}
    assert values["Résultat de la résolution"] == "optimal (prouvé)"
    assert values["Scénario"] == plan["scenario"]["name"]
    assert values["Projets retenus"] == sum(p["start"] is not None for p in plan["projects"])
    assert values["Coût pour la ville des projets retenus (AP)"] == pytest.approx(
        sum(p["city_cost"] for p in plan["projects"]), abs=MONEY_TOL
    )
    # unmet demand over the PPI's years (the tail apart), expected (what the objective counts) and nominal
    last = plan["scenario"]["horizon"]["end"]
    ppi = [r for r in plan["balance"] if r["kind"] == "creche" and r["year"] <= last]
    assert values["Années couvertes par les indicateurs"] == f"{plan['scenario']['horizon']['start']}–{last}"
    expected = values["Besoins non satisfaits en espérance — Crèche"]
    assert expected == pytest.approx(sum(r["unmet"] for r in ppi), abs=1e-6)
    assert values["Besoins non satisfaits nominaux — Crèche"] < expected  # every place delivered counts
    assert values["Effet de la maturité"].startswith("La maturité pondère la capacité\u00a0: un projet « ")
    assert values["Date du plan"] == Fmt("fr").date(plan["created"])  # in words: "5 décembre 2026 à 02:12 UTC"
    assert re.fullmatch(r"\d{1,2} [a-zéû]+ \d{4} à \d\d:\d\d( UTC)?", values["Date du plan"])
    assert values["Version de ppi"] == plan["ppi_version"]
    assert values["Capacité de désendettement, année la plus haute"] == pytest.approx(
        max(r["debt_years"] for r in plan["finance"]), abs=1e-3
    )
    assert values["Objectif (besoins non satisfaits pondérés)"] == pytest.approx(plan["objective"])


def test_inputs_sheet(wb, plan, scenario):
    """Hypothèses et paramètres: the assumptions in words, then the technical annex (the file relative)."""
    ws = wb["Hypothèses"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]}
    assert values["Fichier"].endswith("scenario.yaml") and not Path(values["Fichier"]).is_absolute()
    assert values["Variante"] == "aucune"
    assert values["Horizon du PPI"].startswith(f"{scenario.first_year}–{scenario.last_year}")
    envelopes = values["Enveloppes annuelles"].splitlines()
    assert len(envelopes) == len(scenario.years)
    for y, line in zip(scenario.years, envelopes, strict=True):
        amount = f"{scenario.envelope[y] / 1e6:.2f}".replace(".", ",")
        assert line.startswith(f"{y}\u00a0: {amount}\u00a0M€"), line
    labels = [r[0] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True)]
    assert labels.index("Annexe technique") > labels.index("Ratios et plafonds")  # the annex comes last
    assert labels.index("Solveur") > labels.index("Annexe technique")


def test_variant_and_overrides_are_listed(scenario, plan, tmp_path):
    """Each override on its own row of the inputs sheet; joined in the summary."""
    overrides = ("--set budget.annual.2026=8.0e6", "--set finance.fctva.rate=0.1485")
    variant = dataclasses.replace(scenario, variant="plafond-10", overrides=overrides)
    data = copy.deepcopy(plan)
    data["scenario"] |= {"variant": "plafond-10", "overrides": list(overrides)}
    book = write_and_open(plan_workbook(saved(variant, data), "en"), tmp_path / "variant.xlsx")
    inputs = {r[0]: r[1] for r in book["Assumptions"].iter_rows(min_row=FIRST_ROW, values_only=True)}
    words = ["value set: envelope 2026 = 8.0e6", "value set: FCTVA rate = 0.1485"]
    assert inputs["Overrides"].splitlines() == words
    assert inputs["Variant"] == "plafond-10"
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert summary["Overrides applied"] == "; ".join(words)


def test_a_plan_that_no_longer_matches_its_scenario_is_flagged(scenario, plan, tmp_path):
    stale = copy.deepcopy(plan)
    stale["budget"][0]["spent"] += 1000.0
    book = write_and_open(plan_workbook(saved(scenario, stale), "en"), tmp_path / "stale.xlsx")
    assert "no longer matches the scenario" in all_text(book)
    assert "no longer matches" not in all_text(
        write_and_open(plan_workbook(saved(scenario, plan), "en"), tmp_path / "ok.xlsx")
    )


def test_formatting(wb):
    assert wb["PPI"].freeze_panes == "B3"  # below the header, right of the id column
    for ws in wb:
        assert ws.freeze_panes is not None, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        head = ws.cell(row=HEADER_ROW, column=1)
        assert head.font.bold and head.fill.fill_type == "solid", ws.title
        for letter, dim in ws.column_dimensions.items():
            assert dim.width is None or 6 <= dim.width <= 50, (ws.title, letter)
        if ws.title != "Synthèse":
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:"), ws.title
    ppi = wb["PPI"]
    data, _ = split_totals(ppi)
    total_row = FIRST_ROW + len(data)
    for title in ("AP (€)", "CP 2026 (€)", "CP 2035 (€)"):
        c = column(ppi, title)
        for r in range(FIRST_ROW, total_row + 1):
            assert "€" in ppi.cell(row=r, column=c).number_format, (title, r)
    assert ppi.cell(row=total_row, column=1).font.bold
    assert ppi.cell(row=total_row, column=column(ppi, "AP (€)")).font.bold
    assert ppi.cell(row=FIRST_ROW, column=column(ppi, "Démarrage")).number_format == "0"
    budget = wb["Budget"]
    assert "€" in budget.cell(row=FIRST_ROW, column=column(budget, "Dépenses (€)")).number_format
    assert "%" in budget.cell(row=FIRST_ROW, column=column(budget, "Taux d'utilisation")).number_format
    # Totals are values, never formulas (a reader without a calculation engine sees them).
    assert not any(
        isinstance(v, str) and v.startswith("=") for ws in wb for row in ws.iter_rows(values_only=True) for v in row
    )


def test_same_plan_same_workbook(scenario, plan, tmp_path):
    first, second = plan_workbook(saved(scenario, plan)), plan_workbook(saved(scenario, plan))
    assert first == second
    a = write_and_open(first, tmp_path / "a.xlsx")
    b = write_and_open(second, tmp_path / "b.xlsx")
    assert values_of(a) == values_of(b)
    created = a.properties.created
    assert created is not None and created.isoformat().startswith(plan["created"][:19])
    assert a.properties.modified == created
    # Every zip entry carries the plan's date too (openpyxl writes worksheets from dated temporary files).
    stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert len(stamps) == 1
    assert next(iter(stamps))[:5] == (created.year, created.month, created.day, created.hour, created.minute)


def test_unknown_language(scenario, plan, comparison):
    with pytest.raises(ValueError, match="language"):
        plan_workbook(saved(scenario, plan), lang="de")
    with pytest.raises(ValueError, match="language"):
        comparison_workbook(comparison, lang="de")


@pytest.mark.parametrize(("lang", "word"), [("fr", "infaisable"), ("en", "infeasible")])
def test_infeasible_plan_gives_the_summary_alone(tmp_path, lang, word):
    """A mandatory 20 M€ project under 10 M€ envelopes: no plan."""
    s = make_scenario(projects=[project("big", cost=20.0e6, status="mandatory")])
    result = solve(s, SolveOptions(solver="highs"))
    data = plan_to_dict(s, result)
    assert data["status"] == "infeasible" and "projects" not in data
    book = write_and_open(plan_workbook(saved(s, data), lang), tmp_path / "infeasible.xlsx")
    assert book.sheetnames == [PLAN_SHEETS[lang][0]]
    assert word in all_text(book)


def test_transfers_sheet(tmp_path):
    """District a lacks 3 classes, b has 3 spare; 20 % of a's demand (2 classes) goes next door."""
    data = make_scenario_dict(
        years=(2026, 2026),
        districts=[{"id": "a", "name": "Quartier A", "neighbours": ["b"]}, {"id": "b", "name": "Quartier B"}],
        demand=rows({2026: 10.0}, "a") + rows({2026: 5.0}, "b"),
        capacity=rows({2026: 7.0}, "a") + rows({2026: 8.0}, "b"),
        transfers={"max_share": 0.2, "penalty": 0.25},
        projects=[project("p", district="a", status="excluded")],
    )
    s = scenario_from_dict(data)
    plan = plan_to_dict(s, solve(s, SolveOptions(solver="highs")))
    assert plan["transfers"]
    book = write_and_open(plan_workbook(saved(s, plan)), tmp_path / "transfers.xlsx")
    assert "Transferts" in book.sheetnames
    assert book.sheetnames.index("Transferts") == len(book.sheetnames) - 2  # just before Hypothèses
    ws = book["Transferts"]
    data_rows, totals = split_totals(ws)
    assert [(r[0], r[1], r[4], r[5]) for r in data_rows] == [
        ("Quartier A", "Quartier B", t["year"], pytest.approx(t["units"])) for t in plan["transfers"]
    ]
    assert totals[0][5] == pytest.approx(sum(t["units"] for t in plan["transfers"]))
    # An excluded project is neither chosen nor listed among the projects not chosen.
    assert split_totals(book["Projets non retenus"])[0] == []
    assert split_totals(book["PPI"]) == ([], [])


# ------------------------------------------------------------------------------------- comparison workbook


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_sheet_names(comparison_books, lang):
    assert comparison_books[lang].sheetnames == COMPARISON_SHEETS[lang]


def _filled(cell) -> bool:
    return cell.fill is not None and cell.fill.fill_type == "solid"


def test_comparison_highlights_differences_only(comparison_books, comparison):
    book = comparison_books["fr"]
    highlighted = 0
    for ws in book:
        c_differs = column(ws, "Différence")
        for r in range(FIRST_ROW, ws.max_row + 1):
            flag = ws.cell(row=r, column=c_differs).value
            cells = [ws.cell(row=r, column=c) for c in range(1, c_differs)]
            if flag == "oui":
                assert any(_filled(c) for c in cells), (ws.title, r)
                highlighted += sum(_filled(c) for c in cells)
            else:
                assert not any(_filled(c) for c in cells), (ws.title, r)
    assert highlighted > 0
    # The projects sheet flags exactly the projects whose start differs.
    ws = book["Projets"]
    flagged = {r[0] for r in body(ws) if r[-1] == "oui"}
    assert flagged == set(comparison.projects.loc[comparison.projects["differs"], "project"])
    assert flagged  # envelopes 10 % lower move some projects


def test_comparison_tables_equal_the_comparison(comparison_books, comparison):
    book = comparison_books["fr"]
    labels = comparison.labels
    ws = book["Budget"]
    data, (total,) = split_totals(ws)
    for r, expected in zip(data, comparison.budget.to_dict("records"), strict=True):
        assert r[0] == expected["year"]
        for label in labels:
            assert r[column(ws, f"Dépenses {label} (€)") - 1] == pytest.approx(expected[f"spent {label}"], abs=0.01)
            assert r[column(ws, f"Enveloppe {label} (€)") - 1] == pytest.approx(expected[f"envelope {label}"])
    assert total[column(ws, "Enveloppe enveloppes -10 % (€)") - 1] == pytest.approx(
        0.9 * total[column(ws, "Enveloppe base (€)") - 1]
    )
    ws = book["Projets"]
    for r, expected in zip(body(ws), comparison.projects.to_dict("records"), strict=True):
        assert r[0] == expected["project"]
        for label in labels:
            value = r[column(ws, label) - 1]
            assert value == ("non retenu" if pd.isna(expected[label]) else expected[label])
    ws = book["Besoins non satisfaits"]
    data, totals = split_totals(ws)
    assert len(data) == len(comparison.unmet)
    for label in labels:
        entry = next(e for e in comparison.entries if e.label == label)
        kind_of = kind_ids(entry.scenario)
        by_kind = {kind_of[r[0].removeprefix("TOTAL ")]: r[column(ws, label) - 1] for r in totals}
        assert by_kind == pytest.approx(entry.plan["unmet_by_kind"], abs=1e-4)
    ws = book["Hypothèses"]
    values = {r[0]: r[1:] for r in body(ws)}
    assert values["Résultat de la résolution"][: len(labels)] == ("optimal (prouvé)",) * len(labels)
    assert values["Fichier du scénario"][: len(labels)] == (EXAMPLE.name,) * len(labels)  # no folder of the machine


def test_comparison_in_english(comparison_books):
    book = comparison_books["en"]
    assert header(book["Summary"])[:2] == ["Indicator", "Unit"]
    assert header(book["Summary"])[-1] == "Differs"
    indicators = [r[0] for r in body(book["Summary"])]
    assert "Projects chosen" in indicators and "Solve outcome" in indicators
    assert any(c.fill.fill_type == "solid" for row in book["Projects"].iter_rows(min_row=FIRST_ROW) for c in row)
