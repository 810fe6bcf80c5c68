"""Analyses over many solves of one scenario, each answering an arbitration question.

- `sweep`: the scenario solved at many points (budget factors, varied values) in worker processes (`worker`)
  or on a Dask cluster, resumable; the budget frontier and its knee; the tornado (`ppi sweep`, `ppi tornado`);
- `montecarlo`: robustness under sampled costs, delivery slips and demand growth (`ppi montecarlo`);
- `alternatives`: plans within a tolerance of the optimum, as different as possible (`ppi alternatives`);
- `explain`: why this plan — what each project and each budget euro is worth, what binds (`ppi explain`);
- `diagnose`: why no plan — what breaks in an infeasible scenario, and the changes that mend it (`ppi solve`);
- `derive`: a scenario derived from a loaded one, with more overrides.

Each plan they report goes through the same loader, solver and independent verifier as `ppi solve`.
"""
