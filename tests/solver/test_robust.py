"""The protected envelopes (`uncertainty.budget_confidence`, solver/formulation.py `add_budget_protection`).

Hand-computed cases with two or three projects, each number worked from the formulas of docs/model.md ("Plans
that hold: robustness") with plain arithmetic; the independent verifier refusing a plan that breaks a protected
row; and random small scenarios where the robust optimum sits between the brute force of the exact protected
rows and the brute force of the rows as the model writes them (their tangent), and equals the latter.
"""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.diagnose import diagnose
from models.evaluate import evaluate_plan
from models.load import scenario_from_dict
from models.plan import Status
from reports.words import finding_text
from results.record import plan_to_dict
from results.verify import verify_plan
from solver import build_model
from solver.formulation import PROTECTION_MARGIN, money_unit
from tests.helpers import (
    brute_feasible,
    brute_force,
    brute_objective,
    make_scenario_dict,
    project,
    rows,
    solve_and_verify,
)
from tests.solver.test_properties import common_settings, scenario_data

SIGMA = 0.25
SLIPS = ["ignore", "expected", "robust"]
MU = math.exp(SIGMA**2 / 2)  # mean of the cost factor
S = MU * math.sqrt(math.exp(SIGMA**2) - 1)  # its standard deviation


def _three(**kw: Any) -> dict[str, Any]:
    """Three projects of 3 M€ paid in 2026, 1 class each, 3 classes missing in 2026, 10 M€ a year."""
    return make_scenario_dict(
        demand=rows({2026: 3}),
        projects=[project(f"p{i}", cost=3e6, earliest_start=2026, latest_start=2026) for i in range(3)],
        uncertainty={"default_cost_sigma": SIGMA, "budget_confidence": 0.9},
        **kw,
    )


def _coefficient(model, row: str, column: str) -> float:
    return model.A[model.row(row), model.col_names.index(column)]


def test_protected_row_structure():
    s = scenario_from_dict(_three())
    model = build_model(s)
    z = NormalDist().inv_cdf(0.9)  # one uncertain row: nothing else is ever charged
    m, v = 3 * MU, 3 * S  # M€ (the model's unit here)
    s0 = 10 * v * v / m  # the row filled to its 10 M€ with such options
    assert [n for n in model.row_names if "robust" in n] == ["budget_robust[2026]"]
    for i in range(3):
        assert _coefficient(model, "budget_robust[2026]", f"start[p{i},2026]") == pytest.approx(
            m + z * v * v / (2 * math.sqrt(s0)), rel=1e-12
        )
    rhs = 10 - z * math.sqrt(s0) / 2 - PROTECTION_MARGIN
    assert model.row_upper[model.row("budget_robust[2026]")] == pytest.approx(rhs, rel=1e-12)
    assert model.row_lower[model.row("budget_robust[2026]")] == -math.inf


def test_protection_leaves_out_a_project():
    """Nominal: the three fit (9 ≤ 10 M€). Protected at 90 %: two hold (6.19 + 1.28 × 0.786 × √2 = 7.62 M€),
    three do not (9.29 + 1.28 × 0.786 × √3 = 11.03 M€)."""
    z = NormalDist().inv_cdf(0.9)
    assert 2 * 3 * MU + z * 3 * S * math.sqrt(2) == pytest.approx(7.615, abs=1e-3)
    assert 3 * 3 * MU + z * 3 * S * math.sqrt(3) == pytest.approx(11.03, abs=1e-2)
    nominal = solve_and_verify(scenario_from_dict(make_scenario_dict(**{**_three(), "uncertainty": {}})))
    assert nominal.objective == pytest.approx(0.0)
    robust = solve_and_verify(scenario_from_dict(_three()))
    assert robust.status is Status.OPTIMAL
    assert sum(v is not None for v in robust.starts.values()) == 2
    assert robust.objective == pytest.approx(3.0)  # one class missing in 2026, 2027 and 2028 (demand holds)


def test_verifier_refuses_a_plan_that_breaks_a_protected_row():
    s = scenario_from_dict(_three())
    plan = solve_and_verify(scenario_from_dict(make_scenario_dict(**{**_three(), "uncertainty": {}})))
    check = verify_plan(s, plan_to_dict(s, plan))
    protected = [v for v in check.violations if v.startswith("protected")]
    assert len(protected) == 1 and protected[0].startswith("protected budget 2026: 11,0") is False
    assert protected[0].startswith("protected budget 2026: 110"), protected  # 11.03 M€ against 10 M€
    assert not any(v.startswith("budget ") for v in check.violations)  # the envelope itself holds


def _spread(**kw: Any) -> dict[str, Any]:
    """Three projects of 3 M€, one a year, under a 10 M€ multi-year envelope (10 M€ a year)."""
    return make_scenario_dict(
        demand=rows({2026: 1, 2027: 2, 2028: 3}),
        budget={"annual": 10e6, "carry_over": False, "total": 10e6},
        end_rule="complete",
        projects=[
            project(f"p{i}", cost=3e6, earliest_start=y, latest_start=y) for i, y in enumerate((2026, 2027, 2028))
        ],
        uncertainty={"default_cost_sigma": SIGMA, "budget_confidence": 0.9},
        **kw,
    )


def test_protected_total_structure():
    s = scenario_from_dict(_spread())
    model = build_model(s)
    z = NormalDist().inv_cdf(1 - 0.1 / 4)  # four uncertain rows: three years and the total
    m, v = 3 * MU, 3 * S
    s0 = 10 * v * v / m
    for i, y in enumerate((2026, 2027, 2028)):
        assert _coefficient(model, "budget_total_robust", f"start[p{i},{y}]") == pytest.approx(
            m + z * v * v / (2 * math.sqrt(s0)), rel=1e-12
        )
    assert model.row_upper[model.row("budget_total_robust")] == pytest.approx(
        10 - z * math.sqrt(s0) / 2 - PROTECTION_MARGIN, rel=1e-12
    )


def test_protected_total_behaviour():
    """Each year holds (3.10 + 1.96 × 0.786 = 4.64 ≤ 10 M€) but the total does not for three projects
    (9.29 + 1.96 × 0.786 × √3 = 11.95 > 10 M€): the optimum drops the project that serves the fewest
    class-years, p2 (one year; p0 serves three, p1 two)."""
    z = NormalDist().inv_cdf(1 - 0.1 / 4)
    assert 3 * MU + z * 3 * S < 10 < 9 * MU + z * 3 * S * math.sqrt(3)
    robust = solve_and_verify(scenario_from_dict(_spread()))
    assert robust.starts == {"p0": 2026, "p1": 2027, "p2": None}


def _carry(**kw: Any) -> dict[str, Any]:
    """a (uncertain, mandatory, 7 M€ in 2026) and b (certain, 3.5 M€ in 2027); envelopes 10, 2 and 10 M€,
    half of the unspent carried over."""
    return make_scenario_dict(
        demand=rows({2027: 1}),
        budget={"annual": {2026: 10e6, 2027: 2e6, 2028: 10e6}, "carry_over": True, "carry_over_share": 0.5},
        maturity_levels={"etude": {"lead_years": 0, "confidence": 1.0}},
        projects=[
            project("a", cost=7e6, capacity={}, status="mandatory", maturity="etude", earliest_start=2026,
                    latest_start=2026),
            project("b", cost=3.5e6, earliest_start=2027, latest_start=2027),
        ],
        uncertainty={"cost_sigma": {"etude": SIGMA}, "default_cost_sigma": 0.0, "budget_confidence": 0.9},
        **kw,
    )  # fmt: skip


def test_protected_carry_structure():
    s = scenario_from_dict(_carry())
    model = build_model(s)
    robust = _coefficient(model, "budget_robust[2026]", "start[a,2026]")
    assert _coefficient(model, "carry_robust[2027]", "start[a,2026]") == pytest.approx(0.5 * robust, rel=1e-12)
    assert _coefficient(model, "carry_robust[2027]", "carry[2027]") == 1.0
    assert model.row_upper[model.row("carry_robust[2027]")] == pytest.approx(
        0.5 * model.row_upper[model.row("budget_robust[2026]")], rel=1e-12
    )
    # b is certain: its protected row is its nominal one, so 2027 has no protected copy.
    assert "budget_robust[2027]" not in model.row_names


def test_protected_carry_behaviour():
    """Nominal: 1.5 M€ carried into 2027, 2 + 1.5 = 3.5 M€ pays b. Protected: a's charge 7 μ + 1.28 × 7 s =
    9.57 M€ leaves 0.5 × 0.43 = 0.21 M€ to carry, and b does not fit."""
    z = NormalDist().inv_cdf(0.9)
    load = 7 * MU + z * 7 * S
    assert load == pytest.approx(9.573, abs=1e-3) and 2 + 0.5 * (10 - load) < 3.5
    nominal = solve_and_verify(scenario_from_dict(make_scenario_dict(**{**_carry(), "uncertainty": {}})))
    assert nominal.starts == {"a": 2026, "b": 2027}
    robust = solve_and_verify(scenario_from_dict(_carry()))
    assert robust.starts == {"a": 2026, "b": None}
    s = scenario_from_dict(_carry())
    check = verify_plan(s, plan_to_dict(s, nominal))
    assert any(v.startswith("protected budget 2027") for v in check.violations), check.violations


def test_a_mandatory_project_beyond_its_protected_envelope_is_infeasible():
    data = _carry()
    data["projects"][0]["cost"] = 9e6  # 9 μ + 1.28 × 9 s = 12.3 M€ > 10 M€
    assert solve_and_verify(scenario_from_dict(data)).status is Status.INFEASIBLE


def test_the_diagnosis_names_the_protected_envelope_and_a_verified_remedy():
    """Three mandatory projects: 9 M€ fit the 10 M€ envelope, 11.03 M€ with the 90 % margin do not."""
    data = _three()
    for p in data["projects"]:
        p["status"] = "mandatory"
    found = diagnose(scenario_from_dict(data))
    [finding] = found.findings
    assert finding.kind == "budget_robust" and finding.row == "budget_robust[2026]"
    assert finding.values["need"] == pytest.approx(
        3 * 3 * MU + NormalDist().inv_cdf(0.9) * 3 * S * math.sqrt(3), abs=1e-5
    )
    assert finding.values["available"] == 10.0 and finding.values["short"] == pytest.approx(1.04)
    assert "at 90% confidence" in finding_text(finding.to_dict(), "en")
    money = [r for r in found.remedies if r.kind == "money"]
    assert money and money[0].verified and money[0].changes[0].edit == "budget.annual.2026=11040000"


# --------------------------------------------------------------------------- brute force on random scenarios


def _charges(s, p, start: int, years: tuple[int, ...]) -> tuple[float, float]:
    """(mean, deviation) of p's charge on the years, with plain loops: cost-set part a (city spending, less the
    FCTVA on the net basis) and the rest f (subsidies)."""
    sigma = s.spec.uncertainty.default_cost_sigma or 0.0
    mu, sd = math.exp(sigma**2 / 2), math.exp(sigma**2 / 2) * math.sqrt(math.expm1(sigma**2))
    a = f = 0.0
    for i, share in enumerate(p.profile):
        amount = p.cost * share * p.city_share
        if start + i in years:
            a += amount
        if s.net_basis and start + i + s.fctva_lag in years:
            a -= s.fctva_rate * p.fctva_eligible * amount
    if s.net_basis:
        f -= sum(r.amount for r in p.receipts if start + r.offset in years)
    return mu * a + f, sd * a


def _rows(s) -> list[tuple[tuple[int, ...], float, int | None]]:
    years = list(s.years)
    cumulative = s.carry_over and s.carry_share >= 1.0
    out = []
    for i, y in enumerate(years):
        counted = tuple(years[: i + 1]) if cumulative else (y,)
        out.append((counted, sum(s.envelope[t] for t in counted), y))
    if s.total_envelope is not None:
        out.append((tuple(y for y in s.total_envelope.years if y in s.envelope), s.total_envelope.amount, None))
    return out


def _options(p) -> list[int | None]:
    if p.status == "committed":
        return [p.start]
    if p.status == "excluded":
        return [None]
    window = list(p.start_years)
    return window if p.status == "mandatory" else [None, *window]


def _protected_ok(s, starts: dict[str, int | None], z: float, tangent: bool) -> bool:
    """The protected rows, exactly (Σ mean + z √S ≤ cap) or as the model writes them (the tangent at S₀)."""
    carried, carry = 0.0, s.carry_over and s.carry_share < 1.0
    for years, cap, y in _rows(s):
        mean = var = 0.0
        for p in s.projects:
            if starts[p.id] is not None:
                m, v = _charges(s, p, starts[p.id], years)
                mean, var = mean + m, var + v * v
        if tangent:
            opts = [_charges(s, p, st_, years) for p in s.projects if p.status != "committed" for st_ in p.start_years]
            opts = [(m, v) for m, v in opts if m or v]
            fixed = [_charges(s, p, p.start, years) for p in s.projects if p.status == "committed"]
            fm, fv = sum(m for m, _ in fixed), sum(v * v for _, v in fixed)
            pos = sum(m for m, _ in opts if m > 0)
            room = cap - fm
            s0 = fv + max(0.0, room) * (sum(v * v for _, v in opts) / pos if pos > 0 else 0.0)
            if room > 0 and (room / z) ** 2 >= fv:  # clipped: the committed projects alone still fit
                s0 = min(s0, (room / z + math.sqrt((room / z) ** 2 - fv)) ** 2)
            if s0 <= 0:
                protection = None
            else:
                alone = room - z * (s0 + fv) / (2 * math.sqrt(s0))
                margin = min(PROTECTION_MARGIN * money_unit(s), max(0.0, alone))
                protection = z * (s0 + var) / (2 * math.sqrt(s0)) + margin
        else:
            protection = z * math.sqrt(var)
        available = cap + (carried if carry and y is not None else 0.0)
        if protection is not None and mean + protection > available + 0.01:
            return False
        if carry and y is not None:
            load = mean + (protection or 0.0)
            carried = s.carry_share * max(0.0, available - load)
    return True


def _brute(s, z: float, tangent: bool) -> float | None:
    best = None
    projects = list(s.projects)
    for combo in itertools.product(*(_options(p) for p in projects)):
        starts = dict(zip((p.id for p in projects), combo, strict=True))
        if brute_feasible(s, starts) and _protected_ok(s, starts, z, tangent):
            value = brute_objective(s, starts)
            best = value if best is None else min(best, value)
    return best


@common_settings(40)
@given(scenario_data(), st.sampled_from([0.5, 0.9, 0.99]), st.sampled_from([0.1, 0.25]), st.sampled_from(SLIPS))
def test_robust_optimum_equals_brute_force_of_its_rows(data, confidence, sigma, slips):
    """With the slips counted in the demand rows too (the brute force's objective counts them its own way)."""
    data = {**data, "uncertainty": {"default_cost_sigma": sigma, "budget_confidence": confidence, "slips": slips}}
    data["maturity_levels"] = {"etude": {"lead_years": 1, "confidence": 0.8}}
    data["uncertainty"]["cost_sigma"] = {"etude": sigma}
    s = scenario_from_dict(data)
    from models.uncertainty import protection_z

    z = protection_z(s)
    plan = solve_and_verify(s, gap=0.0)  # the verifier checks the exact protected rows
    if z is None:
        return
    as_written = _brute(s, z, tangent=True)
    exact = _brute(s, z, tangent=False)
    if as_written is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    assert math.isclose(plan.objective, as_written, rel_tol=1e-6, abs_tol=1e-6), (plan.objective, as_written)
    assert exact is not None and exact <= as_written + 1e-6  # the tangent only ever protects more


@common_settings(50)
@given(scenario_data(), st.sampled_from(SLIPS[1:]))
def test_optimum_with_slips_equals_brute_force(data, slips):
    """No protection, only the slips of `uncertainty.slips` in the demand rows: the optimum is the brute force's."""
    s = scenario_from_dict({**data, "uncertainty": {"slips": slips, "default_slip_probability": 0.3}})
    best = brute_force(s)
    plan = solve_and_verify(s, gap=0.0)
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    assert math.isclose(plan.objective, best[0], rel_tol=1e-6, abs_tol=1e-6), (plan.objective, best)


def test_slips_hand_computed():
    """One project of 2 classes (maturity q = 0.3), delivered in 2027, 2 classes missing from 2026: unmet
    demand 2 + 2 (1 − 0.7) + 2 (1 − 0.91) = 2.78 class-years counted by expectation, 2 + 2 = 4 if it is
    assumed to slip one year, 2 if slips are ignored."""
    data = make_scenario_dict(
        demand=rows({2026: 2}),
        maturity_levels={"etude": {"lead_years": 0, "confidence": 1.0}},
        projects=[project("p", capacity={"classes": 2}, delivery_lag=1, maturity="etude", status="mandatory",
                          earliest_start=2026, latest_start=2026)],
    )  # fmt: skip
    for slips, unmet in (("ignore", 2.0), ("expected", 2.78), ("robust", 4.0)):
        s = scenario_from_dict({**data, "uncertainty": {"slip_probability": {"etude": 0.3}, "slips": slips}})
        plan = solve_and_verify(s)
        assert plan.objective == pytest.approx(unmet), slips
        assert evaluate_plan(s, plan.starts).balance["unmet"].sum() == pytest.approx(unmet), slips


def test_the_money_remedy_of_a_protected_envelope_is_verified():
    """a (9 M€, mandatory) needs 12.31 M€ with its 90 % margin: the elastic raise of 2.31 M€ gives the tangent
    row slightly less room (its anchor grows with the envelope), so the diagnosis tries larger raises and keeps
    the first one a solve confirms."""
    data = _carry()
    data["projects"][0]["cost"] = 9e6
    found = diagnose(scenario_from_dict(data))
    money = [r for r in found.remedies if r.kind == "money"]
    assert money and money[0].verified
    [change] = money[0].changes
    assert change.kind == "raise_envelope" and change.values["year"] == 2026
    assert 2.31 <= change.values["by"] <= 2.31 * 2
    fixed = scenario_from_dict(
        {**data, "budget": {**data["budget"], "annual": {**data["budget"]["annual"], 2026: change.values["to"] * 1e6}}}
    )
    assert solve_and_verify(fixed).status is Status.OPTIMAL


# ------------------------------------------------------------------------------------ Bertsimas–Sim (gamma)


def test_gamma_structure():
    """Γ = 1 on the three projects of 3 M€ (σ = 0.25: overrun d = (e^0.5 − 1) × 3 M€ = 1.946 M€ each)."""
    s = scenario_from_dict(make_scenario_dict(**{**_three(), "uncertainty": {"default_cost_sigma": SIGMA, "gamma": 1}}))
    model = build_model(s)
    d = math.expm1(2 * SIGMA) * 3
    w = model.col_names.index("protection[2026]")
    assert _coefficient(model, "budget_robust[2026]", "protection[2026]") == 1.0  # Γ
    for i in range(3):
        assert _coefficient(model, "budget_robust[2026]", f"start[p{i},2026]") == pytest.approx(3.0)
        assert _coefficient(model, "budget_robust[2026]", f"overrun[p{i},2026]") == 1.0
        row = model.row(f"overrun[p{i},2026]")
        assert model.A[row, w] == 1.0 and model.A[row, model.col_names.index(f"overrun[p{i},2026]")] == 1.0
        assert model.A[row, model.col_names.index(f"start[p{i},2026]")] == pytest.approx(-d)
        assert model.row_lower[row] == 0.0
    assert model.row_upper[model.row("budget_robust[2026]")] == pytest.approx(10 - PROTECTION_MARGIN)


@pytest.mark.parametrize(("gamma", "chosen"), [(0, 3), (0.5, 3), (1, 2), (2, 2), (2.5, 2)])
def test_gamma_behaviour(gamma, chosen):
    """Three projects of 3 M€ against 10 M€, each overrunning by d = 1.946 M€: Γ = 0 and 0.5 keep all three
    (9 + 0.97 ≤ 10), Γ = 1 leaves one out (9 + 1.95 > 10, 6 + 1.95 ≤ 10), Γ = 2.5 keeps two (6 + 3.89 ≤ 10)."""
    data = make_scenario_dict(**{**_three(), "uncertainty": {"default_cost_sigma": SIGMA, "gamma": gamma}})
    plan = solve_and_verify(scenario_from_dict(data))
    assert sum(v is not None for v in plan.starts.values()) == chosen


def test_gamma_with_budget_confidence_is_refused():
    from models.errors import ScenarioError

    data = make_scenario_dict(**{**_three(), "uncertainty": {"gamma": 1, "budget_confidence": 0.9}})
    with pytest.raises(ScenarioError, match="budget_confidence or gamma, not both"):
        scenario_from_dict(data)


def _a(s, p, start: int, years) -> float:
    """p's cost-set charge on the years (city spending, less the FCTVA on the net basis), with plain loops."""
    a = sum(p.cost * share * p.city_share for i, share in enumerate(p.profile) if start + i in years)
    if s.net_basis:
        a -= sum(
            s.fctva_rate * p.fctva_eligible * p.cost * share * p.city_share
            for i, share in enumerate(p.profile)
            if start + i + s.fctva_lag in years
        )
    return a


def _worst(overruns: list[float], gamma: float) -> float:
    ranked = sorted(overruns, reverse=True)
    k = int(gamma)
    return sum(ranked[:k]) + ((gamma - k) * ranked[k] if k < len(ranked) else 0.0)


def _gamma_ok(s, starts: dict[str, int | None], gamma: float) -> bool:
    """The Γ-protected rows with plain loops: charge + the Γ largest overruns (a fraction of the next), on the
    rows where some project could overrun, less the model's margin (never below the committed projects alone)."""
    sigma = s.spec.uncertainty.default_cost_sigma or 0.0
    grow = math.expm1(2 * sigma)
    carried, carry = 0.0, s.carry_over and s.carry_share < 1.0
    for years, cap, y in _rows(s):
        exists = any(grow * _a(s, p, st_, years) > 0 for p in s.projects for st_ in p.start_years)
        total, overruns, fixed, fixed_overruns = 0.0, [], 0.0, []
        for p in s.projects:
            if starts[p.id] is None:
                continue
            a = _a(s, p, starts[p.id], years)
            f = -sum(r.amount for r in p.receipts if starts[p.id] + r.offset in years) if s.net_basis else 0.0
            total += a + f
            overruns.append(max(0.0, grow * a))
            if p.status == "committed":
                fixed += a + f
                fixed_overruns.append(max(0.0, grow * a))
        load = total + _worst(overruns, gamma)
        available = cap + (carried if carry and y is not None else 0.0)
        if exists:
            margin = min(PROTECTION_MARGIN * money_unit(s), max(0.0, cap - fixed - _worst(fixed_overruns, gamma)))
            if load > available - margin + 1e-6:
                return False
        if carry and y is not None:
            carried = s.carry_share * max(0.0, available - (load if exists else total))
    return True


@common_settings(40)
@given(scenario_data(), st.sampled_from([0.5, 1.0, 2.0]), st.sampled_from([0.1, 0.25]))
def test_gamma_optimum_equals_brute_force(data, gamma, sigma):
    """The LP dual of the Γ worst overruns is exact: the optimum is the brute force's over the sorted rows."""
    data = {**data, "uncertainty": {"default_cost_sigma": sigma, "cost_sigma": {"etude": sigma}, "gamma": gamma}}
    s = scenario_from_dict(data)
    plan = solve_and_verify(s, gap=0.0)
    best = None
    projects = list(s.projects)
    for combo in itertools.product(*(_options(p) for p in projects)):
        starts = dict(zip((p.id for p in projects), combo, strict=True))
        if brute_feasible(s, starts) and _gamma_ok(s, starts, gamma):
            value = brute_objective(s, starts)
            best = value if best is None else min(best, value)
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    assert math.isclose(plan.objective, best, rel_tol=1e-6, abs_tol=1e-6), (plan.objective, best)


def test_the_diagnosis_names_the_gamma_envelope():
    """Three mandatory projects of 3 M€ and Γ = 1: 9 + 1.95 = 10.95 M€ against 10 M€."""
    data = make_scenario_dict(**{**_three(), "uncertainty": {"default_cost_sigma": SIGMA, "gamma": 1}})
    for p in data["projects"]:
        p["status"] = "mandatory"
    found = diagnose(scenario_from_dict(data))
    [finding] = found.findings
    assert finding.kind == "budget_gamma" and finding.values["need"] == pytest.approx(9 + math.expm1(0.5) * 3)
    assert "with the margin for 1 cost overruns" in finding_text(finding.to_dict(), "en")
    assert any(r.kind == "money" and r.verified for r in found.remedies)
