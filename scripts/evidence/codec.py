"""Checked field values as plain JSON, so a file's check result can be stored and read back as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .dates import PartialDate

# Dates are the only values a check makes that JSON lacks; each becomes a one-key object.
_DATE, _DAY, _TIME = "$date", "$day", "$datetime"


def encode(value: Any) -> Any:
    """Turn checked field values into JSON values (dates as tagged objects)."""
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, PartialDate):
        return {_DATE: [value.year, value.month, value.day]}
    if isinstance(value, dt.datetime):
        return {_TIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DAY: value.isoformat()}
    return value


def decode(value: Any) -> Any:
    """Turn what ``encode`` made back into field values; raise ValueError or TypeError on anything else."""
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag == _DATE:
                year, month, day = inner
                return PartialDate(int(year), int(month), int(day))
            if tag == _TIME:
                return dt.datetime.fromisoformat(inner)
            if tag == _DAY:
                return dt.date.fromisoformat(inner)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value
