"""Typed edits of a scenario in memory (models/edits.py): each edit worked out by hand on a tiny scenario,
recorded as the `--set` text that loads the same scenario from its file, located at the edit when it is
wrong; `parse_set` is the one reader of the `--set` form; a scenario (derived or not) survives pickle."""

from __future__ import annotations

import pickle

import pytest
import yaml

from models import ScenarioError, load_scenario, scenario_from_dict
from models.edits import (
    Exclude,
    Force,
    ScaleBudget,
    SetValue,
    ShiftWindow,
    StartFrom,
    derive,
    parse_set,
    unscaled,
    write_value,
)
from tests.helpers import make_scenario_dict, project, rows

# Horizon 2026-2030, 10 M€ a year; p (window 2026-2030, 1 M€), q (from 2027, 2 M€), r (mandatory, 3 M€).
# Variant "late": every envelope × 0.5, p's window moved one year later (2027-2030).
DATA = make_scenario_dict(
    years=(2026, 2030),
    demand=rows({2026: 2}),
    projects=[project("p"), project("q", earliest_start=2027, cost=2e6), project("r", status="mandatory", cost=3e6)],
    variants={"late": {"scale_budget": 0.5, "shift": {"p": 1}}},
)


@pytest.fixture
def base():
    return scenario_from_dict(DATA, source="<test>")


def test_set_value_and_budget_factor_by_hand(base):
    s = derive(base, [SetValue("budget.annual.2027", 4e6), ScaleBudget(0.5)])
    assert dict(s.envelope) == {2026: 5e6, 2027: 2e6, 2028: 5e6, 2029: 5e6, 2030: 5e6}  # the factor applies last
    assert s.sets == ("budget.annual.2027=4000000.0",) and s.budget_scale == 0.5
    assert s.overrides == ("--set budget.annual.2027=4000000.0", "budget scale: every envelope × 0.5")
    again = derive(s, [ScaleBudget(0.5)])  # factors multiply; earlier edits kept
    assert again.budget_scale == 0.25 and again.envelope[2027] == 1e6 and again.envelope[2026] == 2.5e6
    assert unscaled(again).envelope[2027] == 4e6 and unscaled(again).budget_scale is None
    assert dict(base.envelope) == dict.fromkeys(range(2026, 2031), 10e6)  # the base is untouched


def test_project_edits_by_hand(base):
    s = derive(base, [Force("q"), Exclude("r"), ShiftWindow("p", 2), StartFrom("q", 2029)])
    p, q, r = s.project["p"], s.project["q"], s.project["r"]
    assert (q.status, r.status, r.start_years) == ("mandatory", "excluded", ())
    assert (p.earliest, p.latest) == (2028, 2030)  # 2026-2030 moved 2 years later, kept within the horizon
    assert (q.earliest, q.latest) == (2029, 2030)
    assert s.sets == (
        "projects.q.status=mandatory",
        "projects.r.status=excluded",
        "projects.p.shift=2",
        "projects.q.earliest_start=2029",
    )


def test_start_from_accounts_for_the_variant_shift(tmp_path):
    """In variant late, p's window is 2027-2030 (a file earliest of 2026, shifted by 1): starting no earlier
    than 2029 writes the file's earliest start as 2028; shifting again adds to the variant's shift."""
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(DATA, sort_keys=False), encoding="utf-8")
    late = load_scenario(path, variant="late")
    assert (late.project["p"].earliest, late.project["p"].latest) == (2027, 2030)
    s = derive(late, [StartFrom("p", 2029)])
    assert (s.project["p"].earliest, s.project["p"].latest) == (2029, 2030)
    assert s.sets == ("projects.p.earliest_start=2028",)
    assert derive(late, [ShiftWindow("p", 1), ShiftWindow("p", 1)]).sets == ("projects.p.shift=2", "projects.p.shift=3")
    # What a derived scenario records loads the same scenario from its file again.
    d = derive(late, [Force("q"), StartFrom("p", 2029), SetValue("budget.annual.2028", 1e6), ScaleBudget(0.8)])
    reloaded = load_scenario(path, variant="late", overrides=d.sets, budget_scale=d.budget_scale)
    assert reloaded.spec == d.spec and reloaded.overrides == d.overrides and d.variant == "late"
    path.unlink()  # derive reads no file
    assert derive(late, [Exclude("q")]).project["q"].status == "excluded"


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (Exclude("zz"), ["--set projects.zz.status=excluded", "no row 'zz'"]),
        (Force("qq"), ["--set projects.qq.status=mandatory", "did you mean 'q'?"]),
        (SetValue("budget.anual.2027", 1), ["--set budget.anual.2027=1", "unknown key 'anual'"]),
        (SetValue("budget.annual.2027", "beaucoup"), ["--set budget.annual.2027=beaucoup", "valid number"]),
        (StartFrom("q", 2040), ["--set projects.q.earliest_start=2040", "2040 is outside the horizon 2026-2030"]),
        (SetValue("objective.cost_weight", -1), ["objective.cost_weight", "greater than or equal to 0"]),
    ],
)
def test_a_bad_edit_is_located_at_the_edited_path(base, edit, fragments):
    with pytest.raises(ScenarioError) as info:
        derive(base, [edit])
    text = str(info.value)
    assert all(f in text for f in fragments), text


def test_parse_set_is_the_one_reader_of_the_command_line_form():
    edit = parse_set(" budget.annual.2027 = 12e6")
    assert edit == SetValue("budget.annual.2027", 12e6, "12e6") and edit.set_text == " budget.annual.2027 = 12e6"
    assert parse_set("projects.p.profile=[0.5, 0.5]").value == [0.5, 0.5]
    with pytest.raises(ScenarioError, match="--set x: an override is written path=value"):
        parse_set("x")
    with pytest.raises(ScenarioError, match=r"--set a.b=\[: a.b: the value is not readable"):
        parse_set("a.b=[")


@pytest.mark.parametrize("value", [12e6, 3, True, None, "mandatory", "1", "true", "a: b", [0.5, 0.5], {"a": 1}])
def test_values_are_written_so_that_they_read_back(value):
    assert parse_set(f"x={write_value(value)}").value == value


def test_scenario_from_dict_keeps_its_own_copy():
    data = make_scenario_dict(projects=[project("p")])
    s = scenario_from_dict(data)
    data["projects"][0]["cost"] = 5e6
    assert derive(s, [Force("p")]).project["p"].cost == 1e6


def test_a_scenario_survives_pickle(base):
    s = derive(base, [ScaleBudget(0.9), Exclude("q")])
    back = pickle.loads(pickle.dumps(s))
    assert back.spec == s.spec and back.project["q"] == s.project["q"] and dict(back.envelope) == dict(s.envelope)
    assert back.overrides == s.overrides and derive(back, [Force("q")]).project["q"].status == "mandatory"
