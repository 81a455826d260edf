"""Per-file results of the entry checks, reused while nothing they depend on has changed.

A file's result depends on its bytes, on whether its id is valid and unique, on the media files it
names (existence, where their links lead, their content), on the checker's code and on today's date
(``added`` may not lie in the future). All of these are in the key, so a reused result is the one a
fresh check would give; cross-file checks (references, duplicate ids) always run anew.
Stored in .cache/check.pickle, sealed (see sealed.py): a pickle this user's runs did not write is never loaded.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

from . import atomic, sealed

log = logging.getLogger(__name__)
FILE = "check.pickle"


def file_state(path: Path) -> tuple:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns


def media_state(media_dir: Path, names: tuple[str, ...]) -> tuple:
    """How the named media files stand: present or not, where their links lead, size and mtime."""
    states = []
    for name in names:
        path = media_dir / name
        try:
            real = os.path.realpath(path)
            st = os.stat(real)
            states.append((name, real, st.st_size, st.st_mtime_ns, st.st_ino))
        except (OSError, ValueError):
            states.append((name, None))
    return tuple(states)


class CheckCache:
    """Maps an entry file (relative path) to its key and its check result, pickled."""

    def __init__(self, folder: Path, salt: str):
        self.path = folder / FILE
        self.salt = salt
        self.files: dict[str, tuple[tuple, bytes]] = {}
        self.changed = False
        try:
            payload = sealed.unseal(self.path.read_bytes())
            data = pickle.loads(payload) if payload is not None else None
            if isinstance(data, dict) and data.get("salt") == salt and isinstance(data.get("files"), dict):
                self.files = data["files"]
        except FileNotFoundError:
            pass
        except Exception:  # an unreadable or foreign cache only costs a full check
            log.debug("ignoring unreadable check cache %s", self.path, exc_info=True)

    def get(self, rel: str, key: tuple) -> bytes | None:
        hit = self.files.get(rel)
        return hit[1] if hit is not None and hit[0] == key else None

    def put(self, rel: str, key: tuple, result: bytes) -> None:
        self.files[rel] = (key, result)
        self.changed = True

    def save(self, keep: set[str]) -> None:
        """Write the cache, forgetting files that are gone; failure to write only costs the next run time."""
        if set(self.files) - keep:
            self.files = {rel: v for rel, v in self.files.items() if rel in keep}
            self.changed = True
        if not self.changed:
            return
        data = sealed.seal(pickle.dumps({"salt": self.salt, "files": self.files}, protocol=pickle.HIGHEST_PROTOCOL))
        if data is None:
            return
        try:
            atomic.replace(self.path, data)
        except OSError as exc:
            log.warning("could not write the check cache %s (%s)", self.path, exc)
