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
