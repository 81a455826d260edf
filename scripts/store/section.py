"""One kind of stored record: a JSON file mapping names to (key, value), trusted only where the key matches."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Iterable

from . import resident
from .files import replace

log = logging.getLogger(__name__)
FORMAT = 3  # bumped when the layout of a section file changes; files of another format are ignored
FILES = {"stamp": "generate.json", "checks": "check.json", "hashes": "sha256.json", "media": "media.json",
         "pages": "pages.json", "site": "site.json",
         "site-files": "site-files.json", "search-ids": "search-ids.json"}  # section -> file in the store's folder; see __init__.py for what each holds
BLOBS = "media"  # the folder of derivative files


def key(*parts: Any) -> str:
    """The key of a stored value: a digest of everything it depends on (JSON-serialisable parts)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Section:
    """Records of one kind, read once and written once; any value may be missing, none is wrong.

    ``get(name, key)`` returns the stored value only when it was stored under that key (and the
    section under the same salt); a caller validates the value's shape and treats a bad one as absent.
    """

    def __init__(self, path: Path, salt: str = ""):
        self.path, self.salt = path, salt
        self.state: tuple | None = None  # the file's state as last read or written (_state), None if unknown
        self.items: dict[str, list] = self._read()
        self.changed = False

    def _read(self) -> dict[str, list]:
        try:
            with self.path.open("rb") as f:
                raw, state = f.read(), _state(os.fstat(f.fileno()))
            data = json.loads(_verified(raw))
            self.state = state
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.info("ignoring the unreadable store file %s (%s); it will be rebuilt", self.path, exc)
            return {}
        if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("items"), dict)):
            log.info("ignoring the store file %s: not written by this version; it will be rebuilt", self.path)
            return {}
        if data.get("salt") != self.salt:
            return {}
        items = {n: v for n, v in data["items"].items() if isinstance(v, list) and len(v) == 2 and isinstance(v[0], str)}
        if len(items) != len(data["items"]):
            log.info("ignoring %d malformed records in %s", len(data["items"]) - len(items), self.path)
        return items

    def get(self, name: str, key: str) -> Any:
        """The value stored for ``name`` under ``key``, or None."""
        hit = self.items.get(name)
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == key:
            return hit[1]
        return None

    def put(self, name: str, key: str, value: Any) -> None:
        """Store ``value`` (JSON-serialisable) for ``name`` under ``key``."""
        self.items[name] = [key, value]
        self.changed = True

    def keep(self, names: Iterable[str]) -> None:
        """Forget every name not in ``names`` (files that are gone, pages no longer made)."""
        names = set(names)
        if not names.issuperset(self.items):
            self.items = {n: v for n, v in self.items.items() if n in names}
            self.changed = True

    def replace_all(self, items: dict[str, list]) -> None:
        """Make ``items`` (name -> [key, value]) the whole content of the section."""
        if items != self.items:
            self.items, self.changed = items, True

    def save(self) -> bool:
        """Write the section if it changed; a failure only costs the next run time (logged). True if written."""
        if not self.changed:
            return False
        data = {"format": FORMAT, "salt": self.salt, "items": self.items}
        try:
            replace(self.path, _sealed(json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                                       .encode("utf-8", "surrogatepass")))
            self.state = _state(os.stat(self.path))
        except OSError as exc:
            log.warning("could not write %s (%s); the next run will redo what it held", self.path, exc)
            self.state = None
            return False
        self.changed = False
        return True

    def forget(self) -> None:
        """Delete the section's file (e.g. before a write it must not vouch for)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove %s (%s)", self.path, exc)
        self.items, self.changed, self.state = {}, False, None


# A section file is {"sha256":"<digest of BODY>","data":BODY}: still plain JSON, and a file damaged or edited
# by hand (a value of the wrong type, a truncated write) is refused as a whole before any value is used.
_HEAD, _MID = b'{"sha256":"', b'","data":'


def _sealed(body: bytes) -> bytes:
    return _HEAD + hashlib.sha256(body).hexdigest().encode() + _MID + body + b"}"


def _verified(raw: bytes) -> bytes:
    """The body of a sealed section file; ValueError if it is not one or its digest does not match."""
    start = len(_HEAD) + 64 + len(_MID)
    if not (raw.startswith(_HEAD) and raw[len(_HEAD) + 64:start] == _MID and raw.endswith(b"}")):
        raise ValueError("not sealed as this version writes it: an earlier version's, or edited by hand")
    body = raw[start:-1]
    if hashlib.sha256(body).hexdigest().encode() != raw[len(_HEAD):len(_HEAD) + 64]:
        raise ValueError("its seal does not match: damaged, or edited by hand")
    return body


def _state(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


# Sections kept in memory between the runs of one long-lived process (the preview): path -> Section. One is used
# again only when it holds what its file holds: nothing changed since it was read or saved, and the file's state
# (size, times, inode) is the one it had then; else the file is read again. Values are then the same objects.
_RESIDENT: dict[Path, Section] = resident.kept()


def open_section(cache: Path, name: str, salt: str = "", resident: bool = False) -> Section:
    """Open the section ``name`` of the store kept in the folder ``cache`` (normally ROOT/.cache); ``resident``: the
    same object as this process's last open of it, when its file has not changed since (saves reading 20 MB)."""
    path = cache / FILES[name]
    if resident:
        kept = _RESIDENT.get(path)
        try:
            state = _state(os.stat(path))
        except OSError:
            state = None
        if kept is not None and not kept.changed and kept.salt == salt and state is not None and kept.state == state:
            return kept
    section = Section(path, salt)
    if resident:
        _RESIDENT[path] = section
    return section
