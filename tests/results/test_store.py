"""The results store under faults (issue 15, findings 2, 3, 4 and 17): folders claimed so that two runs
into one folder cannot both succeed, the swap in one step (or recoverable), leftovers of a killed run cleaned
or recovered, analysis folders that never mix with other results, symbolic links followed. Real processes,
real SIGKILLs (at the store's test pauses, `PPI_STORE_PAUSE`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from results.errors import OutputError
from results.store import MARKER, analysis_folder, claim, output_folder, release, replace_folder
from tests.helpers import REPO, run_cli
from tests.test_cli import SMALL

EXAMPLE = "scenarios/exemple-ville/scenario.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.replace("STATUS", "status: candidate"), encoding="utf-8")
    return path


def _start(*args, env: dict | None = None, cwd: Path = REPO) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _kill_at(stage: str, *args, env: dict | None = None) -> str:
    """Run the CLI until the store pauses at `stage`, then SIGKILL it; its stderr so far."""
    with _start(*args, env={"PPI_STORE_PAUSE": stage, **(env or {})}) as proc:
        lines = []
        deadline = time.time() + 120
        while time.time() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if f"ppi-store-pause {stage}" in line:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    text = "".join(lines)
    assert f"ppi-store-pause {stage}" in text, text
    return text


def _hidden(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- finding 4: the swap


def test_sigkill_after_writing_keeps_the_earlier_results_and_the_next_run_cleans_up(small, tmp_path):
    out = tmp_path / "out"
    assert run_cli("solve", small, "--out", out, "--quiet").returncode == 0
    before = snapshot(out)
    _kill_at("written", "solve", small, "--out", out, "--force", "--set", "budget.annual.2026=0.5e6")
    assert snapshot(out) == before
    assert any(".out.new-" in name for name in _hidden(tmp_path))  # the half-done new folder, left by the kill
    proc = run_cli("solve", small, "--out", out, "--quiet")  # claims the folder: cleans, then refuses
    assert proc.returncode == 1 and "already holds results" in proc.stderr
    assert snapshot(out) == before
    assert _hidden(tmp_path) == []


def test_sigkill_right_after_the_one_step_swap_leaves_the_new_results_complete(small, tmp_path):
    out = tmp_path / "out"
    assert run_cli("solve", small, "--out", out, "--quiet").returncode == 0
    before = snapshot(out)
    _kill_at("swapped", "solve", small, "--out", out, "--force", "--set", "budget.annual.2026=0.5e6")
    after = snapshot(out)
    assert after != before and set(after) == set(before)  # the new results, whole
    assert json.loads(after["plan.json"])["scenario"]["set"] == ["budget.annual.2026=0.5e6"]
    assert run_cli("solve", small, "--out", out, "--quiet", "--force").returncode == 0
    assert _hidden(tmp_path) == []


def test_sigkill_between_the_two_renames_of_the_fallback_swap_is_recovered(small, tmp_path):
    # Where RENAME_EXCHANGE is not available: `out` is missing for a moment, its old name is the journal.
    out = tmp_path / "out"
    assert run_cli("solve", small, "--out", out, "--quiet").returncode == 0
    before = snapshot(out)
    env = {"PPI_STORE_NO_EXCHANGE": "1"}
    _kill_at("moved", "solve", small, "--out", out, "--force", "--set", "budget.annual.2026=0.5e6", env=env)
    assert not out.exists()
    proc = run_cli("solve", small, "--out", out, "--quiet")
    assert proc.returncode == 1 and "already holds results" in proc.stderr  # put back, then refused
    assert snapshot(out) == before
    assert _hidden(tmp_path) == []


def test_leftovers_of_a_killed_run_are_cleaned_or_recovered_when_the_folder_is_claimed(tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.new-0123abcd").mkdir()
    (tmp_path / ".out.new-0123abcd" / "plan.json").write_bytes(b"")  # a write cut short: 0 bytes
    old = tmp_path / ".out.old-89abcdef"
    old.mkdir()
    (old / "plan.json").write_text("{}")
    (old / MARKER).write_text("ppi-plan/1\n")
    (tmp_path / ".outside.new-0123abcd").mkdir()  # another folder's: not touched
    assert claim(out)
    release(out)
    assert (out / "plan.json").read_text() == "{}"
    assert _hidden(tmp_path) == [".outside.new-0123abcd"]


def test_the_swap_replaces_the_folder_in_one_step_and_leaves_nothing_beside_it(tmp_path):
    out = tmp_path / "out"
    replace_folder(out, {"a.txt": b"1", MARKER: b"x\n"})
    inode = out.stat().st_ino
    replace_folder(out, {"b.txt": b"2", MARKER: b"x\n"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b.txt"]
    assert out.stat().st_ino != inode
    assert os.listdir(tmp_path) == ["out"]


# --------------------------------------------------------------------------- finding 3: one folder, two runs


def test_two_solves_into_the_same_out_at_once_one_succeeds_the_other_says_so(tmp_path):
    out = tmp_path / "out"
    for trial in range(3):
        if out.exists():
            import shutil

            shutil.rmtree(out)
        procs = [_start("solve", EXAMPLE, "--out", out, "--quiet", "--set", f"budget.annual.2026={v}e6")
                 for v in (9, 11)]  # fmt: skip
        results = [(p.wait(timeout=300), p.communicate()) for p in procs]
        codes = [code for code, _ in results]
        assert sorted(codes) == [0, 1], (trial, results)
        loser = results[codes.index(1)][1][1]
        assert "another ppi run" in loser or "already holds results" in loser, loser
        assert "Traceback" not in loser
        winner = codes.index(0)
        plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        assert plan["scenario"]["set"] == [f"budget.annual.2026={(9, 11)[winner]}e6"]
        assert {"plan.json", "projects.csv", MARKER} <= set(os.listdir(out))
        assert _hidden(tmp_path) == []


def test_a_folder_being_written_is_refused_plainly(small, tmp_path):
    out = tmp_path / "out"
    with _start("solve", small, "--out", out, env={"PPI_STORE_PAUSE": "written"}) as first:
        line = "..."
        while line and "ppi-store-pause" not in line:
            line = first.stderr.readline()
        assert "ppi-store-pause" in line, "the first run did not pause in the store"
        second = run_cli("solve", small, "--out", out, "--force")
        first.kill()
        first.wait()
    assert second.returncode == 1
    assert "is being written by another ppi run" in second.stderr and "Traceback" not in second.stderr
    assert "Solving" not in second.stderr  # refused before any work


def test_two_runs_into_the_same_default_folder_take_two_folders(small, tmp_path):
    procs = [_start("solve", small, "--quiet", cwd=tmp_path) for _ in range(2)]
    results = [(p.wait(timeout=300), p.communicate()) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    folders = sorted(out.strip() for _, (out, _) in results)
    assert folders == ["results/petite-ville", "results/petite-ville-2"]
    for folder in folders:
        assert (tmp_path / folder / "plan.json").is_file()


def test_a_claimed_folder_is_refused_to_another_process_and_skipped_for_a_default(tmp_path):
    out = tmp_path / "city"
    code = f"""
import sys, time
sys.path.insert(0, {str(REPO)!r})
from results.store import claim
assert claim({str(out)!r})
print("claimed", flush=True)
time.sleep(60)
"""
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "claimed"
        try:
            with pytest.raises(OutputError, match="being written by another ppi run"):
                output_folder(out, out)
            with pytest.raises(OutputError, match="being written by another ppi run"):
                analysis_folder(out, out, {"command": "sweep"})
            assert output_folder(None, out) == tmp_path / "city-2"
            release(tmp_path / "city-2")
        finally:
            holder.kill()


# --------------------------------------------------------------------------- finding 2: analysis folders


def test_an_analysis_folder_holding_a_solve_is_refused_then_replaced_whole(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("plan.json", "apcp.csv", "budget.csv", MARKER):
        (folder / name).write_text("solve")
    with pytest.raises(OutputError, match="already holds other results"):
        analysis_folder(folder, folder, {"command": "explain"})
    assert sorted(os.listdir(folder)) == sorted(["plan.json", "apcp.csv", "budget.csv", MARKER])
    analysis_folder(folder, folder, {"command": "explain"}, force=True)
    assert os.listdir(folder) == ["run.json"]
    release(folder)


def test_sweep_into_a_solve_folder_is_refused_and_force_replaces_it_whole(small, tmp_path):
    out = tmp_path / "out"
    assert run_cli("solve", small, "--out", out, "--quiet").returncode == 0
    before = snapshot(out)
    proc = run_cli("sweep", small, "--budget-scale", "1", "--workers", "1", "--out", out, "--quiet")
    assert proc.returncode == 1 and "already holds other results" in proc.stderr
    assert snapshot(out) == before
    proc = run_cli("sweep", small, "--budget-scale", "1", "--workers", "1", "--out", out, "--quiet", "--force")
    assert proc.returncode == 0, proc.stderr
    names = set(os.listdir(out))
    assert "sweep.csv" in names and not names & {"plan.json", "apcp.csv", "budget.csv", "balance.csv"}


def test_explain_into_a_solve_folder_is_refused(small, tmp_path):
    out = tmp_path / "out"
    assert run_cli("solve", small, "--out", out, "--quiet").returncode == 0
    before = snapshot(out)
    proc = run_cli("explain", out, "--workers", "1", "--out", out)
    assert proc.returncode == 1 and "add --force" in proc.stderr, proc.stderr
    assert snapshot(out) == before


# --------------------------------------------------------------------------- finding 17: links, empty names


def test_out_on_a_symbolic_link_writes_where_it_points_and_leaves_nothing_behind(small, tmp_path):
    target = tmp_path / "real"
    assert run_cli("solve", small, "--out", target, "--quiet").returncode == 0
    link = tmp_path / "link"
    link.symlink_to(target)
    proc = run_cli("solve", small, "--out", link, "--quiet", "--force", "--set", "budget.annual.2026=0.5e6")
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads((target / "plan.json").read_text())["scenario"]["set"] == ["budget.annual.2026=0.5e6"]
    assert sorted(os.listdir(tmp_path)) == ["link", "real", "small.yaml"]


def test_an_empty_out_is_refused(tmp_path):
    with pytest.raises(OutputError, match="empty"):
        output_folder("", tmp_path / "x")
    with pytest.raises(OutputError, match="empty"):
        analysis_folder(" ", tmp_path / "x", {"command": "sweep"})


def test_a_name_too_long_is_refused_before_any_work(tmp_path):
    with pytest.raises(OutputError, match="too long"):
        output_folder(tmp_path / ("x" * 250), tmp_path / "d")
    assert os.listdir(tmp_path) == []
