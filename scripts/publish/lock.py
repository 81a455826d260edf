"""One build of an archive at a time: an advisory lock on ``.cache/build.lock``, released when the process ends.

A second ``build`` (or a ``serve`` regenerating) waits for the first, saying so, and gives up after
``EVIDENCE_ARCHIVE_LOCK_TIMEOUT`` seconds (default 600) with a message. The file is never deleted
(deleting a lock file lets two processes each lock a different one); it holds the holder's PID.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path
from typing import Iterator

from ..evidence.problems import BuildError
from .output import reason

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; builds are not serialised
    fcntl = None

log = logging.getLogger(__name__)
NAME = "build.lock"
TIMEOUT = "EVIDENCE_ARCHIVE_LOCK_TIMEOUT"
_POLL = 0.1


def _timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT, "600"))
    except ValueError:
        return 600.0


@contextlib.contextmanager
def build_lock(cache: Path) -> Iterator[None]:
    """Hold the build lock of the archive whose store is ``cache`` (ROOT/.cache) for the ``with`` block."""
    if fcntl is None:
        yield
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd = os.open(cache / NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise BuildError(f"cannot open the build lock {cache.name}/{NAME} ({reason(exc)})") from None
    try:
        _acquire(fd)
        mine = f"{os.getpid()}\n".encode()
        with contextlib.suppress(OSError):  # the PID only makes the waiting message clearer
            os.pwrite(fd, mine, 0)  # then truncate: a waiter never reads an empty file
            os.ftruncate(fd, len(mine))
        yield
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int) -> None:
    if _try(fd):
        return
    holder = _holder(fd)
    log.info("waiting for another build of this archive (PID %s) to finish", holder)
    limit = _timeout()
    end = time.monotonic() + limit
    while time.monotonic() < end:
        time.sleep(_POLL)
        if _try(fd):
            return
    raise BuildError(f"another build of this archive (PID {holder}) is still running after {limit:g} s; "
                     "wait for it to finish, then run the build again; nothing was changed")


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        raise BuildError(f"cannot lock {NAME} ({reason(exc)})") from None
    return True


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return text if text.isdigit() else "unknown"

