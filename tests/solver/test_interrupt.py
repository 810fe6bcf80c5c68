"""Ctrl-C (SIGINT) during a HiGHS solve (issue 15, findings 1 and 14): HiGHS is stopped from its interrupt
callbacks within moments, in a terminal or not, and the solve raises `SolveInterrupted` (never a status such
as "no_solution"); the command exits 130 and writes nothing, the earlier results intact byte for byte."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from benchmarks.generate import generate_scenario
from models import scenario_from_dict
from solver import SolveOptions, build_model
from solver.engines import SolveInterrupted, solve_highs
from tests.helpers import REPO, interrupt, run_cli

PROMPT_S = 10.0  # the solve must have stopped this soon after SIGINT (it runs for minutes otherwise)


@pytest.fixture(scope="module")
def slow(tmp_path_factory) -> Path:
    """A synthetic 300-project scenario that HiGHS does not finish in a minute."""
    path = tmp_path_factory.mktemp("slow") / "slow.yaml"
    path.write_text(yaml.safe_dump(generate_scenario("L", 1)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model(slow):
    return build_model(scenario_from_dict(yaml.safe_load(slow.read_text(encoding="utf-8"))))


def test_sigint_inside_the_progress_callback_is_an_interruption_not_no_solution(model):
    # Finding 1: the KeyboardInterrupt used to be raised inside the progress callback, HiGHS ended with
    # "Solve error" and the solve was reported as no_solution.
    sent = []

    def progress(elapsed, best, bound):
        if not sent:
            sent.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)

    t0 = time.perf_counter()
    with pytest.raises(SolveInterrupted) as caught:
        solve_highs(model, SolveOptions(time_limit=120, progress=progress))
    assert sent and time.perf_counter() - sent[0] < PROMPT_S
    assert time.perf_counter() - t0 < 60
    assert isinstance(caught.value, KeyboardInterrupt) and caught.value.result is not None


def test_sigint_without_a_progress_callback_stops_highs_promptly(model):
    # Finding 14: without a callback HiGHS ran on to its time limit before Python saw the signal.
    timer = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(SolveInterrupted):
            solve_highs(model, SolveOptions(time_limit=120))
    finally:
        timer.cancel()
    assert time.perf_counter() - t0 < 2.0 + PROMPT_S
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back after the run


def _previous_results(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    proc = run_cli("solve", "scenarios/exemple-ville/scenario.yaml", "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out, {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _interrupt_solve(slow: Path, out: Path, stderr: int | None = None, reader=None) -> tuple[int, str, float]:
    """Start `ppi solve SLOW --out OUT --force`, wait until it is solving, send SIGINT; (exit code, stderr,
    seconds from the signal to the exit)."""
    cmd = [sys.executable, str(REPO / "cli.py"), "solve", str(slow), "--out", str(out), "--force"]
    with subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr or subprocess.PIPE) as proc:
        text = reader(proc) if reader else proc.stderr.readline().decode()
        assert "Solving" in text, text
        time.sleep(2.0)
        elapsed = interrupt(proc)
        rest = reader(proc) if reader else proc.stderr.read().decode()
    return proc.returncode, text + rest, elapsed


def test_ctrl_c_outside_a_terminal_exits_130_and_keeps_the_earlier_results(slow, tmp_path):
    out, before = _previous_results(tmp_path)
    code, err, elapsed = _interrupt_solve(slow, out)
    assert code == 130, err
    assert elapsed < PROMPT_S
    assert "interrupted; nothing was written" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in sorted(out.iterdir())} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no leftover beside it


def test_ctrl_c_in_a_terminal_exits_130_and_keeps_the_earlier_results(slow, tmp_path):
    # stderr on a pseudo-terminal: the progress line listens to HiGHS (the path of finding 1)
    out, before = _previous_results(tmp_path)
    master, slave = pty.openpty()

    def reader(proc) -> str:
        chunks = b""
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            chunks += data
            if b"Solving" in chunks and proc.poll() is None and b"\n" in chunks.split(b"Solving", 1)[1]:
                break
            if proc.poll() is not None:
                break
        return chunks.decode(errors="replace")

    try:
        code, err, elapsed = _interrupt_solve(slow, out, stderr=slave, reader=reader)
    finally:
        os.close(slave)
        os.close(master)
    assert code == 130, err
    assert elapsed < PROMPT_S
    assert "nothing was written" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in sorted(out.iterdir())} == before
