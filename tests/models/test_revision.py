"""The yearly revision as data (models/revision.py): the réalisé table read with its lines, and the revised
scenario built from the adopted plan, the réalisé and the scenario, by hand-computed cases."""

from __future__ import annotations

import pytest

from models.errors import ScenarioError
from models.load import scenario_from_dict
from models.revision import RevisionTerms, read_realised, revised_document, revision_rows
from tests.helpers import make_scenario_dict, project, rows

Y = 2028


def adopted_dict(**kw):
    """Horizon 2026-2030; g (1 M€: 20 %, 50 %, 30 %, delivered start + 2), h and k candidates, k before 2027."""
    return make_scenario_dict(
        years=(2026, 2030),
        demand=rows({2026: 2}),
        projects=[
            project("g", profile=[0.2, 0.5, 0.3], delivery_lag=2),
            project("h"),
            project("k", latest_start=2027),
            project("m", maturity="idee"),
        ],
        maturity_levels={"idee": {"lead_years": 3, "confidence": 0.6}},
        **kw,
    )


def scenario(data):
    return scenario_from_dict(data, source="<test>")


STARTS = {"g": 2026, "h": 2029, "k": None, "m": 2029}


def revise(realised, terms=None, starts=STARTS, current=None):
    adopted = scenario(adopted_dict())
    doc = revised_document(adopted, starts, current or adopted, terms or RevisionTerms(Y), realised, "realise.csv")
    return scenario(doc)


def test_a_project_under_way_is_committed_with_what_it_paid_its_delay_and_its_revised_cost():
    # g started in 2026. Réalisé: 150 k€ in 2026, 300 k€ in 2027, one year late, revised cost 1.2 M€. Left to pay:
    # 1.2 M€ − 450 k€ = 750 k€ over its planned CP slid by one year that fall in 2028 or later: offsets 1 and 2
    # (50 % and 30 %) now in 2028 and 2029 → 750 × 5/8 = 468.75 k€ and 750 × 3/8 = 281.25 k€. Delivered 2029.
    realised = [
        {"line": 2, "project": "g", "year": 2026, "paid": 150e3},
        {"line": 3, "project": "g", "year": 2027, "paid": 300e3, "delay": 1, "cost": 1.2e6},
    ]
    s = revise(realised)
    g = s.project["g"]
    assert (g.status, g.start, g.cost, g.delivery_lag) == ("committed", 2026, 1.2e6, 3)
    assert g.city_spending(2026) == pytest.approx({2026: 150e3, 2027: 300e3, 2028: 468.75e3, 2029: 281.25e3})
    assert s.years[0] == Y and s.horizon_end == 2030
    # The réalisé against the plan, per year: planned 200/500/300 k€ in 2026-2028.
    table = {
        (r["project"], r["year"]): (r["planned"], r["revised"], r["past"])
        for r in revision_rows(scenario(adopted_dict()), STARTS, s)
    }
    assert table[("g", 2026)] == pytest.approx((200e3, 150e3, True))
    assert table[("g", 2028)] == pytest.approx((300e3, 468.75e3, False))
    assert table[("g", 2029)] == pytest.approx((0.0, 281.25e3, False))


def test_without_a_realise_row_a_project_under_way_pays_as_planned():
    g = revise([]).project["g"]
    assert g.city_spending(2026) == pytest.approx({2026: 200e3, 2027: 500e3, 2028: 300e3})
    assert g.delivery_lag == 2


def test_announced_operations_windows_and_maturity():
    s = revise([], RevisionTerms(Y, move_cost=0.5, drop_cost=2.0, locked_years=2))
    rev = s.spec.revision
    assert rev.adopted == {"h": 2029, "m": 2029} and rev.lead_from == 2026
    assert (rev.move_cost, rev.drop_cost, rev.locked_years) == (0.5, 2.0, 2)
    # m ("idee": three lead years from the adopted PPI's 2026) may start in 2029, as adopted — not 2031.
    assert s.project["m"].earliest == 2029
    # k's window ended in 2027, before the revision: it can no longer start.
    assert s.project["k"].status == "excluded"
    assert s.project["h"].start_years[0] == Y


def test_a_project_under_way_cannot_be_dropped_silently():
    adopted = adopted_dict()
    gone = {**adopted, "projects": [p for p in adopted["projects"] if p["id"] != "g"]}
    with pytest.raises(ScenarioError, match="g is under way .started in 2026 in the adopted plan. but the scenario"):
        revise([], current=scenario(gone))
    excluded = {
        **adopted,
        "projects": [{**p, "status": "excluded"} if p["id"] == "g" else p for p in adopted["projects"]],
    }
    with pytest.raises(ScenarioError, match="excludes it: an operation under way cannot be dropped silently"):
        revise([], current=scenario(excluded))


def test_realise_rows_that_do_not_fit_the_adopted_plan_are_refused_with_their_line():
    with pytest.raises(ScenarioError) as err:
        revise(
            [
                {"line": 2, "project": "h", "year": 2027, "paid": 10e3},
                {"line": 3, "project": "g", "year": 2028, "paid": 10e3},
                {"line": 4, "project": "g", "year": 2027, "paid": 5e6},
            ]
        )
    text = str(err.value)
    assert "realise.csv:2: h did not start before 2028 in the adopted plan" in text
    assert "realise.csv:3: g 2028: the réalisé covers years before 2028" in text
    assert "more than its city cost" in text


def test_the_revision_year_must_fall_in_the_horizon():
    with pytest.raises(ScenarioError, match="the revision year 2031 must be after 2026 and at most 2030"):
        revise([], RevisionTerms(2031))


# ------------------------------------------------------------------------------------------- the réalisé file


def write(tmp_path, text, name="realise.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_french_headers_and_numbers_are_read(tmp_path):
    path = write(tmp_path, "Projet;Année;CP payés (k€);Retard;Coût révisé\ng;2026;150;;\ng;2027;300,5;1;1 200 000\n")
    assert read_realised(path) == [
        {"line": 2, "project": "g", "year": 2026, "paid": 150e3},
        {"line": 3, "project": "g", "year": 2027, "paid": 300.5e3, "delay": 1, "cost": 1.2e6},
    ]


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        ("Abandonnée", ("oui", "non", ""), (True, False, None)),
        ("abandoned", ("true", "False", ""), (True, False, None)),
        ("Opération abandonnée", ("1", "0", "OUI"), (True, False, True)),
    ],
)
def test_the_abandoned_column_reads_yes_and_no(tmp_path, header, cells, expected):
    lines = "".join(f"{pid};2026;{cell}\n" for pid, cell in zip("ghk", cells, strict=True))
    got = read_realised(write(tmp_path, f"projet;année;{header}\n{lines}"))
    assert [row.get("abandoned") for row in got] == list(expected)


def test_an_abandoned_operation_under_way_is_excluded_and_not_announced():
    # g (started 2026) abandoned in 2027: excluded, no window of its own any more, not announced (no drop cost).
    s = revise([{"line": 2, "project": "g", "year": 2026, "paid": 150e3, "abandoned": True}], RevisionTerms(Y, 0, 5))
    assert s.project["g"].status == "excluded" and "g" not in s.spec.revision.adopted
    assert [r.abandoned for r in s.spec.revision.realised] == [True]
    # Its réalisé against the plan: 150 k€ paid in 2026, 500 k€ in 2027 as planned (no row), nothing from 2028.
    table = {
        r["year"]: (r["planned"], r["revised"], r["past"], r.get("abandoned"))
        for r in revision_rows(scenario(adopted_dict()), STARTS, s)
    }
    assert table == {
        2026: (200e3, 150e3, True, True),
        2027: (500e3, 500e3, True, True),
        2028: (300e3, 0.0, False, True),
    }
    # A scenario that already left it out (or excludes it) is fine: the city decided it.
    adopted = adopted_dict()
    gone = {**adopted, "projects": [p for p in adopted["projects"] if p["id"] != "g"]}
    assert (
        "g"
        not in revise([{"line": 2, "project": "g", "year": 2026, "abandoned": True}], current=scenario(gone)).project
    )


def test_abandoning_an_operation_not_under_way_is_refused():
    with pytest.raises(ScenarioError) as err:
        revise(
            [
                {"line": 2, "project": "h", "year": 2027, "abandoned": True},  # announced for 2029
                {"line": 3, "project": "k", "year": 2027, "abandoned": True},  # never started
                {"line": 4, "project": "g", "year": 2027, "cost": 2e6, "abandoned": True},
            ]
        )
    text = str(err.value)
    assert (
        "realise.csv:2: h is marked abandoned but is not under way (the adopted plan starts it in 2029, not before "
        "2028): only an operation started before 2028 is abandoned in the réalisé; leave out one not started with "
        "the scenario (status: excluded, or --set projects.h.status=excluded)"
    ) in text
    assert "realise.csv:3: k is marked abandoned but is not under way (the adopted plan did not start it" in text
    assert "realise.csv:4: g is abandoned: it pays nothing from 2028 on, so its cost is not read" in text
    assert "did not start before 2028 in the adopted plan: no réalisé" not in text  # one message per row


def test_an_xlsx_realise_is_read(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["projet", "exercice", "mandaté"])
    ws.append(["g", 2027, 250000])
    wb.save(tmp_path / "realise.xlsx")
    assert read_realised(tmp_path / "realise.xlsx") == [{"line": 2, "project": "g", "year": 2027, "paid": 250e3}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("projet,année,cp_payé\ng,2026,abc\n", "realise.csv:2: column 'cp_payé': Input should be a valid number"),
        (
            "projet,année,retard\ng,2026,-1\n",
            "realise.csv:2: column 'retard': Input should be greater than or equal to 0",
        ),
        ("année,cp_payé\n2026,10\n", "realise.csv:2: project: no column gives it: add one named 'projet'"),
        ("projet,année,cp_payé\ng,2026,1\ng,2026,2\n", "realise.csv:3: g 2026 is given twice (line 2 too)"),
        (
            "projet,année,retard\ng,2026,1\ng,2027,2\n",
            "realise.csv:3: column 'retard': g has delay 1 on line 2 and 2 here: give it once",
        ),
        ("projet,année\n", "realise.csv has a header but no rows"),
        (
            "projet;année;abandonnée\ng;2026;peut-être\n",
            "realise.csv:2: column 'abandonnée': Value error, expected oui or non (true/false, 1/0), not 'peut-être'",
        ),
        ("projet,année,abandoned\ng,2026,2\n", "realise.csv:2: column 'abandoned': Value error, expected oui or non"),
        (
            "projet;année;abandonnée\ng;2026;oui\ng;2027;non\n",
            "realise.csv:3: column 'abandonnée': g has abandoned yes on line 2 and no here: give it once",
        ),
    ],
)
def test_a_bad_realise_is_refused_with_file_line_and_column(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        read_realised(path)
    assert expected in str(err.value).replace(str(tmp_path) + "/", "")


def test_capacity_changes_that_ended_before_the_revision_are_history():
    changes = [
        {"district": "d", "kind": "classes", "year": 2026, "units": 2, "until": 2027},  # temporary, over by 2028
        {"district": "d", "kind": "classes", "year": 2026, "units": 1, "until": 2029},
        {"district": "d", "kind": "classes", "year": 2027, "units": -1},  # a closure, for good
    ]
    adopted = scenario(adopted_dict(capacity=rows({2026: 3}), capacity_changes=changes))
    doc = revised_document(adopted, STARTS, adopted, RevisionTerms(Y), [])
    assert doc["capacity_changes"] == changes[1:]
    s = scenario(doc)
    # 3 classes, one more until 2029, one closed from 2027.
    assert [s.existing[("d", "classes", y)] for y in (2028, 2029, 2030)] == [3.0, 3.0, 2.0]


def test_an_xlsx_abandoned_cell_may_be_a_boolean(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["projet", "exercice", "mandaté", "abandonnée"])
    ws.append(["g", 2027, 250000, True])  # an Excel VRAI/TRUE cell
    ws.append(["h", 2027, 1000, 0])
    wb.save(tmp_path / "realise.xlsx")
    assert [row.get("abandoned") for row in read_realised(tmp_path / "realise.xlsx")] == [True, False]


def test_an_operation_abandoned_in_an_earlier_revision_stays_out_of_the_next():
    # Revised in 2027 with g abandoned; that revision's plan (g not started) revised again in 2028 under the
    # scenario as the commune keeps it, where g is still a candidate: g stays excluded, its réalisé row carried.
    adopted = scenario(adopted_dict())
    row = {"line": 2, "project": "g", "year": 2026, "paid": 150e3, "abandoned": True}
    first = scenario(revised_document(adopted, STARTS, adopted, RevisionTerms(2027), [row], "realise.csv"))
    assert first.project["g"].status == "excluded"
    second = scenario(revised_document(first, {**STARTS, "g": None}, adopted, RevisionTerms(Y), [], "realise.csv"))
    assert second.project["g"].status == "excluded"
    assert [(r.project, r.year, r.abandoned) for r in second.spec.revision.realised] == [("g", 2026, True)]
