"""The printed demand table (`ppi demand`, reports/demand.py) and chart titles, as people read them."""

from __future__ import annotations

from models import scenario_from_dict
from reports.charts import _wrapped
from reports.demand import format_demand
from tests.helpers import make_scenario_dict, rows

LONG = "un-quartier-au-nom-vraiment-tres-long"


def test_columns_stay_aligned_with_long_district_names():
    data = make_scenario_dict(demand=rows({2026: 2, 2027: 2, 2028: 2}) + rows({2026: 1, 2027: 1, 2028: 1}, LONG))
    data["districts"].append({"id": LONG})
    lines = format_demand(scenario_from_dict(data)).splitlines()
    head = next(line for line in lines if line.strip().startswith("district"))
    body = [line for line in lines if line.strip().startswith(("d ", LONG, "total"))]
    column = head.index("source")
    assert all(line[column - 1] == " " and line[column : column + 5] in ("table", "     ") for line in body), lines


def test_a_long_chart_title_is_wrapped_not_clipped():
    title = "Rennes — PPI écoles et petite enfance 2026-2035 (demande dérivée des effectifs réels)"
    wrapped = _wrapped(title, 60)
    assert "\n" in wrapped and max(len(line) for line in wrapped.splitlines()) <= 60
    assert wrapped.replace("\n", " ") == title


# ------------------------------------------------------------------------------------ observed years, schools


def _aged(tmp_path=None):
    from tests.models.test_forecast import pupils, scenario_data

    data = scenario_data(
        {
            "school": {
                "base_year": 2024,
                "rounding": "none",
                "pupils": [pupils("a", "maternelle", 220, -0.1)],
                "trend_damping": 0.5,
                "private_share": {2024: 0.2},
                "observed": [
                    {"district": "a", "kind": "maternelle", "year": 2023, "pupils": 240, "classes": 11},
                    {"district": "a", "kind": "maternelle", "year": 2024, "pupils": 220, "classes": 10},
                ],
            }
        }
    )
    data["schools"] = [
        {"school": "s1", "district": "a", "kind": "maternelle", "classes": 6, "site_limit": 8, "pupils": 120},
        {"school": "s2", "district": "a", "kind": "maternelle", "classes": 4, "pupils": 100, "name": "École 2"},
    ]
    data["projects"] = [
        {"id": "ext-s1", "district": "a", "capacity": {"maternelle": 2}, "cost": 1e6, "profile": [1], "delivery_lag": 0,
         "school": "s1"},
    ]  # fmt: skip
    return scenario_from_dict(data, source="<test>")


def test_observed_table_meets_the_forecast_at_the_base_year():
    from reports.demand import observed_table

    table = observed_table(_aged())
    table = table[table["district"] == "a"].set_index("year")
    assert list(table["phase"]) == ["observed", "both"] + ["forecast"] * 6  # 2023, 2024, then 2025-2030
    assert table.loc[2024, "observed_pupils"] == 220 and table.loc[2024, "pupils"] == 220
    # 2025: × 0.9; 2026: × 0.9 × 0.95 = 0.855 (damped by 0.5): 188.1 pupils, 188.1 / 22 classes.
    assert abs(table.loc[2026, "pupils"] - 188.1) < 1e-9
    assert abs(table.loc[2026, "classes"] - 188.1 / 22) < 1e-9
    assert table.loc[2023, "observed_classes"] == 11


def test_schools_table_and_the_printout():
    from reports.demand import schools_table

    s = _aged()
    table = schools_table(s)
    first = table[(table["school"] == "s1") & (table["year"] == 2026)].iloc[0]
    # 188.1 pupils shared 120/220 and 100/220: s1 102.6 pupils, 102.6 / 22 = 4.66 classes (not rounded here).
    assert abs(first["pupils"] - 188.1 * 120 / 220) < 1e-9
    assert (first["classes"], first["site_limit"], first["room"], first["extensions"]) == (6, 8, 2, "ext-s1")
    text = format_demand(s)
    assert "trend damped by 0.5 a year" in text and "private share 20% in 2024" in text
    assert "Pupils observed and forecast" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("a ") and "%" in x)
    assert "-8.3%" in line  # 240 → 220 in a year
    assert any(x.strip().startswith("s1") and "ext-s1" in x for x in text.splitlines())


def test_the_observed_chart_is_a_png_in_french_by_default(tmp_path):
    from reports.charts import observed_chart
    from reports.demand import write_demand

    png = observed_chart(_aged())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out = write_demand(tmp_path / "d", _aged())
    assert {"observed.csv", "schools.csv", "observed.png", "demand.png"} <= {p.name for p in out.iterdir()}


def test_cohort_table_gives_each_level_and_its_rate():
    from reports.demand import cohort_table, demand_tables
    from tests.models.test_ageing import build, cohort_school

    s = build(cohort_school())
    table = cohort_table(s)
    row = table[(table["district"] == "a") & (table["level"] == "CE2") & (table["year"] == 2027)].iloc[0]
    assert (row["kind"], row["rate_source"]) == ("elementaire", "observed")
    assert abs(row["pupils"] - 24.96) < 1e-9 and abs(row["rate"] - 0.96) < 1e-12  # 0.96 × CE1 2026 (26)
    assert table[table["level"] == "PS"]["rate_source"].eq("").all()  # new cohorts: no rate
    assert "cohort" in demand_tables(s)


def test_the_reports_assumptions_name_the_forecast_rules():
    """The 'Hypothèses et paramètres' of the plan reports say which school forecast was used, with its damping,
    bounds and private share, in French and English."""
    from reports.assumptions import assumption_rows
    from reports.html_base import Fmt
    from tests.models.test_ageing import build, cohort_school

    school = cohort_school()
    school.update(trend_damping=0.8, trend_bounds=[-0.15, 0.1], private_share={2026: 0.25, 2035: 0.3})
    s = build(school)
    fr = next(r for r in assumption_rows(s, Fmt("fr")) if r.key == "forecast.school").value
    assert fr[0].startswith("cohortes de 2026 passant d'un niveau au suivant") and "petite section" in fr[0]
    assert "tendance amortie\xa0: ×0,8 chaque année" in fr  # the French space before a colon
    assert "évolution cumulée depuis 2026 bornée entre -15\u202f% et 10\u202f%" in fr
    assert any(v.startswith("part des élèves dans le privé\xa0: 25\u202f% (2026), 30\u202f% (2035)") for v in fr)
    en = next(r for r in assumption_rows(s, Fmt("en")) if r.key == "forecast.school").value
    assert "trend damped: ×0.8 each year" in en
    plain = build({"pupils": [{"district": "a", "kind": "maternelle", "pupils": 10}]})
    (first, *rest) = next(r for r in assumption_rows(plain, Fmt("fr")) if r.key == "forecast.school").value
    assert first.startswith("effectifs de 2026") and not any("amortie" in v or "privé" in v for v in rest)
