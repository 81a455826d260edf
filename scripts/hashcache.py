"""SHA-256 of media files, cached by size and modification time so warm checks read nothing."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from . import atomic

log = logging.getLogger(__name__)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class HashCache:
    """Maps a file to its SHA-256, trusting the cache only while size and mtime are unchanged."""

    def __init__(self, path: Path | None):
        self.path = path
        self.data: dict[str, list] = {}
        self.dirty = False
        if path and path.is_file():
            try:
                self.data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                log.debug("ignoring unreadable hash cache %s", path)

    def sha256(self, file: Path) -> str:
        st = file.stat()
        key = str(file)
        hit = self.data.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        digest = sha256_file(file)
        self.data[key] = [st.st_size, st.st_mtime_ns, digest]
        self.dirty = True
        return digest

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        try:
            atomic.replace(self.path, json.dumps(self.data, sort_keys=True).encode())
        except OSError as exc:  # the hashes are only a shortcut: the next check computes them again
            log.warning("could not write the hash cache %s (%s)", self.path, exc)
            return
        self.dirty = False
