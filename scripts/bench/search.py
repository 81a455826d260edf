"""Bytes per query and time to first result of the site's search, in headless Chromium (issue 17).

Serves a built site/ with Python's http.server (no compression: the bytes are those of the files; the
gzip figure is what gzip -6 makes of the same files), opens a page in the given language, presses '/',
types a query and waits for the first result. Every request is counted from the page's load: what is
fetched before the search is opened must be nothing of the search's.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
RESULT = "a.pagefind-ui__result-link"
INPUT = "input.pagefind-ui__search-input"


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


def measure(site: Path, lang_prefix: str, query: str, browser=None) -> dict:
    """One fresh page's figures for ``query`` on the home page at ``lang_prefix`` ('', 'fr/', 'ar/');
    ``browser``: a Playwright Chromium to use (by default one is launched)."""
    if browser is None:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            try:
                return measure(site, lang_prefix, query, launched)
            finally:
                launched.close()
    server = _serve(site)
    base = f"http://127.0.0.1:{server.server_port}/"
    fetched: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("requestfinished", lambda r: fetched.append(r.url))
        page.goto(base + lang_prefix, wait_until="load")
        page.wait_for_load_state("networkidle")
        before = len(fetched)
        start = time.perf_counter()
        page.keyboard.press("/")
        page.locator(INPUT).wait_for()
        page.keyboard.type(query)
        page.locator(RESULT).first.wait_for(state="visible", timeout=60_000)
        seconds = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    search = [u for u in fetched[before:] if "/pagefind/" in u or u.endswith("/assets/search.js")]
    files = [_local(site, u) for u in search]
    raw = sum(f.stat().st_size for f in files if f.is_file())
    zipped = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file())
    page_search = [u for u in fetched[:before] if "/pagefind/" in u]
    return {"query": query, "lang": lang_prefix or "en", "seconds_to_first_result": round(seconds, 3),
            "requests": len(search), "bytes": raw, "gzip_bytes": zipped, "search_files_before_opening": page_search}


def main(argv: list[str]) -> int:
    """python -m scripts.bench.search SITE_DIR LANG_PREFIX QUERY...: print one JSON line per query."""
    site, prefix, *queries = argv
    for q in queries:
        print(json.dumps(measure(Path(site), "" if prefix == "en" else prefix, q), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
