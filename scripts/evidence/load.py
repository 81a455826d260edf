"""Load and validate the whole evidence log: registries, entries, references and media.

Everything is read and checked before anything is written; the result is an
``Archive`` (or None) and a ``Report`` holding every problem found.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import yaml

from .. import media
from ..store import Hashes
from .. import config
from ..config import Languages
from ..settings import Settings
from . import files, schema, translations, yamlfile
from .files import Paths, entry_files
from .model import Actor, Archive, Tag
from .problems import BuildError, Report
from .check import check_files
from .rules import PendingMedia, check_id, check_refs, example_id
from .spec import INVALID, Ctx

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    """The result of a check: the archive (None when there were errors), problems, file count,
    and the prepared media (source sha256 -> ``media.Prepared`` or ``media.Failure``)."""

    archive: Archive | None
    report: Report
    files: int
    media: dict = field(default_factory=dict)


def _load_registry(paths: Paths, name: str, spec, report: Report, langs: Languages,
                   translated: tuple[str, ...]) -> dict | None:
    path = paths.evidence / name
    rel = paths.rel(path)
    try:
        files.check_folders(paths.root, rel)
    except files.Refused as exc:
        report.error(rel, 1, 1, f"{exc.message}; the registry was not read", exc.hint)
        return None
    if not os.path.lexists(path):
        report.error(rel, 1, 1, f"registry file {rel} is missing", "create it, even if empty: {}")
        return None
    root = yamlfile.load(path, rel, report)
    if root is None:
        return None
    ctx = Ctx(rel, report)
    value = spec.check(root, ctx, "")
    if value is INVALID:
        return None
    translations.registry_rules(value, root, ctx, langs, translated)
    return value


def _prepare_media(paths: Paths, pending: list[PendingMedia], report: Report) -> dict:
    """Decode (or find in the cache) every verified image, and report those that cannot be published."""
    if not pending:
        return {}
    results = media.prepare([media.Job(p.path, p.sha256) for p in pending], paths.media_cache)
    for p in pending:
        at = yaml.Node(None, None, yaml.Mark(p.rel, 0, p.line - 1, p.col - 1, None, None), None)
        media.check_item(Ctx(p.rel, report), at, p.file, p.publish_original, results.get(p.sha256))
    return results


def load_archive(root: Path, today: Callable[[], date] | None = None) -> Loaded:
    """Read and validate the whole evidence log under ``root``."""
    paths = Paths(Path(root).absolute())  # rel() slices the root off absolute paths
    report = Report()
    try:
        langs, own = config.languages(paths.root), config.settings(paths.root)
    except BuildError as exc:
        report.error("mkdocs.yml", 1, 1, str(exc).removeprefix("mkdocs.yml: "))
        langs, own = config.Languages(), Settings()
    actors = _load_registry(paths, "actors.yaml", schema.actors_spec(own.kind_ids), report, langs, ("description",))
    tags = _load_registry(paths, "tags.yaml", schema.TAGS, report, langs, ("label", "description"))
    files = entry_files(paths, report)
    seen: dict[str, str] = {}
    jobs = []
    example = example_id([p.stem for p in files])
    for path in files:
        rel = paths.rel(path)
        jobs.append((path, rel, check_id(rel, path.stem, seen, report, example)))
    results = check_files(paths, jobs, today, Hashes(paths.cache), langs, own.types)
    checked = [r.checked for r in results if r.checked is not None]
    report.problems += [p for r in results for p in r.problems]
    prepared = _prepare_media(paths, [m for r in results for m in r.pending], report)
    if actors is not None and tags is not None:
        known = {"actors": set(actors), "tags": set(tags), "entries": set(seen)}
        for c in checked:
            check_refs(c.rel, c.refs, known, c.id, report)
    count = len(files) + 2
    if report.errors or actors is None or tags is None:
        return Loaded(None, report, count, prepared)
    archive = Archive(
        entries=[c.entry for c in checked],
        actors={k: Actor(id=k, **v) for k, v in actors.items()},
        tags={k: Tag(id=k, **v) for k, v in tags.items()},
    )
    return Loaded(archive, report, count, prepared)
