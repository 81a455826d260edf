"""Pagefind only over the languages that were rebuilt; the kept languages' index files come from the last site.

Pagefind names every file of a language's index after that language (``index/fr_*.pf_index``,
``fragment/fr_*.pf_fragment``, ``pagefind.fr_*.pf_meta``, ``wasm.fr.pagefind``) and lists the languages in
``pagefind-entry.json``; its scripts and styles are the same for every language. So Pagefind runs over a
copy (hard links) of the rebuilt languages' HTML only, and the bundle is that run's files, plus the kept
languages' files from the previous bundle, with both runs' languages in the entry file. A language is
found by ``<html lang>``; the tests compare the result with a run over the whole site.
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
    """Write new/pagefind/ for the site in ``new``, indexing only the languages not in ``keep``."""
    bundle = old / SEARCH
    if not keep or not (bundle / ENTRY).is_file():
        run_pagefind(new)
        return
    for folder, dirs, names in os.walk(new):
        rel_dir = os.path.relpath(folder, new).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for name in names:
            rel = rel_dir + name
            if name.endswith(".html") and part(rel, langs) not in keep:
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                os.link(new / rel, stage / rel)
    run_pagefind(stage)
    os.replace(stage / SEARCH, new / SEARCH)
    _merge(bundle, new / SEARCH, keep)


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
