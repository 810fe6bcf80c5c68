"""ppi command line: a thin caller of the `ppi` module — parse, call `ppi`, print, exit code.

Exit codes: 0 solved (or valid), 1 invalid input or a problem of the environment (a folder that cannot be
written, a full disk, a name too long, a Dask cluster that does not start), 2 infeasible, 3 no plan within
the limits, 4 internal error (a bug: please report it with the output of --debug), 130 interrupted (Ctrl-C,
SIGINT): nothing written, finished analysis points kept.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import traceback
import unicodedata
from collections.abc import Callable
from pathlib import Path

import ppi

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_NO_PLAN, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130
# Errors of the environment, worded as what they are (exit 1) rather than as an internal error.
ENVIRONMENT_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a file of that name is in the way",
    errno.EISDIR: "it is a folder",
    errno.EIO: "input/output error",
    errno.EMFILE: "too many open files",
    errno.ENOMEM: "out of memory",
}
EXIT_BY_STATUS = {"optimal": EXIT_OK, "feasible": EXIT_OK, "infeasible": EXIT_INFEASIBLE, "no_solution": EXIT_NO_PLAN}


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


def _at_least(low: int):
    """An integer option of at least `low` (a thread count, a seed)."""

    def parse(value: str) -> int:
        try:
            x = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if x < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return x

    return parse


def _number_option(
    value: str, accepted: Callable[[float], bool], refused: str, not_number: str = "must be a number"
) -> float:
    """A number option: `not_number` when `value` is not a number, `refused` when `accepted(x)` is false (a NaN
    fails every comparison, so it is refused too)."""
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{not_number}, got {value!r}") from None
    if not accepted(x):
        raise argparse.ArgumentTypeError(f"{refused}, got {value!r}")
    return x


def _non_negative(value: str) -> float:
    return _number_option(value, lambda x: 0 <= x < float("inf"), "must be zero or more")


def _positive(value: str) -> float:
    return _number_option(value, lambda x: x > 0, "must be positive")


LANGS = ("fr", "en")
REPORT_FORMATS = ppi.REPORT_FORMATS


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


def _levels_of(value: str, level: Callable[[str], float]) -> tuple[float | None, ...]:
    """A comma-separated list of levels, each read by `level`, or `none` (no protection); repeats dropped."""
    parts = (v.strip() for v in value.split(","))
    return tuple(dict.fromkeys(None if part.lower() in ("none", "null") else level(part) for part in parts))


def _confidence(part: str) -> float:
    x = _share(part)
    if not 0 < x < 1:
        raise argparse.ArgumentTypeError(f"a level is strictly between 0 and 1 (or none), got {part!r}")
    return x


def _gamma(part: str) -> float:
    not_number = "a Γ level is a number of projects (or none)"
    return _number_option(part, lambda x: 0 <= x <= 1000, "a Γ level is between 0 and 1000 projects", not_number)


def _levels(value: str) -> tuple[float | None, ...]:
    """`none,0.5,90%` -> (None, 0.5, 0.9): robustness levels, each strictly between 0 and 1 (or none)."""
    return _levels_of(value, _confidence)


def _gammas(value: str) -> tuple[float | None, ...]:
    """`none,1,2.5` -> (None, 1.0, 2.5): Γ levels, each 0 or more (or none)."""
    return _levels_of(value, _gamma)


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
    p.add_argument("--out", type=_folder_name, help=help_text)
    p.add_argument("--force", action="store_true", help="replace the results already in that folder")


def _folder_name(value: str) -> str:
    if not str(value).strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty name")
    return value


def _add_max_points(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--max-points",
        type=_at_least(1),
        default=ppi.MAX_POINTS,
        metavar="N",
        help=f"run at most N {what} (default {ppi.MAX_POINTS}): more are refused before any work, as a typo",
    )


def _add_parallel(p: argparse.ArgumentParser) -> None:
    """Where the solves of a sweep, tornado or Monte Carlo run: local worker processes or a Dask cluster."""
    p.add_argument("--workers", type=int, metavar="N", help="parallel solves (default: the number of cores)")
    p.add_argument(
        "--executor", choices=("local", "dask"), default="local", help="local worker processes, or a Dask cluster"
    )
    p.add_argument(
        "--scheduler", metavar="ADDR", help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)"
    )


def _add_scenario(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")


def _add_solver(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--solver",
        choices=sorted(ppi.ENGINES),
        default="highs",
        help="engine (default: highs); cpsat: OR-Tools CP-SAT; auto: HiGHS and CP-SAT race, the first proof wins",
    )


def _add_time_limit(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument(
        "--time-limit",
        type=_positive,
        metavar="S",
        help=help_text + " (bounds the solver's search only: loading, checking and writing come on top)",
    )


def _add_lang(p: argparse.ArgumentParser, help_text: str = "language of the reports (default fr)") -> None:
    p.add_argument("--lang", choices=LANGS, default="fr", help=help_text)


def _add_quiet(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--quiet", action="store_true", help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ppi", description="Plan school and childcare equipment under PPI budget envelopes.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"ppi {ppi.version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("solve", help="choose and schedule projects; write plan.json and CSV tables")
    p.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT for a named variant")
    _add_set(p)
    _add_out(p, "results folder (default: results/<scenario name>/)")
    _add_time_limit(p, "stop after S seconds with the best plan")
    p.add_argument("--gap", type=_positive, metavar="G", help="stop at relative gap G (e.g. 0.01); default 1e-4")
    p.add_argument(
        "--budget-scale",
        dest="scale",
        type=_positive,
        metavar="F",
        help="every envelope × F, as a sweep point (`ppi sweep --budget-scale`) solves it; recorded in plan.json",
    )
    _add_solver(p)
    p.add_argument("--threads", type=_at_least(1), help="solver threads (default: the solver's choice)")
    p.add_argument("--seed", type=_at_least(0), default=0, help="solver random seed (default 0)")
    p.add_argument(
        "--start",
        metavar="PLAN",
        help="plan.json or results folder of an earlier run, offered to HiGHS as its first plan (a first "
        "plan at least that good when it is still feasible; same optimum)",
    )
    p.add_argument("--verbose", action="store_true", help="show the solver's log")
    _add_quiet(p, "print only the results folder")
    p.add_argument("--report", type=_formats, default=(), metavar="html,xlsx", help="also write these reports")
    _add_lang(p, "language of the reports (default fr)")

    v = sub.add_parser("validate", help="check a scenario (and each of its named variants) without solving it")
    _add_scenario(v)
    _add_set(v)

    i = sub.add_parser("init", help="write a ready-to-fill scenario (scenario.yaml, project matrix, tables)")
    i.add_argument("folder", help="a new or empty folder")
    i.add_argument("--name", help="the commune's name (default: the folder's)")
    i.add_argument("--districts", default="centre,nord,sud", help="quartiers (names or ids), comma separated")
    i.add_argument("--start", type=int, help="first year planned (default: next year)")
    i.add_argument("--end", type=int, help="last year planned (default: start + 9)")

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument("--out", type=_folder_name, help="write it to this file instead")
    s.add_argument("--force", action="store_true", help="replace that file even when it is not a JSON Schema")

    d = sub.add_parser("demand", help="derive and write the demand tables (and a chart) without solving")
    _add_scenario(d)
    _add_set(d)
    _add_out(d, "folder for the tables (default: results/<scenario name>-demand/)")
    d.add_argument("--no-chart", action="store_true", help="write the tables only")
    _add_lang(d, "language of the chart (default fr)")
    _add_quiet(d, "print only the folder written")

    m = sub.add_parser("compare", help="solve (or read) two or more plans and show them side by side")
    m.add_argument("targets", nargs="+", metavar="TARGET", help="FILE[:VARIANT], or a results folder / plan.json")
    _add_set(m, "applied to every scenario solved")
    _add_out(m, "folder for the comparison (default: results/compare-<labels>/)")
    m.add_argument("--report", type=_formats, default=("html", "xlsx"), metavar="html,xlsx", help="reports written")
    _add_lang(m, "language of the reports (default fr)")
    _add_time_limit(m, "time limit of each solve")
    _add_solver(m)
    m.add_argument(
        "--workers", type=int, metavar="N", help="scenarios solved at once, one per process (default: the cores)"
    )
    _add_quiet(m, "print only the folder written")

    r = sub.add_parser("report", help="write the HTML or Excel report of a plan (or of a scenario, solved first)")
    r.add_argument("target", metavar="PLAN_OR_SCENARIO", help="a results folder or plan.json, or FILE[:VARIANT]")
    r.add_argument("--format", type=_formats, default=("html",), metavar="html,xlsx", help="default html")
    _add_lang(r, "language (default fr)")
    _add_out(r, "folder to write to (default: the plan's results folder)")
    _add_set(r, "applied when a scenario is solved")
    _add_time_limit(r, "time limit when a scenario is solved")

    w = sub.add_parser("sweep", help="solve a scenario at many points (budget factors, varied values) in parallel")
    _add_scenario(w)
    _add_set(w, "applied at every point")
    w.add_argument("--budget-scale", metavar="A:B:STEP", help="every envelope × each factor, e.g. 0.6:1.4:0.05")
    w.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=V1,V2",
        help="values of a path, e.g. finance.fctva.rate=0.15,0.16",
    )
    _add_max_points(w, "points")
    _add_parallel(w)
    _add_out(w, "sweep folder (default: results/<scenario name>-sweep/); finished points are reused")
    _add_time_limit(w, "time limit of each solve")
    w.add_argument("--gap", type=_positive, metavar="G", help="relative gap of each solve (default 1e-4)")
    _add_solver(w)
    _add_quiet(w, "print only the folder written")
    _add_lang(w, "language of the chart (default fr)")

    t = sub.add_parser("tornado", help="each parameter moved one at a time: effect on the objective and the plan")
    _add_scenario(t)
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
    _add_time_limit(t, "time limit of each solve")
    _add_lang(t, "language of the chart (default fr)")

    mc = sub.add_parser("montecarlo", help="re-solve under sampled costs, delays and demand growth (robustness)")
    _add_scenario(mc)
    _add_set(mc, "applied at every sample")
    mc.add_argument("--samples", type=int, default=200, metavar="N", help="samples (default 200)")
    mc.add_argument(
        "--seed", type=_at_least(0), default=1, help="random seed (default 1): the same seed gives the same samples"
    )
    mc.add_argument("--cost-sigma", type=float, default=1.0, metavar="X", help="× every cost σ by maturity (default 1)")
    mc.add_argument("--delay", type=float, default=1.0, metavar="X", help="× every slip probability (default 1)")
    mc.add_argument(
        "--demand-sigma", type=float, metavar="S", help="σ of extra yearly demand growth (default: the scenario's)"
    )
    mc.add_argument(
        "--fixed-only",
        action="store_true",
        help="only re-evaluate the plan tested under each cost sample, without re-solving (fast): the probability "
        "that it breaks an envelope, with its sampling error",
    )
    mc.add_argument("--threshold", type=float, metavar="OBJ", help="objective the fixed plan should stay under")
    mc.add_argument(
        "--fixed-plan", metavar="PLAN", help="plan.json or results folder to test (default: the base optimum)"
    )
    _add_max_points(mc, "samples")
    _add_parallel(mc)
    _add_out(mc, "folder (default: results/<scenario name>-montecarlo/); finished samples are reused")
    _add_time_limit(mc, "time limit of each solve")
    _add_lang(mc, "language of the chart (default fr)")

    rb = sub.add_parser(
        "robustness", help="price of robustness: unmet demand against the probability of holding every envelope"
    )
    _add_scenario(rb)
    _add_set(rb, "applied at every level (the plan written is the scenario's own, with these)")
    rb.add_argument(
        "--levels",
        type=_levels,
        default=(None, 0.5, 0.8, 0.9, 0.95, 0.99),
        metavar="L,L,...",
        help="uncertainty.budget_confidence levels, 'none' for no protection (default none,0.5,0.8,0.9,0.95,0.99)",
    )
    rb.add_argument(
        "--gamma",
        type=_gammas,
        metavar="G,G,...",
        help="uncertainty.gamma levels instead (Γ projects overrunning, 'none' for no protection), e.g. none,1,2,3",
    )
    rb.add_argument("--samples", type=int, default=1000, metavar="N", help="cost samples per plan (default 1000)")
    rb.add_argument(
        "--seed", type=_at_least(0), default=1, help="random seed (default 1): the same samples every level"
    )
    _add_parallel(rb)
    _add_out(rb, "folder (default: results/<scenario name>-robustness/); finished solves are reused")
    _add_time_limit(rb, "time limit of each solve")
    _add_solver(rb)
    rb.add_argument("--report", type=_formats, default=(), metavar="html,xlsx", help="also write the plan's reports")
    _add_lang(rb, "language of the chart and reports (default fr)")

    a = sub.add_parser("alternatives", help="plans within a tolerance of the optimum, as different as possible")
    _add_scenario(a)
    _add_set(a)
    a.add_argument("--within", type=_share, default=0.02, metavar="X", help="tolerance: 2%% or 0.02 (default 2%%)")
    a.add_argument("--count", type=int, default=5, metavar="N", help="alternatives wanted (default 5)")
    _add_out(a, "folder (default: results/<scenario name>-alternatives/)")
    _add_time_limit(a, "time limit of each solve")
    _add_solver(a)

    x = sub.add_parser("explain", help="why each project is in or out, what one more M€ a year is worth, what binds")
    x.add_argument("target", metavar="PLAN_OR_SCENARIO", help="a results folder or plan.json, or FILE[:VARIANT]")
    _add_set(x, "applied when a scenario is solved")
    x.add_argument(
        "--project", action="append", default=[], metavar="ID", help="explain only this project (repeatable)"
    )
    x.add_argument("--no-budget", action="store_true", help="skip the value of one more M€ in each year")
    _add_parallel(x)
    _add_out(x, "folder (default: results/<scenario name>-explain/); finished re-solves are reused")
    _add_time_limit(x, "time limit of each re-solve")
    _add_solver(x)
    x.add_argument("--report", type=_formats, default=(), metavar="html,xlsx", help="also write the plan's reports")
    _add_lang(x, "language of the reports (default fr)")

    e = sub.add_parser(
        "enrolment", help="write a commune's enrolment tables (pupils, classes, REP, trends) from the national file"
    )
    e.add_argument("file", help="the education ministry's file fr-en-ecoles-effectifs-nb_classes (or an extract)")
    e.add_argument("--commune", required=True, help="commune name (accents and case forgiven) or INSEE code")
    e.add_argument("--map", required=True, metavar="CSV", help="school → quartier table: columns uai, district")
    e.add_argument("--out", required=True, type=_folder_name, metavar="FOLDER", help="folder for the tables")
    e.add_argument("--communes", metavar="CSV", help="INSEE's list of communes, to select by INSEE code")
    e.add_argument("--sector", choices=("public", "private", "all"), default="public", help="default public")
    e.add_argument(
        "--ulis", choices=("elementaire", "exclude"), default="elementaire", help="ULIS pupils (default: élémentaire)"
    )
    e.add_argument(
        "--trend",
        choices=("district", "kind"),
        default="district",
        help="one trend per quartier (default) or per quartier and kind",
    )
    e.add_argument(
        "--classes-by",
        choices=("quartier", "school"),
        default="quartier",
        help="how primaire classes are split (docs/enrolment.md)",
    )
    e.add_argument("--base-year", type=int, help="year of the base pupils (default: the file's latest)")
    e.add_argument("--first-year", type=int, help="first year of the trend (default: the file's earliest)")
    e.add_argument("--capacity-year", type=int, help="year the capacity rows are stated for (default: the base year)")
    e.add_argument(
        "--under-3", type=_positive, metavar="R", help="also estimate children under 3 = maternelle pupils ÷ R"
    )
    e.add_argument(
        "--creche-places",
        type=_places,
        metavar="P[,P_REP]",
        help="existing crèche places per child under 3 (and in REP quartiers)",
    )
    e.add_argument("--force", action="store_true", help="replace tables that exist with other contents")
    _add_quiet(e, "print only the files written")

    rv = sub.add_parser("revise", help="the yearly revision of an adopted PPI: réalisé, stability, new plan")
    rv.add_argument("previous", help="results folder (or plan.json) of the adopted PPI")
    _add_scenario(rv)
    rv.add_argument("--year", type=int, required=True, metavar="Y", help="revision year: the revised plan starts then")
    rv.add_argument("--realised", metavar="FILE", help="réalisé table (CSV/XLSX): projet, année, cp_payé, retard, coût")
    rv.add_argument(
        "--move-cost",
        type=_non_negative,
        default=0.0,
        metavar="C",
        help="objective cost per year an announced operation moves (weighted unit-years, like one class for a year)",
    )
    rv.add_argument(
        "--drop-cost",
        type=_non_negative,
        default=0.0,
        metavar="C",
        help="objective cost per announced operation dropped",
    )
    rv.add_argument(
        "--locked-years",
        type=_at_least(0),
        default=0,
        metavar="L",
        help="operations announced to start in Y..Y+L-1 keep their start (default 0: none locked)",
    )
    rv.add_argument("--no-reasons", action="store_true", help="skip the re-solve that values each change")
    rv.add_argument(
        "--workers",
        type=_at_least(1),
        metavar="N",
        help="re-solves of the reasons run at once, one per process (default: the cores; 1: one after the other)",
    )
    _add_set(rv, "on the scenario, before the revision")
    _add_out(rv, "results folder (default: results/<scenario name>-revision-Y/)")
    _add_time_limit(rv, "stop each solve after S seconds with the best plan")
    _add_solver(rv)
    rv.add_argument("--threads", type=_at_least(1), help="solver threads (default: the solver's choice)")
    rv.add_argument("--seed", type=_at_least(0), default=0, help="solver random seed (default 0)")
    rv.add_argument("--verbose", action="store_true", help="show the solver's log")
    _add_quiet(rv, "print only the results folder")
    rv.add_argument("--report", type=_formats, default=(), metavar="html,xlsx", help="also write these reports")
    _add_lang(rv, "language of the reports (default fr)")
    c = sub.add_parser("verify", help="check a saved plan against its scenario, independently of any solver")
    c.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT: the plan is checked against it as given")
    _add_set(c)
    c.add_argument("plan", help="plan.json or a results folder")
    c.add_argument(
        "--with-plan-overrides",
        action="store_true",
        help="apply the variant, --set edits and budget factor the plan was solved with (shown) instead of "
        "the command line's",
    )
    sv = sub.add_parser("serve", help="the live arbitration page: a local web server to edit and re-solve a plan")
    sv.add_argument("scenario", help="scenario YAML file, or FILE:VARIANT")
    sv.add_argument("--port", type=_at_least(0), default=8765, help="port (default 8765; 0: a free port, printed)")
    sv.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; any other needs the printed token)",
    )
    _add_lang(sv, "language of the page (default fr; the page switches)")
    _add_solver(sv)
    _add_time_limit(sv, "stop each solve after S seconds with the best plan")

    for name, command in sub.choices.items():
        if name not in ("schema", "enrolment", "init"):
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
        if isinstance(exc, ppi.ScenarioError):
            print(exc.describe(), file=sys.stderr)
            return EXIT_INVALID
        if isinstance(exc, (ppi.OutputError, _UsageError)):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INVALID
        if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRORS:
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"error: cannot write the results: {where}{ENVIRONMENT_ERRORS[exc.errno]}", file=sys.stderr)
            return EXIT_INVALID
        if type(exc).__name__ == "SweepError" and isinstance(exc, ppi.SweepError):
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
    except KeyboardInterrupt as exc:
        kept = getattr(exc, "kept", None)
        if kept is not None:
            print(f"interrupted; the finished points are kept in {kept}/ and reused when the same command is "
                  "run again", file=sys.stderr)  # fmt: skip
        else:
            print("interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _keeping(out: Path):
    """Around an analysis's re-solves: on Ctrl-C, the message says where the finished points are kept."""
    return _Kept(out)


class _Kept:
    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, KeyboardInterrupt):
            exc.kept = self.out  # type: ignore[attr-defined]
        return False


def _load(target: str, args: argparse.Namespace):  # -> ppi.Scenario
    """The scenario FILE[:VARIANT] with the command's --set overrides (and --allow-outside-files)."""
    path, variant = ppi.split_target(target)
    return ppi.load(
        path,
        variant,
        set=args.set,
        budget_scale=getattr(args, "scale", None),  # `ppi solve --budget-scale F`
        allow_outside_files=getattr(args, "allow_outside_files", False),
    )


def _solve(scenario, args: argparse.Namespace, quiet: bool = False):  # -> ppi.Result, or None on a failed check
    """Solve with the command's options (progress line on a terminal); every plan is verified first."""
    verbose = getattr(args, "verbose", False)
    show_progress = not quiet and not verbose and sys.stderr.isatty()
    time_limit = getattr(args, "time_limit", None)
    solver = getattr(args, "solver", "highs")
    start = _start_plan(scenario, getattr(args, "start", None), quiet)
    if not quiet:
        limit = f", time limit {time_limit:g} s" if time_limit else ""
        print(f"Solving {scenario.name} with {solver}{limit}...", file=sys.stderr, flush=True)
    try:
        result = ppi.solve(
            scenario,
            solver=solver,
            time_limit=time_limit,
            gap=getattr(args, "gap", None),
            threads=getattr(args, "threads", None),
            start=start,
            seed=getattr(args, "seed", 0),
            verbose=verbose,
            progress=_ProgressLine(time_limit) if show_progress else None,
        )
    except ppi.VerificationError as exc:
        if show_progress:
            print(file=sys.stderr)
        print(f"internal error: {exc}", file=sys.stderr)
        return None
    except KeyboardInterrupt:  # the solver stopped (SolveInterrupted): the message goes below the progress line
        if show_progress:
            print(file=sys.stderr)
        raise
    if show_progress:
        print(file=sys.stderr)
    return result


def _start_plan(scenario, path: str | None, quiet: bool) -> dict[str, int | None] | None:
    """The start years of the plan given by --start; says which chosen projects this scenario cannot start
    as that plan did (they are left out of the start plan)."""
    if path is None:
        return None
    starts = ppi.read_plan(path).starts
    left_out = ppi.unstartable(scenario, starts)
    if not quiet:
        chosen = sum(year is not None for year in starts.values())
        note = f"; left out, not startable here as in that plan: {', '.join(left_out)}" if left_out else ""
        print(f"Start plan: {chosen} projects from {path}{note}", file=sys.stderr)
    return starts


def _number(value: float) -> str:
    """A number in a printed table: four significant digits, in plain notation (no 9.523e-05), no -0."""
    if value != value:  # NaN
        return "—"
    if abs(value) < 5e-7:
        return "0"
    text = f"{value:.4g}"
    if "e" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.0f}"
    return text


def _exit_code(status: str) -> int:
    return EXIT_BY_STATUS[str(status)]


def _run_record(args: argparse.Namespace) -> dict:
    """What defines an analysis run (not where or how fast it runs, nor the reports' format), for run.json."""
    skip = {"out", "force", "workers", "executor", "scheduler", "quiet", "debug", "verbose", "report", "lang"}
    skip.add("max_points")  # a confirmation, not part of the run's definition
    return {k: v for k, v in sorted(vars(args).items()) if k not in skip and not callable(v)}


def _analysis_folder(args: argparse.Namespace, default: Path, run: dict) -> Path:
    return ppi.analysis_folder(args.out, default, run, force=args.force)


def _output_folder(args: argparse.Namespace, default: Path) -> Path:
    return ppi.output_folder(args.out, default, force=args.force)


def cmd_solve(args: argparse.Namespace) -> int:
    scenario = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / slug(scenario.name))
    result, diagnosis = _solved(scenario, args)
    if result is None:
        return EXIT_INTERNAL
    extra = ppi.write(result, out, reports=args.report, lang=args.lang, diagnosis=diagnosis)
    _print_solved(args, result, out, diagnosis, extra)
    return _exit_code(result.status)


def cmd_revise(args: argparse.Namespace) -> int:
    adopted = ppi.open_result(args.previous, allow_outside_files=args.allow_outside_files)
    current = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / f"{slug(current.name)}-revision-{args.year}")
    revised = ppi.revised_scenario(
        adopted,
        current,
        args.year,
        args.realised,
        move_cost=args.move_cost,
        drop_cost=args.drop_cost,
        locked_years=args.locked_years,
        source=out / "scenario.yaml",
        previous=args.previous,
    )
    result, diagnosis = _solved(revised, args)
    if result is None:
        return EXIT_INTERNAL
    found = comparison = None
    text = ""
    if result.record.has_plan:
        found = ppi.revision(
            adopted,
            result,
            reasons=not args.no_reasons,
            time_limit=args.time_limit,
            solver=args.solver,
            workers=args.workers,
        )
        comparison = ppi.revision_comparison(adopted, result, args.lang)
        text = ppi.revision_text(found, comparison, args.lang, previous=args.previous)
    extra = ppi.revision_files(found, comparison, revised, args.report, args.lang, previous=args.previous)
    written = ppi.write(result, out, reports=args.report, lang=args.lang, diagnosis=diagnosis, extra=extra)
    _print_solved(args, result, out, diagnosis, written, text)
    return _exit_code(result.status)


def _solved(scenario, args: argparse.Namespace) -> tuple:  # -> (ppi.Result | None, ppi.Diagnosis | None)
    """`solve` and `revise`: the scenario's warnings, its solve (None: failed check) and, when it is infeasible,
    its diagnosis."""
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    result = _solve(scenario, args, quiet=args.quiet)
    return result, (_diagnose(result, args) if result is not None else None)


def _print_solved(args: argparse.Namespace, result, out: Path, diagnosis, written, text: str = "") -> None:
    """What `solve` and `revise` print: the folder alone with --quiet; else the summary, the diagnosis of an
    infeasible scenario, `text` (the revision's), and the folder with the reports written."""
    if args.quiet:
        print(out)
        return
    print(ppi.summary(result))
    if diagnosis is not None:
        print("\n" + ppi.diagnosis_text(diagnosis))
    if text:
        print("\n" + text)
    print(f"\nResults written to {out}/" + (f" (with {', '.join(sorted(written))})" if written else ""))


def _diagnose(result, args: argparse.Namespace):  # -> ppi.Diagnosis | None
    """For an infeasible scenario: what breaks and the verified changes that give it a plan."""
    if result.status != "infeasible":
        return None
    if not args.quiet:
        print("Infeasible: looking for the least change that gives a plan...", file=sys.stderr, flush=True)
    return ppi.diagnose(result.scenario, solver=args.solver, time_limit=args.time_limit, threads=args.threads)


def _plan_of(target: str, args: argparse.Namespace, quiet: bool = False):  # -> ppi.Result | None
    """A plan read from a results folder or plan.json, or solved from FILE[:VARIANT] (None: failed check)."""
    if ppi.is_saved_plan(target):
        return ppi.open_result(target, allow_outside_files=getattr(args, "allow_outside_files", False))
    return _solve(_load(target, args), args, quiet=quiet)


def _label(target: str, labels: set[str]) -> str:
    """A comparison column's label: the results folder's name, the variant, or the scenario's folder."""
    path = Path(target)
    if ppi.is_saved_plan(target):
        label = (path if path.is_dir() else path.parent).name
    else:
        file, variant = ppi.split_target(target)
        label = variant or (Path(file).parent.name if Path(file).stem == "scenario" else Path(file).stem)
    base, n = label, 2
    while label in labels:
        label, n = f"{base}-{n}", n + 1
    labels.add(label)
    return label


def cmd_compare(args: argparse.Namespace) -> int:
    if len(args.targets) < 2:
        raise _UsageError("compare needs at least two plans or scenarios")
    if args.workers is not None and args.workers < 1:
        raise _UsageError(f"--workers must be at least 1, got {args.workers}")
    ppi.start_workers(sum(not ppi.is_saved_plan(t) for t in args.targets), args.solver, args.workers)
    labels: set[str] = set()
    plans = {}
    to_solve = {}  # the scenarios, solved together in parallel (ppi.solve_all)
    for target in args.targets:
        label = _label(target, labels)
        if ppi.is_saved_plan(target):
            plans[label] = ppi.open_result(target, allow_outside_files=getattr(args, "allow_outside_files", False))
        else:
            plans[label] = None
            to_solve[label] = _load(target, args)
    if to_solve:
        if not args.quiet:
            names = ", ".join(s.name if len(to_solve) == 1 else label for label, s in to_solve.items())
            print(f"Solving {names} with {args.solver}...", file=sys.stderr, flush=True)
        try:
            solved = ppi.solve_all(to_solve, solver=args.solver, time_limit=args.time_limit, workers=args.workers)
        except ppi.VerificationError as exc:
            print(f"internal error: {exc}", file=sys.stderr)
            return EXIT_INTERNAL
        plans.update(solved)
    comparison = ppi.compare(plans)
    out = _output_folder(args, Path("results") / ("compare-" + "-".join(slug(label) for label in plans)))
    ppi.write_folder(out, ppi.comparison_files(comparison, args.report, args.lang), "ppi-comparison/1")
    if args.quiet:
        print(out)
    else:
        print(ppi.comparison_text(comparison))
        print(f"\nComparison written to {out}/")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    if ppi.is_saved_plan(args.target):
        path = Path(args.target)
        result = ppi.open_result(path, allow_outside_files=args.allow_outside_files)
        folder = path if path.is_dir() else path.parent
        out = Path(args.out) if args.out else folder
        for written in ppi.write_reports(result, folder, out, args.format, args.lang, force=args.force):
            print(written)
        return EXIT_OK
    file, _ = ppi.split_target(args.target)
    if not Path(file).exists() and Path(file).suffix.lower() not in (".yaml", ".yml"):
        raise _UsageError(f"{args.target}: no such results folder, plan file or scenario")
    scenario = _load(args.target, args)
    out = _output_folder(args, Path("results") / slug(scenario.name))
    solved = _solve(scenario, args)
    if solved is None:
        return EXIT_INTERNAL
    extra = ppi.write(solved, out, reports=args.format, lang=args.lang)
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


class _PointsLine:
    """`  12/41 points [#####-----] 30 s, about 70 s left` on stderr, redrawn in place."""

    WIDTH = 20

    def __init__(self) -> None:
        self.first: tuple[int, float] | None = None

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if self.first is None:
            self.first = (done, elapsed)
        solved, since = done - self.first[0], elapsed - self.first[1]
        left = (total - done) * since / solved if solved > 0 else None
        filled = int(self.WIDTH * done / total) if total else self.WIDTH
        text = f"  {done}/{total} points [{'#' * filled}{'-' * (self.WIDTH - filled)}] {elapsed:.0f} s"
        text += f", about {left:.0f} s left" if left is not None and done < total else ""
        sys.stderr.write("\r" + text + "\033[K")
        sys.stderr.flush()


def _parallel(args: argparse.Namespace, show: bool) -> dict:
    """Where the re-solves of an analysis run, as `ppi` takes it (and a progress line when shown)."""
    if args.workers is not None and args.workers < 1:
        raise _UsageError(f"--workers must be at least 1, got {args.workers}")
    progress = _PointsLine() if show else None
    return {"workers": args.workers, "executor": args.executor, "scheduler": args.scheduler, "progress": progress}


def _end_line(show: bool) -> None:
    if show:
        print(file=sys.stderr)


def cmd_explain(args: argparse.Namespace) -> int:
    show = sys.stderr.isatty()
    parallel = _parallel(args, show)
    result = _plan_of(args.target, args, quiet=True)
    if result is None:
        return EXIT_INTERNAL
    scenario = result.scenario
    if not result.record.projects or result.record.objective is None:
        print(f"error: the plan is {result.status}: there is no plan to explain", file=sys.stderr)
        return EXIT_BY_STATUS.get(result.status, EXIT_INVALID)
    unknown = [p for p in args.project if p not in scenario.project]
    if unknown:
        raise _UsageError(f"unknown project {unknown[0]!r} (see the scenario's projects)")
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-explain", _run_record(args))
    print(f"Explaining the plan of {scenario.name}: re-solving with one change at a time...", file=sys.stderr)
    with _keeping(out):
        explanation = ppi.explain(
            result, out, projects=args.project, budget=not args.no_budget, time_limit=args.time_limit,
            solver=args.solver, **parallel,
        )  # fmt: skip
    _end_line(show)
    names = ppi.write_explanation(result, explanation, out, args.report, args.lang)
    print(ppi.explanation_text(explanation))
    print(f"\nExplanation written to {out}/ ({', '.join(names)})")
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    show = not args.quiet and sys.stderr.isatty()
    try:
        scales = ppi.parse_range(args.budget_scale, args.max_points) if args.budget_scale else None
        varies = [ppi.parse_vary(v) for v in args.vary]
        if scales is None and not varies:
            raise ppi.SweepError("give --budget-scale and/or --vary: a sweep needs points")
        count = len(scales) if scales is not None else 1
        for _, values in varies:
            count *= len(values)
        if count > args.max_points:
            raise ppi.SweepError(
                f"this sweep has {count:,} points, more than {args.max_points:,}: check the ranges, or confirm with "
                f"--max-points {count}"
            )
        parallel = _parallel(args, show)
    except (ppi.SweepError, _UsageError) as exc:
        raise _UsageError(str(exc)) from None
    scenario = _load(args.scenario, args)
    points = ppi.sweep_points(scales, varies)
    spec = ppi.sweep_spec(scenario, points, time_limit=args.time_limit, gap=args.gap, solver=args.solver, reasons=True)
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-sweep", _run_record(args))
    if not args.quiet:
        print(f"Sweep of {scenario.name}: {len(points)} points", file=sys.stderr, flush=True)
    with _keeping(out):
        result = ppi.run_points(spec, out, **parallel)
    _end_line(show)
    for label in getattr(result, "damaged", ()):
        print(f"warning: the saved file of point {label} was damaged; it was solved again", file=sys.stderr)
    table = result.table
    ppi.write_table(out / "sweep", table)
    frontier = scales is not None and not varies
    if frontier:
        ppi.write_file(out / "frontier.png", ppi.frontier_chart(table, scenario.name, args.lang))
    if args.quiet:
        print(out)
        return EXIT_OK
    cols = ["label", "envelope_total", "status", "gap", "objective", "projects_chosen", "objective_per_extra_meur"]
    shown = table[cols].copy()
    shown["envelope_total"] = (shown["envelope_total"] / 1e6).round(2)
    print(shown.rename(columns={"envelope_total": "envelope M€", "objective_per_extra_meur": "gain per M€"}).to_string(
        index=False, float_format=_number, na_rep="—"
    ))  # fmt: skip
    k = ppi.knee(table) if frontier else None
    if k is not None:
        print(f"\nKnee of the frontier: {table.at[k, 'label']} ({table.at[k, 'envelope_total'] / 1e6:.1f} M€ in all)")
    for row in table.itertuples(index=False):
        if getattr(row, "reason", None):
            print(f"  {row.label}: no plan — {row.reason}")
    moved = table[(table["entering"] != "") | (table["leaving"] != "")]
    for row in moved.itertuples(index=False):
        change = " ".join([f"+{p}" for p in row.entering.split()] + [f"-{p}" for p in row.leaving.split()])
        print(f"  {row.label}: {change}")
    print(
        f"\n{result.solved} points solved, {result.reused} reused, in {result.seconds:.1f} s"
        + (f" ({result.settled} settled from a larger budget without a solve)" if result.settled else "")
        + f"; results in {out}/ (sweep.csv, points/)"
    )
    return EXIT_OK


def cmd_tornado(args: argparse.Namespace) -> int:
    show = sys.stderr.isatty()
    try:
        params = [ppi.parse_vary(p) for p in args.param]
        scenario = _load(args.scenario, args)
        points = ppi.tornado_points(scenario, params)
        parallel = _parallel(args, show)
    except (ppi.SweepError, _UsageError) as exc:
        raise _UsageError(str(exc).replace("--vary", "--param")) from None
    spec = ppi.sweep_spec(scenario, points, time_limit=args.time_limit)
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-tornado", _run_record(args))
    with _keeping(out):
        result = ppi.run_points(spec, out, **parallel)
    _end_line(show)
    table = ppi.tornado_table(result.results)
    base = result.results[0]["plan"].get("objective")
    ppi.write_table(out / "tornado", table)
    if base is not None:
        ppi.write_file(out / "tornado.png", ppi.tornado_chart(table, base, scenario.name, args.lang))
    print(f"Base objective: {base:.6g}" if base is not None else "The base scenario has no plan.")
    print(table.drop(columns=["plan changes"]).to_string(index=False, float_format=_number, na_rep="—"))
    print("\nPlan changes against the base:")
    for row in table.to_dict("records"):
        print(f"  {row['parameter']}: {row['plan changes']}")
    print(f"\n{result.solved} points solved, {result.reused} reused; results in {out}/ (tornado.csv, tornado.png)")
    return EXIT_OK


def cmd_montecarlo(args: argparse.Namespace) -> int:
    if args.samples < 1:
        raise _UsageError(f"--samples must be at least 1, got {args.samples}")
    if args.samples > args.max_points:
        raise _UsageError(
            f"--samples {args.samples:,} is more than {args.max_points:,}: check it, or confirm with --max-points "
            f"{args.samples}"
        )
    for name in ("cost_sigma", "delay", "demand_sigma"):
        if getattr(args, name) is not None and not getattr(args, name) >= 0:
            raise _UsageError(f"--{name.replace('_', '-')} must be 0 or more, got {getattr(args, name)}")
    show = sys.stderr.isatty()
    parallel = _parallel(args, show)
    scenario = _load(args.scenario, args)
    fixed = ppi.read_plan(args.fixed_plan).starts if args.fixed_plan else None  # read before any folder is made
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-montecarlo", _run_record(args))
    if fixed is None:
        base = _solve(scenario, args, quiet=True)
        if base is None or not base.has_plan:
            print("error: the base scenario has no plan to test; give --fixed-plan", file=sys.stderr)
            return EXIT_INFEASIBLE
        fixed = base.starts
    if args.fixed_only:
        return _montecarlo_fixed(scenario, fixed, out, args)
    with _keeping(out):
        mc = ppi.montecarlo(
            scenario, fixed, out, samples=args.samples, seed=args.seed, cost_sigma=args.cost_sigma, delay=args.delay,
            demand_sigma=args.demand_sigma, threshold=args.threshold, time_limit=args.time_limit, **parallel,
        )  # fmt: skip
    _end_line(show)
    for name, table in (("samples", mc.samples), ("projects", mc.projects), ("summary", mc.summary)):
        ppi.write_table(out / name, table)
    ppi.write_file(out / "montecarlo.png", ppi.montecarlo_chart(mc, scenario.name, args.lang))
    print(mc.summary.to_string(index=False, float_format=_number, na_rep="—"))
    print("\nProjects by how often they are chosen:")
    print(mc.projects[["project", "chosen_share", "most_frequent_start", "starts"]].head(20).to_string(index=False))
    print(
        f"\n{mc.result.solved} samples solved, {mc.result.reused} reused, in {mc.result.seconds:.1f} s; "
        f"results in {out}/ (samples.csv, projects.csv, summary.csv, montecarlo.png)"
    )
    return EXIT_OK


def _montecarlo_fixed(scenario, fixed, out: Path, args: argparse.Namespace) -> int:
    """`ppi montecarlo --fixed-only`: the plan re-evaluated under each cost sample, no solve."""
    risk = ppi.montecarlo_fixed(
        scenario, fixed, samples=args.samples, seed=args.seed, cost_sigma=args.cost_sigma, delay=args.delay
    )
    ppi.write_table(out / "fixed", risk.samples)
    years = risk.samples["first_year"].dropna().astype(str).value_counts()
    print(
        f"Plan re-evaluated under {risk.n:,} cost samples (seed {args.seed}), without re-solving:\n"
        f"  breaks at least one envelope in {risk.probability:.1%} of samples (± {risk.error:.1%}, one standard "
        f"error); every envelope holds in {risk.holds:.1%}"
    )
    if len(years):
        print("  first envelope broken: " + ", ".join(f"{y} ({n})" for y, n in years.items()))
    print(f"results in {out}/ (fixed.csv)")
    return EXIT_OK


def cmd_robustness(args: argparse.Namespace) -> int:
    if args.samples < 1:
        raise _UsageError(f"--samples must be at least 1, got {args.samples}")
    show = sys.stderr.isatty()
    parallel = _parallel(args, show)
    scenario = _load(args.scenario, args)
    out = _analysis_folder(args, Path("results") / f"{slug(scenario.name)}-robustness", _run_record(args))
    base = _solve(scenario, args, quiet=True)
    if base is None:
        return EXIT_INTERNAL
    levels = args.gamma if args.gamma is not None else args.levels
    print(f"Price of robustness of {scenario.name}: {len(levels)} levels", file=sys.stderr, flush=True)
    with _keeping(out):
        frontier = ppi.robustness(
            scenario, out, levels, samples=args.samples, seed=args.seed, time_limit=args.time_limit,
            solver=args.solver, gamma=args.gamma is not None, **parallel,
        )  # fmt: skip
    _end_line(show)
    names = ppi.write_robustness(base, frontier, out, args.report, args.lang)
    table = frontier.table()
    shown = table.copy()
    shown["level"] = [("none" if v is None or v != v else f"{v:g}") for v in table["level"]]
    shown["city_spending"] = (shown["city_spending"] / 1e6).round(2)
    print(shown.rename(columns={"city_spending": "city M€"}).to_string(index=False, float_format=_number, na_rep="—"))
    print(
        f"\nholds: share of {frontier.samples:,} cost samples (seed {frontier.seed}) in which every envelope holds; "
        f"error: its standard error\n{frontier.solved} levels solved, {frontier.reused} reused; results in {out}/ "
        f"({', '.join(names)})"
    )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
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
    path, variant = ppi.split_target(args.scenario)
    if variant is None and scenario.spec.variants:  # every named variant must load too
        problems = []
        for name in scenario.spec.variants:
            try:
                _load(f"{path}:{name}", args)
                print(f"  variant {name}: valid")
            except ppi.ScenarioError as exc:
                problems += exc.problems
        if problems:
            raise ppi.ScenarioError(problems)
    return EXIT_OK


def cmd_demand(args: argparse.Namespace) -> int:
    scenario = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / f"{slug(scenario.name)}-demand")
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    text = ppi.demand(scenario, out, chart=not args.no_chart, lang=args.lang)
    if not args.quiet:
        print(text)
        print()
    print(f"Demand tables written to {out}/" if not args.quiet else out)
    return EXIT_OK


def _places(value: str) -> tuple[float, float | None]:
    """`0.2` or `0.2,0.16` (the second for REP quartiers)."""
    parts = [v.strip() for v in value.split(",")]
    if len(parts) > 2 or not all(parts):
        raise argparse.ArgumentTypeError(f"expected P or P,P_REP (places per child under 3), got {value!r}")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers such as 0.2,0.16, got {value!r}") from None
    if not all(0 <= x <= 5 for x in numbers):
        raise argparse.ArgumentTypeError(f"places per child under 3 lie between 0 and 5, got {value!r}")
    return numbers[0], (numbers[1] if len(numbers) == 2 else None)


def cmd_enrolment(args: argparse.Namespace) -> int:
    places, places_rep = args.creche_places if args.creche_places else (None, None)
    try:
        result, written = ppi.enrolment(
            args.file,
            args.commune,
            args.map,
            args.out,
            communes=args.communes,
            force=args.force,
            under_3=args.under_3,
            creche_places=places,
            creche_places_rep=places_rep,
            sector=args.sector,
            ulis=args.ulis,
            trend=args.trend,
            classes_by=args.classes_by,
            base_year=args.base_year,
            first_year=args.first_year,
            capacity_year=args.capacity_year,
        )
    except ppi.EnrolmentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.quiet:
        for name in written:
            print(Path(args.out) / name)
        return EXIT_OK
    print(ppi.enrolment_text(result, [str(Path(args.out) / n) for n in written]))
    if not written:
        print(f"the tables in {args.out}/ are already up to date")
    return EXIT_OK


def cmd_alternatives(args: argparse.Namespace) -> int:
    if args.count < 1:
        raise _UsageError(f"--count must be at least 1, got {args.count}")
    scenario = _load(args.scenario, args)
    out = _output_folder(args, Path("results") / f"{slug(scenario.name)}-alternatives")
    print(
        f"Optimum of {scenario.name}, then up to {args.count} alternatives within {args.within:.1%}...", file=sys.stderr
    )
    try:
        found = ppi.alternatives(scenario, within=args.within, count=args.count, solver=args.solver,
                                 time_limit=args.time_limit)  # fmt: skip
    except ppi.AlternativesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    ppi.write_folder(out, ppi.alternatives_files(scenario, found, out), "ppi-alternatives/1")
    shown = found.table.drop(columns=["moved"]).copy()
    shown["above_optimum"] = shown["above_optimum"].map(lambda v: f"{v:+.2%}")
    shown["city_cost"] = (shown["city_cost"] / 1e6).round(2)
    print(shown.rename(columns={"city_cost": "city cost M€"}).to_string(index=False, float_format=_number, na_rep="—"))
    moved = [(row["plan"], row["moved"]) for row in found.table.to_dict("records") if row["moved"]]
    if moved:  # an alternative may differ from the optimum only by when projects start
        print("\nRe-timed against the optimum (project:from→to):")
        for plan, text in moved:
            print(f"  {plan}: {text}")
    if len(found.plans) < args.count:
        print(f"\nOnly {len(found.plans)} different plans fit within {args.within:.1%} of the optimum.")
    print(f"\nPlans written to {out}/ (alternatives.csv, optimum.json, alternative-N.json)")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    written = ppi.init(args.folder, args.name, args.districts.split(","), args.start, args.end)
    print(f"Scenario written to {args.folder}/: {', '.join(p.name for p in written)}")
    print("It validates and solves as written; replace the example values (the project gs-exemple, the demand,")
    print("capacity and budget), then run:")
    print(f"  ppi validate {Path(args.folder) / 'scenario.yaml'}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.out:
        ppi.write_schema(args.out, force=args.force)
    else:
        sys.stdout.write(ppi.schema_text())
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    record = ppi.read_plan(args.plan)
    path, variant = ppi.split_target(args.scenario)
    ref = record.scenario
    sets, scale = tuple(args.set), None
    if args.with_plan_overrides:
        if variant is not None or sets:
            raise _UsageError("give either a variant and --set edits, or --with-plan-overrides, not both")
        variant, sets, scale = ref.variant, ref.sets, ref.budget_scale
        print(f"applying the plan's own edits: {_edits_text(variant, sets, scale)}")
    elif ref.edited and (ref.variant, ref.sets, ref.budget_scale) != (variant, sets, None):
        print(
            f"note: the plan was solved with {_edits_text(ref.variant, ref.sets, ref.budget_scale)}; it is checked "
            f"against the scenario as given ({_edits_text(variant, sets, None)}) — add --with-plan-overrides to "
            "apply the plan's"
        )
    scenario = ppi.load(path, variant, set=sets, budget_scale=scale, allow_outside_files=args.allow_outside_files)
    if not record.has_plan:
        print(f"the plan has status {record.status}: there is nothing to verify")
        return EXIT_OK
    horizon = (record.data.get("scenario") or {}).get("horizon") or {}
    plan_name, name = ref.name or "", scenario.name
    same_city = plan_name.startswith(name) or name.startswith(plan_name)  # a variant's name extends its base's
    if not same_city or (horizon.get("start"), horizon.get("end")) != (scenario.first_year, scenario.last_year):
        print(
            f"the plan was solved for another scenario: {ref.name} ({horizon.get('start')}-{horizon.get('end')}), "
            f"not {scenario.name} ({scenario.first_year}-{scenario.last_year}); there is nothing to compare"
        )
        return EXIT_INVALID
    check = ppi.verify(scenario, record)
    print(check)
    return EXIT_OK if check.ok else EXIT_INVALID


def _edits_text(variant: str | None, sets: tuple[str, ...], scale: float | None) -> str:
    """`variant budget-serre, --set a=b, every envelope × 0.9` — or `no edits`."""
    parts = ([f"variant {variant}"] if variant else []) + [f"--set {s}" for s in sets]
    parts += [f"every envelope × {scale:g}"] if scale is not None else []
    return ", ".join(parts) or "no edits"


def cmd_serve(args: argparse.Namespace) -> int:
    from serve.app import run

    return run(
        args.scenario,
        host=args.host,
        port=args.port,
        lang=args.lang,
        solver=args.solver,
        time_limit=args.time_limit,
        allow_outside_files=args.allow_outside_files,
        say=lambda line: print(line, flush=True),
        note=lambda text: print(text, end="", file=sys.stderr, flush=True),
    )


COMMANDS = {
    "solve": cmd_solve,
    "serve": cmd_serve,
    "explain": cmd_explain,
    "validate": cmd_validate,
    "demand": cmd_demand,
    "enrolment": cmd_enrolment,
    "compare": cmd_compare,
    "report": cmd_report,
    "sweep": cmd_sweep,
    "alternatives": cmd_alternatives,
    "tornado": cmd_tornado,
    "montecarlo": cmd_montecarlo,
    "robustness": cmd_robustness,
    "schema": cmd_schema,
    "init": cmd_init,
    "verify": cmd_verify,
    "revise": cmd_revise,
}

if __name__ == "__main__":
    sys.exit(main())
