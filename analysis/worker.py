"""A sweep worker process: `python -m analysis.worker` reads one task a line (JSON) on stdin and answers one
result a line (JSON) on its original stdout.

The first line carries the sweep (its base scenario and solve options), each later one a point (typed
edits) and its key; both are pickled by `analysis.sweep`, which starts these processes. A later sweep line
replaces the one held (several scenarios solved by one pool: `analysis.sweep.solve_scenarios`). A point
asks for its verified result file (`solve_point`), or for the solver's plan (`"answer": "plan"`,
`solve_plan`), which the caller verifies.

Workers are plain subprocesses rather than multiprocessing's: a "spawn" pool runs the caller's main script
again in every worker (an analyst's script without a `__main__` guard would start over), and a "fork"
pool would copy a parent whose solver threads may be running. Anything a library prints is sent to stderr
so that the answer channel carries nothing else.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback


def main() -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # stray output (solver banners, prints) goes to stderr
    sys.stdout = sys.stderr
    from analysis.sweep import pickled, solve_plan, solve_point, unpickled

    for name in ("solver", "results.result"):  # imported now, while the caller reads its files (see
        importlib.import_module(name)  # analysis.processes), not at the first point

    spec = None
    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        if "spec" in task:
            spec = unpickled(task["spec"])
            continue
        try:
            if spec is None:
                raise RuntimeError("a point came before the sweep it belongs to")
            point = unpickled(task["point"])
            if task.get("answer") == "plan":  # the solver's plan, verified by the caller
                answer = {"key": task["key"], "result": pickled(solve_plan(spec, point))}
            else:
                answer = {"key": task["key"], "result": solve_point(spec, point)}
        except Exception as exc:  # reported to the parent, which stops the sweep with it
            answer = {"key": task["key"], "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
