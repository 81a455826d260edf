"""Per-entry JSON files (entries/<id>/entry.json, cite.csl.json) and the whole-archive files made of the same parts.

``json.dumps`` with ``indent`` runs in pure Python (the C encoder has no indent): at 10,000 entries, encoding
each record twice, once for its own file and once inside the archive's, cost seconds. Each record is encoded
once, and the archive's file is joined from those texts, re-indented: JSON strings hold no raw newline, so
indenting a nested value one level deeper is adding a space after every newline, and the bytes are those
``json.dumps`` gives for the whole. After an edit, an unchanged entry's text is read back from its own file
in content/ (checked against the digest the page memo recorded for its key) instead of encoded again.
"""

from __future__ import annotations

import json
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
                value: Callable[[Entry], Any]) -> tuple[list[Output], list[str]]:
    """Each entry's file ``head + value at depth 1 + tail`` (taken from content/ when its entry is unchanged),
    and the value texts at depth 1, in the archive's order."""
    digests = entry_digests(archive)
    outputs, texts = [], []
    for e in archive.entries:
        rel, key = path(e), digests[e.id]
        out = memo.stored(rel, key) if memo else None
        raw = out.data.decode("utf-8") if out is not None else ""
        if out is not None and raw.startswith(head) and raw.endswith(tail) and len(raw) > len(head) + len(tail):
            text = raw[len(head):len(raw) - len(tail)]
            out = Output(rel, known=out.known)  # the writer needs only its digest
        else:
            text = dumps(value(e), 1)
            out = Output(rel, (head + text + tail).encode("utf-8"))
            if memo:
                memo.record(rel, key, out.digest())
        outputs.append(out)
        texts.append(text)
    return outputs, texts
