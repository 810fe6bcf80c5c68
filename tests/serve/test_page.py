"""The live arbitration page (serve/static/) in a real Chromium, driven by Playwright, against a real
`ppi serve` started as a subprocess on a copy of Exemple-Ville: the page shows the plan (key figures, the four
charts, the projects table), its edits re-solve to the plan `ppi.solve(ppi.derive(...))` gives, a bad edit
shows the server's message and changes nothing, an infeasible state shows its diagnosis with remedies to
apply, a saved variant is solved again by the command line to the same objective, two states are compared,
the exports open, "Pourquoi ?" shows a project's values, and the English switch changes the words.

The tests share one server and run in order (each starts from its own edits, cleared first); they solve as
little as they can: each solve of Exemple-Ville takes one to two seconds.

`python -m tests.serve.test_page` writes docs/images/serve.png, the README's screenshot of the page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from models.plan import OPTIMALITY_GAP
from serve.launch import ServerProcess
from tests.browser import browser_required, find_browser, require_browser

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "scenarios" / "exemple-ville"
STATIC = REPO / "serve" / "static"
SCREENSHOT = REPO / "docs" / "images" / "serve.png"
# Seconds: the server solves the base before it prints its address; a solve, a diagnosis or a project's
# explain values on a shared 2-core machine. Only limits of waiting, never assertions on speed.
START_TIMEOUT_S = 120.0
JOB_TIMEOUT_MS = 120_000
REL_TOL = 1e-9  # the same solve (same model, same start, same engine) gives the same objective


# ---------------------------------------------------------------------------------------------- the server


class Server(ServerProcess):
    """`python cli.py serve FOLDER/scenario.yaml --port 0` (FOLDER relative to the repository or absolute,
    serve/launch.py), its output in `logs`; its printed address and the page's calls to it."""

    def __init__(self, folder: Path, logs: Path, host: str | None = None) -> None:
        self.folder = REPO / folder
        super().__init__(folder / "scenario.yaml", *(["--host", host] if host else []), logs=logs,
                         start_timeout=START_TIMEOUT_S)  # fmt: skip

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def copy_example(folder: Path) -> Path:
    """Exemple-Ville copied into `folder`: the variant files the page saves land there, never in the repo."""
    target = folder / "exemple-ville"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def launch(playwright: Any, browser_path: str) -> Any:
    # The browser resolves no host name: nothing can load from the network (the page ships everything).
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2",
    ]
    return playwright.chromium.launch(executable_path=browser_path, args=args)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def browser_path() -> str:
    path = require_browser()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        message = "playwright is not installed (`pip install playwright`; it drives the system's Chromium)"
        if browser_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def server(browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    scratch = tmp_path_factory.mktemp("serve")
    running = Server(copy_example(scratch), scratch)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser(browser_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright, browser_path)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    """The page on a server whose edits were cleared; a script error of the page, or a request anywhere but
    to its server, fails the test."""
    status, _ = server.api("POST", "/api/edits/clear")
    assert status == 200
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    origin = server.url.split("?")[0].rstrip("/")
    outside: list[str] = []
    tab.on("request", lambda r: None if r.url.startswith((origin + "/", "blob:", "data:")) else outside.append(r.url))
    tab.goto(server.url)
    tab.wait_for_selector("body[data-ready='1']")
    wait_idle(tab)
    yield tab
    context.close()
    assert not errors, f"the page's script failed: {errors}"
    assert not outside, f"the page asked for things outside its server: {outside}"


# ---------------------------------------------------------------------------------------------- helpers


def wait_idle(page: Any) -> None:
    """Until no solve or explain runs and the page shows the state it read after it."""
    page.wait_for_function(
        "() => document.body.dataset.ready === '1' && document.body.dataset.status !== 'solving'"
        " && document.getElementById('solve').disabled === false",
        timeout=JOB_TIMEOUT_MS,
    )


def recalc(page: Any) -> None:
    """Click "Recalculer" and wait until the page shows the state its solve ended with."""
    before = page.evaluate("() => document.body.dataset.job")
    page.click("#solve")
    page.wait_for_function(
        "before => document.body.dataset.job !== before && document.body.dataset.jobStatus !== 'running'",
        arg=before,
        timeout=JOB_TIMEOUT_MS,
    )
    wait_idle(page)


def figure(page: Any, key: str) -> float:
    return float(page.get_attribute(f"#kpis [data-key='{key}']", "data-value"))


def edit_count(page: Any) -> int:
    return page.locator("#edits li[data-id]").count()


def cheapest_left_out(server: Server) -> str:
    """The cheapest candidate project the current plan leaves out."""
    _, state = server.api("GET", "/api/state")
    rows = [p for p in state["result"]["projects"] if not p["chosen"] and p["status"] == "candidate"]
    return min(rows, key=lambda p: (p["cost"], p["id"]))["id"]


def shown_starts(page: Any) -> dict[str, int | None]:
    """Each project's start year as the projects table shows it (None: not in the plan)."""
    rows = page.locator("#projects-table tbody tr[data-id]").all()
    return {r.get_attribute("data-id"): int(r.get_attribute("data-start") or 0) or None for r in rows}


def solved(folder: Path, sets: list[str], start: dict[str, int | None]) -> Any:
    """The library's solve of the scenario with `sets`, offered the plan shown before as its start, as
    "Recalculer" offers it (the projects that can still start where they did)."""
    import ppi

    scenario = ppi.derive(ppi.load(folder / "scenario.yaml"), set=sets)
    offered = {p: s for p, s in start.items() if p not in ppi.unstartable(scenario, start)}
    return ppi.solve(scenario, start=offered)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


# ---------------------------------------------------------------------------------------------- the words


def test_the_page_has_no_word_list_of_its_own() -> None:
    """The page's labels come from the one catalogue (State.words, tests/reports/test_text.py checks them)."""
    source = (STATIC / "app.js").read_text(encoding="utf-8")
    assert "const WORDS" not in source and "Recalculer" not in source and "app.words" in source


def test_the_page_loads_nothing_from_outside() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") or s.startswith("data:") for s in sources), sources
    for name in ("app.js", "app.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{name} names an outside address"


# ---------------------------------------------------------------------------------------------- the page


@pytest.mark.slow
def test_page_shows_the_plan(page: Any, server: Server) -> None:
    _, state = server.api("GET", "/api/state")
    result = state["result"]
    assert state["status"] == "optimal"
    assert page.inner_text("#status") == "Plan optimal"
    objective = figure(page, "objective")
    assert objective == pytest.approx(result["objective"], rel=REL_TOL)
    shown = page.inner_text("#kpis [data-key='objective']")
    assert re.fullmatch(r"\d[\d\u202f]*,\d\d", shown), shown  # French: a decimal comma, two decimals
    assert "M€" in page.inner_text("#kpis [data-key='city_cost']")
    # The objective's parts add up to it.
    parts = [
        float(v) for v in page.eval_on_selector_all("#parts [data-key='part']", "e => e.map(x => x.dataset.value)")
    ]
    assert len(parts) >= 2 and sum(parts) == pytest.approx(objective, rel=1e-6)
    # The four charts, drawn.
    for name in ("spending", "unmet", "heatmap", "gantt"):
        page.wait_for_function(
            f"() => {{ const i = document.querySelector('figure[data-chart={name}] img');"
            " return i && i.complete && i.naturalWidth > 100; }"
        )
    # Every project, chosen or not, with its start for the chosen ones.
    rows = page.locator("#projects-table tbody tr[data-id]")
    assert rows.count() == len(state["scenario"]["projects"])
    for p in result["projects"]:
        row = page.locator(f"#projects-table tbody tr[data-id='{p['id']}']")
        assert row.get_attribute("data-chosen") == ("1" if p["chosen"] else "0")
        assert row.get_attribute("data-start") == ("" if p["start"] is None else str(p["start"]))
    # Sorting by cost, then the other way.
    page.click("#projects-table th[data-col='cost'] button")
    first = page.get_attribute("#projects-table tbody tr[data-id]", "data-id")
    assert first == min(result["projects"], key=lambda p: p["cost"])["id"]
    assert page.get_attribute("#projects-table th[data-col='cost']", "aria-sort") == "ascending"
    page.click("#projects-table th[data-col='cost'] button")
    first = page.get_attribute("#projects-table tbody tr[data-id]", "data-id")
    assert first == max(result["projects"], key=lambda p: p["cost"])["id"]
    # A committed operation (coup parti) is not edited; a candidate is.
    committed = next(p["id"] for p in result["projects"] if p["status"] == "committed")
    assert page.locator(f"tr[data-id='{committed}'] button[data-action]").all_inner_texts() == ["Pourquoi\u00a0?"]
    candidate = cheapest_left_out(server)
    actions = page.locator(f"tr[data-id='{candidate}'] button[data-action]").evaluate_all(
        "e => e.map(x => x.dataset.action)"
    )
    assert actions == ["force", "exclude", "earlier", "later", "window", "why"]
    # Every control has a name a screen reader says: its text, its label or its aria-label.
    nameless = page.evaluate(
        """() => [...document.querySelectorAll('button, input, select, progress, a.button')]
        .filter(e => !(e.textContent.trim() || e.getAttribute('aria-label') || (e.labels && e.labels.length)))
        .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert nameless == []
    # Quartiers by their names, kinds' weights filled in from the scenario.
    names = {p["id"]: p["quartier_name"] for p in state["scenario"]["projects"]}
    assert page.inner_text(f"tr[data-id='{committed}'] td[data-quartier]") == names[committed]
    assert names[committed] != next(p["quartier"] for p in state["scenario"]["projects"] if p["id"] == committed)
    for kind in state["scenario"]["kinds"]:
        typed = page.input_value(f"#weight-{kind['id']}").replace(",", ".")
        assert typed and float(typed) == pytest.approx(kind["weight"])
    # The command line of the base state, and no edit.
    assert page.inner_text("#command").startswith("ppi solve ")
    assert edit_count(page) == 0


@pytest.mark.slow
def test_numbers_are_written_as_the_reports_write_them(page: Any) -> None:
    """The page's numbers and M€ are the reports' (reports/html_base.py `Fmt`), in both languages, and so is
    its French typography."""
    from reports.html_base import Fmt

    # Ties rounded to even as Python does (1234.5 → 1234, 1.25 → 1.2), near-ties as their binary value (2.675).
    values = [
        0.0,
        -0.04,
        0.5,
        1.25,
        2.675,
        7.0,
        1234.5,
        1235.5,
        -98765.4321,
        1996.91,
        12_345_678.9,
        86_530_000.0,
        -2.5e6,
        1e9,
    ]
    for lang in ("fr", "en"):
        fmt = Fmt(lang)
        shown = page.evaluate(
            """([values, lang]) => { const old = app.lang; app.lang = lang;
            const out = values.map(x => [num(x, 0), num(x, 1), num(x, 2), meur(x)]); app.lang = old; return out; }""",
            [values, lang],
        )
        expected = [[fmt.num(x, 0), fmt.num(x, 1), fmt.num(x, 2), fmt.meur(x, 1)] for x in values]
        assert shown == expected
    # French typography as the reports set it: no line starts with ":", "?" or ";".
    words = page.evaluate("() => app.words")  # the catalogue's page.* words, sent by the server
    assert words["why"] == "Pourquoi\u00a0?" and words["target"] == "Scénario\u00a0: {target}"
    assert not [k for k, v in words.items() if re.search(r" [:?!;»]|« ", v)]


@pytest.mark.slow
def test_envelope_and_forced_project_resolve_as_the_api(page: Any, server: Server) -> None:
    project = cheapest_left_out(server)
    before = figure(page, "objective")
    page.fill("#env-2028", "9,5")
    page.press("#env-2028", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 1")
    page.click(f"#projects-table tr[data-id='{project}'] button[data-action='force']")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 2")
    assert page.is_visible("#pending")  # edits not solved yet
    command = page.inner_text("#command")
    assert "budget.annual.2028=" in command and f"projects.{project}.status=mandatory" in command
    # "Recalculer": the buttons are disabled while it runs.
    page.evaluate(
        "() => { window.disabledSeen = false; new MutationObserver(() => {"
        " if (document.getElementById('solve').disabled) window.disabledSeen = true; })"
        ".observe(document.getElementById('solve'), {attributes: true}); }"
    )
    start = shown_starts(page)
    recalc(page)
    assert page.evaluate("() => window.disabledSeen")
    assert not page.is_visible("#pending")
    expected = solved(server.folder, ["budget.annual.2028=9500000", f"projects.{project}.status=mandatory"], start)
    assert figure(page, "objective") == pytest.approx(expected.objective, rel=REL_TOL)
    row = page.locator(f"#projects-table tr[data-id='{project}']")
    assert row.get_attribute("data-chosen") == "1"
    assert row.get_attribute("data-start") == str(expected.starts[project])
    assert shown_starts(page) == dict(expected.starts)
    # What changed against the previous state: the forced project entered.
    assert page.is_visible("#changes")
    assert page.locator(f"#changes [data-key='entered'] li[data-id='{project}']").count() == 1
    assert page.locator("#changes table.changes-spending tbody tr").count() >= 10
    assert figure(page, "objective") >= before - 1e-9  # a forced project and less money never help
    # An edit is removed with one click and the command follows.
    page.click("#edits li[data-id] button.remove >> nth=0")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 1")
    assert "budget.annual.2028=" not in page.inner_text("#command")


@pytest.mark.slow
def test_a_bad_edit_shows_the_servers_message_and_changes_nothing(page: Any, server: Server) -> None:
    from reports.text import TEXT

    command = page.inner_text("#command")
    page.fill("#env-2027", "-1")
    page.press("#env-2027", "Enter")
    page.wait_for_selector("#err-envelope p")
    message = page.inner_text("#err-envelope")
    assert "budget.annual.2027" in message, message
    assert edit_count(page) == 0 and page.inner_text("#command") == command
    # An edit of a window outside the horizon, in the project's own row.
    project = cheapest_left_out(server)
    page.click(f"#projects-table tr[data-id='{project}'] button[data-action='window']")
    page.fill("#win-earliest", "2090")
    page.fill("#win-latest", "2091")
    page.click("tr.window-editor button")
    page.wait_for_selector("#err-window p")
    assert page.inner_text("#err-window").strip()
    assert edit_count(page) == 0
    # A weight that is not a number, and transfers in a scenario without their block.
    page.fill("#weight-creche", "beaucoup")
    page.press("#weight-creche", "Enter")
    page.wait_for_selector("#err-weight p")
    assert "demand_kinds.creche.weight" in page.inner_text("#err-weight")
    page.click("#transfers-on")
    page.wait_for_selector("#err-transfers p")
    assert page.inner_text("#err-transfers") == TEXT["fr"]["live.no_transfers"]
    assert edit_count(page) == 0 and page.inner_text("#command") == command


@pytest.mark.slow
def test_removing_an_edit_shows_which_later_edit_went_with_it(page: Any, server: Server) -> None:
    """A window only an earlier maturity edit allows: removing the maturity edit removes the window too, and the
    page shows the server's notice under the edits (docs/serve-api.md)."""
    status, _ = server.api("POST", "/api/edits", {"kind": "set", "path": "projects.gs-gare-nord.maturity",
                                                  "value": "conception"})  # fmt: skip
    assert status == 200
    status, _ = server.api("POST", "/api/edits", {"kind": "window", "project": "gs-gare-nord", "earliest": 2026})
    assert status == 200
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 2")
    page.click("#edits li[data-id] button.remove >> nth=0")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 0")
    page.wait_for_selector("#err-edits p")
    notice = page.inner_text("#err-edits")
    assert "est retirée aussi" in notice and "ne peut pas démarrer avant 2028" in notice, notice
    assert "gs-gare-nord" not in page.inner_text("#command")


@pytest.mark.slow
def test_busy_server_refuses_a_second_solve_with_its_message(page: Any, server: Server) -> None:
    from reports.text import TEXT

    status, _ = server.api("POST", "/api/solve")  # a solve started elsewhere (another window)
    assert status == 202
    page.click("#solve")
    page.wait_for_function("() => document.getElementById('bar-message').textContent.length > 0")
    assert page.inner_text("#bar-message") == TEXT["fr"]["live.busy"]
    wait_idle(page)
    assert page.inner_text("#status") == "Plan optimal"


@pytest.mark.slow
def test_an_infeasible_state_shows_its_diagnosis_and_remedies(page: Any, server: Server) -> None:
    from reports.text import TEXT

    page.fill("#scale", "5")
    page.click("#scale-apply")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 1")
    recalc(page)
    assert page.get_attribute("#status", "data-status") == "infeasible"
    assert page.is_visible("#diagnostic")
    assert page.locator("#findings li").count() >= 1
    remedies = page.locator("#remedies li")
    assert remedies.count() >= 1
    assert remedies.nth(0).locator("button").inner_text() == "Appliquer"
    # No plan, no "why": the refusal is told under the project's row.
    _, state = server.api("GET", "/api/state")
    project = next(p["id"] for p in state["scenario"]["projects"] if p["status"] == "candidate")
    page.click(f"#projects-table tr[data-id='{project}'] button[data-action='why']")
    page.wait_for_selector(f"tr.row-error[data-for='{project}'] .err p")
    reason = TEXT["fr"]["live.reason_infeasible"]
    refusal = TEXT["fr"]["live.state_no_plan"].format(name=TEXT["fr"]["live.current"], reason=reason)
    assert page.inner_text(f"#err-row-{project}") == refusal
    page.click("#remedies li >> nth=0 >> button")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length > 1")
    assert "budget.annual" in page.inner_text("#command")


@pytest.mark.slow
def test_save_compare_and_export(page: Any, server: Server, tmp_path: Path) -> None:
    name = "seance-page"
    page.fill("#env-2029", "9")
    page.press("#env-2029", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 1")
    recalc(page)
    objective = figure(page, "objective")
    page.fill("#save-name", name)
    page.click("#save-go")
    page.wait_for_function("() => document.getElementById('save-done').textContent.length > 0")
    variant = server.folder / f"{name}.yaml"
    assert variant.is_file()
    assert f"{name}.yaml:{name}" in page.inner_text("#save-done")
    # Saving again under the name asks first, and replaces only when told.
    page.click("#save-go")
    page.wait_for_selector("#save-confirm:not([hidden])")
    assert name in page.inner_text("#save-confirm-text")
    page.click("#save-replace")
    page.wait_for_selector("#save-confirm", state="hidden")
    page.wait_for_function("() => document.getElementById('save-done').textContent.length > 0")
    # A name the server may not write (one of the scenario's own variants): its reason, never "replace?".
    page.fill("#save-name", "budget-serre")
    page.click("#save-go")
    page.wait_for_function("() => document.getElementById('err-save').textContent.length > 0")
    assert page.is_hidden("#save-confirm")
    # The command line solves the saved variant to the same objective.
    out = tmp_path / "solved"
    run = subprocess.run(
        [sys.executable, "cli.py", "solve", f"{variant}:{name}", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    # The command line starts from nothing, the page from its previous plan: both stop within the solver's
    # optimality gap of the same optimum.
    assert plan["objective"] == pytest.approx(objective, rel=OPTIMALITY_GAP)
    # Two states side by side: the charts on the same axes and the table, one column per state.
    page.check("#compare-choices input[value='current']")
    page.check(f"#compare-choices input[value='{name}']")
    page.click("#compare-go")
    page.wait_for_selector("#compare-body table.compare")
    heads = page.locator("#compare-body table.compare thead th").all_inner_texts()
    assert heads[2:] == ["état actuel", name]  # after the figure and its unit
    # Worded as the comparison report words them, in French: no raw indicator ("unmet creche, worst year").
    figures = page.locator("#compare-body table.compare tbody tr td:first-child").all_inner_texts()
    kinds = [k["id"] for k in server.api("GET", "/api/state")[1]["scenario"]["kinds"]]
    assert figures and not [f for f in figures for k in kinds if f"unmet {k}" in f or "worst year" in f], figures
    assert page.locator("#compare-body figure.chart img").count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('#compare-body img')].every(i => i.complete && i.naturalWidth > 100)"
    )
    # A variant of the scenario's file joins them: the server solves it first, the page says so meanwhile.
    _, state = server.api("GET", "/api/state")
    variant_of_file = next(v for v in state["saved"] if v != name)
    page.check(f"#compare-choices input[value='{variant_of_file}']")
    page.click("#compare-go")
    assert page.is_disabled("#compare-go")
    page.wait_for_selector("#compare-body table.compare", timeout=JOB_TIMEOUT_MS)
    heads = page.locator("#compare-body table.compare thead th").all_inner_texts()
    assert heads[2] == "état actuel" and sorted(heads[3:]) == sorted([name, variant_of_file])
    # Four states at most.
    for extra in [v for v in state["saved"] if v not in (name, variant_of_file)][:1] + ["previous"]:
        page.check(f"#compare-choices input[value='{extra}']")
    page.click("#compare-go")
    assert page.inner_text("#err-compare") == "Choisissez de deux à quatre états."
    # The exports of the saved state download and open.
    page.select_option("#export-state", name)
    with page.expect_download() as download:
        page.click("#export-xlsx")
    workbook_path = tmp_path / "report.xlsx"
    download.value.save_as(workbook_path)
    import openpyxl

    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    assert len(workbook.sheetnames) >= 2
    workbook.close()
    with page.expect_download() as download:
        page.click("#export-html")
    html_path = tmp_path / "report.html"
    download.value.save_as(html_path)
    tags = Tags()
    tags.feed(html_path.read_text(encoding="utf-8"))
    assert "svg" in tags.tags and "table" in tags.tags and tags.title
    variant.unlink()


@pytest.mark.slow
def test_cancel_stops_a_running_job_and_keeps_the_state(page: Any, server: Server) -> None:
    """A project's explain values take several solves: "Annuler" while they run, the progress shown, stops
    them; the plan shown stays."""
    from reports.text import TEXT

    objective = figure(page, "objective")
    project = cheapest_left_out(server)
    page.click(f"#projects-table tr[data-id='{project}'] button[data-action='why']")
    page.wait_for_selector("#progress:not([hidden])")
    assert page.is_disabled("#solve") and page.is_enabled("#cancel")
    page.click("#cancel")
    page.wait_for_function("() => document.body.dataset.jobStatus === 'cancelled'", timeout=JOB_TIMEOUT_MS)
    wait_idle(page)
    assert page.inner_text("#bar-message") == TEXT["fr"]["live.cancelled"]
    assert figure(page, "objective") == objective
    assert page.is_hidden("#progress")


@pytest.mark.slow
def test_why_shows_a_projects_values(page: Any, server: Server) -> None:
    project = cheapest_left_out(server)
    page.click(f"#projects-table tr[data-id='{project}'] button[data-action='why']")
    page.wait_for_selector(f"#why[data-project='{project}'] table.why-values", timeout=JOB_TIMEOUT_MS)
    wait_idle(page)
    assert "Pourquoi" in page.inner_text("#why-title")
    deltas = page.locator("#why [data-key^='delta.']")
    assert deltas.count() >= 1


@pytest.mark.slow
def test_english_switch(page: Any, server: Server) -> None:
    assert page.inner_text("#synthese h2") == "Synthèse"
    page.click("#lang-switch")
    page.wait_for_function("() => document.documentElement.lang === 'en' && document.body.dataset.ready === '1'")
    page.wait_for_function("() => document.getElementById('status').textContent === 'Optimal plan'")
    assert page.inner_text("#synthese h2") == "Summary"
    assert page.inner_text("#solve") == "Recalculate"
    # The server's words too: the key figures' labels come in English.
    page.wait_for_function("() => document.querySelector('#kpis .kpi .label') !== null")
    labels = page.locator("#kpis .label").all_inner_texts()
    assert any(label.startswith("Projects chosen") for label in labels), labels
    shown = page.inner_text("#kpis [data-key='objective']")
    assert re.fullmatch(r"\d[\d,]*\.\d\d", shown), shown  # English: a decimal point


@pytest.mark.slow
def test_page_carries_the_token_of_a_server_bound_elsewhere(
    browser: Any, browser_path: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Bound to another address than localhost (127.0.0.2, still this machine), the server prints an address
    with a token: the page opened there sends it on every call (state, charts, exports); without it, 403."""
    scratch = tmp_path_factory.mktemp("serve-token")
    guarded = Server(copy_example(scratch), scratch, host="127.0.0.2")
    try:
        assert "?token=" in guarded.url
        bare = guarded.url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bare + "api/state", timeout=60)
        assert refused.value.code == 403
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        tab = context.new_page()
        tab.goto(guarded.url)
        tab.wait_for_selector("body[data-ready='1']")
        wait_idle(tab)
        assert tab.get_attribute("#status", "data-status") == "optimal"
        tab.wait_for_function(
            "() => [...document.querySelectorAll('#graphiques img')].every(i => i.complete && i.naturalWidth > 100)"
        )
        with tab.expect_download() as download:
            tab.click("#export-html")
        assert download.value.failure() is None
        assert "<html" in Path(download.value.path()).read_text(encoding="utf-8")[:500]
        context.close()
    finally:
        guarded.stop()


# ---------------------------------------------------------------------------------------------- the screenshot


def write_screenshot(path: Path = SCREENSHOT) -> Path:
    """The page on the shipped Exemple-Ville after one edit and "Recalculer", as the README shows it (nothing
    is saved: the scenario's folder is left as it is)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    browser_path = find_browser()
    if browser_path is None:
        raise SystemExit("no Chromium found")
    with tempfile.TemporaryDirectory() as scratch:
        server = Server(EXAMPLE.relative_to(REPO), Path(scratch))
        try:
            with sync_playwright() as playwright:
                chromium = launch(playwright, browser_path)
                tab = chromium.new_page(viewport={"width": 1500, "height": 1050}, device_scale_factor=1)
                tab.goto(server.url)
                tab.wait_for_selector("body[data-ready='1']")
                wait_idle(tab)
                tab.fill("#env-2028", "9,5")
                tab.press("#env-2028", "Enter")
                tab.wait_for_function("() => document.querySelectorAll('#edits li[data-id]').length === 1")
                recalc(tab)
                tab.wait_for_function(
                    "() => [...document.querySelectorAll('#graphiques img')].every(i => i.complete && i.naturalWidth)"
                )
                path.parent.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(path))
                chromium.close()
        finally:
            server.stop()
    return path


if __name__ == "__main__":
    print(write_screenshot())
