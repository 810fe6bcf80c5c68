"""The PPI plan as a mixed-integer program, and the engines that solve it. Reads validated `models.Scenario`
objects, never files.

- `formulation`: the matrix model (`build_model`, `MatrixModel`), one builder per constraint family;
- `engines`: HiGHS (default), CBC, SciPy, CP-SAT and the HiGHS/CP-SAT race behind one interface (`ENGINES`,
  `SolveOptions`), each reporting its real outcome (a time limit is never reported as optimal);
- `cpsat`: OR-Tools CP-SAT on an integer relaxation of the model, each plan recomputed exactly;
- `race`: `--solver auto`, HiGHS and CP-SAT in two processes, the first proof wins;
- `solve`: build, run an engine, read the plan back as start years; the near-optimal model of
  `analysis.alternatives`;
- `elastic`: the elastic model that finds the least change giving an infeasible scenario a plan
  (`analysis.diagnose`).
"""

from solver.engines import ENGINES, SolveOptions
from solver.formulation import MatrixModel, build_model
from solver.solve import solve

__all__ = ["ENGINES", "MatrixModel", "SolveOptions", "build_model", "solve"]
