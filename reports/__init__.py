"""Reports and result files: plan.json, CSV tables and the printed summary. Never touches a solver model."""

from reports.files import OutputError, plan_to_dict, read_plan, write_results
from reports.summary import format_summary

__all__ = ["OutputError", "format_summary", "plan_to_dict", "read_plan", "write_results"]
