"""Defaults shipped with the tool: maturity levels, competences, operating costs, levels, dwelling types.

What they mean is in docs/model.md; each figure, with its public source or marked as a project assumption, is
in docs/domain.md.

A scenario's own `maturity_levels` and `competences` entries replace the default of the same key and add
new keys; everything here is a parameter, never a constant of the model.
"""

from __future__ import annotations

# Maturity of a project (loi MOP stages). lead_years: years from the horizon start before the project can
# start at all; confidence: the share of its capacity counted, for the risk of slipping.
DEFAULT_MATURITY_LEVELS: dict[str, dict[str, float | int | str]] = {
    "idee": {"label": "Idée (niveau 0)", "lead_years": 3, "confidence": 0.6},
    "opportunite": {"label": "Opportunité (niveau 1)", "lead_years": 2, "confidence": 0.7},
    "faisabilite": {"label": "Faisabilité (niveau 2)", "lead_years": 1, "confidence": 0.85},
    "programme": {"label": "Programme (niveau 3)", "lead_years": 1, "confidence": 0.9},
    "conception": {"label": "Conception (niveau 4)", "lead_years": 0, "confidence": 0.95},
    "travaux": {"label": "Travaux (niveau 5)", "lead_years": 0, "confidence": 1.0},
    "livre": {"label": "Livré (niveau 6)", "lead_years": 0, "confidence": 1.0},
}

# Who is responsible and pays: city_share is the share of the cost the city pays, confidence the share of
# the capacity the city can count on (it controls partners' projects less).
DEFAULT_COMPETENCES: dict[str, dict[str, float | str]] = {
    "ville": {"label": "Commune", "city_share": 1.0, "confidence": 1.0},
    "intercommunalite": {"label": "Intercommunalité", "city_share": 0.0, "confidence": 0.9},
    "departement": {"label": "Département", "city_share": 0.0, "confidence": 0.8},
    "partenariat": {"label": "Partenariat (places réservées, ZAC)", "city_share": 0.3, "confidence": 0.85},
    "prive": {"label": "Privé", "city_share": 0.0, "confidence": 0.7},
}

# A tiny tie-break per euro of city spending: 100 M€ weigh 0.01 unit-year of unmet demand, so it never
# trades real demand for money but prefers the cheaper of two plans that serve demand equally.
DEFAULT_COST_WEIGHT = 1.0e-10

# Yearly operating cost for the commune per unit of capacity, from delivery (docs/domain.md: 1,500 € per
# maternelle pupil and 575 € per élémentaire pupil at 22 pupils per class; a crèche place 15,000 € gross,
# 45 % left to the commune after CAF and families). Applied to kinds of these names when the scenario has a
# savings and debt path (finance.prospective) and does not set its own cost for the kind.
DEFAULT_OPERATING_COST_PER_UNIT: dict[str, float] = {"maternelle": 33_000.0, "elementaire": 12_650.0, "creche": 6_750.0}

# Levels of the school kinds and the share of pupils in each (equal by default; a scenario can give the
# real shares). GS, CP and CE1 are the levels under the class-size cap (dédoublement in REP/REP+).
DEFAULT_LEVELS: dict[str, dict[str, float]] = {
    "maternelle": {"PS": 1 / 3, "MS": 1 / 3, "GS": 1 / 3},
    "elementaire": {"CP": 0.2, "CE1": 0.2, "CE2": 0.2, "CM1": 0.2, "CM2": 0.2},
}

# Pupils per new dwelling at the peak, by dwelling type (docs/domain.md: no national reference; ≈ 0.1 for small
# flats, 0.25 by default, 0.5 for large family or social housing). Children under 3 default to 3/8 of the
# pupils (three birth cohorts for eight school cohorts) unless a type gives its own.
DEFAULT_DWELLING_TYPES: dict[str, dict[str, float | None]] = {
    "petit": {"pupils": 0.1, "under_3": None, "profile": None},
    "moyen": {"pupils": 0.25, "under_3": None, "profile": None},
    "grand": {"pupils": 0.5, "under_3": None, "profile": None},
    "social": {"pupils": 0.5, "under_3": None, "profile": None},
}

# Share of the peak number of children per dwelling in the delivery year, the next, ... (docs/domain.md: highest
# 2-5 years after delivery, decaying after 5-8 years); the last value holds for later years.
DEFAULT_HOUSING_PROFILE: tuple[float, ...] = (0.3, 0.6, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6)
