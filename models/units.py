"""Units shared by every layer. Money is in euros everywhere except where a name says M€."""

from __future__ import annotations

# One million euros: the matrix model, the elastic model and the analyses state money in M€ (coefficients
# near 1 keep the solver's tolerances meaningful; M€ is the unit a PPI is read in).
MEUR = 1e6
