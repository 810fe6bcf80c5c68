"""The documentation stands alone: a clone of the repository holds everything it cites.

- no tracked file cites the brief that used to live outside the repository (its facts and sources are in
  docs/domain.md now), nor a path of the machine it was written on or a shared folder beside the checkout;
- every relative link of README.md, docs/*.md and scenarios/*/README.md points to a file of the repository,
  and a link to a heading of a markdown file (`file.md#heading`) to a heading that exists.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve().relative_to(REPO).as_posix()

# Built from pieces so that this file does not match itself.
OLD_BRIEF = "DOMAIN" + ".md"
OUTSIDE = [
    (re.compile(r"(?<![\w.])/" + r"work/"), "an absolute path of the machine the repository was written on"),
    (re.compile(r"(?<![\w.])/(?:home|Users)/\w"), "an absolute path of a user's home folder"),
    (re.compile(r"(?:\.\./)+" + "shared" + r"\b"), "a shared folder beside the checkout"),
]
# Tests build paths outside a scenario's folder on purpose (to check they are refused): only the brief is
# looked for there.
OUTSIDE_EXEMPT = ("tests/",)

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [f for f in out.split("\0") if f]


def text_of(path: str) -> str | None:
    """The file's text, or None for a binary file (or one gone from the working tree)."""
    try:
        data = (REPO / path).read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def markdown_pages() -> list[Path]:
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted(REPO.glob("scenarios/*/README.md"))]
    return [p for p in pages if p.is_file()]


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces turned into hyphens."""
    text = re.sub(r"`|\*\*|__", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def links(page: Path) -> list[tuple[int, str]]:
    """(line, target) of every inline link or image outside code blocks and code spans."""
    text = page.read_text(encoding="utf-8")
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = CODE_SPAN.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in LINK.finditer(text)]


def test_no_file_cites_the_old_brief_or_a_path_outside_the_repository():
    found = []
    for path in tracked_files():
        if path == THIS:
            continue
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OLD_BRIEF in line:
                found.append(f"{path}:{number}: cites {OLD_BRIEF} (use docs/domain.md): {line.strip()}")
            if path.startswith(OUTSIDE_EXEMPT):
                continue
            for pattern, what in OUTSIDE:
                if pattern.search(line):
                    found.append(f"{path}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


DOCS_CITED = re.compile(r"\bdocs/([\w.-]+\.md)\b")


def test_every_page_of_docs_that_a_file_cites_exists():
    """A file naming `docs/<page>.md` (a docstring, a comment, a page) names a page of the repository."""
    missing = []
    for path in tracked_files():
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            missing += [
                f"{path}:{number}: docs/{m}" for m in DOCS_CITED.findall(line) if not (REPO / "docs" / m).is_file()
            ]
    assert not missing, "\n".join(missing)


def test_domain_facts_are_in_the_repository():
    page = REPO / "docs" / "domain.md"
    assert page.is_file()
    expected = {"cp-profiles-and-delivery-lags", "investment-costs", "fctva", "subsidies", "savings-and-debt",
                "operating-costs", "school-demand-and-class-sizes", "pupils-per-new-dwelling", "childcare-coverage",
                "maturity-levels", "competences", "project-assumptions-without-a-public-source", "sources"}  # fmt: skip
    assert expected <= anchors(page)


def test_relative_markdown_links_point_to_files_of_the_repository():
    broken = []
    pages = markdown_pages()
    assert REPO / "README.md" in pages
    for page in pages:
        where = page.relative_to(REPO).as_posix()
        for number, target in links(page):
            if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
                continue  # http:, https:, mailto: ...
            file_part, _, anchor = target.partition("#")
            dest = (page.parent / file_part).resolve() if file_part else page
            if not dest.is_relative_to(REPO):
                broken.append(f"{where}:{number}: {target} leaves the repository")
            elif not dest.exists():
                broken.append(f"{where}:{number}: {target} does not exist")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                broken.append(f"{where}:{number}: {target} names no heading of {dest.relative_to(REPO).as_posix()}")
    assert not broken, "\n".join(broken)


def test_the_link_check_sees_links_and_headings():
    # The checks above would pass vacuously if the patterns found nothing.
    assert slug("Savings and debt") == "savings-and-debt"
    assert slug("Explanations (`ppi explain`)") == "explanations-ppi-explain"
    assert slug("Who uses the tool, and the legal frame") == "who-uses-the-tool-and-the-legal-frame"
    readme_links = [t for _, t in links(REPO / "README.md")]
    assert "docs/domain.md" in readme_links
    assert any(t.startswith("../../docs/domain.md#") for _, t in links(REPO / "scenarios" / "rennes" / "README.md"))
