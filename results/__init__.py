"""What a solve leaves behind, typed: the plan with its evaluation (`Result`), the plan.json codec
(`PlanRecord`), the independent verifier, the CSV tables and the atomic results store.

Everything after the solver reads plans from here: reports and analyses never parse a plan.json dict by
hand. Nothing here imports the solver (the verifier must stay independent of it) or the reports. The names
below are imported on first use, so that checking a results folder before a solve does not load pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "PLAN_FORMAT": "results.record",
    "PlanRecord": "results.record",
    "plan_record": "results.record",
    "plan_to_dict": "results.record",
    "read_plan": "results.record",
    "OutputError": "results.errors",
    "Result": "results.result",
    "VerificationError": "results.result",
    "committed_starts": "results.result",
    "verified": "results.result",
    "MARKER": "results.store",
    "write_file": "results.store",
    "write_json": "results.store",
    "write_results": "results.store",
    "Verification": "results.verify",
    "verify_plan": "results.verify",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'results' has no attribute {name!r}")
