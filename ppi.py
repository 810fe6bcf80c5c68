"""ppi as a Python library — and the one orchestrator the command line calls: load a scenario, derive
validated variants, solve and verify, diagnose, explain, compare, sweep, and write results folders.

    import ppi

    base = ppi.load("scenarios/rennes/scenario.yaml")
    tight = ppi.derive(base, set={"budget.annual.2027": 8e6}, budget_scale=0.9)
    result = ppi.solve(tight, time_limit=30)
    result.status, result.objective, result.chosen
    result.unmet_by_kind            # pandas Series: unmet unit-years per kind
    result.budget, result.balance   # pandas DataFrames, as in budget.csv and balance.csv
    ppi.compare({"base": ppi.solve(base), "tight": result}).summary
    ppi.sweep("scenarios/rennes/scenario.yaml", budget_scale=[0.9, 1.0, 1.1], out="results/sweep").table

Every scenario goes through the same validation as `ppi validate` (a `ScenarioError` lists every problem),
every plan through the independent verifier (a plan that fails it raises `VerificationError`).
`examples/what_if.py` is a worked example. `ppi.diagnose(scenario)` explains an infeasible scenario,
`ppi.explain(result, out)` a plan, `ppi.open_result(folder)` reads a results folder back. The yearly revision:
`ppi.revised_scenario(ppi.open_result(folder), ppi.load(file), 2028, "realise.csv", move_cost=0.5)` builds it,
`ppi.revision(adopted, ppi.solve(revised))` says what changed and why.

Heavy modules (pandas, the solver, the reports) are imported when a function needs them, so that
`ppi validate` and `ppi --help` start quickly.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.diagnose import Diagnosis
    from analysis.explain import Explanation
    from analysis.sweep import SweepResult
    from models import Scenario, ScenarioError
    from reports.compare import Comparison
    from results import OutputError, Result, VerificationError

__all__ = [
    "ENGINES",
    "Diagnosis",
    "Explanation",
    "OutputError",
    "Result",
    "Scenario",
    "ScenarioError",
    "VerificationError",
    "compare",
    "derive",
    "diagnose",
    "explain",
    "load",
    "open_result",
    "revised_scenario",
    "revision",
    "solve",
    "sweep",
    "write",
]

# The engines `solve` accepts (solver/engines.py ENGINES; a test keeps the two equal). Named here so that
# the command line can offer them without importing a solver.
ENGINES = ("highs", "cbc", "scipy", "cpsat", "auto")
REPORT_FORMATS = ("html", "xlsx")

Sets = Mapping[str, Any] | Iterable[str] | None
Progress = Callable[[int, int, float], None]  # (points done, points in all, seconds elapsed)


def __getattr__(name: str) -> Any:
    """The library's types, imported on first use (see the module docstring)."""
    if name in ("Scenario", "ScenarioError"):
        import models

        return getattr(models, name)
    if name in ("Result", "OutputError", "VerificationError"):
        import results

        return getattr(results, name)
    if name == "SweepError":
        from analysis.sweep import SweepError

        return SweepError
    if name == "AlternativesError":
        from analysis.alternatives import AlternativesError

        return AlternativesError
    if name == "EnrolmentError":
        from models.enrolment import EnrolmentError

        return EnrolmentError
    if name == "Diagnosis":
        from analysis.diagnose import Diagnosis

        return Diagnosis
    if name == "Explanation":
        from analysis.explain import Explanation

        return Explanation
    raise AttributeError(f"module 'ppi' has no attribute {name!r}")


def _sets(values: Sets) -> tuple[str, ...]:
    """`{"budget.annual.2027": 8e6}` or `["budget.annual.2027=8e6"]` -> ("budget.annual.2027=8000000.0",)."""
    if values is None:
        return ()
    if isinstance(values, Mapping):
        return tuple(f"{path}={v if isinstance(v, str) else json.dumps(v)}" for path, v in values.items())
    return tuple(values)


def version() -> str:
    """The installed ppi's version ("dev" when run from a checkout that is not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _version

    try:
        return _version("ppi")
    except PackageNotFoundError:
        return "dev"


def split_target(text: str) -> tuple[str, str | None]:
    """`scenario.yaml:budget-serre` -> (`scenario.yaml`, `budget-serre`); a path alone -> (path, None)."""
    head, sep, tail = text.rpartition(":")
    if sep and head and tail and "/" not in tail and "\\" not in tail and not Path(text).exists():
        return head, tail
    return text, None


# ---------------------------------------------------------------------------------------------------------
# Scenarios


def load(
    path: str | Path,
    variant: str | None = None,
    set: Sets = None,
    budget_scale: float | None = None,
    allow_outside_files: bool = False,
) -> Scenario:
    """A validated scenario: the file (and what it extends), a named variant (or `"file.yaml:variant"`),
    `set` overrides (a mapping of dotted paths to values, or "path=value" strings), then a factor on every
    envelope."""
    from models import load_scenario

    if variant is None:
        path, variant = split_target(str(path))
    return load_scenario(
        path,
        variant=variant,
        overrides=_sets(set),
        budget_scale=budget_scale,
        allow_outside_files=allow_outside_files,
    )


def derive(scenario: Scenario, set: Sets = None, budget_scale: float | None = None) -> Scenario:
    """A variant of a scenario (loaded or built in Python): these overrides applied in memory, validated again."""
    from analysis.derive import derive as _derive

    return _derive(scenario, _sets(set), budget_scale)


def scenario_of(record: Any, allow_outside_files: bool = False) -> Scenario:
    """The scenario a saved plan (a `PlanRecord`) was solved from: its file, variant and overrides, loaded
    again."""
    from models import load_scenario
    from results import OutputError

    ref = record.scenario
    if not ref.source or ref.source.startswith("<"):
        raise OutputError("the plan does not name the scenario file it was solved from")
    source = ref.source  # as typed where the plan was solved; its absolute path when that is not found from here
    if ref.path and not Path(source).is_file() and Path(ref.path).is_file():
        source = ref.path
    return load_scenario(
        source,
        variant=ref.variant,
        overrides=ref.sets,
        budget_scale=ref.budget_scale,
        allow_outside_files=allow_outside_files,
    )


def open_result(path: str | Path, allow_outside_files: bool = False) -> Result:
    """A results folder (or a plan.json) read back with the scenario it was solved from, and checked: a plan
    whose figures are not the ones its decisions imply under that scenario (edited by hand, or a scenario
    changed since) raises `OutputError` — reports and comparisons never show figures nobody recomputed."""
    from results import OutputError, Result, read_plan

    record = read_plan(path)
    result = Result.read(scenario_of(record, allow_outside_files), record)
    check = result.verification
    if check is not None and not check.ok:
        shown = "".join(f"\n  - {v}" for v in check.violations[:_SHOWN])
        more = f"\n  ... and {len(check.violations) - _SHOWN} more" if len(check.violations) > _SHOWN else ""
        raise OutputError(
            f"{path}: the plan does not match its scenario as it is now ({len(check.violations)} differences; "
            f"`ppi verify` lists them; solve again to get a plan of this scenario):{shown}{more}"
        )
    return result


_SHOWN = 5  # differences listed when a saved plan does not match its scenario


def read_plan(path: str | Path) -> Any:
    """A plan.json (or a results folder's) as a typed `PlanRecord`; `OutputError` when it is not one."""
    from results import read_plan as _read_plan

    return _read_plan(path)


def is_saved_plan(target: str | Path) -> bool:
    """True when `target` names a results folder or a plan file rather than a scenario."""
    path = Path(target)
    return path.is_dir() or path.suffix == ".json"


# ---------------------------------------------------------------------------------------------------------
# Solving


def solve(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    start: Result | Mapping[str, int | None] | None = None,
    seed: int = 0,
    verbose: bool = False,
    progress: Callable[[float, float | None, float | None], None] | None = None,
) -> Result:
    """Solve and check the plan with the independent verifier (raises `VerificationError` if it fails).

    `start`: an earlier result (or project → start year) offered to HiGHS as its first plan — the same
    optimum, and under a short time limit a plan at least that good when it is still feasible.
    `progress(elapsed_s, best, bound)` is called while HiGHS searches."""
    from solver import SolveOptions
    from solver import solve as _solve

    if start is not None and not isinstance(start, Mapping):
        start = dict(start.starts)
    options = SolveOptions(
        progress=progress,
        solver=solver,
        time_limit=time_limit,
        gap=gap,
        threads=threads,
        seed=seed,
        verbose=verbose,
    )
    warming = _import_in_background("results.result", "results.tables")  # while the engine searches
    plan = _solve(scenario, options, start=start)
    warming.join()
    from results import verified

    return verified(scenario, plan)


def solve_all(
    scenarios: Mapping[str, Scenario],
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float | None = None,
    workers: int | None = None,
) -> dict[str, Result]:
    """Solve several scenarios (variants, what-ifs) at once, each single-threaded in a worker process (default:
    one per core; the `auto` race, which wants the cores itself, solves them one after the other), every plan
    checked by the independent verifier (raises `VerificationError` if one fails). Same plans as `solve` one
    by one."""
    from analysis.sweep import solve_scenarios

    labels = list(scenarios)
    solved = solve_scenarios(
        [scenarios[label] for label in labels],
        solver=solver,
        time_limit=time_limit,
        gap=gap,
        workers=1 if solver == "auto" else workers,
    )
    return dict(zip(labels, solved, strict=True))


def start_workers(jobs: int, solver: str = "highs", workers: int | None = None) -> None:
    """Start now the worker processes a `solve_all` of `jobs` scenarios will take: their imports (about a
    second) then run while the caller loads its scenarios (`analysis.processes`). Nothing to start for one
    worker, or for the `auto` race, which solves in this process."""
    from analysis import processes

    n = processes.worker_count(workers, jobs)
    if n > 1 and solver != "auto":
        processes.start_spare(n)


def _import_in_background(*modules: str) -> threading.Thread:
    """Import `modules` in a thread: the engine releases the interpreter while it searches, so pandas and the
    results code load meanwhile instead of after it (measured in benchmarks/startup.py)."""

    def load() -> None:
        for name in modules:
            importlib.import_module(name)

    thread = threading.Thread(target=load, name="ppi-imports", daemon=True)
    thread.start()
    return thread


def unstartable(scenario: Scenario, starts: Mapping[str, int | None]) -> list[str]:
    """Chosen projects of a start plan that this scenario cannot start as that plan did."""
    from solver.solve import unstartable as _unstartable

    return _unstartable(scenario, starts)


def verify(scenario: Scenario, record: Any) -> Any:
    """The independent check of a saved plan (a `PlanRecord`) against a scenario: a `Verification`."""
    from results import verify_plan

    return verify_plan(scenario, record)


def diagnose(
    scenario: Scenario, solver: str = "highs", time_limit: float | None = None, threads: int | None = None
) -> Diagnosis:
    """Why an infeasible scenario has no plan: `findings` (what breaks, in budget words, with the stable
    constraint names) and `remedies` (lists of `--set` edits, each checked to give a plan)."""
    from analysis.diagnose import diagnose as _diagnose
    from solver import SolveOptions

    return _diagnose(scenario, SolveOptions(solver=solver, time_limit=time_limit, threads=threads))


# ---------------------------------------------------------------------------------------------------------
# Writing


def report_files(
    result: Result,
    formats: Iterable[str],
    lang: str = "fr",
    explanation: Mapping[str, Any] | None = None,
    diagnosis: Mapping[str, Any] | None = None,
    robustness: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """report.html / report.xlsx of a plan, with its explanation (explain.json form) or, for an infeasible
    scenario, its diagnosis (diagnosis.json form) when given, and the price of robustness (robustness.json form)."""
    files: dict[str, bytes] = {}
    formats = tuple(formats)
    why = {"explanation": explanation, "diagnosis": diagnosis, "robustness": robustness}
    if "html" in formats:
        from reports.html_plan import plan_html

        files["report.html"] = plan_html(result, lang=lang, **why).encode("utf-8")
    if "xlsx" in formats:
        from reports.xlsx_plan import plan_workbook

        files["report.xlsx"] = plan_workbook(result, lang=lang, **why)
    return files


def write(
    result: Result,
    folder: str | Path,
    reports: Iterable[str] = (),
    lang: str = "fr",
    diagnosis: Diagnosis | None = None,
    extra: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Write the results folder of a solved plan atomically: plan.json, the CSV tables, `reports` among
    "html" and "xlsx", for an infeasible scenario its diagnosis.json, and the `extra` files given. Returns the
    extra files written (reports, diagnosis, those given) by name."""
    from reports.words import diagnosis_to_dict
    from results import write_results

    assert result.plan is not None, "write() takes a solved plan; a saved one is already written"
    found = diagnosis_to_dict(diagnosis) if diagnosis is not None else None
    given = dict(extra or {})
    extra = report_files(result, reports, lang, diagnosis=found) | given
    if found is not None:
        extra["diagnosis.json"] = (json.dumps(found, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_results(folder, result.scenario, result.plan, extra=extra, evaluation=result.evaluation, record=result.record)
    return extra


def write_reports(
    result: Result, source: Path, folder: Path, formats: Iterable[str], lang: str = "fr", force: bool = False
) -> list[Path]:
    """The reports of a plan saved in the folder `source`, written into `folder`, each file atomically;
    files that exist are replaced only with `force`. The explanation or diagnosis saved beside the plan is
    included."""
    from results import OutputError, write_file
    from results.store import is_results_folder

    if Path(folder).resolve() != Path(source).resolve() and not is_results_folder(Path(folder)):
        raise OutputError(f"{folder} exists and is not a ppi results folder; choose an empty or new folder with --out")
    why = {}  # written beside the plan by `ppi explain` (explain.json) or an infeasible `ppi solve`
    for key, name in (
        ("explanation", "explain.json"),
        ("diagnosis", "diagnosis.json"),
        ("robustness", "robustness.json"),
    ):
        if (source / name).is_file():
            why[key] = json.loads((source / name).read_text(encoding="utf-8"))
    files = report_files(result, formats, lang, **why)
    existing = [str(folder / name) for name in files if (folder / name).exists()]
    if existing and not force:
        raise OutputError(f"{', '.join(existing)} already exist; add --force to replace them, or choose --out")
    written = []
    for name, data in files.items():
        write_file(folder / name, data)
        written.append(folder / name)
    return written


# ---------------------------------------------------------------------------------------------------------
# The yearly revision


def revised_scenario(
    adopted: Result,
    scenario: Scenario,
    year: int,
    realised: str | Path | None = None,
    *,
    move_cost: float = 0.0,
    drop_cost: float = 0.0,
    locked_years: int = 0,
    source: str | Path = "<revision>",
    previous: str | None = None,
) -> Scenario:
    """The revision in `year` of an adopted plan (a `Result`, `open_result`) under `scenario` as it stands now:
    the projects under way committed with the réalisé table `realised` (CSV/XLSX), the announced operations
    with their stability costs (models/revision.py). `source`: where its document is written (`scenario.yaml`
    of the results folder, see `revision_files`)."""
    from models.load import scenario_from_dict
    from models.revision import RevisionTerms, read_realised, realised_notes, revised_document
    from results import OutputError

    if not adopted.record.has_plan:
        raise OutputError(f"{previous or 'the adopted plan'} has no plan (status {adopted.status}): nothing to revise")
    rows = read_realised(realised) if realised is not None else []
    terms = RevisionTerms(year, move_cost, drop_cost, locked_years)
    doc = revised_document(
        adopted.scenario, adopted.starts, scenario, terms, rows, str(realised or "<réalisé>"), previous
    )
    revised = scenario_from_dict(doc, source=str(source))
    if realised is None:
        return revised
    notes = tuple(realised_notes(realised))
    return dataclasses.replace(revised, warnings=notes + revised.warnings) if notes else revised


def revision(
    adopted: Result,
    revised: Result,
    reasons: bool = True,
    time_limit: float | None = None,
    solver: str = "highs",
    workers: int | None = None,
) -> Any:
    """What changed between the adopted and the revised plan, each change with the value of undoing it (one
    verified re-solve each, when `reasons`, solved at once as `solve_all` does: `workers` processes, default one
    per core, 1 one after the other): an `analysis.revision.Revision`."""
    from analysis.revision import compare_revision

    return compare_revision(
        adopted.scenario, adopted.starts, revised.scenario, revised.starts, reasons, time_limit, solver, workers
    )


def revision_comparison(adopted: Result, revised: Result, lang: str = "fr") -> Comparison:
    """The adopted and revised plans as a comparison (the same axes for both)."""
    from reports.revision import plan_labels

    first, second = plan_labels(lang)
    return compare({first: adopted, second: revised})


def revision_files(
    found: Any,
    comparison: Comparison | None,
    revised: Scenario,
    formats: Iterable[str],
    lang: str = "fr",
    previous: str = "",
) -> dict[str, bytes]:
    """The files a revision adds to its results folder: scenario.yaml (the revised scenario, which plan.json
    names) and, with a plan (`found` and `comparison` given), revision.txt, and among `formats` revision.html /
    revision.xlsx and the comparison of the adopted and revised plans (comparison.html / comparison.xlsx)."""
    from models.revision import document_yaml
    from reports.revision import revision_html, revision_text, revision_workbook

    assert revised.document is not None
    files = {"scenario.yaml": document_yaml(revised.document).encode("utf-8")}
    if found is None or comparison is None:
        return files
    files["revision.txt"] = (revision_text(found, comparison, lang, previous) + "\n").encode("utf-8")
    formats = tuple(formats)
    if "html" in formats:
        files["revision.html"] = revision_html(found, comparison, lang, previous).encode("utf-8")
    if "xlsx" in formats:
        files["revision.xlsx"] = revision_workbook(found, comparison, lang, previous)
    side = comparison_files(comparison, formats, lang)  # the two plans side by side, as `ppi compare` shows them
    files |= {name: data for name, data in side.items() if name.startswith("comparison.")}
    return files


def revision_text(found: Any, comparison: Comparison, lang: str = "fr", previous: str = "") -> str:
    """The revision for the console."""
    from reports.revision import revision_text as _text

    return _text(found, comparison, lang, previous)


# ---------------------------------------------------------------------------------------------------------
# Analyses


def compare(results: Mapping[str, Result]) -> Comparison:
    """Side-by-side tables (summary, projects, budget, unmet) of two or more results, keyed by label."""
    from reports.compare import Entry
    from reports.compare import compare as _compare

    return _compare([Entry(label, r) for label, r in results.items()])


def comparison_files(comparison: Comparison, formats: Iterable[str], lang: str = "fr") -> dict[str, bytes]:
    """The comparison's CSV tables, and its workbook and HTML page among `formats`."""
    from reports.compare import comparison_tables
    from results.tables import csv_bytes

    formats = tuple(formats)
    files = {f"{name}.csv": csv_bytes(t) for name, t in comparison_tables(comparison).items()}
    if "xlsx" in formats:
        from reports.xlsx_compare import comparison_workbook

        files["comparison.xlsx"] = comparison_workbook(comparison, lang=lang)
    if "html" in formats:
        from reports.html_compare import comparison_html

        files["comparison.html"] = comparison_html(comparison, lang=lang).encode("utf-8")
    return files


def sweep(
    path: str | Path | Scenario,
    out: str | Path,
    variant: str | None = None,
    set: Sets = None,
    budget_scale: Iterable[float] | None = None,
    vary: Mapping[str, Iterable[Any]] | None = None,
    workers: int | None = None,
    time_limit: float | None = None,
) -> SweepResult:
    """Solve the scenario (a file, or a `Scenario` loaded or built in Python) at every point (budget factors ×
    varied values) in parallel; finished points in `out` are reused. `result.table` is the frontier table
    (see analysis/sweep.py)."""
    varies = [(p, [v if isinstance(v, str) else json.dumps(v) for v in values]) for p, values in (vary or {}).items()]
    base = load(path, variant, set) if isinstance(path, (str, Path)) else derive(path, set)
    points = sweep_points(list(budget_scale) if budget_scale is not None else None, varies)
    return run_points(sweep_spec(base, points, time_limit=time_limit, reasons=True), out, workers=workers)


def explain(
    result: Result,
    out: str | Path,
    projects: Iterable[str] = (),
    budget: bool = True,
    workers: int | None = None,
    time_limit: float | None = None,
    solver: str = "highs",
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Explanation:
    """Why a solved plan is what it is: force-in, drop and defer costs of the projects (all, or `projects`),
    the value of one more M€ in each year, the constraints that hold it. The re-solves run in parallel (local
    worker processes, or a Dask cluster with `executor="dask"`) and are saved in `out` (reused when run
    again). `explanation.budget_table()`; `explanation_files` writes it."""
    from analysis.explain import explain as _explain

    return _explain(
        result.scenario,
        result.plan_json,
        out,
        projects=tuple(projects),
        budget=budget,
        time_limit=time_limit,
        solver=solver,
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        progress=progress,
    )


def write_explanation(
    result: Result, explanation: Explanation, out: Path, reports: Iterable[str] = (), lang: str = "fr"
) -> list[str]:
    """An explanation's folder: explain.json, the plan explained (plan.json), projects and budget tables (CSV
    and Parquet), and the plan's reports with their "why" section; each file atomically. Returns the names of
    the explanation's own files."""
    from reports.words import explanation_to_dict, projects_table
    from results import write_json

    data = explanation_to_dict(explanation)
    write_json(out / "explain.json", data)
    write_file(out / "plan.json", result.record.to_bytes(out))
    write_table(out / "projects", projects_table(explanation))
    names = ["explain.json", "projects.csv"]
    if explanation.budget:
        write_table(out / "budget", explanation.budget_table())
        names.append("budget.csv")
    for name, content in report_files(result, reports, lang, explanation=data).items():
        write_file(out / name, content)
    return names


def explanation_text(explanation: Explanation) -> str:
    """The explanation as the command line prints it."""
    from reports.words import format_explanation

    return format_explanation(explanation)


# Points (or Monte Carlo samples) a run makes without being asked to confirm more (`max_points`).
MAX_POINTS = 2000


def parse_range(text: str, max_points: int | None = MAX_POINTS) -> list[float]:
    """`0.6:1.4:0.05` (or `0.8,1,1.2`) -> the budget factors of a sweep; `SweepError` says what is wrong,
    and refuses more than `max_points` factors before building them (None: no limit)."""
    from analysis.sweep import parse_range as _parse_range

    return _parse_range(text, max_points)


def parse_vary(text: str) -> tuple[str, list[str]]:
    """`finance.fctva.rate=0.15,0.16` -> (path, values) of a sweep or tornado parameter."""
    from analysis.sweep import parse_vary as _parse_vary

    return _parse_vary(text)


def sweep_points(budget_scales: list[float] | None, varies: list[tuple[str, list[str]]]) -> tuple[Any, ...]:
    """The points of a sweep: every budget factor × every combination of the varied values."""
    from analysis.sweep import make_points

    return make_points(budget_scales, varies)


def tornado_points(scenario: Scenario, params: list[tuple[str, list[str]]]) -> tuple[Any, ...]:
    """The points of a tornado: the base, then each parameter at each of its values, one at a time."""
    from analysis.sweep import tornado_points as _tornado_points

    return _tornado_points(params, scenario)


def sweep_spec(
    scenario: Scenario,
    points: Iterable[Any],
    time_limit: float | None = None,
    gap: float | None = None,
    solver: str = "highs",
    reasons: bool = False,
) -> Any:
    """A checked sweep of `scenario` over `points`: every point is derived (in memory) before any solve, so
    that a bad path or value stops here. `reasons`: a point with no plan records why (the diagnosis' first
    finding, or the solver's status)."""
    from analysis.sweep import SweepSpec, check_spec

    spec = SweepSpec(scenario, tuple(points), time_limit=time_limit, gap=gap, solver=solver, reasons=reasons)
    check_spec(spec)
    return spec


def run_points(
    spec: Any,
    out: str | Path,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Solve a sweep's points (each verified) in worker processes or on Dask; finished points in `out` are
    reused. `result.table` is the frontier table (its `reason` column says, in words, why a point has no plan),
    `result.results` the points' records."""
    from analysis.sweep import run_sweep
    from reports.words import reason_text

    result = run_sweep(spec, out, workers=workers, progress=progress, executor=executor, scheduler=scheduler)
    if "reason" in result.table:
        result.table["reason"] = [reason_text(r) for r in result.table["reason"]]
    return result


def knee(table: Any) -> int | None:
    """The row of the budget frontier where one more M€ starts to buy much less (None if no clear knee)."""
    from analysis.sweep import knee as _knee

    return _knee(table)


def frontier_chart(table: Any, title: str, lang: str = "fr") -> bytes:
    """The budget frontier as a PNG chart (words in `lang`)."""
    from reports.charts import frontier_chart as _frontier_chart

    return _frontier_chart(table, title, lang)


def tornado_table(results: list[dict[str, Any]]) -> Any:
    """Each parameter's effect on the objective and the plan, from a tornado's points."""
    from analysis.sweep import tornado_table as _tornado_table

    return _tornado_table(results)


def tornado_chart(table: Any, base: float, title: str, lang: str = "fr") -> bytes:
    """The tornado as a PNG chart (words in `lang`)."""
    from reports.charts import tornado_chart as _tornado_chart

    return _tornado_chart(table, base, title, lang)


def montecarlo(
    scenario: Scenario,
    fixed: Mapping[str, int | None],
    out: str | Path,
    samples: int = 200,
    seed: int = 1,
    cost_sigma: float = 1.0,
    delay: float = 1.0,
    demand_sigma: float | None = None,
    threshold: float | None = None,
    time_limit: float | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Any:
    """Re-solve `scenario` under sampled costs, delays and demand growth, and evaluate the plan `fixed`
    (project → start year) under each sample; `.samples`, `.projects`, `.summary` (analysis/montecarlo.py).
    The distributions are the scenario's `uncertainty` section (defaults: models/uncertainty.py) times
    `cost_sigma` and `delay`; `demand_sigma` None takes the scenario's."""
    from analysis.montecarlo import Distributions, run_montecarlo
    from analysis.sweep import SweepSpec

    plan = tuple(sorted(fixed.items()))
    spec = SweepSpec(scenario, time_limit=time_limit, fixed=plan, start=plan)  # the plan tested starts each solve
    dist = Distributions(cost_sigma, delay, demand_sigma)
    return run_montecarlo(
        scenario, spec, samples, seed, dist, out, workers=workers, threshold=threshold, progress=progress,
        executor=executor, scheduler=scheduler,
    )  # fmt: skip


def montecarlo_fixed(
    scenario: Scenario,
    fixed: Mapping[str, int | None],
    samples: int = 1000,
    seed: int = 1,
    cost_sigma: float = 1.0,
    delay: float = 1.0,
) -> Any:
    """The plan `fixed` re-evaluated without re-solving under `samples` cost samples (the same as `montecarlo`'s
    for the same seed): `.probability` that it breaks an envelope, its `.error`, `.samples` (which sample breaks,
    first year broken) — analysis/montecarlo.py `fixed_plan_risk`."""
    from analysis.montecarlo import Distributions, fixed_plan_risk

    return fixed_plan_risk(scenario, fixed, samples, seed, Distributions(cost_sigma, delay))


def robustness(
    scenario: Scenario,
    out: str | Path,
    levels: Iterable[float | None],
    samples: int = 1000,
    seed: int = 1,
    time_limit: float | None = None,
    solver: str = "highs",
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    gamma: bool = False,
) -> Any:
    """The price of robustness: `scenario` solved at each `uncertainty.budget_confidence` level (each
    `uncertainty.gamma` with `gamma`; None: no protection), each plan re-evaluated under the same `samples` cost
    samples; `.table()`, `.to_dict()` (analysis/robustness.py). The solves are saved in `out` and reused."""
    from analysis.robustness import GAMMA_PATH, LEVEL_PATH, robustness_frontier
    from analysis.sweep import SweepSpec

    spec = SweepSpec(scenario, time_limit=time_limit, solver=solver)
    return robustness_frontier(
        scenario, spec, list(levels), samples, seed, out, workers=workers, executor=executor, scheduler=scheduler,
        progress=progress, path=GAMMA_PATH if gamma else LEVEL_PATH,
    )  # fmt: skip


def write_robustness(
    result: Result, frontier: Any, out: Path, reports: Iterable[str] = (), lang: str = "fr"
) -> list[str]:
    """The robustness folder: robustness.json and .csv, robustness.png, the plan of the scenario as given
    (plan.json) and its reports with their "price of robustness" section; each file atomically. Returns the
    names of the frontier's own files."""
    from reports.charts import robustness_chart
    from results import write_json

    data = frontier.to_dict()
    write_json(out / "robustness.json", data)
    write_table(out / "robustness", frontier.table())
    gamma = frontier.path.endswith("gamma")
    write_file(out / "robustness.png", robustness_chart(frontier.table(), result.scenario.name, lang, gamma))
    if result.has_plan:
        write_file(out / "plan.json", result.record.to_bytes(out))
        for name, content in report_files(result, reports, lang, robustness=data).items():
            write_file(out / name, content)
    return ["robustness.json", "robustness.csv", "robustness.png"]


def montecarlo_chart(mc: Any, title: str, lang: str = "fr") -> bytes:
    """The Monte Carlo histogram as a PNG chart (words in `lang`)."""
    from reports.charts import histogram_chart

    return histogram_chart(mc, title, lang)


def alternatives(
    scenario: Scenario, within: float = 0.02, count: int = 5, solver: str = "highs", time_limit: float | None = None
) -> Any:
    """Plans within `within` of the optimum, as different as possible from it and from each other (each
    verified): `.optimum`, `.plans`, `.table` (analysis/alternatives.py)."""
    from analysis.alternatives import find_alternatives
    from solver import SolveOptions

    return find_alternatives(
        scenario, within=within, count=count, options=SolveOptions(solver=solver, time_limit=time_limit)
    )


def alternatives_files(scenario: Scenario, found: Any, folder: str | Path | None = None) -> dict[str, bytes]:
    """alternatives.csv and the plan.json of the optimum and of each alternative (to be written into
    `folder`: the scenario's path is recorded relative to it)."""
    from results.tables import csv_bytes

    files = {"alternatives.csv": csv_bytes(found.table)}
    for name, plan in [("optimum", found.optimum), *((f"alternative-{i}", p) for i, p in enumerate(found.plans, 1))]:
        files[f"{name}.json"] = plan.record.to_bytes(folder)
    return files


# ---------------------------------------------------------------------------------------------------------
# Words and files for the command line


def summary(result: Result) -> str:
    """The printed summary of a solve (status, unmet demand, budget, finance, projects)."""
    from reports.summary import format_summary

    assert result.plan is not None
    return format_summary(result.scenario, result.plan, result.evaluation, baseline=result.baseline)


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """The diagnosis of an infeasible scenario, in words (English, as the command line prints it)."""
    from reports.words import format_diagnosis

    return format_diagnosis(diagnosis)


def comparison_text(comparison: Comparison) -> str:
    """The comparison's tables as the command line prints them."""
    from reports.compare import format_comparison

    return format_comparison(comparison)


def demand(scenario: Scenario, folder: Path, chart: bool = True, lang: str = "fr") -> str:
    """Write the demand tables (and chart, in `lang`) of a scenario into `folder`; returns them as printed text."""
    from reports.demand import format_demand, write_demand

    write_demand(folder, scenario, chart=chart, lang=lang)
    return format_demand(scenario)


def enrolment(
    file: str | Path,
    commune: str,
    mapping: str | Path,
    out: str | Path,
    *,
    communes: str | Path | None = None,
    force: bool = False,
    under_3: float | None = None,
    creche_places: float | None = None,
    creche_places_rep: float | None = None,
    **options: Any,
) -> tuple[Any, list[str]]:
    """Read the national enrolment file for `commune` (name or INSEE code) and the school → quartier
    `mapping`, and write the scenario tables into the folder `out`, each file atomically (docs/enrolment.md).
    `options` are those of `models.enrolment.prepare` (sector, ulis, trend, classes_by, base_year,
    first_year, capacity_year). A table that exists with other contents is replaced only with `force`.
    Returns the enrolment and the names of the files written (unchanged files are not rewritten)."""
    from models import enrolment as en
    from results import OutputError, write_file

    national = en.read_national_file(file)
    codes = en.read_communes(communes) if communes is not None else None
    name, rows = en.select_commune(national, commune, codes)
    school_map = en.read_school_map(mapping)
    childcare = None
    if under_3 is not None:
        childcare = en.Childcare(under_3, creche_places, creche_places_rep)
    elif creche_places is not None or creche_places_rep is not None:
        raise en.EnrolmentError("crèche places are estimated per child under 3: give the under-3 ratio too")
    result = en.prepare(
        rows, school_map, commune=name, source=str(file), national=national, childcare=childcare, **options
    )
    files = en.tables(result)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file: give the folder to write the tables into")
    if any((folder / n).resolve() == Path(mapping).resolve() for n in files):
        raise OutputError(f"the mapping {mapping} would be overwritten by a table of the same name: rename it")
    changed = [n for n in files if not (folder / n).exists() or (folder / n).read_bytes() != files[n]]
    clash = [n for n in changed if (folder / n).exists()]
    if clash and not force:
        raise OutputError(
            f"{', '.join(str(folder / n) for n in clash)} exist(s) with other contents; add --force to replace them"
        )
    for n in changed:
        write_file(folder / n, files[n])
    return result, changed


def enrolment_text(result: Any, written: list[str] | None = None) -> str:
    """The enrolment summary as `ppi enrolment` prints it."""
    from reports.enrolment import format_enrolment

    return format_enrolment(result, written)


def init(
    folder: str | Path,
    name: str | None = None,
    districts: Iterable[str] = ("centre", "nord", "sud"),
    start: int | None = None,
    end: int | None = None,
) -> list[Path]:
    """A ready-to-fill scenario written into `folder` (new or empty; anything else is refused): a commented
    scenario.yaml, the project matrix projets.xlsx (French headers, drop-down lists, one example row, a
    subsidies sheet), besoins.csv and capacites.csv (models/starter.py). It validates and solves as written.
    `districts` are quartier names or ids: each gets an id without accents or spaces (`Gare Nord` -> gare-nord).
    `start` defaults to next year, `end` to nine years later. Returns the files written."""
    import datetime
    import re

    from models.headers import fold
    from models.starter import starter_files
    from results import OutputError, write_file

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file: give a new or empty folder for the scenario")
    if folder.is_dir() and any(folder.iterdir()):
        raise OutputError(f"{folder} is not empty: ppi init writes a new scenario into a new or empty folder only")
    typed = [d.strip() for d in districts if d.strip()]
    quartiers = {re.sub(r"[^a-z0-9]+", "-", fold(d)).strip("-"): d for d in typed}  # id -> name as typed
    if not typed or "" in quartiers or len(quartiers) < len(typed):
        raise OutputError(
            f"quartiers: give at least one, each once, with a letter or a digit (got {', '.join(typed) or 'none'})"
        )
    first = start if start is not None else datetime.date.today().year + 1
    last = end if end is not None else first + 9
    if not 1900 <= first <= last <= 2200 or last - first > 60:
        raise OutputError(f"the horizon {first}-{last} is not a span of at most 60 years between 1900 and 2200")
    files = starter_files(name or folder.resolve().name, quartiers, first, last)
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, content in files.items():
        write_file(folder / file_name, content)
    return [folder / n for n in files]


def schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format."""
    from models import scenario_json_schema

    return scenario_json_schema()


def write_schema(path: str | Path, force: bool = False) -> None:
    """The JSON Schema written to the file `path` atomically; a file that is not an earlier JSON Schema is
    replaced only with `force`, a folder never."""
    from results import OutputError, write_file

    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give the name of the schema file to write")
    if path.exists() and not force:
        try:
            earlier = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            earlier = None
        if not (isinstance(earlier, dict) and ("$schema" in earlier or earlier.get("type") == "object")):
            raise OutputError(
                f"{path} exists and is not a JSON Schema; add --force to replace it, or choose another file"
            )
    write_file(path, schema_text().encode("utf-8"))


def schema_text() -> str:
    """The JSON Schema as `ppi schema` prints it."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def output_folder(out: str | Path | None, default: Path, force: bool = False) -> Path:
    """Where a command writes its results (see results/store.py: earlier results are never replaced
    without `force`; default folders are numbered)."""
    from results.store import output_folder as _output_folder

    return _output_folder(out, default, force)


def analysis_folder(out: str | Path | None, default: Path, run: dict[str, Any], force: bool = False) -> Path:
    """The folder of a resumable analysis run (see results/store.py)."""
    from results.store import analysis_folder as _analysis_folder

    return _analysis_folder(out, default, run, force)


def write_folder(folder: Path, files: dict[str, bytes], marker: str) -> Path:
    """A results folder of another kind (comparison, alternatives), written atomically."""
    from results.store import write_folder as _write_folder

    return _write_folder(folder, files, marker)


def write_file(path: Path, data: bytes) -> None:
    """One file written atomically."""
    from results import write_file as _write_file

    _write_file(path, data)


def write_table(stem: Path, table: Any) -> None:
    """A result table as CSV (for Excel users) and Parquet (for analysts' dataframes), each atomically."""
    from results import write_file as _write_file
    from results.tables import csv_bytes, parquet_bytes

    _write_file(stem.with_suffix(".csv"), csv_bytes(table))
    _write_file(stem.with_suffix(".parquet"), parquet_bytes(table))


# ---------------------------------------------------------------------------------------------------------
# The live arbitration page (`ppi serve`, serve/): its data and words come from reports/live.py


def warm() -> None:
    """Import now what a solve, its verification and its reports import on first use (a server's worker,
    before its first job)."""
    for name in ("solver", "results.result", "results.tables", "analysis.diagnose", "analysis.explain"):
        importlib.import_module(name)


def set_value(text: str) -> tuple[str, Any]:
    """A `--set path=value` text read as the command line reads it: (path, value)."""
    from models.edits import parse_set

    edit = parse_set(text)
    return edit.path, edit.value


def diagnosis_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """A diagnosis in its diagnosis.json form (what the reports show)."""
    from reports.words import diagnosis_to_dict

    return diagnosis_to_dict(diagnosis)


def live_scenario(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the live page lists it (years, kinds, envelopes, projects with their window)."""
    from reports.live import scenario_view

    return scenario_view(scenario)


def live_plan(result: Result, lang: str = "fr") -> dict[str, Any]:
    """A plan as the live page shows it (status, objective and its parts, key figures, projects, spending)."""
    from reports.live import plan_view

    return plan_view(result, lang)


def live_chart(result: Result, name: str, lang: str = "fr") -> str:
    """One of the reports' charts of a plan (spending, unmet, heatmap, gantt) as SVG text."""
    from reports.live import plan_chart

    return plan_chart(result, name, lang)


def live_changes(before: Result, after: Result) -> dict[str, Any]:
    """Projects in, out and moved, unmet demand per kind and spending per year, from one plan to the next."""
    from reports.live import changes_view

    return changes_view(before, after)


def live_diagnosis(diagnosis: Diagnosis, lang: str = "fr") -> dict[str, Any]:
    """A diagnosis worded for the live page: findings, and remedies as `--set` lists."""
    from reports.live import diagnosis_view

    return diagnosis_view(diagnosis, lang)


def live_why(explanation: Explanation, scenario: Scenario, project: str, lang: str = "fr") -> dict[str, Any]:
    """One project's explain values (force in, drop, defer), worded for the live page."""
    from reports.live import why_view

    return why_view(explanation, scenario, project, lang)


def live_comparison(comparison: Comparison, lang: str = "fr") -> dict[str, Any]:
    """A comparison's summary table and its spending and unmet charts on shared axes, for the live page."""
    from reports.live import comparison_view

    return comparison_view(comparison, lang)


def live_edit_label(edit: Mapping[str, Any], scenario: Scenario, lang: str = "fr") -> str:
    """A live page's edit in words."""
    from reports.live import edit_label

    return edit_label(edit, scenario, lang)


def live_words(key: str, lang: str = "fr", **values: Any) -> str:
    """One phrase of the live page (`live.<key>` in reports/text.py) in `lang`."""
    from reports.live import words

    return words(key, lang, **values)


def live_page_words(lang: str = "fr") -> dict[str, str]:
    """The live page's own labels (`page.<key>` in reports/text.py, without the prefix) in `lang`."""
    from reports.live import page_words

    return page_words(lang)
