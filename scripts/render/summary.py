"""The home page's summary of what happened: archive content from ``extra.archive.home_summary`` in mkdocs.yml.

Each language has a few lines, each with the entries that support it (linked after the line). The text is
plain: the template escapes it like every other text of the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence.model import Archive, Entry
from ..evidence.problems import BuildError

WHERE = "mkdocs.yml: extra.archive.home_summary"
MAX_LINES = 8


@dataclass(frozen=True)
class Line:
    text: str
    entries: tuple[Entry, ...]


def _fail(path: str, message: str, hint: str) -> BuildError:
    return BuildError(f"{WHERE}{path}: {message} ({hint})")


def _line(raw, path: str, archive: Archive) -> Line:
    if not isinstance(raw, dict) or set(raw) != {"text", "entries"} or not isinstance(raw["text"], str) \
            or not raw["text"].strip():
        raise _fail(path, "must be a mapping of text and entries", 'e.g. {text: "…", entries: [<entry id>, …]}')
    ids = raw["entries"]
    if not isinstance(ids, list) or not ids or not all(isinstance(x, str) for x in ids):
        raise _fail(path + ".entries", "must list the ids of the entries that support the line",
                    "every claim of the summary is one that the archive's entries support")
    missing = [x for x in ids if x not in archive.by_id]
    if missing:
        raise _fail(path + ".entries", f"no entry has the id '{missing[0]}'",
                    "an entry's id is its file name under evidence/entries/")
    return Line(" ".join(raw["text"].split()), tuple(archive.by_id[x] for x in ids))


def lines(raw, lang: str, archive: Archive) -> list[Line]:
    """The summary's lines in ``lang`` ([] when it has none); raise BuildError naming the setting at fault."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise _fail("", "must be a mapping of language codes to lists of lines", "e.g. en: [{text: …, entries: […]}]")
    items = raw.get(lang)
    if items is None:
        return []
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_LINES:
        raise _fail(f".{lang}", f"must be a list of 1 to {MAX_LINES} lines", "a summary a reader takes in at a glance")
    return [_line(x, f".{lang}[{i}]", archive) for i, x in enumerate(items)]
