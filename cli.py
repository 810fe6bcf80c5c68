"""ppi command line: solve, validate, verify a PPI scenario; derive its demand; print its JSON Schema.

Exit codes: 0 solved (or valid), 1 invalid input, 2 infeasible, 3 no plan within the limits,
4 internal error (a bug: please report it with the output of --debug).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
import unicodedata
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_PLAN, EXIT_INTERNAL = 0, 1, 2, 3, 4


class _UsageError(Exception):
    """A command line that cannot be carried out as written (exit 1)."""


class _Parser(argparse.ArgumentParser):
    """Usage errors are invalid input (exit 1), keeping exit 2 for infeasible scenarios."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}: error: {message}\n")


def slug(name: str) -> str:
    """`Exemple-Ville — PPI 2026-2035` -> `exemple-ville-ppi-2026-2035` (a safe folder name)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "scenario"


def _positive(value: str) -> float:
    x = float(value)
    if not x > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return x


LANGS = ("fr", "en")
REPORT_FORMATS = ("html", "xlsx")


def _share(value: str) -> float:
    """`2%` or `0.02` -> 0.02."""
    text = value.strip()
    try:
        x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 2% or 0.02, got {value!r}") from None
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 100 %, got {value!r}")
    return x


def _formats(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in REPORT_FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"formats are {', '.join(REPORT_FORMATS)} (comma-separated), got {value!r}")
    return names


def _add_set(p: argparse.ArgumentParser, note: str = "") -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override one value, e.g. budget.annual.2027=12e6 or projects.gs-plateau.status=excluded"
        + (f" ({note})" if note else "")
        + "; repeatable, applied after the variant",
    )


def _add_out(p: argparse.ArgumentParser, help_text: str) -> None:
    """--out DIR and --force: earlier results in DIR are replaced only when asked (see `_output_folder`)."""
    p.add_argument("--out", help=help_text)
    p.add_argument("--force", action="store_true", help="replace the results already in that folder")


def _add_parallel(p: argparse.ArgumentParser) -> None:
    """Where the solves of a sweep, tornado or Monte Carlo run: local worker processes or a Dask cluster."""
    p.add_argument("--workers", type=int, metavar="N", help="parallel solves (default: the number of cores)")
    p.add_argument(
        "--executor", choices=("local", "dask"), default="local", help="local worker processes, or a Dask cluster"
    )
    p.add_argument(
        "--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)"
    )


def split_target(text: str) -> tuple[str, str | None]:
    """`scenario.yaml:budget-serre` -> (`scenario.yaml`, `budget-serre`); a path alone -> (path, None)."""
    head, sep, tail = text.rpartition(":")
    if sep and head and tail and "/" not in tail and "\\" not in tail and not Path(text).exists():
        return head, tail
    return text, None


def build_parser() -> argparse.ArgumentParser:
    from solver.engines import ENGINES

    parser = _Parser(prog="ppi", description="Plan school and childcare equipment under PPI budget envelopes.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("solve", help="choose and schedule projects; write plan.json and CSV tables")
    p.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT for a named variant")
    _add_set(p)
    _add_out(p, "results folder (default: results/<scenario name>/)")
    p.add_argument("--time-limit", type=_positive, metavar="S", help="stop after S seconds with the best plan")
    p.add_argument("--gap", type=_positive, metavar="G", help="stop at relative gap G (e.g. 0.01); default 1e-4")
    p.add_argument("--solver", choices=sorted(ENGINES), default="highs", help="engine (default: highs)")
    p.add_argument("--threads", type=int, help="solver threads (default: the solver's choice)")
    p.add_argument("--seed", type=int, default=0, help="solver random seed (default 0)")
    p.add_argument(
        "--start",
        metavar="PLAN",
        help="plan.json or results folder of an earlier run, offered to HiGHS as its first plan (a first "
        "plan at least that good when it is still feasible; same optimum)",
    )
    p.add_argument("--verbose", action="store_true", help="show the solver's log")
    p.add_argument("--quiet", action="store_true", help="print only the results folder")
    p.add_argument("--report", type=_formats, default=(), metavar="html,xlsx", help="also write these reports")
    p.add_argument("--lang", choices=LANGS, default="fr", help="language of the reports (default fr)")

    v = sub.add_parser("validate", help="check a scenario (and each of its named variants) without solving it")
    v.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    _add_set(v)

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument("--out", help="write it to this file instead")

    d = sub.add_parser("demand", help="derive and write the demand tables (and a chart) without solving")
    d.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    _add_set(d)
    _add_out(d, "folder for the tables (default: results/<scenario name>-demand/)")
    d.add_argument("--no-chart", action="store_true", help="write the tables only")
    d.add_argument("--quiet", action="store_true", help="print only the folder written")

    m = sub.add_parser("compare", help="solve (or read) two or more plans and show them side by side")
    m.add_argument("targets", nargs="+", metavar="TARGET", help="FILE[:VARIANT], or a results folder / plan.json")
    _add_set(m, "applied to every scenario solved")
    _add_out(m, "folder for the comparison (default: results/compare-<labels>/)")
    m.add_argument("--report", type=_formats, default=("html", "xlsx"), metavar="html,xlsx", help="reports written")
    m.add_argument("--lang", choices=LANGS, default="fr", help="language of the reports (default fr)")
    m.add_argument("--time-limit", type=_positive, metavar="S", help="time limit of each solve")
    m.add_argument("--solver", choices=sorted(ENGINES), default="highs", help="engine (default: highs)")
    m.add_argument("--quiet", action="store_true", help="print only the folder written")

    r = sub.add_parser("report", help="write the HTML or Excel report of a plan (or of a scenario, solved first)")
    r.add_argument("target", metavar="PLAN_OR_SCENARIO", help="a results folder or plan.json, or FILE[:VARIANT]")
    r.add_argument("--format", type=_formats, default=("html",), metavar="html,xlsx", help="default html")
    r.add_argument("--lang", choices=LANGS, default="fr", help="language (default fr)")
    _add_out(r, "folder to write to (default: the plan's results folder)")
    _add_set(r, "applied when a scenario is solved")
    r.add_argument("--time-limit", type=_positive, metavar="S", help="time limit when a scenario is solved")

    w = sub.add_parser("sweep", help="solve a scenario at many points (budget factors, varied values) in parallel")
    w.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    _add_set(w, "applied at every point")
    w.add_argument("--budget-scale", metavar="A:B:STEP", help="every envelope × each factor, e.g. 0.6:1.4:0.05")
    w.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=V1,V2",
        help="values of a path, e.g. finance.fctva.rate=0.15,0.16",
    )
    _add_parallel(w)
    _add_out(w, "sweep folder (default: results/<scenario name>-sweep/); finished points are reused")
    w.add_argument("--time-limit", type=_positive, metavar="S", help="time limit of each solve")
    w.add_argument("--gap", type=_positive, metavar="G", help="relative gap of each solve (default 1e-4)")
    w.add_argument("--solver", choices=sorted(ENGINES), default="highs", help="engine (default: highs)")
    w.add_argument("--quiet", action="store_true", help="print only the folder written")

    t = sub.add_parser("tornado", help="each parameter moved one at a time: effect on the objective and the plan")
    t.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    _add_set(t, "applied at every point")
    t.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="PATH=LOW,HIGH",
        help="a parameter and its values, e.g. finance.fctva.rate=0.1485,0.18, costs=-10%%,+10%% (every project's "
        "cost) or delays=1,2 (every project's delivery, in years); repeatable",
    )
    _add_parallel(t)
    _add_out(t, "folder (default: results/<scenario name>-tornado/); finished points are reused")
    t.add_argument("--time-limit", type=_positive, metavar="S", help="time limit of each solve")

    mc = sub.add_parser("montecarlo", help="re-solve under sampled costs, delays and demand growth (robustness)")
    mc.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    _add_set(mc, "applied at every sample")
    mc.add_argument("--samples", type=int, default=200, metavar="N", help="samples (default 200)")
    mc.add_argument("--seed", type=int, default=1, help="random seed (default 1): the same seed gives the same samples")
    mc.add_argument("--cost-sigma", type=float, default=1.0, metavar="X", help="× every cost σ by maturity (default 1)")
    mc.add_argument("--delay", type=float, default=1.0, metavar="X", help="× every slip probability (default 1)")
    mc.add_argument("--demand-sigma", type=float, default=0.01, metavar="S", help="σ of extra yearly demand growth")
    mc.add_argument("--threshold", type=float, metavar="OBJ", help="objective the fixed plan should stay under")
    mc.add_argument(
        "--fixed-plan", metavar="PLAN", help="plan.json or results folder to test (default: the base optimum)"
    )
    _add_parallel(mc)
    _add_out(mc, "folder (default: results/<scenario name>-montecarlo/); finished samples are reused")
    mc.add_argument("--time-limit", type=_positive, metavar="S", help="time limit of each solve")

    a = sub.add_parser("alternatives", help="plans within a tolerance of the optimum, as different as possible")
    a.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    _add_set(a)
    a.add_argument("--within", type=_share, default=0.02, metavar="X", help="tolerance: 2%% or 0.02 (default 2%%)")
    a.add_argument("--count", type=int, default=5, metavar="N", help="alternatives wanted (default 5)")
    _add_out(a, "folder (default: results/<scenario name>-alternatives/)")
    a.add_argument("--time-limit", type=_positive, metavar="S", help="time limit of each solve")
    a.add_argument("--solver", choices=sorted(ENGINES), default="highs", help="engine (default: highs)")

    x = sub.add_parser("explain", help="why each project is in or out, what one more M€ a year is worth, what binds")
    x.add_argument("target", metavar="PLAN_OR_SCENARIO", help="a results folder or plan.json, or FILE[:VARIANT]")
    _add_set(x, "applied when a scenario is solved")
    x.add_argument(
        "--project", action="append", default=[], metavar="ID", help="explain only this project (repeatable)"
    )
    x.add_argument("--no-budget", action="store_true", help="skip the value of one more M€ in each year")
    _add_parallel(x)
    _add_out(x, "folder (default: results/<scenario name>-explain/); finished re-solves are reused")
    x.add_argument("--time-limit", type=_positive, metavar="S", help="time limit of each re-solve")
    x.add_argument("--solver", choices=sorted(ENGINES), default="highs", help="engine (default: highs)")
    x.add_argument("--report", type=_formats, default=(), metavar="html,xlsx", help="also write the plan's reports")
    x.add_argument("--lang", choices=LANGS, default="fr", help="language of the reports (default fr)")

    c = sub.add_parser("verify", help="check a saved plan against its scenario, independently of any solver")
    c.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT (default: the plan's own variant)")
    _add_set(c)
    c.add_argument("plan", help="plan.json or a results folder")
    for name, command in sub.choices.items():
        if name != "schema":
            command.add_argument(
                "--allow-outside-files",
                action="store_true",
                help="let the scenario's table files lie outside its folder (refused by default)",
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except Exception as exc:  # the last line of defence: no traceback unless --debug
        from models.errors import ScenarioError
        from reports.files import OutputError

        if isinstance(exc, ScenarioError):
            print(exc.describe(), file=sys.stderr)
            return EXIT_INVALID
        if isinstance(exc, (OutputError, _UsageError)):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INVALID
        if isinstance(exc, BrokenPipeError):  # output piped into `head` and the like: not an error of ppi
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130


def _load(target: str, args: argparse.Namespace):  # -> Scenario
    """The scenario FILE[:VARIANT] with the command's --set overrides (and --allow-outside-files)."""
    from models import load_scenario

    path, variant = split_target(target)
    return load_scenario(
        path,
        variant=variant,
        overrides=tuple(args.set),
        allow_outside_files=getattr(args, "allow_outside_files", False),
    )


def _solve(scenario, args: argparse.Namespace, quiet: bool = False):  # -> Plan, or None on a failed check
    """Solve with the command's options (progress line on a terminal); every plan is verified first."""
    from models.verify import verify_plan
    from reports.files import plan_to_dict
    from solver import SolveOptions, solve

    verbose = getattr(args, "verbose", False)
    show_progress = not quiet and not verbose and sys.stderr.isatty()
    time_limit = getattr(args, "time_limit", None)
    options = SolveOptions(
        progress=_ProgressLine(time_limit) if show_progress else None,
        solver=getattr(args, "solver", "highs"),
        time_limit=time_limit,
        gap=getattr(args, "gap", None),
        threads=getattr(args, "threads", None),
        seed=getattr(args, "seed", 0),
        verbose=verbose,
    )
    start = _start_plan(scenario, getattr(args, "start", None), quiet)
    if not quiet:
        limit = f", time limit {time_limit:g} s" if time_limit else ""
        print(f"Solving {scenario.name} with {options.solver}{limit}...", file=sys.stderr, flush=True)
    plan = solve(scenario, options, start=start)
    if show_progress:
        print(file=sys.stderr)
    if plan.status.has_plan:
        check = verify_plan(scenario, plan_to_dict(scenario, plan))
        if not check.ok:
            print(f"internal error: the solver's plan fails the independent check\n{check}", file=sys.stderr)
            return None
    return plan


def _start_plan(scenario, path: str | None, quiet: bool) -> dict[str, int | None] | None:
    """The start years of the plan given by --start; says which chosen projects this scenario cannot start
    as that plan did (they are left out of the start plan)."""
    from reports.files import read_plan
    from solver.solve import unstartable

    if path is None:
        return None
    starts = {p["id"]: p.get("start") for p in read_plan(path).get("projects", [])}
    left_out = unstartable(scenario, starts)
    if not quiet:
        chosen = sum(year is not None for year in starts.values())
        note = f"; left out, not startable here as in that plan: {', '.join(left_out)}" if left_out else ""
        print(f"Start plan: {chosen} projects from {path}{note}", file=sys.stderr)
    return starts


def _reports(
    scenario,
    plan: dict,
    formats: tuple[str, ...],
    lang: str,
    explanation: dict | None = None,
    diagnosis: dict | None = None,
) -> dict[str, bytes]:
    """report.html / report.xlsx of a plan (plan.json form), with its explanation (explain.json form) or, for
    an infeasible scenario, its diagnosis (diagnosis.json form) when given."""
    files: dict[str, bytes] = {}
    why = {"explanation": explanation, "diagnosis": diagnosis}
    if "html" in formats:
        from reports.html import plan_html

        files["report.html"] = plan_html(scenario, plan, lang=lang, **why).encode("utf-8")
    if "xlsx" in formats:
        from reports.xlsx import plan_workbook

        files["report.xlsx"] = plan_workbook(scenario, plan, lang=lang, **why)
    return files


def _exit_code(status) -> int:
    from models.plan import Status

    return {
        Status.OPTIMAL: EXIT_OK,
        Status.FEASIBLE: EXIT_OK,
        Status.INFEASIBLE: EXIT_INFEASIBLE,
        Status.NO_SOLUTION: EXIT_NO_PLAN,
    }[Status(status)]


def _results_folder(path: Path) -> Path:
    from reports.files import OutputError, is_results_folder

    if not is_results_folder(path):
        raise OutputError(f"{path} exists and is not a ppi results folder; choose an empty or new folder with --out")
    return path


def _holds_results(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def _output_folder(args: argparse.Namespace, default: Path) -> Path:
    """Where a command writes its results; earlier results are never replaced without --force.

    With --out: that folder, refused when it already holds results unless --force (and always when it holds
    anything else). Without: the default folder, or when it already holds results, the first free one of
    `<default>-2`, `<default>-3`, ... (with --force: the default folder, replaced)."""
    from reports.files import OutputError

    if args.out:
        path = _results_folder(Path(args.out))
        if _holds_results(path) and not args.force:
            raise OutputError(f"{path} already holds results; add --force to replace them, or choose another --out")
        return path
    if args.force:
        return _results_folder(default)
    path, n = default, 2
    while path.exists() and (_holds_results(path) or not path.is_dir()):
        path, n = default.with_name(f"{default.name}-{n}"), n + 1
    return path


def _analysis_folder(args: argparse.Namespace, default: Path, run: dict) -> Path:
    """The folder of a sweep, tornado or Monte Carlo run: its finished points are its cache, so the same run
    resumes there; a folder holding another run (recorded in run.json) is replaced only with --force."""
    from reports.files import OutputError, write_file

    out = _results_folder(Path(args.out) if args.out else default)
    record = out / "run.json"
    text = json.dumps(run, indent=1, sort_keys=True, default=str) + "\n"
    if record.exists() and record.read_text(encoding="utf-8") != text and not args.force:
        raise OutputError(
            f"{out} holds the results of another {run['command']} run (see its run.json); add --force to replace "
            "them, or choose another --out"
        )
    if args.force and _holds_results(out) and record.exists() and record.read_text(encoding="utf-8") != text:
        import shutil

        shutil.rmtree(out)
    write_file(record, text.encode("utf-8"))
    return out


def _run_record(args: argparse.Namespace) -> dict:
    """What defines an analysis run (not where or how fast it runs, nor the reports' format), for run.json."""
    skip = {"out", "force", "workers", "executor", "scheduler", "quiet", "debug", "verbose", "report", "lang"}
    return {k: v for k, v in sorted(vars(args).items()) if k not in skip and not callable(v)}


def cmd_solve(args: argparse.Namespace) -> int:
    from reports.files import plan_to_dict, write_results
    from reports.summary import format_summary

    scenario = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / slug(scenario.name))
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    plan = _solve(scenario, args, quiet=args.quiet)
    if plan is None:
        return EXIT_INTERNAL
    diagnosis = _diagnose(scenario, plan, args)
    found = diagnosis.to_dict() if diagnosis is not None else None
    extra = _reports(scenario, plan_to_dict(scenario, plan), args.report, args.lang, diagnosis=found)
    if found is not None:
        extra["diagnosis.json"] = (json.dumps(found, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_results(out, scenario, plan, extra=extra)
    if args.quiet:
        print(out)
    else:
        print(format_summary(scenario, plan))
        if diagnosis is not None:
            from analysis.diagnose import format_diagnosis

            print("\n" + format_diagnosis(diagnosis))
        print(f"\nResults written to {out}/" + (f" (with {', '.join(sorted(extra))})" if extra else ""))
    return _exit_code(plan.status)


def _diagnose(scenario, plan, args: argparse.Namespace):  # -> analysis.diagnose.Diagnosis | None
    """For an infeasible scenario: what breaks and the verified changes that give it a plan."""
    from analysis.diagnose import diagnose
    from models.plan import Status
    from solver import SolveOptions

    if plan.status != Status.INFEASIBLE:
        return None
    if not args.quiet:
        print("Infeasible: looking for the least change that gives a plan...", file=sys.stderr, flush=True)
    return diagnose(scenario, SolveOptions(solver=args.solver, time_limit=args.time_limit, threads=args.threads))


def _entry(target: str, args: argparse.Namespace, labels: set[str]):  # -> reports.compare.Entry
    """A plan to compare: read from a results folder or plan.json, or solved from FILE[:VARIANT]."""
    from reports.compare import Entry
    from reports.files import plan_to_dict, read_plan

    path = Path(target)
    if path.is_dir() or path.suffix == ".json":
        plan = read_plan(path)
        scenario = _scenario_of(plan, args)
        label = (path if path.is_dir() else path.parent).name
    else:
        scenario = _load(target, args)
        solved = _solve(scenario, args, quiet=getattr(args, "quiet", False))
        if solved is None:
            raise RuntimeError(f"the plan of {target} failed the independent check")
        plan = plan_to_dict(scenario, solved)
        file, variant = split_target(target)
        label = variant or (Path(file).parent.name if Path(file).stem == "scenario" else Path(file).stem)
    base, n = label, 2
    while label in labels:
        label, n = f"{base}-{n}", n + 1
    labels.add(label)
    return Entry(label, scenario, plan)


def _scenario_of(plan: dict, args: argparse.Namespace):  # -> Scenario
    """The scenario a saved plan was solved from: its file, variant and overrides, loaded again."""
    info = plan.get("scenario", {})
    source = info.get("source")
    if not source or source.startswith("<"):
        from reports.files import OutputError

        raise OutputError("the plan does not name the scenario file it was solved from")
    from models import load_scenario

    return load_scenario(
        source,
        variant=info.get("variant"),
        overrides=tuple(info.get("set", [])),
        budget_scale=info.get("budget_scale"),
        allow_outside_files=getattr(args, "allow_outside_files", False),
    )


def cmd_compare(args: argparse.Namespace) -> int:
    from reports.compare import compare, comparison_tables, format_comparison
    from reports.files import replace_folder

    if len(args.targets) < 2:
        raise _UsageError("compare needs at least two plans or scenarios")
    labels: set[str] = set()
    entries = [_entry(t, args, labels) for t in args.targets]
    comparison = compare(entries)
    out = _output_folder(args, Path("results") / ("compare-" + "-".join(slug(e.label) for e in entries)))
    files = {f"{name}.csv": t.to_csv(index=False).encode("utf-8") for name, t in comparison_tables(comparison).items()}
    if "xlsx" in args.report:
        from reports.xlsx import comparison_workbook

        files["comparison.xlsx"] = comparison_workbook(comparison, lang=args.lang)
    if "html" in args.report:
        from reports.html import comparison_html

        files["comparison.html"] = comparison_html(comparison, lang=args.lang).encode("utf-8")
    from reports.files import MARKER

    files[MARKER] = b"ppi-comparison/1\n"
    replace_folder(out, files)
    if args.quiet:
        print(out)
    else:
        print(format_comparison(comparison))
        print(f"\nComparison written to {out}/")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from reports.files import OutputError, plan_to_dict, read_plan, write_file, write_results

    path = Path(args.target)
    if path.is_dir() or path.suffix == ".json":
        plan = read_plan(path)
        scenario = _scenario_of(plan, args)
        folder = path if path.is_dir() else path.parent
        out = Path(args.out) if args.out else folder
        why = {}  # written beside the plan by `ppi explain` (explain.json) or an infeasible `ppi solve`
        for key, name in (("explanation", "explain.json"), ("diagnosis", "diagnosis.json")):
            if (folder / name).is_file():
                why[key] = json.loads((folder / name).read_text(encoding="utf-8"))
        reports = _reports(scenario, plan, args.format, args.lang, **why)
        existing = [str(out / name) for name in reports if (out / name).exists()]
        if existing and not args.force:
            raise OutputError(f"{', '.join(existing)} already exist; add --force to replace them, or choose --out")
        written = []
        for name, data in reports.items():
            write_file(out / name, data)
            written.append(out / name)
        for w in written:
            print(w)
        return EXIT_OK
    scenario = _load(args.target, args)
    out = _output_folder(args, Path("results") / slug(scenario.name))
    solved = _solve(scenario, args)
    if solved is None:
        return EXIT_INTERNAL
    extra = _reports(scenario, plan_to_dict(scenario, solved), args.format, args.lang)
    write_results(out, scenario, solved, extra=extra)
    for name in sorted(extra):
        print(out / name)
    return _exit_code(solved.status)


class _ProgressLine:
    """One self-updating stderr line while HiGHS searches: time, best plan, bound, gap, time-limit bar."""

    WIDTH = 20
    EVERY_S = 0.2  # redraw at most five times a second

    def __init__(self, time_limit: float | None):
        self.time_limit = time_limit
        self.last = -1.0

    def __call__(self, elapsed: float, best: float | None, bound: float | None) -> None:
        if elapsed - self.last < self.EVERY_S:
            return
        self.last = elapsed
        parts = [f"{elapsed:7.1f} s"]
        if self.time_limit:
            done = min(1.0, elapsed / self.time_limit)
            filled = int(done * self.WIDTH)
            parts.append("[" + "#" * filled + "-" * (self.WIDTH - filled) + f"] of {self.time_limit:g} s")
        parts.append(f"best plan {best:.6g}" if best is not None else "no plan yet")
        if bound is not None:
            parts.append(f"bound {bound:.6g}")
        if best is not None and bound is not None and abs(best) > 0:
            parts.append(f"gap {max(0.0, best - bound) / abs(best):.2%}")
        sys.stderr.write("\r  " + "  ".join(parts) + "\033[K")
        sys.stderr.flush()


def cmd_explain(args: argparse.Namespace) -> int:
    from analysis.explain import explain, format_explanation
    from analysis.sweep import ProgressLine
    from reports.files import plan_to_dict, read_plan, write_file

    if args.workers is not None and args.workers < 1:
        raise _UsageError(f"--workers must be at least 1, got {args.workers}")
    path = Path(args.target)
    if path.is_dir() or path.suffix == ".json":
        plan = read_plan(path)
        scenario = _scenario_of(plan, args)
    else:
        scenario = _load(args.target, args)
        solved = _solve(scenario, args, quiet=True)
        if solved is None:
            return EXIT_INTERNAL
        plan = plan_to_dict(scenario, solved)
    if not plan.get("projects") or plan.get("objective") is None:
        print(f"error: the plan is {plan.get('status')}: there is no plan to explain", file=sys.stderr)
        return _exit_code(plan.get("status"))
    unknown = [p for p in args.project if p not in scenario.project]
    if unknown:
        raise _UsageError(f"unknown project {unknown[0]!r} (see the scenario's projects)")
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-explain", _run_record(args))
    show = sys.stderr.isatty()
    print(f"Explaining the plan of {scenario.name}: re-solving with one change at a time...", file=sys.stderr)
    explanation = explain(
        scenario,
        plan,
        out,
        projects=tuple(args.project),
        budget=not args.no_budget,
        time_limit=args.time_limit,
        solver=args.solver,
        workers=args.workers,
        executor=args.executor,
        scheduler=args.scheduler,
        progress=ProgressLine() if show else None,
    )
    if show:
        print(file=sys.stderr)
    data = explanation.to_dict()
    write_file(out / "explain.json", (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    write_file(out / "plan.json", (json.dumps(plan, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    _write_table(out / "projects", explanation.projects_table())
    if explanation.budget:
        _write_table(out / "budget", explanation.budget_table())
    for name, content in _reports(scenario, plan, args.report, args.lang, explanation=data).items():
        write_file(out / name, content)
    print(format_explanation(explanation))
    print(
        f"\nExplanation written to {out}/ (explain.json, projects.csv"
        + (", budget.csv)" if explanation.budget else ")")
    )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from models import ScenarioError

    scenario = _load(args.scenario, args)
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    n_candidates = sum(p.status != "excluded" for p in scenario.projects)
    print(
        f"{args.scenario}: valid. {scenario.name}: {scenario.first_year}-{scenario.last_year}, "
        f"{len(scenario.districts)} districts, {len(scenario.kinds)} demand kinds, "
        f"{len(scenario.projects)} projects ({n_candidates} not excluded)."
    )
    for line in scenario.overrides:
        print(f"  applied: {line}")
    path, variant = split_target(args.scenario)
    if variant is None and scenario.spec.variants:  # every named variant must load too
        problems = []
        for name in scenario.spec.variants:
            try:
                _load(f"{path}:{name}", args)
                print(f"  variant {name}: valid")
            except ScenarioError as exc:
                problems += exc.problems
        if problems:
            raise ScenarioError(problems)
    return EXIT_OK


def cmd_demand(args: argparse.Namespace) -> int:
    from reports.demand import format_demand, write_demand

    scenario = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / f"{slug(scenario.name)}-demand")
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    write_demand(out, scenario, chart=not args.no_chart)
    if not args.quiet:
        print(format_demand(scenario))
        print()
    print(f"Demand tables written to {out}/" if not args.quiet else out)
    return EXIT_OK


def _write_table(stem: Path, table) -> None:
    """A result table as CSV (for Excel users) and Parquet (for analysts' dataframes), each atomically."""
    import io

    from reports.files import write_file

    write_file(stem.with_suffix(".csv"), table.to_csv(index=False).encode("utf-8"))
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    write_file(stem.with_suffix(".parquet"), buffer.getvalue())


def _run_points(spec, out: Path, args: argparse.Namespace, show: bool):  # -> analysis.sweep.SweepResult
    """Solve a sweep's points with the command's workers and executor; a progress line on a terminal."""
    from analysis.sweep import ProgressLine, run_sweep

    result = run_sweep(
        spec,
        out,
        workers=args.workers,
        progress=ProgressLine() if show else None,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    if show:
        print(file=sys.stderr)
    return result


def cmd_sweep(args: argparse.Namespace) -> int:
    from analysis.sweep import (
        SweepError,
        SweepSpec,
        check_spec,
        frontier_chart,
        knee,
        make_points,
        parse_range,
        parse_vary,
    )
    from reports.files import write_file

    try:
        scales = parse_range(args.budget_scale) if args.budget_scale else None
        varies = [parse_vary(v) for v in args.vary]
        if scales is None and not varies:
            raise SweepError("give --budget-scale and/or --vary: a sweep needs points")
        if args.workers is not None and args.workers < 1:
            raise SweepError(f"--workers must be at least 1, got {args.workers}")
    except SweepError as exc:
        raise _UsageError(str(exc)) from None
    path, variant = split_target(args.scenario)
    spec = SweepSpec(
        path,
        variant,
        tuple(args.set),
        make_points(scales, varies),
        time_limit=args.time_limit,
        gap=args.gap,
        solver=args.solver,
        allow_outside_files=args.allow_outside_files,
    )
    scenario = _load(args.scenario, args)
    check_spec(spec)  # every point loads: bad paths and values stop here, before any solve
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-sweep", _run_record(args))
    show = not args.quiet and sys.stderr.isatty()
    if not args.quiet:
        print(f"Sweep of {scenario.name}: {len(spec.points)} points", file=sys.stderr, flush=True)
    result = _run_points(spec, out, args, show)
    table = result.table
    _write_table(out / "sweep", table)
    if scales is not None and not varies:
        write_file(out / "frontier.png", frontier_chart(table, scenario.name))
    if args.quiet:
        print(out)
        return EXIT_OK
    cols = ["label", "envelope_total", "status", "gap", "objective", "projects_chosen", "objective_per_extra_meur"]
    shown = table[cols].copy()
    shown["envelope_total"] = (shown["envelope_total"] / 1e6).round(2)
    print(shown.rename(columns={"envelope_total": "envelope M€", "objective_per_extra_meur": "gain per M€"}).to_string(
        index=False, float_format=lambda v: f"{v:.4g}"
    ))  # fmt: skip
    k = knee(table) if scales is not None and not varies else None
    if k is not None:
        print(f"\nKnee of the frontier: {table.at[k, 'label']} ({table.at[k, 'envelope_total'] / 1e6:.1f} M€ in all)")
    moved = table[(table["entering"] != "") | (table["leaving"] != "")]
    for row in moved.itertuples(index=False):
        change = " ".join([f"+{p}" for p in row.entering.split()] + [f"-{p}" for p in row.leaving.split()])
        print(f"  {row.label}: {change}")
    print(
        f"\n{result.solved} points solved, {result.reused} reused, in {result.seconds:.1f} s; "
        f"results in {out}/ (sweep.csv, points/)"
    )
    return EXIT_OK


def cmd_tornado(args: argparse.Namespace) -> int:
    from analysis.sweep import (
        SweepError,
        SweepSpec,
        check_spec,
        parse_vary,
        tornado_chart,
        tornado_points,
        tornado_table,
    )
    from reports.files import write_file

    try:
        points = tornado_points([parse_vary(p) for p in args.param], _load(args.scenario, args))
        if args.workers is not None and args.workers < 1:
            raise SweepError(f"--workers must be at least 1, got {args.workers}")
    except SweepError as exc:
        raise _UsageError(str(exc).replace("--vary", "--param")) from None
    path, variant = split_target(args.scenario)
    spec = SweepSpec(
        path, variant, tuple(args.set), points, time_limit=args.time_limit, allow_outside_files=args.allow_outside_files
    )
    scenario = _load(args.scenario, args)
    check_spec(spec)
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-tornado", _run_record(args))
    show = sys.stderr.isatty()
    result = _run_points(spec, out, args, show)
    table = tornado_table(result.results)
    base = result.results[0]["plan"].get("objective")
    _write_table(out / "tornado", table)
    if base is not None:
        write_file(out / "tornado.png", tornado_chart(table, base, scenario.name))
    print(f"Base objective: {base:.6g}" if base is not None else "The base scenario has no plan.")
    print(table.drop(columns=["plan changes"]).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print("\nPlan changes against the base:")
    for row in table.to_dict("records"):
        print(f"  {row['parameter']}: {row['plan changes']}")
    print(f"\n{result.solved} points solved, {result.reused} reused; results in {out}/ (tornado.csv, tornado.png)")
    return EXIT_OK


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from analysis.montecarlo import Distributions, histogram_chart, run_montecarlo
    from analysis.sweep import ProgressLine, SweepSpec
    from reports.files import read_plan, write_file

    if args.samples < 1:
        raise _UsageError(f"--samples must be at least 1, got {args.samples}")
    for name in ("cost_sigma", "delay", "demand_sigma"):
        if not getattr(args, name) >= 0:
            raise _UsageError(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(args, name)}")
    if args.workers is not None and args.workers < 1:
        raise _UsageError(f"--workers must be at least 1, got {args.workers}")
    scenario = _load(args.scenario, args)
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-montecarlo", _run_record(args))
    if args.fixed_plan:
        fixed = {p["id"]: p.get("start") for p in read_plan(args.fixed_plan).get("projects", [])}
    else:
        base = _solve(scenario, args, quiet=True)
        if base is None or not base.status.has_plan:
            print("error: the base scenario has no plan to test; give --fixed-plan", file=sys.stderr)
            return EXIT_INFEASIBLE
        fixed = dict(base.starts)
    path, variant = split_target(args.scenario)
    spec = SweepSpec(
        path,
        variant,
        tuple(args.set),
        time_limit=args.time_limit,
        fixed=tuple(sorted(fixed.items())),
        allow_outside_files=args.allow_outside_files,
        start=tuple(sorted(fixed.items())),  # the plan tested: a first plan for every sample's optimum
    )
    dist = Distributions(args.cost_sigma, args.delay, args.demand_sigma)
    show = sys.stderr.isatty()
    mc = run_montecarlo(
        scenario, spec, args.samples, args.seed, dist, out, workers=args.workers, threshold=args.threshold,
        progress=ProgressLine() if show else None, executor=args.executor, scheduler=args.scheduler,
    )  # fmt: skip
    if show:
        print(file=sys.stderr)
    for name, table in (("samples", mc.samples), ("projects", mc.projects), ("summary", mc.summary)):
        _write_table(out / name, table)
    write_file(out / "montecarlo.png", histogram_chart(mc, scenario.name))
    print(mc.summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print("\nProjects by how often they are chosen:")
    print(mc.projects[["project", "chosen_share", "most_frequent_start", "starts"]].head(20).to_string(index=False))
    print(
        f"\n{mc.result.solved} samples solved, {mc.result.reused} reused, in {mc.result.seconds:.1f} s; "
        f"results in {out}/ (samples.csv, projects.csv, summary.csv, montecarlo.png)"
    )
    return EXIT_OK


def cmd_alternatives(args: argparse.Namespace) -> int:
    from analysis.alternatives import AlternativesError, find_alternatives
    from reports.files import MARKER, plan_to_dict, replace_folder
    from solver import SolveOptions

    if args.count < 1:
        raise _UsageError(f"--count must be at least 1, got {args.count}")
    scenario = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / f"{slug(scenario.name)}-alternatives")
    print(
        f"Optimum of {scenario.name}, then up to {args.count} alternatives within {args.within:.1%}...", file=sys.stderr
    )
    options = SolveOptions(solver=args.solver, time_limit=args.time_limit)
    try:
        found = find_alternatives(scenario, within=args.within, count=args.count, options=options)
    except AlternativesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    files = {"alternatives.csv": found.table.to_csv(index=False).encode("utf-8")}
    for name, plan in [("optimum", found.optimum), *((f"alternative-{i}", p) for i, p in enumerate(found.plans, 1))]:
        files[f"{name}.json"] = (json.dumps(plan_to_dict(scenario, plan), indent=2, ensure_ascii=False) + "\n").encode()
    files[MARKER] = b"ppi-alternatives/1\n"
    replace_folder(out, files)
    shown = found.table.drop(columns=["moved"]).copy()
    shown["above_optimum"] = shown["above_optimum"].map(lambda v: f"{v:+.2%}")
    shown["city_cost"] = (shown["city_cost"] / 1e6).round(2)
    print(shown.rename(columns={"city_cost": "city cost M€"}).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if len(found.plans) < args.count:
        print(f"\nOnly {len(found.plans)} different plans fit within {args.within:.1%} of the optimum.")
    print(f"\nPlans written to {out}/ (alternatives.csv, optimum.json, alternative-N.json)")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from models import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from models import load_scenario
    from models.verify import verify_plan
    from reports.files import read_plan

    plan = read_plan(args.plan)
    path, variant = split_target(args.scenario)
    info = plan.get("scenario", {})
    sets = tuple(args.set)
    scale = None
    if variant is None and not sets and (info.get("variant") or info.get("set") or info.get("budget_scale")):
        variant, sets, scale = info.get("variant"), tuple(info.get("set", [])), info.get("budget_scale")
        print(f"using the plan's variant and overrides: {' '.join(info.get('overrides', []))}")
    scenario = load_scenario(
        path, variant=variant, overrides=sets, budget_scale=scale, allow_outside_files=args.allow_outside_files
    )
    if plan.get("status") not in ("optimal", "feasible"):
        print(f"the plan has status {plan.get('status')}: there is nothing to verify")
        return EXIT_OK
    check = verify_plan(scenario, plan)
    print(check)
    return EXIT_OK if check.ok else EXIT_INVALID


COMMANDS = {
    "solve": cmd_solve,
    "explain": cmd_explain,
    "validate": cmd_validate,
    "demand": cmd_demand,
    "compare": cmd_compare,
    "report": cmd_report,
    "sweep": cmd_sweep,
    "alternatives": cmd_alternatives,
    "tornado": cmd_tornado,
    "montecarlo": cmd_montecarlo,
    "schema": cmd_schema,
    "verify": cmd_verify,
}

if __name__ == "__main__":
    sys.exit(main())
