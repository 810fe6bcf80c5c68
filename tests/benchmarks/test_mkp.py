"""Classic capital-budgeting instances (weing1–8, mknap1) mapped to PPI scenarios reach their published optima.

Each instance is a 0/1 multidimensional knapsack with a proven optimum; `benchmarks.mkp.mkp_scenario` maps
it so that the optimal unmet demand is Σ values − optimum (see benchmarks/data/mkp/SOURCE.md). A wrong
budget row, spending profile, delivery year or objective coefficient moves the optimum off that value.
"""

from __future__ import annotations

import pytest

from benchmarks.mkp import MONEY_UNIT_EUR, MKPInstance, all_instances, mkp_scenario, read_mknap1, spending_profile
from models import scenario_from_dict
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import SolveOptions, build_model, solve

# Published optima are exact; solvers return the objective with float noise in the last digits.
OBJECTIVE_RTOL = 1e-6

INSTANCES = all_instances()
BY_NAME = {inst.name: inst for inst in INSTANCES}
# CBC runs as a subprocess through PuLP: a few small instances of each file are enough to cover it.
CBC_INSTANCES = ["weing1", "weing7", "mknap1-1", "mknap1-3", "mknap1-6"]


def _solve_and_check(inst: MKPInstance, engine: str, unit: float = MONEY_UNIT_EUR) -> None:
    scenario = scenario_from_dict(mkp_scenario(inst, unit), source=f"<{inst.name}>")
    # gap 0: prove the optimum exactly (the default 1e-4 relative gap would allow a plan a few units off).
    plan = solve(scenario, SolveOptions(solver=engine, gap=0.0))
    assert plan.status.value == "optimal", plan.message
    expected = inst.expected_objective
    assert plan.objective == pytest.approx(expected, rel=OBJECTIVE_RTOL, abs=1e-6)
    chosen_value = sum(v for v, pid in zip(inst.values, scenario.project, strict=True) if plan.starts[pid] is not None)
    assert chosen_value == pytest.approx(inst.optimum, rel=OBJECTIVE_RTOL)
    verification = verify_plan(scenario, plan_to_dict(scenario, plan))
    assert verification.ok, str(verification)


def test_all_fifteen_instances_are_read():
    assert [i.name for i in INSTANCES] == [f"weing{k}" for k in range(1, 9)] + [f"mknap1-{k}" for k in range(1, 8)]
    assert [(i.n, i.m) for i in INSTANCES[:8]] == [(28, 2)] * 6 + [(105, 2)] * 2
    assert [(i.n, i.m) for i in INSTANCES[8:]] == [(6, 10), (10, 10), (15, 10), (20, 10), (28, 10), (39, 5), (50, 5)]
    assert BY_NAME["weing1"].optimum == 141278
    assert BY_NAME["mknap1-2"].optimum == pytest.approx(8706.1)


@pytest.mark.parametrize("inst", INSTANCES, ids=lambda i: i.name)
def test_scenario_mirrors_the_instance(inst: MKPInstance):
    scenario = scenario_from_dict(mkp_scenario(inst))
    assert not scenario.warnings or all("adds no capacity" in w for w in scenario.warnings)
    assert len(scenario.years) == inst.m
    assert len(scenario.projects) == len(scenario.districts) == inst.n
    for j, p in enumerate(scenario.projects):
        assert p.start_years == (scenario.first_year,)
        assert p.start_years[0] + p.delivery_lag == scenario.last_year
        assert sum(p.profile) == pytest.approx(1.0, abs=1e-9)
        spending = p.city_spending(scenario.first_year)
        for t, year in enumerate(scenario.years):
            assert spending.get(year, 0.0) == pytest.approx(inst.costs[t][j] * MONEY_UNIT_EUR, abs=1e-6)
        assert scenario.demand[(p.district, "value", scenario.last_year)] == inst.values[j]
        assert all(scenario.demand[(p.district, "value", y)] == 0 for y in scenario.years[:-1])
    model = build_model(scenario)
    assert int(model.integrality.sum()) == inst.n


@pytest.mark.parametrize("inst", INSTANCES, ids=lambda i: i.name)
def test_highs_reaches_the_published_optimum(inst: MKPInstance):
    _solve_and_check(inst, "highs")


@pytest.mark.parametrize("name", CBC_INSTANCES)
def test_cbc_reaches_the_published_optimum(name: str):
    _solve_and_check(BY_NAME[name], "cbc")


def test_zero_cost_project_gets_a_valid_profile():
    assert spending_profile([0, 0, 0]) == (0.0, [1.0])
    total, shares = spending_profile([1, 1, 1])
    assert total == 3 and abs(sum(shares) - 1.0) <= 1e-12 and min(shares) >= 0
    inst = MKPInstance("free", values=(5.0, 3.0), costs=((0.0, 4.0), (0.0, 4.0)), budgets=(3.0, 3.0), optimum=5.0)
    _solve_and_check(inst, "highs")


def test_truncated_file_is_rejected(tmp_path):
    bad = tmp_path / "mknap1.txt"
    bad.write_text("1\n3 1 10\n1 2 3\n4 5\n")
    with pytest.raises(ValueError, match="expected"):
        read_mknap1(bad)


@pytest.mark.parametrize("unit", [1.0, 0.1], ids=["published-scale", "tenths-of-euros"])
@pytest.mark.parametrize("inst", INSTANCES, ids=lambda i: i.name)
def test_published_optimum_at_the_published_scale(inst: MKPInstance, unit: float):
    """Envelopes of a few hundred euros (the instances' own numbers, and a tenth of them): money in the
    matrix is in units fine enough that HiGHS' tolerance cannot admit a plan over an envelope (in M€ it let
    through plans 0.7 € over a 54 € envelope, which the verifier refused)."""
    _solve_and_check(inst, "highs", unit)
