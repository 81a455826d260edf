"""Skip generation when nothing it reads has changed since the last run that wrote content/.

A rerun at 10,000 entries then costs a few thousand stat calls instead of parsing, checking
and rendering everything again. The stamp (``.cache/generate.json``) records:

- a digest of what generation reads: every file under evidence/ (path, size, mtime, inode),
  mkdocs.yml, this package's own files, the libraries whose output we publish, and the
  environment variables the configuration reads;
- a digest of what it wrote: the manifest of generated files and each file's size and mtime, and
  the images the site links to, so that a deleted or edited output (or a deleted media cache) is
  regenerated, and a hand edit still refused by the writer;
- what the run reported (warnings are shown again) and the build date it derived;
- the languages of a run of some (the preview's, ``build.generate(langs=)``): its stamp vouches only for
  another run of those, so the next full build makes what it skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..evidence.problems import ERROR, WARNING, Problem, Report
from ..publish import tree
from .section import open_section
from .digests import inputs_digest, outputs, outputs_digest

log = logging.getLogger(__name__)
_NAME = "last run"


@dataclass
class Stamp:
    """What the last successful generation found: enough to report it again without redoing it."""

    inputs: str
    outputs: str
    files: int
    entries: int
    epoch: str
    problems: list[Problem]


def _section(root: Path):
    return open_section(root / ".cache", "stamp", resident=True)


def _decode(inputs: str, value) -> Stamp | None:
    """The stored stamp, or None (logged) if any part of it is not of the type it is written with."""
    try:
        problems = [_problem(p) for p in value["problems"]]
        fields = value["outputs"], value["files"], value["entries"], value["epoch"]
        if not (isinstance(value["problems"], list) and all(problems) and _types(fields, (str, int, int, str))):
            raise TypeError("a field of the wrong type")
    except (TypeError, KeyError, ValueError):
        if value is not None:
            log.info("ignoring the stored stamp: it is malformed; generating again")
        return None
    return Stamp(inputs, *fields, problems)


def _problem(p) -> Problem | None:
    if isinstance(p, list) and len(p) == 6 and _types(p, (str, int, int, str, str, str)) and p[3] in (ERROR, WARNING):
        return Problem(*p)
    return None


def _types(values, types) -> bool:
    return all(isinstance(v, t) and not (t is int and isinstance(v, bool)) for v, t in zip(values, types, strict=True))


def _last(root: Path, part: str = "") -> tuple[str, Stamp | None]:
    """The inputs' digest, and the last run's stamp if it was made from these inputs, by a run of all languages
    or (when ``part`` names some, the preview's) of those: a run of some never vouches for a run of all."""
    whole = inputs_digest(root)
    digest = whole + (f" languages {part}" if part else "")
    section = _section(root)
    found = section.get(_NAME, whole)
    if found is None and part:
        found = section.get(_NAME, digest)
    return digest, _decode(digest, found)


def current(root: Path, part: str = "") -> tuple[str, Stamp | None]:
    """Return the inputs' digest, and the stamp of the last run if generation can be skipped (``part``: _last)."""
    digest, stamp = _last(root, part)
    if stamp and stamp.outputs and stamp.outputs == outputs_digest(root / "content"):
        return digest, stamp
    return digest, None


@dataclass
class Seen:
    """What proving content/ current saw, for the site's plan to use instead of looking again."""

    files: dict[str, list[int]]  # every file under content/, by path relative to it: [size, mtime, inode]
    irregular: set[str]  # those of them that are not regular files
    manifest: dict[str, str]  # content/.generated.json as read


def fresh(root: Path) -> tuple[Stamp | None, Seen | None]:
    """The last run's stamp if generation can be skipped, with what content/ was seen to hold (one walk of it)."""
    stamp = _last(root)[1]
    if not (stamp and stamp.outputs):
        return None, None  # content/ is not walked: the generation, about to run, changes it
    seen = Seen(*tree.states(root / "content"), {})
    found, seen.manifest = outputs(root / "content", seen.files, seen.irregular)
    return (stamp, seen) if found == stamp.outputs else (None, None)


@dataclass
class Generated:
    """What a generation run found and did; ``ok`` when content/ is complete and current."""

    report: Report
    files: int
    entries: int = 0
    epoch: str = "0"
    ok: bool = False
    up_to_date: bool = False  # nothing had changed: nothing was read or written
    outputs: list = field(default_factory=list)  # publish.output.Output
    timings: dict[str, float] = field(default_factory=dict)


def reused(last: Stamp, strict: bool) -> Generated:
    """The last generation's result, reported again: nothing it reads or wrote has changed."""
    log.info("nothing changed since the last build: content/ is up to date")
    report = Report(list(last.problems))
    return Generated(report, last.files, last.entries, last.epoch, ok=not report.failed(strict), up_to_date=True)


def save(root: Path, inputs: str, files: int, entries: int, epoch: str, problems: list[Problem]) -> None:
    """Record a successful run; a stamp that cannot be written only costs the next run its shortcut."""
    value = {"outputs": outputs_digest(root / "content"), "files": files, "entries": entries, "epoch": epoch,
             "problems": [[p.path, p.line, p.col, p.severity, p.message, p.hint] for p in problems]}
    s = _section(root)
    s.replace_all({_NAME: [inputs, value]})
    s.changed = True
    s.save()


def forget(root: Path) -> None:
    """Remove the stamp: an interrupted write must not leave one that vouches for it."""
    _section(root).forget()
