"""The pipeline: load → validate → render pages, media, feeds → one guarded writer → MkDocs.

Nothing is written until the whole log has been read and checked, and the site is built
into a temporary folder that replaces ``site/`` only when MkDocs succeeds.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config as site_config
from . import feeds, media, pages, uptodate
from .evidence import Loaded, load_archive
from .output import Output, Writer
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
    result.outputs = pages.render(loaded.archive, cfg, loaded.media)
    result.timings["pages"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    result.outputs += feeds.render(loaded.archive, cfg.base, cfg.site_name, loaded.media, limit=cfg.feed_size)
    result.timings["feeds"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    result.outputs += media.outputs(loaded.archive, loaded.media)
    result.timings["media"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    uptodate.forget(root)  # an interrupted write must not leave a stamp that vouches for it
    stats = Writer(root / "content").write(result.outputs)
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


def mkdocs_build(root: Path, site_dir: Path) -> None:
    """Run MkDocs (strict) into a temporary folder, then swap it in place of ``site_dir``."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    parent = site_dir.parent
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=parent))
    try:
        cfg = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp), strict=True)
        cfg.docs_dir = str(root / "content")
        # snippets resolves base_path from the working directory; pin it to this repository
        cfg.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [str(root / "content" / "_generated")]
        mk_build(cfg)
    except (MkDocsException, SystemExit, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"MkDocs build failed: {exc}; the previous site/ is unchanged") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = parent / f".site-old-{os.getpid()}"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(tmp, site_dir)
    shutil.rmtree(old, ignore_errors=True)
