"""The drawn timeline: inline SVG made at build time (no script, no request), from timeline_data's Model.

Bars are the entries per month stacked by type (a colour and a pattern per type, and a legend), key events
are labelled markers, the period is shaded with its disputed start and end hatched; every mark is a link.
On a right-to-left site time runs from right to left, as the page and the table beside it read; the SVG is
drawn left to right and mirrored by computing every x from the other edge (no transform: text stays upright).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from html import escape

from babel.dates import format_date

from ..evidence.model import Entry
from ..evidence.schema import TYPE_LABELS
from .formatting import direction, link
from .groups import year_url
from .i18n import Lang
from .timeline_data import Model

W, PAD, BAR_H, ROW = 760, 12, 130, 20
CHAR = 6.9  # estimated width of a character at 13 px, to choose a label's side and wrap it
# Okabe–Ito colours (told apart with the common colour-vision deficiencies), and a pattern per type, so that no
# type is told by its colour alone.
STYLE = {"article": ("#0072b2", ""), "statement": ("#d55e00", "M0 6L6 0"), "legal": ("#cc79a7", "M0 6L6 0M0 0L6 6"),
         "petition": ("#009e73", "M2 2h1v1h-1z"), "report": ("#e69f00", "M0 3h6"), "screenshot": ("#56b4e9", "M3 0v6"),
         "social-post": ("#f0e442", "M0 0L6 6"), "video": ("#999999", "M0 3h6M3 0v6")}


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _n(x: float) -> str:
    """A coordinate as fixed text (the same bytes on every run and machine)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


class Drawing:
    """One language's drawing of a Model; ``here`` is the page's address, for relative links."""

    def __init__(self, model: Model, lang: Lang, here: str, rtl: bool):
        self.m, self.lang, self.here, self.rtl = model, lang, here, rtl
        self.mw = (W - 2 * PAD) / len(model.months)
        self.index = {m: i for i, m in enumerate(model.months)}
        self.parts: list[str] = []

    def x(self, pos: float) -> float:
        """Drawing x of a position in months from the first month's start, mirrored on right-to-left sites."""
        x = PAD + pos * self.mw
        return W - x if self.rtl else x

    def pos(self, d: dt.date, end: bool = False) -> float:
        """A day's position in months (its start, or its end), clamped to the months drawn."""
        first, last = self.m.months[0], self.m.months[-1]
        if (d.year, d.month) < first:
            return 0.0
        if (d.year, d.month) > last:
            return float(len(self.m.months))
        days = monthrange(d.year, d.month)[1]
        return self.index[(d.year, d.month)] + (d.day - (0 if end else 1)) / days

    def span(self, a: float, b: float) -> tuple[float, float]:
        """Left edge and width of the positions a..b."""
        xa, xb = self.x(a), self.x(b)
        return min(xa, xb), abs(xb - xa)

    def month_name(self, m: tuple[int, int], width: str = "LLL") -> str:
        """The month's stand-alone abbreviated name in the page's language (Babel, CLDR)."""
        return format_date(dt.date(m[0], m[1], 1), width, locale=self.lang.locale)

    # Pieces ------------------------------------------------------------------------------------

    def defs(self) -> str:
        """The fill patterns: one per type drawn, and the hatching of the disputed dates."""
        pats = []
        for t in self.m.types:
            colour, path = STYLE.get(t, ("#777777", ""))
            lines = f'<path d="{path}" stroke="#fff" stroke-width="1.2" opacity=".75"/>' if path else ""
            pats.append(f'<pattern id="ea-tl-{t}" width="6" height="6" patternUnits="userSpaceOnUse">'
                        f'<rect width="6" height="6" fill="{colour}"/>{lines}</pattern>')
        pats.append('<pattern id="ea-tl-disputed" width="8" height="8" patternUnits="userSpaceOnUse">'
                    '<rect width="8" height="8" fill="#00695c" opacity=".06"/>'
                    '<path d="M0 8L8 0" stroke="#00695c" stroke-width="1.5" opacity=".6"/></pattern>')
        return "<defs>" + "".join(pats) + "</defs>"

    def legend(self, y: float) -> float:
        """The types' swatches and names in rows from the start edge; returns the y below them."""
        pos, out = 0.0, []
        for t in self.m.types:
            label = self.lang.gettext(TYPE_LABELS[t][1])
            width = 18 + len(label) * CHAR + 14
            if pos and pos + width > W - 2 * PAD:
                pos, y = 0.0, y + 18
            sx = W - PAD - pos - 12 if self.rtl else PAD + pos
            tx = sx - 5 if self.rtl else sx + 17
            out.append(f'<rect x="{_n(sx)}" y="{_n(y)}" width="12" height="12" fill="url(#ea-tl-{t})" stroke="#333" '
                       f'stroke-width=".5"/><text x="{_n(tx)}" y="{_n(y + 10)}" text-anchor="start">{escape(label)}</text>')
            pos += width
        self.parts.append('<g class="ea-tl-legend">' + "".join(out) + "</g>")
        return y + 24

    def period(self, top: float, base: float) -> None:
        """The shaded period between ``top`` and ``base``, its disputed start and end hatched and linked."""
        p = self.m.period
        if not p:
            return
        _ = self.lang.gettext
        label = p.label.get(self.lang.code, next(iter(p.label.values()))) + " " + _("(start and end disputed: hatched)")
        a, b = self.pos(p.start.first), self.pos(p.start.last, end=True)
        c, d = self.pos(p.end.first), self.pos(p.end.last, end=True)
        x, w = self.span(b, c)
        out = [f'<rect class="ea-tl-period" x="{_n(x)}" y="{_n(top)}" width="{_n(w)}" height="{_n(base - top)}" '
               f'fill="#00695c" opacity=".1"/>',
               f'<text class="ea-tl-period-label" x="{_n(x + w / 2)}" y="{_n(top + 12)}" text-anchor="middle">'
               f'{escape(label)}</text>']
        for (lo, hi), r, e, msg in (((a, b), p.start, self.m.period_entries[0], _("Start disputed: the sources give %(from)s to %(to)s")),
                                    ((c, d), p.end, self.m.period_entries[1], _("End disputed: the sources give %(from)s to %(to)s"))):
            zx, zw = self.span(lo, hi)
            if zw < 6:  # a few days: still wide enough to see and to point at
                zx, zw = zx + zw / 2 - 3, 6.0
            title = msg % {"from": self.lang.day(r.first), "to": self.lang.day(r.last)}
            href = link(self.here, e.url) if e else ""
            out.append(f'<a href="{_attr(href)}"><title>{escape(title)}</title><rect class="ea-tl-disputed ea-tl-hit" '
                       f'x="{_n(zx)}" y="{_n(top)}" width="{_n(zw)}" height="{_n(base - top)}" fill="url(#ea-tl-disputed)" '
                       f'stroke="#00695c" stroke-dasharray="3 2"/></a>')
        self.parts.append('<g class="ea-tl-band">' + "".join(out) + "</g>")

    def bars(self, top: float, base: float) -> None:
        """A stacked bar per month with entries (a link to the month on its year page), and the month names."""
        peak = max((self.m.total(m) for m in self.m.months), default=0) or 1
        unit = (base - top - 30) / peak
        out = []
        for i, month in enumerate(self.m.months):
            total = self.m.total(month)
            bx, bw = self.span(i + .15, i + .85)
            if total:
                parts = [f"{self.lang.number(n)} {self.lang.gettext(TYPE_LABELS[t][1]).lower()}"
                         for t in self.m.types if (n := self.m.counts[month].get(t))]
                title = self.lang.ngettext("%(month)s: %(num)s entry", "%(month)s: %(num)s entries", total) % {
                    "month": self.lang.month_heading(*month), "num": self.lang.number(total)} + " (" + ", ".join(parts) + ")"
                href = link(self.here, year_url(month[0])) + f"#{month[0]}-{month[1]:02d}"
                y, segs = base, []
                for t in self.m.types:
                    if n := self.m.counts[month].get(t):
                        segs.append(f'<rect x="{_n(bx)}" y="{_n(y - n * unit)}" width="{_n(bw)}" height="{_n(n * unit)}" '
                                    f'fill="url(#ea-tl-{t})" stroke="#fff" stroke-width=".6"/>')
                        y -= n * unit
                hx, hw = self.span(i, i + 1)
                out.append(f'<a href="{_attr(href)}" class="ea-tl-bar"><title>{escape(title)}</title>'
                           f'<rect class="ea-tl-hit" x="{_n(hx)}" y="{_n(top)}" width="{_n(hw)}" height="{_n(base - top)}" '
                           f'fill="transparent"/>{"".join(segs)}<text x="{_n(bx + bw / 2)}" y="{_n(y - 4)}" '
                           f'text-anchor="middle" class="ea-tl-count">{escape(self.lang.number(total))}</text></a>')
            cx = self.x(i + .5)
            out.append(f'<text x="{_n(cx)}" y="{_n(base + 15)}" text-anchor="middle" class="ea-tl-month">'
                       f'{escape(self.month_name(month))}</text>')
            if i == 0 or month[1] == 1:
                out.append(f'<text x="{_n(cx)}" y="{_n(base + 29)}" text-anchor="middle" class="ea-tl-year">{month[0]}</text>')
        out.append(f'<line x1="{PAD}" x2="{W - PAD}" y1="{_n(base)}" y2="{_n(base)}" stroke="#555"/>')
        self.parts.append('<g class="ea-tl-bars">' + "".join(out) + "</g>")

    def event_pos(self, e: Entry) -> float:
        """A key event's position: the middle of its day, or of its month when the day is not known."""
        d = e.date
        if d.day:
            return self.pos(dt.date(d.year, d.month, d.day)) + .5 / monthrange(d.year, d.month)[1]
        return self.index[(d.year, d.month)] + .5

    def events(self, base: float, top: float) -> float:
        """One row per key event under the months: a marker at its date and its label; returns the y below."""
        y, out = top, []
        for e in self.m.key_events:
            label, english = self.label(e)
            x = self.x(self.event_pos(e))
            right = x <= W / 2
            room = (W - PAD - x - 10) if right else (x - 10 - PAD)
            lines = _wrap(label, max(12, int(room / CHAR)))
            text_rtl = self.rtl and not english  # an English label on the Arabic site reads left to right
            anchor = "start" if right != text_rtl else "end"
            tx = x + 10 if right else x - 10
            spans = "".join(f'<tspan x="{_n(tx)}" dy="{0 if k == 0 else 14}">{escape(t)}</tspan>'
                            for k, t in enumerate(lines))
            marks = ' lang="en" direction="ltr"' if english else ""
            title = f"{self.lang.date(e.date, e.date_approximate)}: {label}"
            out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(base)}" y2="{_n(y - 4)}" stroke="#bbb" '
                       f'stroke-dasharray="2 2"/><a href="{_attr(link(self.here, e.url))}" class="ea-tl-event">'
                       f'<title>{escape(title)}</title><rect class="ea-tl-hit" x="{PAD}" y="{_n(y - 11)}" '
                       f'width="{W - 2 * PAD}" height="{_n(ROW + 14 * (len(lines) - 1) - 2)}" fill="transparent"/>'
                       f'<path d="M{_n(x)} {_n(y - 9)}l6 6-6 6-6-6z" fill="#004d40"/>'
                       f'<text x="{_n(tx)}" y="{_n(y + 1)}" text-anchor="{anchor}"{marks}>{spans}</text></a>')
            y += ROW + 14 * (len(lines) - 1)
        self.parts.append('<g class="ea-tl-events">' + "".join(out) + "</g>")
        return y

    def label(self, e: Entry) -> tuple[str, bool]:
        """The key event's label in the page's language, or the English one marked as such (and True)."""
        if self.lang.code == "en":
            return e.key_event.strip(), False
        tr = e.translations.get(self.lang.code)
        if tr and tr.key_event:
            return tr.key_event.strip(), False
        return f"{e.key_event.strip()} {self.lang.gettext('(in English)')}", True

    def svg(self, title: str, desc: str) -> str:
        """The whole drawing."""
        y = self.legend(6)
        top, base = y + 4, y + 4 + BAR_H
        self.period(top, base)
        self.bars(top + 16 if self.m.period else top, base)
        bottom = self.events(base, base + 52)
        body = "".join(self.parts)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ea-tl-svg" viewBox="0 0 {W} {_n(bottom)}" '
                f'width="{W}" height="{_n(bottom)}" direction="{"rtl" if self.rtl else "ltr"}" font-size="13" '
                f'aria-labelledby="ea-tl-title ea-tl-desc"><title id="ea-tl-title">{escape(title)}</title>'
                f'<desc id="ea-tl-desc">{escape(desc)}</desc>{self.defs()}{body}</svg>')


def _wrap(text: str, width: int) -> list[str]:
    """Words in lines of at most ``width`` characters (a longer word gets its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _texts(model: Model, lang: Lang) -> tuple[str, str, str]:
    """The chart's title, its description and the sentence on the shaded period ('' without one)."""
    _ = lang.gettext
    first, last = model.months[0], model.months[-1]
    title = _("Timeline: entries per month, %(first)s – %(last)s") % {
        "first": lang.month_heading(*first), "last": lang.month_heading(*last)}
    desc = _("Bars: the entries of each month, stacked by type of evidence (a colour and a pattern each, see the "
             "legend), with their number above. Diamonds: the key events, each a link to its entry.")
    period = ""
    if p := model.period:
        period = _("Shaded: %(label)s, from a start that the sources place between %(s1)s and %(s2)s to an end "
                   "they place between %(e1)s and %(e2)s (the hatched parts).") % {
            "label": p.label.get(lang.code, ""), "s1": lang.day(p.start.first), "s2": lang.day(p.start.last),
            "e1": lang.day(p.end.first), "e2": lang.day(p.end.last)}
    return title, desc, period


def figure(model: Model, lang: Lang, here: str, env) -> str:
    """The figure: the SVG in a scrollable frame, its caption, the same data as a table, the entries not drawn."""
    rtl = direction(lang.code) == "rtl"
    title, desc, period = _texts(model, lang)
    svg = Drawing(model, lang, here, rtl).svg(title, " ".join(x for x in (desc, period) if x))
    rows = [{"label": lang.month_heading(*m), "anchor": link(here, year_url(m[0])) + f"#{m[0]}-{m[1]:02d}",
             "total": model.total(m), "counts": [model.counts[m].get(t, 0) for t in model.types],
             } for m in model.months]
    return env.get_template("_timeline.html.j2").render(
        svg=svg, title=title, period=period, rows=rows, types=[lang.gettext(TYPE_LABELS[t][1]) for t in model.types],
        here=here, key_events=model.key_events,
        not_drawn=[(year_url(y), y, n) for y, n in sorted(model.not_drawn.items(), key=lambda x: x[0] or 10_000)])
