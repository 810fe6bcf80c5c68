"""The benchmark generator and runner: deterministic instances that validate, solve and verify."""

from __future__ import annotations

import math

import pytest

from benchmarks.generate import generate_scenario
from benchmarks.run import shifted_geomean
from models import scenario_from_dict
from tests.helpers import solve_and_verify


@pytest.mark.parametrize("tier", ["S", "M", "L"])
def test_generator_is_deterministic_and_valid(tier):
    a = generate_scenario(tier, seed=7)
    assert a == generate_scenario(tier, seed=7)
    assert a != generate_scenario(tier, seed=8)
    scenario = scenario_from_dict(a, source=f"<{tier}-7>")
    expected_projects = {"S": 30, "M": 100, "L": 300}[tier]
    assert len(scenario.projects) == expected_projects


def test_generated_small_tier_solves_and_verifies():
    scenario = scenario_from_dict(generate_scenario("S", seed=1), source="<S-1>")
    plan = solve_and_verify(scenario)
    assert plan.status.value == "optimal"


def test_shifted_geometric_mean():
    # exp(mean(log(t + 10))) - 10: equal times give that time back; the shift damps small values.
    assert shifted_geomean([5.0, 5.0]) == pytest.approx(5.0)
    assert shifted_geomean([0.0, 30.0]) == pytest.approx(math.sqrt(10 * 40) - 10)


def test_sweep_benchmark_runs_and_writes_its_table(tmp_path):
    """A smoke run of `python -m benchmarks.sweep` on one point: it still works (no timing is checked)."""
    from benchmarks.sweep import main

    out = tmp_path / "sweep.md"
    assert main(["--points", "1", "--samples", "0", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| 1 |" in text and "| 2 |" in text and "same statuses and objectives: yes" in text
    assert "| budget×1 | 98.0 | optimal | 194.43 |" in text
