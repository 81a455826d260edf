"""What Pagefind indexes on a page: the page's content, plus a hidden copy of its words as readers type them.

Pagefind's stemmers leave Arabic alef forms, ta marbuta, alef maqsura, tashkeel, the article and the
prefixes و/ب/ل, and Latin accents as they are. So each content's words that differ once normalised
(``normalise``, mirrored in content/assets/search.js for the query) are added, deduplicated and sorted,
in an element readers never see (``hidden``: not shown, not read out), inside the indexed body. Pagefind
keeps that copy in the page's text, whose excerpts the search shows: the copy starts with ``SENTINEL``, a
word of no letters (so never indexed), and content/assets/search.js builds excerpts from the text before it.

Pagefind is given a slim copy of each page (``stage``): Material's head and sidebars are two thirds of a page
that Pagefind parses only to skip. What it reads outside the body it indexes (``<html lang>``, the first
``<h1>`` and ``<title>`` for the result's title, the first ``<img>`` after it, ``data-pagefind-*``
attributes) the copy keeps, or the page is given whole, as it is where a raw-text element (``<textarea>``,
``<title>``…) in the article could make the frame after it text; an ignored element before the article must
be closed there (a test checks the templates). Tests compare the index with a run over the whole pages.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import lxml.html

from ..evidence.problems import BuildError

# The templates mark labels and chrome data-search-exclude (Material's attribute); Pagefind skips those too,
# except the title and the notes, which Material's search took elsewhere and which readers search for.
EXCLUDED = "[data-search-exclude]:not(h1):not(#notes)"
_EXCLUDED_XPATH = "//*[@data-search-exclude][not(self::h1)][not(@id='notes')] | //script | //style"
_WORD = re.compile(r"\w+")
_BLOCKS = ("p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section", "blockquote", "figcaption",
           "td", "th", "br", "nav", "ul", "ol", "dl", "table", "tr", "figure", "article", "header", "footer")
_LETTERS = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})
ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")  # longest first
PREFIXES = ("و", "ب", "ل", "ف")
SENTINEL = "\u2042"  # ⁂: the hidden copy's first word in a page's text; search.js cuts excerpts there
UNUSED = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js", "pagefind-worker.js")
# The search dialog's words (overrides/partials/search.html, via languages.py), translated like the pages'
UI_STRINGS = {
    "loading": "Searching…",
    "results": "Results: {count}",
    "none": "No results",
    "more": "More results",
    "failed": "The search could not be loaded.",
}


# The slim copy (``stage``): Material's frame of the content block (base.html), and the page's title element
_ARTICLE = b'<article class="md-content__inner md-typeset">'
_ARTICLE_END = b"</article>"
_TITLE = re.compile(rb"<title>.*?</title>", re.S)
# what Pagefind reads outside its body, before and after the article (the first image after the title)
_READ_BEFORE, _READ_AFTER = (b"<h1",), (b"<h1", b"<img")
_ATTRS, _IGNORE = b"data-pagefind-", b"data-pagefind-ignore"  # ignore: an excluded header gives Pagefind nothing
# raw-text elements: one left open in the article (hand-written Markdown passes it through) makes the rest of the
# whole page its text, which the slim copy does not have
_RAW = (b"<textarea", b"<xmp", b"<title", b"<noembed", b"<noframes", b"<plaintext")
BODY = b"data-pagefind-body"  # Pagefind indexes only the pages that have it (every page of ours but 404.html)


class _NotCombining(dict):
    """str.translate table that drops combining marks: each character is looked up once per process."""

    def __missing__(self, code: int):
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_MARKS = _NotCombining()


def normalise(word: str) -> str:
    """Lower case without accents, tashkeel, tatweel or hamza carriers; ة as ه, ى as ي."""
    return unicodedata.normalize("NFD", word.lower().translate(_LETTERS)).translate(_MARKS)


def strip_article(word: str) -> str:
    """An Arabic word without its article (and a preposition before it), when two letters remain."""
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article):]
    return word


@functools.lru_cache(maxsize=1 << 16)  # a site's pages share most of their words
def variants(word: str) -> frozenset[str]:
    """The forms of ``word`` a reader's query may reduce to (see content/assets/search.js)."""
    plain = normalise(word)
    forms = {plain, strip_article(plain)}
    if plain[:1] in PREFIXES and len(plain) >= 4:  # وكالة is itself a word: keep both
        forms |= {plain[1:], strip_article(plain[1:])}
    return frozenset(forms)


def _text(content: str) -> str:
    """The text of ``content`` (HTML) that Pagefind indexes."""
    if not content.strip():
        return ""
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for el in root.xpath(_EXCLUDED_XPATH):
        el.drop_tree()
    for el in root.iter(*_BLOCKS):  # text_content() joins "<p>أحيزون</p><p>Head" into one word; Pagefind does not
        el.text, el.tail = " " + (el.text or ""), " " + (el.tail or "")
    return root.text_content()


def _normalised_words(text: str) -> set[str]:
    """The words of ``text`` once normalised, from its tokens that are not ASCII (an ASCII word's only form is
    its lower case, already in the text). Each token is normalised before it is split: tashkeel are not word
    characters, and no word spans whitespace."""
    return {w for token in set(text.split()) if not token.isascii() for w in _WORD.findall(normalise(token))}


def hidden_copy(content: str) -> str:
    """The hidden element of the normalised words of ``content`` (HTML) not already in it ('' if none)."""
    text = _text(content)
    present = set(_WORD.findall(text.lower()))
    extra = sorted({v for w in _normalised_words(text) for v in variants(w)} - present)
    if not extra:
        return ""
    return f'<div hidden data-search-variants>{SENTINEL} {html.escape(" ".join(extra))}</div>'


def indexed(content: str) -> str:
    """The page's content inside Pagefind's body marker, with its hidden normalised copy."""
    return f"<div data-pagefind-body>{content}{hidden_copy(content)}</div>"


def slim(page: bytes) -> bytes | None:
    """What Pagefind reads of a built page, as a page of its own: the <html> tag, the title, Material's article
    (None where Pagefind would read more, or the page has no indexed body: it is given whole)."""
    top, start, end = page.find(b"<html"), page.find(_ARTICLE), page.rfind(_ARTICLE_END)
    if top < 0 or start < top or end < start:
        return None
    head_at = page.find(b">", top) + 1
    end += len(_ARTICLE_END)
    article, before, after = page[start:end], page[head_at:start], page[end:]
    if BODY not in article or _reads(before, _READ_BEFORE) or _reads(after, _READ_AFTER) or _raw(article):
        return None
    title = _TITLE.search(before)
    return b"".join((b"<!doctype html>", page[top:head_at], b'<head><meta charset="utf-8">',
                     title[0] if title else b"", b"</head><body>", article, b"</body></html>"))


def _reads(part: bytes, tags: tuple[bytes, ...]) -> bool:
    """Whether Pagefind may read something of ``part``, outside the indexed body (a plain search: a regex
    over Material's 16 KB frame costs more than Pagefind saves on it)."""
    low = part.lower()
    return any(tag in low for tag in tags) or low.count(_ATTRS) != low.count(_IGNORE)


def _raw(article: bytes) -> bool:
    low = article.lower()
    return any(tag in low for tag in _RAW)


def stage(page: Path, copy: Path) -> None:
    """Put at ``copy`` what Pagefind is to read of ``page``: its slim copy, else a hard link to it."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    data = page.read_bytes()
    short = slim(data)
    if short is None:
        os.link(page, copy)
    else:
        copy.write_bytes(short)


def run_pagefind(site: Path) -> None:
    """Index the assembled site (every language: Pagefind splits by <html lang>) into site/pagefind/."""
    done = subprocess.run([sys.executable, "-m", "pagefind_bin", "--site", str(site), "--silent",
                           "--exclude-selectors", EXCLUDED],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise BuildError(f"the search index could not be built: Pagefind says {last[0]!r} "
                         "(is pagefind-bin from requirements.txt installed?)")
    for name in UNUSED:  # Pagefind's own UIs and its worker: search.js uses pagefind.js alone
        for path in (site / "pagefind").glob(name):
            path.unlink()
    # Pagefind writes its languages in hash-map order, which changes from run to run: same input, same bytes
    entry = site / "pagefind" / "pagefind-entry.json"
    data = json.loads(entry.read_text("utf-8"))
    entry.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8")
