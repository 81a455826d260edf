"""Read one YAML file of the evidence log safely into a node tree with positions.

The node tree (not plain values) is what validation walks, so every problem can
point at the line and column of the key or value that causes it. Anchors and aliases
are refused here (an alias needs an anchor, and every anchor is found by the token
scan); duplicate and merge keys are refused where mappings are walked (spec.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from . import files
from .problems import Report

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
STR_TAG, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
# Only files with a candidate anchor or alias get the slower token scan.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s,\[\{:?-])[&*][^\s,\[\]\{\}*]", re.MULTILINE)

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that keeps dates as strings: the checker parses them itself."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }
    _plain_tags: dict[str, str] = {}

    def resolve(self, kind, value, implicit):
        # Quoted scalars are text, and field names and short plain values repeat across thousands
        # of files: this shortcut resolves each plain value once (no path resolvers are used).
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return STR_TAG
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 32:
                    self._plain_tags[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP


# The line breaks YAML counts (libyaml's marks): CR LF, a lone CR, LF, NEL, LINE and PARAGRAPH SEPARATOR.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _pos(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character index, counting line breaks as YAML does."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _char_index(text: str, position: int) -> int:
    """The character index of a reader error: libyaml (CSafeLoader) counts UTF-8 bytes, PyYAML characters."""
    if _Base is yaml.SafeLoader:
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))


def read_text(path: Path, rel: str, report: Report) -> str | None:
    """Return the file's text, or None after reporting why it is not read (never quoting its content)."""
    try:
        data = files.read_bytes(path)
    except files.Refused as exc:
        report.error(rel, 1, 1, exc.message, exc.hint)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8")  # valid up to there
        line, col = _pos(before, len(before))
        report.error(rel, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                     "save the file with UTF-8 encoding")
        return None
    return text.removeprefix("\ufeff")


def _scan_anchors(text: str, rel: str, report: Report) -> bool:
    """Report anchors and aliases; return True if there were any."""
    found = False
    try:
        for token in yaml.scan(text, Loader=Loader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                kind = "anchors (&name)" if isinstance(token, yaml.AnchorToken) else "aliases (*name)"
                m = token.start_mark
                report.error(rel, m.line + 1, m.column + 1, f"YAML {kind} are not allowed",
                             "write each value out in full")
                found = True
    except yaml.YAMLError:
        pass  # the compose step reports syntax errors with their position
    return found


def compose(text: str, rel: str, report: Report) -> yaml.Node | None:
    """Parse text into a node tree, reporting syntax errors with their position."""
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "syntax error"
        if "another document" in problem:
            report.error(rel, line, col, "file holds more than one YAML document", _syntax_hint(problem))
        else:
            tab = mark is not None and text[mark.index:mark.index + 1] == "\t"
            report.error(rel, line, col, f"invalid YAML: {problem}",
                         "indent with spaces, not tabs" if tab else _syntax_hint(problem))
    except yaml.reader.ReaderError as exc:
        line, col = _pos(text, _char_index(text, exc.position))
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        report.error(rel, line, col, f"invalid character U+{char:04X} in file",
                     "remove control characters")
    except yaml.YAMLError as exc:  # anything else the parser can raise
        report.error(rel, 1, 1, f"invalid YAML: {exc}")
    except RecursionError:
        report.error(rel, 1, 1, "invalid YAML: nesting is too deep")
    return None


def _syntax_hint(problem: str) -> str:
    if "another document" in problem:
        return "one entry per file: remove the '---' separator and what follows"
    if "mapping values are not allowed" in problem:
        return "put text containing ': ' in quotes"
    return ""


def load(path: Path, rel: str, report: Report) -> yaml.Node | None:
    """Read, parse and sanity-check one file; return its root node or None."""
    text = read_text(path, rel, report)
    if text is None:
        return None
    # the substring tests are ten times faster than the pattern, and most files have neither character
    anchors = ("&" in text or "*" in text) and bool(_MAYBE_ANCHOR.search(text)) and _scan_anchors(text, rel, report)
    before = len(report.problems)
    root = compose(text, rel, report)
    if root is None:
        if len(report.problems) == before:  # parsed fine, but nothing in it
            report.error(rel, 1, 1, "file is empty", "write the fields as 'field: value' lines")
        return None
    return None if anchors else root
