"""The layers import one way: no module of the scenario (models/), the solver (solver/) or the analyses
(analysis/) imports the reports (reports/) or the command line (cli.py) — not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOWER = ("models", "solver", "analysis")
UPPER = ("reports", "cli")


def _imported(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


MODULES = sorted(p for package in LOWER for p in (ROOT / package).rglob("*.py"))


def test_the_lower_layers_exist():
    assert {p.parent.name for p in MODULES} >= set(LOWER)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_lower_layer_imports_the_reports_or_the_command_line(path):
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for line, module in _imported(path)
        if module.split(".")[0] in UPPER
    ]
    assert bad == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from reports.words import binding_text\n    import cli\n", encoding="utf-8")
    assert [m for _, m in _imported(sample)] == ["reports.words", "cli"]
