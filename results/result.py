"""A plan of a scenario as one typed object: the plan (solved now, or read back from plan.json), its
evaluation (computed once), the plan without any new project (the baseline reports compare against), its
plan.json record and its independent verification. Every table is derived from the start years alone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from models.evaluate import Evaluation, evaluate_plan
from models.plan import Plan
from models.scenario import Scenario
from models.spec import ProjectStatus
from results.record import PlanRecord, plan_record
from results.verify import Verification, verify_plan


def committed_starts(scenario: Scenario) -> dict[str, int | None]:
    """The plan with no new project: committed projects at their start year, nothing else."""
    return {p.id: p.start for p in scenario.projects if p.status == ProjectStatus.COMMITTED}


@dataclass(frozen=True, eq=False)
class Result:
    """A plan of `scenario`: the solver's `plan`, or a plan read from disk (`saved`); one of the two.

    Each derived value is computed on first use and kept: a command evaluates a plan once."""

    scenario: Scenario
    plan: Plan | None = None
    saved: PlanRecord | None = None

    def __post_init__(self) -> None:
        if (self.plan is None) == (self.saved is None):
            raise ValueError("a Result holds either a solved plan or a saved plan record")

    @classmethod
    def read(cls, scenario: Scenario, record: PlanRecord) -> Result:
        """A plan read from plan.json, with the scenario it was solved from."""
        return cls(scenario, saved=record)

    @cached_property
    def record(self) -> PlanRecord:
        """The plan.json record (as read, or built from the solver's plan)."""
        if self.saved is not None:
            return self.saved
        assert self.plan is not None
        return plan_record(self.scenario, self.plan, self.evaluation)

    @property
    def status(self) -> str:
        return self.plan.status.value if self.plan is not None else self.record.status

    @property
    def has_plan(self) -> bool:
        return self.plan.status.has_plan if self.plan is not None else self.record.has_plan

    @property
    def objective(self) -> float | None:
        return self.plan.objective if self.plan is not None else self.record.objective

    @property
    def bound(self) -> float | None:
        return self.plan.bound if self.plan is not None else self.record.bound

    @property
    def gap(self) -> float | None:
        return self.plan.gap if self.plan is not None else self.record.gap

    @cached_property
    def starts(self) -> dict[str, int | None]:
        """Start year of each project (None: not chosen)."""
        return dict(self.plan.starts) if self.plan is not None else self.record.starts

    @property
    def chosen(self) -> list[str]:
        return [pid for pid, s in self.starts.items() if s is not None]

    @cached_property
    def evaluation(self) -> Evaluation | None:
        """Every table the start years imply (None when there is no plan)."""
        if not self.has_plan:
            return None
        transfers = self.plan.transfers if self.plan is not None else self.record.transfers
        return evaluate_plan(self.scenario, self.starts, transfers)

    @cached_property
    def baseline(self) -> Evaluation:
        """The evaluation of the committed projects alone ("without new projects")."""
        return evaluate_plan(self.scenario, committed_starts(self.scenario))

    @cached_property
    def verification(self) -> Verification | None:
        """The independent check of the plan (None when there is no plan to check)."""
        if not self.has_plan:
            return None
        # A record made now from this evaluation reports its figures by construction: only a saved one can differ.
        return verify_plan(self.scenario, self.record, self.evaluation, reported=self.saved is not None)

    # pandas views, for analysts.
    def _table(self, name: str) -> pd.DataFrame:
        if self.evaluation is None:
            raise ValueError(f"the plan is {self.status}: there is no {name} table")
        return getattr(self.evaluation, name)

    @property
    def projects(self) -> pd.DataFrame:
        return self._table("projects")

    @property
    def budget(self) -> pd.DataFrame:
        return self._table("budget")

    @property
    def balance(self) -> pd.DataFrame:
        return self._table("balance")

    @property
    def transfers(self) -> pd.DataFrame:
        return self._table("transfers")

    @property
    def finance(self) -> pd.DataFrame:
        return self._table("finance")

    @property
    def unmet_by_kind(self) -> pd.Series:
        """Unmet demand per kind over the PPI's years (the tail after it apart), in unit-years."""
        balance = self.balance
        return balance[balance["year"] <= self.scenario.horizon_end].groupby("kind", sort=False)["unmet"].sum()

    @property
    def plan_json(self) -> dict:
        """The plan.json content."""
        return self.record.to_json()


class VerificationError(RuntimeError):
    """A plan fails the independent check (a bug of ppi or of an engine, never of the input)."""


def verified(scenario: Scenario, plan: Plan, what: str = "the solver's plan") -> Result:
    """The solver's plan as a `Result`, after the independent verifier accepted it (`VerificationError`
    otherwise). Every solve of ppi — one plan, a sweep point, an alternative — goes through here."""
    result = Result(scenario, plan)
    check = result.verification
    if check is not None and not check.ok:
        raise VerificationError(f"{what} fails the independent check\n{check}")
    return result
