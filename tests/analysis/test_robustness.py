"""Monte Carlo and the protected envelopes read the same numbers; the fast re-evaluation of a fixed plan agrees
with the independent verifier; a plan solved for a 90 % target holds every envelope in about 90 % of samples or
more; `ppi robustness` and `ppi montecarlo --fixed-only` write what they say."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml

import ppi
from analysis.montecarlo import (
    Distributions,
    breaks_envelope,
    draw_samples,
    fixed_plan_risk,
    sample_points,
)
from analysis.sweep import evaluate_fixed
from models.edits import derive, parse_set
from models.load import scenario_from_dict
from models.uncertainty import COST_SIGMA, budget_rows, project_row_charge, sd_factor, uncertainty_of
from tests.helpers import make_scenario_dict, project, rows, run_cli


def _tight(**kw) -> dict:
    """Five projects filling 1.5 M€ a year, three maturity levels, a carry-over share and a multi-year envelope:
    a fixed plan breaks some samples and not others."""
    return make_scenario_dict(
        years=(2026, 2029),
        districts=[{"id": "a"}, {"id": "b"}],
        demand=rows({2026: 4, 2028: 6}, "a") + rows({2026: 3, 2029: 5}, "b"),
        capacity=rows({2026: 2}, "a") + rows({2026: 2}, "b"),
        budget={"annual": 1.5e6, "carry_over": True, "carry_over_share": 0.5, "total": 5.8e6},
        maturity_levels={
            "etude": {"lead_years": 0, "confidence": 0.9},
            "chantier": {"lead_years": 0, "confidence": 1.0},
        },
        cost_weight=1e-9,
        projects=[
            project("a1", district="a", capacity={"classes": 2}, cost=1.2e6, profile=[0.5, 0.5], delivery_lag=1,
                    maturity="etude"),
            project("a2", district="a", capacity={"classes": 1}, cost=0.6e6, maturity="chantier"),
            project("b1", district="b", capacity={"classes": 2}, cost=1.4e6, profile=[0.5, 0.5], delivery_lag=1),
            project("b2", district="b", capacity={"classes": 1}, cost=0.5e6, maturity="etude"),
            project("m", district="b", capacity={"classes": 1}, cost=0.1e6, status="committed", start=2026),
        ],
        uncertainty={"cost_sigma": {"etude": 0.3, "chantier": 0.05}, "demand_sigma": 0.02},
        **kw,
    )  # fmt: skip


@pytest.mark.parametrize("basis", ["gross", "net"])
@pytest.mark.parametrize("carry", [{"carry_over": False}, {"carry_over": True, "carry_over_share": 0.5},
                                   {"carry_over": True}])  # fmt: skip
def test_fixed_plan_risk_agrees_with_the_verifier_sample_by_sample(basis, carry):
    data = _tight()
    data["budget"] = {**data["budget"], **carry, "basis": basis}
    if not carry.get("carry_over"):
        data["budget"].pop("carry_over_share", None)
    data["finance"] = {"fctva": {"rate": 0.16404, "lag": 1}}
    scenario = scenario_from_dict(data)
    plan = ppi.solve(scenario)
    dist = Distributions(cost_sigma_scale=1.5)
    risk = fixed_plan_risk(scenario, plan.starts, 40, 3, dist)
    slow = [
        breaks_envelope(evaluate_fixed(derive(scenario, point.edits), dict(plan.starts))["violations"])
        for point in sample_points(scenario, 40, 3, dist)
    ]
    assert risk.samples["broken"].tolist() == slow
    assert 0 < sum(slow) < 40  # the case tells breaking from holding
    assert risk.probability == pytest.approx(sum(slow) / 40)
    assert risk.error == pytest.approx(math.sqrt(risk.probability * (1 - risk.probability) / 40))


def test_montecarlo_and_the_protection_read_the_same_numbers():
    scenario = scenario_from_dict(_tight())
    unc = uncertainty_of(scenario.spec)
    assert unc.sigma("etude") == 0.3 and unc.sigma("chantier") == 0.05
    assert unc.sigma("idee") == COST_SIGMA["idee"] and unc.sigma(None) == 0.10  # defaults kept for the rest
    draws = draw_samples(scenario, 4000, 11, Distributions())
    logs = {pid: np.log([d.factors[pid] for d in draws]) for pid in ("a1", "a2", "b1")}
    assert np.std(logs["a1"]) == pytest.approx(0.3, rel=0.05)
    assert np.std(logs["a2"]) == pytest.approx(0.05, rel=0.05)
    assert np.std(logs["b1"]) == pytest.approx(0.10, rel=0.05)  # no maturity: the default σ
    growth = [d.growth["classes"] for d in draws]
    assert np.std(growth) == pytest.approx(0.02, rel=0.05)  # the scenario's demand σ
    # The protection's deviation of a1 on the 2026 row is the same σ's: s(0.3) × 0.6 M€.
    row = budget_rows(scenario)[0]
    _, dev = project_row_charge(scenario, scenario.project["a1"], 2026, row, unc)
    assert dev == pytest.approx(sd_factor(0.3) * 0.6e6)
    # Change the scenario's σ: both follow.
    wider = derive(scenario, [parse_set("uncertainty.cost_sigma.etude=0.5")])
    draws = draw_samples(wider, 4000, 11, Distributions())
    assert np.std(np.log([d.factors["a1"] for d in draws])) == pytest.approx(0.5, rel=0.05)
    _, dev = project_row_charge(wider, wider.project["a1"], 2026, row, uncertainty_of(wider.spec))
    assert dev == pytest.approx(sd_factor(0.5) * 0.6e6)


def test_a_plan_solved_for_90_percent_holds_in_about_90_percent_of_samples():
    """The target is met with the sampling error to spare (2,000 samples: standard error about 0.7 point), and
    the unprotected plan breaks far more often."""
    scenario = scenario_from_dict(_tight())
    nominal = ppi.solve(scenario)
    robust_scenario = derive(scenario, [parse_set("uncertainty.budget_confidence=0.9")])
    robust = ppi.solve(robust_scenario)
    dist = Distributions()
    before = fixed_plan_risk(scenario, nominal.starts, 2000, 5, dist)
    after = fixed_plan_risk(scenario, robust.starts, 2000, 5, dist)
    assert after.probability <= 0.10 + 3 * after.error
    assert before.probability > after.probability + 3 * before.error


def _write(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_robustness_writes_the_frontier_and_the_reports(tmp_path):
    path = _write(tmp_path / "s", _tight())
    out = tmp_path / "rob"
    args = ("robustness", path, "--levels", "none,0.9", "--samples", "300", "--workers", "1", "--out", out)
    proc = run_cli(*args, "--report", "html,xlsx")
    assert proc.returncode == 0, proc.stderr
    for name in ("robustness.json", "robustness.csv", "robustness.png", "plan.json", "report.html", "report.xlsx"):
        assert (out / name).exists(), name
    data = json.loads((out / "robustness.json").read_text(encoding="utf-8"))
    levels = [p["level"] for p in data["points"]]
    assert levels == [None, 0.9] and data["samples"] == 300
    holds = [p["holds"] for p in data["points"]]
    assert holds[1] >= holds[0]
    assert 'id="robustesse"' in (out / "report.html").read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(out / "report.xlsx")
    sheet = wb["Prix de la robustesse"]
    assert sheet.cell(row=3, column=1).value == "aucune marge" and sheet.cell(row=4, column=1).value == 0.9
    assert "Price of robustness of test: 2 levels" in proc.stderr
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    assert "0 levels solved, 2 reused" in again.stdout
    # `ppi report` of the folder keeps the section (robustness.json is read back like explain.json).
    report = run_cli("report", out, "--format", "html", "--lang", "en", "--out", tmp_path / "again")
    assert report.returncode == 0, report.stderr
    assert "Price of robustness" in (tmp_path / "again" / "report.html").read_text(encoding="utf-8")
    bad = run_cli("robustness", path, "--levels", "1.5", "--out", tmp_path / "bad")
    assert bad.returncode != 0 and "between 0 and 1" in bad.stderr


def test_cli_montecarlo_fixed_only(tmp_path):
    path = _write(tmp_path / "s", _tight())
    out = tmp_path / "mc"
    proc = run_cli("montecarlo", path, "--fixed-only", "--samples", "500", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "breaks at least one envelope in" in proc.stdout and "± " in proc.stdout
    assert (out / "fixed.csv").exists() and not (out / "points").exists()  # nothing re-solved


def test_the_report_states_the_robustness_assumption():
    from reports.assumptions import assumption_rows
    from reports.html_base import Fmt

    plain = scenario_from_dict(_tight())
    robust = derive(plain, [parse_set("uncertainty.budget_confidence=0.9")])
    rows = {lang: {r.key: r.value for r in assumption_rows(robust, Fmt(lang))} for lang in ("fr", "en")}
    assert "90\u202f%" in rows["fr"]["robustness"] and "90%" in rows["en"]["robustness"]
    assert "2,13" in rows["fr"]["robustness"]  # z = Φ⁻¹(1 − 0.1/6) for the 6 uncertain rows, in words
    items = rows["en"]["uncertainty"]
    assert any("0.3" in item and "15%" in item for item in items)  # étude: the scenario's σ, the default slip
    none = {r.key: r.value for r in assumption_rows(plain, Fmt("en"))}
    assert none["robustness"] == "no margin: the envelopes are filled at the projects' expected cost"


def test_a_budget_sweep_with_protected_envelopes_solves_every_point(tmp_path):
    """No point is settled from a larger budget's plan: the protected rows' tangent moves with the envelope."""
    data = _tight()
    data["uncertainty"] = {**data["uncertainty"], "budget_confidence": 0.9}
    result = ppi.sweep(scenario_from_dict(data), out=tmp_path / "sw", budget_scale=[0.9, 1.0, 1.1], workers=1)
    assert result.settled == 0 and result.solved == 3


def test_the_printed_summary_states_the_protection():
    plain = scenario_from_dict(_tight())
    robust = derive(plain, [parse_set("uncertainty.budget_confidence=0.9")])
    assert "protected envelopes: every envelope of the PPI holds" in ppi.summary(ppi.solve(robust))
    assert "protected envelopes" not in ppi.summary(ppi.solve(plain))


def test_a_sample_is_a_realisation_without_margins():
    """Under a sample the costs and delays are known: its scenario has no protection and counts no slips, so the
    fixed plan's violations are the sample's own (an envelope broken by the sampled costs), as the fast path's."""
    data = _tight()
    data["uncertainty"] = {**data["uncertainty"], "budget_confidence": 0.9, "slips": "robust"}
    scenario = scenario_from_dict(data)
    plan = ppi.solve(scenario)
    points = sample_points(scenario, 30, 2, Distributions(cost_sigma_scale=2.0))
    for point in points:
        sample = derive(scenario, point.edits)
        assert sample.spec.uncertainty.budget_confidence is None and sample.spec.uncertainty.slips == "ignore"
    slow = [breaks_envelope(evaluate_fixed(derive(scenario, p.edits), dict(plan.starts))["violations"]) for p in points]
    fast = fixed_plan_risk(scenario, plan.starts, 30, 2, Distributions(cost_sigma_scale=2.0))
    assert fast.samples["broken"].tolist() == slow and any(slow)


def test_cli_robustness_over_gamma(tmp_path):
    path = _write(tmp_path / "s", _tight())
    out = tmp_path / "rob"
    proc = run_cli("robustness", path, "--gamma", "none,2", "--samples", "200", "--workers", "1", "--out", out,
                   "--report", "xlsx")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "robustness.json").read_text(encoding="utf-8"))
    assert data["path"] == "uncertainty.gamma" and [p["level"] for p in data["points"]] == [None, 2.0]
    assert data["points"][1]["holds"] >= data["points"][0]["holds"]
    sheet = openpyxl.load_workbook(out / "report.xlsx")["Prix de la robustesse"]
    assert sheet.cell(row=2, column=1).value == "Projets en dépassement (Γ)" and sheet.cell(row=4, column=1).value == 2
    bad = run_cli("robustness", path, "--gamma", "-1", "--out", tmp_path / "bad")
    assert bad.returncode != 0 and "between 0 and 1000" in bad.stderr
