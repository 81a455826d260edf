"""Pagefind over one language at a time, and only over the languages that were rebuilt; the kept languages'
index files come from the last site.

Pagefind names every file of a language's index after that language (``index/fr_*.pf_index``,
``fragment/fr_*.pf_fragment``, ``pagefind.fr_*.pf_meta``, ``wasm.fr.pagefind``) and lists the languages in
``pagefind-entry.json``; its scripts and styles are the same for every language. So Pagefind runs over a
copy of the rebuilt languages' HTML only (slim pages: ``searchtext.stage``), and the bundle is that run's files,
plus the kept languages' files from the previous bundle, with both runs' languages in the entry file. A language
is found by ``<html lang>``; the tests compare the result with a run over the whole site. Each rebuilt language
gets its own run, one after another (the next language's pages are staged meanwhile): one run over three
languages at 10,000 entries holds 1.8 GB, one per language about a third of that, in about the same time. A
language whose pages were re-rendered in part keeps its primary files too, and Pagefind runs over its changed
pages only, into a delta (``searchdelta``).
"""

from __future__ import annotations

import json
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import config as site_config
from ..store.files import replace
from . import searchdelta, tree
from .searchtext import run_pagefind, stage as stage_page
from .temporary import kill_point
from .unchanged import SEARCH, part

log = logging.getLogger(__name__)
ENTRY = "pagefind-entry.json"
_LANG = re.compile(r"(?:pagefind\.|wasm\.)?([a-z]{2,3}(?:-[A-Za-z0-9]+)*)[_.]")


def _owner(name: str) -> str | None:
    """The language a bundle file belongs to by its name, or None for a file every language shares."""
    m = _LANG.match(name)
    if not m or name.startswith("pagefind-") or name in ("pagefind.js", "wasm.unknown.pagefind"):
        return None
    return m[1]


def link_ahead(old: Path, into: Path) -> None:
    """Hard-link the files of ``old``'s primary bundle but its entry file into ``into``: what ``index`` links in when
    every language keeps its primary files (after an edit), linked while the generation runs."""
    _link(old / SEARCH, into, list(_entry(old / SEARCH / ENTRY)["languages"]), shared=True)


def index(new: Path, old: Path, langs: site_config.Languages, keep: list[str], stage: Path,
          partial: dict[str, list[str]] | None = None, ids: dict[str, dict[str, str]] | None = None,
          ahead: Path | None = None) -> None:
    """Write new/pagefind/ for the site in ``new``: one run per language not in ``keep`` (over its changed pages
    only, into a delta, when ``partial`` names its changed sources), the other files linked from ``old``
    (``ids``: per language, the url -> id of the pages of ``old``'s index, ``searchdelta.primary_ids``; ``ahead``:
    ``link_ahead``'s folder, if it made one)."""
    if not (old / SEARCH / ENTRY).is_file():
        keep, partial = [], {}
    pages = _pages(new, langs)
    kept, fresh, full = _plan(new, old, langs, keep, partial or {}, pages, ids or {})
    _index_full(new, pages, full, stage)
    reused = [lang for lang in langs.all if lang not in full and pages.get(lang)]  # their primary files: the last ones
    before = _entry(old / SEARCH / ENTRY) if reused and ahead else {}
    if before and not (new / SEARCH).exists() and set(reused) == set(before["languages"]):
        os.replace(ahead, new / SEARCH)  # what _merge would link, linked already
        write_entry(new / SEARCH / ENTRY, {k: v for k, v in before.items() if k != searchdelta.KEY})
    elif reused:
        _merge(old / SEARCH, new / SEARCH, reused)
    if kept or fresh:
        _deltas(new, old, kept, fresh, stage)


def _index_full(new: Path, pages: dict[str, list[str]], full: list[str], stage: Path) -> None:
    """Pagefind over each language of ``full`` in turn, into new/pagefind/. The next language's pages are staged
    while a run works (Pagefind keeps 1.5 of 2 cores busy), and its run starts once that one has succeeded."""
    with ThreadPoolExecutor(1) as pagefind:  # one run at a time: each holds a third of the 1.8 GB of one over all
        last = None
        for lang in full:
            for rel in pages[lang]:
                stage_page(new / rel, stage / lang / rel)
            if last:
                last[1].result()  # a failed run raises here: no other starts
            run = pagefind.submit(run_pagefind, stage / lang)
            if last:
                _place(new, stage, last[0])
            last = (lang, run)
        if last:
            last[1].result()
            _place(new, stage, last[0])


def _place(new: Path, stage: Path, lang: str) -> None:
    """Put ``lang``'s index, made in ``stage``, into new/pagefind/ (the first one's shared files too)."""
    if (new / SEARCH).exists():
        _merge(stage / lang / SEARCH, new / SEARCH, [lang])
    else:
        os.replace(stage / lang / SEARCH, new / SEARCH)


def _plan(new: Path, old: Path, langs, keep: list[str], partial: dict[str, list[str]], pages: dict, ids: dict):
    """The kept languages' deltas, this build's new deltas, and the languages Pagefind indexes in full."""
    kept, fresh, full = {}, {}, []
    for lang in (lang for lang in langs.all if pages.get(lang)):
        try:
            if lang in keep:
                if (delta := searchdelta.previous(old / SEARCH, lang)) is not None:
                    kept[lang] = delta
                continue
        except searchdelta.Untrusted as exc:
            log.info("%s: the search index's last delta cannot be used (%s): indexing it in full", lang, exc)
        else:
            if lang in partial and (delta := searchdelta.plan(new, old, lang, langs, partial[lang],
                                                                         ids.get(lang))) is not None:
                if delta.pages:
                    fresh[lang] = delta
                continue
        full.append(lang)
    return kept, fresh, full


def _deltas(new: Path, old: Path, kept: dict, fresh: dict, stage: Path) -> None:
    """Write new/pagefind/delta/ (the kept deltas linked, the fresh ones made) and list the ids each replaces."""
    bundle, primary = new / SEARCH / searchdelta.DELTA, _entry(new / SEARCH / ENTRY)
    langs_of, stale, head = {}, {}, {}
    if kept:
        before = _entry(old / SEARCH / searchdelta.DELTA / ENTRY)
        _link(old / SEARCH / searchdelta.DELTA, bundle, list(kept), shared=False)  # a delta has no shared files
        langs_of.update({lang: before["languages"][lang] for lang in kept})
        stale.update({lang: d.stale for lang, d in kept.items()})
        head = before
    for lang, delta in fresh.items():
        here = stage / f"{lang}-delta"
        delta = searchdelta.run(new, lang, delta, here)
        kill_point("during-search-delta")
        if not delta.pages:
            continue  # no page's indexed text changed: the primary index is right as it is
        _link(here / SEARCH, bundle, [lang], shared=False)
        head = _entry(here / SEARCH / ENTRY)
        langs_of[lang] = dict(head["languages"][lang], **{searchdelta.BASE: primary["languages"][lang]["hash"]})
        stale[lang] = delta.stale
        log.info("%s: search index of its %d page%s changed since its last full index", lang, len(delta.pages),
                 "" if len(delta.pages) == 1 else "s")
    if not langs_of:
        return
    write_entry(bundle / ENTRY, {k: v for k, v in head.items() if k != searchdelta.KEY} | {"languages": langs_of})
    write_entry(new / SEARCH / ENTRY, primary | {searchdelta.KEY: stale})


def _entry(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def write_entry(path: Path, data: dict) -> None:
    """A Pagefind entry file as the build writes them (sorted, compact), in one step: the preview's is being read."""
    replace(path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def _pages(site: Path, langs: site_config.Languages) -> dict[str, list[str]]:
    """The HTML files of ``site`` by the language whose part of the site holds them."""
    found: dict[str, list[str]] = {}
    for rel in sorted(rel for rel, _ in tree.files(site) if rel.endswith(".html")):
        found.setdefault(part(rel, langs), []).append(rel)
    return found


def _merge(old: Path, new: Path, keep: list[str]) -> None:
    """Link the kept languages' files of the ``old`` bundle into ``new`` (its shared files too when ``new`` has none)
    and list their languages in its entry file."""
    shared = not (new / ENTRY).exists()
    _link(old, new, keep, shared)
    before = _entry(old / ENTRY)
    if shared:
        now = {k: v for k, v in before.items() if k != searchdelta.KEY} | {"languages": {}}
    else:
        now = _entry(new / ENTRY)
    now["languages"].update({k: v for k, v in before["languages"].items() if k in keep})
    write_entry(new / ENTRY, now)


def _link(old: Path, new: Path, keep: list[str], shared: bool) -> None:
    """Hard-link ``keep``'s files of the ``old`` bundle (and the shared ones) into ``new``, not the delta folder."""
    for folder, dirs, names in os.walk(old):
        rel_dir = Path(folder).relative_to(old)
        if rel_dir == Path("."):
            dirs[:] = [d for d in dirs if d != searchdelta.DELTA]  # the delta is not the primary's: _deltas
        for name in names:
            owner = _owner(name)
            if owner in keep or (shared and owner is None and name != ENTRY):
                (new / rel_dir).mkdir(parents=True, exist_ok=True)
                os.link(Path(folder) / name, new / rel_dir / name)
