"""The words of the "why" parts that issue 16 part 5 added (reports/words.py): an explain value's parts and
plan changes, a remedy's heading from its changes, amounts at their scale, a sweep point's reason."""

from __future__ import annotations

import pytest

from reports.words import money_text, parts_text, plan_change_text, reason_text, remedy_title, retimed_text

UNITS = {"maternelle": "classes", "creche": "places"}


def test_parts_leave_out_what_does_not_change_and_keep_their_signs():
    row = {
        "delta unmet maternelle": 0.0,
        "delta unit-years maternelle": 0.0,
        "delta unmet creche": 5.55,
        "delta unit-years creche": 111.0,
        "delta transfers": -6.747,
        "delta cost": 0.0,
    }
    assert parts_text(row, UNITS) == "creche +5.550 (+111 places × years), transfers -6.747"
    assert parts_text(row, UNITS, "fr", kind_name=lambda k: "crèche") == (
        "crèche +5,550 (+111 places × années), transferts -6,747"
    )
    nothing = dict.fromkeys(row, 0.0)
    assert parts_text(nothing, UNITS) == "no part changes"
    assert parts_text({**nothing, "delta cost": float("nan")}, UNITS) == ""  # no plan to compare


def test_plan_changes_name_who_enters_leaves_and_moves():
    row = {"added": "gs-nord", "displaced": "a b c", "retimed": "d:2028->2030"}
    assert plan_change_text(row) == "enter: gs-nord; leave: a, b, c; re-timed: d 2028→2030"
    names = {"gs-nord": "Groupe scolaire Nord"}.get
    assert plan_change_text(row, "fr", lambda i: names(i) or i) == (
        "entrent : Groupe scolaire Nord; sortent : a, b, c; décalés : d 2028→2030"
    )
    assert plan_change_text({"added": "", "displaced": None, "retimed": float("nan")}) == ""
    assert retimed_text("d:2028->2030 e:2031->2029") == "d 2028→2030, e 2031→2029"


@pytest.mark.parametrize(
    "kinds, title",
    [
        (["raise_envelope", "raise_total"], "Give more money"),
        (["savings_rate"], "Lower the savings floor"),
        (["raise_envelope", "debt_years"], "Give more money and raise the debt ceiling"),
        (["borrowing"], "Allow more borrowing"),
        (["shift", "shift"], "Move start windows"),
        (["drop_mandatory"], "Make mandatory projects optional"),
        (["carry_over"], "Allow carry-over"),
    ],
)
def test_a_remedy_is_headed_by_what_its_changes_do(kinds, title):
    assert remedy_title({"kind": "money", "changes": [{"kind": k, "values": {}} for k in kinds]}, "en") == title


def test_remedy_headings_in_french():
    changes = [{"kind": "savings_rate"}, {"kind": "debt_years"}]
    assert remedy_title({"kind": "money", "changes": changes}, "fr") == (
        "Abaisser le plancher d'épargne brute et relever le plafond de dette"
    )
    assert remedy_title({"kind": "carry", "changes": []}, "fr") == "Autoriser le report des crédits"


def test_amounts_at_their_scale():
    assert money_text(1234.5) == "1234.50 M€"
    assert money_text(0.0099) == "9.9 k€"
    assert money_text(0.000001) == "1 €"
    assert money_text(None) == "—"


def test_a_sweep_points_reason():
    finding = {
        "row": "min_savings[2035]",
        "kind": "baseline_savings",
        "values": {"year": 2035, "rate": 0.066, "floor": 0.08},
    }
    assert reason_text(finding).startswith("even with no new project, épargne brute falls to 6.6% of operating")
    assert reason_text({"kind": "status", "values": {"status": "infeasible"}}, "fr") == (
        "infaisable : aucun plan ne satisfait les contraintes"
    )


def test_explain_money_words_at_their_scale():
    from reports.words import binding_text, project_note_text

    item = {"kind": "budget_year", "year": 2034, "what": "spending", "charged": 9.496, "available": 9.5}
    assert binding_text({**item, "margin": 0.004}, "en") == (
        "2034: spending of 9.50 M€ uses the envelope of 9.50 M€ to within 4.0 k€ [budget[2034]]"
    )
    assert "à 4,0 k€ près" in binding_text({**item, "margin": 0.004}, "fr")
    assert "to within 0.00 M€" in binding_text({**item, "margin": 0.0}, "en")  # nothing left
    note = ("too_big", {"year": 2026, "need": 0.0055, "envelope": 0.005})
    assert project_note_text(note) == (
        "no plan can include it: in 2026 it alone needs 5.5 k€ against an envelope of 5.0 k€, whatever its start year"
    )
