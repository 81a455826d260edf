"""Re-render only a language's changed pages through MkDocs' own pipeline, the rest kept from the last site.

When a language's pages changed but nothing else it reads did (the same files by name, mkdocs.yml,
overrides/, code, versions: ``unchanged.py``) and site/ is as the last build left it, its part of the
previous site is hard-linked into the new folder, the outputs of the changed sources are removed, and
MkDocs runs with ``dirty=True``: it reads, renders and writes only the pages whose output is missing or
older than their source, and writes its theme templates (404, sitemap) again.

Why this is correct here although ``--dirty`` is not in general: MkDocs' dirty build does not re-render
a page whose source is unchanged even when what it shows depends on other pages (lists, feeds, the nav,
previous/next links). Our lists and feeds are made by the generator, which rewrites exactly the files
whose bytes change, so every page that shows an edited entry is itself a changed source; the nav has
fixed titles (mkdocs.yml), entries are not in it, and a page added or removed (which would change the
nav, the sitemap and links) makes a full build. Which sources changed is decided from the recorded
size, mtime and inode, not MkDocs' mtime rule alone, so a file restored with an old mtime is rebuilt.
A hard-linked page must never be written in place (that would change the previous site too): MkDocs'
two writers are replaced, in the build's process only, by ones that write a new file and rename it.
The result is byte-identical to a full build (tests/test_build_skip.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import Callable

from .. import config as site_config
from .unchanged import link_part

THEME_OUTPUTS = ("404.html", "sitemap.xml", "sitemap.xml.gz")  # written by every build, dirty or not
_DIRTY = ("A 'dirty' build is being performed", "The directory contains stale files")


def changed(before: dict[str, list] | None, now: dict[str, list]) -> list[str] | None:
    """The sources of ``now`` not in their recorded state, or None when a source was added or removed."""
    if before is None or before.keys() != now.keys():
        return None
    return sorted(rel for rel, state in now.items() if before[rel] != state)


def with_includers(content: Path, here: str, edited: list[str], sources: dict[str, list],
                   manifest: Callable[[], dict[str, str]] | None = None) -> list[str]:
    """``edited`` plus the hand-written pages that include a snippet (``--8<--``) when a snippet changed.

    Snippets are generated into ``_generated/`` and included by hand-written pages only (the generator writes
    no include); a page whose own file is unchanged still shows its snippets' new text. ``manifest()``: content/'s
    manifest of generated files (the plan reads its 60,000 records once for every language).
    """
    if not any(rel.startswith("_generated/") for rel in edited):
        return edited
    from .output import Writer
    generated = manifest() if manifest else Writer(content).previous
    docs, found = content / here, set(edited)
    for rel in sources:
        if rel.endswith(".md") and here + rel not in generated:
            try:
                if "--8<--" in (docs / rel).read_text("utf-8"):
                    found.add(rel)
            except (OSError, UnicodeDecodeError):
                found.add(rel)  # MkDocs will say what is wrong with it
    return sorted(found)


def dest(rel: str) -> str:
    """Where MkDocs (use_directory_urls) writes the source ``rel`` of a language's docs folder."""
    if not rel.endswith(".md"):
        return rel
    folder, _, name = rel.rpartition("/")
    stem = name[:-3]
    if stem in ("index", "README"):
        return f"{folder}/index.html" if folder else "index.html"
    return f"{folder}/{stem}/index.html" if folder else f"{stem}/index.html"


def prepare(old: Path, out: Path, lang: str, langs: site_config.Languages, sources: list[str],
            linked: bool = False) -> None:
    """Link ``lang``'s part of the previous site into ``out`` (unless ``linked``: it is there already), without the
    outputs MkDocs will write again."""
    if not linked:
        link_part(old, out, lang, langs, own=True)
    for rel in [dest(s) for s in sources] + list(THEME_OUTPUTS):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(out / rel)


def _write_file(content: bytes, output_path: str) -> None:
    os.makedirs(os.path.dirname(output_path), exist_ok=True)
    tmp = f"{output_path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(content)
    os.replace(tmp, output_path)


def _copy_file(source_path: str, output_path: str) -> None:
    os.makedirs(os.path.dirname(output_path), exist_ok=True)
    if os.path.isdir(output_path):
        output_path = os.path.join(output_path, os.path.basename(source_path))
    tmp = f"{output_path}.{os.getpid()}.tmp"
    shutil.copyfile(source_path, tmp)
    os.replace(tmp, output_path)


class _NotDirty(logging.Filter):
    """Drops MkDocs' messages about dirty builds (strict mode would count the warning): this one is made correct."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY)


def build(cfg) -> None:
    """Run MkDocs' build with ``dirty=True`` and writers that never write into a hard-linked file."""
    from mkdocs import utils
    from mkdocs.commands import build as mk

    logger, quiet = logging.getLogger("mkdocs.commands.build"), _NotDirty()
    saved = utils.write_file, utils.copy_file
    utils.write_file, utils.copy_file = _write_file, _copy_file
    logger.addFilter(quiet)
    try:
        mk.build(cfg, dirty=True)
    finally:
        utils.write_file, utils.copy_file = saved
        logger.removeFilter(quiet)
