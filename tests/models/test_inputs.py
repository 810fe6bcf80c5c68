"""Scenario input: every invalid file is refused with a located, plain-words message; tables in CSV and XLSX files read
like inline ones; the published JSON Schema matches the format.

The invalid scenarios live in tests/models/data/invalid/, one defect per file, and
tests/models/data/invalid/expected.yaml says what each must report (message fragments, file, line, field path)."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from models import ScenarioError, load_scenario, scenario_json_schema
from models.errors import Problem
from models.limits import MAX_TABLE_BYTES, MAX_TABLE_ROWS, MAX_YAML_BYTES
from models.yaml_lines import load_yaml_with_lines

REPO = Path(__file__).resolve().parents[2]
INVALID = Path(__file__).resolve().parent / "data" / "invalid"


def _problems(entry: list[dict] | dict) -> list[dict]:
    """A manifest entry: its list of problems, or a mapping {exit: CODE, problems: [...]}."""
    return entry["problems"] if isinstance(entry, dict) else entry


RAW_MANIFEST = yaml.safe_load((INVALID / "expected.yaml").read_text(encoding="utf-8"))
MANIFEST: dict[str, list[dict]] = {name: _problems(entry) for name, entry in RAW_MANIFEST.items()}
EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"
SCHEMA_FILE = REPO / "docs" / "scenario.schema.json"


def problems_of(path: Path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def describe(problems) -> str:
    return "\n".join(f"  {p.file}:{p.line} [{p.path}] {p.message}" for p in problems)


def find(problems, *fragments, path=None, file=None, line="any"):
    """The problems whose message holds every fragment (and path, file, line when given)."""
    out = []
    for p in problems:
        if not all(f.lower() in p.message.lower() for f in fragments):
            continue
        if path is not None and p.path != path:
            continue
        if file is not None and Path(p.file).resolve() != Path(file).resolve():
            continue
        if line != "any" and p.line != line:
            continue
        out.append(p)
    return out


# --------------------------------------------------------------------------- the invalid files


def test_manifest_lists_every_invalid_file():
    on_disk = {p.name for p in INVALID.glob("*.yaml")} - {"expected.yaml"}
    assert on_disk == set(MANIFEST), "tests/models/data/invalid/expected.yaml and the folder disagree"
    assert len(MANIFEST) >= 25
    for name, entry in RAW_MANIFEST.items():  # the mapping form holds exactly an exit code and problems
        if isinstance(entry, dict):
            assert set(entry) <= {"exit", "problems"} and "problems" in entry, name
            assert entry.get("exit", 1) in (1, 2, 3), name


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_defect_marker_is_on_an_expected_line(name):
    """The `# <-- defect` comment in a file sits on a line the manifest expects (keeps both in step)."""
    lines = (INVALID / name).read_bytes().decode("utf-8", "replace").splitlines()
    markers = [i for i, text in enumerate(lines, start=1) if "<-- defect" in text]
    expected_lines = {e["line"] for e in MANIFEST[name] if "file" not in e}
    for marker in markers:
        assert marker in expected_lines, f"{name}: defect marked on line {marker}, manifest says {expected_lines}"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_invalid_file_is_refused_with_a_located_message(name):
    problems = problems_of(INVALID / name)
    shown = describe(problems)
    for expected in MANIFEST[name]:
        fragments = expected["fragments"]
        file = INVALID / expected.get("file", name)
        # Fragments, in the right file and field...
        candidates = find(problems, *fragments)
        assert candidates, f"{name}: no problem mentions {fragments}; got:\n{shown}"
        in_place = find(candidates, path=expected["path"], file=file)
        assert in_place, (
            f"{name}: {fragments} expected at {expected.get('file', name)} {expected['path']!r}; got:\n{shown}"
        )
        # ...on the right line.
        assert find(in_place, line=expected["line"]), (
            f"{name}: {fragments} expected on line {expected['line']}; got:\n{shown}"
        )
    assert len(problems) == len(MANIFEST[name]), f"{name}: unexpected extra problems:\n{shown}"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_problem_text_names_file_line_and_field(name):
    """What the user reads (ScenarioError's text) carries the file, the line and the field of each problem."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(INVALID / name)
    text = str(info.value)
    n = len(info.value.problems)
    assert text.startswith(f"{n} problem")
    for p in info.value.problems:
        where = p.file + (f":{p.line}" if p.line is not None else "")
        assert where in text
        assert p.message in text
        if p.path:
            assert f" {p.path}:" in text


def test_missing_scenario_file(tmp_path):
    problems = problems_of(tmp_path / "nowhere.yaml")
    assert len(problems) == 1
    assert "does not exist" in problems[0].message
    assert problems[0].file == str(tmp_path / "nowhere.yaml")


# --------------------------------------------------------------------------- several defects at once

BASE = """\
name: several
horizon: {start: 2026, end: 2030}
demand_kinds:
  classes: {unit: classes}
districts:
  - {id: nord}
  - {id: sud}
demand: {file: demand.csv}
capacity:
  - {district: nord, kind: classes, year: 2026, value: 8}
budget:
  annual: {2026: 1.0e6, 2027: 1.0e6, 2028: 1.0e6, 2029: 1.0e6, 2030: 1.0e6}
projects:
  - id: ecole-nord
    district: nord
    capacity: {classes: 2}
    cost: 2.0e6
    profile: [0.5, 0.5]
    delivery_lag: 2
  - id: ext-sud
    district: sud
    capacity: {classes: 1}
    cost: 0.8e6
    profile: [1.0]
    delivery_lag: 1
"""
GOOD_DEMAND = "district,kind,year,value\nnord,classes,2026,10\nsud,classes,2026,8\n"


def write(folder: Path, scenario: str, **tables: str) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(textwrap.dedent(scenario), encoding="utf-8")
    for name, text in tables.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return path


def edit(text: str, *subs: tuple[str, str]) -> str:
    for old, new in subs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, text in enumerate(lines, start=1) if fragment in text]
    assert len(hits) == 1, fragment
    return hits[0]


def test_write_helper_base_is_valid(tmp_path):
    scenario = load_scenario(write(tmp_path, BASE, demand_csv=GOOD_DEMAND))
    assert scenario.demand[("nord", "classes", 2026)] == 10


def test_shape_defects_in_yaml_and_csv_are_all_reported_at_once(tmp_path):
    text = edit(
        BASE,
        ("horizon: {start: 2026, end: 2030}", "horizon: {start: 2026, end: 2030}\ndiscount_rate: -0.1"),
        ("    delivery_lag: 2\n", "    delivery_lag: 2\n    colour: blue\n"),
        ("    cost: 0.8e6", "    cost: -0.8e6"),
        ("  classes: {unit: classes}", "  classes: {unit: classes, weight: lots}"),
    )
    demand = "district,kind,year,value\nnord,classes,2026,10\nsud,classes,2026,douze\nsud,classes,2027,9,9\n"
    path = write(tmp_path, text, demand_csv=demand)
    csv = tmp_path / "demand.csv"
    problems = problems_of(path)
    shown = describe(problems)
    expected = [
        (("greater than or equal to 0",), "discount_rate", path, line_of(path, "discount_rate")),
        (("unknown key 'colour'",), "projects[0].colour", path, line_of(path, "colour")),
        (("greater than or equal to 0",), "projects[1].cost", path, line_of(path, "-0.8e6")),
        (("valid number", "'lots'"), "demand_kinds.classes.weight", path, line_of(path, "lots")),
        (("valid number", "'douze'"), "demand[1].value", csv, 3),
        (("more cells",), "demand[2]", csv, 4),
    ]
    for fragments, field, file, line in expected:
        assert find(problems, *fragments, path=field, file=file, line=line), (
            f"missing {fragments} at {file.name}:{line} {field}; got:\n{shown}"
        )
    assert len(problems) == len(expected), shown


def test_reference_defects_in_yaml_and_csv_are_all_reported_at_once(tmp_path):
    text = edit(
        BASE,
        ("  - id: ext-sud", "  - id: ecole-nord"),
        ("    district: sud\n", "    district: ouest\n"),
        ("    profile: [0.5, 0.5]", "    profile: [0.5, 0.4]"),
        ("2029: 1.0e6, ", ""),
    )
    demand = "district,kind,year,value\nnord,classes,2026,10\nsud,classe,2026,8\n"
    path = write(tmp_path, text, demand_csv=demand)
    csv = tmp_path / "demand.csv"
    problems = problems_of(path)
    shown = describe(problems)
    project_1 = line_of(path, "district: ouest") - 1
    expected = [
        (("used twice",), "projects[1].id", path, project_1),
        (("unknown district 'ouest'",), "projects[1].district", path, project_1 + 1),
        (("add up to 0.9",), "projects[0].profile", path, line_of(path, "[0.5, 0.4]")),
        (("no envelope", "2029"), "budget.annual", path, line_of(path, "annual:")),
        (("unknown demand kind 'classe'", "did you mean 'classes'"), "demand[1].kind", csv, 3),
    ]
    for fragments, field, file, line in expected:
        assert find(problems, *fragments, path=field, file=file, line=line), (
            f"missing {fragments} at {file.name}:{line} {field}; got:\n{shown}"
        )
    assert len(problems) == len(expected), shown


def test_shape_and_reference_defects_are_reported_together(tmp_path):
    text = edit(BASE, ("    cost: 0.8e6", "    cost: beaucoup"), ("    district: sud\n", "    district: ouest\n"))
    problems = problems_of(write(tmp_path, text, demand_csv=GOOD_DEMAND))
    assert find(problems, "valid number", path="projects[1].cost")
    assert find(problems, "unknown district 'ouest'", path="projects[1].district")


# --------------------------------------------------------------------------- numbers and tables


def test_csv_with_semicolons_and_decimal_commas(tmp_path):
    demand = "district;kind;year;value\nnord;classes;2026;10,5\nsud;classes;2026;8\nsud;classes;2027;8,25\n"
    scenario = load_scenario(write(tmp_path, BASE, demand_csv=demand))
    assert scenario.demand[("nord", "classes", 2026)] == 10.5
    assert scenario.demand[("sud", "classes", 2026)] == 8
    assert scenario.demand[("sud", "classes", 2027)] == 8.25
    assert scenario.demand[("sud", "classes", 2030)] == 8.25  # carried forward


def test_csv_with_tabs_and_a_byte_order_mark(tmp_path):
    path = write(tmp_path, BASE)
    (tmp_path / "demand.csv").write_bytes(
        "district\tkind\tyear\tvalue\r\nnord\tclasses\t2026\t10.5\r\nsud\tclasses\t2026\t8\r\n".encode("utf-8-sig")
    )
    scenario = load_scenario(path)
    assert scenario.demand[("nord", "classes", 2026)] == 10.5
    assert scenario.demand[("sud", "classes", 2026)] == 8


def test_csv_comma_separated_keeps_decimal_points(tmp_path):
    demand = 'district,kind,year,value\nnord,classes,2026,10.5\nsud,classes,2026,"8"\n'
    scenario = load_scenario(write(tmp_path, BASE, demand_csv=demand))
    assert scenario.demand[("nord", "classes", 2026)] == 10.5
    assert scenario.demand[("sud", "classes", 2026)] == 8


def test_numeric_looking_codes_in_a_csv_stay_text(tmp_path):
    """District codes such as 01 or 75011 are identifiers: a CSV cell must not turn them into numbers.

    Today `models.tables._cell` converts every cell that parses as a number, so `01` becomes the int 1 and
    the row is refused ("input should be a valid string (got 1)"): a user cannot fix this in a CSV.
    """
    text = edit(BASE, ("  - {id: nord}\n  - {id: sud}", '  - {id: "01"}\n  - {id: "75011"}'))
    text = text.replace("district: nord", 'district: "01"').replace("district: sud", 'district: "75011"')
    demand = "district,kind,year,value\n01,classes,2026,10\n75011,classes,2026,8\n"
    scenario = load_scenario(write(tmp_path, text, demand_csv=demand))
    assert scenario.demand[("01", "classes", 2026)] == 10
    assert scenario.demand[("75011", "classes", 2026)] == 8


PROJECTS_SCENARIO = """\
name: tables
horizon: {start: 2026, end: 2032}
demand_kinds:
  maternelle: {unit: classes}
  elementaire: {unit: classes}
  creche: {unit: places, weight: 0.05}
districts:
  - {id: nord}
  - {id: sud}
demand:
  - {district: nord, kind: maternelle, year: 2026, value: 12}
  - {district: sud, kind: creche, year: 2026, value: 60}
capacity:
  - {district: nord, kind: maternelle, year: 2026, value: 10}
budget:
  annual: 6.0e6
"""

PROJECTS_INLINE = """\
projects:
  - id: ecole-nord
    name: École du Nord
    district: nord
    theme: scolaire
    capacity: {maternelle: 2, elementaire: 3}
    cost: 9.0e6
    profile: [0.2, 0.5, 0.3]
    delivery_lag: 3
    maturity: faisabilite
    competence: ville
    excludes: [ext-nord]
  - id: ext-nord
    district: nord
    capacity: {maternelle: 1}
    cost: 1.5e6
    profile: [1.0]
    delivery_lag: 1
    earliest_start: 2027
    latest_start: 2029
    city_share: 0.5
    confidence: 0.9
    excludes: ecole-nord
  - id: creche-sud
    name: Crèche du Sud
    district: sud
    theme: petite enfance
    capacity: {creche: 40}
    cost: 3.5e6
    profile: [0.25, 0.75]
    delivery_lag: 2
    status: committed
    start: 2025
  - id: ext-sud
    district: sud
    capacity: {maternelle: 1, elementaire: 1}
    cost: 2.0e6
    profile: [0.5, 0.5]
    delivery_lag: 2
    status: mandatory
    requires: [creche-sud]
"""

PROJECT_COLUMNS = [
    "id", "name", "district", "theme", "capacity.maternelle", "capacity.elementaire", "capacity.creche",
    "cost", "profile", "delivery_lag", "maturity", "competence", "city_share", "confidence", "status", "start",
    "earliest_start", "latest_start", "excludes", "requires",
]  # fmt: skip
# The same projects as PROJECTS_INLINE, as a spreadsheet would hold them (None: empty cell).
PROJECT_ROWS = [
    ["ecole-nord", "École du Nord", "nord", "scolaire", 2, 3, None, 9.0e6, "0.2 0.5 0.3", 3, "faisabilite",
     "ville", None, None, None, None, None, None, "ext-nord", None],
    ["ext-nord", None, "nord", None, 1, None, None, 1.5e6, 1.0, 1, None, None, 0.5, 0.9, None, None, 2027, 2029,
     "ecole-nord", None],
    ["creche-sud", "Crèche du Sud", "sud", "petite enfance", None, None, 40, 3.5e6, "0.25|0.75", 2, None, None,
     None, None, "committed", 2025, None, None, None, None],
    ["ext-sud", None, "sud", None, 1, 1, None, 2.0e6, "0.5 | 0.5", 2, None, None, None, None, "mandatory", None,
     None, None, None, "creche-sud"],
]  # fmt: skip


def _csv_text(sep: str, decimal_comma: bool) -> str:
    """PROJECT_ROWS as CSV; with decimal_comma, numbers as French Excel writes them (0,5 and 1,5E+06)."""

    def cell(column: str, value) -> str:
        if value is None:
            return ""
        text = f"{value:G}" if isinstance(value, float) else str(value)
        if decimal_comma and (isinstance(value, float) or column == "profile"):
            text = text.replace(".", ",")
        return text

    lines = [sep.join(PROJECT_COLUMNS)]
    lines += [sep.join(cell(c, v) for c, v in zip(PROJECT_COLUMNS, row, strict=True)) for row in PROJECT_ROWS]
    return "\n".join(lines) + "\n"


@pytest.fixture
def inline_projects(tmp_path):
    folder = tmp_path / "inline"
    folder.mkdir()
    return load_scenario(write(folder, PROJECTS_SCENARIO + PROJECTS_INLINE))


@pytest.mark.parametrize("form", ["csv-comma", "csv-semicolon-decimal-comma", "xlsx", "xlsx-named-sheet"])
def test_projects_from_a_table_file_load_like_inline(tmp_path, inline_projects, form):
    folder = tmp_path / form
    folder.mkdir()
    if form == "csv-comma":
        (folder / "projects.csv").write_text(_csv_text(",", False), encoding="utf-8")
        ref = "projects: {file: projects.csv}\n"
    elif form == "csv-semicolon-decimal-comma":
        text = _csv_text(";", True)
        assert "1,5E+06" in text and "0,25|0,75" in text
        (folder / "projects.csv").write_text(text, encoding="utf-8")
        ref = "projects: {file: projects.csv}\n"
    else:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Notes" if form == "xlsx-named-sheet" else "Projets"
        if form == "xlsx-named-sheet":
            sheet.append(["this sheet is not the projects table"])
            sheet = book.create_sheet("Projets")
        sheet.append(PROJECT_COLUMNS)
        for row in PROJECT_ROWS:
            sheet.append(row)
        book.save(folder / "projets.xlsx")
        sheet_ref = ", sheet: Projets" if form == "xlsx-named-sheet" else ""
        ref = f"projects: {{file: projets.xlsx{sheet_ref}}}\n"
    from_table = load_scenario(write(folder, PROJECTS_SCENARIO + ref))
    assert from_table.spec.projects == inline_projects.spec.projects
    assert from_table.projects == inline_projects.projects
    assert from_table.warnings == inline_projects.warnings


def test_project_rows_in_a_table_are_located_on_their_own_line(tmp_path):
    rows = [list(r) for r in PROJECT_ROWS]
    rows[2][7] = -1  # creche-sud: negative cost, spreadsheet line 4
    text = "".join(",".join("" if v is None else str(v) for v in row) + "\n" for row in [PROJECT_COLUMNS, *rows])
    (tmp_path / "projects.csv").write_text(text, encoding="utf-8")
    problems = problems_of(write(tmp_path, PROJECTS_SCENARIO + "projects: {file: projects.csv}\n"))
    assert find(problems, "greater than or equal to 0", path="projects[2].cost", file=tmp_path / "projects.csv", line=4)


def test_exponent_floats_without_sign_read_as_floats():
    data, lines, problems = load_yaml_with_lines(
        "a: 9.0e6\nb: 1e6\nc: 2.5E+6\nd: -3.0e-2\ne: 12\nf: 0.8e6\ng: 1_000.5\nh: .5\ni: v1e6\n", "x.yaml"
    )
    assert problems == []
    assert data == {"a": 9.0e6, "b": 1e6, "c": 2.5e6, "d": -0.03, "e": 12, "f": 8e5, "g": 1000.5, "h": 0.5, "i": "v1e6"}
    for key in "abcdfgh":
        assert type(data[key]) is float, key
    assert type(data["e"]) is int
    assert lines[("c",)] == 3


def test_exponent_floats_in_a_scenario(tmp_path):
    text = edit(BASE, ("    cost: 2.0e6", "    cost: 9.0e6"), ("    cost: 0.8e6", "    cost: 8e5"))
    scenario = load_scenario(write(tmp_path, text, demand_csv=GOOD_DEMAND))
    assert scenario.project["ecole-nord"].cost == 9.0e6
    assert scenario.project["ext-sud"].cost == 8e5
    assert scenario.envelope[2026] == 1.0e6


@pytest.mark.parametrize("annual", ["12e6", "12.0e6", "12000000"])
def test_scalar_budget_applies_to_every_year(tmp_path, annual):
    text = edit(
        BASE,
        ("  annual: {2026: 1.0e6, 2027: 1.0e6, 2028: 1.0e6, 2029: 1.0e6, 2030: 1.0e6}", f"  annual: {annual}"),
    )
    scenario = load_scenario(write(tmp_path, text, demand_csv=GOOD_DEMAND))
    assert dict(scenario.envelope) == dict.fromkeys(scenario.years, 12e6)  # the tail years continue 2030's
    assert scenario.horizon_years == tuple(range(2026, 2031)) and scenario.years[-1] > 2030


def test_scalar_budget_negative_is_refused(tmp_path):
    text = edit(
        BASE,
        ("  annual: {2026: 1.0e6, 2027: 1.0e6, 2028: 1.0e6, 2029: 1.0e6, 2030: 1.0e6}", "  annual: -5e6"),
    )
    path = write(tmp_path, text, demand_csv=GOOD_DEMAND)
    problems = problems_of(path)
    assert problems and all("greater than or equal to 0" in p.message for p in problems)
    assert {p.line for p in problems} == {line_of(path, "annual:")}


def test_example_scenario_loads_without_warnings():
    scenario = load_scenario(EXAMPLE)
    assert scenario.name == "Exemple-Ville — PPI 2026-2035"
    assert len(scenario.projects) == 41
    assert scenario.envelope[2026] == 7.0e6
    assert scenario.warnings == ()


# --------------------------------------------------------------------------- JSON Schema


def _json_instance(path: Path):
    """The scenario as a JSON document would hold it (year keys become strings)."""
    data, _, problems = load_yaml_with_lines(path.read_text(encoding="utf-8"), str(path))
    assert problems == []
    return json.loads(json.dumps(data))


def _validator():
    import jsonschema

    schema = scenario_json_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_json_schema_accepts_the_example():
    errors = [e.message for e in _validator().iter_errors(_json_instance(EXAMPLE))]
    assert errors == []


def test_json_schema_accepts_tables_inline_and_in_files(tmp_path):
    validator = _validator()
    inline = PROJECTS_SCENARIO + edit(PROJECTS_INLINE, ("excludes: ecole-nord", "excludes: [ecole-nord]"))
    for text in (inline, PROJECTS_SCENARIO + "projects: {file: p.xlsx, sheet: A}\n"):
        (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
        assert [e.message for e in validator.iter_errors(_json_instance(tmp_path / "s.yaml"))] == []


def test_json_schema_accepts_a_single_id_for_excludes_and_requires(tmp_path):
    """The loader accepts `excludes: other-id` (one id without a list), so the schema must accept it too.

    Today the schema says `type: array` only, so an editor flags a scenario that `ppi validate` accepts.
    """
    text = PROJECTS_SCENARIO + edit(PROJECTS_INLINE, ("requires: [creche-sud]", "requires: creche-sud"))
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    load_scenario(tmp_path / "s.yaml")  # valid for the tool (and `excludes: ecole-nord` is in it too)
    errors = [e.message for e in _validator().iter_errors(_json_instance(tmp_path / "s.yaml"))]
    assert errors == []


@pytest.mark.parametrize(
    "name", ["unknown-key-in-project.yaml", "unknown-top-level-key.yaml", "negative-cost.yaml", "unknown-status.yaml"]
)
def test_json_schema_refuses_shape_defects(name):
    assert not _validator().is_valid(_json_instance(INVALID / name))


def test_json_schema_is_plain_json():
    schema = scenario_json_schema()
    assert json.loads(json.dumps(schema)) == schema
    assert schema["title"] == "ppi scenario"


def test_published_schema_file_is_up_to_date():
    assert SCHEMA_FILE.exists(), (
        "docs/scenario.schema.json is missing: run `ppi schema --out docs/scenario.schema.json`"
    )
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(scenario_json_schema())), (
        "docs/scenario.schema.json is stale: run `ppi schema --out docs/scenario.schema.json`"
    )


# --------------------------------------------------------------------------- hostile and oversized input
# The files that cannot be committed (absolute paths of this machine, symbolic links, megabytes) are made
# here; the rest is in tests/models/data/invalid/.


def only_problem(path: Path, **kwargs) -> Problem:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kwargs)
    assert len(info.value.problems) == 1, describe(info.value.problems)
    return info.value.problems[0]


def test_python_tags_construct_nothing(monkeypatch):
    """The tag is refused before anything is built: os.system is never called."""
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    for name in ("yaml-python-tag.yaml", "yaml-python-name-tag.yaml"):
        problems_of(INVALID / name)
    assert calls == []


def test_python_tag_in_an_override_is_refused(tmp_path):
    path = write(tmp_path, BASE, demand_csv=GOOD_DEMAND)
    problem = only_problem(path, overrides=("name=!!python/name:os.system",))
    assert "not allowed" in problem.message and problem.path == "name"


@pytest.fixture
def outside(tmp_path) -> tuple[Path, Path]:
    """A scenario in tmp_path/scenario/ and a demand table beside that folder, in tmp_path."""
    folder = tmp_path / "scenario"
    folder.mkdir()
    table = tmp_path / "demand.csv"
    table.write_text(GOOD_DEMAND, encoding="utf-8")
    return folder, table


def test_table_by_absolute_path_outside_the_folder_is_refused(outside):
    folder, table = outside
    path = write(folder, BASE.replace("{file: demand.csv}", f"{{file: '{table}'}}"))
    problem = only_problem(path)
    assert problem.path == "demand.file" and problem.line == line_of(path, "demand:")
    assert f"the table file {table} is outside the scenario's folder {folder.resolve()}" in problem.message
    assert "--allow-outside-files" in problem.message
    assert load_scenario(path, allow_outside_files=True).name == "several"


def test_table_by_relative_path_outside_the_folder_is_allowed_on_request(outside):
    folder, _ = outside
    path = write(folder, BASE.replace("{file: demand.csv}", "{file: ../demand.csv}"))
    assert "outside the scenario's folder" in only_problem(path).message
    assert load_scenario(path, allow_outside_files=True).name == "several"


def test_symbolic_link_out_of_the_folder_is_refused(outside):
    folder, table = outside
    (folder / "demand.csv").symlink_to(table)
    path = write(folder, BASE)
    problem = only_problem(path)
    assert "the table file demand.csv is outside the scenario's folder" in problem.message
    assert load_scenario(path, allow_outside_files=True).name == "several"


def test_tables_in_subfolders_and_links_inside_the_folder_are_fine(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "demand.csv").write_text(GOOD_DEMAND, encoding="utf-8")
    (tmp_path / "demand.csv").symlink_to(tmp_path / "tables" / "demand.csv")
    assert load_scenario(write(tmp_path, BASE)).name == "several"
    assert load_scenario(write(tmp_path, BASE.replace("demand.csv", "tables/demand.csv"))).name == "several"


def test_an_extended_scenario_may_be_in_a_parent_folder_with_its_own_tables(tmp_path):
    """`extends: ../base.yaml` is not restricted; the base's tables are read beside the base."""
    write(tmp_path, BASE, demand_csv=GOOD_DEMAND)
    (tmp_path / "variant").mkdir()
    child = tmp_path / "variant" / "child.yaml"
    child.write_text("extends: ../scenario.yaml\nname: child\n", encoding="utf-8")
    assert load_scenario(child).name == "child"


def test_scenario_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE + "#" * (MAX_YAML_BYTES // 2) + "\n" + "#" * (MAX_YAML_BYTES // 2) + "\n", encoding="utf-8")
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("the file was read"))
    problem = only_problem(path)
    assert problem.message.startswith("the file is 1.0 MB, larger than the 1 MB a scenario may have")
    assert problem.file == str(path)


def test_table_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, BASE)
    with open(tmp_path / "demand.csv", "wb") as f:  # a sparse file: 50 MB on paper, nothing on disk
        f.write(GOOD_DEMAND.encode())
        f.truncate(MAX_TABLE_BYTES + 1)
    problem = only_problem(path)
    assert problem.path == "demand.file"
    assert "demand.csv: the file is 50.0 MB, larger than the 50 MB a table may have" in problem.message


def test_table_over_the_row_limit_is_refused(tmp_path):
    rows = "".join(f"nord,classes,{2026 + i % 5},{i}\n" for i in range(MAX_TABLE_ROWS + 1))
    path = write(tmp_path, BASE, demand_csv="district,kind,year,value\n" + rows)
    problem = only_problem(path)
    assert problem.path == "demand.file"
    assert f"demand.csv has more than {MAX_TABLE_ROWS:,} rows" in problem.message


def test_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("models.tables.MAX_XLSX_UNPACKED_BYTES", 1000)
    shutil.copy(INVALID / "tables" / "projects.xlsx", tmp_path / "projects.xlsx")
    path = write(tmp_path, BASE.replace("projects:\n", "projects: {file: projects.xlsx}\nold_projects:\n"))
    problems = [p for p in problems_of(path) if p.path == "projects.file"]
    assert len(problems) == 1 and "projects.xlsx unpacks to" in problems[0].message


def billion_laughs(levels: int) -> str:
    """Each anchor a list of ten aliases of the one before: 10^levels values once expanded."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def deep_through_aliases(levels: int) -> str:
    """Each anchor 30 levels deep, holding the one before: shallow in the file, deep once expanded."""
    lines = [f"l{i}: &l{i} {'[' * 30}{f'*l{i - 1}' if i else 1}{']' * 30}" for i in range(levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text, fragment",
    [
        (billion_laughs(30), "values once its aliases"),
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than 40 levels"),
        ("a: " + "{b: " * 5_000 + "1" + "}" * 5_000 + "\n", "nested more than 40 levels"),
        ("a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 2_000)), "nested more than 40 levels"),
        (deep_through_aliases(40), "once its aliases are expanded"),
    ],
    ids=["billion-laughs-30-levels", "deep-lists", "deep-mappings", "deep-blocks", "deep-through-aliases"],
)
def test_hostile_yaml_is_refused_quickly(text, fragment):
    start = time.perf_counter()
    data, _, problems = load_yaml_with_lines(text, "x.yaml")
    assert time.perf_counter() - start < 5
    assert data is None and len(problems) == 1 and fragment in problems[0].message


# --------------------------------------------------------------------------- hostile or odd files (issue 15)
# Made at test time: named pipes and folders, workbooks whose XML lies about their size, alias bombs.


def _load_within(path: Path, seconds: float = 20.0, **kwargs) -> list[Problem]:
    """load_scenario's problems, in a thread: a load that blocks (open() on a named pipe waits for a writer)
    fails the test instead of hanging it."""
    import threading

    out: dict[str, object] = {}

    def run() -> None:
        try:
            load_scenario(path, **kwargs)
            out["problems"] = []
        except ScenarioError as exc:
            out["problems"] = exc.problems
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"load_scenario({path}) is still blocked after {seconds} s"
    assert "error" not in out, out.get("error")
    return out["problems"]  # type: ignore[return-value]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
@pytest.mark.parametrize("role", ["table", "scenario", "extends"])
def test_a_named_pipe_or_a_folder_is_refused_without_blocking(tmp_path, role, kind):
    """open() on a named pipe blocks until a writer comes: every file ppi reads must be a regular file,
    checked before it waits (finding 8)."""

    def make(path: Path) -> None:
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()

    what = "a named pipe" if kind == "fifo" else "a folder"
    if role == "table":
        path = write(tmp_path, BASE)
        make(tmp_path / "demand.csv")
    elif role == "scenario":
        path = tmp_path / "scenario.yaml"
        make(path)
    else:
        write(tmp_path, BASE, demand_csv=GOOD_DEMAND)
        path = tmp_path / "child.yaml"
        path.write_text("extends: base.yaml\nname: child\n", encoding="utf-8")
        make(tmp_path / "base.yaml")
    problems = _load_within(path)
    shown = describe(problems)
    assert find(problems, f"it is {what}, not a regular file"), shown
    if role == "table":
        assert len(problems) == 1 and problems[0].path == "demand.file", shown
    if role == "extends":
        assert find(problems, "the scenario extended", path="extends", file=path), shown


def _workbook(path: Path, rows: list[list], sheet_xml=None) -> None:
    """An XLSX workbook of `rows` written by openpyxl, its sheet's XML then changed by `sheet_xml(text)`."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    if sheet_xml is None:
        return
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = sheet_xml(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


XLSX_HEAD = ["id", "district", "capacity.classes", "cost", "profile", "delivery_lag"]
XLSX_ROWS = [
    ["ecole-nord", "nord", 2, 2e6, "0.5 0.5", 2],
    ["ext-sud", "sud", 1, 8e5, 1.0, 1],
    ["ecole-sud", "sud", 2, 1.5e6, 1.0, 2],
    ["ext-nord", "nord", 1, 7e5, 1.0, 1],
]


def _xlsx_scenario(folder: Path) -> Path:
    return write(folder, BASE.split("projects:\n")[0] + "projects: {file: projects.xlsx}\n", demand_csv=GOOD_DEMAND)


def test_xlsx_rows_beyond_a_stale_dimension_are_read(tmp_path):
    """The sheet declares A1:F2 (one project) but holds four: all four are read, as Excel shows them
    (openpyxl's read-only mode trusted the declaration: 1 of 4 projects, exit 0) (finding 9)."""
    _workbook(
        tmp_path / "projects.xlsx",
        [XLSX_HEAD, *XLSX_ROWS],
        lambda xml: _dimension(xml, "A1:F2"),
    )
    assert '<dimension ref="A1:F2"/>' in _sheet_xml(tmp_path / "projects.xlsx")
    scenario = load_scenario(_xlsx_scenario(tmp_path))
    assert [p.id for p in scenario.projects] == ["ecole-nord", "ext-sud", "ecole-sud", "ext-nord"]


def _dimension(xml: str, ref: str) -> str:
    """The sheet's XML declaring `ref` as its size."""
    import re

    changed, n = re.subn(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>', xml)
    assert n == 1
    return changed


def _sheet_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_xlsx_declaring_the_whole_grid_is_read_cell_by_cell(tmp_path, monkeypatch):
    """A few kB declaring A1:XFD1048576 with one cell in the last row: the reader touches the cells that are
    in the file, not the 17 billion the dimension declares (validate used to take 8 minutes) (finding 9)."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
    _workbook(
        tmp_path / "projects.xlsx",
        [XLSX_HEAD, *XLSX_ROWS[:2]],
        lambda xml: _dimension(xml, "A1:XFD1048576").replace("</sheetData>", far + "</sheetData>"),
    )
    assert (tmp_path / "projects.xlsx").stat().st_size < 10_000
    from models import tables

    touched = []
    parser = tables._parser_class()
    original = parser.parse_cell
    monkeypatch.setattr(parser, "parse_cell", lambda self, element: touched.append(1) or original(self, element))
    problems = problems_of(_xlsx_scenario(tmp_path))
    assert len(touched) <= 3 * len(XLSX_HEAD) + 1
    shown = describe(problems)
    assert len(problems) == 1, shown
    assert find(problems, "more cells than the header", path="projects[2]", line=1_048_576), shown


def test_alias_bomb_of_text_is_refused_before_anything_is_built(monkeypatch):
    """A 400 kB string anchored once and aliased 1,000 times (400 MB once expanded, 860 MB of output) is
    refused from the parsed nodes: nothing is built (finding 10)."""
    from models import yaml_lines

    text = "long: &s " + "x" * 400_000 + "\ncopies: [" + ", ".join(["*s"] * 1_000) + "]\n"
    assert len(text) < MAX_YAML_BYTES
    monkeypatch.setattr(yaml_lines._Loader, "construct_object", lambda *a, **k: pytest.fail("a value was built"))
    data, _, problems = load_yaml_with_lines(text, "x.yaml")
    assert data is None and len(problems) == 1
    assert "more than 10 MB of text once its aliases (*name) are expanded" in problems[0].message


def test_aliases_within_the_text_bound_are_fine():
    data, _, problems = load_yaml_with_lines("a: &s " + "x" * 1_000 + "\nb: [" + ", ".join(["*s"] * 100) + "]\n", "x")
    assert problems == [] and len(data["b"]) == 100


@pytest.mark.parametrize(
    "setting, field",
    [
        ("projects.ecole-nord.cost=true", "projects[0].cost"),
        ("projects.ext-sud.delivery_lag=false", "projects[1].delivery_lag"),
        ("projects.ext-sud.profile=[true]", "projects[1].profile[0]"),
        ("projects.ext-sud.city_share=true", "projects[1].city_share"),
        ("projects.ext-sud.earliest_start=true", "projects[1].earliest_start"),
        ("budget.annual.2027=true", "budget.annual[2027]"),
        ("discount_rate=true", "discount_rate"),
        ("demand_kinds.classes.weight=true", "demand_kinds.classes.weight"),
        ("finance.fctva.lag=true", "finance.fctva.lag"),
        (
            "finance.prospective={revenue: 5.0e7, spending: 4.0e7, interest_rate: true}",
            "finance.prospective.interest_rate",
        ),
    ],
)
def test_true_and_false_are_never_numbers(tmp_path, setting, field):
    """`true` was read as 1 in 43 numeric fields (finding 12)."""
    path = write(tmp_path, BASE, demand_csv=GOOD_DEMAND)
    problem = only_problem(path, overrides=(setting,))
    assert problem.path == field and "expected a number, not true or false" in problem.message


def test_yaml_1_1_booleans_are_text_and_true_false_stay_booleans(tmp_path):
    """`id: no` used to be the boolean False ("got False"); yes/no/on/off are text, as in YAML 1.2 (finding 12)."""
    text = edit(BASE, ("  - {id: nord}\n  - {id: sud}", "  - {id: no, rep: true}\n  - {id: on}"))
    text = text.replace("district: nord", "district: no").replace("district: sud", "district: on")
    demand = "district,kind,year,value\nno,classes,2026,10\non,classes,2026,8\n"
    scenario = load_scenario(write(tmp_path, text, demand_csv=demand))
    assert [d.id for d in scenario.spec.districts] == ["no", "on"]
    assert scenario.spec.districts[0].rep is True and scenario.spec.districts[1].rep is False
    data, _, _ = load_yaml_with_lines("a: yes\nb: off\nc: True\nd: FALSE\ne: y\n", "x")
    assert data == {"a": "yes", "b": "off", "c": True, "d": False, "e": "y"}


def test_yaml_merge_keys_are_read_as_yaml_defines_them(tmp_path):
    """`<<: *first` with keys of its own overriding the merged ones used to be refused as duplicates; the keys
    written in the mapping win over the merged ones, as YAML defines merge keys. A key written twice in the
    mapping itself is still a mistake."""
    text = edit(
        BASE,
        ("  - id: ecole-nord\n", "  - &first\n    id: ecole-nord\n"),
        ("  - id: ext-sud\n", "  - <<: *first\n    id: ext-sud\n"),
        ("    profile: [1.0]\n    delivery_lag: 1\n", ""),
    )
    scenario = load_scenario(write(tmp_path, text, demand_csv=GOOD_DEMAND))
    ext = scenario.spec.projects[1]
    assert (ext.id, ext.district, ext.cost, ext.capacity) == ("ext-sud", "sud", 0.8e6, {"classes": 1})  # its own
    assert (ext.profile, ext.delivery_lag) == ([0.5, 0.5], 2)  # merged from ecole-nord
    duplicate = load_yaml_with_lines("a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n  x: 3\n", "x")[2]
    assert len(duplicate) == 1 and "the key 'x' is given twice" in duplicate[0].message and duplicate[0].line == 5


def test_ids_typed_with_composed_or_decomposed_accents_are_one_id(tmp_path):
    """`école` (é, NFC) in the YAML and `école` (e + ́, NFD) in a CSV are the same district."""
    nfc, nfd = "\u00e9cole", "e\u0301cole"
    text = BASE.replace("{id: nord}", f"{{id: {nfc}}}").replace("district: nord", f"district: {nfd}")
    demand = GOOD_DEMAND.replace("nord", nfd)
    scenario = load_scenario(write(tmp_path, text, demand_csv=demand))
    assert scenario.demand[(nfc, "classes", 2026)] == 10
    assert scenario.project["ecole-nord"].district == nfc


def test_extends_of_a_non_scenario_file_does_not_echo_it(tmp_path):
    for name, content in [
        ("secret.txt", "login: admin\npassword: hunter2\n"),
        ("notes.txt", "hunter2 is the password: [unclosed\n"),
        ("plan.json", '{"status": "hunter2"}'),
    ]:
        (tmp_path / name).write_text(content, encoding="utf-8")
        child = tmp_path / "child.yaml"
        child.write_text(f"extends: {name}\n", encoding="utf-8")
        problems = problems_of(child)
        assert find(problems, "this file is not a scenario", file=tmp_path / name), describe(problems)
        assert not any("hunter2" in str(p) or "admin" in str(p) for p in problems), describe(problems)


def test_demand_and_capacity_rows_after_the_horizon_are_warned(tmp_path):
    demand = GOOD_DEMAND + "nord,classes,2031,12\nsud,classes,2045,9\n"
    scenario = load_scenario(write(tmp_path, BASE, demand_csv=demand))
    last = scenario.years[-1]
    assert 2030 < last < 2045  # 2031 is a tail year: its row is read
    assert scenario.demand[("nord", "classes", 2031)] == 12
    after = [w for w in scenario.warnings if "after the horizon" in w]
    where = f"{tmp_path / 'demand.csv'}:5: demand[3]"
    assert after == [
        f"{where}: rows for 2045 are after the horizon 2026-2030 and its tail years to {last}: they are not used"
    ]
    scenario = load_scenario(
        write(tmp_path, edit(BASE, ("end: 2030}", "end: 2030, end_rule: open}")), demand_csv=demand)
    )
    after = [w for w in scenario.warnings if "after the horizon" in w]
    where = f"{tmp_path / 'demand.csv'}:4: demand[2]"
    assert after == [f"{where}: rows for 2031, 2045 are after the horizon 2026-2030: they are not used"]


def test_a_point_in_a_decimal_comma_file_is_read_when_it_cannot_be_thousands(tmp_path):
    demand = "district;kind;year;value\nnord;classes;2026;10.5\nsud;classes;2026;1.5000\nsud;classes;2027;0.500\n"
    scenario = load_scenario(write(tmp_path, BASE, demand_csv=demand))
    assert scenario.demand[("nord", "classes", 2026)] == 10.5 and scenario.demand[("sud", "classes", 2026)] == 1.5
    assert scenario.demand[("sud", "classes", 2027)] == 0.5


def test_xlsx_over_the_row_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("models.tables.MAX_TABLE_ROWS", 3)
    _workbook(tmp_path / "projects.xlsx", [XLSX_HEAD, *XLSX_ROWS])
    problem = only_problem(_xlsx_scenario(tmp_path))
    assert problem.path == "projects.file" and "projects.xlsx has more than 3 rows" in problem.message


def test_a_formula_saved_with_an_empty_value_is_read_as_empty(tmp_path):
    """Excel saves `=IF(...;"")` with an empty value: computed, not ambiguous (only a formula without any saved
    value is)."""
    formula = '<c r="G3" t="str"><f>IF(1=2,"x","")</f><v></v></c>'
    _workbook(
        tmp_path / "projects.xlsx",
        [[*XLSX_HEAD, "name"], *XLSX_ROWS[:2]],
        lambda xml: xml.replace('</c></row><row r="3"', '</c></row><row r="3"').replace(
            "</row></sheetData>", formula + "</row></sheetData>"
        ),
    )
    assert formula in _sheet_xml(tmp_path / "projects.xlsx")
    scenario = load_scenario(_xlsx_scenario(tmp_path))
    assert scenario.spec.projects[1].name is None


def test_budget_true_with_an_override_is_one_problem(tmp_path):
    text = BASE.replace("annual: {2026: 1.0e6, 2027: 1.0e6, 2028: 1.0e6, 2029: 1.0e6, 2030: 1.0e6}", "annual: true")
    problem = only_problem(write(tmp_path, text, demand_csv=GOOD_DEMAND), overrides=("name=x",))
    assert problem.path == "budget.annual"
