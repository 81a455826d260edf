"""What decoding each image found, by derivative key, and whether its derivative files are still there.

A record is written by the worker that decoded the image (``KEY.json`` beside ``KEY.thumb.webp``
and ``KEY.display.webp`` in ``.cache/media/``), so an interrupted run keeps what it finished; the
section ``media`` gathers the records, so that a warm run reads one file and decodes nothing.
A record is trusted only with its files present and of the size it says (else the image is decoded again).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .section import open_section

RECORD_KEYS = {"format", "width", "height", "size", "animated", "has_location", "thumb", "display"}


class Derivatives:
    """Records of earlier runs, and the derivative files in the media folder."""

    def __init__(self, cache: Path, folder: Path):
        self.folder = folder
        self._section = open_section(cache, "media")
        try:
            self.sizes = {e.name: e.stat().st_size for e in os.scandir(folder) if e.is_file(follow_symlinks=False)}
        except OSError:
            self.sizes = {}

    def get(self, key: str) -> dict | None:
        """The record for ``key`` if it and the files it names are all present and whole."""
        record = self._section.get(key, key)
        if record is None and f"{key}.json" in self.sizes:
            try:
                record = json.loads((self.folder / f"{key}.json").read_bytes())
            except (OSError, ValueError):
                return None
            if isinstance(record, dict):
                self.put(key, record)
        if not isinstance(record, dict):
            return None
        if "problem" in record:
            return record if isinstance(record["problem"], str) and isinstance(record.get("hint", ""), str) else None
        return record if RECORD_KEYS <= record.keys() and _typed(record) and self._files_whole(key, record) else None

    def _files_whole(self, key: str, record: dict) -> bool:
        try:
            return all(self.sizes.get(f"{key}.{name}.webp") == int(record[name][2]) for name in ("thumb", "display"))
        except (TypeError, ValueError, IndexError, KeyError):
            return False

    def put(self, key: str, record: dict) -> None:
        """Keep the record of a decoded image."""
        self._section.put(key, key, record)

    def save(self) -> bool:
        """Write the records; True if written (False also when nothing changed or the write failed)."""
        return self._section.save()


def _typed(record: dict) -> bool:
    """True if every field of a stored record has the type the decoder writes (a forged one could crash a page)."""
    from ..media.inspect import MIME  # here: the media package imports the store
    def count(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0
    return (isinstance(record["format"], str) and record["format"] in MIME
            and all(count(record[k]) for k in ("width", "height", "size"))
            and isinstance(record["animated"], bool) and isinstance(record["has_location"], bool)
            and all(isinstance(record[k], list) and len(record[k]) == 3 and all(map(count, record[k]))
                    for k in ("thumb", "display")))
