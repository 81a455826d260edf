"""The store's file operations: one atomic replace, content digests, and the state that proves a file unchanged."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path
from typing import Callable


def replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step (a reader never sees half of it, a crash leaves the old file).

    The temporary file is named after this process, so two runs sharing a folder never write the
    same one; it is removed when the write fails. Raise OSError on failure.
    """
    replace_with(path, lambda tmp: tmp.write_bytes(data))


_TEMPORARY = re.compile(r"\.(.+)\.[0-9]+\.tmp")


def is_temporary(name: str) -> bool:
    """Whether a file name may be one of replace_with's temporary files (``.NAME.PID.tmp``)."""
    return name.startswith(".") and name.endswith(".tmp")


def temporary_for(name: str) -> str | None:
    """The NAME whose temporary file (``.NAME.PID.tmp``, as replace_with names it) ``name`` is, else None."""
    m = _TEMPORARY.fullmatch(name)
    return m.group(1) if m else None


def replace_with(path: Path, fill: Callable[[Path], None]) -> None:
    """Like ``replace``, with ``fill(tmp)`` making the temporary file (e.g. a hard link to a source)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)  # left by a killed process that had this PID
        fill(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # e.g. a read-only folder: then there is no temporary file either
            tmp.unlink(missing_ok=True)
        raise


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_state(path: Path | str) -> list[int]:
    """Size, modification and change times, and inode: a rewrite in place that restores the mtime
    still changes the ctime, and a replaced file changes the inode. Raise OSError when missing."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
