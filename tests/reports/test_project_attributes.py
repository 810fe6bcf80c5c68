"""The descriptive columns of a project matrix (issue 17 part 1) are shown in the reports: under the project's
name in the HTML tables of projects, and as columns of the workbook's PPI sheet."""

from __future__ import annotations

import io
import textwrap

import openpyxl

import ppi

SCENARIO = textwrap.dedent(
    """\
    name: attributs
    horizon: {start: 2026, end: 2028}
    demand_kinds: {maternelle: {unit: classes}}
    districts: [{id: centre}]
    demand: [{district: centre, kind: maternelle, year: 2026, value: 3}]
    budget: {annual: 5.0e6}
    projects: {file: projets.xlsx}
    """
)


def test_attributes_are_shown_in_the_html_and_the_ppi_sheet(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Identifiant", "Équipement", "Quartier", "Coût", "Échéancier", "Délai", "Capacité maternelle",
               "Adresse", "N° AP"])  # fmt: skip
    ws.append(["ext-a", "Extension A", "centre", "1 M€", "1", 0, 2, "1 rue de la Paix", 2024012])
    ws.append(["ext-b", "Extension B", "centre", "8 M€", "1", 0, 2, "3 quai Ouest", None])
    book.save(tmp_path / "projets.xlsx")
    (tmp_path / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    result = ppi.solve(ppi.load(tmp_path / "scenario.yaml"))
    assert list(result.chosen) == ["ext-a"]
    files = ppi.report_files(result, ["html", "xlsx"], "fr")
    html = files["report.html"].decode("utf-8")
    assert (
        '<span class="sub attributes">Adresse\u202f: 1 rue de la Paix · N° AP\u202f: 2024012</span>' in html
    )  # chosen
    assert '<span class="sub attributes">Adresse\u202f: 3 quai Ouest</span>' in html  # not chosen
    english = ppi.report_files(result, ["html"], "en")["report.html"].decode("utf-8")
    assert '<span class="sub attributes">Adresse: 1 rue de la Paix · N° AP: 2024012</span>' in english
    sheets = openpyxl.load_workbook(io.BytesIO(files["report.xlsx"]))
    ppi_sheet = next(ws for ws in sheets.worksheets if any(c.value == "Adresse" for row in ws.iter_rows() for c in row))
    rows = [[c.value for c in row] for row in ppi_sheet.iter_rows()]
    header = next(r for r in rows if "Adresse" in r)
    line = next(r for r in rows if "ext-a" in r)
    assert (line[header.index("Adresse")], line[header.index("N° AP")]) == ("1 rue de la Paix", "2024012")
