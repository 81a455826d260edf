"""Long lists narrowed by type and by year: one generated page per type × year that has entries.

Pages, not a filter script: they work without JavaScript, each narrowed list has an address a reader
can cite and a table of contents of its months, and a list split into pages of PAGE_SIZE could not be
filtered in place anyway (the script would see one page of it). Only combinations with entries get a
page (no empty lists); the type pages link their years, the year pages their types, and a narrowed
page both, with the current choice marked.
"""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup

from ..evidence.model import Entry
from ..evidence.schema import TYPE_LABELS
from ..publish.output import Output
from .formatting import type_url
from .groups import by_month, month_known_first, year_label, year_url

YEAR_NAV, TYPE_NAV = "ea-narrow-year", "ea-narrow-type"


def url(type_: str, year: int) -> str:
    """The address of one type's entries in one year (0: undated)."""
    return f"{type_url(type_)}{year or 'undated'}/"


def combinations(archive) -> dict[tuple[str, int], list[Entry]]:
    """(type, year) → its entries in the year pages' order, for the combinations that have entries."""
    out = {}
    for year in sorted(archive.by_year, key=lambda y: y or 10_000):  # undated last, as on the timeline
        ordered = sorted(month_known_first(archive.by_year[year]), key=lambda e: e.type)  # stable: order kept
        for type_, items in groupby(ordered, key=lambda e: e.type):
            out[(type_, year)] = list(items)
    return out


class Narrow:
    """The narrowing links and pages of one language's site (r: a pages.Renderer)."""

    def __init__(self, r):
        self.r, self._ = r, r.lang.gettext
        self.combos = combinations(r.archive)
        self._macro = r.env.get_template("narrow.html.j2").module.narrow

    def _plural(self, type_: str) -> str:
        return self._(TYPE_LABELS[type_][1])

    def years(self, type_: str, here: str, current: int | None = None) -> Markup:
        """'Narrow by year:' links of one type's list; ``current``: the year shown (None: all years)."""
        items = [(y, year_label(y, self.r.lang), url(t, y), len(v)) for (t, y), v in self.combos.items() if t == type_]
        return self._macro(YEAR_NAV, self._("Narrow by year:"), self._("All years"), type_url(type_), items,
                           "" if current is None else current, here)

    def types(self, year: int, here: str, current: str | None = None) -> Markup:
        """'Narrow by type:' links of one year's list; ``current``: the type shown (None: all types)."""
        items = sorted(((t, self._plural(t), url(t, y), len(v)) for (t, y), v in self.combos.items() if y == year),
                       key=lambda x: list(TYPE_LABELS).index(x[0]))
        return self._macro(TYPE_NAV, self._("Narrow by type:"), self._("All types"), year_url(year), items,
                           "" if current is None else current, here)

    def pages(self) -> list[Output]:
        """One listing per (type, year) that has entries, grouped by month like the year pages."""
        out = []
        for (t, y), entries in self.combos.items():
            heading = self._("%(type)s: %(year)s") % {"type": self._plural(t), "year": year_label(y, self.r.lang)}
            out += self.r.listing(url(t, y), heading, entries, grouper=lambda c: by_month(c, self.r.lang),
                                  intro_html=lambda here, t=t, y=y: self.years(t, here, y) + self.types(y, here, t))
        return out
