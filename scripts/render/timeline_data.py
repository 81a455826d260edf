"""What the drawn timeline shows: its months, the entries per month and type, the key events, the shaded period.

Nothing about this archive is written here: the months and the period come from ``extra.archive.timeline``
in mkdocs.yml (checked by ``settings``), the rest from the log.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from ..evidence.model import Archive, Entry
from ..evidence.problems import BuildError
from ..evidence.schema import TYPE_LABELS

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
DEFAULT_SPAN = 24  # months drawn when mkdocs.yml names none: the last two years of the key events or entries
WHERE = "mkdocs.yml: extra.archive.timeline"


@dataclass(frozen=True)
class Range:
    """A disputed date: the earliest and the latest day the sources give, and the entry that discusses them."""

    first: dt.date
    last: dt.date
    entry: str


@dataclass(frozen=True)
class Period:
    """The shaded period: its label per language, its disputed start and end."""

    label: dict[str, str]
    start: Range
    end: Range


@dataclass(frozen=True)
class Settings:
    """``extra.archive.timeline``: the first and last month drawn (or None: chosen from the log), the period."""

    first: tuple[int, int] | None = None
    last: tuple[int, int] | None = None
    period: Period | None = None


def _fail(path: str, message: str, hint: str) -> BuildError:
    return BuildError(f"{WHERE}{path}: {message} ({hint})")


def _month(value, path: str) -> tuple[int, int]:
    m = _MONTH.fullmatch(str(value)) if isinstance(value, str) else None
    if not m or not 1 <= int(m[2]) <= 12:
        raise _fail(path, f"{value!r} is not a month", 'write it as "YYYY-MM", e.g. "2024-03", in quotes')
    return int(m[1]), int(m[2])


def _day(value, path: str, last: bool) -> dt.date:
    """A day or a month ('2024-03' is its first day, or its last when ``last``)."""
    if isinstance(value, str) and (m := _DAY.fullmatch(value)):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    year, month = _month(value, path)
    return dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1)


def _range(raw, path: str) -> Range:
    if not isinstance(raw, dict) or set(raw) != {"from", "to", "entry"} or not isinstance(raw["entry"], str):
        raise _fail(path, "must be a mapping of from, to and entry",
                    'e.g. {from: "2024-03", to: "2024-04-15", entry: <the id of the entry that discusses it>}')
    first, last = _day(raw["from"], path + ".from", False), _day(raw["to"], path + ".to", True)
    if last < first:
        raise _fail(path, "'to' is before 'from'", "from is the earliest date the sources give, to the latest")
    return Range(first, last, raw["entry"])


def _period(raw, languages: tuple[str, ...]) -> Period | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"label", "start", "end"}:
        raise _fail(".period", "must be a mapping of label, start and end", "see the comment above it in mkdocs.yml")
    label = raw["label"]
    if not isinstance(label, dict) or any(not isinstance(label.get(x), str) or not label[x].strip() for x in languages):
        raise _fail(".period.label", "needs a text in every language of the site",
                    "e.g. {" + ", ".join(f"{x}: …" for x in languages) + "}")
    start, end = _range(raw["start"], ".period.start"), _range(raw["end"], ".period.end")
    if end.first < start.last:
        raise _fail(".period", "the end's earliest date is before the start's latest", "check the two ranges")
    return Period({x: label[x].strip() for x in languages}, start, end)


def settings(raw, languages: tuple[str, ...]) -> Settings:
    """Check ``extra.archive.timeline`` (None when absent); raise BuildError naming the setting at fault."""
    if raw is None:
        return Settings()
    if not isinstance(raw, dict) or not set(raw) <= {"from", "to", "period"}:
        raise _fail("", "must be a mapping of from, to and period", "each is optional; see the comment in mkdocs.yml")
    first = _month(raw["from"], ".from") if "from" in raw else None
    last = _month(raw["to"], ".to") if "to" in raw else None
    if first and last and last < first:
        raise _fail(".to", "is before 'from'", "from is the first month drawn, to the last")
    return Settings(first, last, _period(raw.get("period"), languages))


def _placed(e: Entry) -> tuple[int, int] | None:
    """The month an entry is drawn in: only an exact date known at least to the month."""
    return (e.date.year, e.date.month) if e.date.month and not e.date.bound else None


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every month from ``first`` to ``last``, both included."""
    return [(n // 12, n % 12 + 1) for n in range(first[0] * 12 + first[1] - 1, last[0] * 12 + last[1])]


def _default_months(archive: Archive) -> tuple[tuple[int, int], tuple[int, int]] | None:
    keyed = sorted(m for e in archive.entries if e.key_event and (m := _placed(e)))
    placed = keyed or sorted(m for e in archive.entries if (m := _placed(e)))
    if not placed:
        return None
    first, last = placed[0], placed[-1]
    if (last[0] - first[0]) * 12 + last[1] - first[1] >= DEFAULT_SPAN:
        n = last[0] * 12 + last[1] - DEFAULT_SPAN
        first = (n // 12, n % 12 + 1)
    return first, last


@dataclass
class Model:
    """The timeline's data: the chart and its table are both drawn from this, so they cannot disagree."""

    months: list[tuple[int, int]]
    counts: dict[tuple[int, int], dict[str, int]]  # month → type → entries
    types: list[str]  # the types drawn, in TYPE_LABELS order
    key_events: list[Entry]
    not_drawn: dict[int, int] = field(default_factory=dict)  # year (0 undated) → entries outside the chart
    period: Period | None = None
    period_entries: tuple[Entry | None, Entry | None] = (None, None)

    def total(self, month: tuple[int, int]) -> int:
        return sum(self.counts[month].values())


def build(archive: Archive, s: Settings) -> Model | None:
    """The timeline of ``archive`` (None when no entry has a month); raise BuildError for an unknown entry id."""
    default = _default_months(archive)
    if default is None:
        return None
    months = months_between(s.first or default[0], s.last or default[1])
    counts = {m: {} for m in months}
    model = Model(months, counts, [], [], period=s.period)
    for e in archive.entries:
        m = _placed(e)
        if m in counts:
            counts[m][e.type] = counts[m].get(e.type, 0) + 1
            if e.key_event:
                model.key_events.append(e)
        else:
            model.not_drawn[e.date.filed_year] = model.not_drawn.get(e.date.filed_year, 0) + 1
    model.types = [t for t in TYPE_LABELS if any(t in c for c in counts.values())]
    model.key_events.sort(key=lambda e: (e.date.sort_key(), e.id))
    if s.period:
        model.period_entries = tuple(_entry(archive, r.entry, where) for r, where in
                                     ((s.period.start, ".period.start.entry"), (s.period.end, ".period.end.entry")))
    return model


def _entry(archive: Archive, ident: str, path: str) -> Entry:
    if ident not in archive.by_id:
        raise _fail(path, f"no entry has the id '{ident}'", "an entry's id is its file name under evidence/entries/")
    return archive.by_id[ident]
