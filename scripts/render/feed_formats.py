"""How each feed format writes the archive's items: the item and channel records, RSS 2.0 and Atom 1.0
through feedgen (each entry built once, copied into every feed it belongs to), and JSON Feed 1.1."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.ext.media import MediaEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..evidence import markup


MIME = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # 'updated' of a feed with no items: fixed, not now()


@dataclass(frozen=True)
class _Thumb:
    url: str
    width: str
    height: str
    size: str
    mime: str


@dataclass(frozen=True)
class _Category:
    scheme: str  # the browse folder, e.g. https://…/browse/tags/: term + scheme name the browse page
    term: str
    label: str


@dataclass
class _Item:
    """One entry as every feed shows it; cleaned once, reused by all feeds that list it."""

    url: str
    title: str
    summary: str  # cleaned Markdown subset; its plain text is made only for the JSON Feed
    html: str
    when: datetime  # published: when the archive added the entry
    updated: datetime  # the latest correction's date, or ``when``
    publisher: str
    categories: tuple[_Category, ...]
    thumb: _Thumb | None
    _fe: FeedEntry | None = None
    _json: dict | None = None

    def feed_entry(self) -> FeedEntry:
        if self._fe is None:
            self._fe = _feed_entry(self)
        return self._fe

    def json(self) -> dict:
        if self._json is None:
            self._json = _json_item(self)
        return self._json


@dataclass(frozen=True)
class _Channel:
    """What describes one feed: its title, the page it follows, and its own addresses."""

    title: str
    description: str
    site: str
    home: str
    rss_url: str
    atom_url: str
    lang: str = "en"


class _FeedEntry(FeedEntry):
    """A FeedEntry that builds its RSS and Atom elements once and hands each feed a copy.

    An entry sits in the root feeds and in several facet feeds; copying a finished lxml
    element (in C) is several times cheaper than feedgen building it again. The entry must
    not change once a feed has used it.
    """

    _rss: etree._Element | None = None
    _atom: etree._Element | None = None

    def rss_entry(self, extensions=True):
        if self._rss is None:
            self._rss = super().rss_entry(extensions)
        return copy.deepcopy(self._rss)

    def atom_entry(self, extensions=True):
        if self._atom is None:
            self._atom = _fix_atom_links(super().atom_entry(extensions), self.link())
        return copy.deepcopy(self._atom)


def _fix_atom_links(entry: etree._Element, links: list[dict]) -> etree._Element:
    """feedgen 1.0.0 drops rel, type and length from Atom entry links (lkiesow/python-feedgen#135,
    open), which turns the enclosure into a second 'alternate' link; put them back."""
    for elem, data in zip(entry.iterfind("link"), links):
        for attr in ("rel", "type", "length"):
            if data.get(attr):
                elem.set(attr, data[attr])
    return entry


def _feed_entry(item: _Item) -> FeedEntry:
    fe = _FeedEntry()
    # Registered here, before any feed sees the entry, so one FeedEntry can sit in many feeds:
    # media:thumbnail and dc:creator are RSS-only (Atom has enclosure links and <author>).
    fe.register_extension("media", MediaEntryExtension, atom=False, rss=True)
    fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    fe.title(item.title)
    fe.guid(item.url, permalink=True)  # the entry page's URL: permanent, never derived from title or date
    fe.link(href=item.url, rel="alternate")
    fe.content(item.html, type="html")  # Atom <content type="html">, RSS <description>; lxml escapes it
    fe.published(item.when)
    fe.updated(item.updated)
    fe.category([{"term": c.term, "scheme": c.scheme, "label": c.label} for c in item.categories])
    if item.publisher:
        # Readers print the byline: Atom <author><name>, and dc:creator in RSS (RSS <author>
        # must be an e-mail address, which a publisher does not have). dc:publisher and
        # <source> are shown by almost no reader.
        fe.author(name=item.publisher)
        fe.dc.dc_creator(item.publisher)
    if item.thumb:
        t = item.thumb
        fe.enclosure(t.url, t.size, t.mime)  # RSS <enclosure>, Atom <link rel="enclosure">
        fe.media.thumbnail({"url": t.url, "width": t.width, "height": t.height}, group=None)
    return fe


def _generator(channel: _Channel, items: list[_Item], self_url: str, mime: str, rss: bool) -> FeedGenerator:
    fg = FeedGenerator()
    if rss:  # declares the media: and dc: namespaces; the Atom feeds use neither
        fg.load_extension("media", atom=False, rss=True)
        fg.load_extension("dc", atom=False, rss=True)
    fg.generator("")  # feedgen's default names its version: a library upgrade would change every feed
    fg.id(channel.atom_url)
    fg.title(channel.title)
    fg.description(channel.description)  # RSS <description> and Atom <subtitle>
    fg.language(channel.lang)  # RSS <language> and the Atom feed's xml:lang
    fg.author(name=channel.site)  # Atom needs an author for entries that name no publisher
    fg.link(href=self_url, rel="self", type=mime)
    fg.link(href=channel.home, rel="alternate", type="text/html")  # last: feedgen makes it the RSS <link>
    fg.updated(max((i.updated for i in items), default=EPOCH))  # newest change; default would be now()
    for item in items:
        fg.add_entry(item.feed_entry(), order="append")  # default 'prepend' would reverse our order
    return fg


def _rss(channel: _Channel, items: list[_Item]) -> bytes:
    fg = _generator(channel, items, channel.rss_url, MIME["rss"], rss=True)
    return fg.rss_str(pretty=True)


def _atom(channel: _Channel, items: list[_Item]) -> bytes:
    fg = _generator(channel, items, channel.atom_url, MIME["atom"], rss=False)
    return fg.atom_str(pretty=True)


def _json_item(item: _Item) -> dict:
    out: dict[str, Any] = {
        "id": item.url, "url": item.url, "title": item.title, "content_html": item.html,
        "summary": markup.to_text(item.summary), "date_published": item.when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "date_modified": item.updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tags": [c.label for c in item.categories],
    }
    if item.publisher:
        out["authors"] = [{"name": item.publisher}]
    if item.thumb:
        out["image"] = item.thumb.url
    return out


def _json_feed(channel: _Channel, feed_url: str, items: list[_Item]) -> bytes:
    feed = {"version": JSON_FEED_VERSION, "title": channel.title, "description": channel.description,
            "language": channel.lang,
            "home_page_url": channel.home, "feed_url": feed_url, "items": [i.json() for i in items]}
    return (json.dumps(feed, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
