"""Domain model of a PPI scenario: files in, validated and resolved values out. No solver imports.

- reading: `load` (the one way scenarios enter the tool), `yaml_lines` (YAML with the line of every value),
  `tables` (CSV and XLSX tables), `variants` (`extends:`, named variants, `--set` overrides), `limits`;
- validating: `spec` (shape and types, the published JSON Schema), `checks` (references and meaning),
  `errors` (problems collected and reported together);
- resolving: `scenario` (the solver-ready `Scenario`), `defaults` (maturity levels, competences, operating
  costs, school levels, dwelling types; their figures and sources in docs/domain.md), `forecast` (demand
  derived from pupils, housing and births);
- plans: `plan` (a plan and the solver's outcome, as plain values), `evaluate` (what a plan does year by
  year, from its start years alone);
- shared names: `families` (the constraint families of the model), `units`.
"""

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
