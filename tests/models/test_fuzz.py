"""Fuzzing of scenario files: random mutations of the valid shipped scenarios never crash the tool.

Mutations are made on the text (lines deleted, duplicated, swapped or re-indented, characters flipped,
numbers replaced by other numbers, strings, negative or huge values, the file truncated) and on the
structure (the YAML parsed, a key deleted or a value replaced by a value of another type, dumped back).
Properties:
- `load_scenario` returns a Scenario or raises `ScenarioError`, never anything else, and quickly;
- `ppi validate` exits 0 or 1 and prints no traceback and no "internal error";
- `ppi solve --out DIR` exits 1 without creating DIR, or 0/2/3 with a complete results folder, and leaves no
  temporary file beside it.
Runs are derandomised (the same examples every run) and stored nowhere, so the suite stays repeatable.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import cli
from models import ScenarioError, load_scenario
from models.scenario import Scenario
from tests.helpers import run_cli

REPO = Path(__file__).resolve().parents[2]
INVALID = REPO / "tests" / "models" / "data" / "invalid"
RESULT_FILES = {"plan.json", "apcp.csv", "projects.csv", "budget.csv", "balance.csv"}
LOAD_SECONDS = 10  # far above the ~0.2 s a shipped scenario takes: a mutation must never make it hang


def fuzz_settings(max_examples: int, deadline_ms: int = 20_000) -> settings:
    return settings(
        max_examples=max_examples,
        database=None,
        derandomize=True,
        deadline=deadline_ms,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def small_base() -> str:
    """The small valid scenario the invalid corpus is built on (tests/models/data/invalid/), with its demand inline."""
    text = (INVALID / "missing-demand-file.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "demand: {file: tables/no-such-file.csv}   # <-- defect\n",
        "demand:\n  - {district: nord, kind: classes, year: 2026, value: 10}\n"
        "  - {district: sud, kind: classes, year: 2027, value: 9}\n",
    )
    return text.replace("# Defect: demand table file that does not exist", "# The corpus' small valid scenario")


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """Private copies of the scenario folders (their tables included): the mutated file is written there."""
    root = tmp_path_factory.mktemp("fuzz")
    out = {}
    for name in ("exemple-ville", "rennes"):
        shutil.copytree(REPO / "scenarios" / name, root / name, ignore=shutil.ignore_patterns("sources"))
        out[name] = root / name
    (root / "small").mkdir()
    (root / "small" / "scenario.yaml").write_text(small_base(), encoding="utf-8")
    out["small"] = root / "small"
    return out


def original(folders: dict[str, Path], name: str) -> str:
    return (folders[name] / "scenario.yaml").read_text(encoding="utf-8")


def test_the_originals_are_valid(folders):
    for name in folders:
        assert isinstance(load_scenario(folders[name] / "scenario.yaml"), Scenario)


# --------------------------------------------------------------------------- mutations

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])")
REPLACEMENTS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        ["-1", "0", "-0.5", "1e308", "-1e308", "1e12", "1e13", ".nan", ".inf", "-.inf", "'12'", "douze", "", "~"]
    ),
    st.sampled_from(["9" * 40, "9" * 5000, "2026-13-01", "[1, 2]", "{a: 1}", "true", "!!python/name:os.system"]),
)
FLIPS = st.sampled_from(list(":-[]{},#&*!|>'\"\t ?%@`\\x0") + ["\n", "é", "\u00a0", "\x00"])


@st.composite
def text_mutation(draw, text: str) -> str:
    """One to three edits of the file's text."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "flip", "number", "number", "truncate"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + lines[i].lstrip(" ")
        elif op == "flip" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(FLIPS) + lines[i][k + 1 :]
        elif op == "number":
            numbered = [n for n, line in enumerate(lines) if NUMBER.search(line.split("#")[0])]
            if numbered:
                n = draw(st.sampled_from(numbered))
                matches = list(NUMBER.finditer(lines[n].split("#")[0]))
                m = draw(st.sampled_from(matches))
                lines[n] = lines[n][: m.start()] + draw(REPLACEMENTS) + lines[n][m.end() :]
        elif op == "truncate":
            joined = "".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].splitlines(keepends=True)
    return "".join(lines)


@st.composite
def number_tweak(draw, text: str) -> str:
    """One to three numbers scaled by 0 to 3: mostly still valid, so that solves really happen."""
    for _ in range(draw(st.integers(1, 3))):
        matches = list(NUMBER.finditer(text))
        m = draw(st.sampled_from(matches))
        value = float(m.group()) * draw(st.sampled_from([0, 0.5, 0.9, 1.1, 2, 3]))
        text = (
            text[: m.start()]
            + (str(int(value)) if "." not in m.group() and "e" not in m.group() else repr(value))
            + text[m.end() :]
        )
    return text


def paths_of(data, path=()) -> list[tuple]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths_of(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += paths_of(value, (*path, i))
    return out


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(-5, 5), max_size=2),
)


@st.composite
def structure_mutation(draw, text: str) -> str:
    """Parse, then delete one key (or list item) or give one value a random value of any type; dump back."""
    data = yaml.safe_load(text)
    for _ in range(draw(st.integers(1, 2))):
        paths = [p for p in paths_of(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(ANY_VALUE)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def mutated(name: str, folders: dict[str, Path]):
    text = original(folders, name)
    return st.one_of(text_mutation(text), structure_mutation(text))


def write_mutant(folders: dict[str, Path], name: str, text: str) -> Path:
    path = folders[name] / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def cli_main(args: list[str]) -> tuple[int, str, str]:
    """`cli.main` in-process (much faster than a subprocess): (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- properties


def check_loads_or_refuses(path: Path) -> None:
    start = time.perf_counter()
    try:
        assert isinstance(load_scenario(path), Scenario)
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError names at least one problem"
        assert all(p.message for p in exc.problems)
    assert time.perf_counter() - start < LOAD_SECONDS


@pytest.mark.parametrize("name, examples", [("small", 300), ("rennes", 100), ("exemple-ville", 60)])
def test_load_scenario_returns_a_scenario_or_raises_scenario_error(folders, name, examples):
    @fuzz_settings(examples)
    @given(text=mutated(name, folders))
    def run(text):
        check_loads_or_refuses(write_mutant(folders, name, text))

    run()


@pytest.mark.parametrize("name, examples", [("small", 150), ("rennes", 60), ("exemple-ville", 20)])
def test_validate_exits_0_or_1_without_traceback(folders, name, examples):
    @fuzz_settings(examples)
    @given(text=mutated(name, folders))
    def run(text):
        path = write_mutant(folders, name, text)
        code, _, err = cli_main(["validate", str(path)])
        assert code in (0, 1), err
        assert "Traceback" not in err and "internal error" not in err, err

    run()


def check_results_folder(parent: Path, out: Path, code: int, err: str) -> None:
    """Exit 1 and no folder, or a solved exit code and a complete folder; nothing else beside it."""
    assert code in (0, 1, 2, 3), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 1:
        assert not out.exists(), err
        assert {p.name for p in parent.iterdir()} == {"fuzz.yaml"}
        return
    assert {p.name for p in parent.iterdir()} == {"fuzz.yaml", "out"}, "temporary files left beside the results"
    assert RESULT_FILES <= {p.name for p in out.iterdir()}, err
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert isinstance(plan, dict)


def test_solve_writes_a_complete_results_folder_or_none(tmp_path_factory):
    """A few mutants of the small scenario solved for real (about a second each)."""

    base = small_base()

    @fuzz_settings(30, deadline_ms=60_000)
    @given(text=st.one_of(number_tweak(base), text_mutation(base), structure_mutation(base)))
    def run(text):
        parent = tmp_path_factory.mktemp("solve")
        path = parent / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out = parent / "out"
        code, _, err = cli_main(["solve", str(path), "--out", str(out), "--time-limit", "5", "--quiet"])
        check_results_folder(parent, out, code, err)
        codes.append(code)

    codes: list[int] = []
    run()
    assert any(code != 1 for code in codes), "no mutant was solved: the property was not exercised"


def test_solve_subprocess_shows_no_traceback(tmp_path_factory):
    """End to end as a user runs it: real stderr of a real process, with a timeout against hangs."""

    base = small_base()

    @fuzz_settings(3, deadline_ms=120_000)
    @given(text=st.one_of(number_tweak(base), text_mutation(base)))
    def run(text):
        parent = tmp_path_factory.mktemp("subprocess")
        path = parent / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out = parent / "out"
        proc = run_cli("solve", path, "--out", out, "--time-limit", "5", "--quiet", timeout=60)
        assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
        check_results_folder(parent, out, proc.returncode, proc.stderr)

    run()
