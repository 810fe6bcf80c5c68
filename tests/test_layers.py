"""The layers import one way: no module of the scenario (models/), the solver (solver/), the results
(results/) or the analyses (analysis/) imports the reports (reports/) or the command line (cli.py) — not even
inside a function; the results never import the solver (the verifier stays independent of it); the command
line imports nothing of ppi but the `ppi` module and the live page's server (`serve/`), which itself works
over the `ppi` module only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOWER = ("models", "solver", "results", "analysis")
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


@pytest.mark.parametrize("path", sorted((ROOT / "results").glob("*.py")), ids=lambda p: p.name)
def test_the_results_never_import_the_solver(path):
    assert [m for _, m in _imported(path) if m.split(".")[0] == "solver"] == []


def test_the_command_line_imports_only_ppi_and_the_standard_library():
    import sys

    ours = {"models", "solver", "results", "reports", "analysis", "benchmarks"}
    modules = {m.split(".")[0] for _, m in _imported(ROOT / "cli.py")}
    assert "ppi" in modules and not modules & ours
    assert all(m in ("ppi", "serve") or m in sys.stdlib_module_names for m in modules), sorted(modules)


# What the live page's server may import besides `ppi`, itself and the standard library: its web framework.
SERVE_FRAMEWORK = {"starlette", "uvicorn"}


@pytest.mark.parametrize("path", sorted((ROOT / "serve").glob("*.py")), ids=lambda p: p.name)
def test_the_server_works_over_the_ppi_module_only(path):
    import sys

    modules = {m.split(".")[0] for _, m in _imported(path)}
    allowed = {"ppi", "serve", *SERVE_FRAMEWORK}
    assert sorted(m for m in modules if m not in allowed and m not in sys.stdlib_module_names) == []


def test_no_layer_below_the_command_line_imports_the_server():
    below = [*MODULES, *sorted((ROOT / "reports").glob("*.py")), ROOT / "ppi.py"]
    bad = [str(p.relative_to(ROOT)) for p in below if any(m.split(".")[0] == "serve" for _, m in _imported(p))]
    assert bad == []


def test_the_engines_the_command_line_offers_are_the_solver_s():
    import ppi
    from solver.engines import ENGINES

    assert set(ppi.ENGINES) == set(ENGINES)


def _private_imports(path: Path) -> list[str]:
    """`file:line imports module.name` for every `_`-prefixed name a file imports from another module."""
    return [
        f"{path.name}:{node.lineno} imports {'.' * node.level}{node.module or ''}.{alias.name}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


# Every module of the package (the layers, the reports, the server, the API and the command line) and every
# benchmark.
PACKAGE = sorted(p for package in (*LOWER, "reports", "serve") for p in (ROOT / package).rglob("*.py"))
PACKAGE += [ROOT / "ppi.py", ROOT / "cli.py"]


@pytest.mark.parametrize(
    "path", [*PACKAGE, *sorted((ROOT / "benchmarks").glob("*.py"))], ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_module_imports_a_private_name_of_another_module(path):
    """What a module (or a benchmark, which measures the code as the project uses it) needs from another module
    is public there (a name without a leading underscore), so that a change of a module's insides cannot
    silently break another."""
    assert _private_imports(path) == []


def test_the_private_name_check_sees_every_form(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from __future__ import annotations\nfrom solver.engines import _hidden, shown\n"
        "def f():\n    from .sweep import _inside\n",
        encoding="utf-8",
    )
    assert _private_imports(sample) == [
        "sample.py:2 imports solver.engines._hidden",
        "sample.py:4 imports .sweep._inside",
    ]
