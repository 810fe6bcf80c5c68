"""The benchmark generator and runner: deterministic instances that validate, solve and verify."""

from __future__ import annotations

import json
import math

import pytest

from benchmarks.baseline import left_out, solve_baseline
from benchmarks.cbclog import parse_cbc_log
from benchmarks.generate import FAMILIES, TIERS, generate_scenario
from benchmarks.metrics import gap_at, search_metrics, time_to_gap
from benchmarks.run import shifted_geomean
from models import scenario_from_dict
from results.record import plan_to_dict
from results.verify import verify_plan
from tests.helpers import solve_and_verify

KNOBS = [{}, {"transfers": True}, {"finance": True}, {"transfers": True, "finance": True}]


@pytest.mark.parametrize("tier", ["S", "M", "L"])
@pytest.mark.parametrize("knobs", KNOBS, ids=["plain", "transfers", "finance", "both"])
def test_generator_is_deterministic_and_valid(tier, knobs):
    a = generate_scenario(tier, seed=7, **knobs)
    assert a == generate_scenario(tier, seed=7, **knobs)
    assert a != generate_scenario(tier, seed=8, **knobs)
    scenario = scenario_from_dict(a, source=f"<{tier}-7>")
    assert len(scenario.projects) == TIERS[tier].projects
    assert len(scenario.districts) == TIERS[tier].districts
    assert scenario.transfers_on == bool(knobs.get("transfers"))
    assert (scenario.prospective is not None) == bool(knobs.get("finance"))
    if knobs.get("finance"):
        assert scenario.prospective.max_debt_years > 0


@pytest.mark.parametrize("tier", ["S", "M", "L"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_is_deterministic_and_valid(tier, family):
    a = generate_scenario(tier, seed=3, family=family)
    assert a == generate_scenario(tier, seed=3, family=family)
    assert a != generate_scenario(tier, seed=4, family=family)
    scenario = scenario_from_dict(a, source=f"<{tier}-{family}-3>")
    assert len(scenario.projects) == TIERS[tier].projects
    assert scenario.cost_weight == FAMILIES[family].get("cost_weight", 1.0e-9)


def test_hardness_knobs_off_leave_the_base_city_unchanged():
    """The hardness knobs draw from their own random stream: at their defaults a seed's city is the same, and
    the "base" family is the default city."""
    base = generate_scenario("M", seed=5)
    assert base == generate_scenario("M", seed=5, family="base")
    tight = generate_scenario("M", seed=5, exclusive_share=0.3, window_share=0.5, concentration=0.5)
    strip = ("id", "excludes", "earliest_start", "latest_start", "name", "district", "requires")
    assert [{k: v for k, v in p.items() if k not in strip} for p in base["projects"]] == [
        {k: v for k, v in p.items() if k not in strip} for p in tight["projects"]
    ]


def test_hardness_knobs_do_what_they_say():
    """Alternatives come in groups of 2–3 of one district sharing a kind, every pair listed; windows lie in the
    horizon and let the project deliver in it; concentration moves projects to a few districts; a family's
    knob is replaced by a knob given with another value."""
    data = generate_scenario("M", seed=2, exclusive_share=0.3, window_share=0.5)
    projects = {p["id"]: p for p in data["projects"]}
    groups = [
        [p["id"], *p["excludes"]] for p in projects.values() if p.get("excludes") and "variant" in p.get("name", "")
    ]
    assert groups and sum(len(g) for g in groups) >= 0.3 * len(projects) - 3
    for group in groups:
        members = [projects[i] for i in group]
        assert len(group) <= 3 and len({p["district"] for p in members}) == 1
        assert set.intersection(*(set(p["capacity"]) for p in members))
    windows = [p for p in projects.values() if "earliest_start" in p]
    assert len(windows) >= 0.3 * sum(p.get("status", "candidate") == "candidate" for p in projects.values())
    for p in windows:
        assert (
            data["horizon"]["start"]
            <= p["earliest_start"]
            <= p["latest_start"]
            <= data["horizon"]["end"] - p["delivery_lag"]
        )

    def top_share(homes: list[str]) -> float:  # share of the projects in the 4 busiest districts (of 20)
        return sum(sorted((homes.count(d) for d in set(homes)), reverse=True)[:4]) / len(homes)

    plain = [p["district"] for p in generate_scenario("M", seed=2)["projects"]]
    crowded = [p["district"] for p in generate_scenario("M", seed=2, concentration=0.9)["projects"]]
    assert top_share(crowded) > top_share(plain) + 0.2
    assert set(crowded) == set(plain) == set(d["id"] for d in data["districts"])  # each keeps its first project
    tight = generate_scenario("S", seed=0, family="tight", budget_tightness=0.5)
    assert "budget_tightness 0.5" in tight["description"] and "window_share 0.3" in tight["description"]
    with pytest.raises(ValueError, match="unknown family"):
        generate_scenario("S", family="hard")


def test_tight_family_solves_to_the_brute_force_optimum():
    """A small tight city (few candidates: the brute force enumerates every start-year plan) gives the
    solver's optimum, verified."""
    from tests.helpers import brute_force

    data = generate_scenario("S", seed=1, family="tight")
    keep = [p for p in data["projects"] if p.get("status") in ("committed", "mandatory")][:2]
    keep += [p for p in data["projects"] if p.get("status", "candidate") == "candidate" and p.get("excludes")][:4]
    ids = {p["id"] for p in keep}
    for p in keep:
        p["excludes"] = [q for q in p.get("excludes", []) if q in ids]
        p["requires"] = [q for q in p.get("requires", []) if q in ids]
    data["projects"] = keep
    scenario = scenario_from_dict(data, source="<S-tight-small>")
    plan = solve_and_verify(scenario)
    best = brute_force(scenario)
    assert best is not None and plan.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6)


def test_extra_large_tier_is_generated_and_loads():
    """The XL tier's shape (how fast it loads is the benchmarks' business, not a test's)."""
    scenario = scenario_from_dict(generate_scenario("XL", seed=0, transfers=True, finance=True), source="<XL>")
    assert (len(scenario.projects), len(scenario.districts), len(scenario.horizon_years), len(scenario.kinds)) == (
        1000,
        150,
        15,
        4,
    )


def test_baseline_plan_verifies_and_matches_the_optimum():
    """The PuLP baseline proves the same optimum as the repository's model on a small tier."""
    scenario = scenario_from_dict(generate_scenario("S", seed=1), source="<S-1>")
    res = solve_baseline(scenario, time_limit=30)
    assert res.plan.status.value == "optimal" and res.left_out == ()
    assert verify_plan(scenario, plan_to_dict(scenario, res.plan)).ok
    assert res.plan.objective == pytest.approx(solve_and_verify(scenario).objective, rel=1e-4)
    assert res.log.lp_bound is not None and res.log.lp_bound <= res.plan.objective


def test_baseline_names_what_it_leaves_out():
    scenario = scenario_from_dict(generate_scenario("S", seed=0, transfers=True, finance=True), source="<S>")
    assert left_out(scenario) == ("finance.prospective", "transfers")


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
    assert "| budget×1 | 98.0 | optimal | 287.23 |" in text


def test_settle_benchmark_runs_and_replaces_its_section(tmp_path):
    """A smoke run of `python -m benchmarks.settle` on two points: its section replaces the old one, the rest
    of the file is kept (no timing is checked)."""
    from benchmarks.settle import main

    out = tmp_path / "sweep.md"
    out.write_text("# Benchmark: budget frontier (sweep)\n\nkept\n\n## Settled points\n\nstale\n", encoding="utf-8")
    assert main(["--sweeps", "3.5,5", "--rounds", "1", "--workers", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark: budget frontier (sweep)\n\nkept\n\n## Settled points\n")
    assert "stale" not in text and text.count("## Settled points") == 1
    assert "| 3.5,5 | 2 | 2 | 1 | 1 |" in text and text.rstrip().endswith("- 3.5,5: budget×3.5 ← budget×5")


# ---------------------------------------------------------------------------------------------- metrics
# A synthetic trajectory (seconds, best objective, best bound): first plan at 2 s, 1 % gap at 12 s.
TRAJECTORY = [(0.5, None, 90.0), (2.0, 110.0, 95.0), (8.0, 104.0, 99.0), (12.0, 101.0, 100.0), (30.0, 100.5, 100.2)]


def test_time_to_gap_and_gap_at_a_time_from_a_trajectory():
    assert time_to_gap(TRAJECTORY, 0.01) == 12.0  # (101 − 100) / 101 < 1 %; at 8 s it is 4.8 %
    assert time_to_gap(TRAJECTORY, 0.001) is None
    assert gap_at(TRAJECTORY, 10.0, end_s=30.0, stopped_early=True) == pytest.approx(5 / 104)
    assert gap_at(TRAJECTORY, 1.0, end_s=30.0, stopped_early=True) is None  # no plan yet
    # A run stopped by a 5 s time limit says nothing about its gap at 10 s.
    assert gap_at(TRAJECTORY[:2], 10.0, end_s=5.0, stopped_early=True) is None


def test_search_metrics_use_the_final_state():
    m = search_metrics(TRAJECTORY, end_s=31.0, objective=100.3, bound=100.3, optimal=True, stopped_early=False)
    assert (m.time_to_first_plan_s, m.time_to_1pct_s, m.time_to_optimal_s) == (2.0, 12.0, 31.0)
    assert m.gap_at_10s == pytest.approx(5 / 104)
    assert m.gap_at_60s == 0.0  # ended optimal before 60 s
    stopped = search_metrics(TRAJECTORY[:3], end_s=20.0, objective=104.0, bound=99.0, optimal=False, stopped_early=True)
    assert stopped.time_to_1pct_s is None and stopped.time_to_optimal_s is None and stopped.gap_at_60s is None


def test_cbc_log_gives_bounds_and_trajectory():
    text = """Continuous objective value is 1037.81 - 0.02 seconds
Cbc0012I Integer solution of 1109.2844 found by feasibility pump after 0 iterations and 0 nodes (0.41 seconds)
Cbc0013I At root node, 69 cuts changed objective from 1062.1184 to 1073.6191 in 11 passes
Cbc0010I After 0 nodes, 1 on tree, 1109.2844 best solution, best possible 1073.6191 (0.81 seconds)
Cbc0020I Exiting on maximum time
Cbc0005I Partial search - best objective 1106.7373 (best possible 1073.6191), took 39 iterations (7.92 seconds)

Result - Stopped on time limit

Objective value:                1106.73731800
Lower bound:                    1073.619
Total time (CPU seconds):       7.13   (Wallclock seconds):       7.98
"""
    log = parse_cbc_log(text)
    assert log.result == "Stopped on time limit" and log.time_limit_hit(10.0)
    assert (log.lp_bound, log.root_bound, log.bound, log.wall_s) == (1037.81, 1073.6191, 1073.619, 7.98)
    assert log.trajectory[0] == (0.02, None, 1037.81)
    assert log.trajectory[-1] == (7.92, 1106.7373, 1073.6191)
    assert log.shifted(1.0).trajectory[-1] == (7.92, 1107.7373, 1074.6191)


# ---------------------------------------------------------------------------------------------- smoke run
def test_benchmark_runner_smoke(tmp_path):
    """`python -m benchmarks.run` end to end on the S tier with short limits: the benchmark still works.

    Not a timing gate: only the sections, the records and their metrics are checked.
    """
    from benchmarks.run import main

    out, raw = tmp_path / "benchmarks.md", tmp_path / "benchmarks.json"
    # A limit far above the seconds these take, so that a loaded machine does not stop them (S-tight-seed0
    # takes 0.6 s on a quiet machine, 5 s on a loaded one).
    argv = ["--tiers", "S", "--seeds", "1", "--time-limit", "120", "--variants", "highs,baseline-pulp-cbc"]
    assert main([*argv, "--no-shipped", "--no-mkp", "--out", str(out), "--json", str(raw)]) == 0  # base and tight
    text = out.read_text(encoding="utf-8")
    for section in (
        "## Machine",
        "## How to reproduce",
        "## Summary",
        "## Results per instance",
        "### S",
        "### S-tight",
        "## Reading",
    ):
        assert section in text
    assert "ratio to baseline" in text and "| S | highs | 1 |" in text and "| S | baseline-pulp-cbc | 1 |" in text
    assert "| S-tight | highs | 1 |" in text
    records = json.loads(raw.read_text(encoding="utf-8"))
    assert [(r["job"]["name"], r["job"]["variant"]) for r in records] == [
        ("S-seed0", "highs"),
        ("S-seed0", "baseline-pulp-cbc"),
        ("S-tight-seed0", "highs"),
        ("S-tight-seed0", "baseline-pulp-cbc"),
    ]
    assert records[2]["job"]["knobs"]["budget_tightness"] == 0.25
    for r in records:
        assert r["status"] == "optimal" and r["verified"] is True, r
        for key in (
            "validate_s", "assembly_s", "load_s", "lp_bound", "root_bound", "time_to_first_plan_s",
            "time_to_1pct_s", "time_to_optimal_s", "gap_at_10s", "gap_at_60s", "peak_rss_mb", "trajectory",
        ):  # fmt: skip
            assert key in r, key
        assert r["lp_bound"] <= r["objective"] + 1e-6
        assert r["time_to_first_plan_s"] <= r["time_to_1pct_s"] <= r["time_to_optimal_s"]
        if r["end_s"] <= 10:
            assert r["gap_at_10s"] == pytest.approx(r["gap"])  # ended before 10 s
    for base in (records[1], records[3]):
        assert base["left_out"] == [] and base["own_objective"] == pytest.approx(base["objective"])
    assert records[0]["objective"] == pytest.approx(records[1]["objective"], rel=1e-4)
    assert records[2]["objective"] == pytest.approx(records[3]["objective"], rel=1e-4)


def test_benchmark_variants_and_reference_smoke(tmp_path):
    """The variants that measure candidate changes (HiGHS' own heuristic effort, cover rows), SCIP, CP-SAT and
    the race run, are verified, agree on the optimum, and are reported as ratios to the `highs` variant when it is the
    reference."""
    from benchmarks.run import main

    out, raw = tmp_path / "variants.md", tmp_path / "variants.json"
    argv = [
        "--tiers",
        "S",
        "--seeds",
        "1",
        "--time-limit",
        "5",
        "--variants",
        "highs,highs-effort005,highs-covers,scip,cpsat,auto",
        "--families",
        "base",
    ]
    assert main([*argv, "--reference", "highs", "--no-shipped", "--no-mkp", "--out", str(out), "--json", str(raw)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "ratio to highs" in text and "| S | highs-covers | 1 |" in text
    records = json.loads(raw.read_text(encoding="utf-8"))
    objectives = [r["objective"] for r in records]
    assert max(objectives) - min(objectives) <= 1e-4 * abs(objectives[0]) and all(r["verified"] for r in records)
    with pytest.raises(SystemExit):
        main([*argv, "--reference", "cbc", "--no-shipped", "--no-mkp", "--out", str(out)])


def test_start_benchmark_smoke(tmp_path):
    """`python -m benchmarks.start` on one S instance: the base, then each variant cold and with the start."""
    from benchmarks.start import main

    out = tmp_path / "start.md"
    assert main(["--tiers", "S", "--seeds", "1", "--time-limit", "5", "--no-shipped", "--out", str(out)]) == 0
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| S-seed0 |")]
    assert len(rows) == 4
    assert [row.split(" | ")[2] for row in rows] == ["cold", "start", "cold", "start"]
    assert all(" | optimal | " in row for row in rows)
    out.write_text(out.read_text(encoding="utf-8").replace("(Write the reading", "Kept by hand. (Write the"))
    assert main(["--tiers", "S", "--seeds", "1", "--time-limit", "5", "--no-shipped", "--out", str(out)]) == 0
    assert "Kept by hand." in out.read_text(encoding="utf-8")


def test_startup_benchmark_smoke(tmp_path):
    """`python -m benchmarks.startup --runs 1`: each command once in a new process; the table and its kept
    reading."""
    from benchmarks.startup import main

    out = tmp_path / "startup.md"
    out.write_text("# old\n\n## Reading\n\nKept by hand.\n", encoding="utf-8")
    assert main(["--runs", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| validate |" in text and "| solve |" in text and "| solve + reports |" in text
    assert "Kept by hand." in text


def test_robustness_benchmark_runs_and_writes_its_tables(tmp_path):
    """A smoke run of `python -m benchmarks.robustness` on Exemple-Ville with few samples (no timing is checked):
    every level has a verified plan, and the fast re-evaluation calls the same samples broken as the verifier."""
    from benchmarks.robustness import main

    out = tmp_path / "robustness.md"
    assert main(["--only", "Exemple-Ville", "--samples", "50", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| Exemple-Ville | none | optimal | 287.2 |" in text and "`gamma=2`" in text
    assert text.rstrip().endswith("| yes |")
