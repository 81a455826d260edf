"""The small Markdown subset allowed in summaries and notes: paragraphs, *emphasis*, [links](https://…),
and references to other entries, [the words of the text](entry:ID).

markdown-it-py (CommonMark) parses it with only paragraphs, emphasis, links, backslash escapes
and line breaks switched on, and ``html=False``. The checker walks its tokens; the renderer
below turns the same tokens into HTML itself, escaping every piece of text, so no text from
the evidence log can become live markup: only <p>, <em>, <strong> and <a href="http(s)…">, and
<a href> to an entry page for an ``entry:`` link whose id has the id's form (the checker also makes sure
the entry exists, like ``related``).

Why ``[text](entry:ID)`` and not ``[[ID]]``: the link keeps the note's own words as its text (a mention
becomes a link without rewording), it is the link syntax the subset already has, and ``[[`` at the start
of a plain YAML value would open a YAML list.
"""

from __future__ import annotations

import re
from html import escape
from typing import Callable

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .scalars import HTTP_URL, Text
from .spec import INVALID, Ctx

_BLOCK = re.compile(r"^ {0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|```|~~~|\|)", re.M)
_SPACE = re.compile(r"\s+")
_SUBSET_HINT = "only paragraphs, *emphasis* and [links](https://…) are rendered; the rest shows as typed"
ENTRY_SCHEME = "entry:"
# The entry id's form (schema.ID_PATTERN, ID_MAX; schema imports this module, so it is repeated here).
ENTRY_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ENTRY_ID_MAX = 80


def _parser(references: bool) -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False})
    md.enable(["emphasis", "link", "escape", "newline", "image"] + (["reference"] if references else []))
    # 'normalize' would turn NUL into U+FFFD; line ends are normalised in _parse instead.
    md.disable("normalize")
    # Every link becomes a token, whatever its scheme, so the checker can name a refused one; and the
    # address is kept as written (no percent-encoding), as the checker saw it.
    md.validateLink = lambda url: True
    md.normalizeLink = lambda url: url
    return md


# The checker also parses reference definitions, to refuse them; the renderer leaves them as typed text.
_CHECKER, _RENDERER = _parser(references=True), _parser(references=False)


def _parse(md: MarkdownIt, text: str, env: dict | None = None) -> list[Token]:
    return md.parse(text.replace("\r\n", "\n").replace("\r", "\n"), {} if env is None else env)


def _inline(tokens: list[Token]):
    """Every inline token, in order (children of images included)."""
    for block in tokens:
        for tok in block.children or ():
            yield tok
            if tok.children:
                yield from tok.children


def entry_ref(href: str) -> str | None:
    """The entry id an ``entry:ID`` link names, or None (not an entry link, or an id of the wrong form)."""
    if not href.startswith(ENTRY_SCHEME):
        return None
    ident = href[len(ENTRY_SCHEME):]
    return ident if len(ident) <= ENTRY_ID_MAX and ENTRY_ID.fullmatch(ident) else None


class Markdown(Text):
    """Text in the Markdown subset; links must be http(s), or entry:ID to another entry."""

    def __init__(self, doc: str = "", max_len: int = 0):
        super().__init__(doc=doc, max_len=max_len, multiline=True)

    def check(self, node: yaml.Node, ctx: Ctx, name: str):
        text = super().check(node, ctx, name)
        if text is INVALID:
            return INVALID
        ok = "[" not in text or self._check_links(text, node, ctx, name)  # links, images, references need '['
        if ok and (m := _BLOCK.search(text)):
            ctx.warning(node, f"'{name}' uses Markdown that is not supported ('{m.group(1).strip()}' at the start "
                              "of a line)", _SUBSET_HINT)
        return text if ok else INVALID

    def _check_links(self, text: str, node: yaml.Node, ctx: Ctx, name: str) -> bool:
        """Report images, reference definitions and non-http(s) links; tell whether there were none."""
        env: dict = {}
        found = list(_inline(_parse(_CHECKER, text, env)))
        problems = []
        if any(t.type == "image" for t in found):
            problems.append((f"images are not allowed in '{name}'", "add pictures as media items"))
        if env.get("references"):
            problems.append((f"reference-style links are not allowed in '{name}'", "write [text](https://…)"))
        by_reference = {r["href"] for r in env.get("references", {}).values()}  # reported once, above
        for t in found:
            if t.type not in ("link_open", "image"):
                continue
            href = str(t.attrs.get("href" if t.type == "link_open" else "src", ""))
            if t.type == "link_open" and href.startswith(ENTRY_SCHEME):
                if (ident := entry_ref(href)) is not None:
                    ctx.refs.append((f"entries@{name}", ident, node))  # resolved with 'related', after all files
                else:
                    problems.append((f"entry link in '{name}' names '{href[len(ENTRY_SCHEME):][:60]}', which is "
                                     "not an entry id", "write [text](entry:2024-03-01-ministry-statement): the "
                                     "entry's file name without .yaml"))
            elif not HTTP_URL.match(href) and href not in by_reference:
                problems.append((f"link in '{name}' must point to an http(s) address (got '{href[:60]}')",
                                 "write [text](https://…)"))
        for message, hint in problems:
            ctx.error(node, message, hint)
        return not problems

    def describe(self):
        return self.doc or ("text: paragraphs, `*emphasis*`, `**strong**` and `[links](https://…)`; "
                            "`[words](entry:ID)` links to another entry (the id must exist); no HTML")


_TAGS = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>", "strong_close": "</strong>"}


def _alt(image: Token) -> str:
    """An image's text alternative without its markup (``content`` is the source, *stars* included)."""
    return "".join(c.content for c in image.children or () if c.type == "text")


def _href(href: str, entry_href: Callable[[str], str] | None) -> str | None:
    """Where a link may point on the page: an http(s) address, an entry's page (``entry_href``), or nowhere."""
    if HTTP_URL.match(href):  # the checker refuses the others; inert if one slips through
        return href
    ident = entry_ref(href)
    return entry_href(ident) if ident is not None and entry_href else None


def _render_inline(children: list[Token], entry_href: Callable[[str], str] | None = None) -> str:
    out, links = [], []  # links: whether each open link was rendered as <a> (a refused one shows as text)
    for tok in children:
        if tok.type == "text":
            out.append(escape(tok.content))
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.type in _TAGS:
            out.append(_TAGS[tok.type])
        elif tok.type == "link_open":
            href = _href(str(tok.attrs.get("href", "")), entry_href)
            links.append(href is not None)
            if href is not None and not HTTP_URL.match(href):
                out.append(f'<a href="{escape(href)}" class="ea-ref">')  # our own page: no rel needed
            elif href is not None:
                out.append(f'<a href="{escape(href)}" rel="nofollow noopener">')
        elif tok.type == "link_close":
            if links.pop():
                out.append("</a>")
        elif tok.type == "image":  # refused by the checker: its text alternative, as text
            out.append(escape(_alt(tok)))
    # Whitespace folded once over the whole paragraph (an href holds none: HTTP_URL refuses it).
    return _SPACE.sub(" ", "".join(out)).strip()


def to_html(text: str, entry_href: Callable[[str], str] | None = None) -> str:
    """Render the Markdown subset to HTML paragraphs; every character of input is escaped.

    ``entry_href`` gives the address of an entry's page from the page being written; without it an
    ``entry:`` link shows as its text (feeds, whose readers have no relative address to follow)."""
    tokens = _parse(_RENDERER, text)
    return "".join(f"<p>{html}</p>" for t in tokens
                   if t.type == "inline" and (html := _render_inline(t.children or [], entry_href)))


def to_text(text: str) -> str:
    """Return the plain text of the Markdown subset (for feeds' text and page descriptions)."""
    parts = []
    for block in _parse(_RENDERER, text):
        for tok in block.children or ():
            if tok.type == "text":
                parts.append(tok.content)
            elif tok.type == "image":
                parts.append(_alt(tok))
            elif tok.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        parts.append(" ")  # between paragraphs
    return " ".join("".join(parts).split())
