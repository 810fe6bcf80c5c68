"""`--solver auto`: HiGHS and CP-SAT race on the same model, in two processes.

With at least two cores (the `threads` option, or the cores this process may use), CP-SAT (one worker per core
left by HiGHS) gets the model in a fresh Python process (the model pickled to it; starting that process costs
about a second of imports, spent while HiGHS already searches; it runs at niceness 10) and HiGHS (one thread)
runs in this process. The first to finish with a proof — optimal, or infeasible — wins: HiGHS proving first,
the CP-SAT process is stopped (SIGTERM, then SIGKILL) and reaped before the race returns, so no process is
left behind (and a racer whose parent died stops itself); CP-SAT proving first, a thread listening to it
tells HiGHS to stop (its interrupt callback). When HiGHS stops without a proof (time limit), CP-SAT's answer
is awaited and the better plan wins, with the best bound either engine proved (both bounds hold for the real
model, so their maximum does) and the status that bound justifies. With one core, HiGHS runs alone. The
result's `info["winner"]` names the engine whose plan it is (the plan's `solver` in plan.json;
`options.solver` stays "auto") and its message says how the race ended.

Progress shows the best incumbent and bound of either engine; SIGINT stops HiGHS, asks CP-SAT for its best
plan so far, and raises `SolveInterrupted` with the better of the two.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection

from models.plan import Status
from solver.engines import EngineResult, SolveInterrupted, SolveOptions, Start, solve_highs, status_with_plan
from solver.formulation import MatrixModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the folder holding solver/
PROGRESS_EVERY_S = 0.25  # a racer reports its progress at most this often
GRACE_S = 1.0  # after the time limit, how long CP-SAT may take to return before it is asked to stop (SIGINT)
STOP_WAIT_S = 5.0  # after SIGINT, how long CP-SAT's process may take to send its best plan so far
# CP-SAT takes the cores HiGHS leaves (one thread for HiGHS); on 2 cores one worker each: in alternating runs of
# the race on Exemple-Ville, 4.7-6.4 s against 6.5-9.1 s with two CP-SAT workers (loaded machine).
CPSAT_MIN_WORKERS = 1
RACER_NICENESS = 10  # CP-SAT's process yields the CPU to HiGHS (the default engine) when they compete


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _racer(
    engine: str, model: MatrixModel, opts: SolveOptions, start: Start | None, progress: bool, conn: Connection
) -> None:
    """In the racer's process: run one engine and send ("done" | "interrupted" | "error", engine, payload)."""
    from solver.engines import ENGINES

    lock = threading.Lock()
    last = [0.0]

    def report(elapsed: float, best: float | None, bound: float | None) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            with contextlib.suppress(OSError), lock:  # OSError: the race is over
                conn.send(("progress", engine, (elapsed, best, bound)))

    if progress:
        opts = replace(opts, progress=report)
    try:
        result = ENGINES[engine](model, opts, start)
        message = ("done", engine, replace(result, info={k: v for k, v in result.info.items() if k != "log"}))
    except SolveInterrupted as stop:
        message = ("interrupted", engine, stop.result)
    except BaseException as exc:  # noqa: BLE001 — the parent must hear of any failure
        message = ("error", engine, f"{type(exc).__name__}: {exc}")
    with lock:
        conn.send(message)
    conn.close()


def _launch(engine: str, args: tuple) -> tuple[subprocess.Popen, Connection]:
    """A fresh Python process running `_racer(*args)`: its arguments pickled on its stdin, its messages on a
    pipe of its own. (Not multiprocessing's "spawn", which imports the caller's main module again.)"""
    recv, send = os.pipe()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        # SIGINT ignored until the engine runs (a Ctrl-C during the imports would print a traceback); the
        # race stops a racer that missed it
        [
            sys.executable,
            "-c",
            f"import os, signal; os.nice({RACER_NICENESS}); signal.signal(signal.SIGINT, signal.SIG_IGN); "
            f"import solver.race as r; r._racer_main({send})",
        ],
        stdin=subprocess.PIPE,
        pass_fds=(send,),
        env=env,
        cwd=ROOT,
    )
    os.close(send)
    stdin = proc.stdin
    assert stdin is not None
    data = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)

    def feed() -> None:  # in a thread: the process reads only once its imports are done, HiGHS starts now
        # The process may end (or be stopped) first: the referee hears it as an end without an answer.
        with contextlib.suppress(OSError, ValueError):
            stdin.write(data)
        with contextlib.suppress(OSError, ValueError):
            stdin.close()

    threading.Thread(target=feed, name=f"ppi-race-feed-{engine}", daemon=True).start()
    return proc, Connection(recv, writable=False)


def _racer_main(fd: int) -> None:
    parent = os.getppid()

    def orphaned() -> None:  # the race's process ended without stopping this one (killed): stop too
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=orphaned, name="ppi-racer-orphaned", daemon=True).start()
    # Interrupted before its engine ran, or the race was over before it spoke: nothing to say.
    with contextlib.suppress(KeyboardInterrupt, OSError, EOFError, pickle.UnpicklingError):
        args = pickle.load(sys.stdin.buffer)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _racer(*args, Connection(fd, readable=False))


def _better(a: EngineResult | None, b: EngineResult | None) -> EngineResult | None:
    """The result with the better plan (lower objective); a result with a plan beats one without."""
    if a is None or a.objective is None:
        return b if b is not None and b.objective is not None else a or b
    if b is None or b.objective is None:
        return a
    return b if b.objective < a.objective else a


def _combine(results: dict[str, EngineResult], elapsed: float, how: str) -> EngineResult:
    """No proof came first: the better plan, with the best bound any racer proved."""
    best: EngineResult | None = None
    winner = ""
    for engine, r in results.items():
        chosen = _better(best, r)
        if chosen is r:
            best, winner = r, engine
    if best is None:
        return EngineResult(Status.NO_SOLUTION, None, None, None, elapsed, how, {"race": how})
    bounds = [r.bound for r in results.values() if r.bound is not None and math.isfinite(r.bound)]
    bound = max(bounds) if bounds else None
    info = {**best.info, "winner": winner, "race": how}
    if best.objective is None:
        return replace(best, bound=bound, runtime_s=elapsed, info=info)
    if bound is not None and bound > best.objective:
        bound = best.objective  # two proven bounds above a plan differ from it by rounding only
    status = status_with_plan(best.objective, bound, proven=bound is not None)
    names = ", ".join(f"{e}: {r.message}" for e, r in results.items())
    message = f"race: {how}; {winner}'s plan, the best bound of either ({names})"
    return replace(best, status=status, bound=bound, runtime_s=elapsed, message=message, info=info)


def solve_auto(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    cores = opts.threads if opts.threads is not None else available_cores()
    if cores < 2:
        r = solve_highs(m, replace(opts, solver="highs"), start)
        return replace(r, info={**r.info, "winner": "highs", "race": "one core: HiGHS alone"})
    t0 = time.perf_counter()
    cpsat_opts = replace(opts, solver="cpsat", threads=max(CPSAT_MIN_WORKERS, cores - 1), progress=None)
    launched: list[tuple[subprocess.Popen, Connection]] = []
    referees: list[_Referee] = []
    try:
        launched.append(_launch("cpsat", ("cpsat", m, cpsat_opts, start, opts.progress is not None)))
        referees.append(_Referee(*launched[0]))
        return _race(m, opts, start, referees[0], t0)
    finally:
        for proc, conn in launched:
            _stop(proc)
            for referee in referees:
                referee.thread.join(STOP_WAIT_S)  # it hears the end of the pipe
            conn.close()


class _Referee:
    """Listens to the CP-SAT process in a thread; `proved` is set when CP-SAT proves optimality or
    infeasibility (HiGHS, watching it, then stops)."""

    def __init__(self, process: subprocess.Popen, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.result: EngineResult | None = None
        self.error: str | None = None
        self.progress: tuple[float | None, float | None] = (None, None)
        self.proved = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._listen, name="ppi-race-referee", daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        try:
            while True:
                try:
                    kind, _, payload = self.conn.recv()
                except (EOFError, OSError):
                    self.error = self.error or "the CP-SAT process ended without an answer"
                    return
                if kind == "progress":
                    self.progress = (payload[1], payload[2])
                    continue
                if kind == "error":
                    self.error = payload
                    return
                self.result = payload
                if kind == "done" and payload.status in (Status.OPTIMAL, Status.INFEASIBLE):
                    self.proved.set()
                return
        finally:
            self.done.set()


def _race(m: MatrixModel, opts: SolveOptions, start: Start | None, referee: _Referee, t0: float) -> EngineResult:
    progress = None
    if opts.progress is not None:
        report = opts.progress

        def progress(elapsed: float, best: float | None, bound: float | None) -> None:
            other_best, other_bound = referee.progress
            bests = [v for v in (best, other_best) if v is not None]
            bounds = [v for v in (bound, other_bound) if v is not None]
            report(elapsed, min(bests) if bests else None, max(bounds) if bounds else None)

    highs_opts = replace(opts, solver="highs", threads=1, progress=progress)
    try:
        highs = solve_highs(m, highs_opts, start, stop=referee.proved)
    except SolveInterrupted as stop:  # SIGINT: CP-SAT is asked for its best plan so far too
        raise SolveInterrupted(_interrupted(referee, stop.result, t0)) from None
    if referee.proved.is_set() and referee.result is not None:
        return _won("cpsat", referee.result, "highs", t0)
    if highs.status in (Status.OPTIMAL, Status.INFEASIBLE):
        return _won("highs", highs, "cpsat", t0)
    # HiGHS stopped without a proof (time limit, or a looser gap): CP-SAT's answer is awaited, then the better
    # plan is kept with the best bound of either.
    remaining = None if opts.time_limit is None else max(0.0, t0 + float(opts.time_limit) - time.perf_counter())
    try:
        if not referee.done.wait(None if remaining is None else remaining + GRACE_S):
            # CP-SAT's own limit runs from its process' start, later than HiGHS': ask it for its best plan now
            # (its engine answers SIGINT with the plan so far), so the race ends near its time limit.
            if referee.process.poll() is None:
                referee.process.send_signal(signal.SIGINT)
            referee.done.wait(STOP_WAIT_S)
    except KeyboardInterrupt:
        raise SolveInterrupted(_interrupted(referee, highs, t0)) from None
    results = {"highs": highs}
    if referee.result is not None:
        results["cpsat"] = referee.result
    if referee.proved.is_set() and referee.result is not None:
        return _won("cpsat", referee.result, "highs", t0)
    how = "no proof first: the better plan of " + " and ".join(results)
    if referee.error:
        how += f" (cpsat: {referee.error})"
    return _combine(results, time.perf_counter() - t0, how)


def _won(engine: str, result: EngineResult, other: str, t0: float) -> EngineResult:
    how = f"{engine} proved {result.status.value} first; {other} stopped"
    info = {**result.info, "winner": engine, "race": how}
    message = f"{result.message}; race: {how}"
    return replace(result, runtime_s=time.perf_counter() - t0, message=message, info=info)


def _interrupted(referee: _Referee, highs: EngineResult | None, t0: float) -> EngineResult | None:
    """SIGINT: HiGHS has stopped; CP-SAT is asked to stop too (its engine then sends its best plan so far),
    and the better of the two plans is kept, reported feasible at best (an interrupted search proves nothing
    more than its bound)."""
    proc = referee.process
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    referee.done.wait(STOP_WAIT_S)
    partial = {e: r for e, r in (("highs", highs), ("cpsat", referee.result)) if r is not None}
    if not partial:
        return None
    best = _combine(partial, time.perf_counter() - t0, "interrupted")
    if best.status is Status.OPTIMAL:
        best = replace(best, status=Status.FEASIBLE)
    return best


def _stop(proc: subprocess.Popen) -> None:
    """Stop the racer if it still runs and reap it: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(5.0)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5.0)
