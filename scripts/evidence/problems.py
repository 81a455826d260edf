"""Problems found in the evidence log, reported as ``PATH:LINE:COL: severity: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
# Messages quote values from the log: keep each problem on one line and its text visible.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def printable(text: str) -> str:
    """Escape control, invisible and direction characters as \\uXXXX."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place; ``line`` and ``col`` are 1-based."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}{hint}"

    def github(self) -> str:
        """Return the problem as a GitHub Actions annotation line."""
        kind = "error" if self.severity == ERROR else "warning"
        text = self.message + (f" ({self.hint})" if self.hint else "")
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = self.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{kind} file={path},line={self.line},col={self.col}::{text}"


@dataclass
class Report:
    """Collects every problem of a run, so that all of them are shown at once."""

    problems: list[Problem] = field(default_factory=list)
    _counted: int = 0
    _errors: int = 0

    def error(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(printable(path), line, col, ERROR, printable(message), printable(hint)))

    def warning(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(printable(path), line, col, WARNING, printable(message), printable(hint)))

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    def error_count(self) -> int:
        """Errors so far; cheap enough to call once per file."""
        if self._counted < len(self.problems):
            self._errors += sum(p.severity == ERROR for p in self.problems[self._counted:])
            self._counted = len(self.problems)
        return self._errors

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        """Return the problems ordered by file, then position; duplicates dropped."""
        return sorted(set(self.problems))

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def summary(self, files: int) -> str:
        e, w = len(self.errors), len(self.warnings)
        return f"checked {files} file{'s' if files != 1 else ''}: {e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


class BuildError(Exception):
    """A problem that stops a build; its message is shown to the user as it is."""
