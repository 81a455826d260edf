"""Whole-pipeline benchmark on synthetic archives: `python -m scripts bench --entries 1000 10000`.

For each size it reports check, generation (pages and feeds), a warm rerun, MkDocs, peak memory
of each step (each runs in its own process), page count and size, and search index size; and in
the same run the baselines: bare YAML parsing of the same files and MkDocs alone on the same
Markdown. Figures are for humans (CI runs a tiny size as a smoke test). Writes a JSON report and
a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited through fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step(name: str, root: Path) -> dict:
    """Run one step in this (fresh) process and return its figures."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    t0 = time.perf_counter()
    extra: dict = {}
    if name == "parse":
        import yaml
        for p in sorted((root / "evidence" / "entries").rglob("*.yaml")):
            yaml.load(p.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)
    elif name == "check":
        from ..evidence.load import load_archive
        assert load_archive(root).archive is not None
    elif name == "generate":
        from ..build import generate
        result = generate(root)
        assert result.ok, [str(p) for p in result.report.sorted()[:5]]
        extra = {"stages": result.timings, "files": len(result.outputs)}
    elif name in ("mkdocs", "site"):
        if name == "site":
            from ..build import generate
            generate(root)
        from ..publish.site import mkdocs_build
        mkdocs_build(root, root / "site")
    else:
        raise SystemExit(f"unknown step {name}")
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(), **extra}


def preview(root: Path, timeout: float = 300, lang: str | None = None, edits: int = 1) -> dict:
    """Seconds from saving an edit to one entry's YAML to `python -m scripts serve` serving the new page
    (the median of ``edits`` saves, one after another in the same preview); and how long it took to start."""
    import socket
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    entries = sorted((root / "evidence" / "entries").rglob("*.yaml"))
    entry = entries[len(entries) // 2]
    here = "" if lang in (None, _default_language(root)) else f"{lang}/"
    url = f"http://127.0.0.1:{port}/{_base_path(root)}{here}entries/{entry.stem}/"

    def wait_for(text: str) -> float:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if text in r.read().decode("utf-8"):
                        return time.monotonic()
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"preview: {url} never showed {text!r}")

    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "scripts", "--root", str(root), "serve", "--dev-addr",
                             f"127.0.0.1:{port}", *(["--lang", lang] if lang else [])], cwd=REPO,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text, runs = entry.read_text("utf-8"), []
    try:
        start = wait_for("<h1") - started
        time.sleep(2)  # let the first build settle
        for n in range(edits):
            marker = f"Edited for the preview benchmark {n + 1}"
            t0 = time.monotonic()
            entry.write_text(text.replace("title: \"", f"title: \"{marker} "), "utf-8")
            runs.append(wait_for(marker) - t0)
            time.sleep(1)  # the search index follows in the background: the next save comes later
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        entry.write_text(text, "utf-8")
    return {"seconds": statistics.median(runs), "runs": [round(x, 2) for x in runs], "start": start,
            "lang": lang or _default_language(root)}


def _default_language(root: Path) -> str:
    from .. import config
    return config.languages(root).default


def _base_path(root: Path) -> str:
    """The path part of site_url, which `mkdocs serve` serves the site under."""
    from urllib.parse import urlsplit
    from .. import config
    path = urlsplit(config.load(root).site_url).path.strip("/")
    return f"{path}/" if path else ""


def _run(name: str, root: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "scripts.bench.pipeline", "--child", name, str(root)], cwd=REPO,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["peak_mb"] = max(r.get("peak_mb", 0) for r in runs)
    return out


def _tree(path: Path) -> tuple[int, int, int]:
    """Files, their total size, and the size of those not hard-linked to a file elsewhere (new disk space)."""
    stats = [p.stat() for p in path.rglob("*") if p.is_file()]
    return len(stats), sum(s.st_size for s in stats), sum(s.st_size for s in stats if s.st_nlink == 1)


PREVIEW_MAX = 1000  # the issue's preview figure is for 1,000 entries; MkDocs' first build at 10,000 takes minutes


def _forget(root: Path) -> None:
    """Make the next generation a full one: check, render and compare everything (thumbnails stay cached)."""
    for name in ("generate.json", "check.json", "pages.json"):
        (root / ".cache" / name).unlink(missing_ok=True)


def _edit_one(root: Path) -> None:
    """Change one entry's title, as a contributor would."""
    path = sorted((root / "evidence" / "entries").rglob("*.yaml"))[0]
    text = path.read_text("utf-8")
    marker = "title: \"Edited "
    path.write_text(text.replace(marker, "title: \"") if marker in text else text.replace("title: \"", marker, 1), "utf-8")


def _run_after(prepare, name: str, root: Path) -> dict:
    prepare(root)
    return _run(name, root)


def _image_maker():
    """Synthetic 4000x3000 JPEGs (about 4 MB), each file unique; a few distinct pictures are reused."""
    from .media import DISTINCT, _picture, _unique
    pictures: dict[int, bytes] = {}

    def make(path: Path, i: int) -> None:
        if i % DISTINCT not in pictures:
            pictures[i % DISTINCT] = _picture(i % DISTINCT)
        path.write_bytes(_unique(pictures[i % DISTINCT], f"bench image {i}"))
    return make


def measure(entries: int, runs: int, images: int = 0) -> dict:
    from .synthetic import make_archive
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = make_archive(Path(tmp), entries, images=images, image_maker=_image_maker() if images else None,
                            site_files_from=REPO)
        r: dict = {"entries": entries, "images": images}
        r["parse"] = _median([_run("parse", root) for _ in range(runs)])
        if images:
            from .media import bare_pillow
            paths = sorted((root / "evidence" / "media").rglob("*.jpg"))
            r["bare_pillow_images_per_s"] = bare_pillow(paths, os.cpu_count() or 1)
            r["thumbs_cold"] = _run("check", root)  # check prepares every image: the cold thumbnail pass
            r["thumbs_cold"]["images_per_s"] = images / r["thumbs_cold"]["seconds"]
        r["check"] = _median([_run_after(_forget, "check", root) for _ in range(runs)])
        r["check_cached"] = _median([_run("check", root) for _ in range(runs)])
        r["generate_cold"] = _run("generate", root)
        r["generate_full"] = _median([_run_after(_forget, "generate", root) for _ in range(runs)])
        r["generate_edit"] = _median([_run_after(_edit_one, "generate", root) for _ in range(runs)])
        r["generate_unchanged"] = _median([_run("generate", root) for _ in range(runs)])
        r["mkdocs"] = _median([_run("mkdocs", root) for _ in range(max(1, runs // 2))])
        r["site_warm"] = _run("site", root)
        pages = len(list((root / "content").rglob("*.md")))
        n_files, size, own = _tree(root / "site")
        r["pages"] = pages
        r["site_files"] = n_files
        r["site_mb"] = size / 2**20
        r["site_own_mb"] = own / 2**20
        r["search_index_mb"] = _tree(root / "site" / "pagefind")[1] / 2**20  # Pagefind's bundle, every language
        if entries <= PREVIEW_MAX:
            r["preview"] = _median([preview(root) for _ in range(runs)])
        return r


def table(results: list[dict]) -> str:
    rows = [
        ("bare YAML parse (CSafeLoader, 1 process)", lambda r: f"{r['parse']['seconds']:.2f} s"),
        ("images (4000x3000 JPEG)", lambda r: f"{r['images']:,}"),
        ("thumbnails cold (check preparing every image)", lambda r: f"{r['thumbs_cold']['seconds']:.1f} s, {r['thumbs_cold']['images_per_s']:.1f} img/s ({r['thumbs_cold']['peak_mb']:.0f} MB)" if r['images'] else "-"),
        ("bare Pillow open+thumbnail, all cores", lambda r: f"{r['bare_pillow_images_per_s']:.1f} img/s" if r['images'] else "-"),
        ("check (thumbnails warm)", lambda r: f"{r['check']['seconds']:.2f} s ({r['check']['peak_mb']:.0f} MB)"),
        ("check again, nothing changed (per-file results reused)", lambda r: f"{r['check_cached']['seconds']:.2f} s ({r['check_cached']['peak_mb']:.0f} MB)"),
        ("generate, first run (check + pages + feeds + write all)", lambda r: f"{r['generate_cold']['seconds']:.2f} s ({r['generate_cold']['peak_mb']:.0f} MB)"),
        ("everything before MkDocs, thumbnails warm, no other cache (unchanged files not rewritten)", lambda r: f"{r['generate_full']['seconds']:.2f} s ({r['generate_full']['peak_mb']:.0f} MB)"),
        ("  of which check", lambda r: f"{r['generate_full']['stages'].get('check', 0):.2f} s"),
        ("  of which pages", lambda r: f"{r['generate_full']['stages'].get('pages', 0):.2f} s"),
        ("  of which feeds", lambda r: f"{r['generate_full']['stages'].get('feeds', 0):.2f} s"),
        ("  of which media list", lambda r: f"{r['generate_full']['stages'].get('media', 0):.2f} s"),
        ("  of which writing", lambda r: f"{r['generate_full']['stages'].get('write', 0):.2f} s"),
        ("everything before MkDocs after editing one entry (caches warm)", lambda r: f"{r['generate_edit']['seconds']:.2f} s"),
        ("generate, rerun with nothing changed", lambda r: f"{r['generate_unchanged']['seconds']:.2f} s ({r['generate_unchanged']['peak_mb']:.0f} MB)"),
        ("MkDocs alone on the same Markdown", lambda r: f"{r['mkdocs']['seconds']:.1f} s ({r['mkdocs']['peak_mb']:.0f} MB)"),
        ("full site build, warm (generate + MkDocs)", lambda r: f"{r['site_warm']['seconds']:.1f} s ({r['site_warm']['peak_mb']:.0f} MB)"),
        ("full / MkDocs alone", lambda r: f"{r['site_warm']['seconds'] / r['mkdocs']['seconds']:.2f}x"),
        ("generation / MkDocs", lambda r: f"{(r['generate_full']['stages'].get('pages', 0) + r['generate_full']['stages'].get('feeds', 0)) / r['mkdocs']['seconds'] * 100:.0f}%"),
        ("Markdown pages", lambda r: f"{r['pages']:,}"),
        ("site/ files, size (of which new disk space; images are hard links)", lambda r: f"{r['site_files']:,}, {r['site_mb']:.0f} MB ({r['site_own_mb']:.0f} MB)"),
        ("pagefind/ (the search bundle; a query fetches a small part)", lambda r: f"{r['search_index_mb']:.1f} MB"),
        ("preview: edit to one entry's YAML visible in `make serve`", lambda r: f"{r['preview']['seconds']:.1f} s" if "preview" in r else "-"),
    ]
    head = "| step | " + " | ".join(f"{r['entries']:,} entries" for r in results) + " |\n"
    head += "|---|" + "---|" * len(results) + "\n"
    body = "".join(f"| {label} | " + " | ".join(f(r) for r in results) + " |\n" for label, f in rows)
    if len(results) >= 2:
        a, b = results[0], results[-1]
        scale = b["entries"] / a["entries"]
        body += (f"| MkDocs time ratio ({b['entries']:,} / {a['entries']:,}; {scale:.0f}x entries) | "
                 + f"{b['mkdocs']['seconds'] / a['mkdocs']['seconds']:.1f}x" + " |" * (len(results) - 1) + "\n")
    return head + body


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m scripts bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--images", type=float, default=0.2,
                   help="share of entries with a 4000x3000 JPEG (default 0.2), or a count when >= 1")
    p.add_argument("--runs", type=int, default=3, help="repeats per step; the median is reported")
    p.add_argument("--out", type=Path, help="folder for bench.json and bench.md (default: print only)")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_step(args.child[0], Path(args.child[1]))))
        return
    results = [measure(n, args.runs, int(args.images if args.images >= 1 else n * args.images)) for n in args.entries]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    md = f"Machine: {machine}\n\n" + table(results)
    print(md)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "bench.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
        (args.out / "bench.md").write_text(md)


if __name__ == "__main__":
    main()
