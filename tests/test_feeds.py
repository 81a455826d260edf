"""The feeds: RSS, Atom and JSON Feed of new additions, at the root and per type, actor and tag."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date

import feedparser
import pytest

from conftest import GOOD
from scripts.render import feeds
from scripts.evidence.model import Actor, Archive, Entry, MediaItem, Source, Tag
from scripts.evidence.dates import PartialDate

SITE = "https://example.org/voip-archive/"
SHA_A, SHA_B = "a" * 64, "b" * 64
HOSTILE = "<script>alert(1)</script> ]]> & done"
ABOUT = "<p>Evidence dated 7 January 2016 · Source: Example Publisher</p>"  # every sample() entry's first paragraph


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    size: int
    mime: str


@dataclass(frozen=True)
class Media:
    thumb: Rendition


MEDIA = {SHA_A: Media(Rendition("media/thumbs/aaaa.webp", 320, 180, 12345, "image/webp"))}


def entry(id: str, added: date, type: str = "article", **kw) -> Entry:
    fields = dict(title=f"Title of {id}", date=PartialDate(2016, 1, 7), summary=f"Summary of *{id}*.",
                  language="fr", source=Source(publisher="Example Publisher"))
    fields.update(kw)
    return Entry(id=id, path=f"evidence/entries/2016/{id}.yaml", type=type, added=added, **fields)


def archive(*entries: Entry) -> Archive:
    actors = {"anrt": Actor("anrt", "Regulator", "regulator"),
              "op-a": Actor("op-a", "Operator A", "operator"),
              "quiet": Actor("quiet", "Quiet actor", "operator")}
    tags = {"boycott": Tag("boycott", "Boycott"), "lifting": Tag("lifting", "Lifting"),
            "unused": Tag("unused", "Unused")}
    return Archive(list(entries), actors, tags)


def sample() -> Archive:
    """Five entries: ties on 'added' (order by id), a speaker, tags, and media with and without a thumbnail."""
    return archive(
        entry("e-old", date(2026, 1, 5), actors=("op-a",), tags=("boycott",)),
        entry("e-b", date(2026, 3, 1), type="statement", speaker="anrt", actors=("op-a",), tags=("lifting",)),
        entry("e-a", date(2026, 3, 1), actors=("anrt",), tags=("boycott", "lifting"),
              media=(MediaItem("2016/a.png", SHA_A, "alt"),)),
        entry("e-new", date(2026, 4, 2), type="social-post", media=(MediaItem("2016/b.png", SHA_B, "alt"),)),
        entry("e-mid", date(2026, 2, 10), type="statement", tags=("boycott",)),
    )


def render(arch: Archive | None = None, **kw) -> dict[str, bytes]:
    kw.setdefault("media", MEDIA)
    outputs = feeds.render(arch or sample(), SITE, "VoIP archive", **kw)
    assert len({o.path for o in outputs}) == len(outputs)
    return {o.path: o.data for o in outputs}


def parse(data: bytes):
    d = feedparser.parse(data)
    assert not d.bozo, d.get("bozo_exception")
    return d


def ids(data: bytes) -> list[str]:
    return [e.id for e in parse(data).entries]


def url(id: str) -> str:
    return f"{SITE}entries/{id}/"


NEWEST_FIRST = [url(i) for i in ("e-new", "e-a", "e-b", "e-mid", "e-old")]


def test_paths_of_site_and_facet_feeds():
    assert feeds.site_feed_paths() == ("rss.xml", "atom.xml", "feed.json")
    assert feeds.facet_feed_paths("actor", "anrt") == ("feeds/actor/anrt.xml", "feeds/actor/anrt.atom")
    with pytest.raises(ValueError, match="unknown feed kind 'year'"):
        feeds.facet_feed_paths("year", "2016")


def test_every_feed_parses_without_bozo():
    out = render()
    xml = [p for p in out if p != "feed.json"]
    assert len(xml) == 2 + 2 * (3 + 2 + 2)  # root + RSS and Atom of 3 types, 2 actors, 2 tags
    for path in xml:
        d = parse(out[path])
        assert d.version in ("rss20", "atom10"), path
        assert d.entries, path


def test_root_feeds_order_by_added_desc_then_id():
    out = render()
    assert ids(out["rss.xml"]) == NEWEST_FIRST
    assert ids(out["atom.xml"]) == NEWEST_FIRST
    assert [i["id"] for i in json.loads(out["feed.json"])["items"]] == NEWEST_FIRST


def test_limit_is_honoured_in_root_and_facet_feeds():
    out = render(limit=2)
    assert ids(out["rss.xml"]) == NEWEST_FIRST[:2]
    assert ids(out["atom.xml"]) == NEWEST_FIRST[:2]
    assert len(json.loads(out["feed.json"])["items"]) == 2
    assert ids(out["feeds/tag/boycott.xml"]) == [url("e-a"), url("e-mid")]  # newest 2 of 3


def test_ids_are_unique_permanent_urls_and_links_are_absolute():
    out = render()
    for path, data in out.items():
        if path == "feed.json":
            continue
        d = parse(data)
        got = [e.id for e in d.entries]
        assert len(got) == len(set(got)), path
        for e in d.entries:
            assert e.link == e.id and e.id.startswith(SITE + "entries/")
    rss = parse(out["rss.xml"])
    assert rss.feed.link == SITE
    assert {lk.rel: lk.href for lk in rss.feed.links}["self"] == SITE + "rss.xml"
    assert b'<guid isPermaLink="true">https://example.org/voip-archive/entries/e-new/</guid>' in out["rss.xml"]


def test_links_point_at_entry_pages_of_the_archive():
    arch = sample()
    known = {url(e.id) for e in arch.entries}  # entry pages are entries/<id>/ (Entry.url)
    for e in parse(render(arch)["atom.xml"]).entries:
        assert e.link in known


def test_site_url_without_trailing_slash():
    out = feeds.render(sample(), SITE.rstrip("/"), "VoIP archive", MEDIA)
    assert ids(out[0].data)[0] == url("e-new")


def test_rebuilds_give_the_same_bytes():
    first = render()
    time.sleep(1.1)  # a clock-based field would now differ
    assert render() == first


def test_dates_come_from_added_never_from_the_clock():
    out = render()
    rss, atom = parse(out["rss.xml"]), parse(out["atom.xml"])
    assert b"<lastBuildDate>Thu, 02 Apr 2026 00:00:00 +0000</lastBuildDate>" in out["rss.xml"]
    assert b"<updated>2026-04-02T00:00:00+00:00</updated>" in out["atom.xml"]
    assert rss.entries[0].published_parsed[:6] == (2026, 4, 2, 0, 0, 0)
    assert atom.entries[-1].updated_parsed[:6] == (2026, 1, 5, 0, 0, 0)
    assert b"+00:00" in out["atom.xml"] and b"generator" not in out["atom.xml"] + out["rss.xml"]
    assert json.loads(out["feed.json"])["items"][0]["date_published"] == "2026-04-02T00:00:00Z"
    facet = render()["feeds/actor/op-a.xml"]
    assert b"<lastBuildDate>Sun, 01 Mar 2026 00:00:00 +0000</lastBuildDate>" in facet


def test_empty_archive_gives_valid_deterministic_root_feeds():
    out = render(archive())
    assert sorted(out) == ["atom.xml", "feed.json", "rss.xml"]
    assert parse(out["rss.xml"]).entries == [] and parse(out["atom.xml"]).entries == []
    assert b"<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>" in out["rss.xml"]
    assert b"<updated>1970-01-01T00:00:00+00:00</updated>" in out["atom.xml"]
    assert json.loads(out["feed.json"])["items"] == []
    assert render(archive()) == out


def test_enclosure_and_thumbnail_when_entry_has_rendered_media():
    out = render()
    rss = {e.id: e for e in parse(out["rss.xml"]).entries}
    thumb = SITE + "media/thumbs/aaaa.webp"
    assert rss[url("e-a")].enclosures == [{"href": thumb, "length": "12345", "type": "image/webp"}]
    assert rss[url("e-a")].media_thumbnail == [{"url": thumb, "width": "320", "height": "180"}]
    atom = {e.id: e for e in parse(out["atom.xml"]).entries}
    assert atom[url("e-a")].enclosures == [{"href": thumb, "length": "12345", "type": "image/webp"}]
    assert [lk.href for lk in atom[url("e-a")].links if lk.rel == "alternate"] == [url("e-a")]
    items = {i["id"]: i for i in json.loads(out["feed.json"])["items"]}
    assert items[url("e-a")]["image"] == thumb
    # media without a rendition (e-new) and entries without media get none
    for id in ("e-new", "e-old"):
        assert not rss[url(id)].enclosures and "media_thumbnail" not in rss[url(id)]
        assert not atom[url(id)].enclosures and "image" not in items[url(id)]


def test_no_media_mapping_means_no_enclosures():
    out = render(media=None)
    assert b"enclosure" not in out["rss.xml"] + out["atom.xml"] and b"media:thumbnail" not in out["rss.xml"]
    assert all("image" not in i for i in json.loads(out["feed.json"])["items"])


def test_json_feed_required_fields():
    feed = json.loads(render()["feed.json"])
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "VoIP archive"
    assert feed["home_page_url"] == SITE and feed["feed_url"] == SITE + "feed.json"
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["url"] == item["id"]
        assert item["content_html"].startswith("<p>")
    first = feed["items"][0]
    assert first["content_html"] == ABOUT + "<p>Summary of <em>e-new</em>.</p>"
    assert first["summary"] == "Summary of e-new."
    assert first["authors"] == [{"name": "Example Publisher"}]


def test_categories_and_publisher():
    out = render()
    rss = {e.id: e for e in parse(out["rss.xml"]).entries}
    assert [t.term for t in rss[url("e-b")].tags] == ["Statement", "Lifting", "Regulator", "Operator A"]
    assert rss[url("e-b")].author == "Example Publisher"  # dc:creator
    atom = {e.id: e for e in parse(out["atom.xml"]).entries}
    assert [(t.term, t.scheme, t.label) for t in atom[url("e-b")].tags] == [
        ("statement", SITE + "browse/types/", "Statement"), ("lifting", SITE + "browse/tags/", "Lifting"),
        ("anrt", SITE + "browse/actors/", "Regulator"), ("op-a", SITE + "browse/actors/", "Operator A")]
    assert atom[url("e-b")].author == "Example Publisher"
    items = {i["id"]: i for i in json.loads(out["feed.json"])["items"]}
    assert items[url("e-b")]["tags"] == ["Statement", "Lifting", "Regulator", "Operator A"]


def test_entry_without_publisher_has_no_author_in_rss_and_the_site_in_atom():
    out = render(archive(entry("x", date(2026, 1, 1), source=Source())))
    assert "author" not in parse(out["rss.xml"]).entries[0]
    atom = parse(out["atom.xml"])
    assert "author" not in atom.entries[0] and atom.feed.author == "VoIP archive"  # Atom: the feed's author applies
    assert "authors" not in json.loads(out["feed.json"])["items"][0]


@pytest.mark.parametrize("kind,id,expected", [
    ("type", "article", ["e-a", "e-old"]),
    ("type", "statement", ["e-b", "e-mid"]),
    ("type", "social-post", ["e-new"]),
    ("actor", "anrt", ["e-a", "e-b"]),  # e-b through its speaker
    ("actor", "op-a", ["e-b", "e-old"]),
    ("tag", "boycott", ["e-a", "e-mid", "e-old"]),
    ("tag", "lifting", ["e-a", "e-b"]),
])
def test_facet_feeds_hold_exactly_their_entries(kind, id, expected):
    out = render()
    rss_path, atom_path = feeds.facet_feed_paths(kind, id)
    assert ids(out[rss_path]) == [url(i) for i in expected]
    assert ids(out[atom_path]) == [url(i) for i in expected]
    d = parse(out[rss_path])
    assert d.feed.link == f"{SITE}browse/{kind}s/{id}/"
    assert {lk.rel: lk.href for lk in d.feed.links}["self"] == SITE + rss_path
    assert parse(out[atom_path]).feed.id == SITE + atom_path


def test_no_facet_feed_without_entries():
    out = render()
    assert not any(p.startswith(("feeds/actor/quiet.", "feeds/tag/unused.")) for p in out)
    assert not any(p.startswith("feeds/type/video.") for p in out)


def test_facet_titles_name_the_facet():
    out = render()
    assert parse(out["feeds/actor/anrt.xml"]).feed.title == "VoIP archive: Actor: Regulator"
    assert parse(out["feeds/type/social-post.atom"]).feed.title == "VoIP archive: Type: Social post"


def test_control_characters_are_removed_from_every_text():
    bad = "".join(chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xD800))
    arch = Archive(
        [entry("ctl", date(2026, 5, 1), title=f"Bad{bad} title", summary=f"Bad{bad} *summary*",
               source=Source(publisher=f"Pub{bad}"), actors=("anrt",), tags=("boycott",))],
        {"anrt": Actor("anrt", f"Regu{bad}lator", "regulator")}, {"boycott": Tag("boycott", f"Boy{bad}cott")})
    out = feeds.render(arch, SITE, f"Site{bad}", None)
    for o in out:
        text = o.data.decode("utf-8")
        assert not any(ch in text for ch in bad), o.path
        if o.path != "feed.json":
            d = parse(o.data)
            assert d.entries[0].title == "Bad title"
            assert d.feed.title.startswith("Site")
    items = json.loads(next(o.data for o in out if o.path == "feed.json"))["items"]
    assert items[0]["title"] == "Bad title"
    assert items[0]["content_html"] == "<p>Evidence dated 7 January 2016 · Source: Pub</p><p>Bad <em>summary</em></p>"
    assert items[0]["tags"] == ["Article", "Boycott", "Regulator"]


def test_title_of_only_control_characters_falls_back_to_the_id():
    out = render(archive(entry("blank", date(2026, 5, 1), title="\x0b\x0c", summary="\x00")))
    for path in ("rss.xml", "atom.xml"):
        assert parse(out[path]).entries[0].title == "blank"


def test_limit_below_one_is_refused():
    with pytest.raises(ValueError, match=r"^feed size must be at least 1 \(got 0\)$"):
        render(limit=0)


def test_hostile_text_stays_escaped_text_in_all_formats():
    arch = archive(entry("evil", date(2026, 5, 1), title=HOSTILE, summary=HOSTILE,
                         source=Source(publisher="A & B <i>")))
    out = render(arch)
    for path in ("rss.xml", "atom.xml"):
        assert b"<script" not in out[path] and b"]]>" not in out[path] and b"CDATA" not in out[path]
        e = parse(out[path]).entries[0]
        assert e.title == HOSTILE
        assert e.title_detail.type == "text/plain"
        # the summary HTML shows the markup as text: a reader displays '<script>', never runs it
        assert e.summary == ("<p>Evidence dated 7 January 2016 · Source: A &amp; B &lt;i&gt;</p>"
                             "<p>&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; done</p>")
        assert e.author == "A & B <i>"
    item = json.loads(out["feed.json"])["items"][0]
    assert item["title"] == HOSTILE and item["summary"] == HOSTILE
    assert item["content_html"] == ("<p>Evidence dated 7 January 2016 · Source: A &amp; B &lt;i&gt;</p>"
                                    "<p>&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; done</p>")
    assert item["authors"] == [{"name": "A & B <i>"}]


def test_entries_loaded_from_the_log(repo):
    """The feeds take an Archive straight from the loader."""
    repo.entry("first")
    repo.entry("second", GOOD.replace('added: "2026-11-20"', 'added: "2026-11-21"').replace("[anrt]", "[operator-a]"))
    loaded = repo.check()
    assert loaded.report.problems == []
    out = {o.path: o.data for o in feeds.render(loaded.archive, SITE, "VoIP archive")}
    assert ids(out["rss.xml"]) == [url("second"), url("first")]
    assert ids(out["feeds/actor/anrt.atom"]) == [url("first")]
    assert parse(out["feeds/actor/operator-a.xml"]).feed.title == "VoIP archive: Actor: Operator A (test)"
    assert parse(out["rss.xml"]).entries[1].summary == (
        '<p>Evidence dated 7 January 2016 · Source: <a href="https://example.org/article" rel="nofollow noopener">'
        'Example Publisher</a></p><p>A test summary with <em>emphasis</em> and a '
        '<a href="https://example.org/a" rel="nofollow noopener">link</a>.</p>')


# --- what an item tells the reader, when it changed, in which language (issue 14, point 16) ----------

def test_item_content_opens_with_the_evidence_date_and_the_source_link():
    arch = archive(
        entry("decision", date(2026, 11, 27), date=PartialDate(2004, 4, 6),
              source=Source(url="https://www.anrt.ma/decision-04-04.pdf", publisher="ANRT")),
        entry("month", date(2026, 11, 26), date=PartialDate(2016, 3), date_approximate=True,
              source=Source(url="https://example.org/a?b=1&c=2")),
        entry("year", date(2026, 11, 25), date=PartialDate(2012), source=Source(publisher="A forum")))
    out = render(arch)
    expected = {
        "decision": '<p>Evidence dated 6 April 2004 · Source: <a href="https://www.anrt.ma/decision-04-04.pdf" '
                    'rel="nofollow noopener">ANRT</a></p>',
        "month": '<p>Evidence dated March 2016 (approx.) · Source: <a href="https://example.org/a?b=1&amp;c=2" '
                 'rel="nofollow noopener">https://example.org/a?b=1&amp;c=2</a></p>',
        "year": "<p>Evidence dated 2012 · Source: A forum</p>"}
    for path in ("rss.xml", "atom.xml"):
        got = {e.id: e.summary for e in parse(out[path]).entries}
        for id, about in expected.items():
            assert got[url(id)].startswith(about + "<p>Summary of"), (path, id)
    items = {i["id"]: i for i in json.loads(out["feed.json"])["items"]}
    assert all(items[url(id)]["content_html"].startswith(about) for id, about in expected.items())


def test_updated_is_the_latest_correction_else_added():
    from scripts.evidence.model import Correction
    fixes = (Correction(PartialDate(2026, 12, 3), "fixed"), Correction(PartialDate(2026, 12, 1), "typo"))
    out = render(archive(entry("fixed", date(2026, 11, 27), corrections=fixes),
                         entry("early", date(2026, 11, 20), corrections=(Correction(PartialDate(2026, 1, 1), "x"),)),
                         entry("plain", date(2026, 11, 1))))
    atom = {e.id: e for e in parse(out["atom.xml"]).entries}
    assert atom[url("fixed")].published_parsed[:3] == (2026, 11, 27)
    assert atom[url("fixed")].updated_parsed[:3] == (2026, 12, 3)
    assert atom[url("early")].updated_parsed[:3] == (2026, 11, 20)  # never before it was added
    assert atom[url("plain")].updated_parsed[:3] == (2026, 11, 1)
    assert parse(out["atom.xml"]).feed.updated_parsed[:3] == (2026, 12, 3)  # the feed changed with the fix
    assert b"<lastBuildDate>Thu, 03 Dec 2026 00:00:00 +0000</lastBuildDate>" in out["rss.xml"]
    items = {i["id"]: i for i in json.loads(out["feed.json"])["items"]}
    assert items[url("fixed")]["date_published"] == "2026-11-27T00:00:00Z"
    assert items[url("fixed")]["date_modified"] == "2026-12-03T00:00:00Z"
    assert items[url("plain")]["date_modified"] == "2026-11-01T00:00:00Z"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_feed_declares_its_language(language):
    out = render(lang=language)
    assert len(out) > 10
    for path, data in out.items():
        if path.endswith(".json"):
            assert json.loads(data)["language"] == language
            continue
        assert parse(data).feed.language == language, path
        if path == "atom.xml" or path.endswith(".atom"):
            assert f'xml:lang="{language}"'.encode() in data.split(b">", 2)[1]  # on <feed>
        else:
            assert f"<language>{language}</language>".encode() in data
