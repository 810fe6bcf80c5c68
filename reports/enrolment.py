"""`ppi enrolment`: the printed summary of the enrolment read from the national file (models/enrolment.py)."""

from __future__ import annotations

from models.enrolment import KINDS, Enrolment


def _trend(t: float | None) -> str:
    return "" if t is None else f"{t * 100:+.2f} %"


def format_enrolment(e: Enrolment, written: list[str] | None = None) -> str:
    """Per quartier: REP, schools, pupils and classes per kind, pupils per class, trend; then what is left out."""
    sector = {"public": "public", "private": "private", "all": "public and private"}[e.sector]
    lines = [
        f"{e.commune}: {sector} schools, rentrée {e.base_year}; trend = compound yearly change "
        f"{e.first_year}-{e.base_year} ({'all pupils of the quartier' if e.trend_by == 'district' else 'per kind'}); "
        f"ULIS {'in élémentaire' if e.ulis == 'elementaire' else 'left out'}; classes split by {e.classes_by}",
    ]
    width = max([len("quartier"), len("total")] + [len(d) for d in e.districts]) + 2
    head = f"{'quartier':<{width}}{'REP':>6}{'schools':>8}{'mat.':>7}{'élém.':>7}{'cl. mat.':>9}{'cl. élém.':>10}"
    head += f"{'pup/cl':>7}{'trend mat.':>11}{'trend élém.':>12}"
    if e.under_3:
        head += f"{'under 3':>8}" + (f"{'crèche':>7}" if e.creche_places else "")
    lines.append(head)

    def row(label: str, rep: str, schools: int, p: dict, c: dict, t: dict, u3: str, places: str) -> str:
        per_class = sum(p.values()) / sum(c.values()) if sum(c.values()) else 0.0
        text = f"{label:<{width}}{rep:>6}{schools:>8}{p['maternelle']:>7}{p['elementaire']:>7}"
        text += f"{c['maternelle']:>9}{c['elementaire']:>10}{per_class:>7.1f}"
        text += f"{_trend(t.get('maternelle')):>11}{_trend(t.get('elementaire')):>12}"
        return text + (f"{u3:>8}" if e.under_3 else "") + (f"{places:>7}" if e.creche_places else "")

    for d in e.districts:
        n_rep, n = e.rep_schools[d]
        rep = ("yes" if e.rep[d] else "no") + ("*" if 0 < n_rep < n else "")
        lines.append(
            row(
                d,
                rep,
                n,
                {k: e.pupils[(d, k)] for k in KINDS},
                {k: e.classes[(d, k)] for k in KINDS},
                {k: e.trend[(d, k)] for k in KINDS},
                str(e.under_3.get(d, "")),
                str(e.creche_places.get(d, "")),
            )
        )
    lines.append(
        row(
            "total",
            "",
            len(e.schools),
            {k: sum(e.pupils[(d, k)] for d in e.districts) for k in KINDS},
            {k: sum(e.classes[(d, k)] for d in e.districts) for k in KINDS},
            {},
            str(sum(e.under_3.values())) if e.under_3 else "",
            str(sum(e.creche_places.values())) if e.creche_places else "",
        )
    )
    if any(0 < r < n for r, n in e.rep_schools.values()):
        lines.append("  * the quartier mixes REP/REP+ and other schools (REP by the majority of its pupils)")
    if e.level_shares:
        shares = ", ".join(f"{lv} {s:.4f}" for lv, s in e.level_shares.items())
        lines.append(f"élémentaire level shares {e.base_year}: {shares}")
    if e.unmapped:
        lines.append(f"{len(e.unmapped)} school(s) of the commune not in the mapping (left out):")
        for u in e.unmapped:
            years = f"{u.years[0]}-{u.years[-1]}" if len(u.years) > 1 else str(u.years[0])
            lines.append(f"  {u.uai}  {u.name}  ({years}, {u.pupils} pupils in {u.years[-1]})")
    else:
        lines.append("every school of the commune is mapped")
    if e.absent:
        lines.append(f"{len(e.absent)} mapped UAI(s) not among the commune's schools in the file:")
        for uai, commune in e.absent:
            lines.append(f"  {uai}" + (f"  (in the file under {commune})" if commune else "  (not in the file)"))
    if e.other_sector:
        other = "private" if e.sector == "public" else "public"
        lines.append(f"{len(e.other_sector)} mapped UAI(s) are {other} schools, not read: {', '.join(e.other_sector)}")
    for w in e.warnings:
        lines.append(f"warning: {w}")
    if written:
        lines.append("written: " + ", ".join(written))
    return "\n".join(lines)
