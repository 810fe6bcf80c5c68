"""The catalogue of phrases (reports/text.py): both languages have the same keys and the same placeholders,
and every key is used by a report."""

from __future__ import annotations

import re
import string
from pathlib import Path

from reports.text import TEXT

REPORTS = Path(__file__).resolve().parents[2] / "reports"


def _fields(phrase: str) -> set[str]:
    """The names of a phrase's `{placeholder}`s (format specs aside)."""
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name is not None}


def test_both_languages_have_the_same_keys():
    assert set(TEXT) == {"fr", "en"}
    assert sorted(set(TEXT["fr"]) ^ set(TEXT["en"])) == []


def test_placeholders_match_between_languages():
    differ = {k: (_fields(v), _fields(TEXT["en"][k])) for k, v in TEXT["fr"].items() if k in TEXT["en"]}
    assert {k: pair for k, pair in differ.items() if pair[0] != pair[1]} == {}


def test_every_phrase_is_filled_in():
    assert [(lang, k) for lang, phrases in TEXT.items() for k, v in phrases.items() if not v.strip()] == []


def test_every_key_is_used_by_a_report():
    """A key is used when a report module names it, or names its family in a key built at run time
    (`f"ps.{status}"`, `"r." + kind`)."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in REPORTS.glob("*.py") if p.name != "text.py")
    built = re.findall(r"""f["']([\w.]+\.)\{""", sources) + re.findall(r"""["']([\w.]+\.)["'] \+""", sources)
    families = set(built)
    unused = [
        key
        for key in TEXT["fr"]
        if f'"{key}"' not in sources
        and f"'{key}'" not in sources
        and not any(key.startswith(family) for family in families)
    ]
    assert unused == []
