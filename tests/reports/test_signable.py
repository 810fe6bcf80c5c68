"""Reports a finance director can sign (issue 16 parts 1, 3 and 6), read back in Chromium and openpyxl: French
throughout (pages, charts, the comparison's inputs), the assumptions in words with the technical details in an
annex, an AP/CP table whose CP add up to each project's spending, expected unmet demand labelled as such with
the nominal figure beside, one sentence on what maturity does, what falls after the horizon, no absolute path
of the machine in any output, no float dust in any table."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

import ppi
from reports.assumptions import (
    after_horizon,
    assumption_rows,
    horizon_end,
    horizon_years,
    maturity_text,
    override_text,
)
from reports.html_compare import comparison_html
from reports.html_plan import plan_html
from reports.text import TEXT
from tests.browser import dump_dom, require_browser
from tests.reports.test_html_report import Page

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"
RENNES = REPO / "scenarios" / "rennes" / "scenario.yaml"
FIRST_ROW = 3


@pytest.fixture(scope="module")
def base() -> Any:
    return ppi.solve(ppi.load(EXAMPLE))


@pytest.fixture(scope="module")
def variant() -> Any:
    """A named variant and a --set override, loaded from the absolute path of the scenario file."""
    scenario = ppi.load(f"{EXAMPLE}:budget-serre", set=["finance.fctva.rate=0.1485"])
    assert Path(scenario.source).is_absolute()
    return ppi.solve(scenario)


@pytest.fixture(scope="module")
def written(tmp_path_factory, variant) -> Path:
    folder = tmp_path_factory.mktemp("signable") / "plan"
    ppi.write(variant, folder, reports=("html", "xlsx"), lang="fr")
    return folder


@pytest.fixture(scope="module")
def dom(written) -> Page:
    return Page(dump_dom(require_browser(), written / "report.html"))


def _english_words() -> set[str]:
    """Words of the English catalogue that no French phrase uses: none of them belongs in a French report."""

    def words(phrases: dict[str, str]) -> set[str]:
        return {w.lower() for text in phrases.values() for w in re.findall(r"[A-Za-zÀ-ÿ]{5,}", text)}

    return words(TEXT["en"]) - words(TEXT["fr"])


def _scenario_words(result: Any) -> set[str]:
    """Words of the scenario's own names (projects, quartiers, themes, labels): the user's, in any language."""
    s = result.scenario
    texts = [s.name, *(p.name for p in s.projects), *(p.id for p in s.projects), *(p.theme for p in s.projects)]
    texts += [d.name or d.id for d in s.spec.districts] + list(s.spec.variants)
    texts += [v.description or "" for v in s.spec.variants.values()]
    texts += [lv.label or "" for lv in s.spec.maturity_levels.values()] + [
        c.label or "" for c in s.spec.competences.values()
    ]
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-zÀ-ÿ]{5,}", t or "")}


def _visible_text(page: str) -> str:
    """The text of a page as read, the charts' SVG text included, the script and style left out."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _english_in(text: str, result: Any) -> set[str]:
    """English words of the catalogue in `text`, the scenario's own words (names cut short by a chart's "…"
    included), its file name and the solver's name aside."""
    found = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]{5,}", text)}
    own = _scenario_words(result) | {Path(result.scenario.source).stem.lower(), "highs"}
    return {w for w in found & _english_words() if not any(o.startswith(w) for o in own)}


# ------------------------------------------------------------------------------------------------ French


def test_the_french_report_is_french_throughout(dom, variant, written):
    text = _visible_text((written / "report.html").read_text(encoding="utf-8"))
    assert _english_in(text, variant) == set()
    assert "every envelope" not in text and "weight of" not in text
    # the variant's edit and the --set override, in French words
    overrides = dom.text(dom.find("td", data_key="overrides")[0][0])
    assert "toutes les enveloppes × 0,9" in overrides
    assert "valeur modifiée : taux de FCTVA = 0,1485" in overrides.replace("\u00a0", " ")


def test_the_french_workbooks_are_french_throughout(base, variant, written):
    import io

    from reports.xlsx_compare import comparison_workbook

    books = [load_workbook(written / "report.xlsx")]
    books.append(load_workbook(io.BytesIO(comparison_workbook(ppi.compare({"base": base, "v": variant}), "fr"))))
    for book in books:
        cells = [c for ws in book for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
        assert _english_in(" ".join([*cells, *book.sheetnames]), variant) == set()


def test_the_english_report_says_the_same_in_english(variant):
    page = plan_html(variant, "en")
    assert "variant budget-serre: every envelope × 0.9" in html.unescape(page)
    assert "toutes les enveloppes" not in html.unescape(page)


def test_the_comparison_words_its_inputs_in_the_report_language(base, variant):
    c = ppi.compare({"base": base, "budget-serre": variant})
    fr = _visible_text(comparison_html(c, "fr"))
    assert "toutes les enveloppes × 0,9" in fr and "every envelope" not in fr
    assert _english_in(fr, variant) == set()
    en = _visible_text(comparison_html(c, "en"))
    assert "every envelope × 0.9" in en


@pytest.mark.parametrize(
    ("line", "fr", "en"),
    [
        (
            "variant v: every envelope × 0.8",
            "variante v : toutes les enveloppes × 0,8",
            "variant v: every envelope × 0.8",
        ),
        (
            "variant v: weight of creche = 0.1",
            "variante v : pondération de creche = 0,1",
            "variant v: weight of creche = 0.1",
        ),
        ("variant v: p excluded", "variante v : p exclu", "variant v: p excluded"),
        (
            "variant v: p forced in (mandatory)",
            "variante v : p imposé (obligatoire)",
            "variant v: p forced in (mandatory)",
        ),
        (
            "variant v: p start window moved by +2 years",
            "variante v : fenêtre de démarrage de p décalée de 2 ans plus tard",
            "variant v: start window of p moved 2 years later",
        ),
        (
            "--set budget.annual.2027=9e6",
            "valeur modifiée : enveloppe 2027 = 9e6",
            "value set: envelope 2027 = 9e6",
        ),
        (
            "--set demand_kinds.creche.weight=0.1",
            "valeur modifiée : pondération de creche = 0,1",
            "value set: weight of creche = 0.1",
        ),
        ("--set projects.p.note=x.y", "valeur modifiée : projects.p.note = x.y", "value set: projects.p.note = x.y"),
        ("budget scale: every envelope × 1.2", "toutes les enveloppes × 1,2", "every envelope × 1.2"),
        ("variant v: description libre", "variante v : description libre", "variant v: description libre"),
    ],
)
def test_overrides_are_worded_in_both_languages(line, fr, en):
    assert override_text(line, "fr").replace("\u00a0", " ") == fr
    assert override_text(line, "en") == en


def _chart_texts(monkeypatch: pytest.MonkeyPatch, draw: Any) -> list[str]:
    """Every text of the PNG charts `draw()` makes (titles, labels, ticks, legends, annotations)."""
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    texts: list[str] = []
    save = Figure.savefig

    def record(fig: Any, *args: Any, **kwargs: Any) -> None:
        fig.canvas.draw()
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_text())
        save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    draw()
    return texts


def test_analysis_and_demand_charts_are_french_by_default_english_on_request(monkeypatch, base):
    scenario = base.scenario
    frontier = pd.DataFrame(
        {
            "status": ["optimal"] * 4,
            "envelope_total": [80e6, 90e6, 100e6, 110e6],
            "objective": [260.5, 230.25, 210.0, 205.0],
            "unmet creche": [2100.0, 2000.0, 1950.0, 1940.0],
        }
    )
    tornado = pd.DataFrame(
        {"parameter": ["finance.fctva.rate", "budget.annual.2030"], "low": [200.0, 190.5], "high": [215.0, 230.0]}
    )
    from reports.charts import demand_chart, frontier_chart, tornado_chart

    for lang, words, other in (
        ("fr", ("total des enveloppes", "objectif", "capacité"), "en"),
        ("en", ("total envelope", "objective", "capacity"), "fr"),
    ):
        texts = _chart_texts(
            monkeypatch,
            lambda lang=lang: (
                frontier_chart(frontier, "Exemple", lang),
                tornado_chart(tornado, 210.0, "Exemple", lang),
                demand_chart(scenario, lang),
            ),
        )
        joined = " ".join(texts)
        for w in words:
            assert w in joined, (lang, w)
        chart_keys = [k for k in TEXT["en"] if k.startswith("ch.") and "{" not in TEXT[other][k]]
        assert not any(TEXT[other][k] in texts for k in chart_keys), lang
        if lang == "fr":
            assert _english_in(joined, base) == set()
            assert "210,0" in joined or "210" in joined  # French numbers on the axes: a decimal comma


# ------------------------------------------------------------------------------------------------ assumptions


def test_the_assumptions_section_lists_what_the_council_approves(dom, variant):
    [(section, _)] = dom.find("section", id="hypotheses")
    keys = {a["data-key"]: dom.text(i) for i, a in dom.find("td", within=section) if "data-key" in a}
    for key in ("horizon", "end_rule", "weights", "discount", "cost_weight", "maturity", "envelopes",
                "envelope_total", "basis", "carry_over", "transfers", "subsidies", "fctva", "finance", "ceilings",
                "variant", "overrides"):  # fmt: skip
        assert keys.get(key), key
    assert "Crèche 0,05 (places × années)" in keys["weights"]
    assert "14,85\u202f% des dépenses éligibles" in keys["fctva"]  # the --set override, in the assumption itself
    assert "capacité de désendettement ≤ 12 ans" in keys["ceilings"]
    assert "part ville 30\u202f%" in keys["subsidies"]  # aid folded into a competence's city share, said
    assert "budget-serre" in keys["variant"]
    scenario = variant.scenario
    for y in horizon_years(scenario):
        assert f"{y}\u00a0: {scenario.envelope[y] / 1e6:.2f}".replace(".", ",") in keys["envelopes"], y
    # No file path and no solver detail among the assumptions: those are the annex's.
    text = dom.text(section)
    assert ".yaml" not in text and "highs" not in text.lower() and "/" not in keys["horizon"]
    [(annex, _)] = dom.find("section", id="annexe")
    annex = {a["data-key"]: dom.text(i) for i, a in dom.find("td", within=annex) if "data-key" in a}
    assert annex["scenario.source"] == "scenario.yaml:budget-serre" or annex["scenario.source"] == "scenario.yaml"
    assert "highs" in annex["solver"]


def test_the_workbook_has_the_assumptions_then_the_annex(written):
    ws = load_workbook(written / "report.xlsx")["Hypothèses"]
    rows = [(r[0], r[1]) for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]]
    labels = [label for label, _ in rows]
    assert labels.index("Annexe technique") > labels.index("Paramètres modifiés") > labels.index("Horizon du PPI")
    values = dict(rows)
    assert "toutes les enveloppes × 0,9" in values["Paramètres modifiés"]
    assert values["Fichier"] in ("scenario.yaml", "scenario.yaml:budget-serre")


# ------------------------------------------------------------------------------------------------ AP/CP


def test_the_apcp_table_adds_up_to_each_projects_spending(dom, variant):
    ev, scenario = variant.evaluation, variant.scenario
    spending = ev.spending.groupby("project")["city_spending"].sum()
    [(section, _)] = dom.find("section", id="apcp")
    values: dict[str, dict[str, float]] = {}
    for _, a in dom.find("span", within=section):
        key = a.get("data-key", "")
        if key.startswith("apcp.") and "data-value" in a:  # the city share said instead has no value
            _, pid, column = key.split(".", 2)
            values.setdefault(pid, {})[column] = float(a["data-value"])
    chosen = ev.projects[ev.projects["chosen"]]
    assert set(values) == set(chosen["project"])
    first, end = horizon_years(scenario)[0], horizon_end(scenario)
    for pid, cells in values.items():
        cp = sum(v for c, v in cells.items() if c.isdigit() or c in ("before", "after"))
        assert cp == pytest.approx(spending[pid], abs=0.01), pid
        assert cells["ap"] == pytest.approx(spending[pid], abs=0.01), pid
        by_year = ev.spending[ev.spending["project"] == pid]
        assert cells.get("after", 0.0) == pytest.approx(
            by_year.loc[by_year["year"] > end, "city_spending"].sum(), abs=0.01
        )
        assert cells.get("before", 0.0) == pytest.approx(
            by_year.loc[by_year["year"] < first, "city_spending"].sum(), abs=0.01
        )
    # Aid folded into the city share is said, never "0": a partner's crèche shows its city share.
    folded = [p.id for p in scenario.projects if p.id in values and p.city_share < 1 and p.aid == 0]
    assert folded
    for pid in folded:
        [(i, _)] = dom.find("span", data_key=f"apcp.{pid}.city_share")
        assert dom.text(i).startswith("part ville ")
        assert "subsidies" not in values[pid]


def test_the_workbook_ppi_sheet_has_net_cost_and_no_zero_subsidy_for_folded_aid(written, variant):
    ws = load_workbook(written / "report.xlsx")["PPI"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    head, body = rows[0], [r for r in rows[1:] if r[0] and r[0] != "TOTAL" and r[1]]
    net, sub = head.index("Coût net (€)"), head.index("Subventions, toutes années (€)")
    ap, fctva = head.index("AP (€)"), head.index("FCTVA, toutes années (€)")
    for r in body:
        p = variant.scenario.project[r[0]]
        if p.city_share < 1 and p.aid == 0:
            assert isinstance(r[sub], str) and r[sub].startswith("part ville "), r[0]
            assert r[net] == pytest.approx(r[ap] - r[fctva], abs=0.02)
        else:
            assert r[net] == pytest.approx(r[ap] - r[sub] - r[fctva], abs=0.02)


def test_no_zero_subsidy_where_aid_is_folded_into_the_city_share(dom, written, variant):
    """The example enters no subsidy: its partners' aid is folded into the competences' city shares. The
    reports say so instead of "Subventions 0 €"."""
    assert variant.evaluation.receipts["subsidies"].sum() == 0
    ws = load_workbook(written / "report.xlsx")["Synthèse"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]}
    said = values["Subventions perçues sur l'horizon"]
    assert isinstance(said, str) and said.startswith("aucune subvention inscrite, les aides de ")
    [(section, _)] = dom.find("section", id="depenses")
    assert "intégrées à leur part ville" in dom.text(section)


# ------------------------------------------------------------------------------------------------ maturity


def test_expected_and_nominal_unmet_demand_and_the_maturity_sentence(dom, written, variant):
    keys = dom.keyed()
    for k in variant.scenario.kinds:
        assert float(keys[f"unmet_nominal.{k}"]["value"]) <= float(keys[f"unmet.{k}"]["value"]) + 1e-9
    labels = [dom.text(i) for i, a in dom.find("div") if a.get("class") == "label"]
    assert any(label.startswith("Besoins non satisfaits en espérance") for label in labels)
    sentence = keys["maturity-note"]["text"]
    assert sentence.startswith("La maturité pondère la capacité")
    assert "« Faisabilité (niveau 2) » (confiance 0,85) compte pour 85\u202f% de ses places" in sentence
    ws = load_workbook(written / "report.xlsx")["Synthèse"]
    summary = {r[0]: r[1] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]}
    assert summary["Effet de la maturité"] == maturity_text(variant.scenario, "fr")
    assert "Maturity weights capacity" in ppi.summary(variant)
    balance = pd.read_csv(written / "balance.csv")
    assert (balance["unmet_nominal"] <= balance["unmet"] + 1e-9).all()
    assert (balance["added_nominal"] >= balance["added"] - 1e-9).all()


# ------------------------------------------------------------------------------------------------ horizon end


def test_every_report_says_what_falls_after_the_horizon(dom, written, variant):
    scenario, ev = variant.scenario, variant.evaluation
    end, after = horizon_end(scenario), after_horizon(ev, scenario)
    line = dom.keyed()["after-horizon"]["text"]
    summary = ppi.summary(variant)
    ws = load_workbook(written / "report.xlsx")["Synthèse"]
    cells = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    if after:
        amount = f"{sum(after.values()) / 1e6:.2f}"
        assert line.startswith(f"Au-delà de {end}\u00a0: {amount.replace('.', ',')}\u00a0M€ de CP restant à financer")
        assert f"After {end}: {amount} M€ of CP still to finance" in summary
        assert any(c.startswith(f"Au-delà de {end}") for c in cells)
    else:
        assert line.startswith(f"Aucun CP après {end}")


# ------------------------------------------------------------------------------------------------ paths, dust


def test_no_absolute_path_of_the_machine_in_any_output(written):
    """The scenario was typed with its absolute path: no report, table or workbook shows a folder of the
    machine (plan.json keeps the source as typed)."""
    folders = {str(REPO), str(Path.home()), str(written.parent)}
    for path in written.iterdir():
        if path.name == "plan.json" or path.name.startswith("."):
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        for folder in folders:
            assert folder not in text, (path.name, folder)


@pytest.fixture(scope="module")
def rennes(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rennes") / "plan"
    result = ppi.solve(ppi.load(RENNES))
    assert len(result.evaluation.transfers), "the Rennes plan meets some demand next door"
    ppi.write(result, folder, reports=("xlsx",), lang="fr")
    return folder


def _dusty(value: Any) -> bool:
    """A float written with more than 6 decimals (0.3999999999998434)."""
    return isinstance(value, float) and abs(value - round(value, 6)) > 0 and len(repr(value).split(".")[-1]) > 6


def test_no_float_dust_in_the_tables_and_the_workbook(rennes):
    for name in ("transfers", "balance", "projects", "apcp", "budget"):
        text = (rennes / f"{name}.csv").read_text(encoding="utf-8")
        dust = re.findall(r"\d+\.\d{7,}", text)
        assert dust == [], (name, dust[:3])
    book = load_workbook(rennes / "report.xlsx")
    for sheet in ("Transferts", "Besoins non satisfaits", "PPI"):
        values = [c for r in book[sheet].iter_rows(min_row=FIRST_ROW, values_only=True) for c in r]
        assert [v for v in values if _dusty(v)] == [], sheet


# ------------------------------------------------------------------------------------------------ end rules


def _late_school(end_rule: str, **extra: Any) -> Any:
    """2026-2028, 10 M€ a year; a committed 2 M€ school started in 2028 pays half its cost in 2029."""
    from tests.helpers import make_scenario, project

    late = project("late", status="committed", start=2028, cost=2.0e6, profile=[0.5, 0.5], delivery_lag=1)
    return make_scenario(end_rule=end_rule, projects=[late], **extra)


@pytest.mark.parametrize(
    ("end_rule", "how_fr", "how_en"),
    [
        (
            "open",
            "imputés à aucune enveloppe (règle de fin d'horizon : ouverte)",
            "charged to no envelope (horizon end rule: open)",
        ),
        (
            "tail",
            "imputés aux enveloppes prolongées de 10,00 M€ par an (2029)",
            "charged to prolonged envelopes of 10.00 M€ a year (2029)",
        ),
    ],
)
def test_what_falls_after_the_horizon_by_hand(end_rule, how_fr, how_en):
    """Half of the late school's 2 M€, 1 M€, is paid in 2029, after the PPI's last year (2028): the reports say
    so per year and per project, with the rule in words."""
    from models.evaluate import evaluate_plan
    from reports.html_base import Fmt
    from reports.html_ppi import apcp_html

    scenario = _late_school(end_rule, **({"tail_years": 1} if end_rule == "tail" else {}))
    assert horizon_end(scenario) == 2028
    ev = evaluate_plan(scenario, {"late": 2028})
    assert after_horizon(ev, scenario) == {2029: pytest.approx(1.0e6)}
    from reports.assumptions import after_horizon_text

    fr = after_horizon_text(scenario, ev, Fmt("fr")).replace("\u00a0", " ").replace("\u202f", " ")
    assert fr == f"Au-delà de 2028 : 1,00 M€ de CP restant à financer (2029 : 1,00 M€), {how_fr}."
    en = after_horizon_text(scenario, ev, Fmt("en")).replace("\u00a0", " ")
    assert en == f"After 2028: 1.00 M€ of CP still to finance (2029: 1.00 M€), {how_en}."
    page = Page(apcp_html(scenario, ev, Fmt("fr")))
    values = {a["data-key"]: float(a["data-value"]) for _, a in page.find("span") if "data-value" in a}
    assert values == {
        "apcp.late.ap": pytest.approx(2.0e6),
        "apcp.late.2028": pytest.approx(1.0e6),
        "apcp.late.after": pytest.approx(1.0e6),
        "apcp.late.net": pytest.approx(2.0e6),
    }


def test_nothing_after_the_horizon_with_the_complete_rule():
    """With the rule 'complete' every CP falls within the PPI: the reports say there is none after it."""
    from models.evaluate import evaluate_plan
    from reports.assumptions import after_horizon_text
    from reports.html_base import Fmt
    from tests.helpers import make_scenario, project

    school = project("school", cost=2.0e6, profile=[0.5, 0.5], delivery_lag=1)
    scenario = make_scenario(end_rule="complete", projects=[school])
    assert scenario.project["school"].latest == 2027  # its last CP falls in 2028
    ev = evaluate_plan(scenario, {"school": 2027})
    assert after_horizon_text(scenario, ev, Fmt("fr")).startswith("Aucun CP après 2028")
    rows = {r.key: r.value for r in assumption_rows(scenario, Fmt("fr"))}
    assert rows["end_rule"] == "chaque projet retenu paie tous ses CP et est livré au plus tard en 2028"


def test_the_analysis_commands_take_the_language_of_their_charts(tmp_path):
    from tests.helpers import run_cli

    for command in ("sweep", "tornado", "montecarlo", "demand"):
        done = run_cli(command, "--help")
        assert done.returncode == 0 and "--lang {fr,en}" in done.stdout, command
    done = run_cli("demand", EXAMPLE, "--lang", "en", "--out", tmp_path / "demand", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "demand" / "demand.png").read_bytes().startswith(b"\x89PNG")


def test_the_budget_table_totals_the_ppi_s_years_and_the_tail_apart(variant):
    """The spending table's totals: one over the PPI's years (the key figures' span), one over the tail."""
    scenario, ev = variant.scenario, variant.evaluation
    page = _visible_text(plan_html(variant, "fr"))
    b = ev.budget
    first, end, tail = scenario.first_year, scenario.horizon_end, scenario.tail
    assert tail
    ppi_total = f"{b.loc[b['year'] <= end, 'envelope'].sum() / 1e6:.2f}".replace(".", ",")
    tail_total = f"{b.loc[b['year'] > end, 'envelope'].sum() / 1e6:.2f}".replace(".", ",")
    assert re.search(rf"Total {first}–{end}\s+{ppi_total}\u00a0M€", page), ppi_total
    assert re.search(rf"Total {tail[0]}–{tail[-1]} \(au-delà\)\s+{tail_total}\u00a0M€", page), tail_total
