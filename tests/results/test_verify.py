"""The verifier is not fooled: every figure a plan file reports is recomputed and compared, a plan file of the
wrong shape is invalid input (exit 1, never an internal error), and a plan is checked against the scenario as
given on the command line, its own edits applied only when asked (issue 15, findings 5–7).

Each tampering below passed `ppi verify` before these checks (fourteen kinds were found by hand; the rest
are their neighbours)."""

from __future__ import annotations

import copy
import json

import pytest

import cli
from results import OutputError, PlanRecord, verify_plan
from tests.helpers import REPO

EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The example solved once: its scenario, its plan.json and the folder."""
    import ppi

    out = tmp_path_factory.mktemp("verify") / "plan"
    scenario = ppi.load(EXAMPLE)
    ppi.write(ppi.solve(scenario), out)
    return scenario, json.loads((out / "plan.json").read_text(encoding="utf-8")), out


def _first_not_chosen(doc):
    return next(i for i, p in enumerate(doc["projects"]) if p["start"] is None)


TAMPERING = {
    "budget spent": (lambda d: d["budget"][0].update(spent=d["budget"][0]["spent"] + 1000), "budget 2026 spent"),
    "budget envelope": (lambda d: d["budget"][2].update(envelope=30e6), "budget 2028 envelope"),
    "budget margin": (lambda d: d["budget"][2].update(margin=5e6), "budget 2028 margin"),
    "budget receipts": (lambda d: d["budget"][1].update(fctva=0.0), "budget 2027 fctva"),
    "budget row removed": (lambda d: d["budget"].pop(3), "budget 2029: the row is missing"),
    "budget row added": (lambda d: d["budget"].append({**d["budget"][0], "year": 2040}), "budget 2040: a row"),
    "balance row removed": (lambda d: d["balance"].pop(7), "the row is missing from the plan"),
    "balance demand": (lambda d: d["balance"][0].update(demand=5.0), "demand: the plan says 5.00"),
    "balance capacity": (lambda d: d["balance"][0].update(capacity=50.0), "capacity: the plan says 50.00"),
    "unmet by kind": (lambda d: d["unmet_by_kind"].update(creche=1.0), "unmet_by_kind creche"),
    "project city cost": (lambda d: d["projects"][0].update(city_cost=1.0), "gs-simone-veil city_cost"),
    "project receipts": (lambda d: d["projects"][0]["receipts"]["2026"].update(fctva=0.0), "receipts 2026 fctva"),
    "finance debt years": (lambda d: d["finance"][0].update(debt_years=1.0), "finance 2026 debt_years"),
    "finance savings rate": (lambda d: d["finance"][0].update(savings_rate=0.2), "finance 2026 savings_rate"),
    "spending on a project not chosen": (
        lambda d: d["projects"][_first_not_chosen(d)]["spending"].update({"2027": 1e6}),
        "spending 2027: the plan says 1,000,000.00",
    ),
    "delivery of a project not chosen": (
        lambda d: d["projects"][_first_not_chosen(d)].update(delivery=2030),
        "delivery: the plan says 2030",
    ),
    "spending outside the horizon": (lambda d: d["spending_outside_horizon"].update({"2024": 0.0}), "outside"),
    "objective terms": (lambda d: d["objective_terms"].update(cost=0.0), "objective_terms cost"),
    "overrides text": (lambda d: d["scenario"].update(overrides=["--set budget.annual.2028=3e7"]), "overrides"),
    "set edits recorded": (lambda d: d["scenario"].update(set=["budget.annual.2028=3e7"]), "scenario set"),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_a_tampered_figure_is_named(solved, name):
    scenario, doc, _ = solved
    change, expected = TAMPERING[name]
    tampered = copy.deepcopy(doc)
    change(tampered)
    check = verify_plan(scenario, PlanRecord.from_json(tampered))
    assert not check.ok
    assert any(expected in v for v in check.violations), check.violations


def test_the_untouched_plan_verifies(solved):
    scenario, doc, _ = solved
    assert verify_plan(scenario, PlanRecord.from_json(doc)).ok


WRONG_SHAPE = {
    "objective as a string": (lambda d: d.update(objective="194.4"), "objective: input should be a valid number"),
    "a spending year in words": (lambda d: d["projects"][0]["spending"].update(twenty=1.0), "'twenty' is not a year"),
    "a finance row without debt": (lambda d: d["finance"][0].pop("debt"), "finance[0].debt: field required"),
    "a status no plan has": (lambda d: d.update(status="verified-by-the-mayor"), "status: input should be"),
    "a duplicate project": (lambda d: d["projects"].append(dict(d["projects"][0])), "is listed 2 times"),
    "a boolean as money": (lambda d: d["budget"][0].update(spent=True), "budget[0].spent"),
    "an unknown field": (lambda d: d["projects"][0].update(approved_by="mayor"), "approved_by: extra inputs"),
}


@pytest.mark.parametrize("name", list(WRONG_SHAPE))
def test_a_plan_file_of_the_wrong_shape_is_invalid_input(solved, name, tmp_path, capsys):
    scenario, doc, _ = solved
    change, expected = WRONG_SHAPE[name]
    bad = copy.deepcopy(doc)
    change(bad)
    with pytest.raises(OutputError, match="is not a valid ppi plan"):
        PlanRecord.from_json(bad, where="plan.json")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert cli.main(["verify", str(EXAMPLE), str(path)]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert expected in err and "internal error" not in err


def test_a_plan_is_checked_against_the_scenario_given_and_its_own_edits_only_when_asked(tmp_path, capsys):
    """A plan solved with 30 M€ envelopes: against the example as given, its budget rows break and the
    command says which edits the plan carries; with --with-plan-overrides it verifies, and blanking the text
    of its overrides is caught."""
    out = tmp_path / "rich"
    edit = "budget.annual=30e6"
    assert cli.main(["solve", str(EXAMPLE), "--set", edit, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["verify", str(EXAMPLE), str(out)]) == cli.EXIT_INVALID
    text = capsys.readouterr().out
    assert f"the plan was solved with --set {edit}" in text and "budget 2028 envelope" in text
    assert cli.main(["verify", str(EXAMPLE), str(out), "--with-plan-overrides"]) == cli.EXIT_OK
    assert f"applying the plan's own edits: --set {edit}" in capsys.readouterr().out
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    doc["scenario"]["overrides"] = []
    blank = tmp_path / "blank.json"
    blank.write_text(json.dumps(doc), encoding="utf-8")
    assert cli.main(["verify", str(EXAMPLE), str(blank), "--with-plan-overrides"]) == cli.EXIT_INVALID
    assert "scenario overrides: the plan records []" in capsys.readouterr().out
    assert cli.main(["verify", f"{EXAMPLE}:budget-serre", str(out), "--with-plan-overrides"]) == cli.EXIT_INVALID
    assert "not both" in capsys.readouterr().err


def test_a_report_shows_the_scenario_s_overrides_not_the_plan_file_s_text(solved, tmp_path):
    """The inputs section of a saved plan's report lists the edits of the scenario the plan was read with."""
    from reports.html_plan import plan_html
    from tests.helpers import saved

    scenario, doc, _ = solved
    doc = copy.deepcopy(doc)
    doc["scenario"]["overrides"] = ["--set budget.annual=1"]
    page = plan_html(saved(scenario, doc))
    assert "budget.annual=1" not in page


def test_every_figure_of_the_budget_and_balance_tables_is_compared(solved):
    """No column of the tables a report shows escapes the comparison (a guard for columns added later)."""
    scenario, doc, _ = solved
    from results.verify import _CHECKED_ABOVE

    for table, keys in (("budget", {"year"}), ("finance", {"year"}), ("balance", {"district", "kind", "year"})):
        for column in doc[table][0]:
            if column in keys or column in _CHECKED_ABOVE.get(table, ()):
                continue
            tampered = copy.deepcopy(doc)
            row = tampered[table][1]
            row[column] = (row[column] or 0) + 12345.0 if isinstance(row[column], (int, float)) else 12345.0
            assert not verify_plan(scenario, PlanRecord.from_json(tampered)).ok, f"{table}.{column}"


def test_reports_and_comparisons_refuse_a_plan_whose_figures_were_edited(solved, tmp_path, capsys):
    """`ppi report`, `ppi compare` and `ppi explain` read saved plans through ppi.open_result, which checks
    them: a comparison never shows a figure nobody recomputed."""
    import shutil

    _, doc, folder = solved
    edited = tmp_path / "edited"
    shutil.copytree(folder, edited)
    doc = copy.deepcopy(doc)
    doc["budget"][2]["envelope"] = 30e6
    (edited / "plan.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    for argv in (
        ["report", str(edited), "--format", "html", "--out", str(tmp_path / "r")],
        ["compare", str(folder), str(edited), "--out", str(tmp_path / "c")],
    ):
        assert cli.main(argv) == cli.EXIT_INVALID
        err = capsys.readouterr().err
        assert "the plan does not match its scenario" in err and "budget 2028 envelope" in err
    assert not (tmp_path / "r").exists() and not (tmp_path / "c").exists()


def test_a_plan_of_another_scenario_is_said_in_one_line(solved, tmp_path, capsys):
    """`ppi verify` of a Rennes plan against Exemple-Ville: one line, exit 1, not dozens of violations."""
    out = tmp_path / "rennes"
    assert cli.main(["solve", str(REPO / "scenarios" / "rennes" / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["verify", str(EXAMPLE), str(out)]) == cli.EXIT_INVALID
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "solved for another scenario" in lines[0]
    # a variant's plan against its base is no other scenario: it is checked (and breaks its envelopes)
    variant = tmp_path / "serre"
    assert cli.main(["solve", f"{EXAMPLE}:budget-serre", "--out", str(variant), "--quiet"]) == 0
    capsys.readouterr()
    cli.main(["verify", str(EXAMPLE), str(variant)])
    assert "another scenario" not in capsys.readouterr().out
