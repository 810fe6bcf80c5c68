"""An objective people can read (issue 16, part 4): every report splits the objective into its parts and states
the weights behind it; a comparison of variants whose weights differ says the objectives are not comparable."""

from __future__ import annotations

import io

import openpyxl
import pytest

import ppi
from models import scenario_from_dict
from reports.compare import comparable_note
from reports.html_compare import comparison_html
from reports.html_plan import plan_html
from reports.summary import format_summary
from reports.xlsx_compare import comparison_workbook
from reports.xlsx_plan import plan_workbook
from tests.helpers import make_scenario_dict, project, rows


def _scenario(weight: float = 1.0, cost_weight: float = 1e-9):
    data = make_scenario_dict(
        projects=[project("a"), project("b", cost=2.0e6)],
        demand=rows({2026: 2.0, 2027: 3.0, 2028: 3.0}),
        envelope=1.5e6,
        cost_weight=cost_weight,
    )
    data["demand_kinds"]["classes"]["weight"] = weight
    return scenario_from_dict(data, source="<objective>")


@pytest.fixture(scope="module")
def solved():
    return ppi.solve(_scenario())


def test_the_printed_summary_splits_the_objective_and_states_the_weights(solved):
    text = format_summary(solved.scenario, solved.plan, solved.evaluation, solved.baseline)
    ev = solved.evaluation
    assert ev.unmet_term + ev.transfer_term + ev.cost_term == pytest.approx(solved.objective)
    assert sum(ev.unmet_term_by_kind.values()) == pytest.approx(ev.unmet_term)
    s = solved.scenario
    span = f"{s.years[0]}-{s.years[-1]}" + (f", with the {len(s.tail)} years after the PPI" if s.tail else "")
    by_kind = f"classes {ev.unmet_term_by_kind['classes']:.4g}"
    assert f"= unmet demand {ev.unmet_term:.6g} over {span} ({by_kind}) + cost" in text
    assert "weights per unit-year unmet: classes 1 (classes); discount 0% a year; cost 0.001 per M€" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_page_and_the_workbook_state_the_parts_and_the_weights(solved, lang):
    page = plan_html(solved, lang)
    assert 'data-key="objective-parts"' in page
    assert ("Pondérations" if lang == "fr" else "Weights:") in page
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(solved, lang)))
    labels = [r[0] for r in book.worksheets[0].iter_rows(values_only=True)]
    assert ("Décomposition de l'objectif" if lang == "fr" else "Objective, in parts") in labels


def test_a_comparison_of_different_weights_says_the_objectives_are_not_comparable(solved):
    other = ppi.solve(_scenario(weight=2.0))
    same = ppi.solve(_scenario())
    assert ppi.compare({"base": solved, "same": same}).comparable
    assert comparable_note(ppi.compare({"base": solved, "same": same})) == ""
    comparison = ppi.compare({"base": solved, "double": other})
    assert not comparison.comparable
    assert comparison.weight_differences() == {"double": [("classes", 2.0)]}
    assert "Objectives not comparable" in ppi.comparison_text(comparison)
    assert "double: classes 2" in ppi.comparison_text(comparison)
    page = comparison_html(comparison, "fr")
    assert 'data-key="not-comparable"' in page and "Objectifs non comparables" in page
    book = openpyxl.load_workbook(io.BytesIO(comparison_workbook(comparison, "en")))
    cells = [c for r in book.worksheets[0].iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any("Objectives not comparable" in c for c in cells)


def test_a_different_cost_weight_or_discount_also_makes_objectives_not_comparable(solved):
    other = ppi.solve(_scenario(cost_weight=1e-6))
    comparison = ppi.compare({"base": solved, "costly": other})
    assert comparison.weight_differences() == {"costly": [("cost", 1e-6)]}
