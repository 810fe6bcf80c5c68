"""Benchmark runner: every (instance, variant) solved in its own subprocess, results as a markdown report.

    python -m benchmarks.run [--tiers S,M,L,XL] [--seeds 3 | --seeds S=3,M=2] [--time-limit 60 | 60,XL=300]
                             [--variants highs,highs-1thread,cbc,baseline-pulp-cbc] [--reference VARIANT]
                             [--families base,tight] [--transfers] [--finance] [--shipped exemple-ville]
                             [--out docs/benchmarks.md] [--json FILE] [--no-shipped] [--no-mkp]

Instances: the shipped scenarios (scenarios/*/scenario.yaml: Exemple-Ville, Rennes), the 15 classic
capital-budgeting instances of benchmarks/data/mkp (known optima), and synthetic scenarios from
`benchmarks.generate` for each tier, instance family (`FAMILIES`: the base city, and the tight one where the
budget decides) and seed. Variants: the repository's formulation with HiGHS (`highs`,
`highs-1thread`; `highs-nosym` without its symmetry rows, `highs-effort005` with HiGHS' own heuristic effort,
`highs-covers` and `highs-links` with the rows of `benchmarks.formulations`), with CBC through PuLP (`cbc`),
SciPy (`scipy`) or SCIP (`scip`, `benchmarks.scip`), CP-SAT (`cpsat`) or the race of HiGHS and CP-SAT
(`auto`), and the straightforward PuLP formulation of `benchmarks.baseline` (`baseline-pulp-cbc`), against
which every variant is reported as a ratio measured in the same run (or against `--reference VARIANT`).

One subprocess per solve isolates time and memory. The worker records: parse/validate, assembly and solver
load times; status, objective, bound, gap; the LP bound and the root bound; the search trajectory (HiGHS'
progress callback, CBC's log) and from it the time to the first plan, to a 1 % gap and to the proven
optimum and the gap at 10 s and 60 s (`benchmarks.metrics`); whether `results.verify` accepts the plan; the
peak resident memory of the process (and an upper bound for the CBC child process). The report aggregates
per group and variant the shifted geometric mean (shift 10 s) of the time to a 1 % gap, a run that never
gets there counting as its time limit, and its ratio to the baseline. A "## Reading" section already in the
output file is kept as it is (it is written by hand).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scenarios"  # every scenarios/<name>/scenario.yaml is benchmarked (group "shipped")
SHIFT_S = 10.0  # shifted geometric mean shift (seconds), as in docs/performance.md
RESULT_PREFIX = "BENCHMARK-RESULT "


# ---------------------------------------------------------------------------------------------- worker
def _rss_mb() -> float:
    """Current resident set size of this process, MB (Linux /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _scenario_data(job: dict[str, Any]) -> tuple[Any, str]:
    """(scenario data or path, source label) for a job."""
    if job["kind"] == "shipped":
        return Path(job["path"]), str(job["path"])
    if job["kind"] == "mkp":
        from benchmarks.mkp import all_instances, mkp_scenario

        inst = {i.name: i for i in all_instances()}[job["name"]]
        return mkp_scenario(inst), f"<{inst.name}>"
    if job["kind"] == "generated":
        from benchmarks.generate import generate_scenario

        return generate_scenario(job["tier"], job["seed"], **job.get("knobs", {})), f"<{job['name']}>"
    raise ValueError(f"unknown job kind {job['kind']}")


def lp_bound(model) -> float | None:
    """Optimal value of the LP relaxation (integrality dropped), with SciPy's HiGHS."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(model.A, model.row_lower, model.row_upper)] if model.A.shape[0] else []
    res = milp(
        model.c,
        integrality=np.zeros_like(model.integrality),
        bounds=Bounds(model.col_lower, model.col_upper),
        constraints=constraints,
    )
    return float(res.fun) + model.offset if res.status == 0 else None


# Progress points kept per run in the JSON records (the first and last are always kept).
MAX_TRAJECTORY_POINTS = 400


class RepoVariant(NamedTuple):
    """The repository's model solved one way: engine, threads (None: the engine's choice), the symmetry rows
    of identical projects, HiGHS' heuristic effort (None: the solver's tuned default) and an extension of
    `benchmarks.formulations` (rows added to the model: a strengthening being measured)."""

    engine: str
    threads: int | None = None
    symmetry: bool = True
    heuristic_effort: float | None = None
    extension: str | None = None
    highs_options: tuple[tuple[str, object], ...] = ()


REPO_VARIANTS = {
    "highs": RepoVariant("highs"),
    "highs-1thread": RepoVariant("highs", threads=1),
    "highs-nosym": RepoVariant("highs", symmetry=False),
    "highs-effort005": RepoVariant("highs", heuristic_effort=0.05),  # HiGHS' own default
    "highs-covers": RepoVariant("highs", extension="covers"),
    "highs-links": RepoVariant("highs", extension="links"),
    "highs-budget-covers": RepoVariant("highs", extension="budget-covers"),
    "highs-budget-windows": RepoVariant("highs", extension="budget-windows"),
    "highs-noclip": RepoVariant("highs", extension="noclip"),  # unmet rows with full capacities
    # HiGHS without / with its root reduced-cost heuristic whatever the model's size (the default: only on
    # models with more than solver.engines.ROOT_REDUCED_COST_MIN_INTEGERS integer columns)
    "highs-norrc": RepoVariant("highs", highs_options=(("mip_heuristic_run_root_reduced_cost", False),)),
    "highs-rrc": RepoVariant("highs", highs_options=(("mip_heuristic_run_root_reduced_cost", True),)),
    "cbc": RepoVariant("cbc"),
    "scipy": RepoVariant("scipy"),
    "scip": RepoVariant("scip"),  # SCIP through PySCIPOpt (benchmarks/scip.py), one thread
    "cpsat": RepoVariant("cpsat"),  # OR-Tools CP-SAT (solver/cpsat.py), one worker per core
    "auto": RepoVariant("auto"),  # HiGHS and CP-SAT racing in two processes (solver/race.py)
}
BASELINE = "baseline-pulp-cbc"
VARIANTS = (*REPO_VARIANTS, BASELINE)
DEFAULT_VARIANTS = "highs,highs-1thread,cbc,baseline-pulp-cbc"


def _thin(points: list[tuple[float, float | None, float | None]]) -> list[list[float | None]]:
    """Points where the best objective or bound changed, at most MAX_TRAJECTORY_POINTS of them."""
    from benchmarks.metrics import monotone

    kept: list[tuple[float, float | None, float | None]] = []
    for q in monotone(points):
        if not kept or q[1:] != kept[-1][1:]:
            kept.append(q)
    if points and kept and kept[-1][0] != max(t for t, _, _ in points):
        last = monotone(points)[-1]
        kept.append(last)
    if len(kept) > MAX_TRAJECTORY_POINTS:
        step = len(kept) / (MAX_TRAJECTORY_POINTS - 1)
        kept = [kept[int(i * step)] for i in range(MAX_TRAJECTORY_POINTS - 1)] + [kept[-1]]
    return [[round(t, 4), p, d] for t, p, d in kept]


def _solve_repo_variant(scenario, job: dict[str, Any], out: dict[str, Any]):  # -> Plan
    """The repository's formulation with one engine; fills timings, bounds and the trajectory in `out`.

    The engine reports what it can about its run in `EngineResult.info`: HiGHS its load time (passModel),
    node count and root bound (the best dual bound its callback saw at node 0), CBC its log."""
    from benchmarks.cbclog import parse_cbc_log
    from benchmarks.formulations import EXTENSIONS, SCENARIO_EXTENSIONS, dominated_columns
    from solver import SolveOptions, build_model
    from solver.solve import plan_from_result, solve_matrix

    variant = REPO_VARIANTS[job["variant"]]
    engine = variant.engine
    points: list[tuple[float, float | None, float | None]] = []
    options = SolveOptions(
        solver=engine,
        time_limit=job["time_limit"],
        threads=variant.threads,
        heuristic_effort=variant.heuristic_effort,
        highs_options=variant.highs_options,
        progress=lambda t, p, d: points.append((t, p, d)),
    )
    t0 = time.perf_counter()
    model = build_model(scenario, symmetry=variant.symmetry)
    if variant.extension in SCENARIO_EXTENSIONS:
        model = SCENARIO_EXTENSIONS[variant.extension](model, scenario)
    elif variant.extension is not None:
        model = EXTENSIONS[variant.extension](model)
    build_s = time.perf_counter() - t0
    if engine == "scip":
        from benchmarks.scip import solve_scip
        from solver.solve import settle

        result = settle(model, solve_scip(model, options))
    else:
        result = solve_matrix(model, options)
    out["wall_solve_s"] = time.perf_counter() - t0 - build_s
    plan = plan_from_result(scenario, model, result, options, build_s)
    out["assembly_s"] = build_s
    out["dominated_columns"] = len(dominated_columns(model))
    solver_s = result.runtime_s
    info = result.info
    if engine in ("highs", "scip"):
        out["load_s"] = info.get("load_s")
        out["nodes"] = info.get("nodes")
        out["root_bound"] = info.get("root_bound")
        if out["nodes"] is not None and out["nodes"] <= 1 and plan.bound is not None:
            out["root_bound"] = plan.bound  # closed at the root (often before the callback saw a bound)
        pre = build_s + (info.get("load_s") or 0.0)
        out["lp_bound"] = lp_bound(model)  # after the timed solve
    elif engine == "cbc":
        log = parse_cbc_log(info.get("log", "")).shifted(model.offset)
        points = log.trajectory
        out["lp_bound"], out["root_bound"] = log.lp_bound, log.root_bound
        if log.wall_s is not None:
            solver_s = log.wall_s
        # PuLP building its expressions, writing the MPS file and starting CBC: the load of this variant.
        out["load_s"] = max(0.0, result.runtime_s - solver_s)
        pre = build_s + out["load_s"]
    else:
        pre = build_s
    out["solver_clock_s"] = solver_s
    out["pre_solver_s"] = pre
    out["trajectory"] = [(pre + t, p, d) for t, p, d in points]
    out["end_s"] = pre + solver_s
    return plan


def _solve_baseline_variant(scenario, job: dict[str, Any], out: dict[str, Any]):  # -> Plan
    from benchmarks.baseline import solve_baseline

    t0 = time.perf_counter()
    res = solve_baseline(scenario, job["time_limit"])
    out["wall_solve_s"] = time.perf_counter() - t0
    solver_s = res.log.wall_s if res.log.wall_s is not None else res.solve_s
    out["assembly_s"] = res.assembly_s
    out["load_s"] = max(0.0, res.solve_s - solver_s)  # writing the MPS file, starting CBC, reading back
    pre = res.assembly_s + out["load_s"]
    out.update(
        solver_clock_s=solver_s,
        pre_solver_s=pre,
        lp_bound=res.log.lp_bound,
        root_bound=res.log.root_bound,
        own_objective=res.own_objective,
        left_out=list(res.left_out),
        trajectory=[(pre + t, p, d) for t, p, d in res.log.trajectory],
        end_s=pre + solver_s,
    )
    return res.plan


def run_worker(job: dict[str, Any]) -> dict[str, Any]:
    """Solve one instance with one variant (in this process) and measure it."""
    import highspy  # noqa: F401  (imported before the baseline so that it counts in it)
    import pulp  # noqa: F401

    from benchmarks.metrics import search_metrics
    from models import load_scenario, scenario_from_dict
    from results.record import plan_to_dict
    from results.verify import verify_plan

    out: dict[str, Any] = {"job": job}
    data, source = _scenario_data(job)
    out["rss_baseline_mb"] = round(_rss_mb(), 1)
    t0 = time.perf_counter()
    scenario = load_scenario(data) if isinstance(data, Path) else scenario_from_dict(data, source=source)
    out["validate_s"] = time.perf_counter() - t0
    out["projects"] = len(scenario.projects)
    if job["variant"] == BASELINE:
        plan = _solve_baseline_variant(scenario, job, out)
    else:
        plan = _solve_repo_variant(scenario, job, out)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["child_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    out.update(
        status=plan.status.value,
        objective=plan.objective,
        bound=plan.bound,
        gap=plan.gap,
        message=plan.message,
        build_s=out["assembly_s"],
        solve_s=out["solver_clock_s"],
        columns=plan.stats["columns"],
        rows=plan.stats["rows"],
        binaries=plan.stats["binaries"],
        nonzeros=plan.stats["nonzeros"],
    )
    stopped_early = plan.status.value != "optimal" and plan.status.value != "infeasible"
    metrics = search_metrics(
        out["trajectory"],
        end_s=out["end_s"],
        objective=plan.objective,
        bound=plan.bound,
        optimal=plan.status.value == "optimal",
        stopped_early=stopped_early,
    )
    out.update(metrics.as_dict())
    out["trajectory"] = _thin(out["trajectory"])
    if plan.status.has_plan:
        verification = verify_plan(scenario, plan_to_dict(scenario, plan))
        out["verified"] = verification.ok
        if not verification.ok:
            out["violations"] = verification.violations[:5]
    if job["kind"] == "mkp":
        from benchmarks.mkp import all_instances

        out["expected"] = {i.name: i for i in all_instances()}[job["name"]].expected_objective
    return out


# ---------------------------------------------------------------------------------------------- driver
def _jobs(args: argparse.Namespace) -> list[dict[str, Any]]:
    variants = _variants(args)
    limits = _parse_per_tier(args.time_limit, args.tiers, float, 60.0)
    instances: list[dict[str, Any]] = []
    if not args.no_shipped:
        instances += [
            {"kind": "shipped", "group": "shipped", "name": path.parent.name, "path": str(path)}
            for path in sorted(SHIPPED.glob("*/scenario.yaml"))
            if args.shipped is None or path.parent.name in args.shipped.split(",")
        ]
    if not args.no_mkp:
        from benchmarks.mkp import all_instances

        instances += [{"kind": "mkp", "group": "MKP", "name": i.name} for i in all_instances()]
    knobs: dict[str, Any] = {
        k: v
        for k, v in (
            ("budget_tightness", args.budget_tightness),
            ("lumpiness", args.lumpiness),
            ("identical_modules", args.identical_modules),
            ("linked_share", args.linked_share),
        )
        if v is not None
    }
    if args.transfers:
        knobs["transfers"] = True
    if args.finance:
        knobs["finance"] = True
    if args.exclusive_share is not None:
        knobs["exclusive_share"] = args.exclusive_share
    if args.window_share is not None:
        knobs["window_share"] = args.window_share
    if args.cost_weight is not None:
        knobs["cost_weight"] = args.cost_weight
    if args.concentration is not None:
        knobs["concentration"] = args.concentration
    from benchmarks.generate import FAMILIES

    seeds = _parse_per_tier(args.seeds, args.tiers, int, 1)
    for tier in [t for t in args.tiers.split(",") if t]:
        for family in _families(args):
            # The family's knobs, then those given on the command line.
            fam_knobs = {**FAMILIES[family], **knobs}
            label = tier if family == "base" else f"{tier}-{family}"
            for seed in range(seeds[tier]):
                instances.append(
                    {
                        "kind": "generated",
                        "group": label,
                        "name": f"{label}-seed{seed}",
                        "tier": tier,
                        "seed": seed,
                        "family": family,
                        "knobs": fam_knobs,
                    }
                )
    return [
        {**inst, "variant": v, "time_limit": limits.get(inst.get("tier", inst["group"]), limits[""])}
        for inst in instances
        for v in variants
    ]


def _variants(args: argparse.Namespace) -> list[str]:
    names = [v for v in (args.solvers or args.variants).split(",") if v]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {', '.join(unknown)} (known: {', '.join(VARIANTS)})")
    return names


def _families(args: argparse.Namespace) -> list[str]:
    from benchmarks.generate import FAMILIES

    names = [f for f in args.families.split(",") if f]
    unknown = [f for f in names if f not in FAMILIES]
    if unknown:
        raise SystemExit(f"unknown famil(ies) {', '.join(unknown)} (known: {', '.join(FAMILIES)})")
    return names


def _parse_per_tier(text: str, tiers: str, kind: type, default: Any) -> dict[str, Any]:
    """`3` (every tier), `S=3,M=2` (others: the default) or `60,XL=300` (a default and per-tier values).

    The key "" holds the value for everything that is not a tier (the shipped scenarios and MKP instances).
    """
    names = [t for t in tiers.split(",") if t]
    out: dict[str, Any] = {"": default, **dict.fromkeys(names, default)}
    for part in [p.strip() for p in str(text).split(",") if p.strip()]:
        tier, eq, value = part.partition("=")
        if eq:
            out[tier.strip()] = kind(value)
        else:
            out = {key: kind(tier) for key in out}
    return out


def run_job(job: dict[str, Any], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.run", "--worker", json.dumps(job)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"job": job, "status": "error", "message": f"worker killed after {timeout:.0f} s"}
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            result["process_s"] = time.perf_counter() - t0
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"job": job, "status": "error", "message": " | ".join(tail) or f"exit code {proc.returncode}"}


# ---------------------------------------------------------------------------------------------- report
def shifted_geomean(values: list[float], shift: float = SHIFT_S) -> float:
    """exp(mean(log(t + shift))) − shift."""
    if not values:
        return float("nan")
    return math.exp(sum(math.log(v + shift) for v in values) / len(values)) - shift


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass

    def ver(pkg: str) -> str:
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "not installed"

    return {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "highspy": ver("highspy"),
        "PuLP (bundled CBC)": ver("pulp"),
        "SciPy": ver("scipy"),
        "NumPy": ver("numpy"),
        "OR-Tools": ver("ortools"),
    }


def _fmt(v: Any, digits: int = 6) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.2f} %"


def _root_gap(r: dict[str, Any]) -> float | None:
    obj, lp = r.get("objective"), r.get("lp_bound")
    if obj is None or lp is None:
        return None
    return max(0.0, obj - lp) / max(abs(obj), 1e-10)


def _secs(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def _exact(r: dict[str, Any]) -> bool:
    """The run solved the scenario itself (the baseline leaves out finance and transfers: a relaxation)."""
    return not r.get("left_out")


def time_to_1pct_for_mean(r: dict[str, Any]) -> float:
    """Time to a 1 % gap, or the run's time limit when it never got there (no plan, error, stopped)."""
    t = r.get("time_to_1pct_s")
    return float(r["job"]["time_limit"]) if t is None else min(float(t), float(r["job"]["time_limit"]))


def summary_rows(results: list[dict[str, Any]], variants: list[str], reference: str = BASELINE) -> list[dict[str, Any]]:
    """Per group and variant: counts, shifted geometric means and the ratio to the reference of the same run.

    The ratio (variant ÷ reference — by default the baseline —, of the shifted geometric means of the time
    to a 1 % gap) is taken over the instances the reference solves exactly (the baseline: those without
    finance or transfers) and both ran.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault(r["job"]["group"], []).append(r)
    rows = []
    for group, rs in groups.items():
        base = {r["job"]["name"]: r for r in rs if r["job"]["variant"] == reference}
        exact = {name for name, r in base.items() if _exact(r) and r.get("status") != "error"}
        for v in variants:
            sub = [r for r in rs if r["job"]["variant"] == v]
            if not sub:
                continue
            paired = [r for r in sub if r["job"]["name"] in exact]
            ratio = None
            if paired and v != reference:
                mine = shifted_geomean([time_to_1pct_for_mean(r) for r in paired])
                theirs = shifted_geomean([time_to_1pct_for_mean(base[r["job"]["name"]]) for r in paired])
                ratio = mine / theirs if theirs > 0 else None
            elif paired:
                ratio = 1.0
            gaps = [r["gap"] for r in sub if r.get("gap") is not None]
            peaks = [r["peak_rss_mb"] for r in sub if r.get("peak_rss_mb") is not None]
            rows.append(
                {
                    "group": group,
                    "variant": v,
                    "instances": len(sub),
                    "optimal": sum(r["status"] == "optimal" for r in sub),
                    "feasible": sum(r["status"] == "feasible" for r in sub),
                    "reached_1pct": sum(r.get("time_to_1pct_s") is not None for r in sub),
                    "sgm_1pct": shifted_geomean([time_to_1pct_for_mean(r) for r in sub]),
                    "ratio": ratio,
                    "paired": len(paired),
                    "sgm_solve": shifted_geomean([r["solve_s"] for r in sub if r.get("solve_s") is not None]),
                    "largest_gap": max(gaps) if gaps else None,
                    "peak": max(peaks) if peaks else None,
                }
            )
    return rows


def render(results: list[dict[str, Any]], args: argparse.Namespace, reading: str | None, elapsed: float) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault(r["job"]["group"], []).append(r)
    variants = _variants(args)
    command = f"python -m benchmarks.run {' '.join(args.argv)}"
    reference_label = "baseline" if args.reference == BASELINE else args.reference
    lines = ["# Benchmarks", ""]
    lines += [
        f"Generated by `{command}` in {elapsed / 60:.1f} min (wall clock, one subprocess per solve, run one "
        "after the other). Timings are for this machine only; compare variants as ratios measured in the "
        "same run.",
        "",
        "The budget-frontier sweep (41 points on 1 and 2 workers) is in [benchmarks-sweep.md](benchmarks-sweep.md), "
        "written by `python -m benchmarks.sweep`.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in machine().items()]
    lines += [
        "",
        "## How to reproduce",
        "",
        "```sh",
        "pip install -e '.[test]'",
        command,
        "```",
        "",
        "Options: `--tiers S,M,L,XL`, `--seeds 3` or `--seeds S=3,M=2`, `--time-limit 60` or "
        "`--time-limit 60,XL=300` (seconds per solve; the first value for the shipped scenarios and MKP too), "
        f"`--variants {DEFAULT_VARIANTS}` (also `scipy`, `scip`, `cpsat`, `auto`, `highs-nosym`, `highs-effort005`, "
        "`highs-noclip`, `highs-norrc`, `highs-rrc`, `highs-covers`, `highs-links`, `highs-budget-covers`, "
        "`highs-budget-windows`), "
        "`--reference VARIANT` "
        "(ratios to it instead of the baseline), `--no-shipped`, `--shipped NAMES` (only these shipped scenarios), "
        "`--no-mkp`, generator knobs `--budget-tightness`, `--lumpiness`, `--identical-modules`, "
        "`--linked-share`, `--exclusive-share`, `--window-share`, `--cost-weight`, `--concentration`, "
        "`--transfers`, `--finance` (see `benchmarks/generate.py`; they replace the family's), `--families "
        "base,tight` (each tier's instance families: group `S` holds the base cities, `S-tight` the tight ones), "
        "`--json FILE` for the raw records (with each run's trajectory).",
        "",
        "Variants: *highs* = the repository's formulation (`solver/formulation.py`) with HiGHS choosing its threads; "
        "*highs-1thread* = the same on one thread; *highs-nosym* = without the symmetry rows of identical "
        "projects; *highs-effort005* = with HiGHS' own heuristic effort 0.05 instead of the repository's 0.3; "
        "*highs-noclip* = with each project's full capacity in the unmet rows instead of the clipped one; "
        "*highs-norrc*, *highs-rrc* = without or with HiGHS' root reduced-cost heuristic "
        "(`mip_heuristic_run_root_reduced_cost`) whatever the model's size (by default it runs on models with more "
        "than 300 integer columns); "
        "*highs-covers*, *highs-links*, *highs-budget-covers*, *highs-budget-windows* = with the demand covers, "
        "strong-linking rows, budget covers or budget windows (yearly envelopes of consecutive years added up) of "
        "`benchmarks/formulations.py`; "
        "*cbc* = the same model through PuLP to CBC (`solver/engines.py`); *scip* = the same model in SCIP "
        "through PySCIPOpt, one thread (`benchmarks/scip.py`); *cpsat* = the same model in OR-Tools CP-SAT as an "
        "integer relaxation whose plans are recomputed exactly (`solver/cpsat.py`; its progress reports the "
        "relaxation's incumbent, so its first-plan and 1 % times are approximate); *auto* = HiGHS (one thread, "
        "in the worker) racing CP-SAT (in a second process), the first proof wins (`solver/race.py`); "
        "*baseline-pulp-cbc* = the "
        "straightforward formulation a user would write in PuLP, solved by PuLP's default CBC "
        "(`benchmarks/baseline.py`: full capacities, no clipping, no bounds on unmet demand; it leaves out the "
        "savings-and-debt path and transfers, so on instances with them it solves a relaxation and is left out "
        "of the ratios). Every variant stops at a relative gap of 1e-4.",
        "",
        "Columns: *parse* = reading and validating the scenario (`models`); *assembly* = building the model "
        "(matrix, or PuLP problem for the baseline); *load* = passing it to the solver (HiGHS: `passModel`; "
        "CBC: PuLP building its expressions — for *cbc* —, writing the MPS file, starting CBC and reading the "
        "solution back, i.e. the solve's wall time minus CBC's own wall clock); times to *first plan*, *1 % "
        "gap* and *optimum* count from the start of assembly (assembly + load + the solver's clock), read from "
        "HiGHS' progress callback or CBC's log (its incumbent, node and summary lines); *gap@10 s*, *gap@60 s* "
        "= the gap at that time (– when the run had no plan yet, or was stopped by a shorter time limit); "
        "*gap* = (objective − bound) / objective at the end; *LP bound* = the LP relaxation (HiGHS variants: "
        "of the repository's model, with SciPy after the timed solve; CBC variants: CBC's continuous objective "
        "of the model it read — for the baseline, of the baseline's formulation); *root bound* = the bound "
        "after the root node (HiGHS: the largest dual bound its MIP callback reports while the node count is "
        "0; CBC: its root cuts line); *peak MB* = peak resident memory of the worker process (baseline after "
        "imports in parentheses; for CBC runs, + the peak of the child processes, an upper bound on CBC's "
        "own); *verified* = `results.verify` recomputes every constraint and the objective from the plan "
        "(the baseline's objective is the one its start years imply, `models.evaluate`).",
        "",
        "## Summary",
        "",
        f"Shifted geometric mean (shift {SHIFT_S:g} s) of the time to a 1 % gap, per group and variant; **a run "
        "that never reaches 1 % (time limit, no plan, error) counts as its time limit**. "
        + (
            "*Ratio to baseline* = that mean ÷ the baseline's over the same instances of this run (those the "
            "baseline solves exactly: no finance or transfers), < 1 is faster; the issue's target is ≤ 0.2 (5× "
            "faster)."
            if args.reference == BASELINE
            else f"*Ratio to {args.reference}* = that mean ÷ {args.reference}'s over the same instances of this "
            "run, < 1 is faster."
        ),
        "",
        "| group | variant | instances | optimal | stopped with a plan | reached 1 % | time to 1 % gap, "
        f"shifted geo. mean (s) | ratio to {reference_label} | solver time, shifted geo. mean (s) | "
        "largest final gap | max peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in summary_rows(results, variants, args.reference):
        ratio = "–"
        if row["ratio"] is not None:
            ratio = f"{row['ratio']:.3g}"
            if row["variant"] != args.reference and row["ratio"] > 0:
                ratio += f" ({1 / row['ratio']:.3g}× faster)" if row["ratio"] < 1 else ""
            if row["paired"] < row["instances"]:
                ratio += f" (on {row['paired']} of {row['instances']})"
        lines.append(
            f"| {row['group']} | {row['variant']} | {row['instances']} | {row['optimal']} | {row['feasible']} | "
            f"{row['reached_1pct']} | {_fmt(row['sgm_1pct'], 3)} | {ratio} | {_fmt(row['sgm_solve'], 3)} | "
            f"{_pct(row['largest_gap'])} | {_fmt(row['peak'], 4)} |"
        )
    mkp = groups.get("MKP", [])
    if mkp:
        hits = [r for r in mkp if r.get("objective") is not None and _matches(r)]
        lines += [
            "",
            f"MKP: {len(hits)} of {len(mkp)} runs reach the published optimum (objective = Σ values − optimum, "
            "within 1e-6 relative).",
        ]
    lines += ["", "## Results per instance", ""]
    for group, rs in groups.items():
        lines += [
            f"### {group}",
            "",
            "| instance | variant | columns / binaries / rows / non-zeros | parse s | assembly s | load s | status | "
            "objective | gap | LP bound (root gap) | root bound | first plan s | 1 % gap s | optimum s | "
            "gap@10 s | gap@60 s | peak MB | verified |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rs:
            job = r["job"]
            if r["status"] == "error":
                message = r.get("message", "")
                lines.append(f"| {job['name']} | {job['variant']} | error: {message} |" + " |" * 15)
                continue
            objective = _fmt(r.get("objective"), 8)
            if "expected" in r:
                objective += " ✓" if _matches(r) else f" ✗ (expected {_fmt(r['expected'], 8)})"
            lp = "–" if r.get("lp_bound") is None else f"{_fmt(r['lp_bound'], 6)} ({_pct(_root_gap(r))})"
            peak = f"{_fmt(r.get('peak_rss_mb'), 4)} ({_fmt(r.get('rss_baseline_mb'), 4)})"
            if job["variant"] in ("cbc", BASELINE) and r.get("child_peak_rss_mb"):
                peak += f" + CBC ≤ {_fmt(r['child_peak_rss_mb'], 4)}"
            verified = _fmt(r.get("verified"))
            if r.get("left_out"):
                verified += f" (relaxation: no {', '.join(r['left_out'])})"
            lines.append(
                f"| {job['name']} | {job['variant']} | "
                f"{r.get('columns')} / {r.get('binaries')} / {r.get('rows')} / {r.get('nonzeros')} | "
                f"{r['validate_s']:.3f} | {r['assembly_s']:.3f} | {_fmt(r.get('load_s'), 3)} | {r['status']} | "
                f"{objective} | {_pct(r.get('gap'))} | {lp} | {_fmt(r.get('root_bound'), 6)} | "
                f"{_secs(r.get('time_to_first_plan_s'))} | {_secs(r.get('time_to_1pct_s'))} | "
                f"{_secs(r.get('time_to_optimal_s'))} | {_pct(r.get('gap_at_10s'))} | {_pct(r.get('gap_at_60s'))} | "
                f"{peak} | {verified} |"
            )
        lines.append("")
    lines += ["## Facts from this run (generated)", ""] + _facts(results) + [""]
    placeholder = "## Reading\n\n(Write the reading of these numbers here; it is kept across runs.)"
    lines += [reading.rstrip() if reading else placeholder, ""]
    return "\n".join(lines)


def _matches(r: dict[str, Any]) -> bool:
    return abs(r["objective"] - r["expected"]) <= 1e-6 * max(1.0, abs(r["expected"]))


def _facts(results: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in results:
        name = f"{r['job']['name']} / {r['job']['variant']}"
        if r["status"] == "feasible":
            out.append(
                f"- {name}: stopped at {r['solve_s']:.0f} s with gap {_pct(r.get('gap'))} ({r.get('message', '')})."
            )
        elif r["status"] in ("no_solution", "infeasible", "error"):
            out.append(f"- {name}: {r['status']} ({r.get('message', '')}).")
    for r in results:
        if r.get("verified") is False:
            why = "a relaxation, expected" if r.get("left_out") else "a bug"
            out.append(
                f"- {r['job']['name']} / {r['job']['variant']}: the verifier REJECTS the plan ({why}): "
                f"{r.get('violations')}"
            )
    if not out:
        out.append("- every run ended optimal and verified.")
    dominated = {r["job"]["name"]: r["dominated_columns"] for r in results if "dominated_columns" in r}
    if dominated:
        some = {name: n for name, n in dominated.items() if n}
        counted = ", ".join(f"{n} on {name}" for name, n in some.items()) if some else "none on any instance"
        out.append(
            "- start columns that can never help (`benchmarks.formulations.dominated_columns`, the presolve "
            f"reduction 'projects that can never help'): {counted}."
        )
    root = [(r["job"]["name"], _root_gap(r)) for r in results if _root_gap(r) is not None]
    if root:
        worst = max(root, key=lambda x: x[1])
        out.append(f"- largest root (LP relaxation) gap: {_pct(worst[1])} on {worst[0]}.")
    return out


def existing_reading(path: Path) -> str | None:
    """The hand-written "## Reading" section of a results file, kept when the file is generated again."""
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^## Reading\b.*?(?=^## |\Z)", text, flags=re.M | re.S)
    return m.group(0) if m else None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        result = run_worker(json.loads(argv[1]))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiers", default="S,M", help="generated tiers, comma-separated (S, M, L, XL); '' for none")
    ap.add_argument("--seeds", default="3", help="seeds per tier: 3, or S=3,M=2")
    ap.add_argument("--time-limit", default="60", help="seconds per solve: 60, or 60,XL=300 (per tier)")
    ap.add_argument("--variants", default=DEFAULT_VARIANTS, help=f"comma-separated, of {', '.join(VARIANTS)}")
    ap.add_argument("--solvers", default=None, help="former name of --variants")
    ap.add_argument("--reference", default=BASELINE, help="the variant ratios are taken to (default: the baseline)")
    ap.add_argument("--out", default="docs/benchmarks.md")
    ap.add_argument("--json", default=None, help="also write the raw records to this JSON file")
    ap.add_argument(
        "--no-shipped",
        "--no-example",
        dest="no_shipped",
        action="store_true",
        help="leave out the shipped scenarios (scenarios/*/scenario.yaml)",
    )
    ap.add_argument("--shipped", default=None, help="only these shipped scenarios (folder names, comma-separated)")
    ap.add_argument("--no-mkp", action="store_true")
    ap.add_argument("--budget-tightness", type=float)
    ap.add_argument("--lumpiness", type=float)
    ap.add_argument("--identical-modules", type=int)
    ap.add_argument("--linked-share", type=float)
    ap.add_argument("--exclusive-share", type=float)
    ap.add_argument("--window-share", type=float)
    ap.add_argument("--cost-weight", type=float)
    ap.add_argument("--concentration", type=float)
    ap.add_argument(
        "--families",
        default="base,tight",
        help="instance families of benchmarks.generate.FAMILIES for each tier (group S, S-tight, ...)",
    )
    ap.add_argument("--transfers", action="store_true", help="generated districts get neighbours and transfers")
    ap.add_argument("--finance", action="store_true", help="generated scenarios get FCTVA and a debt ceiling")
    args = ap.parse_args(argv)
    args.argv = argv
    if args.reference not in _variants(args):
        raise SystemExit(f"the reference variant '{args.reference}' is not among --variants")
    jobs = _jobs(args)
    out = Path(args.out)
    if not out.is_absolute():
        out = ROOT / out
    reading = existing_reading(out)
    results = []
    t0 = time.perf_counter()
    for i, job in enumerate(jobs, 1):
        r = run_job(job, timeout=job["time_limit"] * 3 + 120)
        results.append(r)
        print(
            f"[{i}/{len(jobs)}] {job['name']:<16} {job['variant']:<17} {r['status']:<11} "
            f"obj {_fmt(r.get('objective'), 8):<14} gap {_pct(r.get('gap')):<9} "
            f"1% {_secs(r.get('time_to_1pct_s')):>7} s  solver {r.get('solve_s') or 0:7.2f} s",
            flush=True,
        )
    elapsed = time.perf_counter() - t0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(results, args, reading, elapsed), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {out} ({elapsed / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
