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
import unicodedata
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
STATUS = "#archive-search-status"
# The realistic text holds the entries' Arabic words: حجب is not one of them (0 entries), the ban is حظر there
REALISTIC_QUERIES = dict(QUERIES, **{"ar/": ["المكالمات", "حظر"]})
ARCHIVE_QUERIES = {"": ["boycott"], "fr/": ["Meditel", "levee"], "ar/": ["وكالة", "المغرب"]}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    script: Path | None = None  # served in place of the site's assets/search.js (a variant to compare)

    def log_message(self, format, *args):
        pass

    def translate_path(self, path):
        if self.script and urlparse(path).path.endswith("/assets/search.js"):
            return str(self.script)
        return super().translate_path(path)


def _serve(site: Path, script: Path | None = None):
    handler = type("Handler", (_Quiet,), {"script": script})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _local(site: Path, url: str, script: Path | None = None) -> Path:
    path = urlparse(url).path
    if script and path.endswith("/assets/search.js"):
        return script
    return site / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def _launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])


def _type(page, query: str, delay: int) -> float:
    """Type ``query``: all at once, or one key every ``delay`` ms as a reader does; the time of the last key."""
    if not delay:
        page.keyboard.type(query)
        return time.perf_counter()
    for k, char in enumerate(query):
        if k:
            time.sleep(delay / 1000)
        last = time.perf_counter()
        page.keyboard.type(char)
    return last


def _found(status: str) -> int | None:
    """The count in the search's status line ("Results: 1,234", "النتائج: ١٬٢٣٤"), whatever the digits."""
    digits = "".join(str(unicodedata.digit(c)) for c in status if c.isdigit())
    return int(digits) if digits else None


def measure(site: Path, lang_prefix: str, query: str, browser=None, engine: str = "pagefind", delay: int = 0,
            script: Path | None = None) -> dict:
    """One fresh page's figures for ``query`` on the home page at ``lang_prefix`` ('', 'fr/', 'ar/');
    ``browser``: a Playwright Chromium to use (by default one is launched). ``delay`` 0: the query is typed
    at once and timed from pressing '/'; otherwise one key every ``delay`` ms, timed from the last key. Either
    way to the first result of the whole query (Pagefind: of the list search.js marks with it, not a prefix's
    results). ``script``: a search.js served instead of the site's."""
    if browser is None:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            launched = _launch(p)
            try:
                return measure(site, lang_prefix, query, launched, engine, delay, script)
            finally:
                launched.close()
    field, result, ours = ENGINES[engine]
    if engine == "pagefind":  # the whole query's results, not a prefix's still on screen (search.js marks them)
        result = f"ol[data-query={json.dumps(query, ensure_ascii=False)}] {result}"
    server = _serve(site, script)
    base = f"http://127.0.0.1:{server.server_port}/"
    fetched: list[tuple[str, float]] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("requestfinished", lambda r: fetched.append((r.url, time.perf_counter())))
        page.goto(base + lang_prefix, wait_until="load")
        opened = time.perf_counter()
        page.keyboard.press("/")
        page.locator(f"{field}:focus").wait_for(timeout=60_000)
        last = _type(page, query, delay)
        page.locator(result).first.wait_for(state="visible", timeout=120_000)
        seconds = time.perf_counter() - (last if delay else opened)
        status = page.inner_text(STATUS) if engine == "pagefind" else ""
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    search = [u for u, _ in fetched if ours(urlparse(u).path)]
    # our search.js (8 KB) comes with the page and is counted in the query's bytes; Pagefind's files must not
    before = [u for u, at in fetched if at < opened and ours(urlparse(u).path) and not u.endswith("/assets/search.js")]
    files = [f for f in (_local(site, u, script) for u in search) if f.is_file()]
    return {"engine": engine, "query": query, "lang": lang_prefix.rstrip("/") or "en", "delay_ms": delay,
            "script": script.name if script else "", "pages_found": _found(status),
            "seconds_to_first_result": round(seconds, 3), "requests": len(search),
            "bytes": sum(f.stat().st_size for f in files),
            "gzip_bytes": sum(len(gzip.compress(f.read_bytes(), 6)) for f in files),
            "search_files_before_opening": before}


def measure_all(sites: dict[str, Path], runs: int = 3, queries: dict = QUERIES, delays=(0,), scripts=(None,)) -> list[dict]:
    """Each engine's figures on each of ``queries`` (Material: the English site, typed at once), the median of
    ``runs``, for each typing ``delays`` and each search.js of ``scripts`` (None: the site's own)."""
    from playwright.sync_api import sync_playwright
    rows = []
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for engine, site in sites.items():
                ways = [(0, None)] if engine == "material" else [(d, s) for s in scripts for d in delays]
                for prefix, words in queries.items():
                    if engine == "material" and prefix:
                        continue  # Material's search is built for the English site only
                    for q in words:
                        rows += [_median([measure(site, prefix, q, browser, engine, d, s) for _ in range(runs)])
                                 for d, s in ways]
        finally:
            browser.close()
    return rows


def _median(tries: list[dict]) -> dict:
    seconds = [t["seconds_to_first_result"] for t in tries]
    row = dict(tries[0], seconds_to_first_result=statistics.median(seconds), runs=seconds)
    row["bytes"] = max(t["bytes"] for t in tries)  # a query's cost: the most a run fetched
    row["gzip_bytes"] = max(t["gzip_bytes"] for t in tries)
    row["requests"] = max(t["requests"] for t in tries)
    row["search_files_before_opening"] = sorted({u for t in tries for u in t["search_files_before_opening"]})
    return row


def _typing(r: dict) -> str:
    way = f"{r['delay_ms']} ms a key, from the last" if r.get("delay_ms") else "at once, from '/'"
    return way + (f" ({r['script']})" if r.get("script") else "")


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    out = ["| engine | site | query | pages found | typed | bytes fetched for the query | gzip | requests | "
           "first result, median (runs) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        found = "" if r.get("pages_found") is None else f"{r['pages_found']:,}"
        runs = ", ".join(f"{t:.2f}" for t in r.get("runs", []))
        out.append(f"| {r['engine']} | {r['lang']} | {r['query']} | {found} | {_typing(r)} | {r['bytes'] / 1000:,.0f} KB | "
                   f"{r['gzip_bytes'] / 1000:,.0f} KB | {r['requests']} | {r['seconds_to_first_result']:.2f} s ({runs}) |")
    return "\n".join(out)


def machine() -> str:
    """The machine the figures come from."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


TEXT = {"synthetic": "the synthetic text: 40 English, 12 French and 8 Arabic words, each on nearly every page "
                      "(the worst case for the index: one word's postings fill a chunk)",
        "realistic": "the realistic text: the words of this repository's own entries (evidence/entries/), "
                     "drawn with their observed frequencies; a word distribution, no fact"}


def main(argv: list[str] | None = None) -> int:
    """``python -m scripts bench --search``: both engines at each size of ``--entries`` and each ``--text``."""
    from . import searchsites
    ap = argparse.ArgumentParser(prog="python -m scripts bench --search")
    ap.add_argument("--entries", type=int, nargs="+", default=[10000])
    ap.add_argument("--text", nargs="+", choices=searchsites.TEXTS, default=list(searchsites.TEXTS),
                    help="the synthetic archives' text (default: both)")
    ap.add_argument("--delay", type=int, nargs="+", default=[0, 150],
                    help="ms between keys: 0 types at once (default: 0 150)")
    ap.add_argument("--script", type=Path, nargs="+", default=[],
                    help="also measure with these search.js in place of the site's (variants to compare)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--site", type=Path, help="also measure this built site (Pagefind only), e.g. site/")
    ap.add_argument("--keep", type=Path, help="build the synthetic sites in this folder once; later runs reuse them")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    scripts = [None, *args.script]
    report: dict = {"machine": machine(), "sizes": []}
    md = [f"Machine: {report['machine']}"]
    if args.site:
        rows = measure_all({"pagefind": args.site}, args.runs, ARCHIVE_QUERIES, args.delay, scripts)
        report["site"] = rows
        md += [f"\n## {args.site}\n", table(rows)]
    for n in args.entries:
        for text in args.text:
            queries = REALISTIC_QUERIES if text == "realistic" else QUERIES
            with searchsites.built(n, text, args.keep) as (sites, timings):
                holding = searchsites.entries_holding(sites["pagefind"].parent, [q for w in queries.values() for q in w])
                rows = measure_all(sites, args.runs, queries, args.delay, scripts)
            report["sizes"].append({"entries": n, "text": text, "timings": timings, "entries_holding": holding, "rows": rows})
            md += [f"\n## {n:,} synthetic entries, {TEXT[text]}\n", searchsites.timing_table(timings), "",
                   "Entries holding each query: " + "; ".join(f"{q} {c:,}" for q, c in holding.items()) + "\n", table(rows)]
    print("\n".join(md))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
