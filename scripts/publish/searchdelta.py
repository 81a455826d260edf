"""After an edit, Pagefind over the changed pages only, into a second bundle the browser merges.

Pagefind cannot update an index. When a language's pages are rendered again incrementally
(publish/incremental.py), its files of the primary bundle (pagefind/) are kept from the last site, and
Pagefind runs only over the pages whose bytes changed since that language's last full index: this build's
changed pages plus the last delta's pages (the delta is cumulative until the next full index). Its index
files (entry, metadata, index chunks, fragments; no wasm: pagefind.js merges an index with the primary's
wasm) go to ``pagefind/delta/``, a folder of the search bundle's own part of the site (``unchanged.part``
gives every other top folder to the default language). The primary index still holds the old copy of
each of those pages: their ids (Pagefind's result id, the name of the fragment file) are listed per
language under ``archive_delta`` in pagefind/pagefind-entry.json, a file search.js reads anyway and
pagefind.js ignores, and search.js drops those results before it counts them.

The ids a delta replaces are found by each page's url. The url -> id of every page of a language's primary index
is kept in the store (section ``search-ids``) under that index's hash, which changes whenever the index does:
after an edit ``primary_ids`` finds it there (a full index is read once, while the generation runs: the site's
head start), and the plan looks the changed pages up in it instead of reading the fragments.

A delta over more than ``BOUND`` pages, or one that cannot be trusted (its base index is not the one it
was made against, its ids unreadable), gives way to a full index of the language. A cold build, a full
build of a language, and so ``make site`` on a fresh clone, never make a delta.
"""

from __future__ import annotations

import json
import logging
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .. import config as site_config
from ..store.section import open_section
from .incremental import THEME_OUTPUTS, dest
from .searchtext import BODY, run_pagefind, stage as stage_page
from .unchanged import SEARCH

log = logging.getLogger(__name__)

DELTA = "delta"  # pagefind/delta/
KEY = "archive_delta"  # in pagefind/pagefind-entry.json: language -> the primary ids its delta replaces
BASE = "archive_base"  # in the delta's entry, per language: the primary index (its meta hash) it was made against
# Pagefind over 200 pages of the 10,000-entry bench: 0.97 s wall, 0.38 s CPU, against 10 s and 17.5 s CPU for
# a full language (benchmarks/search.md); past that a full index costs the reader and the ranking less.
BOUND = 200
_ID = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*_[0-9a-f]{7,64}")
_FRAGMENT = ".pf_fragment"
_KEPT = ("pagefind-entry.json",)
IDS = "search-ids"  # the store's section of each primary index's url -> id


class Untrusted(ValueError):
    """A previous delta that cannot be used as it is: the language is indexed in full."""


@dataclass
class Delta:
    """One language's delta: its pages (site paths) and the primary ids it makes stale."""

    pages: list[str]
    stale: list[str]


def changed_pages(new: Path, old: Path, lang: str, langs: site_config.Languages,
                  sources: list[str]) -> list[str] | None:
    """The HTML pages this build wrote again for ``sources`` whose bytes differ from the previous site's (None:
    a page that did not exist before)."""
    here = "" if lang == langs.default else f"{lang}/"
    found = []
    for rel in sorted({dest(s) for s in sources} | set(THEME_OUTPUTS)):
        if not rel.endswith(".html") or not (new / here / rel).is_file():
            continue
        try:
            before = (old / here / rel).read_bytes()
        except FileNotFoundError:
            return None
        now = (new / here / rel).read_bytes()
        if now != before and BODY in now:
            found.append(here + rel)
    return found


def previous(old_bundle: Path, lang: str) -> Delta | None:
    """The last site's delta of ``lang`` (None if it has none); Untrusted if it cannot be used."""
    entry = _json(old_bundle / "pagefind-entry.json")
    stale = _get(entry, KEY, lang)
    if stale is None:
        return None
    if not (isinstance(stale, list) and all(isinstance(i, str) and _ID.fullmatch(i) for i in stale)):
        raise Untrusted("its list of replaced pages is not one this build wrote")
    base = _get(entry, "languages", lang, "hash")
    if not base or _get(_json(old_bundle / DELTA / "pagefind-entry.json"), "languages", lang, BASE) != base:
        raise Untrusted("it was not made against the index it would complete")
    pages = sorted(_rel(u) for u in page_ids(old_bundle / DELTA / "fragment", lang))
    if any(".." in rel.split("/") for rel in pages):
        raise Untrusted("one of its pages is outside the site")
    return Delta(pages, stale)


def _get(data, *keys):
    """``data[k1][k2]…``, or None where a level is missing or not an object (a hand-edited file)."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise Untrusted(f"{path.name} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise Untrusted(f"{path.name} is not an object")
    return data


def page_ids(fragments: Path, lang: str, wanted: set[str] | None = None) -> dict[str, str]:
    """url -> id of ``lang``'s fragments in ``fragments``; with ``wanted``, only those urls (the scan stops once
    they are all found)."""
    found: dict[str, str] = {}
    try:
        names = sorted(n for n in os.listdir(fragments) if n.startswith(lang + "_") and n.endswith(_FRAGMENT))
    except FileNotFoundError:
        return found
    for name in names:
        url = _fragment_url(fragments / name)
        if wanted is None or url in wanted:
            found[url] = name[:-len(_FRAGMENT)]
            if wanted is not None and len(found) == len(wanted):
                break
    return found


def _fragment_url(path: Path) -> str:
    """A fragment's url, from the start of the file only (gzip JSON after Pagefind's signature; url comes first)."""
    try:
        with open(path, "rb") as f:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(f.read(4096), 2048)
        text = head.decode("utf-8", "ignore")
        at = text.index('"url":') + len('"url":')
        url = json.JSONDecoder().raw_decode(text, at)[0]
    except (OSError, zlib.error, ValueError) as exc:
        raise Untrusted(f"the fragment {path.name} cannot be read ({exc})") from None
    if not isinstance(url, str):
        raise Untrusted(f"the fragment {path.name} has no page address")
    return url


def _rel(url: str) -> str:
    """The site path of a page's url in the index ('/fr/entries/x/' -> 'fr/entries/x/index.html')."""
    rel = unquote(url).lstrip("/")
    return rel + "index.html" if rel.endswith("/") or not rel else rel


def page_url(rel: str) -> str:
    """The url Pagefind records for the site file ``rel`` (a folder's index.html: the folder)."""
    return "/" + (rel[:-len("index.html")] if rel.endswith("index.html") else rel)


def primary_ids(cache: Path, bundle: Path, langs: list[str]) -> dict[str, dict[str, str]]:
    """Per language of ``langs`` in the primary index of ``bundle``: url -> id of its pages, from the store when it
    holds them for this index, else read from the fragments and stored (a language that cannot be read is left out)."""
    try:
        entry = _json(bundle / "pagefind-entry.json")  # once, not once per language
    except Untrusted as exc:
        log.debug("no page ids of the search index (%s)", exc)
        return {}
    section, found = open_section(cache, IDS), {}
    for lang in langs:
        try:
            base = _get(entry, "languages", lang, "hash")
            if not isinstance(base, str):
                continue
            ids = section.get(lang, base)
            if not (isinstance(ids, dict) and all(isinstance(u, str) and isinstance(i, str) and _ID.fullmatch(i)
                                                  for u, i in ids.items())):
                ids = page_ids(bundle / "fragment", lang)
                section.put(lang, base, ids)
        except Untrusted as exc:
            log.debug("%s: no page ids of its search index (%s)", lang, exc)
            continue
        found[lang] = ids
    section.keep(found)
    section.save()
    return found


def plan(new: Path, old: Path, lang: str, langs: site_config.Languages, sources: list[str],
         ids: dict[str, str] | None = None) -> Delta | None:
    """The pages ``lang``'s delta may hold in this build and the primary ids of those, or None for a full index
    (``ids``: url -> id of the primary's pages, ``primary_ids``; else the fragments are read)."""
    changed = changed_pages(new, old, lang, langs, sources)
    if changed is None:
        return None
    bundle = old / SEARCH
    try:
        before = previous(bundle, lang) or Delta([], [])
        pages = sorted(set(before.pages) | set(changed))
        if len(pages) > BOUND:
            log.info("%s: %d pages changed since its last full search index (more than %d): indexing it in full",
                     lang, len(pages), BOUND)
            return None
        if any(not (new / rel).is_file() for rel in pages):
            raise Untrusted("one of its pages is gone")
        wanted = {page_url(rel) for rel in pages}
        ids = {u: ids[u] for u in wanted if u in ids} if ids is not None else \
            page_ids(bundle / "fragment", lang, wanted) if pages else {}
    except Untrusted as exc:
        log.info("%s: the search index's last delta cannot be used (%s): indexing it in full", lang, exc)
        return None
    return Delta(pages, [ids.get(page_url(rel), "") for rel in pages])


def run(new: Path, lang: str, delta: Delta, stage: Path) -> Delta:
    """Pagefind over the pages of ``delta`` whose indexed text is not the primary's, into ``stage``/pagefind;
    return those pages and the primary ids they replace (no pages: the primary is right as it is)."""
    primary = dict(zip(delta.pages, delta.stale))
    ids = _run_over(new, lang, delta.pages, stage / "1")
    # a page whose bytes changed but not its indexed text (a list's links) has the primary's id: left out
    pages = [rel for rel in delta.pages if not (primary.get(rel) and ids.get(page_url(rel)) == primary[rel])]
    if not pages:
        return Delta([], [])
    made = stage / "1"
    if pages != delta.pages:
        made = stage / "2"
        _run_over(new, lang, pages, made)
    os.replace(made / SEARCH, stage / SEARCH)
    return Delta(pages, sorted(primary[rel] for rel in pages if primary.get(rel)))


def _run_over(new: Path, lang: str, pages: list[str], stage: Path) -> dict[str, str]:
    """Pagefind over ``pages`` into ``stage``/pagefind, without the files pagefind.js takes from the primary;
    return its url -> id."""
    for rel in pages:
        stage_page(new / rel, stage / rel)
    run_pagefind(stage)
    out = stage / SEARCH
    for path in [out / "pagefind.js", *out.glob("wasm.*")]:
        path.unlink(missing_ok=True)  # pagefind.js merges an index with the primary's script and wasm
    return page_ids(out / "fragment", lang)
