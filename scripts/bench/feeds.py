"""Benchmark the feeds stage: ``python -m scripts.bench.feeds --entries 10000``.

Builds a synthetic archive in memory (about 20 actors, 20 tags, all entry types, a fifth of
the entries with a thumbnail) and times ``feeds.render`` (root and facet feeds) on one core.
Target (issue 5): at most 1 s for 10,000 entries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

from ..render import feeds
from ..evidence.model import Actor, Archive, Entry, MediaItem, Source, Tag
from ..evidence.schema import TYPES
from ..evidence.dates import PartialDate

TARGET_S, TARGET_N = 1.0, 10_000
WORDS = ("internet calls operators regulator blocked applications mobile networks users petition statement "
         "decision telecom voice services access restriction citizens boycott lifted announcement report").split()


@dataclass(frozen=True)
class _Rendition:
    url: str
    width: int
    height: int
    size: int
    mime: str = "image/webp"


@dataclass(frozen=True)
class _Media:
    thumb: _Rendition


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _summary(rng: random.Random) -> str:
    """Two short paragraphs (~80 words) with some emphasis and a link, like real summaries."""
    first = f"{_words(rng, 30)} *{_words(rng, 3)}* {_words(rng, 15)}."
    second = f"{_words(rng, 20)} [{_words(rng, 2)}](https://example.org/{rng.randrange(10**6)}) {_words(rng, 10)}."
    return f"{first}\n\n{second}"


def synthetic_archive(n: int, seed: int = 5) -> tuple[Archive, dict[str, _Media]]:
    """An archive of ``n`` entries and the media renditions of the fifth of them that have media."""
    rng = random.Random(seed)
    actors = {f"actor-{i}": Actor(f"actor-{i}", f"Actor number {i} (synthetic)", "operator") for i in range(20)}
    tags = {f"tag-{i}": Tag(f"tag-{i}", f"Topic {i}") for i in range(20)}
    media: dict[str, _Media] = {}
    entries = []
    start = date(2024, 1, 1)
    for i in range(n):
        items: tuple[MediaItem, ...] = ()
        if rng.random() < 0.2:
            sha = f"{i:064x}"
            items = (MediaItem(f"2016/img-{i}.png", sha, "a screenshot"),)
            media[sha] = _Media(_Rendition(f"media/thumbs/{sha[:16]}.webp", 320, 240, rng.randrange(5_000, 40_000)))
        entries.append(Entry(
            id=f"entry-{i:05d}", path=f"evidence/entries/2016/entry-{i:05d}.yaml", type=rng.choice(TYPES),
            title=_words(rng, rng.randrange(6, 16)).capitalize(), date=PartialDate(2016, rng.randrange(1, 13), 0),
            added=start + timedelta(days=i // 20), summary=_summary(rng), language="fr",
            source=Source(url=f"https://example.org/a/{i}", publisher=f"Publisher {rng.randrange(50)}"),
            speaker=rng.choice(("", "", "actor-0")), actors=tuple(rng.sample(sorted(actors), rng.randrange(1, 4))),
            tags=tuple(rng.sample(sorted(tags), rng.randrange(0, 4))), media=items))
    return Archive(entries, actors, tags), media


def _one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def main(argv: list[str] | None = None) -> int:
    """Time ``feeds.render`` on a synthetic archive and print the median of the runs."""
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.feeds", description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=TARGET_N)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)
    pinning = _one_core()
    archive, media = synthetic_archive(args.entries)
    times, outputs = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        outputs = feeds.render(archive, "https://example.org/voip-archive/", "VoIP archive", media, args.limit)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    size = sum(len(o.data) for o in outputs)
    print(f"feeds: {args.entries} entries, {sum(1 for e in archive.entries if e.media)} with media, "
          f"{len(outputs)} feeds ({size / 1e6:.1f} MB), limit {args.limit}; {pinning}")
    print(f"runs: {', '.join(f'{t:.3f} s' for t in times)}; median {median:.3f} s")
    if args.entries == TARGET_N:
        verdict = "met" if median <= TARGET_S else "MISSED"
    else:  # the cost is mostly feeds x limit items, not the archive size: do not scale the target
        verdict = f"not comparable (run with --entries {TARGET_N})"
    print(f"target: <= {TARGET_S:g} s for {TARGET_N:,} entries: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
