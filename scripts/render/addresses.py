"""How entry pages show a source's address: readable (IRI form) and with a lookup of archived copies."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote

WAYBACK_LOOKUP = "https://web.archive.org/web/*/"


def _shown(ch: str) -> str:
    """A decoded character as the reader sees it: controls, format marks (bidi overrides) and spaces stay escaped."""
    if unicodedata.category(ch)[0] in "CZ":
        return quote(ch, safe="")
    return ch


def readable(url: str) -> str:
    """The address as a reader reads it: percent-escapes decoded (``%d8%a3`` → ``أ``), for the link's text only.

    Escapes that do not decode to UTF-8, and characters that could hide or reorder text (controls, bidi
    marks, spaces), stay as written, so the text never shows an address other than the link's."""
    try:
        decoded = unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url
    # '%25' decoded to '%' must stay '%25', or '%2541' would read as 'A'; decode piecewise to keep it.
    parts = url.split("%25")
    if len(parts) > 1:
        return "%25".join(readable(p) for p in parts)
    return "".join(_shown(ch) for ch in decoded)


def lookup(url: str) -> str:
    """The Wayback Machine's list of its copies of ``url`` (a search, not a copy anyone checked)."""
    return WAYBACK_LOOKUP + url.split("#", 1)[0]
