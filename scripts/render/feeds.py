"""Feeds of new additions: RSS 2.0, Atom 1.0 and JSON Feed 1.1 at the root; RSS and Atom per facet.

Items are the newest additions (``added`` descending, then id). Every date and id comes from
the evidence log, never from the clock, so the same archive always gives the same bytes. An item is
published when it was added and updated on its latest correction; its content opens with the
evidence's own date and its source, since the feed's date is only when the archive added it.
Each entry's feed item is built once and shared by the root feeds and every facet feed it
belongs to (a 10,000-entry archive yields about a hundred feeds).
"""

from __future__ import annotations

import re
from html import escape
from datetime import datetime, time, timezone
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urljoin


from ..evidence import markup
from ..evidence.model import Archive, Entry, newest_added
from ..evidence.schema import TYPE_LABELS
from ..publish.output import Output
from ..store.pages import PageMemo, output as memo_output
from .i18n import Lang
from .texts import Texts
from .formatting import entry_digests, long_date, page_key
from .feed_formats import MIME, _atom, _Category, _Channel, _Item, _json_feed, _rss, _Thumb

__all__ = ["KINDS", "KIND_LABELS", "MIME", "clean", "facet_feed_paths", "render", "site_feed_paths"]

KINDS = {"type": "types", "actor": "actors", "tag": "tags"}  # facet kind -> browse/<folder>/
KIND_LABELS = {"type": "Type", "actor": "Actor", "tag": "Tag"}
# XML 1.0 forbids these (lxml raises on them); lone surrogates cannot even be encoded as UTF-8.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Remove the characters XML 1.0 forbids, so no entry text can break a feed."""
    return _ILLEGAL.sub("", text)


def site_feed_paths() -> tuple[str, str, str]:
    """Paths (relative to the site root) of the site's RSS, Atom and JSON feeds."""
    return "rss.xml", "atom.xml", "feed.json"


def facet_feed_paths(kind: str, id: str) -> tuple[str, str]:
    """Paths (relative to the site root) of one facet's RSS and Atom feeds; kind is type, actor or tag."""
    if kind not in KINDS:
        raise ValueError(f"unknown feed kind {kind!r} (expected one of {', '.join(KINDS)})")
    return f"feeds/{kind}/{id}.xml", f"feeds/{kind}/{id}.atom"


def render(archive: Archive, site_url: str, site_title: str, media: Mapping[str, Any] | None = None,
           limit: int = 50, lang: str = "en", memo: PageMemo | None = None, prefix: str = "") -> list[Output]:
    """Return the root feeds and the RSS + Atom feeds of every type, actor and tag with entries.

    ``lang``: the language of the site at ``site_url``; items take their title and summary from the
    entry's translation into it (the English, marked "(in English)", where there is none). ``prefix``: the
    folder of that site in content/; ``memo``: feeds whose channel and items are unchanged are not written
    again (an item is keyed by its entry's digest, its thumbnail and its categories' names)."""
    if limit < 1:
        raise ValueError(f"feed size must be at least 1 (got {limit})")
    base = clean(site_url).rstrip("/") + "/"
    site_title = clean(site_title)
    ordered = newest_added(archive.entries)
    texts = Texts(Lang(lang))
    items = _Items(archive, base, media or {}, texts)
    rss, atom, jsonf = site_feed_paths()
    root = _Channel(site_title, texts.lang.gettext("Newest additions to %(site)s") % {"site": site_title}, site_title,
                    base, base + rss, base + atom, lang)

    def feed(path: str, channel: _Channel, entries: list[Entry], write: Callable[[list[_Item]], bytes]) -> Output:
        return memo_output(memo, prefix + path, lambda: page_key(path, base, channel, [items.key(e) for e in entries]),
                           lambda: write([items.get(e) for e in entries]))
    newest = ordered[:limit]
    outputs = [feed(rss, root, newest, lambda i: _rss(root, i)), feed(atom, root, newest, lambda i: _atom(root, i)),
               feed(jsonf, root, newest, lambda i: _json_feed(root, base + jsonf, i))]
    for (kind, id), entries in sorted(_facets(ordered, limit).items()):
        channel = _facet_channel(archive, base, site_title, kind, id, texts)
        rss_path, atom_path = facet_feed_paths(kind, id)
        outputs += [feed(rss_path, channel, entries, lambda i, c=channel: _rss(c, i)),
                    feed(atom_path, channel, entries, lambda i, c=channel: _atom(c, i))]
    return outputs


def _facet_keys(e: Entry) -> Iterable[tuple[str, str]]:
    """The facets an entry belongs to, in the order its categories are listed: type, tags, actors."""
    yield "type", e.type
    for t in dict.fromkeys(e.tags):  # a repeated tag must not repeat the item
        yield "tag", t
    for a in e.all_actors:
        yield "actor", a


def _facets(ordered: list[Entry], limit: int) -> dict[tuple[str, str], list[Entry]]:
    """Each facet's newest ``limit`` entries, in feed order (one pass over the sorted entries)."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in ordered:
        for key in _facet_keys(e):
            group = groups.setdefault(key, [])
            if len(group) < limit:
                group.append(e)
    return groups


def _label(archive: Archive, kind: str, id: str, texts: Texts) -> str:
    """The name readers see for a type, actor or tag (the id when the registry lacks it)."""
    if kind == "actor":
        actor = archive.actors.get(id)
        return clean(texts.actor_name_text(actor)) if actor else clean(id)
    if kind == "tag":
        tag = archive.tags.get(id)
        return clean(texts.tag_label_text(tag)) if tag else clean(id)
    return texts.lang.gettext(TYPE_LABELS[id][0]) if id in TYPE_LABELS else clean(id)


def _facet_channel(archive: Archive, base: str, site_title: str, kind: str, id: str, texts: Texts) -> _Channel:
    label = _label(archive, kind, id, texts)
    kind_label = texts.lang.gettext(KIND_LABELS[kind])
    rss_path, atom_path = facet_feed_paths(kind, id)
    return _Channel(title=f"{site_title}: {kind_label}: {label}",
                    description=texts.lang.gettext("Newest additions to %(site)s for %(kind)s '%(label)s'")
                    % {"site": site_title, "kind": kind_label.lower(), "label": label},
                    site=site_title,
                    home=base + clean(f"browse/{KINDS[kind]}/{id}/"), rss_url=base + clean(rss_path),
                    atom_url=base + clean(atom_path), lang=texts.lang.code)


class _Items:
    """Builds each entry's ``_Item`` on first use only: most entries of a large archive are in no feed."""

    def __init__(self, archive: Archive, base: str, media: Mapping[str, Any], texts: Texts):
        self.archive, self.base, self.media, self.texts = archive, base, media, texts
        self.cache: dict[str, _Item] = {}
        self.keys: dict[str, list] = {}

    def get(self, e: Entry) -> _Item:
        item = self.cache.get(e.id)
        if item is None:
            item = self.cache[e.id] = self._make(e)
        return item

    def key(self, e: Entry) -> list:
        """What the entry's item is made from besides the feed's address and language (page_key-able)."""
        key = self.keys.get(e.id)
        if key is None:  # an entry is in up to a dozen feeds
            key = self.keys[e.id] = [entry_digests(self.archive)[e.id], self._thumb(e), self._categories(e)]
        return key

    def _make(self, e: Entry) -> _Item:
        text = self.texts.entry(e)
        summary = clean(text.summary)
        added = _midnight(e.added)
        # A correction dated before the entry was added (a typo in the log) must not predate publication.
        updated = max([added] + [_midnight(c.date.first_day()) for c in e.corrections])
        # Atom refuses an empty title; one made only of control characters falls back to the id.
        return _Item(url=self.base + clean(e.url), title=clean(text.title).strip() or clean(e.id),
                     summary=summary, html=_about(e, self.texts.lang) + markup.to_html(summary), when=added,
                     updated=updated,
                     publisher=clean(e.source.publisher), categories=self._categories(e), thumb=self._thumb(e))

    def _categories(self, e: Entry) -> tuple[_Category, ...]:
        return tuple(_Category(self.base + f"browse/{KINDS[kind]}/", clean(id), _label(self.archive, kind, id, self.texts))
                     for kind, id in _facet_keys(e))

    def _thumb(self, e: Entry) -> _Thumb | None:
        """The first media item's thumbnail that the media stage rendered, as absolute strings."""
        for m in e.media:
            rendition = getattr(self.media.get(m.sha256), "thumb", None)
            if rendition is not None:
                return _Thumb(url=clean(urljoin(self.base, rendition.url)), width=str(rendition.width),
                              height=str(rendition.height), size=str(rendition.size), mime=clean(rendition.mime))
        return None


def _midnight(day) -> datetime:
    return datetime.combine(day, time(0), timezone.utc)


def _about(e: Entry, lang: Lang) -> str:
    """The item's first paragraph: the evidence's date, as the pages write it, and its source as a link."""
    parts = [escape(lang.gettext("Evidence dated %(date)s") % {"date": long_date(e.date, e.date_approximate, lang)})]
    publisher, address = clean(e.source.publisher).strip(), clean(e.source.url)
    source = escape(lang.gettext("Source:"))
    if address:  # the checker only lets http(s) addresses through
        parts.append(f'{source} <a href="{escape(address)}" rel="nofollow noopener">{escape(publisher or address)}</a>')
    elif publisher:
        parts.append(f"{source} {escape(publisher)}")
    return "<p>" + " · ".join(parts) + "</p>"
