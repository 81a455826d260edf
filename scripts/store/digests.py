"""Digests of what generation reads and writes: the code, the evidence log, the generated files."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from ..publish.links import LINKS
from ..publish.output import MANIFEST

PACKAGE = Path(__file__).resolve().parents[1]  # the whole scripts/ package
LIBRARIES = ("Jinja2", "MarkupSafe", "feedgen", "PyYAML", "Pillow", "lxml")
ENVIRONMENT = ("SITE_URL", "REPO_URL")


def walk(folder: Path | str, h) -> None:
    """Feed every file under ``folder`` (path, size, mtime, inode) into ``h``, in a stable order."""
    try:
        items = sorted(os.scandir(folder), key=lambda d: d.name)
    except OSError:
        h.update(f"{folder}: missing\n".encode())
        return
    for item in items:
        if item.name == "__pycache__":  # written by the interpreter as it imports us
            continue
        if item.is_dir(follow_symlinks=False):
            walk(item.path, h)
        else:
            st = item.stat(follow_symlinks=False)
            h.update(f"{item.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode("utf-8", "surrogateescape"))


def versions(libraries: tuple[str, ...] = LIBRARIES) -> str:
    """The installed version of each of ``libraries`` ("none" when absent), in one line."""
    found = []
    for name in libraries:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return " ".join(found)


@functools.cache
def code_digest() -> str:
    """Digest of the code that turns the log into pages: this package and the libraries it uses."""
    h = hashlib.sha256(f"{sys.version}\n{versions()}\n".encode())
    walk(PACKAGE, h)
    return h.hexdigest()


def inputs_digest(root: Path) -> str:
    h = hashlib.sha256(f"{code_digest()}\n".encode())
    for name in ENVIRONMENT:
        h.update(f"{name}={os.environ.get(name)!r}\n".encode())
    walk(root / "evidence", h)
    config = root / "mkdocs.yml"
    try:
        st = config.stat()
        h.update(f"{config}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    except OSError:
        h.update(f"{config}: missing\n".encode())
    return h.hexdigest()


def outputs_digest(content: Path) -> str:
    """Digest of the manifest, of every file it lists and of every image the site will link to,
    by size and mtime ('' if one is missing: e.g. .cache/ was deleted)."""
    return outputs(content)[0]


def outputs(content: Path, seen: dict[str, list[int]] | None = None, irregular=frozenset()) -> tuple[str, dict]:
    """``outputs_digest`` and the manifest it read ({} if none); ``seen``: content/'s files as just walked, by path,
    their [size, mtime, inode] (``irregular``: those that are not regular files, looked at again)."""
    try:
        raw = (content / MANIFEST).read_bytes()
        listed = json.loads(raw)
        images = json.loads((content / LINKS).read_bytes()) if _names(listed) and LINKS in listed else {}
    except (OSError, ValueError):
        return "", {}
    if not (_names(listed) and _names(images) and _names(images.values())):
        return "", {}  # a hand-edited record: the generation runs, and the writer says what is wrong with it
    h = hashlib.sha256(raw)
    # os.path.join on strings, not pathlib: 60,000 files at 10,000 entries, on every build
    here, root = os.fspath(content), os.fspath(content.parent)
    seen = seen or {}
    for rel in sorted(listed):
        known = seen.get(rel) if rel not in irregular else None  # a regular file's lstat is its stat
        if not _stated(h, rel, known or os.path.join(here, rel)):
            return "", {}
    for src in sorted(images.values()):
        if not _stated(h, src, os.path.join(root, src)):
            return "", {}
    return h.hexdigest(), listed


def _stated(h, rel: str, known: list[int] | str) -> bool:
    """Feed a file's size and mtime into ``h`` (``known``: as seen, or its path to look at); False if it is missing."""
    try:
        size, mtime = known[:2] if isinstance(known, list) else _size_mtime(os.stat(known))
        h.update(f"{rel}\0{size}\0{mtime}\n".encode())
    except (OSError, ValueError):  # ValueError: a NUL or a lone surrogate in a name (UnicodeEncodeError)
        return False
    return True


def _size_mtime(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


def _names(values) -> bool:
    """Whether ``values`` (a JSON object's keys or values) are all strings, as the writer records them."""
    return isinstance(values, (dict, type({}.values()))) and all(isinstance(v, str) for v in values)
