"""Read a CBC log: the real stopping reason, the LP and root bounds, and the search trajectory.

PuLP reports "Optimal" for a run that CBC stopped on its time limit; the `Result - ...` line and the
`Lower bound:` line of CBC's log (the patterns of `solver.engines`) say what happened. The trajectory is
read from the lines that carry a time (CBC's own wall clock with `-timeMode elapsed`, which PuLP sets):

    Continuous objective value is V - T seconds                     LP relaxation (a bound)
    Cbc0012I / Cbc0004I Integer solution of X found ... (T seconds)  a new incumbent
    Cbc0010I After N nodes, M on tree, X best solution, best possible Y (T seconds)
    Cbc0005I Partial search - best objective X (best possible Y), took ... (T seconds)
    Cbc0001I Search completed - best objective X, took ... (T seconds)

and the root bound from `Cbc0013I At root node, N cuts changed objective from A to B` (B). Values are those
of the model CBC read: add the model's objective offset where it has one (`solver.engines.solve_cbc`
keeps its constant outside the MPS file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from solver.engines import CBC_BOUND, CBC_OBJECTIVE, CBC_RESULT

# CBC writes 1e+50 for "no incumbent yet" and ±1.79769e+308 for "no bound".
CBC_INFINITY = 1e49

_NUM = r"(-?[\d.]+(?:e[+-]?\d+)?)"
_CONTINUOUS = re.compile(rf"^Continuous objective value is {_NUM} - {_NUM} seconds", re.M)
_INTEGER = re.compile(rf"Integer solution of {_NUM} found.*\({_NUM} seconds\)")
_NODES = re.compile(rf"After \d+ nodes, \d+ on tree, {_NUM} best solution, best possible {_NUM} \({_NUM} seconds\)")
_PARTIAL = re.compile(rf"Partial search - best objective {_NUM} \(best possible {_NUM}\).*\({_NUM} seconds\)")
_COMPLETED = re.compile(rf"Search completed - best objective {_NUM},.*\({_NUM} seconds\)")
_ROOT = re.compile(rf"At root node, \d+ cuts changed objective from {_NUM} to {_NUM}")
_WALL = re.compile(rf"^Total time \(CPU seconds\):\s+{_NUM}\s+\(Wallclock seconds\):\s+{_NUM}", re.M)
_TIME = re.compile(rf"^Time \(Wallclock seconds\):\s+{_NUM}", re.M)

Point = tuple[float, float | None, float | None]  # (seconds, best objective, best bound)


@dataclass
class CbcLog:
    """What a CBC log says (values of the model CBC read, without any offset)."""

    result: str | None = None  # "Optimal solution found", "Stopped on time limit", ...
    objective: float | None = None
    bound: float | None = None  # "Lower bound:" of the final summary
    lp_bound: float | None = None  # continuous objective value before pre-processing
    root_bound: float | None = None  # after the root node's cuts
    wall_s: float | None = None  # CBC's total wall clock
    trajectory: list[Point] = field(default_factory=list)

    def time_limit_hit(self, time_limit: float | None) -> bool:
        """CBC said it stopped on the time limit."""
        return time_limit is not None and self.result is not None and "time" in self.result.lower()

    def shifted(self, offset: float) -> CbcLog:
        """The same log with `offset` added to every objective value and bound."""

        def add(v: float | None) -> float | None:
            return None if v is None else v + offset

        return CbcLog(
            result=self.result,
            objective=add(self.objective),
            bound=add(self.bound),
            lp_bound=add(self.lp_bound),
            root_bound=add(self.root_bound),
            wall_s=self.wall_s,
            trajectory=[(t, add(p), add(d)) for t, p, d in self.trajectory],
        )


def _finite(v: str) -> float | None:
    x = float(v)
    return None if abs(x) >= CBC_INFINITY else x


def _keep(new: float | None, old: float | None) -> float | None:
    return old if new is None else new


def parse_cbc_log(text: str) -> CbcLog:
    """Parse the log CBC writes with `logPath` (PuLP's `-printingOptions all` run)."""
    log = CbcLog()
    if m := CBC_RESULT.search(text):
        log.result = m.group(1).strip()
    if m := CBC_OBJECTIVE.search(text):
        log.objective = _finite(m.group(1))
    if m := CBC_BOUND.search(text):
        log.bound = _finite(m.group(1))
    if m := _ROOT.search(text):
        log.root_bound = _finite(m.group(2))
    if m := _WALL.search(text):
        log.wall_s = float(m.group(2))
    elif m := _TIME.search(text):
        log.wall_s = float(m.group(1))
    best: float | None = None
    bound: float | None = None
    for line in text.splitlines():
        if m := _CONTINUOUS.search(line):
            log.lp_bound = _finite(m.group(1))
            bound = log.lp_bound
            log.trajectory.append((float(m.group(2)), best, bound))
        elif m := _INTEGER.search(line):
            value = _finite(m.group(1))
            best = value if best is None or (value is not None and value < best) else best
            log.trajectory.append((float(m.group(2)), best, bound))
        elif m := _NODES.search(line):
            best, bound = _keep(_finite(m.group(1)), best), _keep(_finite(m.group(2)), bound)
            log.trajectory.append((float(m.group(3)), best, bound))
        elif m := _PARTIAL.search(line):
            best, bound = _keep(_finite(m.group(1)), best), _keep(_finite(m.group(2)), bound)
            log.trajectory.append((float(m.group(3)), best, bound))
        elif m := _COMPLETED.search(line):
            best = _keep(_finite(m.group(1)), best)
            final = log.bound if log.bound is not None else best  # proven within the requested gap
            bound = final if final is not None else bound
            log.trajectory.append((float(m.group(2)), best, bound))
    if log.result and log.result.startswith("Optimal") and log.objective is not None and not log.trajectory:
        # Solved in pre-processing: no search line, only the summary.
        done = log.wall_s or 0.0
        log.trajectory.append((done, log.objective, log.bound if log.bound is not None else log.objective))
    return log
