"""The project matrix as a finance direction keeps it (issue 17 part 1): French headers, descriptive columns kept
as attributes, a subsidies table, numbers written the French way, and problems located at the cell that wrote
the faulty value even when a YAML overlay touches the same row. Real files written in tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import ScenarioError, load_scenario
from models.headers import french_number, map_headers

SCENARIO = textwrap.dedent(
    """\
    name: ville-test
    horizon: {start: 2026, end: 2030}
    demand_kinds:
      maternelle: {unit: classes}
      creche: {unit: places, weight: 0.05}
    districts:
      - {id: centre}
      - {id: nord}
    demand:
      - {district: centre, kind: maternelle, year: 2026, value: 12}
      - {district: nord, kind: creche, year: 2026, value: 40}
    budget:
      annual: 5.0e6
    """
)

HEADERS = [
    "Identifiant", "Équipement", "Éléments de projet", "Quartier", "Adresse", "Compétence", "Thématique",
    "Maturité", "Coût TTC (€)", "Échéancier CP", "Délai de livraison", "Début au plus tôt", "Capacité maternelle",
    "Capacité crèche", "Service", "N° AP", "Commentaire", "Couleur",
]  # fmt: skip
ROWS = [
    ["gs-centre", "Groupe scolaire Centre", "8 classes", "centre", "1 rue de la Paix", "Ville", "Scolaire",
     "Faisabilité", 4_000_000, "0,5|0,5", 2, 2027, 4, None, "Éducation", 2024012, "prioritaire", "bleu"],
    ["creche-nord", "Crèche Nord", None, "nord", "2 av. Foch", "Département", "Petite enfance", "Idée",
     "1,8 M€", "1", 1, None, None, 30, "Petite enfance", "2024013", None, None],
]  # fmt: skip


def write_scenario(folder: Path, extra: str = "", name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(SCENARIO + extra, encoding="utf-8")
    return path


def write_xlsx(path: Path, headers: list, rows: list[list], sheet: str = "Projets") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def write_csv(path: Path, headers: list, rows: list[list], sep: str = ";") -> Path:
    def cell(v) -> str:
        return "" if v is None else str(v)

    lines = [sep.join(headers), *(sep.join(cell(v) for v in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(path: Path, **kwargs) -> list:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kwargs)
    return info.value.problems


def shown(problems) -> list[str]:
    return [f"{Path(p.file).name}:{p.line}: {p.path}: {p.message}" for p in problems]


# --------------------------------------------------------------------------------------- French headers


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_french_project_matrix_is_read(tmp_path, form):
    if form == "xlsx":
        write_xlsx(tmp_path / "projets.xlsx", HEADERS, ROWS)
    else:
        write_csv(tmp_path / "projets.csv", HEADERS, ROWS)
    scenario = load_scenario(write_scenario(tmp_path, f"projects: {{file: projets.{form}}}\n"))
    gs, creche = scenario.project["gs-centre"], scenario.project["creche-nord"]
    assert (gs.name, gs.district, gs.theme, gs.maturity, gs.competence) == (
        "Groupe scolaire Centre", "centre", "Scolaire", "faisabilite", "ville",
    )  # fmt: skip
    assert scenario.spec.projects[0].description == "8 classes"
    assert gs.cost == 4_000_000 and gs.profile == (0.5, 0.5) and gs.delivery_lag == 2 and gs.earliest == 2027
    assert dict(gs.capacity) == {"maternelle": 4}
    assert (creche.cost, creche.competence, creche.maturity, dict(creche.capacity)) == (
        1_800_000, "departement", "idee", {"creche": 30},
    )  # fmt: skip
    # Descriptive columns are kept as written (an AP number stays text, with no `.0`).
    assert dict(gs.attributes) == {
        "Adresse": "1 rue de la Paix", "Service": "Éducation", "N° AP": "2024012", "Commentaire": "prioritaire",
        "Couleur": "bleu",
    }  # fmt: skip
    assert dict(creche.attributes) == {"Adresse": "2 av. Foch", "Service": "Petite enfance", "N° AP": "2024013"}
    # The columns a matrix is expected to hold (Adresse, Service, N° AP, Commentaire...) are kept without a word;
    # any other is kept with one warning (not one per row), naming the file and the header's line.
    assert scenario.warnings == (
        f"{tmp_path / f'projets.{form}'}:1: projects: the column 'Couleur' is not a field: kept as a description "
        "of each row",
    )


def test_headers_forgive_accents_case_plurals_spaces_and_underscores():
    headers = map_headers(
        ("projects",),
        ["ID", "EQUIPEMENT", "quartiers", "cout_ttc", "Debut-au-plus-tot", "delivery lag", "Capacités Crèche",
         "profile", "capacity.maternelle", "Statut"],
    )  # fmt: skip
    assert headers.fields == {
        "ID": "id", "EQUIPEMENT": "name", "quartiers": "district", "cout_ttc": "cost",
        "Debut-au-plus-tot": "earliest_start", "delivery lag": "delivery_lag", "Capacités Crèche": "capacity.creche",
        "profile": "profile", "capacity.maternelle": "capacity.maternelle", "Statut": "status",
    }  # fmt: skip
    assert headers.attributes == [] and headers.notes == []


def test_a_near_miss_is_kept_with_a_did_you_mean_and_explains_the_missing_field(tmp_path):
    headers = [h if h != "Quartier" else "Quartir" for h in HEADERS]
    write_xlsx(tmp_path / "projets.xlsx", headers, ROWS)
    problems = problems_of(write_scenario(tmp_path, "projects: {file: projets.xlsx}\n"))
    assert shown(problems) == [
        "projets.xlsx:2: projects[0].district: this required field is missing (the column 'Quartir' was not read "
        "as district: did you mean 'quartier'?)",
        "projets.xlsx:3: projects[1].district: this required field is missing (the column 'Quartir' was not read "
        "as district: did you mean 'quartier'?)",
    ]
    headers = map_headers(("projects",), ["Identifiant", "Quartier", "Maturiter"])
    assert headers.notes == [
        "the column 'Maturiter' is not a field: kept as a description of each row (did you mean 'maturité', maturity?)"
    ]


def test_a_missing_column_is_named_in_french(tmp_path):
    write_csv(tmp_path / "projets.csv", ["Identifiant", "Quartier", "Coût", "Délai", "Capacité crèche"],
              [["c", "nord", "1 M€", 1, 20]])  # fmt: skip
    problems = problems_of(write_scenario(tmp_path, "projects: {file: projets.csv}\n"))
    assert shown(problems) == [
        "projets.csv:2: projects[0].profile: this required field is missing (no column gives it: add one named "
        "'échéancier')"
    ]


def test_a_subsidies_column_in_the_project_table_says_where_aid_goes(tmp_path):
    write_xlsx(tmp_path / "projets.xlsx", [*HEADERS, "Subventions"], [[*ROWS[0], "CAF 17000 per place"]])
    problems = problems_of(write_scenario(tmp_path, "projects: {file: projets.xlsx}\n"))
    assert shown(problems) == [
        "projets.xlsx:1: projects: the column 'Subventions' cannot be read: list the aid in a subsidies table, one "
        "row per aid (subsidies: {file: ...}, see docs/model.md), or in the scenario file"
    ]


def test_two_columns_for_one_field_are_refused(tmp_path):
    write_xlsx(tmp_path / "projets.xlsx", [*HEADERS, "Secteur"], [[*ROWS[0], "nord"]])
    problems = problems_of(write_scenario(tmp_path, "projects: {file: projets.xlsx}\n"))
    assert shown(problems) == [
        "projets.xlsx:1: projects: the columns 'Quartier' and 'Secteur' both give district: keep one of them"
    ]


def test_french_headers_in_demand_and_capacity_tables(tmp_path):
    text = "Quartier;Type;Année;Valeur;Source\ncentre;maternelle;2026;12,5;rectorat\n"
    (tmp_path / "besoins.csv").write_text(text, "utf-8")
    text = SCENARIO.replace(
        "demand:\n  - {district: centre, kind: maternelle, year: 2026, value: 12}\n"
        "  - {district: nord, kind: creche, year: 2026, value: 40}\n",
        "demand: {file: besoins.csv}\n",
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    assert "demand: {file: besoins.csv}" in path.read_text()
    scenario = load_scenario(path)
    assert scenario.demand[("centre", "maternelle", 2027)] == 12.5
    assert scenario.warnings == (f"{tmp_path / 'besoins.csv'}:1: demand: the column 'Source' is not read",)


def test_attributes_may_be_written_in_yaml_and_merge_with_an_overlay(tmp_path):
    write_xlsx(tmp_path / "projets.xlsx", HEADERS, ROWS)
    write_scenario(tmp_path, "projects: {file: projets.xlsx}\n")
    (tmp_path / "plus.yaml").write_text(
        "extends: scenario.yaml\nprojects:\n  - {id: creche-nord, attributes: {Commentaire: à l'étude}}\n", "utf-8"
    )
    scenario = load_scenario(tmp_path / "plus.yaml")
    assert scenario.project["creche-nord"].attributes["Commentaire"] == "à l'étude"
    assert scenario.project["creche-nord"].attributes["Adresse"] == "2 av. Foch"


# --------------------------------------------------------------------------------------- French numbers


@pytest.mark.parametrize(
    "text, share, expected",
    [
        ("1,8 M€", False, 1_800_000),
        ("450 000 €", False, 450_000),
        ("1 800 000", False, 1_800_000),
        ("1\u202f800\u00a0000 €", False, 1_800_000),
        ("2,5", False, 2.5),
        ("300 k€", False, 300_000),
        ("1,2 milliards €", False, 1.2e9),
        ("1 800 000,50 €", False, 1_800_000.5),
        ("12 %", True, 0.12),
        ("12,5%", True, 0.125),
        ("-3", False, -3),
    ],
)
def test_french_numbers_are_read(text, share, expected):
    value = french_number(text, decimal_comma=False, share=share)
    assert value == pytest.approx(expected) and not isinstance(value, str)


@pytest.mark.parametrize(
    "text, share, reason",
    [
        ("12 %", False, "'12 %' is a percentage, but this column is not a share: write the number"),
        ("1,800", False, "'1,800' is ambiguous: 1.800 written with a decimal comma, or 1800 with an English "
         "thousands separator? Write 1800, or 1,8 for 1.8"),
        ("1,8 M€ HT", False, "'1,8 M€ HT' is not a number the tool can read: write it as 1800000, 1 800 000 €, "
         "1,8 M€ or 12 %"),
        ("450 000 €", True, "'450 000 €' is an amount in euros, but this column is a share (0 to 1, or 12 %)"),
    ],
)  # fmt: skip
def test_french_numbers_that_would_be_guessed_are_refused_with_the_reason(text, share, reason):
    value = french_number(text, decimal_comma=False, share=share)
    assert isinstance(value, str) and value.reason == reason


def test_french_numbers_in_cells_are_read_or_refused_with_a_clear_message(tmp_path):
    headers = ["id", "Quartier", "Coût", "Part ville", "Échéancier", "Délai", "Capacité maternelle"]
    rows = [
        ["a", "centre", "450 000 €", "80 %", "0,25|0,75", 1, 1],
        ["b", "centre", "1 800 000", 0.5, "1", 1, 1],
        ["c", "centre", "2,5", "1", "1", 1, 1],
        ["d", "centre", "12 %", "1", "1", 1, 1],
        ["e", "centre", "1,8 M€", "50 €", "1", 1, 1],
    ]
    write_xlsx(tmp_path / "projets.xlsx", headers, rows)
    problems = problems_of(write_scenario(tmp_path, "projects: {file: projets.xlsx}\n"))
    assert shown(problems) == [
        "projets.xlsx:5: projects[3].cost: '12 %' is a percentage, but this column is not a share: write the "
        "number (got '12 %')",
        "projets.xlsx:6: projects[4].city_share: '50 €' is an amount in euros, but this column is a share (0 to 1, "
        "or 12 %) (got '50 €')",
    ]
    rows = rows[:3]
    write_xlsx(tmp_path / "projets.xlsx", headers, rows)
    scenario = load_scenario(tmp_path / "scenario.yaml")
    a, b, c = (scenario.project[x] for x in "abc")
    assert (a.cost, a.city_share, a.profile) == (450_000, 0.8, (0.25, 0.75))
    assert (b.cost, c.cost) == (1_800_000, 2.5)


def test_a_text_cost_is_one_problem_not_also_a_false_aid_finding(tmp_path):
    headers = ["id", "Quartier", "Coût", "Échéancier", "Délai", "Capacité crèche"]
    write_xlsx(tmp_path / "projets.xlsx", headers, [["creche-nord", "nord", "à définir", "1", 1, 30]])
    (tmp_path / "aides.csv").write_text("Projet;Financeur;Par place;Nature\ncreche-nord;CAF;17000;creche\n", "utf-8")
    path = write_scenario(tmp_path, "projects: {file: projets.xlsx}\nsubsidies: {file: aides.csv}\n")
    assert shown(problems_of(path)) == [
        "projets.xlsx:2: projects[0].cost: input should be a valid number, unable to parse string as a number "
        "(got 'à définir')"
    ]
    text = SCENARIO + textwrap.dedent(
        """\
        projects:
          - {id: p, district: nord, capacity: {creche: 30}, cost: à définir, profile: [1], delivery_lag: 1,
             subsidies: [{name: CAF, per_unit: 17000, kind: creche}]}
        """
    )
    (tmp_path / "inline.yaml").write_text(text, encoding="utf-8")
    assert [p.path for p in problems_of(tmp_path / "inline.yaml")] == ["projects[0].cost"]


# --------------------------------------------------------------------------------------- subsidies table

SUBSIDIES = [
    ["Projet", "Financeur", "Montant", "Taux", "Par place", "Nature", "Versement", "Commentaire"],
    ["creche-nord", "CAF", None, None, "17 000 €", "creche", "livraison", "plan rebond"],
    ["creche-nord", "Département", "100 000 €", None, None, None, "N+1", None],
    ["gs-centre", "DSIL", None, "25 %", None, None, "au démarrage", None],
]


@pytest.mark.parametrize("form", ["csv", "xlsx-sheet"])
def test_a_subsidies_table_gives_each_project_its_aid(tmp_path, form):
    if form == "csv":
        write_xlsx(tmp_path / "projets.xlsx", HEADERS, ROWS)
        write_csv(tmp_path / "subventions.csv", SUBSIDIES[0], SUBSIDIES[1:])
        ref = "subsidies: {file: subventions.csv}\n"
        table = tmp_path / "subventions.csv"
    else:  # one workbook, a sheet per table
        write_xlsx(tmp_path / "projets.xlsx", HEADERS, ROWS)
        book = openpyxl.load_workbook(tmp_path / "projets.xlsx")
        ws = book.create_sheet("Subventions")
        for row in SUBSIDIES:
            ws.append(row)
        book.save(tmp_path / "projets.xlsx")
        ref = "subsidies: {file: projets.xlsx, sheet: Subventions}\n"
        table = tmp_path / "projets.xlsx"
    scenario = load_scenario(write_scenario(tmp_path, "projects: {file: projets.xlsx, sheet: Projets}\n" + ref))
    creche, gs = scenario.project["creche-nord"], scenario.project["gs-centre"]
    assert [(r.name, r.amount, r.offset) for r in creche.receipts] == [
        ("CAF", 17_000 * 30, creche.delivery_lag),
        ("Département", 100_000, 1),
    ]
    assert [(r.name, r.amount, r.offset) for r in gs.receipts] == [("DSIL", 0.25 * 4_000_000, 0)]
    assert f"{table}:1: subsidies: the column 'Commentaire' is not read" in scenario.warnings


def test_subsidies_table_rows_are_checked_and_located(tmp_path):
    write_xlsx(tmp_path / "projets.xlsx", HEADERS, ROWS)
    rows = [
        ["creche-nrd", "CAF", "10 000 €", None, None],
        ["creche-nord", "CAF", None, "90 %", None],
        ["gs-centre", "Région", "1 €", "10 %", None],
        ["gs-centre", "Région", None, None, "2000"],
    ]
    write_csv(tmp_path / "aides.csv", ["Projet", "Financeur", "Montant", "Taux", "Par place"], rows)
    path = write_scenario(tmp_path, "projects: {file: projets.xlsx}\nsubsidies: {file: aides.csv}\n")
    assert shown(problems_of(path)) == [
        "aides.csv:2: subsidies[0].project: unknown project 'creche-nrd' (did you mean 'creche-nord'?)",
        "aides.csv:4: subsidies[2]: give exactly one of amount, rate or per_unit",
        "aides.csv:5: subsidies[3]: per_unit and kind go together",
        "projets.xlsx:3: projects[1].subsidies: public aid totals 1,620,000 €, above 80 % of the cost "
        "(1,440,000 €): the commune must finance at least 20 % (art. L1111-10 CGCT); aid from the subsidies table: "
        "subsidies[1]",
    ]


# --------------------------------------------------------------------------------------- locations


def test_a_faulty_cell_of_a_row_an_overlay_touches_is_located_at_the_cell(tmp_path):
    rows = [list(ROWS[0]), list(ROWS[1]), list(ROWS[0]), list(ROWS[1])]
    rows[2][0], rows[3][0] = "gs-est", "creche-est"
    rows[3][3] = "rocabey"  # projets.xlsx row 5, projects[3]
    write_xlsx(tmp_path / "projets.xlsx", HEADERS, rows)
    write_scenario(tmp_path, "projects: {file: projets.xlsx}\n")
    overlay = tmp_path / "aides.yaml"
    overlay.write_text(
        textwrap.dedent(
            """\
            extends: scenario.yaml
            projects:
              - id: creche-est
                subsidies:
                  - {name: CAF, per_unit: 17000, kind: creche}
                  - {name: CAF, per_unit: -1, kind: creche}
            """
        ),
        encoding="utf-8",
    )
    assert shown(problems_of(overlay)) == [
        "aides.yaml:6: projects[3].subsidies[1].per_unit: input should be greater than or equal to 0 (got -1)",
        "projets.xlsx:5: projects[3].district: unknown district 'rocabey'",
    ]


def test_a_faulty_cell_of_a_row_a_variant_overrides_is_located_at_the_cell(tmp_path):
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][3] = "rocabey"
    write_xlsx(tmp_path / "projets.xlsx", HEADERS, rows)
    path = write_scenario(
        tmp_path,
        "projects: {file: projets.xlsx}\n"
        "variants:\n  aides:\n    override:\n      projects:\n        - {id: creche-nord, status: mandatory}\n",
    )
    assert shown(problems_of(path, variant="aides")) == [
        "projets.xlsx:3: projects[1].district: unknown district 'rocabey'"
    ]


def test_every_header_of_the_documented_mapping_is_read():
    """The mapping docs/model.md shows is the one the reader uses (models/headers.py HEADER_ALIASES)."""
    from models.headers import HEADER_ALIASES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text(encoding="utf-8")
    for table, aliases in HEADER_ALIASES.items():
        for name, written in aliases.items():
            for alias in written:
                read = map_headers(table, [alias])
                if (table, name) == (("projects",), "subsidies"):  # refused: aid goes in the subsidies table
                    assert read.fields == {} and "cannot be read" in read.errors[0], alias
                else:
                    assert read.fields == {alias: name}, (table, alias)
                assert alias in doc, f"docs/model.md does not list the header '{alias}' ({name})"


def test_a_money_column_in_thousands_or_millions_of_euros(tmp_path):
    headers = ["Identifiant", "Quartier", "Coût (k€)", "Échéancier", "Délai", "Capacité crèche"]
    rows = [["a", "nord", 4500, "1", 1, 20], ["b", "nord", "1 250,5", "1", 1, 20], ["c", "nord", "1,8 M€", "1", 1, 20]]
    write_xlsx(tmp_path / "projets.xlsx", headers, rows)
    path = write_scenario(tmp_path, "projects: {file: projets.xlsx}\n")
    assert shown(problems_of(path)) == [
        "projets.xlsx:4: projects[2].cost: '1,8 M€' gives its own unit in the column 'Coût (k€)', which is in k€: "
        "write the number alone (got '1,8 M€')"
    ]
    write_xlsx(tmp_path / "projets.xlsx", headers, rows[:2])
    scenario = load_scenario(path)
    assert (scenario.project["a"].cost, scenario.project["b"].cost) == (4_500_000, 1_250_500)
    write_xlsx(tmp_path / "projets.xlsx", [*headers[:4], "Délai (M€)", headers[5]], rows[:1])
    assert shown(problems_of(path)) == [
        "projets.xlsx:1: projects: the column 'Délai (M€)' is in M€, but delivery_lag is not an amount in euros"
    ]


def test_a_quartier_written_by_its_name_in_a_table_is_read_as_its_id(tmp_path):
    text = SCENARIO.replace("  - {id: centre}\n", "  - {id: centre, name: Centre-ville}\n")
    (tmp_path / "scenario.yaml").write_text(text + "projects: {file: projets.csv}\n", encoding="utf-8")
    rows = [
        ["a", "Centre-Ville", "1 M€", "1", 1, 2],
        ["b", "NORD", "1 M€", "1", 1, 2],
        ["c", "Gare", "1 M€", "1", 1, 2],
    ]
    write_csv(tmp_path / "projets.csv", ["Identifiant", "Quartier", "Coût", "Échéancier", "Délai", "Capacité crèche"],
              rows)  # fmt: skip
    assert shown(problems_of(tmp_path / "scenario.yaml")) == [
        "projets.csv:4: projects[2].district: unknown district 'Gare'"
    ]
    write_csv(tmp_path / "projets.csv", ["Identifiant", "Quartier", "Coût", "Échéancier", "Délai", "Capacité crèche"],
              rows[:2])  # fmt: skip
    scenario = load_scenario(tmp_path / "scenario.yaml")
    assert (scenario.project["a"].district, scenario.project["b"].district) == ("centre", "nord")
    # In the YAML file, the id itself.
    (tmp_path / "inline.yaml").write_text(
        text + "projects:\n  - {id: a, district: Centre-ville, capacity: {creche: 1}, cost: 1, profile: [1], "
        "delivery_lag: 1}\n",
        encoding="utf-8",
    )
    assert [p.message for p in problems_of(tmp_path / "inline.yaml")] == ["unknown district 'Centre-ville'"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.booleans(), st.booleans())
def test_any_cell_text_reads_as_a_number_a_refusal_or_itself(text, decimal_comma, share):
    value = french_number(text, decimal_comma=decimal_comma, share=share)
    assert isinstance(value, (int, float)) or value == text


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99), st.sampled_from(" \u00a0\u202f")
)
def test_a_number_written_the_french_way_reads_back(whole, cents, space):
    grouped = f"{whole:,}".replace(",", space)
    assert french_number(grouped, decimal_comma=False, share=False) == whole
    assert french_number(f"{grouped} €", decimal_comma=False, share=False) == whole
    written = f"{grouped},{cents:02d} €"
    assert french_number(written, decimal_comma=False, share=False) == pytest.approx(whole + cents / 100)


def test_an_overlay_changes_one_year_of_an_envelope_given_for_every_year(tmp_path):
    write_scenario(tmp_path)  # budget: annual: 5.0e6
    (tmp_path / "plus.yaml").write_text("extends: scenario.yaml\nbudget: {annual: {2028: 9.5e6}}\n", "utf-8")
    scenario = load_scenario(tmp_path / "plus.yaml")
    assert dict(scenario.envelope) == {2026: 5e6, 2027: 5e6, 2028: 9.5e6, 2029: 5e6, 2030: 5e6}
    (tmp_path / "bad.yaml").write_text("extends: scenario.yaml\nbudget: {annual: {2028: -1}}\n", "utf-8")
    assert shown(problems_of(tmp_path / "bad.yaml")) == [
        "bad.yaml:2: budget.annual[2028]: input should be greater than or equal to 0 (got -1)"
    ]


def test_a_header_with_a_note_in_brackets_and_a_cost_before_vat(tmp_path):
    headers = ["Identifiant", "Quartier", "Compétence (Ville, Département, privé…)", "Coût HT", "Échéancier",
               "Délai", "Capacité crèche"]  # fmt: skip
    write_xlsx(tmp_path / "projets.xlsx", headers, [["c", "nord", "Département", 1_000_000, "1", 1, 20]])
    assert shown(problems_of(write_scenario(tmp_path, "projects: {file: projets.xlsx}\n"))) == [
        "projets.xlsx:2: projects[0].cost: this required field is missing (the column 'Coût HT' is before VAT, not "
        "read as cost: give it TTC)"
    ]
    headers[3] = "Coût TTC"
    write_xlsx(tmp_path / "projets.xlsx", headers, [["c", "nord", "Département", 1_000_000, "1", 1, 20]])
    assert load_scenario(tmp_path / "scenario.yaml").project["c"].competence == "departement"


def test_a_derived_scenario_keeps_the_warnings_about_its_table_columns(tmp_path):
    from models.edits import SetValue, derive

    write_xlsx(tmp_path / "projets.xlsx", HEADERS, ROWS)
    scenario = load_scenario(write_scenario(tmp_path, "projects: {file: projets.xlsx}\n"))
    derived = derive(scenario, [SetValue("budget.annual.2027", 6e6)])
    assert derived.envelope[2027] == 6e6
    assert derived.table_notes == scenario.table_notes == scenario.warnings[:1]
    assert "the column 'Couleur'" in derived.warnings[0]
