"""Skip generation when nothing it reads has changed since the last run that wrote content/.

A rerun at 10,000 entries then costs a few thousand stat calls instead of parsing, checking
and rendering everything again. The stamp (``.cache/generate.json``) records:

- a digest of what generation reads: every file under evidence/ (path, size, mtime, inode),
  mkdocs.yml, this package's own files, the libraries whose output we publish, and the
  environment variables the configuration reads;
- a digest of what it wrote: the manifest of generated files and each file's size and mtime, and
  the images the site links to, so that a deleted or edited output (or a deleted media cache) is
  regenerated, and a hand edit still refused by the writer;
- what the run reported (warnings are shown again) and the build date it derived.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import atomic
from .output import LINKS, MANIFEST
from .problems import Problem

log = logging.getLogger(__name__)
STAMP = Path(".cache") / "generate.json"
PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("Jinja2", "MarkupSafe", "feedgen", "PyYAML", "Pillow", "lxml")
ENVIRONMENT = ("SITE_URL", "REPO_URL")


@dataclass
class Stamp:
    inputs: str
    outputs: str
    files: int
    entries: int
    epoch: str
    problems: list[Problem]


def _walk(folder: Path, h) -> None:
    """Feed every file under ``folder`` (path, size, mtime, inode) into ``h``, in a stable order."""
    try:
        items = sorted(os.scandir(folder), key=lambda d: d.name)
    except OSError:
        h.update(f"{folder}: missing\n".encode())
        return
    for item in items:
        if item.name == "__pycache__":  # written by the interpreter as it imports us
            continue
        if item.is_dir(follow_symlinks=False):
            _walk(Path(item.path), h)
        else:
            st = item.stat(follow_symlinks=False)
            h.update(f"{item.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode("utf-8", "surrogateescape"))


def _versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return " ".join(found)


@functools.cache
def code_digest() -> str:
    """Digest of the code that turns the log into pages: this package and the libraries it uses."""
    h = hashlib.sha256(f"{sys.version}\n{_versions()}\n".encode())
    _walk(PACKAGE, h)
    return h.hexdigest()


def inputs_digest(root: Path) -> str:
    h = hashlib.sha256(f"{code_digest()}\n".encode())
    for name in ENVIRONMENT:
        h.update(f"{name}={os.environ.get(name)!r}\n".encode())
    _walk(root / "evidence", h)
    config = root / "mkdocs.yml"
    try:
        st = config.stat()
        h.update(f"{config}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    except OSError:
        h.update(f"{config}: missing\n".encode())
    return h.hexdigest()


def outputs_digest(content: Path) -> str:
    """Digest of the manifest, of every file it lists and of every image the site will link to,
    by size and mtime ('' if one is missing: e.g. .cache/ was deleted)."""
    try:
        raw = (content / MANIFEST).read_bytes()
        listed = json.loads(raw)
        images = json.loads((content / LINKS).read_bytes()) if LINKS in listed else {}
    except (OSError, ValueError):
        return ""
    h = hashlib.sha256(raw)
    root = content.parent
    files = [(rel, content / rel) for rel in sorted(listed)] + [(src, root / src) for src in sorted(images.values())]
    for rel, path in files:
        try:
            st = os.stat(path)
        except OSError:
            return ""
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def load(root: Path) -> Stamp | None:
    try:
        data = json.loads((root / STAMP).read_text("utf-8"))
        data["problems"] = [Problem(**p) for p in data["problems"]]
        return Stamp(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def current(root: Path) -> tuple[str, Stamp | None]:
    """Return the inputs' digest, and the stamp of the last run if generation can be skipped."""
    digest = inputs_digest(root)
    stamp = load(root)
    if stamp and stamp.inputs == digest and stamp.outputs and stamp.outputs == outputs_digest(root / "content"):
        return digest, stamp
    return digest, None


def save(root: Path, inputs: str, files: int, entries: int, epoch: str, problems: list[Problem]) -> None:
    """Record a successful run; a stamp that cannot be written only costs the next run its shortcut."""
    stamp = {"inputs": inputs, "outputs": outputs_digest(root / "content"), "files": files,
             "entries": entries, "epoch": epoch, "problems": [vars(p) for p in problems]}
    path = root / STAMP
    try:
        atomic.replace(path, json.dumps(stamp, sort_keys=True).encode())
    except OSError as exc:
        log.warning("could not record this run in %s (%s); the next run will regenerate everything", path, exc)


def forget(root: Path) -> None:
    try:
        (root / STAMP).unlink()
    except OSError:
        pass
