"""Dates in the log: a date known to a year, month or day, and the specs that check dates as text."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from .spec import INT_TAG, INVALID, STR_TAG, Spec, scalar


@dataclass(frozen=True)
class PartialDate:
    """A date known to a year, a month or a day; precision is never invented.

    ``bound`` says what the sources give when it is not the date itself: "before" or "after" that
    date, or "undated" (no date at all; year, month and day are then 0).
    """

    year: int
    month: int = 0
    day: int = 0
    bound: str = ""  # "", "before", "after" or "undated"

    @property
    def precision(self) -> str:
        if self.bound == "undated":
            return "undated"
        return "day" if self.day else "month" if self.month else "year"

    def machine(self) -> str:
        """The date as ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD), for datetime attributes; '' when undated."""
        if self.bound == "undated":
            return ""
        return "-".join([f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p])

    def iso(self) -> str:
        """The date as the log writes it: '2016-01', 'before 2016', 'after 2016-10' or 'undated'."""
        if self.bound == "undated":
            return "undated"
        return f"{self.bound} {self.machine()}" if self.bound else self.machine()

    def sort_key(self) -> tuple[int, int, int, int]:
        """Chronological order: 'before X' just before X, 'after X' after everything within X, undated last."""
        if self.bound == "undated":
            return (10_000, 0, 0, 0)
        if self.bound == "after":
            return (self.year, self.month or 99, self.day or 99, 1)
        return (self.year, self.month, self.day, -1 if self.bound == "before" else 0)

    @property
    def filed_year(self) -> int:
        """The year whose timeline lists it: 'before 2016' under 2015; 0 for undated."""
        if self.bound == "undated":
            return 0
        return self.year - 1 if self.bound == "before" and not self.month else self.year

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso()


_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits: \d also matches ٢٠١٦
_BOUND = re.compile(r"(before|after) (.+)")


def _unreal(year: str, month: str | None, day: str | None, day_only: bool) -> str | None:
    """Why a date's parts name no real day (a hint, or '' when none helps), or None when the date is real.

    A month or day written as 00 is refused, not read as a coarser precision: '2016-00' is not '2016'.
    """
    coarser = "" if day_only else f"; write \"{'YYYY' if month == '00' else 'YYYY-MM'}\" if it is not known"
    if year == "0000":
        return "there is no year 0"
    if month is not None and not 1 <= int(month) <= 12:
        return "months run from 01 to 12" + coarser if month == "00" else ""
    if day is not None and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return "days start at 01" + coarser if day == "00" else ""
    return None


@dataclass
class DateStr(Spec):
    """A date written as text; ``day_only`` requires YYYY-MM-DD; ``not_future`` rejects dates after today."""

    day_only: bool = False
    bounded: bool = False  # also "before DATE", "after DATE" and "undated", for what sources leave open
    not_future: bool = False
    today: Callable[[], date] = date.today
    doc: str = ""

    def check(self, node, ctx, name):
        forms = '"YYYY-MM-DD"' if self.day_only else '"YYYY", "YYYY-MM" or "YYYY-MM-DD"'
        text = scalar(node, ctx, name, (STR_TAG, INT_TAG), f"a date written as {forms}")
        if text is None:
            return INVALID
        bound, bare = "", text
        if self.bounded and text == "undated":
            return PartialDate(0, 0, 0, "undated")
        if self.bounded and (b := _BOUND.fullmatch(text)):
            bound, bare = b.groups()
        m = _DATE.fullmatch(bare)
        if not m or (self.day_only and not m.group(3)):
            hint = ('or "before YYYY", "after YYYY-MM", "undated" when the sources give no date'
                    if self.bounded else "")
            ctx.error(node, f"'{name}' must be a date written as {forms} (got '{text}')", hint)
            return INVALID
        if (problem := _unreal(*m.groups(), self.day_only)) is not None:
            ctx.error(node, f"'{name}' is not a real date: '{text}'", problem)
            return INVALID
        y, mo, d = (int(g) if g else 0 for g in m.groups())
        value = PartialDate(y, mo, d, bound)
        if self.not_future and value.first_day() > self.today():
            ctx.error(node, f"'{name}' is in the future: '{text}'", "use today's date or an earlier one")
            return INVALID
        return value

    def json(self):
        # [0-9], not \d: Python's \d (jsonschema) also matches Arabic-Indic digits, ECMA-262's does not.
        if self.day_only:
            return {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
                    "patternErrorMessage": 'a date written as "YYYY-MM-DD", in quotes'}
        date = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
        if self.bounded:
            return {"type": "string", "pattern": rf"^(undated|((before|after) )?{date})$",
                    "patternErrorMessage": 'a date written as "YYYY", "YYYY-MM" or "YYYY-MM-DD", in quotes, at the '
                                           'precision the sources give; or "before …" or "after …" one of those, or '
                                           '"undated"'}
        return {"type": "string", "pattern": rf"^{date}$",
                "patternErrorMessage": 'a date written as "YYYY", "YYYY-MM" or "YYYY-MM-DD", in quotes, '
                                       "at the precision the sources give"}

    def describe(self):
        if self.doc:
            return self.doc
        if self.day_only:
            return 'date `"YYYY-MM-DD"`'
        if self.bounded:
            return ('date `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"`; or `"before …"`, `"after …"` one of those, '
                    'or `"undated"`')
        return 'date `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"`'


@dataclass
class DateTimeTz(Spec):
    doc: str = 'ISO 8601 date and time with a timezone, e.g. `"2016-02-28T12:30:00+01:00"`'

    def check(self, node, ctx, name):
        text = scalar(node, ctx, name, (STR_TAG,), "a date and time")
        if text is None:
            return INVALID
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is None or "T" not in text and " " not in text:
            ctx.error(node, f"'{name}' must be an ISO 8601 date and time (got '{text}')",
                      'e.g. "2016-02-28T12:30:00+01:00"')
            return INVALID
        if value.tzinfo is None:
            ctx.error(node, f"'{name}' has no timezone: '{text}'", "add Z or an offset such as +01:00")
            return INVALID
        return value

    def json(self):
        return {"type": "string",
                "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$",
                "patternErrorMessage": 'an ISO 8601 date and time with a timezone, e.g. "2016-02-28T12:30:00+01:00"'}
