"""The worker processes of `analysis.sweep` (`python -m analysis.worker`): started here, and possibly ahead.

A worker takes about a second to start (Python, pandas, the models, the solver). A command that knows it
will solve in workers (`ppi compare` of several scenarios) starts them *before* it loads its scenarios
(`start_spare`): their imports then run while the command reads its files, and the next run of workers in
this process (`analysis.sweep._run_in_workers`) takes them (`take`) instead of starting its own. A spare
worker nobody takes is closed when the process exits (it ends when its stdin closes; killed if it lingers).
This module imports nothing heavy, so that a command can call it first.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout, for the workers' imports
# Seconds a spare worker nobody took is given to end after its stdin is closed, at exit, before it is killed.
EXIT_WAIT_S = 2.0

_lock = threading.Lock()
_spare: list[subprocess.Popen] = []


def worker_count(workers: int | None, jobs: int) -> int:
    """How many workers a run of `jobs` tasks uses: `workers` (default one per core), at most one per task."""
    return max(1, min(workers or os.cpu_count() or 1, jobs))


def start() -> subprocess.Popen:
    """A new worker process (`python -m analysis.worker`), its stdin and stdout as text pipes."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, "-m", "analysis.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        process_group=0,  # Ctrl-C reaches the caller only: it stops the workers, which print nothing
    )


def start_spare(n: int) -> None:
    """Start workers now, up to `n` waiting in total, for the next run of workers in this process to take."""
    with _lock:
        _spare[:] = [proc for proc in _spare if proc.poll() is None]
        while len(_spare) < n:
            _spare.append(start())


def take() -> subprocess.Popen:
    """A worker: a spare one still running if there is one, else a new one."""
    with _lock:
        while _spare:
            proc = _spare.pop(0)
            if proc.poll() is None:
                return proc
    return start()


def spare_count() -> int:
    """How many spare workers are waiting (still running)."""
    with _lock:
        return sum(proc.poll() is None for proc in _spare)


@atexit.register
def close_spare() -> None:
    """Close the spare workers nobody took: each ends when its stdin closes, or is killed after EXIT_WAIT_S."""
    with _lock:
        procs, _spare[:] = list(_spare), []
    for proc in procs:
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()
    for proc in procs:
        try:
            proc.wait(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
