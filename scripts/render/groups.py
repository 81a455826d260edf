"""How listing pages group their entries: by month of the evidence, by day added, statements first."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from ..evidence.model import Entry
from .i18n import Lang


@dataclass
class Group:
    label: str
    anchor: str
    entries: list[Entry]


def year_url(year: int) -> str:
    return f"browse/timeline/{year or 'undated'}/"


def year_label(year: int, lang: Lang) -> str:
    return str(year) if year else lang.gettext("Undated")


def month_known_first(entries: list[Entry]) -> list[Entry]:
    """A year's entries with those whose month is not known after the dated ones (the order is otherwise kept)."""
    return sorted(entries, key=lambda e: not e.date.month and e.date.bound != "undated")


def by_month(chunk: list[Entry], lang: Lang) -> list[Group]:
    _ = lang.gettext
    groups = []
    for (bound, year, month), items in groupby(chunk, key=lambda e: (e.date.bound, e.date.year, e.date.month)):
        if bound == "undated":
            label, anchor = _("Date not known"), "undated"
        elif bound:
            when = lang.month_heading(year, month) if month else str(year)
            label = (_("Before %(date)s") if bound == "before" else _("After %(date)s")) % {"date": when}
            anchor = f"{bound}-{year}" + (f"-{month:02d}" if month else "")
        else:
            label = lang.month_heading(year, month) if month else _("%(year)s, month not given") % {"year": year}
            anchor = f"{year}-{month:02d}" if month else f"{year}-undated"
        groups.append(Group(label, anchor, list(items)))
    return groups


def by_added(chunk: list[Entry], lang: Lang) -> list[Group]:
    return [Group(lang.gettext("Added %(date)s") % {"date": lang.day(d)}, f"added-{d.isoformat()}", list(items))
            for d, items in groupby(chunk, key=lambda e: e.added)]


def statements_first(chunk: list[Entry], actor_id: str, lang: Lang) -> list[Group]:
    _ = lang.gettext
    said = [e for e in chunk if e.speaker == actor_id]
    other = [e for e in chunk if e.speaker != actor_id]
    if not said:
        return [Group(_("Entries"), "entries", other)]
    return [g for g in (Group(_("Statements"), "statements", said), Group(_("Other entries"), "other-entries", other))
            if g.entries]
