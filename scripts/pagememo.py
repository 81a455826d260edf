"""Entry pages of the last run that can stand: their inputs are unchanged and content/ still holds them.

An entry page is a function of the entry, the entries it relates to, the names of its actors and
tags, its images, the site settings and our code. The key is a digest of exactly those; when it
matches the last run's and content/ still holds the page it made (by the writer's manifest), the
page is not rendered again. Stored in .cache/pages.json.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Callable

from . import atomic

log = logging.getLogger(__name__)
FILE = "pages.json"


class PageMemo:
    def __init__(self, folder: Path, salt: str, on_disk: Callable[[str, str], bool]):
        """``on_disk(path, digest)`` tells whether content/ holds the generated file ``path`` with that digest."""
        self.path = folder / FILE
        self.salt = salt
        self.on_disk = on_disk
        self.pages: dict[str, list[str]] = {}
        self.fresh: dict[str, list[str]] = {}
        try:
            data = json.loads(self.path.read_bytes())
            if isinstance(data, dict) and data.get("salt") == salt and isinstance(data.get("pages"), dict):
                self.pages = data["pages"]
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.debug("ignoring unreadable page memo %s", self.path)

    def lookup(self, path: str, key: str) -> str | None:
        """The digest of the page content/ holds for ``path``, if it was made from inputs with this key."""
        hit = self.pages.get(path)
        if isinstance(hit, list) and len(hit) == 2 and hit[0] == key and self.on_disk(path, hit[1]):
            return hit[1]
        return None

    def record(self, path: str, key: str, digest: str) -> None:
        self.fresh[path] = [key, digest]

    def save(self) -> None:
        """Keep what this run made (called once the writer has written it)."""
        if self.fresh == self.pages:
            return
        try:
            atomic.replace(self.path, json.dumps({"salt": self.salt, "pages": self.fresh}, sort_keys=True).encode())
        except OSError as exc:
            log.warning("could not write the page memo %s (%s)", self.path, exc)
