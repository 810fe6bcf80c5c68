"""The columns of a table as a commune writes them, and numbers written the French way.

A project matrix kept by a finance direction has French headers (`Équipement`, `Quartier`, `Coût TTC`,
`Début au plus tôt`...), descriptive columns the tool does not use (`Adresse`, `Service`, `N° AP`,
`Commentaire`) and numbers typed as text (`1,8 M€`, `450 000 €`, `12 %`). This module maps a header to the
field it means — the English field id or a French alias, accents, case, plurals, spaces, underscores and
hyphens forgiven — and reads such numbers, or says why it cannot.

The aliases are the documented mapping of docs/model.md ("Tables a commune already keeps"); `HEADER_ALIASES`
is the one place they are written.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from models.spec import RefusedNumber, table_row_model

# field id -> French (and other) headers that mean it, per table. The field ids themselves always match.
_PROJECT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("identifiant", "code", "code projet", "référence", "ref"),
    "name": ("nom", "équipement", "intitulé", "libellé", "projet", "opération", "nom du projet"),
    "description": ("éléments de projet", "descriptif", "programme de l'opération"),
    "district": ("quartier", "secteur", "secteur scolaire"),
    "theme": ("thématique", "thème"),
    "capacity": (),  # `Capacité <kind>` / `capacity.<kind>`: see CAPACITY below
    "cost": ("coût", "coût ttc", "coût total", "coût total ttc", "montant", "montant ttc", "montant ap"),
    "profile": ("échéancier", "échéancier cp", "profil", "profil cp", "répartition cp"),
    "delivery_lag": ("délai de livraison", "délai", "durée", "durée des travaux", "livraison après"),
    "earliest_start": ("début au plus tôt", "démarrage au plus tôt", "lancement au plus tôt"),
    "latest_start": ("début au plus tard", "démarrage au plus tard", "lancement au plus tard"),
    "maturity": ("maturité", "niveau de maturité"),
    "competence": ("compétence", "maîtrise d'ouvrage"),
    "city_share": ("part ville", "part communale", "part de la ville", "part commune"),
    "confidence": ("confiance",),
    "status": ("statut",),
    "start": ("début", "démarrage", "année de début", "année de démarrage", "lancement"),
    "excludes": ("exclut", "incompatible avec", "alternative à"),
    "requires": ("nécessite", "prérequis", "dépend de", "après"),
    "subsidies": ("subventions", "aides", "cofinancements"),
    "fctva_eligible": ("éligible fctva", "part éligible fctva", "éligibilité fctva"),
    "operating_cost": ("coût de fonctionnement", "frais de fonctionnement", "fonctionnement annuel"),
    "shift": ("décalage",),
    "school": ("école", "école concernée", "école étendue", "uai"),
}
_SCHOOL_ALIASES: dict[str, tuple[str, ...]] = {
    "school": ("école", "uai", "numéro de l'école", "numéro uai", "établissement"),
    "district": ("quartier", "secteur", "secteur scolaire"),
    "kind": ("type", "nature", "niveau"),
    "classes": ("nombre de classes", "classes ouvertes"),
    "site_limit": ("limite du site", "capacité du site", "classes au plus", "classes maximum"),
    "closes": ("fermeture", "année de fermeture", "fermée en"),
    "pupils": ("élèves", "effectifs", "nombre d'élèves"),
    "name": ("nom", "nom de l'école", "dénomination"),
}
_SUBSIDY_ALIASES: dict[str, tuple[str, ...]] = {
    "project": ("projet", "identifiant", "identifiant projet", "équipement", "opération"),
    "name": ("financeur", "nom", "aide", "dispositif", "organisme"),
    "amount": ("montant", "montant de l'aide", "montant €"),
    "rate": ("taux", "taux de subvention", "taux d'aide"),
    "per_unit": ("par place", "par unité", "par classe", "montant par place", "montant par unité"),
    "kind": ("nature", "type de capacité", "capacité", "besoin"),
    "at": ("versement", "année de versement", "perçue", "calendrier"),
}
_ROW_ALIASES: dict[str, tuple[str, ...]] = {
    "district": ("quartier", "secteur"),
    "kind": ("type", "nature", "besoin"),
    "year": ("année",),
    "value": ("valeur", "nombre"),
}
_REALISED_ALIASES: dict[str, tuple[str, ...]] = {
    "project": ("projet", "identifiant", "opération", "équipement"),
    "year": ("année", "exercice"),
    "paid": ("cp payé", "cp payés", "cp mandaté", "cp mandatés", "réalisé", "montant payé", "mandaté"),
    "delay": ("retard", "retard en années", "glissement", "décalage observé"),
    "cost": ("coût révisé", "coût réévalué", "nouveau coût", "coût ttc révisé"),
    "abandoned": ("abandonnée", "abandonné", "abandon", "opération abandonnée"),
}
HEADER_ALIASES: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {
    ("revision", "realised"): _REALISED_ALIASES,
    ("projects",): _PROJECT_ALIASES,
    ("subsidies",): _SUBSIDY_ALIASES,
    ("demand",): _ROW_ALIASES,
    ("capacity",): _ROW_ALIASES,
    ("schools",): _SCHOOL_ALIASES,
}
# Descriptive columns a project matrix is expected to hold: kept as attributes without a warning (any other
# column that is not a field is kept too, with a warning: it may be a field's header mistyped).
DESCRIPTIVE = (
    "adresse", "service", "direction", "pilote", "élu référent", "n° ap", "numéro d'ap", "numéro ap", "ap",
    "commentaire", "observations", "remarque", "note", "priorité", "source", "contact",
)  # fmt: skip
# Tables whose unknown columns are kept as descriptive attributes of each row (the others warn and ignore
# them, or refuse them when the table has no aliases: its columns are the format's field ids).
ATTRIBUTE_TABLES = {("projects",)}
# Capacity columns of a project table: `capacity.maternelle`, `Capacité maternelle`, `Capacités crèche`.
CAPACITY = re.compile(r"(?:capacity|capacite|capacites)[ .]+(.+)")
# Values of these project columns are ids compared ignoring case and accents (`Département` -> departement),
# with the French words of the statuses and the names of the default competences.
_VALUE_ALIASES: dict[str, dict[str, str]] = {
    "status": {
        "candidat": "candidate",
        "candidate": "candidate",
        "obligatoire": "mandatory",
        "imposé": "mandatory",
        "engagé": "committed",
        "engagée": "committed",
        "décidé": "committed",
        "exclu": "excluded",
        "exclue": "excluded",
        "abandonné": "excluded",
    },
    "competence": {
        "commune": "ville",
        "métropole": "intercommunalite",
        "epci": "intercommunalite",
        "privée": "prive",
    },
    "at": {
        "livraison": "delivery",
        "à la livraison": "delivery",
        "delivery": "delivery",
        "démarrage": "0",
        "au démarrage": "0",
        "n": "0",
    },
}
FOLDED_VALUE_COLUMNS = frozenset({"status", "maturity", "competence", "at"})


def fold(text: str) -> str:
    """Lower case, without accents, every run of spaces, underscores, hyphens and apostrophes one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"[\s_\-'’`]+", " ", plain)
    return plain.strip(" :")


# A unit in brackets that scales a money column: `Coût (k€)`, `Montant (M€)`, `Coût TTC (en milliers d'euros)`.
_SCALED = re.compile(r"\s*\((?:en )?(k€|keur|k eur|milliers d euros|m€|meur|m eur|millions d euros)\)\s*$")
MONEY_COLUMNS = frozenset({"cost", "operating_cost", "amount", "per_unit", "paid"})


def _scale(text: str) -> float | None:
    """1e3 for a header in thousands of euros (`(k€)`), 1e6 in millions (`(M€)`), else None."""
    unit = _SCALED.search(fold(text))
    return None if unit is None else (1e3 if unit.group(1).startswith(("k", "milliers")) else 1e6)


def _key(text: str) -> str:
    """A header as compared: folded, what it says in brackets at its end left out (`Coût (€)`, `Délai (ans)`,
    `Compétence (Ville, Département, privé…)`) unless it says HT (a cost is TTC), plurals forgiven."""
    folded = _SCALED.sub("", fold(text))
    folded = re.sub(r"\s*\((?![^)]*\bht\b)[^()]*\)\s*$", "", folded)
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in folded.split(" "))


def fold_value(column: str, value: str) -> str:
    """An id typed in a table (a status, a maturity level, a competence, a subsidy's timing) as the format's
    id: `Département` -> departement, `Engagé` -> committed, `Idée (niveau 0)` -> idee, `N+1` -> 1."""
    aliases = {fold(k): v for k, v in _VALUE_ALIASES.get(column, {}).items()}
    key = fold(value)
    if key in aliases:
        return aliases[key]
    if column == "at":
        years = re.fullmatch(r"n ?\+ ?(\d+)", key)
        return years.group(1) if years else value
    key = re.sub(r"\s*\(.*\)$", "", key)  # `Idée (niveau 0)`
    return aliases.get(key, key.replace(" ", "-"))


@dataclass
class Headers:
    """The columns of one table file: each header's field, or the attribute it is kept as, and what to say."""

    table: tuple[str, ...]
    fields: dict[str, str] = field(default_factory=dict)  # header as written -> field id (or capacity.<kind>)
    attributes: list[str] = field(default_factory=list)  # headers kept as descriptive attributes
    ignored: list[str] = field(default_factory=list)  # headers not read
    notes: list[str] = field(default_factory=list)  # one warning per column kept or ignored
    hints: dict[str, str] = field(default_factory=dict)  # field id -> the header that may have meant it
    scales: dict[str, float] = field(default_factory=dict)  # header in k€ or M€ -> its factor to euros
    errors: list[str] = field(default_factory=list)  # columns that cannot be read in this table


def _lookup(table: tuple[str, ...]) -> dict[str, str]:
    """Compared header -> field id, for a table with aliases."""
    out: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES[table].items():
        for alias in (name, *aliases):
            out.setdefault(_key(alias), name)
    return out


_DESCRIPTIVE_KEYS = frozenset(_key(h) for h in DESCRIPTIVE)
_UNIT = {1e3: "k€", 1e6: "M€"}


def scaled(header: str, factor: float, value: Any) -> Any:
    """A cell of a column in k€ or M€ in euros: a number times the factor; a cell that writes its own unit
    (`1,8 M€` in a column in k€) is refused rather than scaled twice or not at all."""
    if isinstance(value, bool) or isinstance(value, RefusedNumber):
        return value
    if isinstance(value, (int, float)):
        return round(value * factor, 6)
    if isinstance(value, str) and re.search(r"€|\beur|\d\s*[kKmM]\b", value):
        return RefusedNumber(
            value,
            f"'{value}' gives its own unit in the column '{header}', which is in {_UNIT[factor]}: write the "
            "number alone",
        )
    return value


def map_headers(table: tuple[str, ...] | None, headers: list[str]) -> Headers:
    """Which field each header of a table file means. Tables without aliases keep their headers as written
    (the format's field ids; an unknown one is refused by the validation, with a "did you mean")."""
    out = Headers(table or ())
    if table not in HEADER_ALIASES:
        out.fields = {h: h for h in headers if h}
        return out
    assert table is not None
    lookup = _lookup(table)
    given: dict[str, str] = {}  # field id -> the first header read as it
    unknown: list[str] = []
    for header in headers:
        if not header:
            continue
        capacity = CAPACITY.fullmatch(fold(header)) if table == ("projects",) else None
        if header.startswith("capacity."):
            name = header  # as written: the kind's id
        elif capacity:
            name = "capacity." + capacity.group(1).replace(" ", "_")
        else:
            name = lookup.get(_key(header), "")
        if not name:
            unknown.append(header)
        elif name in given:
            out.errors.append(f"the columns '{given[name]}' and '{header}' both give {name}: keep one of them")
        else:
            given[name] = header
            out.fields[header] = name
            factor = _scale(header)
            if factor is not None and name in MONEY_COLUMNS:
                out.scales[header] = factor
            elif factor is not None:  # one problem: the column is still read (unscaled) so its cells are checked
                out.errors.append(f"the column '{header}' is in {_UNIT[factor]}, but {name} is not an amount in euros")
    if table == ("projects",) and "subsidies" in given:
        out.errors.append(
            f"the column '{given['subsidies']}' cannot be read: list the aid in a subsidies table, one row per "
            "aid (subsidies: {file: ...}, see docs/model.md), or in the scenario file"
        )
        del out.fields[given["subsidies"]]
    for header in unknown:
        if table in ATTRIBUTE_TABLES and _key(header) in _DESCRIPTIVE_KEYS:
            out.attributes.append(header)  # expected in a project matrix: kept without a word
            continue
        close = difflib.get_close_matches(
            _key(header), [k for k, v in lookup.items() if v not in given], n=1, cutoff=0.8
        )
        meant = lookup[close[0]] if close else None
        hint = ""
        before_tax = lookup.get(re.sub(r"\s*\(?\s*\bht\s*\)?$", "", _key(header)), "")
        if before_tax in MONEY_COLUMNS and before_tax not in given and table == ("projects",):  # costs are TTC
            hint = f" (an amount before VAT: {before_tax} is TTC, VAT included)"
            out.hints[before_tax] = f"the column '{header}' is before VAT, not read as {before_tax}: give it TTC"
        elif meant is not None:
            alias = next(a for a in (*HEADER_ALIASES[table][meant], meant) if _key(a) == close[0])
            hint = f" (did you mean '{alias}', {meant}?)"
            out.hints[meant] = f"the column '{header}' was not read as {meant}: did you mean '{alias}'?"
        if table in ATTRIBUTE_TABLES:
            out.attributes.append(header)
            out.notes.append(f"the column '{header}' is not a field: kept as a description of each row{hint}")
        else:
            out.ignored.append(header)
            out.notes.append(f"the column '{header}' is not read{hint}")
    _say_where_required_fields_are(table, out)
    return out


def _say_where_required_fields_are(table: tuple[str, ...], out: Headers) -> None:
    """For each required field, what to say when a row lacks it: the column whose cell is empty, or that no
    column gives it (a near miss already said is kept)."""
    column = {name: header for header, name in out.fields.items()}
    capacity = [h for h, name in out.fields.items() if name.startswith("capacity.")]
    for name, info in table_row_model(table).model_fields.items():
        if not info.is_required() or name in out.hints:
            continue
        if name == "capacity" and table == ("projects",):
            out.hints[name] = (
                f"every cell of {', '.join(repr(h) for h in capacity)} is empty"
                if capacity
                else "no column gives a capacity: add one per kind, such as 'Capacité maternelle'"
            )
        elif name in column:
            out.hints[name] = f"its cell in the column '{column[name]}' is empty"
        else:
            alias = next(iter(HEADER_ALIASES[table].get(name, ())), name)
            out.hints[name] = f"no column gives it: add one named '{alias}'"


# ------------------------------------------------------------------------------------------------- numbers


_SPACES = "\u0020\u00a0\u202f"  # space, no-break space, narrow no-break space (French thousands)
_FRENCH = re.compile(
    rf"""(?P<sign>[-+−]?)\s*
    (?P<digits>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)       # 1 800 000, or 1800000
    (?:[,.](?P<decimals>\d+))?                             # ,5 (or .5)
    \s*(?P<scale>md|mds|m|k|millions?|milliards?)?         # M€, k€
    \s*(?P<unit>€|eur|euros?|%)?""",
    re.X | re.I,
)
_SCALES = {
    "k": 1e3,
    "m": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "md": 1e9,
    "mds": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
}


def french_number(text: str, *, decimal_comma: bool, share: bool) -> Any:
    """A cell's text as a number where it is one, written the French way or not; `RefusedNumber` (with the
    reason) when it looks like a number that cannot be read without guessing; otherwise the text itself.

    Read: `1 800 000`, `450 000 €`, `2,5`, `1,8 M€`, `300 k€`, `12 %` (0.12, where a share is expected: `share`).
    A comma followed by exactly three digits (`1,800`) is a decimal comma in a file that uses them (`;` or tab
    separated CSV) and refused as ambiguous elsewhere (English thousands?)."""
    match = _FRENCH.fullmatch(text.strip())
    if match is None:
        if any(c.isdigit() for c in text) and re.search(r"€|%|\b(?:eur|euros?|m|k)\b", text, re.I):
            return RefusedNumber(
                text,
                f"'{text}' is not a number the tool can read: write it as 1800000, 1 800 000 €, 1,8 M€ or 12 %",
            )
        return text
    digits = re.sub(f"[{_SPACES}]", "", match["digits"])
    decimals, scale, unit = match["decimals"], (match["scale"] or "").lower(), (match["unit"] or "").lower()
    written = text.strip()
    separator = written[match.end("digits")] if decimals is not None else ""
    if decimals is not None and separator == "," and len(decimals) == 3 and not decimal_comma and not scale:
        return RefusedNumber(
            text,
            f"'{text}' is ambiguous: {digits}.{decimals} written with a decimal comma, or {digits}{decimals} with an "
            f"English thousands separator? Write {digits}{decimals}, or {digits},{decimals.rstrip('0') or '0'} "
            f"for {digits}.{decimals.rstrip('0') or '0'}",
        )
    if separator == "." and " " in match["digits"].replace("\u00a0", " ").replace("\u202f", " "):
        return RefusedNumber(
            text, f"'{text}' mixes French thousands spaces with a decimal point: write it with a comma"
        )
    if unit == "%" and scale:
        return RefusedNumber(text, f"'{text}' is not a number the tool can read (a scale and a percentage)")
    if unit == "%" and not share:
        return RefusedNumber(text, f"'{text}' is a percentage, but this column is not a share: write the number")
    if unit in ("€", "eur", "euro", "euros") and share:
        return RefusedNumber(text, f"'{text}' is an amount in euros, but this column is a share (0 to 1, or 12 %)")
    if scale == "m" and not unit and not re.search(r"\d\s*M$", written):
        return text  # `2 m` is not read as two millions: only `M` or `M€`
    value: float = float(f"{digits}.{decimals}" if decimals is not None else digits)
    value *= _SCALES.get(scale, 1.0)
    if unit == "%":
        value /= 100
    if match["sign"] in ("-", "−"):
        value = -value
    if decimals is None and not scale and unit != "%":
        return -int(digits) if match["sign"] in ("-", "−") else int(digits)
    return round(value, 9) if scale or unit == "%" else value
