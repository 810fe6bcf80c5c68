"""What a solve leaves behind, typed: the plan with its evaluation (`Result`), the plan.json codec
(`PlanRecord`), the independent verifier, the CSV tables and the atomic results store.

Everything after the solver reads plans from here: reports and analyses never parse a plan.json dict by
hand. Nothing here imports the solver (the verifier must stay independent of it) or the reports.
"""

from results.record import PLAN_FORMAT, PLAN_STATUSES, OutputError, PlanRecord, plan_record, plan_to_dict, read_plan
from results.result import Result, VerificationError, committed_starts, verified
from results.store import MARKER, write_file, write_json, write_results
from results.verify import Verification, verify_plan

__all__ = [
    "MARKER",
    "PLAN_FORMAT",
    "PLAN_STATUSES",
    "OutputError",
    "PlanRecord",
    "Result",
    "Verification",
    "VerificationError",
    "committed_starts",
    "plan_record",
    "plan_to_dict",
    "read_plan",
    "verified",
    "verify_plan",
    "write_file",
    "write_json",
    "write_results",
]
