"""What a plan does, year by year: spending, budget use, capacity and unmet demand, objective.

Computed from the scenario and the start years alone, so every report shows the consequences of the plan
itself, never a solver's internal values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from models.revision import stability_cost
from models.scenario import Scenario
from models.uncertainty import delivered_share, uncertainty_of


@dataclass(frozen=True)
class Evaluation:
    projects: pd.DataFrame  # one row per project
    spending: pd.DataFrame  # project, year, city_spending (every year, also outside the horizon)
    receipts: pd.DataFrame  # project, year, subsidies, fctva
    budget: pd.DataFrame  # one row per horizon year
    # one row per district, kind, year: added, capacity and unmet are expected values (capacity × maturity
    # confidence, what the objective counts); added_nominal and unmet_nominal count every place delivered
    balance: pd.DataFrame
    transfers: pd.DataFrame  # from, to, kind, year, units: demand met next door
    outside_horizon: dict[int, float]  # city spending charged to no envelope, by year
    finance: pd.DataFrame  # one row per horizon year: savings and debt path (empty without a prospective block)
    unmet_term: float  # Σ weight × year weight (discount, × tail weight after the PPI) × unmet
    cost_term: float  # cost_weight × total city spending of chosen projects
    transfer_term: float = 0.0  # Σ penalty × weight × year weight × units transferred
    unmet_term_by_kind: dict[str, float] = field(default_factory=dict)  # the unmet term's part of each kind
    stability_term: float = 0.0  # a revision's cost of moving and dropping announced operations (models/revision.py)

    @property
    def objective(self) -> float:
        return self.unmet_term + self.transfer_term + self.cost_term + self.stability_term


TransferKey = tuple[str, str, str, int]  # (from district, to district, kind, year)
_PROJECT_COLUMNS = [
    "project", "name", "district", "theme", "status", "maturity", "competence", "confidence", "city_share", "cost",
    "city_cost", "chosen", "start", "delivery",
]  # fmt: skip


def evaluate_plan(
    scenario: Scenario,
    starts: Mapping[str, int | None],
    transfers: Mapping[TransferKey, float] | None = None,
) -> Evaluation:
    """Every table of a plan given its start years (and the demand it sends next door, if any)."""
    transfers = transfers or {}
    years = scenario.years
    unc = uncertainty_of(scenario.spec)
    project_rows, spending_rows, receipt_rows = [], [], []
    added: dict[tuple[str, str, int], float] = {}  # expected: capacity × maturity confidence
    nominal: dict[tuple[str, str, int], float] = {}  # every place delivered (confidence 1)
    cost_total = 0.0
    for p in scenario.projects:
        s = starts.get(p.id)
        delivery = None if s is None else s + p.delivery_lag
        project_rows.append(
            {
                "project": p.id,
                "name": p.name,
                "district": p.district,
                "theme": p.theme,
                "status": p.status,
                "maturity": p.maturity or "",
                "competence": p.competence or "",
                "confidence": p.confidence,
                "city_share": p.city_share,
                "cost": p.cost,
                "city_cost": p.city_cost,
                "chosen": s is not None,
                "start": s,
                "delivery": delivery,
                **{f"capacity.{k}": p.capacity.get(k, 0.0) for k in scenario.kinds},
            }
        )
        if s is None:
            continue
        cost_total += p.city_cost
        for y, amount in p.city_spending(s).items():
            spending_rows.append({"project": p.id, "year": y, "city_spending": amount})
        subsidies, fctva = p.receipts_by_year(s), scenario.fctva_by_year(p, s)
        for y in sorted(set(subsidies) | set(fctva)):
            receipt_rows.append(
                {"project": p.id, "year": y, "subsidies": subsidies.get(y, 0.0), "fctva": fctva.get(y, 0.0)}
            )
        assert delivery is not None
        for y in years:
            if y >= delivery:
                counted = delivered_share(unc, p, s, y)  # 1 unless the scenario counts slips
                for k, cap in p.capacity.items():
                    key = (p.district, k, y)
                    added[key] = added.get(key, 0.0) + p.confidence * cap * counted
                    nominal[key] = nominal.get(key, 0.0) + cap
    spending = pd.DataFrame(spending_rows, columns=["project", "year", "city_spending"])
    by_year = spending.groupby("year")["city_spending"].sum().to_dict() if len(spending) else {}
    receipts = pd.DataFrame(receipt_rows, columns=["project", "year", "subsidies", "fctva"])
    sub_by_year = receipts.groupby("year")["subsidies"].sum().to_dict() if len(receipts) else {}
    fctva_by_year = receipts.groupby("year")["fctva"].sum().to_dict() if len(receipts) else {}

    budget_rows = []
    cum_env = cum_spent = carried = 0.0
    for y in years:
        spent = float(by_year.get(y, 0.0))
        subsidies, fctva = float(sub_by_year.get(y, 0.0)), float(fctva_by_year.get(y, 0.0))
        net = spent - subsidies - fctva
        charged = net if scenario.net_basis else spent
        env = float(scenario.envelope[y])
        cum_env += env
        cum_spent += charged
        budget_rows.append(
            {
                "year": y,
                "envelope": env,
                "carried_in": carried,
                "available": env + carried,
                "spent": spent,
                "subsidies": subsidies,
                "fctva": fctva,
                "net_effort": net,
                "charged": charged,
                "margin": env + carried - charged,
                "cumulative_envelope": cum_env,
                "cumulative_charged": cum_spent,
            }
        )
        carried = scenario.carry_share * max(0.0, env + carried - charged)
    outside = {int(y): float(v) for y, v in sorted(by_year.items()) if y not in scenario.envelope}

    sent: dict[tuple[str, str, int], float] = {}
    received: dict[tuple[str, str, int], float] = {}
    transfer_term = 0.0
    for (src, dst, k, y), units in transfers.items():
        sent[(src, k, y)] = sent.get((src, k, y), 0.0) + units
        received[(dst, k, y)] = received.get((dst, k, y), 0.0) + units
        transfer_term += scenario.transfer_penalty * scenario.weight[k] * scenario.year_weight[y] * units
    balance_rows = []
    unmet_term = 0.0
    by_kind = dict.fromkeys(scenario.kinds, 0.0)
    for d in scenario.districts:
        for k in scenario.kinds:
            for y in years:
                key = (d, k, y)
                demand = scenario.demand[key]
                existing = scenario.existing[key]
                new = added.get(key, 0.0)
                out, into = sent.get(key, 0.0), received.get(key, 0.0)
                unmet = max(0.0, demand - out - (existing + new - into))
                new_nominal = nominal.get(key, 0.0)
                unmet_nominal = max(0.0, demand - out - (existing + new_nominal - into))
                unmet_term += scenario.weight[k] * scenario.year_weight[y] * unmet
                by_kind[k] += scenario.weight[k] * scenario.year_weight[y] * unmet
                balance_rows.append(
                    {
                        "district": d,
                        "kind": k,
                        "year": y,
                        "demand": demand,
                        "existing": existing,
                        "added": new,
                        "capacity": existing + new,
                        "sent": out,
                        "received": into,
                        "unmet": unmet,
                        "added_nominal": new_nominal,
                        "unmet_nominal": unmet_nominal,
                    }
                )
    finance = prospective_path(scenario, starts)
    return Evaluation(
        projects=pd.DataFrame(
            project_rows, columns=_PROJECT_COLUMNS + [f"capacity.{k}" for k in scenario.kinds]
        ).astype({"chosen": bool}),
        spending=spending,
        receipts=receipts,
        finance=finance,
        budget=pd.DataFrame(budget_rows),
        balance=pd.DataFrame(balance_rows),
        transfers=pd.DataFrame(
            [{"from": s, "to": t, "kind": k, "year": y, "units": v} for (s, t, k, y), v in sorted(transfers.items())],
            columns=["from", "to", "kind", "year", "units"],
        ),
        outside_horizon=outside,
        unmet_term=unmet_term,
        cost_term=scenario.cost_weight * cost_total,
        transfer_term=transfer_term,
        unmet_term_by_kind=by_kind,
        stability_term=stability_cost(scenario, starts),
    )


def prospective_path(scenario: Scenario, starts: Mapping[str, int | None]) -> pd.DataFrame:
    """Savings and debt path of a plan, borrowing only what closes each year's financing.

    Borrowing more than that only raises debt and interest, so this path meets the ratio limits whenever
    any borrowing does: it is the path a plan is judged and reported on.
    """
    pr = scenario.prospective
    if pr is None:
        return pd.DataFrame()
    years = scenario.years
    op = dict.fromkeys(years, 0.0)
    net = dict.fromkeys(years, 0.0)
    for p in scenario.projects:
        s = starts.get(p.id)
        if s is None:
            continue
        for y in years:
            if s + p.delivery_lag <= y:
                op[y] += p.operating_cost
        for y, amount in scenario.net_effort(p, s).items():
            if y in net:
                net[y] += amount
    rows = []
    debt = pr.debt
    borrowed: dict[int, float] = {}
    for y in years:
        interest = pr.interest_rate * debt
        savings = scenario.revenue(y) - scenario.operating_spending(y) - op[y] - interest
        repay_new = sum(v for t, v in borrowed.items() if y - pr.loan_years <= t < y) / pr.loan_years
        repay = scenario.existing_repayment(y) + repay_new
        borrowing = max(0.0, net[y] + pr.other_investment + repay - savings)
        borrowed[y] = borrowing
        debt = debt + borrowing - repay
        rows.append(
            {
                "year": y,
                "revenue": scenario.revenue(y),
                "operating_spending": scenario.operating_spending(y),
                "operating_costs_added": op[y],
                "interest": interest,
                "epargne_brute": savings,
                "savings_rate": savings / scenario.revenue(y) if scenario.revenue(y) else 0.0,
                "net_investment": net[y] + pr.other_investment,
                "repayment": repay,
                "borrowing": borrowing,
                "debt": debt,
                "debt_years": debt / savings if savings > 0 else float("inf"),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ObjectiveWeights:
    """What the objective counts, as the council approves it: the weight of a unit-year of unmet demand of
    each kind (in its unit), the yearly discount rate, the transfer penalty (a share of the kind's weight per
    unit met next door), the weight of a euro of city spending and the factor on the tail years' unmet demand."""

    kinds: tuple[tuple[str, float, str], ...]  # (kind, weight, unit)
    discount_rate: float
    transfer_penalty: float
    cost_weight: float
    tail_weight: float = 1.0  # factor on the tail years' unmet demand (1 when the scenario has no tail years)

    @classmethod
    def of(cls, scenario: Scenario) -> ObjectiveWeights:
        return cls(
            tuple((k, scenario.weight[k], scenario.spec.demand_kinds[k].unit) for k in scenario.kinds),
            scenario.spec.discount_rate,
            scenario.transfer_penalty if scenario.transfers_on else 0.0,
            scenario.cost_weight,
            scenario.tail_weight if scenario.tail else 1.0,
        )
