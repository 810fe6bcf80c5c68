"""Re-solve edited scenarios on one live HiGHS model: bounds and right-hand sides changed, nothing rebuilt in HiGHS.

    live = LiveModel(scenario, SolveOptions(threads=1))
    plan = live.solve(derive(scenario, [Force("gs-plateau")]))      # as solver.solve(derived), one model loaded

`LiveModel` builds the scenario's `MatrixModel` once and passes it to one `highspy.Highs` instance once.
A re-solve of an edited scenario E builds E's matrix model (cheap: build_model) and *embeds* it in the
live one L when it can:

- every column of E is a column of L of the same name (the columns of L that E lacks — an excluded
  project's starts, the starts before a `StartFrom` year — are fixed to 0);
- every row of E is a row of L of the same name, or `mandatory[p]` for L's `select_once[p]` (a `Force` of a
  candidate: the row's lower bound becomes 1); the rows of L that E lacks are made free;
- the coefficients of A on those rows and columns, the costs c, the integrality and the objective offset
  are exactly E's.

Then L with E's bounds on the mapped columns and rows is E plus columns fixed at 0 and free rows: the same
problem. Only the bounds that differ from L's current ones are pushed (`changeColsBounds`,
`changeRowsBounds`); after the run they are put back to the base's and HiGHS' solution is cleared, so every
answer starts from the base model, whatever was solved before. Envelope changes (`ScaleBudget`,
`budget.annual.Y=...`) are right-hand sides computed by the formulation itself, committed constants, carry
and cumulative rows included. Anything else — a new row or column (a window moved beyond the base's, an
identical-projects group split by a `Force`), another coefficient (a money unit that changed with the
envelopes, a cost) — is solved by `solver.solve` from scratch (`fallback`), so the answer never depends on the
live model. The plan is read back through E's model (`settle`, `plan_from_result`): its objective,
status and start years are E's, and callers verify it against E (`results.verified`) as any plan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from models.plan import Plan
from models.scenario import Scenario
from solver.engines import SolveOptions, configured_highs, pass_model, run_highs
from solver.formulation import MatrixModel, build_model
from solver.solve import plan_from_result, settle, solve, start_columns

# A row of the edited model that may stand for a row of the live one under another name: a candidate forced in.
ROW_ALIASES = {"mandatory": "select_once"}


@dataclass(frozen=True)
class Embedding:
    """Where the edited model's columns and rows are in the live model (index arrays, edited → live)."""

    cols: np.ndarray
    rows: np.ndarray


def _alias(name: str) -> str | None:
    stem, bracket, rest = name.partition("[")
    other = ROW_ALIASES.get(stem)
    return f"{other}{bracket}{rest}" if other is not None and bracket else None


def embedding(live: MatrixModel, edited: MatrixModel, col_index: Mapping[str, int], row_index: Mapping[str, int]):
    """The `Embedding` of `edited` in `live`, or None (with the reason) when `edited` is not `live` with other
    bounds, some columns fixed at 0 and some rows free."""
    if edited.money != live.money:
        return None, "money unit"
    if edited.offset != live.offset:
        return None, "objective offset"
    cols = np.empty(len(edited.col_names), dtype=np.int64)
    for i, name in enumerate(edited.col_names):
        j = col_index.get(name)
        if j is None:
            return None, f"new column {name}"
        cols[i] = j
    rows = np.empty(len(edited.row_names), dtype=np.int64)
    for i, name in enumerate(edited.row_names):
        r = row_index.get(name)
        if r is None:
            alias = _alias(name)
            r = row_index.get(alias) if alias is not None else None
        if r is None:
            return None, f"new row {name}"
        rows[i] = r
    if len(set(cols.tolist())) != len(cols) or len(set(rows.tolist())) != len(rows):
        return None, "two names for one column or row"
    if not np.array_equal(live.c[cols], edited.c):
        return None, "costs"
    if not np.array_equal(live.integrality[cols], edited.integrality):
        return None, "integrality"
    sub = live.A[rows][:, cols].tocsr()
    sub.sort_indices()
    mine = edited.A.tocsr()
    mine.sort_indices()
    if (sub != mine).nnz:
        return None, "coefficients"
    return Embedding(cols, rows), ""


class LiveModel:
    """One scenario's model loaded once in HiGHS; `solve(edited)` answers edited scenarios on it (see the
    module's docstring). Counters: `live_solves`, `fallbacks`, and `last_fallback` (why the last one)."""

    def __init__(self, scenario: Scenario, options: SolveOptions | None = None) -> None:
        self.scenario = scenario
        self.options = options or SolveOptions()
        if self.options.solver != "highs":
            raise ValueError("a live model runs HiGHS (solver 'highs')")
        t0 = time.perf_counter()
        self.model = build_model(scenario)
        self.build_s = time.perf_counter() - t0
        self.col_index = {name: j for j, name in enumerate(self.model.col_names)}
        self.row_index = {name: i for i, name in enumerate(self.model.row_names)}
        self.highs = configured_highs(self.options)
        self.load_s = pass_model(self.highs, self.model) if self.model.shape[1] else 0.0
        m = self.model  # the bounds HiGHS holds now
        self._bounds = (m.col_lower.copy(), m.col_upper.copy(), m.row_lower.copy(), m.row_upper.copy())
        self.live_solves = 0
        self.fallbacks = 0
        self.last_fallback = ""

    def solve(self, edited: Scenario | None = None, start: Mapping[str, int | None] | None = None) -> Plan:
        """The plan of `edited` (default: the base scenario), as `solver.solve(edited, options, start)` would
        find it: on the live model when `edited`'s model embeds in it, else by a fresh solve."""
        scenario = self.scenario if edited is None else edited
        t0 = time.perf_counter()
        model = self.model if edited is None else build_model(scenario)
        plan = self.answer(scenario, model, time.perf_counter() - t0, start)
        if plan is not None:
            return plan
        self.fallbacks += 1
        return solve(scenario, self.options, start=start)

    def answer(
        self, scenario: Scenario, model: MatrixModel, build_s: float, start: Mapping[str, int | None] | None = None
    ) -> Plan | None:
        """The plan of `scenario` (whose model is `model`) on the live model, or None when `model` does not
        embed in it (`last_fallback` says why)."""
        if model.shape[1] == 0 or self.model.shape[1] == 0:
            self.last_fallback = "no decision left"
            return None
        where, reason = embedding(self.model, model, self.col_index, self.row_index)
        if where is None:
            self.last_fallback = reason
            return None
        result = self._run(model, where, start_columns(scenario, model, start) if start is not None else None)
        self.live_solves += 1
        return plan_from_result(scenario, model, settle(model, result), self.options, build_s)

    def _targets(self, model: MatrixModel, where: Embedding) -> tuple[np.ndarray, ...]:
        base = self.model
        col_lo, col_hi = np.zeros_like(base.col_lower), np.zeros_like(base.col_upper)
        col_lo[where.cols], col_hi[where.cols] = model.col_lower, model.col_upper
        row_lo, row_hi = np.full_like(base.row_lower, -np.inf), np.full_like(base.row_upper, np.inf)
        row_lo[where.rows], row_hi[where.rows] = model.row_lower, model.row_upper
        return col_lo, col_hi, row_lo, row_hi

    def _push(self, col_lo: np.ndarray, col_hi: np.ndarray, row_lo: np.ndarray, row_hi: np.ndarray) -> None:
        """Set the live bounds to these, pushing only those that differ from the current ones."""
        cur = self._bounds
        cols = np.flatnonzero((cur[0] != col_lo) | (cur[1] != col_hi)).astype(np.int32)
        if len(cols):
            self.highs.changeColsBounds(len(cols), cols, col_lo[cols], col_hi[cols])
        rows = np.flatnonzero((cur[2] != row_lo) | (cur[3] != row_hi)).astype(np.int32)
        if len(rows):
            self.highs.changeRowsBounds(len(rows), rows, row_lo[rows], row_hi[rows])
        self._bounds = (col_lo.copy(), col_hi.copy(), row_lo.copy(), row_hi.copy())

    def restore(self) -> None:
        """The base model's bounds back, and no solution kept from the last run."""
        base = self.model
        self._push(base.col_lower, base.col_upper, base.row_lower, base.row_upper)
        self.highs.clearSolver()

    def _run(self, model: MatrixModel, where: Embedding, start: Mapping[int, float] | None):
        """Run HiGHS on the live model set to `model`'s bounds; the result read as `model`'s columns."""
        self.restore()
        self._push(*self._targets(model, where))
        live_start = None
        if start is not None:  # edited column → live column; the start columns `model` lacks stay at 0
            live_start = dict.fromkeys(set(self.model.start_col.values()) - set(where.cols.tolist()), 0.0)
            live_start.update({int(where.cols[j]): v for j, v in start.items()})
        h = self.highs
        try:
            result = run_highs(h, self.model, self.options, live_start)
        finally:
            for event in (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt):
                event.clear()  # run_highs subscribes its listeners again at every run
            self.restore()
        x = result.x[where.cols] if result.x is not None else None
        return replace(result, x=x, info={**result.info, "live": True})
