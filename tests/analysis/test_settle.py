"""Points settled without a solve (issue 18): a budget point whose answer a larger budget's proven answer gives.

Every settled point is compared with a plain solve of the same point alone (`solver.solve` on the derived
scenario): same status, same objective (within the optimality gap), and a plan the independent verifier
accepts at the point's own envelopes. Counts of solves and settled points are read from the records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from analysis.explain import explain, project_points
from analysis.sweep import SweepSpec, make_points, parse_range, run_sweep
from models import load_scenario
from models.edits import derive
from models.plan import OPTIMALITY_GAP
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, solve
from tests.analysis.test_explain import _small
from tests.analysis.test_sweep import _committed_scenario, scenario_file
from tests.helpers import make_scenario_dict, project, rows

EXAMPLE = "scenarios/exemple-ville/scenario.yaml"


def _plain(spec: SweepSpec, record: dict) -> tuple[str, float | None]:
    """Status and objective of the point solved alone, from scratch."""
    point = next(p for p in spec.points if p.label == record["label"])
    plan = solve(derive(spec.scenario, point.edits), SolveOptions(threads=1))
    return plan.status.value, plan.objective


def _check_against_plain_solves(spec: SweepSpec, result) -> None:
    for r in result.results:
        status, objective = _plain(spec, r)
        assert r["plan"]["status"] == status, r["label"]
        if objective is not None:
            assert r["plan"]["objective"] == pytest.approx(objective, rel=OPTIMALITY_GAP, abs=1e-9), r["label"]
            scenario = derive(spec.scenario, next(p for p in spec.points if p.label == r["label"]).edits)
            assert verify_plan(scenario, r["plan"]).ok  # within this point's own envelopes


def _loose(folder: Path) -> Path:
    """Envelopes that never bind from ×0.5 up: all three projects together charge 0.6 M€ a year at most."""
    data = make_scenario_dict(
        demand=rows({2026: 3, 2027: 4, 2028: 4}),
        envelope=1.5e6,
        cost_weight=1e-9,
        projects=[
            project("p1", cost=0.2e6),
            project("p2", cost=0.2e6, earliest_start=2027),
            project("p3", cost=0.2e6),
        ],
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "loose.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _settled(result) -> list[str]:
    return [r["label"] for r in result.results if r.get("settled_from")]


def test_points_below_a_non_binding_budget_are_settled_and_equal_plain_solves(tmp_path):
    spec = SweepSpec(load_scenario(_loose(tmp_path / "s")), make_points([0.5, 0.75, 1.0, 2.0], []))
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    # The largest factor is solved first; every smaller one takes its plan, which fits.
    assert _settled(result) == ["budget×0.5", "budget×0.75", "budget×1"]
    assert (result.solved, result.settled) == (4, 3)  # 4 points done, 1 solve
    by = {r["label"]: r for r in result.results}
    assert by["budget×1"]["settled_from"] == {"label": "budget×2", "budget_scale": 2.0}
    for label in _settled(result):
        assert by[label]["plan"]["status"] == "optimal"
        assert by[label]["plan"]["bound"] == by["budget×2"]["plan"]["bound"]  # the larger point's bound holds here
        assert [p["start"] for p in by[label]["plan"]["projects"]] == [
            p["start"] for p in by["budget×2"]["plan"]["projects"]
        ]
    _check_against_plain_solves(spec, result)
    # The record on disk says so too; a second run reuses the settled points.
    saved = [json.loads(f.read_text(encoding="utf-8")) for f in (tmp_path / "sweep" / "points").glob("*.json")]
    assert sum(1 for s in saved if s.get("settled_from")) == 3
    again = run_sweep(spec, tmp_path / "sweep", workers=1)
    assert (again.reused, again.solved, again.settled) == (4, 0, 0)


def test_a_point_the_larger_plan_does_not_fit_is_solved(tmp_path):
    spec = SweepSpec(load_scenario(scenario_file(tmp_path / "s")), make_points([0.8, 2.0], []))
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    by = {r["label"]: r for r in result.results}
    # A worse optimum at ×0.8: the plan of ×2 cannot be a plan of ×0.8 (it would be as good there).
    assert by["budget×0.8"]["plan"]["objective"] > by["budget×2"]["plan"]["objective"] + 1e-6
    assert (result.solved, result.settled) == (2, 0) and _settled(result) == []
    _check_against_plain_solves(spec, result)


def test_a_binding_frontier_settles_only_where_the_plan_fits_and_matches_plain_solves(tmp_path):
    spec = SweepSpec(load_scenario(scenario_file(tmp_path / "s")), make_points(parse_range("0.4:3.0:0.2"), []))
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    _check_against_plain_solves(spec, result)
    assert result.settled == len(_settled(result)) and result.solved == len(spec.points)
    assert 0 < result.settled < len(spec.points)  # the flat end settles, the binding part is solved
    by = {r["label"]: r for r in result.results}
    for label in _settled(result):  # the source is a larger, solved point with the same objective
        source = by[by[label]["settled_from"]["label"]]
        assert source["point"]["budget_scale"] > by[label]["point"]["budget_scale"]
        assert source["plan"]["status"] == "optimal"
        assert by[label]["plan"]["objective"] == source["plan"]["objective"]
    off = run_sweep(
        SweepSpec(spec.scenario, spec.points, settle=False), tmp_path / "off", workers=1
    )  # the same sweep with every point solved
    assert off.settled == 0 and not _settled(off)
    for a, b in zip(result.results, off.results, strict=True):
        assert a["plan"]["status"] == b["plan"]["status"]
        assert a["plan"]["objective"] == pytest.approx(b["plan"]["objective"], rel=OPTIMALITY_GAP)


def test_axes_are_per_combination_of_the_other_values(tmp_path):
    spec = SweepSpec(
        load_scenario(_loose(tmp_path / "s")),
        make_points([1.0, 2.0], [("demand_kinds.classes.weight", ["1", "2"])]),
    )
    result = run_sweep(spec, tmp_path / "sweep", workers=2)
    by = {r["label"]: r for r in result.results}
    assert result.settled <= 2  # two axes of two points: each ×1 point can only come from its own ×2
    for label in _settled(result):
        assert by[label]["settled_from"]["label"] == label.replace("budget×1 ", "budget×2 ")
    _check_against_plain_solves(spec, result)


def test_below_an_infeasible_point_every_point_is_infeasible_without_a_solve(tmp_path):
    spec = SweepSpec(load_scenario(_committed_scenario(tmp_path / "s")), make_points([0.3, 0.5, 0.75, 1.0], []))
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    by = {r["label"]: r for r in result.results}
    assert [by[x]["plan"]["status"] for x in ("budget×0.3", "budget×0.5", "budget×0.75")] == ["infeasible"] * 3
    assert by["budget×0.5"]["settled_from"] == {"label": "budget×0.75", "budget_scale": 0.75}
    assert by["budget×0.3"]["settled_from"]["label"] in ("budget×0.5", "budget×0.75")
    assert by["budget×0.75"].get("settled_from") is None  # ×1 has a plan: ×0.75 is solved
    _check_against_plain_solves(spec, result)


def test_settled_infeasible_points_still_carry_their_reason(tmp_path):
    spec = SweepSpec(load_scenario(_committed_scenario(tmp_path / "s")), make_points([0.5, 0.75], []), reasons=True)
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    by = {r["label"]: r for r in result.results}
    assert by["budget×0.5"]["settled_from"]["label"] == "budget×0.75"
    assert by["budget×0.5"]["reason"]["kind"] == by["budget×0.75"]["reason"]["kind"] == "budget_year"


def test_the_example_settles_the_top_of_its_frontier(tmp_path):
    """Exemple-Ville: at ×5 and ×3.5 no envelope binds; the plan proven at ×5 fits ×3.5 and is optimal there."""
    spec = SweepSpec(load_scenario(EXAMPLE), make_points([3.5, 5.0], []))
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    assert _settled(result) == ["budget×3.5"] and result.settled == 1
    _check_against_plain_solves(spec, result)


def test_the_example_binding_points_are_solved_and_match(tmp_path):
    spec = SweepSpec(load_scenario(EXAMPLE), make_points([0.9, 1.0], []))
    result = run_sweep(spec, tmp_path / "sweep", workers=1)
    assert result.settled == 0  # one more tenth of budget buys something: ×1's plan breaks an envelope at ×0.9
    _check_against_plain_solves(spec, result)


def test_settling_on_a_dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    spec = SweepSpec(load_scenario(_loose(tmp_path / "s")), make_points([0.5, 0.75, 1.0], []))
    result = run_sweep(spec, tmp_path / "dask", workers=2, executor="dask")
    # ×1 and ×0.75 go out together; ×0.5 is taken when one comes back, and that one's plan fits.
    assert _settled(result) == ["budget×0.5"] and result.settled == 1
    _check_against_plain_solves(spec, result)


# ------------------------------------------------------------------------------------------ explain


def test_explain_never_re_solves_a_change_the_plan_already_answers(tmp_path):
    """Forcing in a chosen project, or dropping or deferring one left out, leaves the optimum optimal: explain
    asks only for the changes the plan breaks (force in what is left out, drop and defer what is chosen)."""
    scenario = load_scenario(_small(tmp_path))  # big left out, p1 and p2 chosen
    plan = plan_to_dict(scenario, solve(scenario))
    starts = {p["id"]: p["start"] for p in plan["projects"]}
    chosen = {pid for pid, s in starts.items() if s is not None}
    points = project_points(scenario, starts)
    assert chosen == {"p1", "p2"} and len(points) == 5
    for point in points:
        change, pid = point.name.split()
        assert (change == "force_in") == (pid not in chosen)
    e = explain(scenario, plan, tmp_path / "out", workers=1, budget=False)
    assert len(list((tmp_path / "out" / "points").glob("*.json"))) == len(points)  # one solve per point, no more
    assert {(w.project, w.change) for w in e.projects} == {tuple(reversed(p.name.split())) for p in points}
