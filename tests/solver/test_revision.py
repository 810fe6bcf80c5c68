"""The yearly revision's families (solver/formulation.py `add_stability`, `add_locked`; models/revision.py):
structure on a tiny model, hand-computed behaviour, and the optimum against the brute force of tests/helpers.py
on small random revisions (every plan verified)."""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.diagnose import diagnose
from models.load import scenario_from_dict
from models.plan import Status
from solver import SolveOptions, build_model
from tests.helpers import (
    brute_force,
    make_scenario,
    make_scenario_dict,
    project,
    property_settings,
    rows,
    solve_and_verify,
)
from tests.solver.test_constraints import approx_terms, col, row_bounds, row_terms

INF = float("inf")


def revision(**kw):
    """A revision section for the default horizon 2026-2028 (revision year 2026)."""
    return {"year": 2026, **kw}


def test_stability_structure():
    # a announced for 2027 (μ = 0.5, ω = 2): x[a,s] costs 0.5 |s − 2027| − 2, and 2 goes to the offset; b is
    # announced for 2026 and locked (ℓ = 1): locked[b] is x[b,2026] = 1; c, committed in 2028 and announced for
    # 2027, is a constant 0.5 × 1 in the offset. cost_weight 0: the start columns cost nothing else.
    s = make_scenario(
        projects=[project("a"), project("b"), project("c", status="committed", start=2028)],
        revision=revision(adopted={"a": 2027, "b": 2026, "c": 2027}, move_cost=0.5, drop_cost=2.0, locked_years=1),
    )
    m = build_model(s)
    for y in (2026, 2027, 2028):
        assert m.c[col(m, f"start[a,{y}]")] == pytest.approx(0.5 * abs(y - 2027) - 2.0)
        assert m.c[col(m, f"start[b,{y}]")] == pytest.approx(0.5 * abs(y - 2026) - 2.0)
    assert m.offset == pytest.approx(2.0 + 2.0 + 0.5)
    approx_terms(row_terms(m, "locked[b]"), {"start[b,2026]": 1.0})
    assert row_bounds(m, "locked[b]") == (1.0, 1.0)
    assert "locked[a]" not in m.row_names and "locked[c]" not in m.row_names


def test_no_revision_no_stability_rows_or_terms():
    m = build_model(make_scenario(projects=[project("a")]))
    assert not any(n.startswith("locked[") for n in m.row_names)
    assert m.offset == 0.0


def _two_years_apart(**rev):
    # Demand 1 class from 2026; a (1 class, 1 M€, delivered at once) fits 2026 or later, 1 M€ a year. Fresh
    # optimum: a in 2026 (no unmet demand). The adopted PPI announced a for 2028: keeping it there leaves
    # 2026 and 2027 unmet (2 class-years).
    return make_scenario(
        demand=rows({2026: 1}),
        envelope=1e6,
        projects=[project("a")],
        revision=revision(adopted={"a": 2028}, **rev),
    )


def test_locked_behaviour():
    # Locked (ℓ = 3 covers 2028): a keeps 2028 though 2026 would meet the demand two years earlier.
    plan = solve_and_verify(_two_years_apart(locked_years=3))
    assert plan.status is Status.OPTIMAL and plan.starts["a"] == 2028
    assert plan.objective == pytest.approx(2.0)


def test_high_stability_cost_nothing_moves():
    # μ = 5 a year: moving a by two years (10) costs more than the 2 class-years it gains: a stays in 2028.
    plan = solve_and_verify(_two_years_apart(move_cost=5.0, drop_cost=100.0))
    assert plan.starts["a"] == 2028 and plan.objective == pytest.approx(2.0)
    # μ = 0.4: moving two years costs 0.8 < 2: a moves to 2026; objective 0.8 (stability only).
    plan = solve_and_verify(_two_years_apart(move_cost=0.4))
    assert plan.starts["a"] == 2026 and plan.objective == pytest.approx(0.8)


def test_drop_cost_keeps_an_operation_that_is_no_longer_needed():
    # No demand at all: a is useless, and costs 1 M€ at cost_weight 1e-6 (1.0). Dropping it costs ω = 3 > 1:
    # kept, in its year (μ = 0.1 a year moved); ω = 0.5 < 1: dropped (objective 0.5).
    kw = {"envelope": 1e6, "cost_weight": 1e-6, "projects": [project("a")]}
    rev = revision(adopted={"a": 2027}, drop_cost=3.0, move_cost=0.1)
    kept = solve_and_verify(make_scenario(**kw, revision=rev))
    assert kept.starts["a"] == 2027 and kept.objective == pytest.approx(1.0)
    dropped = solve_and_verify(make_scenario(**kw, revision=revision(adopted={"a": 2027}, drop_cost=0.5)))
    assert dropped.starts["a"] is None and dropped.objective == pytest.approx(0.5)


def test_zero_stability_equals_a_fresh_solve():
    data = make_scenario_dict(
        demand=rows({2026: 2, 2027: 3}),
        envelope=1.5e6,
        projects=[project("a"), project("b", cost=0.8e6), project("c", status="committed", start=2026, cost=0.5e6)],
    )
    fresh = solve_and_verify(scenario_from_dict(data, source="<test>"))
    revised = solve_and_verify(
        scenario_from_dict({**data, "revision": revision(adopted={"a": 2028, "b": 2028})}, source="<test>")
    )
    assert revised.objective == pytest.approx(fresh.objective)


def test_a_lock_that_cannot_hold_is_infeasible_and_named():
    # b is locked to 2026 but may not start before 2027: the lock cannot hold; the diagnosis names it.
    s = make_scenario(
        projects=[project("b", earliest_start=2027)],
        revision=revision(adopted={"b": 2026}, locked_years=1),
    )
    assert solve_and_verify(s).status is Status.INFEASIBLE
    found = diagnose(s, SolveOptions())
    assert [(f.row, f.kind) for f in found.findings] == [("locked[b]", "locked")]
    assert found.findings[0].values["window"] == (2027, 2028)


def test_revision_checks_name_the_field():
    from models.errors import ScenarioError

    with pytest.raises(ScenarioError) as err:
        make_scenario(projects=[project("a")], revision={"year": 2027, "adopted": {"zz": 2027}})
    text = str(err.value)
    assert "revision.year: the revision year 2027 is not the horizon start 2026" in text
    assert "revision.adopted.zz: zz is not a project of the scenario" in text


# ---------------------------------------------------------------------------------- against the brute force


def random_revision(seed: int) -> dict:
    """A small scenario (2-5 projects, 3-4 years) with a random revision: some projects announced, random
    move and drop costs, 0-2 locked years, sometimes one abandoned, and tight envelopes."""
    rng = random.Random(seed)
    n_years = rng.randint(3, 4)
    projects = []
    for i in range(rng.randint(2, 5)):
        status = rng.choice(["candidate"] * 4 + ["mandatory", "committed"])
        p = project(
            f"p{i}",
            capacity={"classes": rng.randint(1, 3)},
            cost=rng.randint(1, 8) * 1e5,
            profile=rng.choice([[1.0], [0.5, 0.5]]),
            delivery_lag=rng.randint(0, 1),
            status=status,
        )
        if status == "committed":
            p["start"] = 2026 + rng.randint(0, n_years - 1)
        elif rng.random() < 0.3:
            p["earliest_start"] = 2026 + rng.randint(0, 1)
        projects.append(p)
    realised = []
    if rng.random() < 0.3 and projects[0]["status"] == "candidate":  # abandoned under way: left out, not announced
        projects[0]["status"] = "excluded"
        realised = [{"project": "p0", "year": 2025, "paid": 1e5, "abandoned": True}]
    announced = {
        p["id"]: p.get("start", 2026 + rng.randint(0, n_years - 1))
        for p in projects
        if rng.random() < 0.6 and p["status"] != "excluded"
    }
    return make_scenario_dict(
        years=(2026, 2026 + n_years - 1),
        demand=rows({2026: rng.randint(1, 4), 2027: rng.randint(2, 6)}),
        envelope=rng.randint(3, 10) * 1e5,
        cost_weight=rng.choice([0.0, 1e-7]),
        projects=projects,
        revision={
            "year": 2026,
            "adopted": announced,
            "move_cost": rng.choice([0.0, 0.3, 1.0, 5.0]),
            "drop_cost": rng.choice([0.0, 0.5, 2.0, 20.0]),
            "locked_years": rng.randint(0, 2),
            "realised": realised,
        },
    )


@property_settings(60)
@given(st.integers(min_value=0, max_value=10**6))
def test_revision_optimum_equals_the_brute_force(seed):
    s = scenario_from_dict(random_revision(seed), source="<test>")
    plan = solve_and_verify(s, gap=0.0)  # the verifier recomputes the stability term and the locks
    best = brute_force(s)
    if best is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    assert plan.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("seed", range(0, 200, 20))
def test_cpsat_agrees_with_highs_on_revisions(seed):
    # The stability terms put negative coefficients (μ |s − a| − ω) on start columns: CP-SAT's scaled objective
    # must reach the same optimum as HiGHS.
    s = scenario_from_dict(random_revision(seed), source="<test>")
    highs = solve_and_verify(s, gap=0.0)
    cpsat = solve_and_verify(s, solver="cpsat")
    assert cpsat.status is highs.status
    if highs.objective is not None:
        assert cpsat.objective == pytest.approx(highs.objective, rel=1e-6, abs=1e-6)


# ------------------------------------------------------------------------- an operation abandoned under way


def _creche_revision(abandoned: bool):
    """Adopted PPI 2026-2030 (1 M€ a year, no tail years), one district, 40 crèche places wanted from 2028, none
    existing. cr (30 places, 1.2 M€ over two years, delivered start + 2) started in 2027; mc (12 places, 0.8 M€
    at once, delivered at once) announced for 2029. Revised in 2028 with μ = 0.5, ω = 10; the réalisé: cr paid
    its 600 k€ of 2027 (and is abandoned, or not)."""
    from models.revision import RevisionTerms, revised_document

    data = make_scenario_dict(
        years=(2026, 2030),
        tail_years=0,
        envelope=1e6,
        demand_kinds={"creche": {"unit": "places", "weight": 1.0}},
        demand=rows({2026: 0, 2028: 40}, kind="creche"),
        projects=[
            project("cr", capacity={"creche": 30}, cost=1.2e6, profile=[0.5, 0.5], delivery_lag=2),
            project("mc", capacity={"creche": 12}, cost=0.8e6),
        ],
    )
    adopted = scenario_from_dict(data, source="<test>")
    row = {"line": 2, "project": "cr", "year": 2027, "paid": 600e3, **({"abandoned": True} if abandoned else {})}
    terms = RevisionTerms(2028, move_cost=0.5, drop_cost=10.0)
    doc = revised_document(adopted, {"cr": 2027, "mc": 2029}, adopted, terms, [row], "realise.csv")
    return scenario_from_dict(doc, source="<test>")


def test_an_abandoned_creche_frees_its_cp_and_its_places_never_come():
    # Kept: cr pays its last 600 k€ in 2028 and delivers its 30 places in 2029; mc (0.8 M€) no longer fits 2028
    # (0.4 M€ left) and stays announced in 2029: unmet 40 places in 2028, 0 after (30 + 12 ≥ 40). Objective 40.
    kept = solve_and_verify(_creche_revision(abandoned=False), gap=0.0)
    assert kept.starts == {"cr": 2027, "mc": 2029} and kept.objective == pytest.approx(40.0)
    # Abandoned: cr pays nothing from 2028 and delivers nothing; its 600 k€ of 2028 are free, so mc moves to 2028
    # (one year: μ = 0.5) and delivers its 12 places at once. Unmet 40 − 12 = 28 places in 2028, 2029 and 2030:
    # 84 place-years, + 0.5 stability = 84.5. cr is not a drop (ω = 10 is not charged): the city decided it.
    s = _creche_revision(abandoned=True)
    assert s.project["cr"].status == "excluded" and s.spec.revision.adopted == {"mc": 2029}
    plan = solve_and_verify(s, gap=0.0)
    assert plan.starts == {"cr": None, "mc": 2028}
    assert plan.objective == pytest.approx(84.5)
    best = brute_force(s)
    assert best is not None and best[0] == pytest.approx(84.5) and best[1]["cr"] is None


def test_the_verifier_rejects_a_plan_that_starts_or_pays_an_abandoned_operation():
    from results.record import plan_to_dict
    from results.verify import verify_plan

    s = _creche_revision(abandoned=True)
    doc = plan_to_dict(s, solve_and_verify(s, gap=0.0))
    assert verify_plan(s, doc).ok
    started = copy.deepcopy(doc)
    entry = next(p for p in started["projects"] if p["id"] == "cr")
    entry.update(start=2028, delivery=2030)
    text = str(verify_plan(s, started))
    assert "cr was abandoned in the revision of 2028, the plan starts it in 2028" in text
    assert "cr was abandoned in the revision of 2028, the plan delivers it in 2030" in text
    paid = copy.deepcopy(doc)
    next(p for p in paid["projects"] if p["id"] == "cr")["spending"] = {"2027": 600e3, "2029": 600e3}
    text = str(verify_plan(s, paid, reported=False))
    assert "cr was abandoned in the revision of 2028, the plan pays it 600000.00 € in 2029" in text
    assert "pays it 600000.00 € in 2027" not in text  # before the revision: not this check's (the plan has no CP)


def test_an_abandoned_operation_cannot_be_chosen_again():
    from models.errors import ScenarioError

    s = _creche_revision(abandoned=True)
    doc = copy.deepcopy(dict(s.document))
    next(p for p in doc["projects"] if p["id"] == "cr")["status"] = "candidate"
    with pytest.raises(ScenarioError, match="cr was abandoned in the revision of 2028: it cannot be chosen again"):
        scenario_from_dict(doc, source="<test>")
