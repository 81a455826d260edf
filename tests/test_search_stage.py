"""Pagefind reads a slim copy of each page (issue 21): the <html> tag, the title and Material's article, not the
16 KB of head and sidebars around it; the index it makes is the index of the whole pages, byte for byte, for
the full runs and the search delta alike. A page where Pagefind would read more than that is given whole."""

from __future__ import annotations

import html.parser
import shutil
import time

import pytest

from scripts.evidence.problems import BuildError
from scripts.publish import searchdelta, searchparts, searchtext
from scripts.publish.searchtext import slim, stage
from test_build_skip import _tree

PAGE = ('<!doctype html>\n<html lang="ar" dir="rtl" class="no-js">\n  <head>\n    <meta charset="utf-8">{head}\n'
        '    <title>Report — Archive</title>\n  </head>\n  <body dir="rtl">{before}\n'
        '<article class="md-content__inner md-typeset">\n<div data-pagefind-body><h1>Report</h1><p>Text</p>{article}</div>\n'
        '</article>{after}\n</body>\n</html>\n')
ARTICLE = ('<article class="md-content__inner md-typeset">\n<div data-pagefind-body><h1>Report</h1><p>Text</p></div>\n'
           '</article>')


def _page(head: str = "", before: str = "", after: str = "", article: str = "") -> bytes:
    return PAGE.format(head=head, before=before, after=after, article=article).encode("utf-8")


def test_the_slim_copy_is_the_html_tag_the_title_and_the_article():
    page = _page(head='<link rel="stylesheet" href="a.css">', before='<nav class="md-nav">' + "<li>x</li>" * 500 + "</nav>"
                 '<div class="archive-search" data-pagefind-ignore="all"><input></div>',
                 after='<footer class="md-footer"><a href="../">Home</a></footer>')
    assert slim(page) == ('<!doctype html><html lang="ar" dir="rtl" class="no-js"><head><meta charset="utf-8">'
                          f'<title>Report — Archive</title></head><body>{ARTICLE}</body></html>').encode("utf-8")


@pytest.mark.parametrize("parts", [
    {"before": "<h1>The site</h1>"},  # Pagefind's title is the page's first <h1>
    {"before": "<H1 class=x>The site</H1>"},
    {"after": "<h1>Also</h1>"},
    {"after": '<img src="logo.png">'},  # the first image after the title: the result's image
    {"head": '<meta data-pagefind-meta="image[content]" content="/a.png">'},
    {"before": '<div data-pagefind-filter="kind:report"></div>'},
    {"after": '<span DATA-PAGEFIND-SORT="date:2016"></span>'},
    {"before": '<div data-pagefind-ignore="all"></div><div data-pagefind-default-meta="x:y"></div>'},
] + [  # a raw-text element left open in the article: the whole page's rest is its text
    {"article": f"<p>Para <{tag}>inline</p>"} for tag in ("textarea", "XMP", "title", "noembed", "noframes", "plaintext")
])
def test_a_page_pagefind_reads_outside_its_article_is_given_whole(parts):
    assert slim(_page(**parts)) is None


def test_a_page_without_the_indexed_body_or_the_article_is_given_whole():
    assert slim(_page().replace(b" data-pagefind-body", b"")) is None  # 404.html: Pagefind leaves it out itself
    assert slim(_page().replace(b'<article class="md-content__inner md-typeset">', b"<article>")) is None
    assert slim(b"<p>not a page</p>") is None


def test_a_staged_page_is_its_slim_copy_or_a_link_to_it(tmp_path):
    (tmp_path / "a.html").write_bytes(_page())
    (tmp_path / "b.html").write_bytes(_page(after="<img src=x.png>"))
    stage(tmp_path / "a.html", tmp_path / "stage" / "fr" / "a.html")
    stage(tmp_path / "b.html", tmp_path / "stage" / "b.html")
    assert (tmp_path / "stage" / "fr" / "a.html").read_bytes() == slim(_page())
    assert (tmp_path / "stage" / "b.html").stat().st_ino == (tmp_path / "b.html").stat().st_ino


class _Open(html.parser.HTMLParser):
    """The elements open where Material's article starts."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.at_article = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "article" and self.at_article is None:
            self.at_article = list(self.stack)
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def _open_ignored(page: str) -> bool:
    parser = _Open()
    parser.feed(page)
    return any("data-pagefind-ignore" in attrs for _, attrs in parser.at_article or [])


def test_an_ignored_element_open_at_the_article_is_found():
    assert _open_ignored(_page(before='<div data-pagefind-ignore="all">').decode())
    assert not _open_ignored(_page(before='<div data-pagefind-ignore="all"><input></div>').decode())


def _pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_the_index_of_the_slim_copies_is_the_index_of_the_pages_in_every_language(built_site, tmp_path):
    site = built_site.root / "site"
    pages = _pages(site)
    given_whole = [rel for rel in pages if slim((site / rel).read_bytes()) is None]
    # the 404 pages have no indexed body (Pagefind skips them anyway); the home and timeline pages hold the
    # timeline figure, whose SVG <title> elements slim() takes for raw text (one such page per 10,000 entries)
    assert given_whole == sorted(f"{lang}{rel}" for lang in ("", "fr/", "ar/")
                                 for rel in ("404.html", "index.html", "browse/timeline/index.html"))
    for rel in ("entries/2017-report/index.html", "fr/browse/types/index.html", "ar/browse/types/index.html"):
        assert len(slim((site / rel).read_bytes())) < len((site / rel).read_bytes()) / 2, rel
    # slim() counts an ignored element before the article as harmless: it must be closed by then (ignore="all" on
    # an element around the article would leave the whole body out of the full page's index)
    assert [rel for rel in pages if _open_ignored((site / rel).read_text("utf-8"))] == []
    whole = tmp_path / "whole"
    shutil.copytree(site, whole, ignore=shutil.ignore_patterns("pagefind"))
    searchtext.run_pagefind(whole)
    slimmed = tmp_path / "slim"
    for rel in pages:
        stage(site / rel, slimmed / rel)
    searchtext.run_pagefind(slimmed)
    assert all(any((whole / "pagefind" / "fragment").glob(f"{lang}_*")) for lang in ("en", "fr", "ar"))
    assert _tree(slimmed / "pagefind") == _tree(whole / "pagefind")
    assert _tree(site / "pagefind") == _tree(whole / "pagefind")  # the build's runs, one per language, over slim pages


def test_a_delta_over_the_slim_copies_is_the_delta_over_the_pages(built_site, tmp_path, monkeypatch):
    site = built_site.root / "site"
    pages = [rel for rel in _pages(site) if rel.startswith("fr/entries/")][:3] + ["fr/browse/types/index.html"]
    ids = searchdelta._run_over(site, "fr", pages, tmp_path / "slim")
    assert all((tmp_path / "slim" / rel).stat().st_size < (site / rel).stat().st_size / 2 for rel in pages)
    monkeypatch.setattr(searchtext, "slim", lambda page: None)  # every page given whole
    assert searchdelta._run_over(site, "fr", pages, tmp_path / "whole") == ids
    assert (tmp_path / "whole" / pages[0]).stat().st_ino == (site / pages[0]).stat().st_ino
    assert _tree(tmp_path / "slim" / "pagefind") == _tree(tmp_path / "whole" / "pagefind")


def test_the_next_language_is_staged_while_one_is_indexed_and_a_failed_run_starts_no_other(tmp_path, monkeypatch):
    new, stage_dir, pages = tmp_path / "site", tmp_path / "stage", {}
    for lang, rel in (("en", "index.html"), ("fr", "fr/index.html"), ("ar", "ar/index.html")):
        (new / rel).parent.mkdir(parents=True, exist_ok=True)
        (new / rel).write_bytes(_page().replace(b'lang="ar"', f'lang="{lang}"'.encode()))
        pages[lang] = [rel]
    runs, staged_meanwhile = [], []

    def run(here):
        runs.append(here.name)
        if here.name == "en":  # fr's pages are staged while en's run works
            end = time.monotonic() + 30
            while not (stage_dir / "fr" / "fr" / "index.html").exists() and time.monotonic() < end:
                time.sleep(0.01)
            staged_meanwhile.append((stage_dir / "fr" / "fr" / "index.html").read_bytes())
            (here / "pagefind").mkdir()
            (here / "pagefind" / "pagefind-entry.json").write_text('{"languages": {"en": {}}}', "utf-8")
            return
        raise BuildError("the search index could not be built: Pagefind says 'no'")
    monkeypatch.setattr(searchparts, "run_pagefind", run)
    with pytest.raises(BuildError, match="^the search index could not be built: Pagefind says 'no'$"):
        searchparts._index_full(new, pages, ["en", "fr", "ar"], stage_dir)
    assert runs == ["en", "fr"]  # one at a time; none after the failed one
    assert staged_meanwhile == [slim((new / "fr" / "index.html").read_bytes())]
    assert (new / "pagefind" / "pagefind-entry.json").is_file()  # en's index, placed while fr's run worked
