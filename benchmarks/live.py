"""Single re-solve on a live HiGHS model (solver/live.py) against build + load + solve, on Exemple-Ville.

    python -m benchmarks.live [--repeats 3]

For each edit (of the kinds `ppi explain` makes), in one process and alternating so that both are measured
on the same machine state: `LiveModel.solve(derived)` (build the edited matrix, embed it, push the bounds
that change, run HiGHS on the instance loaded once) and `solver.solve(derived)` (build, new HiGHS instance,
passModel, run). Both single-threaded, as sweep workers run. Prints a markdown table (medians) and whether
both give the same objective and plan. Deriving the edited scenario is outside both timings.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from models.edits import Exclude, Force, StartFrom, derive, value_edit
from models.load import load_scenario
from solver import SolveOptions, solve
from solver.live import LiveModel

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"
EDITS = {
    "force_in gs-gare-nord": (Force("gs-gare-nord"),),
    "drop ext-langevin": (Exclude("ext-langevin"),),
    "defer ext-langevin": (Force("ext-langevin"), StartFrom("ext-langevin", 2027)),
    "budget 2030 +1 M€": (value_edit("budget.annual.2030", "10500000"),),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    options = SolveOptions(threads=1)
    scenario = load_scenario(str(EXAMPLE))
    t0 = time.perf_counter()
    live = LiveModel(scenario, options)
    setup = time.perf_counter() - t0
    base = live.solve()
    print(f"LiveModel set-up (build + load once): {setup:.3f} s; base objective {base.objective:.3f}\n")
    print("| edit | live re-solve (s) | build + solve (s) | live / rebuild | same answer |")
    print("|---|---|---|---|---|")
    for name, edits in EDITS.items():
        edited = derive(scenario, edits)
        times: dict[str, list[float]] = {"live": [], "plain": []}
        plans = {}
        for _ in range(args.repeats):
            for how in ("live", "plain"):
                t0 = time.perf_counter()
                plans[how] = live.solve(edited) if how == "live" else solve(edited, options)
                times[how].append(time.perf_counter() - t0)
        a, b = statistics.median(times["live"]), statistics.median(times["plain"])
        same = plans["live"].objective == plans["plain"].objective and dict(plans["live"].starts) == dict(
            plans["plain"].starts
        )
        print(f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f} | {'yes' if same else 'no'} |")
    print(f"\nlive answers: {live.live_solves}, fallbacks: {live.fallbacks}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
