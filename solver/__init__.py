"""Matrix model and solver engines. Reads validated `models.Scenario` objects, never files."""

from solver.engines import ENGINES, SolveOptions
from solver.formulation import MatrixModel, build_model
from solver.solve import solve

__all__ = ["ENGINES", "MatrixModel", "SolveOptions", "build_model", "solve"]
