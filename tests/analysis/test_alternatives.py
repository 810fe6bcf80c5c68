"""Near-optimal alternatives (analysis/alternatives.py, `ppi alternatives`): distinct plans, each within the
tolerance of the optimum, each verified independently."""

from __future__ import annotations

import json

import pytest

import ppi
from analysis.alternatives import AlternativesError, find_alternatives
from results.verify import verify_plan
from tests.analysis.test_sweep import scenario_file
from tests.helpers import make_scenario, project, rows, run_cli


def test_alternatives_are_distinct_within_the_tolerance_and_verified(tmp_path):
    scenario = ppi.load(scenario_file(tmp_path / "s"))
    found = find_alternatives(scenario, within=0.2, count=4)
    assert found.optimum.status == "optimal" and found.plans and found.optimum.verification.ok
    cap = found.optimum.objective * 1.2 + 1e-9
    seen = [dict(found.optimum.starts)]
    for plan in found.plans:
        assert plan.objective <= cap
        assert dict(plan.starts) not in seen  # differs from the optimum and every earlier alternative
        seen.append(dict(plan.starts))
        assert verify_plan(scenario, plan.record).ok and plan.verification.ok
    table = found.table
    assert list(table["plan"]) == ["optimum", *(f"alternative {i}" for i in range(1, len(found.plans) + 1))]
    assert (table["above_optimum"] <= 0.2 + 1e-9).all() and table["above_optimum"].iloc[0] == 0


def test_a_zero_tolerance_gives_only_other_optima():
    """One class short, two identical 1 M€ projects: two optima, nothing else within 0 % (with a cost term,
    choosing both is worse)."""
    s = make_scenario(
        cost_weight=1e-9,
        demand=rows({2026: 1, 2027: 1, 2028: 1}),
        projects=[
            project("a", earliest_start=2026, latest_start=2026),
            project("b", earliest_start=2026, latest_start=2026),
        ],
    )
    found = find_alternatives(s, within=0.0, count=3)
    assert len(found.plans) == 1
    assert {found.optimum.chosen[0], found.plans[0].chosen[0]} == {"a", "b"}
    assert found.plans[0].objective == pytest.approx(found.optimum.objective)


def test_no_optimum_no_alternatives():
    s = make_scenario(envelope=0.0, projects=[project("a", status="mandatory")])
    with pytest.raises(AlternativesError, match="no proven optimum"):
        find_alternatives(s)


def test_cli_alternatives_writes_verifiable_plans(tmp_path):
    path = scenario_file(tmp_path / "s")
    out = tmp_path / "alt"
    proc = run_cli("alternatives", path, "--within", "20%", "--count", "2", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "alternative 1" in proc.stdout and (out / "alternatives.csv").exists()
    plan = json.loads((out / "alternative-1.json").read_text())
    assert plan["status"] == "feasible" and plan["options"]["within"] == 0.2
    check = run_cli("verify", path, out / "alternative-1.json")
    assert check.returncode == 0 and "plan verified" in check.stdout, check.stdout + check.stderr
    for bad in ("150%", "x", "-1"):
        proc = run_cli("alternatives", path, f"--within={bad}", "--out", tmp_path / "bad")
        assert proc.returncode == 1 and "share" in proc.stderr, proc.stderr
    assert not (tmp_path / "bad").exists()
