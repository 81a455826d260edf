"""What Pagefind indexes (issue 17): list pages give their heading and introduction only (their entries are indexed
on the entries' own pages: listing them again made every index chunk larger), and the hidden normalised copy
keeps the words of separate blocks apart."""

from __future__ import annotations

import re

import lxml.html

from scripts.publish.searchtext import _text, hidden_copy


def _indexed_words(page) -> str:
    """The words Pagefind indexes on a built page: its body marker's text without excluded parts or the hidden copy."""
    root = lxml.html.fromstring(page.read_text("utf-8"))
    body = root.xpath("//*[@data-pagefind-body]")[0]
    for el in body.xpath(".//*[@data-search-variants]"):
        el.drop_tree()
    return " ".join(_text(lxml.html.tostring(body, encoding="unicode")).split())


def test_hidden_copy_keeps_the_words_of_separate_blocks_apart():
    html = '<p class="ea-names">Also written: <span lang="ar">عبد السلام أحيزون</span></p><p>Head of Méditel</p>'
    assert hidden_copy(html) == '<div hidden data-search-variants>\u2042 meditel احيزون سلام</div>'
    assert hidden_copy("<div>Méditel<p>émission</p>é<b>t</b>é</div>") == \
        '<div hidden data-search-variants>\u2042 emission ete meditel</div>'


def test_list_pages_index_their_heading_introduction_and_group_headings_only(built_site):
    site = built_site.root / "site"
    assert _indexed_words(site / "browse" / "timeline" / "2016" / "index.html") == \
        "Timeline: 2016 January 2016 February 2016"
    assert _indexed_words(site / "fr" / "browse" / "latest" / "index.html") == (
        "Derniers ajouts Les entrées dans l'ordre de leur ajout à l'archive, les plus récentes d'abord. "
        "Ajouté le 3 novembre 2026 Ajouté le 2 novembre 2026 Ajouté le 1 novembre 2026")
    for page in (site / "browse").rglob("index.html"):
        listed = lxml.html.fromstring(page.read_text("utf-8")).xpath("//ul[contains(@class, 'ea-list')]//a")
        words = _indexed_words(page)
        assert not any(" ".join(a.text_content().split()) in words for a in listed), page
        assert not any(chrome in words for chrome in ("Follow:", "Narrow by", "Pages:")), page


def test_entry_pages_still_index_title_summary_and_publisher(built_site):
    site = built_site.root / "site"
    page = sorted((site / "entries").glob("*/index.html"))[0]
    words = _indexed_words(page)
    h1 = lxml.html.fromstring(page.read_text("utf-8")).xpath("//h1")[0].text_content()
    assert words.startswith(" ".join(h1.split())) and len(words.split()) > 20


def test_hidden_copy_from_non_ascii_tokens_is_the_whole_text_normalised():
    """hidden_copy normalises only the tokens that are not ASCII: the same words as normalising the whole text."""
    from scripts.publish import searchtext

    def reference(text: str) -> set[str]:
        words = set(searchtext._WORD.findall(searchtext.normalise(text)))
        return {v for w in words for v in searchtext.variants(w)} - set(searchtext._WORD.findall(text.lower()))

    samples = ["Méditel, MEDITEL and Maroc-Télécom's «levée» (la LEVÉE)", "الوَكالة والمكالمات وكـالة بالإنترنت",
               "Ahizoune أحيزون\u00a0A\u0301b ﻻ ǅ ß ﬁ İstanbul", "x\u200fy z\u0640w", "١٢٣ 2016 _a_ é_é"]
    for text in samples:
        got = {w for w in searchtext._normalised_words(text) for w in searchtext.variants(w)} - \
            set(searchtext._WORD.findall(text.lower()))
        assert got == reference(text), text
