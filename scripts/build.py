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
from functools import partial
from pathlib import Path
from typing import Callable

from . import config as site_config
from . import media, parallel
from .evidence import Loaded, load_archive
from .evidence.problems import Report
from .publish.links import link_list
from .publish.output import Output, Writer
from .render import cite, data, feeds, pages
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
    langs = langs or cfg.languages.all
    references = cite.references(loaded.archive, cfg, langs)  # the pages' alone: the downloads cite no text
    # The downloads are at the root, in the default language's site: a preview of another does not show them
    # (seconds at 10,000), only includes their description, which a run of that language makes if it is missing.
    served = cfg.languages.default in langs or any(
        not writer.holds(f"{lang}/{data.DATASET}", writer.previous.get(f"{lang}/{data.DATASET}", "")) for lang in langs)
    renderers = pages.renderers(loaded.archive, cfg, loaded.media, memo, references, langs)
    entry_pages = [pages.entry_pages(r) for r in renderers]  # each language's on every core
    result.timings["pages"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    site_pages, feed_files, downloads = _the_rest(loaded, cfg, memo, renderers,
                                                  result.entries >= parallel.PARALLEL_FROM, served)
    result.outputs = [o for e, s in zip(entry_pages, site_pages) for o in e + s]
    result.outputs += [o for f in feed_files for o in f] + downloads
    result.timings["feeds"] = time.perf_counter() - t1  # with the other pages and the downloads: they run together
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


def _the_rest(loaded: Loaded, cfg, memo: PageMemo, langs: list[pages.Renderer], wide: bool, served: bool):
    """Each language's other pages and feeds, and the downloads if ``served``: independent of each other, so with
    ``wide`` on every core (the longest first). The memo gets their records here."""
    codes = [r.lang.code for r in langs]
    tasks = [partial(_downloads, loaded, cfg, memo, codes) if served else list]
    tasks += [partial(pages.site_pages, r) for r in langs]
    tasks += [partial(_feeds, loaded, cfg, memo, r) for r in langs]  # at 10k x 3: 1.5, 3 x 1.3, 3 x 0.4 CPU s
    made = parallel.map_tasks([partial(_recorded, memo, task) for task in tasks], parallel=wide)
    for _, records in made:
        memo.fresh.update(records)
    files = [outputs for outputs, _ in made]
    return files[1:len(langs) + 1], files[len(langs) + 1:], files[0]


def _recorded(memo: PageMemo, make: Callable[[], list[Output]]) -> tuple[list[Output], dict[str, list]]:
    """``make()``'s files and the memo records it made (in a forked process, the memo it changes is a copy)."""
    before, memo.fresh = memo.fresh, {}
    try:
        return make(), memo.fresh
    finally:
        memo.fresh = before


def _feeds(loaded: Loaded, cfg, memo: PageMemo, r: pages.Renderer) -> list[Output]:
    """The feeds of ``r``'s language: each language's site has its own, under content/<lang>/."""
    return feeds.render(loaded.archive, cfg.base + r.prefix, cfg.archive.text(r.lang, cfg.site_name), loaded.media,
                        limit=cfg.feed_size, lang=r.lang.code, memo=memo, prefix=r.prefix)


def _downloads(loaded: Loaded, cfg, memo: PageMemo, langs: list[str]) -> list[Output]:
    """The data files and citations (once, at the root) and the dataset snippets that describe them in ``langs``."""
    downloads = data.render(loaded.archive, cfg, memo) + cite.render(loaded.archive, cfg, memo)
    return downloads + data.dataset_snippets(loaded.archive, cfg, downloads, langs)


def source_date_epoch(loaded: Loaded) -> str:
    """The build date MkDocs stamps into the sitemap: the newest addition, never the clock."""
    newest = max((e.added for e in loaded.archive.entries), default=None) if loaded.archive else None
    if newest is None:
        return "0"
    return str(calendar.timegm(newest.timetuple()))  # UTC midnight: the same in every time zone
