"""The benchmark's model variants `highs-budget-windows` and `highs-noclip` solve the same problem as `highs`.

`benchmarks.formulations.add_budget_windows` adds rows that are sums of the yearly budget rows, and `unclip`
puts back the full capacities that `add_unmet_demand` clips: neither may change the optimum — checked by hand,
against the brute force of tests/helpers.py on random small scenarios, and against the default model on a
generated tight city.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from benchmarks.formulations import EXTENSIONS, add_budget_windows, unclip
from benchmarks.generate import generate_scenario
from models.load import scenario_from_dict
from models.plan import Status
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, build_model
from solver.solve import plan_from_result, solve_matrix
from tests.helpers import brute_force, make_scenario, project, rows
from tests.solver.test_properties import common_settings, scenario_data

EXACT = SolveOptions(gap=0.0)


def _solve(s, model):
    plan = plan_from_result(s, model, solve_matrix(model, EXACT), EXACT)
    if plan.status.has_plan:
        check = verify_plan(s, plan_to_dict(s, plan))
        assert check.ok, str(check)
    return plan


def _variants(s):
    return {
        "budget-windows": EXTENSIONS["budget-windows"](build_model(s)),
        "noclip": unclip(build_model(s), s),
    }


def test_budget_window_by_hand():
    """Three years of 10, 12 and 8 M€ and a project paying 60 % then 40 %: the windows are the sums of the
    yearly rows, 2026–27 ≤ 22, 2027–28 ≤ 20 and 2026–28 ≤ 30; in the window 2026–27 the project weighs its
    whole cost (6 M€) when started in 2026, its first payment (3.6 M€) when started in 2027."""
    s = make_scenario(
        budget={"annual": {2026: 10.0e6, 2027: 12.0e6, 2028: 8.0e6}, "carry_over": False},
        demand=rows({2026: 1.0, 2027: 1.0, 2028: 1.0}),
        capacity=rows({2026: 0.0}),
        projects=[project("a", cost=6.0e6, profile=[0.6, 0.4])],
    )
    m = add_budget_windows(build_model(s))
    names = [n for n in m.row_names if n.startswith("budget_window")]
    assert names == ["budget_window[2026,2027]", "budget_window[2026,2028]", "budget_window[2027,2028]"]
    upper = {n: m.row_upper[m.row_names.index(n)] * m.money / 1e6 for n in names}
    assert upper == pytest.approx({names[0]: 22.0, names[1]: 30.0, names[2]: 20.0})
    row = m.A.getrow(m.row_names.index("budget_window[2026,2027]"))
    coef = {m.col_names[j]: v * m.money / 1e6 for j, v in zip(row.indices, row.data, strict=True)}
    assert coef["start[a,2026]"] == pytest.approx(6.0) and coef["start[a,2027]"] == pytest.approx(3.6)
    assert add_budget_windows(build_model(s), max_length=2).row_names.count("budget_window[2026,2028]") == 0


def test_unclip_by_hand():
    """Need 2 classes, a project of 5: the default row counts it for 2 (its clipped coefficient), the
    unclipped one for 5; both give the same plan."""
    s = make_scenario(
        demand=rows({2026: 2.0, 2027: 2.0, 2028: 2.0}),
        capacity=rows({2026: 0.0}),
        projects=[project("a", capacity={"classes": 5.0})],
    )
    clipped, full = build_model(s), unclip(build_model(s), s)
    r, j = clipped.row("unmet[d,classes,2026]"), clipped.start_col[("a", 2026)]
    assert (clipped.A[r, j], full.A[r, j]) == (pytest.approx(2.0), pytest.approx(5.0))
    assert _solve(s, clipped).objective == pytest.approx(_solve(s, full).objective)


@common_settings(80)
@given(scenario_data())
def test_windows_and_noclip_keep_the_brute_force_optimum(data):
    s = scenario_from_dict(data)
    best = brute_force(s)
    for name, model in _variants(s).items():
        plan = _solve(s, model)
        if best is None:
            assert plan.status is Status.INFEASIBLE, name
        else:
            assert plan.status is Status.OPTIMAL, (name, plan.status)
            assert plan.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6), (name, plan.objective, best)


def test_windows_and_noclip_give_the_default_optimum_on_a_tight_city():
    s = scenario_from_dict(generate_scenario("S", seed=2, family="tight"), source="<S-tight-2>")
    default = _solve(s, build_model(s))
    assert default.status is Status.OPTIMAL
    for name, model in _variants(s).items():
        plan = _solve(s, model)
        assert plan.status is Status.OPTIMAL, name
        assert plan.objective == pytest.approx(default.objective, rel=1e-6), name
    assert np.isfinite(default.objective)


def test_rootgap_relaxes_one_family_at_a_time(tmp_path):
    """`python -m benchmarks.rootgap` on one small tight city: the model as built gives a verified plan; each
    relaxed family frees its rows, and a relaxation never raises the LP bound nor the optimum."""
    from benchmarks.rootgap import measure

    records = measure("S", 0, "tight", time_limit=20)
    by = {r["relaxed"]: r for r in records}
    assert by["none"]["status"] == "optimal" and by["none"]["verified"] is True
    assert {"budget", "excludes", "requires"} <= set(by)
    for name, r in by.items():
        assert (r["rows"] > 0) == (name != "none")
        assert r["lp"] <= by["none"]["lp"] + 1e-6
        if r["status"] == "optimal":
            assert r["objective"] <= by["none"]["objective"] + 1e-4 * abs(by["none"]["objective"])
