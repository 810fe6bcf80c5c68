"""Meeting-speed benchmark (issue 18): every row of the issue's table measured again by one command.

    python -m benchmarks.meeting [--quick] [--rows explain,compare,...] [--out docs/benchmarks-meeting.md]

Rows (each with its target, what was measured, met or not, and its plans verified):

- `explain`: `ppi explain` of Exemple-Ville (its base solve and every re-solve), against one `ppi solve` of it;
- `compare`: `ppi compare` of Exemple-Ville and its three variants, the solves in parallel (default) and one
  after the other (`--workers 1`), in the same run;
- `montecarlo`: `ppi montecarlo --samples 200` of Exemple-Ville on 2 workers;
- `frontier`: the 41-point budget frontier of Exemple-Ville (`ppi sweep --budget-scale 0.6:1.4:0.02`, the
  points of docs/benchmarks-sweep.md) on 2 workers;
- `ring`: Exemple-Ville with its 12 quartiers in a ring of neighbours and transfers (up to 10 % of a quartier's
  demand, the issue's case) against Exemple-Ville without, the same solve alternated;
- `commune`: a 20-school commune (20 quartiers, one school sector each, 40 projects, school kinds: the tier
  `C20` given to `benchmarks.generate.generate_scenario`) with its transfers knob on and off, seeds 0–2;
- `m-tier`: the M tier (100 projects), seeds 0–2, HiGHS and the `auto` race, 120 s each: proven or not.

Commands run as subprocesses (`python cli.py ...`) into fresh folders, timed from outside (process start,
imports, loading, solves, checks and writing included); the ring, commune and M-tier solves run in this
process (`ppi.load` + `ppi.solve`, which verifies). The machine is shared: its load average is written with
every row; compare ratios measured in the same run. The page is rewritten after each row, so an interrupted
run keeps the rows it finished.

`--quick` runs every row small (the generator's S city for explain, Monte Carlo and the frontier, two
targets for compare, the S tier for the M-tier row, 10 s limits): a smoke test of the command
(tests/benchmarks/test_meeting.py), not a measurement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"
VARIANTS = ("budget-serre", "priorite-creches", "sans-modulaires")
ROWS = ("explain", "compare", "frontier", "ring", "commune", "montecarlo", "m-tier")
FRONTIER = "0.6:1.4:0.02"  # 41 points, as docs/benchmarks-sweep.md
RING_SHARE = 0.1  # share of a quartier's demand that may go to a neighbour (the ring)
COMMUNE_TIER = "C20"  # 20 quartiers, 40 projects, 10 years, school kinds (see `commune_scenario`)
M_LIMIT = 120.0  # seconds per M-tier solve (the target)
SEEDS = (0, 1, 2)
MC_SAMPLES = [200]  # samples of the Monte Carlo row (`--samples`: fewer, and 200 estimated from them)


@dataclass
class Row:
    """One line of the summary table, and the details written under it."""

    name: str
    work: str
    target: str
    measured: str = "not measured"
    met: bool | None = None
    verified: str = ""
    details: list[str] = field(default_factory=list)
    load: tuple[float, float] | None = None  # 1-minute load average before and after
    when: str = ""  # when the row was measured (UTC)


# ------------------------------------------------------------------------------------------ helpers


def _cpu() -> float:
    """CPU seconds (user + system) of the finished child processes, theirs included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(*args: str | Path) -> tuple[float, float]:
    """Run `python cli.py ARGS` (checked); its wall clock and its CPU seconds (its worker processes included).

    The CPU seconds hardly depend on what else the machine runs: on a shared machine, CPU seconds ÷ the
    cores used estimate the wall clock the command would take on idle cores."""
    t0, c0 = time.perf_counter(), _cpu()
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), *map(str, args)], capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    if proc.returncode != 0:
        raise RuntimeError(f"ppi {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, cpu


def _points(folder: Path) -> dict[str, int]:
    """What the points of a sweep, explain or Monte Carlo folder hold: solved, settled, with a plan, verified."""
    counts = {"points": 0, "settled": 0, "with a plan": 0, "verified": 0}
    for f in (folder / "points").glob("*.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        counts["points"] += 1
        counts["settled"] += "settled_from" in data
        has_plan = data["plan"]["status"] in ("optimal", "feasible")
        counts["with a plan"] += has_plan
        counts["verified"] += has_plan and data.get("verified") is True
    return counts


def _write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _generated(tier: str, seed: int, folder: Path, **knobs: Any) -> Path:
    from benchmarks.generate import generate_scenario

    return _write_yaml(folder / f"{tier}-{seed}{'-t' if knobs.get('transfers') else ''}.yaml", generate_scenario(
        tier, seed, **knobs))  # fmt: skip


def commune_scenario(seed: int, transfers: bool, folder: Path) -> Path:
    """The 20-school commune: the generator's own functions with a tier of 20 quartiers (one school sector
    each), 40 projects, 10 years and the school kinds, registered for the call only."""
    from benchmarks import generate

    generate.TIERS[COMMUNE_TIER] = generate.Tier(40, 20, 10, generate.SCHOOL_KINDS)
    try:
        return _generated(COMMUNE_TIER, seed, folder, transfers=transfers)
    finally:
        del generate.TIERS[COMMUNE_TIER]


def ring_scenario(source: Path, folder: Path) -> Path:
    """A copy of the scenario's folder whose quartiers form a ring of neighbours (each the next and the one
    before, in the file's order) with transfers of up to `RING_SHARE` of a quartier's demand."""
    copy = folder / "ring"
    shutil.copytree(source.parent, copy)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    ids = [d["id"] for d in data["districts"]]
    for i, d in enumerate(data["districts"]):
        d["neighbours"] = [ids[(i + 1) % len(ids)]]  # symmetric: the one before lists this one
    data["transfers"] = {"max_share": RING_SHARE}
    data.pop("variants", None)
    return _write_yaml(copy / source.name, data)


def _solve_seconds(path: Path, **options: Any) -> tuple[float, Any]:
    """Load and solve (verified by `ppi.solve`) in this process; the solve's wall clock (load excluded)."""
    import ppi

    scenario = ppi.load(path)
    t0 = time.perf_counter()
    result = ppi.solve(scenario, **options)
    return time.perf_counter() - t0, result


def _alternated(a: Path, b: Path, rounds: int) -> tuple[list[float], list[float], Any, Any]:
    """Solve a and b `rounds` times each, alternating (a, b, b, a, ...): their times and last results."""
    ta, tb = [], []
    ra = rb = None
    for i in range(rounds):
        for which in (a, b) if i % 2 == 0 else (b, a):
            seconds, result = _solve_seconds(which)
            (ta if which == a else tb).append(seconds)
            if which == a:
                ra = result
            else:
                rb = result
    return ta, tb, ra, rb


# --------------------------------------------------------------------------------------------- rows


def row_explain(city: Path, tmp: Path, quick: bool) -> Row:
    row = Row("explain", f"`ppi explain` of {_name(city)}", "≤ 15× its single solve")
    solve_s, solve_cpu = _cli("solve", city, "--out", tmp / "solve", "--quiet")
    explain_s, explain_cpu = _cli("explain", city, "--out", tmp / "explain", "--workers", "2")
    counts = _points(tmp / "explain")
    ratio, idle = explain_s / solve_s, explain_cpu / 2 / solve_cpu
    row.measured = (
        f"{explain_s:.1f} s against {solve_s:.2f} s for `ppi solve`: {ratio:.1f}×; CPU {explain_cpu:.0f} s against "
        f"{solve_cpu:.2f} s: ≈ {idle:.1f}× on 2 idle cores"
    )
    row.met = ratio <= 15 and idle <= 15  # a loaded machine can flatter the wall clocks' ratio: both must hold
    row.verified = f"{counts['verified']} of {counts['with a plan']} re-solves with a plan"
    row.details = [
        f"`ppi solve {_rel(city)}`: {solve_s:.2f} s; `ppi explain {_rel(city)} --workers 2`: {explain_s:.1f} s "
        f"(the base solved, then {counts['points']} points: {counts['points'] - counts['settled']} solved, "
        f"{counts['settled']} settled without a solve of their own — `analysis.explain.budget_relaxation`).",
    ]
    return row


def row_compare(city: Path, tmp: Path, quick: bool) -> Row:
    targets = [str(city)] + ([f"{city}:{v}" for v in VARIANTS] if not quick else [f"{city}"])
    row = Row("compare", f"`ppi compare` of {_name(city)} and its {len(targets) - 1} variants", "≤ 6 s")
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    tables: dict[str, pd.DataFrame] = {}
    for label, workers in (("parallel", []), ("one after the other", ["--workers", "1"])):
        folder = tmp / f"compare-{len(times)}"
        args = ("compare", *targets, "--out", folder, "--report", "html,xlsx", "--quiet", *workers)
        times[label], cpu[label] = _cli(*args)
        tables[label] = pd.read_csv(folder / "summary.csv")
    objective = [t[t.iloc[:, 0] == "objective"].iloc[0, 2 : 2 + len(targets)].astype(float) for t in tables.values()]
    same = all(math.isclose(a, b, rel_tol=2e-4) for a, b in zip(*objective, strict=True))
    parallel = times["parallel"]
    row.measured = (
        f"{parallel:.1f} s (solves in parallel on 2 workers); {times['one after the other']:.1f} s one after the "
        f"other ({parallel / times['one after the other']:.2f}×)"
    )
    row.met = parallel <= 6
    row.verified = f"{len(targets)} of {len(targets)} (objectives equal both ways: {'yes' if same else 'NO'})"
    row.details = [
        f"`ppi compare {' '.join(_rel(t) for t in targets)}` (HTML and workbook written): {parallel:.1f} s with "
        f"the solves in worker processes (`ppi.solve_all`), {times['one after the other']:.1f} s with `--workers 1`. "
        f"CPU seconds: {cpu['parallel']:.1f} (the worker processes' start and imports on top) and "
        f"{cpu['one after the other']:.1f}.",
    ]
    return row


def row_montecarlo(city: Path, tmp: Path, quick: bool) -> Row:
    samples = 4 if quick else MC_SAMPLES[0]
    row = Row("montecarlo", f"`ppi montecarlo --samples 200` of {_name(city)}", "≤ 75 s")
    seconds, cpu = _cli("montecarlo", city, "--samples", samples, "--seed", 1, "--workers", 2, "--out", tmp / "mc")
    counts = _points(tmp / "mc")
    row.measured = (
        f"{seconds:.1f} s ({seconds / samples:.2f} s per sample, 2 workers); CPU {cpu:.0f} s: ≈ {cpu / 2:.0f} s on "
        "2 idle cores"
    )
    row.met = seconds <= 75
    if samples != 200 and not quick:  # fewer samples run (`--samples`): 200 estimated from them, and said so
        row.measured = (
            f"{samples} samples run: {seconds:.1f} s, CPU {cpu:.0f} s; for 200: ≈ {seconds * 200 / samples:.0f} s "
            f"here, ≈ {cpu * 200 / samples / 2:.0f} s on 2 idle cores (estimated from the {samples})"
        )
        row.met = cpu * 200 / samples / 2 <= 75
    row.verified = f"{counts['verified']} of {counts['with a plan']} samples with a plan"
    return row


def row_frontier(city: Path, tmp: Path, quick: bool) -> Row:
    points = "0.8:1.2:0.2" if quick else FRONTIER
    row = Row("frontier", f"budget frontier `{points}` of {_name(city)}", "≤ 20 s (41 points)")
    seconds, cpu = _cli("sweep", city, "--budget-scale", points, "--workers", 2, "--out", tmp / "frontier", "--quiet")
    counts = _points(tmp / "frontier")
    table = pd.read_csv(tmp / "frontier" / "sweep.csv")
    statuses = table["status"].value_counts().to_dict()
    row.measured = (
        f"{seconds:.1f} s for {len(table)} points ({counts['settled']} settled without a solve); CPU {cpu:.0f} s: "
        f"≈ {cpu / 2:.0f} s on 2 idle cores"
    )
    row.met = seconds <= 20
    row.verified = f"{counts['verified']} of {counts['with a plan']} points with a plan"
    row.details = [f"Statuses: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}."]
    return row


def row_ring(city: Path, tmp: Path, quick: bool) -> Row:
    ring = ring_scenario(city, tmp)
    row = Row("ring", f"{_name(city)} with a ring of neighbours and transfers", "≤ 2× the time without")
    with_t, without, r_with, r_without = _alternated(ring, city, 1 if quick else 2)
    ratio = statistics.median(with_t) / statistics.median(without)
    row.measured = (
        f"{statistics.median(with_t):.2f} s against {statistics.median(without):.2f} s without: {ratio:.1f}× "
        f"({r_with.status}, {r_without.status})"
    )
    row.met = ratio <= 2
    row.verified = "2 of 2"
    stats_with, stats_without = r_with.plan.stats, r_without.plan.stats
    row.details = [
        f"Solve times with the ring: {', '.join(f'{t:.2f}' for t in with_t)} s; without: "
        f"{', '.join(f'{t:.2f}' for t in without)} s (alternated, one thread per HiGHS default). Model: "
        f"{stats_with.get('columns')} columns / {stats_with.get('rows')} rows with the ring, "
        f"{stats_without.get('columns')} / {stats_without.get('rows')} without; objective "
        f"{r_with.objective:.4f} with, {r_without.objective:.4f} without."
    ]
    return row


def row_commune(city: Path, tmp: Path, quick: bool) -> Row:
    seeds = SEEDS[:1] if quick else SEEDS
    row = Row("commune", "a 20-school commune with transfers", "≤ 5× the time without")
    ratios, lines = [], []
    for seed in seeds:
        a, b = commune_scenario(seed, True, tmp), commune_scenario(seed, False, tmp)
        with_t, without, r_with, r_without = _alternated(a, b, 1)
        ratios.append(with_t[0] / without[0])
        lines.append(
            f"| {seed} | {with_t[0]:.2f} | {r_with.status} | {without[0]:.3f} | {r_without.status} | "
            f"{ratios[-1]:.1f}× |"
        )
    worst = max(ratios)
    row.measured = f"{', '.join(f'{r:.1f}×' for r in ratios)} (seeds {', '.join(map(str, seeds))})"
    row.met = worst <= 5
    row.verified = f"{2 * len(seeds)} of {2 * len(seeds)}"
    row.details = [
        "| seed | with transfers (s) | status | without (s) | status | ratio |",
        "|---|---|---|---|---|---|",
        *lines,
    ]
    return row


def row_m_tier(city: Path, tmp: Path, quick: bool) -> Row:
    tier, limit = ("S", 10.0) if quick else ("M", M_LIMIT)
    seeds = SEEDS[:1] if quick else SEEDS
    need = min(2, len(seeds))
    row = Row("m-tier", f"{tier} tier proven optimal within {limit:g} s", f"≥ {need} of {len(seeds)} seeds")
    proven: dict[str, int] = {"highs": 0, "auto": 0}
    lines = []
    for seed in seeds:
        path = _generated(tier, seed, tmp)
        for solver in proven:
            seconds, result = _solve_seconds(path, solver=solver, time_limit=limit)
            proven[solver] += result.status == "optimal"
            gap = result.plan.gap
            lines.append(
                f"| {seed} | {solver} | {result.status} | {seconds:.1f} | "
                f"{'–' if gap is None else f'{100 * gap:.2f} %'} | {result.plan.solver} |"
            )
    row.measured = f"HiGHS {proven['highs']} of {len(seeds)}, race {proven['auto']} of {len(seeds)}"
    row.met = max(proven.values()) >= need
    row.verified = f"{2 * len(seeds)} of {2 * len(seeds)}"
    row.details = [
        "| seed | engine | status | seconds | gap | winner |",
        "|---|---|---|---|---|---|",
        *lines,
    ]
    return row


RUNNERS: dict[str, Callable[[Path, Path, bool], Row]] = {
    "explain": row_explain,
    "compare": row_compare,
    "montecarlo": row_montecarlo,
    "frontier": row_frontier,
    "ring": row_ring,
    "commune": row_commune,
    "m-tier": row_m_tier,
}


# ------------------------------------------------------------------------------------------- output


def _name(city: Path) -> str:
    """Exemple-Ville's folder name, or a generated city's file name."""
    return city.parent.name if city.stem == "scenario" else city.stem


def _rel(path: str | Path) -> str:
    text = str(path)
    return text[len(str(REPO)) + 1 :] if text.startswith(str(REPO) + os.sep) else Path(text).name


def page(rows: list[Row], command: str, started: str, quick: bool) -> str:
    """The markdown page: how it was made, the summary table, each row's details."""
    from importlib.metadata import version

    lines = [
        "# Benchmark: answers at meeting speed (issue 18)",
        "",
        f"Generated by `{command}` (started {started} UTC; rows may come from separate runs of `--rows`, kept "
        "in the `--json` file: each row gives when it was measured; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, highspy {version('highspy')}, OR-Tools "
        f"{version('ortools')}). Every row of the issue's table; commands timed from outside as a user waits for "
        "them. The machine is shared with other work: the load average (1 minute) before and after each row is "
        "given; compare the ratios measured within one row.",
        *(["", "**Quick mode: a smoke run on small instances, not a measurement.**"] if quick else []),
        "",
        "| work | target | measured | met | plans verified | load before → after | measured at (UTC) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "–" if r.met is None else ("yes" if r.met else "no")
        load = f"{r.load[0]:.1f} → {r.load[1]:.1f}" if r.load else ""
        lines.append(f"| {r.work} | {r.target} | {r.measured} | {met} | {r.verified} | {load} | {r.when} |")
    for r in rows:
        if r.details:
            lines += ["", f"## {r.work}", "", *r.details]
    return "\n".join(lines) + "\n"


READING = "## Reading"  # a section written by hand after a run, kept when the page is written again


def _with_reading(path: Path, text: str) -> str:
    """The page, followed by the hand-written reading of the page it replaces (if any)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return text + ("\n" + old[old.index(READING) :] if READING in old else "")


def _write(path: Path, text: str) -> None:
    from results.store import write_file

    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.meeting", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="every row small: a smoke run, not a measurement")
    ap.add_argument("--rows", default=",".join(ROWS), help=f"rows to run (default: all of {','.join(ROWS)})")
    ap.add_argument("--out", default=str(REPO / "docs" / "benchmarks-meeting.md"), help="markdown page written")
    ap.add_argument("--samples", type=int, default=200, help="Monte Carlo samples run (default 200; fewer: estimated)")
    ap.add_argument("--render", action="store_true", help="run no row: write the page from the rows of --json")
    ap.add_argument(
        "--json",
        help="also write the rows as JSON to this file; with --rows, the rows of this file not run again are kept",
    )
    args = ap.parse_args(argv)
    names = [] if args.render else [n.strip() for n in args.rows.split(",") if n.strip()]
    MC_SAMPLES[0] = max(1, args.samples)
    if args.render and not args.json:
        ap.error("--render needs --json FILE")
    unknown = [n for n in names if n not in RUNNERS]
    if unknown:
        ap.error(f"unknown row {unknown[0]!r} (known: {', '.join(ROWS)})")
    command = "python -m benchmarks.meeting" + (" --quick" if args.quick else "")
    if names != list(ROWS):
        json_name = _rel(Path(args.json).resolve()) if args.json else ""
        kept_note = f" (the other rows kept from {json_name})" if args.json else ""
        command += f" --rows {','.join(names)}{kept_note}" if names else f" --render --json {json_name}"
    if args.samples != 200 and "montecarlo" in names:
        command += f" --samples {args.samples}"
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    kept: dict[str, Row] = {}  # rows of an earlier run (--json) that this one does not run again
    if args.json and Path(args.json).exists() and names != list(ROWS):
        for data in json.loads(Path(args.json).read_text(encoding="utf-8")):
            if data["name"] not in names and data.get("load"):
                kept[data["name"]] = Row(**{**data, "load": tuple(data["load"])})
    done: dict[str, Row] = dict(kept)
    with tempfile.TemporaryDirectory(prefix="ppi-meeting-") as tmp_dir:
        tmp = Path(tmp_dir)
        city = _generated("S", 0, tmp / "city") if args.quick else EXAMPLE
        for name in names:
            load, when = os.getloadavg()[0], datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
            t0 = time.perf_counter()
            row = RUNNERS[name](city, tmp / name, args.quick)
            row.load, row.when = (load, os.getloadavg()[0]), when
            done[name] = row
            print(f"{name}: {row.measured} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
            rows = [done[n] for n in ROWS if n in done]
            _write(Path(args.out), _with_reading(Path(args.out), page(rows, command, started, args.quick)))
            if args.json:
                _write(Path(args.json), json.dumps([r.__dict__ for r in rows], indent=1, ensure_ascii=False) + "\n")
    if not names:
        rows = [done[n] for n in ROWS if n in done]
        _write(Path(args.out), _with_reading(Path(args.out), page(rows, command, started, args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
