"""Scenario variants: `extends`, named variants with their short forms, `--set` overrides, the precedence
between them (models/variants.py), traceability of every applied edit, and errors that name the path and
stop before solving."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import cli
from models import ScenarioError, load_scenario
from results.record import plan_to_dict
from solver import solve

BASE = """\
name: Base
horizon: {start: 2026, end: 2028}
demand_kinds:
  classes: {unit: classes, weight: 1.0}
  places: {unit: places, weight: 0.05}
districts:
  - {id: nord}
  - {id: sud}
demand: {file: demand.csv}
budget:
  annual: {2026: 2.0e6, 2027: 2.0e6, 2028: 2.0e6}
  total: 5.0e6
objective: {cost_weight: 0}
projects:
  - {id: ecole-nord, district: nord, capacity: {classes: 2}, cost: 2.0e6, profile: [1.0], delivery_lag: 0}
  - {id: ext-sud, district: sud, capacity: {classes: 1}, cost: 1.0e6, profile: [1.0], delivery_lag: 0}
  - {id: creche-sud, district: sud, capacity: {places: 20}, cost: 1.0e6, profile: [1.0], delivery_lag: 0}
variants:
  serre:
    description: enveloppes -50 %
    scale_budget: 0.5
  sans-ecole:
    exclude: ecole-nord
    force: [creche-sud]
    shift: {ext-sud: 1}
    weights: {places: 0.2}
  mixte:
    override:
      budget: {annual: {2027: 3.0e6}}
      projects:
        - {id: ext-sud, cost: 1.5e6}
    scale_budget: 2.0
    set:
      budget.annual.2027: 4.0e6
"""
DEMAND = "district,kind,year,value\nnord,classes,2026,2\nsud,classes,2026,1\nsud,places,2026,20\n"


@pytest.fixture()
def base(tmp_path: Path) -> Path:
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "demand.csv").write_text(DEMAND, encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def child(tmp_path: Path, text: str, name: str = "variante.yaml") -> Path:
    folder = tmp_path / "variantes"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ extends


def test_extends_overrides_values_and_merges_projects_by_id(tmp_path, base):
    path = child(
        tmp_path,
        """\
        extends: ../base/scenario.yaml
        budget:
          annual: {2027: 3.0e6}
        projects:
          - {id: ext-sud, status: excluded}
          - {id: mod-sud, district: sud, capacity: {classes: 1}, cost: 1.0e5, profile: [1.0], delivery_lag: 0}
        """,
    )
    s = load_scenario(path)
    assert s.envelope == {2026: 2.0e6, 2027: 3.0e6, 2028: 2.0e6}  # one year replaced, the others kept
    assert [p.id for p in s.projects] == ["ecole-nord", "ext-sud", "creche-sud", "mod-sud"]
    assert s.project["ext-sud"].status == "excluded" and s.project["ext-sud"].cost == 1.0e6
    assert s.demand[("nord", "classes", 2026)] == 2  # the base's demand.csv, read from the base's folder
    assert s.name == "Base (variante)"
    assert s.overrides == (f"extends {path.parent / '../base/scenario.yaml'}",)


def test_extends_chain_and_the_nearest_file_wins(tmp_path, base):
    first = child(
        tmp_path, "extends: ../base/scenario.yaml\nname: Premier\nbudget: {annual: {2026: 1.0e6}}\n", "a.yaml"
    )
    second = child(tmp_path, "extends: a.yaml\nbudget: {annual: {2026: 1.5e6}}\n", "b.yaml")
    assert load_scenario(first).envelope[2026] == 1.0e6
    s = load_scenario(second)
    assert s.envelope[2026] == 1.5e6 and s.name == "Premier (b)"
    assert len(s.overrides) == 2


def test_problems_are_located_in_the_file_that_holds_them(tmp_path, base):
    text = base.read_text().replace(
        "cost: 1.0e6, profile: [1.0], delivery_lag: 0}\n  - {id: creche",
        "cost: -1, profile: [1.0], delivery_lag: 0}\n  - {id: creche",
    )
    base.write_text(text)
    path = child(tmp_path, "extends: ../base/scenario.yaml\nprojects:\n  - {id: ecole-nord, delivery_lag: -2}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    where = {(Path(p.file).name, p.line, p.path) for p in info.value.problems}
    assert ("scenario.yaml", 16, "projects[1].cost") in where  # in the base file, its line
    assert ("variante.yaml", 3, "projects[0].delivery_lag") in where  # in the extending file, its line


def test_extends_loop_and_missing_base_are_clear_errors(tmp_path):
    a = child(tmp_path, "extends: b.yaml\n", "a.yaml")
    child(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(ScenarioError, match="extend each other in a loop"):
        load_scenario(a)
    missing = child(tmp_path, "extends: nowhere.yaml\n", "c.yaml")
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(missing)


# ------------------------------------------------------------------------------------ named variants


def test_scale_budget_scales_every_envelope_and_the_total(base):
    s = load_scenario(base, variant="serre")
    assert s.envelope == {2026: 1.0e6, 2027: 1.0e6, 2028: 1.0e6}
    assert s.total_envelope is not None and s.total_envelope.amount == 2.5e6
    assert s.variant == "serre" and s.name == "Base — serre"
    assert s.overrides == ("variant serre: enveloppes -50 %", "variant serre: every envelope × 0.5")


def test_exclude_force_shift_and_weights(base):
    s = load_scenario(base, variant="sans-ecole")
    assert s.project["ecole-nord"].status == "excluded"
    assert s.project["creche-sud"].status == "mandatory"
    plain = load_scenario(base)
    assert s.project["ext-sud"].earliest == plain.project["ext-sud"].earliest + 1
    assert s.project["ext-sud"].latest == plain.project["ext-sud"].latest  # clipped at the horizon end
    assert s.weight["places"] == 0.2
    assert "variant sans-ecole: ext-sud start window moved by +1 year" in s.overrides


def test_variant_order_override_then_short_forms_then_set(base):
    """override sets 2027 to 3 M€ and ext-sud's cost; scale_budget doubles every envelope; set puts 4 M€."""
    s = load_scenario(base, variant="mixte")
    assert s.envelope == {2026: 4.0e6, 2027: 4.0e6, 2028: 4.0e6}
    assert s.project["ext-sud"].cost == 1.5e6 and s.project["ext-sud"].district == "sud"


def test_set_overrides_win_over_the_variant_and_are_recorded(base):
    s = load_scenario(
        base,
        variant="serre",
        overrides=("budget.annual.2027=12e6", "projects.ext-sud.status=excluded", "finance.fctva.rate=0.15"),
    )
    assert s.envelope[2027] == 12e6 and s.envelope[2026] == 1.0e6
    assert s.project["ext-sud"].status == "excluded"
    assert s.fctva_rate == 0.15
    assert s.overrides[-3:] == (
        "--set budget.annual.2027=12e6",
        "--set projects.ext-sud.status=excluded",
        "--set finance.fctva.rate=0.15",
    )
    plan = plan_to_dict(s, solve(s))
    assert plan["scenario"]["variant"] == "serre"
    assert plan["scenario"]["set"] == list(s.sets)
    assert plan["scenario"]["overrides"] == list(s.overrides)


def test_set_values_are_read_as_yaml(base):
    s = load_scenario(base, overrides=("budget.carry_over=true", "projects.ext-sud.profile=[0.5, 0.5]"))
    assert s.carry_over is True
    assert s.project["ext-sud"].profile == (0.5, 0.5)


@pytest.mark.parametrize(
    ("overrides", "variant", "fragments"),
    [
        (
            ("projects.ext-sux.status=excluded",),
            None,
            ["--set projects.ext-sux.status=excluded", "no row 'ext-sux'", "ext-sud"],
        ),
        (("budget.anual.2027=1",), None, ["--set budget.anual.2027=1", "unknown key 'anual'", "annual"]),
        (
            ("budget.annual.2027=beaucoup",),
            None,
            ["--set budget.annual.2027=beaucoup", "budget.annual.2027", "valid number"],
        ),
        (("objective.cost_weight.x=1",), None, ["single value", "objective.cost_weight"]),
        (("budget.annual.2027",), None, ["path=value"]),
        ((), "serre-x", ["unknown variant 'serre-x'", "did you mean 'serre'", "mixte, sans-ecole, serre"]),
    ],
)
def test_bad_edits_name_the_path_and_stop(base, overrides, variant, fragments):
    with pytest.raises(ScenarioError) as info:
        load_scenario(base, variant=variant, overrides=overrides)
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, text


def test_a_variant_naming_an_unknown_project_is_refused_with_its_line(tmp_path, base):
    base.write_text(base.read_text() + "  faux:\n    exclude: [ecole-nrd]\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(base, variant="faux")
    (problem,) = info.value.problems
    assert problem.line == 36 and "no project 'ecole-nrd'" in problem.message and "ecole-nord" in problem.message


# ------------------------------------------------------------------------------------------- the CLI


def run(args: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_solve_a_variant_with_overrides_and_verify_it(tmp_path, base, capsys):
    out = tmp_path / "out"
    code, _, err = run(["solve", f"{base}:serre", "--set", "budget.annual.2028=3e6", "--out", out, "--quiet"], capsys)
    assert code == 0, err
    plan = json.loads((out / "plan.json").read_text())
    assert plan["scenario"]["variant"] == "serre"
    assert plan["scenario"]["set"] == ["budget.annual.2028=3e6"]
    assert plan["budget"][2]["envelope"] == 3e6
    code, text, err = run(["verify", base, out], capsys)  # checked against the scenario as given: it breaks it
    assert code == 1 and "note: the plan was solved with variant serre, --set budget.annual.2028=3e6" in text
    code, text, err = run(["verify", base, out, "--with-plan-overrides"], capsys)  # the plan's own edits, shown
    assert code == 0, err
    assert "applying the plan's own edits: variant serre, --set budget.annual.2028=3e6" in text
    assert "plan verified" in text


def test_cli_validate_checks_every_variant(base, capsys):
    code, out, _ = run(["validate", base], capsys)
    assert code == 0 and "variant serre: valid" in out
    base.write_text(base.read_text() + "  faux:\n    weights: {placs: 1}\n")
    code, _, err = run(["validate", base], capsys)
    assert code == 1 and "no demand kind 'placs'" in err


def test_cli_unknown_variant_stops_before_solving(tmp_path, base, capsys):
    code, _, err = run(["solve", f"{base}:nope", "--out", tmp_path / "o"], capsys)
    assert code == 1 and "unknown variant 'nope'" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_a_merged_row_keeps_the_line_of_the_file_that_wrote_it(tmp_path, base):
    """ext-sud is the child's first row but the base's second: a problem in it is at projects[1], child line."""
    path = child(tmp_path, "extends: ../base/scenario.yaml\nprojects:\n  - {id: ext-sud, delivery_lag: -1}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (Path(problem.file).name, problem.line, problem.path) == ("variante.yaml", 3, "projects[1].delivery_lag")


# ------------------------------------------------------------------------------- compare and report


def test_cli_compare_writes_the_tables_and_flags_differences(tmp_path, base, capsys):
    out = tmp_path / "cmp"
    code, text, err = run(
        ["compare", base, f"{base}:serre", f"{base}:sans-ecole", "--out", out, "--report", "xlsx"], capsys
    )
    assert code == 0, err
    assert "Comparison of base, serre, sans-ecole" in text and "* the variants differ" in text
    for name in ("summary.csv", "projects.csv", "budget.csv", "unmet.csv", "comparison.xlsx", ".ppi-results"):
        assert (out / name).exists(), name
    assert not (out / "comparison.html").exists()
    import pandas as pd

    projects = pd.read_csv(out / "projects.csv")
    row = projects.set_index("project").loc["ecole-nord"]
    assert pd.isna(row["sans-ecole"]) and bool(row["differs"])


def test_cli_compare_reads_saved_plans_and_needs_two(tmp_path, base, capsys):
    saved = tmp_path / "saved"
    assert run(["solve", f"{base}:serre", "--out", saved, "--quiet"], capsys)[0] == 0
    code, text, err = run(["compare", saved, base, "--out", tmp_path / "cmp", "--report", "xlsx"], capsys)
    assert code == 0, err
    assert "Comparison of saved, base" in text
    code, _, err = run(["compare", base], capsys)
    assert code == 1 and "at least two" in err


def test_cli_solve_with_reports_and_report_of_a_saved_plan(tmp_path, base, capsys):
    out = tmp_path / "plan"
    code, _, err = run(["solve", base, "--out", out, "--report", "xlsx", "--quiet"], capsys)
    assert code == 0, err
    assert (out / "report.xlsx").exists() and not (out / "report.html").exists()
    (out / "report.xlsx").unlink()
    code, text, err = run(["report", out, "--format", "xlsx", "--lang", "en"], capsys)
    assert code == 0, err
    assert (out / "report.xlsx").exists() and str(out / "report.xlsx") in text
    code, _, err = run(["report", out, "--format", "pdf"], capsys)
    assert code == 1 and "html, xlsx" in err


def test_a_variant_override_reads_its_tables_beside_the_scenario(tmp_path, base):
    (base.parent / "demand-haute.csv").write_text(DEMAND.replace("nord,classes,2026,2", "nord,classes,2026,5"))
    base.write_text(base.read_text() + "  haute:\n    override:\n      demand: {file: demand-haute.csv}\n")
    s = load_scenario(base, variant="haute")
    assert s.demand[("nord", "classes", 2026)] == 5
