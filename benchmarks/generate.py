"""Seeded generator of realistic synthetic PPI scenarios for benchmarks.

`generate_scenario(tier, seed, **knobs)` returns a scenario as the YAML structure in Python objects (feed it
to `models.scenario_from_dict`). The same tier, seed and knobs always give the same scenario.

Tiers (docs/performance.md, "Benchmark protocol"):

    tier  projects  districts  years  kinds
    S         30         5      10    maternelle, elementaire
    M        100        20      12    + creche
    L        300        50      15    + periscolaire
    XL      1000       150      15    maternelle, elementaire, creche, periscolaire

Knobs:

- `budget_tightness` (0.5): the envelopes over the horizon fund this share of the total city cost of the
  candidate and mandatory projects (on top of what committed projects already take);
- `lumpiness` (0.5): a typical project's capacity relative to the shortfall it addresses — the peak
  shortfall of a district and kind is (mean capacity of the projects serving it) / lumpiness, so 0.5 means
  "about two projects' worth of need", 2 means "one project covers twice the need";
- `identical_modules` (3): size of each group of identical modular-classroom projects (same district,
  capacity, cost, window; 0 = none) — one group per 5 districts;
- `linked_share` (0.2): share of the projects that take part in an alternative (`excludes`) or a phasing
  (`requires`) link, half each;
- `transfers` (off): districts lie on a grid ⌈√n⌉ wide and neighbour the districts to their right and below
  (symmetric), and a `transfers` block lets up to 10 % of a district's school demand (maternelle,
  élémentaire) go to a neighbour's spare capacity at half the kind's weight per unit-year (docs/model.md,
  "Neighbouring sectors");
- `finance` (off): an FCTVA block (16.404 %, one year later), operating costs per unit (the defaults, and
  1,000 € a year per periscolaire place) and a `finance.prospective` block — Exemple-Ville's ratios scaled to
  the envelopes (revenue 14.5 × the mean envelope, savings rate 11 %, debt 6 years of savings repaid over
  11 years, interest 2.4 %, other investment 0.9 × the mean envelope, loans over 20 years) — with a
  capacité de désendettement ceiling `max_debt_years` 60 % of the way from the worst ratio without new
  projects to the worst ratio when every envelope is spent. It binds sometimes: on 1 of S seeds 0–4 and on
  both M seeds 0–1 (the optimum with the ceiling is worse than without).

- `exclusive_share` (0): share of the projects put in groups of 2–3 mutually exclusive variants for one site
  (same district, a kind in common), on top of the alternatives of `linked_share`;
- `window_share` (0): share of the candidates whose start waits for land, a ZAC phase or studies: an
  `earliest_start` 0–⌊years/3⌋ years after their maturity allows, and a window then open 1–3 years;
- `cost_weight` (1e-9): the objective's weight of each euro spent (1e-9: a tie-breaker; 1e-7: 1 M€ weighs
  0.1 class-year);
- `concentration` (0): share of the projects (beyond each district's first) moved to a few growth districts
  (one in five): many quartiers with a need and a single project;
- `family`: a preset of these knobs (`FAMILIES`: "base", "tight"); knobs passed explicitly replace the
  family's.

The hardness knobs draw from a random stream of their own: with them off, a seed gives the scenario it gave
before they existed. Every combination of tier and knobs loads with `models.scenario_from_dict`
(tests/benchmarks/test_benchmarks.py); XL generates and loads in about 0.3 s.

Figures follow docs/domain.md (2022–25 euros TTC): new groupe scolaire 0.75–1.6 M€ per class, extension
0.55–1.0 M€ per added class, modular classroom 80–150 k€, new crèche 75–95 k€ per place (Île-de-France),
CAF and département aid on crèche places, ZAC developers paying part of a school, micro-crèches mostly
private; the CP profiles of schools and crèches and the maturity levels of the tool's defaults. The
periscolaire (accueil de loisirs) figures — 12–20 k€ per place — are an assumption of this generator, not a
docs/domain.md figure.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from models.defaults import DEFAULT_OPERATING_COST_PER_UNIT

FIRST_YEAR = 2027
ELECTION_YEARS = (2026, 2032, 2038, 2044)  # municipal elections; spending peaks the year before

# `transfers` knob: share of a district's school demand that may go to a neighbour, and its cost as a share
# of the kind's weight (below 1: better than unmet demand, worse than a place at home).
TRANSFER_MAX_SHARE = 0.1
TRANSFER_PENALTY = 0.5
# `finance` knob: savings rate of the synthetic city (Exemple-Ville's 11 %), where its debt ceiling sits
# between the path without new projects (0) and the path spending every envelope (1), and the yearly
# operating cost of an accueil de loisirs place (an assumption of this generator, like its investment cost).
PROSPECTIVE_SAVINGS_RATE = 0.11
DEBT_CEILING_POSITION = 0.6
PERISCOLAIRE_OPERATING_COST = {"periscolaire": 1_000.0}


@dataclass(frozen=True)
class Tier:
    projects: int
    districts: int
    years: int
    kinds: tuple[str, ...]


TIERS: dict[str, Tier] = {
    "S": Tier(30, 5, 10, ("maternelle", "elementaire")),
    "M": Tier(100, 20, 12, ("maternelle", "elementaire", "creche")),
    "L": Tier(300, 50, 15, ("maternelle", "elementaire", "creche", "periscolaire")),
    "XL": Tier(1000, 150, 15, ("maternelle", "elementaire", "creche", "periscolaire")),
}

KINDS: dict[str, dict[str, Any]] = {
    "maternelle": {"unit": "classes", "weight": 1.0},
    "elementaire": {"unit": "classes", "weight": 1.0},
    "creche": {"unit": "places", "weight": 0.05},  # 20 places weigh one class
    "periscolaire": {"unit": "places", "weight": 0.02},  # 50 places weigh one class
}

# CP profiles (docs/domain.md; the school peak is rounded from 0.53 to 0.54 so that the shares add up to 1).
PROFILE_SCHOOL = [0.03, 0.03, 0.18, 0.54, 0.11, 0.09, 0.02]
PROFILE_CRECHE = [0.04, 0.04, 0.10, 0.62, 0.14, 0.05, 0.01]
PROFILE_EXTENSION = [0.10, 0.70, 0.20]
PROFILE_MICRO = [0.30, 0.70]

SCHOOL_KINDS = ("maternelle", "elementaire")

HARDNESS_KNOBS = ("exclusive_share", "window_share", "cost_weight", "concentration")

# Instance families: presets of the knobs. "base" is the generator's default city; "tight" the kind of city
# where the budget decides (issue 18): envelopes for 25 % of the candidates' cost, needs worth about three
# projects each (lumpiness 0.3: every project is useful, the budget picks), many alternatives and phasings,
# start windows that wait for land or studies, and a small cost weight (1 M€ weighs 0.1 class-year) so that
# the cost still separates plans. Every benchmark tier holds cities of each family (`benchmarks.run`).
FAMILIES: dict[str, dict[str, Any]] = {
    "base": {},
    "tight": {
        "budget_tightness": 0.25,
        "lumpiness": 0.3,
        "linked_share": 0.4,
        "exclusive_share": 0.2,
        "window_share": 0.3,
        "cost_weight": 1.0e-7,
    },
}


@dataclass(frozen=True)
class Knobs:
    budget_tightness: float = 0.5
    lumpiness: float = 0.5
    identical_modules: int = 3
    linked_share: float = 0.2
    transfers: bool = False
    finance: bool = False
    exclusive_share: float = 0.0
    window_share: float = 0.0
    cost_weight: float = 1.0e-9
    concentration: float = 0.0

    def __post_init__(self) -> None:
        if not 0 < self.budget_tightness <= 2:
            raise ValueError("budget_tightness must be in (0, 2]")
        if self.lumpiness <= 0:
            raise ValueError("lumpiness must be positive")
        if self.identical_modules < 0:
            raise ValueError("identical_modules must be >= 0")
        if not 0 <= self.linked_share <= 1:
            raise ValueError("linked_share must be in [0, 1]")
        if not 0 <= self.exclusive_share <= 1:
            raise ValueError("exclusive_share must be in [0, 1]")
        if not 0 <= self.window_share <= 1:
            raise ValueError("window_share must be in [0, 1]")
        if self.cost_weight < 0:
            raise ValueError("cost_weight must be >= 0")
        if not 0 <= self.concentration < 1:
            raise ValueError("concentration must be in [0, 1)")


def _round(x: float, step: float) -> float:
    return round(round(x / step) * step, 6)


class _Gen:
    def __init__(self, tier: str, seed: int, knobs: Knobs):
        if tier not in TIERS:
            raise ValueError(f"unknown tier '{tier}' (known: {', '.join(TIERS)})")
        self.tier_name = tier
        self.tier = TIERS[tier]
        self.seed = seed
        self.knobs = knobs
        # A string seed is hashed with SHA-512 by `random`: stable across runs and Python versions.
        self.rng = random.Random(f"ppi-benchmark/{tier}/{seed}")
        # The hardness knobs (exclusive_share, window_share, concentration) draw from their own stream, so that
        # a scenario with them off is the one the generator gave before they existed.
        self.side = random.Random(f"ppi-benchmark/{tier}/{seed}/hardness")
        self.start = FIRST_YEAR
        self.end = FIRST_YEAR + self.tier.years - 1
        self.kinds = self.tier.kinds
        self.districts = [f"q{i + 1:02d}" for i in range(self.tier.districts)]
        self.projects: list[dict[str, Any]] = []
        self.counter: dict[str, int] = {}

    # ------------------------------------------------------------------ projects
    def _id(self, prefix: str, district: str) -> str:
        key = f"{prefix}-{district}"
        self.counter[key] = self.counter.get(key, 0) + 1
        return f"{key}-{self.counter[key]}"

    def _maturity(self, choices: list[tuple[str, float]]) -> str:
        names, weights = zip(*choices, strict=True)
        return self.rng.choices(names, weights)[0]

    def _deadline(self, p: dict[str, Any], chance: float = 0.3) -> None:
        """Some operations have a latest start (ZAC treaty, land option, partner's offer)."""
        if self.rng.random() < chance:
            lead = {"idee": 3, "opportunite": 2, "faisabilite": 1, "programme": 1}.get(p.get("maturity", ""), 0)
            earliest = self.start + lead
            last = self.end - p["delivery_lag"]
            if earliest <= last:
                p["latest_start"] = min(last, earliest + self.rng.randint(1, 4))

    def school(self, d: str) -> dict[str, Any]:
        """New groupe scolaire: 10–16 classes at 0.75–1.6 M€ per class, opens start + 4."""
        cap: dict[str, float] = {}
        if "maternelle" in self.kinds:
            cap["maternelle"] = self.rng.randint(4, 6)
        if "elementaire" in self.kinds:
            cap["elementaire"] = self.rng.randint(6, 10)
        classes = sum(cap.values())
        if "periscolaire" in self.kinds:
            cap["periscolaire"] = 10 * classes  # accueil périscolaire in the new school
        p = {
            "id": self._id("gs", d),
            "district": d,
            "theme": "scolaire",
            "capacity": cap,
            "cost": _round(classes * self.rng.uniform(1.1, 1.6) * 1e6, 1e4),
            "profile": list(PROFILE_SCHOOL),
            "delivery_lag": 4,
            "maturity": self._maturity([("idee", 2), ("opportunite", 3), ("faisabilite", 3), ("programme", 2)]),
            "competence": "ville",
        }
        if self.rng.random() < 0.3:  # ZAC: the developer pays part of the school
            p["city_share"] = _round(self.rng.uniform(0.7, 0.8), 0.01)
        self._deadline(p)
        return p

    def extension(self, d: str, status: str = "candidate") -> dict[str, Any]:
        """Extension or restructuring: 1–4 added classes at 0.55–1.0 M€ each, opens start + 2."""
        kind = self.rng.choice([k for k in SCHOOL_KINDS if k in self.kinds])
        classes = self.rng.randint(1, 4)
        p = {
            "id": self._id("ext", d),
            "district": d,
            "theme": "scolaire",
            "capacity": {kind: classes},
            "cost": _round(classes * self.rng.uniform(0.55, 1.0) * 1e6, 1e4),
            "profile": list(PROFILE_EXTENSION),
            "delivery_lag": 2,
            "maturity": self._maturity([("opportunite", 1), ("faisabilite", 3), ("programme", 3), ("conception", 1)]),
            "competence": "ville",
        }
        if status == "mandatory":  # accessibility / safety works with a calendar (Ad'AP)
            p["status"] = "mandatory"
            p["maturity"] = "programme"
            p["latest_start"] = self.start + self.rng.randint(2, 4)
        else:
            self._deadline(p)
        return p

    def modular(self, d: str, kind: str | None = None, classes: int | None = None) -> dict[str, Any]:
        """Modular classroom(s): 80–150 k€ per class, paid at once, open start + 1, a stopgap."""
        kind = kind or self.rng.choice([k for k in SCHOOL_KINDS if k in self.kinds])
        classes = classes or self.rng.randint(1, 2)
        return {
            "id": self._id("mod", d),
            "district": d,
            "theme": "scolaire",
            "capacity": {kind: classes},
            "cost": _round(classes * self.rng.uniform(0.08, 0.15) * 1e6, 1e3),
            "profile": [1.0],
            "delivery_lag": 1,
            "latest_start": self.start + self.rng.randint(1, 3),
            "maturity": "conception",
            "competence": "ville",
        }

    def creche(self, d: str) -> dict[str, Any]:
        """New crèche: 30–60 places at 75–95 k€, CAF and département aid, opens start + 4."""
        places = self.rng.choice([30, 36, 40, 45, 48, 60])
        per_place = self.rng.uniform(75e3, 95e3)
        aid = self.rng.uniform(7.4e3, 17e3) + self.rng.uniform(0, 8e3)  # CAF + département per place
        p = {
            "id": self._id("creche", d),
            "district": d,
            "theme": "petite enfance",
            "capacity": {"creche": places},
            "cost": _round(places * per_place, 1e4),
            "profile": list(PROFILE_CRECHE),
            "delivery_lag": 4,
            "maturity": self._maturity([("idee", 2), ("opportunite", 3), ("faisabilite", 3), ("programme", 2)]),
            "competence": "ville",
            "city_share": _round(1 - aid / per_place, 0.01),
        }
        self._deadline(p)
        return p

    def micro_creche(self, d: str) -> dict[str, Any]:
        """Micro-crèche (10–12 places), private or reserved places: the city pays little, counts less."""
        places = self.rng.randint(10, 12)
        p = {
            "id": self._id("micro", d),
            "district": d,
            "theme": "petite enfance",
            "capacity": {"creche": places},
            "cost": _round(places * self.rng.uniform(60e3, 75e3), 1e4),
            "profile": list(PROFILE_MICRO),
            "delivery_lag": 1,
            "maturity": self._maturity([("opportunite", 1), ("faisabilite", 2), ("programme", 1)]),
            "competence": self.rng.choice(["prive", "partenariat"]),
        }
        if p["competence"] == "prive":
            p["city_share"] = 0.1  # the city fits out premises it owns
        self._deadline(p, chance=0.6)
        return p

    def loisirs(self, d: str) -> dict[str, Any]:
        """Accueil de loisirs / périscolaire: 60–120 places at 12–20 k€ (generator assumption)."""
        places = self.rng.choice([60, 80, 100, 120])
        p = {
            "id": self._id("alsh", d),
            "district": d,
            "theme": "périscolaire",
            "capacity": {"periscolaire": places},
            "cost": _round(places * self.rng.uniform(12e3, 20e3), 1e4),
            "profile": list(PROFILE_EXTENSION),
            "delivery_lag": 2,
            "maturity": self._maturity([("opportunite", 1), ("faisabilite", 2), ("programme", 1)]),
            "competence": "ville",
        }
        self._deadline(p)
        return p

    def committed(self, d: str) -> dict[str, Any]:
        """An operation already under way (coup parti): started one or two years before the horizon."""
        p = self.school(d) if ("creche" not in self.kinds or self.rng.random() < 0.5) else self.creche(d)
        p.pop("latest_start", None)
        p["id"] = p["id"].replace("gs-", "cp-gs-").replace("creche-", "cp-creche-")
        p["status"] = "committed"
        p["start"] = self.start - self.rng.randint(1, 2)
        p["maturity"] = self.rng.choice(["conception", "travaux"])
        return p

    def make_projects(self) -> None:
        n = self.tier.projects
        k = self.knobs
        n_committed = max(1, n // 30)
        n_mandatory = max(1, n // 30)
        groups = max(1, len(self.districts) // 5) if k.identical_modules > 0 else 0
        n_modules = groups * k.identical_modules
        n_free = n - n_committed - n_mandatory - n_modules
        if n_free < len(self.districts):
            raise ValueError("too many identical modules for the tier's project count")
        makers = [(self.school, 2.0), (self.extension, 3.0), (self.modular, 1.5)]
        if "creche" in self.kinds:
            makers += [(self.creche, 2.0), (self.micro_creche, 1.5)]
        if "periscolaire" in self.kinds:
            makers += [(self.loisirs, 1.0)]
        funcs, weights = zip(*makers, strict=True)
        # Every district gets at least one project; the rest go to districts at random (growth areas more).
        pull = [self.rng.uniform(0.5, 2.0) for _ in self.districts]
        homes = list(self.districts) + self.rng.choices(self.districts, pull, k=n_free - len(self.districts))
        if k.concentration > 0:
            # Many quartiers, few projects: this share of the projects beyond each quartier's first goes to a
            # few growth quartiers (one in five); the others keep one project for a need worth about two.
            hubs = self.side.sample(self.districts, max(1, len(self.districts) // 5))
            for i in range(len(self.districts), len(homes)):
                if self.side.random() < k.concentration:
                    homes[i] = self.side.choice(hubs)
        for d in homes:
            self.projects.append(self.rng.choices(funcs, weights)[0](d))
        for _ in range(n_committed):
            self.projects.append(self.committed(self.rng.choice(self.districts)))
        for _ in range(n_mandatory):
            self.projects.append(self.extension(self.rng.choice(self.districts), status="mandatory"))
        for g in range(groups):
            d = self.rng.choice(self.districts)
            first = self.modular(d, classes=1)
            for i in range(k.identical_modules):
                module = dict(first, id=f"mod-{d}-lot{g + 1}-{i + 1}", name=f"Classe modulaire {d} (lot {g + 1})")
                self.projects.append(module)
        self.rng.shuffle(self.projects)

    def make_links(self) -> None:
        """Alternatives (excludes) and phasings (requires) between candidates of the same district."""
        target = round(self.knobs.linked_share * len(self.projects))
        linked: set[str] = set()
        by_district: dict[str, list[dict[str, Any]]] = {}
        for p in self.projects:
            if p.get("status", "candidate") == "candidate" and "-lot" not in p["id"]:
                by_district.setdefault(p["district"], []).append(p)
        pairs = [
            (a, b)
            for ps in by_district.values()
            for i, a in enumerate(ps)
            for b in ps[i + 1 :]
            if set(a["capacity"]) & set(b["capacity"])
        ]
        self.rng.shuffle(pairs)
        use_requires = False
        for a, b in pairs:
            if len(linked) + 2 > target:
                break
            if a["id"] in linked or b["id"] in linked:
                continue
            if use_requires:
                # Phase 2 (the cheaper one) on the site of phase 1: never before it, only with it.
                first, second = sorted((a, b), key=lambda p: -p["cost"])
                second["requires"] = [first["id"]]
                second["name"] = f"{second['id']} (phase 2 of {first['id']})"
            else:
                a["excludes"] = [b["id"]]  # two variants for one site
            use_requires = not use_requires
            linked.update((a["id"], b["id"]))

    def _free_candidates(self) -> dict[str, list[dict[str, Any]]]:
        """Candidates in no link yet (and not an identical module), per district."""
        out: dict[str, list[dict[str, Any]]] = {}
        required = {qid for q in self.projects for qid in q.get("requires", [])}
        excluded = {qid for q in self.projects for qid in q.get("excludes", [])}
        for p in self.projects:
            linked = p.get("excludes") or p.get("requires") or p["id"] in required or p["id"] in excluded
            if p.get("status", "candidate") == "candidate" and "-lot" not in p["id"] and not linked:
                out.setdefault(p["district"], []).append(p)
        return out

    def make_alternatives(self) -> None:
        """`exclusive_share`: groups of 2–3 mutually exclusive variants for one site (same district, a kind in
        common, e.g. a new school or an extension and modules), every pair of a group listed in `excludes`."""
        target = round(self.knobs.exclusive_share * len(self.projects))
        if target < 2:
            return
        free = self._free_candidates()
        districts = sorted(free)
        self.side.shuffle(districts)
        taken = 0
        for d in districts:
            ps = list(free[d])
            self.side.shuffle(ps)
            while len(ps) >= 2 and taken + 2 <= target:
                first = ps.pop()
                size = self.side.choice((2, 3)) if taken + 3 <= target else 2
                group = [first] + [q for q in ps if set(q["capacity"]) & set(first["capacity"])][: size - 1]
                if len(group) < 2:
                    continue
                for q in group[1:]:
                    ps.remove(q)
                for i, q in enumerate(group[:-1]):
                    q["excludes"] = [r["id"] for r in group[i + 1 :]]
                for q in group:
                    q["name"] = f"{q['id']} (variant for one site, {len(group)} alternatives)"
                taken += len(group)

    def make_windows(self) -> None:
        """`window_share`: candidates whose start waits for land, a ZAC phase or studies (an `earliest_start`
        0–⌊years/3⌋ years after their maturity allows) and whose window then stays open 1–3 years."""
        if self.knobs.window_share <= 0:
            return
        lead_of = {"idee": 3, "opportunite": 2, "faisabilite": 1, "programme": 1}
        for p in self.projects:
            if p.get("status", "candidate") != "candidate" or self.side.random() >= self.knobs.window_share:
                continue
            earliest = self.start + lead_of.get(p.get("maturity", ""), 0) + self.side.randint(0, self.tier.years // 3)
            last = self.end - p["delivery_lag"]
            if earliest > last:
                continue
            p["earliest_start"] = earliest
            p["latest_start"] = min(last, earliest + self.side.randint(1, 3))

    # ------------------------------------------------------------------ demand, capacity, budget
    def make_tables(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        T = self.tier.years
        existing_range = {
            "maternelle": (6, 20),
            "elementaire": (10, 35),
            "creche": (20, 120),
            "periscolaire": (80, 300),
        }
        demand_rows, capacity_rows = [], []
        for d in self.districts:
            profile = self.rng.choices(["zac", "growing", "stable"], [3, 5, 2])[0]
            zac_year = self.rng.randint(2, max(2, T - 4))
            for k in self.kinds:
                step = 0.1 if KINDS[k]["unit"] == "classes" else 1.0
                lo, hi = existing_range[k]
                existing = float(self.rng.randint(lo, hi))
                caps = [
                    p["capacity"][k]
                    for p in self.projects
                    if p["district"] == d and k in p["capacity"] and p.get("status") != "committed"
                ]
                committed = sum(
                    p["capacity"].get(k, 0)
                    for p in self.projects
                    if p["district"] == d and p.get("status") == "committed"
                )
                if caps:
                    peak = sum(caps) / len(caps) / self.knobs.lumpiness * self.rng.uniform(0.8, 1.2)
                    if profile == "stable":
                        peak *= 0.3
                else:
                    peak = -existing * self.rng.uniform(0.0, 0.1)  # no project here: need already met
                peak += committed
                s0 = peak * self.rng.uniform(0.0, 0.3) if peak > 0 else peak
                base = existing + s0
                values = []
                for t in range(T):
                    if profile == "zac" and peak > 0:
                        grown = s0 + (peak - s0) * (0.3 * t / (T - 1) + 0.7 * (t >= zac_year))
                        value = existing + grown
                    else:  # steady growth rate reaching the peak in the last year
                        rate = ((existing + peak) / base) ** (1 / (T - 1)) - 1 if base > 0 else 0.0
                        value = base * (1 + rate) ** t
                    values.append(max(0.0, _round(value, step)))
                for t, value in enumerate(values):
                    demand_rows.append({"district": d, "kind": k, "year": self.start + t, "value": value})
                capacity_rows.append({"district": d, "kind": k, "year": self.start, "value": existing})
        return demand_rows, capacity_rows

    def make_budget(self) -> dict[int, float]:
        years = range(self.start, self.end + 1)
        committed = dict.fromkeys(years, 0.0)
        mandatory_peak = 0.0
        total = 0.0
        for p in self.projects:
            share = p.get("city_share", {"prive": 0.0, "partenariat": 0.3}.get(p.get("competence", ""), 1.0))
            city_cost = p["cost"] * share
            if p.get("status") == "committed":
                for i, s in enumerate(p["profile"]):
                    if p["start"] + i in committed:
                        committed[p["start"] + i] += city_cost * s
            else:
                total += city_cost
                if p.get("status") == "mandatory":
                    mandatory_peak += city_cost * max(p["profile"])
        free_total = self.knobs.budget_tightness * total
        weights = {y: self.rng.uniform(0.9, 1.1) * (1.15 if y + 1 in ELECTION_YEARS else 1.0) for y in years}
        scale = free_total / sum(weights.values())
        # Floor: every mandatory project can be paid whatever its start year (the instance stays feasible).
        return {y: _round(committed[y] + max(scale * weights[y], mandatory_peak * 1.05), 1e4) for y in years}

    # ------------------------------------------------------------------ transfers and finance knobs
    def neighbours(self) -> dict[str, list[str]]:
        """Districts on a grid ⌈√n⌉ wide, row by row: each lists its right and lower neighbours."""
        n = len(self.districts)
        width = max(1, math.ceil(math.sqrt(n)))
        out: dict[str, list[str]] = {d: [] for d in self.districts}
        for i, d in enumerate(self.districts):
            if (i + 1) % width and i + 1 < n:
                out[d].append(self.districts[i + 1])
            if i + width < n:
                out[d].append(self.districts[i + width])
        return out

    def transfers_block(self) -> dict[str, Any]:
        """Dérogations between neighbouring quartiers: school kinds, up to 10 % of the demand, penalty ½."""
        return {
            "kinds": [k for k in SCHOOL_KINDS if k in self.kinds],
            "max_share": TRANSFER_MAX_SHARE,
            "penalty": TRANSFER_PENALTY,
        }

    def finance_block(self, annual: dict[int, float]) -> dict[str, Any]:
        """FCTVA and a savings and debt path scaled to the PPI, with a debt ceiling that binds sometimes.

        The city is Exemple-Ville's (Nantes 2024 ratios, see scenarios/exemple-ville/scenario.yaml) scaled so
        that the PPI envelope is its share of equipment spending: revenue 14.5 × the mean envelope, savings
        rate 11 %, debt 6 years of savings. `max_debt_years` is set 60 % of the way from the worst debt ratio
        of the path without new projects to that of a path spending every envelope in full (with the
        operating costs such spending brings): a plan that uses the whole budget breaks it, one that uses
        less does not, so the ceiling binds on some instances and not on others.
        """
        mean_env = sum(annual.values()) / len(annual)
        revenue = _round(14.5 * mean_env, 1e4)
        spending = _round(revenue * (1 - PROSPECTIVE_SAVINGS_RATE), 1e4)
        debt = _round(6.0 * (revenue - spending), 1e4)
        pr: dict[str, Any] = {
            "revenue": revenue,
            "revenue_growth": 0.015,
            "spending": spending,
            "spending_growth": 0.015,
            "debt": debt,
            "debt_repayment": _round(debt / 11, 1e4),
            "interest_rate": 0.024,
            "other_investment": _round(0.9 * mean_env, 1e4),
            "loan_years": 20,
        }
        op_unit = {**DEFAULT_OPERATING_COST_PER_UNIT, **PERISCOLAIRE_OPERATING_COST}
        op_total = city_total = 0.0
        committed = dict.fromkeys(annual, 0.0)
        for p in self.projects:
            share = p.get("city_share", {"prive": 0.0, "partenariat": 0.3}.get(p.get("competence", ""), 1.0))
            if p.get("status") == "committed":
                for i, f in enumerate(p["profile"]):
                    if p["start"] + i in committed:
                        committed[p["start"] + i] += p["cost"] * share * f
            else:
                op_total += sum(op_unit.get(k, 0.0) * v for k, v in p["capacity"].items())
                city_total += p["cost"] * share
        per_euro = op_total / city_total if city_total else 0.0  # yearly operating cost per euro invested
        low = _worst_debt_years(pr, committed, {}, per_euro)
        high = _worst_debt_years(pr, committed, {y: annual[y] - committed[y] for y in annual}, per_euro)
        pr["max_debt_years"] = round(low + DEBT_CEILING_POSITION * max(0.0, high - low), 1)
        return {
            "fctva": {"rate": 0.16404, "lag": 1},
            "operating_cost_per_unit": {k: v for k, v in op_unit.items() if k in self.kinds},
            "prospective": pr,
        }

    def scenario(self) -> dict[str, Any]:
        self.make_projects()
        self.make_links()
        self.make_alternatives()
        self.make_windows()
        demand, capacity = self.make_tables()
        annual = self.make_budget()
        k = self.knobs
        districts: list[dict[str, Any]] = [{"id": d, "name": f"Quartier {d[1:]}"} for d in self.districts]
        if k.transfers:
            grid = self.neighbours()
            for row in districts:
                if grid[row["id"]]:
                    row["neighbours"] = grid[row["id"]]
        data: dict[str, Any] = {
            "name": f"synthetic-{self.tier_name}-seed{self.seed}",
            "description": (
                f"generated by benchmarks.generate: tier {self.tier_name}, seed {self.seed}, "
                f"budget_tightness {k.budget_tightness}, lumpiness {k.lumpiness}, "
                f"identical_modules {k.identical_modules}, linked_share {k.linked_share}, "
                f"transfers {'on' if k.transfers else 'off'}, finance {'on' if k.finance else 'off'}"
                + "".join(
                    f", {name} {getattr(k, name):g}"
                    for name in HARDNESS_KNOBS
                    if getattr(k, name) != getattr(Knobs, name)
                )
            ),
            "horizon": {"start": self.start, "end": self.end},
            "discount_rate": 0.0,
            "demand_kinds": {kind: dict(KINDS[kind]) for kind in self.kinds},
            "districts": districts,
            "demand": demand,
            "capacity": capacity,
            "budget": {"annual": annual, "carry_over": False},
            "objective": {"cost_weight": k.cost_weight},
            "projects": self.projects,
        }
        if k.transfers:
            data["transfers"] = self.transfers_block()
        if k.finance:
            data["finance"] = self.finance_block(annual)
        return data


def _worst_debt_years(
    pr: dict[str, Any], committed: dict[int, float], extra: dict[int, float], op_per_euro: float
) -> float:
    """Worst debt / épargne brute over the horizon for a spending path (as `models.evaluate.prospective_path`).

    `extra` is city spending on top of the committed projects; its operating costs start 3 years after it is
    spent (about the mean delivery lag) and FCTVA refunds 16.404 % of all spending a year later.
    """
    years = sorted(committed)
    debt, worst, borrowed = pr["debt"], 0.0, {}
    for i, y in enumerate(years):
        t = i  # years since the start
        spent = committed[y] + extra.get(y, 0.0)
        fctva = 0.16404 * (committed.get(y - 1, 0.0) + extra.get(y - 1, 0.0))
        op = op_per_euro * sum(v for z, v in extra.items() if z <= y - 3)
        interest = pr["interest_rate"] * debt
        savings = pr["revenue"] * 1.015**t - pr["spending"] * 1.015**t - op - interest
        repay_new = sum(v for z, v in borrowed.items() if y - pr["loan_years"] <= z < y) / pr["loan_years"]
        repay = max(0.0, min(pr["debt_repayment"], pr["debt"] - pr["debt_repayment"] * t)) + repay_new
        borrowing = max(0.0, spent - fctva + pr["other_investment"] + repay - savings)
        borrowed[y] = borrowing
        debt = debt + borrowing - repay
        worst = max(worst, debt / savings if savings > 0 else 99.0)
    return worst


def generate_scenario(
    tier: str = "S",
    seed: int = 0,
    *,
    budget_tightness: float | None = None,
    lumpiness: float | None = None,
    identical_modules: int | None = None,
    linked_share: float | None = None,
    transfers: bool | None = None,
    finance: bool | None = None,
    exclusive_share: float | None = None,
    window_share: float | None = None,
    cost_weight: float | None = None,
    concentration: float | None = None,
    family: str | None = None,
) -> dict[str, Any]:
    """A synthetic scenario (YAML structure as Python objects), deterministic for (tier, seed, knobs).

    Knobs left at None take the value of the `family` preset (`FAMILIES`), else `Knobs`' default.
    """
    given = {
        name: value
        for name, value in (
            ("budget_tightness", budget_tightness),
            ("lumpiness", lumpiness),
            ("identical_modules", identical_modules),
            ("linked_share", linked_share),
            ("transfers", transfers),
            ("finance", finance),
            ("exclusive_share", exclusive_share),
            ("window_share", window_share),
            ("cost_weight", cost_weight),
            ("concentration", concentration),
        )
        if value is not None
    }
    if family is not None and family not in FAMILIES:
        raise ValueError(f"unknown family '{family}' (known: {', '.join(FAMILIES)})")
    knobs = Knobs(**{**(FAMILIES[family] if family else {}), **given})
    data = _Gen(tier, seed, knobs).scenario()
    assert math.isfinite(sum(data["budget"]["annual"].values()))
    return data
