"""Neighbour transfers (issue 18): the time with transfers against without, old and new formulation, in one run.

    python -m benchmarks.transfers [--repeats 3] [--seeds 0,1,2] [--out docs/benchmarks-transfers.md]

Instances, each solved without transfers and with them:

- **Exemple-Ville with its ring** (`ring_scenario`): the shipped scenario, each of its 12 quartiers a
  neighbour of the next in the file's order and the last of the first (a ring), and a `transfers` block
  (maternelle and élémentaire, up to 10 % of the demand, penalty ½: the generator's dérogations).
- **A 20-school commune** (`commune_data`, seeded): 20 school sectors (secteurs scolaires), one groupe scolaire
  each, on a 4 × 5 grid whose adjacent sectors are neighbours; built here, reproducibly from its seed.
- **Rennes** (scenarios/rennes) with its own neighbours and transfers, against its transfers block removed.

Without transfers the model is solved once per repetition; with transfers three times: the repository's model
(`build_model`, only the transfer columns some optimal plan may use: docs/model.md, "Which transfer columns the
model keeps"), the full model (`build_model(..., reduce_transfers=False)`, one column per neighbour pair, kind and
year, as before issue 18) and the repository's model with the `own_cost` rows (`own_cost_rows`, a tighter LP, same
optimum), alternating in the same process so that the ratios are measured on the same machine state. Each solve is
HiGHS with the repository's options (threads as HiGHS chooses); the LP bound is the LP relaxation's optimum, the
root bound the largest dual bound HiGHS reports at node 0. Every plan goes through `results.verify` (the independent
verifier) and must be proven optimal; all formulations must give the same optimum. The file is written whole (the
page is generated; its reading is kept when it has one).
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"
RENNES = REPO / "scenarios" / "rennes" / "scenario.yaml"
OUT = REPO / "docs" / "benchmarks-transfers.md"
READING = "## Reading"

# The dérogations of benchmarks/generate.py's `transfers` knob: school kinds, 10 % of the demand, penalty ½.
TRANSFERS = {"kinds": ["maternelle", "elementaire"], "max_share": 0.1, "penalty": 0.5}

# ------------------------------------------------------------------------------------------ instances


def ring_scenario() -> tuple[Any, Any]:
    """Exemple-Ville as shipped, and with its quartiers in a ring of neighbours and `TRANSFERS`."""
    from models.load import load_scenario, scenario_from_dict

    base = load_scenario(str(EXAMPLE))
    doc = copy.deepcopy(dict(base.document))
    districts = doc["districts"]
    for i, row in enumerate(districts):
        row["neighbours"] = [districts[(i + 1) % len(districts)]["id"]]
    doc["transfers"] = copy.deepcopy(TRANSFERS)
    return base, scenario_from_dict(doc, source=f"{EXAMPLE} (ring)")


def rennes_scenario() -> tuple[Any, Any]:
    """Rennes without its transfers block, and as shipped (its neighbours and transfers)."""
    from models.load import load_scenario, scenario_from_dict

    shipped = load_scenario(str(RENNES))
    doc = copy.deepcopy(dict(shipped.document))
    doc.pop("transfers", None)
    return scenario_from_dict(doc, source=f"{RENNES} (no transfers)"), shipped


# The 20-school commune: figures of docs/domain.md (Île-de-France, TTC) as benchmarks/generate.py uses them.
GRID = (4, 5)  # rows × columns of school sectors
FIRST_YEAR, YEARS = 2027, 8
PROFILE_EXTENSION = [0.10, 0.70, 0.20]  # extension: opens start + 2
PROFILE_SCHOOL = [0.03, 0.03, 0.18, 0.54, 0.11, 0.09, 0.02]  # new groupe scolaire: opens start + 4


def commune_data(seed: int, transfers: bool = True) -> dict[str, Any]:
    """A commune of 20 school sectors (one groupe scolaire each) on a 4 × 5 grid, deterministic for `seed`.

    Each sector has 3–6 maternelle and 5–10 élémentaire classes; its demand starts at 85–105 % of them and
    grows by −2 % to +4 % a year (+6 % to +9 % in the 4 growth sectors, new housing). Projects: an extension of
    every sector (1–3 classes of one kind or both, 0.85–1.0 M€ a class), a modular classroom in half of them
    (one class, 110–130 k€, open the next year) and a new groupe scolaire in each growth sector (8–12
    classes, 1.35–1.45 M€ a class, opens start + 4). The envelopes fund half of the projects' cost over the
    horizon. With `transfers`, adjacent sectors of the grid are neighbours and `TRANSFERS` applies.
    """
    rng = random.Random(f"ppi-benchmark/transfers-commune/{seed}")
    rows_, cols = GRID
    sectors = [f"s{i + 1:02d}" for i in range(rows_ * cols)]
    years = list(range(FIRST_YEAR, FIRST_YEAR + YEARS))
    growth = set(rng.sample(sectors, 4))
    demand, capacity, projects = [], [], []
    for d in sectors:
        existing = {"maternelle": rng.randint(3, 6), "elementaire": rng.randint(5, 10)}
        trend = rng.uniform(0.06, 0.09) if d in growth else rng.uniform(-0.02, 0.04)
        for k, classes in existing.items():
            capacity.append({"district": d, "kind": k, "year": FIRST_YEAR, "value": float(classes)})
            level = classes * rng.uniform(0.85, 1.05)
            for y in years:
                value = round(level * (1 + trend) ** (y - years[0]), 1)
                demand.append({"district": d, "kind": k, "year": y, "value": value})
        added = {k: rng.randint(0, 2) for k in existing}
        added[rng.choice(list(existing))] += 1
        classes = sum(added.values())
        projects.append(
            {
                "id": f"ext-{d}",
                "district": d,
                "capacity": {k: float(v) for k, v in added.items() if v},
                "cost": round(classes * rng.uniform(0.85e6, 1.0e6), -4),
                "profile": PROFILE_EXTENSION,
                "delivery_lag": 2,
            }
        )
        if rng.random() < 0.5:
            projects.append(
                {
                    "id": f"mod-{d}",
                    "district": d,
                    "capacity": {rng.choice(list(existing)): 1.0},
                    "cost": round(rng.uniform(110e3, 130e3), -3),
                    "profile": [1.0],
                    "delivery_lag": 1,
                }
            )
        if d in growth:
            classes = rng.randint(8, 12)
            mat = classes * 3 // 8
            projects.append(
                {
                    "id": f"gs-{d}",
                    "district": d,
                    "capacity": {"maternelle": float(mat), "elementaire": float(classes - mat)},
                    "cost": round(classes * rng.uniform(1.35e6, 1.45e6), -4),
                    "profile": PROFILE_SCHOOL,
                    "delivery_lag": 4,
                }
            )
    total = sum(p["cost"] for p in projects)
    annual = {y: round(0.5 * total / YEARS * rng.uniform(0.9, 1.1), -4) for y in years}
    districts: list[dict[str, Any]] = [{"id": d} for d in sectors]
    if transfers:
        for i, row in enumerate(districts):
            near = [j for j in (i + 1, i + cols) if j < len(sectors) and (j == i + cols or j % cols)]
            if near:
                row["neighbours"] = [sectors[j] for j in near]
    data: dict[str, Any] = {
        "name": f"commune-20-ecoles-seed{seed}",
        "horizon": {"start": FIRST_YEAR, "end": years[-1]},
        "discount_rate": 0.0,
        "demand_kinds": {
            "maternelle": {"unit": "classes", "weight": 1.0},
            "elementaire": {"unit": "classes", "weight": 1.0},
        },
        "districts": districts,
        "demand": demand,
        "capacity": capacity,
        "budget": {"annual": annual, "carry_over": False},
        "objective": {"cost_weight": 1.0e-9},
        "projects": projects,
    }
    if transfers:
        data["transfers"] = copy.deepcopy(TRANSFERS)
    return data


# ------------------------------------------------------------------------------------ the own_cost rows


def own_cost_rows(model: Any, scenario: Any) -> Any:
    """The repository's model with the `own_cost[d,k,y]` rows (docs/model.md, "Transfers in the model"):

        u[d,k,y] + ν' Σ_e t[d,e,k,y] + Σ_{p ∈ d} Σ_{s : s + lag_p ≤ y} (g(0) − g(a[p,k])) x[p,s] ≥ g(0)

    with ν' = min(ν, 1), R = R[d,k,y] > 0, T = T[d,k,y], a[p,k] = κ_p cap_p[k] and g(C) = ν' min(T, (R − C)⁺) +
    (R − C − T)⁺, the least of u + ν' out when d's projects bring C places; for each quartier, kind and year
    with an `unmet` row, R > 0, a project deliverable by y and transfer columns out of d, at a penalty below 1.
    Valid for every plan (g convex, so g(0) − g(C) is subadditive): the optimum is unchanged, the LP is the
    convex hull for one project. A benchmark variant: measured not faster (docs/benchmarks-transfers.md)."""
    from benchmarks.formulations import with_rows as _with_rows
    from models.spec import ProjectStatus
    from solver.formulation import DEMAND_EPS
    from solver.formulation import residual_demand as _residual

    nu = min(scenario.transfer_penalty, 1.0)
    if not scenario.transfers_on or nu >= 1.0:
        return model
    residual = _residual(scenario)
    col = {name: j for j, name in enumerate(model.col_names)}
    balance = set(model.row_names)
    rows = []
    for d in scenario.districts:
        projects = [
            p
            for p in scenario.projects
            if p.district == d and p.status not in (ProjectStatus.COMMITTED, ProjectStatus.EXCLUDED)
        ]
        for k in scenario.transfer_kinds:
            for y in scenario.years:
                r = residual[(d, k, y)]
                out = [
                    model.transfer_col[(d, e, k, y)]
                    for e in scenario.neighbours.get(d, ())
                    if (d, e, k, y) in model.transfer_col
                ]
                if f"unmet[{d},{k},{y}]" not in balance or r <= DEMAND_EPS or not out:
                    continue
                cap = scenario.transfer_cap(d, k, y)

                def g(c: float, r: float = r, cap: float = cap) -> float:
                    short = max(r - c, 0.0)
                    return nu * min(cap, short) + max(short - cap, 0.0)

                terms = {
                    model.start_col[(p.id, s)]: g(0.0) - g(p.confidence * p.capacity.get(k, 0.0))
                    for p in projects
                    for s in p.start_years
                    if s + p.delivery_lag <= y and (p.id, s) in model.start_col and p.capacity.get(k, 0.0) > 0
                }
                if not terms:
                    continue
                if f"unmet[{d},{k},{y}]" in col:
                    terms[col[f"unmet[{d},{k},{y}]"]] = 1.0
                terms.update(dict.fromkeys(out, nu))
                rows.append((f"own_cost[{d},{k},{y}]", terms, g(0.0), np.inf))
    return _with_rows(model, rows)


# ------------------------------------------------------------------------------------------ measuring


# Each formulation's model (None: the scenario without transfers) and, for the check, what it adds.
FORMULATIONS = {"without": None, "repository": "repository", "full": "full", "own_cost": "own_cost"}
CHECKED = {"full": "every transfer column", "own_cost": "the own_cost rows"}


def solve_once(scenario: Any, variant: str) -> dict[str, Any]:
    """Build the model of `variant` (`FORMULATIONS`: the repository's, the full one, or the repository's with
    the `own_cost` rows), solve with HiGHS to proof, verify;
    seconds from the build to the proof, the LP bound, the root bound (largest dual bound at node 0), the
    optimum."""
    from results.record import plan_to_dict
    from results.verify import verify_plan
    from solver import SolveOptions
    from solver.formulation import build_model
    from solver.solve import plan_from_result, solve_matrix

    options = SolveOptions(progress=lambda *_: None)  # the progress callback records the root bound
    t0 = time.perf_counter()
    model = build_model(scenario, reduce_transfers=variant != "full")
    if variant == "own_cost":
        model = own_cost_rows(model, scenario)
    result = solve_matrix(model, options)
    seconds = time.perf_counter() - t0
    plan = plan_from_result(scenario, model, result, options)
    check = verify_plan(scenario, plan_to_dict(scenario, plan))
    return {
        "seconds": seconds,
        "status": plan.status.value,
        "objective": plan.objective,
        "verified": check.ok and abs(check.objective - plan.objective) <= 1e-6 * max(1.0, abs(plan.objective)),
        "lp_bound": lp_bound(model),
        "root_bound": result.info.get("root_bound"),
        "nodes": result.info.get("nodes"),
        "shape": model.shape,
    }


def lp_bound(model: Any) -> float | None:
    """The LP relaxation's optimum (integrality dropped), with SciPy's HiGHS (outside the timed solve)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    res = milp(
        model.c,
        integrality=np.zeros_like(model.integrality),
        bounds=Bounds(model.col_lower, model.col_upper),
        constraints=[LinearConstraint(model.A, model.row_lower, model.row_upper)],
    )
    return float(res.fun) + model.offset if res.status == 0 else None


def measure(name: str, without: Any, with_transfers: Any, repeats: int) -> dict[str, Any]:
    """`repeats` rounds of the three solves, their order reversed every other round; the runs of each."""
    runs: dict[str, list[dict[str, Any]]] = {f: [] for f in FORMULATIONS}
    for i in range(repeats):
        order = list(FORMULATIONS) if i % 2 == 0 else list(reversed(FORMULATIONS))
        for f in order:
            variant = FORMULATIONS[f]
            run = solve_once(without if variant is None else with_transfers, variant or "repository")
            runs[f].append(run)
            print(f"{name} round {i + 1} {f}: {run['seconds']:.2f} s, {run['status']} {run['objective']}", flush=True)
    return {"name": name, "runs": runs}


# ------------------------------------------------------------------------------------------ the page


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _fmt(x: float | None, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def check(result: dict[str, Any]) -> list[str]:
    """What is wrong with an instance's runs: a plan not proven optimal or not verified, or a formulation
    whose optimum is not the repository's (beyond the optimality gap)."""
    problems = []
    for f, runs in result["runs"].items():
        for run in runs:
            if run["status"] != "optimal" or not run["verified"]:
                problems.append(f"{result['name']} {f}: {run['status']}, verified {run['verified']}")
    repo = [r["objective"] for r in result["runs"]["repository"]]
    for f, label in CHECKED.items():
        rows = [r["objective"] for r in result["runs"].get(f, [])]
        if repo and rows and abs(min(repo) - min(rows)) > 1e-4 * max(1.0, abs(min(rows))):
            problems.append(f"{result['name']}: optimum {min(repo)} ≠ {min(rows)} with {label}")
    return problems


def render(results: list[dict[str, Any]], args: argparse.Namespace, elapsed: float, reading: str | None) -> str:
    """The page: how it was made, the table of ratios, the bounds, and the reading (kept from the last page)."""
    command = "python -m benchmarks.transfers" + (
        f" --repeats {args.repeats} --seeds {args.seeds}" if (args.repeats, args.seeds) != (3, "0,1,2") else ""
    )
    lines = [
        "# Benchmarks: neighbour transfers",
        "",
        f"Generated by `{command}` in {elapsed / 60:.1f} min on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "shared with other work: compare the ratios, measured in one process, alternating). The instances and the "
        "method are in the docstring of `benchmarks/transfers.py`; the formulation in "
        "[model.md](model.md#neighbouring-sectors).",
        "",
        "*without* = the scenario without transfers; *repository* = with transfers, the repository's model "
        "(`build_model`: only the transfer columns some optimal plan may use, [model.md]"
        "(model.md#which-transfer-columns-the-model-keeps)); *full* = one transfer column per neighbour pair, kind "
        "and year (`build_model(..., reduce_transfers=False)`, the model before issue 18); *own_cost* = the "
        "repository's model with the `own_cost` rows (`benchmarks.transfers.own_cost_rows`). Times are "
        f"medians of {args.repeats} solves (build + HiGHS to proof, HiGHS choosing its threads). Every plan "
        "proven optimal and accepted by the independent verifier (`results.verify`), and all formulations "
        "find the same optimum: checked by the command, which fails otherwise. Ratios of medians; a geometric "
        "mean over the instances is the last line.",
        "",
        "| instance | without (s) | repository (s) | full (s) | own_cost (s) | repository / without "
        "| full / without | own_cost / without | repository / full |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    logs: dict[str, list[float]] = {}
    for r in results:
        t = {f: _median([run["seconds"] for run in runs]) for f, runs in r["runs"].items()}
        lines.append(
            f"| {r['name']} | {t['without']:.2f} | {t['repository']:.2f} | {t['full']:.2f} | {t['own_cost']:.2f} | "
            f"{t['repository'] / t['without']:.1f}× | {t['full'] / t['without']:.1f}× | "
            f"{t['own_cost'] / t['without']:.1f}× | {t['repository'] / t['full']:.2f} |"
        )
        for key, a, b in (
            ("rw", "repository", "without"),
            ("fw", "full", "without"),
            ("ow", "own_cost", "without"),
            ("rf", "repository", "full"),
        ):
            logs.setdefault(key, []).append(math.log(t[a] / t[b]))
    mean = {key: math.exp(sum(v) / len(v)) for key, v in logs.items()}
    lines.append(
        f"| geometric mean | | | | | {mean['rw']:.1f}× | {mean['fw']:.1f}× | {mean['ow']:.1f}× | {mean['rf']:.2f} |"
    )
    lines += [
        "",
        "Bounds (objective in weighted unit-years; root bound = HiGHS' dual bound at the end of the root node, "
        "first round; gap = (optimum − bound) / optimum):",
        "",
        "| instance | model | columns × rows | optimum | LP bound (gap) | root bound (gap) | nodes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for f, runs in r["runs"].items():
            run = runs[0]
            opt = run["objective"]

            def gap(bound: float | None, opt: float = opt) -> str:
                return "–" if bound is None else f"{_fmt(bound, 3)} ({100 * (opt - bound) / abs(opt):.2f} %)"

            cols, rows = run["shape"][1], run["shape"][0]
            lines.append(
                f"| {r['name']} | {f} | {cols} × {rows} | {_fmt(opt, 4)} | {gap(run['lp_bound'])} | "
                f"{gap(run['root_bound'])} | {run['nodes']} |"
            )
    lines += ["", READING, "", reading.strip() if reading else "(to be written after a run)", ""]
    return "\n".join(lines)


def existing_reading(path: Path) -> str | None:
    """The hand-written reading of the page (kept when the page is generated again)."""
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    return text.split(READING, 1)[1] if READING in text else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="solves of each model per instance (default 3)")
    parser.add_argument("--seeds", default="0,1,2", help="seeds of the 20-school commune (default 0,1,2)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from models.load import scenario_from_dict

    t0 = time.perf_counter()
    instances = [("Exemple-Ville, ring", *ring_scenario())]
    for seed in (int(x) for x in args.seeds.split(",") if x.strip()):
        data = commune_data(seed, transfers=False), commune_data(seed)
        instances.append((f"commune 20 écoles, seed {seed}", *(scenario_from_dict(d) for d in data)))
    instances.append(("Rennes", *rennes_scenario()))
    results = [measure(name, without, with_t, args.repeats) for name, without, with_t in instances]
    problems = [p for r in results for p in check(r)]
    if problems:
        print("\n".join(problems))
        return 1
    page = render(results, args, time.perf_counter() - t0, existing_reading(args.out))
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
