"""Replace a file in one step: a reader never sees half of it, and a crash leaves the old one."""

from __future__ import annotations

import os
from pathlib import Path


def replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file named after this process (so that two runs
    sharing .cache/ never write the same temporary file); raise OSError when that fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
