"""What one long-lived process keeps in memory between its generation runs (the preview runs one per edit).

Each kept value is used again only where it is provably what a fresh run would compute: a section whose file
has not changed since it was read or saved, a check result rebuilt from the very same stored value, a digest, key
or reference of the very same entry object (entries are never changed once made). A new process (a build's
generation) starts with nothing kept; ``forget()`` makes this one start so too.
"""

from __future__ import annotations

_KEPT: list[dict] = []


def kept() -> dict:
    """A new dict of kept values, emptied by ``forget()``."""
    values: dict = {}
    _KEPT.append(values)
    return values


def forget() -> None:
    """Drop everything kept: the next run computes it all as a new process would."""
    for values in _KEPT:
        values.clear()
