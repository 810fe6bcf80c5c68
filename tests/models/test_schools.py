"""Schools, not only sectors (issue 17 part 3): school rows roll up to the quartier's capacity, closures and
extensions per school, site limits, and the balance per school, by hand; the Rennes schools of
`ppi enrolment` against the sector totals."""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

import pytest

from models import ScenarioError, load_scenario, scenario_from_dict
from models.scenario import Scenario
from models.schools import rows_from_enrolment, school_balance
from tests.helpers import project
from tests.models.test_forecast import pupils, scenario_data

REPO = Path(__file__).resolve().parents[2]


def school(sid: str, kind: str, classes: float, district: str = "a", **extra: Any) -> dict[str, Any]:
    return {"school": sid, "district": district, "kind": kind, "classes": classes, **extra}


# Quartier a: school s1 (a primaire: 3 maternelle and 5 élémentaire classes, site of 9 classes) and s2 (a small
# maternelle of 2 classes, closed from 2028). Quartier b has no school rows.
SCHOOLS = [
    school("s1", "maternelle", 3, site_limit=9, pupils=60),
    school("s1", "elementaire", 5, site_limit=9, pupils=110),
    school("s2", "maternelle", 2, closes=2028, pupils=40),
]


def data(**overrides: Any) -> dict[str, Any]:
    d = scenario_data(
        {"school": {"base_year": 2026, "pupils": [pupils("a", "maternelle", 100), pupils("a", "elementaire", 110)]}}
    )
    d["schools"] = copy.deepcopy(SCHOOLS)
    d.update(overrides)
    return d


def build(**overrides: Any) -> Scenario:
    return scenario_from_dict(data(**overrides), source="<test>")


def existing(s: Scenario, d: str, k: str) -> list[float]:
    return [s.existing[(d, k, y)] for y in range(2026, 2031)]


def problems(**overrides: Any) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        build(**overrides)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


def test_school_rows_roll_up_to_the_quartier():
    s = build()
    assert existing(s, "a", "maternelle") == [5, 5, 3, 3, 3]  # 3 + 2, then s2 closed from 2028
    assert existing(s, "a", "elementaire") == [5] * 5
    assert existing(s, "b", "maternelle") == [0] * 5


def test_school_rows_add_to_other_pairs_of_the_capacity_table():
    s = build(capacity=[{"district": "b", "kind": "maternelle", "year": 2026, "value": 4}])
    assert existing(s, "b", "maternelle") == [4] * 5
    assert existing(s, "a", "maternelle") == [5, 5, 3, 3, 3]


def test_a_pair_given_by_the_table_and_by_schools_is_refused():
    found = problems(capacity=[{"district": "a", "kind": "maternelle", "year": 2026, "value": 5}])
    assert any("a/maternelle is given by the capacity table and by school rows" in p for p in found)


def test_a_change_that_names_its_school():
    # One maternelle class of s1 closed from 2027 (the quartier too); one converted to élémentaire in 2029.
    s = build(
        capacity_changes=[
            {"district": "a", "kind": "maternelle", "year": 2027, "units": -1, "school": "s1"},
            {"district": "a", "kind": "maternelle", "to": "elementaire", "year": 2029, "units": 1, "school": "s1"},
        ]
    )
    assert existing(s, "a", "maternelle") == [5, 4, 2, 1, 1]
    assert existing(s, "a", "elementaire") == [5, 5, 5, 6, 6]
    balance = {(b.school, b.kind, b.year): b for b in school_balance(s)}
    assert balance[("s1", "maternelle", 2029)].classes == 1
    assert balance[("s1", "elementaire", 2029)].classes == 6
    assert balance[("s1", "elementaire", 2029)].room == 9 - 7


def test_balance_per_school_rounds_each_school():
    # a's 100 maternelle pupils shared 60/40 by the schools' pupils: s1 60/22 = 2.73 → 3 classes, s2 40/22 =
    # 1.82 → 2 (the quartier: 100/22 = 4.55 → 5). From 2028 s2 is closed: s1 takes all 100 → 5 classes.
    s = build()
    balance = {(b.school, b.kind, b.year): b for b in school_balance(s)}
    s1, s2 = balance[("s1", "maternelle", 2026)], balance[("s2", "maternelle", 2026)]
    assert (s1.share, s1.pupils, s1.needed, s1.classes, s1.gap) == (0.6, pytest.approx(60), 3, 3, 0)
    assert (s2.share, s2.needed, s2.classes) == (0.4, 2, 2)
    later = balance[("s1", "maternelle", 2028)]
    assert (later.share, later.needed, later.classes, later.gap) == (1.0, 5, 3, 2)
    assert balance[("s2", "maternelle", 2028)].needed == 0
    assert s.demand[("a", "maternelle", 2028)] == 5
    assert balance[("s1", "maternelle", 2026)].room == 1  # 9 − (3 + 5)


def test_a_project_names_the_school_it_extends():
    s = build(projects=[project("ext-s1", district="a", capacity={"elementaire": 1}, school="s1")])
    assert s.warnings == () or all("site limit" not in w for w in s.warnings)
    balance = school_balance(s)
    assert {b.extensions for b in balance if b.school == "s1"} == {("ext-s1",)}


def test_an_extension_above_the_site_limit_is_refused():
    found = problems(projects=[project("ext-s1", district="a", capacity={"elementaire": 2}, school="s1")])
    assert found == [
        "projects[0].school: the project adds 2 classes to school s1 (8 at most over the horizon): 10, above its "
        "site limit of 9"
    ]


def test_extensions_that_only_together_exceed_the_site_are_warned_unless_alternatives():
    two = [
        project("ext-s1", district="a", capacity={"elementaire": 1}, school="s1"),
        project("mod-s1", district="a", capacity={"elementaire": 1}, school="s1"),
    ]
    s = build(projects=two)
    assert any("ext-s1, mod-s1 together add 2 classes to school s1" in w for w in s.warnings)
    two[0]["excludes"] = ["mod-s1"]
    s = build(projects=two)
    assert not any("together add" in w for w in s.warnings)


def test_bad_school_rows_are_refused():
    rows = copy.deepcopy(SCHOOLS) + [
        school("s1", "maternelle", 1),  # s1/maternelle again
        school("s3", "creche-x", 1, district="zz"),
        school("s4", "maternelle", 12, site_limit=10),
        school("s4", "elementaire", 1, site_limit=11, district="b"),
    ]
    found = problems(
        schools=rows,
        capacity_changes=[{"district": "b", "kind": "maternelle", "year": 2027, "units": -1, "school": "s1"}],
        projects=[
            project("p1", district="b", capacity={"elementaire": 1}, school="s1"),
            project("p2", district="a", capacity={"elementaire": 1}, school="nope"),
        ],
    )
    text = "\n".join(found)
    assert "schools[3]: s1/maternelle is given again (first at schools[0])" in text
    assert "schools[4].district: unknown district 'zz'" in text
    assert "schools[4].kind: unknown demand kind 'creche-x'" in text
    assert "schools[6].district: school s4 is in 'a' at schools[5]: a school serves one quartier" in text
    assert "schools[6].site_limit: school s4 has a site limit of 10 at schools[5]: one site, one limit" in text
    assert "capacity_changes[0].district: school s1 is in 'a', not 'b'" in text
    assert "projects[0].district: the project extends school s1, which is in 'a', not 'b'" in text
    assert "projects[1].school: unknown school 'nope'" in text


def test_a_school_above_its_site_limit_is_refused():
    rows = copy.deepcopy(SCHOOLS)
    rows[1]["classes"] = 7  # 3 + 7 = 10 on a site of 9
    assert problems(schools=rows) == [
        "schools[0].site_limit: school s1 has 10 classes in 2026, above its site limit of 9"
    ]
    opened = problems(
        capacity_changes=[{"district": "a", "kind": "elementaire", "year": 2028, "units": 2, "school": "s1"}]
    )
    assert opened == [
        "schools[0].site_limit: school s1 has 10 classes in 2028 with its capacity changes, above its site limit of 9"
    ]


def test_schools_read_from_a_table_file(tmp_path: Path):
    (tmp_path / "ecoles.csv").write_text(
        "school,district,kind,classes,site_limit,closes,pupils,name\n"
        "0350001A,a,maternelle,3,9,,60,École A\n"
        "0350001A,a,elementaire,5,9,,110,École A\n"
        "0350002B,a,maternelle,2,,2028,40,Petite école\n",
        encoding="utf-8",
    )
    d = data()
    d["schools"] = {"file": "ecoles.csv"}
    import yaml

    (tmp_path / "s.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml")
    assert existing(s, "a", "maternelle") == [5, 5, 3, 3, 3]
    assert s.spec.schools[0].school == "0350001A"  # a UAI is text


# ------------------------------------------------------------------------------------ Rennes, per school


def test_rennes_schools_roll_up_to_its_sector_totals():
    """The 77 public schools of `effectifs-ecoles.csv` (ppi enrolment) as school rows give every sector the
    classes of capacity.csv, and the plan's inputs are unchanged."""
    folder = REPO / "scenarios" / "rennes"
    base = load_scenario(folder / "scenario.yaml")
    with open(folder / "effectifs-ecoles.csv", encoding="utf-8") as f:
        rows = rows_from_enrolment(csv.DictReader(f))
    assert len({r["school"] for r in rows}) == 77
    doc = copy.deepcopy(dict(base.document))
    doc["capacity"] = [r for r in doc["capacity"] if r["kind"] == "creche"]
    doc["schools"] = rows
    per_school = scenario_from_dict(doc, source=str(folder / "scenario.yaml"), base_dir=folder)
    assert dict(per_school.existing) == dict(base.existing)
    # The pupils of each sector's schools are its base pupils: the per-school balance shares them out whole.
    balance = [b for b in school_balance(per_school) if b.year == 2026]
    for r in base.spec.forecast.school.pupils:
        mine = [b for b in balance if b.district == r.district and b.kind == r.kind]
        assert sum(b.share for b in mine) == pytest.approx(1)
        given = next(c.value for c in base.spec.capacity if (c.district, c.kind) == (r.district, r.kind))
        assert sum(b.classes for b in mine) == given  # the existing capacity adds the changes of the scenario


def test_schools_table_with_french_headers(tmp_path: Path):
    import yaml

    (tmp_path / "ecoles.csv").write_text(
        "École;Quartier;Type;Nombre de classes;Limite du site;Fermeture;Élèves;Nom\n"
        "0350001A;a;maternelle;3;9;;60;École A\n"
        "0350001A;a;elementaire;5;9;;110;École A\n"
        "0350002B;a;maternelle;2;;2028;40;Petite école\n",
        encoding="utf-8",
    )
    d = data()
    d["schools"] = {"file": "ecoles.csv"}
    d["projects"] = [project("ext-a", district="a", capacity={"elementaire": 1}, school="0350001A")]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml")
    assert existing(s, "a", "maternelle") == [5, 5, 3, 3, 3]
    assert s.spec.schools[0].site_limit == 9 and s.spec.schools[2].closes == 2028
