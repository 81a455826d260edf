"""Build the site with MkDocs (strict) into a temporary folder, and exchange it with site/ when it succeeds.

The temporary folder ``.site-build-PID-TOKEN/`` beside site/ holds a marker file we wrote
(``.evidence-archive-build``, naming the PID and the token) and the new site in ``site/``. On Linux one
``renameat2(RENAME_EXCHANGE)`` swaps that folder with site/, so at no instant is site/ absent or partial;
the previous site is then inside the temporary folder, which a detached remover removes after the build
has returned (scripts/publish/temporary.py). Only folders carrying a valid marker are ever removed: a
user's ``.site-previous/`` is never touched.

After an edit, the generation runs in its own process(es) while this one makes a head start
(``head_start``): it checks that site/ is as the last build left it and hard-links each language's part of it
into the temporary folder, where that language's MkDocs run or the kept languages want it. The plan, made once
the generation has written content/, still decides; a part it does not reuse is moved aside, never built into.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..evidence.problems import BuildError
from .output import reason
from .temporary import hand_over, kill_point, make_temporary, ours, remove_temporary, running

log = logging.getLogger(__name__)

_RENAME_EXCHANGE = 2  # linux/fs.h
STAGE = "search-stage"  # in the temporary folder: what Pagefind reads of the pages (searchparts.index)


def remove_leftovers(parent: Path, site_dir: Path) -> list[str]:
    """Delete the temporary folders that builds killed part way left in ``parent``; return their names.

    A folder is removed only if it carries our marker and the process it names (a build, or the remover it
    was handed to) is gone. If
    ``site_dir`` is missing (a kill between the two renames where the exchange is not available), the
    previous site kept in such a folder is moved back first.
    """
    removed = []
    for entry in sorted(os.scandir(parent), key=lambda e: e.name):
        pid = ours(entry)
        if pid is None or running(pid):
            continue
        folder = Path(entry.path)
        try:
            if not site_dir.exists() and (folder / "previous").is_dir():
                os.rename(folder / "previous", site_dir)
                log.warning("restored site/ from %s, left behind by a build that was stopped", entry.name)
            remove_temporary(folder)
        except OSError as exc:  # it costs only space; the next build tries again
            log.warning("could not remove %s (%s); the next build tries again", entry.name, reason(exc))
            continue
        log.info("removed %s, left behind by a build that was stopped", entry.name)
        removed.append(entry.name)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(new: Path, site_dir: Path, folder: Path) -> None:
    """Put ``new`` in place of ``site_dir``; the previous site ends up inside ``folder`` (ours, marked)."""
    if not site_dir.exists():
        os.rename(new, site_dir)
    elif not _exchange(new, site_dir):
        # no exchange here: two renames; a kill between them is repaired by the next build (remove_leftovers)
        os.rename(site_dir, folder / "previous")
        kill_point("between-renames")
        os.rename(new, site_dir)
    kill_point("after-exchange")


@dataclass
class HeadStart:
    """What ``head_start`` did: the last build's record, found true of site/, and the languages whose part of
    site/ is linked into ``folder`` (ours, marked) as ``_out`` places it. ``folder`` is None once handed on."""

    record: object = None  # unchanged.Record
    folder: Path | None = None
    linked: list[str] = field(default_factory=list)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # searchdelta.primary_ids of the last site
    search: Path | None = None  # searchparts.link_ahead's folder
    langs: list[str] = field(default_factory=list)  # the site's languages when it was made

    def still_true(self, root: Path, langs) -> bool:
        """Whether what the head start was made for still holds (mkdocs.yml or the code may change meanwhile)."""
        return self.langs == list(langs.all) and self.record.expected(root)

    def forget(self) -> None:
        """Give up the head start: the plan does the work, and the folder goes to the remover."""
        self.record, self.linked, self.ids, self.search = None, [], {}, None
        self.drop(later=True)

    def drop(self, later: bool = False) -> None:
        """Remove the folder if it was not used, as a failed build removes its own; ``later``: leave it to the
        detached remover, as a build that succeeded does (unlinking 90,000 files would hold it up)."""
        folder, self.folder = self.folder, None
        if folder is not None and not (later and hand_over(folder)):
            _remove_quietly(folder)


def head_start(root: Path, site_dir: Path, ahead: HeadStart) -> None:
    """Fill ``ahead`` while the generation runs: if site/ is as the last build left it and what every language's
    build reads besides its pages is unchanged (so the plan will most likely reuse each part), link the parts in.

    Never raises: a head start that cannot be made only leaves the work to the plan."""
    from .. import config as site_config
    from . import searchdelta, searchparts, unchanged

    try:
        langs = site_config.languages(root)
        record = unchanged.Record(root)
        if not (record.expected(root) and unchanged.intact(site_dir, record.tree)):
            return
        ahead.record, ahead.folder, ahead.langs = record, make_temporary(site_dir.parent), list(langs.all)
        record.files  # read now, while the generation runs: the plan and the manifest want them
        for lang in langs.all:
            unchanged.link_part(site_dir, _out(ahead.folder, lang, langs), lang, langs, own=True)
            ahead.linked.append(lang)
            kill_point("during-head-start")
        ahead.ids = searchdelta.primary_ids(root / ".cache", site_dir / unchanged.SEARCH, list(langs.all))
        if (site_dir / unchanged.SEARCH / searchparts.ENTRY).is_file():
            searchparts.link_ahead(site_dir, ahead.folder / "search-ahead")
            ahead.search = ahead.folder / "search-ahead"
        log.debug("the last site's parts are linked in for %s while the generation runs", ", ".join(ahead.linked))
    except (OSError, BuildError, ValueError, KeyError, TypeError) as exc:  # BuildError: mkdocs.yml unreadable (the
        # generation reports it); the others: a search entry file not as Pagefind writes it (the plan says so)
        log.debug("no head start for the site (%s)", exc)
        ahead.forget()


def _out(folder: Path, lang: str, langs) -> Path:
    """Where ``lang``'s MkDocs run writes: MkDocs empties its site_dir, so the others are not built inside site/."""
    return folder / (f"site-{lang}" if lang != langs.default else "site")


def mkdocs_build(root: Path, site_dir: Path, seen=None, ahead: HeadStart | None = None) -> None:
    """Run MkDocs (strict) for each site language whose inputs changed, in parallel processes, into a marked
    temporary folder (the default language at its root, the others in <lang>/), link in the unchanged
    languages' part of the previous site, then exchange the whole with ``site_dir`` in one step.

    ``seen`` (a ``stamp.Seen``): content/ as the check that skipped the generation just saw it. ``ahead``: what
    ``head_start`` did meanwhile (its folder is this build's, or dropped, when this returns or raises)."""
    ahead = ahead or HeadStart()
    try:
        _build(root, site_dir, seen, ahead)
    finally:
        ahead.drop()


def _build(root: Path, site_dir: Path, seen, ahead: HeadStart) -> None:
    from mkdocs.exceptions import MkDocsException

    from .. import config as site_config
    from . import languages, unchanged

    langs = site_config.languages(root)
    if ahead.record is not None and not ahead.still_true(root, langs):
        log.info("mkdocs.yml, overrides/ or the code changed during the generation: the last site is not reused as it was")
        ahead.forget()
    languages.check_hand_written(root, langs, seen.manifest if seen else None)
    record = ahead.record or unchanged.Record(root)
    todo = unchanged.plan(root, site_dir, langs, record, seen.files if seen else None, trusted=bool(ahead.linked))
    keep = todo.keep
    parent = site_dir.parent
    try:
        remove_leftovers(parent, site_dir)  # even when nothing is built: a build killed as it cleaned up
        if len(keep) == len(langs.all):
            log.info("nothing changed since the last build: site/ is current")
            ahead.drop(later=True)
            return
        folder, ahead.folder = ahead.folder or make_temporary(parent), None
    except OSError as exc:
        raise BuildError(f"cannot prepare a temporary folder beside site/ ({reason(exc)}); "
                         "the previous site/ is unchanged") from None
    try:
        files = _assemble(root, site_dir, folder, langs, todo, record.files, ahead)
        swap_in(folder / "site", site_dir, folder)
    except BaseException as exc:
        if not site_dir.exists() and (folder / "previous").is_dir():
            os.rename(folder / "previous", site_dir)
        _remove_quietly(folder)
        if isinstance(exc, BuildError):  # from the hook that links the images in
            raise BuildError(f"{exc}; the previous site/ is unchanged") from exc
        if isinstance(exc, (MkDocsException, SystemExit, OSError)):
            raise BuildError(f"MkDocs build failed: {exc}; the previous site/ is unchanged") from exc
        raise
    record.save(todo, files)  # after the swap: a record never vouches for a site that is not in place
    _remove_later(folder)


def _assemble(root: Path, site_dir: Path, folder: Path, langs, todo, known: dict, ahead: HeadStart) -> dict[str, list]:
    """Build the changed languages and link in the kept ones, into ``folder``/site; return its files' records.

    ``ahead``: what ``head_start`` did (the languages whose part of the previous site is in place already)."""
    from . import fixity, languages, searchparts, unchanged, workers

    new, linked = folder / "site", ahead.linked
    for lang in linked:
        if lang not in todo.keep and lang not in todo.partial:  # built in full: MkDocs wants no previous pages
            os.replace(_out(folder, lang, langs), folder / f"unused-{lang}")  # removed with the folder
    build = [lang for lang in langs.all if lang not in todo.keep]
    workers.build_all(lambda lang: _build_one(root, site_dir, lang, langs, _out(folder, lang, langs),
                                              todo.partial.get(lang), lang in linked), build)
    new.mkdir(exist_ok=True)
    for lang in langs.all:
        if languages.prefix(lang, langs) and (lang in build or lang in linked):
            os.replace(_out(folder, lang, langs), new / lang)
    for lang in todo.keep:
        log.info("%s: nothing changed since the last build; its pages are kept", lang)
        if lang not in linked:
            unchanged.link_part(site_dir, new, lang, langs)
    # only the rebuilt languages; those re-rendered in part, over their changed pages only
    # The other files' hashes, read while Pagefind leaves a core idle: nothing outside pagefind/ is written meanwhile.
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        hashed = pool.submit(fixity.records, new, known, unchanged.SEARCH, stop)
        try:
            searchparts.index(new, site_dir, langs, todo.keep, folder / STAGE, todo.partial, ahead.ids, ahead.search)
        except BaseException:
            stop.set()  # a failed or interrupted build does not wait for ~93,000 hashes it will not use
            raise
        # the kept languages' index files keep the last build's records: they are the same files (hard links)
        known = {rel: v for rel, v in (known or {}).items() if rel.startswith(unchanged.SEARCH + "/")} | hashed.result()
    seen: dict[str, list] = {}
    fixity.write(new, known, seen)  # last before the swap: it lists every file the site publishes
    return seen


def _build_one(root: Path, site_dir: Path, lang: str, langs, out: Path, edited: list[str] | None,
               linked: bool = False) -> None:
    """One language's MkDocs run: only its ``edited`` sources' pages when given, else a full build (``linked``:
    its part of the previous site is in ``out`` already)."""
    from mkdocs.commands.build import build as mk_build

    from . import incremental, languages

    cfg = languages.load(root, lang, out)
    if edited is None:
        with languages.own_pages(lang, langs):
            mk_build(cfg)
        return
    log.info("%s: %d changed source%s; only their pages are rendered again", lang, len(edited),
             "" if len(edited) == 1 else "s")
    incremental.prepare(site_dir, out, lang, langs, edited, linked)
    with languages.own_pages(lang, langs):
        incremental.build(cfg)


def _remove_later(folder: Path) -> None:
    """Leave the previous site and the search stage to a detached remover (scripts/publish/temporary.py): the build
    returns at once."""
    # a first build leaves Pagefind's copies of its pages (30,000 files at 10,000 entries in three languages: 3 s)
    heavy = any((folder / name).is_dir() for name in ("site", "previous", STAGE))
    if not (heavy and hand_over(folder)):  # nothing but the marker: no process for that
        _remove_quietly(folder)


def _remove_quietly(folder: Path) -> None:
    try:
        remove_temporary(folder)
    except OSError as exc:  # the site is in place; what is left is removed by the next build
        log.warning("could not remove %s (%s); the next build removes it", folder.name, reason(exc))

