"""Generated files of the last run that can stand: their inputs are unchanged and content/ still holds them.

An entry page is a function of the entry, the entries it relates to, the names of its actors and
tags, its images, the site settings and our code. The key is a digest of exactly those (the
settings and the code are the section's salt); when it matches the last run's and content/ still
holds the page it made (by the writer's manifest), the page is not rendered again. List pages
(keyed by what their lines show), feeds (by their items) and each entry's data files (by the
entry's digest) are kept the same way, so that one edit renders only what shows the entry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .section import open_section

if TYPE_CHECKING:
    from ..publish.output import Output


class PageMemo:
    """Maps a page's path to [key of its inputs, SHA-256 of the page made from them]."""

    def __init__(self, cache: Path, salt: str, on_disk: Callable[[str, str], bool], content: Path | None = None):
        """``on_disk(path, digest)`` tells whether content/ holds the generated file ``path`` with that digest;
        ``content``: that folder, for ``stored``."""
        self._section = open_section(cache, "pages", salt, resident=True)
        self.salt = salt  # what all its keys share: our code and the settings
        self.on_disk, self.content = on_disk, content
        self.fresh: dict[str, list] = {}

    def stored(self, path: str, key: str) -> Output | None:
        """The file content/ holds for ``path``, with its bytes, if they are what the last run made from inputs
        with this key (read and checked against the recorded digest; recorded for this run too)."""
        from ..publish.output import Output  # here: publish/ imports the store

        digest = self.lookup(path, key)
        if not digest or self.content is None:
            return None
        try:
            data = (self.content / path).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            return None
        self.record(path, key, digest)
        return Output(path, data, known=digest)

    def lookup(self, path: str, key: str) -> str | None:
        """The digest of the page content/ holds for ``path``, if it was made from inputs with this key."""
        digest = self._section.get(path, key)
        return digest if isinstance(digest, str) and self.on_disk(path, digest) else None

    def record(self, path: str, key: str, digest: str) -> None:
        """Note the page this run made for ``path`` from inputs with this key."""
        self.fresh[path] = [key, digest]

    def save(self, ours: Callable[[str], bool] = lambda path: True) -> None:
        """Keep what this run made (called once the writer has written it), and the records of the paths a run
        of some languages does not make (not ``ours``): the other languages' files are still there."""
        kept = {path: v for path, v in self._section.items.items() if not ours(path)}
        self._section.replace_all({**kept, **self.fresh})
        self._section.save()

    def output(self, path: str, key: str, make: Callable[[], bytes]) -> Output:
        """The file at ``path``: known from the last run if its key matches, else made now; recorded either way."""
        from ..publish.output import Output

        digest = self.lookup(path, key)
        out = Output(path, known=digest) if digest else Output(path, make())
        self.record(path, key, out.digest())
        return out


def output(memo: PageMemo | None, path: str, key: Callable[[], str], make: Callable[[], bytes]) -> Output:
    """``memo.output`` when there is a memo; else the file made now (its key is not even computed)."""
    from ..publish.output import Output

    return memo.output(path, key(), make) if memo else Output(path, make())
