"""The story at a glance (issue 18): readable sources, latest additions' order, lists without empty pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from scripts.config import Languages, SiteConfig
from scripts.evidence.dates import PartialDate
from scripts.evidence.model import Actor, Archive, Entry, Source, Tag
from scripts.render.addresses import lookup, readable
from scripts.render.i18n import Lang
from scripts.render.pages import Renderer

CONFIG = SiteConfig("Test archive", "https://example.org/voip-archive/", languages=Languages("en", ("fr", "ar")))
ARABIC = "https://www.hespress.com/%d8%a3%d8%ad%d8%b2%d8%a7%d8%a8-123.html"


def entry(id: str, added=date(2026, 11, 1), when=PartialDate(2016, 1, 7), **kw) -> Entry:
    fields = dict(title=f"Title of {id}", date=when, summary=f"Summary of {id}.", language="ar",
                  source=Source(url="https://example.org/a", publisher="Example Publisher"))
    fields.update(kw)
    fields.setdefault("type", "article")
    return Entry(id=id, path=f"evidence/entries/2016/{id}.yaml", added=added, **fields)


def archive(*entries: Entry) -> Archive:
    actors = {"anrt": Actor("anrt", "Regulator", "regulator"), "quiet": Actor("quiet", "Quiet actor", "operator")}
    tags = {"boycott": Tag("boycott", "Boycott"), "unused": Tag("unused", "Unused")}
    return Archive(list(entries), actors, tags)


def page(r: Renderer, e: Entry) -> str:
    out, _key = r.entry(e)
    return out.data.decode("utf-8")


# 1. Entry pages ---------------------------------------------------------------------------

def test_readable_address_decodes_utf8_and_keeps_what_could_mislead():
    assert readable(ARABIC) == "https://www.hespress.com/أحزاب-123.html"
    assert readable("https://x.example/a%20b%E2%80%AEc") == "https://x.example/a%20b%E2%80%AEc"  # space, bidi override
    assert readable("https://x.example/%ff") == "https://x.example/%ff"  # not UTF-8: as written
    assert readable("https://x.example/%2541") == "https://x.example/%2541"  # an escaped '%' stays escaped
    assert lookup("https://x.example/a?b=1#top") == "https://web.archive.org/web/*/https://x.example/a?b=1"


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_entry_shows_decoded_address_with_the_original_href(lang):
    e = entry("e1", source=Source(url=ARABIC, publisher="Hespress"))
    html = page(Renderer(archive(e), CONFIG, lang=Lang(lang)), e)
    assert (f'<a href="{ARABIC}" rel="nofollow noopener noreferrer" class="ea-url" dir="ltr">'
            "https://www.hespress.com/أحزاب-123.html</a>") in html
    import re
    shown = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)  # data, not text
    assert "%d8" not in shown.replace(f'href="{ARABIC}"', "").replace(f"web/*/{ARABIC}", "")


def test_every_source_has_a_lookup_link_labelled_as_a_search():
    entries = [entry("e1"), entry("e2", source=Source(url="https://example.org/b#x", archive_url="https://archive.ph/abc"))]
    r = Renderer(archive(*entries), CONFIG)
    for e in entries:
        html = page(r, e)
        base = e.source.url.split("#")[0]
        assert (f'<a href="https://web.archive.org/web/*/{base}" rel="nofollow noopener" class="ea-lookup">'
                "Look up this address in the Wayback Machine</a> <span class=\"ea-note\">(a search of the Internet "
                "Archive: the archive has not checked what it finds)</span>") in html
    html = page(r, entries[1])
    assert '<dt data-search-exclude>Archived copy</dt><dd data-search-exclude><a href="https://archive.ph/abc"' in html


def test_added_date_is_out_of_the_source_block_and_language_written_out():
    e = entry("e1", added=date(2026, 11, 2))
    html = page(Renderer(archive(e), CONFIG), e)
    source = html[html.index('<section id="source">'):html.index("</section>", html.index('<section id="source">'))]
    assert "Added" not in source and "<dd data-search-exclude>Arabic</dd>" in source
    assert '<p class="ea-added" data-search-exclude>Added to the archive on <time datetime="2026-11-02">' \
           "2 November 2026</time>.</p>" in html
    ar = page(Renderer(archive(e), CONFIG, lang=Lang("ar")), e)
    assert "<dd data-search-exclude>العربية</dd>" in ar and "أُضيف إلى الأرشيف في" in ar


# 2. Latest additions and lists --------------------------------------------------------------

def test_latest_additions_newest_added_then_newest_evidence():
    a = archive(entry("old-2004", when=PartialDate(2004)), entry("jan-2016", when=PartialDate(2016, 1, 7)),
                entry("undated", when=PartialDate(0, bound="undated")), entry("nov-2016", when=PartialDate(2016, 11, 4)),
                entry("added-later", added=date(2026, 11, 5), when=PartialDate(2012)))
    assert [e.id for e in a.latest] == ["added-later", "nov-2016", "jan-2016", "old-2004", "undated"]


def home(a: Archive, lang="en") -> str:
    return Renderer(a, CONFIG, lang=Lang(lang)).home().data.decode("utf-8")


def test_home_hides_latest_additions_when_all_were_added_the_same_day():
    same = archive(entry("a"), entry("b"))
    assert "latest-additions" not in home(same) and "latest-additions" not in home(same, "ar")
    assert '<h2 id="latest-additions">Latest additions</h2>' in home(archive(entry("a"), entry("b", added=date(2026, 11, 3))))


def test_actors_and_topics_without_entries_are_not_listed_and_get_no_page():
    r = Renderer(archive(entry("a", speaker="anrt", tags=("boycott",))), CONFIG)
    actors = {o.path: o.data.decode("utf-8") for o in r.actors()}
    tags = {o.path: o.data.decode("utf-8") for o in r.tags()}
    assert "browse/actors/anrt/index.md" in actors and "browse/actors/quiet/index.md" not in actors
    assert "Quiet actor" not in actors["browse/actors/index.md"] and "quiet/" not in actors["browse/actors/index.md"]
    assert "browse/tags/boycott/index.md" in tags and "browse/tags/unused/index.md" not in tags
    assert "Unused" not in tags["browse/tags/index.md"]
    assert "naming 1 actor under 1 topic." in home(r.archive)



@pytest.mark.parametrize("lang, counts", [
    ("en", "naming 2 actors under 1 topic."),
    ("fr", "qui nomment 2 acteurs, classées sous 1 thème."),
    ("ar", "تذكر فاعلَين (2)، مصنَّفة في موضوع واحد (1)."),
])
def test_home_counts_actors_and_topics_in_the_right_plural(lang, counts):
    a = archive(entry("a", type="statement", speaker="anrt", actors=("quiet",), tags=("boycott",)))
    assert counts in home(a, lang)


def test_lists_on_arabic_pages_are_joined_with_the_arabic_comma():
    e = entry("a", type="statement", speaker="anrt", actors=("quiet",))
    ar = page(Renderer(archive(e), CONFIG, lang=Lang("ar")), e)
    assert '<a href="../../browse/actors/anrt/">Regulator</a>، <a href="../../browse/actors/quiet/">' in ar
    en = page(Renderer(archive(e), CONFIG), e)
    assert '<a href="../../browse/actors/anrt/">Regulator</a>, <a href="../../browse/actors/quiet/">' in en

# 3. Key events ----------------------------------------------------------------------------

KEYED = """\
type: article
title: "Operators block internet calls"
date: "2016-01-07"
added: "2026-11-20"
summary: |
  A test summary.
language: "fr"
source:
  url: "https://example.org/article"
key_event: "The block begins"
translations:
  fr:
    title: "Les opérateurs bloquent les appels"
    summary: |
      Un résumé.
    key_event: "Le blocage commence"
  ar:
    title: "المشغّلون يحظرون المكالمات"
    summary: |
      ملخص.
"""


def _site(repo):
    (repo.root / "mkdocs.yml").write_text("site_name: Test\nsite_url: https://example.org/\nextra:\n  archive:\n"
                                          "    languages: [en, fr, ar]\n    require_translations: [fr, ar]\n", "utf-8")


def test_key_event_is_read_and_checked_like_every_field(repo):
    _site(repo)
    repo.entry("x", KEYED)
    loaded = repo.check()
    (e,) = loaded.archive.entries
    assert e.key_event == "The block begins" and e.translations["fr"].key_event == "Le blocage commence"
    assert [str(p) for p in loaded.report.sorted() if str(p).startswith("evidence/entries")] == [
        "evidence/entries/2016/x.yaml:18:5: warning: 'translations.ar' has no key_event, but the entry marks a key "
        "event (add its label in Arabic)"]
    repo.entry("x", KEYED.replace('key_event: "The block begins"', "key_event: [a, b]")
               .replace('"Le blocage commence"', '"Le blocage\\ncommence"'))
    messages = [m for m in repo.messages() if m.startswith("evidence/entries")]
    assert any(m.startswith("evidence/entries/2016/x.yaml:10:12: error: 'key_event' must be") for m in messages), messages
    assert any(":16:16: error: 'translations.fr.key_event'" in m for m in messages), messages


def test_a_key_event_label_without_the_entry_marking_one_is_reported(repo):
    _site(repo)
    repo.entry("x", KEYED.replace('key_event: "The block begins"\n', ""))
    assert "evidence/entries/2016/x.yaml:15:16: warning: 'translations.fr.key_event' labels a key event the entry " \
           "does not mark (add 'key_event' to the entry, or remove this label)" in [
               m for m in repo.messages() if m.startswith("evidence/entries")]


def test_the_format_and_its_json_schema_declare_key_event():
    import json
    from pathlib import Path
    schema = json.loads((Path(__file__).parent.parent / "evidence" / "schema.json").read_text("utf-8"))
    assert schema["properties"]["key_event"]["type"] == "string"
    assert "key_event" in json.dumps(schema["properties"]["translations"])
    from scripts.render import formatdoc
    page = formatdoc.render().data.decode("utf-8")
    assert "| `key_event` | no | marks one of the few moments that carry the story" in page
    assert "| `translations.<lang>.key_event` | no | the key event's label in this language" in page


def test_this_archive_marks_8_to_15_key_events_in_three_languages():
    from scripts.evidence.load import load_archive
    from conftest import REPO
    keyed = [e for e in load_archive(REPO).archive.entries if e.key_event]
    assert 8 <= len(keyed) <= 15
    assert all(e.translations["fr"].key_event and e.translations["ar"].key_event for e in keyed)
    assert "2016-01-07-anrt-communique-licence-regime" in {e.id for e in keyed}
    assert "2016-11-04-anrt-communique-voip-restored" in {e.id for e in keyed}


def test_home_lists_the_key_events_in_order_with_links():
    a = archive(entry("late", when=PartialDate(2016, 11, 4), key_event="The ban is lifted"),
                entry("early", when=PartialDate(2016, 1, 7), key_event="The regulator speaks"), entry("plain"))
    html = home(a)
    assert '<h2 id="key-events">Key events</h2>' in html
    assert html.index('href="entries/early/"') < html.index('href="entries/late/"')
    assert '<a href="entries/early/">The regulator speaks</a>' in html and 'href="entries/plain/"' not in html
    assert '<h2 id="key-events">الأحداث الرئيسية</h2>' in home(a, "ar")


def test_timeline_highlights_key_events_in_the_page_language():
    a = archive(entry("keyed", key_event="The block begins"), entry("plain"))
    year = {o.path: o.data.decode("utf-8") for o in Renderer(a, CONFIG).timeline()}["browse/timeline/2016/index.md"]
    assert '<li class="ea-item ea-item--key">' in year and year.count("ea-item--key") == 1
    assert '<strong class="ea-key">Key event: The block begins</strong>' in year
    ar = {o.path: o.data.decode("utf-8") for o in Renderer(a, CONFIG, lang=Lang("ar")).timeline()}
    assert ('<strong class="ea-key">حدث رئيسي: <span lang="en" dir="ltr">The block begins</span> '
            '<span class="ea-in-en">') in ar["ar/browse/timeline/2016/index.md"]


# 4. Timeline pages ------------------------------------------------------------------------

def test_entries_without_a_month_come_after_the_dated_ones_and_primary_documents_are_marked():
    a = archive(entry("no-month", when=PartialDate(2016)), entry("march", when=PartialDate(2016, 3, 1)),
                entry("jan", when=PartialDate(2016, 1, 7), type="statement", speaker="anrt"))
    year = {o.path: o.data.decode("utf-8") for o in Renderer(a, CONFIG).timeline()}["browse/timeline/2016/index.md"]
    assert year.index('id="2016-01"') < year.index('id="2016-03"') < year.index('<h2 id="2016-undated">2016, month not given</h2>')
    jan = year[year.index("entries/jan/"):year.index("</li>", year.index("entries/jan/"))]
    assert '<span class="ea-primary"><span aria-hidden="true">◆ </span>primary document</span>' in jan
    assert year.count('class="ea-primary"') == 1
    ar = {o.path: o.data.decode("utf-8") for o in Renderer(a, CONFIG, lang=Lang("ar")).timeline()}
    assert "وثيقة أولية" in ar["ar/browse/timeline/2016/index.md"]


# 6. 404 page ------------------------------------------------------------------------------

def test_feed_links_resolve_on_the_404_page_and_elsewhere(built_site):
    site = built_site.root / "site"
    missing = (site / "404.html").read_text("utf-8")
    assert '<link rel="alternate" type="application/rss+xml" title="RSS" href="/voip-archive/rss.xml">' in missing
    assert "//rss.xml" not in missing and "//atom.xml" not in missing
    entry = (site / "entries" / "2017-report" / "index.html").read_text("utf-8")
    assert 'type="application/rss+xml" title="RSS" href="../../rss.xml"' in entry
    tag = (site / "browse" / "tags" / "boycott" / "index.html").read_text("utf-8")
    assert 'href="../../../feeds/tag/boycott.xml"' in tag
