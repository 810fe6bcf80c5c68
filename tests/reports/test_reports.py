"""Result files: the AP/CP table and the finance table agree with the budget table and the verifier."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from results.store import write_results
from results.verify import verify_plan
from solver import solve
from tests.helpers import make_scenario, project, rows


@pytest.fixture
def results(tmp_path):
    s = make_scenario(
        years=(2026, 2030),
        budget={"annual": 3e6, "basis": "net"},
        finance={
            "fctva": {"rate": 0.16404, "lag": 1},
            "prospective": {"revenue": 20e6, "spending": 18e6, "debt": 5e6, "debt_repayment": 1e6},
        },
        demand=rows({2026: 4}),
        projects=[
            project("a", cost=2.5e6, profile=[0.4, 0.6], delivery_lag=2, operating_cost=1e5),
            project("b", cost=1.5e6, subsidies=[{"name": "CAF", "rate": 0.3, "at": "delivery"}], delivery_lag=1),
            project("c", status="committed", start=2025, cost=1e6, profile=[0.5, 0.5]),
        ],
    )
    plan = solve(s)
    assert plan.status.value == "optimal"
    out = write_results(tmp_path / "out", s, plan)
    return s, out


def test_apcp_totals_match_the_budget_table(results):
    s, out = results
    apcp = pd.read_csv(out / "apcp.csv")
    budget = pd.read_csv(out / "budget.csv").set_index("year")
    total = apcp[apcp["project"] == "TOTAL"].iloc[0]
    body = apcp[apcp["project"] != "TOTAL"]
    assert set(body["project"]) == {"a", "b", "c"}
    for y in s.years:
        assert total[f"cp_{y}"] == pytest.approx(budget.loc[y, "spent"], abs=0.02)
        assert total[f"receipts_{y}"] == pytest.approx(budget.loc[y, "subsidies"] + budget.loc[y, "fctva"], abs=0.02)
        assert total[f"net_{y}"] == pytest.approx(budget.loc[y, "net_effort"], abs=0.02)
    # AP = every CP of the project, inside the horizon or not.
    c = body[body["project"] == "c"].iloc[0]
    assert c["ap"] == pytest.approx(1e6)
    assert c["cp_before"] == pytest.approx(0.5e6)


def test_finance_table_is_written_and_verified(results):
    s, out = results
    finance = pd.read_csv(out / "finance.csv")
    assert list(finance["year"]) == list(s.years)
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert [r["year"] for r in plan["finance"]] == list(s.years)
    assert verify_plan(s, plan).ok
    plan["finance"][2]["debt"] += 1000.0
    assert any("debt 2028" in v for v in verify_plan(s, plan).violations)
