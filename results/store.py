"""The results store: folders of results written atomically, and which folder a command may write.

A folder is built beside its destination and swapped in with renames, so a reader sees either the
previous complete results or the new complete results, never a mix. A folder that does not hold ppi
results (no `.ppi-results` marker) is never replaced. Earlier results are never replaced without `force`:
a command's default folder is numbered instead (`<name>-2`, `<name>-3`, ...).
"""

from __future__ import annotations

import json
import os
import shutil
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
    files["plan.json"] = (record or plan_record(scenario, plan, ev)).to_bytes()
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
    """Write `files` into a new folder beside `out_dir` and swap it in with renames."""
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    tmp = parent / f".{out_dir.name}.new-{tag}"
    old = parent / f".{out_dir.name}.old-{tag}"
    tmp.mkdir()
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if out_dir.exists():
            os.rename(out_dir, old)
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


def holds_results(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def writable_folder(path: Path) -> Path:
    """`path`, when ppi may write results there (see `is_results_folder`); else OutputError."""
    if not is_results_folder(path):
        raise OutputError(f"{path} exists and is not a ppi results folder; choose an empty or new folder with --out")
    return path


def output_folder(out: str | Path | None, default: Path, force: bool = False) -> Path:
    """Where a command writes its results; earlier results are never replaced without `force`.

    With `out`: that folder, refused when it already holds results unless `force` (and always when it holds
    anything else). Without: the default folder, or when it already holds results, the first free one of
    `<default>-2`, `<default>-3`, ... (with `force`: the default folder, replaced)."""
    if out:
        path = writable_folder(Path(out))
        if holds_results(path) and not force:
            raise OutputError(f"{path} already holds results; add --force to replace them, or choose another --out")
        return path
    if force:
        return writable_folder(default)
    path, n = default, 2
    while path.exists() and (holds_results(path) or not path.is_dir()):
        path, n = default.with_name(f"{default.name}-{n}"), n + 1
    return path


def analysis_folder(out: str | Path | None, default: Path, run: dict[str, Any], force: bool = False) -> Path:
    """The folder of a sweep, tornado, Monte Carlo or explain run: its finished points are its cache, so the
    same run resumes there; a folder holding another run (recorded in run.json) is replaced only with
    `force`."""
    folder = writable_folder(Path(out) if out else default)
    record = folder / "run.json"
    text = json.dumps(run, indent=1, sort_keys=True, default=str) + "\n"
    if record.exists() and record.read_text(encoding="utf-8") != text and not force:
        raise OutputError(
            f"{folder} holds the results of another {run['command']} run (see its run.json); add --force to replace "
            "them, or choose another --out"
        )
    if force and holds_results(folder) and record.exists() and record.read_text(encoding="utf-8") != text:
        shutil.rmtree(folder)
    write_file(record, text.encode("utf-8"))
    return folder
