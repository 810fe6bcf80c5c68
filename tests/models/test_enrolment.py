"""Enrolment from the national file fr-en-ecoles-effectifs-nb_classes (models/enrolment.py, `ppi enrolment`):
the shipped Ille-et-Vilaine file read for several communes, unmapped schools reported, public/private
selection, selection by INSEE code, ULIS, and the Rennes scenario's tables reproduced byte for byte."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

import cli
import ppi
from models import enrolment as en
from models.load import load_scenario
from tests.helpers import ENROLMENT_TABLES

REPO = Path(__file__).resolve().parents[2]
FILE = REPO / "data" / "ecoles-effectifs-ille-et-vilaine-2019-2022.csv"
RENNES = REPO / "scenarios" / "rennes"
RENNES_MAP = RENNES / "ecoles-quartiers.csv"
# The command of scenarios/rennes/README.md.
RENNES_OPTIONS = {"capacity_year": 2026, "classes_by": "school"}
RENNES_CHILDCARE = {"under_3": 0.75, "creche_places": 0.20, "creche_places_rep": 0.16}
RENNES_FILES = ENROLMENT_TABLES


@pytest.fixture(scope="module")
def national():
    return en.read_national_file(FILE)


def write_map(path: Path, rows: list[tuple[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["uai", "district"])
        w.writerows(rows)
    return path


def map_by_postcode(national, commune: str, path: Path, sector: str = "public") -> Path:
    """A mapping of every school of the commune to a quartier per postcode and REP flag."""
    _, rows = en.select_commune(national, commune)
    seen = {}
    for r in sorted(rows, key=lambda r: r.year):
        if r.sector == sector:
            seen[r.uai] = f"q-{r.postcode}" + ("-rep" if r.rep else "")
    return write_map(path, sorted(seen.items()))


def test_the_shipped_file_is_the_whole_departement(national):
    assert len(national.rows) == 2704
    assert national.years == (2019, 2020, 2021, 2022)
    assert len(national.communes) == 294
    assert not national.has_insee  # the ministry's file names the commune, without its INSEE code
    first = national.rows[0]  # the BOM before "Rentrée scolaire" is not part of the first column's name
    assert (first.year, first.commune, first.uai) == (2022, "ACIGNE", "0350103X")


@pytest.mark.parametrize("commune", ["Rennes", "Saint-Malo", "Fougères", "Vitré", "Bruz", "Acigné"])
def test_pupils_and_classes_of_the_base_year_agree_with_the_file(national, commune, tmp_path):
    """Per quartier: pupils are the file's; the classes of both kinds add up to the file's total, and each
    kind is within one class of the file's own count (single-kind schools' classes, plus the primaires'
    classes split pro rata of their pupils: the file gives a primaire's classes only as a total)."""
    name, rows = en.select_commune(national, commune)
    mapping = en.read_school_map(map_by_postcode(national, commune, tmp_path / "map.csv"))
    e = en.prepare(rows, mapping, commune=name)
    assert e.base_year == 2022 and e.first_year == 2019 and not e.unmapped and not e.absent
    base = [r for r in rows if r.year == 2022 and r.sector == "public"]
    for d in e.districts:
        schools = [r for r in base if mapping.district[r.uai] == d]
        assert e.pupils[(d, "maternelle")] == sum(r.pre for r in schools)
        assert e.pupils[(d, "elementaire")] == sum(r.ele + r.ulis for r in schools)
        assert e.classes[(d, "maternelle")] + e.classes[(d, "elementaire")] == sum(r.classes for r in schools)
        own = {"maternelle": 0.0, "elementaire": 0.0}
        for r in schools:
            p = r.pupils()
            for k in own:
                own[k] += r.classes * p[k] / (p["maternelle"] + p["elementaire"])
        for k in own:
            assert abs(e.classes[(d, k)] - own[k]) < 1, (d, k, e.classes[(d, k)], own[k])


def test_the_split_by_school_keeps_whole_classes_per_school_but_may_drift(national):
    """Rennes 35000: halves all rounded to maternelle make +1.5 classes by school; by quartier, within one."""
    name, rows = en.select_commune(national, "Rennes")
    mapping = en.read_school_map(RENNES_MAP)
    by_school = en.prepare(rows, mapping, classes_by="school")
    by_quartier = en.prepare(rows, mapping)
    assert by_school.classes[("rennes-35000", "maternelle")] == 102
    assert by_quartier.classes[("rennes-35000", "maternelle")] == 101
    for e in (by_school, by_quartier):
        assert sum(e.classes.values()) == 683
        for s in e.schools:
            assert s["classes_maternelle"] + s["classes_elementaire"] == s["classes"]
            assert min(s["classes_maternelle"], s["classes_elementaire"]) >= 0


def test_rennes_tables_are_reproduced_byte_for_byte(tmp_path):
    """The Rennes scenario's tables are what `ppi enrolment` writes from the shipped département file."""
    result, written = ppi.enrolment(FILE, "Rennes", RENNES_MAP, tmp_path / "out", **RENNES_CHILDCARE, **RENNES_OPTIONS)
    assert sorted(written) == sorted(RENNES_FILES)
    for name in RENNES_FILES:
        assert (tmp_path / "out" / name).read_bytes() == (RENNES / name).read_bytes(), name
    assert result.level_shares == {"CP": 0.2072, "CE1": 0.2023, "CE2": 0.21, "CM1": 0.1895, "CM2": 0.191}
    spec = load_scenario(RENNES / "scenario.yaml").spec
    assert spec.forecast.school.levels["elementaire"] == result.level_shares
    assert {d.id for d in spec.districts if d.rep} == {d for d in result.districts if result.rep[d]}


def test_the_command_prints_a_summary_and_leaves_equal_tables_alone(tmp_path, capsys):
    args = [str(FILE), "--commune", "rennes", "--map", str(RENNES_MAP), "--out", str(tmp_path)]
    assert cli.main(["enrolment", *args]) == 0
    out = capsys.readouterr().out
    assert "rennes-35000-rep" in out and "every school of the commune is mapped" in out
    assert "élémentaire level shares 2022: CP 0.2072" in out and "written:" in out
    assert cli.main(["enrolment", *args]) == 0
    assert "already up to date" in capsys.readouterr().out
    (tmp_path / "effectifs.csv").write_text("district,kind,pupils\n", encoding="utf-8")
    assert cli.main(["enrolment", *args]) == 1
    assert "--force" in capsys.readouterr().err
    assert cli.main(["enrolment", *args, "--force"]) == 0


def test_unmapped_schools_and_absent_uais_are_reported(national, tmp_path, capsys):
    rows = [(u, d) for u, d in en.read_school_map(RENNES_MAP).district.items()]
    dropped = [u for u, _ in rows[:2]]
    fougeres = next(r.uai for r in national.rows if r.commune == "FOUGERES")
    mapping = write_map(tmp_path / "map.csv", rows[2:] + [("0359999Z", "rennes-35000"), (fougeres, "rennes-35000")])
    name, selected = en.select_commune(national, "Rennes")
    e = en.prepare(selected, en.read_school_map(mapping), commune=name, national=national)
    assert [u.uai for u in e.unmapped] == sorted(dropped, key=lambda u: next(x.name for x in e.unmapped if x.uai == u))
    assert all(u.name.startswith("ECOLE") and u.years == (2019, 2020, 2021, 2022) for u in e.unmapped)
    assert dict(e.absent) == {"0359999Z": "", fougeres: "FOUGERES"}
    assert len(e.schools) == 75
    code = cli.main(
        ["enrolment", str(FILE), "--commune", "Rennes", "--map", str(mapping), "--out", str(tmp_path / "o")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "2 school(s) of the commune not in the mapping (left out):" in out
    for u in e.unmapped:
        assert f"{u.uai}  {u.name}" in out
    assert "0359999Z  (not in the file)" in out and f"{fougeres}  (in the file under FOUGERES)" in out


def test_public_schools_by_default_private_on_request(national, tmp_path):
    name, rows = en.select_commune(national, "Rennes")
    public_map = en.read_school_map(RENNES_MAP)
    assert len(en.prepare(rows, public_map).schools) == 77
    private_map = en.read_school_map(map_by_postcode(national, "Rennes", tmp_path / "p.csv", sector="private"))
    private = en.prepare(rows, private_map, sector="private")
    assert len(private.schools) == 18
    assert sum(private.pupils.values()) == 4740  # 25 % of Rennes' 18,803 pupils in 2022
    assert not private.unmapped
    both = en.prepare(rows, public_map, sector="all")
    assert len(both.unmapped) == 18 and {u.uai for u in both.unmapped} == set(private_map.district)
    assert en.prepare(rows, private_map).other_sector == sorted(private_map.district)


def test_selection_by_insee_code(national, tmp_path):
    by_name = en.select_commune(national, "Saint-Malo")
    with pytest.raises(en.EnrolmentError, match="no INSEE code column.*--communes"):
        en.select_commune(national, "35288")
    cog = tmp_path / "v_commune_2024.csv"
    cog.write_text(
        "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
        "COM,35238,53,35,35D,353,0,RENNES,Rennes,Rennes,3599,\n"
        "COM,35288,53,35,35D,354,0,SAINT MALO,Saint-Malo,Saint-Malo,3599,\n"
        "COM,35115,53,35,35D,352,0,FOUGERES,Fougères,Fougères,3599,\n",
        encoding="utf-8",
    )
    communes = en.read_communes(cog)
    assert en.select_commune(national, "35288", communes) == by_name
    assert en.select_commune(national, "35115", communes) == en.select_commune(national, "fougeres")
    with pytest.raises(en.EnrolmentError, match="35999 is not in the communes table"):
        en.select_commune(national, "35999", communes)
    # A file with its own INSEE code column is read directly.
    text = FILE.read_text(encoding="utf-8-sig").splitlines()
    lines = [text[0] + ";Code commune"] + [
        line + (";35238" if line.split(";")[4] == "RENNES" else ";35000") for line in text[1:]
    ]
    with_code = tmp_path / "with-code.csv"
    with_code.write_text("\n".join(lines) + "\n", encoding="utf-8")
    coded = en.read_national_file(with_code)
    assert coded.has_insee
    name, rows = en.select_commune(coded, "35238")
    assert name == "RENNES" and len(rows) == 377


def test_commune_names_are_forgiven_and_near_misses_suggested(national):
    assert en.select_commune(national, "saint malo")[0] == "SAINT-MALO"
    assert en.select_commune(national, "Cesson-Sévigné")[0] == "CESSON-SEVIGNE"
    with pytest.raises(en.EnrolmentError, match="did you mean RENNES"):
        en.select_commune(national, "Renes")


def test_ulis_pupils_count_in_elementaire_or_are_left_out(national):
    """Rennes 2022: 8,418 élémentaire pupils and 73 in ULIS; the level shares never include ULIS."""
    name, rows = en.select_commune(national, "Rennes")
    mapping = en.read_school_map(RENNES_MAP)
    counted = en.prepare(rows, mapping)
    excluded = en.prepare(rows, mapping, ulis="exclude")
    total = {k: sum(e.pupils[(d, "elementaire")] for d in e.districts) for k, e in (("in", counted), ("out", excluded))}
    assert total == {"in": 8491, "out": 8418}
    assert counted.level_shares == excluded.level_shares
    assert sum(excluded.classes.values()) == sum(counted.classes.values()) == 683
    assert sum(s["ulis"] for s in counted.schools) == 73


def test_trends_per_quartier_or_per_kind(national):
    name, rows = en.select_commune(national, "Rennes")
    mapping = en.read_school_map(RENNES_MAP)
    one = en.prepare(rows, mapping)
    assert one.trend[("rennes-35700", "maternelle")] == one.trend[("rennes-35700", "elementaire")] == 0.0173
    per_kind = en.prepare(rows, mapping, trend="kind")
    obs = per_kind.observed
    mat = round(
        (obs[("rennes-35700", "maternelle", 2022)][1] / obs[("rennes-35700", "maternelle", 2019)][1]) ** (1 / 3) - 1, 4
    )
    assert per_kind.trend[("rennes-35700", "maternelle")] == mat
    assert per_kind.trend[("rennes-35700", "elementaire")] > 0.05  # the +5 % a year the README warns about
    short = en.prepare(rows, mapping, first_year=2021)
    assert short.first_year == 2021 and short.trend != one.trend


def test_the_tables_plug_into_a_scenario(national, tmp_path):
    """The fragment and tables written for a commune make a scenario that validates and derives demand."""
    out = tmp_path / "saint-malo"
    mapping = map_by_postcode(national, "Saint-Malo", tmp_path / "map.csv")
    e, _ = ppi.enrolment(FILE, "Saint-Malo", mapping, out, capacity_year=2026)
    fragment = yaml.safe_load((out / "enrolment.yaml").read_text(encoding="utf-8"))
    scenario = {
        "horizon": {"start": 2026, "end": 2030},
        "demand_kinds": {"maternelle": {"unit": "classes"}, "elementaire": {"unit": "classes"}},
        "budget": {"annual": 1e6},
        **fragment,
    }
    (out / "scenario.yaml").write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    loaded = load_scenario(out / "scenario.yaml")
    assert set(loaded.demand_source.values()) == {"forecast"}
    assert tuple(loaded.districts) == e.districts
    rep = {d.id for d in loaded.spec.districts if d.rep}
    assert rep == {d for d in e.districts if d.endswith("-rep")}
    assert sum(v for (d, k, y), v in loaded.existing.items() if y == 2026) == sum(e.classes.values())


def test_bad_inputs_are_explained(national, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(en.EnrolmentError, match="not the file fr-en-ecoles-effectifs-nb_classes"):
        en.read_national_file(bad)
    lines = FILE.read_text(encoding="utf-8-sig").splitlines()
    doubled = tmp_path / "doubled.csv"
    doubled.write_text("\n".join([lines[0], lines[1], lines[2], lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(en.EnrolmentError, match="doubled.csv:4: school 0350103X is already given for 2022 on line 2"):
        en.read_national_file(doubled)
    twice = write_map(tmp_path / "twice.csv", [("0350592D", "a"), ("0350592D", "b")])
    with pytest.raises(en.EnrolmentError, match="mapped twice"):
        en.read_school_map(twice)
    with pytest.raises(en.EnrolmentError, match="not a school UAI"):
        en.read_school_map(write_map(tmp_path / "uai.csv", [("Lotte", "a")]))
    name, rows = en.select_commune(national, "Rennes")
    with pytest.raises(en.EnrolmentError, match="base year 2023 is not in the file"):
        en.prepare(rows, en.read_school_map(RENNES_MAP), base_year=2023)


def test_every_commune_of_the_file_can_be_prepared(national, tmp_path):
    """Each of the 294 communes, as one quartier: its classes are the file's, each kind within one class."""
    for commune in national.communes:
        name, rows = en.select_commune(national, commune)
        public = sorted({r.uai for r in rows if r.sector == "public"})
        if not public:
            continue
        path = write_map(tmp_path / "one.csv", [(u, "commune") for u in public])
        e = en.prepare(rows, en.read_school_map(path), commune=name)
        base = [r for r in rows if r.year == e.base_year and r.sector == "public"]
        assert sum(e.classes.values()) == sum(r.classes for r in base), name
        pro_rata = sum(r.classes * r.pre / (r.pre + r.ele + r.ulis) for r in base if r.pre + r.ele + r.ulis)
        assert abs(e.classes[("commune", "maternelle")] - pro_rata) < 1, name
        assert not e.unmapped and not e.absent


@pytest.mark.parametrize(
    "args, message",
    [
        (["--commune", "Rennes", "--map", "missing.csv", "--out", "o"], "mapping file missing.csv does not exist"),
        (["--commune", "Nowhere", "--map", str(RENNES_MAP), "--out", "o"], "no commune named 'Nowhere'"),
        (["--commune", "Rennes", "--map", str(RENNES_MAP), "--out", "o", "--creche-places", "0.2"], "under-3"),
    ],
)
def test_the_command_says_what_is_wrong(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["enrolment", str(FILE), *args]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_the_api_export_with_its_ids_commas_and_ueea_is_read_the_same(national, tmp_path):
    """The data set's API export: snake_case ids (`rep__` for REP +), `,` separator, and the UEEA column the
    file has from 2024 (counted in élémentaire, like ULIS)."""
    ids = ["rentree_scolaire", "region_academique", "academie", "departement", "commune", "numero_de_l_ecole"]
    ids += ["denomination_principale", "patronyme", "secteur", "rep", "rep__", "nombre_total_de_classes"]
    ids += ["nombre_total_d_eleves", "nombre_d_eleves_en_pre_elementaire_hors_ulis"]
    ids += ["nombre_d_eleves_en_elementaire_hors_ulis", "nombre_d_eleves_en_ulis"]
    ids += [f"nombre_d_eleves_en_{lv}_hors_ulis" for lv in ("cp", "ce1", "ce2", "cm1", "cm2")]
    ids += ["tri", "code_postal", "nombre_d_eleves_en_ueea"]
    source = list(csv.reader(FILE.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    api = tmp_path / "fr-en-ecoles-effectifs-nb_classes.csv"
    with open(api, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(ids)
        w.writerows(row + ["2" if i == 0 else "0"] for i, row in enumerate(source[1:]))
    read = en.read_national_file(api)
    assert len(read.rows) == len(national.rows)
    assert read.rows[1:] == tuple(r for r in national.rows[1:])  # the line numbers are the same
    first, same = read.rows[0], national.rows[0]
    assert (first.ueea, first.rep_plus, first.pupils()["elementaire"]) == (2, same.rep_plus, same.ele + same.ulis + 2)
    assert sum(r.rep_plus for r in read.rows) == 20
