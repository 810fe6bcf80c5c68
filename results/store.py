"""The results store: folders of results written atomically, and which folder a command may write.

A folder is built beside its destination (`.<name>.new-<tag>`, its `.ppi-results` marker written last) and
swapped in, so a reader sees either the previous complete results or the new complete results, never a mix.
On Linux the swap is one step (`renameat2` with RENAME_EXCHANGE); elsewhere, or on a file system without it,
it is two renames (`<name>` -> `.<name>.old-<tag>`, then the new folder -> `<name>`), and the old name is the
journal: a run that finds `.<name>.old-*` and no `<name>` puts the old folder back. Leftovers of a killed
run (`.<name>.new-*`, `.<name>.old-*`) are cleaned or recovered by the next run that claims the folder.

A folder is claimed before any work (`claim`: an exclusive `flock` on `.<name>.lock` beside it, held until
the results are swapped in or the process ends), so two runs into the same folder cannot both succeed: the
second is refused (or, for a default folder, takes the next number). A folder that does not hold ppi
results (no `.ppi-results` marker) is never replaced. Earlier results are never replaced without `force`:
a command's default folder is numbered instead (`<name>-2`, `<name>-3`, ...); an analysis folder (sweep,
tornado, Monte Carlo, explain) resumes only its own run and replaces any other results whole with `force`.
A symbolic link given as the folder is followed: the results are written where it points.
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from results.errors import OutputError

if TYPE_CHECKING:  # the folder checks run before any solve: pandas and the evaluation are imported on use
    from models.evaluate import Evaluation
    from models.plan import Plan
    from models.scenario import Scenario
    from results.record import PlanRecord

MARKER = ".ppi-results"
TAG_LENGTH = 8  # hex digits of the tag of a folder or file built beside its destination
_LEFTOVER = re.compile(rf"\.(new|old)-[0-9a-f]{{{TAG_LENGTH}}}$")
_HELD: dict[str, int] = {}  # folders claimed by this process (absolute path) -> the locked file's descriptor


def _destination(path: str | Path) -> Path:
    """The folder really written: a symbolic link is followed (its target is replaced, not the link)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _check_name(folder: Path) -> None:
    """A name too long for the file system, refused before any work (its hidden siblings are longer)."""
    name = os.fsencode(folder.name)
    base = folder.parent
    while not base.exists() and base != base.parent:
        base = base.parent
    try:
        limit = os.pathconf(base, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = len(name) + len(".") + len(".new-") + TAG_LENGTH
    if longest > limit:
        raise OutputError(
            f"the folder name {folder.name[:40]!r}... is too long for this file system ({len(name)} bytes; "
            f"ppi needs {longest - len(name)} more for its working copies, at most {limit} in all): choose a "
            "shorter --out"
        )


def _busy(folder: Path) -> OutputError:
    return OutputError(
        f"{folder} is being written by another ppi run (it holds {folder.parent / ('.' + folder.name + '.lock')}); "
        "wait for that run to finish, or choose another --out"
    )


def claim(folder: str | Path) -> bool:
    """Claim `folder` for this process: an exclusive lock on `.<name>.lock` beside it, held until `release`
    (after the swap) or the end of the process. False when another process holds it. Leftovers of an earlier
    killed run are cleaned or recovered once claimed. OSError when the folder's parent cannot be written."""
    folder = _destination(folder)
    key = os.path.abspath(folder)
    if key in _HELD:
        return True
    _check_name(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = folder.parent / f".{folder.name}.lock"
    try:
        import fcntl
    except ImportError:  # no flock (Windows): runs are not kept apart
        return True
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino  # not a lock file removed meanwhile
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    _HELD[key] = fd
    recover(folder)
    return True


def release(folder: str | Path) -> None:
    """Give up the claim on `folder` (its lock file removed)."""
    folder = _destination(folder)
    fd = _HELD.pop(os.path.abspath(folder), None)
    if fd is None:
        return
    try:
        os.unlink(folder.parent / f".{folder.name}.lock")
    except OSError:
        pass
    os.close(fd)


@atexit.register
def _release_all() -> None:
    for key in list(_HELD):
        release(key)


def recover(folder: str | Path) -> list[Path]:
    """Clean or recover what a killed run left beside `folder` (call it with the folder claimed): a half-built
    `.<name>.new-*` is removed; an `.<name>.old-*` is put back when `<name>` is missing (the two-step swap was
    cut between its renames), removed otherwise. Returns the leftovers handled."""
    folder = _destination(folder)
    parent, prefix = folder.parent, f".{folder.name}"
    if not parent.is_dir():
        return []
    found = []
    for entry in sorted(parent.iterdir(), key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True):
        rest = entry.name[len(prefix) :] if entry.name.startswith(prefix) else ""
        m = _LEFTOVER.fullmatch(rest)
        if not m or not entry.is_dir() or entry.is_symlink():
            continue
        found.append(entry)
        if m.group(1) == "old" and not os.path.lexists(folder):
            os.rename(entry, folder)  # the newest earlier results, back in place
        else:
            shutil.rmtree(entry, ignore_errors=True)
    return found


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); False where it is not available."""
    if sys.platform != "linux" or os.environ.get("PPI_STORE_NO_EXCHANGE"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _pause(stage: str) -> None:
    """Test hook: with PPI_STORE_PAUSE=<stage>, say so on stderr and wait there (to be killed by a test)."""
    if os.environ.get("PPI_STORE_PAUSE") == stage:
        sys.stderr.write(f"ppi-store-pause {stage}\n")
        sys.stderr.flush()
        time.sleep(600)


def write_results(
    out_dir: str | Path,
    scenario: Scenario,
    plan: Plan,
    extra: dict[str, bytes] | None = None,
    evaluation: Evaluation | None = None,
    record: PlanRecord | None = None,
) -> Path:
    """Write plan.json (+ projects.csv, budget.csv, balance.csv when there is a plan, and `extra` files such
    as reports) atomically. `evaluation` and `record`, when the caller has them, are used as they are."""
    from models.evaluate import evaluate_plan
    from results.record import PLAN_FORMAT, plan_record
    from results.tables import csv_bytes, result_tables

    out_dir = Path(out_dir)
    if not is_results_folder(out_dir):
        raise OutputError(f"{out_dir} exists and is not a ppi results folder; choose an empty or new folder with --out")
    files: dict[str, bytes] = {}
    ev = evaluation
    if ev is None and plan.status.has_plan:
        ev = evaluate_plan(scenario, plan.starts, plan.transfers)
    files["plan.json"] = (record or plan_record(scenario, plan, ev)).to_bytes(out_dir)
    if ev is not None:
        for name, table in result_tables(scenario, ev).items():
            files[f"{name}.csv"] = csv_bytes(table)
    files.update(extra or {})
    files[MARKER] = f"{PLAN_FORMAT}\n".encode()
    replace_folder(out_dir, files)
    return out_dir


def write_json(path: Path, data: Any) -> None:
    """A JSON document written atomically, as every JSON file of a results folder is written."""
    write_file(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def write_folder(out_dir: Path, files: dict[str, bytes], marker: str) -> Path:
    """A results folder of other kinds (comparison, alternatives, demand): `files` and the marker, swapped in
    atomically."""
    replace_folder(out_dir, {**files, MARKER: f"{marker}\n".encode()})
    return out_dir


def write_file(path: Path, data: bytes) -> None:
    """Write one file atomically: written beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.new-{uuid.uuid4().hex[:8]}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def is_results_folder(path: Path) -> bool:
    """True when `path` may be written: it does not exist, is an empty folder, or holds ppi results."""
    return not path.exists() or (path.is_dir() and (not any(path.iterdir()) or (path / MARKER).exists()))


def replace_folder(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a new folder beside `out_dir` (the marker last) and swap it in (see the module's
    docstring); refused when another run holds `out_dir`."""
    out_dir = _destination(out_dir)
    if not claim(out_dir):
        raise _busy(out_dir)
    parent = out_dir.parent
    tag = uuid.uuid4().hex[:TAG_LENGTH]
    tmp = parent / f".{out_dir.name}.new-{tag}"
    old = parent / f".{out_dir.name}.old-{tag}"
    ordered = [name for name in files if name != MARKER] + [name for name in files if name == MARKER]
    tmp.mkdir()
    try:
        for name in ordered:
            with open(tmp / name, "wb") as fh:
                fh.write(files[name])
                fh.flush()
                os.fsync(fh.fileno())
        _pause("written")
        if out_dir.exists():
            if _exchange(tmp, out_dir):  # tmp now holds the earlier results
                _pause("swapped")
            else:
                os.rename(out_dir, old)
                _pause("moved")
                try:
                    os.rename(tmp, out_dir)
                except OSError:
                    os.rename(old, out_dir)
                    raise
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        release(out_dir)


def holds_results(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def writable_folder(path: Path) -> Path:
    """`path`, when ppi may write results there (see `is_results_folder`); else OutputError."""
    if not is_results_folder(path):
        raise OutputError(f"{path} exists and is not a ppi results folder; choose an empty or new folder with --out")
    return path


def output_folder(out: str | Path | None, default: Path, force: bool = False) -> Path:
    """Where a command writes its results, claimed for this run; earlier results are never replaced without
    `force`.

    With `out`: that folder, refused when it already holds results unless `force` (and always when it holds
    anything else, or another run is writing it). Without: the default folder, or when it already holds
    results (or another run is writing it), the first free one of `<default>-2`, `<default>-3`, ... (with
    `force`: the default folder, replaced)."""
    if out is not None and not str(out).strip():
        raise OutputError("--out is empty: give a folder name, or leave --out out for the default folder")
    if out or force:
        path = Path(out) if out else default
        if not claim(path):
            raise _busy(path)
        try:
            writable_folder(path)
            if out and holds_results(path) and not force:
                raise OutputError(f"{path} already holds results; add --force to replace them, or choose another --out")
        except BaseException:
            release(path)
            raise
        return path
    path, n = default, 2
    while True:
        if not (path.exists() and (holds_results(path) or not path.is_dir())) and claim(path):
            if not holds_results(path):  # (earlier results may have been recovered when claimed)
                return path
            release(path)
        path, n = default.with_name(f"{default.name}-{n}"), n + 1


def analysis_folder(out: str | Path | None, default: Path, run: dict[str, Any], force: bool = False) -> Path:
    """The folder of a sweep, tornado, Monte Carlo or explain run, claimed for this run: its finished points
    are its cache, so the same run resumes there; a folder holding any other results (another run, recorded
    in run.json, or a solve's plan) is refused without `force`, and replaced whole with it."""
    if out is not None and not str(out).strip():
        raise OutputError("--out is empty: give a folder name, or leave --out out for the default folder")
    folder = Path(out) if out else _default_analysis_folder(default, run, force)
    if not claim(folder):
        raise _busy(folder)
    try:
        return _analysis_folder(folder, run, force)
    except BaseException:
        release(folder)
        raise


def _run_text(run: dict[str, Any]) -> str:
    return json.dumps(run, indent=1, sort_keys=True, default=str) + "\n"


def _default_analysis_folder(default: Path, run: dict[str, Any], force: bool) -> Path:
    """Without --out: the default folder when it is free or holds this very run (which then resumes), else
    the first of `<default>-2`, `<default>-3`, ... that is — as `ppi solve` numbers its folders (with
    `force`: the default folder, replaced)."""
    if force:
        return default
    text = _run_text(run)
    path, n = default, 2
    while path.exists():
        record = path / "run.json"
        if path.is_dir() and (not holds_results(path) or (record.is_file() and record.read_text("utf-8") == text)):
            break
        path, n = default.with_name(f"{default.name}-{n}"), n + 1
    return path


def _analysis_folder(folder: Path, run: dict[str, Any], force: bool) -> Path:
    folder = writable_folder(folder)
    record = folder / "run.json"
    text = _run_text(run)
    same = record.is_file() and record.read_text(encoding="utf-8") == text
    if holds_results(folder) and not same:
        if not force:
            what = (
                f"holds the results of another {run['command']} run (see its run.json)"
                if record.exists()
                else "already holds other results (not this run's)"
            )
            raise OutputError(f"{folder} {what}; add --force to replace them, or choose another --out")
        for entry in folder.iterdir():  # replaced whole (the folder itself kept: it may be a link's target)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    write_file(record, text.encode("utf-8"))
    return folder
