"""Guard tests of the registry of constraint families (models/families.py).

They fail when a place that must know every family forgets one: a row or column stem of a built model that
is not registered, a registered family without a structure test and a behaviour test (the mapping `TESTS`
below), a relaxable family that the elastic model does not handle, a family whose words are missing, or a
builder function that does not exist. Adding a family: its record in models/families.py, its `add_*`
function in solver/formulation.py, its tests in tests/solver/test_constraints.py (or a file beside it), and
one line in `TESTS`.
"""

from __future__ import annotations

import ast
import typing
from functools import cache
from pathlib import Path

import pytest

import analysis.diagnose as diagnosis
import solver.elastic as elastic
import solver.formulation as formulation
from models.families import COLUMNS, FAMILIES, FAMILY, FINANCE_COLUMNS, HARD_FAMILIES, Relax, family_of_change
from models.load import scenario_from_dict
from models.spec import ProjectStatus, ProjectStatusName
from solver import build_model
from solver.elastic import REMEDIES, elastic_model
from tests.helpers import make_scenario_dict, project, rows

TESTS_DIR = Path(__file__).resolve().parents[1]
C = "solver/test_constraints.py"
T = "solver/test_transfers.py"
E = "solver/test_elastic.py"
D = "analysis/test_diagnose.py"
R = "solver/test_robust.py"

# Per family: (structure tests, behaviour tests), as "file::function" under tests/. A structure test builds the
# family's rows on a tiny model and checks names, coefficients and bounds; a behaviour test solves a
# hand-worked case where the family decides the plan (or makes it infeasible).
TESTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "budget": ((f"{C}::test_budget_structure",), (f"{C}::test_budget_behaviour",)),
    "budget_cumulative": ((f"{C}::test_carry_over_structure",), (f"{C}::test_carry_over_behaviour",)),
    "budget_total": (
        (f"{C}::test_total_envelope_structure_and_behaviour",),
        (f"{C}::test_mandatory_beyond_total_envelope_is_infeasible",),
    ),
    "carry": ((f"{C}::test_carry_over_share_structure",), (f"{C}::test_carry_over_share_behaviour",)),
    "budget_robust": ((f"{R}::test_protected_row_structure",), (f"{R}::test_protection_leaves_out_a_project",)),
    "budget_total_robust": ((f"{R}::test_protected_total_structure",), (f"{R}::test_protected_total_behaviour",)),
    "carry_robust": ((f"{R}::test_protected_carry_structure",), (f"{R}::test_protected_carry_behaviour",)),
    "overrun": ((f"{R}::test_gamma_structure",), (f"{R}::test_gamma_behaviour",)),
    "select_once": ((f"{C}::test_select_once_structure",), (f"{C}::test_select_once_behaviour",)),
    "mandatory": ((f"{C}::test_select_once_structure",), (f"{C}::test_mandatory_behaviour",)),
    "unmet": ((f"{C}::test_unmet_structure",), (f"{C}::test_unmet_behaviour_weights",)),
    "transfer_cap": (
        (f"{T}::test_model_rows_and_names",),
        (f"{T}::test_max_units_and_max_share_together_take_the_smaller",),
    ),
    # served[d,k,y] never binds at an optimum of the hand-worked cases (unmet demand and transfers both cost):
    # its behaviour test is the solve of the model that has it, checked by the verifier.
    "served": ((f"{T}::test_model_rows_and_names",), (f"{T}::test_model_rows_and_names",)),
    "requires": ((f"{C}::test_requires_structure",), (f"{C}::test_requires_not_earlier_than",)),
    "excludes": ((f"{C}::test_excludes_structure",), (f"{C}::test_excludes_behaviour",)),
    "savings": ((f"{C}::test_prospective_structure",), (f"{C}::test_operating_cost_pushes_a_project_later",)),
    "debt": ((f"{C}::test_prospective_structure",), (f"{C}::test_debt_ceiling_binds",)),
    "financing": (
        (f"{C}::test_prospective_structure",),
        (f"{C}::test_borrowing_cap_makes_a_mandatory_project_infeasible",),
    ),
    "min_savings": ((f"{C}::test_prospective_structure",), (f"{C}::test_operating_cost_pushes_a_project_later",)),
    "debt_capacity": ((f"{C}::test_prospective_structure",), (f"{C}::test_debt_ceiling_binds",)),
    "symmetry": ((f"{C}::test_symmetry_structure",), (f"{C}::test_symmetry_keeps_the_optimum_and_sorts_the_starts",)),
    "borrowing_cap": ((f"{E}::test_raise_borrowing_structure",), (f"{D}::test_borrowing_cap",)),
    "locked": (
        ("solver/test_revision.py::test_stability_structure",),
        (
            "solver/test_revision.py::test_locked_behaviour",
            "solver/test_revision.py::test_a_lock_that_cannot_hold_is_infeasible_and_named",
        ),
    ),
}


def _prospective(**kw):
    return {"prospective": {"revenue": 10e6, "spending": 9e6, "loan_years": 10, "debt": 5e6, **kw}}


def rich_scenario_dict(uncertainty: dict | None = None, **budget) -> dict:
    """Every family at once: three districts next to each other (c full, d short, e with spare room; c may send
    to d and to e, so that its transfer_cap row is kept) with transfers,
    identical modules, a mandatory, a committed, a requiring and two excluding projects, a carry-over share,
    a multi-year envelope and a savings-and-debt path with every limit."""
    return make_scenario_dict(
        districts=[{"id": "c", "neighbours": ["d", "e"]}, {"id": "d", "neighbours": ["e"]}, {"id": "e"}],
        demand=rows({2026: 10, 2027: 10, 2028: 10}, "c") + rows({2026: 4, 2027: 4, 2028: 4}, "d"),
        capacity=rows({2026: 2}, "d") + rows({2026: 10}, "e"),
        transfers={"max_share": 1.0, "penalty": 0.25},
        budget={"annual": 10e6, "carry_over": True, "carry_over_share": 0.5, "total": 25e6, **budget},
        uncertainty=uncertainty or {"budget_confidence": 0.9},
        finance=_prospective(min_savings_rate=0.01, max_debt_years=20, max_borrowing=5e6),
        projects=[
            project("mod-1", district="c", cost=0.5e6),
            project("mod-2", district="c", cost=0.5e6),
            project("m", district="c", status="mandatory", cost=2e6),
            project("k", district="d", status="committed", start=2026),
            project("a", district="d", cost=1.5e6, excludes=["b"]),
            project("b", district="d", cost=1.6e6),
            project("r", district="c", cost=1.2e6, requires=["a"]),
        ],
        revision={"year": 2026, "adopted": {"b": 2026, "r": 2027}, "move_cost": 0.5, "drop_cost": 1, "locked_years": 1},
    )


@cache
def rich_models() -> tuple:
    """The rich scenario with a carry-over share (envelopes protected for 90 %), and with full carry-over (Γ = 1.5);
    each model and its elastic model."""
    out = []
    for budget in ({}, {"carry_over_share": 1.0, "uncertainty": {"gamma": 1.5}}):
        s = scenario_from_dict(rich_scenario_dict(**budget), source="<test>")
        out.append((s, build_model(s), elastic_model(s, REMEDIES)[0]))
    return tuple(out)


def _stems(names) -> set[str]:
    return {n.partition("[")[0] for n in names}


def test_every_row_and_column_stem_of_a_rich_model_is_registered():
    for _, model, elastic_m in rich_models():
        assert _stems(model.row_names) <= set(FAMILY)
        assert _stems(model.col_names) <= set(COLUMNS)
        assert _stems(elastic_m.row_names) <= set(FAMILY)


def test_every_registered_family_appears_in_a_rich_model():
    """No dead record, and the rich scenario exercises every family (extend it with a new family)."""
    built = set().union(*(_stems(m.row_names) for _, m, _ in rich_models()))
    in_elastic = set().union(*(_stems(e.row_names) for _, _, e in rich_models())) - built
    assert built == {f.stem for f in FAMILIES if not f.elastic}
    assert in_elastic == {f.stem for f in FAMILIES if f.elastic}
    assert set(FINANCE_COLUMNS) <= set(COLUMNS)


def test_the_builder_refuses_an_unregistered_row():
    b = formulation._Builder()
    b.add_row("wishes[2027]", {}, 0.0, 1.0)
    with pytest.raises(AssertionError, match="wishes"):
        b.finish()


def test_every_family_names_its_builder():
    for f in FAMILIES:
        module = elastic if f.elastic else formulation
        assert callable(getattr(module, f.builder, None)), (f.stem, f.builder)


@cache
def _test_functions(path: str) -> set[str]:
    tree = ast.parse((TESTS_DIR / path).read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


@pytest.mark.parametrize("family", [f.stem for f in FAMILIES])
def test_every_family_has_a_structure_and_a_behaviour_test(family):
    assert family in TESTS, f"{family}: add its structure and behaviour tests to TESTS in {__file__}"
    structure, behaviour = TESTS[family]
    assert structure and behaviour
    for node in (*structure, *behaviour):
        path, name = node.split("::")
        assert name in _test_functions(path), f"{family}: {node} does not exist"


def test_no_test_mapping_for_an_unregistered_family():
    assert set(TESTS) == set(FAMILY)


def test_every_relaxable_family_is_handled_by_the_elastic_model():
    for f in FAMILIES:
        assert (f.relax is Relax.NONE) == (f.change == ""), f.stem
        if f.change:
            assert f.change in elastic.RELAXATIONS, f"{f.stem}: the elastic model has no `{f.change}`"
            assert f.relax in REMEDIES
    for change in elastic.RELAXATIONS:
        assert family_of_change(change) is not None, change
    # With every remedy allowed, no row of a relaxable hard family needs a generic slack.
    for _, model, elastic_m in rich_models():
        slacks = {n[len("slack[") : -1] for n in elastic_m.col_names if n.startswith("slack[")}
        assert {n.partition("[")[0] for n in slacks} <= {f for f in HARD_FAMILIES if FAMILY[f].relax is Relax.NONE}
        relaxed = {f.stem for f in FAMILIES if f.hard and f.relax is not Relax.NONE}
        assert relaxed & _stems(model.row_names)


def test_every_hard_family_has_a_finding_and_its_words():
    from reports.text import TEXT

    for f in FAMILIES:
        if not f.hard:
            continue
        if f.relax is Relax.MONEY and family_of_change(f.change) is f:
            assert f.words in diagnosis._FINDINGS, f.stem
        elif f.relax is not Relax.MONEY:
            assert f.words in diagnosis._ROW_FINDINGS or f.words == "row", f.stem
        for lang, words in TEXT.items():
            assert f"f.{f.words}" in words, (lang, f.stem)


def test_project_status_enum_lists_the_field_values():
    assert set(typing.get_args(ProjectStatusName)) == {s.value for s in ProjectStatus}
