"""Citations of entries: CSL-JSON and BibTeX, per entry (entries/<id>/cite.*) and for the whole archive (data/entries.*).

What is cited is the archive's entry: its title, the archive, the evidence's date at the precision known,
the page's address and the date the entry last changed (its addition or its latest correction; never the
clock, so the same log gives the same bytes).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import parallel
from ..config import SiteConfig
from ..evidence.model import Archive, Entry
from ..publish.output import Output
from ..store.pages import PageMemo
from ..store.section import key, open_section
from . import fragments

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
          "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX))
_SPACE = re.compile(r"\s+")


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
                                       lambda e: csl_item(e, cfg))  # a list of one item: the item one level in
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


def _salt() -> str:
    """What every stored reference depends on besides its item: citeproc-py (its styles and locales ship with
    it), the style, and how reference() calls it."""
    import hashlib
    import inspect
    from importlib.metadata import version

    how = hashlib.sha256(inspect.getsource(reference).encode()).hexdigest()[:16]
    return f"citeproc-py {version('citeproc-py')} {CSL_STYLE} {how}"


def _render_slice(todo: list[tuple[str, str, dict]], start: int, end: int) -> list[str]:
    return [reference(item, locale) for _, locale, item in todo[start:end]]


def references(archive: Archive, cfg: SiteConfig, cache: Path | None = None) -> dict[tuple[str, str], str]:
    """(language, entry id) -> the entry's reference in that language, for every site language.

    3 to 5 ms of CPU each: kept in the store (.cache/references.json) under a digest of the CSL item and the
    locale, so only new or changed entries are rendered again, even after our code changes; on all cores."""
    section = open_section(cache, "references", _salt()) if cache else None
    items = {e.id: csl_item(e, cfg) for e in archive.entries}
    wanted = {(lang, id): (csl_locale(lang), item) for lang in cfg.languages.all for id, item in items.items()}
    done, todo, keys = {}, [], {}
    for (lang, id), (locale, item) in wanted.items():
        keys[(lang, id)] = k = key(locale, item)
        text = section.get(f"{lang}/{id}", k) if section else None
        if isinstance(text, str):
            done[(lang, id)] = text
        else:
            todo.append(((lang, id), locale, item))
    rendered = [text for part in parallel.map_slices(_render_slice, todo, len(todo), parallel_from=200) for text in part]
    done.update(zip([name for name, _, _ in todo], rendered))
    if section is not None:
        section.replace_all({f"{lang}/{id}": [keys[(lang, id)], text] for (lang, id), text in sorted(done.items())})
        section.save()
    return done
