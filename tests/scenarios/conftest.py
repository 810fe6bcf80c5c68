"""The shipped scenarios' tests: each module names its scenario file (`SCENARIO`); these fixtures load it and
solve it once per module."""

from __future__ import annotations

import pytest

from models.load import load_scenario
from solver import SolveOptions, solve


@pytest.fixture(scope="module")
def scenario(request):
    return load_scenario(request.module.SCENARIO)


@pytest.fixture(scope="module")
def plan(scenario):
    return solve(scenario, SolveOptions(solver="highs"))
