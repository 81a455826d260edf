"""The one writer: every generated file goes through here.

Generated paths are recorded in ``content/.generated.json`` with their SHA-256. A file is
overwritten or deleted only if it is recorded there and still holds what we wrote; any
other file at a generated path is hand-written and is never touched (the build stops
with an error instead).

A write killed part way is cleaned up by the next one (scripts/publish/interrupted.py).

Large files the site publishes as they are (images) do not go into content/: they are listed
in a generated file that scripts/publish/links.py makes and reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import parallel
from ..evidence.problems import BuildError
from ..store.files import replace, replace_with
from . import interrupted
from .interrupted import WRITING
from .temporary import kill_point

log = logging.getLogger(__name__)
MANIFEST = ".generated.json"
_DIGEST = re.compile(r"[0-9a-f]{64}|key:.+")


@dataclass(frozen=True)
class Output:
    """A generated file: ``path`` is relative to content/, with either ``data`` or a ``source`` file to copy.

    ``key`` names a source file's content without reading it (e.g. its SHA-256, or a hash of the
    source and the settings that made it); keyed files are compared by key alone, which keeps
    warm rebuilds with thousands of images from re-reading them.
    """

    path: str
    data: bytes | None = None
    source: Path | None = None
    key: str = ""
    known: str = ""  # the SHA-256 of a file content/ already holds (from the page memo): nothing to write

    def digest(self) -> str:
        if self.known:
            return self.known
        if self.key:
            return "key:" + self.key
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        h = hashlib.sha256()
        with open(self.source, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()


def safe_target(root: Path, rel: str) -> Path:
    """Join ``rel`` under ``root``, refusing anything that would leave it."""
    if not _safe(rel):
        raise BuildError(f"refusing to write outside {root}: {rel!r}")
    return root.joinpath(*rel.split("/"))


def _safe(rel: str) -> bool:
    """True if ``rel`` is a plain relative path: no empty, '.' or '..' part, no backslash, no leading dot.

    Strings only (no pathlib): the manifest's 60,000 records are checked on every build. An empty first
    part is an absolute path; with no empty or '.' part, ``rel.split("/")`` is PurePosixPath's parts.
    """
    parts = rel.split("/")
    return not ("" in parts or "." in parts or ".." in parts or "\\" in rel or rel.startswith("."))


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    done: list[str] = field(default_factory=list)  # the paths written


class Writer:
    """Writes outputs under ``root`` (content/), only when changed, and removes stale generated files."""

    def __init__(self, root: Path):
        self.root = root
        self.manifest_path = root / MANIFEST
        self.previous: dict[str, str] = self._read_manifest()

    def _read_manifest(self) -> dict[str, str]:
        """The last run's manifest, keeping only well-formed records (it only ever vouches, never orders)."""
        try:
            data = json.loads(self.manifest_path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring content/%s: it is unreadable (%s)", MANIFEST, reason(exc))
            return {}
        if not isinstance(data, dict):
            log.warning("ignoring content/%s: it is not a JSON object of paths and digests", MANIFEST)
            return {}
        kept = {rel: digest for rel, digest in data.items() if _record_ok(self.root, rel, digest)}
        if len(kept) != len(data):
            log.warning("ignoring %d malformed records in content/%s", len(data) - len(kept), MANIFEST)
        return kept

    def holds(self, rel: str, digest: str) -> bool:
        """True if the last run wrote ``rel`` with this digest and the file is still there."""
        # the manifest only lists paths that passed safe_target when they were written
        return self.previous.get(rel) == digest and _regular(os.path.join(self.root, rel))

    def plan(self, outputs: list[Output]) -> dict[str, tuple[Output, str]]:
        """Check every output before writing any: no duplicates, no escapes, no hand-written targets."""
        planned: dict[str, tuple[Output, str]] = {}
        for out in outputs:
            if out.path in planned:
                raise BuildError(f"two generated files want the same path: {out.path}")
            try:
                planned[out.path] = (out, self._plan_one(out))
            except OSError as exc:
                raise BuildError(f"cannot read content/{out.path}: {reason(exc)}; nothing was changed") from None
        return planned

    def _plan_one(self, out: Output) -> str:
        """The output's digest, once its target is known to be free or ours."""
        digest = out.digest()
        if self.previous.get(out.path) == digest:
            # What the last run wrote there, at a path the manifest check accepted: if the file is there it is
            # ours, else it is simply written. Nothing to check (60,000 times after an edit); _write_one looks.
            return digest
        target = safe_target(self.root, out.path)
        exists = os.path.lexists(target)
        if exists and out.path not in self.previous and not _holds(target, digest):
            raise not_generated(out.path)
        if exists and self.previous.get(out.path, digest) != digest:
            self._check_untouched(out.path, target, digest)  # before anything is written
        return digest

    def write(self, outputs: list[Output], mine: Callable[[str], bool] = lambda rel: True) -> WriteStats:
        """Write every changed output, remove stale generated files, save the manifest; BuildError on any failure.

        ``mine``: whether a path is this run's to make; a generated file that is not (another language's, in a
        run of one) is kept as it is, however stale."""
        stats = WriteStats()
        planned = self.plan(outputs)
        todo = sorted(planned.items())
        try:
            interrupted.begin(self.root, set(planned) | set(self.previous))
        except OSError as exc:
            raise BuildError(f"cannot write into content/: {reason(exc)}; nothing was changed") from None
        # on every core: a cold build writes 60,000 files, each a few system calls
        parts = parallel.map_slices(self._write_slice, todo, len(todo))
        stats.written, stats.unchanged = sum(p.written for p, _ in parts), sum(p.unchanged for p, _ in parts)
        rel = MANIFEST
        try:
            for rel, exc in (failed for _, failed in parts if failed):
                raise exc  # the first in the order of the paths
            kept = self._remove_stale(set(planned), mine, stats)
            rel = MANIFEST
            self._save({**kept, **{r: d for r, (_, d) in planned.items()}})
            rel = WRITING
            interrupted.end(self.root)
        except OSError as exc:
            with contextlib.suppress(OSError):
                interrupted.end(self.root)
            self._note_written(planned, [r for p, _ in parts for r in p.done])
            n = stats.written + stats.removed
            done = (f"{n} other generated file{'s were' if n != 1 else ' was'} changed; the next build finishes the job"
                    if n else "nothing else was changed")
            raise BuildError(f"cannot write content/{rel}: {reason(exc)}; {done}") from None
        return stats

    def _note_written(self, planned: dict[str, tuple[Output, str]], done: list[str]) -> None:
        """After a failed write, record what the slices that went on wrote: the next run must know those files
        as its own (else, its evidence changed meanwhile, it would take them for edits by hand)."""
        if done:
            with contextlib.suppress(OSError):  # a full disk: the next run's check asks for the files again
                self._save({**self.previous, **{rel: planned[rel][1] for rel in done}})

    def _write_slice(self, todo: list[tuple[str, tuple[Output, str]]], start: int,
                     end: int) -> tuple[WriteStats, tuple[str, OSError] | None]:
        """Write ``todo[start:end]`` until one fails: the counts, and the failure as (path, error)."""
        stats = WriteStats()
        for rel, (out, digest) in todo[start:end]:
            try:
                self._write_one(rel, out, digest, stats)
            except OSError as exc:
                return stats, (rel, exc)
        return stats, None

    def _write_one(self, rel: str, out: Output, digest: str, stats: WriteStats) -> None:
        if self.previous.get(rel) == digest and _regular(os.path.join(self.root, rel)):  # rel: its manifest record was checked when read
            stats.unchanged += 1
            return
        target = safe_target(self.root, rel)
        if out.data is None and out.source is None:  # ``known``: it was there when this build began
            raise BuildError(f"content/{rel} changed or vanished during the build; run the build again")
        data = out.data

        def fill(tmp: Path) -> None:
            tmp.write_bytes(data) if data is not None else copy_file(out.source, tmp)
            kill_point("while-writing")  # tests: a temporary file made, not yet renamed
        replace_with(target, fill)
        stats.written += 1
        stats.done.append(rel)

    def _check_untouched(self, rel: str, target: Path, new: str = "") -> None:
        """Refuse to overwrite a generated file someone edited by hand (or one the manifest cannot vouch for)."""
        if rel not in self.previous or not target.is_file() or target.is_symlink():
            return
        ours = _vouched(target, self.previous[rel]) or _holds(target, new)
        if not ours:
            raise BuildError(f"content/{rel} was edited by hand since it was generated; "
                             "edit the evidence log instead, or delete the file")

    def _remove_stale(self, keep: set[str], mine: Callable[[str], bool], stats: WriteStats) -> dict[str, str]:
        """Remove the files the last run wrote and this one does not, where they hold what was written.

        Return the records of the files that could not be removed, to try again next time, and of those
        not ``mine``, which are kept.
        """
        failed = {}
        for rel, digest in sorted(self.previous.items()):
            if rel in keep:
                continue
            if not mine(rel):
                failed[rel] = digest
                continue
            target = safe_target(self.root, rel)
            if not (target.exists() or target.is_symlink()):
                continue
            try:
                ours = _vouched(target, digest)
            except OSError:
                ours = False
            if not ours:
                log.warning("kept content/%s: it changed since it was generated", rel)
                continue
            try:
                target.unlink()
            except OSError as exc:
                log.warning("could not remove content/%s (%s); the next build tries again", rel, reason(exc))
                failed[rel] = digest
                continue
            stats.removed += 1
            _prune_empty(target.parent, self.root)
        return failed

    def _save(self, manifest: dict[str, str]) -> None:
        replace(self.manifest_path, (json.dumps(manifest, indent=0, sort_keys=True) + "\n").encode("utf-8"))
        self.previous = manifest


def _regular(path: str) -> bool:
    """True if ``path`` is a regular file, not a symbolic link (one lstat, on a string: 60,000 per build)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def not_generated(rel: str) -> BuildError:
    return BuildError(f"content/{rel} exists and was not written by the generator; "
                      "move it away (generated paths belong to the generator)")


def recorded(root: Path, names: list[str], manifest: dict | None = None) -> set[str]:
    """Which of ``names`` ``Writer(root).previous`` holds, checking only their records (``manifest``: as just read)."""
    if manifest is None:
        try:
            manifest = json.loads((root / MANIFEST).read_bytes())
        except (OSError, ValueError):  # the writer says so when the generation runs
            return set()
    return {n for n in names if isinstance(manifest, dict) and _record_ok(root, n, manifest.get(n))}


def _record_ok(root: Path, rel, digest) -> bool:
    """A manifest record we can use: a path the writer could have written, and a digest of the form it writes."""
    if not (isinstance(rel, str) and isinstance(digest, str) and _DIGEST.fullmatch(digest)):
        return False
    return _safe(rel)


def _vouched(target: Path, digest: str) -> bool:
    """True if the manifest's record proves we wrote the file now at ``target``.

    A SHA-256 must match the file's bytes. A ``key:`` record (an image earlier versions linked into
    content/) cannot be compared: only a hard link, whose bytes live on under another name, is ours to remove.
    """
    if not target.is_file() or target.is_symlink():
        return False
    if digest.startswith("key:"):
        return target.stat().st_nlink > 1
    return _file_digest(target) == digest


def _holds(target: Path, digest: str) -> bool:
    """True if ``target`` already holds exactly these bytes (e.g. written before the manifest was saved)."""
    return not digest.startswith("key:") and target.is_file() and not target.is_symlink() and _file_digest(target) == digest


def _file_digest(path: Path) -> str:
    return Output(path="x", source=path).digest()


def reason(exc: Exception) -> str:
    """What went wrong, without the file name (the message names the file the user knows)."""
    return f"[Errno {exc.errno}] {exc.strerror}" if getattr(exc, "errno", None) and exc.strerror else str(exc)


def copy_file(source: Path, dest: Path) -> None:
    try:
        os.link(source, dest)  # same file system: no bytes copied
    except OSError:
        with open(source, "rb") as src, open(dest, "wb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)


def _prune_empty(folder: Path, root: Path) -> None:
    try:
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    except OSError:  # an empty folder left behind costs nothing
        pass
