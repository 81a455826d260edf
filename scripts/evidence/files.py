"""Where the evidence log lives, and which of its files are read.

Only regular files inside the repository are read. Git commits symbolic links, so a pull request
can hold a link to a file outside the repository, to /dev/zero or to /dev/stdin; a FIFO named
``x.yaml`` would make a reader wait forever. Every path is therefore checked with ``lstat`` before
it is opened, opened with ``O_NOFOLLOW | O_NONBLOCK`` (a link swapped in meanwhile fails, a FIFO
cannot block), checked again with ``fstat`` on the open descriptor, and read up to a limit.
Files and folders that are skipped are reported, never passed over in silence.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .problems import Report

log = logging.getLogger(__name__)

MAX_BYTES = 1 << 20  # 1 MiB: an entry or a registry is a few KB; anything bigger is a mistake or an attack
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
LINK_HINT = "commit the file itself, not a link to it"


@dataclass(frozen=True)
class Paths:
    """Where the log lives, relative to the repository root."""

    root: Path

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    @property
    def entries(self) -> Path:
        return self.evidence / "entries"

    @property
    def media(self) -> Path:
        return self.evidence / "media"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def media_cache(self) -> Path:
        """Thumbnails and display copies, made by media.prepare and published from here."""
        return self.cache / "media"

    def rel(self, path: Path | str) -> str:
        return str(path)[len(str(self.root)) + 1:].replace("\\", "/")


class Refused(Exception):
    """A path that is not read: ``message`` and ``hint`` say why (they never quote the file's content)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def kind(mode: int) -> str:
    """Name what a file mode is, for messages: 'a symbolic link', 'a folder', 'a named pipe (FIFO)'…"""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def _refusal(mode: int) -> Refused:
    if stat.S_ISLNK(mode):
        return Refused("file is a symbolic link; links are not followed", LINK_HINT)
    return Refused(f"file is {kind(mode)}, not a regular file", "only regular files are read: replace it with a file")


def check_folders(root: Path, rel: str) -> None:
    """Raise Refused if a folder on the way from ``root`` to ``rel`` is a link or not a folder."""
    parts = rel.split("/")[:-1]
    here = root
    for i, part in enumerate(parts):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return  # the caller's open reports the missing file
        except OSError as exc:
            raise Refused(f"cannot read folder {'/'.join(parts[:i + 1])}/: {exc.strerror or exc}") from None
        if stat.S_ISLNK(mode):
            raise Refused(f"folder {'/'.join(parts[:i + 1])}/ is a symbolic link; links are not followed",
                          "commit the folder itself, not a link to it")
        if not stat.S_ISDIR(mode):
            raise Refused(f"{'/'.join(parts[:i + 1])} is {kind(mode)}, not a folder")


def read_bytes(path: Path | str, limit: int = MAX_BYTES) -> bytes:
    """Return the bytes of a regular file of at most ``limit`` bytes; raise Refused otherwise."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise Refused(f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise _refusal(st.st_mode)
    _check_size(st.st_size, limit)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # swapped for a link since lstat (EMLINK: FreeBSD)
            raise _refusal(stat.S_IFLNK) from None
        raise Refused(f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since lstat
            raise _refusal(st.st_mode)
        _check_size(st.st_size, limit)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise Refused(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew between fstat and read
        _check_size(len(data), limit, exact=False)
    return data


def _read_at_most(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _check_size(size: int, limit: int, exact: bool = True) -> None:
    if size > limit:
        got = f"{size:,} bytes; " if exact else ""
        raise Refused(f"file is too large ({got}the limit is {_size(limit)})",
                      "split it or remove what does not belong in an entry")


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n % (1 << 20) == 0 else f"{n:,} bytes"


def not_utf8(name: str) -> bool:
    """Tell whether a file name read from the disk was not valid UTF-8 (Python keeps its bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def entry_files(paths: Paths, report: Report) -> list[Path]:
    """Every entry file under evidence/entries/, in order; report every file or folder that is skipped."""
    try:
        check_folders(paths.root, "evidence/entries/")  # evidence/ and entries/ are real folders, if present
    except Refused as exc:
        report.error("evidence/entries", 1, 1, f"{exc.message}; no entry in it was read", exc.hint)
        return []
    if not paths.entries.is_dir():
        return []
    files: list[Path] = []
    _walk(paths, paths.entries, report, files)
    return files


def _walk(paths: Paths, top: Path, report: Report, files: list[Path]) -> None:
    """Collect entry files under ``top``: a folder's own files first, then its folders, each sorted by name."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                found = sorted((e.name, e) for e in it)
        except OSError as exc:
            report.error(paths.rel(folder), 1, 1, f"cannot read folder: {exc.strerror or exc}; "
                         "the entries in it were not checked", "make the folder readable")
            continue
        folders = []
        for name, e in found:
            folder_path = _visit(paths, Path(folder, name), e, report, files)
            if folder_path is not None:
                folders.append(folder_path)
        stack.extend(reversed(folders))


def _visit(paths: Paths, path: Path, e: os.DirEntry, report: Report, files: list[Path]) -> Path | None:
    """Take one directory entry: add it to ``files``, return it if it is a folder to walk, or report it."""
    rel, name = paths.rel(path), e.name
    if not_utf8(name):
        report.error(rel, 1, 1, "this name is not valid UTF-8; it was not read", "rename it with UTF-8 characters")
        return None
    try:  # the folder listing says what most entries are (d_type), without one lstat per file
        if e.is_file(follow_symlinks=False):
            mode = stat.S_IFREG
        elif e.is_dir(follow_symlinks=False):
            mode = stat.S_IFDIR
        else:
            mode = e.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        report.error(rel, 1, 1, f"cannot read this: {exc.strerror or exc}; it was not checked")
        return None
    if stat.S_ISDIR(mode):
        return path
    if stat.S_ISLNK(mode):
        report.error(rel, 1, 1, "this is a symbolic link; links are not followed, so it was not read",
                     "commit the file or folder itself, not a link to it")
    elif not stat.S_ISREG(mode):
        report.error(rel, 1, 1, f"this is {kind(mode)}, not a regular file; it was not read", "remove it")
    elif name.endswith(".yaml"):
        files.append(path)
    elif name.lower().endswith((".yaml", ".yml")):
        stem = name.rsplit(".", 1)[0]
        report.error(rel, 1, 1, "entry files must end in .yaml; this one was not read", f"rename it to {stem}.yaml")
    else:
        report.warning(rel, 1, 1, "not an entry file (only .yaml files in evidence/entries/ are read)",
                       "move it out of evidence/entries/, or rename it to .yaml if it is an entry")
    return None
