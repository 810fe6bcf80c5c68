"""The orchestrator (ppi.py) as the command line uses it: one evaluation of the plan per command, saved
results read back as typed results, and the library's names resolved lazily."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import cli
import ppi
from models.evaluate import evaluate_plan

EXAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "exemple-ville" / "scenario.yaml"


def _count_evaluations(run) -> list[int]:
    """How many times evaluate_plan ran during `run()` (a profile hook: nothing is patched)."""
    calls: list[int] = []
    code = evaluate_plan.__code__

    def hook(frame, event, arg):
        if event == "call" and frame.f_code is code:
            calls.append(1)

    sys.setprofile(hook)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def test_a_solve_with_both_reports_evaluates_the_plan_once(tmp_path, capsys):
    """The plan once, the plan without new projects once: summary, plan.json, CSVs, HTML and workbook share
    them (before the results package: six and three)."""
    out = tmp_path / "out"
    calls = _count_evaluations(lambda: cli.main(["solve", str(EXAMPLE), "--out", str(out), "--report", "html,xlsx"]))
    assert (out / "report.html").exists() and (out / "report.xlsx").exists()
    assert len(calls) == 2


def test_reports_of_a_saved_plan_evaluate_it_once(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["solve", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    calls = _count_evaluations(lambda: cli.main(["report", str(out), "--format", "html,xlsx"]))
    assert len(calls) == 2


def test_a_saved_result_reads_back_like_the_solved_one(tmp_path):
    scenario = ppi.load(EXAMPLE, set={"budget.annual.2028": 12e6})
    solved = ppi.solve(scenario)
    ppi.write(solved, tmp_path / "out")
    again = ppi.open_result(tmp_path / "out")
    assert again.scenario.sets == scenario.sets and again.starts == solved.starts
    assert again.objective == pytest.approx(solved.objective) and again.verification.ok
    assert again.budget.equals(solved.budget)


def test_lazy_names_and_unknown_ones():
    assert ppi.ScenarioError.__name__ == "ScenarioError" and ppi.Result.__name__ == "Result"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        ppi.nothing  # noqa: B018
