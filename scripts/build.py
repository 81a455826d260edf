"""The pipeline: load → validate → render pages, media, feeds → one guarded writer → MkDocs.

Nothing is written until the whole log has been read and checked, and the site is built
into a temporary folder that replaces ``site/`` only when MkDocs succeeds. Images are not
written into content/: the writer lists them, and MkDocs' hook (scripts/mkdocs_hooks.py)
hard-links them into that temporary folder.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config as site_config
from . import feeds, media, pages, uptodate
from .evidence import Loaded, load_archive
from .output import Output, Writer, link_list
from .pagememo import PageMemo
from .problems import BuildError, Report

log = logging.getLogger(__name__)


@dataclass
class Generated:
    """What a generation run found and did; ``ok`` when content/ is complete and current."""

    report: Report
    files: int
    entries: int = 0
    epoch: str = "0"
    ok: bool = False
    up_to_date: bool = False  # nothing had changed: nothing was read or written
    outputs: list[Output] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def generate(root: Path, strict: bool = False) -> Generated:
    """Check the log and write every generated file into content/; raise BuildError on problems."""
    t0 = time.perf_counter()
    inputs, stamp = uptodate.current(root)
    if stamp is not None:
        report = Report(list(stamp.problems))
        result = Generated(report, stamp.files, stamp.entries, stamp.epoch, ok=not report.failed(strict),
                           up_to_date=True, timings={"up to date": time.perf_counter() - t0})
        log.info("nothing changed since the last build: content/ is up to date")
        return result
    loaded = load_archive(root)
    result = Generated(loaded.report, loaded.files, timings={"check": time.perf_counter() - t0})
    if loaded.report.failed(strict) or loaded.archive is None:
        return result
    result.entries, result.epoch = len(loaded.archive.entries), source_date_epoch(loaded)
    cfg = site_config.load(root)
    t1 = time.perf_counter()
    writer = Writer(root / "content")
    memo = PageMemo(root / ".cache", f"{uptodate.code_digest()} {cfg!r}", writer.holds)
    result.outputs = pages.render(loaded.archive, cfg, loaded.media, memo)
    result.timings["pages"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    result.outputs += feeds.render(loaded.archive, cfg.base, cfg.site_name, loaded.media, limit=cfg.feed_size)
    result.timings["feeds"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    result.outputs.append(link_list(media.outputs(loaded.archive, loaded.media), Path(root).absolute()))
    result.timings["media"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    uptodate.forget(root)  # an interrupted write must not leave a stamp that vouches for it
    stats = writer.write(result.outputs)
    memo.save()
    uptodate.save(root, inputs, result.files, result.entries, result.epoch, loaded.report.problems)
    result.timings["write"] = time.perf_counter() - t2
    result.ok = True
    log.info("generated %d files (%d written, %d unchanged, %d removed)",
             len(result.outputs), stats.written, stats.unchanged, stats.removed)
    return result


def source_date_epoch(loaded: Loaded) -> str:
    """The build date MkDocs stamps into the sitemap: the newest addition, never the clock."""
    newest = max((e.added for e in loaded.archive.entries), default=None) if loaded.archive else None
    if newest is None:
        return "0"
    return str(int(time.mktime(newest.timetuple()) - time.timezone))


# Temporary folders beside site/: .site-build-PID-XXXX while MkDocs runs, .site-old-PID during the swap;
# earlier versions made .site-XXXXXXXX (eight random characters) and no PID.
_LEFTOVER = re.compile(r"\.site-(?:(?P<kind>build|old)-(?P<pid>\d+)(?:-.+)?|[a-z0-9_]{8})")
LEGACY_AGE = 3600  # seconds untouched after which a leftover without a PID counts as abandoned


def remove_leftovers(parent: Path, site_dir: Path) -> list[str]:
    """Delete temporary site folders that builds killed part way left in ``parent``; return their names.

    A folder is removed only if the build that made it is gone: its process no longer exists (for
    names without a PID, the folder has not changed for an hour). ``site_dir`` itself never matches,
    and a .site-old-PID folder is kept while ``site_dir`` is missing: it is then the previous site.
    """
    removed = []
    for entry in sorted(os.scandir(parent), key=lambda e: e.name):
        match = _LEFTOVER.fullmatch(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False) or Path(entry.path) == site_dir:
            continue
        if match["pid"]:
            if _running(int(match["pid"])) or (match["kind"] == "old" and not site_dir.exists()):
                continue
        elif time.time() - entry.stat(follow_symlinks=False).st_mtime < LEGACY_AGE:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        log.info("removed %s, left behind by a build that was stopped", entry.name)
        removed.append(entry.name)
    return removed


def _running(pid: int) -> bool:
    """Tell whether process ``pid`` exists (True when unsure: then nothing is deleted)."""
    if pid == os.getpid() or os.name != "posix":  # on Windows, os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, under another user
        return True
    return True


def mkdocs_build(root: Path, site_dir: Path) -> None:
    """Run MkDocs (strict) into a temporary folder, then swap it in place of ``site_dir``."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    parent = site_dir.parent
    remove_leftovers(parent, site_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".site-build-{os.getpid()}-", dir=parent))
    try:
        cfg = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp), strict=True)
        cfg.docs_dir = str(root / "content")
        # snippets resolves base_path from the working directory; pin it to this repository
        cfg.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [str(root / "content" / "_generated")]
        mk_build(cfg)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, BuildError):  # from the hook that links the images in
            raise BuildError(f"{exc}; the previous site/ is unchanged") from exc
        if isinstance(exc, (MkDocsException, SystemExit, OSError)):
            raise BuildError(f"MkDocs build failed: {exc}; the previous site/ is unchanged") from exc
        raise
    old = parent / f".site-old-{os.getpid()}"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(tmp, site_dir)
    shutil.rmtree(old, ignore_errors=True)
