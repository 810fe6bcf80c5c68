"""HiGHS, CBC and SciPy cross-checked: same optimum, every plan verified, honest statuses."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

import pytest

from models.load import load_scenario, scenario_from_dict
from models.plan import OPTIMALITY_GAP, Status
from solver import SolveOptions, build_model, solve
from solver.engines import relative_gap
from tests.helpers import (
    make_scenario,
    project,
    random_scenario_dict,
    rows,
    solve_and_verify,
)

ENGINES = ["highs", "cbc", "scipy"]
EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "exemple-ville" / "scenario.yaml"


def check_outcome(plans: dict) -> None:
    """Every engine optimal; each one's bound below every one's objective; objectives within the gap."""
    for name, plan in plans.items():
        assert plan.status is Status.OPTIMAL, (name, plan.status, plan.message)
        assert plan.gap is not None and plan.gap <= OPTIMALITY_GAP + 1e-9, (name, plan.gap)
        assert plan.gap == pytest.approx(relative_gap(plan.objective, plan.bound), abs=1e-12)
    best = min(p.objective for p in plans.values())
    for name, plan in plans.items():
        assert plan.objective <= best + OPTIMALITY_GAP * max(1.0, abs(best)) + 1e-9, (name, plan.objective, best)
        if plan.bound is not None:
            tol = 1e-6 * max(1.0, abs(best))
            assert plan.bound <= best + tol, (name, plan.bound, best)


@pytest.fixture(scope="module")
def example():
    return load_scenario(EXAMPLE)


def test_example_engines_agree(example):
    plans = {engine: solve_and_verify(example, solver=engine) for engine in ENGINES}
    check_outcome(plans)


def small_scenarios():
    yield (
        "staggered",
        make_scenario(
            demand=rows({2026: 2, 2027: 2, 2028: 2}), projects=[project("a", cost=6e6), project("b", cost=6e6)]
        ),
    )
    yield (
        "requires",
        make_scenario(
            demand=rows({2026: 1, 2027: 1, 2028: 1}),
            projects=[project("p", requires=["q"]), project("q", capacity={"classes": 0}, earliest_start=2027)],
        ),
    )
    yield (
        "carry-over",
        make_scenario(
            envelope=4e6,
            carry_over=True,
            cost_weight=1e-7,
            demand=rows({2026: 1, 2027: 2, 2028: 3}),
            projects=[
                project("a", cost=6e6),
                project("b", cost=3e6, profile=[0.5, 0.5], excludes=["a"]),
                project("c", cost=2e6, delivery_lag=1),
                project("k", status="committed", start=2025, cost=2e6, profile=[0.5, 0.5]),
            ],
        ),
    )
    for seed in range(3):
        data = random_scenario_dict(seed, n_projects=12, n_districts=3, n_years=6, budget_per_year=3e6)
        data["budget"]["carry_over"] = seed == 1
        data["discount_rate"] = 0.03 * seed
        yield f"random-{seed}", scenario_from_dict(data)


@pytest.mark.parametrize(("name", "scenario"), list(small_scenarios()), ids=lambda v: v if isinstance(v, str) else "")
def test_small_scenarios_engines_agree(name, scenario):
    plans = {engine: solve_and_verify(scenario, solver=engine, gap=0.0) for engine in ENGINES}
    check_outcome(plans)
    objectives = [p.objective for p in plans.values()]
    assert max(objectives) - min(objectives) <= 1e-6 * max(1.0, abs(min(objectives))), objectives


@pytest.mark.parametrize("engine", ENGINES)
def test_scenario_without_decisions(engine):
    # Only committed projects and no demand left: the model has no column at all. The plan is forced, and
    # optimal: its objective is the committed projects' cost term, λ × 2 M€ = 0.2.
    s = make_scenario(cost_weight=1e-7, projects=[project("k", status="committed", start=2026, cost=2e6)])
    assert build_model(s).shape[1] == 0
    plan = solve_and_verify(s, solver=engine)
    assert plan.status is Status.OPTIMAL, (plan.status, plan.message)
    assert dict(plan.starts) == {"k": 2026}
    assert plan.objective == pytest.approx(0.2)


@pytest.mark.parametrize("engine", ENGINES)
def test_objective_offset_counted_once(engine):
    # A committed project's cost term is an objective constant; the bound must include it as well.
    # c: 5 M€ committed, a: 1 M€ meeting the 2026 class (it saves 1, costs 0.1). λ = 1e-7:
    # objective 0.5 + 0.1 = 0.6, unmet 0.
    s = make_scenario(
        cost_weight=1e-7,
        demand=rows({2026: 1, 2027: 1, 2028: 1}),
        projects=[project("c", status="committed", start=2026, cost=5e6, delivery_lag=1), project("a")],
    )
    plan = solve_and_verify(s, solver=engine)
    assert plan.status is Status.OPTIMAL
    assert plan.objective == pytest.approx(0.6, rel=1e-9)
    assert plan.bound == pytest.approx(0.6, rel=1e-6)
    assert dict(plan.starts) == {"c": 2026, "a": 2026}


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown solver"):
        solve(make_scenario(), SolveOptions(solver="gurobi"))


@pytest.mark.filterwarnings("default")
@pytest.mark.parametrize("engine", ENGINES)
def test_engine_raises_no_warning(engine):
    # The project's pytest configuration turns warnings into errors; an engine must not raise any (with the
    # pinned PuLP 3.x, CBC's engine uses two deprecated PuLP APIs and leaves its log file open).
    s = make_scenario(demand=rows({2026: 1}), projects=[project("a")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        solve(s, SolveOptions(solver=engine))
        gc.collect()
    messages = sorted({f"{w.category.__name__}: {str(w.message)[:90]}" for w in caught})
    assert messages == [], messages


def test_highs_runs_with_another_thread_count_in_the_same_process():
    """HiGHS sizes one thread scheduler per process at its first run; a later run asking for one thread
    (as sweep workers do) used to end with no plan ("Not Set")."""
    from solver import SolveOptions, solve
    from tests.helpers import make_scenario, project, rows

    s = make_scenario(demand=rows({2026: 1}), projects=[project("a")])
    for threads in (None, 1, 2, None):
        plan = solve(s, SolveOptions(threads=threads))
        assert plan.status.value == "optimal", (threads, plan.message)


def _run_and_read_rrc(model, opts: SolveOptions) -> tuple[bool, float]:
    """(whether HiGHS ran its root reduced-cost heuristic, the objective) for `model` solved with `opts`."""
    from solver.engines import configured_highs, pass_model, run_highs

    h = configured_highs(opts)
    pass_model(h, model)
    result = run_highs(h, model, opts)
    _, ran = h.getOptionValue("mip_heuristic_run_root_reduced_cost")  # (status, value)
    return bool(ran), result.objective


def test_root_reduced_cost_heuristic_by_model_size(example):
    """The heuristic is left out on models of at most ROOT_REDUCED_COST_MIN_INTEGERS integer columns and kept
    above; an explicit option wins; the optimum does not depend on it."""
    from benchmarks.generate import generate_scenario
    from solver.engines import ROOT_REDUCED_COST_MIN_INTEGERS

    small = build_model(example)
    assert 0 < small.integrality.sum() <= ROOT_REDUCED_COST_MIN_INTEGERS
    ran, objective = _run_and_read_rrc(small, SolveOptions())
    assert ran is False
    forced = SolveOptions(highs_options=(("mip_heuristic_run_root_reduced_cost", True),))
    ran_forced, objective_forced = _run_and_read_rrc(small, forced)
    assert ran_forced is True
    assert objective_forced == pytest.approx(objective, rel=2 * OPTIMALITY_GAP)

    large = build_model(scenario_from_dict(generate_scenario("M", 0), source="<M-seed0>"))
    assert large.integrality.sum() > ROOT_REDUCED_COST_MIN_INTEGERS
    ran_large, _ = _run_and_read_rrc(large, SolveOptions(time_limit=0.5))
    assert ran_large is True
