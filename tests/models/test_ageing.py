"""Demand that ages (issue 17 part 4): the cohort model, damped and bounded trends, the private-school share,
worked out by hand on tiny scenarios (horizon 2026-2030, districts a and b, base year 2026, class size 22 so
that GS/CP/CE1 under the cap of 24 count like the other levels, `rounding: none` unless said)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from models import ScenarioError, load_scenario, scenario_from_dict
from models.forecast import private_share, transition_rates, trend_factor
from models.scenario import Scenario
from tests.models.test_forecast import pupils, scenario_data

APPROX = {"rel": 1e-9, "abs": 1e-9}
LEVELS = ("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")


def build(school: dict[str, Any], **extra: Any) -> Scenario:
    forecast = {"school": {"base_year": 2026, "rounding": "none", **school}, **extra}
    return scenario_from_dict(scenario_data(forecast), source="<test>")


def rows(s: Scenario, d: str, k: str) -> dict[int, Any]:
    return {r.year: r for r in s.forecast if r.district == d and r.kind == k}


def problems(school: dict[str, Any], **extra: Any) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        build(school, **extra)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


# ------------------------------------------------------------------------------------ damped, bounded trends


def test_damped_trend_halves_its_rate_each_year():
    # −10 % damped by 0.5: ×0.9 in 2027, ×0.9×0.95 = 0.855 in 2028, ×0.855×0.975 = 0.833625 in 2029.
    s = build({"pupils": [pupils("a", "maternelle", 220, -0.1)], "trend_damping": 0.5})
    base = {y: r.base for y, r in rows(s, "a", "maternelle").items()}
    assert base[2026] == pytest.approx(220, **APPROX)
    assert base[2027] == pytest.approx(198, **APPROX)
    assert base[2028] == pytest.approx(188.1, **APPROX)
    assert base[2029] == pytest.approx(183.3975, **APPROX)
    assert s.demand[("a", "maternelle", 2029)] == pytest.approx(183.3975 / 22, **APPROX)


def test_undamped_trend_is_the_compound_rate():
    s = build({"pupils": [pupils("a", "maternelle", 220, -0.1)]})
    assert rows(s, "a", "maternelle")[2030].base == 220 * 0.9**4


def test_bounds_cap_the_cumulated_change():
    # −10 % a year: 0.9, 0.81, then 0.729 under the floor −20 %: 0.8 from 2029; +10 % a year: 1.1, then 1.21
    # above the ceiling +15 %: 1.15 from 2028.
    s = build(
        {
            "pupils": [pupils("a", "maternelle", 220, -0.1), pupils("b", "maternelle", 100, 0.1)],
            "trend_bounds": [-0.2, 0.15],
        }
    )
    assert [round(r.base, 9) for r in rows(s, "a", "maternelle").values()] == [220, 198, 178.2, 176, 176]
    assert [round(r.base, 9) for r in rows(s, "b", "maternelle").values()] == [100, 110, 115, 115, 115]


def test_a_2019_2022_trend_to_2035_with_and_without_damping():
    # The case: −4.4 % a year over 13 years loses 44 %; damped by 0.8 it loses 19 %
    # (Π_{i=1..13} (1 − 0.044 × 0.8^(i−1)) = 0.81006); floored at −15 % it loses 15 %.
    school = pupils("a", "elementaire", 1000, -0.044)
    plain = scenario_from_dict(
        scenario_data({"school": {"base_year": 2022, "pupils": [school], "rounding": "none"}}, years=(2026, 2035)),
        source="<test>",
    )
    assert rows(plain, "a", "elementaire")[2035].base == pytest.approx(1000 * 0.956**13, **APPROX)
    assert rows(plain, "a", "elementaire")[2035].base < 560
    damped = scenario_from_dict(
        scenario_data(
            {
                "school": {
                    "base_year": 2022,
                    "pupils": [school],
                    "rounding": "none",
                    "trend_damping": 0.8,
                }
            },
            years=(2026, 2035),
        ),
        source="<test>",
    )
    expected = 1000.0
    for i in range(1, 14):
        expected *= 1 - 0.044 * 0.8 ** (i - 1)
    assert rows(damped, "a", "elementaire")[2035].base == pytest.approx(expected, **APPROX)
    assert 0.81 < expected / 1000 < 0.811
    data = copy.deepcopy(dict(damped.document))
    data["forecast"]["school"]["trend_bounds"] = [-0.15, 0.15]
    bounded = scenario_from_dict(data, source="<test>")
    assert rows(bounded, "a", "elementaire")[2035].base == pytest.approx(850, **APPROX)


def test_trend_factor_by_hand():
    s = build({"pupils": [pupils("a", "maternelle", 1)], "trend_damping": 0.5, "trend_bounds": [-0.5, 0.1]})
    school = s.spec.forecast.school
    assert trend_factor(school, 0.08, 1) == pytest.approx(1.08, **APPROX)
    assert trend_factor(school, 0.08, 2) == pytest.approx(1.1, **APPROX)  # 1.08 × 1.04 = 1.1232, capped at 1.1
    assert trend_factor(school, 0.08, 0) == 1.0


# ------------------------------------------------------------------------------------ private share


def test_private_share_over_the_horizon():
    # 20 % private in 2026 rising to 40 % in 2030 (linear): public pupils × (1 − s) / 0.8; 2028: 0.7 / 0.8.
    # New dwellings' pupils are all pupils: × (1 − s). 100 moyen dwellings (0.25 pupils) delivered in 2026 at
    # the peak at once: 25 pupils, 3/8 to maternelle = 9.375, × 0.7 in 2028 = 6.5625.
    s = build(
        {"pupils": [pupils("a", "maternelle", 200)], "private_share": {2026: 0.2, 2030: 0.4}},
        housing={"profile": [1.0], "programmes": [{"district": "a", "year": 2026, "type": "moyen", "dwellings": 100}]},
    )
    r = rows(s, "a", "maternelle")
    assert r[2026].base == pytest.approx(200, **APPROX)
    assert r[2028].base == pytest.approx(175, **APPROX)
    assert r[2030].base == pytest.approx(150, **APPROX)
    assert r[2028].housing == pytest.approx(6.5625, **APPROX)
    assert s.demand[("a", "maternelle", 2028)] == pytest.approx((175 + 6.5625) / 22, **APPROX)


def test_private_share_one_number_and_series():
    s = build({"pupils": [pupils("a", "maternelle", 200)], "private_share": {2027: 0.3, 2029: 0.2}})
    school = s.spec.forecast.school
    assert [private_share(school, y) for y in range(2025, 2031)] == pytest.approx([0.3, 0.3, 0.3, 0.25, 0.2, 0.2])
    flat = build({"pupils": [pupils("a", "maternelle", 200)], "private_share": 0.25})
    assert [r.base for r in rows(flat, "a", "maternelle").values()] == [200] * 5


# ------------------------------------------------------------------------------------ the cohort model

# District a's levels counted in 2025 and 2026 (the base year): the rates are 2026 ÷ 2025 one level down.
OBSERVED = {
    2025: dict(zip(LEVELS, (30, 28, 27, 26, 25, 24, 23, 22), strict=True)),
    2026: dict(zip(LEVELS, (33, 27, 28, 27, 26, 24, 23, 22), strict=True)),
}


def observed_rows(district: str = "a") -> list[dict[str, Any]]:
    return [
        {"district": district, "level": lv, "year": y, "pupils": n}
        for y, levels in OBSERVED.items()
        for lv, n in levels.items()
    ]


def cohort_school(**cohort: Any) -> dict[str, Any]:
    # a: 33 + 27 + 28 = 88 maternelle, 27 + 26 + 24 + 23 + 22 = 122 élémentaire; b: 60 and 100, no levels.
    return {
        "pupils": [
            pupils("a", "maternelle", 88),
            pupils("a", "elementaire", 122),
            pupils("b", "maternelle", 60, 0.0),
            pupils("b", "elementaire", 100, 0.0),
        ],
        "model": "cohort",
        "cohort": {"observed": observed_rows(), **cohort},
    }


def test_transition_rates_from_the_observed_levels():
    s = build(cohort_school())
    rates = transition_rates(s.spec.forecast.school, ("a", "b"))
    # MS 2026 / PS 2025 = 27/30, GS 28/28, CP 27/27, CE1 26/26, CE2 24/25, CM1 23/24, CM2 22/23.
    expected = {"MS": 0.9, "GS": 1.0, "CP": 1.0, "CE1": 1.0, "CE2": 0.96, "CM1": 23 / 24, "CM2": 22 / 23}
    for level, rate in expected.items():
        assert rates[("a", level)] == (pytest.approx(rate, **APPROX), "observed")
        assert rates[("b", level)] == (pytest.approx(rate, **APPROX), "commune")  # b has no levels: a's


def test_cohorts_age_level_by_level():
    s = build(cohort_school())
    mat, ele = rows(s, "a", "maternelle"), rows(s, "a", "elementaire")
    # 2026: the base pupils. New PS cohorts at the observed PS trend 30 → 33: +10 % a year.
    assert mat[2026].base == pytest.approx(88, **APPROX)
    assert ele[2026].base == pytest.approx(122, **APPROX)
    # 2027: PS 33 × 1.1 = 36.3; MS 0.9 × 33 = 29.7; GS 27; CP 28; CE1 27; CE2 0.96 × 26 = 24.96;
    #       CM1 23/24 × 24 = 23; CM2 22/23 × 23 = 22.
    assert mat[2027].base == pytest.approx(36.3 + 29.7 + 27, **APPROX)
    assert ele[2027].base == pytest.approx(28 + 27 + 24.96 + 23 + 22, **APPROX)
    # 2028: PS 39.93; MS 0.9 × 36.3 = 32.67; GS 29.7; CP 27; CE1 28; CE2 0.96 × 27 = 25.92;
    #       CM1 23/24 × 24.96 = 23.92; CM2 22/23 × 23 = 22.
    assert mat[2028].base == pytest.approx(39.93 + 32.67 + 29.7, **APPROX)
    assert ele[2028].base == pytest.approx(27 + 28 + 25.92 + 23.92 + 22, **APPROX)
    assert s.demand[("a", "elementaire", 2028)] == pytest.approx(126.84 / 22, **APPROX)
    # The maternelle grows while the élémentaire takes its cohorts a year later: not one trend per kind.


def test_cohorts_without_levels_split_by_level_shares():
    # b: 60 maternelle in thirds (20 each), 100 élémentaire in fifths (20 each), a's rates, entry trend 0.
    # 2027: PS 20, MS 18, GS 20 → 58; CP 20, CE1 20, CE2 19.2, CM1 20 × 23/24, CM2 20 × 22/23.
    s = build(cohort_school())
    assert rows(s, "b", "maternelle")[2027].base == pytest.approx(58, **APPROX)
    assert rows(s, "b", "elementaire")[2027].base == pytest.approx(
        20 + 20 + 19.2 + 20 * 23 / 24 + 20 * 22 / 23, **APPROX
    )


def test_given_transitions_and_entry_trend():
    s = build(cohort_school(transitions={"MS": 1.0}, entry_trend=0.0))
    # PS stays 33; MS = 1.0 × 33.
    assert rows(s, "a", "maternelle")[2027].base == pytest.approx(33 + 33 + 27, **APPROX)


def test_new_cohorts_from_births():
    # Births 2023: 40, 2024: 44, then held. PS 2026 = 33 = rate × 40: rate 0.825; PS 2027 = 0.825 × 44 = 36.3,
    # PS 2028 = 0.825 × 44 (2025: the last birth count held) = 36.3.
    births = [{"district": "a", "year": 2023, "value": 40}, {"district": "a", "year": 2024, "value": 44}]
    s = build(cohort_school(entry="births", births=births))
    mat = rows(s, "a", "maternelle")
    assert mat[2027].base == pytest.approx(36.3 + 29.7 + 27, **APPROX)
    assert mat[2028].base == pytest.approx(36.3 + 32.67 + 29.7, **APPROX)


def test_cohort_housing_by_age_and_private_share():
    # 100 moyen dwellings in 2027 at the peak at once: 25 pupils, 3/8 maternelle (9.375), split in thirds over
    # PS/MS/GS; private share 0.2 in 2026 and 0.3 from 2028: in 2028 public = 0.7/0.8 of the cohorts, and
    # 0.7 of the new pupils.
    school = cohort_school()
    school["private_share"] = {2026: 0.2, 2028: 0.3}
    s = build(
        school,
        housing={"profile": [1.0], "programmes": [{"district": "a", "year": 2027, "type": "moyen", "dwellings": 100}]},
    )
    mat = rows(s, "a", "maternelle")
    assert mat[2027].housing == pytest.approx(9.375 * 0.75, **APPROX)  # 2027: share 0.25
    assert mat[2028].base == pytest.approx((39.93 + 32.67 + 29.7) * 0.7 / 0.8, **APPROX)
    assert mat[2028].housing == pytest.approx(9.375 * 0.7, **APPROX)
    assert s.demand[("a", "maternelle", 2028)] == pytest.approx((mat[2028].base + mat[2028].housing) / 22, **APPROX)


def test_cohort_classes_round_once_per_kind():
    school = cohort_school()
    s = scenario_from_dict(
        scenario_data({"school": {"base_year": 2026, **school}}), source="<test>"
    )  # rounding up (default)
    assert s.demand[("a", "elementaire", 2028)] == 6.0  # 126.84 / 22 = 5.77


# ------------------------------------------------------------------------------------ bad values


def test_bad_bounds_and_private_share_are_refused():
    found = problems({"pupils": [pupils("a", "maternelle", 1)], "trend_bounds": [0.1, 0.2], "private_share": 1})
    assert any("trend_bounds" in p and "floor ≤ 0 ≤ ceiling" in p for p in found)
    assert any("private_share" in p and "leaves no pupil in public schools" in p for p in found)


def test_bad_damping_is_refused():
    found = problems({"pupils": [pupils("a", "maternelle", 1)], "trend_damping": 1.5})
    assert any("trend_damping" in p for p in found)


def test_bad_cohorts_are_refused():
    found = problems(
        {
            "pupils": [pupils("a", "maternelle", 1), pupils("a", "elementaire", 1)],
            "model": "cohort",
            "cohort": {
                "levels": ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM3"],
                "transitions": {"PS": 0.9},
                "entry": "births",
                "observed": [{"district": "z", "level": "PS", "year": 2026, "pupils": 3}],
            },
        }
    )
    text = "\n".join(found)
    assert "forecast.school.cohort.levels[7]: 'CM3' is not a level of the forecast's kinds" in text
    assert "the levels CM2 of the forecast's kinds are not in the cohort" in text
    assert "forecast.school.cohort.transitions.PS: 'PS' is not a level after the first" in text
    assert "entry: births needs births rows" in text
    assert "forecast.school.cohort.observed[0].district: unknown district 'z'" in text


def test_a_cohort_block_under_the_trend_model_is_warned():
    s = build({"pupils": [pupils("a", "maternelle", 1)], "cohort": {}})
    assert any("the cohorts are not used" in w for w in s.warnings)


def test_rates_estimated_from_the_kinds_observed_pupils():
    # No level rows: the kinds' observed pupils × their level shares stand in. a's maternelle 90 in 2025 and
    # 96 in 2026 (thirds: 30 → 32 a level), élémentaire 100 and 110 (fifths: 20 → 22 a level):
    # MS = GS = 32/30; CP = 22 / 30 (GS 2025 = 30); CE1…CM2 = 22/20.
    school = {
        "pupils": [pupils("a", "maternelle", 96), pupils("a", "elementaire", 110)],
        "model": "cohort",
        "observed": [
            {"district": "a", "kind": "maternelle", "year": 2025, "pupils": 90},
            {"district": "a", "kind": "maternelle", "year": 2026, "pupils": 96},
            {"district": "a", "kind": "elementaire", "year": 2025, "pupils": 100},
            {"district": "a", "kind": "elementaire", "year": 2026, "pupils": 110},
        ],
    }
    s = build(school)
    rates = transition_rates(s.spec.forecast.school, ("a",))
    assert rates[("a", "MS")] == (pytest.approx(32 / 30, **APPROX), "estimated")
    assert rates[("a", "CP")] == (pytest.approx(22 / 30, **APPROX), "estimated")
    assert rates[("a", "CM2")] == (pytest.approx(1.1, **APPROX), "estimated")
    # 2027: PS has no level rows, so new cohorts follow the pupils' trend (0 here): 32; MS and GS 32 × 32/30;
    # CP 32 × 22/30; CE1…CM2 22 × 1.1.
    mat = rows(s, "a", "maternelle")[2027].base
    assert mat == pytest.approx(32 + 2 * 32 * 32 / 30, **APPROX)
    ele = rows(s, "a", "elementaire")[2027].base
    assert ele == pytest.approx(32 * 22 / 30 + 4 * 22 * 1.1, **APPROX)


def test_rennes_cohorts_from_the_national_file():
    """The Rennes scenario with `model: cohort` and the per-level table `ppi enrolment` writes
    (effectifs-niveaux.csv, CP…CM2 of the national file): the élémentaire rates are observed, the GS → CP and
    maternelle rates estimated from the observed kinds, the base year is the base pupils."""
    import csv
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "scenarios" / "rennes"
    base = load_scenario(folder / "scenario.yaml")
    doc = copy.deepcopy(dict(base.document))
    with open(folder / "effectifs-niveaux.csv", encoding="utf-8") as f:
        levels = [{**r, "year": int(r["year"]), "pupils": float(r["pupils"])} for r in csv.DictReader(f)]
    doc["forecast"]["school"]["model"] = "cohort"
    doc["forecast"]["school"]["cohort"] = {"observed": levels}
    s = scenario_from_dict(doc, source=str(folder / "scenario.yaml"), base_dir=folder)
    rates = transition_rates(s.spec.forecast.school, tuple(s.districts))
    count = {(r["district"], r["level"], r["year"]): r["pupils"] for r in levels}
    d = "rennes-35000"
    ce1 = sum(count[(d, "CE1", y + 1)] for y in (2019, 2020, 2021)) / sum(
        count[(d, "CP", y)] for y in (2019, 2020, 2021)
    )
    assert rates[(d, "CE1")] == (pytest.approx(ce1, **APPROX), "observed")
    assert rates[(d, "CP")][1] == rates[(d, "MS")][1] == "estimated"
    # Nord-Est's maternelles feed élémentaires of the centre: fewer CP than GS there, more in the centre.
    assert rates[("rennes-35700", "CP")][0] < 0.5 < 1 < rates[("rennes-35000", "CP")][0]
    school = s.spec.forecast.school
    from models.forecast import cohort_base

    for row in school.pupils:
        split = cohort_base(school, row.district)
        kind_levels = [lv for lv in split if (lv in ("PS", "MS", "GS")) == (row.kind == "maternelle")]
        assert sum(split[lv] for lv in kind_levels) == pytest.approx(row.pupils, **APPROX)


def test_births_missing_for_a_quartier_is_warned():
    births = [{"district": "a", "year": 2023, "value": 40}]
    s = build(cohort_school(entry="births", births=births))
    assert any("no births for b: there no new cohort enters PS" in w for w in s.warnings)
    assert rows(s, "b", "maternelle")[2029].base == pytest.approx(0.0)  # PS, MS, GS all from missing births
