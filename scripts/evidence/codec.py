"""An entry as a plain JSON row, so a file's check result can be stored and read back as it was.

A row lists the entry's fields in the order Entry declares them, with dates as [year, month, day, bound]
(``added`` as a day number) and nested records as lists. Rows are read back without a generic
walk: at 10,000 entries the store is read on every run, and this is what that costs. The store's
salt holds the code's digest, so a row written by other code is never read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .dates import PartialDate
from .model import Correction, Entry, MediaItem, Quote, Signatures, Source, Translation


def _day(d: PartialDate) -> list:
    return [d.year, d.month, d.day, d.bound]


def entry_row(e: Entry) -> list[Any]:
    """The entry as a JSON-serialisable list (``path`` is left out: the store keys rows by path)."""
    return [
        e.id, e.type, e.title, _day(e.date), e.added.toordinal(), e.summary, e.language, e.date_approximate,
        e.title_original, [e.quote.text, e.quote.lang, e.quote.translation] if e.quote else None,
        [e.source.url, e.source.publisher, e.source.author, e.source.archive_url], e.speaker,
        [e.signatures.count, _day(e.signatures.as_of), e.signatures.qualifier] if e.signatures else None,
        list(e.actors), list(e.tags),
        [[m.file, m.sha256, m.alt, m.caption, m.captured.isoformat() if m.captured else None, m.credit,
          m.publish_original] for m in e.media],
        list(e.related), e.notes, e.key_event, [[_day(c.date), c.note] for c in e.corrections],
        {lang: [t.title, t.summary, t.notes, t.quote, t.key_event] for lang, t in e.translations.items()},
    ]


def entry_from_row(row: list[Any], path: str) -> Entry:
    """Rebuild the entry ``entry_row`` made; raise (ValueError, TypeError) when the row is malformed."""
    (id_, type_, title, date, added, summary, language, approximate, title_original, quote, source, speaker,
     signatures, actors, tags, media, related, notes, key_event, corrections, translations) = row
    return Entry(
        id=id_, path=path, type=type_, title=title, date=PartialDate(*date), added=dt.date.fromordinal(added),
        summary=summary, language=language, date_approximate=approximate, title_original=title_original,
        quote=Quote(*quote) if quote else None, source=Source(*source), speaker=speaker,
        signatures=Signatures(signatures[0], PartialDate(*signatures[1]), signatures[2]) if signatures else None,
        actors=tuple(actors), tags=tuple(tags),
        media=tuple(MediaItem(f, s, a, c, dt.datetime.fromisoformat(cap) if cap else None, cr, p)
                    for f, s, a, c, cap, cr, p in media),
        related=tuple(related), notes=notes, key_event=key_event,
        corrections=tuple(Correction(PartialDate(*d), n) for d, n in corrections),
        translations={lang: Translation(*t) for lang, t in translations.items()},
    )
