"""Domain model of a PPI scenario: files in, validated and resolved values out. No solver imports."""

from models.errors import Problem, ScenarioError
from models.load import load_scenario, scenario_from_dict
from models.scenario import Project, Scenario
from models.spec import ScenarioSpec, scenario_json_schema

__all__ = [
    "Problem",
    "Project",
    "Scenario",
    "ScenarioError",
    "ScenarioSpec",
    "load_scenario",
    "scenario_from_dict",
    "scenario_json_schema",
]
