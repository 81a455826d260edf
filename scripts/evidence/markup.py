"""The small Markdown subset allowed in summaries and notes: paragraphs, *emphasis*, [links](https://…).

It is checked here and rendered here to escaped HTML, so no text from the evidence log
ever reaches a Markdown or HTML parser that could turn it into live markup.
"""

from __future__ import annotations

import re
from html import escape

import yaml

from .scalars import HTTP_URL, Text
from .spec import INVALID, Ctx

_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
# As in CommonMark, '_' and '__' do not emphasise inside a word (snake_case, window.__name__ stay as typed).
_EMPH = re.compile(r"\*\*(?=\S)(?P<s1>.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(?P<s2>.+?)(?<=\S)__(?!\w)"
                   r"|\*(?=\S)(?P<e1>.+?)(?<=\S)\*|(?<!\w)_(?=\S)(?P<e2>.+?)(?<=\S)_(?!\w)", re.S)
_IMAGE = re.compile(r"!\[")
_REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:", re.M)
_BLOCK = re.compile(r"^ {0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|```|~~~|\|)", re.M)


class Markdown(Text):
    """Text in the Markdown subset; links must be http(s)."""

    def __init__(self, doc: str = "", max_len: int = 0):
        super().__init__(doc=doc, max_len=max_len, multiline=True)

    def check(self, node: yaml.Node, ctx: Ctx, name: str):
        text = super().check(node, ctx, name)
        if text is INVALID:
            return INVALID
        ok = True
        if "[" not in text:  # no links, images or reference definitions: only block syntax to look at
            if m := _BLOCK.search(text):
                ctx.warning(node, f"'{name}' uses Markdown that is not supported ('{m.group(1).strip()}' at the start of a line)",
                            "only paragraphs, *emphasis* and [links](https://…) are rendered; the rest shows as typed")
            return text
        if _IMAGE.search(text):
            ctx.error(node, f"images are not allowed in '{name}'", "add pictures as media items")
            ok = False
        if _REFDEF.search(text):
            ctx.error(node, f"reference-style links are not allowed in '{name}'", "write [text](https://…)")
            ok = False
        for m in _LINK.finditer(text):
            if not HTTP_URL.match(m.group(2)):
                ctx.error(node, f"link in '{name}' must point to an http(s) address (got '{m.group(2)[:60]}')",
                          "write [text](https://…)")
                ok = False
        if ok and (m := _BLOCK.search(text)):
            ctx.warning(node, f"'{name}' uses Markdown that is not supported ('{m.group(1).strip()}' at the start of a line)",
                        "only paragraphs, *emphasis* and [links](https://…) are rendered; the rest shows as typed")
        return text if ok else INVALID


def _inline(text: str) -> str:
    """Render emphasis and links in one paragraph; escape everything else."""
    if "[" not in text:
        return _emphasis(text)
    out, pos = [], 0
    for m in _LINK.finditer(text):
        out.append(_emphasis(text[pos:m.start()]))
        url = m.group(2)
        if HTTP_URL.match(url):
            out.append(f'<a href="{escape(url)}" rel="nofollow noopener">{_emphasis(m.group(1))}</a>')
        else:  # the checker refuses these; render inert if one slips through
            out.append(escape(m.group(0)))
        pos = m.end()
    out.append(_emphasis(text[pos:]))
    return "".join(out)


def _emphasis(text: str) -> str:
    if "*" not in text and "_" not in text:  # most text: skip the regular expression
        return escape(text)
    out, pos = [], 0
    for m in _EMPH.finditer(text):
        out.append(escape(text[pos:m.start()]))
        if strong := m["s1"] or m["s2"]:
            out.append(f"<strong>{escape(strong)}</strong>")
        else:
            out.append(f"<em>{escape(m['e1'] or m['e2'])}</em>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def to_html(text: str) -> str:
    """Render the Markdown subset to HTML paragraphs; every character of input is escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{_inline(' '.join(p.split()))}</p>" for p in paragraphs)


def to_text(text: str) -> str:
    """Return the plain text of the Markdown subset (for feeds' text and page descriptions)."""
    if "[" in text:
        text = _LINK.sub(lambda m: m.group(1), text)
    if "*" in text or "_" in text:
        text = _EMPH.sub(lambda m: m["s1"] or m["s2"] or m["e1"] or m["e2"], text)
    return " ".join(text.split())
