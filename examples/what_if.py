"""What-if runs in Python: how much unmet demand does each envelope cut cost Rennes, and which operations
leave the plan? Run from the repository root:  python examples/what_if.py
"""

from __future__ import annotations

import ppi

SCENARIO = "scenarios/rennes/scenario.yaml"

base = ppi.load(SCENARIO)
runs = {"base": ppi.solve(base)}
for cut in (0.95, 0.9):
    runs[f"budget x{cut}"] = ppi.solve(ppi.derive(base, budget_scale=cut))
# The same cut with the FCTVA rate of the 2025 finance bill: one value set on top.
runs["x0.9, FCTVA 14.85 %"] = ppi.solve(ppi.derive(base, budget_scale=0.9, set={"finance.fctva.rate": 0.1485}))

comparison = ppi.compare(runs)
print(comparison.summary[["indicator", *runs]].to_string(index=False))
print()
for label, result in runs.items():
    left = sorted(set(runs["base"].chosen) - set(result.chosen))
    print(
        f"{label:>20}: {result.status}, objective {result.objective:.1f}, not chosen any more: {', '.join(left) or '-'}"
    )
