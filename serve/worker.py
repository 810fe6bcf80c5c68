"""The page's solves run in one warm worker process, one job at a time, so that "Annuler" really stops them.

The worker is started (spawned, with ppi, the solver and pandas imported) before it is needed: a job sent to
it starts at once. `cancel` terminates the process — HiGHS stops whatever it is doing — and a fresh worker is
started and warmed in the background for the next job. A worker that dies (a crash of the solver) fails its
job; the next job gets a fresh worker too. A job that does not end is told by its `reason` (`REASONS`), which the
page words from the catalogue; its technical detail (an exit code, a traceback) goes to the server's log only.

Jobs: `solve` (the scenario, the options of `ppi.solve`, a start plan; for an infeasible scenario also
`ppi.diagnose`) and `why` (`ppi.explain` of one project of a plan, in a scratch folder of the worker). The
scenario, the plan and the answers cross the pipe pickled; a read-only mapping (`mappingproxy`, which pickle
refuses) is sent as a dict and made read-only again on arrival.
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import logging
import multiprocessing
import pickle
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# Seconds between two progress messages of a solve (HiGHS calls back far more often).
PROGRESS_EVERY_S = 0.2
# Why a job did not end with an answer (`Job.reason`): stopped from the page (worded `live.cancelled`), or failed
# because its worker process died under it or it raised (worded `live.reason_<reason>`; the detail is in the log).
CANCELLED, CRASHED, ERROR = "cancelled", "crashed", "error"
REASONS = (CANCELLED, CRASHED, ERROR)
# The server's log (standard error of `ppi serve`): the technical detail of a job that failed.
log = logging.getLogger("ppi.serve")


def _proxy(mapping: dict[str, Any]) -> MappingProxyType:
    return MappingProxyType(mapping)


def _dumps(obj: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: lambda m: (_proxy, (dict(m),))}
    pickler.dump(obj)
    return buffer.getvalue()


def _worker_main(conn: Any) -> None:
    """The worker's loop: import everything once, say ready, then run the jobs it is sent."""
    import ppi

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which ends its worker
    ppi.warm()  # ppi imports its heavy parts lazily: the first job would pay for them
    conn.send_bytes(_dumps(("ready",)))
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        try:
            answer = _run(job, conn)
            conn.send_bytes(_dumps(("done", answer)))
        except Exception as exc:  # the job's failure is its answer; the worker lives on
            message = f"{type(exc).__name__}: {exc}"
            conn.send_bytes(_dumps(("failed", message, traceback.format_exc())))


def _run(job: dict[str, Any], conn: Any) -> dict[str, Any]:
    import ppi

    last = [0.0]

    def progress(elapsed: float, best: float | None, bound: float | None) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            conn.send_bytes(_dumps(("progress", elapsed, best, bound)))

    options = job["options"]
    if job["kind"] == "solve":
        result = ppi.solve(job["scenario"], start=job.get("start"), progress=progress, **options)
        diagnosis = None
        if result.status == "infeasible":
            conn.send_bytes(_dumps(("progress", None, None, None)))
            diagnosis = ppi.diagnose(job["scenario"], solver=options.get("solver", "highs"))
        return {"plan": result.plan, "diagnosis": diagnosis}
    if job["kind"] == "why":
        result = ppi.Result(job["scenario"], job["plan"])
        with tempfile.TemporaryDirectory(prefix="ppi-serve-why-") as out:
            explanation = ppi.explain(
                result, out, projects=[job["project"]], budget=False, workers=1, solver=options.get("solver", "highs")
            )
        return {"explanation": explanation}
    raise ValueError(f"unknown job {job['kind']!r}")


@dataclass
class Job:
    """One job of the worker, as the page sees it (`to_dict`): `status` running, done, cancelled or failed, and
    for a job that did not end with an answer its `reason` (one of `REASONS`)."""

    id: int
    kind: str
    started: float = field(default_factory=time.monotonic)
    status: str = "running"
    best: float | None = None
    bound: float | None = None
    reason: str | None = None
    ended: float | None = None
    answer: dict[str, Any] | None = None

    @property
    def elapsed(self) -> float:
        return (self.ended if self.ended is not None else time.monotonic()) - self.started

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "elapsed": round(self.elapsed, 3),
            "best": self.best,
            "bound": self.bound,
            "reason": self.reason,
        }


class Worker:
    """The warm worker process and the one job it runs. `submit` returns the job at once; `on_end(job)` is
    called from a reading thread when the job ends (done, failed or cancelled)."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Any = None
        self._ready = threading.Event()
        self._count = 0
        self.job: Job | None = None
        self._start_process()

    def _start_process(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child,), name="ppi-serve-worker", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self._ready = threading.Event()
        ready, conn = self._ready, parent

        def wait_ready() -> None:
            with contextlib.suppress(EOFError, OSError):
                if pickle.loads(conn.recv_bytes())[0] == "ready":
                    ready.set()

        threading.Thread(target=wait_ready, name="ppi-serve-warm", daemon=True).start()

    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.status == "running"

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the worker has imported everything (for the benchmark and the tests)."""
        return self._ready.wait(timeout)

    def submit(self, kind: str, payload: dict[str, Any], on_end: Callable[[Job], None]) -> Job:
        with self._lock:
            if self.busy:
                raise RuntimeError("a job is running")
            if not self._process.is_alive():
                self._start_process()
            self._count += 1
            job = Job(self._count, kind)
            self.job = job
            process, conn, ready = self._process, self._conn, self._ready
        thread = threading.Thread(
            target=self._follow, args=(job, process, conn, ready, {"kind": kind, **payload}, on_end), daemon=True
        )
        thread.start()
        return job

    def _follow(self, job: Job, process: Any, conn: Any, ready: threading.Event, message: dict, on_end: Any) -> None:
        """Send the job and read its messages until it ends (or the worker dies or is terminated)."""
        try:
            while not ready.wait(0.2):
                if not process.is_alive():
                    raise EOFError("the worker did not start")
            conn.send_bytes(_dumps(message))
            while True:
                reply = pickle.loads(conn.recv_bytes())
                if reply[0] == "progress":
                    job.best, job.bound = reply[2], reply[3]
                    continue
                if reply[0] == "done":
                    job.answer = reply[1]
                    self._end(job, "done", None)
                else:
                    self._end(job, "failed", ERROR, reply[2])  # the worker's traceback
                break
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            process.join(1)  # a process that died has its exit code once joined
            detail = f"the worker process stopped (exit code {process.exitcode}): {type(exc).__name__}: {exc}"
            self._end(job, "failed", CRASHED, detail)  # unless it was cancelled: then it stays so
        except Exception:  # a job that cannot be sent (its scenario does not pickle...)
            self._end(job, "failed", ERROR, traceback.format_exc())
        on_end(job)

    def _end(self, job: Job, status: str, reason: str | None, detail: str = "") -> None:
        """End a running job (a cancelled one stays cancelled); the detail of a failure goes to the log."""
        with self._lock:
            if job.status != "running":
                return
            job.status, job.reason, job.ended = status, reason, time.monotonic()
        if status == "failed":
            log.error("%s job %d failed (%s): %s", job.kind, job.id, reason, detail.rstrip())

    def cancel(self) -> Job | None:
        """Stop the running job (its process is terminated; a fresh worker starts warming at once)."""
        with self._lock:
            job = self.job
            if job is None or job.status != "running":
                return job
            job.status, job.reason, job.ended = "cancelled", CANCELLED, time.monotonic()
            process, conn = self._process, self._conn
            self._start_process()
        process.terminate()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        with contextlib.suppress(OSError):
            conn.close()
        return job

    def close(self) -> None:
        with self._lock:
            process, conn = self._process, self._conn
        with contextlib.suppress(OSError):
            conn.close()
        process.terminate()
        process.join(5)
        if process.is_alive():
            process.kill()
