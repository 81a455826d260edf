"""Citations of entries: CSL-JSON and BibTeX, per entry (entries/<id>/cite.*) and for the whole archive (data/entries.*).

What is cited is the archive's entry: its title, the archive, the evidence's date at the precision known,
the page's address and the date the entry last changed (its addition or its latest correction; never the
clock, so the same log gives the same bytes).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any, Sequence

from ..config import SiteConfig
from ..evidence.model import Archive, Entry
from ..publish.output import Output
from ..store import resident
from ..store.pages import PageMemo
from . import fragments

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
          "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX))
_SPACE = re.compile(r"\s+")
log = logging.getLogger(__name__)


def last_changed(e: Entry) -> dt.date:
    """The day the entry last changed as the log records it: its addition or its latest correction."""
    return max([e.added, *(c.date.first_day() for c in e.corrections if c.date.bound != "undated")])


def _parts(e: Entry) -> list[int]:
    return [p for p in (e.date.year, e.date.month, e.date.day) if p]


def csl_item(e: Entry, cfg: SiteConfig) -> dict[str, Any]:
    """The entry as one CSL-JSON item (a web page of the archive)."""
    item: dict[str, Any] = {
        "id": e.id, "type": "webpage", "title": e.title, "container-title": cfg.site_name,
        "author": [{"literal": cfg.site_name}], "URL": cfg.base + e.url,
        "language": "en", "note": f"Evidence dated {e.date.iso()}; entry last changed {last_changed(e).isoformat()}",
    }
    if e.date.bound == "" and e.date.year:
        item["issued"] = {"date-parts": [_parts(e)]}
    elif e.date.bound != "undated":
        item["issued"] = {"literal": e.date.iso()}  # "before 2016": no date-parts can say that
    return item


def latex(text: str) -> str:
    """Text safe inside a BibTeX brace-delimited field: LaTeX's special characters escaped, one line."""
    return _SPECIAL.sub(lambda m: _LATEX[m[0]], _SPACE.sub(" ", text).strip())


def bibtex_entry(e: Entry, cfg: SiteConfig) -> str:
    """The entry as one biblatex @online record (UTF-8; biber and bibtexparser read it)."""
    fields = [("title", latex(e.title)), ("organization", latex(cfg.site_name)), ("url", cfg.base + e.url),
              ("note", latex(f"Evidence dated {e.date.iso()}; entry last changed {last_changed(e).isoformat()}"))]
    if e.date.bound == "" and e.date.year:
        fields.insert(2, ("date", e.date.machine()))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@online{{{e.id},\n{body}\n}}\n"


def render(archive: Archive, cfg: SiteConfig, memo: PageMemo | None = None) -> list[Output]:
    """The citation files, for the one writer; ``memo``: an unchanged entry's cite.csl.json is not encoded again."""
    csl, texts = fragments.entry_files(archive, memo, lambda e: f"entries/{e.id}/cite.csl.json", "[\n ", "\n]\n",
                                       lambda e: csl_item(e, cfg),  # a list of one item: the item one level in
                                       fragments.Whole("data/entries.csl.json", "[", 0))
    bibs = [bibtex_entry(e, cfg) for e in archive.entries]
    out = [Output("data/entries.csl.json", (fragments.join_list(texts, 0) + "\n").encode("utf-8")),
           Output("data/entries.bib", "\n".join(bibs).encode("utf-8"))]
    for e, own, bib in zip(archive.entries, csl, bibs):
        out += [own, Output(f"entries/{e.id}/cite.bib", bib.encode("utf-8"))]
    return out


CSL_STYLE = "harvard-cite-them-right"  # the only style citeproc-py 0.11.1 ships (Cite Them Right, author-date)
CSL_LOCALES = {"en": "en-GB", "fr": "fr-FR", "ar": "ar"}  # the style's own locale is en-GB; citeproc ships fr-FR, ar


def csl_locale(lang: str) -> str:
    """The CSL locale of a site language (British English where citeproc-py has none)."""
    return CSL_LOCALES.get(lang, "en-GB")


@lru_cache(maxsize=None)
def _style(locale: str):
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(CSL_STYLE, locale=locale, validate=False)  # parsed once per process and locale


def reference(item: dict[str, Any], locale: str = "en-GB") -> str:
    """The ready-to-paste reference of one CSL-JSON item, as plain text (citeproc-py, Cite Them Right Harvard).

    Plain text, not HTML: the page escapes it like any string from the log."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    bib = CitationStylesBibliography(_style(locale), CiteProcJSON([copy.deepcopy(item)]), formatter.plain)
    bib.register(Citation([CitationItem(item["id"])]))
    return str(bib.bibliography()[0])


def page_citation(e: Entry, cfg: SiteConfig, lang: str, references: dict[tuple[str, str], str]) -> dict[str, Any]:
    """What an entry page's "Cite this entry" block shows: the reference (plain text: the template escapes it),
    the day the entry last changed, and the addresses of the downloads, published once at the default root."""
    text = references.get((lang, e.id))
    if text is None:  # a page rendered without references() (tests, one page)
        text = reference(csl_item(e, cfg), csl_locale(lang))
    up = "../" * e.url.count("/") + ("" if lang == cfg.languages.default else "../")
    return {"reference": text, "changed": last_changed(e), "bib": f"{up}{e.url}cite.bib", "csl": f"{up}{e.url}cite.csl.json"}


# References by shape ------------------------------------------------------------------------------------
# citeproc-py copies a title or an address into the reference as it is, except at its two ends, where a seam
# rule drops a space or punctuation mark that would double the one before or after it. So an item's reference
# is its shape's (the item with marker tokens for title and URL, keeping their end characters) with the tokens
# replaced: one citeproc call per shape instead of one per entry and language (4 ms each; 30,000 at 10,000
# entries). The tests compare this with citeproc for every real entry, hostile titles and synthetic ones.

_TITLE, _URL = "\ue000title\ue001", "\ue000url\ue001"  # private-use marks; any other text holding one: citeproc
_NOCASE = '<span class="nocase">'  # the one markup CiteProcJSON reads in a string (it drops the tags)
_ALWAYS = frozenset({"type", "language"})  # not variables, but the style tests the type and case uses the language
_PROBES = ((1, 1), (12, 28))  # two months and days: if both give one text, the style does not print them


@lru_cache(maxsize=None)
def _variables() -> frozenset[str]:
    """The CSL variables the style prints or tests: no other field of an item can change its reference."""
    names: set[str] = set()
    for node in _style("en-GB").root.iter():
        for attr in ("variable", "is-numeric", "is-uncertain-date"):
            names.update((node.get(attr) or "").split())
    return frozenset(names)


def _edge(c: str) -> str:
    """A stand-in for an end character that citeproc treats alike: a letter of the same case, a digit, or c."""
    kind = unicodedata.category(c)
    if kind == "Lu" and c.lower().upper() == c:
        return "A"
    if kind == "Ll" and c.upper().lower() == c:
        return "a"
    return {"Lo": "\u0628", "Nd": "0"}.get(kind, c)


def _doubled(text: str) -> bool:
    """Whether text starts with a repeated space or mark, which seams may strip more than once (a marker once)."""
    return text[0] == text[1] and not text[0].isalnum()


def _token(text: Any, core: str) -> str | None:
    """The marker that stands for ``text`` in a shape, or None when the text needs citeproc itself."""
    if not isinstance(text, str) or len(text) < 2 or _NOCASE in text.lower() or _doubled(text) or _doubled(text[::-1]):
        return None
    return _edge(text[0]) + core + _edge(text[-1])


def _shape(item: dict[str, Any]) -> dict[str, Any] | None:
    """The item as the style sees it, title and URL as markers; None when only citeproc can render it."""
    title, url = _token(item.get("title"), _TITLE), _token(item.get("URL"), _URL)
    if title is None or url is None:
        return None
    used = _variables() | _ALWAYS
    shape = {k: v for k, v in item.items() if k in used}
    shape.update({"id": item["id"] if "id" in used else "shape", "title": title, "URL": url})
    return shape


def _probe(shape: dict[str, Any], month: int, day: int) -> dict[str, Any] | None:
    """The shape with a single full date's month and day replaced by the probe's (its year kept), if it has one."""
    issued = shape.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) and len(issued) == 1 else None
    if not (isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], list) and 2 <= len(parts[0]) <= 3
            and all(type(p) is int for p in parts[0]) and 1 <= parts[0][1] <= 12 and parts[0][2:3] != [0]):
        return None
    return {**shape, "issued": {"date-parts": [[parts[0][0], month, day][:len(parts[0])]]}}


def _fill(text: str, shape: dict[str, Any], item: dict[str, Any]) -> str | None:
    """The shape's reference with the item's title and URL in place of the markers; None unless each marker is
    there exactly once."""
    spans = []
    for field in ("title", "URL"):
        marker = shape[field]
        at = text.find(marker)
        if at < 0 or text.count(marker[1:-1]) != 1:
            return None
        spans.append((at, at + len(marker), item[field]))
    spans.sort()
    if spans[0][1] > spans[1][0]:
        return None
    (a, b, first), (c, d, second) = spans
    return text[:a] + first + text[b:c] + second + text[d:]


def _dump(shape: dict[str, Any]) -> str:
    return json.dumps(shape, sort_keys=True, ensure_ascii=False)


class Shapes:
    """References of many items from one citeproc call per shape and locale (see above)."""

    def __init__(self):
        self.texts: dict[tuple[str, str], str] = {}  # (locale, shape) -> its reference
        self.any_day: dict[tuple[str, str], str | None] = {}  # (locale, probe shape) -> both probes' text, None if they differ
        self.calls = 0  # citeproc calls made, for the log and the bench

    def _citeproc(self, item: dict[str, Any], locale: str) -> str:
        self.calls += 1
        return reference(item, locale)

    def _exact(self, shape: dict[str, Any], dump: str, locale: str) -> str:
        if (locale, dump) not in self.texts:
            self.texts[locale, dump] = self._citeproc(shape, locale)
        return self.texts[locale, dump]

    def _any_day(self, probes: list[dict[str, Any]], dump: str, locale: str) -> str | None:
        """The probes' common reference (the style prints neither month nor day), else None."""
        if (locale, dump) not in self.any_day:  # not in texts: an item dated like a probe has its dump
            first, second = (self._citeproc(p, locale) for p in probes)
            self.any_day[locale, dump] = first if first == second else None
        return self.any_day[locale, dump]

    def references(self, item: dict[str, Any], locales: tuple[str, ...]) -> list[str]:
        """The same texts as [reference(item, locale) for locale in locales]."""
        shape = _shape(item)
        if shape is None:
            return [self._citeproc(item, locale) for locale in locales]
        probes = [_probe(shape, m, d) for m, d in _PROBES]
        generic, exact, out = _dump(probes[0]) if probes[0] else None, None, []
        for locale in locales:
            text = self._any_day(probes, generic, locale) if generic else None
            if text is None:
                exact = exact or _dump(shape)
                text = self._exact(shape, exact, locale)
            filled = _fill(text, shape, item)
            out.append(self._citeproc(item, locale) if filled is None else filled)
        return out

    def reference(self, item: dict[str, Any], locale: str) -> str:
        """The same text as reference(item, locale)."""
        return self.references(item, (locale,))[0]


_LAST: dict[int, tuple[Entry, tuple, list[str]]] = resident.kept()  # id(entry) -> (entry, its item's settings, its references)


def references(archive: Archive, cfg: SiteConfig, langs: Sequence[str] | None = None) -> dict[tuple[str, str], str]:
    """(language, entry id) -> the entry's reference in that language, for every site language (of ``langs``).

    citeproc-py's own text, rendered once per shape: about 1 s at 10,000 entries and three languages, so
    nothing is stored; a long-lived process (the preview) renders again only the entries that are new objects
    (csl_item reads the entry and these settings alone; entries are never changed once made)."""
    shapes, langs = Shapes(), tuple(langs or cfg.languages.all)
    locales = tuple(csl_locale(lang) for lang in langs)
    settings, out, kept = (cfg.site_name, cfg.base, locales), {}, {}
    for e in archive.entries:
        last = _LAST.get(id(e))
        texts = last[2] if last is not None and last[0] is e and last[1] == settings else \
            shapes.references(csl_item(e, cfg), locales)
        kept[id(e)] = (e, settings, texts)
        out.update(zip([(lang, e.id) for lang in langs], texts))
    _LAST.clear()
    _LAST.update(kept)
    log.debug("%d references from %d citeproc calls", len(out), shapes.calls)
    return out
