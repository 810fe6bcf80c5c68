"""Problems found in a scenario, collected and reported together.

Every problem names where it is (file, line where known, field path) and says what is wrong in plain
words, so that a finance direction can fix its files without reading a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """`("projects", 3, "profile")` -> `projects[3].profile`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(
            set(problems), key=lambda p: (p.file, p.line if p.line is not None else 10**9, p.path, p.message)
        )
        super().__init__(self.describe())

    def describe(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n > 1 else ''} in the scenario:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])
