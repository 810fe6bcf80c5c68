"""Regenerate demand.csv and capacity.csv of the Exemple-Ville scenario (deterministic, no randomness).

    python scenarios/exemple-ville/generate_data.py

Demand of a quartier and kind in year y (2026-2035):
    base_2026 x (1 + trend) ** (y - 2026)  +  ZAC increment x (number of years since growth began)
rounded to one decimal. Trends follow the national decline (about -0.5 to -1.2 % a year); the increments
are the pupils and children brought by the ZAC housing programmes (0.25 pupil per dwelling, ~22 pupils
per class, see README.md). Existing capacity is given once, for 2026 (carried forward by the tool).
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEARS = range(2026, 2036)
KINDS = ("maternelle", "elementaire", "creche")

# district: {kind: (existing capacity 2026, demand 2026, yearly trend, yearly increment, first growth year)}
QUARTIERS: dict[str, dict[str, tuple[float, float, float, float, int]]] = {
    "centre": {
        "maternelle": (18, 18.6, -0.010, 0.0, 2027),
        "elementaire": (27, 26.9, -0.008, 0.0, 2027),
        "creche": (110, 160, 0.0, 0.0, 2027),
    },
    "gare": {  # ZAC Gare-Confluence, 2,400 dwellings delivered 2026-2034
        "maternelle": (10, 10.6, 0.0, 1.2, 2027),
        "elementaire": (15, 15.4, 0.0, 1.8, 2027),
        "creche": (50, 75, 0.0, 8.0, 2027),
    },
    "quais": {  # ZAC des Quais de Marne, 1,500 dwellings delivered from 2027
        "maternelle": (8, 8.2, 0.0, 0.9, 2028),
        "elementaire": (12, 12.3, 0.0, 1.3, 2028),
        "creche": (30, 40, 0.0, 6.0, 2028),
    },
    "plateau": {  # ZAC du Plateau, 1,500 dwellings
        "maternelle": (14, 14.3, 0.0, 0.8, 2027),
        "elementaire": (21, 21.2, 0.0, 1.2, 2027),
        "creche": (70, 85, 0.0, 3.0, 2027),
    },
    "val-fleuri": {  # diffuse densification along the tramway
        "maternelle": (13, 13.1, 0.0, 0.35, 2027),
        "elementaire": (20, 19.9, 0.0, 0.45, 2027),
        "creche": (60, 70, 0.0, 1.5, 2027),
    },
    "bois-labbe": {  # QPV, REP+ schools: GS, CP and CE1 classes of 12 pupils
        "maternelle": (20, 20.6, -0.005, 0.0, 2027),
        "elementaire": (32, 33.8, -0.005, 0.0, 2027),
        "creche": (70, 140, 0.0, 0.0, 2027),
    },
    "cite-jardin": {
        "maternelle": (15, 14.2, -0.012, 0.0, 2027),
        "elementaire": (22, 21.0, -0.012, 0.0, 2027),
        "creche": (80, 95, -0.005, 0.0, 2027),
    },
    "coteaux": {
        "maternelle": (16, 15.6, -0.008, 0.0, 2027),
        "elementaire": (23, 22.8, -0.008, 0.0, 2027),
        "creche": (90, 110, 0.0, 0.0, 2027),
    },
    "saint-martin": {
        "maternelle": (17, 17.3, -0.005, 0.0, 2027),
        "elementaire": (25, 25.4, -0.005, 0.0, 2027),
        "creche": (85, 92, 0.0, 0.0, 2027),
    },
    "sablons": {
        "maternelle": (15, 14.8, -0.010, 0.0, 2027),
        "elementaire": (22, 21.7, -0.010, 0.0, 2027),
        "creche": (75, 105, 0.0, 0.0, 2027),
    },
    "bords-de-marne": {
        "maternelle": (16, 15.9, -0.006, 0.0, 2027),
        "elementaire": (24, 23.6, -0.006, 0.0, 2027),
        "creche": (95, 90, 0.0, 0.0, 2027),
    },
    "pepiniere": {
        "maternelle": (17, 16.7, -0.008, 0.0, 2027),
        "elementaire": (25, 24.8, -0.008, 0.0, 2027),
        "creche": (90, 105, 0.0, 0.0, 2027),
    },
}


def demand_value(base: float, trend: float, increment: float, first: int, year: int) -> float:
    growth_years = max(0, year - first + 1)
    return round(base * (1 + trend) ** (year - 2026) + increment * growth_years, 1)


def fmt(x: float) -> str:
    return f"{x:g}"


def main() -> None:
    header = ["district", "kind", "year", "value"]
    with open(HERE / "demand.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for district, kinds in QUARTIERS.items():
            for kind in KINDS:
                _, base, trend, inc, first = kinds[kind]
                for y in YEARS:
                    w.writerow([district, kind, y, fmt(demand_value(base, trend, inc, first, y))])
    with open(HERE / "capacity.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for district, kinds in QUARTIERS.items():
            for kind in KINDS:
                w.writerow([district, kind, 2026, fmt(kinds[kind][0])])


if __name__ == "__main__":
    main()
