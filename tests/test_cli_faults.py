"""The command line under faults of its environment and hostile arguments (issue 15, findings 13, 15, 16
and 17): each refused before any work with a message that says what it is (exit 1), never "internal
error"; Ctrl-C on a sweep keeps the finished points and says so; a damaged point file is solved again."""

from __future__ import annotations

import errno
import json
import os
import pty  # noqa: F401  (the terminal cases are in tests/solver/test_interrupt.py)
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import cli
from benchmarks.generate import generate_scenario
from tests.helpers import REPO
from tests.helpers import run_cli as run
from tests.test_cli import SMALL, main, no_traceback, snapshot

EXAMPLE = "scenarios/exemple-ville/scenario.yaml"


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.replace("STATUS", "status: candidate"), encoding="utf-8")
    return path


def refused(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    no_traceback(proc)
    assert "internal error" not in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert "Solving" not in proc.stderr  # refused before any solve


# --------------------------------------------------------------------------- argument checks (13, 17)


@pytest.mark.parametrize(
    "args, words",
    [
        (["solve", EXAMPLE, "--threads", "-3"], ["--threads", "at least 1"]),
        (["solve", EXAMPLE, "--threads", "0"], ["--threads", "at least 1"]),
        (["solve", EXAMPLE, "--seed", "-1"], ["--seed", "at least 0"]),
        (["montecarlo", EXAMPLE, "--seed", "-1"], ["--seed", "at least 0"]),
        (["solve", EXAMPLE, "--out", ""], ["--out", "empty"]),
        (["report", EXAMPLE, "--out", ""], ["--out", "empty"]),
        (["sweep", EXAMPLE, "--budget-scale", "1", "--out", " "], ["--out", "empty"]),
        (["schema", "--out", ""], ["--out", "empty"]),
        (["sweep", EXAMPLE, "--budget-scale", "0.5:1.5:1e-7"], ["10,000,001 points", "--max-points 10000001"]),
        (
            [
                "sweep",
                EXAMPLE,
                "--budget-scale",
                "0.5:1.5:0.01",
                "--vary",
                "finance.fctva.rate=" + ",".join(f"0.{i:02d}" for i in range(10, 40)),
            ],
            ["3,030 points", "--max-points 3030"],
        ),
        (["montecarlo", EXAMPLE, "--samples", "100000000"], ["100,000,000", "--max-points 100000000"]),
    ],
)
def test_hostile_arguments_are_refused_before_any_work(args, words, tmp_path):
    t0 = time.perf_counter()
    proc = run(*args, cwd=REPO)
    refused(proc, *words)
    assert time.perf_counter() - t0 < 30
    assert not (REPO / "results" / "synthetic").exists()


def test_refused_counts_leave_no_folder(tmp_path):
    scenario = REPO / EXAMPLE
    proc = run("montecarlo", scenario, "--samples", "100000000", cwd=tmp_path)
    refused(proc, "--max-points")
    proc = run("sweep", scenario, "--budget-scale", "0.5:1.5:1e-7", cwd=tmp_path)
    refused(proc, "--max-points")
    assert os.listdir(tmp_path) == []


def test_more_points_are_run_when_confirmed(small, tmp_path):
    proc = run("sweep", small, "--budget-scale", "0.9,1", "--max-points", "1", "--out", tmp_path / "s")
    refused(proc, "--max-points 2")
    proc = run("sweep", small, "--budget-scale", "0.9,1", "--max-points", "2", "--workers", "1", "--out",
               tmp_path / "s", "--quiet")  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_montecarlo_with_a_missing_fixed_plan_leaves_no_run_json(small, tmp_path):
    out = tmp_path / "mc"
    proc = run("montecarlo", small, "--fixed-plan", tmp_path / "missing.json", "--out", out, "--samples", "2")
    assert proc.returncode == 1, proc.stderr
    no_traceback(proc)
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == ["small.yaml"]


def test_report_out_into_a_folder_of_other_files_is_refused(small, tmp_path):
    plan = tmp_path / "plan"
    assert run("solve", small, "--out", plan, "--quiet").returncode == 0
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    proc = run("report", plan, "--out", docs)
    assert proc.returncode == 1 and "not a ppi results folder" in proc.stderr
    assert os.listdir(docs) == ["notes.txt"]


def test_schema_out_refuses_a_folder_and_a_file_that_is_not_a_schema(tmp_path, capsys):
    code, _, err = main(["schema", "--out", tmp_path], capsys)
    assert code == 1 and "is a folder" in err
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}')
    code, _, err = main(["schema", "--out", notes], capsys)
    assert code == 1 and "not a JSON Schema" in err and "--force" in err
    assert notes.read_text() == '{"mine": true}'
    code, _, _ = main(["schema", "--out", notes, "--force"], capsys)
    assert code == 0 and json.loads(notes.read_text())["type"] == "object"
    code, _, _ = main(["schema", "--out", notes], capsys)  # an earlier schema is replaced as before
    assert code == 0
    assert sorted(os.listdir(tmp_path)) == ["notes.json"]


def test_time_limit_says_what_it_covers():
    for command in ("solve", "sweep", "explain"):
        text = " ".join(run(command, "--help").stdout.split())
        assert "bounds the solver's search only" in text, command
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "bounds the solver's search only" in readme


# --------------------------------------------------------------------------- environment errors (16)


def test_out_under_a_file_is_refused_before_solving(small, tmp_path):
    (tmp_path / "file").write_text("x")
    proc = run("solve", small, "--out", tmp_path / "file" / "out")
    refused(proc, "error:", "a file of that name is in the way")


def test_a_name_too_long_is_refused_before_solving(small, tmp_path):
    proc = run("solve", small, "--out", tmp_path / ("n" * 300))
    refused(proc, "too long")


def test_injected_disk_full_is_worded_and_keeps_the_earlier_results(small, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["solve", small, "--out", out, "--quiet"], capsys)[0] == 0
    before = snapshot(out)
    import results.store as store

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store.os, "fsync", full)
    code, _, err = main(["solve", small, "--out", out, "--force", "--set", "budget.annual.2026=0.5e6"], capsys)
    assert code == 1 and "the disk is full" in err and "internal error" not in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "small.yaml"]


@pytest.mark.parametrize("err", [errno.EROFS, errno.EACCES, errno.EDQUOT, errno.EIO])
def test_injected_write_errors_are_worded(small, tmp_path, capsys, monkeypatch, err):
    import results.store as store

    def fail(*args, **kwargs):
        raise OSError(err, os.strerror(err), str(tmp_path / "out"))

    monkeypatch.setattr(store.os, "fsync", fail)
    code, _, text = main(["solve", small, "--out", tmp_path / "out", "--quiet"], capsys)
    assert code == 1 and cli.ENVIRONMENT_ERRORS[err] in text and "internal error" not in text


def _mount_tmpfs(path: Path, options: str) -> None:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def mounted(tmp_path):
    mounts: list[Path] = []

    def make(name: str, options: str) -> Path:
        path = tmp_path / name
        _mount_tmpfs(path, options)
        mounts.append(path)
        return path

    yield make
    for path in mounts:
        subprocess.run(["umount", str(path)], capture_output=True)


def test_a_read_only_disk_is_refused_before_solving(small, mounted):
    ro = mounted("ro", "ro,size=64k")
    proc = run("solve", small, "--out", ro / "out")
    refused(proc, "read-only")


def test_a_full_disk_is_worded_and_writes_nothing_half(small, mounted):
    tiny = mounted("tiny", "size=12k")
    (tiny / "filler").write_bytes(b"x" * 8192)
    proc = run("solve", small, "--out", tiny / "out", "--report", "html")
    assert proc.returncode == 1, proc.stderr
    no_traceback(proc)
    assert "the disk is full" in proc.stderr and "internal error" not in proc.stderr
    assert sorted(os.listdir(tiny)) == ["filler"]


# --------------------------------------------------------------------------- sweeps: damaged points, Ctrl-C


def test_a_damaged_point_file_is_solved_again_and_said(small, tmp_path):
    out = tmp_path / "s"
    args = ("sweep", small, "--budget-scale", "0.9,1", "--workers", "1", "--out", out)
    assert run(*args, "--quiet").returncode == 0
    points = sorted((out / "points").glob("*.json"))
    good = json.loads(points[1].read_text())["plan"]
    points[0].write_bytes(b"\xff\xfe\x00garbage")  # not UTF-8
    points[1].write_text('{"truncated": ')  # not JSON
    (out / "points" / f".{points[0].name}.new-0123abcd").write_bytes(b"")  # a write cut short by a kill
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert proc.stderr.count("was damaged; it was solved again") == 2
    assert "2 points solved, 0 reused" in proc.stdout
    again_plan = json.loads(points[1].read_text())["plan"]
    assert again_plan["objective"] == good["objective"] and again_plan["projects"] == good["projects"]
    assert not list((out / "points").glob(".*"))
    again = run(*args)
    assert "0 points solved, 2 reused" in again.stdout and "damaged" not in again.stderr


def test_ctrl_c_on_a_sweep_keeps_finished_points_and_says_so(tmp_path):
    scenario = tmp_path / "slow.yaml"
    scenario.write_text(yaml.safe_dump(generate_scenario("L", 1)), encoding="utf-8")
    out = tmp_path / "s"
    cmd = [sys.executable, str(REPO / "cli.py"), "sweep", str(scenario), "--budget-scale", "0.9,0.95,1,1.05,1.1,1.15",
           "--workers", "2", "--time-limit", "3", "--out", str(out)]  # fmt: skip
    # its own process group, signalled as a terminal signals it: every process of the group gets SIGINT
    with subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          process_group=0) as proc:  # fmt: skip
        deadline = time.time() + 120
        while time.time() < deadline and not list((out / "points").glob("*.json")):
            time.sleep(0.2)
        assert list((out / "points").glob("*.json")), "no point finished"
        os.killpg(proc.pid, signal.SIGINT)
        out_text, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Traceback" not in out_text, err
    assert "nothing was written" not in err
    assert "finished points are kept" in err and str(out) in err
    kept = list((out / "points").glob("*.json"))
    assert kept and all(json.loads(p.read_text())["label"] for p in kept)


# --------------------------------------------------------------------------- the scenario a plan came from (17)


def test_a_plan_solved_elsewhere_is_reported_and_compared_from_another_folder(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(REPO / "scenarios" / "exemple-ville", work / "exemple-ville")
    proc = run("solve", "exemple-ville/scenario.yaml", "--out", "plan", "--quiet", cwd=work)
    assert proc.returncode == 0, proc.stderr
    plan = json.loads((work / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert plan["scenario"]["source"] == "exemple-ville/scenario.yaml"  # shown as typed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run("report", work / "plan", "--out", elsewhere / "report", cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert (elsewhere / "report" / "report.html").is_file()
    proc = run("compare", work / "plan", work / "plan", "--out", elsewhere / "cmp", "--quiet", "--report", "html",
               cwd=elsewhere)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_a_dask_cluster_that_does_not_start_is_said_plainly(small, tmp_path, capsys, monkeypatch):
    distributed = pytest.importorskip("distributed")

    def broken(*args, **kwargs):
        raise OSError("Worker failed to start")

    monkeypatch.setattr(distributed, "LocalCluster", broken)
    code, _, err = main(["sweep", small, "--budget-scale", "1", "--executor", "dask", "--out", tmp_path / "s"], capsys)
    assert code == 1, err
    assert "the local Dask cluster could not start" in err and "Worker failed to start" in err
    assert "internal error" not in err
