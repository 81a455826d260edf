"""The pipeline: load → validate → render pages, media, feeds → one guarded writer → MkDocs.

Nothing is written until the whole log has been read and checked, and the site is built
into a temporary folder that replaces ``site/`` only when MkDocs succeeds. Images are not
written into content/: the writer lists them, and MkDocs' hook (scripts/publish/hooks.py)
hard-links them into that temporary folder.
"""

from __future__ import annotations

import calendar
import logging
import time
from pathlib import Path
from typing import Callable

from . import config as site_config
from . import media
from .evidence import Loaded, load_archive
from .evidence.problems import Report
from .publish.output import Output, Writer, link_list
from .render import cite, data, feeds, pages
from .render.i18n import Lang
from .store import stamp
from .store.stamp import Generated
from .store.digests import code_digest
from .store.pages import PageMemo

log = logging.getLogger(__name__)


def generate(root: Path, strict: bool = False, langs: list[str] | None = None) -> Generated:
    """Check the log and write every generated file into content/; raise BuildError on problems.

    ``langs``: only these languages' pages and feeds (the preview's); the others' files stay as they are, and
    the stamp of such a run vouches only for a run of the same languages, so a full build redoes it all."""
    t0 = time.perf_counter()
    if langs is not None and set(langs) >= set(site_config.languages(root).all):
        langs = None  # every language: a whole run
    inputs, last = stamp.current(root, " ".join(langs or ()))
    if last is not None:
        result = stamp.reused(last, strict)
        result.timings["up to date"] = time.perf_counter() - t0
        return result
    loaded = load_archive(root)
    result = Generated(loaded.report, loaded.files, timings={"check": time.perf_counter() - t0})
    if loaded.report.failed(strict) or loaded.archive is None:
        return result
    result.entries, result.epoch = len(loaded.archive.entries), source_date_epoch(loaded)
    cfg = site_config.load(root)
    t1 = time.perf_counter()
    writer = Writer(root / "content")
    memo = PageMemo(root / ".cache", f"{code_digest()} {cfg!r}", writer.holds, writer.root)
    references = cite.references(loaded.archive, cfg)
    langs = langs or cfg.languages.all
    result.outputs = pages.render(loaded.archive, cfg, loaded.media, memo, references, langs)
    result.timings["pages"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    for lang in langs:  # each language's site has its own feeds, under content/<lang>/
        here = "" if lang == cfg.languages.default else f"{lang}/"
        result.outputs += feeds.render(loaded.archive, cfg.base + here, cfg.archive.text(Lang(lang), cfg.site_name),
                                       loaded.media, limit=cfg.feed_size, lang=lang, memo=memo, prefix=here)
    # The downloads are at the root, in the default language's site: a preview of another does not show them
    # (seconds at 10,000), only includes their description, which the first run of that language must make.
    served = cfg.languages.default in langs or any(
        f"{lang}/{data.DATASET}" not in writer.previous for lang in langs)
    if served:  # once, at the root
        downloads = data.render(loaded.archive, cfg, memo) + cite.render(loaded.archive, cfg, memo)
        result.outputs += downloads + data.dataset_snippets(loaded.archive, cfg, downloads, langs)
    result.timings["feeds"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    result.outputs.append(link_list(media.outputs(loaded.archive, loaded.media), Path(root).absolute()))
    result.timings["media"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    stamp.forget(root)  # an interrupted write must not leave a stamp that vouches for it
    ours = _scope(cfg, langs, served)
    stats = writer.write(result.outputs, ours)
    memo.save(ours)
    stamp.save(root, inputs, result.files, result.entries, result.epoch, loaded.report.problems)
    result.timings["write"] = time.perf_counter() - t2
    result.ok = True
    log.info("generated %d files (%d written, %d unchanged, %d removed)",
             len(result.outputs), stats.written, stats.unchanged, stats.removed)
    return result


def _scope(cfg: site_config.SiteConfig, langs: list[str], downloads: bool) -> Callable[[str], bool]:
    """Whether a path of content/ is made by a run of ``langs``: a language's own folder, or the root for the
    default language; without the ``downloads``, not their description (data.DATASET) either."""
    others = {f"{lang}/" for lang in cfg.languages.others}
    mine = {f"{lang}/" for lang in langs} | ({""} if cfg.languages.default in langs else set())

    def ours(rel: str) -> bool:
        top = rel[:rel.find("/") + 1]
        here = top if top in others else ""
        return here in mine and (downloads or rel[len(here):] != data.DATASET)
    return ours


def source_date_epoch(loaded: Loaded) -> str:
    """The build date MkDocs stamps into the sitemap: the newest addition, never the clock."""
    newest = max((e.added for e in loaded.archive.entries), default=None) if loaded.archive else None
    if newest is None:
        return "0"
    return str(calendar.timegm(newest.timetuple()))  # UTC midnight: the same in every time zone
