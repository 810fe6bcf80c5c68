"""Derive the input tables of the Rennes scenario from real enrolment data (deterministic, no randomness).

    python scenarios/rennes/prepare_data.py

Reads sources/ecoles-effectifs-rennes-2019-2022.csv (the Rennes rows of the education ministry's open data
set fr-en-ecoles-effectifs-nb_classes, see sources/SOURCE.md) and writes, next to scenario.yaml:

    effectifs.csv        district,kind,pupils,trend      public pupils at the 2022 rentrée, yearly trend 2019-2022
    capacity.csv         district,kind,year,value        classes in 2022 (counted from 2026), crèche places (assumed)
    petite-enfance.csv   district,year,value             estimated children under 3 in 2022
    logements.csv        district,year,type,dwellings,name   housing programmes 2023-2033 (ASSUMED figures)

Sectors: the 77 public schools of the 2022 rentrée grouped by postcode (35000, 35200, 35700) x education
priority (REP when REP == 1 or REP + == 1). A school is grouped by the postcode and flags of its own row,
year by year (2019-2021 have 76 schools: Simone-Veil appears in 2022).

Kinds: maternelle = pupils in pré-élémentaire; elementaire = pupils in élémentaire + pupils in ULIS (the
ULIS units of Rennes are all in élémentaire schools). Classes: a maternelle school's classes count as
maternelle, an élémentaire school's as elementaire, a primaire school's are split pro rata of its
maternelle and élémentaire (+ ULIS) pupils, rounded to whole classes with the school's total kept.

What is real and what is assumed is listed in README.md. Running the script twice gives the same files
byte for byte.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "sources" / "ecoles-effectifs-rennes-2019-2022.csv"
BASE_YEAR = 2022
FIRST_YEAR = 2019
HORIZON_START = 2026  # existing capacity is stated for the first horizon year and carried forward

# (district id, postcode, REP/REP+)
SECTORS: list[tuple[str, str, bool]] = [
    ("rennes-35000", "35000", False),
    ("rennes-35000-rep", "35000", True),
    ("rennes-35200", "35200", False),
    ("rennes-35200-rep", "35200", True),
    ("rennes-35700", "35700", False),
    ("rennes-35700-rep", "35700", True),
]

# ASSUMPTIONS (not in the data), stated in README.md.
# Children under 3 = public maternelle pupils / 0.75: maternelle holds three cohorts, like the under-3, and
# 25 % of Rennes pupils go to private schools (4,740 of 18,803 in 2022, in the source).
PUPILS_PER_UNDER_3 = 0.75
# Existing crèche places per child under 3 (not in the data): 0.20, and 0.16 in the REP sectors (coverage is
# lower in priority districts).
CRECHE_PLACES_PER_UNDER_3 = {False: 0.20, True: 0.16}

# Housing programmes delivered 2023-2033: ASSUMED figures of a realistic size for Rennes, named after real
# urban projects for orientation only. (name, district, first year, last year, dwellings a year, mix)
MIX_ZAC = {"petit": 0.35, "moyen": 0.30, "grand": 0.10, "social": 0.25}  # city-centre ZAC, PLH 25 % social
MIX_FAMILY = {"petit": 0.25, "moyen": 0.30, "grand": 0.20, "social": 0.25}  # more family flats
MIX_RENEWAL = {"petit": 0.20, "moyen": 0.30, "grand": 0.20, "social": 0.30}  # urban renewal (NPNRU)
PROGRAMMES: list[tuple[str, str, int, int, int, dict[str, float]]] = [
    ("EuroRennes", "rennes-35000", 2023, 2032, 350, MIX_ZAC),
    ("Baud-Chardonnet", "rennes-35000", 2023, 2030, 200, MIX_FAMILY),
    ("La Courrouze", "rennes-35000", 2023, 2031, 250, MIX_FAMILY),
    ("Beauregard-Quincé", "rennes-35000", 2025, 2033, 200, MIX_FAMILY),
    ("Maurepas-Gayeulles (Gayeulles)", "rennes-35700", 2024, 2032, 220, MIX_FAMILY),
    ("Maurepas-Gayeulles (renouvellement urbain)", "rennes-35700-rep", 2026, 2033, 100, MIX_RENEWAL),
    ("Le Blosne (renouvellement urbain)", "rennes-35200-rep", 2025, 2033, 100, MIX_RENEWAL),
]
DWELLING_TYPES = ("petit", "moyen", "grand", "social")

COL_PRE = "Nombre d'élèves en pré-élémentaire hors ULIS"
COL_ELE = "Nombre d'élèves en élémentaire hors ULIS"
COL_ULIS = "Nombre d'élèves en ULIS"
COL_CLASSES = "Nombre total de classes"
LEVELS = ("CP", "CE1", "CE2", "CM1", "CM2")

# The planning rules of forecast.school in scenario.yaml, restated for the summary's check of the classes
# they give in 2022 against the classes that exist.
CLASS_SIZE, CAP, REP_CAP, CAPPED = 24, 24, 12, ("GS", "CP", "CE1")
LEVEL_SHARES = {
    "maternelle": {"PS": 0.333, "MS": 0.333, "GS": 0.334},
    "elementaire": {"CP": 0.2072, "CE1": 0.2023, "CE2": 0.2100, "CM1": 0.1895, "CM2": 0.1910},
}


def say(*parts: object) -> None:
    """The summary goes to standard output."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def half_up(x: float) -> int:
    """Round to the nearest integer, halves up (not Python's round-half-even)."""
    return int(math.floor(x + 0.5))


def read_public_schools() -> pd.DataFrame:
    """Public schools of Rennes, every rentrée, with their sector and pupils and classes per kind."""
    df = pd.read_csv(SOURCE, sep=";", encoding="utf-8-sig", dtype={"Code Postal": str, "Numéro de l'école": str})
    df = df[(df["Commune"] == "RENNES") & (df["Secteur"] == "PUBLIC")].copy()
    df["rep"] = (df["REP"] == 1) | (df["REP +"] == 1)
    sector_of = {(pc, rep): d for d, pc, rep in SECTORS}
    df["district"] = [sector_of.get((pc, rep)) for pc, rep in zip(df["Code Postal"], df["rep"], strict=True)]
    if df["district"].isna().any():
        raise SystemExit(f"schools outside the six sectors:\n{df[df['district'].isna()]}")
    df["maternelle"] = df[COL_PRE]
    df["elementaire"] = df[COL_ELE] + df[COL_ULIS]
    name = df["Dénomination principale"]
    is_mat = name.str.contains("MATERNELLE")
    is_ele = name.str.contains("ELEMENTAIRE")
    is_pri = name.str.contains("PRIMAIRE")
    if not (is_mat.astype(int) + is_ele.astype(int) + is_pri.astype(int) == 1).all():
        raise SystemExit("a school is not exactly one of maternelle, élémentaire, primaire")
    pupils = df["maternelle"] + df["elementaire"]
    split = pd.Series(
        [half_up(c * m / p) if p else 0 for c, m, p in zip(df[COL_CLASSES], df["maternelle"], pupils, strict=True)],
        index=df.index,
    )
    df["classes_maternelle"] = df[COL_CLASSES].where(is_mat, 0).where(~is_pri, split)
    df["classes_elementaire"] = df[COL_CLASSES] - df["classes_maternelle"]
    if ((is_mat & (df["elementaire"] > 0)) | (is_ele & (df["maternelle"] > 0))).any():
        raise SystemExit("a maternelle school has élémentaire pupils or the reverse")
    return df


def programme_rows() -> list[dict[str, object]]:
    """Expand PROGRAMMES into one row per district, year and dwelling type (whole dwellings, totals kept)."""
    rows = []
    for name, district, first, last, per_year, mix in PROGRAMMES:
        for year in range(first, last + 1):
            done = 0
            for i, t in enumerate(DWELLING_TYPES):
                n = per_year - done if i == len(DWELLING_TYPES) - 1 else half_up(per_year * mix[t])
                done += n
                if n:
                    rows.append({"district": district, "year": year, "type": t, "dwellings": n, "name": name})
    return sorted(rows, key=lambda r: (r["district"], r["year"], r["name"], DWELLING_TYPES.index(r["type"])))


def main() -> None:
    df = read_public_schools()
    ids = [d for d, _, _ in SECTORS]
    base = df[df["Rentrée scolaire"] == BASE_YEAR]
    first = df[df["Rentrée scolaire"] == FIRST_YEAR]
    empty = [d for d in ids if d not in set(base["district"])]
    if empty:
        raise SystemExit(f"empty sectors in {BASE_YEAR}: {empty} (drop them from SECTORS and scenario.yaml)")

    by_base = base.groupby("district")[
        ["maternelle", "elementaire", "classes_maternelle", "classes_elementaire", COL_CLASSES]
    ].sum()
    by_first = first.groupby("district")[["maternelle", "elementaire"]].sum()
    schools = base.groupby("district").size()
    years = BASE_YEAR - FIRST_YEAR

    effectifs, capacity, under3, summary = [], [], [], []
    for d, _, rep in SECTORS:
        b = by_base.loc[d]
        line = {"district": d, "rep": rep, "schools": int(schools[d])}
        # One trend per sector for both kinds: the compound yearly change of all its public pupils. Per-kind
        # trends would extrapolate 2019-2022 cohort movements for 13 years (élémentaire rising where the
        # maternelles that feed it are falling).
        total, total0 = (
            int(b["maternelle"] + b["elementaire"]),
            int(by_first.loc[d, "maternelle"] + by_first.loc[d, "elementaire"]),
        )
        trend = round((total / total0) ** (1 / years) - 1, 4)
        for k in ("maternelle", "elementaire"):
            n, cl = int(b[k]), int(b[f"classes_{k}"])
            effectifs.append({"district": d, "kind": k, "pupils": n, "trend": trend})
            capacity.append({"district": d, "kind": k, "year": HORIZON_START, "value": cl})
            line |= {k: n, f"trend_{k}": trend, f"classes_{k}": cl, f"needed_{k}": classes_needed(n, k, rep)}
        u3 = half_up(b["maternelle"] / PUPILS_PER_UNDER_3)
        places = half_up(CRECHE_PLACES_PER_UNDER_3[rep] * u3)
        under3.append({"district": d, "year": BASE_YEAR, "value": u3})
        capacity.append({"district": d, "kind": "creche", "year": HORIZON_START, "value": places})
        summary.append(line | {"under_3": u3, "creche": places})

    # checks against the source copy: 77 public schools of Rennes with 683 classes at the 2022 rentrée
    assert len(base) == 77 and int(base[COL_CLASSES].sum()) == 683, "77 schools and 683 classes expected"
    assert int(by_base["classes_maternelle"].sum() + by_base["classes_elementaire"].sum()) == 683

    def write(name: str, rows: list[dict[str, object]], columns: list[str]) -> None:
        pd.DataFrame(rows, columns=columns).to_csv(HERE / name, index=False, lineterminator="\n")

    write("effectifs.csv", effectifs, ["district", "kind", "pupils", "trend"])
    write("capacity.csv", capacity, ["district", "kind", "year", "value"])
    write("petite-enfance.csv", under3, ["district", "year", "value"])
    housing = programme_rows()
    write("logements.csv", housing, ["district", "year", "type", "dwellings", "name"])

    print_summary(summary, base, housing)


def classes_needed(pupils: int, kind: str, rep: bool) -> int:
    """Classes the planning rules of scenario.yaml (24 pupils, GS/CP/CE1 at most 24, 12 in REP) give."""
    size = {lv: min(CLASS_SIZE, REP_CAP if rep else CAP) if lv in CAPPED else CLASS_SIZE for lv in LEVEL_SHARES[kind]}
    return math.ceil(sum(pupils * share / size[lv] for lv, share in LEVEL_SHARES[kind].items()) - 1e-9)


def print_summary(summary: list[dict], base: pd.DataFrame, housing: list[dict[str, object]]) -> None:
    say(f"Rennes public schools, rentrée {BASE_YEAR}; trend = compound yearly change {FIRST_YEAR}-{BASE_YEAR};")
    say("classes: existing / needed at the planning rules (24 pupils, GS-CP-CE1 at 24, or 12 in REP)")
    head = (
        "district",
        "REP",
        "schools",
        "mat.",
        "trend",
        "élém.",
        "trend",
        "cl. mat.",
        "cl. élém.",
        "pup/cl",
        "under 3",
        "crèche",
    )
    say(
        f"{head[0]:<17}{head[1]:>4}{head[2]:>8}{head[3]:>6}{head[4]:>8}{head[5]:>6}{head[6]:>8}"
        f"{head[7]:>10}{head[8]:>11}{head[9]:>7}{head[10]:>8}{head[11]:>7}"
    )
    for r in summary + [
        {
            "district": "Rennes",
            **{
                k: sum(s[k] for s in summary)
                for k in summary[0]
                if k not in ("district", "rep") and not k.startswith("trend")
            },
        }
    ]:
        rep = "" if "rep" not in r else ("yes" if r["rep"] else "no")
        t_mat = f"{r['trend_maternelle']:+.4f}" if "trend_maternelle" in r else ""
        t_ele = f"{r['trend_elementaire']:+.4f}" if "trend_elementaire" in r else ""
        per_class = (r["maternelle"] + r["elementaire"]) / (r["classes_maternelle"] + r["classes_elementaire"])
        cl_mat = f"{r['classes_maternelle']} / {r['needed_maternelle']}"
        cl_ele = f"{r['classes_elementaire']} / {r['needed_elementaire']}"
        say(
            f"{r['district']:<17}{rep:>4}{r['schools']:>8}{r['maternelle']:>6}{t_mat:>8}{r['elementaire']:>6}"
            f"{t_ele:>8}{cl_mat:>10}{cl_ele:>11}{per_class:>7.1f}{r['under_3']:>8}{r['creche']:>7}"
        )
    shares = base[[f"Nombre d'élèves en {lv} hors ULIS" for lv in LEVELS]].sum()
    say(
        "élémentaire level shares (forecast.school.levels):",
        ", ".join(f"{lv}: {s / shares.sum():.4f}" for lv, s in zip(LEVELS, shares, strict=True)),
    )
    by_year: dict[object, int] = {}
    for row in housing:
        by_year[row["year"]] = by_year.get(row["year"], 0) + int(row["dwellings"])
    say(
        "dwellings delivered a year (ASSUMED):",
        ", ".join(f"{y}: {n}" for y, n in sorted(by_year.items())),
        f"({sum(by_year.values())} in all)",
    )


if __name__ == "__main__":
    main()
