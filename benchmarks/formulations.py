"""Candidate strengthenings of the model, measured in the benchmark before any is kept in `solver/formulation.py`.

Each function takes the repository's `MatrixModel` and returns it with extra rows, valid for at least one
optimal plan of every scenario, so that the optimum is unchanged (tests/solver/test_formulations.py checks it
against the brute force). They are benchmark variants (`highs-covers`, `highs-links`, `highs-budget-covers`
in `benchmarks.run`), not the default model, because measured in the same runs they did not make HiGHS
faster (docs/benchmarks-formulation.md, docs/benchmarks-transfers-finance.md); they stay here so that the
measurement can be repeated on other instances and knobs.

Notation as in `solver/formulation.py`; z[p,y] = Σ_{s : s + lag_p ≤ y} x[p,s] is "project p delivers by year y",
a[p] its coefficient in the row unmet[d,k,y] (capacity counted, already clipped at what the row can use).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from solver.formulation import MatrixModel

# Covers are enumerated over subsets of at most this many projects of a row (a district has a handful).
MAX_COVER_SIZE = 4
_EPS = 1e-9
_UNMET = re.compile(r"unmet\[(.+),(.+),(\d+)\]$")


def with_rows(model: MatrixModel, rows: list[tuple[str, dict[int, float], float, float]]) -> MatrixModel:
    """The model with rows (name, terms, lower, upper) appended."""
    if not rows:
        return model
    r_idx, c_idx, vals = [], [], []
    for i, (_, terms, _, _) in enumerate(rows):
        for j, v in terms.items():
            r_idx.append(i)
            c_idx.append(j)
            vals.append(v)
    extra = sp.csr_matrix((vals, (r_idx, c_idx)), shape=(len(rows), model.shape[1]))
    return replace(
        model,
        A=sp.vstack([model.A, extra], format="csr"),
        row_lower=np.append(model.row_lower, [r[2] for r in rows]),
        row_upper=np.append(model.row_upper, [r[3] for r in rows]),
        row_names=[*model.row_names, *(r[0] for r in rows)],
    )


def _projects_in_row(
    A: sp.csr_matrix, r: int, project_of: dict[int, str]
) -> tuple[dict[str, tuple[float, list[int]]], dict[int, float]]:
    """The start columns of row r grouped by project — {project: (its coefficient a, its columns)} — and the
    other columns with their coefficients."""
    groups: dict[str, tuple[float, list[int]]] = {}
    others: dict[int, float] = {}
    for j, v in zip(A.indices[A.indptr[r] : A.indptr[r + 1]], A.data[A.indptr[r] : A.indptr[r + 1]], strict=True):
        pid = project_of.get(int(j))
        if pid is None:
            others[int(j)] = float(v)
        else:
            a, cols = groups.get(pid, (float(v), []))
            groups[pid] = (a, [*cols, int(j)])
    return groups, others


def add_demand_covers(model: MatrixModel) -> MatrixModel:
    """cover[d,k,y,p₁+…+p_m]: for a set S of projects of the row unmet[d,k,y] that together cover its
    residual demand (a(S) = Σ_{i∈S} a[i] ≥ R) and none of which is superfluous (g_i = R − a(S) + a[i] > 0):

        w + Σ_{i∈S} g_i z[i,y] + Σ_{j∉S} min(a[j], G) z[j,y] ≥ G,    G = Σ_{i∈S} g_i

    where w is the rest of the row (u[d,k,y] and transfers out, all ≥ 0). Valid: with C ⊆ S the projects of S
    not delivered, Σ_{i∈C} g_i = |C|(R − a(S)) + a(C) ≤ R − a(S) + a(C) = R − a(S∖C) when C ≠ ∅ (as
    a(S) ≥ R), and w ≥ max(0, R − Σ a z) — the cover is the face of the convex hull of {(w, z)} through the
    points "all of S" and "all of S but one", where the row itself is far from tight. Only rows whose other
    columns are all ≥ 0 with coefficient 1 (no inflow from neighbours) get covers; subsets of at most
    MAX_COVER_SIZE projects.
    """
    A = model.A.tocsr()
    project_of = {j: pid for (pid, _), j in model.start_col.items()}
    rows: list[tuple[str, dict[int, float], float, float]] = []
    for r, name in enumerate(model.row_names):
        match = _UNMET.match(name)
        if match is None:
            continue
        groups, others = _projects_in_row(A, r, project_of)
        if len(groups) < 2 or any(model.col_lower[j] < 0 or v != 1.0 for j, v in others.items()):
            continue
        demand = model.row_lower[r]
        items = sorted(groups.items())
        for size in range(2, min(MAX_COVER_SIZE, len(items)) + 1):
            for subset in itertools.combinations(range(len(items)), size):
                total = sum(items[i][1][0] for i in subset)
                if total < demand - _EPS:
                    continue
                g = {i: demand - total + items[i][1][0] for i in subset}
                if min(g.values()) <= _EPS:
                    continue
                big_g = sum(g.values())
                terms = dict.fromkeys(others, 1.0)
                for i, (_, (a, cols)) in enumerate(items):
                    coefficient = g[i] if i in g else min(a, big_g)
                    terms.update(dict.fromkeys(cols, coefficient))
                ids = "+".join(items[i][0] for i in subset)
                rows.append((f"cover[{','.join(match.groups())},{ids}]", terms, big_g, np.inf))
    return with_rows(model, rows)


def add_transfer_links(model: MatrixModel) -> MatrixModel:
    """link[d,e,k,y]: demand of d sent to e uses capacity that e has — spare capacity it already has, the
    capacity of a project of e delivered by y (the strong linking of capacitated facility location), or
    capacity e frees by sending its own demand on to its other neighbours:

        t[d,e,k,y] ≤ max(−R[e,k,y], 0) + Σ_{p ∈ e} min(a[p], T[d,k,y]) z[p,y] + Σ_{f ≠ d} t[e,f,k,y]

    with T the cap of t. Valid for an optimal plan when the transfer penalty is ≥ 0: an optimal plan never
    sends demand into a district that leaves some of its own unmet (serving its own instead is never worse),
    so e's row u + Σ a z + out − in ≥ R gives in ≤ max(−R, 0) + Σ a z + out, and a project counts for at
    most T. (Without the last sum the rows are not valid: a chain d → e → f is how demand reaches f when d
    and f are not neighbours — the property test found it.) Added only where e has a row (elsewhere its
    spare capacity covers every inflow) and the link can bind.
    """
    A = model.A.tocsr()
    project_of = {j: pid for (pid, _), j in model.start_col.items()}
    index = {name: r for r, name in enumerate(model.row_names) if name.startswith("unmet[")}
    onward: dict[tuple[str, str, int], dict[str, int]] = {}
    for (d, e, k, y), j in model.transfer_col.items():
        onward.setdefault((d, k, y), {})[e] = j
    rows: list[tuple[str, dict[int, float], float, float]] = []
    for (d, e, k, y), j in sorted(model.transfer_col.items()):
        r = index.get(f"unmet[{e},{k},{y}]")
        if r is None:
            continue
        spare = max(-model.row_lower[r], 0.0)
        cap = model.col_upper[j]
        if spare >= cap:
            continue
        groups, _ = _projects_in_row(A, r, project_of)
        terms = {j: 1.0}
        for a, cols in groups.values():
            terms.update(dict.fromkeys(cols, -min(a, cap)))
        for f, jf in onward.get((e, k, y), {}).items():
            if f != d:
                terms[jf] = -1.0
        rows.append((f"link[{d},{e},{k},{y}]", terms, -np.inf, spare))
    return with_rows(model, rows)


def dominated_columns(model: MatrixModel) -> list[int]:
    """Start columns that can never help: x[p,s] with a cost ≥ 0 whose every coefficient only tightens its
    row (≥ 0 in a row with an upper bound only, ≤ 0 in a row with a lower bound only, absent from equality
    and ranged rows), so that x[p,s] = 0 is never worse — a start year that delivers nothing the plan can
    use, or a project no demand, budget or prerequisite row gives a use to. The presolve reduction the
    benchmark counts: HiGHS' own presolve removes such columns too."""
    A = model.A.tocsc()
    lower_only = np.isfinite(model.row_lower) & ~np.isfinite(model.row_upper)
    upper_only = ~np.isfinite(model.row_lower) & np.isfinite(model.row_upper)
    out = []
    for j in np.flatnonzero(model.integrality):
        if model.c[j] < 0:
            continue
        rows = A.indices[A.indptr[j] : A.indptr[j + 1]]
        vals = A.data[A.indptr[j] : A.indptr[j + 1]]
        if all((upper_only[r] and v >= 0) or (lower_only[r] and v <= 0) for r, v in zip(rows, vals, strict=True)):
            out.append(int(j))
    return out


def add_budget_covers(model: MatrixModel, rounds: int = 10) -> MatrixModel:
    """budget_cover[y,#]: lifted cover inequalities of the yearly budget rows, separated at the LP optimum.

    A budget row Σ_{p,s} c[p,y|s] x[p,s] ≤ B with select_once (Σ_s x[p,s] ≤ 1): for a set C of projects and
    a threshold θ_p for each (one of its coefficients) with Σ_{p∈C} θ_p > B, at most |C| − 1 of them can start
    in a year that costs them at least θ_p in y:

        Σ_{p∈C} Σ_{s : c[p,y|s] ≥ θ_p} x[p,s] ≤ |C| − 1

    (the GUB-lifted cover: starting p in any such year spends at least θ_p). Separation: a greedy cover on
    (1 − v_p) / θ_p, v_p the LP weight of those starts, then made minimal; a cut is added when Σ (1 − v_p) < 1.
    Up to `rounds` rounds of LP solve (SciPy's HiGHS) and separation. Rows with a carry-over or any
    non-binary column are skipped.
    """
    from scipy.optimize import linprog

    project_of = {j: pid for (pid, _), j in model.start_col.items()}
    A = model.A.tocsr()
    knapsacks = []
    for r, name in enumerate(model.row_names):
        cols, vals = A.indices[A.indptr[r] : A.indptr[r + 1]], A.data[A.indptr[r] : A.indptr[r + 1]]
        if name.startswith("budget") and len(cols) and all(int(j) in project_of for j in cols) and (vals > 0).all():
            knapsacks.append((name, cols, vals, model.row_upper[r]))
    rows: list[tuple[str, dict[int, float], float, float]] = []
    for _ in range(rounds):
        current = with_rows(model, rows)
        finite = np.isfinite(current.row_upper)
        lower = np.isfinite(current.row_lower)
        lp = linprog(
            current.c,
            A_ub=sp.vstack([current.A[finite], -current.A[lower]]),
            b_ub=np.concatenate([current.row_upper[finite], -current.row_lower[lower]]),
            bounds=list(zip(current.col_lower, current.col_upper, strict=True)),
            method="highs",
        )
        if lp.status != 0:
            break
        found = [cut for row in knapsacks if (cut := _separate_cover(row, project_of, lp.x)) is not None]
        if not found:
            break
        rows += found
    return with_rows(model, rows)


def _separate_cover(row, project_of: dict[int, str], x: np.ndarray):
    """The most violated lifted cover of one budget row found greedily at the LP point x, or None."""
    name, cols, vals, capacity = row
    starts: dict[str, list[tuple[float, int]]] = {}
    for j, v in zip(cols, vals, strict=True):
        starts.setdefault(project_of[int(j)], []).append((float(v), int(j)))
    items = []
    for pid, options in starts.items():
        best = None
        for theta in sorted({v for v, _ in options}, reverse=True):
            covered = [j for v, j in options if v >= theta - _EPS]
            weight = float(sum(x[j] for j in covered))
            key = ((1.0 - weight) / theta, -theta)
            if best is None or key < best[0]:
                best = (key, theta, weight, covered, pid)
        items.append(best)
    items.sort(key=lambda item: item[0])
    cover, total = [], 0.0
    for item in items:
        cover.append(item)
        total += item[1]
        if total > capacity + _EPS:
            break
    if total <= capacity + _EPS:
        return None
    for item in sorted(cover, key=lambda item: -(1.0 - item[2])):  # drop what the cover does not need
        if total - item[1] > capacity + _EPS:
            cover.remove(item)
            total -= item[1]
    if len(cover) < 2 or sum(1.0 - item[2] for item in cover) >= 1.0 - 1e-6:
        return None
    terms = {j: 1.0 for item in cover for j in item[3]}
    ids = "+".join(sorted(item[4] for item in cover))
    return (f"budget_cover[{name},{ids}]", terms, -np.inf, float(len(cover) - 1))


_BUDGET_YEAR = re.compile(r"budget\[(\d+)\]$")


def add_budget_windows(model: MatrixModel, max_length: int | None = None) -> MatrixModel:
    """budget_window[y₁,y₂]: the yearly envelopes of consecutive years y₁ < y₂ added up,

        Σ_{y=y₁..y₂} Σ_{p,s} c[p,y|s] x[p,s] ≤ Σ_{y=y₁..y₂} (B[y] − C[y])

    (a sum of rows `budget[y]`, so valid for every plan: the LP bound does not move). What it gives is a row
    in which a project whose CP profile fits in the window weighs its whole city cost whatever its start year,
    so that the solver's own knapsack cover and MIR cuts on it are not diluted by an LP that spreads the
    project over several start years (the weakness of the yearly rows, see `add_budget_covers`). Windows of
    2 to `max_length` years (None: the whole horizon); rows without a budget[y] family (carry-over) are left.
    """
    A = model.A.tocsr()
    yearly = sorted(
        (int(m.group(1)), r)
        for r, name in enumerate(model.row_names)
        if (m := _BUDGET_YEAR.match(name)) and not np.isfinite(model.row_lower[r]) and np.isfinite(model.row_upper[r])
    )
    rows: list[tuple[str, dict[int, float], float, float]] = []
    longest = len(yearly) if max_length is None else max_length
    for i in range(len(yearly)):
        terms: dict[int, float] = {}
        rhs = 0.0
        for j in range(i, min(len(yearly), i + longest)):
            y, r = yearly[j]
            if j > i and y != yearly[j - 1][0] + 1:
                break
            for c, v in zip(
                A.indices[A.indptr[r] : A.indptr[r + 1]], A.data[A.indptr[r] : A.indptr[r + 1]], strict=True
            ):
                terms[int(c)] = terms.get(int(c), 0.0) + float(v)
            rhs += float(model.row_upper[r])
            if j > i:
                rows.append((f"budget_window[{yearly[i][0]},{y}]", dict(terms), -np.inf, rhs))
    return with_rows(model, rows)


def unclip(model: MatrixModel, scenario) -> MatrixModel:
    """The model with every project's coefficient in the rows unmet[d,k,y] put back to its full capacity
    counted, a[p,k] = confidence_p × capacity_p[k], instead of min(a[p,k], R + M) (`add_unmet_demand`): the
    textbook row, to measure what the default clipping (a coefficient reduction: same integer plans, same
    unmet demand) does to the solver. Benchmark variant `highs-noclip`."""
    project_of = {j: pid for (pid, _), j in model.start_col.items()}
    A = model.A.tocsr(copy=True)
    for r, name in enumerate(model.row_names):
        m = _UNMET.match(name)
        if m is None:
            continue
        kind = m.group(2)
        for i in range(A.indptr[r], A.indptr[r + 1]):
            pid = project_of.get(int(A.indices[i]))
            if pid is not None:
                p = scenario.project[pid]
                A.data[i] = p.confidence * p.capacity.get(kind, 0.0)
    return replace(model, A=A)


# Transforms that need the scenario, not only the model (benchmark variants of `benchmarks.run`).
SCENARIO_EXTENSIONS = {"noclip": unclip}

EXTENSIONS = {
    "covers": add_demand_covers,
    "links": add_transfer_links,
    "budget-covers": add_budget_covers,
    "budget-windows": add_budget_windows,
}
