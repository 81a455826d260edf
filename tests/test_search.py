"""The search (Pagefind, issue 17) on this archive, in Chromium: what readers type finds what they expect.

The real evidence/ and content/ are built once into a temporary repository and served on 127.0.0.1;
requests to other hosts are aborted (test_browser.Tab). Each query goes through the site's own query
hook (content/assets/search.js), Pagefind as search.js sets it up, and the index of the page's language.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlparse

import lxml.html
import pytest

from conftest import REPO, run_build
from scripts.bench.synthetic import copy_site_files, make_archive
from scripts.evidence.problems import BuildError
from scripts.publish import alternates, searchtext
from test_browser import RESULT_LINK, RESULTS_IN, SEARCH_INPUT, Tab, _axe

# What the readers typed (its "Why"), and entries of this archive each must find.
QUERIES = {
    "ar": [
        ("حظر", "entries/2016-02-12-benabdallah-personal-regret/"),
        ("الحظر", "entries/2016-02-12-benabdallah-personal-regret/"),
        ("مقاطعة", "entries/2016-01-16-phone-off-boycott-weekend/"),
        ("الوكالة", "entries/2016-01-07-reuters-regulator-stops-free-calls/"),
        ("وكالة", "entries/2016-01-07-reuters-regulator-stops-free-calls/"),
        ("الوَكالة", "entries/2016-01-07-reuters-regulator-stops-free-calls/"),  # tashkeel
        ("وكـالة", "entries/2016-01-07-reuters-regulator-stops-free-calls/"),  # tatweel
        ("وكاله", "entries/2016-01-07-reuters-regulator-stops-free-calls/"),  # ta marbuta as ha
        ("المغرب", "entries/2016-01-13-amdh-block-contradicts-un-resolution/"),
        ("الإنترنت", "entries/2004-04-06-anrt-decision-04-04-ip-telephony/"),
        ("الانترنت", "entries/2004-04-06-anrt-decision-04-04-ip-telephony/"),
        ("إنترنت", "entries/2004-04-06-anrt-decision-04-04-ip-telephony/"),
        ("رفع", "entries/2017-freedom-on-the-net-2017/"),
        ("وجدة", "entries/2016-06-15-oujda-case-postponed-to-july/"),
        ("مكالمات", "entries/2016-01-05-telquel-tests-whatsapp-calls/"),
        ("المكالمات", "entries/2016-01-05-telquel-tests-whatsapp-calls/"),
        ("واتساب", "entries/2016-01-07-alhassad24-claims-ahizoune-admitted-operators-asked/"),
        ("الواتساب", "entries/2016-01-07-alhassad24-claims-ahizoune-admitted-operators-asked/"),
        ("أحيزون", "entries/2016-01-07-ahizoune-says-anrt-blocked-apps/"),
        ("احيزون", "entries/2016-01-07-ahizoune-says-anrt-blocked-apps/"),
        ("احيزون", "browse/actors/ahizoune/"),  # an actor's page, by its Arabic name
    ],
    "fr": [
        ("Meditel", "entries/2016-12-08-meditel-becomes-orange-maroc/"),
        ("Méditel", "entries/2016-12-08-meditel-becomes-orange-maroc/"),
        ("operateurs", "entries/2016-02-29-houssenia-voip-block-at-operators-request/"),
        ("opérateurs", "entries/2016-02-29-houssenia-voip-block-at-operators-request/"),
        ("reglementation", "entries/2016-11-04-anrt-communique-voip-restored/"),
        ("réglementation", "entries/2016-11-04-anrt-communique-voip-restored/"),
        # words whose stem is no prefix of them (sociaux → social, country → countri): Pagefind's exactDiacritics,
        # which would rank far fewer pages for opérateurs, finds nothing for these
        ("sociaux", "entries/2016-01-06-socialnetlink-all-operators-block-voip/"),
        ("levée", "entries/2016-03-02-mwn-wifi-block-lifted/"),
        ("levee", "entries/2016-03-02-mwn-wifi-block-lifted/"),
        ("boycotter", "entries/2016-01-16-phone-off-boycott-weekend/"),
        ("interdiction", "entries/2016-10-14-yabiladi-voip-ban-almost-a-year-on/"),
        ("#OpeUnlike", "entries/2016-02-26-opeunlike-campaign-launched/"),
        ("OpeUnlike", "entries/2016-02-26-opeunlike-campaign-launched/"),
    ],
    "en": [
        ("Meditel", "entries/2016-12-08-meditel-becomes-orange-maroc/"),
        ("Méditel", "entries/2016-12-08-meditel-becomes-orange-maroc/"),
        ("#OpeUnlike", "entries/2016-02-26-opeunlike-campaign-launched/"),
        ("boycott", "entries/2016-01-16-phone-off-boycott-weekend/"),
        ("Ahizoune", "entries/2016-01-07-ahizoune-says-anrt-blocked-apps/"),
        ("country", "entries/2016-11-05-ufe-casablanca-unblocking-definitive/"),
    ],
}
SITES: list[Path] = []  # the built site of archive_base
# One query's bytes (uncompressed, as http.server sends them), the budget at 10,000 entries:
# pagefind.js and its wasm (about 120 KB), our search.js, the language's metadata, one index chunk, the first
# results' fragments (Pagefind's own UI, 134 KB, is not used).
QUERY_BUDGET = 300_000
STATUS = "#archive-search-status"
PREFIX = {"en": "", "fr": "fr/", "ar": "ar/"}
FIRST = 20  # results whose page is looked up (a reader sees 5, then "load more")

# The query through the site's hook, then Pagefind as search.js sets it up (its options): the first results' pages
SEARCH = """async (q) => {
  const pf = await window.archiveSearchLoad();
  const found = await pf.search(window.archiveSearchReduce(q));
  return Promise.all(found.results.slice(0, %d).map(async r => (await r.data()).url));
}""" % FIRST


@pytest.fixture(scope="module")
def archive_base(tmp_path_factory):
    """This archive (evidence/ and content/ as tracked), built and served; yields its address."""
    root = tmp_path_factory.mktemp("archive")
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "evidence", "content"],
                             capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    copy_site_files(REPO, root)
    code, out = run_build(type("R", (), {"root": root})())
    assert code == 0, out
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    SITES.append(root / "site")
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def tab(browser, archive_base):
    t = Tab(browser, archive_base)
    yield t
    t.close()


def _pagefind(tab) -> list[str]:
    return [u for u in tab.requests if "/pagefind/" in urlparse(u).path]


@pytest.mark.parametrize("lang", sorted(QUERIES))
def test_each_query_finds_its_entries(tab, lang):
    page = tab.goto(PREFIX[lang])
    page.keyboard.press("/")
    page.locator(f"{SEARCH_INPUT}:focus").wait_for()
    missed = []
    for query, expect in QUERIES[lang]:
        urls = page.evaluate(SEARCH, query)
        if f"/{PREFIX[lang]}{expect}" not in urls:
            missed.append(f"{query} → {expect} (got {[u.rsplit('/', 2)[-2] for u in urls[:5]]})")
    assert missed == []
    assert tab.errors == [] and tab.external() == [] and tab.aborted == []


@pytest.mark.parametrize("lang", sorted(QUERIES))
def test_nothing_of_the_search_loads_before_the_reader_opens_it(tab, lang):
    page = tab.goto(PREFIX[lang])
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 2000)
    tab.goto(f"{PREFIX[lang]}entries/2016-01-07-ahizoune-says-anrt-blocked-apps/")
    page.wait_for_load_state("networkidle")
    assert _pagefind(tab) == []
    page.focus("[data-archive-search] button")
    page.wait_for_function("() => performance.getEntriesByType('resource').some(r => /pagefind\\.[a-z]+_[0-9a-f]+\\.pf_meta$/.test(r.name))")
    fetched = [u.rsplit("/", 1)[-1] for u in _pagefind(tab)]
    assert "pagefind.js" in fetched and not [u for u in fetched if "-ui" in u or "worker" in u], fetched


STATUS_TEXT = {"ar": "النتائج: ", "fr": "Résultats : ", "en": "Results: "}  # locales/*.yaml, "Results: {count}"


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_search_speaks_the_page_language_and_keyboard_works(tab, lang):
    page = tab.goto(PREFIX[lang])
    page.focus("a.md-header__button.md-logo")  # the reader was here: focus comes back here
    page.keyboard.press("/")
    page.locator(f"{SEARCH_INPUT}:focus").wait_for()
    page.keyboard.type(QUERIES[lang][0][0])
    page.locator(f"{RESULTS_IN} {RESULT_LINK}").first.wait_for(state="visible")
    message = page.inner_text(STATUS)
    assert message.startswith(STATUS_TEXT[lang]) and int(message[len(STATUS_TEXT[lang]):]) > 0, message
    direction = "getComputedStyle(document.querySelector('.archive-search__results')).direction"
    assert page.evaluate(direction) == ("rtl" if lang == "ar" else "ltr")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(f"document.activeElement.matches('{RESULT_LINK}')")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.href")
    assert page.evaluate(f"document.querySelectorAll('{RESULT_LINK}')[1].href") == second
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(f"document.activeElement.matches('{SEARCH_INPUT}')")
    page.keyboard.press("Tab")  # Tab goes from the field to the first result too
    assert page.evaluate(f"document.activeElement.matches('{RESULT_LINK}')")
    violations = [v for v in _axe(tab) if v["impact"] in ("serious", "critical")]
    assert violations == []
    page.keyboard.press("Escape")
    assert not page.evaluate("document.querySelector('[data-archive-search] dialog').open")
    page.wait_for_function("document.activeElement.matches('a.md-header__button.md-logo')")  # after 'close' 
    page.click("[data-archive-search] button")  # opened with the mouse: focus returns to the button
    page.locator(f"{SEARCH_INPUT}:focus").wait_for()
    page.keyboard.press("Escape")
    page.wait_for_function("document.activeElement.matches('[data-archive-search] button')")
    page.keyboard.press("/")
    page.keyboard.press("ArrowDown")
    href = page.evaluate("document.activeElement.href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == href
    assert tab.errors == []


def _hidden_words(site: Path, url: str) -> set[str]:
    """The words of a built page's hidden normalised copy (those its visible text does not hold)."""
    doc = lxml.html.parse(str(site / urlparse(url).path.lstrip("/") / "index.html")).getroot()
    return {w for el in doc.xpath("//*[@data-search-variants]") for w in el.text_content().split()}


# Queries found only through the hidden copy (the pages hold وكالة, levée), and a visible word they must mark
HIDDEN_ONLY = [("ar", "وكاله", "وكالة"), ("fr", "levee", "levée"), ("ar", "احيزون", "أحيزون")]


@pytest.mark.parametrize("lang,query,shown", HIDDEN_ONLY)
def test_excerpts_show_the_page_words_never_the_hidden_copy(tab, lang, query, shown):
    page = tab.goto(PREFIX[lang])
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.locator(f"{RESULTS_IN} {RESULT_LINK}").first.wait_for(state="visible")
    results = page.eval_on_selector_all(".archive-search__results li", """lis => lis.map(li => ({
        url: li.querySelector('a').href, text: li.querySelector('.archive-search__excerpt').textContent,
        marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
        elements: [...li.querySelectorAll('.archive-search__excerpt *')].map(e => e.tagName)}))""")
    assert len(results) == 5
    for r in results:
        leaked = set(r["text"].split()) & _hidden_words(SITES[0], r["url"])
        assert not leaked and searchtext.SENTINEL not in r["text"], (r["url"], leaked)
        assert set(r["elements"]) <= {"MARK"}  # text and marks only, each mark built as text
    assert any(shown in m for r in results for m in r["marks"]), results
    assert tab.errors == []


def test_a_page_view_fetches_no_sitemap(tab):
    """Material fetched each language's sitemap.xml (1.3 MB at 10,000 entries) on every first view; the
    language switch still leads to the same page in the other language."""
    for path in ("", "fr/", "ar/entries/2016-01-07-ahizoune-says-anrt-blocked-apps/", "browse/actors/ahizoune/"):
        tab.goto(path).wait_for_load_state("networkidle")
    page = tab.page
    page.hover(".md-header .md-select")  # the switch opens on hover (Material's CSS)
    with page.expect_navigation():
        page.click("a.md-select__link[hreflang=fr]")
    assert urlparse(page.url).path == "/fr/browse/actors/ahizoune/"
    page.wait_for_load_state("networkidle")
    assert [u for u in tab.requests if "sitemap" in u] == []
    assert tab.errors == []


def test_a_material_bundle_that_changed_fails_the_build(tmp_path):
    bundle = tmp_path / "assets" / "javascripts" / "bundle.0.min.js"
    bundle.parent.mkdir(parents=True)
    bundle.write_text('e.pipe(b(()=>M("link[rel=alternate]")),m(r=>new URL(r.href)))', "utf-8")
    alternates.quiet_alternates(tmp_path)
    alternates.quiet_alternates(tmp_path)  # a `serve --dirty` rebuild sees it done
    assert bundle.read_text("utf-8") == "e.pipe(b(()=>[]),m(r=>new URL(r.href)))"
    bundle.write_text('getElements("link[rel=alternate]")', "utf-8")
    with pytest.raises(BuildError) as err:
        alternates.quiet_alternates(tmp_path)
    assert str(err.value) == ("bundle.0.min.js: Material's script no longer looks up alternate links as "
                              'M("link[rel=alternate]") (was Material upgraded?); update scripts/publish/alternates.py '
                              "so that pages still fetch no sitemap.xml")


def test_the_query_hook_reduces_words_as_the_index_does(tab):
    """content/assets/search.js and scripts/publish/searchtext.py agree on every form of a word."""
    words = ["الإنترنت", "وَكالة", "بالمغرب", "للوكالة", "مستشفى", "Méditel", "LEVÉE", "ـالحظـر", "آخر", "ال"]
    page = tab.goto("")
    got = page.evaluate("ws => ws.map(w => window.archiveSearchReduce(w))", words)
    assert got == [searchtext.strip_article(searchtext.normalise(w)) for w in words]
    assert got[:6] == ["انترنت", "وكاله", "بالمغرب"[3:], "وكاله", "مستشفي", "meditel"]
    # and each reduced form is among the forms indexed for the word
    assert all(g in searchtext.variants(w) for g, w in zip(got, words))


def test_one_query_costs_what_benchmarks_search_md_says(browser, archive_base):
    from scripts.bench.search import measure
    got = measure(SITES[0], "fr/", "Meditel", browser)
    assert got["search_files_before_opening"] == []
    assert 0 < got["bytes"] <= QUERY_BUDGET, got


def test_one_query_at_1000_entries_fetches_at_most_300_kb(browser, tmp_path):
    """1,000 synthetic entries (English only: each language has its own index, so one is enough), built as
    `make site` does: nothing of the search before it opens, and one query within the budget."""
    root = make_archive(tmp_path / "repo", 1000, site_files_from=REPO)
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    for old, new in (("languages: [en, fr, ar]", "languages: [en]"), ("require_translations: [fr, ar]", "require_translations: []")):
        assert old in text
        text = text.replace(old, new)
    config.write_text(text, "utf-8")
    for lang in ("fr", "ar"):  # their hand-written pages would be pages of the English site
        shutil.rmtree(root / "content" / lang)
    code, out = run_build(type("R", (), {"root": root})())
    assert code == 0, out
    from scripts.bench.search import measure
    for query in ("boycott", "petition court"):
        got = measure(root / "site", "", query, browser)
        assert got["search_files_before_opening"] == [], got
        assert 100_000 < got["bytes"] <= QUERY_BUDGET, got


def test_typed_as_a_reader_types_the_time_runs_from_the_last_key(browser, archive_base):
    """One key every 150 ms: the bench waits for the list of the whole query (search.js marks which query its
    list answers), not a prefix's results still on screen."""
    from scripts.bench.search import measure
    got = measure(SITES[0], "ar/", "المكالمات", browser, delay=150)
    assert got["search_files_before_opening"] == [] and got["delay_ms"] == 150
    assert got["pages_found"] >= 1 and 0 < got["seconds_to_first_result"] < 30
    assert 0 < got["bytes"] <= QUERY_BUDGET, got


def test_typing_as_a_reader_types_fetches_no_more_than_typing_at_once(browser, archive_base):
    """At 150 ms a key no search runs before the word is whole (search.js waits 250 ms), so no fragments of a
    prefix's results; preloading its index chunks while the reader types costs no byte the query does not."""
    from scripts.bench.search import measure
    at_once = measure(SITES[0], "fr/", "Meditel", browser)
    typed = measure(SITES[0], "fr/", "Meditel", browser, delay=150)
    assert typed["pages_found"] == at_once["pages_found"] > 0
    assert typed["bytes"] <= at_once["bytes"], (typed, at_once)


def test_the_first_result_shows_before_the_other_pages_of_its_batch_come(tab):
    """search.js asks for a batch's five pages at once and shows each, in rank order, once it and those above it
    are in: here the first result's page comes, the four others are held back."""
    held = []
    first = []

    def hold(route):
        if first:
            held.append(route)
        else:
            first.append(route.request.url)
            route.fallback()
    page = tab.goto("fr/")
    page.route("**/pagefind/fragment/*", hold)
    page.keyboard.press("/")
    page.fill(SEARCH_INPUT, "Meditel")  # one input event: one search
    page.locator(RESULT_LINK).first.wait_for(state="visible")
    for _ in range(100):  # the four other pages' requests reach the handler
        if len(held) == 4:
            break
        page.wait_for_timeout(50)
    assert page.locator(RESULT_LINK).count() == 1 and len(held) == 4
    assert page.get_attribute("ol.archive-search__results", "aria-busy") == "true"
    assert page.locator("[data-archive-search] [data-more]").is_hidden()  # no second batch before this one is in
    for route in held:
        route.fallback()
    page.locator(f"{RESULTS_IN} {RESULT_LINK}").first.wait_for()
    page.unroute("**/pagefind/fragment/*", hold)
    shown = page.eval_on_selector_all(RESULT_LINK, "as => as.map(a => new URL(a.href).pathname)")
    assert shown == page.evaluate(SEARCH, "Meditel")[:5]  # Pagefind's order
    assert tab.errors == []


def test_enter_after_the_pause_shows_the_results_without_ranking_again(tab):
    """The last search is kept: Enter (or the same words in another case or accent) does not rank the pages
    again. Pagefind's search() is counted through a module that stands in for pagefind.js."""
    page = tab.goto("fr/")
    counting = """import * as pf from "./pagefind.js?counted";
export * from "./pagefind.js?counted";
export function search(...args) { window.searches = (window.searches || 0) + 1; return pf.search(...args); }"""
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(body=counting, content_type="text/javascript"))
    page.keyboard.press("/")
    page.fill(SEARCH_INPUT, "Méditel")  # one input event: no search of a prefix, however slow the machine
    page.locator(f"{RESULTS_IN} {RESULT_LINK}").first.wait_for()
    shown = page.eval_on_selector_all(RESULT_LINK, "as => as.map(a => a.href)")
    assert page.evaluate("window.searches") == 1
    page.keyboard.press("Enter")
    page.fill(SEARCH_INPUT, "MEDITEL")  # the same words, reduced alike
    page.wait_for_timeout(600)  # past the pause
    page.locator(f"{RESULTS_IN} {RESULT_LINK}").first.wait_for()
    assert page.eval_on_selector_all(RESULT_LINK, "as => as.map(a => a.href)") == shown
    assert page.evaluate("window.searches") == 1
    page.fill(SEARCH_INPUT, "Meditel orange")
    page.wait_for_function("() => window.searches === 2")  # other words: a search
    assert tab.errors == []
