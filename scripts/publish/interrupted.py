"""What a write into content/ killed part way leaves behind, and its removal by the next write.

A marker (``WRITING``) is there while the writer writes. A killed write leaves it, and the ``.NAME.PID.tmp``
files of the files it was writing (store.files.replace_with); the next write, finding the marker, removes those
temporary files, and only those named after a file we generate: never a file we did not make. Without the
marker nothing is listed, so an uninterrupted build pays two system calls.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from ..store.files import temporary_for

log = logging.getLogger(__name__)
WRITING = ".generated.writing"


def begin(root: Path, generated: set[str]) -> None:
    """Remove what a killed write left beside the ``generated`` paths, then mark this write as under way (OSError
    if the marker cannot be made)."""
    marker = root / WRITING
    if os.path.lexists(marker):
        removed = _remove_temporary(root, generated)
        if removed:
            log.info("removed %d temporary file%s left by an interrupted write", removed, "s" * (removed != 1))
    root.mkdir(parents=True, exist_ok=True)
    open(marker, "wb").close()


def end(root: Path) -> None:
    """The write is over (one that failed removed its own temporary file: replace_with)."""
    os.unlink(root / WRITING)


def _remove_temporary(root: Path, generated: set[str]) -> int:
    """Remove the temporary files beside the ``generated`` paths; how many. One listing per folder."""
    names: dict[str, set[str]] = {}
    for rel in generated:
        folder, _, name = rel.rpartition("/")
        names.setdefault(folder, set()).add(name)
    removed = 0
    for folder, ours in names.items():
        try:
            listing = os.listdir(os.path.join(root, folder))
        except OSError:
            continue
        for name in listing:
            if temporary_for(name) in ours:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(root, folder, name))
                    removed += 1
    return removed
