"""`ppi explain`: why each project is in or out, the value of one more M€ a year, what holds the plan.

A scenario small enough to work out by hand: one district needing 2 classes a year (2026–2028), 1 M€ a year.
p1 (1 class, 1 M€, any year), p2 (1 class, 1 M€, from 2027), big (2 classes, 1.5 M€: above any year's
envelope). The optimum starts p1 in 2026 and p2 in 2027: unmet 1 + 0 + 0 = 1.
- big forced in: no plan (1.5 M€ in one year);
- p1 dropped: p2 alone from 2027: 2 + 1 + 1 = 4 (+3); deferred: p1 and p2 in 2027 and 2028: 2 + 1 + 0 = 3 (+2);
- p2 dropped: p1 alone: 1 + 1 + 1 = 3 (+2); deferred to 2028: 1 + 1 + 0 = 2 (+1);
- one more M€ in 2026: big in 2026 covers everything: 0 (gain 1); in 2027 or 2028: no better plan (gain 0).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from analysis.explain import explain
from models import load_scenario
from models.plan import Status
from reports.words import explanation_to_dict, format_explanation
from results.record import plan_to_dict
from solver import solve
from tests.helpers import make_scenario_dict, project, rows, run_cli, saved

EXAMPLE = "scenarios/exemple-ville/scenario.yaml"


def _small(tmp_path: Path) -> Path:
    data = make_scenario_dict(
        demand=rows({2026: 2, 2027: 2, 2028: 2}),
        envelope=1e6,
        projects=[
            project("p1"),
            project("p2", earliest_start=2027),
            project("big", capacity={"classes": 2}, cost=1.5e6),
        ],
    )
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _explained(tmp, write):
    """(path, scenario, plan, explanation) of the scenario `write(tmp)` writes, explained on one worker."""
    path = write(tmp)
    scenario = load_scenario(path)
    plan = plan_to_dict(scenario, solve(scenario))
    return path, scenario, plan, explain(scenario, plan, tmp / "out", workers=1)


@pytest.fixture(scope="module")
def small_explained(tmp_path_factory):
    return _explained(tmp_path_factory.mktemp("explain"), _small)


def _row(e, pid: str, change: str):
    return next(w for w in e.projects if w.project == pid and w.change == change)


def test_hand_computed_project_values(small_explained):
    _, _, plan, e = small_explained
    assert plan["objective"] == pytest.approx(1.0)
    assert {(w.project, w.change) for w in e.projects} == {
        ("big", "force_in"),
        ("p1", "drop"),
        ("p1", "defer"),
        ("p2", "drop"),
        ("p2", "defer"),
    }
    big = _row(e, "big", "force_in")
    assert big.status == "infeasible" and big.delta is None and big.displaced == big.added == big.moved == ()
    assert big.note == ("too_big", {"year": 2026, "need": 1.5, "envelope": 1.0})  # why, in budget words
    assert _row(e, "p1", "drop").delta == pytest.approx(3.0)
    assert _row(e, "p1", "defer").delta == pytest.approx(2.0)
    assert _row(e, "p1", "defer").new_start in (2027, 2028)  # p1 2027 + p2 2028, or p2 2027 + p1 2028: both 3
    assert _row(e, "p2", "drop").delta == pytest.approx(2.0)
    assert _row(e, "p2", "defer").delta == pytest.approx(1.0)
    assert _row(e, "p2", "defer").new_start == 2028
    assert _row(e, "p1", "drop").moved == ()  # p2 stays in 2027 (its earliest year)


def test_hand_computed_budget_values(small_explained):
    _, _, _, e = small_explained
    by_year = {b.year: b for b in e.budget}
    assert by_year[2026].gain == pytest.approx(1.0) and by_year[2026].binding
    assert by_year[2026].unmet_removed == {"classes": pytest.approx(1.0)}
    assert by_year[2027].gain == pytest.approx(0.0) and not by_year[2027].binding and by_year[2027].at_limit
    assert by_year[2028].margin == pytest.approx(1e6) and not by_year[2028].at_limit


def test_what_holds_the_plan(small_explained):
    _, _, _, e = small_explained
    kinds = [(b["kind"], b.get("year"), b.get("project")) for b in e.binding]
    assert ("budget_year", 2026, None) in kinds and ("budget_year", 2027, None) in kinds
    assert ("window_earliest", 2027, "p2") in kinds
    assert all(b["kind"] != "budget_year" or b["year"] != 2028 for b in e.binding)
    text = format_explanation(e)
    assert "p2 starts in 2027, the earliest year its window allows" in text
    assert "[budget[2026]]" in text


def test_forcing_in_changes_the_objective_by_exactly_the_reported_amount(tmp_path):
    # On the example: every project left out, forced in by hand, must move the optimum by the reported delta.
    scenario = load_scenario(EXAMPLE)
    plan = plan_to_dict(scenario, solve(scenario))
    left = [p["id"] for p in plan["projects"] if p["start"] is None and scenario.project[p["id"]].status == "candidate"]
    assert len(left) >= 3
    chosen = next(
        p["id"] for p in plan["projects"] if p["start"] is not None and scenario.project[p["id"]].status == "candidate"
    )
    e = explain(scenario, plan, tmp_path / "out", projects=(*left[:3], chosen), budget=False, workers=2)
    checked = 0
    for w in e.projects:
        if w.delta is None:
            continue
        edit = {"force_in": "mandatory", "drop": "excluded"}.get(w.change)
        if edit is None:
            continue
        changed = solve(load_scenario(EXAMPLE, overrides=(f"projects.{w.project}.status={edit}",)))
        assert changed.status == Status.OPTIMAL
        assert changed.objective - plan["objective"] == pytest.approx(w.delta, abs=1e-6), w
        checked += 1
    assert checked >= 3


def test_budget_value_is_the_difference_of_two_optima(small_explained):
    path, _, plan, e = small_explained
    for b in e.budget:
        more = solve(load_scenario(path, overrides=(f"budget.annual.{b.year}={1e6 + 1e6:.0f}",)))
        assert plan["objective"] - more.objective == pytest.approx(b.gain, abs=1e-9)


def test_unknown_project_is_refused(small_explained, tmp_path):
    _, scenario, plan, _ = small_explained
    with pytest.raises(ValueError, match="unknown project 'nope'"):
        explain(scenario, plan, tmp_path / "x", projects=("nope",), workers=1)


# ------------------------------------------------------------------------------------------------- CLI


def test_cli_explain_writes_tables_and_reports(tmp_path):
    path = _small(tmp_path)
    out = tmp_path / "why"
    r = run_cli("explain", path, "--out", out, "--workers", "1", "--report", "html,xlsx")
    assert r.returncode == 0, r.stderr
    assert "Projects left out" in r.stdout
    assert "big: infeasible (no plan can include it: in 2026 it alone needs 1.50 M€" in r.stdout
    assert re.search(r"p1 \(starts 2026\): dropped \+3\.000; deferred to 202[78] \+2\.000", r.stdout)
    expected = "2026: 1.000 (unmet removed: classes 1); margin 0.00 M€, envelope used up; one more M€ improves the plan"
    assert expected in r.stdout
    data = json.loads((out / "explain.json").read_text(encoding="utf-8"))
    assert data["format"] == "ppi-explain/1"
    assert {(p["project"], p["change"]) for p in data["projects"]} >= {("p1", "drop"), ("big", "force_in")}
    assert (out / "projects.csv").exists() and (out / "budget.csv").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Pourquoi ce plan ?" in html
    assert "p2 démarre en 2027, la première année que permet sa fenêtre" in html
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert "Pourquoi ce plan" in wb.sheetnames and "Valeur du budget" in wb.sheetnames
    sheet = wb["Pourquoi ce plan"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_col=5)]
    assert ["p1", 2026, "abandonné", "optimal", 3.0] in [[*v[:4], round(v[4], 6) if v[4] else v[4]] for v in values]

    again = run_cli("explain", path, "--out", out, "--workers", "1", "--report", "html,xlsx")
    assert again.returncode == 0, again.stderr  # the same run resumes from its saved re-solves
    other = run_cli("explain", path, "--out", out, "--project", "p1")
    assert other.returncode == 1 and "holds the results of another explain run" in other.stderr
    assert "Traceback" not in other.stderr


def test_cli_explain_a_saved_plan_and_report_it_in_english(tmp_path):
    path = _small(tmp_path)
    solved = run_cli("solve", path, "--out", tmp_path / "plan", "--quiet")
    assert solved.returncode == 0, solved.stderr
    out = tmp_path / "why"
    r = run_cli("explain", tmp_path / "plan", "--out", out, "--project", "p2", "--no-budget", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "p2 (starts 2027): dropped +2.000; deferred to 2028 +1.000" in r.stdout
    assert "Value of one more M€" not in r.stdout
    rep = run_cli("report", out, "--lang", "en")
    assert rep.returncode == 0, rep.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Why this plan?" in html and "Deferred one year: change" in html


def test_cli_explain_unknown_project_and_infeasible_plan(tmp_path):
    path = _small(tmp_path)
    r = run_cli("explain", path, "--project", "nope", "--out", tmp_path / "x")
    assert r.returncode == 1 and "unknown project 'nope'" in r.stderr
    data = make_scenario_dict(projects=[project("a", cost=12e6, status="committed", start=2026)])
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    r = run_cli("explain", bad, "--out", tmp_path / "y")
    assert r.returncode == 2 and "no plan to explain" in r.stderr
    assert not (tmp_path / "y").exists()


def test_python_api_explain(tmp_path):
    import ppi

    result = ppi.solve(ppi.load(_small(tmp_path)))
    e = ppi.explain(result, tmp_path / "why", projects=["p2"], budget=False, workers=1)
    table = e.projects_table()
    assert list(table["change"]) == ["drop", "defer"]
    assert list(table["delta"]) == pytest.approx([2.0, 1.0])


def test_the_explanation_renders_in_chromium_with_the_figures_of_explain_json(small_explained, tmp_path):
    from reports.html_plan import plan_html
    from tests.browser import dump_dom, require_browser
    from tests.reports.test_html_report import Page

    browser = require_browser()
    _, scenario, plan, e = small_explained
    data = explanation_to_dict(e)
    path = tmp_path / "why.html"
    path.write_text(plan_html(saved(scenario, plan), explanation=data), encoding="utf-8")
    page = Page(dump_dom(browser, path))
    assert page.find("body", data_ready="1")
    assert "Pourquoi ce plan ?" in page.headings()
    keys = page.keyed()
    for row in data["projects"]:
        if row["delta"] is not None:
            key = keys[f"delta.{row['change']}.{row['project']}"]
            assert float(key["value"]) == pytest.approx(row["delta"])
            assert key["text"] == f"{row['delta']:.3f}".replace(".", ",").replace("-", "−")
    assert float(keys["gain.2026"]["value"]) == pytest.approx(1.0)
    assert "p2 démarre en 2027, la première année que permet sa fenêtre" in page.text(0)


def test_the_explain_tables_name_projects_and_say_why_nothing_is_displaced(small_explained):
    """Names, not ids, in the HTML tables (the id beside); a force-in with no plan shows its reason in the
    "displaced" column instead of listing the plan's projects; no "-0,000"; and an envelope used up that one
    more M€ would not improve reads as such (no "at its limit" beside "binding: no")."""
    import dataclasses

    from reports.html_plan import plan_html

    _, scenario, plan, e = small_explained
    named = dataclasses.replace(
        scenario, projects=tuple(dataclasses.replace(p, name=f"Projet {p.id.upper()}") for p in scenario.projects)
    )
    page = plan_html(saved(named, plan), explanation=explanation_to_dict(e))
    assert 'Projet BIG <span class="id">big</span>' in page
    assert "il demande à lui seul 1,50" in page or "it alone needs 1.50" in page
    assert "-0,000" not in page and "−0,000" not in page
    assert "Contraignante" not in page and "à sa limite" not in page


# ------------------------------------------------------------------ the parts of each value (issue 16 part 5)


def _transfers_scenario(tmp_path: Path) -> Path:
    """One year (2026), 1 M€. District d needs 2 classes and 10 crèche places and has none; its neighbour e has
    2 spare classes, which d may use at a penalty of 0.5 of a class's weight (1) per class. Crèche places
    weigh 0.05. `school` (2 classes in d, 2 M€) and `cr` (10 places in d, 1 M€); cost 0.01 per M€.

    With 1 M€: `cr` (1 M€): transfers 2 × 0.5 = 1.0, crèche 0, cost 0.01: objective 1.01 (nothing: 1.5).
    With 2 M€ (one more M€ in 2026): `school`: transfers 0, crèche 10 × 0.05 = 0.5, cost 0.02: 0.52.
    So one more M€ is worth −0.49 = crèche +0.5 (+10 place-years), transfers −1.0, cost +0.01: the school
    enters and the crèche leaves. Dropping `cr`: 1.5, +0.49 = crèche +0.5, cost −0.01."""
    data = make_scenario_dict(
        years=(2026, 2026),
        envelope=1e6,
        cost_weight=1e-8,
        demand_kinds={"classes": {"unit": "classes", "weight": 1.0}, "creche": {"unit": "places", "weight": 0.05}},
        districts=[{"id": "d", "neighbours": ["e"]}, {"id": "e"}],
        demand=[*rows({2026: 2.0}), *rows({2026: 10.0}, kind="creche"), *rows({2026: 0.0}, district="e")],
        capacity=[*rows({2026: 0.0}), *rows({2026: 2.0}, district="e")],
        transfers={"kinds": ["classes"], "max_share": 1.0, "penalty": 0.5},
        projects=[
            project("school", capacity={"classes": 2.0}, cost=2e6),
            project("cr", capacity={"creche": 10.0}, cost=1e6),
        ],
    )
    path = tmp_path / "transfers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def transfers_explained(tmp_path_factory):
    return _explained(tmp_path_factory.mktemp("parts"), _transfers_scenario)


def test_one_more_meur_is_split_into_its_parts_and_names_who_enters_and_leaves(transfers_explained):
    _, _, plan, e = transfers_explained
    assert plan["objective"] == pytest.approx(1.01)
    assert e.parts.transfers == pytest.approx(1.0) and e.parts.cost == pytest.approx(0.01)
    (b,) = e.budget
    assert b.gain == pytest.approx(0.49)
    assert b.parts.unmet == {"classes": pytest.approx(0.0), "creche": pytest.approx(0.5)}  # worse
    assert b.parts.unit_years["creche"] == pytest.approx(10.0)  # +10 place-years
    assert b.parts.transfers == pytest.approx(-1.0)  # the whole gain: fewer transfers
    assert b.parts.cost == pytest.approx(0.01)
    assert b.parts.total == pytest.approx(-b.gain)
    assert b.change.added == ("school",) and b.change.displaced == ("cr",) and b.change.retimed == ()
    row = e.budget_table().iloc[0]
    assert row["delta unit-years creche"] == pytest.approx(10.0) and row["delta transfers"] == pytest.approx(-1.0)
    assert row["added"] == "school" and row["displaced"] == "cr"


def test_project_values_are_split_into_their_parts(transfers_explained):
    _, _, _, e = transfers_explained
    drop = _row(e, "cr", "drop")
    assert drop.delta == pytest.approx(0.49)
    assert drop.parts.unmet["creche"] == pytest.approx(0.5) and drop.parts.unit_years["creche"] == pytest.approx(10)
    assert drop.parts.transfers == pytest.approx(0.0) and drop.parts.cost == pytest.approx(-0.01)
    assert drop.parts.total == pytest.approx(drop.delta)
    assert drop.added == drop.displaced == drop.retimed == ()
    school = _row(e, "school", "force_in")
    assert school.delta is None and school.parts is None  # 2 M€ in a 1 M€ year: no plan, no parts
    table = e.projects_table().set_index(["project", "change"])
    assert table.loc[("cr", "drop"), "delta cost"] == pytest.approx(-0.01)


def test_the_parts_are_worded_in_the_console_explain_json_and_both_languages(transfers_explained, tmp_path):
    from reports.words import parts_text, why_details

    _, scenario, plan, e = transfers_explained
    text = format_explanation(e)
    assert (
        "objective -0.490 = creche +0.500 (+10 places × years), transfers -1.000, cost +0.010; "
        "enter: school; leave: cr" in text
    )
    assert "dropped +0.490 = creche +0.500 (+10 places × years), cost -0.010" in text
    data = explanation_to_dict(e)
    assert data["units"] == {"classes": "classes", "creche": "places"}
    (budget,) = data["budget"]
    assert budget["delta transfers"] == pytest.approx(-1.0) and budget["added"] == "school"
    fr = why_details(budget, data["units"], "fr")
    assert fr == "creche +0,500 (+10 places × années), transferts -1,000, coût +0,010; entrent : school; sortent : cr"
    assert parts_text({"delta cost": None}, data["units"]) == ""  # no plan: no parts
    json.dumps(data)  # explain.json holds plain values


def test_the_parts_show_in_the_html_and_workbook_explain_tables(transfers_explained, tmp_path):
    from reports.html_plan import plan_html
    from reports.xlsx_plan import plan_workbook

    _, scenario, plan, e = transfers_explained
    data = explanation_to_dict(e)
    page = plan_html(saved(scenario, plan), explanation=data)
    assert "transferts -1,000" in page and "entrent : school" in page and "sortent : cr" in page
    assert "Composantes de l&#x27;écart" in page or "Composantes de l'écart" in page
    page = page.replace("&#x27;", "'")  # why a value is missing, in French too (kind and values in explain.json)
    assert "aucun plan ne peut l'inclure : en 2026, il demande à lui seul 2,00 M€" in page
    assert "ne peut être reporté : sa fenêtre se termine en 2026" in page
    assert "no plan can include it" not in page and "cannot be deferred" not in page
    school = next(r for r in data["projects"] if r["project"] == "school")
    assert school["note_kind"] == "too_big" and school["note_values"] == {"year": 2026, "need": 2.0, "envelope": 1.0}
    path = tmp_path / "why.xlsx"
    path.write_bytes(plan_workbook(saved(scenario, plan), explanation=data))
    wb = openpyxl.load_workbook(path)
    sheet = wb["Valeur du budget"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(v for v in values if "Écart : transferts" in v)
    row = next(v for v in values if v[0] == 2026)
    assert row[header.index("Écart : transferts")] == pytest.approx(-1.0)
    assert row[header.index("Écart : creche (places × années)")] == pytest.approx(10.0)
    assert "school" in row[header.index("Projets ajoutés")]
    notes = [v[-1] for v in ([c.value for c in r] for r in wb["Pourquoi ce plan"].iter_rows()) if v[-1]]
    assert any(str(n).startswith("aucun plan ne peut l'inclure : en 2026") for n in notes)


def test_a_defer_that_delivers_after_the_ppi_says_so(small_explained):
    """A re-solve records its project's delivery (new start + delivery lag) and the PPI's last year; one that
    delivers after it says so in the console, explain.json and the reports. (Whether a window lets a project
    open after the PPI is the horizon rule's business: the words are checked on a re-solve that does.)"""
    import dataclasses

    from analysis.explain import Explanation
    from reports.html_plan import plan_html

    _, scenario, plan, e = small_explained
    p2 = _row(e, "p2", "defer")
    assert (p2.new_start, p2.delivery, p2.horizon_end, p2.after_horizon) == (2028, 2028, 2028, False)
    late = dataclasses.replace(p2, delivery=2029)  # as if p2 took a year to deliver
    assert late.after_horizon
    shown = Explanation(e.scenario, e.status, e.objective, (_row(e, "p2", "drop"), late), (), (), (), e.units)
    assert "deferred to 2028, delivered in 2029, after the end of the PPI (2028) +1.000" in format_explanation(shown)
    data = explanation_to_dict(shown)
    row = next(r for r in data["projects"] if r["change"] == "defer")
    assert row["delivery"] == 2029 and row["after_horizon"] is True
    assert "livré en 2029, après la fin du PPI (2028)" in plan_html(saved(scenario, plan), explanation=data)
    assert "après la fin du PPI" not in plan_html(saved(scenario, plan), explanation=explanation_to_dict(e))


def test_explain_notes_are_worded_in_the_reports_language(small_explained):
    """explain.json keeps a note's kind and values (its English words beside them); a French report words it
    in French."""
    import dataclasses

    from reports.html_plan import plan_html
    from reports.words import explain_notes

    _, scenario, plan, e = small_explained
    noted = dataclasses.replace(e, notes=(("not_optimal", {"status": "feasible"}),))
    data = explanation_to_dict(noted)
    assert data["notes"] == [
        {
            "kind": "not_optimal",
            "values": {"status": "feasible"},
            "text": "the plan explained is feasible (not proven optimal): a change may improve on it for reasons "
            "of its own",
        }
    ]
    (fr,) = explain_notes(data, "fr")
    assert fr.startswith("le plan expliqué est réalisable (optimalité non prouvée)")
    assert fr in plan_html(saved(scenario, plan), explanation=data).replace("&#x27;", "'")
    assert explain_notes({"notes": ["an old note, words only"]}, "fr") == ["an old note, words only"]


def test_a_drop_is_compared_over_the_same_years_and_a_late_defer_says_so(tmp_path):
    """p (1 class, delivered a year after its start, from 2027) is the only project: its lag makes the tail
    (2029, after the PPI's 2026–2028). Dropped, the re-solve keeps that year (2028 and 2029 unmet: +2, not the
    +1 of a scenario whose tail left with p); deferred to 2028, p opens in 2029, after the PPI, and says so."""
    data = make_scenario_dict(
        demand=rows({2026: 0, 2027: 0, 2028: 1}), projects=[project("p", earliest_start=2027, delivery_lag=1)]
    )
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.tail == (2029,)
    plan = plan_to_dict(scenario, solve(scenario))
    e = explain(scenario, plan, tmp_path / "out", budget=False, workers=1)
    drop, defer = _row(e, "p", "drop"), _row(e, "p", "defer")
    assert drop.delta == pytest.approx(2.0) and drop.parts.total == pytest.approx(drop.delta)
    assert (defer.new_start, defer.delivery, defer.after_horizon) == (2028, 2029, True)
    assert defer.parts.total == pytest.approx(defer.delta)
    assert "deferred to 2028, delivered in 2029, after the end of the PPI (2028)" in format_explanation(e)


def test_the_stability_column_shows_only_where_a_revision_moves_something(transfers_explained):
    """Outside a revision the explain tables (projects.csv, budget.csv, explain.json) have no `delta stability`
    column; a table in which one re-solve changes the stability part has it, with that row's value."""
    import dataclasses

    _, _, _, e = transfers_explained
    assert "delta stability" not in e.projects_table() and "delta stability" not in e.budget_table()
    data = explanation_to_dict(e)
    assert all("delta stability" not in row for row in [*data["projects"], *data["budget"]])
    assert "delta cost" in e.projects_table() and "delta cost" in e.budget_table()  # the other parts stay
    moved = dataclasses.replace(
        e.projects[0], parts=dataclasses.replace(e.projects[0].parts or _no_parts(), stability=0.4)
    )
    revised = dataclasses.replace(e, projects=(moved, *e.projects[1:]))
    column = revised.projects_table()["delta stability"]
    assert column.iloc[0] == pytest.approx(0.4) and (column.iloc[1:].fillna(0.0) == 0.0).all()
    year = dataclasses.replace(e.budget[0], parts=dataclasses.replace(e.budget[0].parts, stability=-0.4))
    assert dataclasses.replace(e, budget=(year,)).budget_table()["delta stability"].tolist() == [-0.4]


def _no_parts():
    from analysis.explain import Parts

    return Parts({}, {}, 0.0, 0.0)
