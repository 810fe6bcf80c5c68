"""Classic multi-period capital-budgeting instances (0/1 multidimensional knapsack) as PPI scenarios.

The instances in `benchmarks/data/mkp/` come with proven optimal values (see SOURCE.md there):

- `weingK.dat` (SAC-94): ``n m optimum``, n values, m rows of n per-period costs, m budgets;
- `mknap1.txt` (OR-Library): number of instances, then for each the same layout.

Mapping (`mkp_scenario`): the horizon has m years, one per budget period. Project j is a candidate in its
own district, with one demand kind ``value`` (weight 1); the district's demand is ``value_j`` in the final
year only, and the project adds that much capacity (confidence 1, city share 1). The project can only start
in the first year (earliest = latest start), its spending schedule is its per-period costs (profile =
cost_jt / Σ_t cost_jt) and it is delivered in the final year (delivery lag m − 1). Each period's budget
is that year's envelope; no discounting, no cost tie-break; the horizon end rule is 'open' (no tail years:
the instance is exactly its m periods). Minimising unmet demand is then maximising the value of the chosen
projects, and the optimal objective is Σ values − published optimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "mkp"

# Money unit of the instance data, in euros: a cost of 45 becomes 45 k€. The matrix model works in M€, so
# this keeps its budget coefficients near 1 (e.g. 0.045 ≤ 0.6) instead of 1e-5-sized ones.
MONEY_UNIT_EUR = 1_000.0

# First year of every MKP horizon (any year would do: only the length matters).
FIRST_YEAR = 2030


@dataclass(frozen=True)
class MKPInstance:
    """One 0/1 multidimensional knapsack: maximise values·x subject to costs[t]·x ≤ budgets[t]."""

    name: str
    values: tuple[float, ...]  # n
    costs: tuple[tuple[float, ...], ...]  # m rows of n
    budgets: tuple[float, ...]  # m
    optimum: float  # published optimal value (maximum)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def m(self) -> int:
        return len(self.budgets)

    @property
    def expected_objective(self) -> float:
        """Optimal unmet demand of the mapped scenario: Σ values − optimum."""
        return sum(self.values) - self.optimum

    def check(self) -> None:
        if len(self.costs) != self.m or any(len(row) != self.n for row in self.costs):
            raise ValueError(f"{self.name}: cost matrix is not {self.m} x {self.n}")


def _numbers(text: str) -> list[float]:
    return [float(tok) for tok in text.split()]


def _read_one(nums: list[float], pos: int, name: str) -> tuple[MKPInstance, int]:
    """Read ``n m optimum``, n values, m×n costs, m budgets from `nums` at `pos`; return the next position."""
    if pos + 3 > len(nums):
        raise ValueError(f"{name}: truncated header")
    n, m, optimum = int(nums[pos]), int(nums[pos + 1]), nums[pos + 2]
    pos += 3
    need = n + m * n + m
    if pos + need > len(nums):
        raise ValueError(f"{name}: expected {need} numbers after the header, found {len(nums) - pos}")
    values = tuple(nums[pos : pos + n])
    pos += n
    costs = tuple(tuple(nums[pos + t * n : pos + (t + 1) * n]) for t in range(m))
    pos += m * n
    budgets = tuple(nums[pos : pos + m])
    pos += m
    inst = MKPInstance(name, values, costs, budgets, optimum)
    inst.check()
    return inst, pos


def read_weing(path: str | Path) -> MKPInstance:
    """Parse a SAC-94 `weingK.dat` file."""
    path = Path(path)
    nums = _numbers(path.read_text())
    inst, pos = _read_one(nums, 0, path.stem)
    if pos != len(nums):
        raise ValueError(f"{path.name}: {len(nums) - pos} unexpected numbers after the budgets")
    return inst


def read_mknap1(path: str | Path) -> list[MKPInstance]:
    """Parse OR-Library `mknap1.txt`: the count, then the instances (named mknap1-1 … mknap1-K)."""
    path = Path(path)
    nums = _numbers(path.read_text())
    if not nums:
        raise ValueError(f"{path.name}: empty file")
    count, pos = int(nums[0]), 1
    out = []
    for i in range(count):
        inst, pos = _read_one(nums, pos, f"{path.stem}-{i + 1}")
        out.append(inst)
    if pos != len(nums):
        raise ValueError(f"{path.name}: {len(nums) - pos} unexpected numbers after instance {count}")
    return out


def weing_instances(data_dir: str | Path = DATA_DIR) -> list[MKPInstance]:
    return [read_weing(Path(data_dir) / f"weing{k}.dat") for k in range(1, 9)]


def mknap1_instances(data_dir: str | Path = DATA_DIR) -> list[MKPInstance]:
    return read_mknap1(Path(data_dir) / "mknap1.txt")


def all_instances(data_dir: str | Path = DATA_DIR) -> list[MKPInstance]:
    """weing1–8 then mknap1-1–7 (15 instances)."""
    return weing_instances(data_dir) + mknap1_instances(data_dir)


def spending_profile(period_costs: list[float] | tuple[float, ...]) -> tuple[float, list[float]]:
    """(total cost, shares) with shares summing to 1 exactly up to float rounding.

    The largest share is recomputed as 1 − the others, so it absorbs the rounding and never goes negative.
    A project that costs nothing gets the profile [1.0] (it spends 0 in its start year).
    """
    total = float(sum(period_costs))
    if total <= 0:
        return 0.0, [1.0]
    shares = [c / total for c in period_costs]
    big = max(range(len(shares)), key=shares.__getitem__)
    shares[big] = 0.0
    shares[big] = 1.0 - sum(shares)
    return total, shares


def mkp_scenario(instance: MKPInstance, unit: float = MONEY_UNIT_EUR) -> dict[str, Any]:
    """The PPI scenario (YAML structure as Python objects) whose optimum is `instance.expected_objective`;
    one unit of the instance's weights and capacities is `unit` euros (1: the published scale)."""
    m = instance.m
    start, end = FIRST_YEAR, FIRST_YEAR + m - 1
    width = len(str(instance.n))
    districts, demand, projects = [], [], []
    for j, value in enumerate(instance.values):
        did, pid = f"d{j + 1:0{width}d}", f"p{j + 1:0{width}d}"
        districts.append({"id": did})
        demand.append({"district": did, "kind": "value", "year": end, "value": float(value)})
        total, shares = spending_profile([instance.costs[t][j] for t in range(m)])
        projects.append(
            {
                "id": pid,
                "district": did,
                "capacity": {"value": float(value)},
                "cost": total * unit,
                "profile": shares,
                "delivery_lag": m - 1,
                "earliest_start": start,
                "latest_start": start,
                "confidence": 1.0,
                "city_share": 1.0,
            }
        )
    return {
        "name": f"mkp-{instance.name}",
        "description": (
            f"{instance.name}: {instance.n} projects, {m} budget periods; published optimum "
            f"{instance.optimum:g}, so the optimal unmet demand is {instance.expected_objective:g}"
        ),
        "horizon": {"start": start, "end": end, "end_rule": "open"},
        "discount_rate": 0.0,
        "demand_kinds": {"value": {"unit": "value", "weight": 1.0}},
        "districts": districts,
        "demand": demand,
        "capacity": [],
        "budget": {
            "annual": {start + t: float(b) * unit for t, b in enumerate(instance.budgets)},
            "carry_over": False,
        },
        "objective": {"cost_weight": 0.0},
        "projects": projects,
    }
