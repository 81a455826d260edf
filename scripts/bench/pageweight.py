"""Page weight and request count of a built site's pages in Chromium, first view with an empty cache.

Figures for humans (benchmarks/pages.md), never used by a build: each site/ folder is served by
http.server on 127.0.0.1; each page opens in a fresh browser context (no cache) and is measured once
it has loaded and the network is idle: the requests made and the bytes received (headers and bodies;
http.server does not compress). Needs Playwright and Debian's Chromium (requirements-test.txt).

    python -m scripts.bench.pageweight NAME=SITE_DIR... -- PATH...
"""

from __future__ import annotations

import functools
import http.server
import json
import statistics
import sys
import threading

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(directory: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def measure(browser, url: str) -> tuple[int, int]:
    """(requests, bytes received) for one first view of ``url``."""
    context = browser.new_context()
    page = context.new_page()
    done = []
    page.on("requestfinished", lambda r: done.append(r))
    page.goto(url, wait_until="networkidle")
    total = 0
    for r in done:
        sizes = r.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return len(done), total


def main(argv: list[str]) -> None:
    """Print one JSON line per (site, path): the medians of three first views."""
    from playwright.sync_api import sync_playwright
    split = argv.index("--")
    sites = dict(a.split("=", 1) for a in argv[:split])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, directory in sites.items():
            server, base = _serve(directory)
            for path in argv[split + 1:]:
                runs = [measure(browser, base + path) for _ in range(3)]
                print(json.dumps({"site": name, "path": path, "requests": statistics.median(r for r, _ in runs),
                                  "bytes": statistics.median(b for _, b in runs)}), flush=True)
            server.shutdown()
            server.server_close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
