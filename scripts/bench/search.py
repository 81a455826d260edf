"""Bytes per query and time to first result of the site's search, in headless Chromium (issue 17).

Serves a built site with Python's http.server (no compression: the bytes are those of the files; the
gzip figure is what gzip -6 makes of the same files), opens a page in the given language, presses '/'
as soon as the page has loaded, types a query and waits for the first result. Every request is counted
from the page's load. Pagefind (ours) must fetch nothing of the search before '/'; Material's lunr
search (the comparison, ``engine="material"``) fetches its whole index at page load, counted too.

``python -m scripts bench --search`` (``bench``) builds a synthetic archive, indexes it with Pagefind as
the site's build does, builds the same English pages once more with Material's search plugin, and
measures both in the same run (scripts/bench/searchsites.py builds them).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
ENGINES = {  # input, first result, which requests are the search's
    "pagefind": ("input.archive-search__input", "a.archive-search__link",
                 lambda path: "/pagefind/" in path or path.endswith("/assets/search.js")),
    "material": ("input.md-search__input", "li.md-search-result__item a",
                 lambda path: "/search/" in path or "/workers/search" in path or "/lunr/" in path),
}
# Words of the synthetic archive (scripts/bench/synthetic.py), and of this archive for --site (the issue's)
QUERIES = {"": ["boycott", "petition court", "regulator"], "fr/": ["opérateurs", "blocage"], "ar/": ["المكالمات", "حجب"]}
ARCHIVE_QUERIES = {"": ["boycott"], "fr/": ["Meditel", "levee"], "ar/": ["وكالة", "المغرب"]}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _local(site: Path, url: str) -> Path:
    path = urlparse(url).path
    return site / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def _launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])


def measure(site: Path, lang_prefix: str, query: str, browser=None, engine: str = "pagefind") -> dict:
    """One fresh page's figures for ``query`` on the home page at ``lang_prefix`` ('', 'fr/', 'ar/');
    ``browser``: a Playwright Chromium to use (by default one is launched)."""
    if browser is None:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            launched = _launch(p)
            try:
                return measure(site, lang_prefix, query, launched, engine)
            finally:
                launched.close()
    field, result, ours = ENGINES[engine]
    server = _serve(site)
    base = f"http://127.0.0.1:{server.server_port}/"
    fetched: list[tuple[str, float]] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("requestfinished", lambda r: fetched.append((r.url, time.perf_counter())))
        page.goto(base + lang_prefix, wait_until="load")
        start = time.perf_counter()
        page.keyboard.press("/")
        page.locator(f"{field}:focus").wait_for(timeout=60_000)
        page.keyboard.type(query)
        page.locator(result).first.wait_for(state="visible", timeout=120_000)
        seconds = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    search = [u for u, _ in fetched if ours(urlparse(u).path)]
    # our search.js (8 KB) comes with the page and is counted in the query's bytes; Pagefind's files must not
    before = [u for u, at in fetched if at < start and ours(urlparse(u).path) and not u.endswith("/assets/search.js")]
    files = [f for f in map(functools.partial(_local, site), search) if f.is_file()]
    return {"engine": engine, "query": query, "lang": lang_prefix.rstrip("/") or "en",
            "seconds_to_first_result": round(seconds, 3), "requests": len(search),
            "bytes": sum(f.stat().st_size for f in files),
            "gzip_bytes": sum(len(gzip.compress(f.read_bytes(), 6)) for f in files),
            "search_files_before_opening": before}


def measure_all(sites: dict[str, Path], runs: int = 3, queries: dict = QUERIES) -> list[dict]:
    """Each engine's figures on each of ``queries`` (Material: the English site), the median of ``runs``."""
    from playwright.sync_api import sync_playwright
    rows = []
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for engine, site in sites.items():
                for prefix, words in queries.items():
                    if engine == "material" and prefix:
                        continue  # Material's search is built for the English site only
                    for q in words:
                        tries = [measure(site, prefix, q, browser, engine) for _ in range(runs)]
                        row = dict(tries[0], seconds_to_first_result=statistics.median(
                            t["seconds_to_first_result"] for t in tries))
                        row["bytes"] = max(t["bytes"] for t in tries)  # a query's cost: the most a run fetched
                        row["gzip_bytes"] = max(t["gzip_bytes"] for t in tries)
                        rows.append(row)
        finally:
            browser.close()
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    out = ["| engine | site | query | bytes fetched for the query | gzip | requests | first result (median) |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['engine']} | {r['lang']} | {r['query']} | {r['bytes'] / 1000:,.0f} KB | "
                   f"{r['gzip_bytes'] / 1000:,.0f} KB | {r['requests']} | {r['seconds_to_first_result']:.2f} s |")
    return "\n".join(out)


def machine() -> str:
    """The machine the figures come from."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


def main(argv: list[str] | None = None) -> int:
    """``python -m scripts bench --search``: both engines at each size of ``--entries``; JSON and Markdown."""
    from . import searchsites
    ap = argparse.ArgumentParser(prog="python -m scripts bench --search")
    ap.add_argument("--entries", type=int, nargs="+", default=[10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--site", type=Path, help="also measure this built site (Pagefind only), e.g. site/")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    report: dict = {"machine": machine(), "sizes": []}
    md = [f"Machine: {report['machine']}"]
    if args.site:
        rows = measure_all({"pagefind": args.site}, args.runs, ARCHIVE_QUERIES)
        report["site"] = rows
        md += [f"\n## {args.site}\n", table(rows)]
    for n in args.entries:
        with searchsites.built(n) as (sites, timings):
            rows = measure_all(sites, args.runs)
        report["sizes"].append({"entries": n, "timings": timings, "rows": rows})
        md += [f"\n## {n:,} synthetic entries\n", searchsites.timing_table(timings), "", table(rows)]
    print("\n".join(md))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
