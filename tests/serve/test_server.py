"""`ppi serve`'s server (serve/, docs/serve-api.md) with Starlette's test client on the shipped Exemple-Ville
scenario (copied: saved variants are written beside it): every endpoint and every refusal, plans equal to
`ppi.solve(ppi.derive(...))` with the same `--set`, a saved variant solved again by the command line, a
real uvicorn server started by `python cli.py serve`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

import ppi
from models.evaluate import evaluate_plan

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ROOT = Path(__file__).resolve().parents[2]
SOLVE_S = 300  # a generous wait for one solve on a shared machine (a hang fails, a slow run does not)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    target = tmp_path_factory.mktemp("serve") / "exemple-ville"
    shutil.copytree(ROOT / "scenarios" / "exemple-ville", target)
    return target


@pytest.fixture(scope="module")
def session(folder):
    from serve.session import Session

    s = Session(str(folder / "scenario.yaml"))
    s.solve()
    assert s.wait(SOLVE_S)
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(session):
    from starlette.testclient import TestClient

    from serve.app import create_app

    with TestClient(create_app(session)) as c:
        yield c


@pytest.fixture(scope="module")
def base(session):
    return ppi.solve(session.base)


def _solve(client, session):
    answer = client.post("/api/solve")
    assert answer.status_code == 202, answer.text
    assert answer.json()["job"]["status"] == "running"
    assert session.wait(SOLVE_S)
    return client.get("/api/state").json()


def assert_same_plan_or_tie(expected, chosen: dict[str, int]) -> None:
    """The page's plan is the library's, or another optimum of the same scenario: an optimum has ties (two
    micro-crèches swapping years), and the server's solve starts from the plan on the page. A different plan must
    give the same objective, recomputed from its start years alone."""
    if chosen == {p: s for p, s in expected.starts.items() if s is not None}:
        return
    tie = evaluate_plan(expected.scenario, chosen)
    assert tie.objective == pytest.approx(expected.objective, rel=1e-7), (chosen, dict(expected.starts))


@pytest.fixture(autouse=True)
def no_edits(client, session):
    session.wait(SOLVE_S)
    client.post("/api/edits/clear")
    yield


def test_the_state_holds_the_base_plan(client, base):
    state = client.get("/api/state").json()
    assert state["status"] == "optimal" and state["edits"] == [] and state["lang"] == "fr"
    assert state["result"]["objective"] == pytest.approx(base.objective, rel=1e-9)
    chosen = {p["id"]: p["start"] for p in state["result"]["projects"] if p["chosen"]}
    assert_same_plan_or_tie(base, chosen)
    assert {p["id"] for p in state["scenario"]["projects"]} == {p.id for p in base.scenario.projects}
    assert state["command"].startswith("ppi solve ") and "--set" not in state["command"]
    assert set(state["result"]["charts"]) == {"spending", "unmet", "heatmap", "gantt"}
    english = client.get("/api/state?lang=en").json()
    assert english["lang"] == "en" and english["result"]["parts"][0]["label"] != state["result"]["parts"][0]["label"]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ({"kind": "envelope", "year": 2028, "value": -5}, "greater than or equal to 0"),
        ({"kind": "force", "project": "no-such-project"}, "no row 'no-such-project' in projects"),
        ({"kind": "shift", "project": "no-such-project", "years": 1}, "no-such-project"),
        ({"kind": "scale", "factor": 0}, "un facteur positif est attendu"),
        ({"kind": "window", "project": "mod-mariniers", "earliest": 2050}, "outside the horizon"),
        ({"kind": "envelope", "year": 2050, "value": 5e6}, "est hors de l'horizon 2026"),
        ({"kind": "window", "project": "gs-gare-nord", "earliest": 2026}, "ne peut pas démarrer avant 2028"),
        ({"kind": "window", "project": "gs-simone-veil", "latest": 2035}, "ne peut pas démarrer après 2033"),
        ({"kind": "weight", "demand_kind": "creche", "value": "lots"}, "creche"),
        ({"kind": "transfers", "on": True}, "transfers"),
        ({"kind": "teleport"}, "type « teleport » inconnu"),
    ],
)
def test_a_bad_edit_gets_its_message_and_changes_nothing(client, edit, words):
    client.post("/api/edits", json={"kind": "carry", "on": True})
    before = client.get("/api/state").json()
    answer = client.post("/api/edits", json=edit)
    assert answer.status_code == 400
    assert any(words in e for e in answer.json()["errors"]), answer.json()
    after = client.get("/api/state").json()
    assert after["edits"] == before["edits"] and after["command"] == before["command"]


def test_edits_are_listed_labelled_and_removable(client):
    first = client.post("/api/edits", json={"kind": "envelope", "year": 2028, "value": 12e6}).json()
    (edit,) = first["edits"]
    assert edit["set"] == ["budget.annual.2028=12000000.0"] and "2028" in edit["label"]
    state = client.post("/api/edits", json={"kind": "scale", "factor": 0.9}).json()
    assert "--budget-scale 0.9" in state["command"] and "--set budget.annual.2028=12000000.0" in state["command"]
    state = client.post("/api/edits", json={"kind": "shift", "project": "mod-mariniers", "years": 1}).json()
    assert state["edits"][-1]["set"] == ["projects.mod-mariniers.shift=1"]
    assert client.delete("/api/edits/999").status_code == 404
    state = client.delete(f"/api/edits/{edit['id']}").json()
    assert [e["kind"] for e in state["edits"]] == ["scale", "shift"]
    assert client.post("/api/edits/clear").json()["edits"] == []


def test_an_envelope_edit_and_a_forced_project_solve_as_the_library_does(client, session):
    client.post("/api/edits", json={"kind": "envelope", "year": 2031, "value": 9.5e6})
    client.post("/api/edits", json={"kind": "force", "project": "creche-gare-sud"})
    state = _solve(client, session)
    sets = [s for e in state["edits"] for s in e["set"]]
    assert sets == ["budget.annual.2031=9500000.0", "projects.creche-gare-sud.status=mandatory"]
    expected = ppi.solve(ppi.derive(session.base, set=sets))
    assert state["status"] == "optimal"
    assert state["result"]["objective"] == pytest.approx(expected.objective, rel=1e-7)
    chosen = {p["id"]: p["start"] for p in state["result"]["projects"] if p["chosen"]}
    assert_same_plan_or_tie(expected, chosen)
    assert chosen["creche-gare-sud"] is not None
    changes = state["changes"]
    assert set(changes) == {"entered", "left", "moved", "unmet", "spending"}
    assert len(changes["spending"]) == len(state["scenario"]["years"])


def test_a_second_solve_is_refused_and_cancel_stops_the_running_one(client, session):
    before = client.get("/api/state").json()["result"]["objective"]
    client.post("/api/edits", json={"kind": "scale", "factor": 0.8})
    assert client.post("/api/solve").status_code == 202
    refused = client.post("/api/solve")
    assert refused.status_code == 409 and refused.json()["errors"]
    solving = session.worker._process
    job = client.post("/api/cancel").json()
    assert job["status"] == "cancelled"
    assert not solving.is_alive()  # the solver's process is stopped, not left to finish
    state = client.get("/api/state").json()
    assert state["job"]["status"] == "cancelled" and state["job"]["message"]
    assert state["result"]["objective"] == before  # the previous state stays
    assert client.get("/api/job").json()["status"] == "cancelled"


def test_a_crashing_solve_leaves_the_page_usable(client, session, caplog):
    """The page is told why, worded from the catalogue in its language; the exit code is in the server's log only."""
    before = client.get("/api/state").json()["result"]["objective"]
    client.post("/api/solve")
    session.worker._process.kill()  # the solver's process dies under the job
    assert session.wait(SOLVE_S)
    for lang in ("fr", "en"):
        state = client.get(f"/api/state?lang={lang}").json()
        assert state["job"]["status"] == "failed" and state["result"]["objective"] == before
        worded = ppi.live_words("failed", lang, detail=ppi.live_words("reason_crashed", lang))
        assert state["job"]["message"] == worded and state["job"]["reason"] == "crashed"
        assert client.get("/api/job", headers={"X-PPI-Lang": lang}).json()["message"] == worded
    assert "exit code -9" in caplog.text
    assert _solve(client, session)["job"]["status"] == "done"  # a fresh worker takes the next one


def test_a_job_that_raises_is_worded_and_its_traceback_logged(client, session, caplog):
    """An error inside the worker: the page reads the catalogue's sentence, the server's log has the traceback."""
    import threading

    ended = threading.Event()
    assert session.wait(SOLVE_S)
    session.worker.submit("teleport", {"options": {}}, lambda job: ended.set())
    assert ended.wait(SOLVE_S)
    job = client.get("/api/job?lang=en").json()
    assert job["status"] == "failed" and job["reason"] == "error"
    assert job["message"] == ppi.live_words("failed", "en", detail=ppi.live_words("reason_error", "en"))
    assert "Traceback" in caplog.text and "unknown job 'teleport'" in caplog.text
    shown = json.dumps(client.get("/api/state").json()["job"])
    assert "ValueError" not in shown and "unknown job" not in shown


def test_an_infeasible_edit_shows_the_diagnosis_and_a_remedy_gives_a_plan(client, session):
    client.post("/api/edits", json={"kind": "envelope", "year": 2028, "value": 8.5e6})
    _solve(client, session)
    state = client.get("/api/state?lang=en").json()
    assert state["status"] == "infeasible" and state["result"]["projects"] == [] and state["changes"] is None
    diagnosis = state["diagnosis"]
    assert diagnosis["findings"] and diagnosis["remedies"]
    assert all(r["set"] and r["label"] for r in diagnosis["remedies"])
    french = client.get("/api/state").json()["diagnosis"]["remedies"]  # the catalogue's punctuation
    assert all("\u00a0: " in r["label"] and " : " not in r["label"] for r in french), french
    no_plan = client.get("/api/chart/spending.svg?lang=en")  # no plan, no chart: the state is there, and why not
    reason = ppi.live_words("reason_infeasible", "en")
    assert no_plan.status_code == 409
    assert no_plan.json()["errors"] == [ppi.live_words("state_no_plan", "en", name="current", reason=reason)]
    why = client.post("/api/why", json={"project": "mod-paul-bert"})
    current = ppi.live_words("current", "fr")
    reason = ppi.live_words("reason_infeasible", "fr")
    assert why.status_code == 409
    assert why.json()["errors"] == [ppi.live_words("state_no_plan", "fr", name=current, reason=reason)]
    page = client.get("/api/export/report.html?lang=en")
    assert page.status_code == 200 and diagnosis["findings"][0][:40] in page.text
    workbook = client.get("/api/export/report.xlsx")
    assert workbook.status_code == 200 and openpyxl.load_workbook(BytesIO(workbook.content)).sheetnames
    assert client.post("/api/remedy", json={"index": 99}).status_code == 404
    state = client.post("/api/remedy", json={"index": 0}).json()
    assert [s for e in state["edits"][1:] for s in e["set"]] == diagnosis["remedies"][0]["set"]
    state = _solve(client, session)
    assert state["status"] == "optimal" and state["diagnosis"] is None
    chosen = [p for p in state["result"]["projects"] if p["chosen"]]
    assert len(state["changes"]["entered"]) < len(chosen)  # against the last plan, not the infeasible state


def test_why_explains_one_project_on_demand(client, session):
    _solve(client, session)
    assert client.post("/api/why", json={"project": "no-such-project"}).status_code == 400
    answer = client.post("/api/why", json={"project": "mod-paul-bert"})
    assert answer.status_code == 202 and answer.json()["job"]["kind"] == "why"
    assert session.wait(SOLVE_S)
    why = client.get("/api/state?lang=en").json()["why"]
    assert why["project"] == "mod-paul-bert" and not why["running"]
    assert {v["change"] for v in why["values"]} <= {"force_in", "drop", "defer"} and why["values"] and why["text"]


def test_charts_are_the_reports_svg_and_unknown_ones_404(client):
    for name in ("spending", "unmet", "heatmap", "gantt"):
        answer = client.get(f"/api/chart/{name}.svg?state=current&lang=en")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
        assert answer.text.lstrip().startswith("<svg") or "<svg" in answer.text[:500]
    assert client.get("/api/chart/pie.svg").status_code == 404
    assert client.get("/api/chart/spending.svg?state=nowhere").status_code == 404
    assert client.get("/api/chart/..%2F..%2Fppi.svg").status_code == 404


def test_exports_open(client):
    workbook = client.get("/api/export/report.xlsx?state=current&lang=en")
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(BytesIO(workbook.content)).sheetnames
    page = client.get("/api/export/report.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    parser = HTMLParser()
    parser.feed(page.text)
    parser.close()
    assert "<html" in page.text[:500]
    assert client.get("/api/export/report.pdf").status_code == 404


def test_the_key_figures_are_the_report_s(client):
    """The page's key figures are the HTML report's own (its `data-key` / `data-value` attributes)."""
    import re

    page = client.get("/api/export/report.html").text
    report = {k: v for k, v in re.findall(r'data-key="([^"]+)" data-value="([^"]*)"', page)}
    shown = {f["key"]: f["value"] for f in client.get("/api/state").json()["result"]["key_figures"]}
    shown["spent_total"] = shown.pop("spent")
    assert set(shown) <= set(report)
    assert {k: pytest.approx(float(report[k]), rel=1e-9, abs=1e-6) for k in shown} == shown


def test_a_saved_variant_is_solved_again_by_the_command_line(client, session, folder, tmp_path):
    client.post("/api/edits", json={"kind": "envelope", "year": 2029, "value": 9e6})
    client.post("/api/edits", json={"kind": "scale", "factor": 1.05})
    client.post("/api/edits", json={"kind": "exclude", "project": "mod-mariniers"})
    state = _solve(client, session)
    assert state["status"] == "optimal"
    saved = client.post("/api/save", json={"name": "arbitrage-1"})
    assert saved.status_code == 201, saved.text
    answer = saved.json()
    file = Path(answer["file"])
    assert file.parent.resolve() == folder.resolve() and answer["command"].endswith(f"{file.name}:arbitrage-1")
    assert "arbitrage-1" in client.get("/api/state").json()["saved"]
    conflict = client.post("/api/save", json={"name": "arbitrage-1"})
    assert conflict.status_code == 409 and conflict.json()["errors"]
    assert conflict.json()["code"] == "name_exists"  # the page offers to replace only this refusal
    text = file.read_text(encoding="utf-8")
    assert client.post("/api/save", json={"name": "arbitrage-1", "replace": True}).status_code == 201
    assert file.read_text(encoding="utf-8").splitlines()[3:] == text.splitlines()[3:]
    out = tmp_path / "plan"
    run = subprocess.run(
        [sys.executable, "cli.py", "solve", f"{file}:arbitrage-1", "--out", str(out), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SOLVE_S,
    )
    assert run.returncode == 0, run.stderr
    objective = json.loads((out / "plan.json").read_text(encoding="utf-8"))["objective"]
    assert objective == pytest.approx(state["result"]["objective"], rel=1e-7)


@pytest.mark.parametrize("name", ["../escape", "a/b", "Capital", "", "x" * 41, "scenario", "budget-serre", 7])
def test_a_bad_or_taken_name_is_refused(client, folder, name):
    before = sorted(p.name for p in folder.iterdir())
    answer = client.post("/api/save", json={"name": name})
    assert answer.status_code in (400, 409) and answer.json()["errors"]
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_file_not_written_by_the_server_is_never_replaced(client, folder):
    (folder / "notes.yaml").write_text("mine: true\n", encoding="utf-8")
    answer = client.post("/api/save", json={"name": "notes", "replace": True})
    assert answer.status_code == 409 and (folder / "notes.yaml").read_text(encoding="utf-8") == "mine: true\n"
    assert "code" not in answer.json()  # nothing to replace: the page shows the reason, never "replace?"
    again = client.post("/api/save", json={"name": "notes"})
    assert again.status_code == 409 and "code" not in again.json()


def test_compare_shows_states_side_by_side(client, session):
    _solve(client, session)
    client.post("/api/save", json={"name": "compare-a", "replace": True})
    answer = client.get("/api/compare?states=compare-a,current&lang=en")
    assert answer.status_code == 200
    table = answer.json()
    assert table["labels"] == ["compare-a", "current"] and table["rows"]
    assert set(table["charts"]) == {"spending", "unmet"} and all("<svg" in s for s in table["charts"].values())
    assert client.get("/api/compare?states=a,b,c,d,e").status_code == 400
    assert client.get("/api/compare?states=nowhere").status_code == 404


def test_a_variant_of_the_file_is_solved_to_be_compared(client, session):
    assert "budget-serre" in client.get("/api/state").json()["saved"]
    table = client.get("/api/compare?states=budget-serre,current").json()
    (objective,) = [row for row in table["rows"] if row["indicator"] == "objective"]
    expected = ppi.solve(ppi.load(session.file, "budget-serre"))
    assert objective["budget-serre"] == pytest.approx(expected.objective, rel=1e-7)


def test_the_token_is_required_when_set(session):
    from starlette.testclient import TestClient

    from serve.app import create_app

    with TestClient(create_app(session, token="s3cret")) as c:
        assert c.get("/api/state").status_code == 403
        assert c.get("/api/state", headers={"X-PPI-Token": "wrong"}).status_code == 403
        assert "token" in c.get("/api/state?token=s3cre").text
        assert c.get("/api/state", headers={"X-PPI-Token": "s3cret"}).status_code == 200
        assert c.get("/api/state?token=s3cret").status_code == 200


def test_paths_stay_inside_the_shipped_assets(client):
    assert client.get("/static/../../ppi.py").status_code == 404
    assert client.get("/static/%2e%2e/session.py").status_code == 404
    assert client.get("/").status_code == 200


def test_a_real_server_answers_and_stops(folder):
    from serve.launch import ServerProcess

    server = ServerProcess(folder / "scenario.yaml")
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.token is None
        with urllib.request.urlopen(server.url + "api/state", timeout=60) as answer:
            state = json.loads(answer.read())
        assert state["status"] == "optimal"
    finally:
        code = server.stop()
    assert code == 0  # Ctrl-C is how it stops


def test_a_server_bound_elsewhere_needs_its_printed_token(folder):
    from serve.launch import ServerProcess

    with ServerProcess(folder / "scenario.yaml", "--host", "127.0.0.2") as server:
        token = server.token
        assert token and server.url.startswith("http://127.0.0.2:") and server.url.endswith(f"?token={token}")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.root + "api/job", timeout=60)
        assert refused.value.code == 403
        refused.value.close()
        request = urllib.request.Request(server.root + "api/job", headers={"X-PPI-Token": token})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["status"] == "done"


def test_a_state_of_a_variant_saved_with_a_budget_factor_is_the_same_scenario(folder):
    """Started on FILE:VARIANT (a variant that scales the envelopes), with an envelope set and every envelope
    scaled again: the saved variant file loads as the very scenario the page solved (envelopes, windows,
    statuses, weights)."""
    from serve.session import Session

    session = Session(f"{folder / 'scenario.yaml'}:budget-serre")
    try:
        session.add_edit({"kind": "envelope", "year": 2030, "value": 10e6})
        session.add_edit({"kind": "scale", "factor": 1.05})
        session.add_edit({"kind": "shift", "project": "creche-gare-sud", "years": 1})
        session.add_edit({"kind": "weight", "demand_kind": "creche", "value": 0.08})
        session.solve()
        assert session.wait(SOLVE_S) and session.current is not None
        saved = session.save("serre-plus")
        loaded = ppi.load(saved["file"], "serre-plus")
        page = session.current.scenario
        assert loaded.envelope == pytest.approx(dict(page.envelope), rel=1e-12)
        assert loaded.envelope[2030] == pytest.approx(10e6 * 1.05)  # set, then scaled: as --budget-scale does
        assert loaded.weight == page.weight
        windows = {p.id: (p.status, p.earliest, p.latest) for p in page.projects}
        assert {p.id: (p.status, p.earliest, p.latest) for p in loaded.projects} == windows
    finally:
        session.close()


def test_the_page_s_own_words_come_from_the_catalogue(client):
    """State.words: the catalogue's `page.*` phrases in the state's language (reports/text.py)."""
    from reports.live import page_words

    french, english = client.get("/api/state").json(), client.get("/api/state?lang=en").json()
    assert french["words"] == page_words("fr") and english["words"] == page_words("en")
    assert french["words"]["recalc"] == "Recalculer" and english["words"]["recalc"] == "Recalculate"
    answer = client.post("/api/edits", json={"kind": "carry", "on": True}, headers={"X-PPI-Lang": "en"})
    assert answer.json()["lang"] == "en" and answer.json()["words"]["recalc"] == "Recalculate"


def test_kinds_carry_their_weight_and_projects_their_quartier_s_name(client, session):
    kinds = {k["id"]: k for k in client.get("/api/state").json()["scenario"]["kinds"]}
    assert {k: v["weight"] for k, v in kinds.items()} == dict(session.base.weight)
    assert kinds["creche"]["name"] == "Crèche"  # worded as the file names it
    state = client.post("/api/edits", json={"kind": "weight", "demand_kind": "creche", "value": 0.5}).json()
    assert {k["id"]: k["weight"] for k in state["scenario"]["kinds"]}["creche"] == 0.5
    names = {d.id: d.name for d in session.base.spec.districts}
    projects = state["scenario"]["projects"]
    assert projects and all(p["quartier_name"] == names[p["quartier"]] for p in projects)
    assert {p["quartier_name"] for p in projects} >= {"Gare – Confluence", "Bois-l'Abbé"}
    planned = state["result"]["projects"]
    assert planned and all(p["quartier_name"] == names[p["quartier"]] for p in planned)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_refusals_of_unknown_charts_and_exports_are_worded(client, lang):
    chart = client.get(f"/api/chart/pie.svg?lang={lang}")
    export = client.get("/api/export/report.pdf", headers={"X-PPI-Lang": lang})
    assert chart.status_code == 404 and export.status_code == 404
    expected = {"fr": ("Aucun graphique « pie »", "Aucun export « report.pdf »"),
                "en": ("There is no chart 'pie'", "There is no export 'report.pdf'")}[lang]  # fmt: skip
    assert chart.text.startswith(expected[0]) and export.text.startswith(expected[1])
    bad = client.post("/api/edits", json={"kind": "scale", "factor": -1}, headers={"X-PPI-Lang": lang})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [ppi.live_words("bad_factor", lang, factor=-1)]
    garbled = client.post("/api/edits", content=b"{nope", headers={"X-PPI-Lang": lang})
    assert garbled.status_code == 400 and garbled.json()["errors"] == [ppi.live_words("body_not_json", lang)]
    listed = client.post("/api/edits", json=[1], headers={"X-PPI-Lang": lang})
    detail = ppi.live_words("edit_object", lang)
    assert listed.status_code == 400 and listed.json()["errors"] == [ppi.live_words("bad_edit", lang, detail=detail)]


def test_a_variant_of_the_file_exports_without_being_compared_first(client, session):
    """A variant of the scenario's file offered in the export list is solved on demand (in the worker)."""
    assert "sans-modulaires" in client.get("/api/state").json()["saved"]
    assert "sans-modulaires" not in session.saved
    page = client.get("/api/export/report.html?state=sans-modulaires&lang=en")
    assert page.status_code == 200 and "<html" in page.text[:500]
    assert session.saved["sans-modulaires"].result.scenario.variant == "sans-modulaires"
    assert client.get("/api/export/report.html?state=nowhere").status_code == 404


def test_the_comparison_is_worded_as_the_comparison_report(client, session):
    """Each row of the comparison carries its figure's name and unit, and its values, as reports/html_compare.py
    words them in the asked language (never the raw "unmet creche, worst year")."""
    from reports.html_base import Fmt
    from reports.html_compare import compared_indicator

    _solve(client, session)
    client.post("/api/save", json={"name": "worded-a", "replace": True})
    shown = {}
    for lang in ("fr", "en"):
        table = client.get(f"/api/compare?states=worded-a,current&lang={lang}").json()
        kinds = list(session.base.kinds)
        for row in table["rows"]:
            label, unit = compared_indicator(row["indicator"], row["unit"], kinds, session.base, Fmt(lang))
            assert (row["label"], row["unit_label"]) == (label, unit)
            assert set(row["texts"]) == {"worded-a", "current"}
        labels = [row["label"] for row in table["rows"]]
        assert not [label for label in labels for k in kinds if f"unmet {k}" in label], labels  # worded kinds
        shown[lang] = labels
    assert len(shown["fr"]) == len(shown["en"]) and shown["fr"] != shown["en"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        ({"kind": "envelope", "year": 2028}, "value", None),
        ({"kind": "envelope", "year": "soon", "value": 1e6}, "year", "int"),
        ({"kind": "envelope", "year": 2028, "value": [1]}, "value", "amount"),
        ({"kind": "scale"}, "factor", None),
        ({"kind": "scale", "factor": "much"}, "factor", "number"),
        ({"kind": "carry", "on": "yes"}, "on", "bool"),
        ({"kind": "force"}, "project", None),
        ({"kind": "exclude", "project": ["a"]}, "project", "text"),
        ({"kind": "window", "project": "mod-mariniers", "earliest": 2027.5}, "earliest", "int"),
        ({"kind": "shift", "project": "mod-mariniers"}, "years", None),
        ({"kind": "weight", "value": 2.0}, "demand_kind", None),
        ({"kind": "set", "path": "budget.carry_over"}, "value", None),
    ],
)
def test_a_malformed_edit_is_worded_from_the_catalogue_and_names_its_field(client, edit, field, expected, lang):
    """A field missing or of another type: the catalogue's sentence in the page's language, naming the field and
    the kind of edit, never a Python error's text (KeyError, "invalid literal for int()")."""
    answer = client.post("/api/edits", json=edit, headers={"X-PPI-Lang": lang})
    assert answer.status_code == 400
    if expected is None:
        detail = ppi.live_words("edit_missing", lang, kind=edit["kind"], field=field)
    else:
        shown = json.dumps(edit[field], ensure_ascii=False)
        detail = ppi.live_words(
            "edit_type", lang, kind=edit["kind"], field=field, expected=ppi.live_words(f"type_{expected}", lang),
            value=shown,
        )  # fmt: skip
    assert answer.json()["errors"] == [ppi.live_words("bad_edit", lang, detail=detail)]
    assert "invalid literal" not in answer.text and "could not convert" not in answer.text
    assert client.get("/api/state").json()["edits"] == []


def _own_variant(folder: Path, name: str, spec: dict) -> Path:
    """A variant file as the server writes them (its first line is the server's mark), beside the scenario."""
    from serve.session import MARK

    path = folder / f"{name}.yaml"
    document = {"extends": "scenario.yaml", "variants": {name: spec}}
    path.write_text(f"{MARK} by a test.\n{json.dumps(document)}\n", encoding="utf-8")
    return path


def test_a_variant_that_does_not_load_is_refused_with_its_problems(client, session, folder):
    path = _own_variant(folder, "ne-charge-pas", {"set": {"budget.annual.2028": -5}})
    try:
        answer = client.get("/api/export/report.html?state=ne-charge-pas&lang=en")
        assert answer.status_code == 400
        errors = answer.json()["errors"]
        assert errors[0] == ppi.live_words("variant_unreadable", "en", name="ne-charge-pas")
        assert any("budget.annual" in e and "greater than or equal to 0" in e for e in errors[1:]), errors
        assert "ne-charge-pas" not in session.saved
    finally:
        path.unlink()


def test_a_variant_whose_solve_is_cancelled_or_crashes_answers_why(client, session):
    """The export of a variant solved on demand whose solve does not end (cancelled from the page, or its worker
    dies) answers the reason, worded, with 409 — not "unknown state"; the variant stays unsolved, and a later
    export solves it."""
    import threading
    import time

    for lang, stop in (("fr", lambda: client.post("/api/cancel")), ("en", lambda: session.worker._process.kill())):
        assert session.wait(SOLVE_S)
        session.saved.pop("priorite-creches", None)
        before = session.worker.job
        answers = []
        url = f"/api/export/report.html?state=priorite-creches&lang={lang}"
        asking = threading.Thread(target=lambda u=url, a=answers: a.append(client.get(u)))
        asking.start()
        deadline = time.monotonic() + SOLVE_S
        while session.worker.job is before and time.monotonic() < deadline:
            time.sleep(0.005)
        stop()
        asking.join(SOLVE_S)
        (answer,) = answers
        assert answer.status_code == 409, answer.text
        (message,) = answer.json()["errors"]
        if lang == "fr":
            assert message == ppi.live_words("variant_cancelled", "fr", name="priorite-creches")
        else:  # why, worded; the exit code is in the server's log only
            crashed = ppi.live_words("reason_crashed", "en")
            assert message == ppi.live_words("variant_failed", "en", name="priorite-creches", detail=crashed)
        assert "priorite-creches" not in session.saved
    assert session.wait(SOLVE_S)
    answer = client.get("/api/export/report.html?state=priorite-creches")
    assert answer.status_code == 200 and "<html" in answer.text[:500]


def test_an_infeasible_variant_exports_its_diagnosis_and_is_not_compared(client, session, folder):
    path = _own_variant(folder, "trop-serre", {"scale_budget": 0.3})
    try:
        answer = client.get("/api/export/report.html?state=trop-serre&lang=en")
        assert answer.status_code == 200 and "<html" in answer.text[:500]
        diagnosis = ppi.diagnosis_dict(session.saved["trop-serre"].diagnosis)
        assert session.saved["trop-serre"].status == "infeasible" and diagnosis
        compared = client.get("/api/compare?states=trop-serre,current&lang=en")
        reason = ppi.live_words("reason_infeasible", "en")
        assert compared.status_code == 409  # the state exists, without a plan: as explain and save answer
        assert compared.json()["errors"] == [ppi.live_words("state_no_plan", "en", name="trop-serre", reason=reason)]
    finally:
        session.saved.pop("trop-serre", None)
        path.unlink()


def test_a_variant_without_a_plan_at_the_time_limit_is_a_state_that_says_why(client, session, folder):
    """A variant solved on demand that reaches the time limit before any plan (no start plan is offered to it):
    its report exports, its chart and its comparison are refused with 409 and the reason, worded."""
    path = _own_variant(folder, "sans-temps", {"scale_budget": 1.0})
    limit = session.options["time_limit"]
    session.options["time_limit"] = 0.0
    try:
        assert client.get("/api/export/report.html?state=sans-temps").status_code == 200
        assert session.saved["sans-temps"].status == "no_solution"
        reason = ppi.live_words("reason_no_solution", "fr")
        expected = [ppi.live_words("state_no_plan", "fr", name="sans-temps", reason=reason)]
        compared = client.get("/api/compare?states=sans-temps,current")
        assert compared.status_code == 409 and compared.json()["errors"] == expected
        chart = client.get("/api/chart/gantt.svg?state=sans-temps")
        assert chart.status_code == 409 and chart.json()["errors"] == expected
    finally:
        session.options["time_limit"] = limit
        session.saved.pop("sans-temps", None)
        path.unlink()


def test_removing_an_edit_removes_the_later_ones_it_made_acceptable_and_says_so(client):
    """A window that only the earlier maturity edit allowed: removing that edit re-applies the others in order,
    keeps those still accepted (ids and order kept) and removes the window, with a notice that names both edits
    and gives the window's refusal (docs/serve-api.md)."""
    mature = client.post("/api/edits", json={"kind": "set", "path": "projects.gs-gare-nord.maturity",
                                             "value": "conception"}).json()["edits"][-1]  # fmt: skip
    window = client.post("/api/edits", json={"kind": "window", "project": "gs-gare-nord", "earliest": 2026})
    assert window.status_code == 200, window.text
    window = window.json()["edits"][-1]
    state = client.post("/api/edits", json={"kind": "envelope", "year": 2029, "value": 9e6}).json()
    envelope = state["edits"][-1]
    assert client.post("/api/edits", json={"kind": "window", "project": "gs-gare-nord", "earliest": 2027}).json()
    state = client.get("/api/state").json()
    assert [e["kind"] for e in state["edits"]] == ["set", "window", "envelope", "window"]
    answer = client.delete(f"/api/edits/{mature['id']}", headers={"X-PPI-Lang": "en"})
    assert answer.status_code == 200, answer.text
    state = answer.json()
    assert [e["id"] for e in state["edits"]] == [envelope["id"]]
    assert state["edits"][0]["set"] == envelope["set"] and "maturity" not in state["command"]
    labels = {e["id"]: ppi.live_edit_label(e, ppi.load(ROOT / "scenarios/exemple-ville/scenario.yaml"), "en")
              for e in (mature, window)}  # fmt: skip
    assert len(state["notices"]) == 2 and all(labels[mature["id"]] in n for n in state["notices"])
    assert state["notices"][0].startswith(f"'{labels[window['id']]}' is removed too: without '{labels[mature['id']]}'")
    assert "cannot start before 2028" in state["notices"][0]
    again = client.post("/api/edits", json={"kind": "carry", "on": True}).json()["edits"][-1]
    answer = client.delete(f"/api/edits/{again['id']}").json()
    assert answer["notices"] == [] and [e["id"] for e in answer["edits"]] == [envelope["id"]]
