"""The archive as typed, validated values: what every rendering stage consumes. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from functools import cached_property
from typing import Any

from .dates import PartialDate


@dataclass(frozen=True)
class Source:
    url: str = ""
    publisher: str = ""
    author: str = ""
    archive_url: str = ""


@dataclass(frozen=True)
class Quote:
    text: str
    lang: str
    translation: str = ""


@dataclass(frozen=True)
class MediaItem:
    file: str
    sha256: str
    alt: str
    caption: str = ""
    captured: dt.datetime | None = None
    credit: str = ""
    publish_original: bool = True


@dataclass(frozen=True)
class Correction:
    date: PartialDate
    note: str


@dataclass(frozen=True)
class Signatures:
    count: int
    as_of: PartialDate
    qualifier: str = ""  # "", "about", "at_least" or "more_than"


@dataclass(frozen=True)
class Translation:
    """An entry's text fields in another language, translated from the entry's own."""

    title: str
    summary: str
    notes: str = ""
    quote: str = ""
    key_event: str = ""


@dataclass(slots=True)  # not frozen: frozen dataclasses set 20 fields through object.__setattr__
class Entry:
    """One piece of evidence; ``path`` is the YAML file relative to the repository root."""

    id: str
    path: str
    type: str
    title: str
    date: PartialDate
    added: dt.date
    summary: str
    language: str
    date_approximate: bool = False
    title_original: str = ""
    quote: Quote | None = None
    source: Source = Source()
    speaker: str = ""
    signatures: Signatures | None = None
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    media: tuple[MediaItem, ...] = ()
    related: tuple[str, ...] = ()
    notes: str = ""
    key_event: str = ""  # the label of a key event of the story, or ""
    corrections: tuple[Correction, ...] = ()
    translations: dict[str, Translation] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Site-relative address of the entry page."""
        return f"entries/{self.id}/"

    @property
    def all_actors(self) -> tuple[str, ...]:
        """Actors involved, the speaker first, without repeats."""
        return tuple(dict.fromkeys(((self.speaker,) if self.speaker else ()) + self.actors))

    @classmethod
    def from_fields(cls, id: str, path: str, f: dict[str, Any]) -> "Entry":
        """Build an entry from checked field values."""
        src = f.get("source", {})
        q = f.get("quote")
        sig = f.get("signatures")
        return cls(
            id=id, path=path, type=f["type"], title=f["title"], date=f["date"], added=f["added"].first_day(),
            summary=f["summary"], language=f["language"], date_approximate=f.get("date_approximate", False),
            title_original=f.get("title_original", ""),
            quote=Quote(q["text"], q["lang"], q.get("translation", "")) if q and "text" in q and "lang" in q else None,
            source=Source(**src), speaker=f.get("speaker", ""),
            signatures=Signatures(sig["count"], sig["as_of"], sig.get("qualifier", "")) if sig and {"count", "as_of"} <= sig.keys() else None,
            actors=tuple(f.get("actors", ())), tags=tuple(f.get("tags", ())),
            media=tuple(MediaItem(**m) for m in f.get("media", ()) if {"file", "sha256", "alt"} <= m.keys()),
            related=tuple(f.get("related", ())), notes=f.get("notes", ""), key_event=f.get("key_event", ""),
            corrections=tuple(Correction(c["date"], c["note"]) for c in f.get("corrections", ()) if len(c) == 2),
            translations={lang: Translation(**t) for lang, t in f.get("translations", {}).items()
                          if {"title", "summary"} <= t.keys()},
        )


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    url: str = ""
    description: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        """The actor's name in each language that writes it differently."""
        return {lang: t["name"] for lang, t in sorted(self.translations.items()) if t.get("name")}


@dataclass(frozen=True)
class Tag:
    id: str
    label: str
    description: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def chronological(entries) -> list[Entry]:
    """Sort by the evidence's date (coarser precision first within a year), then by id."""
    return sorted(entries, key=lambda e: (e.date.sort_key(), e.id))


def newest_added(entries) -> list[Entry]:
    """Sort by ``added``, newest first, then by the evidence's date, newest first (undated last), then by id:
    the order of 'latest additions' and feeds."""
    def key(e):
        undated = e.date.bound == "undated"
        return (-e.added.toordinal(), undated, tuple(-x for x in e.date.sort_key()), e.id)
    return sorted(entries, key=key)


@dataclass
class Archive:
    """The whole validated log, with the indexes the pages need computed once."""

    entries: list[Entry]
    actors: dict[str, Actor]
    tags: dict[str, Tag]

    def __post_init__(self) -> None:
        self.entries = chronological(self.entries)

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    @cached_property
    def related(self) -> dict[str, tuple[str, ...]]:
        """Related ids both ways: a link written on one entry shows on the other too."""
        links: dict[str, set[str]] = {e.id: set(e.related) for e in self.entries}
        for e in self.entries:
            for other in e.related:
                links.setdefault(other, set()).add(e.id)
        order = {e.id: i for i, e in enumerate(self.entries)}
        return {k: tuple(sorted(v, key=lambda i: order.get(i, -1))) for k, v in links.items()}

    def _group(self, keys) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = {}
        for e in self.entries:
            for k in keys(e):
                groups.setdefault(k, []).append(e)
        return groups

    @cached_property
    def by_type(self) -> dict[str, list[Entry]]:
        return self._group(lambda e: (e.type,))

    @cached_property
    def by_actor(self) -> dict[str, list[Entry]]:
        return self._group(lambda e: e.all_actors)

    @cached_property
    def by_tag(self) -> dict[str, list[Entry]]:
        return self._group(lambda e: e.tags)

    @cached_property
    def by_year(self) -> dict[int, list[Entry]]:
        return self._group(lambda e: (e.date.filed_year,))

    @cached_property
    def latest(self) -> list[Entry]:
        return newest_added(self.entries)
