"""A real `ppi serve` in a process of its own, for the tests and the benchmark (benchmarks/serve.py,
tests/serve/): `python cli.py serve TARGET --port 0 [OPTIONS]` from the repository's root, in its own process
group, its output written to files (a pipe nobody reads could fill and stop it); `ServerProcess` waits for the
address it prints (and the token, with `--host` elsewhere than this machine) and stops it as Ctrl-C does.

    with ServerProcess("scenarios/exemple-ville/scenario.yaml") as server:
        urllib.request.urlopen(server.url + "api/state")
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Seconds: the server solves the base before it prints its address (a generous wait on a shared 2-core
# machine: a hang fails, a slow start does not); then to stop once interrupted.
START_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 30.0
POLL_S = 0.05
ADDRESS = re.compile(r"^ppi serve: (https?://\S+)$", re.MULTILINE)
TOKEN = re.compile(r"^token: (\S+) ", re.MULTILINE)


class ServerProcess:
    """`python cli.py serve TARGET --port 0 OPTIONS...` started at once; `url` is the address it printed (with
    `?token=` when it asks for one), `root` the same without the token, `token` the token or None. Its standard
    output and error are in `logs` (a temporary folder by default): `output()`. `stop()` interrupts it (SIGINT,
    as Ctrl-C) and ends what is left of its process group; it returns the server's exit code."""

    def __init__(
        self, target: str | Path, *options: str, logs: Path | None = None, start_timeout: float = START_TIMEOUT_S
    ) -> None:
        self._scratch = None if logs is not None else tempfile.TemporaryDirectory(prefix="ppi-serve-")
        folder = Path(logs if logs is not None else self._scratch.name)  # type: ignore[union-attr]
        self.out, self.err = folder / "serve.out", folder / "serve.err"
        command = [sys.executable, "cli.py", "serve", str(target), "--port", "0", *options]
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                command, cwd=REPO, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True
            )
        self.code: int | None = None
        try:
            self.url, self.token = self._address(start_timeout)
        except BaseException:
            self.stop()
            raise
        self.root = self.url.split("?")[0]

    def _address(self, timeout: float) -> tuple[str, str | None]:
        """The address (and token) printed, waited for until the server prints it, stops or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.out.read_text(encoding="utf-8")
            found = ADDRESS.search(text)
            if found and (TOKEN.search(text) or "?token=" not in found.group(1)):
                token = TOKEN.search(text)
                return found.group(1), token.group(1) if token else None
            if self.proc.poll() is not None:
                break
            time.sleep(POLL_S)
        out, err = self.output()
        raise RuntimeError(f"ppi serve printed no address (exit code {self.proc.poll()}):\n{out}\n{err[-3000:]}")

    def output(self) -> tuple[str, str]:
        """What the server wrote so far: standard output, standard error."""
        return self.out.read_text(encoding="utf-8"), self.err.read_text(encoding="utf-8")

    def stop(self) -> int:
        """Interrupt the server as Ctrl-C does, wait for it, then end its process group (its worker, if left
        behind); its exit code (the one it stopped with when interrupted, else the kill's)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn stops, the session ends its worker
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=STOP_TIMEOUT_S)
        if self.code is None and self.proc.poll() is not None:
            self.code = self.proc.returncode
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # the worker process, if left behind
        self.proc.wait(timeout=STOP_TIMEOUT_S)
        if self.code is None:
            self.code = self.proc.returncode
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
        return self.code

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
