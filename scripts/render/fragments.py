"""Per-entry JSON files (entries/<id>/entry.json, cite.csl.json) and the whole-archive files made of the same parts.

``json.dumps`` with ``indent`` runs in pure Python (the C encoder has no indent): at 10,000 entries, encoding
each record twice, once for its own file and once inside the archive's, cost seconds. Each record is encoded
once, and the archive's file is joined from those texts, re-indented: JSON strings hold no raw newline, so
indenting a nested value one level deeper is adding a space after every newline, and the bytes are those
``json.dumps`` gives for the whole. After an edit, an unchanged entry's text is taken from the last run's
whole-archive file (one read instead of 10,000), else from its own file in content/, and used only if the
entry's file made from it has the digest the page memo recorded for its key; else it is encoded again.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable

from ..evidence.model import Entry
from ..publish.output import Output
from ..store.pages import PageMemo
from .formatting import entry_digests


def dumps(value: Any, depth: int = 0) -> str:
    """``value`` as ``json.dumps(indent=1, sort_keys=True)`` writes it nested ``depth`` levels deep."""
    return nest(json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1), depth)


def nest(text: str, depth: int) -> str:
    """JSON text written at depth 0, as it is written ``depth`` levels deeper (indent=1)."""
    return text.replace("\n", "\n" + " " * depth) if depth else text


def join_list(texts: list[str], depth: int) -> str:
    """A JSON list at ``depth`` of values already written at depth + 1."""
    if not texts:
        return "[]"
    pad = " " * (depth + 1)
    return "[\n" + pad + (",\n" + pad).join(texts) + "\n" + " " * depth + "]"


def entry_files(archive, memo: PageMemo | None, path: Callable[[Entry], str], head: str, tail: str,
                value: Callable[[Entry], Any], last: Whole | None = None) -> tuple[list[Output], list[str]]:
    """Each entry's file ``head + value at depth 1 + tail`` (taken from the last run when its entry is unchanged),
    and the value texts at depth 1, in the archive's order; ``last``: the file where the last run joined them."""
    digests = entry_digests(archive)
    previous = last.texts(memo.content) if last and memo and memo.content else {}
    outputs, texts = [], []
    for e in archive.entries:
        rel, key = path(e), digests[e.id]
        known = _known(memo, rel, key, head, previous.get(e.id), tail) if memo else None
        if known is not None:
            text, out = known[0], Output(rel, known=known[1])  # the writer needs only its digest
        else:
            text = dumps(value(e), 1)
            out = Output(rel, (head + text + tail).encode("utf-8"))
            if memo:
                memo.record(rel, key, out.digest())
        outputs.append(out)
        texts.append(text)
    return outputs, texts


def _known(memo: PageMemo, rel: str, key: str, head: str, text: str | None, tail: str) -> tuple[str, str] | None:
    """(text, digest) if content/ holds the file the last run made from this key and it is ``head + text + tail``;
    its own file is read when ``text`` (the whole file's) is missing or not what the digest proves."""
    digest = memo.lookup(rel, key)
    if not digest:
        return None
    if text is not None and hashlib.sha256((head + text + tail).encode("utf-8")).hexdigest() == digest:
        memo.record(rel, key, digest)
        return text, digest
    out = memo.stored(rel, key)  # read, and checked against the digest
    raw = out.data.decode("utf-8") if out is not None else ""
    if out is not None and raw.startswith(head) and raw.endswith(tail) and len(raw) > len(head) + len(tail):
        return raw[len(head):len(raw) - len(tail)], digest
    return None


_ID = re.compile(r'\n  "id": ("(?:[^"\\]|\\.)*")')  # the record's own key: a nested record's is indented deeper


class Whole:
    """A whole-archive file of the last run, where the entries' texts are a JSON list at ``depth`` after ``marker``."""

    def __init__(self, path: str, marker: str, depth: int):
        self.path, self.marker, self.depth = path, marker, depth

    def texts(self, content: Path) -> dict[str, str]:
        """Each entry's text at depth 1 (id -> text) as the file holds it: candidates only, each one used where
        the digest of its entry's own file proves it; {} when the file is missing or of another shape."""
        try:
            raw = (content / self.path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        pad = "\n" + " " * (self.depth + 1)
        start = raw.find(self.marker + pad)
        end = raw.find("\n" + " " * self.depth + "]", start)
        if start < 0 or end < 0:
            return {}
        # An item's first line is "{" at depth + 1, its other lines deeper (JSON strings hold no raw newline).
        items = raw[start + len(self.marker) + len(pad):end].split("," + pad + "{")
        out = {}
        for n, item in enumerate(items):
            text = ("{" if n else "") + (item.replace("\n ", "\n") if self.depth else item)
            found = _ID.search(text)
            if found:
                out.setdefault(json.loads(found[1]), text)
        return out
