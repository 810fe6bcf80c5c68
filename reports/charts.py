"""Every chart of ppi, drawn with matplotlib: the inline SVG charts of the HTML pages (spending against the
envelopes, unmet demand, the quartier × year heat map, the calendar of operations, and the comparison's
spending and unmet demand per variant), and the PNG charts written beside an analysis (the budget frontier
of a sweep, the tornado, the Monte Carlo histogram) or the demand tables.

The SVG charts take the page's formatter (`reports.html_base.Fmt`): numbers and words in its language, text
kept as text, ids prefixed with the chart's name. Analyses return tables; the command that writes a chart
file calls the function here.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.evaluate import Evaluation
from models.plan import PLAN_STATUSES
from models.scenario import Scenario
from models.spec import ProjectStatus
from reports.compare import Comparison
from reports.html_base import Fmt, district_names, esc, kind_label, norm, short, unit_of

if TYPE_CHECKING:
    from analysis.montecarlo import MonteCarlo

# Colours: themes with a fixed colour first, any other theme takes the next of the palette in the order the
# scenario lists its projects (so that a report's colours do not depend on which projects were chosen).
# Colours: themes with a fixed colour first, any other theme takes the next of the palette in the order the
# scenario lists its projects (so that a report's colours do not depend on which projects were chosen).
_THEME_COLOURS = {"scolaire": "#2f6db5", "petite enfance": "#e08a2c", "scolaire et petite enfance": "#8a5fb0"}
_PALETTE = ("#2e9e6a", "#b8405e", "#6b8e23", "#8c6d46", "#4fa3c7", "#c9a227", "#7f7f7f", "#d46aa6")
VARIANT_COLOURS = ("#1f5fa8", "#e0812b", "#2e9e6a", "#b8405e", "#7b61b8", "#8c6d46", "#4fa3c7", "#6b6b6b")
_KIND_COLOURS = ("#1f5fa8", "#2e9e6a", "#e0812b", "#b8405e", "#7b61b8", "#8c6d46")

# Matplotlib settings for every chart: text stays text in the SVG, with a font stack every browser can use.
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans", "Helvetica"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#8a96a3",
    "axes.labelcolor": "#2b3440",
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "xtick.color": "#2b3440",
    "ytick.color": "#2b3440",
    "grid.color": "#e1e5ea",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "legend.fontsize": 9,
}


def _theme_colours(scenario: Scenario) -> dict[str, str]:
    colours: dict[str, str] = {}
    extra = iter(_PALETTE * 4)
    for p in scenario.projects:
        theme = p.theme or ""
        if theme not in colours:
            colours[theme] = _THEME_COLOURS.get(theme) or next(extra, "#7f7f7f")
    return colours


# ------------------------------------------------------------------------------------------------ SVG


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any, name: str, label: str) -> str:
    """The figure as inline SVG: no XML prologue, DOCTYPE or metadata, every id prefixed with the chart's
    name (matplotlib numbers its ids from 1 in each figure), text kept as text."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"ppi-{name}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m[1]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name}-{m[1]})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{name}-{m[1]}"', svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(label)}" ', 1)
    return svg.strip()


def _axis_formatter(fmt: Fmt, decimals: int) -> Any:
    """Tick labels in the report's language, without a useless ",0"."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _pos: int) -> str:
        text = fmt.num(value, decimals)
        return (
            text[: -(decimals + 1)]
            if decimals and text.endswith(("," if fmt.lang == "fr" else ".") + "0" * decimals)
            else text
        )

    return FuncFormatter(label)


def _decimals_for(top: float) -> int:
    return 0 if top >= 20 else 1


def _legend_below(fig: Any, handles: list[Any], labels: list[str], ncol: int | None = None) -> None:
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol or min(len(labels), 5))


def _shade_after_ppi(ax: Any, scenario: Scenario) -> Any:
    """Grey band over the years after the PPI (the tail), if any: returns its legend handle, else None."""
    end = scenario.last_year
    tail = [y for y in scenario.years if y > end]
    if not tail:
        return None
    return ax.axvspan(end + 0.5, tail[-1] + 0.5, color="#eceff3", lw=0, zorder=0)


def spending_chart(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    """Stacked bars of the city's spending per year by theme; the envelope of each year as a black line."""
    t = fmt.t
    years = list(scenario.years)
    colours = _theme_colours(scenario)
    theme_of = dict(zip(ev.projects["project"], ev.projects["theme"].fillna(""), strict=True))
    spending = ev.spending[ev.spending["year"].isin(years)].assign(
        theme=lambda df: df["project"].map(theme_of).fillna("")
    )
    by_theme = (
        spending.pivot_table(index="year", columns="theme", values="city_spending", aggfunc="sum")
        .reindex(years)
        .fillna(0.0)
        / 1e6
    )
    budget = ev.budget.set_index("year").reindex(years)
    limit = budget["available"] / 1e6
    charged = budget["charged"] / 1e6
    spent = budget["spent"] / 1e6
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(11, 5.0)
        ax = fig.add_subplot()
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        bottom = pd.Series(0.0, index=years)
        handles, labels = [], []
        for theme in colours:
            if theme not in by_theme.columns or not by_theme[theme].any():
                continue
            bars = ax.bar(
                years, by_theme[theme], bottom=bottom, width=0.68, color=colours[theme], edgecolor="white", lw=0.6
            )
            bottom = bottom + by_theme[theme]
            handles.append(bars)
            labels.append(theme or t["no_theme"])
        line = ax.hlines(limit, [y - 0.42 for y in years], [y + 0.42 for y in years], colors="#111111", lw=2.6)
        handles.append(line)
        labels.append(t["available"] if scenario.carry_over else t["envelope"])
        band = _shade_after_ppi(ax, scenario)
        if band is not None:
            handles.append(band)
            labels.append(t["after_ppi"])
        if scenario.net_basis:
            (marker,) = ax.plot(years, charged, "D", color="#111111", ms=5, ls="none")
            handles.append(marker)
            labels.append(t["net_marker"])
        top = float(max(limit.max(), spent.max(), 1e-9))
        for y in years:
            use = charged[y] / limit[y] if limit[y] else float("nan")
            height = max(float(spent[y]), float(limit[y]))
            label = ax.text(
                y, height + top * 0.015, fmt.pct(use), ha="center", va="bottom", fontsize=8.5, color="#3a4654"
            )
            label.set_in_layout(False)
        ax.set_ylim(0, top * 1.12)
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel(t["M_eur"])
        ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
        _legend_below(fig, handles, labels)
        return _svg(fig, "spending", t["spending"])


def _kind_grid(fig: Any, n: int, sharey: bool = False) -> list[Any]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=sharey)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    return flat[:n]


def unmet_chart(scenario: Scenario, ev: Evaluation, baseline: Evaluation, fmt: Fmt) -> str:
    """One panel per kind: unmet demand per year with the plan, and without new projects."""
    t = fmt.t
    years = list(scenario.years)
    kinds = list(scenario.kinds)
    import matplotlib
    from matplotlib.lines import Line2D

    with matplotlib.rc_context(_RC):
        rows = math.ceil(len(kinds) / 3)
        fig = _figure(11, 3.5 * rows + 0.6)
        for i, (ax, k) in enumerate(zip(_kind_grid(fig, len(kinds)), kinds, strict=True)):
            plan_series = ev.balance[ev.balance["kind"] == k].groupby("year")["unmet"].sum().reindex(years)
            base_series = baseline.balance[baseline.balance["kind"] == k].groupby("year")["unmet"].sum()
            base_series = base_series.reindex(years)
            colour = _KIND_COLOURS[i % len(_KIND_COLOURS)]
            _shade_after_ppi(ax, scenario)
            ax.plot(years, base_series, "--", color="#8a96a3", lw=1.8)
            ax.plot(years, plan_series, "-o", color=colour, lw=2.4, ms=4)
            ax.fill_between(years, plan_series, color=colour, alpha=0.12, lw=0)
            top = float(max(base_series.max(), plan_series.max(), 1e-9))
            ax.set_ylim(0, top * 1.1)
            ax.set_title(f"{kind_label(scenario, k)} ({unit_of(scenario, k)})")
            ax.set_xticks(years, labels=[str(y) for y in years], rotation=45, fontsize=8.5)
            ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
            ax.grid(axis="y")
        handles = [
            Line2D([], [], color="#2b3440", lw=2.4, marker="o", ms=4),
            Line2D([], [], color="#8a96a3", lw=1.8, ls="--"),
        ]
        _legend_below(fig, handles, [t["with_plan"], t["without"]])
        return _svg(fig, "unmet", t["unmet"])


def heatmap_chart(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    """One panel per kind: unmet demand per district (rows) and year (columns), annotated."""
    t = fmt.t
    years = list(scenario.years)
    kinds = list(scenario.kinds)
    districts = list(scenario.districts)
    names = district_names(scenario)
    import matplotlib

    with matplotlib.rc_context(_RC):
        rows = math.ceil(len(kinds) / 3)
        fig = _figure(12, rows * (0.3 * len(districts) + 1.3) + 0.2)
        axes = _kind_grid(fig, len(kinds), sharey=True)
        cmap = matplotlib.colormaps["Reds"]
        for i, (ax, k) in enumerate(zip(axes, kinds, strict=True)):
            grid = (
                ev.balance[ev.balance["kind"] == k]
                .pivot_table(index="district", columns="year", values="unmet", aggfunc="sum")
                .reindex(index=districts, columns=years)
                .fillna(0.0)
            )
            top = float(max(grid.max().max(), 1e-9))
            shown = grid.where(grid > 1e-6)
            ax.imshow(shown.values, aspect="auto", cmap=cmap, vmin=0, vmax=top * 1.15, interpolation="nearest")
            decimals = 0 if top >= 20 else 1
            for r, d in enumerate(districts):
                for c, y in enumerate(years):
                    value = float(grid.loc[d, y])
                    if value > 1e-6 and round(value, decimals) > 0:
                        colour = "white" if value > 0.55 * top * 1.15 else "#2b1a1a"
                        ax.text(
                            c, r, fmt.num(value, decimals), ha="center", va="center", fontsize=7, color=colour
                        ).set_in_layout(False)
            ax.set_xticks(range(len(years)), labels=[f"{y % 100:02d}" for y in years], fontsize=8)
            ax.set_yticks(range(len(districts)), labels=[short(names[d], 30) for d in districts], fontsize=8)
            if i % 3:
                ax.tick_params(axis="y", labelleft=False)
            ax.set_title(f"{kind_label(scenario, k)} ({unit_of(scenario, k)})")
            ax.set_xlabel(f"{t['year']} ({years[0]}–{years[-1]})", fontsize=8.5)
            ax.set_xticks([x - 0.5 for x in range(len(years) + 1)], minor=True)
            ax.set_yticks([r - 0.5 for r in range(len(districts) + 1)], minor=True)
            ax.grid(which="minor", color="white", lw=1.2)
            ax.tick_params(which="both", length=0)
            for side in ("top", "right", "left", "bottom"):
                ax.spines[side].set_visible(False)
        return _svg(fig, "heatmap", t["heatmap"])


def gantt_chart(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    """One bar per chosen project, from its start to its delivery, coloured by theme."""
    from matplotlib.patches import Patch

    t = fmt.t
    colours = _theme_colours(scenario)
    chosen = ev.projects[ev.projects["chosen"]].sort_values(["start", "delivery", "project"])
    starts = [int(s) for s in chosen["start"]]
    deliveries = [int(d) for d in chosen["delivery"]]
    lo = min(min(starts), scenario.first_year) - 0.5
    hi = max(max(deliveries), scenario.last_year + 1) + 1.2
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(11, 0.3 * len(chosen) + 1.5)
        ax = fig.add_subplot()
        ax.axvspan(lo, scenario.first_year, color="#eceff3", lw=0)
        ax.axvspan(scenario.last_year + 1, hi, color="#eceff3", lw=0)
        for i, (row, s, d) in enumerate(zip(chosen.itertuples(index=False), starts, deliveries, strict=True)):
            committed = row.status == ProjectStatus.COMMITTED
            ax.barh(
                i,
                max(d - s, 0.25),
                left=s,
                height=0.62,
                color=colours.get(row.theme or "", "#7f7f7f"),
                edgecolor="white" if not committed else "#1d2733",
                hatch="///" if committed else None,
                lw=0.6,
            )
            label = ax.text(max(d, s + 0.25) + 0.08, i, str(d), va="center", ha="left", fontsize=8, color="#3a4654")
            label.set_in_layout(False)
        ax.set_yticks(range(len(chosen)), labels=[short(str(r.name or r.project)) for r in chosen.itertuples()])
        ax.tick_params(axis="y", labelsize=8.5, length=0)
        ax.set_ylim(len(chosen) - 0.4, -0.6)
        ax.set_xlim(lo, hi)
        ticks = list(range(math.ceil(lo), math.floor(hi) + 1))
        ax.set_xticks(ticks, labels=[str(y) for y in ticks], fontsize=8.5)
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        present = [th for th in colours if th in set(chosen["theme"].fillna(""))]
        handles: list[Any] = [Patch(color=colours[th]) for th in present]
        labels = [th or t["no_theme"] for th in present]
        if (chosen["status"] == "committed").any():
            handles.append(Patch(facecolor="white", edgecolor="#1d2733", hatch="///"))
            labels.append(t["committed"])
        handles.append(Patch(facecolor="#eceff3", edgecolor="#c5ccd5"))
        labels.append(t["outside_horizon"])
        fig.legend(handles, labels, loc="outside upper center", ncol=len(labels))
        return _svg(fig, "gantt", t["gantt"])


def comparison_spending_chart(comparison: Comparison, colours: Mapping[str, str], fmt: Fmt) -> str:
    """Grouped bars: per year one bar per variant (its spending), each with its envelope as a black line."""
    t = fmt.t
    entries = [e for e in comparison.entries if e.plan.get("status") in PLAN_STATUSES]
    years = sorted({int(r["year"]) for e in entries for r in e.plan.get("budget", [])})
    n = max(len(entries), 1)
    width = 0.8 / n
    import matplotlib
    from matplotlib.lines import Line2D

    with matplotlib.rc_context(_RC):
        fig = _figure(11, 5.0)
        ax = fig.add_subplot()
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        handles: list[Any] = []
        labels: list[str] = []
        top = 1e-9
        for i, e in enumerate(entries):
            budget = {int(r["year"]): r for r in e.plan.get("budget", [])}
            xs = [y - 0.4 + width * (i + 0.5) for y in years]
            spent = [float(budget[y]["spent"]) / 1e6 if y in budget else 0.0 for y in years]
            limit = [
                float(budget[y].get("available", budget[y]["envelope"])) / 1e6 if y in budget else 0.0 for y in years
            ]
            bars = ax.bar(xs, spent, width=width * 0.92, color=colours[e.label], edgecolor="white", lw=0.5)
            ax.hlines(limit, [x - width * 0.48 for x in xs], [x + width * 0.48 for x in xs], colors="#111111", lw=2.2)
            handles.append(bars)
            labels.append(e.label)
            top = max([top, *spent, *limit])
        handles.append(Line2D([], [], color="#111111", lw=2.2))
        labels.append(t["legend_envelope"])
        ax.set_ylim(0, top * 1.1)
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel(t["M_eur"])
        ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
        _legend_below(fig, handles, labels)
        return _svg(fig, "spending", t["spending"])


def comparison_unmet_chart(comparison: Comparison, colours: Mapping[str, str], fmt: Fmt) -> str:
    """One panel per kind: unmet demand per year, one line per variant, on the same axes."""
    t = fmt.t
    table = comparison.unmet
    scenario = comparison.entries[0].scenario
    kinds = list(dict.fromkeys(table["kind"])) if len(table) else list(scenario.kinds)
    entries = [e for e in comparison.entries if e.plan.get("status") in PLAN_STATUSES]
    styles = ("-o", "--s", "-.^", ":D", "-v", "--P")
    import matplotlib

    with matplotlib.rc_context(_RC):
        rows = math.ceil(len(kinds) / 3)
        fig = _figure(11, 3.5 * rows + 0.6)
        handles: list[Any] = []
        for ax, k in zip(_kind_grid(fig, len(kinds)), kinds, strict=True):
            part = table[table["kind"] == k]
            years = [int(y) for y in part["year"]]
            top = 1e-9
            handles = []
            for i, e in enumerate(entries):
                values = [float(v) if norm(v) is not None else float("nan") for v in part[e.label]]
                (line,) = ax.plot(years, values, styles[i % len(styles)], color=colours[e.label], lw=2.2, ms=4)
                handles.append(line)
                top = max(top, *(v for v in values if math.isfinite(v)), 1e-9)
            ax.set_ylim(0, top * 1.1)
            ax.set_title(f"{kind_label(scenario, k)} ({unit_of(scenario, k)})")
            ax.set_xticks(years, labels=[str(y) for y in years], rotation=45, fontsize=8.5)
            ax.yaxis.set_major_formatter(_axis_formatter(fmt, _decimals_for(top)))
            ax.grid(axis="y")
        _legend_below(fig, handles, [e.label for e in entries])
        return _svg(fig, "unmet", t["unmet"])


# ------------------------------------------------------------------------------------------------ PNG


def _png_words(lang: str) -> tuple[Any, Fmt]:
    """The phrases and the number formatter of a PNG chart in `lang` (French by default, as the reports)."""
    fmt = Fmt(lang)
    return fmt.t, fmt


def _mark_no_plan(ax: Any, table: pd.DataFrame, solved: pd.DataFrame, lang: str = "en") -> None:
    """The points of a frontier with no plan (infeasible, or none found in time), as red crosses at the top of
    the objective's range, with a legend entry: a gap in the curve is never silent."""
    from reports.text import TEXT

    failed = table[~table["status"].isin(PLAN_STATUSES)]
    if not len(failed):
        return
    top = float(solved["objective"].max()) if len(solved) else 0.0
    ax.scatter(
        failed["envelope_total"] / 1e6, [top] * len(failed), marker="X", s=70, color="#c0392b", zorder=3,
        label=TEXT[lang]["ch.no_plan"],
    )  # fmt: skip
    ax.legend(fontsize=8)


def frontier_chart(table: pd.DataFrame, title: str, lang: str = "fr") -> bytes:
    """PNG: objective and unmet demand per kind against the total envelope, the knee marked."""
    from matplotlib.figure import Figure

    t, fmt = _png_words(lang)

    from analysis.sweep import knee

    solved = table[table["status"].isin(PLAN_STATUSES)].sort_values("envelope_total")
    kinds = [c for c in table.columns if c.startswith("unmet ")]
    fig = Figure(figsize=(12, 4))
    axes = fig.subplots(1, 1 + bool(kinds), squeeze=False)[0]
    x = solved["envelope_total"] / 1e6
    axes[0].plot(x, solved["objective"], marker="o", color="#1f4e79")
    k = knee(table)
    if k is not None:
        axes[0].plot(
            [table.at[k, "envelope_total"] / 1e6], [table.at[k, "objective"]], marker="*", ms=16, color="#c0392b"
        )
        axes[0].annotate(t["ch.knee"], (table.at[k, "envelope_total"] / 1e6, table.at[k, "objective"]), xytext=(8, 8),
                         textcoords="offset points")  # fmt: skip
    axes[0].set_xlabel(t["ch.envelope_total"])
    axes[0].set_ylabel(t["ch.objective"])
    axes[0].set_title(_wrapped(title, 60 if kinds else 110), fontsize=10)
    axes[0].grid(alpha=0.3)
    _mark_no_plan(axes[0], table, solved, lang)
    for ax in axes:
        ax.xaxis.set_major_formatter(_axis_formatter(fmt, 1))
        ax.yaxis.set_major_formatter(_axis_formatter(fmt, 1))
    if kinds:
        for col in kinds:
            axes[1].plot(x, solved[col], marker=".", label=col.removeprefix("unmet "))
        axes[1].set_xlabel(t["ch.envelope_total"])
        axes[1].set_ylabel(t["ch.unmet"])
        axes[1].legend(fontsize=8)
        axes[1].grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def _robustness_figure(table: pd.DataFrame, fmt: Fmt, title: str | None = None, gamma: bool = False) -> Any:
    """Objective (weighted unmet demand) against the probability of holding every envelope, one point per level
    (labelled with it), the sampling error as a horizontal bar."""
    t = fmt.t
    solved = table[table["holds"].notna()]
    fig = _figure(7.5, 3.6)
    ax = fig.subplots()
    x = solved["holds"].astype(float) * 100
    ax.errorbar(
        x, solved["objective"].astype(float), xerr=solved["error"].astype(float) * 100, marker="o", color="#1f5fa8",
        ecolor="#8a96a3", capsize=3,
    )  # fmt: skip
    for xi, yi, level in zip(x, solved["objective"], solved["level"], strict=True):
        if level is None or pd.isna(level):
            label = t["rob.none"]
        else:
            label = f"Γ = {fmt.num(float(level), 1)}" if gamma else fmt.pct(float(level))
        ax.annotate(label, (xi, yi), xytext=(6, 6), textcoords="offset points", fontsize=8)
    ax.set_xlabel(t["rob.x"])
    ax.set_ylabel(_wrapped(t["ch.objective"], 34))
    if title:
        ax.set_title(_wrapped(title, 90), fontsize=10)
    ax.grid(alpha=0.5)
    ax.xaxis.set_major_formatter(_axis_formatter(fmt, 0))
    ax.yaxis.set_major_formatter(_axis_formatter(fmt, 0))
    return fig


def robustness_svg(table: pd.DataFrame, fmt: Fmt, gamma: bool = False) -> str:
    """SVG of the price of robustness, for the plan report (`gamma`: the levels are Γ, not probabilities)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _robustness_figure(table, fmt, gamma=gamma)
    return _svg(fig, "robustness", fmt.t["rob.caption"])


def robustness_chart(table: pd.DataFrame, title: str, lang: str = "fr", gamma: bool = False) -> bytes:
    """PNG of the price of robustness (`ppi robustness`)."""
    import matplotlib

    _, fmt = _png_words(lang)
    with matplotlib.rc_context(_RC):
        fig = _robustness_figure(table, fmt, title, gamma=gamma)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def tornado_chart(table: pd.DataFrame, base: float, title: str, lang: str = "fr") -> bytes:
    """PNG: one horizontal bar per parameter from its lowest to its highest objective, around the base."""
    from matplotlib.figure import Figure

    t, fmt = _png_words(lang)

    shown = table.dropna(subset=["low", "high"]).iloc[::-1]
    fig = Figure(figsize=(10, 1.2 + 0.5 * max(1, len(shown))))
    ax = fig.subplots()
    for i, row in enumerate(shown.itertuples(index=False)):
        ax.barh(i, row.high - base, left=base, color="#c0392b", alpha=0.8)
        ax.barh(i, row.low - base, left=base, color="#2e86c1", alpha=0.8)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(range(len(shown)), labels=list(shown["parameter"]), fontsize=8)
    ax.set_xlabel(t["ch.tornado"])
    ax.xaxis.set_major_formatter(_axis_formatter(fmt, 1))
    ax.set_title(_wrapped(title, 95), fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def histogram_chart(mc: MonteCarlo, title: str, lang: str = "fr") -> bytes:
    """PNG: distribution of the objective (re-solved, and of the fixed plan) and selection frequency."""
    from matplotlib.figure import Figure

    t, fmt = _png_words(lang)

    fig = Figure(figsize=(12, 4.5))
    left, right = fig.subplots(1, 2)
    solved = mc.samples[mc.samples["status"].isin(PLAN_STATUSES)]
    left.hist(solved["objective"].astype(float), bins=20, alpha=0.7, label=t["ch.resolved"])
    if "fixed objective" in mc.samples:
        left.hist(mc.samples["fixed objective"].astype(float), bins=20, alpha=0.5, label=t["ch.fixed"])
    left.set_xlabel(t["ch.objective"])
    left.set_ylabel(t["ch.samples"])
    left.xaxis.set_major_formatter(_axis_formatter(fmt, 1))
    left.legend(fontsize=8)
    left.set_title(_wrapped(title, 60), fontsize=10)
    top = mc.projects.head(25).iloc[::-1]
    right.barh(range(len(top)), top["chosen_share"], color="#1f4e79")
    right.set_yticks(range(len(top)), labels=list(top["project"]), fontsize=7)
    right.set_xlim(0, 1)
    right.set_xlabel(t["ch.chosen_share"])
    right.xaxis.set_major_formatter(_axis_formatter(fmt, 1))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def demand_chart(scenario: Scenario, lang: str = "fr") -> bytes:
    """PNG: per kind, demand stacked by district against existing capacity, and the gap per district and year."""
    import matplotlib

    t, fmt = _png_words(lang)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reports.demand import forecast_table

    table = forecast_table(scenario)
    kinds = list(scenario.kinds)
    fig, axes = plt.subplots(len(kinds), 2, figsize=(13, 3.6 * len(kinds)), squeeze=False)
    years = list(scenario.horizon_years)  # the table's years: the PPI's
    for row, k in enumerate(kinds):
        rows = table[table["kind"] == k]
        unit = scenario.spec.demand_kinds[k].unit
        by_district = rows.pivot(index="year", columns="district", values="demand")[list(scenario.districts)]
        ax = axes[row][0]
        colours = [plt.get_cmap("tab20")(i % 20) for i in range(len(by_district.columns))]
        ax.stackplot(years, by_district.T.values, labels=list(by_district.columns), colors=colours, alpha=0.9)
        existing = rows.groupby("year")["existing"].sum().values
        ax.plot(years, existing, color="black", linewidth=2, label=t["ch.capacity"])
        ax.set_title(t["ch.demand"].format(kind=kind_label(scenario, k), unit=unit))
        ax.yaxis.set_major_formatter(_axis_formatter(fmt, 1))
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45)
        ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        gap = rows.pivot(index="district", columns="year", values="gap").loc[list(scenario.districts)]
        ax = axes[row][1]
        limit = max(1e-9, float(gap.abs().max().max()))
        image = ax.imshow(gap.values, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_yticks(range(len(gap.index)), labels=list(gap.index), fontsize=7)
        ax.set_xticks(range(len(years)), labels=years, rotation=45)
        ax.set_title(t["ch.gap"].format(kind=kind_label(scenario, k)))
        fig.colorbar(image, ax=ax, label=unit)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def observed_chart(scenario: Scenario, lang: str = "fr") -> bytes:
    """PNG: one panel per quartier and kind, the observed pupils (solid, dots) and the forecast pupils (dashed),
    so that a forecast can be judged against the years it comes from."""
    import matplotlib

    t, fmt = _png_words(lang)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reports.demand import observed_table

    table = observed_table(scenario)
    kinds = list(dict.fromkeys(table["kind"]))
    districts = [d for d in scenario.districts if d in set(table["district"])]
    names = district_names(scenario)
    fig, axes = plt.subplots(
        len(districts), len(kinds), figsize=(4.6 * len(kinds), 2.4 * len(districts) + 0.8), squeeze=False
    )
    for i, d in enumerate(districts):
        for j, k in enumerate(kinds):
            ax = axes[i][j]
            rows = table[(table["district"] == d) & (table["kind"] == k)].sort_values("year")
            seen = rows[rows["observed_pupils"].notna()]
            ahead = rows[rows["pupils"].notna()]
            ax.plot(seen["year"], seen["observed_pupils"], "o-", color="#1f4e79", label=t["ch.observed"])
            ax.plot(ahead["year"], ahead["pupils"], "--", color="#c55a11", label=t["ch.forecast"])
            ax.set_title(f"{names.get(d, d)} — {kind_label(scenario, k)}", fontsize=9)
            ax.yaxis.set_major_formatter(_axis_formatter(fmt, 0))
            ax.set_ylabel(t["ch.pupils"], fontsize=8)
            ax.tick_params(labelsize=7)
            ax.set_ylim(bottom=0)
            if i == 0 and j == 0:
                ax.legend(fontsize=7, loc="lower left")
    fig.suptitle(_wrapped(t["ch.observed_title"], 110), fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _wrapped(title: str, width: int) -> str:
    """A chart title on as many lines as it needs to fit its axes (`width` characters at font size 10),
    instead of being clipped at the figure's edge."""
    import textwrap

    return "\n".join(textwrap.wrap(title, width)) or title
