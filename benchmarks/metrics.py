"""Search metrics derived from a solver's trajectory: time to first plan, to a gap, to the optimum, gap at t.

A trajectory is a list of points (seconds, best objective, best bound) as the solver reports them while it
searches (HiGHS' progress callback, CBC's log lines); None is "not known yet". Times are on one axis per run,
the solver's clock shifted by the overhead before it (model assembly, loading, writing files): see
`benchmarks.run`. The final state (the plan's objective and the solver's final bound, at the end of the run)
is appended as the last point, so a run that ends between two progress reports is judged on its result.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.engines import relative_gap

Point = tuple[float, float | None, float | None]

# A point up to this long after t (1 % of t plus half a second) still counts as "at t": a run whose time
# limit is t ends a little after it, with the overhead before the solver's clock and the final bookkeeping.
GRACE_SHARE = 0.01
GRACE_S = 0.5


@dataclass(frozen=True)
class SearchMetrics:
    time_to_first_plan_s: float | None
    time_to_1pct_s: float | None  # None: the run never reached a 1 % gap
    time_to_optimal_s: float | None  # None: not proven optimal
    gap_at_10s: float | None  # None: no plan by then, or the run stopped (time limit) before
    gap_at_60s: float | None

    def as_dict(self) -> dict[str, float | None]:
        return dict(self.__dict__)


def monotone(points: list[Point]) -> list[Point]:
    """Best objective so far (least) and best bound so far (largest), time-ordered."""
    out: list[Point] = []
    best: float | None = None
    bound: float | None = None
    for t, p, d in sorted(points, key=lambda q: q[0]):
        if p is not None and (best is None or p < best):
            best = p
        if d is not None and (bound is None or d > bound):
            bound = d
        if best is not None and bound is not None and bound > best:
            bound = best  # a bound above the incumbent is rounding: the gap is closed
        out.append((t, best, bound))
    return out


def time_to_gap(points: list[Point], gap: float) -> float | None:
    """First time the relative gap (objective − bound) / |objective| is at most `gap`."""
    for t, p, d in monotone(points):
        g = relative_gap(p, d)
        if g is not None and g <= gap:
            return t
    return None


def gap_at(points: list[Point], t: float, end_s: float, stopped_early: bool) -> float | None:
    """Relative gap at time t: the last point at or before t (with the grace above).

    A run that ended before t keeps its final gap unless it was stopped early (time limit below t), when
    the gap it would have had at t is unknown (None).
    """
    if end_s <= t and stopped_early:
        return None
    last = None
    for q in monotone(points):
        if q[0] <= t * (1 + GRACE_SHARE) + GRACE_S:
            last = q
    return None if last is None else relative_gap(last[1], last[2])


def search_metrics(
    points: list[Point],
    *,
    end_s: float,
    objective: float | None,
    bound: float | None,
    optimal: bool,
    stopped_early: bool,
) -> SearchMetrics:
    """Every metric of a run from its trajectory and its final state at `end_s`.

    `stopped_early`: the run ended on its time limit (or another limit), not on a proof.
    """
    full = list(points)
    if objective is not None or bound is not None:
        full.append((end_s, objective, bound))
    first = next((t for t, p, _ in monotone(full) if p is not None), None)
    return SearchMetrics(
        time_to_first_plan_s=first,
        time_to_1pct_s=time_to_gap(full, 0.01),
        time_to_optimal_s=end_s if optimal else None,
        gap_at_10s=gap_at(full, 10.0, end_s, stopped_early),
        gap_at_60s=gap_at(full, 60.0, end_s, stopped_early),
    )
