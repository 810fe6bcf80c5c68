"""`--solver auto`: HiGHS and CP-SAT race on the same model in two processes.

With at least two cores (the `threads` option, or the cores this process may use), HiGHS (one thread) and
CP-SAT (the other cores, at least two workers) each get the model in a fresh Python process of their own (no
solver state is inherited; the model is pickled to it; starting one costs about a second of imports). The
first to finish with a proof — optimal, or infeasible — wins and the other process is stopped (SIGTERM, then
SIGKILL) before the race returns: no process is left behind.
When neither proves anything before the time limit, the better plan wins, with the best bound either engine
proved (both bounds hold for the real model, so their maximum does) and the status that bound justifies.
With one core, HiGHS runs alone in this process. The result's `info["winner"]` names the engine whose plan it
is (the plan's `solver` in plan.json), `info["race"]` what happened.

Progress is relayed from both processes (the best incumbent and bound reported by either); SIGINT stops both
engines, each of which returns its best plan so far, and the race raises `SolveInterrupted` with the better.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import Any

from models.plan import Status
from solver.engines import EngineResult, SolveInterrupted, SolveOptions, Start, _status_with_plan, solve_highs
from solver.formulation import MatrixModel

RACERS = ("highs", "cpsat")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the folder holding solver/
PROGRESS_EVERY_S = 0.25  # a racer reports its progress at most this often
GRACE_S = 30.0  # after the time limit, how long a racer may take to return before it is stopped
STOP_WAIT_S = 5.0  # after SIGINT, how long the racers may take to send their best plan so far


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
            with lock:
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
        [sys.executable, "-c", f"import solver.race as r; r._racer_main({send})"],
        stdin=subprocess.PIPE,
        pass_fds=(send,),
        env=env,
        cwd=ROOT,
    )
    os.close(send)
    assert proc.stdin is not None
    try:
        pickle.dump(args, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the process died at once: the referee hears it as an end without an answer
    return proc, Connection(recv, writable=False)


def _racer_main(fd: int) -> None:
    args = pickle.load(sys.stdin.buffer)
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
    status = _status_with_plan(best.objective, bound, proven=bound is not None)
    names = ", ".join(f"{e}: {r.message}" for e, r in results.items())
    return replace(best, status=status, bound=bound, runtime_s=elapsed, message=f"{winner} plan ({names})", info=info)


def solve_auto(m: MatrixModel, opts: SolveOptions, start: Start | None = None) -> EngineResult:
    cores = opts.threads if opts.threads is not None else available_cores()
    if cores < 2:
        r = solve_highs(m, replace(opts, solver="highs"), start)
        return replace(r, info={**r.info, "winner": "highs", "race": "one core: HiGHS alone"})
    threads = {"highs": 1, "cpsat": max(2, cores - 1)}
    racers: dict[str, tuple[Any, Connection]] = {}
    t0 = time.perf_counter()
    try:
        for engine in RACERS:
            racer_opts = replace(opts, solver=engine, threads=threads[engine], progress=None)
            racers[engine] = _launch(engine, (engine, m, racer_opts, start, opts.progress is not None))
        return _referee(racers, opts, t0)
    finally:
        _stop(racers)


def _referee(racers: dict[str, tuple[Any, Connection]], opts: SolveOptions, t0: float) -> EngineResult:
    results: dict[str, EngineResult] = {}
    errors: dict[str, str] = {}
    pending = {conn: engine for engine, (_, conn) in racers.items()}
    shown: dict[str, tuple[float | None, float | None]] = {}
    deadline = None if opts.time_limit is None else t0 + float(opts.time_limit) + GRACE_S
    try:
        while pending:
            for conn in wait(list(pending), timeout=0.2):
                engine = pending[conn]
                try:
                    kind, _, payload = conn.recv()
                except (EOFError, OSError):
                    errors[engine] = "the process ended without an answer"
                    del pending[conn]
                    continue
                if kind == "progress":
                    elapsed, best, bound = payload
                    shown[engine] = (best, bound)
                    if opts.progress is not None:
                        bests = [b for b, _ in shown.values() if b is not None]
                        bounds = [d for _, d in shown.values() if d is not None]
                        opts.progress(
                            time.perf_counter() - t0, min(bests) if bests else None, max(bounds) if bounds else None
                        )
                    continue
                del pending[conn]
                if kind == "error":
                    errors[engine] = payload
                    continue
                results[engine] = payload
                if payload.status in (Status.OPTIMAL, Status.INFEASIBLE):
                    others = [e for e in racers if e != engine]
                    how = f"{engine} proved {payload.status.value} first; {', '.join(others)} stopped"
                    info = {**payload.info, "winner": engine, "race": how}
                    return replace(payload, runtime_s=time.perf_counter() - t0, info=info)
            if deadline is not None and time.perf_counter() > deadline:
                break
    except KeyboardInterrupt:
        raise SolveInterrupted(_interrupted(racers, pending, results, t0)) from None
    if not results:
        raise RuntimeError("both engines of the race failed: " + "; ".join(f"{e}: {m}" for e, m in errors.items()))
    return _combine(results, time.perf_counter() - t0, "time limit: the better plan of " + ", ".join(results))


def _interrupted(racers, pending, results, t0) -> EngineResult | None:
    """SIGINT: ask each racer still running to stop (its engine returns its best plan so far), wait a little
    for those plans, and keep the better one."""
    for engine in pending.values():
        proc = racers[engine][0]
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    partial: dict[str, EngineResult] = dict(results)
    until = time.perf_counter() + STOP_WAIT_S
    while pending and time.perf_counter() < until:
        for conn in wait(list(pending), timeout=0.1):
            engine = pending.pop(conn)
            try:
                kind, _, payload = conn.recv()
            except (EOFError, OSError):
                continue
            if kind == "progress":
                pending[conn] = engine
            elif kind in ("done", "interrupted") and payload is not None:
                partial[engine] = payload
    if not partial:
        return None
    best = _combine(partial, time.perf_counter() - t0, "interrupted")
    if best.status is Status.OPTIMAL:
        best = replace(best, status=Status.FEASIBLE)
    return best


def _stop(racers: dict[str, tuple[subprocess.Popen, Connection]]) -> None:
    """Stop every racer still running and reap it: SIGTERM, then SIGKILL."""
    for proc, _ in racers.values():
        if proc.poll() is None:
            proc.terminate()
    for proc, conn in racers.values():
        try:
            proc.wait(5.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5.0)
        conn.close()
