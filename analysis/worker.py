"""A sweep worker process: `python -m analysis.worker` reads one task a line (JSON) on stdin and answers one
result a line (JSON) on its original stdout.

Workers are plain subprocesses rather than multiprocessing's: a "spawn" pool runs the caller's main script
again in every worker (an analyst's script without a `__main__` guard would start over), and a "fork"
pool would copy a parent whose solver threads may be running. Anything a library prints is sent to stderr
so that the answer channel carries nothing else.
"""

from __future__ import annotations

import json
import os
import sys
import traceback


def main() -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # stray output (solver banners, prints) goes to stderr
    sys.stdout = sys.stderr
    from analysis.sweep import Point, SweepSpec, solve_point

    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        try:
            raw = task["spec"]
            fixed = tuple((pid, start) for pid, start in raw.get("fixed", []))
            start = tuple((pid, year) for pid, year in raw.get("start", []))
            spec = SweepSpec(**{**raw, "sets": tuple(raw["sets"]), "points": (), "fixed": fixed, "start": start})
            p = task["point"]
            point = Point(p["budget_scale"], tuple(tuple(v) for v in p["values"]), p.get("name"))
            answer = {"key": task["key"], "result": solve_point(spec, point)}
        except Exception as exc:  # reported to the parent, which stops the sweep with it
            answer = {"key": task["key"], "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
