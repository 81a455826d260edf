"""The built site in a real browser: Debian's Chromium driven by Playwright, against 127.0.0.1 only.

One synthetic site (conftest's entries, three more in French, Arabic and with an image, and every
rendered case of the hostile corpus) is built once and served by a local HTTP server. Each test
opens fresh pages in which every request is recorded, any request to another host is aborted,
and console errors are collected. axe-core (tests/browser/package.json, installed by `make test`)
is injected for the accessibility checks.

Where Chromium is missing these tests skip, saying how to install it; with CI set they fail.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

import hostile_corpus as corpus
from scripts.evidence import load_archive

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
HOST = "127.0.0.1"
TIMEOUT = 15_000  # ms
SEARCH_INPUT = "input.archive-search__input"  # the dialog of overrides/partials/search.html
RESULT_LINK = "a.archive-search__link"  # its results, built by content/assets/search.js
RESULTS_IN = "ol.archive-search__results:not([aria-busy])"  # the list once a batch of results is all in
# Known problems, reported, and tolerated only as narrowly as written here (delete each once fixed): none
# (Material's fetches of sitemap.xml beside each <link rel=alternate>, and their 404s, are gone: alternates.py).
KNOWN_ERROR = re.compile(r"(?!)")  # matches nothing
# Material's search dialog had no accessible name: overrides/partials/search.html now gives it one,
# so no axe finding is tolerated.
KNOWN_AXE: set[tuple[str, str]] = set()

ENGLISH_ENTRY = "2016-01-07-regulator-communique"  # conftest's fixture: "zanzibarfox" in its summary
FRENCH_ENTRY = "2016-01-20-french-daily"
ARABIC_ENTRY = "2016-01-22-arabic-post"
MEDIA_ENTRY = "2016-01-25-call-screenshot"
EXTRA = {
    FRENCH_ENTRY: '''\
        type: article
        title: "Operators' decision upsets users"
        date: "2016-01-20"
        added: "2026-11-05"
        language: "fr"
        title_original: "Un bouleversement pour les usagers"
        summary: |
          A French daily calls the block a shock for mobile users.
        quote: {text: "Un véritable bouleversement pour les usagers du mobile", lang: "fr", translation: "A real upheaval for mobile users"}
        source: {url: "https://example.org/fr", publisher: "Quotidien (test)"}
        tags: [boycott]
        key_event: "A French daily calls the block a shock"
        ''',
    ARABIC_ENTRY: '''\
        type: social-post
        title: "A post calls the decision sudden"
        date: "2016-01-22"
        added: "2026-11-06"
        language: "ar"
        summary: |
          A widely shared post calls the regulator's decision sudden.
        quote: {text: "قرار مفاجئ من الوكالة", lang: "ar", translation: "A sudden decision by the agency"}
        source: {url: "https://example.org/ar", publisher: "Social network (test)"}
        actors: [anrt]
        key_event: "A post calls the decision sudden"
        ''',
    MEDIA_ENTRY: f'''\
        type: screenshot
        title: "Screenshot of a call that fails"
        date: "2016-01-25"
        added: "2026-11-07"
        language: "en"
        summary: |
          A screenshot of a call that fails to connect.
        media:
          - file: "pixel.png"
            sha256: "{corpus.SHA}"
            alt: "A phone screen showing a failed call"
            caption: "The call screen"
        ''',
}


def _unavailable(message: str):
    """Skip, or fail when CI is set: in CI the browser tests must run."""
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: browser tests must run, not skip)", pytrace=False)
    pytest.skip(message)


# Fixtures ----------------------------------------------------------------------------------------

def browser_session():
    """Chromium for the session: conftest's ``browser`` fixture (test_search.py uses it too; two Playwrights
    cannot run at once)."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM}: install it with apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed: run make test (it installs requirements-test.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)  # launch() uses a fresh profile each time
        yield b
        b.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The synthetic site with the hostile corpus's rendered cases, built once; returns the Repo."""
    return corpus.build_site(tmp_path_factory.mktemp("browser-site"), EXTRA)


@pytest.fixture(scope="session")
def archive(site):
    return load_archive(site.root).archive


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="session")
def base(site):
    """http://127.0.0.1:PORT/ serving site/ (site_url's /voip-archive/ path is not used: links are relative)."""
    server = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(_Handler, directory=str(site.root / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_port}/"
    server.shutdown()
    server.server_close()


class Tab:
    """One browser context and page; records every request and console error, aborts other hosts."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context()
        self.context.set_default_timeout(TIMEOUT)
        self.requests: list[str] = []
        self.aborted: list[str] = []
        self.all_errors: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.all_errors.append(f"console: {m.text} ({m.location})"))
        self.page.on("pageerror", lambda e: self.all_errors.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.all_errors.append(f"dialog: {d.message}"), d.dismiss()))

    @property
    def errors(self) -> list[str]:
        """Console and page errors, less the one known error (see KNOWN_ERROR)."""
        return [e for e in self.all_errors if not KNOWN_ERROR.match(e)]

    def _route(self, route):
        url = urlparse(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != HOST:
            self.aborted.append(route.request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def goto(self, path: str):
        self.page.goto(urljoin(self.base, path), wait_until="load")
        return self.page

    def search(self, word: str, expect: str):
        """Open the search from the keyboard ('/'), type ``word`` and wait for a result linking ``expect``."""
        self.page.keyboard.press("/")
        self.page.locator(f"{SEARCH_INPUT}:focus").wait_for()
        self.page.keyboard.type(word)
        link = self.page.locator(f'{RESULT_LINK}[href*="{expect}"]').first
        link.wait_for(state="visible")
        return link

    def external(self) -> list[str]:
        """Requests that left 127.0.0.1 (data: and blob: URLs are not network requests)."""
        return [u for u in self.requests if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != HOST]

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser, base):
    t = Tab(browser, base)
    yield t
    t.close()


def entry_ids(page, scope: str = "article") -> list[str]:
    """Ids of the entries linked from ``scope``, in page order."""
    hrefs = page.eval_on_selector_all(f"{scope} a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        parts = urlparse(href).path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "entries" and parts[1] not in out:
            out.append(parts[1])
    return out


# Scenarios ----------------------------------------------------------------------------------------

def test_home_lists_the_latest_additions(tab, archive):
    page = tab.goto("")
    listed = entry_ids(page, "#latest-additions + ul.ea-list")
    assert listed == [e.id for e in archive.latest[:10]]
    assert page.locator("#latest-additions").is_visible()
    assert tab.errors == []


@pytest.mark.parametrize("word,entry", [("zanzibarfox", ENGLISH_ENTRY), ("bouleversement", FRENCH_ENTRY),
                                        ("قرار", ARABIC_ENTRY)], ids=["english", "french", "arabic"])
def test_search_finds_the_entry_holding_a_word(tab, word, entry):
    tab.goto("")
    link = tab.search(word, f"entries/{entry}/")
    assert urlparse(link.evaluate("a => a.href")).path == f"/entries/{entry}/"
    assert tab.errors == [] and tab.external() == []


def test_thumbnails_load_and_have_alt_text(tab, archive):
    page = tab.goto(f"entries/{MEDIA_ENTRY}/")
    images = page.locator("figure.ea-media img")
    expected = [m.alt for m in archive.by_id[MEDIA_ENTRY].media]
    assert images.count() == len(expected) == 1
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()  # thumbnails are loading="lazy"
        page.wait_for_function("img => img.complete", arg=img.element_handle())
        assert img.evaluate("img => img.naturalWidth") > 0 and img.evaluate("img => img.naturalHeight") > 0
        assert img.get_attribute("alt") == expected[i]
        assert urlparse(img.evaluate("img => img.currentSrc")).path.startswith("/media/thumbs/")
    for href in page.eval_on_selector_all("figure.ea-media a[href]", "els => els.map(e => e.href)"):
        assert tab.context.request.get(href).status == 200, href  # the larger copy and the original
    assert tab.errors == []


def test_arabic_text_is_laid_out_right_to_left(tab):
    page = tab.goto(f"entries/{ARABIC_ENTRY}/")
    quote = page.locator('blockquote[lang="ar"]')
    assert quote.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # right to left in layout too: the text hugs the quote's right edge
    assert quote.evaluate("""el => {
        const p = el.querySelector('p'), r = document.createRange(); r.selectNodeContents(p);
        const text = r.getBoundingClientRect(), box = p.getBoundingClientRect();
        return box.right - text.right < 2 && text.left - box.left > 20; }""")
    page = tab.goto("entries/2016-02-arabic-report/")
    assert page.locator('cite[lang="ar"]').evaluate("el => getComputedStyle(el).direction") == "rtl"
    page = tab.goto(f"entries/{FRENCH_ENTRY}/")
    assert page.locator('blockquote[lang="fr"]').evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert tab.errors == []


@pytest.mark.parametrize("path", ["", f"entries/{ENGLISH_ENTRY}/", "browse/tags/boycott/", "browse/actors/anrt/",
                                  "browse/types/article/"])
def test_every_feed_linked_in_the_head_is_a_valid_feed(tab, path):
    import feedparser
    page = tab.goto(path)
    links = page.eval_on_selector_all('head link[rel="alternate"][type]', "els => els.map(e => [e.type, e.href])")
    assert len(links) >= 3
    for mime, href in links:
        response = tab.context.request.get(href)
        assert response.status == 200, href
        body = response.body()
        if mime == "application/feed+json":
            feed = json.loads(body)
            assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["items"], href
        else:
            parsed = feedparser.parse(body)
            assert not parsed.bozo, (href, parsed.get("bozo_exception"))
            assert parsed.entries, href
    assert tab.errors == []


def _browse_pages(archive) -> dict[str, list[str]]:
    """Every browse page that lists entries, and the ids it must link."""
    pages = {f"browse/timeline/{y}/": [e.id for e in v] for y, v in archive.by_year.items()}
    pages |= {f"browse/types/{t}/": [e.id for e in v] for t, v in archive.by_type.items()}
    pages |= {f"browse/actors/{a}/": [e.id for e in v] for a, v in archive.by_actor.items()}
    pages |= {f"browse/tags/{t}/": [e.id for e in v] for t, v in archive.by_tag.items()}
    pages["browse/latest/"] = [e.id for e in archive.latest]
    return pages


def test_browse_pages_link_every_entry_they_should(tab, archive):
    pages = _browse_pages(archive)
    assert len(pages) > 10
    for path, expected in pages.items():
        page = tab.goto(path)
        assert sorted(entry_ids(page, "article .ea-listing")) == sorted(expected), path
    assert tab.errors == []


def _tour(tab):
    tab.goto("")
    tab.goto(f"entries/{ENGLISH_ENTRY}/")
    tab.goto(f"entries/{ARABIC_ENTRY}/")
    tab.goto("browse/timeline/")
    tab.goto("browse/timeline/2016/")
    tab.goto("browse/actors/anrt/")
    tab.goto("browse/latest/")
    tab.goto("")
    tab.search("zanzibarfox", f"entries/{ENGLISH_ENTRY}/")


def test_no_console_errors(tab):
    _tour(tab)
    assert tab.errors == []


def test_no_request_leaves_localhost(tab):
    _tour(tab)
    assert tab.requests, "nothing was recorded"
    assert any("/pagefind/pagefind-entry.json" in u for u in tab.requests), "the search ran"
    assert tab.external() == [] and tab.aborted == []


def test_keyboard_reaches_the_search_and_an_entry(tab):
    page = tab.goto("")
    page.keyboard.press("/")
    page.locator(f"{SEARCH_INPUT}:focus").wait_for()
    page.keyboard.type("zanzibarfox")
    page.locator(RESULT_LINK).first.wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(f"document.activeElement.matches('{RESULT_LINK}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == f"/entries/{ENGLISH_ENTRY}/"
    # Tab alone, from the top of the home page, reaches an entry link; Enter follows it
    page = tab.goto("")
    for _ in range(150):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.closest('a') && document.activeElement.closest('a').href")
        if href and urlparse(href).path.startswith("/entries/"):
            break
    else:
        pytest.fail("Tab never reached an entry link on the home page")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == urlparse(href).path
    assert tab.errors == []


# Accessibility ------------------------------------------------------------------------------------

def _axe(tab) -> list[dict]:
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed at {AXE}: run npm ci --prefix tests/browser (make test does)")
    tab.page.add_script_tag(path=str(AXE))
    return tab.page.evaluate("""async () => (await axe.run()).violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))""")


@pytest.mark.parametrize("path", ["", f"entries/{ENGLISH_ENTRY}/", f"entries/{ARABIC_ENTRY}/", "browse/timeline/",
                                  "browse/timeline/2016/", "browse/actors/anrt/", "search"],
                         ids=["home", "entry", "arabic-entry", "timeline", "timeline-2016", "actor", "search-results"])
def test_no_serious_accessibility_violations(tab, path):
    if path == "search":
        tab.goto("")
        tab.search("zanzibarfox", f"entries/{ENGLISH_ENTRY}/")
    else:
        tab.goto(path)
    violations = [v for v in _axe(tab) if v["impact"] in ("serious", "critical")
                  and not all((v["id"], node) in KNOWN_AXE for node in v["nodes"])]
    assert violations == []
    assert tab.errors == []


# The hostile corpus: rendered cases run no script --------------------------------------------------

PWNED = "typeof window.__pwned === 'undefined'"
POKE = """() => {
    // fire the events the payloads hook, on every element of the page
    for (const el of document.querySelectorAll('body *'))
        for (const type of ['mouseover', 'mouseenter', 'focus', 'focusin', 'load', 'error', 'toggle', 'animationstart'])
            el.dispatchEvent(new Event(type));
    // then list what would be live: event handlers, the payloads' own attributes, script: addresses
    const urls = ['href', 'src', 'action', 'formaction', 'data'];
    return [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
        .filter(a => /^on/i.test(a.name) || a.name === 'autofocus'
                     || a.name === 'x' && !el.closest('svg.ea-tl-svg')  // the timeline's coordinates
                     || urls.includes(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
        .map(a => el.tagName + ' ' + a.name + '=' + a.value));
}"""
CLICK_SCRIPT_LINKS = """() => {
    const links = [...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:' || a.protocol === 'data:');
    links.forEach(a => a.click());
    return links.length;
}"""


def _assert_harmless(tab, where: str):
    page = tab.page
    assert page.evaluate(PWNED), f"a payload ran on {where}"
    assert page.evaluate(POKE) == [], f"live attributes on {where}"
    assert page.evaluate(CLICK_SCRIPT_LINKS) == 0, f"javascript:/data: links on {where}"
    assert page.evaluate(PWNED), f"a payload ran on {where} when poked"


@pytest.mark.parametrize("case", corpus.rendered(corpus.load_cases()), ids=lambda c: c["id"])
def test_rendered_hostile_case_runs_no_script(tab, case):
    r = case["rendered"]
    page = tab.goto(r["page"])
    _assert_harmless(tab, r["page"])
    text = page.inner_text("article")
    for shown in r["text"]:
        assert shown in text, f"{shown!r} is not shown as text on {r['page']}"
    for href in page.eval_on_selector_all('article a[href*="media/"]', "els => els.map(e => e.href)"):
        tab.page.goto(href)  # a published image (the polyglot's original is served as image/png)
        assert tab.page.evaluate(PWNED), f"a payload ran in {href}"
    for path in r["lists"]:
        tab.goto(path)
        _assert_harmless(tab, path or "the home page")
    if r.get("search"):
        tab.goto("")
        tab.search(r["search"], r["page"])
        _assert_harmless(tab, f"the search results for {r['search']}")
        assert r["search"] in page.inner_text(".archive-search__results")
    assert tab.errors == [] and tab.external() == []


# The French and Arabic sites ------------------------------------------------------------------------

def test_the_arabic_site_is_laid_out_right_to_left(tab):
    tab.page.set_viewport_size({"width": 1280, "height": 900})
    page = tab.goto("ar/browse/timeline/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir, "
                         "getComputedStyle(document.body).direction]") == ["ar", "rtl", "rtl"]
    nav = page.locator(".md-sidebar--primary").bounding_box()
    content = page.locator(".md-content").bounding_box()
    assert nav["x"] > content["x"] and nav["x"] + nav["width"] > 1280 * 0.75, (nav, content)
    page = tab.goto("browse/timeline/")
    assert page.locator(".md-sidebar--primary").bounding_box()["x"] < page.locator(".md-content").bounding_box()["x"]
    assert tab.errors == []


def test_the_language_switch_works_with_the_keyboard(tab):
    page = tab.goto(f"entries/{ENGLISH_ENTRY}/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.md-select__link[hreflang=ar]')"):
            break
    else:
        pytest.fail("Tab never reached the Arabic link of the language switch")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == f"/ar/entries/{ENGLISH_ENTRY}/"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert tab.errors == [] and tab.external() == []


@pytest.mark.parametrize("path", ["ar/", f"ar/entries/{ENGLISH_ENTRY}/", "ar/browse/timeline/2016/", "fr/",
                                  f"fr/entries/{ARABIC_ENTRY}/", "fr/browse/actors/anrt/"])
def test_no_serious_accessibility_violations_in_french_and_arabic(tab, path):
    tab.goto(path)
    violations = [v for v in _axe(tab) if v["impact"] in ("serious", "critical")
                  and not all((v["id"], node) in KNOWN_AXE for node in v["nodes"])]
    assert violations == []
    assert tab.errors == []


# The drawn timeline (issue 18) -----------------------------------------------------------------------

_OVERFLOW = """() => [...document.querySelectorAll('.md-content *')]
    .filter(e => !e.closest('.ea-tl-frame, .md-typeset__scrollwrap, details:not([open])'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.right > innerWidth + 1 || r.left < -1); })
    .map(e => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize("prefix", ["", "ar/"], ids=["en", "ar"])
def test_home_at_390px_scrolls_sideways_only_inside_the_timeline(tab, prefix):
    tab.page.set_viewport_size({"width": 390, "height": 844})
    page = tab.goto(prefix)
    assert page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]") == [390, 390]
    assert page.evaluate(_OVERFLOW) == []
    frame = page.locator(".ea-tl-frame")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth && getComputedStyle(f).overflowX === 'auto'")
    if os.environ.get("SHOTS_DIR"):  # for a look by eye: SHOTS_DIR=/tmp/shots pytest tests/test_browser.py -k timeline
        page.screenshot(path=str(Path(os.environ["SHOTS_DIR"]) / f"home-{prefix.strip('/') or 'en'}-390.png"), full_page=True)
    assert tab.errors == [] and tab.external() == []


@pytest.mark.parametrize("prefix", ["", "ar/"], ids=["en", "ar"])
def test_keyboard_reaches_every_key_event_of_the_timeline_with_a_visible_focus(tab, archive, prefix):
    expected = {f"/{prefix}entries/{e.id}/" for e in archive.entries if e.key_event}
    assert len(expected) >= 2
    page = tab.goto(prefix)
    reached = set()
    for _ in range(250):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => { const a = document.activeElement;
            if (!a.matches('a.ea-tl-event')) return null;
            return [new URL(a.getAttribute('href'), location.href).pathname,
                    getComputedStyle(a.querySelector('.ea-tl-hit')).stroke]; }""")
        if focus:
            reached.add(focus[0])
            assert focus[1] == "rgb(0, 0, 0)", "the focused key event is drawn with a black frame"
        if reached == expected:
            break
    assert reached == expected
    assert tab.errors == []
