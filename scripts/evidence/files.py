"""Where the evidence log lives, and which of its files are read."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path


from .problems import Report

log = logging.getLogger(__name__)


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


def entry_files(paths: Paths, report: Report) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(paths.entries):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".yaml"):
                files.append(Path(dirpath, name))
            elif name.endswith(".yml"):
                report.error(paths.rel(os.path.join(dirpath, name)), 1, 1, "entry files must end in .yaml",
                             f"rename it to {name[:-4]}.yaml")
    return files
