"""What decoding each image found, by derivative key, and whether its derivative files are still whole.

A record is written by the worker that decoded the image (``KEY.json`` beside ``KEY.thumb.webp``
and ``KEY.display.webp`` in ``.cache/media/``), so an interrupted run keeps what it finished; the
section ``media`` gathers the records, so that a warm run reads one file and decodes nothing.
A record is trusted only when it names the source's SHA-256 it was made from (so a verdict on
whether the original may be published never comes from another file), and its files are present,
of the size it says and, unless unchanged since they were written (size, mtime, inode), of the
SHA-256 it says. Otherwise the image is decoded again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from .section import open_section

log = logging.getLogger(__name__)

RECORD_KEYS = {"source", "format", "width", "height", "size", "animated", "unsafe", "thumb", "display"}
FILES = ("thumb", "display")


def file_stamp(path: Path | os.DirEntry) -> list[int]:
    """What a file looked like: size, modification time (ns) and inode; a rewrite in place changes the time."""
    st = path.stat(follow_symlinks=False)
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class Derivatives:
    """Records of earlier runs, and the derivative files in the media folder."""

    def __init__(self, cache: Path, folder: Path):
        self.folder = folder
        self._section = open_section(cache, "media")
        try:
            self.stamps = {e.name: file_stamp(e) for e in os.scandir(folder) if e.is_file(follow_symlinks=False)}
        except OSError:
            self.stamps = {}

    def get(self, key: str, source: str) -> dict | None:
        """The record for ``key``, made from the source with SHA-256 ``source``, if its files are all whole."""
        record = self._section.get(key, key)
        if record is None and f"{key}.json" in self.stamps:
            try:
                record = json.loads((self.folder / f"{key}.json").read_bytes())
            except (OSError, ValueError):
                return None
            if isinstance(record, dict) and record.get("source") == source:
                self.put(key, record)
        if not isinstance(record, dict) or record.get("source") != source:
            return None
        if "problem" in record:
            return record if isinstance(record["problem"], str) and isinstance(record.get("hint", ""), str) else None
        if not (RECORD_KEYS <= record.keys() and _typed(record)):
            return None
        return record if all(self._whole(key, record, name) for name in FILES) else None

    def _whole(self, key: str, record: dict, name: str) -> bool:
        """Tell whether a derivative file is the one the record describes (hashing it only when it was touched)."""
        try:
            _, _, size, digest = record[name]
            seen = record.get("seen", {}).get(name)
        except (TypeError, ValueError, AttributeError):
            return False
        stamp = self.stamps.get(f"{key}.{name}.webp")
        if stamp is None or stamp[0] != size:
            return False
        if stamp == seen:
            return True
        try:
            with open(self.folder / f"{key}.{name}.webp", "rb") as f:
                ok = hashlib.file_digest(f, "sha256").hexdigest() == digest
        except OSError:
            return False
        if not ok:
            log.info("the cached %s of %s is damaged; making it again", name, key)
            return False
        record["seen"] = {**record.get("seen", {}), name: stamp}  # whole: no need to hash it next time
        self.put(key, record)
        return True

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
            and isinstance(record["animated"], bool) and isinstance(record["unsafe"], (str, type(None)))
            and all(isinstance(record[k], list) and len(record[k]) == 4 and all(map(count, record[k][:3]))
                    and isinstance(record[k][3], str) for k in ("thumb", "display")))
