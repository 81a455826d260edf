"""Benchmark the image stage: cold throughput beside bare Pillow, then a warm rerun over 10,000 cached images.

    python -m scripts.bench_media --images 1000     # the issue's figure
    python -m scripts.bench_media --images 50       # smoke run

Figures for humans, not a timed test. Synthetic 4000×3000 JPEGs (noise over gradients, so
sizes are photo-like) are generated in a temporary folder first; generation is not timed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import PIL
from PIL import Image, ImageChops

from . import media
from .hashcache import sha256_file
from .model import Archive, Entry, MediaItem
from .spec import PartialDate

W, H = 4000, 3000
DISTINCT = 16  # distinct pictures; every file is made unique (its own SHA-256) by a JPEG comment
TARGET_RATIO = 0.80
WARM_TARGET = 1.0


def _picture(seed: int) -> bytes:
    """Return a 4000×3000 JPEG: fine and coarse noise over gradients, about 4 MB like a phone photo."""
    fine = Image.effect_noise((W, H), 6 + seed % 3)
    coarse = Image.effect_noise((W // 8, H // 8), 40).resize((W, H), Image.Resampling.BICUBIC)
    gx = Image.linear_gradient("L").resize((W, H)).rotate(90 * (seed % 4), expand=False)
    gy = Image.radial_gradient("L").resize((W, H))
    bands = []
    for base, texture in ((gx, coarse), (gy, coarse.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
                          (gx.transpose(Image.Transpose.ROTATE_180), coarse.transpose(Image.Transpose.FLIP_TOP_BOTTOM))):
        bands.append(ImageChops.add(ImageChops.add(base, texture, 1.0, -128), fine, 1.0, -128))
    buf = io.BytesIO()
    Image.merge("RGB", bands).save(buf, "JPEG", quality=88)
    return buf.getvalue()


def _with_comment(jpeg: bytes, text: str) -> bytes:
    """Insert a COM segment after SOI: same pixels, different bytes."""
    payload = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def generate(folder: Path, count: int, workers: int) -> list[media.Job]:
    """Write ``count`` synthetic JPEGs into ``folder`` and return their jobs."""
    with ProcessPoolExecutor(workers) as pool:
        pictures = list(pool.map(_picture, range(min(DISTINCT, count))))
    jobs = []
    for i in range(count):
        path = folder / f"img{i:05d}.jpg"
        path.write_bytes(_with_comment(pictures[i % len(pictures)], f"bench image {i}"))
        jobs.append(media.Job(path, sha256_file(path)))
    return jobs


def _bare(paths: list[str]) -> int:
    for p in paths:
        with Image.open(p) as im:
            im.thumbnail((400, 400))
    return len(paths)


def bare_pillow(paths: list[Path], processes: int) -> float:
    """Return images per second of bare ``Image.open`` + ``thumbnail((400, 400))``."""
    names = [str(p) for p in paths]
    start = time.perf_counter()
    if processes == 1:
        _bare(names)
    else:
        chunks = [names[i::processes * 8] for i in range(processes * 8)]
        with ProcessPoolExecutor(processes) as pool:
            sum(pool.map(_bare, chunks))
    return len(paths) / (time.perf_counter() - start)


def pipeline(jobs: list[media.Job], cache: Path, workers: int) -> float:
    """Return images per second of a cold ``media.prepare`` (thumbnail and display copy, both WebP)."""
    start = time.perf_counter()
    results = media.prepare(jobs, cache, workers=workers)
    elapsed = time.perf_counter() - start
    failures = [r for r in results.values() if isinstance(r, media.Failure)]
    if failures:
        raise SystemExit(f"{len(failures)} images failed, e.g. {failures[0]}")
    return len(jobs) / elapsed


def breakdown(paths: list[Path]) -> dict[str, float]:
    """Return milliseconds per image for each step of the pipeline, in one process."""
    steps = {"decode + resize to 1600": 0.0, "display WebP encode": 0.0, "thumbnail resize + encode": 0.0}
    box_d, box_t = media.SETTINGS["display_box"], media.SETTINGS["thumb_box"]
    for p in paths:
        t0 = time.perf_counter()
        with Image.open(p) as im:
            display = media._to_webp_mode(media._decode(im, media._fit(im.size, box_d)), None)
        t1 = time.perf_counter()
        media._webp(display)
        t2 = time.perf_counter()
        media._webp(media._resize(display, media._fit(display.size, box_t)))
        t3 = time.perf_counter()
        for name, dt in zip(steps, (t1 - t0, t2 - t1, t3 - t2)):
            steps[name] += dt * 1000 / len(paths)
    return steps


def fake_warm_cache(cache: Path, count: int) -> list[media.Job]:
    """Fill ``cache`` as if ``count`` images had been prepared, reusing the real records and files; return jobs."""
    real = json.loads((cache / "index.json").read_text())["records"]
    sources = list(real.items())
    records = {}
    jobs = []
    for i in range(count):
        sha = hashlib.sha256(f"warm {i}".encode()).hexdigest()
        key = media.derivative_key(sha)
        real_key, record = sources[i % len(sources)]
        for kind in ("thumb", "display"):
            os.link(cache / f"{real_key}.{kind}.webp", cache / f"{key}.{kind}.webp")
        records[key] = record
        jobs.append(media.Job(Path(f"/nonexistent/warm{i}.jpg"), sha))
    records.update(real)
    (cache / "index.json").write_text(json.dumps({"records": records}, sort_keys=True, separators=(",", ":")))
    return jobs


def warm(jobs: list[media.Job], cache: Path, runs: int = 3) -> tuple[list[float], float]:
    """Time warm ``prepare`` runs (nothing may be decoded) and one ``outputs`` call over their results."""
    def refuse(*args):
        raise AssertionError("the warm run decoded an image")
    real_work, media._work = media._work, refuse
    try:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            prepared = media.prepare(jobs, cache)
            times.append(time.perf_counter() - start)
    finally:
        media._work = real_work
    entries = [Entry(id=f"e{i}", path=f"e{i}.yaml", type="screenshot", title="t", date=PartialDate(2016),
                     added=date(2026, 1, 1), summary="s", language="en",
                     media=(MediaItem(f"warm{i}.jpg", job.sha256, "alt"),)) for i, job in enumerate(jobs)]
    archive = Archive(entries=entries, actors={}, tags={})
    start = time.perf_counter()
    media.outputs(archive, prepared)
    return times, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scripts.bench_media", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", type=int, default=1000, help="synthetic 4000×3000 JPEGs to process (default 1000)")
    p.add_argument("--workers", type=int, default=media._cpu_count(), help="processes (default: all cores)")
    p.add_argument("--warm", type=int, default=10_000, help="cached images for the warm rerun (default 10000)")
    p.add_argument("--method", type=int, choices=range(7), help="WebP method to try instead of the setting (0-6)")
    p.add_argument("--breakdown", type=int, default=10, help="images timed step by step (default 10)")
    args = p.parse_args(argv)
    if args.method is not None:
        if multiprocessing.get_start_method() != "fork":
            p.error("--method needs forked worker processes (Linux), which inherit the changed setting")
        media.SETTINGS["method"] = args.method
        media._fingerprint.cache_clear()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s", stream=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="bench-media-"))
    try:
        return _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, tmp: Path) -> int:
    n, workers = args.images, args.workers
    (tmp / "media").mkdir()
    start = time.perf_counter()
    jobs = generate(tmp / "media", n, workers)
    size = sum(j.path.stat().st_size for j in jobs) / n / 1e6
    print(f"generated {n} JPEGs of {W}×{H} ({size:.1f} MB on average) in {time.perf_counter() - start:.0f} s (not counted)")
    print(f"Pillow {PIL.__version__}; settings {media.SETTINGS}; {workers} worker processes")
    paths = [j.path for j in jobs]
    bare1 = bare_pillow(paths, 1)
    bare2 = bare_pillow(paths, workers)
    ours = pipeline(jobs, tmp / "cache", workers)
    print(f"bare Pillow open + thumbnail((400, 400)), 1 process:  {bare1:7.1f} images/s")
    print(f"bare Pillow open + thumbnail((400, 400)), {workers} processes: {bare2:7.1f} images/s")
    print(f"our pipeline (thumb + display WebP), {workers} processes:  {ours:7.1f} images/s "
          f"({ours / workers:.1f} per core)")
    ratio = ours / bare2
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"ratio to bare Pillow across {workers} cores: {ratio:.0%} (target >= {TARGET_RATIO:.0%}: {verdict})")
    for step, ms in breakdown(paths[: args.breakdown]).items():
        print(f"  per image, one process: {step:28s} {ms:6.1f} ms")
    cache = tmp / "cache"
    warm_jobs = fake_warm_cache(cache, args.warm)
    times, outs = warm(warm_jobs, cache)
    verdict = "met" if times[0] <= WARM_TARGET else "NOT met"
    print(f"warm rerun over {args.warm} cached images: prepare {times[0]:.3f} s first, {min(times):.3f} s best "
          f"of {len(times)} (target <= {WARM_TARGET:.0f} s: {verdict}); outputs() {outs:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
