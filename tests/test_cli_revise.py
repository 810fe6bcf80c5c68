"""`ppi revise` end to end, as a user runs it: solve the adopted PPI, revise it with a réalisé, read the revised
folder back (verify, report), and refuse bad input with a located message and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.browser import dump_dom, require_browser
from tests.helpers import make_scenario_dict, project, rows
from tests.helpers import run_cli as run

REPO = Path(__file__).resolve().parents[1]


def small_commune(tmp_path: Path) -> Path:
    """Horizon 2026-2029, 2 M€ a year. Demand 2 classes from 2026, 4 from 2028, 5 in 2029. gs (3 classes, 2.4 M€
    over two years, delivered start + 2), ext (1 class, 1 M€ at once, delivered start + 1, not before 2028), mod
    (1 class, 0.3 M€): the adopted plan starts gs and mod in 2026 and announces ext for 2028."""
    data = make_scenario_dict(
        years=(2026, 2029),
        envelope=2e6,
        demand=rows({2026: 2, 2028: 4, 2029: 5}),
        projects=[
            project("gs", capacity={"classes": 3}, cost=2.4e6, profile=[0.5, 0.5], delivery_lag=2),
            project("ext", cost=1e6, delivery_lag=1, earliest_start=2028),
            project("mod", cost=0.3e6, delivery_lag=1),
        ],
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def adopted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("revise")
    scenario = small_commune(tmp)
    out = tmp / "adopted"
    done = run("solve", scenario, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    return scenario, out, json.loads((out / "plan.json").read_text(encoding="utf-8"))


def test_revise_end_to_end(adopted, tmp_path):
    scenario, previous, plan = adopted
    starts = {p["id"]: p["start"] for p in plan["projects"]}
    under_way = [pid for pid, s in starts.items() if s is not None and s < 2028]
    assert under_way, starts  # the adopted plan starts something before the revision year
    pid = under_way[0]
    realised = tmp_path / "réalisé.csv"
    realised.write_text(
        f"Projet;Année;CP payés;Retard;Commentaire\n{pid};{starts[pid]};100 000;1;PC\n", encoding="utf-8"
    )
    out = tmp_path / "revised"
    done = run(
        "revise", previous, scenario, "--year", "2028", "--realised", realised, "--move-cost", "0.5",
        "--drop-cost", "2", "--out", out, "--report", "html,xlsx", "--lang", "en",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"warning: {realised}:1: the column 'Commentaire' is not read" in done.stderr
    assert "+ stability " in done.stdout  # the objective's parts add up to it
    assert "PPI revision 2028" in done.stdout and "What changed since the adopted PPI" in done.stdout
    assert f"{pid}" in done.stdout and "slipped 1 year(s)" in done.stdout
    names = ("plan.json", "scenario.yaml", "revision.txt", "revision.html", "revision.xlsx", "comparison.xlsx")
    for name in (*names, "comparison.html", "report.html"):
        assert (out / name).is_file(), name
    revised = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert revised["scenario"]["path"] == "scenario.yaml" and revised["scenario"]["horizon"]["start"] == 2028
    assert "stability" in revised["objective_terms"]
    committed = {p["id"]: p for p in revised["projects"]}[pid]
    assert committed["start"] == starts[pid] and committed["status"] == "committed"
    # The folder reads back: the verifier accepts the plan under the revised scenario written beside it.
    check = run("verify", out / "scenario.yaml", out)
    assert check.returncode == 0 and "plan verified" in check.stdout, check.stdout + check.stderr
    assert run("report", out, "--out", tmp_path / "again", "--format", "html").returncode == 0
    html = (out / "revision.html").read_text(encoding="utf-8")
    assert 'id="changes"' in html and 'id="realised"' in html and "<svg" in html
    # Opened in a real Chromium: the page's script runs and the sections and both charts are there.
    dom = dump_dom(require_browser(), out / "revision.html")
    assert 'id="changes"' in dom and 'id="side"' in dom and dom.count("<svg") >= 2 and pid in dom
    wb = load_workbook(out / "revision.xlsx")
    assert [c.value for c in wb.worksheets[1][3][:2]][0] == pid


def test_revise_in_french_by_default(adopted, tmp_path):
    scenario, previous, _ = adopted
    done = run("revise", previous, scenario, "--year", "2027", "--out", tmp_path / "r", "--no-reasons")
    assert done.returncode == 0, done.stderr
    assert "Révision 2027 de la PPI" in done.stdout


def test_a_bad_realise_is_refused_with_file_line_and_column(adopted, tmp_path):
    scenario, previous, _ = adopted
    realised = tmp_path / "realise.csv"
    realised.write_text("projet,année,cp_payé\ngs,2026,beaucoup\n", encoding="utf-8")
    done = run("revise", previous, scenario, "--year", "2028", "--realised", realised, "--out", tmp_path / "r")
    assert done.returncode == 1
    assert f"{realised}:2: column 'cp_payé':" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists()


def test_a_revision_year_outside_the_horizon_is_refused(adopted, tmp_path):
    scenario, previous, _ = adopted
    done = run("revise", previous, scenario, "--year", "2031", "--out", tmp_path / "r")
    assert done.returncode == 1 and "the revision year 2031 must be after 2026 and at most 2029" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_impossible_lock_is_infeasible_and_diagnosed(adopted, tmp_path):
    # The adopted plan's operations from 2028 on are locked (ext, 1 M€ in 2028), and the envelopes of 2028 and
    # 2029 are cut to 0.1 M€: ext cannot be paid; the diagnosis says what to raise (exit 2).
    scenario, previous, plan = adopted
    assert {p["id"]: p["start"] for p in plan["projects"]} == {"gs": 2026, "ext": 2028, "mod": 2026}
    args = [f"budget.annual.{y}=1e5" for y in (2028, 2029)]
    done = run(
        "revise", previous, scenario, "--year", "2028", "--locked-years", "2", "--out", tmp_path / "r",
        *[a for s in args for a in ("--set", s)],
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "ext (" in done.stdout and "[budget[2028]]" in done.stdout  # the locked ext needs its 1 M€ in 2028
    assert "Infeasible" in done.stderr and (tmp_path / "r" / "diagnosis.json").is_file()


def test_the_shipped_realise_of_exemple_ville_reads():
    from models.revision import read_realised

    got = read_realised(REPO / "scenarios" / "exemple-ville" / "realise-2026-2027.csv")
    assert {(r["project"], r["year"]) for r in got} >= {("gs-simone-veil", 2026), ("creche-louise-michel", 2027)}
    assert next(r for r in got if r["project"] == "creche-louise-michel" and "cost" in r)["cost"] == 6.36e6


def test_an_adopted_plan_without_a_plan_is_refused(adopted, tmp_path):
    scenario, _, _ = adopted
    infeasible = tmp_path / "infeasible"
    sets = [
        "--set",
        "projects.gs.status=mandatory",
        *[a for y in range(2026, 2030) for a in ("--set", f"budget.annual.{y}=0")],
    ]
    assert run("solve", scenario, *sets, "--out", infeasible, "--quiet").returncode == 2
    done = run("revise", infeasible, scenario, "--year", "2028", "--out", tmp_path / "r")
    assert done.returncode == 1 and "has no plan (status infeasible): nothing to revise" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_python_api_revises_as_the_command_does(adopted):
    import ppi

    scenario, previous, plan = adopted
    adopted_result = ppi.open_result(previous)
    revised = ppi.revised_scenario(adopted_result, ppi.load(scenario), 2028, move_cost=1.0, drop_cost=5.0)
    result = ppi.solve(revised)  # verified
    assert result.starts["gs"] == 2026 and revised.project["gs"].status == "committed"
    assert result.starts["ext"] == 2028  # announced for 2028, nothing changed: kept
    found = ppi.revision(adopted_result, result)
    assert found.year == 2028 and found.changes == () and found.stability == 0.0


def test_the_reasons_solved_in_worker_processes_are_the_serial_ones():
    """Exemple-Ville revised in 2028 as the README does (14 changes re-solved): the reasons solved at once in two
    worker processes (`ppi.solve_all`'s way) are those solved one after the other — the same changes, statuses
    and values (a re-solve may reach another optimum of the same objective: its value is the same, its parts may
    split differently between ties)."""
    import ppi

    example = REPO / "scenarios" / "exemple-ville"
    adopted = ppi.solve(ppi.load(example / "scenario.yaml"))
    revised = ppi.revised_scenario(
        adopted, ppi.load(example / "scenario.yaml"), 2028, example / "realise-2026-2027.csv", move_cost=0.5,
        drop_cost=2.0,
    )  # fmt: skip
    result = ppi.solve(revised)
    serial = ppi.revision(adopted, result, workers=1)
    parallel = ppi.revision(adopted, result, workers=2)
    reasoned = [c for c in serial.changes if c.kind != "under_way"]
    assert len(reasoned) >= 10 and any(c.value is None for c in reasoned) and any(c.value for c in reasoned)

    def key(change):
        return (change.project, change.kind, change.adopted, change.revised, change.status)

    assert [key(c) for c in parallel.changes] == [key(c) for c in serial.changes]
    for one, other in zip(serial.changes, parallel.changes, strict=True):
        assert (one.value is None) == (other.value is None)
        if one.value is not None:
            assert other.value == pytest.approx(one.value, rel=1e-6, abs=1e-6), one.project


def test_exemple_ville_revised_with_a_creche_abandoned(tmp_path):
    """The shipped réalisé of Exemple-Ville (copied, never edited) with an `abandonnée` column: the adopted plan's
    micro-crèche of the quais, started in 2027, is stopped by the city. The revised plan neither starts nor pays
    it, its 10 places do not come, it costs no stability, the report lists it, and the verifier rejects a plan
    that starts it or pays it again."""
    example = REPO / "scenarios" / "exemple-ville"
    adopted = tmp_path / "adopted"
    done = run("solve", example / "scenario.yaml", "--out", adopted, "--quiet")
    assert done.returncode == 0, done.stderr
    starts = {p["id"]: p["start"] for p in json.loads((adopted / "plan.json").read_text(encoding="utf-8"))["projects"]}
    pid = "micro-creche-quais"
    assert starts[pid] is not None and starts[pid] < 2028, starts  # under way in 2028
    shipped = (example / "realise-2026-2027.csv").read_text(encoding="utf-8").splitlines()
    realised = tmp_path / "réalisé.csv"
    realised.write_text(
        "\n".join([shipped[0] + ";abandonnée", *(line + ";non" for line in shipped[1:]), f"{pid};2027;120 000;;;;oui"])
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "revised"
    done = run(
        "revise", adopted, example / "scenario.yaml", "--year", "2028", "--realised", realised, "--drop-cost", "100",
        "--out", out, "--report", "html,xlsx", "--no-reasons",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "abandonnée (décision)" in done.stdout and "Abandonnées" in done.stdout
    line = next(line for line in done.stdout.splitlines() if "perdus" in line).replace("\xa0", " ")
    assert (
        line.split()[:2] == [pid, "2027"] and "0,12 M€ payés avant 2028, perdus ; 10 places creche ne viendront" in line
    )
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    entry = {p["id"]: p for p in plan["projects"]}[pid]
    assert entry["start"] is None and entry["status"] == "excluded" and not entry["spending"]
    revised = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))
    assert pid not in revised["revision"]["adopted"]  # not announced: no drop cost (100 would show)
    now = {p["id"]: p["start"] for p in plan["projects"]}
    dropped = [q for q in revised["revision"]["adopted"] if now.get(q) is None]
    assert plan["objective_terms"]["stability"] == 100 * len(dropped)  # ω per announced drop, none for pid
    html = (out / "revision.html").read_text(encoding="utf-8")
    assert 'id="abandoned"' in html and "Abandonnées" in html
    assert "Abandonnées" in load_workbook(out / "revision.xlsx").sheetnames
    # The two plans side by side (comparison.html / .xlsx): dropped by decision, not merely not chosen.
    compared = (out / "comparison.html").read_text(encoding="utf-8")
    assert f'data-project="{pid}" data-variant="PPI révisée" data-value="">abandonnée (décision)<' in compared
    sheet = load_workbook(out / "comparison.xlsx")["Projets"]
    assert next(r for r in sheet.iter_rows(values_only=True) if r[0] == pid)[4:6] == (
        starts[pid],
        "abandonnée (décision)",
    )
    assert run("verify", out / "scenario.yaml", out).returncode == 0
    # A plan that starts it again, or pays it from 2028, is rejected by `ppi verify`.
    for change in ({"start": 2028, "delivery": 2029}, {"spending": {"2028": 50000.0}}):
        tampered = tmp_path / f"tampered-{len(change)}"
        tampered.mkdir()
        doc = json.loads(json.dumps(plan))
        next(p for p in doc["projects"] if p["id"] == pid).update(change)
        (tampered / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
        check = run("verify", out / "scenario.yaml", tampered)
        assert check.returncode != 0 and f"{pid} was abandoned in the revision of 2028" in check.stdout + check.stderr
        assert "Traceback" not in check.stderr


def test_abandoning_an_operation_not_under_way_is_refused(adopted, tmp_path):
    scenario, previous, _ = adopted
    realised = tmp_path / "realise.csv"
    realised.write_text("projet;année;abandonnée\next;2027;oui\n", encoding="utf-8")  # announced for 2028
    done = run("revise", previous, scenario, "--year", "2028", "--realised", realised, "--out", tmp_path / "r")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{realised}:2: ext is marked abandoned but is not under way" in done.stderr
    assert "status: excluded" in done.stderr and not (tmp_path / "r").exists()
