"""Enrolment from the education ministry's national file: base pupils, classes, REP flags and trends per quartier.

The file is the open data set `fr-en-ecoles-effectifs-nb_classes` ("Effectifs d'élèves par niveau et nombre de
classes par école", data.education.gouv.fr, Licence Ouverte): one row per school and rentrée with its UAI
(`Numéro de l'école`), commune, public or private sector, REP and REP+ flags, number of classes and pupils in
pré-élémentaire, élémentaire (and per level CP…CM2), ULIS (and, from 2024, UEEA). It is read as published:
`;`-separated (`,` and tab accepted), UTF-8 with or without a BOM (Windows-1252 accepted), with the real column
names or the API's ids (`numero_de_l_ecole`, `nombre_d_eleves_en_ulis`...).

From it, for one commune (by name, or by INSEE code: see `select_commune`) and a school → quartier mapping
table (one row per UAI), `prepare` gives, per quartier:

- base pupils per kind in the base year (maternelle = pré-élémentaire; élémentaire = élémentaire + ULIS +
  UEEA, see ULIS below) and their yearly trend over the years the file holds;
- classes per kind: a maternelle or élémentaire school's classes belong to its one kind; a primaire
  school's are split pro rata of its pupils, rounded half up, the school's total kept;
- the REP flag: a quartier is REP when most of its base-year pupils are in REP or REP+ schools (a mixed
  quartier is reported);
- the élémentaire level shares (CP…CM2) of the commune's base-year schools; the file has no PS/MS/GS detail.

ULIS (and UEEA) pupils: counted in élémentaire by default. The file gives them apart from the levels; the ULIS
école units take children of élémentaire age, included part of the time in an ordinary class, and the
planning must seat them. `ulis="exclude"` leaves them out of pupils and of the class split.

Schools of the commune that the mapping does not name are reported (name and UAI) and left out; so are
mapped UAIs the file does not hold. Nothing here imports the solver or writes a file: `tables` returns the
bytes of each table, `ppi.enrolment` writes them.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from models.limits import MAX_TABLE_BYTES, read_bytes

KINDS = ("maternelle", "elementaire")
LEVELS = ("CP", "CE1", "CE2", "CM1", "CM2")
SECTORS = ("public", "private", "all")
ULIS_CHOICES = ("elementaire", "exclude")
TREND_CHOICES = ("district", "kind")
CLASSES_CHOICES = ("quartier", "school")
SOURCE = "fr-en-ecoles-effectifs-nb_classes (data.education.gouv.fr, Licence Ouverte)"
MAX_NATIONAL_BYTES = 400 * 1024 * 1024  # the whole national file is about 60 MB

# File names of the tables `tables` returns (the scenario names them in `{file: ...}`).
PUPILS_FILE = "effectifs.csv"
CAPACITY_FILE = "capacity.csv"
UNDER_3_FILE = "petite-enfance.csv"
OBSERVED_FILE = "effectifs-observes.csv"
SCHOOLS_FILE = "effectifs-ecoles.csv"
LEVELS_FILE = "effectifs-niveaux.csv"
FRAGMENT_FILE = "enrolment.yaml"

# Normalised column name -> field. Both the published headers and the API's ids normalise to these.
COLUMNS = {
    "rentree_scolaire": "year",
    "commune": "commune",
    "numero_de_l_ecole": "uai",
    "denomination_principale": "denomination",
    "patronyme": "patronyme",
    "secteur": "sector",
    "rep": "rep",
    "rep_plus": "rep_plus",
    "nombre_total_de_classes": "classes",
    "nombre_total_d_eleves": "total",
    "nombre_d_eleves_en_pre_elementaire_hors_ulis": "pre",
    "nombre_d_eleves_en_elementaire_hors_ulis": "ele",
    "nombre_d_eleves_en_ulis": "ulis",
    "nombre_d_eleves_en_ueea": "ueea",
    **{f"nombre_d_eleves_en_{lv.lower()}_hors_ulis": lv for lv in LEVELS},
    "code_postal": "postcode",
    "code_commune": "insee",
    "code_insee": "insee",
    "code_insee_de_la_commune": "insee",
    "code_commune_insee": "insee",
}
REQUIRED = ("year", "commune", "uai", "sector", "rep", "rep_plus", "classes", "pre", "ele", "ulis", *LEVELS)
OPTIONAL_NUMBERS = ("ueea", "total")


class EnrolmentError(ValueError):
    """The national file, the commune or the mapping cannot be used as given (the message says why)."""


def normalise(text: str) -> str:
    """`Nombre d'élèves en ULIS` -> `nombre_d_eleves_en_ulis`; `REP +` -> `rep_plus` (the API's `rep__` too)."""
    if text.strip().lower() == "rep__":
        return "rep_plus"
    text = text.replace("+", " plus ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def commune_key(name: str) -> str:
    """A commune name for comparison: no accents, case or punctuation (`Cesson-Sévigné` = `CESSON SEVIGNE`)."""
    return " ".join(normalise(name).split("_")).upper()


def half_up(x: float) -> int:
    """Round to the nearest integer, halves up (not Python's round-half-even)."""
    return int(math.floor(x + 0.5))


@dataclass(frozen=True)
class SchoolYear:
    """One row of the national file: a school at one rentrée."""

    line: int
    year: int
    uai: str
    commune: str
    name: str
    sector: str  # "public" or "private"
    rep: bool  # REP or REP+
    rep_plus: bool
    classes: int
    pre: int
    ele: int
    ulis: int
    ueea: int
    levels: tuple[int, ...]  # CP..CM2 hors ULIS
    postcode: str = ""
    insee: str = ""

    def pupils(self, ulis: str = "elementaire") -> dict[str, int]:
        """Pupils per kind, ULIS and UEEA counted in élémentaire unless excluded."""
        extra = self.ulis + self.ueea if ulis == "elementaire" else 0
        return {"maternelle": self.pre, "elementaire": self.ele + extra}

    def classes_by_kind(self, ulis: str = "elementaire") -> dict[str, int]:
        """The school's classes split between the kinds pro rata of its pupils (half up, total kept)."""
        pupils = self.pupils(ulis)
        total = pupils["maternelle"] + pupils["elementaire"]
        if total:
            mat = half_up(self.classes * pupils["maternelle"] / total)
        else:  # no pupils: the classes go by the school's name
            mat = self.classes if "MATERNELLE" in self.name.upper() else 0
        return {"maternelle": mat, "elementaire": self.classes - mat}


@dataclass(frozen=True)
class NationalFile:
    path: str
    rows: tuple[SchoolYear, ...]
    has_insee: bool

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({r.year for r in self.rows}))

    @property
    def communes(self) -> tuple[str, ...]:
        return tuple(sorted({r.commune for r in self.rows}))


def _read_text(path: Path, limit: int, what: str) -> str:
    try:
        raw = read_bytes(path, limit, what)
    except Exception as exc:  # too large, not a regular file, unreadable
        raise EnrolmentError(f"{path}: {exc}") from None
    return _decode(raw, path)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise EnrolmentError(f"{path}: neither UTF-8 nor Windows-1252 text ({exc.reason})") from None


def _separator(header: str) -> str:
    for sep in (";", "\t", ","):
        if sep in header:
            return sep
    return ";"


def _flag(value: str) -> bool:
    v = value.strip().upper()
    return v not in ("", "0", "NON", "N", "FALSE", "NO")


def _sector(value: str) -> str | None:
    v = commune_key(value)
    if v.startswith("PUBLI"):
        return "public"
    if v.startswith("PRIV"):
        return "private"
    return None


def read_national_file(path: str | Path) -> NationalFile:
    """Every row of the national file (or of an extract of it with the same columns)."""
    path = Path(path)
    if not path.is_file():
        raise EnrolmentError(f"the file {path} does not exist")
    text = _read_text(path, MAX_NATIONAL_BYTES, "the national enrolment file")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    try:
        header = next(reader)
    except StopIteration:
        raise EnrolmentError(f"{path} is empty") from None
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        f = COLUMNS.get(normalise(name))
        if f is not None and f not in index:
            index[f] = i
    missing = [f for f in REQUIRED if f not in index]
    if missing:
        wanted = {v: k for k, v in COLUMNS.items()}
        raise EnrolmentError(
            f"{path} is not the file fr-en-ecoles-effectifs-nb_classes: no column "
            + ", ".join(repr(wanted[f]) for f in missing)
            + f" (its columns: {', '.join(header[:30])})"
        )
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))

        def cell(f: str, cells: list[str] = cells) -> str:
            return cells[index[f]].strip() if f in index else ""

        def number(f: str, line: int = line) -> int:
            v = cell(f).replace("\u202f", "").replace(" ", "")
            if v == "" and f in OPTIONAL_NUMBERS + ("ulis",):
                return 0
            try:
                return int(float(v.replace(",", ".")))
            except ValueError:
                raise EnrolmentError(f"{path}:{line}: column {header[index[f]]!r} is not a number: {v!r}") from None

        sector = _sector(cell("sector"))
        if sector is None:
            raise EnrolmentError(f"{path}:{line}: sector {cell('sector')!r} is neither PUBLIC nor PRIVE")
        name = " ".join(p for p in (cell("denomination"), cell("patronyme")) if p)
        rows.append(
            SchoolYear(
                line=line,
                year=number("year"),
                uai=cell("uai").upper(),
                commune=cell("commune"),
                name=name or cell("uai"),
                sector=sector,
                rep=_flag(cell("rep")) or _flag(cell("rep_plus")),
                rep_plus=_flag(cell("rep_plus")),
                classes=number("classes"),
                pre=number("pre"),
                ele=number("ele"),
                ulis=number("ulis"),
                ueea=number("ueea"),
                levels=tuple(number(lv) for lv in LEVELS),
                postcode=cell("postcode"),
                insee=cell("insee"),
            )
        )
    if not rows:
        raise EnrolmentError(f"{path} has a header but no school")
    first_line: dict[tuple[str, int], int] = {}
    for r in rows:
        if (r.uai, r.year) in first_line:
            raise EnrolmentError(
                f"{path}:{r.line}: school {r.uai} is already given for {r.year} on line {first_line[(r.uai, r.year)]}"
            )
        first_line[(r.uai, r.year)] = r.line
    return NationalFile(str(path), tuple(rows), "insee" in index)


def is_insee_code(text: str) -> bool:
    """`35238`, `2A004`, `97411`: a commune's INSEE code (5 characters)."""
    return bool(re.fullmatch(r"(\d{5}|2[AB]\d{3})", text.strip().upper()))


def read_communes(path: str | Path) -> dict[str, list[str]]:
    """INSEE code -> commune names, from INSEE's list of communes (the COG file `v_commune_YYYY.csv`: columns
    COM and LIBELLE, NCC or NCCENR) or any table with a code column (`code`, `insee`, `code_commune`, `com`)
    and a name column (`libelle`, `nom`, `name`, `commune`, `ncc`, `nccenr`)."""
    path = Path(path)
    if not path.is_file():
        raise EnrolmentError(f"the communes file {path} does not exist")
    text = _read_text(path, MAX_TABLE_BYTES, "a communes table")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text.split("\n", 1)[0]))
    header = [normalise(h) for h in next(reader, [])]
    code_col = next(
        (header.index(c) for c in ("com", "code_commune", "code_insee", "insee", "code") if c in header), None
    )
    names = [header.index(c) for c in ("libelle", "nccenr", "ncc", "nom", "name", "commune") if c in header]
    type_col = header.index("typecom") if "typecom" in header else None
    if code_col is None or not names:
        raise EnrolmentError(
            f"{path}: a communes table needs a code column (COM, code) and a name column (LIBELLE, nom)"
        )
    table: dict[str, list[str]] = {}
    for cells in reader:
        if len(cells) <= max([code_col, *names]):
            continue
        if type_col is not None and cells[type_col].strip() not in ("COM", ""):
            continue  # arrondissements, communes déléguées and associées share their parent's name or code
        code = cells[code_col].strip().upper()
        for i in names:
            if cells[i].strip() and cells[i].strip() not in table.setdefault(code, []):
                table[code].append(cells[i].strip())
    return table


def select_commune(
    national: NationalFile, commune: str, communes: Mapping[str, Sequence[str]] | None = None
) -> tuple[str, list[SchoolYear]]:
    """The commune's rows, by name (accents, case and hyphens forgiven) or by INSEE code.

    The national file names the commune but holds no INSEE code: a code is looked up in the file's own code
    column when it has one, else in `communes` (INSEE code -> names, see `read_communes`)."""
    wanted = commune.strip()
    if not wanted:
        raise EnrolmentError("give the commune by its name or its INSEE code")
    if is_insee_code(wanted):
        code = wanted.upper()
        if national.has_insee:
            rows = [r for r in national.rows if r.insee.upper() == code]
            if not rows:
                raise EnrolmentError(f"no school of the file has the INSEE code {code}")
            return rows[0].commune, rows
        if communes is None:
            raise EnrolmentError(
                f"the file has no INSEE code column: give the commune by its name, or the list of communes that "
                f"names code {code} (INSEE's v_commune_YYYY.csv, --communes)"
            )
        names = communes.get(code)
        if not names:
            raise EnrolmentError(f"the INSEE code {code} is not in the communes table")
        keys = {commune_key(n) for n in names}
        rows = [r for r in national.rows if commune_key(r.commune) in keys]
        department = code[:2]
        if department.isdigit() and department != "97":
            # a UAI starts with 0 and the département: a namesake commune elsewhere is left out
            rows = [r for r in rows if r.uai[1:3] == department]
        if not rows:
            raise EnrolmentError(f"the commune {names[0]} (INSEE {code}) has no school in {national.path}")
        return rows[0].commune, rows
    key = commune_key(wanted)
    rows = [r for r in national.rows if commune_key(r.commune) == key]
    if not rows:
        known = {commune_key(c): c for c in national.communes}
        near = difflib.get_close_matches(key, list(known), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(known[n] for n in near)}?" if near else ""
        raise EnrolmentError(f"no commune named {wanted!r} in {national.path}{hint}")
    return rows[0].commune, rows


@dataclass(frozen=True)
class SchoolMap:
    """School UAI -> quartier (district id), in the table's order."""

    path: str
    district: dict[str, str]
    names: dict[str, str]

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.district.values()))


UAI_HEADERS = ("uai", "numero_de_l_ecole", "numero_uai", "ecole_uai", "code_uai")
DISTRICT_HEADERS = ("district", "quartier", "secteur_scolaire", "sector")


def read_school_map(path: str | Path) -> SchoolMap:
    """The mapping table: one row per school, columns `uai` and `district` (or `quartier`); any other column
    (a name, a comment) is kept for the reader only. CSV with `,` or `;`."""
    path = Path(path)
    if not path.is_file():
        raise EnrolmentError(f"the mapping file {path} does not exist")
    text = _read_text(path, MAX_TABLE_BYTES, "a school mapping table")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text.split("\n", 1)[0]))
    header = [normalise(h) for h in next(reader, [])]
    uai_col = next((header.index(h) for h in UAI_HEADERS if h in header), None)
    dist_col = next((header.index(h) for h in DISTRICT_HEADERS if h in header), None)
    name_col = next((header.index(h) for h in ("name", "nom", "ecole") if h in header), None)
    if uai_col is None or dist_col is None:
        raise EnrolmentError(f"{path}: the mapping needs a column 'uai' and a column 'district' (or 'quartier')")
    district: dict[str, str] = {}
    names: dict[str, str] = {}
    problems = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        uai, d = cells[uai_col].strip().upper(), cells[dist_col].strip()
        if not re.fullmatch(r"\d{7}[A-Z]", uai):
            problems.append(f"{path}:{line}: {uai!r} is not a school UAI (7 digits and a letter, e.g. 0350592D)")
        elif not d or re.search(r"[\s,;|]", d):
            problems.append(f"{path}:{line}: the district of {uai} must be an id without spaces, got {d!r}")
        elif uai in district and district[uai] != d:
            problems.append(f"{path}:{line}: {uai} is mapped twice ({district[uai]} and {d})")
        else:
            district[uai] = d
            if name_col is not None and cells[name_col].strip():
                names[uai] = cells[name_col].strip()
    if problems:
        raise EnrolmentError("\n".join(problems))
    if not district:
        raise EnrolmentError(f"{path} maps no school")
    return SchoolMap(str(path), district, names)


@dataclass(frozen=True)
class Childcare:
    """Optional estimates for the crèche side (assumptions, not in the file): children under 3 = the base-year
    maternelle pupils ÷ `pupils_per_under_3`; existing crèche places = `places` per child under 3
    (`places_rep` in REP quartiers)."""

    pupils_per_under_3: float
    places: float | None = None
    places_rep: float | None = None
    kind: str = "creche"


@dataclass(frozen=True)
class Unmapped:
    uai: str
    name: str
    years: tuple[int, ...]
    pupils: int  # in the latest year it appears


@dataclass
class Enrolment:
    """The commune's enrolment per quartier, ready to be written as scenario tables."""

    commune: str
    source: str
    sector: str
    ulis: str
    trend_by: str
    classes_by: str
    base_year: int
    first_year: int
    capacity_year: int
    districts: tuple[str, ...]
    rep: dict[str, bool]
    rep_schools: dict[str, tuple[int, int]]  # district -> (REP schools, schools) in the base year
    pupils: dict[tuple[str, str], int]  # (district, kind) in the base year
    classes: dict[tuple[str, str], int]
    trend: dict[tuple[str, str], float | None]
    observed: dict[tuple[str, str, int], tuple[int, int, int]]  # (district, kind, year) -> schools, pupils, classes
    level_shares: dict[str, float]
    schools: list[dict[str, object]]  # base-year schools with their district
    unmapped: list[Unmapped]
    absent: list[tuple[str, str]]  # mapped UAI, where the file has it (or "")
    other_sector: list[str]  # mapped UAIs of the commune in the sector not selected
    childcare: Childcare | None = None
    under_3: dict[str, int] = field(default_factory=dict)
    creche_places: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    levels: dict[tuple[str, str, int], int] = field(default_factory=dict)  # (district, CP..CM2, year), hors ULIS

    @property
    def mapped_schools(self) -> int:
        return len(self.schools)


def split_classes(
    rows: Sequence[SchoolYear], ulis: str = "elementaire", by: str = "quartier"
) -> dict[str, dict[str, int]]:
    """Each school's classes per kind (UAI -> kind -> classes) for the schools of one quartier and year.

    Every school's split is whole and keeps its total. `by="school"`: each primaire rounded half up on its own
    (the split of the Rennes hand preparation); the rounding errors add up over many primaires (+1.5
    maternelle classes in Rennes 35000, as halves all go to maternelle). `by="quartier"` (default): then classes
    are moved between the kinds at the primaires whose rounding went furthest, until the quartier's count of
    each kind is within one class of its primaires' classes split pro rata plus its single-kind schools'."""
    split = {r.uai: r.classes_by_kind(ulis) for r in rows}
    if by == "school":
        return split
    school_classes = {r.uai: r.classes for r in rows}
    exact: dict[str, float] = {}
    for r in rows:
        p = r.pupils(ulis)
        total = p["maternelle"] + p["elementaire"]
        exact[r.uai] = r.classes * p["maternelle"] / total if total else float(split[r.uai]["maternelle"])
    while True:
        excess = sum(split[u]["maternelle"] for u in split) - sum(exact.values())
        if abs(excess) < 1 - 1e-9:
            return split
        step = 1 if excess > 0 else -1  # a class moved from maternelle to élémentaire, or back
        movable = [
            u
            for u in split
            if 0 < exact[u] < school_classes[u] and split[u]["maternelle" if step > 0 else "elementaire"] > 0
        ]
        if not movable:
            return split
        u = max(movable, key=lambda u: (step * (split[u]["maternelle"] - exact[u]), u))
        split[u] = {"maternelle": split[u]["maternelle"] - step, "elementaire": split[u]["elementaire"] + step}


def _trend(now: int, then: int, years: int) -> float | None:
    if years <= 0 or then <= 0:
        return None
    t = round((now / then) ** (1 / years) - 1, 4)
    return 0.0 if t == 0 else t


def prepare(
    rows: Iterable[SchoolYear],
    mapping: SchoolMap,
    *,
    commune: str = "",
    source: str = "",
    sector: str = "public",
    ulis: str = "elementaire",
    trend: str = "district",
    classes_by: str = "quartier",
    base_year: int | None = None,
    first_year: int | None = None,
    capacity_year: int | None = None,
    childcare: Childcare | None = None,
    national: NationalFile | None = None,
) -> Enrolment:
    """Base pupils, classes, trends, REP flags and level shares per quartier of the mapping.

    `sector`: public (default), private or all. `ulis`: élémentaire (default) or exclude. `trend`: one per
    quartier over all its pupils, the same for both kinds (default: per-kind trends of three or four years
    would extrapolate cohort movements), or one per quartier and kind. `classes_by`: see `split_classes`.
    `base_year` and `first_year` default to
    the latest and earliest years of the file; `capacity_year` (the year capacity rows are stated for,
    carried forward by the scenario) to the base year."""
    if sector not in SECTORS:
        raise EnrolmentError(f"sector is one of {', '.join(SECTORS)}, got {sector!r}")
    if ulis not in ULIS_CHOICES:
        raise EnrolmentError(f"ulis is one of {', '.join(ULIS_CHOICES)}, got {ulis!r}")
    if classes_by not in CLASSES_CHOICES:
        raise EnrolmentError(f"classes are split by {' or '.join(CLASSES_CHOICES)}, got {classes_by!r}")
    if trend not in TREND_CHOICES:
        raise EnrolmentError(f"trend is one of {', '.join(TREND_CHOICES)}, got {trend!r}")
    commune_rows = list(rows)
    selected = [r for r in commune_rows if sector == "all" or r.sector == sector]
    if not selected:
        raise EnrolmentError(f"{commune or 'the commune'} has no {sector} school in the file")
    years = sorted({r.year for r in selected})
    base = years[-1] if base_year is None else base_year
    first = years[0] if first_year is None else first_year
    for y, what in ((base, "base"), (first, "first")):
        if y not in years:
            raise EnrolmentError(f"the {what} year {y} is not in the file (it holds {', '.join(map(str, years))})")
    if first > base:
        raise EnrolmentError(f"the first year {first} is after the base year {base}")

    # Unmapped schools (any year), mapped UAIs the selection does not hold.
    seen: dict[str, list[SchoolYear]] = {}
    for r in selected:
        seen.setdefault(r.uai, []).append(r)
    unmapped = []
    for uai, rs in seen.items():
        if uai not in mapping.district:
            last = max(rs, key=lambda r: r.year)
            unmapped.append(
                Unmapped(uai, last.name, tuple(sorted(r.year for r in rs)), sum(last.pupils(ulis).values()))
            )
    unmapped.sort(key=lambda u: (-u.years[-1], u.name, u.uai))
    in_commune = {r.uai for r in commune_rows}
    other_sector = sorted(u for u in mapping.district if u not in seen and u in in_commune)
    where = {}
    if national is not None:
        for r in national.rows:
            where.setdefault(r.uai, r.commune)
    absent = sorted((u, where.get(u, "")) for u in mapping.district if u not in in_commune)

    districts = mapping.districts
    mapped = [r for r in selected if r.uai in mapping.district]
    observed: dict[tuple[str, str, int], tuple[int, int, int]] = {}
    by_level: dict[tuple[str, str, int], int] = {}
    splits: dict[tuple[str, int], dict[str, int]] = {}
    for d in districts:
        for y in years:
            rs = [r for r in mapped if r.year == y and mapping.district[r.uai] == d]
            split = split_classes(rs, ulis, classes_by)
            splits.update({(u, y): c for u, c in split.items()})
            for k in KINDS:
                observed[(d, k, y)] = (
                    sum(1 for r in rs if r.pupils(ulis)[k] > 0),
                    sum(r.pupils(ulis)[k] for r in rs),
                    sum(split[r.uai][k] for r in rs),
                )
            for i, lv in enumerate(LEVELS):  # the cohort model's observed levels (forecast.school.cohort)
                by_level[(d, lv, y)] = sum(r.levels[i] for r in rs)
    warnings: list[str] = []
    pupils, classes, trends, rep, rep_schools = {}, {}, {}, {}, {}
    span = base - first
    for d in districts:
        rs = [r for r in mapped if r.year == base and mapping.district[r.uai] == d]
        if not rs:
            warnings.append(f"quartier {d} has no {sector} school in {base}: its pupils and classes are 0")
        rep_pupils = sum(sum(r.pupils(ulis).values()) for r in rs if r.rep)
        all_pupils = sum(sum(r.pupils(ulis).values()) for r in rs)
        n_rep = sum(1 for r in rs if r.rep)
        rep[d] = all_pupils > 0 and rep_pupils * 2 > all_pupils
        rep_schools[d] = (n_rep, len(rs))
        if 0 < n_rep < len(rs):
            warnings.append(
                f"quartier {d} mixes {n_rep} REP/REP+ school(s) and {len(rs) - n_rep} other(s): it is "
                f"{'REP' if rep[d] else 'not REP'} by the majority of its pupils; split it to plan them apart"
            )
        for k in KINDS:
            pupils[(d, k)] = observed[(d, k, base)][1]
            classes[(d, k)] = observed[(d, k, base)][2]
        if trend == "district":
            now = sum(observed[(d, k, base)][1] for k in KINDS)
            then = sum(observed[(d, k, first)][1] for k in KINDS)
            t = _trend(now, then, span)
            for k in KINDS:
                trends[(d, k)] = t
        else:
            for k in KINDS:
                trends[(d, k)] = _trend(observed[(d, k, base)][1], observed[(d, k, first)][1], span)
        if span > 0 and any(trends[(d, k)] is None and pupils[(d, k)] for k in KINDS):
            warnings.append(f"quartier {d} had no pupils in {first}: no trend (the scenario's school trend applies)")

    base_mapped = [r for r in mapped if r.year == base]
    level_totals = [sum(r.levels[i] for r in base_mapped) for i in range(len(LEVELS))]
    total = sum(level_totals)
    shares = {lv: round(n / total, 4) for lv, n in zip(LEVELS, level_totals, strict=True)} if total else {}
    if shares:  # the rounding remainder on the last level: the shares add up to 1
        shares[LEVELS[-1]] = round(1 - sum(shares[lv] for lv in LEVELS[:-1]), 4)

    schools = []
    for r in sorted(base_mapped, key=lambda r: (districts.index(mapping.district[r.uai]), r.uai)):
        p, c = r.pupils(ulis), splits[(r.uai, base)]
        schools.append(
            {
                "uai": r.uai,
                "name": r.name,
                "district": mapping.district[r.uai],
                "sector": r.sector,
                "rep": "REP+" if r.rep_plus else ("REP" if r.rep else ""),
                "maternelle": p["maternelle"],
                "elementaire": p["elementaire"],
                "ulis": r.ulis + r.ueea,
                "classes": r.classes,
                "classes_maternelle": c["maternelle"],
                "classes_elementaire": c["elementaire"],
            }
        )

    under_3, places = {}, {}
    if childcare is not None:
        if not childcare.pupils_per_under_3 > 0:
            raise EnrolmentError("the maternelle pupils per child under 3 must be positive")
        for d in districts:
            under_3[d] = half_up(pupils[(d, "maternelle")] / childcare.pupils_per_under_3)
            rate = childcare.places_rep if rep[d] and childcare.places_rep is not None else childcare.places
            if rate is not None:
                places[d] = half_up(rate * under_3[d])
    return Enrolment(
        commune=commune,
        source=source,
        sector=sector,
        ulis=ulis,
        trend_by=trend,
        classes_by=classes_by,
        base_year=base,
        first_year=first,
        capacity_year=base if capacity_year is None else capacity_year,
        districts=districts,
        rep=rep,
        rep_schools=rep_schools,
        pupils=pupils,
        classes=classes,
        trend=trends,
        observed=observed,
        level_shares=shares,
        schools=schools,
        unmapped=unmapped,
        absent=absent,
        other_sector=other_sector,
        childcare=childcare,
        under_3=under_3,
        creche_places=places,
        warnings=warnings,
        levels=by_level,
    )


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (repr(v) if isinstance(v, float) else v) for v in row])
    return out.getvalue().encode("utf-8")


def tables(e: Enrolment) -> dict[str, bytes]:
    """The tables a scenario reads, as file name -> bytes (deterministic)."""
    files = {
        PUPILS_FILE: _csv(
            ("district", "kind", "pupils", "trend"),
            [(d, k, e.pupils[(d, k)], e.trend[(d, k)]) for d in e.districts for k in KINDS],
        ),
    }
    capacity = []
    for d in e.districts:
        capacity += [(d, k, e.capacity_year, e.classes[(d, k)]) for k in KINDS]
        if d in e.creche_places:
            capacity.append((d, e.childcare.kind if e.childcare else "creche", e.capacity_year, e.creche_places[d]))
    files[CAPACITY_FILE] = _csv(("district", "kind", "year", "value"), capacity)
    if e.under_3:
        files[UNDER_3_FILE] = _csv(("district", "year", "value"), [(d, e.base_year, e.under_3[d]) for d in e.districts])
    years = sorted({y for (_, _, y) in e.observed})
    files[OBSERVED_FILE] = _csv(
        ("district", "kind", "year", "schools", "pupils", "classes"),
        [(d, k, y, *e.observed[(d, k, y)]) for d in e.districts for k in KINDS for y in years],
    )
    files[LEVELS_FILE] = _csv(
        ("district", "level", "year", "pupils"),
        [
            (d, lv, y, e.levels[(d, lv, y)])
            for d in e.districts
            for lv in LEVELS
            for y in years
            if (d, lv, y) in e.levels
        ],
    )
    columns = list(e.schools[0]) if e.schools else ["uai", "name", "district"]
    files[SCHOOLS_FILE] = _csv(columns, [[s[c] for c in columns] for s in e.schools])
    files[FRAGMENT_FILE] = fragment(e).encode("utf-8")
    return files


def fragment(e: Enrolment) -> str:
    """The scenario keys the tables plug into, as YAML to paste into scenario.yaml."""
    lines = [
        f"# From {SOURCE}: {e.commune}, {e.sector} schools, rentrées {e.first_year}-{e.base_year}.",
        "# Paste into scenario.yaml: the districts (REP when most of their pupils are in REP/REP+ schools) and the",
        "# school forecast reading the tables written beside this file.",
        "districts:",
    ]
    for d in e.districts:
        lines.append(f"  - {{id: {d}{', rep: true' if e.rep[d] else ''}}}")
    lines += ["capacity: {file: capacity.csv}", "forecast:", "  school:", f"    base_year: {e.base_year}"]
    lines.append(f"    pupils: {{file: {PUPILS_FILE}}}")
    lines.append(f"    observed: {{file: {OBSERVED_FILE}}}   # shown beside the forecast by ppi demand")
    lines.append(
        f"    # model: cohort   # pupils ageing level by level, with cohort: {{observed: {{file: {LEVELS_FILE}}}}}"
    )
    if e.level_shares:
        shares = ", ".join(f"{lv}: {s}" for lv, s in e.level_shares.items())
        lines.append(f"    levels:\n      elementaire: {{{shares}}}   # {e.base_year}; maternelle: not in the file")
    if e.under_3:
        lines += [
            "  # childcare:   # with your coverage, creche_share and children_per_place",
            f"  #   population: {{file: {UNDER_3_FILE}}}",
        ]
    return "\n".join(lines) + "\n"
