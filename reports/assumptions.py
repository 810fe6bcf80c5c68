"""The planning assumptions a council approves, in words (the "Hypothèses et paramètres" of the HTML report and
the workbook), the technical annex apart; what maturity does to the plan; what falls after the horizon; the
overrides of a variant or of `--set` in words; paths shown without the machine's folders.

Every phrase comes from reports/text.py, in French (with the pages' typography: a no-break space before ":")
or English; numbers are written by the report's formatter (`reports.html_base.Fmt`). The rows are plain text:
the HTML page escapes them, the workbook writes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.evaluate import Evaluation, ObjectiveWeights
from models.scenario import Scenario, competences, maturity_levels
from models.spec import ProjectStatus
from reports.html_base import NBSP, PAGE_TEXT, Fmt, kind_label


@dataclass(frozen=True)
class Row:
    """One assumption: a stable key (the HTML's data-key), its label, and its value as one text or a list."""

    key: str
    label: str
    value: str | tuple[str, ...]


# ------------------------------------------------------------------------------------------ the horizon


def horizon_end(scenario: Scenario) -> int:
    """The PPI's last year (last possible start)."""
    return scenario.horizon_end


def tail_years(scenario: Scenario) -> tuple[int, ...]:
    """The modelled years after the PPI (rule 'tail'), possibly none."""
    return scenario.tail


def horizon_years(scenario: Scenario) -> tuple[int, ...]:
    """The PPI's years, which the headline figures cover."""
    return scenario.horizon_years


def end_rule(scenario: Scenario) -> str:
    """What happens after the horizon: 'tail', 'complete' or 'open' (docs/model.md)."""
    return scenario.end_rule


def after_horizon(ev: Evaluation, scenario: Scenario) -> dict[int, float]:
    """City spending (CP) paid after the PPI's last year, by year: charged to the tail's envelopes (rule 'tail')
    or to none (rule 'open')."""
    end = horizon_end(scenario)
    by_year = ev.spending[ev.spending["year"] > end].groupby("year")["city_spending"].sum()
    return {int(y): float(v) for y, v in by_year.items() if abs(v) > 0.005}


def after_horizon_by_project(ev: Evaluation, scenario: Scenario) -> dict[str, float]:
    end = horizon_end(scenario)
    by = ev.spending[ev.spending["year"] > end].groupby("project")["city_spending"].sum()
    return {str(p): float(v) for p, v in by.items()}


def after_horizon_text(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    """One sentence: what falls after the horizon, per year, and what the rule does with it."""
    t = PAGE_TEXT[fmt.lang]
    end = horizon_end(scenario)
    after = after_horizon(ev, scenario)
    if not after:
        return t["after.none"].format(end=end)
    items = _list_sep(fmt.lang).join(f"{y}{fmt.colon}{fmt.meur(v)}" for y, v in after.items())
    rule = end_rule(scenario)
    tail = tail_years(scenario)
    if rule == "tail" and tail:
        envelopes = sorted({round(float(scenario.envelope[y]), 2) for y in tail})
        amount = " / ".join(fmt.meur(v) for v in envelopes)
        how = t["after.tail"].format(envelope=amount, span=_span(tail))
        beyond = sum(v for y, v in after.items() if y > tail[-1])
        if beyond > 0.005:
            how += t["after.beyond"].format(amount=fmt.meur(beyond), last=tail[-1])
    else:
        how = t["after.open"]
    return t["after.line"].format(end=end, amount=fmt.meur(sum(after.values())), items=items, how=how)


def _span(years: tuple[int, ...]) -> str:
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _list_sep(lang: str) -> str:
    return "\u202f; " if lang == "fr" else "; "


def tail_weight_text(scenario: Scenario, lang: str) -> str:
    """How much the tail years' unmet demand counts in the objective (`objective.tail_weight`), as the end of
    the horizon end's sentence; empty without tail years."""
    tail = tail_years(scenario)
    if not tail:
        return ""
    w = scenario.tail_weight
    key = "a.tail_counted.full" if w == 1.0 else "a.tail_counted.none" if w == 0.0 else "a.tail_counted.part"
    return PAGE_TEXT[lang][key].format(span=_span(tail), share=_pct(w, lang))


def span_text(scenario: Scenario) -> str:
    """The years the headline figures cover: the PPI's (the tail apart)."""
    years = horizon_years(scenario)
    return f"{years[0]}–{years[-1]}"


def folded_aid_text(scenario: Scenario, ev: Evaluation, fmt: Fmt) -> str:
    """When the chosen projects receive no subsidy but some have aid folded into their city share (a
    competence's `city_share` < 1), the sentence that says so instead of "0 €"; else ""."""
    chosen = [scenario.project[str(p)] for p in ev.projects.loc[ev.projects["chosen"], "project"]]
    if any(p.aid > 0 for p in chosen):
        return ""
    folded = [p for p in chosen if p.city_share < 1.0]
    if not folded:
        return ""
    shares = ", ".join(_pct(s, fmt.lang) for s in sorted({round(p.city_share, 4) for p in folded}))
    return PAGE_TEXT[fmt.lang]["folded_aid"].format(n=len(folded), shares=shares)


# ------------------------------------------------------------------------------------------ maturity


def _num(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def confidence_levels(scenario: Scenario) -> tuple[list[tuple[str, float]], list[tuple[str, float]], int]:
    """What sets the confidence of the projects the plan may choose, below 1: the maturity levels used (label,
    confidence), the competences that multiply it (label, confidence), and how many projects set their own."""
    levels = maturity_levels(scenario.spec)
    comps = competences(scenario.spec)
    by_level: dict[str, tuple[str, float]] = {}
    by_comp: dict[str, tuple[str, float]] = {}
    own = 0
    for p in scenario.projects:
        if p.status == ProjectStatus.EXCLUDED:
            continue
        if p.id in _own_confidence(scenario):
            own += p.confidence < 1.0
            continue
        if p.maturity and float(levels.get(p.maturity, {}).get("confidence", 1.0)) < 1.0:
            level = levels[p.maturity]
            by_level[p.maturity] = (str(level.get("label") or p.maturity), float(level["confidence"]))
        if p.competence and float(comps.get(p.competence, {}).get("confidence", 1.0)) < 1.0:
            comp = comps[p.competence]
            by_comp[p.competence] = (str(comp.get("label") or p.competence), float(comp["confidence"]))
    order = list(levels)
    return (
        [by_level[k] for k in sorted(by_level, key=order.index)],
        [by_comp[k] for k in by_comp],
        own,
    )


def _own_confidence(scenario: Scenario) -> set[str]:
    return {p.id for p in scenario.spec.projects if p.confidence is not None}


def maturity_text(scenario: Scenario, lang: str) -> str:
    """One sentence: what maturity does to the plan, with the scenario's actual confidence levels."""
    t = PAGE_TEXT[lang]
    levels, comps, own = confidence_levels(scenario)
    if not levels and not comps and not own:
        return t["maturity.none"]
    items = [
        t["maturity.item"].format(label=label, confidence=_num(c, lang), share=_pct(c, lang)) for label, c in levels
    ]
    if own:
        items.append(t["maturity.own"].format(n=own))
    comp_text = ""
    if comps:
        comp_items = ", ".join(
            t["maturity.comp_item"].format(label=label, confidence=_num(c, lang)) for label, c in comps
        )
        comp_text = t["maturity.competences"].format(items=comp_items)
    return t["maturity.note"].format(items=(", " if lang == "en" else ", ").join(items) or "—", competences=comp_text)


def _pct(share: float, lang: str) -> str:
    text = f"{100 * share:.6g}"
    return (text.replace(".", ",") + "\u202f%") if lang == "fr" else text + "%"


# ------------------------------------------------------------------------------------------ overrides


_OVERRIDES: tuple[tuple[str, str], ...] = (
    (r"^--set (?P<path>[^=]+)=(?P<value>.*)$", "ov.set"),
    (r"^budget scale: every envelope × (?P<factor>\S+)$", "ov.scale_point"),
    (r"^variant (?P<name>[^:]+): every envelope × (?P<factor>\S+)$", "ov.scale"),
    (r"^variant (?P<name>[^:]+): (?P<project>\S+) excluded$", "ov.exclude"),
    (r"^variant (?P<name>[^:]+): (?P<project>\S+) forced in \(mandatory\)$", "ov.force"),
    (r"^variant (?P<name>[^:]+): (?P<project>\S+) start window moved by (?P<years>[+-]\d+) years?$", "ov.shift"),
    (r"^variant (?P<name>[^:]+): weight of (?P<kind>\S+) = (?P<weight>\S+)$", "ov.weight"),
    (r"^variant (?P<name>[^:]+): override of (?P<keys>.+)$", "ov.override"),
    (r"^variant (?P<name>[^:]+): (?P<path>[\w.\-]+) = (?P<value>.*)$", "ov.variant_set"),
    (r"^variant (?P<name>[^:]+): (?P<description>.+)$", "ov.described"),
    (r"^variant (?P<name>[^:]+)$", "ov.variant"),
)


# Paths of `--set` that a council reads in words (the path itself otherwise), and the phrase of each.
_PATHS: tuple[tuple[str, str], ...] = (
    (r"^budget\.annual\.(?P<year>\d{4})$", "budget_year"),
    (r"^budget\.annual$", "budget_annual"),
    (r"^budget\.carry_over$", "carry_over"),
    (r"^budget\.carry_over_share$", "carry_over_share"),
    (r"^budget\.total(\.amount)?$", "budget_total"),
    (r"^finance\.fctva\.rate$", "fctva_rate"),
    (r"^finance\.fctva\.lag$", "fctva_lag"),
    (r"^finance\.prospective\.max_debt_years$", "max_debt_years"),
    (r"^finance\.prospective\.min_savings_rate$", "min_savings_rate"),
    (r"^finance\.prospective\.max_borrowing$", "max_borrowing"),
    (r"^demand_kinds\.(?P<kind>[\w-]+)\.weight$", "weight"),
    (r"^discount_rate$", "discount_rate"),
    (r"^objective\.cost_weight$", "cost_weight"),
    (r"^objective\.tail_weight$", "tail_weight"),
    (r"^horizon\.end_rule$", "end_rule"),
    (r"^horizon\.tail_years$", "tail_years"),
    (r"^transfers\.penalty$", "transfer_penalty"),
    (r"^projects\.(?P<project>[\w-]+)\.status$", "project_status"),
    (r"^projects\.(?P<project>[\w-]+)\.earliest_start$", "project_earliest"),
    (r"^projects\.(?P<project>[\w-]+)\.latest_start$", "project_latest"),
    (r"^projects\.(?P<project>[\w-]+)\.cost$", "project_cost"),
)


def path_words(path: str, lang: str) -> str:
    """A `--set` path in words when a council knows it ("enveloppe 2027", "taux de FCTVA"), else as written."""
    for pattern, name in _PATHS:
        m = re.match(pattern, path.strip())
        if m is not None:
            return PAGE_TEXT[lang][f"path.{name}"].format(**m.groupdict())
    return path


def override_text(line: str, lang: str) -> str:
    """One override of a scenario (`Scenario.overrides`, recorded in English by the loader) in words."""
    t = PAGE_TEXT[lang]
    for pattern, key in _OVERRIDES:
        m = re.match(pattern, line)
        if m is None:
            continue
        values = dict(m.groupdict())
        for name in ("factor", "weight"):
            if name in values:
                values[name] = values[name].replace(".", ",") if lang == "fr" else values[name]
        if "years" in values:
            n = int(values["years"])
            values["years"] = f"{abs(n)}"
            values["direction"] = t["later"] if n > 0 else t["earlier"]
            values["s"] = t["plural"] if abs(n) > 1 else ""
        if "value" in values:
            values["value"] = values["value"].strip().strip("'\"")
            if lang == "fr" and re.fullmatch(r"-?\d+\.\d+([eE][-+]?\d+)?", values["value"]):
                values["value"] = values["value"].replace(".", ",")  # 0.1485 -> 0,1485
        if "path" in values:
            values["path"] = path_words(values["path"], lang)
        return t[key].format(**values)
    return line


# ------------------------------------------------------------------------------------------ paths


def shown_path(source: str) -> str:
    """A scenario's path as a report shows it: as typed when relative and inside the current folder, else its
    file name alone (no folder of the machine)."""
    if not source or source.startswith("<"):
        return source
    name, _, variant = source.partition(":") if not re.match(r"^[A-Za-z]:[\\/]", source) else (source, "", "")
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        shown = path.name
    else:
        shown = name
    return shown + (f":{variant}" if variant else "")


def without_machine_paths(text: str, scenario: Scenario) -> str:
    """A text (a warning, a message) with the scenario's absolute folder left out."""
    source = scenario.source
    if not source or source.startswith("<"):
        return text
    folder = str(Path(source).absolute().parent)
    out = text.replace(folder + "/", "").replace(folder, ".")
    if Path(source).is_absolute():
        out = out.replace(source, Path(source).name)
    return out


# ------------------------------------------------------------------------------------------ assumptions


def assumption_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    """The assumptions the council approves, in words: horizon and its end, objective weights, maturity,
    forecast rules, envelopes, transfers, subsidies and FCTVA, finance ratios and ceilings, overrides."""
    lang = fmt.lang
    t = PAGE_TEXT[lang]
    spec = scenario.spec
    rows: list[Row] = []
    years = horizon_years(scenario)
    end = horizon_end(scenario)
    rows.append(Row("horizon", t["a.horizon"], t["a.horizon_text"].format(start=years[0], end=end, n=len(years))))
    rule = end_rule(scenario)
    tail = tail_years(scenario)
    if rule == "tail" and tail:
        envelopes = _list_sep(lang).join(f"{y}{fmt.colon}{fmt.meur(scenario.envelope[y])}" for y in tail)
        end_text = t["a.end.tail"].format(end=end, n=len(tail), span=_span(tail), envelopes=envelopes)
        end_text += tail_weight_text(scenario, lang)
    else:
        end_text = t[f"a.end.{'complete' if rule == 'complete' else 'open'}"].format(end=end)
    rows.append(Row("end_rule", t["a.end"], end_text))
    w = ObjectiveWeights.of(scenario)
    weights = tuple(
        t["obj_weight_kind"].format(kind=kind_label(scenario, k), weight=_num(weight, lang), unit=unit)
        for k, weight, unit in w.kinds
    )
    rows.append(Row("weights", t["a.weights"], weights))
    rows.append(Row("discount", t["a.discount"], t["a.discount_text"].format(rate=_pct(w.discount_rate, lang))))
    rows.append(Row("cost_weight", t["a.cost_weight"], t["a.cost_text"].format(weight=_num(w.cost_weight * 1e6, lang))))
    rows.append(Row("maturity", t["a.maturity"], maturity_text(scenario, lang)))
    used_levels = {p.maturity for p in scenario.projects if p.maturity}
    levels = maturity_levels(spec)
    if used_levels:
        items = tuple(
            t["a.level"].format(
                label=levels[k].get("label") or k,
                confidence=_num(float(levels[k]["confidence"]), lang),
                lead=int(levels[k]["lead_years"]),
            )
            for k in levels
            if k in used_levels
        )
        rows.append(Row("maturity_levels", t["a.levels"], items))
    rows += _forecast_rows(scenario, fmt)
    if spec.demand_growth:
        items = tuple(
            t["a.growth_item"].format(kind=kind_label(scenario, k), rate=_pct(g, lang))
            for k, g in spec.demand_growth.items()
        )
        rows.append(Row("demand_growth", t["a.growth"], items))
    rows += _budget_rows(scenario, fmt)
    rows += _robustness_rows(scenario, fmt)
    rows += _transfer_rows(scenario, fmt)
    rows += _aid_rows(scenario, fmt)
    rows += _finance_rows(scenario, fmt)
    rows.append(Row("variant", t["variant"], _variant_text(scenario, lang)))
    overrides = tuple(override_text(o, lang) for o in scenario.overrides)
    rows.append(Row("overrides", t["overrides"], overrides if overrides else t["none_m"]))
    return rows


def _variant_text(scenario: Scenario, lang: str) -> str:
    t = PAGE_TEXT[lang]
    if not scenario.variant:
        return t["none_f"]
    variant = scenario.spec.variants.get(scenario.variant) if scenario.spec.variants else None
    description = getattr(variant, "description", None) if variant is not None else None
    return f"{scenario.variant} — {description}" if description else scenario.variant


def _forecast_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    t = PAGE_TEXT[fmt.lang]
    lang = fmt.lang
    f = scenario.spec.forecast
    if f is None:
        return []
    rows: list[Row] = []
    if f.school is not None:
        s = f.school
        rep = [d.name or d.id for d in scenario.spec.districts if d.rep]
        entry = s.cohort.entry if s.cohort is not None else "trend"
        rows.append(
            Row(
                "forecast.school",
                t["a.school"],
                (
                    t["a.school_cohort"].format(year=s.base_year, entry=t[f"a.entry.{entry}"])
                    if s.model == "cohort"
                    else t["a.school_base"].format(year=s.base_year, trend=_pct(s.trend, lang)),
                    *_forecast_rules(s, t, lang),
                    t["a.class_size"].format(size=_num(s.class_size, lang)),
                    t["a.cap"].format(
                        levels=", ".join(s.capped_levels) or "—", cap=_num(s.cap, lang), rep_cap=_num(s.rep_cap, lang)
                    ),  # fmt: skip
                    t["a.rep"].format(districts=", ".join(rep)) if rep else t["a.rep_none"],
                    t[f"a.rounding_classes.{s.rounding}"],
                ),
            )
        )
    if f.housing is not None:
        h = f.housing
        total = sum(r.dwellings for r in h.programmes)
        types = _list_sep(lang).join(
            t["a.dwelling_type"].format(type=k, pupils=_num(v.pupils, lang)) for k, v in h.dwelling_types.items()
        )
        rows.append(
            Row(
                "forecast.housing",
                t["a.housing"],
                t["a.housing_text"].format(n=len(h.programmes), dwellings=fmt.num(total, 0), types=types),
            )
        )
    if f.childcare is not None:
        c = f.childcare
        rows.append(
            Row(
                "forecast.childcare",
                t["a.childcare"],
                (
                    t[f"a.childcare_basis.{c.basis}"],
                    t["a.coverage"].format(coverage=_pct(c.coverage, lang), share=_pct(c.creche_share, lang)),
                    t["a.per_place"].format(children=_num(c.children_per_place, lang)),
                    t[f"a.rounding_places.{c.rounding}"],
                ),
            )
        )
    return rows


def _forecast_rules(s: Any, t: Mapping[str, str], lang: str) -> list[str]:
    """The damping, bounds and private share of a school forecast, when it has them (docs/model.md)."""
    out = []
    if s.trend_damping != 1:
        out.append(t["a.damping"].format(factor=_num(s.trend_damping, lang)))
    if s.trend_bounds is not None:
        low, high = s.trend_bounds
        out.append(t["a.bounds"].format(year=s.base_year, low=_pct(low, lang), high=_pct(high, lang)))
    if s.private_share is not None:
        given = s.private_share if isinstance(s.private_share, Mapping) else {s.base_year: s.private_share}
        shares = ", ".join(f"{_pct(v, lang)} ({y})" for y, v in sorted(given.items()))
        out.append(t["a.private_share"].format(shares=shares))
    return out


def _budget_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    t = PAGE_TEXT[fmt.lang]
    years = horizon_years(scenario)
    tail = tail_years(scenario)
    rows: list[Row] = []
    items = tuple(
        f"{y}{fmt.colon}{fmt.meur(scenario.envelope[y])}" + (f" ({t['after_ppi']})" if y in tail else "")
        for y in scenario.years
    )
    rows.append(Row("envelopes", t["a.envelopes"], items))
    total = sum(float(scenario.envelope[y]) for y in years)
    rows.append(Row("envelope_total", t["a.envelope_total"].format(span=f"{years[0]}–{years[-1]}"), fmt.meur(total)))
    rows.append(Row("basis", t["basis"], t["basis.net"] if scenario.net_basis else t["basis.gross"]))
    carry = (
        t["a.carry_yes"].format(share=_pct(scenario.carry_share, fmt.lang)) if scenario.carry_over else t["a.carry_no"]
    )
    rows.append(Row("carry_over", t["wb.carry"], carry))
    tot = scenario.total_envelope
    if tot is not None:
        rows.append(
            Row("total_envelope", t["wb.total_envelope"].format(start=tot.start, end=tot.end), fmt.meur(tot.amount))
        )
    return rows


def _robustness_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    """The envelopes' protection (`uncertainty.budget_confidence`) and the cost σ and slip probability of each
    maturity level the projects use (models/uncertainty.py), the numbers Monte Carlo samples from too."""
    from models.uncertainty import protection_z, uncertain_rows, uncertainty_of

    t = PAGE_TEXT[fmt.lang]
    unc = uncertainty_of(scenario.spec)
    z = protection_z(scenario)
    if unc.gamma is not None:
        text = t["a.robust_gamma"].format(gamma=_num(unc.gamma, fmt.lang))
    elif z is None:
        text = t["a.robust_no"]
    else:
        level = _pct(unc.budget_confidence or 0.0, fmt.lang)
        text = t["a.robust_yes"].format(level=level, z=_num(round(z, 2), fmt.lang), rows=len(uncertain_rows(scenario)))
    rows = [Row("robustness", t["a.robustness"], text)]
    levels = maturity_levels(scenario.spec)
    used = sorted(
        {p.maturity or "" for p in scenario.projects}, key=lambda k: list(levels).index(k) if k in levels else 99
    )
    items = tuple(
        t["a.uncertainty_item"].format(
            label=(levels.get(k) or {}).get("label") or k or t["none_m"],
            sigma=_num(unc.sigma(k or None), fmt.lang),
            slip=_pct(unc.slip(k or None), fmt.lang),
        )
        for k in used
    )
    rows.append(Row("uncertainty", t["a.uncertainty"], items))
    return rows


def _transfer_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    t = PAGE_TEXT[fmt.lang]
    if not scenario.transfers_on:
        return [Row("transfers", t["a.transfers"], t["a.transfers_off"])]
    limits = []
    if scenario.transfer_max_share is not None:
        limits.append(t["a.max_share"].format(share=_pct(scenario.transfer_max_share, fmt.lang)))
    if scenario.transfer_max_units is not None:
        limits.append(t["a.max_units"].format(units=fmt.num(scenario.transfer_max_units, 1)))
    pairs = sum(len(v) for v in scenario.neighbours.values()) // 2
    text = t["a.transfers_on"].format(
        kinds=", ".join(kind_label(scenario, k) for k in scenario.transfer_kinds),
        pairs=pairs,
        limits=_list_sep(fmt.lang).join(limits) or t["a.no_limit"],
        penalty=_num(scenario.transfer_penalty, fmt.lang),
    )
    return [Row("transfers", t["a.transfers"], text)]


def _aid_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    t = PAGE_TEXT[fmt.lang]
    lang = fmt.lang
    rows: list[Row] = []
    candidates = [p for p in scenario.projects if p.status != ProjectStatus.EXCLUDED]
    aided = [p for p in candidates if p.aid > 0]
    payers = sorted({r.name for p in aided for r in p.receipts})
    if aided:
        text = t["a.subsidies_text"].format(
            n=len(aided), total=fmt.meur(sum(p.aid for p in aided)), payers=", ".join(payers)
        )
    else:
        text = t["a.subsidies_none"]
    folded = []
    comps = competences(scenario.spec)
    for key in dict.fromkeys(p.competence for p in candidates if p.competence):
        c = comps.get(key, {})
        if float(c.get("city_share", 1.0)) < 1.0:
            folded.append(
                t["a.folded_item"].format(label=c.get("label") or key, share=_pct(float(c["city_share"]), lang))
            )
    own = [p for p in candidates if p.city_share < 1.0 and not p.competence]
    if own:
        folded.append(t["a.folded_own"].format(n=len(own)))
    folded_text = t["a.folded"].format(items=_list_sep(lang).join(folded))
    value: str | tuple[str, ...] = text if not folded else (text, folded_text)
    rows.append(Row("subsidies", t["a.subsidies"], value))
    if scenario.fctva_rate:
        lag = scenario.fctva_lag
        rows.append(
            Row(
                "fctva",
                "FCTVA",
                t["a.fctva_text"].format(
                    rate=_pct(scenario.fctva_rate, lang),
                    lag=t[f"a.lag.{min(lag, 2)}"],
                ),
            )
        )
    else:
        rows.append(Row("fctva", "FCTVA", t["a.fctva_none"]))
    return rows


def _finance_rows(scenario: Scenario, fmt: Fmt) -> list[Row]:
    t = PAGE_TEXT[fmt.lang]
    lang = fmt.lang
    pr = scenario.prospective
    if pr is None:
        return [Row("finance", t["a.finance"], t["a.finance_none"])]
    path = t["a.finance_text"].format(
        revenue=fmt.meur(pr.revenue),
        revenue_growth=_pct(pr.revenue_growth, lang),
        spending=fmt.meur(pr.spending),
        spending_growth=_pct(pr.spending_growth, lang),
        debt=fmt.meur(pr.debt),
        repayment=fmt.meur(pr.debt_repayment),
        rate=_pct(pr.interest_rate, lang),
        loan_years=pr.loan_years,
        other=fmt.meur(pr.other_investment),
    )
    limits = []
    if pr.min_savings_rate is not None:
        limits.append(t["min_savings"].format(v=_pct(pr.min_savings_rate, lang)))
    if pr.max_debt_years is not None:
        limits.append(t["max_debt_years"].format(v=_num(pr.max_debt_years, lang)))
    if pr.max_borrowing is not None:
        limits.append(t["max_borrowing"].format(v=fmt.meur(pr.max_borrowing)))
    rows = [
        Row("finance", t["a.finance"], path),
        Row("ceilings", t["a.ceilings"], _list_sep(lang).join(limits) if limits else t["no_limit"]),
    ]
    from models.scenario import operating_costs_per_unit

    costs = operating_costs_per_unit(scenario.spec)
    if costs:
        items = tuple(
            t["a.op_cost"].format(
                kind=kind_label(scenario, k),
                amount=fmt.num(v, 0) + NBSP + "€",
                unit=scenario.spec.demand_kinds[k].unit if k in scenario.spec.demand_kinds else "",
            )
            for k, v in costs.items()
        )
        rows.append(Row("operating_costs", t["a.op_costs"], items))
    return rows


# ------------------------------------------------------------------------------------------ annex


def annex_rows(scenario: Scenario, plan: Mapping[str, Any], fmt: Fmt) -> list[Row]:
    """The technical annex: the scenario file (relative), the solver, its time and options, the model's size,
    the ppi version, where demand came from, the scenario's warnings."""
    t = PAGE_TEXT[fmt.lang]
    info = plan.get("scenario") or {}
    rows = [
        Row("scenario.name", t["scenario"], str(info.get("name") or scenario.name)),
        Row("scenario.source", t["source"], shown_path(str(info.get("source") or scenario.source))),
    ]
    runtime = plan.get("runtime_s")
    rows.append(
        Row(
            "solver",
            t["solver"],
            t["solver_text"].format(
                solver=plan.get("solver") or "—",
                message=plan.get("solver_message") or "—",
                runtime=f"{fmt.num(runtime, 2)}{NBSP}{t['seconds']}" if runtime is not None else "—",
            ),
        )
    )
    options = plan.get("options") or {}
    opts = ", ".join(f"{t.get(f'opt.{k}', k)} = {'—' if v is None else v}" for k, v in options.items()) or t["none_f"]
    rows.append(Row("options", t["options"], opts))
    model = plan.get("model") or {}
    if model:
        rows.append(
            Row(
                "model",
                t["model"],
                t["model_text"].format(
                    columns=model.get("columns", "—"), binaries=model.get("binaries", "—"), rows=model.get("rows", "—")
                ),
            )
        )
    if scenario.demand_source:
        derived = sum(src == "forecast" for src in scenario.demand_source.values())
        text = (
            t["demand_forecast"].format(n=derived, total=len(scenario.demand_source)) if derived else t["demand_table"]
        )
        rows.append(Row("demand_source", t["demand_source"], text))
    rows.append(Row("created", t["created"], fmt.date(plan.get("created"))))
    rows.append(Row("ppi_version", t["version"], str(plan.get("ppi_version") or "—")))
    warnings = tuple(without_machine_paths(str(w), scenario) for w in plan.get("warnings") or [])
    if warnings:
        rows.append(Row("warnings", t["warnings"], warnings))
    return rows
