"""SHA-256 of media files, reused while a file's state proves it unchanged, so warm checks read no image."""

from __future__ import annotations

from pathlib import Path

from .section import open_section
from .files import file_state, sha256_file
from .section import key


class Hashes:
    """Maps a media file's path to its SHA-256 under the key of its state (size, mtime, ctime, inode).

    ``items`` is the section's plain dict, so a forked worker can take a copy and hand back ``fresh()``.
    """

    def __init__(self, cache: Path | None, start: dict[str, list] | None = None):
        """Read the stored hashes from ``cache``, or start from a copy of ``start`` (a worker's view)."""
        self._section = open_section(cache, "hashes") if cache is not None else None
        self.items: dict[str, list] = dict(self._section.items if self._section else start or {})
        self._known = dict(self.items)

    def sha256(self, path: Path) -> str:
        """The file's SHA-256: stored when its state is unchanged, else computed now."""
        state = key(file_state(path))
        hit = self.items.get(str(path))
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == state and isinstance(hit[1], str):
            return hit[1]
        digest = sha256_file(path)
        self.items[str(path)] = [state, digest]
        return digest

    def fresh(self) -> dict[str, list]:
        """The hashes computed since this object was made (what a worker sends back)."""
        return {k: v for k, v in self.items.items() if self._known.get(k) != v}

    def add(self, items: dict[str, list]) -> None:
        """Take hashes a worker computed."""
        self.items.update(items)

    def save(self) -> None:
        """Keep the new hashes for the next run (a failure only costs that run time)."""
        if self._section is not None and self.fresh():
            self._section.replace_all(dict(self.items))
            self._section.save()
            self._known = dict(self.items)
