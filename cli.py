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


def build_parser() -> argparse.ArgumentParser:
    from solver.engines import ENGINES

    parser = _Parser(prog="ppi", description="Plan school and childcare equipment under PPI budget envelopes.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("solve", help="choose and schedule projects; write plan.json and CSV tables")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--out", help="results folder (default: results/<scenario name>/)")
    p.add_argument("--time-limit", type=_positive, metavar="S", help="stop after S seconds with the best plan")
    p.add_argument("--gap", type=_positive, metavar="G", help="stop at relative gap G (e.g. 0.01); default 1e-4")
    p.add_argument("--solver", choices=sorted(ENGINES), default="highs", help="engine (default: highs)")
    p.add_argument("--threads", type=int, help="solver threads (default: the solver's choice)")
    p.add_argument("--seed", type=int, default=0, help="solver random seed (default 0)")
    p.add_argument("--verbose", action="store_true", help="show the solver's log")
    p.add_argument("--quiet", action="store_true", help="print only the results folder")

    v = sub.add_parser("validate", help="check a scenario without solving it")
    v.add_argument("scenario")

    s = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    s.add_argument("--out", help="write it to this file instead")

    d = sub.add_parser("demand", help="derive and write the demand tables (and a chart) without solving")
    d.add_argument("scenario")
    d.add_argument("--out", help="folder for the tables (default: results/<scenario name>-demand/)")
    d.add_argument("--no-chart", action="store_true", help="write the tables only")
    d.add_argument("--quiet", action="store_true", help="print only the folder written")

    c = sub.add_parser("verify", help="check a saved plan against its scenario, independently of any solver")
    c.add_argument("scenario")
    c.add_argument("plan", help="plan.json or a results folder")
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
        if isinstance(exc, OutputError):
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


def cmd_solve(args: argparse.Namespace) -> int:
    from models import load_scenario
    from models.plan import Status
    from models.verify import verify_plan
    from reports.files import OutputError, is_results_folder, plan_to_dict, write_results
    from reports.summary import format_summary
    from solver import SolveOptions, solve

    scenario = load_scenario(args.scenario)
    out = Path(args.out) if args.out else Path("results") / slug(scenario.name)
    if not is_results_folder(out):
        raise OutputError(f"{out} exists and is not a ppi results folder; choose an empty or new folder with --out")
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    show_progress = not args.quiet and not args.verbose and sys.stderr.isatty()
    options = SolveOptions(
        progress=_ProgressLine(args.time_limit) if show_progress else None,
        solver=args.solver,
        time_limit=args.time_limit,
        gap=args.gap,
        threads=args.threads,
        seed=args.seed,
        verbose=args.verbose,
    )
    if not args.quiet:
        limit = f", time limit {args.time_limit:g} s" if args.time_limit else ""
        print(f"Solving {scenario.name} with {args.solver}{limit}...", file=sys.stderr, flush=True)
    plan = solve(scenario, options)
    if show_progress:
        print(file=sys.stderr)
    if plan.status.has_plan:
        check = verify_plan(scenario, plan_to_dict(scenario, plan))
        if not check.ok:
            print(f"internal error: the solver's plan fails the independent check\n{check}", file=sys.stderr)
            return EXIT_INTERNAL
    write_results(out, scenario, plan)
    if args.quiet:
        print(out)
    else:
        print(format_summary(scenario, plan))
        print(f"\nResults written to {out}/")
    return {
        Status.OPTIMAL: EXIT_OK,
        Status.FEASIBLE: EXIT_OK,
        Status.INFEASIBLE: EXIT_INFEASIBLE,
        Status.NO_SOLUTION: EXIT_NO_PLAN,
    }[plan.status]


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


def cmd_validate(args: argparse.Namespace) -> int:
    from models import load_scenario

    scenario = load_scenario(args.scenario)
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    n_candidates = sum(p.status != "excluded" for p in scenario.projects)
    print(
        f"{args.scenario}: valid. {scenario.name}: {scenario.first_year}-{scenario.last_year}, "
        f"{len(scenario.districts)} districts, {len(scenario.kinds)} demand kinds, "
        f"{len(scenario.projects)} projects ({n_candidates} not excluded)."
    )
    return EXIT_OK


def cmd_demand(args: argparse.Namespace) -> int:
    from models import load_scenario
    from reports.demand import format_demand, write_demand
    from reports.files import OutputError, is_results_folder

    scenario = load_scenario(args.scenario)
    out = Path(args.out) if args.out else Path("results") / f"{slug(scenario.name)}-demand"
    if not is_results_folder(out):
        raise OutputError(f"{out} exists and is not a ppi results folder; choose an empty or new folder with --out")
    for warning in scenario.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    write_demand(out, scenario, chart=not args.no_chart)
    if not args.quiet:
        print(format_demand(scenario))
        print()
    print(f"Demand tables written to {out}/" if not args.quiet else out)
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

    scenario = load_scenario(args.scenario)
    plan = read_plan(args.plan)
    if plan.get("status") not in ("optimal", "feasible"):
        print(f"the plan has status {plan.get('status')}: there is nothing to verify")
        return EXIT_OK
    check = verify_plan(scenario, plan)
    print(check)
    return EXIT_OK if check.ok else EXIT_INVALID


COMMANDS = {
    "solve": cmd_solve,
    "validate": cmd_validate,
    "demand": cmd_demand,
    "schema": cmd_schema,
    "verify": cmd_verify,
}

if __name__ == "__main__":
    sys.exit(main())
