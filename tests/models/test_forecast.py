"""Demand derived from a forecast block (models/forecast.py), worked out by hand.

Every test builds a tiny scenario (horizon 2026-2030, districts `a` and `b`, kinds maternelle, elementaire
and creche, no demand table unless said) and checks `scenario.demand[(d, k, y)]` and the ForecastRow parts
against arithmetic written in the comments. Shipped defaults used below (models/defaults.py): class size 22,
cap 24 and REP cap 12 for GS/CP/CE1; maternelle levels PS/MS/GS in thirds, elementaire CP…CM2 in fifths;
`moyen` dwellings bring 0.25 pupils at the peak; children under 3 are 3/8 of the pupils per dwelling.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import ScenarioError, load_scenario, scenario_from_dict
from models.forecast import ForecastRow
from models.plan import Status
from models.scenario import Scenario
from tests.helpers import make_scenario_dict, project, solve_and_verify

YEARS = range(2026, 2031)
KINDS = {
    "maternelle": {"unit": "classes"},
    "elementaire": {"unit": "classes"},
    "creche": {"unit": "places", "weight": 0.05},
}
TIGHT = {"rel": 1e-12, "abs": 1e-12}  # float arithmetic of the same formula: equal to the last bits


def scenario_data(forecast: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """Scenario data: 2026-2030, districts a and b (b is REP only when asked), the three kinds, no tables."""
    data = make_scenario_dict(
        years=overrides.pop("years", (2026, 2030)),
        demand_kinds=KINDS,
        districts=overrides.pop("districts", [{"id": "a"}, {"id": "b"}]),
        **overrides,
    )
    if forecast is not None:
        data["forecast"] = forecast
    return data


def build(forecast: dict[str, Any] | None = None, **overrides: Any) -> Scenario:
    return scenario_from_dict(scenario_data(forecast, **overrides), source="<test>")


def school(*pupil_rows: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"base_year": 2026, "pupils": list(pupil_rows), **options}


def pupils(district: str, kind: str, n: float, trend: float | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"district": district, "kind": kind, "pupils": n}
    if trend is not None:
        row["trend"] = trend
    return row


def part(scenario: Scenario, district: str, kind: str, year: int) -> ForecastRow:
    (row,) = [r for r in scenario.forecast if (r.district, r.kind, r.year) == (district, kind, year)]
    return row


def demand(scenario: Scenario, district: str, kind: str) -> list[float]:
    return [scenario.demand[(district, kind, y)] for y in YEARS]


def existing(scenario: Scenario, district: str, kind: str) -> list[float]:
    return [scenario.existing[(district, kind, y)] for y in YEARS]


# --------------------------------------------------------------------------- base pupils and trend


def test_base_pupils_grow_at_the_school_trend_from_the_base_year():
    # P = 220 × 1.1^(y − 2026): 220, 242, 266.2, 292.82, 322.102 pupils.
    # Maternelle: PS, MS, GS a third each, every level 22 per class (GS: min(22, cap 24) = 22), so C = P / 22:
    # 10, 11, 12.1, 13.31, 14.641 classes.
    s = build({"school": school(pupils("a", "maternelle", 220), trend=0.1, rounding="none")})
    expected_pupils = [220, 242, 266.2, 292.82, 322.102]
    for y, p in zip(YEARS, expected_pupils, strict=True):
        row = part(s, "a", "maternelle", y)
        assert row.base == pytest.approx(p, **TIGHT)
        assert row.housing == 0.0
        assert row.people == pytest.approx(p, **TIGHT)
        assert row.demand == s.demand[("a", "maternelle", y)]
    assert demand(s, "a", "maternelle") == pytest.approx([10, 11, 12.1, 13.31, 14.641], **TIGHT)
    # With rounding up (the default): 10, 11, 13, 14, 15 whole classes.
    s = build({"school": school(pupils("a", "maternelle", 220), trend=0.1)})
    assert demand(s, "a", "maternelle") == [10, 11, 13, 14, 15]


def test_a_rows_own_trend_overrides_the_school_trend():
    # School trend +10 %; a/maternelle has its own 0 % and b/maternelle its own −10 %; a/elementaire has none.
    # 2027: a/maternelle 220 → 10 classes; a/elementaire 220 × 1.1 = 242 → 242 / 22 = 11 (CP…CM2, all at 22);
    #       b/maternelle 220 × 0.9 = 198 → 9.
    # 2030: a/maternelle still 220 → 10; a/elementaire 220 × 1.1^4 = 322.102 → 14.641 → 15;
    #       b/maternelle 220 × 0.9^4 = 144.342 → 6.561 → 7.
    s = build(
        {
            "school": school(
                pupils("a", "maternelle", 220, trend=0.0),
                pupils("a", "elementaire", 220),
                pupils("b", "maternelle", 220, trend=-0.1),
                trend=0.1,
            )
        }
    )
    assert part(s, "a", "maternelle", 2027).base == 220
    assert part(s, "a", "elementaire", 2027).base == pytest.approx(242, **TIGHT)
    assert part(s, "b", "maternelle", 2027).base == pytest.approx(198, **TIGHT)
    assert part(s, "b", "maternelle", 2030).base == pytest.approx(144.342, **TIGHT)
    assert demand(s, "a", "maternelle") == [10] * 5
    assert s.demand[("a", "elementaire", 2027)] == 11
    assert s.demand[("a", "elementaire", 2030)] == 15
    assert s.demand[("b", "maternelle", 2027)] == 9
    assert s.demand[("b", "maternelle", 2030)] == 7
    # b has no elementaire row: the forecast derives it, from no pupils.
    assert demand(s, "b", "elementaire") == [0] * 5
    assert s.demand_source[("b", "elementaire")] == "forecast"


def test_a_base_year_before_the_horizon_compounds_from_that_year():
    # Counted in 2024: 200 pupils, trend −10 %. 2026 is two years on: 200 × 0.9² = 162; 2027: 145.8;
    # 2030: 200 × 0.9⁶ = 106.288200. Classes 162 / 22 = 7.36 → 8; 145.8 / 22 = 6.63 → 7; 106.2882 / 22 = 4.83 → 5.
    s = build({"school": {**school(pupils("a", "maternelle", 200)), "base_year": 2024, "trend": -0.1}})
    assert part(s, "a", "maternelle", 2026).base == pytest.approx(162, **TIGHT)
    assert part(s, "a", "maternelle", 2027).base == pytest.approx(145.8, **TIGHT)
    assert part(s, "a", "maternelle", 2030).base == pytest.approx(106.2882, **TIGHT)
    assert s.demand[("a", "maternelle", 2026)] == 8
    assert s.demand[("a", "maternelle", 2027)] == 7
    assert s.demand[("a", "maternelle", 2030)] == 5


# --------------------------------------------------------------------------- new housing


def test_one_programme_split_by_new_pupils_share():
    # 100 `moyen` dwellings (0.25 pupils at the peak) delivered in 2027 in a, profile [0.5, 1.0]:
    # 2026: before delivery, 0; 2027: 100 × 0.25 × 0.5 = 12.5 pupils; 2028-2030: 100 × 0.25 × 1.0 = 25 (the
    # profile's last value holds). Split 40 % maternelle / 60 % elementaire:
    # maternelle 0, 5, 10, 10, 10 and elementaire 0, 7.5, 15, 15, 15 pupils; unrounded classes are /22.
    s = build(
        {
            "school": school(
                pupils("a", "maternelle", 0),
                pupils("a", "elementaire", 0),
                new_pupils_share={"maternelle": 0.4, "elementaire": 0.6},
                rounding="none",
            ),
            "housing": {
                "profile": [0.5, 1.0],
                "programmes": [{"district": "a", "year": 2027, "type": "moyen", "dwellings": 100}],
            },
        }
    )
    mat = [part(s, "a", "maternelle", y).housing for y in YEARS]
    elem = [part(s, "a", "elementaire", y).housing for y in YEARS]
    assert mat == pytest.approx([0, 5, 10, 10, 10], **TIGHT)
    assert elem == pytest.approx([0, 7.5, 15, 15, 15], **TIGHT)
    assert demand(s, "a", "maternelle") == pytest.approx([0, 5 / 22, 10 / 22, 10 / 22, 10 / 22], **TIGHT)
    assert demand(s, "a", "elementaire") == pytest.approx([0, 7.5 / 22, 15 / 22, 15 / 22, 15 / 22], **TIGHT)
    # The programme is in a: b gets none of its pupils.
    assert all(part(s, "b", k, y).housing == 0 for k in ("maternelle", "elementaire") for y in YEARS)


def test_one_programme_default_split_is_by_number_of_levels():
    # Without new_pupils_share: 3 maternelle levels and 5 elementaire levels, so 3/8 and 5/8.
    # 100 moyen dwellings in 2027, the shipped profile (0.3, 0.6, 1.0, ...): 7.5, 15, 25, 25 pupils in
    # 2027-2030. Maternelle: 2.8125, 5.625, 9.375, 9.375; elementaire: 4.6875, 9.375, 15.625, 15.625.
    # On top of 110 maternelle and 220 elementaire base pupils, rounded up:
    # maternelle (110 + 9.375) / 22 = 5.43 → 6 in 2029; elementaire (220 + 15.625) / 22 = 10.71 → 11.
    s = build(
        {
            "school": school(pupils("a", "maternelle", 110), pupils("a", "elementaire", 220)),
            "housing": {"programmes": [{"district": "a", "year": 2027, "type": "moyen", "dwellings": 100}]},
        }
    )
    mat = [part(s, "a", "maternelle", y).housing for y in YEARS]
    elem = [part(s, "a", "elementaire", y).housing for y in YEARS]
    assert mat == pytest.approx([0, 2.8125, 5.625, 9.375, 9.375], **TIGHT)
    assert elem == pytest.approx([0, 4.6875, 9.375, 15.625, 15.625], **TIGHT)
    # maternelle: 110/22 = 5; 112.8125/22 = 5.13 → 6; 115.625/22 = 5.26 → 6; 119.375/22 = 5.43 → 6.
    assert demand(s, "a", "maternelle") == [5, 6, 6, 6, 6]
    # elementaire: 220/22 = 10; 224.6875/22 = 10.21 → 11; 229.375/22 = 10.43 → 11; 235.625/22 = 10.71 → 11.
    assert demand(s, "a", "elementaire") == [10, 11, 11, 11, 11]


def test_default_split_counts_all_eight_school_years_even_for_one_kind():
    # Only maternelle is forecast (elementaire comes from a table): new pupils per dwelling count the eight
    # school years, so maternelle still gets 3/8 of them, not all. 100 moyen dwellings in 2026, profile [1]:
    # 25 pupils, 9.375 in maternelle.
    s = build(
        {
            "school": school(pupils("a", "maternelle", 110), pupils("b", "maternelle", 22)),
            "housing": {
                "profile": [1.0],
                "programmes": [{"district": "a", "year": 2026, "type": "moyen", "dwellings": 100}],
            },
        }
    )
    assert part(s, "a", "maternelle", 2026).housing == pytest.approx(9.375, **TIGHT)


def test_incomplete_forecast_inputs_are_warned_about():
    """A district without base pupils or population, a kind that new dwellings never reach."""
    s = build(
        {
            "school": school(pupils("a", "maternelle", 110), levels={"maternelle": {"petits": 1.0}}),
            "housing": {"programmes": [{"district": "a", "year": 2027, "type": "moyen", "dwellings": 10}]},
            "childcare": {"population": [{"district": "a", "year": 2026, "value": 100}], "coverage": 0.5},
        }
    )
    text = "\n".join(s.warnings)
    assert "no base pupils of 'maternelle' for b" in text
    assert "new dwellings bring no pupils to 'maternelle'" in text
    assert "no population for b" in text


def test_a_dwelling_types_own_values_and_profile_replace_the_defaults():
    # `famille`: 0.4 pupils at the peak, its own profile [0.5, 1.0]; the housing profile [0.2] is not used
    # for it. 50 famille dwellings in 2028 in b: 2028: 50 × 0.4 × 0.5 = 10 pupils; 2029-2030: 20.
    # `moyen` redefined at 0.3 pupils, housing profile [0.2] (its last value holds): 100 × 0.3 × 0.2 = 6 from
    # 2026 on in a. Split 50/50.
    s = build(
        {
            "school": school(
                pupils("a", "maternelle", 0),
                pupils("a", "elementaire", 0),
                new_pupils_share={"maternelle": 0.5, "elementaire": 0.5},
                rounding="none",
            ),
            "housing": {
                "dwelling_types": {"famille": {"pupils": 0.4, "profile": [0.5, 1.0]}, "moyen": {"pupils": 0.3}},
                "profile": [0.2],
                "programmes": [
                    {"district": "a", "year": 2026, "type": "moyen", "dwellings": 100},
                    {"district": "b", "year": 2028, "type": "famille", "dwellings": 50},
                ],
            },
        }
    )
    assert [part(s, "a", "maternelle", y).housing for y in YEARS] == pytest.approx([3] * 5, **TIGHT)
    assert [part(s, "b", "elementaire", y).housing for y in YEARS] == pytest.approx([0, 0, 5, 10, 10], **TIGHT)


# --------------------------------------------------------------------------- REP, levels, class sizes


def test_rep_district_has_smaller_classes_in_the_capped_levels():
    # The same pupils in a (not REP) and b (REP): 132 maternelle, 120 elementaire, default levels.
    # a, maternelle: 132 / 22 = 6 (GS at min(22, 24) = 22).
    # b, maternelle: PS 44 / 22 + MS 44 / 22 + GS 44 / min(22, 12) = 2 + 2 + 3.667 = 7.667.
    # a, elementaire: 120 / 22 = 5.4545 (CP, CE1 at min(22, 24) = 22).
    # b, elementaire: CP 24 / 12 + CE1 24 / 12 + (CE2, CM1, CM2) 72 / 22 = 4 + 3.2727 = 7.2727.
    rows = [pupils(d, "maternelle", 132) for d in "ab"] + [pupils(d, "elementaire", 120) for d in "ab"]
    districts = [{"id": "a"}, {"id": "b", "rep": True}]
    s = build({"school": school(*rows, rounding="none")}, districts=districts)
    assert s.demand[("a", "maternelle", 2026)] == pytest.approx(6, **TIGHT)
    assert s.demand[("b", "maternelle", 2026)] == pytest.approx(2 + 2 + 44 / 12, **TIGHT)
    assert s.demand[("a", "elementaire", 2026)] == pytest.approx(120 / 22, **TIGHT)
    assert s.demand[("b", "elementaire", 2026)] == pytest.approx(4 + 72 / 22, **TIGHT)
    # Rounded up: 6, 8, 6, 8.
    s = build({"school": school(*rows)}, districts=districts)
    assert [s.demand[(d, k, 2030)] for k in ("maternelle", "elementaire") for d in "ab"] == [6, 8, 6, 8]


def test_level_shares_class_size_and_caps_are_parameters():
    # Elementaire levels CP 0.25, CE1 0.25, CE2 0.5; class_size 20, cap 18, rep_cap 10; 180 pupils.
    # a (not REP): CP 45 / min(20, 18) + CE1 45 / 18 + CE2 90 / 20 = 2.5 + 2.5 + 4.5 = 9.5.
    # b (REP):     CP 45 / min(20, 10) + CE1 45 / 10 + CE2 90 / 20 = 4.5 + 4.5 + 4.5 = 13.5.
    # Maternelle keeps the default thirds: 66 pupils, GS at min(20, 18) = 18 in a: 22/20 + 22/20 + 22/18.
    s = build(
        {
            "school": school(
                pupils("a", "elementaire", 180),
                pupils("b", "elementaire", 180),
                pupils("a", "maternelle", 66),
                levels={"elementaire": {"CP": 0.25, "CE1": 0.25, "CE2": 0.5}},
                class_size=20,
                cap=18,
                rep_cap=10,
                rounding="none",
            )
        },
        districts=[{"id": "a"}, {"id": "b", "rep": True}],
    )
    assert s.demand[("a", "elementaire", 2026)] == pytest.approx(9.5, **TIGHT)
    assert s.demand[("b", "elementaire", 2026)] == pytest.approx(13.5, **TIGHT)
    assert s.demand[("a", "maternelle", 2026)] == pytest.approx(22 / 20 + 22 / 20 + 22 / 18, **TIGHT)


# --------------------------------------------------------------------------- rounding


def test_rounding_up_is_once_per_district_kind_and_year():
    # Maternelle, default thirds, 22 per class, a/b/c not REP:
    # 44 pupils: 44/3/22 × 3 = 2.0 → exactly 2 classes; 44.1 pupils → 2.0045 → 3;
    # 30 pupils → 1.36 → 2 (rounding each level would give ⌈10/22⌉ × 3 = 3: remainders share a class).
    s = build(
        {
            "school": school(
                pupils("a", "maternelle", 44), pupils("b", "maternelle", 44.1), pupils("c", "maternelle", 30)
            )
        },
        districts=[{"id": "a"}, {"id": "b"}, {"id": "c"}],
    )
    assert demand(s, "a", "maternelle") == [2] * 5
    assert demand(s, "b", "maternelle") == [3] * 5
    assert demand(s, "c", "maternelle") == [2] * 5


def test_rounding_up_forgives_floating_dust():
    # 100 pupils in 2026 with a 10 % trend: 100 × 1.1 = 110.00000000000001 pupils in 2027 in floating point,
    # i.e. 5.000000000000001 classes; rounded up that is 5 classes, not 6.
    assert 100 * 1.1 / 22 > 5  # the dust is there
    s = build({"school": school(pupils("a", "maternelle", 100), trend=0.1)})
    assert s.demand[("a", "maternelle", 2027)] == 5
    # 2028: 121 pupils → 5.5 → 6.
    assert s.demand[("a", "maternelle", 2028)] == 6


def test_rounding_none_keeps_fractions():
    # 30 pupils → 30 / 22 = 1.3636... classes, every year.
    s = build({"school": school(pupils("a", "maternelle", 30), rounding="none")})
    assert demand(s, "a", "maternelle") == pytest.approx([30 / 22] * 5, **TIGHT)


# --------------------------------------------------------------------------- childcare


def test_childcare_from_children_under_3():
    # a: 100 children under 3 in 2027, 120 in 2028, trend +5 % after: 2026 takes the first value (100);
    # 2029: 120 × 1.05 = 126; 2030: 120 × 1.05² = 132.3. b: no rows, no children.
    # Places per child: coverage 0.6 × crèche share 0.5 / 1.2 children per place = 0.25:
    # 25, 25, 30, 31.5, 33.075 places (rounding none, the childcare default).
    childcare = {
        "population": [{"district": "a", "year": 2027, "value": 100}, {"district": "a", "year": 2028, "value": 120}],
        "trend": 0.05,
        "coverage": 0.6,
        "creche_share": 0.5,
        "children_per_place": 1.2,
    }
    s = build({"childcare": childcare})
    assert [part(s, "a", "creche", y).base for y in YEARS] == pytest.approx([100, 100, 120, 126, 132.3], **TIGHT)
    assert demand(s, "a", "creche") == pytest.approx([25, 25, 30, 31.5, 33.075], **TIGHT)
    assert demand(s, "b", "creche") == [0] * 5
    # Rounded up: 25, 25, 30, 32, 34.
    s = build({"childcare": {**childcare, "rounding": "up"}})
    assert demand(s, "a", "creche") == [25, 25, 30, 32, 34]
    assert s.demand_source[("a", "creche")] == "forecast"
    assert s.demand_source[("a", "maternelle")] == "none"


def test_childcare_from_births_of_the_three_previous_years():
    # Births in a: 30 (2024), 33 (2025), 36 (2026), +10 % a year after 2026; before 2024: the first value, 30.
    # Under 3 in y = births y−1 + y−2 + y−3:
    # 2026: 33 + 30 + 30 = 93;  2027: 36 + 33 + 30 = 99;  2028: 39.6 + 36 + 33 = 108.6;
    # 2029: 43.56 + 39.6 + 36 = 119.16;  2030: 47.916 + 43.56 + 39.6 = 131.076.
    # Coverage 0.5: 46.5, 49.5, 54.3, 59.58, 65.538 places.
    s = build(
        {
            "childcare": {
                "basis": "births",
                "population": [
                    {"district": "a", "year": 2024, "value": 30},
                    {"district": "a", "year": 2025, "value": 33},
                    {"district": "a", "year": 2026, "value": 36},
                ],
                "trend": 0.1,
                "coverage": 0.5,
            }
        }
    )
    under_3 = [93, 99, 108.6, 119.16, 131.076]
    assert [part(s, "a", "creche", y).base for y in YEARS] == pytest.approx(under_3, **TIGHT)
    assert demand(s, "a", "creche") == pytest.approx([46.5, 49.5, 54.3, 59.58, 65.538], **TIGHT)


def test_childcare_counts_children_under_3_from_new_housing():
    # a: 100 children under 3 (2026) and 80 moyen dwellings delivered 2027, housing profile [1.0]:
    #    3/8 × 0.25 = 0.09375 under-3 per dwelling → 7.5 children from 2027.
    # b: 50 `famille` dwellings (own under_3 0.2, own profile [0.5, 1.0]) delivered 2027:
    #    2027: 50 × 0.2 × 0.5 = 5 children; 2028-2030: 10.
    # Coverage 0.5, rounded up: a 50, ⌈53.75⌉ = 54, ...; b 0, ⌈2.5⌉ = 3, 5, 5, 5.
    s = build(
        {
            "housing": {
                "dwelling_types": {"famille": {"pupils": 0.4, "under_3": 0.2, "profile": [0.5, 1.0]}},
                "profile": [1.0],
                "programmes": [
                    {"district": "a", "year": 2027, "type": "moyen", "dwellings": 80},
                    {"district": "b", "year": 2027, "type": "famille", "dwellings": 50},
                ],
            },
            "childcare": {
                "population": [{"district": "a", "year": 2026, "value": 100}],
                "coverage": 0.5,
                "rounding": "up",
            },
        }
    )
    assert [part(s, "a", "creche", y).housing for y in YEARS] == pytest.approx([0, 7.5, 7.5, 7.5, 7.5], **TIGHT)
    assert [part(s, "b", "creche", y).housing for y in YEARS] == pytest.approx([0, 5, 10, 10, 10], **TIGHT)
    assert part(s, "a", "creche", 2027).people == pytest.approx(107.5, **TIGHT)
    assert demand(s, "a", "creche") == [50, 54, 54, 54, 54]
    assert demand(s, "b", "creche") == [0, 3, 5, 5, 5]
    # No school block: the dwellings' pupils feed no school kind.
    assert s.demand_source[("a", "maternelle")] == "none"


# --------------------------------------------------------------------------- capacity changes


def test_capacity_changes_close_lend_and_convert():
    # Table: a/maternelle 10 from 2026, 12 from 2028 (carried forward); a/elementaire 5 from 2026.
    # Changes: 2 maternelle classes closed from 2027 (for good); 3 elementaire classes lent 2027 to 2028
    # (until is inclusive); 1 maternelle class converted to elementaire from 2029.
    # maternelle:  10, 10−2 = 8, 12−2 = 10, 12−2−1 = 9, 9
    # elementaire: 5, 5+3 = 8, 8, 5+1 = 6, 6
    s = build(
        capacity=[
            {"district": "a", "kind": "maternelle", "year": 2026, "value": 10},
            {"district": "a", "kind": "maternelle", "year": 2028, "value": 12},
            {"district": "a", "kind": "elementaire", "year": 2026, "value": 5},
        ],
        capacity_changes=[
            {"district": "a", "kind": "maternelle", "year": 2027, "units": -2, "note": "fermeture"},
            {"district": "a", "kind": "elementaire", "year": 2027, "until": 2028, "units": 3},
            {"district": "a", "kind": "maternelle", "to": "elementaire", "year": 2029, "units": 1},
        ],
    )
    assert existing(s, "a", "maternelle") == [10, 8, 10, 9, 9]
    assert existing(s, "a", "elementaire") == [5, 8, 8, 6, 6]
    assert existing(s, "b", "maternelle") == [0] * 5
    assert existing(s, "a", "creche") == [0] * 5
    assert all(v == 0 for v in s.demand.values())  # capacity changes never touch demand


def test_temporary_capacity_from_before_the_horizon_counts_until_it_ends():
    # 4 crèche places opened in 2024 until 2027 (in a prefabricated building): 4, 4, then 0.
    s = build(capacity_changes=[{"district": "b", "kind": "creche", "year": 2024, "until": 2027, "units": 4}])
    assert existing(s, "b", "creche") == [4, 4, 0, 0, 0]


def test_a_closure_removing_more_than_exists_is_located_on_that_closure():
    # 8 classes; 1 closed for works in 2026 only (ended), 9 closed from 2028: 8 − 9 = −1 in 2028. The problem
    # names the closure of 2028 (capacity_changes[1]), not the works that ended two years before.
    data = scenario_data(
        capacity=[{"district": "a", "kind": "maternelle", "year": 2026, "value": 8}],
        capacity_changes=[
            {"district": "a", "kind": "maternelle", "year": 2026, "until": 2026, "units": -1, "note": "travaux"},
            {"district": "a", "kind": "maternelle", "year": 2028, "units": -9, "note": "fermeture"},
        ],
    )
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source="<test>")
    (p,) = info.value.problems
    assert p.path == "capacity_changes[1]"
    assert "a/maternelle in 2028: the changes remove 9 units but only 8 exist" in p.message
    # 8 closed from 2028 leaves 0: allowed.
    data["capacity_changes"][1]["units"] = -8
    assert existing(scenario_from_dict(data, source="<test>"), "a", "maternelle") == [7, 8, 0, 0, 0]


# --------------------------------------------------------------------------- precedence


def test_demand_table_wins_over_the_forecast_for_its_pair_only():
    # Forecast: 220 maternelle pupils in a and in b (10 classes each), 110 elementaire in a (5 classes).
    # The demand table gives a/maternelle 7 (2026), 8 (2028): that pair is the table's, carried forward.
    forecast = {
        "school": school(
            pupils("a", "maternelle", 220), pupils("b", "maternelle", 220), pupils("a", "elementaire", 110)
        )
    }
    table = [
        {"district": "a", "kind": "maternelle", "year": 2026, "value": 7},
        {"district": "a", "kind": "maternelle", "year": 2028, "value": 8},
    ]
    s = build(forecast, demand=table)
    assert demand(s, "a", "maternelle") == [7, 7, 8, 8, 8]
    assert demand(s, "b", "maternelle") == [10] * 5
    assert demand(s, "a", "elementaire") == [5] * 5
    assert demand(s, "b", "elementaire") == [0] * 5
    assert dict(s.demand_source) == {
        ("a", "maternelle"): "table",
        ("b", "maternelle"): "forecast",
        ("a", "elementaire"): "forecast",
        ("b", "elementaire"): "forecast",
        ("a", "creche"): "none",
        ("b", "creche"): "none",
    }
    # The forecast itself still holds a/maternelle (shown in reports), but the optimiser reads the table.
    assert part(s, "a", "maternelle", 2026).demand == 10
    assert any("'maternelle'" in w and "wins over the forecast" in w for w in s.warnings)


def test_without_a_forecast_every_pair_is_table_or_none():
    s = build(demand=[{"district": "b", "kind": "creche", "year": 2026, "value": 40}])
    assert s.forecast == ()
    assert set(s.demand_source.values()) == {"none", "table"}
    assert s.demand_source[("b", "creche")] == "table"
    assert s.warnings == ()


# --------------------------------------------------------------------------- nested tables in files

INLINE_PUPILS = [pupils("a", "maternelle", 110, trend=-0.02), pupils("b", "elementaire", 220)]
INLINE_PROGRAMMES = [
    {"district": "a", "year": 2027, "type": "moyen", "dwellings": 120, "name": "ZAC des Prés"},
    {"district": "b", "year": 2029, "type": "social", "dwellings": 40},
]
INLINE_POPULATION = [
    {"district": "a", "year": 2026, "value": 95},
    {"district": "b", "year": 2026, "value": 60},
    {"district": "b", "year": 2028, "value": 70.5},
]
INLINE_CHANGES = [
    {"district": "a", "kind": "maternelle", "year": 2028, "units": -1, "note": "fermeture"},
    {"district": "b", "kind": "creche", "year": 2027, "until": 2028, "units": 12},
    {"district": "b", "kind": "maternelle", "to": "elementaire", "year": 2029, "units": 1},
]
# The same tables as CSV (the pupils with `;` and a decimal comma, as French Excel writes them).
CSV_FILES = {
    "effectifs.csv": "district;kind;pupils;trend\na;maternelle;110;-0,02\nb;elementaire;220;\n",
    "logements.csv": "district,year,type,dwellings,name\na,2027,moyen,120,ZAC des Prés\nb,2029,social,40,\n",
    "petite-enfance.csv": "district,year,value\na,2026,95\nb,2026,60\nb,2028,70.5\n",
    "changements.csv": (
        "district,kind,year,units,until,to,note\n"
        "a,maternelle,2028,-1,,,fermeture\nb,creche,2027,12,2028,,\nb,maternelle,2029,1,,elementaire,\n"
    ),
}


def nested_data(inline: bool) -> dict[str, Any]:
    def table(rows: list[dict[str, Any]], file: str) -> Any:
        return rows if inline else {"file": file}

    return scenario_data(
        {
            "school": {"base_year": 2026, "pupils": table(INLINE_PUPILS, "effectifs.csv")},
            "housing": {"programmes": table(INLINE_PROGRAMMES, "logements.csv")},
            "childcare": {"population": table(INLINE_POPULATION, "petite-enfance.csv"), "coverage": 0.6},
        },
        capacity=[
            {"district": "a", "kind": "maternelle", "year": 2026, "value": 6},
            {"district": "b", "kind": "maternelle", "year": 2026, "value": 4},
        ],
        capacity_changes=table(INLINE_CHANGES, "changements.csv"),
        districts=[{"id": "a"}, {"id": "b", "rep": True, "neighbours": "a"}],
        transfers={"max_units": 1},
    )


def write_scenario(folder: Path, data: dict[str, Any], files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_nested_tables_in_csv_files_load_like_inline(tmp_path):
    inline = load_scenario(write_scenario(tmp_path / "inline", nested_data(inline=True)))
    from_files = load_scenario(write_scenario(tmp_path / "files", nested_data(inline=False), CSV_FILES))
    assert from_files.spec.forecast == inline.spec.forecast
    assert from_files.spec.capacity_changes == inline.spec.capacity_changes
    assert from_files.demand == inline.demand
    assert from_files.existing == inline.existing
    assert from_files.forecast == inline.forecast
    assert from_files.demand_source == inline.demand_source
    # And the tables mean what they say: a/maternelle 110 × 0.98 pupils in 2027 plus 120 × 0.25 × 0.3 × 3/8 from
    # the ZAC = 107.8 + 3.375 = 111.175 → 5.05 → 6 classes; b/creche (60 + 0) × 0.6 = 36 places in 2027.
    assert part(from_files, "a", "maternelle", 2027).people == pytest.approx(111.175, **TIGHT)
    assert from_files.demand[("a", "maternelle", 2027)] == 6
    assert from_files.demand[("b", "creche", 2027)] == pytest.approx(36, **TIGHT)
    # Capacity: a/maternelle 6 − 1 from 2028; b/creche 12 lent in 2027-2028; b/maternelle 4 − 1 from 2029.
    assert existing(from_files, "a", "maternelle") == [6, 6, 5, 5, 5]
    assert existing(from_files, "b", "creche") == [0, 12, 12, 0, 0]
    assert existing(from_files, "b", "maternelle") == [4, 4, 4, 3, 3]
    assert existing(from_files, "b", "elementaire") == [0, 0, 0, 1, 1]


@pytest.mark.parametrize(
    ("file", "text", "path", "line", "fragments"),
    [
        (
            "effectifs.csv",
            "district;kind;pupils;trend\na;maternelle;110;-0,02\nb;elementaire;beaucoup;\n",
            "forecast.school.pupils[1].pupils",
            3,
            ("valid number", "'beaucoup'"),
        ),
        (
            "logements.csv",
            "district,year,type,dwellings,name\na,2027,moyen,-120,ZAC des Prés\nb,2029,social,40,\n",
            "forecast.housing.programmes[0].dwellings",
            2,
            ("greater than or equal to 0",),
        ),
        (
            "petite-enfance.csv",
            "district,year,value\na,2026,95\nb,2026,60\nouest,2028,70.5\n",
            "forecast.childcare.population[2].district",
            4,
            ("unknown district 'ouest'",),
        ),
        (
            "changements.csv",
            "district,kind,year,units,until,to,note\na,maternelle,2028,-1,,,\nb,creche,2027,12,2026,,\n",
            "capacity_changes[1]",
            3,
            ("'until' (2026) is before the change's year (2027)",),
        ),
    ],
)
def test_a_problem_in_a_nested_csv_is_located_in_that_file(tmp_path, file, text, path, line, fragments):
    scenario = write_scenario(tmp_path, nested_data(inline=False), {**CSV_FILES, file: text})
    with pytest.raises(ScenarioError) as info:
        load_scenario(scenario)
    problems = info.value.problems
    assert len(problems) == 1, info.value.describe()
    (p,) = problems
    assert Path(p.file) == tmp_path / file
    assert (p.path, p.line) == (path, line)
    assert all(f in p.message for f in fragments), p.message


# --------------------------------------------------------------------------- several defects at once

SEVERAL = """\
name: several demand defects
horizon: {start: 2026, end: 2030}
demand_kinds:
  maternelle: {unit: classes}
  creche: {unit: places}
districts:
  - {id: a, neighbours: [ouest]}
  - {id: b}
budget: {annual: 1.0e6}
transfers: {max_share: 0.1}
capacity_changes:
  - {district: a, kind: maternel, year: 2027, units: -1}
forecast:
  school:
    base_year: 2026
    pupils: {file: effectifs.csv}
  housing:
    programmes:
      - {district: a, year: 2027, type: villa, dwellings: 10}
      - {district: b, year: 2027, type: moyen, dwellings: -5}
  childcare:
    population:
      - {district: a, year: 2026, value: 100}
    coverage: COVERAGE
"""


def several_defects(tmp_path: Path, coverage: str) -> list:
    (tmp_path / "effectifs.csv").write_text("district,kind,pupils\na,maternelle,100\nb,maternelle,cent\n", "utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(SEVERAL).replace("COVERAGE", coverage), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def _expect(problems, expected: list[tuple[str, str, int, str]]) -> None:
    shown = "\n".join(f"  {p.file}:{p.line} [{p.path}] {p.message}" for p in problems)
    for file, path, line, fragment in expected:
        hits = [p for p in problems if Path(p.file).name == file and (p.path, p.line) == (path, line)]
        assert any(fragment in p.message for p in hits), f"missing {file}:{line} {path} {fragment!r}; got:\n{shown}"
    assert len(problems) == len(expected), shown


SEVERAL_EXPECTED = [
    ("scenario.yaml", "districts[0].neighbours[0]", 7, "unknown neighbour 'ouest'"),
    ("scenario.yaml", "capacity_changes[0].kind", 12, "unknown demand kind 'maternel'"),
    ("effectifs.csv", "forecast.school.pupils[1].pupils", 3, "'cent'"),
    ("scenario.yaml", "forecast.housing.programmes[0].type", 19, "unknown dwelling type 'villa'"),
    ("scenario.yaml", "forecast.housing.programmes[1].dwellings", 20, "greater than or equal to 0"),
]


def test_several_demand_defects_are_reported_at_once(tmp_path):
    problems = several_defects(tmp_path, "0.6")
    _expect(problems, SEVERAL_EXPECTED)


def test_several_demand_defects_with_a_coverage_in_percent_are_reported_at_once(tmp_path):
    """A faulty value of an optional block (coverage 65) sets that block aside: the other checks still run."""
    problems = several_defects(tmp_path, "65")
    _expect(problems, [*SEVERAL_EXPECTED, ("scenario.yaml", "forecast.childcare.coverage", 24, "above 100 %")])


# --------------------------------------------------------------------------- end to end


def test_a_forecast_scenario_solves_and_verifies():
    # a/maternelle: 110 pupils (5 classes) plus 176 moyen dwellings delivered in 2027, profile [1.0]:
    # 176 × 0.25 = 44 pupils, 37.5 % of them in maternelle = 16.5 → 126.5 / 22 = 5.75 → 6 classes from 2027.
    # Demand 5, 6, 6. Existing: 5 classes, one closed from 2028: 5, 5, 4.
    # ext-a (2 classes, 1 M€, delivered a year after its start) cannot start in 2026 (no envelope that year):
    # started in 2027 it counts from 2028: capacity 5, 5, 6. Unmet: 0 + 1 + 0 = 1 (cost weight 0).
    s = scenario_from_dict(
        scenario_data(
            {
                "school": school(pupils("a", "maternelle", 110), new_pupils_share={"maternelle": 0.375}),
                "housing": {
                    "profile": [1.0],
                    "programmes": [{"district": "a", "year": 2027, "type": "moyen", "dwellings": 176}],
                },
            },
            years=(2026, 2028),
            envelope={2026: 0.0, 2027: 1.0e6, 2028: 1.0e6},
            capacity=[{"district": "a", "kind": "maternelle", "year": 2026, "value": 5}],
            capacity_changes=[{"district": "a", "kind": "maternelle", "year": 2028, "units": -1}],
            projects=[project("ext-a", district="a", capacity={"maternelle": 2}, delivery_lag=1)],
        ),
        source="<test>",
    )
    assert [s.demand[("a", "maternelle", y)] for y in (2026, 2027, 2028)] == [5, 6, 6]
    assert [s.existing[("a", "maternelle", y)] for y in (2026, 2027, 2028)] == [5, 5, 4]
    plan = solve_and_verify(s)
    assert plan.status == Status.OPTIMAL
    assert plan.starts["ext-a"] == 2027
    assert plan.objective == pytest.approx(1.0, abs=1e-6)
