"""Reports: the printed summary, the HTML pages and the workbooks, in French or English. They read typed
results (`results/`) and never touch a solver model."""

from reports.summary import format_summary

__all__ = ["format_summary"]
