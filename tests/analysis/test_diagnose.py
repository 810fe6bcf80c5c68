"""Diagnosis of infeasible scenarios (solver/elastic.py, analysis/diagnose.py, `ppi solve` exit 2).

One test per shape of infeasibility — a budget year short, a ratio ceiling, a window conflict, a
requires-chain, alternatives that exclude each other — each checking what the diagnosis says and that
every suggested change, applied with exactly its `--set` edits, gives a plan (the scenario is read again
and solved here, independently of the check the diagnosis makes itself).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from analysis.diagnose import diagnose
from models import load_scenario
from models.plan import Status
from reports.words import change_text, diagnosis_to_dict, finding_text, format_diagnosis, remedy_title
from solver import SolveOptions, solve
from solver.elastic import MANDATORY, MONEY, SCHEDULE, elastic_model, relax
from tests.helpers import make_scenario_dict, project, rows, run_cli, saved

# 2027: committed a needs 9 M€ and mandatory b (window 2027 only) 2 M€ against 10 M€: short by 1 M€.
SHORT_2027 = [
    project("a", cost=9e6, status="committed", start=2027),
    project("b", cost=2e6, status="mandatory", earliest_start=2027, latest_start=2027),
]


def _words(item) -> str:
    """A finding or a change of a remedy in English, as the command line words it."""
    words = finding_text if hasattr(item, "row") else change_text
    return words(item.to_dict(), "en")


def _title(remedy) -> str:
    """A remedy's heading, from what its changes do (reports.words.remedy_title)."""
    return remedy_title({"kind": remedy.kind, "changes": [c.to_dict() for c in remedy.changes]}, "en")


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _load(tmp_path: Path, **kw) -> tuple[Path, object]:
    path = _write(tmp_path, make_scenario_dict(**kw))
    return path, load_scenario(path)


def _assert_every_remedy_works(path: Path, diagnosis) -> None:
    assert diagnosis.remedies, format_diagnosis(diagnosis)
    for remedy in diagnosis.remedies:
        assert remedy.verified
        changed = load_scenario(path, overrides=remedy.sets)
        plan = solve(changed)
        assert plan.status.has_plan, (remedy, plan.status)


def _titles(diagnosis) -> list[str]:
    return [_title(r) for r in diagnosis.remedies]


# ------------------------------------------------------------------------------------ budget year short


def test_budget_year_short_in_budget_words(tmp_path):
    # 2027: committed A needs 9 M€ and mandatory B (window 2027 only) 2 M€ against 10 M€: short by 1 M€.
    # Remedies: 1 M€ more in 2027; carry-over (2026's unused 10 M€); B one year earlier or later.
    path, s = _load(
        tmp_path,
        projects=SHORT_2027,
    )
    assert solve(s).status == Status.INFEASIBLE
    d = diagnose(s)
    assert [f.row for f in d.findings] == ["budget[2027]"]
    text = _words(d.findings[0])
    assert text.startswith("2027: committed and mandatory projects need 11.00 M€ of spending")
    assert "against an envelope of 10.00 M€ (short by 1.00 M€): a (committed, 9.00 M€), b (mandatory, 2.00 M€)" in text
    assert _titles(d) == ["Give more money", "Allow carry-over", "Move start windows"]
    money, carry, schedule = d.remedies
    assert money.sets == ("budget.annual.2027=11000000",)
    assert _words(money.changes[0]) == "raise the 2027 envelope by 1.00 M€ (to 11.00 M€)"
    assert carry.sets == ("budget.carry_over=true",)
    assert schedule.sets in (("projects.b.shift=1",), ("projects.b.shift=-1",))
    assert "move b's window 1 year" in _words(schedule.changes[0])
    _assert_every_remedy_works(path, d)


def test_first_year_short_offers_no_carry_over(tmp_path):
    # Committed projects alone exceed 2026: nothing carries into the first year, and no window move helps.
    path, s = _load(tmp_path, projects=[project("a", cost=12e6, status="committed", start=2026)])
    d = diagnose(s)
    assert _titles(d) == ["Give more money"]
    assert d.remedies[0].sets == ("budget.annual.2026=12000000",)
    _assert_every_remedy_works(path, d)


def test_carry_over_shortfall_counts_the_years_together(tmp_path):
    # With carry-over, 2026–2027 give 20 M€ against 23 M€ of committed spending.
    path, s = _load(
        tmp_path,
        carry_over=True,
        projects=[
            project("a", cost=12e6, status="committed", start=2026),
            project("b", cost=11e6, status="committed", start=2027),
        ],
    )
    d = diagnose(s)
    text = _words(d.findings[0])
    assert text.startswith("2026–2027 (with carry-over): committed and mandatory projects need 23.00 M€")
    assert "short by 3.00 M€" in _words(d.findings[0])
    _assert_every_remedy_works(path, d)


def test_multi_year_envelope_short(tmp_path):
    data = make_scenario_dict(
        projects=[project("a", cost=6e6, status="committed", start=2026), project("b", cost=6e6, status="mandatory")]
    )
    data["budget"]["total"] = 10e6
    path = _write(tmp_path, data)
    d = diagnose(load_scenario(path))
    assert [f.row for f in d.findings] == ["budget_total"]
    assert "short by 2.00 M€" in _words(d.findings[0])
    assert d.remedies[0].sets == ("budget.total=12000000",)
    _assert_every_remedy_works(path, d)


# ------------------------------------------------------------------------------------------- ratio ceiling


def _prospective(**kw):
    return {"prospective": {"revenue": 10e6, "spending": 9e6, "loan_years": 10, **kw}}


def test_debt_ceiling_in_ratio_words(tmp_path):
    # Épargne brute 1 M€ a year; mandatory A (3.5 M€ in 2026) needs 2.5 M€ of new debt: 2.5 years of savings,
    # above a ceiling of 2 years whatever year it starts in (savings are not carried over).
    path, s = _load(
        tmp_path,
        finance=_prospective(max_debt_years=2.0),
        projects=[project("a", cost=3.5e6, status="mandatory")],
    )
    assert solve(s).status == Status.INFEASIBLE
    d = diagnose(s)
    assert d.findings and d.findings[0].row.startswith("debt_capacity[")
    assert "is 2.5 years of épargne brute (1.00 M€), above the ceiling of 2 years" in _words(d.findings[0])
    money = d.remedies[0]
    assert money.sets == ("finance.prospective.max_debt_years=2.5",)
    assert _titles(d) == ["Raise the debt ceiling", "Make mandatory projects optional"]  # what each change does
    _assert_every_remedy_works(path, d)


def test_savings_floor_in_ratio_words(tmp_path):
    # A mandatory project costing 0.6 M€ a year to run takes épargne brute from 1 M€ to 0.4 M€: 4 % of
    # revenue, below a 10 % floor, in every year it could be delivered.
    path, s = _load(
        tmp_path,
        finance=_prospective(min_savings_rate=0.1),
        projects=[project("a", cost=1e6, operating_cost=0.6e6, status="mandatory")],
    )
    d = diagnose(s)
    assert d.findings[0].row.startswith("min_savings[")
    assert "épargne brute falls to 4.0% of operating revenue, below the floor of 10.0%" in _words(d.findings[0])
    assert d.remedies[0].sets == ("finance.prospective.min_savings_rate=0.04",)
    _assert_every_remedy_works(path, d)


def test_borrowing_cap(tmp_path):
    # 5 M€ to finance in 2026 with 1 M€ of savings and at most 2 M€ of new borrowing: 2 M€ more are needed.
    path, s = _load(
        tmp_path,
        finance=_prospective(max_borrowing=2e6),
        projects=[project("a", cost=5e6, status="committed", start=2026)],
    )
    d = diagnose(s)
    assert d.findings[0].row == "financing[2026]"
    assert d.findings[0].kind == "baseline_borrowing"  # the committed project alone: whatever the PPI
    assert _words(d.findings[0]) == (
        "even with no new project, 2026 needs 4.00 M€ of new borrowing, above the 2.00 M€ a year allowed: no PPI "
        "meets it (finance.prospective.max_borrowing)"
    )
    assert _titles(d)[0] == "Allow more borrowing"
    assert d.remedies[0].sets == ("finance.prospective.max_borrowing=4000000",)
    _assert_every_remedy_works(path, d)


# ---------------------------------------------------------------------------------------- window conflict


def test_window_conflict_moves_a_window(tmp_path):
    # Two mandatory projects of 6 M€ whose windows both say 2026: one must move.
    path, s = _load(
        tmp_path,
        projects=[
            project("a", cost=6e6, status="mandatory", latest_start=2026),
            project("b", cost=6e6, status="mandatory", earliest_start=2026, latest_start=2026),
        ],
    )
    d = diagnose(s)
    assert [f.row for f in d.findings] == ["budget[2026]"]
    schedule = next(r for r in d.remedies if _title(r) == "Move start windows")
    assert len(schedule.changes) == 1 and schedule.sets[0] in ("projects.a.shift=1", "projects.b.shift=1")
    assert "1 year later (to 2027–2027)" in _words(schedule.changes[0])
    _assert_every_remedy_works(path, d)


def test_alternatives_both_mandatory(tmp_path):
    # a and b exclude each other and are both mandatory: no money helps; one must become a candidate.
    path, s = _load(
        tmp_path,
        projects=[project("a", status="mandatory", excludes=["b"]), project("b", status="mandatory")],
    )
    d = diagnose(s)
    assert [f.row for f in d.findings] == ["excludes[a,b]"]
    assert _words(d.findings[0]) == "a (mandatory) and b (mandatory) exclude each other, but both must be carried out"
    assert _titles(d) == ["Make mandatory projects optional"]
    assert d.remedies[0].sets in (("projects.a.status=candidate",), ("projects.b.status=candidate",))
    _assert_every_remedy_works(path, d)


# ------------------------------------------------------------------------------------------ requires-chain


def test_requires_chain_that_does_not_fit_its_windows(tmp_path):
    # Mandatory phase 2 must start by 2027 but requires phase 1, which cannot start before 2028.
    path, s = _load(
        tmp_path,
        projects=[
            project("phase-1", earliest_start=2028),
            project("phase-2", status="mandatory", latest_start=2027, requires=["phase-1"]),
        ],
    )
    assert solve(s).status == Status.INFEASIBLE
    d = diagnose(s)
    assert d.findings, format_diagnosis(d)
    assert all(f.row.startswith("requires[phase-2,phase-1,") for f in d.findings)
    assert "phase-2 (mandatory) must start in 2026–2027 and requires phase-1, which can start in 2028" in (
        _words(d.findings[0])
    )
    assert _titles(d) == ["Move start windows"]
    (change,) = d.remedies[0].changes
    assert change.edit in ("projects.phase-2.shift=1", "projects.phase-1.shift=-1")
    _assert_every_remedy_works(path, d)


# ------------------------------------------------------------------------------------------ elastic model


def test_elastic_model_is_feasible_and_names_its_columns(tmp_path):
    _, s = _load(tmp_path, projects=[project("a", cost=12e6, status="committed", start=2026)])
    model, tags = elastic_model(s, (MONEY, SCHEDULE, MANDATORY))
    assert ("raise_envelope", "2026") in tags
    assert "raise_envelope[2026]" in model.col_names
    res = relax(s, (MONEY,))
    assert res.status == Status.OPTIMAL
    (r,) = res.relaxations
    assert (r.family, r.target) == ("raise_envelope", "2026") and r.amount == pytest.approx(2.0)


def test_feasible_scenario_needs_no_change(tmp_path):
    _, s = _load(tmp_path, projects=[project("a", cost=1e6, status="mandatory")], demand=rows({2026: 1}))
    for allow in ((MONEY,), (SCHEDULE, MANDATORY)):
        res = relax(s, allow)
        assert res.status == Status.OPTIMAL and res.relaxations == ()


def test_unknown_family_refused(tmp_path):
    _, s = _load(tmp_path)
    with pytest.raises(ValueError, match="unknown relaxation"):
        elastic_model(s, ("wishes",))


def test_diagnosis_works_with_the_other_engines(tmp_path):
    path, s = _load(
        tmp_path,
        projects=SHORT_2027,
    )
    for engine in ("cbc", "scipy"):
        d = diagnose(s, SolveOptions(solver=engine))
        assert [f.row for f in d.findings] == ["budget[2027]"]
        assert d.remedies[0].sets == ("budget.annual.2027=11000000",)


# ------------------------------------------------------------------------------------------------- CLI


def test_cli_infeasible_exit_2_with_diagnosis_and_the_fix_works(tmp_path):
    path = _write(
        tmp_path,
        make_scenario_dict(projects=SHORT_2027),
    )
    out = tmp_path / "out"
    r = run_cli("solve", path, "--out", out)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "2027: committed and mandatory projects need 11.00 M€" in r.stdout
    assert "[budget[2027]]" in r.stdout
    assert "--set budget.annual.2027=11000000" in r.stdout
    saved = json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))
    assert saved["findings"][0]["row"] == "budget[2027]"
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["status"] == "infeasible"
    for remedy in saved["remedies"]:
        edits = [arg for c in remedy["changes"] for arg in ("--set", c["edit"])]
        fixed = run_cli("solve", path, *edits, "--out", tmp_path / "fixed", "--force", "--quiet")
        assert fixed.returncode == 0, (remedy, fixed.stderr)


def test_cli_diagnosis_of_the_example_with_a_cut_envelope(tmp_path):
    out = tmp_path / "out"
    r = run_cli("solve", "scenarios/exemple-ville/scenario.yaml", "--set", "budget.annual.2028=6e6", "--out", out)
    assert r.returncode == 2
    assert "2028: committed and mandatory projects need" in r.stdout
    assert "gs-simone-veil (committed" in r.stdout
    assert "--set budget.annual.2028=" in r.stdout


def test_python_api_diagnose(tmp_path):
    import ppi

    path, _ = _load(tmp_path, projects=[project("a", cost=12e6, status="committed", start=2026)])
    d = ppi.diagnose(ppi.load(path))
    assert d.findings[0].row == "budget[2026]"
    fixed = ppi.solve(ppi.derive(ppi.load(path), set=list(d.remedies[0].sets)))
    assert fixed.status == "optimal"


def test_reports_of_an_infeasible_scenario_carry_the_diagnosis_in_french_and_english(tmp_path):
    import openpyxl

    path = _write(
        tmp_path,
        make_scenario_dict(projects=SHORT_2027),
    )
    out = tmp_path / "out"
    r = run_cli("solve", path, "--out", out, "--report", "html,xlsx")
    assert r.returncode == 2, r.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Pourquoi il n&#x27;y a pas de plan" in html
    assert (
        "2027 : les projets engagés et obligatoires demandent 11,00 M€ de dépenses pour une enveloppe de 10,00 M€ "
        "(il manque 1,00 M€) : a (engagé, 9,00 M€), b (obligatoire, 2,00 M€)"
    ) in html
    assert "relever l&#x27;enveloppe 2027 de 1,00 M€ (à 11,00 M€)" in html
    assert "--set budget.annual.2027=11000000" in html
    wb = openpyxl.load_workbook(out / "report.xlsx")
    sheet = wb["Pourquoi il n'y a pas de plan"]
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "budget[2027]" in cells and "budget.carry_over=true" in cells
    english = run_cli("report", out, "--lang", "en", "--format", "html", "--force")
    assert english.returncode == 0, english.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Why there is no plan" in html and "short by 1.00 M€" in html


def test_the_diagnosis_renders_in_chromium(tmp_path):
    from reports.html_plan import plan_html
    from results.record import plan_to_dict
    from tests.browser import dump_dom, require_browser
    from tests.reports.test_html_report import Page

    browser = require_browser()
    path, s = _load(tmp_path, projects=SHORT_2027)
    d = diagnosis_to_dict(diagnose(s))
    page_file = tmp_path / "diagnosis.html"
    page_file.write_text(plan_html(saved(s, plan_to_dict(s, solve(s))), diagnosis=d), encoding="utf-8")
    page = Page(dump_dom(browser, page_file))
    assert page.find("body", data_ready="1")
    assert page.headings() == [
        "Synthèse",
        "Pourquoi il n'y a pas de plan",
        "Hypothèses et paramètres",
        "Annexe technique",
    ]
    assert [a["data-value"] for _, a in page.find("li", data_key="finding")] == ["budget[2027]"]
    assert [a["data-value"] for _, a in page.find("li", data_key="remedy")] == ["money", "carry", "schedule"]


def test_the_shortfall_and_the_raise_offered_agree_when_the_envelope_is_not_round(tmp_path):
    # 10.0137 M€ against 12.5 M€ of committed spending: the raise is rounded up to the next 10 k€ of envelope
    # (12.51 M€), and the shortfall stated is that same amount.
    path, s = _load(
        tmp_path, envelope=10_013_700.0, projects=[project("a", cost=12.5e6 + 3, status="committed", start=2026)]
    )
    d = diagnose(s)
    (finding,) = d.findings
    (change,) = d.remedies[0].changes
    assert finding.values["short"] == change.values["by"] == pytest.approx(2.4963)
    assert change.edit == "budget.annual.2026=12510000"
    _assert_every_remedy_works(path, d)


def test_notes_are_worded_in_both_languages():
    from analysis.diagnose import Diagnosis

    d = Diagnosis((), (), (("not_least", {"seconds": 60.0}), ("none", {})))
    en, fr = format_diagnosis(d), format_diagnosis(diagnosis_to_dict(d), "fr")
    assert "the least change was not proven within 60 s" in en
    assert "no single kind of change ppi can suggest" in en
    assert "le plus petit changement n'a pas été prouvé en 60 s" in fr
    assert fr.startswith("Aucun plan ne respecte les contraintes.")


# ------------------------------------------------- whatever the PPI; headings; the PPI's end; money words


def test_a_breach_that_holds_whatever_the_ppi_says_so(tmp_path):
    # Épargne brute 1 M€ (10 %) less the committed school's 0.4 M€ a year to run, from 2026: 6 % of revenue
    # every year with no new project at all, below an 8 % floor — no PPI can meet it. (Its 0.5 M€ is paid
    # from savings: no borrowing, no interest.)
    path, s = _load(
        tmp_path,
        finance=_prospective(min_savings_rate=0.08),
        projects=[
            project("a", cost=0.5e6, operating_cost=0.4e6, status="committed", start=2026),
            project("b", cost=0.5e6),
        ],
    )
    assert solve(s).status == Status.INFEASIBLE
    d = diagnose(s)
    first = d.findings[0]
    assert (first.kind, first.row) == ("baseline_savings", "min_savings[2026]")
    assert first.values["rate"] == pytest.approx(0.06)
    assert _words(first) == (
        "even with no new project, épargne brute falls to 6.0% of operating revenue in 2026, below the floor of "
        "8.0%: no PPI meets it (finance.prospective.min_savings_rate)"
    )
    assert finding_text(first.to_dict(), "fr").startswith(
        "même sans aucun nouveau projet, l'épargne brute tombe à 6,0\u202f% des recettes en 2026"
    )
    assert [f.row for f in d.findings].count("min_savings[2026]") == 1  # not said twice
    assert _titles(d)[0] == "Lower the savings floor"  # the heading fits the change, not "Give more money"
    assert d.remedies[0].sets == ("finance.prospective.min_savings_rate=0.06",)
    text = format_diagnosis(d)
    assert "1. Lower the savings floor:" in text and "Give more money" not in text
    _assert_every_remedy_works(path, d)


def test_a_remedy_that_delivers_a_project_after_the_ppi_says_so(tmp_path):
    # 2026: committed a (6 M€) and mandatory b (6 M€, window 2026 only, delivered 2 years after its start)
    # against 10 M€: b's window moves a year later; it then opens in 2029, after the PPI's last year (2028).
    path, s = _load(
        tmp_path,
        projects=[
            project("a", cost=6e6, status="committed", start=2026),
            project("b", cost=6e6, status="mandatory", earliest_start=2026, latest_start=2026, delivery_lag=2),
        ],
    )
    d = diagnose(s)
    schedule = next(r for r in d.remedies if r.kind == "schedule")
    (change,) = schedule.changes
    assert change.edit == "projects.b.shift=1"
    assert change.values["delivery"] == 2029 and change.values["horizon_end"] == 2028
    assert _words(change) == (
        "move b's window 1 year later (to 2027–2027); b would be delivered in 2029, after the end of the PPI (2028)"
    )
    assert "b serait livré en 2029, après la fin du PPI (2028)" in change_text(change.to_dict(), "fr")
    money = next(r for r in d.remedies if r.kind == "money")
    assert "after the end of the PPI" not in "; ".join(_words(c) for c in money.changes)


def test_small_amounts_are_worded_at_their_scale():
    from reports.words import money_text

    assert [money_text(x) for x in (12.3456, 0.01, 0.0042, 0.00042, 0.0)] == [
        "12.35 M€",
        "0.01 M€",
        "4.2 k€",
        "420 €",
        "0.00 M€",
    ]
    finding = {
        "row": "budget[2027]",
        "kind": "budget_year",
        "values": {
            "who": "fixed",
            "what": "spending",
            "year": 2027,
            "need": 1.0042,
            "envelope": 1.0,
            "carried": 0.0,
            "short": 0.0042,
            "projects": [{"id": "a", "status": "committed", "amount": 1.0042}],
            "more": 0,
        },
    }
    assert "(short by 4.2 k€): a (committed, 1.00 M€)" in finding_text(finding, "en")
    assert "(il manque 4,2 k€)" in finding_text(finding, "fr")
    change = {"kind": "raise_envelope", "values": {"year": 2027, "by": 0.00042, "to": 1.00042}}
    assert change_text(change, "en") == "raise the 2027 envelope by 420 € (to 1.00 M€)"


def test_a_remedy_never_moves_cp_past_the_last_modelled_year(tmp_path):
    # 2026: committed a (6 M€) and mandatory b (10 M€ paid over two years, window 2026 only) against 10 M€ a
    # year, horizon 2026-2027. With no tail year (tail_years: 0) b started in 2027 would pay half its cost in
    # 2028, charged to no envelope: no remedy moves it there (the envelope is raised, or b made optional). With
    # one tail year the move is charged to 2028's envelope and offered.
    b = project("b", cost=10e6, profile=[0.5, 0.5], status="mandatory", earliest_start=2026, latest_start=2026)
    a = project("a", cost=6e6, status="committed", start=2026)
    path, s = _load(tmp_path, years=(2026, 2027), tail_years=0, projects=[a, b])
    d = diagnose(s)
    assert not any(c.edit.startswith("projects.b.shift") for r in d.remedies for c in r.changes)
    _assert_every_remedy_works(path, d)
    path, s = _load(tmp_path, years=(2026, 2027), tail_years=1, projects=[a, b])
    d = diagnose(s)
    assert any(c.edit == "projects.b.shift=1" for r in d.remedies for c in r.changes)
    _assert_every_remedy_works(path, d)
