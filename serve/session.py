"""One server's state: the base scenario, the ordered edits against it, the current and previous plans, the
diagnosis, one project's "why", the saved states — over the `ppi` Python API only.

An edit of the page is turned into `--set` texts (the command line's own grammar, read by `ppi.derive`) or a
budget factor (`--budget-scale`); validating an edit is deriving the scenario with it: a bad one raises
`EditRefused` with the CLI's own messages and changes nothing. The current state's command line
(`ppi solve FILE[:VARIANT] --set ... --budget-scale F`) reproduces it.

A saved state is a variant file beside the scenario, `NAME.yaml`, that extends the scenario's file and
defines the variant `NAME` (the base variant's edits, then the page's): `ppi solve FOLDER/NAME.yaml:NAME`
solves it. It is written atomically, inside the scenario's folder only, never over a file it did not
write, and over one it wrote only when asked to replace it.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import shlex
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ppi
from serve.worker import ERROR, Job, Worker, log

# A saved variant's name: a variant id and a file name at once (no dot, no slash, nothing to escape).
NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
# The first line of a variant file written by the server: only such a file is ever replaced.
MARK = "# Written by ppi serve"
MAX_COMPARED = 4
# The fields of each kind of edit (docs/serve-api.md) and what each holds; a field marked optional may be missing
# or null. A field missing or of another type is refused with a worded message that names it (`_fields`).
EDIT_FIELDS: dict[str, dict[str, str]] = {
    "envelope": {"year": "int", "value": "amount"},
    "scale": {"factor": "number"},
    "carry": {"on": "bool"},
    "force": {"project": "text"},
    "exclude": {"project": "text"},
    "window": {"project": "text", "earliest": "optional int", "latest": "optional int"},
    "shift": {"project": "text", "years": "int"},
    "weight": {"demand_kind": "text", "value": "amount"},
    "transfers": {"on": "bool"},
    "set": {"path": "text", "value": "amount"},
}
EDIT_KINDS = tuple(EDIT_FIELDS)


class Refused(Exception):
    """A request the state refuses: its HTTP status, its messages (worded) and, where the page acts on one kind
    of refusal, its `code` (e.g. `name_exists`: the page then offers to replace the file)."""

    def __init__(self, status: int, errors: list[str], code: str | None = None):
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = errors
        self.code = code


@dataclass
class Snapshot:
    """One solved state: the scenario solved, the edits it carries, its result and its diagnosis."""

    scenario: Any
    edits: list[dict[str, Any]]
    result: Any = None
    diagnosis: Any = None
    charts: dict[tuple[str, str], str] = field(default_factory=dict)  # (name, lang) -> SVG, drawn once
    views: dict[Any, dict[str, Any]] = field(default_factory=dict)  # the page's views of it, made once

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "failed"


class Session:
    """The state of one `ppi serve`; every method may be called from any thread."""

    def __init__(
        self,
        target: str,
        lang: str = "fr",
        solver: str = "highs",
        time_limit: float | None = None,
        allow_outside_files: bool = False,
    ) -> None:
        file, variant = ppi.split_target(target)
        self.target = target
        self.file = Path(file)
        self.folder = self.file.resolve().parent
        self.variant = variant
        self.default_lang = lang
        self._asking = threading.local()  # the language of the request this thread answers (`speaking`)
        self.options = {"solver": solver, "time_limit": time_limit}
        self.base = ppi.load(file, variant, allow_outside_files=allow_outside_files)
        self.scenario = self.base  # base + edits, derived
        self.edits: list[dict[str, Any]] = []
        self._next_edit = 1
        self.current: Snapshot | None = None
        self.previous: Snapshot | None = None
        self.reference: Snapshot | None = None  # the last state before the current one that had a plan
        self.saved: dict[str, Snapshot] = {}
        self.why: dict[str, Any] | None = None
        self.lock = threading.RLock()
        self.worker = Worker()
        self.ended = threading.Condition(self.lock)  # notified when a job ends

    @property
    def lang(self) -> str:
        """The language refusals are worded in: the page's (the request's, see `speaking`), else `--lang`."""
        return getattr(self._asking, "lang", None) or self.default_lang

    def speaking(self, lang: str | None) -> None:
        """Word this thread's refusals in `lang` (the page's language) until told otherwise."""
        self._asking.lang = lang

    # --------------------------------------------------------------------------------------------- edits

    def _inputs(self, edit: dict[str, Any], scenario: Any) -> tuple[list[str], float | None]:
        """The `--set` texts and budget factor of a page's edit against `scenario` (the state before it)."""
        kind = edit.get("kind")
        lang = self.lang
        if not isinstance(kind, str) or kind not in EDIT_FIELDS:
            detail = ppi.live_words("unknown_kind", lang, kind=kind, kinds=", ".join(EDIT_KINDS))
            raise Refused(400, [ppi.live_words("bad_edit", lang, detail=detail)])
        v = _fields(edit, lang)
        if kind == "envelope":
            year = v["year"]
            if year not in scenario.years:
                start, end = scenario.years[0], scenario.years[-1]
                raise Refused(400, [ppi.live_words("outside_horizon", lang, year=year, start=start, end=end)])
            return [f"budget.annual.{year}={_text(v['value'])}"], None
        if kind == "scale":
            factor = v["factor"]
            if not 0 < factor < float("inf"):  # as the command line's --budget-scale
                raise Refused(400, [ppi.live_words("bad_factor", lang, factor=edit["factor"])])
            return [], factor
        if kind == "carry":
            return [f"budget.carry_over={json.dumps(v['on'])}"], None
        if kind in ("force", "exclude", "window", "shift"):
            pid = v["project"]  # an unknown one: deriving says so, as the command line does
            if kind in ("force", "exclude"):
                return [f"projects.{pid}.status={'mandatory' if kind == 'force' else 'excluded'}"], None
            shift = int(_row(scenario, pid).get("shift") or 0)  # the file's window is before its shift
            if kind == "shift":
                return [f"projects.{pid}.shift={shift + v['years']}"], None
            sets = []
            for key in ("earliest", "latest"):
                if v.get(key) is not None:
                    sets.append(f"projects.{pid}.{key}_start={v[key] - shift}")
            return sets, None
        if kind == "weight":
            return [f"demand_kinds.{v['demand_kind']}.weight={_text(v['value'])}"], None
        if kind == "transfers":
            block = (self.base.document or {}).get("transfers")
            if not v["on"]:
                return ["transfers=null"], None
            if not block:
                raise Refused(400, [ppi.live_words("no_transfers", lang)])
            return [f"transfers={json.dumps(block)}"], None
        return [f"{v['path']}={edit['value']}"], None  # set: the value as typed (`--set`)

    def _derive(self, edits: list[dict[str, Any]]) -> tuple[Any, list[dict[str, Any]]]:
        """The base with `edits` applied in order, and the edits with their `set` texts (and factor)."""
        scenario, done = self.base, []
        for edit in edits:
            scenario, applied = self._derive_one(edit, scenario)
            done.append(applied)
        return scenario, done

    def _derive_one(self, edit: dict[str, Any], scenario: Any) -> tuple[Any, dict[str, Any]]:
        """`scenario` with one edit applied, and the edit with its `set` texts (and factor); `Refused` if it is
        not accepted there."""
        sets, factor = self._inputs(edit, scenario)
        try:
            derived = ppi.derive(scenario, set=sets, budget_scale=factor)
        except ppi.ScenarioError as exc:
            raise Refused(400, [str(p) for p in exc.problems]) from None
        if edit.get("kind") == "window":
            self._window_kept(edit, derived)
        written = list(derived.sets[len(scenario.sets) :])
        return derived, {**edit, "set": written, "budget_scale": factor}

    def _window_kept(self, edit: dict[str, Any], scenario: Any) -> None:
        """Refuse a window the model would narrow silently: a start before the project's maturity allows (or
        before the horizon), an end after the horizon or the payment schedule allow."""
        project = scenario.project.get(str(edit.get("project")))
        if project is None:
            return
        edit = _fields(edit, self.lang)
        values = {"name": project.name or project.id, "maturity": project.maturity or "—",
                  "start": scenario.years[0], "end": scenario.horizon_end}  # fmt: skip
        asked = edit.get("earliest")
        if asked is not None and int(asked) < project.earliest:
            raise Refused(400, [ppi.live_words("window_early", self.lang, asked=asked, allowed=project.earliest,
                                               **values)])  # fmt: skip
        asked = edit.get("latest")
        if asked is not None and int(asked) > project.latest:
            raise Refused(400, [ppi.live_words("window_late", self.lang, asked=asked, allowed=project.latest,
                                               **values)])  # fmt: skip

    def add_edit(self, edit: dict[str, Any]) -> None:
        if not isinstance(edit, dict):
            detail = ppi.live_words("edit_object", self.lang)
            raise Refused(400, [ppi.live_words("bad_edit", self.lang, detail=detail)])
        with self.lock:
            clean = {k: v for k, v in edit.items() if k not in ("id", "label", "set", "budget_scale")}
            scenario, done = self._derive([*self.edits, clean])
            done[-1]["id"] = self._next_edit
            self._next_edit += 1
            self.scenario, self.edits = scenario, done

    def remove_edit(self, edit_id: int) -> list[str]:
        """Remove one edit: the others are applied again in order (a shift or a window depends on the edits
        before it), ids kept; a later edit no longer accepted without the removed one is removed too. Returns
        the notices (worded) that name each edit removed with it and why."""
        with self.lock:
            removed = next((e for e in self.edits if e["id"] == edit_id), None)
            if removed is None:
                raise Refused(404, [ppi.live_words("unknown_edit", self.lang, id=edit_id)])
            scenario, done, notices = self.base, [], []
            for edit in self.edits:
                if edit is removed:
                    continue
                try:
                    scenario, applied = self._derive_one({k: v for k, v in edit.items() if k != "id"}, scenario)
                except Refused as refused:
                    label = ppi.live_edit_label(edit, self.base, self.lang)
                    gone = ppi.live_edit_label(removed, self.base, self.lang)
                    notices.append(ppi.live_words("edit_dropped", self.lang, label=label, removed=gone,
                                                  reason=" ".join(refused.errors)))  # fmt: skip
                    continue
                done.append({**applied, "id": edit["id"]})
            self.scenario, self.edits = scenario, done
            return notices

    def clear_edits(self) -> None:
        with self.lock:
            self.scenario, self.edits = self.base, []

    def command(self, edits: list[dict[str, Any]] | None = None) -> str:
        """The command line that solves this state (the current edits by default)."""
        edits = self.edits if edits is None else edits
        words = ["ppi", "solve", str(self.file) + (f":{self.variant}" if self.variant else "")]
        for edit in edits:
            words += [w for s in edit["set"] for w in ("--set", s)]
        factor = _factor(edits)
        if factor is not None:
            words += ["--budget-scale", repr(factor)]
        return shlex.join(words)

    # --------------------------------------------------------------------------------------------- jobs

    def _busy(self) -> None:
        if self.worker.busy:
            raise Refused(409, [ppi.live_words("busy", self.lang)])

    def solve(self) -> Job:
        """Solve base + edits in the worker; the current plan is the start of the search."""
        with self.lock:
            self._busy()
            snapshot = Snapshot(self.scenario, [dict(e) for e in self.edits])
            start = None
            if self.current is not None and self.current.result is not None and self.current.result.has_plan:
                start = dict(self.current.result.starts)
                start = {p: s for p, s in start.items() if p not in ppi.unstartable(snapshot.scenario, start)}
            payload = {"scenario": snapshot.scenario, "start": start, "options": self.options}
            return self.worker.submit("solve", payload, lambda job: self._solved(job, snapshot))

    def _solved(self, job: Job, snapshot: Snapshot) -> None:
        with self.lock:
            if job.status == "done" and job.answer is not None:
                try:
                    snapshot.result = ppi.Result(snapshot.scenario, job.answer["plan"])
                    snapshot.diagnosis = job.answer.get("diagnosis")
                except Exception:  # a plan that cannot be read back leaves the state as it was
                    job.status, job.reason = "failed", ERROR
                    log.exception("solve job %d: its plan could not be read back", job.id)
                else:
                    if self.current is not None and self.current.result is not None and self.current.result.has_plan:
                        self.reference = self.current
                    self.previous, self.current = self.current, snapshot
                    self.why = None
            self.ended.notify_all()

    def explain(self, project: str) -> Job:
        """One project's explain values in the worker; the answer lands in `self.why`."""
        with self.lock:
            self._busy()
            current = self.current
            if current is None or current.result is None:
                raise Refused(409, [ppi.live_words("no_plan", self.lang)])
            if not current.result.has_plan:
                raise Refused(409, [self._no_plan(ppi.live_words("current", self.lang), current, self.lang)])
            if project not in current.scenario.project:
                raise Refused(400, [ppi.live_words("unknown_project", self.lang, project=project)])
            self.why = {"project": project, "running": True, "values": [], "text": ""}
            payload = {
                "scenario": current.scenario,
                "plan": current.result.plan,
                "project": project,
                "options": self.options,
            }

            def done(job: Job) -> None:
                with self.lock:
                    if job.status == "done" and job.answer is not None and self.current is current:
                        self.why = {"explanation": job.answer["explanation"], "project": project}
                    elif self.why is not None and self.why.get("running"):
                        self.why = None
                    self.ended.notify_all()

            return self.worker.submit("why", payload, done)

    def cancel(self) -> Job | None:
        return self.worker.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no job runs (for the start, the tests and the benchmark)."""
        with self.lock:
            return self.ended.wait_for(lambda: not self.worker.busy, timeout)

    # --------------------------------------------------------------------------------------------- remedies

    def apply_remedy(self, index: int) -> None:
        with self.lock:
            diagnosis = self.current.diagnosis if self.current is not None else None
            if diagnosis is None or not 0 <= index < len(diagnosis.remedies):
                raise Refused(404, [ppi.live_words("no_diagnosis", self.lang, index=index)])
            added = [{"kind": "set", **dict(zip(("path", "value"), s.split("=", 1), strict=True))}
                     for s in diagnosis.remedies[index].sets]  # fmt: skip
            scenario, done = self._derive([*self.edits, *added])
            for edit in done[len(self.edits) :]:
                edit["id"] = self._next_edit
                self._next_edit += 1
            self.scenario, self.edits = scenario, done

    # --------------------------------------------------------------------------------------------- states

    def snapshot(self, name: str) -> Snapshot:
        """A state by name: `current`, `previous`, or one saved (or solved to be compared) in this session."""
        with self.lock:
            found = {"current": self.current, "previous": self.previous, **self.saved}.get(name)
            if found is None or found.result is None:
                known = ", ".join(["current", *(["previous"] if self.previous else []), *self.saved])
                raise Refused(404, [ppi.live_words("unknown_state", self.lang, name=name, known=known)])
            return found

    def planned(self, name: str) -> Snapshot:
        """A state by name that has a plan: 404 for an unknown state, 409 for one without a plan (and why)."""
        found = self.snapshot(name)
        if not found.result.has_plan:
            raise Refused(409, [self._no_plan(name, found, self.lang)])
        return found

    @staticmethod
    def _no_plan(name: str, snap: Snapshot, lang: str) -> str:
        """Why a solved state has no plan, worded: infeasible, or no plan found within the time limit."""
        return ppi.live_words("state_no_plan", lang, name=name, reason=_reason(snap.result.status, lang))

    def chart(self, name: str, state: str, lang: str) -> str:
        snap = self.planned(state)
        key = (name, lang)
        if key not in snap.charts:
            snap.charts[key] = ppi.live_chart(snap.result, name, lang)
        return snap.charts[key]

    def variants(self) -> list[str]:
        """Variants of the scenario's file and the variant files saved beside it."""
        names = list((self.base.document or {}).get("variants") or {})
        for path in sorted(self.folder.glob("*.yaml")):
            if NAME.fullmatch(path.stem) and _ours(path):
                names.append(path.stem)
        return list(dict.fromkeys([*names, *self.saved]))

    def save(self, name: str, replace: bool = False) -> dict[str, str]:
        """The current state as the variant `name` in `FOLDER/name.yaml` (see the module docstring)."""
        lang = self.lang
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise Refused(400, [ppi.live_words("bad_name", lang, name=str(name)[:60])])
        with self.lock:
            current = self.current
            if current is None:
                raise Refused(409, [ppi.live_words("no_plan", lang)])
            if name in ((self.base.document or {}).get("variants") or {}):
                raise Refused(409, [ppi.live_words("name_in_scenario", lang, name=name)])
            path = self.folder / f"{name}.yaml"
            if path.resolve().parent != self.folder or path.resolve() == self.file.resolve():
                raise Refused(400, [ppi.live_words("bad_name", lang, name=name)])
            if path.exists() and not _ours(path):
                raise Refused(409, [ppi.live_words("not_ours", lang, file=str(path))])
            if path.exists() and not replace:
                raise Refused(409, [ppi.live_words("name_exists", lang, name=name, file=str(path))], "name_exists")
            ppi.write_file(path, self._variant_text(name, current).encode("utf-8"))
            self.saved[name] = current
            shown = self.file.parent / path.name
            return {"name": name, "file": str(shown), "command": shlex.join(["ppi", "solve", f"{shown}:{name}"])}

    def _variant_text(self, name: str, snap: Snapshot) -> str:
        """The variant file: it extends the scenario's file; its variant applies the base variant's edits, then
        the page's (`set`), with the budget factor as the variant's `scale_budget` — which a variant applies
        before its `set`, so the envelopes the page set are written already multiplied by it."""
        spec = dict(((self.base.document or {}).get("variants") or {}).get(self.variant) or {}) if self.variant else {}
        spec.pop("description", None)
        factor = _factor(snap.edits)
        base_factor = spec.get("scale_budget")
        sets: dict[str, Any] = dict(spec.get("set") or {})
        for edit in snap.edits:
            for text in edit["set"]:
                path, value = ppi.set_value(text)
                sets[path] = value
        if factor is not None:
            spec["scale_budget"] = factor if base_factor is None else base_factor * factor
            for path, value in sets.items():
                if _is_envelope(path) and isinstance(value, (int, float)) and not isinstance(value, bool):
                    sets[path] = value * factor
        if sets:
            spec["set"] = sets
        date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        spec = {"description": ppi.live_words("saved_description", self.lang, date=date, count=len(snap.edits)),
                **spec}  # fmt: skip
        document = {"extends": self.file.name, "variants": {name: spec}}
        lines = [
            f"{MARK} on {date} from {self.file.name}" + (f":{self.variant}" if self.variant else "") + ".",
            f"# Solve it with: ppi solve {self.file.parent / (name + '.yaml')}:{name}",
            f"# The same state: {self.command(snap.edits)}",
            json.dumps(document, indent=2, ensure_ascii=False),  # JSON is YAML
        ]
        return "\n".join(lines) + "\n"

    def compare(self, names: list[str], lang: str) -> dict[str, Any]:
        if not 1 <= len(names) <= MAX_COMPARED:
            raise Refused(400, [ppi.live_words("too_many", lang, count=len(names))])
        for name in names:
            self._solve_variant(name)
        results = {name: self.planned(name).result for name in names}
        return ppi.live_comparison(ppi.compare(results), lang)

    def _solve_variant(self, name: str) -> None:
        """A variant of the scenario's file, or one saved beside it in an earlier session, solved once (in the
        worker, as every solve) so that it can be compared or exported; nothing for a state this session already
        has. A variant that does not load (400, the command line's messages) or whose solve fails or is
        cancelled (409, its reason worded) is refused; an infeasible one is a state (its report shows its
        diagnosis)."""
        lang = self.lang
        with self.lock:
            if name in ("current", "previous") or name in self.saved or name not in self.variants():
                return
            self._busy()
            inside = self.folder / f"{name}.yaml"
            own = inside.is_file() and _ours(inside)
            try:
                outside = self.base.allow_outside_files
                scenario = ppi.load(inside if own else self.file, name, allow_outside_files=outside)
            except ppi.ScenarioError as exc:
                problems = [str(p) for p in exc.problems]
                raise Refused(400, [ppi.live_words("variant_unreadable", lang, name=name), *problems]) from None
            snapshot = Snapshot(scenario, [])
            done = threading.Event()
            failure: list[str] = []

            def solved(job: Job) -> None:
                try:
                    with self.lock:
                        if job.status == "done" and job.answer is not None:
                            snapshot.result = ppi.Result(scenario, job.answer["plan"])
                            snapshot.diagnosis = job.answer.get("diagnosis")
                            self.saved[name] = snapshot
                        elif job.status == "cancelled":
                            failure.append(ppi.live_words("variant_cancelled", lang, name=name))
                        else:
                            detail = _reason(job.reason or ERROR, lang)
                            failure.append(ppi.live_words("variant_failed", lang, name=name, detail=detail))
                except Exception:  # a plan that cannot be read back: the request says so, the state stays
                    log.exception("the solve of the variant %r: its plan could not be read back", name)
                    failure.append(ppi.live_words("variant_failed", lang, name=name, detail=_reason(ERROR, lang)))
                finally:
                    with self.lock:
                        self.ended.notify_all()
                    done.set()

            self.worker.submit("solve", {"scenario": scenario, "start": None, "options": self.options}, solved)
        done.wait()
        if failure:
            raise Refused(409, failure)

    def export(self, state: str, fmt: str, lang: str) -> bytes:
        """The report of a state; a variant of the scenario's file not solved yet is solved first (in the
        worker, its progress in `State.job`)."""
        self._solve_variant(state)
        snap = self.snapshot(state)
        diagnosis = None
        if snap.diagnosis is not None:
            diagnosis = ppi.diagnosis_dict(snap.diagnosis)
        return ppi.report_files(snap.result, [fmt], lang, diagnosis=diagnosis)[f"report.{fmt}"]

    # --------------------------------------------------------------------------------------------- the page

    def state(self, lang: str) -> dict[str, Any]:
        with self.lock:
            job = self.worker.job
            current = self.current
            view: dict[str, Any] = {
                "scenario": {**ppi.live_scenario(self.scenario), "target": self.target},
                "lang": lang,
                "edits": [{**e, "label": ppi.live_edit_label(e, self.base, lang)} for e in self.edits],
                "command": self.command(),
                "status": "idle",
                "job": self.job_view(job, lang),
                "result": None,
                "diagnosis": None,
                "changes": None,
                "why": None,
                "saved": self.variants(),
                "words": ppi.live_page_words(lang),
            }
            if job is not None and job.status == "running" and job.kind == "solve":
                view["status"] = "solving"
            elif current is not None:
                view["status"] = _page_status(current)
            if current is not None and current.result is not None:
                if ("plan", lang) not in current.views:
                    current.views[("plan", lang)] = ppi.live_plan(current.result, lang)
                result = dict(current.views[("plan", lang)])
                if current.result.has_plan:
                    result["charts"] = {n: f"/api/chart/{n}.svg?state=current&lang={lang}" for n in _CHARTS}
                else:
                    result["charts"] = {}
                result["edits"] = [e["id"] for e in current.edits if "id" in e]
                view["result"] = result
                if current.diagnosis is not None:
                    view["diagnosis"] = ppi.live_diagnosis(current.diagnosis, lang)
                previous = self.reference  # changes are shown between plans: an infeasible state has none
                if previous is not None and current.result.has_plan:
                    key = ("changes", id(previous))
                    if key not in current.views:
                        current.views[key] = ppi.live_changes(previous.result, current.result)
                    view["changes"] = current.views[key]
            if self.why is not None:
                if "explanation" in self.why:
                    view["why"] = ppi.live_why(self.why["explanation"], current.scenario, self.why["project"], lang)
                else:
                    view["why"] = self.why
            return view

    def job_view(self, job: Job | None, lang: str) -> dict[str, Any] | None:
        """A job as the page sees it: `Job.to_dict` and its `message`, worded from the catalogue for a cancelled
        or failed job (why it failed, never its technical detail, which is in the server's log), else null."""
        if job is None:
            return None
        view = {**job.to_dict(), "message": None}
        if job.status == "cancelled":
            view["message"] = ppi.live_words("cancelled", lang)
        elif job.status == "failed":
            view["message"] = ppi.live_words("failed", lang, detail=_reason(job.reason or ERROR, lang))
        return view

    def close(self) -> None:
        self.worker.close()


_CHARTS = ("spending", "unmet", "heatmap", "gantt")


def _reason(reason: str, lang: str) -> str:
    """Why a solve gave no plan, worded (`live.reason_<reason>`): a job's reason (cancelled, crashed, error) or a
    solved state's status (infeasible, no_solution: no plan found within the time limit)."""
    return ppi.live_words(f"reason_{reason}", lang)


def _page_status(snap: Snapshot) -> str:
    status = snap.status
    if status == "optimal" or status == "infeasible" or status == "failed":
        return status
    return "time_limit" if snap.result is not None and snap.result.has_plan else "failed"


def _fields(edit: dict[str, Any], lang: str) -> dict[str, Any]:
    """The fields of a page's edit read as their kind says (`EDIT_FIELDS`): a whole number (an integral number or
    its text), a number (or its text), an amount (a number, or a text the command line reads: "12e6"), true or
    false, a text (a project, a kind, a path). A field missing or of another type: `Refused` naming it."""
    kind, read = edit["kind"], {}
    for name, what in EDIT_FIELDS[kind].items():
        optional, what = what.startswith("optional "), what.removeprefix("optional ")
        value = edit.get(name)
        if value is None:
            if optional:
                continue
            detail = ppi.live_words("edit_missing", lang, kind=kind, field=name)
            raise Refused(400, [ppi.live_words("bad_edit", lang, detail=detail)])
        got = _typed(value, what)
        if got is None:
            shown = json.dumps(value, ensure_ascii=False)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            expected = ppi.live_words(f"type_{what}", lang)
            detail = ppi.live_words("edit_type", lang, kind=kind, field=name, expected=expected, value=shown)
            raise Refused(400, [ppi.live_words("bad_edit", lang, detail=detail)])
        read[name] = got
    return read


def _typed(value: Any, what: str) -> Any:
    """`value` as `what` (int, number, amount, bool, text), or None when it is not one."""
    if what == "bool":
        return value if isinstance(value, bool) else None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if what == "text":
        return str(value) if isinstance(value, str) and value.strip() else None
    if what == "amount":
        return value if not isinstance(value, str) or value.strip() else None
    try:
        number = float(value)
    except ValueError:
        return None
    if what == "number":
        return number  # a factor that is not a positive number is refused by its own check
    return int(number) if math.isfinite(number) and number.is_integer() else None  # int


def _text(value: Any) -> str:
    """A value of the page as `--set` text: a number as JSON (always a float), a text as typed."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return json.dumps(float(value))


def _factor(edits: list[dict[str, Any]]) -> float | None:
    factor = None
    for edit in edits:
        if edit.get("budget_scale") is not None:
            factor = edit["budget_scale"] if factor is None else factor * edit["budget_scale"]
    return factor


def _row(scenario: Any, pid: str) -> dict[str, Any]:
    for row in (scenario.document or {}).get("projects") or []:
        if isinstance(row, dict) and row.get("id") == pid:
            return row
    return {}


def _is_envelope(path: str) -> bool:
    """A path of an envelope that a variant's `scale_budget` multiplies (models/variants.py)."""
    return path.startswith("budget.annual") or path in ("budget.total", "budget.total.amount")


def _ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as f:
            return f.readline().startswith(MARK)
    except OSError:
        return False
