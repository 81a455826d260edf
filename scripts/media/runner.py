"""Images: metadata-free WebP thumbnails and display copies, decoded once and cached; originals as they are.

Each distinct source image (by SHA-256) is decoded once, in a pool of processes when there are
many, into a thumbnail and a display copy written to the cache (``.cache/media/``) with a small
JSON record; the build store's ``media`` section gathers the records (see store/derivatives.py),
so that a warm run reads one file and decodes nothing. Derivatives are named after a hash of the source hash, the settings and the codec
versions, so names are reproducible and never stale. Files that cannot be used become
``Failure``s; ``check_item`` reports them at the media item's ``file``, and refuses to publish
an original whose container holds anything but what is known to be safe (see containers.py)
unless the item says ``publish_original: false``.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Iterable, NamedTuple


from ..evidence.problems import BuildError
from ..store.derivatives import Derivatives
from .derive import derivative_key, transient, work
from .inspect import Failure
from .renditions import Prepared, Rendition

log = logging.getLogger(__name__)

SERIAL_MAX = 4  # up to this many images to decode, a process pool costs more than it saves
PROGRESS_MIN = 20  # log progress for runs decoding at least this many images


class Job(NamedTuple):
    """A source image to prepare: its path and its checked SHA-256."""

    path: Path
    sha256: str



# --- many images --------------------------------------------------------------------------------

class _Progress:
    """Show how far a long run is: a tqdm bar on a terminal, otherwise a log line about every tenth."""

    def __init__(self, total: int, stream=None):
        stream = stream or sys.stderr
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.every, self.bar = 0, None
        if total < PROGRESS_MIN:
            return
        if stream.isatty():
            from tqdm import tqdm  # imported here: a warm run shows no bar and should not pay for the import
            self.bar = tqdm(total=total, desc="media", unit="image", file=stream)
        else:
            self.every = max(1, total // 10)

    def step(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update()
        elif self.every and (self.done % self.every == 0 or self.done == self.total):
            log.info("media: %d of %d images prepared (%.0f s)", self.done, self.total, time.monotonic() - self.start)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def prepare(jobs: Iterable[Job], cache_dir: Path, workers: int | None = None) -> dict[str, Prepared | Failure]:
    """Make, or find in ``cache_dir``, the derivatives of each distinct source; return results keyed by SHA-256."""
    sources: dict[str, Path] = {}
    for path, sha256 in jobs:
        sources.setdefault(sha256, path)
    keys = {sha: derivative_key(sha) for sha in sources}
    cache = Derivatives(cache_dir.parent, cache_dir)
    records = {sha: cache.get(keys[sha], sha) for sha in sources}
    todo = [sha for sha, record in records.items() if record is None]
    if todo:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"cannot create the media cache {cache_dir}: {exc}") from None
        for sha, record in _run(todo, sources, keys, cache_dir, workers):
            if record.get("source", sha) != sha:  # rewritten since it was hashed: neither verdict nor copies hold
                record = transient("changed while the build read it (its SHA-256 is not the one checked)")
            records[sha] = record
            if not record.get("transient"):
                cache.put(keys[sha], record)
    cache.save()
    folder = str(cache_dir)
    return {sha: _result(sha, keys[sha], sources[sha], records[sha], folder) for sha in sources}


def _run(todo: list[str], sources: dict[str, Path], keys: dict[str, str], folder: Path, workers: int | None):
    """Yield (sha256, record) for each image to decode, showing progress on long runs."""
    progress = _Progress(len(todo))
    results = _decode_all(todo, sources, keys, folder, workers)
    try:
        for sha, record in results:
            yield sha, record
            progress.step()
    finally:
        results.close()  # stops the pool now if the caller gave up early
        progress.close()


def _decode_all(todo: list[str], sources: dict[str, Path], keys: dict[str, str], folder: Path, workers: int | None):
    """Yield (sha256, record) for each image: in this process for a few, in a pool over all cores for more."""
    workers = workers or _cpu_count()
    args = {sha: (str(sources[sha]), keys[sha], str(folder)) for sha in todo}
    if workers <= 1 or len(todo) <= SERIAL_MAX:
        for sha in todo:
            yield sha, work(*args[sha])
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)))
    try:
        futures = {pool.submit(work, *args[sha]): sha for sha in todo}
        for future in as_completed(futures):
            try:
                record = future.result()
            except BuildError:
                raise
            except Exception as exc:  # a worker died (e.g. a decoder crashed): report it, keep the others
                record = transient(f"could not be processed ({exc or type(exc).__name__})")
            yield futures[future], record
    finally:
        pool.shutdown(cancel_futures=True)  # on Ctrl-C or an error, do not wait for the whole queue


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _result(sha: str, key: str, source: Path, record: dict, folder: str) -> Prepared | Failure:
    if "problem" in record:
        return Failure(record["problem"], record.get("hint", ""))
    (tw, th, ts, _), (dw, dh, ds, _) = record["thumb"], record["display"]
    return Prepared(
        sha256=sha, key=key, format=record["format"], width=record["width"], height=record["height"],
        size=record["size"], source=source,
        thumb=Rendition(f"media/thumbs/{key}.webp", tw, th, ts, "image/webp", f"{folder}/{key}.thumb.webp"),
        display=Rendition(f"media/display/{key}.webp", dw, dh, ds, "image/webp", f"{folder}/{key}.display.webp"),
        animated=record["animated"], unsafe=record["unsafe"])


