"""The site's fixity manifest: ``manifest-sha256.txt`` at the root, the SHA-256 of every other file.

Lines are BagIt's (and ``sha256sum``'s): ``HASH  path``, sorted by path, so that a reader checks a
mirror with nothing but ``sha256sum -c manifest-sha256.txt``. ``verify`` also names extra files.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..evidence.problems import BuildError
from . import tree

MANIFEST = "manifest-sha256.txt"
_LINE = re.compile(r"([0-9a-f]{64})  (\S.*)")


def _digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def published(site: Path) -> list[str]:
    """Every regular file under ``site`` but the manifest, as sorted POSIX paths relative to it."""
    return [rel for rel, _ in _entries(site)]


def _entries(site: Path) -> list[tuple[str, os.DirEntry]]:
    """``published`` with each file's directory entry (its lstat without another path to build)."""
    return sorted(((rel, entry) for rel, entry in tree.files(site) if rel != MANIFEST), key=lambda x: x[0])


def manifest(site: Path, known: dict[str, list] | None = None, seen: dict[str, list] | None = None) -> bytes:
    """The manifest's bytes for the site in ``site``.

    With ``known`` (path -> [size, mtime, inode, sha256], see unchanged.py), a file in that state is not read
    again; ``seen`` receives every file's record.
    """
    lines = []
    for rel, entry in _entries(site):
        if "\n" in rel or "\\" in rel:  # sha256sum would escape it: never a name we publish
            raise BuildError(f"refusing to list {rel!r} in {MANIFEST}: a file name with a newline or backslash")
        lines.append(f"{_cached(entry, rel, known, seen)}  {rel}\n")
    return "".join(lines).encode("utf-8")


def _cached(entry: os.DirEntry, rel: str, known: dict[str, list] | None, seen: dict[str, list] | None) -> str:
    if known is None and seen is None:
        return _digest(entry.path)
    st = entry.stat(follow_symlinks=False)
    now = [st.st_size, st.st_mtime_ns, st.st_ino]
    hit = (known or {}).get(rel)
    digest = hit[3] if hit and hit[:3] == now else _digest(entry.path)  # a str: a Path per file costs 20%
    if seen is not None:
        seen[rel] = [*now, digest]
    return digest


def records(site: Path, known: dict[str, list] | None, skip: str, stop: threading.Event) -> dict[str, list]:
    """The record of every file under ``site`` but its top folder ``skip``: a ``known`` for write(), made while
    that folder is still being written (partial once ``stop`` is set: the build that wanted it failed)."""
    seen: dict[str, list] = {}
    for rel, entry in tree.files(site, lambda name: name != skip):
        if stop.is_set():
            break
        _cached(entry, rel, known, seen)
    return seen


def write(site: Path, known: dict[str, list] | None = None, seen: dict[str, list] | None = None) -> int:
    """Write the manifest into ``site``; return how many files it lists (``known``, ``seen``: see manifest())."""
    data = manifest(site, known, seen)
    (site / MANIFEST).write_bytes(data)
    if seen is not None:
        st = os.lstat(site / MANIFEST)
        seen[MANIFEST] = [st.st_size, st.st_mtime_ns, st.st_ino, hashlib.sha256(data).hexdigest()]
    return data.count(b"\n")


@dataclass
class Verdict:
    """What ``check`` found: files the manifest lists that are missing or altered, and files it does not list."""

    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.extra)


def read(site: Path) -> dict[str, str]:
    """The manifest in ``site``, path → digest; BuildError naming the line that is not ``HASH  path``."""
    try:
        text = (site / MANIFEST).read_text("utf-8")
    except FileNotFoundError:
        raise BuildError(f"{site / MANIFEST} is missing: this is not a copy of the site, or not a whole one") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"{site / MANIFEST} is unreadable ({exc})") from None
    listed: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = _LINE.fullmatch(line)
        if not m:
            raise BuildError(f"{site / MANIFEST}:{n}:1: error: not a line of the form 'SHA256  path'")
        listed[m[2]] = m[1]
    return listed


def check(site: Path) -> Verdict:
    """Compare the files under ``site`` with its manifest."""
    listed, verdict = read(site), Verdict()
    present = set(published(site))
    for rel, digest in sorted(listed.items()):
        target = site / rel
        if rel not in present:
            verdict.missing.append(rel)
        elif _digest(target) != digest:
            verdict.altered.append(rel)
        verdict.checked += 1
    verdict.extra = sorted(present - set(listed))
    return verdict
