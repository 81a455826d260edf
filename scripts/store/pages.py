"""Entry pages of the last run that can stand: their inputs are unchanged and content/ still holds them.

An entry page is a function of the entry, the entries it relates to, the names of its actors and
tags, its images, the site settings and our code. The key is a digest of exactly those (the
settings and the code are the section's salt); when it matches the last run's and content/ still
holds the page it made (by the writer's manifest), the page is not rendered again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .section import open_section


class PageMemo:
    """Maps a page's path to [key of its inputs, SHA-256 of the page made from them]."""

    def __init__(self, cache: Path, salt: str, on_disk: Callable[[str, str], bool]):
        """``on_disk(path, digest)`` tells whether content/ holds the generated file ``path`` with that digest."""
        self._section = open_section(cache, "pages", salt)
        self.on_disk = on_disk
        self.fresh: dict[str, list] = {}

    def lookup(self, path: str, key: str) -> str | None:
        """The digest of the page content/ holds for ``path``, if it was made from inputs with this key."""
        digest = self._section.get(path, key)
        return digest if isinstance(digest, str) and self.on_disk(path, digest) else None

    def record(self, path: str, key: str, digest: str) -> None:
        """Note the page this run made for ``path`` from inputs with this key."""
        self.fresh[path] = [key, digest]

    def save(self) -> None:
        """Keep what this run made (called once the writer has written it)."""
        self._section.replace_all(self.fresh)
        self._section.save()
