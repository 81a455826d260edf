"""The offline edition: one reproducible zip of the built site (pages, data/, manifest-sha256.txt), to pass on by hand.

The same site gives the same bytes: members sorted by path under one top folder, every timestamp the day the
log last changed (never the clock), permissions 0644, no extra fields, one compression setting (images and
Pagefind's files, already compressed, are stored). The zip is written to a temporary file beside the target and
renamed over it only when complete, so a failed run leaves any previous zip as it was. Each file is checked
against the site's manifest while it is packed: a site changed since it was built is refused, not packed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..evidence.problems import BuildError
from ..store.files import replace_with
from . import fixity
from .output import reason

log = logging.getLogger(__name__)
COMMENT = b"evidence-archive offline edition"  # marks a zip this module wrote: only such a file is replaced
EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip can record
STORED = {".avif", ".gif", ".gz", ".jpeg", ".jpg", ".pagefind", ".pf_fragment", ".pf_index", ".pf_meta", ".png",
          ".webp", ".woff", ".woff2", ".zip"}  # compressed already: deflating them again only costs time


@dataclass
class Edition:
    """What ``write`` packed."""

    path: Path
    files: int
    size: int
    date: dt.date


def _day(text: str) -> dt.date | None:
    """The first day of an ISO date at any precision ('2016', '2016-01', '2016-01-07'), or None."""
    parts = [int(p) for p in text.split("-")[:3] if p.isdigit()]
    if not parts:
        return None
    return dt.date(*(parts + [1, 1])[:3])


def last_changed(site: Path) -> dt.date:
    """The day the published log last changed (an addition or a correction), from the site's data/entries.json."""
    try:
        entries = json.loads((site / "data/entries.json").read_bytes()).get("entries", [])
        days = [_day(e.get("added", "")) for e in entries]
        days += [_day(c["date"].get("iso", "")) for e in entries for c in e.get("corrections", [])]
    except (OSError, ValueError, AttributeError, KeyError, TypeError) as exc:
        raise BuildError(f"{site / 'data/entries.json'} is missing or unreadable ({reason(exc)}): "
                         "build the site first (make site)") from None
    return max([d for d in days if d] + [EPOCH])


def _member(name: str, day: dt.date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, (day.year, day.month, day.day, 0, 0, 0))
    info.create_system = 3  # Unix, so that the permissions below are the ones unzip applies
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_STORED if PurePosixPath(name).suffix in STORED else zipfile.ZIP_DEFLATED
    return info


def _pack(site: Path, top: str, listed: dict[str, str], day: dt.date, tmp: Path) -> None:
    with zipfile.ZipFile(tmp, "w") as zf:
        for rel in sorted(listed) + [fixity.MANIFEST]:
            h = hashlib.sha256()
            with open(site / rel, "rb") as src, zf.open(_member(f"{top}/{rel}", day), "w") as dst:
                while block := src.read(1 << 20):
                    h.update(block)
                    dst.write(block)
            if rel != fixity.MANIFEST and h.hexdigest() != listed[rel]:
                raise BuildError(f"{site / rel} changed since the site was built (it does not match "
                                 f"{fixity.MANIFEST}): build the site again (make site)")
        zf.comment = COMMENT


def _check_target(out: Path) -> None:
    """Refuse to replace anything but an edition this module wrote."""
    if out.is_symlink() or (out.exists() and not out.is_file()):
        raise BuildError(f"{out} exists and is not a regular file: choose another --out")
    if out.exists():
        try:
            with zipfile.ZipFile(out) as zf:
                ours = zf.comment == COMMENT
        except (OSError, zipfile.BadZipFile):
            ours = False
        if not ours:
            raise BuildError(f"{out} exists and is not an offline edition this command wrote; "
                             "choose another --out, or move the file away")


def write(site: Path, out: Path, top: str) -> Edition:
    """Pack ``site`` into the zip ``out``, its files under the folder ``top``; BuildError if the site is not whole."""
    listed = fixity.read(site)
    present = set(fixity.published(site))
    missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
    if missing or extra:
        names = ", ".join([f"{r} (missing)" for r in missing[:3]] + [f"{r} (not in the manifest)" for r in extra[:3]])
        raise BuildError(f"{site} does not match its {fixity.MANIFEST}: {names}; build the site again (make site)")
    _check_target(out)
    day = last_changed(site)
    try:
        replace_with(out, lambda tmp: _pack(site, top, listed, day, tmp))
    except OSError as exc:
        raise BuildError(f"cannot write {out}: {reason(exc)}; any previous edition is unchanged") from None
    log.debug("packed %d files dated %s into %s", len(listed) + 1, day, out)
    return Edition(out, len(listed) + 1, out.stat().st_size, day)
