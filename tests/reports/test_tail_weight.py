"""The reports state the tail weight (`objective.tail_weight`) where they state the horizon end and its tail, in
French and English: the assumptions (HTML page and workbook), the objective's weights, the console summary, the
`--set` path in words, and a comparison of plans whose tail weights differ."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

import ppi
from models.edits import derive, parse_set
from reports.assumptions import assumption_rows, override_text
from reports.html_base import Fmt
from reports.html_plan import plan_html
from reports.summary import objective_lines
from reports.words import not_comparable_text
from reports.xlsx_plan import plan_workbook
from tests.browser import dump_dom, require_browser
from tests.helpers import make_scenario, project, rows
from tests.reports.test_html_report import Page

NNBSP = "\u202f"


def _scenario(weight: float | None) -> Any:
    """2026-2027, a two-year tail (2028-2029); one class missing every year; a project serving from 2028."""
    s = make_scenario(
        years=(2026, 2027),
        tail_years=2,
        demand=rows({2026: 1, 2027: 1}),
        projects=[project("a", cost=1e6, delivery_lag=2)],
    )
    return s if weight is None else derive(s, [parse_set(f"objective.tail_weight={weight}")])


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return {str(w): ppi.solve(_scenario(w)) for w in (None, 0.5, 0.0)}


def _end_rule(scenario: Any, lang: str) -> str:
    [row] = [r for r in assumption_rows(scenario, Fmt(lang)) if r.key == "end_rule"]
    assert isinstance(row.value, str)
    return row.value


@pytest.mark.parametrize(
    ("weight", "fr", "en"),
    [
        (0.5, f"les années 2028–2029 comptent pour 50{NNBSP}% dans l'objectif", "the years 2028–2029 count for 50%"),
        (
            0.0,
            f"ne comptent pas dans l'objectif (0{NNBSP}%)\u00a0: ces années ne portent que les paiements et la "
            "trajectoire financière",
            "does not count in the objective (0%): these years only carry payments and the finance path",
        ),
        (None, f"comptent dans l'objectif comme ceux du PPI (100{NNBSP}%)", "counts in the objective like the PPI"),
    ],
)
def test_the_assumptions_say_how_much_the_tail_counts(weight, fr, en):
    s = _scenario(weight)
    assert fr in _end_rule(s, "fr") and "2 années de prolongation (2028–2029)" in _end_rule(s, "fr")
    assert en in _end_rule(s, "en") and "2 tail years (2028–2029)" in _end_rule(s, "en")


def test_without_tail_years_nothing_is_said_of_their_weight():
    s = derive(make_scenario(end_rule="open", demand=rows({2026: 1})), [parse_set("objective.tail_weight=0.5")])
    assert "50" not in _end_rule(s, "fr") and "objectif" not in _end_rule(s, "fr")


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ")


def test_the_html_page_states_the_tail_weight_in_both_languages(results):
    half = results["0.5"]
    fr, en = _visible(plan_html(half, "fr")), _visible(plan_html(half, "en"))
    assert f"les années 2028–2029 comptent pour 50{NNBSP}% dans l'objectif" in fr
    assert "années de prolongation (2028–2029) comptées à 50 %" in fr  # the objective's weights
    assert "valeur modifiée : poids des années de prolongation dans l'objectif = 0,5" in fr  # the override
    assert "the years 2028–2029 count for 50% in the objective" in en
    assert "tail years (2028–2029) counted at 50 %" in en
    assert "value set: weight of the tail years in the objective = 0.5" in en
    default = _visible(plan_html(results["None"], "fr"))
    assert "comptées à" not in default and f"comme ceux du PPI (100{NNBSP}%)" in default


def test_the_written_report_read_in_chromium_states_it(results, tmp_path):
    ppi.write(results["0.5"], tmp_path / "plan", reports=("html",), lang="fr")
    dom = Page(dump_dom(require_browser(), tmp_path / "plan" / "report.html"))
    [(cell, _)] = dom.find("td", data_key="end_rule")
    assert f"les années 2028–2029 comptent pour 50{NNBSP}% dans l'objectif" in dom.text(cell)


def test_the_workbook_states_the_tail_weight(results):
    book = load_workbook(io.BytesIO(plan_workbook(results["0.5"], "fr")))
    cells = " ".join(c for ws in book for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str))
    assert f"les années 2028–2029 comptent pour 50{NNBSP}% dans l'objectif" in cells


def test_the_console_summary_counts_the_tail_at_its_weight(results):
    half, default = results["0.5"], results["None"]
    assert "with the 2 years after the PPI counted at 50%" in objective_lines(half.scenario, half.evaluation)[0]
    assert "counted at" not in objective_lines(default.scenario, default.evaluation)[0]


def test_a_set_tail_weight_in_words():
    assert override_text("--set objective.tail_weight=0.5", "fr").endswith(
        "poids des années de prolongation dans l'objectif = 0,5"
    )
    assert override_text("--set objective.tail_weight=0.5", "en").endswith(
        "weight of the tail years in the objective = 0.5"
    )


def test_plans_whose_tail_weights_differ_are_not_comparable(results):
    c = ppi.compare({"full": results["None"], "half": results["0.5"]})
    assert not c.comparable
    assert c.weight_differences() == {"half": [("tail weight", 0.5)]}
    assert "poids des années de prolongation 0,5" in not_comparable_text(c, "fr")
    assert "tail weight 0.5" in not_comparable_text(c, "en")
    assert ppi.compare({"a": results["None"], "b": results["None"]}).comparable
