"""Publishing images: what pages say about a prepared image, which items may be published, and the files to link."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote


from ..publish.output import Output
from .inspect import EXTENSIONS, MIME, NAMES, Failure

if TYPE_CHECKING:
    import yaml

    from ..evidence.model import Archive, MediaItem
    from ..evidence.spec import Ctx

log = logging.getLogger(__name__)
OPT_OUT = "add 'publish_original: false' to this media item to publish only the stripped copies"


@dataclass(frozen=True)
class Rendition:
    """One published file of an image: path under the site root, pixels, bytes, type, and where the bytes are now."""

    path: str
    width: int
    height: int
    size: int
    mime: str
    location: str  # a string, not a Path: building 20,000 Paths would take a warm run 0.2 s

    @property
    def url(self) -> str:
        """The path percent-encoded, relative to the site root."""
        return quote(self.path)

    @property
    def file(self) -> Path:
        """The file holding the bytes now: in the cache, or in evidence/media/ for an original."""
        return Path(self.location)


@dataclass(frozen=True)
class Prepared:
    """A usable source image: its two derivatives, and what pages and feeds say about the original."""

    sha256: str
    key: str
    format: str
    width: int
    height: int
    size: int
    source: Path
    thumb: Rendition
    display: Rendition
    animated: bool
    unsafe: str | None  # why the original may not be published, following "media file 'NAME'"; None if it may

    def original(self, item: MediaItem) -> Rendition | None:
        """Return the original as published for ``item``, or None when it is not published."""
        if not item.publish_original or self.unsafe:
            return None
        path = f"media/original/{self.sha256}/{item.file.rsplit('/', 1)[-1]}"
        return Rendition(path, self.width, self.height, self.size, MIME[self.format], str(self.source))



# --- checking and publishing --------------------------------------------------------------------

def check_item(ctx: Ctx, node: yaml.Node, file: str, publish_original: bool,
               result: Prepared | Failure | None) -> bool:
    """Report at ``node`` (the item's ``file`` value) why its image cannot be published as asked; True if it can.

    ``result`` is None when the file was not prepared (e.g. its hash did not match): nothing more to say.
    """
    if result is None:
        return False
    if isinstance(result, Failure):
        ctx.error(node, result.message(file), result.hint)
        return False
    ok = True
    if not file.lower().endswith(EXTENSIONS[result.format]):
        right = PurePosixPath(file).with_suffix(EXTENSIONS[result.format][0]).name
        ctx.error(node, f"media file '{file}' is a {NAMES[result.format]} file with the wrong extension",
                  f"rename it to {right} and change 'file' to match; its sha256 stays the same")
        ok = False
    if result.unsafe and publish_original:
        ctx.error(node, f"media file '{file}' {result.unsafe}; publishing the original is refused", OPT_OUT)
        ok = False
    return ok


def outputs(archive: Archive, prepared: dict[str, Prepared | Failure]) -> list[Output]:
    """Return the files to publish: both derivatives of each prepared image, and the originals entries allow.

    They are listed for the site (publish.links.link_list) and hard-linked into it after MkDocs has built the
    pages; they never go into content/, where MkDocs would copy their bytes.
    """
    out: dict[str, Output] = {}
    for entry in archive.entries:
        for item in entry.media:
            p = prepared.get(item.sha256)
            if not isinstance(p, Prepared):
                continue
            for r in (p.thumb, p.display):
                out[r.path] = Output(r.path, source=r.file, key=p.key)
            original = p.original(item)
            if original is not None:
                out[original.path] = Output(original.path, source=p.source, key=p.sha256)
            elif item.publish_original:
                log.warning("not publishing the original of %s: it %s", item.file, p.unsafe)
    return [out[path] for path in sorted(out)]
