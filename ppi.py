"""ppi as a Python library, for scripted what-if runs: load a scenario, derive validated variants, solve,
and read the results as pandas tables.

    import ppi

    base = ppi.load("scenarios/rennes/scenario.yaml")
    tight = ppi.derive(base, set={"budget.annual.2027": 8e6}, budget_scale=0.9)
    result = ppi.solve(tight, time_limit=30)
    result.status, result.objective, result.chosen
    result.unmet_by_kind            # pandas Series: unmet unit-years per kind
    result.budget, result.balance   # pandas DataFrames, as in budget.csv and balance.csv
    ppi.compare({"base": ppi.solve(base), "tight": result}).summary
    ppi.sweep("scenarios/rennes/scenario.yaml", budget_scale=[0.9, 1.0, 1.1], out="results/sweep").table

Every scenario goes through the same validation as `ppi validate` (a `ScenarioError` lists every problem),
every plan through the independent verifier (a plan that fails it raises). `examples/what_if.py` is a
worked example. `ppi.diagnose(scenario)` explains an infeasible scenario, `ppi.explain(result, out)` a plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.derive import derive as _derive
from analysis.diagnose import Diagnosis
from analysis.diagnose import diagnose as _diagnose
from analysis.explain import Explanation
from analysis.explain import explain as _explain
from analysis.sweep import SweepResult, SweepSpec, check_spec, make_points, run_sweep
from models import Scenario, ScenarioError, load_scenario
from models.evaluate import Evaluation, evaluate_plan
from models.plan import Plan
from models.verify import verify_plan
from reports.compare import Comparison, Entry
from reports.compare import compare as _compare
from reports.files import plan_to_dict, write_results
from solver import SolveOptions
from solver import solve as _solve

__all__ = [
    "Diagnosis",
    "Explanation",
    "Result",
    "Scenario",
    "ScenarioError",
    "compare",
    "derive",
    "diagnose",
    "explain",
    "load",
    "solve",
    "sweep",
]

Sets = Mapping[str, Any] | Iterable[str] | None


def _sets(values: Sets) -> tuple[str, ...]:
    """`{"budget.annual.2027": 8e6}` or `["budget.annual.2027=8e6"]` -> ("budget.annual.2027=8000000.0",)."""
    if values is None:
        return ()
    if isinstance(values, Mapping):
        return tuple(f"{path}={v if isinstance(v, str) else json.dumps(v)}" for path, v in values.items())
    return tuple(values)


def load(path: str | Path, variant: str | None = None, set: Sets = None, budget_scale: float | None = None) -> Scenario:
    """A validated scenario: the file (and what it extends), a named variant, `set` overrides (a mapping of
    dotted paths to values, or "path=value" strings), then a factor on every envelope."""
    return load_scenario(path, variant=variant, overrides=_sets(set), budget_scale=budget_scale)


def derive(scenario: Scenario, set: Sets = None, budget_scale: float | None = None) -> Scenario:
    """A variant of a loaded scenario: its own file, variant and overrides, plus these (validated again).
    The scenario must come from a file (`ppi.load`): its file is read again."""
    return _derive(scenario, _sets(set), budget_scale)


@dataclass(frozen=True)
class Result:
    """A solved scenario: the plan and every table it implies."""

    scenario: Scenario
    plan: Plan

    @cached_property
    def evaluation(self) -> Evaluation:
        return evaluate_plan(self.scenario, self.plan.starts, self.plan.transfers)

    @property
    def status(self) -> str:
        return self.plan.status.value

    @property
    def objective(self) -> float | None:
        return self.plan.objective

    @property
    def gap(self) -> float | None:
        return self.plan.gap

    @property
    def chosen(self) -> list[str]:
        return self.plan.chosen

    @property
    def starts(self) -> dict[str, int | None]:
        return dict(self.plan.starts)

    @property
    def projects(self) -> pd.DataFrame:
        return self.evaluation.projects

    @property
    def budget(self) -> pd.DataFrame:
        return self.evaluation.budget

    @property
    def balance(self) -> pd.DataFrame:
        return self.evaluation.balance

    @property
    def transfers(self) -> pd.DataFrame:
        return self.evaluation.transfers

    @property
    def finance(self) -> pd.DataFrame:
        return self.evaluation.finance

    @property
    def unmet_by_kind(self) -> pd.Series:
        """Unmet demand per kind over the horizon, in unit-years."""
        return self.balance.groupby("kind", sort=False)["unmet"].sum()

    @cached_property
    def plan_json(self) -> dict[str, Any]:
        """The plan.json content."""
        return plan_to_dict(self.scenario, self.plan, self.evaluation if self.plan.status.has_plan else None)

    def write(self, folder: str | Path, reports: Iterable[str] = (), lang: str = "fr") -> Path:
        """Write the results folder (plan.json, CSV tables, and `reports` among "html", "xlsx") atomically."""
        extra: dict[str, bytes] = {}
        formats = tuple(reports)
        if "html" in formats:
            from reports.html import plan_html

            extra["report.html"] = plan_html(self.scenario, self.plan_json, lang=lang).encode("utf-8")
        if "xlsx" in formats:
            from reports.xlsx import plan_workbook

            extra["report.xlsx"] = plan_workbook(self.scenario, self.plan_json, lang=lang)
        return write_results(folder, self.scenario, self.plan, extra=extra)


def solve(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    start: Result | Mapping[str, int | None] | None = None,
) -> Result:
    """Solve and check the plan with the independent verifier (raises RuntimeError if it fails).

    `start`: an earlier result (or project → start year) offered to HiGHS as its first plan — the same
    optimum, and under a short time limit a plan at least that good when it is still feasible."""
    if isinstance(start, Result):
        start = dict(start.plan.starts)
    plan = _solve(scenario, SolveOptions(solver=solver, time_limit=time_limit, gap=gap, threads=threads), start=start)
    result = Result(scenario, plan)
    if plan.status.has_plan:
        check = verify_plan(scenario, result.plan_json)
        if not check.ok:
            raise RuntimeError(f"the solver's plan fails the independent check:\n{check}")
    return result


def compare(results: Mapping[str, Result]) -> Comparison:
    """Side-by-side tables (summary, projects, budget, unmet) of two or more results, keyed by label."""
    return _compare([Entry(label, r.scenario, r.plan_json) for label, r in results.items()])


def sweep(
    path: str | Path,
    out: str | Path,
    variant: str | None = None,
    set: Sets = None,
    budget_scale: Iterable[float] | None = None,
    vary: Mapping[str, Iterable[Any]] | None = None,
    workers: int | None = None,
    time_limit: float | None = None,
) -> SweepResult:
    """Solve the scenario at every point (budget factors × varied values) in parallel; finished points in
    `out` are reused. `result.table` is the frontier table (see analysis/sweep.py)."""
    varies = [(p, [v if isinstance(v, str) else json.dumps(v) for v in values]) for p, values in (vary or {}).items()]
    spec = SweepSpec(
        str(path),
        variant,
        _sets(set),
        make_points(list(budget_scale) if budget_scale is not None else None, varies),
        time_limit=time_limit,
    )
    check_spec(spec)
    return run_sweep(spec, out, workers=workers)


def diagnose(scenario: Scenario, solver: str = "highs") -> Diagnosis:
    """Why an infeasible scenario has no plan: `findings` (what breaks, in budget words, with the stable
    constraint names) and `remedies` (lists of `--set` edits, each checked to give a plan)."""
    return _diagnose(scenario, SolveOptions(solver=solver))


def explain(
    result: Result,
    out: str | Path,
    projects: Iterable[str] = (),
    budget: bool = True,
    workers: int | None = None,
    time_limit: float | None = None,
) -> Explanation:
    """Why a solved plan is what it is: force-in, drop and defer costs of the projects (all, or `projects`),
    the value of one more M€ in each year, the constraints that hold it. The re-solves run in parallel and
    are saved in `out` (reused when run again). `explanation.projects_table()`, `.budget_table()`."""
    return _explain(
        result.scenario,
        result.plan_json,
        out,
        projects=tuple(projects),
        budget=budget,
        workers=workers,
        time_limit=time_limit,
    )
