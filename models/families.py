"""The constraint families of the PPI model, in one registry. No solver imports.

Every row of the matrix model (solver/formulation.py) is named `<stem>[<index>]` (or just `<stem>`), and its
stem is one `Family` below. The builder refuses a row whose stem is not registered; the elastic model
(solver/elastic.py) reads from here which families may make the model infeasible, which allowed change
relaxes each of them, and which rows it reports in M€; the diagnosis (analysis/diagnose.py) finds the
words of a broken family by its `words` key (the phrase `f.<words>` of reports/text.py).

A new constraint family is added here and in its builder function (`add_<family>` in solver/formulation.py),
plus its tests (tests/solver/test_families.py says where); nothing else keys on its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Relax(StrEnum):
    """Which remedy of the elastic model may relax a family (the `allow` of `solver.elastic.relax`)."""

    MONEY = "money"  # envelopes, multi-year envelope, borrowing cap, savings rate, debt ceiling
    SCHEDULE = "schedule"  # start windows moved
    MANDATORY = "mandatory"  # mandatory status dropped
    NONE = "none"  # no change a PPI can make: only a generic slack (`slack[<row>]`) mends it


@dataclass(frozen=True)
class Family:
    """One constraint family of the model.

    stem         the row-name stem: `budget` names `budget[2027]`
    description  what the rows say
    builder      the function that adds the rows (solver/formulation.py, or solver/elastic.py for `elastic`)
    hard         the rows may make the model infeasible (the others always admit their columns at a bound):
                 the elastic model gives each a generic slack unless an allowed change relaxes it
    relax        the remedy whose change relaxes the family (Relax.NONE: not relaxable)
    change       the elastic model's change (its column stem) that relaxes the rows ("" if none)
    money        the rows are in M€ and the elastic result reports their activity
    words        key of the finding when a row of the family breaks (phrase `f.<words>` of reports/text.py);
                 `row` is the generic "constraint … cannot be met"
    elastic      the rows exist only in the elastic model
    """

    stem: str
    description: str
    builder: str
    hard: bool = False
    relax: Relax = Relax.NONE
    change: str = ""
    money: bool = False
    words: str = "row"
    elastic: bool = False


# Order matters: the elastic model adds its generic slacks family by family in this order, and a change that
# relaxes several families is worded as the first of them.
FAMILIES: tuple[Family, ...] = (
    Family(
        "budget",
        "a year's spending within its envelope (less the committed part; with a carry-over share, plus the credit "
        "carried in)",
        "add_budget",
        hard=True,
        relax=Relax.MONEY,
        change="raise_envelope",
        money=True,
        words="budget_year",
    ),
    Family(
        "budget_cumulative",
        "spending up to a year within the envelopes up to that year (full carry-over)",
        "add_budget",
        hard=True,
        relax=Relax.MONEY,
        change="raise_envelope",
        money=True,
        words="budget_cumulative",
    ),
    Family(
        "budget_total",
        "spending over the years of the multi-year envelope within its amount",
        "add_budget",
        hard=True,
        relax=Relax.MONEY,
        change="raise_total",
        money=True,
        words="budget_total",
    ),
    Family(
        "carry",
        "the credit carried into a year at most the carry-over share of the previous year's unspent envelope",
        "add_budget",
        hard=True,
        relax=Relax.MONEY,
        change="raise_envelope",
    ),
    Family(
        "budget_robust",
        "a year's spending (up to the year, under full carry-over) within its envelope with the probability "
        "`uncertainty.budget_confidence` given the cost uncertainty by maturity: mean charge plus its protection",
        "add_budget_protection",
        hard=True,
        relax=Relax.MONEY,
        change="raise_envelope",
        money=True,
        words="budget_year",
    ),
    Family(
        "budget_total_robust",
        "spending over the multi-year envelope's years within its amount, protected like `budget_robust`",
        "add_budget_protection",
        hard=True,
        relax=Relax.MONEY,
        change="raise_total",
        money=True,
        words="budget_total",
    ),
    Family(
        "carry_robust",
        "the credit carried into a year at most the carry-over share of what the protected charge leaves",
        "add_budget_protection",
        hard=True,
        relax=Relax.MONEY,
        change="raise_envelope",
    ),
    Family(
        "overrun",
        "a project's overrun on a protected row beyond the row's share of the protection (Bertsimas–Sim dual, "
        "`uncertainty.gamma`)",
        "add_budget_gamma",
    ),
    Family("select_once", "a candidate project starts at most once", "add_select_once"),
    Family(
        "mandatory",
        "a mandatory project starts exactly once, within its window",
        "add_select_once",
        hard=True,
        relax=Relax.MANDATORY,
        change="drop_mandatory",
        words="mandatory",
    ),
    Family(
        "unmet", "unmet demand of a district, kind and year: demand less the capacity delivered", "add_unmet_demand"
    ),
    Family("transfer_cap", "demand sent to the neighbours at most the transfer cap", "add_transfers"),
    Family("served", "unmet demand and demand sent next door at most the district's demand", "add_transfers"),
    Family(
        "requires",
        "a project starts only once the project it requires has started",
        "add_requires",
        hard=True,
        words="requires",
    ),
    Family("excludes", "at most one of two alternatives is carried out", "add_excludes", hard=True, words="excludes"),
    Family(
        "savings",
        "épargne brute of a year: revenue less operating spending, interest and new operating costs",
        "add_savings",
    ),
    Family("debt", "debt at the end of a year: debt of the year before, new borrowing, repayments", "add_debt"),
    Family(
        "financing",
        "new borrowing and épargne brute close the year's net investment and repayments",
        "add_financing",
        hard=True,
        relax=Relax.MONEY,
        change="raise_borrowing",
        money=True,
        words="borrowing",
    ),
    Family(
        "min_savings",
        "épargne brute at least the savings-rate floor of the operating revenue",
        "add_min_savings",
        hard=True,
        relax=Relax.MONEY,
        change="lower_savings_rate",
        money=True,
        words="savings",
    ),
    Family(
        "debt_capacity",
        "debt at most the ceiling in years of épargne brute (capacité de désendettement)",
        "add_debt_capacity",
        hard=True,
        relax=Relax.MONEY,
        change="excess_debt",
        money=True,
        words="debt",
    ),
    Family("symmetry", "identical projects start in the order of their ids", "add_symmetry"),
    Family(
        "locked",
        "an operation the adopted PPI announced in the locked years of a revision keeps its start",
        "add_locked",
        hard=True,
        words="locked",
    ),
    Family(
        "borrowing_cap",
        "a year's new borrowing at most the (raised) cap: the column bound of the model, as a row",
        "add_raise_borrowing",
        relax=Relax.MONEY,
        change="raise_borrowing",
        elastic=True,
    ),
)

FAMILY: dict[str, Family] = {f.stem: f for f in FAMILIES}
# Families that may make the model infeasible, in the order the elastic model gives them a slack.
HARD_FAMILIES: tuple[str, ...] = tuple(f.stem for f in FAMILIES if f.hard)
# M€ rows whose activity the elastic result reports.
MONEY_FAMILIES: frozenset[str] = frozenset(f.stem for f in FAMILIES if f.money)

# Column stems of the matrix model (solver/formulation.py): `start[gs-plateau,2027]`.
COLUMNS: dict[str, str] = {
    "start": "x[p,s]: 1 if project p starts in year s",
    "unmet": "u[d,k,y]: unmet demand",
    "transfer": "t[d,e,k,y]: demand of d met next door in e",
    "carry": "k[y]: envelope credit carried into y (M€)",
    "protection": "w[r]: Bertsimas–Sim protection of budget row r, per project overrunning (M€)",
    "overrun": "q[p,r]: overrun of project p on budget row r beyond w[r] (M€)",
    "epargne_brute": "eb[y]: épargne brute (M€)",
    "borrowing": "br[y]: new borrowing (M€)",
    "debt": "dt[y]: debt at the end of y (M€)",
}
# Finance columns whose values (M€) the elastic result reports.
FINANCE_COLUMNS: tuple[str, ...] = ("epargne_brute", "borrowing", "debt", "carry")

_NAME = re.compile(r"^([a-z_]+)(?:\[(.*)\])?$")


def split_name(name: str) -> tuple[str, str]:
    """`budget[2027]` -> (`budget`, `2027`); `budget_total` -> (`budget_total`, ``)."""
    match = _NAME.match(name)
    return (match.group(1), match.group(2) or "") if match else (name, "")


def family_of_change(change: str) -> Family | None:
    """The (first) family an elastic change relaxes: `raise_envelope` -> budget."""
    return next((f for f in FAMILIES if f.change == change), None)
