"""HTML reports (reports/html_plan.py, reports/html_compare.py) opened in a real headless Chromium: every chart renders
with a size, the key figures equal plan.json's, the page prints to PDF and screenshots to a non-blank PNG, the
English version says the same in English, nothing loads from outside the file, and a comparison shows both variants
on the same axes with the differences highlighted."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from models.load import load_scenario, scenario_from_dict
from models.plan import Plan, Status
from models.yaml_lines import load_yaml_with_lines
from reports.compare import Entry, compare
from reports.html_base import LANGS
from reports.html_compare import comparison_html
from reports.html_plan import plan_html
from results.record import plan_to_dict
from solver import SolveOptions, solve
from tests.browser import dump_dom, print_pdf, require_browser, screenshot
from tests.helpers import saved

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"
RENNES = REPO / "scenarios" / "rennes" / "scenario.yaml"
CHARTS = {"spending", "unmet", "gantt", "heatmap"}
FR_HEADINGS = [
    "Synthèse",
    "Dépenses et enveloppes par année",
    "Besoins non satisfaits",
    "Calendrier des opérations retenues",
    "AP/CP par opération",
    "Projets non retenus",
    "Épargne et dette",
    "Hypothèses et paramètres",
    "Annexe technique",
]
EN_HEADINGS = [
    "Summary",
    "Spending and envelopes per year",
    "Unmet demand",
    "Schedule of the chosen operations",
    "AP/CP per operation",
    "Projects not chosen",
    "Savings and debt",
    "Assumptions and parameters",
    "Technical annex",
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """What the tests read from a page: elements' attributes, the text of keyed elements and headings."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[int, list[str]] = {}  # element index -> text inside it
        self.open: list[tuple[str, int]] = []
        self.ends: dict[int, int] = {}  # element index -> index of the first element after it
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.open.append((tag, len(self.elements) - 1))
            self.texts[len(self.elements) - 1] = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                for _, index in self.open[i:]:
                    self.ends[index] = len(self.elements)
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for _, index in self.open:
            self.texts[index].append(data)

    def text(self, index: int) -> str:
        return "".join(self.texts.get(index, []))

    def find(self, tag: str | None = None, within: int | None = None, **attrs: str) -> list[tuple[int, dict[str, str]]]:
        """Elements with that tag (any if None), inside element `within` if given, whose attributes include
        `attrs` (data_key stands for data-key)."""
        want = {k.replace("_", "-"): v for k, v in attrs.items()}
        lo, hi = (0, len(self.elements)) if within is None else (within + 1, self.ends.get(within, within + 1))
        return [
            (i, a)
            for i, (t, a) in enumerate(self.elements[lo:hi], start=lo)
            if (tag is None or t == tag) and all(a.get(k) == v for k, v in want.items())
        ]

    def keyed(self) -> dict[str, dict[str, str]]:
        """data-key -> {"value": data-value, "text": text} for every element with a data-key (first wins)."""
        out: dict[str, dict[str, str]] = {}
        for i, (_, a) in enumerate(self.elements):
            if "data-key" in a and a["data-key"] not in out:
                out[a["data-key"]] = {"value": a.get("data-value", ""), "text": self.text(i)}
        return out

    def headings(self, tag: str = "h2") -> list[str]:
        return [self.text(i).strip() for i, (t, _) in enumerate(self.elements) if t == tag]

    def charts(self) -> dict[str, dict[str, str]]:
        return {a["data-chart"]: a for t, a in self.elements if t == "figure" and "chart" in a.get("class", "")}


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def browser() -> str:
    return require_browser()


@pytest.fixture(scope="module")
def example() -> tuple[Any, dict[str, Any]]:
    scenario = load_scenario(EXAMPLE)
    plan = solve(scenario, SolveOptions(solver="highs"))
    assert plan.status is Status.OPTIMAL, plan.message
    return scenario, plan_to_dict(scenario, plan)


@pytest.fixture(scope="module")
def tighter() -> tuple[Any, dict[str, Any]]:
    """The example with every yearly envelope × 0.9, recorded as a variant with its override."""
    data, _, problems = load_yaml_with_lines(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    assert not problems
    data["budget"]["annual"] = {y: 0.9 * float(v) for y, v in data["budget"]["annual"].items()}
    scenario = scenario_from_dict(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    scenario = dataclasses.replace(scenario, variant="enveloppes-90", overrides=("budget.annual × 0.9",))
    plan = solve(scenario, SolveOptions(solver="highs"))
    assert plan.status is Status.OPTIMAL, plan.message
    return scenario, plan_to_dict(scenario, plan)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, example) -> dict[str, Path]:
    """The example's report in each language, written to files."""
    scenario, plan = example
    folder = tmp_path_factory.mktemp("html")
    out = {}
    for lang in LANGS:
        out[lang] = folder / f"plan-{lang}.html"
        out[lang].write_text(plan_html(saved(scenario, plan), lang), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def dom_fr(browser, pages) -> Page:
    return Page(dump_dom(browser, pages["fr"]))


@pytest.fixture(scope="module")
def comparison_page(tmp_path_factory, example, tighter) -> tuple[Path, Any]:
    c = compare([Entry("référence", saved(*example)), Entry("enveloppes −10 %", saved(*tighter))])
    path = tmp_path_factory.mktemp("html") / "comparison.html"
    path.write_text(comparison_html(c), encoding="utf-8")
    return path, c


def _assert_key_figures(page: Page, plan: dict[str, Any]) -> dict[str, dict[str, str]]:
    keys = page.keyed()
    assert keys["status"]["value"] == plan["status"]
    assert float(keys["objective"]["value"]) == pytest.approx(plan["objective"], rel=1e-12)
    assert float(keys["gap"]["value"]) == pytest.approx(plan["gap"], rel=1e-12)
    # The headline figures cover the PPI's years (the tail apart), and say so.
    first, last = plan["scenario"]["horizon"]["start"], plan["scenario"]["horizon"]["end"]
    ppi = [r for r in plan["balance"] if r["year"] <= last]
    budget = [r for r in plan["budget"] if r["year"] <= last]
    for kind in plan["unmet_by_kind"]:
        total = sum(r["unmet"] for r in ppi if r["kind"] == kind)
        assert float(keys[f"unmet.{kind}"]["value"]) == pytest.approx(total, rel=1e-9), kind
        assert f"{first}–{last}" in keys[f"unmet.{kind}"]["text"]
        assert float(keys[f"unmet_nominal.{kind}"]["value"]) <= total + 1e-9
    chosen = sum(p["start"] is not None for p in plan["projects"])
    assert int(keys["projects_chosen"]["value"]) == chosen
    assert int(keys["projects_chosen"]["text"]) == chosen
    city_cost = sum(p["city_cost"] for p in plan["projects"])
    assert float(keys["city_cost"]["value"]) == pytest.approx(city_cost, rel=1e-12)
    assert float(keys["spent_total"]["value"]) == pytest.approx(sum(r["spent"] for r in budget), rel=1e-12)
    assert float(keys["envelope_total"]["value"]) == pytest.approx(sum(r["envelope"] for r in budget), rel=1e-12)
    return keys


# ------------------------------------------------------------------------------------------------ plan report


def test_every_chart_renders_with_a_size_in_chromium(dom_fr):
    assert dom_fr.find("body", data_ready="1"), "the onload script did not run"
    charts = dom_fr.charts()
    assert set(charts) == CHARTS
    for name, attrs in charts.items():
        assert int(attrs["data-rendered-width"]) > 300, name
        assert int(attrs["data-rendered-height"]) > 100, name


def test_key_figures_equal_plan_json(dom_fr, example):
    _, plan = example
    keys = _assert_key_figures(dom_fr, plan)
    # Shown the French way: decimal comma, narrow no-break space between thousands, no-break space before M€.
    assert keys["objective"]["text"] == f"{plan['objective']:.2f}".replace(".", ",")
    assert keys["status"]["text"] == "optimal (prouvé)"
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})*\u00a0places × années, 2026–2035", keys["unmet.creche"]["text"])
    assert keys["city_cost"]["text"] == f"{sum(p['city_cost'] for p in plan['projects']) / 1e6:.2f}\u00a0M€".replace(
        ".", ","
    )


def test_french_headings_and_chart_captions(dom_fr):
    assert dom_fr.find("html", lang="fr")
    assert dom_fr.headings() == FR_HEADINGS
    assert "Besoins non satisfaits par quartier et par année" in dom_fr.headings("h3")
    captions = [dom_fr.text(i) for i, _ in dom_fr.find("figcaption")]
    assert len(captions) == len(CHARTS) and all(len(c) > 40 for c in captions)
    assert "non pondérés" in captions[2]  # the heat map says it is per kind, not weighted


def test_the_report_prints_to_an_a4_pdf(browser, pages, tmp_path):
    pdf = print_pdf(browser, pages["fr"], tmp_path / "plan.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 10_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3
    # A4 is 595 × 842 points.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes)


def test_the_screenshot_is_not_blank(browser, pages, tmp_path):
    from PIL import Image  # a dependency of matplotlib

    png = screenshot(browser, pages["fr"], tmp_path / "plan.png", width=1280, height=2000)
    assert png.read_bytes().startswith(b"\x89PNG")
    with Image.open(png) as image:
        assert image.size == (1280, 2000)
        rgb = image.convert("RGB").resize((320, 500))
    raw = rgb.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    colours = set(pixels)
    background = Counter(pixels).most_common(1)[0][0]
    inked = sum(sum(abs(a - b) for a, b in zip(p, background, strict=True)) > 60 for p in pixels)
    assert len(colours) > 100
    assert inked / len(pixels) > 0.05


def test_english_report_has_english_headings_and_the_same_figures(browser, pages, example):
    _, plan = example
    page = Page(dump_dom(browser, pages["en"]))
    assert page.find("html", lang="en")
    assert page.headings() == EN_HEADINGS
    assert set(page.charts()) == CHARTS
    keys = _assert_key_figures(page, plan)
    assert keys["objective"]["text"] == f"{plan['objective']:.2f}"
    assert keys["status"]["text"] == "optimal (proven)"
    # The trade's French terms stay in English.
    text = pages["en"].read_text(encoding="utf-8")
    for term in ("PPI", "AP", "CP", "FCTVA", "quartier", "crèche", "Épargne brute", "Capacité de désendettement"):
        assert term in text, term


def test_nothing_is_loaded_from_outside_the_file(pages, comparison_page):
    for path in [*pages.values(), comparison_page[0]]:
        text = path.read_text(encoding="utf-8")
        for needle in ('src="http', "src='http", 'href="http', "<link", "@import", "url(http", "<img", "<iframe"):
            assert needle not in text.lower(), (path.name, needle)
        assert "<?xml" not in text and "<!DOCTYPE svg" not in text
        ids = re.findall(r'\bid="([^"]+)"', text)
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, f"{path.name}: ids used more than once: {sorted(duplicates)[:5]}"
        references = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', text))
        missing = {r for pair in references for r in pair if r and r not in ids}
        assert not missing, f"{path.name}: references to missing ids {sorted(missing)[:5]}"


def test_charts_keep_their_text_as_text(pages):
    page = Page(pages["fr"].read_text(encoding="utf-8"))
    svg_texts = [page.text(i) for i, _ in page.find("text")]
    assert "2026" in svg_texts and "scolaire" in svg_texts and "Le Plateau" in svg_texts
    assert any(t.lower().startswith("maternelle (classes)") for t in svg_texts)


def test_the_page_is_made_to_print(pages):
    text = pages["fr"].read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*15mm", text)
    assert "@media print" in text
    assert "break-inside: avoid" in text and "display: table-header-group" in text
    assert "max-width: 100%" in text


def test_output_is_the_same_apart_from_the_date(example, pages):
    scenario, plan = example

    def undated(text: str) -> str:
        return re.sub(r'<span class="generated">.*?</span>', "", text)

    assert undated(plan_html(saved(scenario, plan), "fr")) == undated(pages["fr"].read_text(encoding="utf-8"))


def test_an_unknown_language_is_refused(example):
    scenario, plan = example
    with pytest.raises(ValueError, match="language"):
        plan_html(saved(scenario, plan), "de")


def test_an_infeasible_plan_shows_its_status_and_message(browser, example, tmp_path):
    scenario, _ = example
    plan = plan_to_dict(scenario, Plan(scenario.name, Status.INFEASIBLE, "highs", message="Infeasible"))
    assert "projects" not in plan and "budget" not in plan
    path = tmp_path / "infeasible.html"
    path.write_text(plan_html(saved(scenario, plan)), encoding="utf-8")
    page = Page(dump_dom(browser, path))
    assert page.find("body", data_ready="1")
    assert page.charts() == {}
    keys = page.keyed()
    assert keys["status"]["value"] == "infeasible" and keys["status"]["text"] == "infaisable"
    assert keys["objective"]["text"] == "—"
    assert "Aucun plan ne respecte toutes les contraintes" in keys["message"]["text"]
    assert page.headings() == ["Synthèse", "Hypothèses et paramètres", "Annexe technique"]


def test_a_plan_without_solution_renders_in_english(example):
    scenario, _ = example
    plan = plan_to_dict(scenario, Plan(scenario.name, Status.NO_SOLUTION, "highs", message="Time limit reached"))
    page = Page(plan_html(saved(scenario, plan), "en"))
    keys = page.keyed()
    assert keys["status"]["value"] == "no_solution" and keys["status"]["text"] == "no plan found"
    assert "--time-limit" in keys["message"]["text"]
    assert page.headings() == ["Summary", "Assumptions and parameters", "Technical annex"]


def test_transfers_between_neighbouring_quartiers_are_listed():
    scenario = load_scenario(RENNES)
    plan = plan_to_dict(scenario, solve(scenario, SolveOptions(solver="highs")))
    assert plan["transfers"], "the Rennes plan meets some demand next door"
    page = Page(plan_html(saved(scenario, plan)))
    assert "Besoins accueillis dans un quartier voisin" in page.headings()
    section = page.find("section", id="voisins")[0][0]
    pairs = {(t["from"], t["to"], t["kind"]) for t in plan["transfers"]}
    names = {d.id: d.name for d in scenario.spec.districts}
    text = page.text(section)
    for src, dst, _ in pairs:
        assert names[src] in text and names[dst] in text
    [(body, _)] = page.find("tbody", within=section)
    assert len(page.find("tr", within=body)) == len(pairs)


# ------------------------------------------------------------------------------------------------ comparison


def test_a_comparison_renders_both_variants_on_the_same_axes(browser, comparison_page, example, tighter):
    path, c = comparison_page
    page = Page(dump_dom(browser, path))
    assert page.find("body", data_ready="1")
    charts = page.charts()
    assert set(charts) == {"spending", "unmet"}
    for name, attrs in charts.items():
        assert int(attrs["data-rendered-width"]) > 300 and int(attrs["data-rendered-height"]) > 100, name
    html = path.read_text(encoding="utf-8")
    spending = html[html.index('data-chart="spending"') : html.index("</figure>", html.index('data-chart="spending"'))]
    assert len(re.findall(r'id="spending-axes_\d+"', spending)) == 1  # one set of axes: one y-scale
    unmet = html[html.index('data-chart="unmet"') : html.index("</figure>", html.index('data-chart="unmet"'))]
    assert len(re.findall(r'id="unmet-axes_\d+"', unmet)) == len(example[0].kinds)  # one panel per kind
    for label in c.labels:
        assert f">{label}</text>" in spending and f">{label}</text>" in unmet, label
    # Summary: each variant's figures, and the differences highlighted.
    for label, (_, plan) in zip(c.labels, (example, tighter), strict=True):
        [(_, cell)] = page.find("span", data_key="objective", data_variant=label)
        assert float(cell["data-value"]) == pytest.approx(plan["objective"], abs=1e-6)
    highlighted = [a for _, a in page.find("td") if "differs" in a.get("class", "").split()]
    assert len(highlighted) >= 3
    # Start years: one row per project, those that differ marked and first.
    start_rows = page.find("tr", **{"class": "differs"})
    assert len(start_rows) >= int(c.projects["differs"].sum())
    differ_ids = set(c.projects.loc[c.projects["differs"], "project"])
    assert differ_ids
    for pid in differ_ids:
        cells = {a["data-variant"]: a["data-value"] for _, a in page.find("span", data_project=pid)}
        assert len(cells) == 2 and len(set(cells.values())) == 2, pid


def test_a_comparison_in_english_with_a_variant_without_plan(example):
    scenario, plan = example
    infeasible = plan_to_dict(scenario, Plan(scenario.name, Status.INFEASIBLE, "highs", message="Infeasible"))
    c = compare([Entry("base", saved(scenario, plan)), Entry("no money", saved(scenario, infeasible))])
    page = Page(comparison_html(c, "en"))
    assert page.find("html", lang="en")
    assert page.headings() == [
        "Summary",
        "Spending and envelopes per year",
        "Unmet demand",
        "Start year of each project",
        "Assumptions and parameters",
    ]
    assert set(page.charts()) == {"spending", "unmet"}
    captions = [page.text(i) for i, _ in page.find("figcaption")]
    assert all("Without a plan, hence not in the charts: no money." in caption for caption in captions)
    [(_, status)] = page.find("span", data_key="status", data_variant="no money")
    assert status["data-value"] == "infeasible"
    [(_, objective)] = page.find("span", data_key="objective", data_variant="no money")
    assert objective["data-value"] == ""
    with pytest.raises(ValueError, match="language"):
        comparison_html(c, "xx")
