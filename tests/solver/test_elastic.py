"""Structure of the elastic model (solver/elastic.py): one test per change it adds, on a tiny model.

What the changes mean for a PPI, and that the remedies built from them work, is tested in
tests/analysis/test_diagnose.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from solver.elastic import (
    DROP_COST,
    MANDATORY,
    MONEY,
    REMEDIES,
    ROW_COST,
    ROW_COST_MANDATORY,
    SCHEDULE,
    SHIFT_COST,
    elastic_model,
)
from tests.helpers import make_scenario, project

INF = np.inf


def column(model, name: str) -> dict[str, float]:
    """{row name: coefficient} of a named column."""
    A = model.A.tocsc()
    j = model.col_names.index(name)
    rows = A.indices[A.indptr[j] : A.indptr[j + 1]]
    vals = A.data[A.indptr[j] : A.indptr[j + 1]]
    return {model.row_names[i]: float(v) for i, v in zip(rows, vals, strict=True)}


def cost(model, name: str) -> float:
    return float(model.c[model.col_names.index(name)])


def _prospective(**kw):
    return {"prospective": {"revenue": 10e6, "spending": 9e6, "loan_years": 10, **kw}}


def test_raise_envelope_structure():
    # Carry-over share 0.5: e[2026] enters budget[2026] with −1 and carry[2027] with −0.5.
    s = make_scenario(budget={"annual": 10e6, "carry_over": True, "carry_over_share": 0.5}, projects=[project("a")])
    m, tags = elastic_model(s, (MONEY,))
    assert column(m, "raise_envelope[2026]") == {"budget[2026]": -1.0, "carry[2027]": -0.5}
    assert column(m, "raise_envelope[2028]") == {"budget[2028]": -1.0}
    assert cost(m, "raise_envelope[2026]") == 1.0
    assert ("raise_envelope", "2026") in tags
    # Full carry-over: e[y] enters every cumulative row from y on.
    s = make_scenario(carry_over=True, projects=[project("a")])
    m, _ = elastic_model(s, (MONEY,))
    assert column(m, "raise_envelope[2027]") == {"budget_cumulative[2027]": -1.0, "budget_cumulative[2028]": -1.0}


def test_raise_total_structure():
    s = make_scenario(budget={"annual": 10e6, "total": 20e6}, projects=[project("a")])
    m, _ = elastic_model(s, (MONEY,))
    assert column(m, "raise_total") == {"budget_total": -1.0}


def test_raise_borrowing_structure():
    # The column bound br[y] ≤ 2 M€ becomes the row borrowing_cap[y]: br[y] − b ≤ 2, and financing gets no slack.
    s = make_scenario(finance=_prospective(max_borrowing=2e6), projects=[project("a")])
    m, _ = elastic_model(s, (MONEY,))
    i = m.row_names.index("borrowing_cap[2027]")
    assert m.row_lower[i] == -INF and m.row_upper[i] == pytest.approx(2.0)
    assert column(m, "raise_borrowing") == {f"borrowing_cap[{y}]": -1.0 for y in (2026, 2027, 2028)}
    assert column(m, "borrowing[2027]")["borrowing_cap[2027]"] == 1.0
    assert m.col_upper[m.col_names.index("borrowing[2027]")] == INF
    assert not [n for n in m.col_names if n.startswith("slack[financing")]
    # Without the money remedy the cap stays a bound, and financing rows get their slacks.
    m, _ = elastic_model(s, (SCHEDULE, MANDATORY))
    assert m.col_upper[m.col_names.index("borrowing[2027]")] == pytest.approx(2.0)
    assert "slack[financing[2027]]" in m.col_names


def test_lower_savings_rate_structure():
    # σ enters each min_savings[y] row with R[y] (10 M€ = 10 in M€), cost 100 per unit (1 per point), σ ≤ ρ.
    s = make_scenario(finance=_prospective(min_savings_rate=0.08), projects=[project("a")])
    m, _ = elastic_model(s, (MONEY,))
    assert column(m, "lower_savings_rate") == pytest.approx({f"min_savings[{y}]": 10.0 for y in (2026, 2027, 2028)})
    j = m.col_names.index("lower_savings_rate")
    assert m.c[j] == 100.0 and m.col_upper[j] == pytest.approx(0.08)


def test_excess_debt_structure():
    s = make_scenario(finance=_prospective(max_debt_years=12), projects=[project("a")])
    m, _ = elastic_model(s, (MONEY,))
    assert column(m, "excess_debt[2027]") == {"debt_capacity[2027]": -1.0}


def test_drop_mandatory_and_shift_structure():
    # SCHEDULE widens the window of m (2027 only) to the horizon; a start a year out costs SHIFT_COST.
    s = make_scenario(projects=[project("m", status="mandatory", earliest_start=2027, latest_start=2027)])
    m, _ = elastic_model(s, (SCHEDULE, MANDATORY))
    assert column(m, "drop_mandatory[m]") == {"mandatory[m]": 1.0}
    assert cost(m, "drop_mandatory[m]") == DROP_COST
    assert [cost(m, f"start[m,{y}]") for y in (2026, 2027, 2028)] == [SHIFT_COST, 0.0, SHIFT_COST]


def test_slacks_on_the_hard_rows_no_allowed_change_relaxes():
    s = make_scenario(
        projects=[project("m", status="mandatory"), project("a", requires=["m"]), project("b", excludes=["a"])]
    )
    m, tags = elastic_model(s, (MONEY,))
    # mandatory[m] = 1: a slack on each side, at the mandatory cost; requires and excludes (≤): one each.
    assert [n for n in m.col_names if n == "slack[mandatory[m]]"] == ["slack[mandatory[m]]"] * 2
    assert cost(m, "slack[mandatory[m]]") == ROW_COST_MANDATORY
    assert column(m, "slack[requires[a,m,2027]]") == {"requires[a,m,2027]": -1.0}
    assert cost(m, "slack[excludes[a,b]]") == ROW_COST
    assert ("slack", "excludes[a,b]") in tags
    # The budget rows, relaxed by raise_envelope, have none; with every remedy, mandatory has none either.
    assert not [n for n in m.col_names if n.startswith("slack[budget")]
    m, _ = elastic_model(s, REMEDIES)
    assert not [n for n in m.col_names if n.startswith("slack[mandatory")]
