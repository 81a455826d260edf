"""Pagefind over one language at a time, and only over the languages that were rebuilt; the kept languages'
index files come from the last site.

Pagefind names every file of a language's index after that language (``index/fr_*.pf_index``,
``fragment/fr_*.pf_fragment``, ``pagefind.fr_*.pf_meta``, ``wasm.fr.pagefind``) and lists the languages in
``pagefind-entry.json``; its scripts and styles are the same for every language. So Pagefind runs over a
copy (hard links) of the rebuilt languages' HTML only, and the bundle is that run's files, plus the kept
languages' files from the previous bundle, with both runs' languages in the entry file. A language is
found by ``<html lang>``; the tests compare the result with a run over the whole site. Each rebuilt language
gets its own run, one after another: one run over three languages at 10,000 entries holds 1.8 GB, one per
language about a third of that, in about the same time.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import config as site_config
from .searchtext import run_pagefind
from .unchanged import SEARCH, part

ENTRY = "pagefind-entry.json"
_LANG = re.compile(r"(?:pagefind\.|wasm\.)?([a-z]{2,3}(?:-[A-Za-z0-9]+)*)[_.]")


def _owner(name: str) -> str | None:
    """The language a bundle file belongs to by its name, or None for a file every language shares."""
    m = _LANG.match(name)
    if not m or name.startswith("pagefind-") or name in ("pagefind.js", "wasm.unknown.pagefind"):
        return None
    return m[1]


def index(new: Path, old: Path, langs: site_config.Languages, keep: list[str], stage: Path) -> None:
    """Write new/pagefind/ for the site in ``new``: one run per language not in ``keep``, the kept ones' files
    linked from the previous bundle in ``old``."""
    if not (old / SEARCH / ENTRY).is_file():
        keep = []
    pages = _pages(new, langs)
    for lang in (lang for lang in langs.all if lang not in keep and pages.get(lang)):
        here = stage / lang
        for rel in pages[lang]:
            (here / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(new / rel, here / rel)
        run_pagefind(here)
        if (new / SEARCH).exists():
            _merge(here / SEARCH, new / SEARCH, [lang])
        else:
            os.replace(here / SEARCH, new / SEARCH)
    if keep:
        _merge(old / SEARCH, new / SEARCH, keep)


def _pages(site: Path, langs: site_config.Languages) -> dict[str, list[str]]:
    """The HTML files of ``site`` by the language whose part of the site holds them."""
    found: dict[str, list[str]] = {}
    for folder, dirs, names in os.walk(site):
        dirs.sort()
        rel_dir = os.path.relpath(folder, site).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(names):
            if name.endswith(".html"):
                found.setdefault(part(rel_dir + name, langs), []).append(rel_dir + name)
    return found


def _merge(old: Path, new: Path, keep: list[str]) -> None:
    """Link the kept languages' files of the ``old`` bundle into ``new``; list their languages in its entry file."""
    for folder, dirs, names in os.walk(old):
        rel_dir = Path(folder).relative_to(old)
        for name in names:
            if _owner(name) in keep:
                (new / rel_dir).mkdir(parents=True, exist_ok=True)
                os.link(Path(folder) / name, new / rel_dir / name)
    entry = json.loads((new / ENTRY).read_text("utf-8"))
    before = json.loads((old / ENTRY).read_text("utf-8"))["languages"]
    entry["languages"].update({k: v for k, v in before.items() if k in keep})
    (new / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8")
