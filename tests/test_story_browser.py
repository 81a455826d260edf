"""Issue 18 in Chromium: key events reached by keyboard, no serious axe finding, the 404 page at any depth.

The site is test_pages' (the shared fixtures plus a key event whose notes link another entry), served
under site_url's path, /voip-archive/, by a server that answers a missing address with the language's
404.html, as a static host does.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from test_browser import HOST, SEARCH_INPUT, Tab, _axe
from test_pages import pages_site  # noqa: F401  (the module-scoped built site)

ROOT = "/voip-archive/"
LIFTED = "entries/2016-11-04-ban-lifted/"
COMMUNIQUE = "entries/2016-01-07-regulator-communique/"


class _Site(http.server.SimpleHTTPRequestHandler):
    """site/ at /voip-archive/; a missing file gets its language's 404.html with status 404."""

    def log_message(self, format, *args):
        pass

    def translate_path(self, path):
        return super().translate_path("/" + path.removeprefix(ROOT) if path.startswith(ROOT) else "/-outside-")

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        lang = next((x for x in ("fr", "ar") if self.path.startswith(f"{ROOT}{x}/")), "")
        body = (Path(self.directory) / lang / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base(pages_site):  # noqa: F811
    handler = functools.partial(_Site, directory=str(pages_site.root / "site"))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{HOST}:{server.server_port}{ROOT}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser, base):
    t = Tab(browser, base)
    yield t
    t.close()


# the focused link's address; the drawn timeline's links are SVG <a>, whose .href is not a string
FOCUSED_HREF = ("(a => a && new URL(a.getAttribute('href'), location.href).href)"
                "(document.activeElement.closest('a'))")


def _key_event_links(page) -> list[str]:
    return page.eval_on_selector_all(".ea-key-events a", "links => links.map(a => a.href)")


@pytest.mark.parametrize("lang", ["", "ar/"])
def test_tab_reaches_every_key_event_link_on_the_home_page(tab, lang):
    page = tab.goto(lang)
    wanted = set(_key_event_links(page))
    assert len(wanted) == 2 and any(u.endswith(ROOT + lang + LIFTED) for u in wanted)
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        href = page.evaluate(FOCUSED_HREF)
        if href in wanted:
            reached.add(href)
            assert page.evaluate("document.activeElement.matches(':focus-visible')")
        if reached == wanted:
            break
    assert reached == wanted
    assert tab.errors == [] and tab.external() == []


@pytest.mark.parametrize("path", ["", "browse/timeline/2016/", LIFTED, "browse/types/statement/2016/",
                                  "no/such/page/", "ar/", "ar/browse/timeline/2016/", "ar/" + LIFTED,
                                  "ar/browse/types/statement/2016/", "ar/no/such/page/"])
def test_no_serious_accessibility_violations_on_the_story_pages(tab, path):
    tab.goto(path)
    violations = [v for v in _axe(tab) if v["impact"] in ("serious", "critical")]
    assert violations == []
    assert [e for e in tab.errors if "status of 404" not in e] == []  # the missing address itself


@pytest.mark.parametrize("lang, title", [("", "Page not found"), ("fr/", "Page introuvable"),
                                         ("ar/", "الصفحة غير موجودة")])
def test_404_page_at_any_depth_links_the_key_events_and_opens_the_search(tab, lang, title):
    page = tab.goto(lang + "a/b/c/d/missing.html")
    assert page.locator("h1").inner_text() == title
    page.locator("[data-archive-search-open]").click()  # shown by search.js, opens the header's search
    page.locator(f"{SEARCH_INPUT}:focus").wait_for()
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.locator(".ea-key-events a").last.click()  # the key events in date order: the lifting last
    assert urlparse(page.url).path == ROOT + lang + LIFTED
    assert page.locator("h1").count() == 1 and tab.external() == []


@pytest.mark.parametrize("lang", ["", "fr/", "ar/"])
def test_a_reference_in_notes_leads_to_the_entry_it_names(tab, lang):
    page = tab.goto(lang + LIFTED)
    with page.expect_navigation():
        page.locator(".ea-notes a.ea-ref").click()
    assert urlparse(page.url).path == ROOT + lang + COMMUNIQUE
