"""The catalogue of phrases (reports/text.py): both languages have the same keys and the same placeholders,
and every key is used by a report."""

from __future__ import annotations

import re
import string
from pathlib import Path

from reports.text import TEXT

REPORTS = Path(__file__).resolve().parents[2] / "reports"
STATIC = Path(__file__).resolve().parents[2] / "serve" / "static"


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
        if not key.startswith("page.")  # the live page's own labels: test_the_live_page_s_words_are_all_used
        and f'"{key}"' not in sources
        and f"'{key}'" not in sources
        and not any(key.startswith(family) for family in families)
    ]
    assert unused == []


def _page_keys_used() -> tuple[set[str], set[str]]:
    """The keys the live page names (`data-w`/`data-wl` in index.html, `w("...")` and `word: "..."` in app.js)
    and the families it builds at run time (`w("status." + status)`)."""
    source = (STATIC / "app.js").read_text(encoding="utf-8")
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-wl?="([^"]+)"', html)) | set(re.findall(r'\bw\("([^"]+)"', source))
    used |= set(re.findall(r'word: "([^"]+)"', source))
    choices = re.findall(r'\bw\([^()"]*\? "([^"]+)" : "([^"]+)"', source)  # w(on ? "is_on" : "is_off")
    used |= {k for pair in choices for k in pair}
    families = {u for u in used if u.endswith(".")}
    return used - families, families


def test_the_live_page_s_words_are_all_used_and_all_there():
    """The live page's own labels are the catalogue's `page.*` keys (sent as `State.words`): every key the page
    names is in the catalogue, every `page.*` key is named by the page (or is one of a family it builds from
    the values the server sends)."""
    used, families = _page_keys_used()
    assert families == {"status.", "ps.", "chart."}
    built = {f"status.{s}" for s in ("idle", "solving", "optimal", "time_limit", "infeasible", "failed")}
    built |= {f"ps.{s}" for s in ("committed", "mandatory", "excluded")}
    built |= {f"chart.{s}" for s in ("spending", "unmet", "heatmap", "gantt")}
    page = {k.removeprefix("page.") for k in TEXT["fr"] if k.startswith("page.")}
    assert len(page) > 100
    assert sorted((used | built) - page) == []
    assert sorted(page - used - built) == []
    assert "WORDS" not in (STATIC / "app.js").read_text(encoding="utf-8")  # no second word list


def test_the_live_page_s_french_words_follow_the_reports_typography():
    from reports.live import page_words

    fr, en = page_words("fr"), page_words("en")
    assert set(fr) == set(en)
    assert fr["why"] == "Pourquoi\u00a0?" and fr["target"] == "Scénario\u00a0: {target}" and en["why"] == "Why?"
    assert [k for k, v in fr.items() if re.search(r" [:?!;»]|« ", v)] == []
