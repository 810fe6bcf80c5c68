"""Benchmark runner: every (instance, solver) solved in its own subprocess, results as a markdown report.

    python -m benchmarks.run [--tiers S,M] [--seeds 3 | --seeds S=3,M=2] [--time-limit 60]
                             [--solvers highs,cbc] [--out docs/benchmarks.md] [--no-example] [--no-mkp]

Instances: the shipped example (scenarios/exemple-ville/scenario.yaml), the 15 classic capital-budgeting
instances of benchmarks/data/mkp (known optima), and synthetic scenarios from `benchmarks.generate` for each
tier and seed. One subprocess per solve isolates time and memory: the worker records scenario validation
time, model assembly time, solve time, status, objective, bound, gap, the LP-relaxation bound (HiGHS rows
only, computed after the timed solve), whether `models.verify` accepts the plan, and the peak resident
memory of the process (and an upper bound for the CBC child process). The report aggregates solve times per group and
solver with the shifted geometric mean (shift 10 s). A "## Reading" section already in the output file is
kept as it is (it is written by hand).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "exemple-ville" / "scenario.yaml"
SHIFT_S = 10.0  # shifted geometric mean shift (seconds), as in docs/PERFORMANCE.md
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
    if job["kind"] == "example":
        return Path(job["path"]), str(job["path"])
    if job["kind"] == "mkp":
        from benchmarks.mkp import all_instances, mkp_scenario

        inst = {i.name: i for i in all_instances()}[job["name"]]
        return mkp_scenario(inst), f"<{inst.name}>"
    if job["kind"] == "generated":
        from benchmarks.generate import generate_scenario

        return generate_scenario(job["tier"], job["seed"], **job.get("knobs", {})), f"<{job['name']}>"
    raise ValueError(f"unknown job kind {job['kind']}")


def _lp_bound(model) -> float | None:
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


def run_worker(job: dict[str, Any]) -> dict[str, Any]:
    """Solve one instance with one solver (in this process) and measure it."""
    import highspy  # noqa: F401  (imported before the baseline so that it counts in it)
    import pulp  # noqa: F401

    from models import load_scenario, scenario_from_dict
    from models.verify import verify_plan
    from reports.files import plan_to_dict
    from solver import SolveOptions, build_model, solve

    out: dict[str, Any] = {"job": job}
    data, source = _scenario_data(job)
    out["rss_baseline_mb"] = round(_rss_mb(), 1)
    t0 = time.perf_counter()
    scenario = load_scenario(data) if isinstance(data, Path) else scenario_from_dict(data, source=source)
    out["validate_s"] = time.perf_counter() - t0
    out["projects"] = len(scenario.projects)
    options = SolveOptions(solver=job["solver"], time_limit=job["time_limit"])
    t0 = time.perf_counter()
    plan = solve(scenario, options)
    out["wall_solve_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["child_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    out.update(
        status=plan.status.value,
        objective=plan.objective,
        bound=plan.bound,
        gap=plan.gap,
        message=plan.message,
        build_s=plan.stats["build_s"],
        solve_s=plan.stats["solve_s"],
        columns=plan.stats["columns"],
        rows=plan.stats["rows"],
        binaries=plan.stats["binaries"],
        nonzeros=plan.stats["nonzeros"],
    )
    if plan.status.has_plan:
        verification = verify_plan(scenario, plan_to_dict(scenario, plan))
        out["verified"] = verification.ok
        if not verification.ok:
            out["violations"] = verification.violations[:5]
    if job["solver"] == "highs":
        out["lp_bound"] = _lp_bound(build_model(scenario))
    if job["kind"] == "mkp":
        from benchmarks.mkp import all_instances

        out["expected"] = {i.name: i for i in all_instances()}[job["name"]].expected_objective
    return out


# ---------------------------------------------------------------------------------------------- driver
def _jobs(args: argparse.Namespace) -> list[dict[str, Any]]:
    solvers = [s for s in args.solvers.split(",") if s]
    tl = args.time_limit
    instances: list[dict[str, Any]] = []
    if not args.no_example:
        instances.append({"kind": "example", "group": "example", "name": "exemple-ville", "path": str(EXAMPLE)})
    if not args.no_mkp:
        from benchmarks.mkp import all_instances

        instances += [{"kind": "mkp", "group": "MKP", "name": i.name} for i in all_instances()]
    knobs = {
        k: v
        for k, v in (
            ("budget_tightness", args.budget_tightness),
            ("lumpiness", args.lumpiness),
            ("identical_modules", args.identical_modules),
            ("linked_share", args.linked_share),
        )
        if v is not None
    }
    seeds = _parse_seeds(args.seeds, args.tiers)
    for tier in [t for t in args.tiers.split(",") if t]:
        for seed in range(seeds[tier]):
            instances.append(
                {
                    "kind": "generated",
                    "group": tier,
                    "name": f"{tier}-seed{seed}",
                    "tier": tier,
                    "seed": seed,
                    "knobs": knobs,
                }
            )
    return [{**inst, "solver": s, "time_limit": tl} for inst in instances for s in solvers]


def _parse_seeds(text: str, tiers: str) -> dict[str, int]:
    """`3` (every tier) or `S=3,M=2`."""
    names = [t for t in tiers.split(",") if t]
    if re.fullmatch(r"\d+", text.strip()):
        return dict.fromkeys(names, int(text))
    out = dict.fromkeys(names, 1)
    for part in text.split(","):
        tier, _, n = part.partition("=")
        out[tier.strip()] = int(n)
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


def render(results: list[dict[str, Any]], args: argparse.Namespace, reading: str | None, elapsed: float) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault(r["job"]["group"], []).append(r)
    solvers = [s for s in args.solvers.split(",") if s]
    lines = ["# Benchmarks", ""]
    lines += [
        f"Generated by `python -m benchmarks.run {' '.join(args.argv)}` in {elapsed / 60:.1f} min "
        "(wall clock, one subprocess per solve, run one after the other). Timings are for this machine only; "
        "compare solvers and variants as ratios measured in the same run.",
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
        f"python -m benchmarks.run {' '.join(args.argv)}",
        "```",
        "",
        "Options: `--tiers S,M,L`, `--seeds 3` or `--seeds S=3,M=2`, `--time-limit SECONDS`, "
        "`--solvers highs,cbc,scipy`, `--no-example`, `--no-mkp`, generator knobs `--budget-tightness`, "
        "`--lumpiness`, `--identical-modules`, `--linked-share` (see `benchmarks/generate.py`), `--json FILE` "
        "for the raw records. Solvers run with the tool's defaults (relative gap 1e-4; HiGHS chooses its "
        "threads, CBC runs one thread) and the time limit above.",
        "",
        "Columns: *validate* = reading and checking the scenario (`models`), *build* = assembling the matrix "
        "model, *solve* = the engine's run (for CBC it includes PuLP writing the model and starting the CBC "
        "process); *gap* = (objective − bound) / objective as the solver reports it; *LP bound* = the LP "
        "relaxation of the same model (HiGHS rows), *root gap* = (objective − LP bound) / objective; "
        "*peak MB* = peak resident memory of the worker process (Python, imports and solver; baseline after "
        "imports in parentheses); for CBC, *CBC ≤* is the peak of the child processes, an upper bound on "
        "the CBC process (`ru_maxrss` of a forked child starts from the worker's own image); *verified* = "
        "`models.verify` recomputes every constraint and the objective from the plan and accepts it.",
        "",
        "## Summary",
        "",
        f"Shifted geometric mean of the solve time (shift {SHIFT_S:g} s; a run stopped by the time limit counts "
        "as the limit), per group and solver.",
        "",
        "| group | solver | instances | optimal | stopped with a plan | no plan / error | "
        "solve time, shifted geo. mean (s) | max solve (s) | largest gap | mean peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for group, rs in groups.items():
        for s in solvers:
            sub = [r for r in rs if r["job"]["solver"] == s]
            if not sub:
                continue
            times = [r["solve_s"] for r in sub if r.get("solve_s") is not None]
            gaps = [r["gap"] for r in sub if r.get("gap") is not None]
            peaks = [r["peak_rss_mb"] for r in sub if r.get("peak_rss_mb") is not None]
            n_opt = sum(r["status"] == "optimal" for r in sub)
            n_feas = sum(r["status"] == "feasible" for r in sub)
            lines.append(
                f"| {group} | {s} | {len(sub)} | {n_opt} | {n_feas} | {len(sub) - n_opt - n_feas} | "
                f"{_fmt(shifted_geomean(times), 3)} | {_fmt(max(times) if times else None, 3)} | "
                f"{_pct(max(gaps)) if gaps else '–'} | {_fmt(sum(peaks) / len(peaks) if peaks else None, 4)} |"
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
            "| instance | solver | projects | columns / binaries / rows / non-zeros | validate s | build s | "
            "solve s | status | objective | bound | gap | LP bound (root gap) | peak MB | verified |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rs:
            job = r["job"]
            if r["status"] == "error":
                message = r.get("message", "")
                lines.append(f"| {job['name']} | {job['solver']} | | | | | | error: {message} | | | | | | |")
                continue
            objective = _fmt(r.get("objective"), 8)
            if "expected" in r:
                objective += " ✓" if _matches(r) else f" ✗ (expected {_fmt(r['expected'], 8)})"
            lp = "–" if r.get("lp_bound") is None else f"{_fmt(r['lp_bound'], 6)} ({_pct(_root_gap(r))})"
            peak = f"{_fmt(r.get('peak_rss_mb'), 4)} ({_fmt(r.get('rss_baseline_mb'), 4)})"
            if job["solver"] == "cbc" and r.get("child_peak_rss_mb"):
                peak += f" + CBC ≤ {_fmt(r['child_peak_rss_mb'], 4)}"
            lines.append(
                f"| {job['name']} | {job['solver']} | {r.get('projects')} | "
                f"{r.get('columns')} / {r.get('binaries')} / {r.get('rows')} / {r.get('nonzeros')} | "
                f"{r['validate_s']:.3f} | {r['build_s']:.3f} | {r['solve_s']:.2f} | {r['status']} | {objective} | "
                f"{_fmt(r.get('bound'), 8)} | {_pct(r.get('gap'))} | {lp} | {peak} | {_fmt(r.get('verified'))} |"
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
    stopped = [r for r in results if r["status"] == "feasible"]
    for r in stopped:
        out.append(
            f"- {r['job']['name']} / {r['job']['solver']}: stopped at {r['solve_s']:.0f} s "
            f"with gap {_pct(r.get('gap'))} ({r.get('message', '')})."
        )
    for r in results:
        if r["status"] in ("no_solution", "infeasible", "error"):
            out.append(f"- {r['job']['name']} / {r['job']['solver']}: {r['status']} ({r.get('message', '')}).")
    bad = [r for r in results if r.get("verified") is False]
    for r in bad:
        out.append(f"- {r['job']['name']} / {r['job']['solver']}: the verifier REJECTS the plan: {r.get('violations')}")
    if not out:
        out.append("- every run ended optimal and verified.")
    root = [(r["job"]["name"], _root_gap(r)) for r in results if _root_gap(r) is not None]
    if root:
        worst = max(root, key=lambda x: x[1])
        out.append(f"- largest root (LP relaxation) gap: {_pct(worst[1])} on {worst[0]}.")
    return out


def _existing_reading(path: Path) -> str | None:
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
    ap.add_argument("--tiers", default="S,M", help="generated tiers, comma-separated (S, M, L); '' for none")
    ap.add_argument("--seeds", default="3", help="seeds per tier: 3, or S=3,M=2")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    ap.add_argument("--solvers", default="highs,cbc")
    ap.add_argument("--out", default="docs/benchmarks.md")
    ap.add_argument("--json", default=None, help="also write the raw records to this JSON file")
    ap.add_argument("--no-example", action="store_true")
    ap.add_argument("--no-mkp", action="store_true")
    ap.add_argument("--budget-tightness", type=float)
    ap.add_argument("--lumpiness", type=float)
    ap.add_argument("--identical-modules", type=int)
    ap.add_argument("--linked-share", type=float)
    args = ap.parse_args(argv)
    args.argv = argv
    jobs = _jobs(args)
    out = Path(args.out)
    if not out.is_absolute():
        out = ROOT / out
    reading = _existing_reading(out)
    results = []
    t0 = time.perf_counter()
    for i, job in enumerate(jobs, 1):
        r = run_job(job, timeout=args.time_limit * 3 + 120)
        results.append(r)
        gap = _pct(r.get("gap"))
        print(
            f"[{i}/{len(jobs)}] {job['name']:<16} {job['solver']:<6} {r['status']:<11} "
            f"obj {_fmt(r.get('objective'), 8):<14} gap {gap:<9} solve {r.get('solve_s', 0):7.2f} s",
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
