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
    """A date known to a year, a month or a day; precision is never invented."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day)

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso()


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass
class DateStr(Spec):
    """A date written as text; ``day_only`` requires YYYY-MM-DD; ``not_future`` rejects dates after today."""

    day_only: bool = False
    not_future: bool = False
    today: Callable[[], date] = date.today
    doc: str = ""

    def check(self, node, ctx, name):
        forms = '"YYYY-MM-DD"' if self.day_only else '"YYYY", "YYYY-MM" or "YYYY-MM-DD"'
        text = scalar(node, ctx, name, (STR_TAG, INT_TAG), f"a date written as {forms}")
        if text is None:
            return INVALID
        m = _DATE.fullmatch(text)
        if not m or (self.day_only and not m.group(3)):
            ctx.error(node, f"'{name}' must be a date written as {forms} (got '{text}')")
            return INVALID
        y, mo, d = (int(g) if g else 0 for g in m.groups())
        if mo and not 1 <= mo <= 12 or d and not 1 <= d <= calendar.monthrange(y, mo)[1]:
            ctx.error(node, f"'{name}' is not a real date: '{text}'")
            return INVALID
        value = PartialDate(y, mo, d)
        if self.not_future and value.first_day() > self.today():
            ctx.error(node, f"'{name}' is in the future: '{text}'", "use today's date or an earlier one")
            return INVALID
        return value

    def json(self):
        # [0-9], not \d: Python's \d (jsonschema) also matches Arabic-Indic digits, ECMA-262's does not.
        if self.day_only:
            return {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
                    "patternErrorMessage": 'a date written as "YYYY-MM-DD", in quotes'}
        return {"type": "string", "pattern": r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
                "patternErrorMessage": 'a date written as "YYYY", "YYYY-MM" or "YYYY-MM-DD", in quotes, '
                                       "at the precision the sources give"}

    def describe(self):
        return self.doc or ('date `"YYYY-MM-DD"`' if self.day_only else 'date `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"`')


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
