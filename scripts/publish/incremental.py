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

The preview goes further (``Warm``): its process keeps the last full build's configuration, Files, nav and
theme environment, and after an edit sends only the changed sources through MkDocs' page pipeline (the same
events and hooks, in the same order as a build), without the ~1 s of setup a build spends on 10,000 pages.
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

log = logging.getLogger(__name__)
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


@contextlib.contextmanager
def _safe_writers():
    """MkDocs' two writers replaced, in this process, by ones that write a new file and rename it."""
    from mkdocs import utils

    saved = utils.write_file, utils.copy_file
    utils.write_file, utils.copy_file = _write_file, _copy_file
    try:
        yield
    finally:
        utils.write_file, utils.copy_file = saved


def build(cfg) -> None:
    """Run MkDocs' build with ``dirty=True`` and writers that never write into a hard-linked file."""
    from mkdocs.commands import build as mk

    logger, quiet = logging.getLogger("mkdocs.commands.build"), _NotDirty()
    logger.addFilter(quiet)
    try:
        with _safe_writers():
            mk.build(cfg, dirty=True)
    finally:
        logger.removeFilter(quiet)


class Cold(Exception):
    """The warm MkDocs cannot render this edit by itself (a source it does not know): build in full."""


class Warm:
    """One language's MkDocs, kept alive after a full build to render changed pages again (the preview).

    ``build`` is MkDocs' own full build; it keeps what the build made of the site (Files, nav, the theme's Jinja
    environment, every Page). ``render`` then takes the sources an edit changed (``changed``: the same size, mtime,
    inode rule, so nothing was added or removed) through the steps a build runs for a page: populate (read, the
    page_markdown/page_content events, our bypass), then write (page_context, the template, post_page), static
    files linked or copied again, anchors validated, post_build (the images, Material's bundle); strict, as a build.
    What a build writes from the whole site is not written again: the sitemap lists the same pages at the same
    date, and 404.html is rendered again only when its text (``extra.not_found``) changed.
    """

    def __init__(self, cfg, not_found: Callable[[], dict]):
        self.cfg, self._not_found = cfg, not_found
        self.files = self.nav = self.env = None
        self.pages: list = []  # the Files of the site's pages: fixed while no source is added or removed

    def build(self) -> None:
        """MkDocs' full build, keeping its Files, nav and environment (as the last handler of their events)."""
        from mkdocs.commands import build as mk

        kept = {}

        def keep(name):
            def event(item, **kwargs):
                kept[name] = item
                return item
            return event
        for name in ("files", "nav", "env"):
            self.cfg.plugins.events[name].append(keep(name))
        mk.build(self.cfg)
        self.files, self.nav, self.env = kept["files"], kept["nav"], kept["env"]
        self.pages = self.files.documentation_pages()  # once, not twice a pass (21,000 File tests at 10,000 entries)

    def render(self, edited: list[str]) -> None:
        """Write again the outputs of the sources ``edited`` (Cold for one MkDocs has no File of). A warning while
        they are read (strict) stops the pass before it writes anything."""
        from mkdocs import utils

        found = [self.files.get_file_from_path(rel) for rel in edited]
        if None in found:
            raise Cold(f"{edited[found.index(None)]} is not one of the site's files")
        found = [f for f in found if f.inclusion.is_included()]
        counter = utils.CountHandler()
        counter.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(counter)
        try:
            pages = self._read([f.page for f in found if f.is_documentation_page()])
            _strict(counter)
            with _safe_writers():
                self._write(pages, [f for f in found if not f.is_documentation_page()])
            _strict(counter)
        except Exception as exc:
            self.cfg.plugins.on_build_error(error=exc)
            raise
        finally:
            logging.getLogger("mkdocs").removeHandler(counter)

    def _read(self, pages: list) -> list:
        """Read and render ``pages`` (all before any is written, as in a build); check every page's anchors."""
        from mkdocs.commands import build as mk

        for page in pages:
            _forget(page)
            mk._populate_page(page, self.cfg, self.files)
        for file in self.pages:
            file.page.validate_anchor_links(files=self.files, log_level=self.cfg.validation.links.anchors)
        return pages

    def _write(self, pages: list, static: list) -> None:
        from mkdocs.commands import build as mk

        cfg, files = self.cfg, self.files
        for file in static:  # a generated file is a new one: its old link in the site goes first
            with contextlib.suppress(FileNotFoundError):
                os.unlink(file.abs_dest_path)
            file.copy_file()
        not_found = self._not_found()
        if not_found != cfg.extra.get("not_found"):
            cfg.extra["not_found"] = not_found
            mk._build_theme_template("404.html", self.env, files, cfg, self.nav)
        for page in pages:
            mk._build_page(page, cfg, self.pages, self.nav, self.env)
        cfg.plugins.on_post_build(config=cfg)


def _strict(counter) -> None:
    """MkDocs' strict mode: the warnings logged so far stop the build (its own message)."""
    from mkdocs.exceptions import Abort

    if counts := counter.get_counts():
        raise Abort("Aborted with " + ", ".join(f"{v} {k.lower()}s" for k, v in counts) + " in strict mode!")


def _forget(page) -> None:
    """Put a page back as MkDocs' nav made it, before it is read again (bypass.py may have taken over its render)."""
    page.__dict__.pop("render", None)
    page.archive_body = None
    page.markdown, page.content, page.meta, page.toc = None, None, {}, []
    page._title_from_render, page.present_anchor_ids, page.links_to_anchors = None, None, None
