"""Load and validate the whole evidence log: registries, entries, references and media.

Everything is read and checked before anything is written; the result is an
``Archive`` (or None) and a ``Report`` holding every problem found.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import yaml

from . import checkcache, forked, media, schema, uptodate, yamlfile
from .hashcache import HashCache
from .model import Actor, Archive, Entry, Tag
from .problems import Report
from .spec import INVALID, Ctx, did_you_mean

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


@dataclass
class Loaded:
    """The result of a check: the archive (None when there were errors), problems, file count,
    and the prepared media (source sha256 -> ``media.Prepared`` or ``media.Failure``)."""

    archive: Archive | None
    report: Report
    files: int
    media: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _PendingMedia:
    """A media item whose file and hash checked out: its image is prepared after all files are read."""

    rel: str
    line: int
    col: int
    file: str
    publish_original: bool
    sha256: str
    path: Path


def _load_registry(paths: Paths, name: str, spec, report: Report) -> dict | None:
    path = paths.evidence / name
    rel = paths.rel(path)
    if not path.is_file():
        report.error(rel, 1, 1, f"registry file {rel} is missing", "create it, even if empty: {}")
        return None
    root = yamlfile.load(path, rel, report)
    if root is None:
        return None
    value = spec.check(root, Ctx(rel, report), "")
    return None if value is INVALID else value


def _entry_files(paths: Paths, report: Report) -> list[Path]:
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


def _check_id(rel: str, stem: str, seen: dict[str, str], report: Report) -> bool:
    if not re.fullmatch(schema.ID_PATTERN, stem) or len(stem) > schema.ID_MAX:
        report.error(rel, 1, 1, f"file name '{stem}' is not a valid entry id",
                     "use lowercase letters, digits and single hyphens, at most 80 characters, e.g. 2016-01-07-anrt-communique")
        return False
    if stem in seen:
        report.error(rel, 1, 1, f"entry id '{stem}' is already used by {seen[stem]}", "ids must be unique: rename one file")
        return False
    seen[stem] = rel
    return True


def _type_rules(fields: dict, root: yaml.MappingNode, ctx: Ctx) -> None:
    etype = fields.get("type")
    if etype is None:
        return
    for applies, path, message in schema.TYPE_RULES:
        negated = applies.startswith("*-")
        if (etype == applies[2:]) if negated else (etype != applies):
            continue
        if not _present(root, path):
            ctx.error(root, f"{etype}: {message}" if not negated else f"'{etype}' entry {message}")


def _present(node: yaml.Node, path: str) -> bool:
    """Tell whether a dotted field path is written (valid or not) and not empty."""
    for part in path.split("."):
        if not isinstance(node, yaml.MappingNode):
            return False
        node = next((v for k, v in node.value if k.value == part), None)
        if node is None:
            return False
    return bool(node.value)


def _check_refs(rel: str, refs: list[tuple[str, str, int, int]], known: dict[str, set[str]], entry_id: str,
                report: Report) -> None:
    where = {"actors": "evidence/actors.yaml", "tags": "evidence/tags.yaml"}
    for registry, value, line, col in refs:
        if registry == "entries" and value == entry_id:
            report.error(rel, line, col, f"entry '{value}' lists itself as related")
        elif value not in known[registry]:
            if registry == "entries":
                report.error(rel, line, col, f"related entry '{value}' does not exist",
                             did_you_mean(value, sorted(known["entries"])))
            else:
                report.error(rel, line, col, f"{registry[:-1]} '{value}' is not in {where[registry]}",
                             did_you_mean(value, sorted(known[registry])) or f"add it to {where[registry]} first")


def _check_media(ctx: Ctx, fields: dict, root: yaml.MappingNode, paths: Paths, hashes: HashCache,
                 media_root: Path, pending: list[_PendingMedia]) -> None:
    if "media" not in fields:
        return
    nodes = _media_nodes(root)
    for item, (file_node, sha_node) in zip(fields.get("media", ()), nodes):
        name = item.get("file")
        if not name:
            continue
        if not name.lower().endswith(schema.MEDIA_EXTENSIONS):
            ctx.error(file_node, f"media file '{name}' is not an accepted image format",
                      "use JPEG, PNG, WebP, GIF, TIFF or AVIF; SVG is refused")
            continue
        path = paths.media / name
        if not os.path.lexists(path):
            ctx.error(file_node, f"media file '{name}' not found in evidence/media/")
            continue
        real = path.resolve()
        if not real.is_relative_to(media_root):
            ctx.error(file_node, f"media file '{name}' points outside evidence/media/", "replace the link with the file itself")
            continue
        if not real.is_file():
            ctx.error(file_node, f"media file '{name}' is not a regular file")
            continue
        if "sha256" not in item:
            continue
        if (actual := hashes.sha256(real)) != item["sha256"]:
            ctx.error(sha_node or file_node, f"sha256 does not match media file '{name}' (the file's is {actual})",
                      f"if the file was replaced on purpose, run: python -m scripts hash {ctx.rel}")
            continue
        m = file_node.start_mark
        pending.append(_PendingMedia(ctx.rel, m.line + 1, m.column + 1, name, item.get("publish_original", True),
                                     actual, real))


def _media_nodes(root: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node | None]]:
    """Return the (file, sha256) value nodes of each media item, for error positions."""
    for key, value in root.value:
        if key.value == "media" and isinstance(value, yaml.SequenceNode):
            out = []
            for item in value.value:
                if isinstance(item, yaml.MappingNode):
                    d = {k.value: v for k, v in item.value}
                    out.append((d.get("file", item), d.get("sha256")))
                else:
                    out.append((item, None))
            return out
    return []


def _warnings(fields: dict, root: yaml.MappingNode, ctx: Ctx) -> None:
    quote = fields.get("quote")
    if quote and len(quote.get("text", "").split()) > 25:
        node = next(v for k, v in root.value if k.value == "quote")
        ctx.warning(node, "quote is longer than 25 words", "quote a short excerpt and summarise the rest")
    if fields.get("type") == "petition" and "signatures" not in fields:
        ctx.warning(root, "petition without 'signatures'", "add {count, as_of} if a source reports a count")


@dataclass
class _Checked:
    """One entry file after its own checks: the entry (if valid) and its references with positions."""

    id: str
    rel: str
    entry: Entry | None
    refs: list[tuple[str, str, int, int]]


@dataclass
class _Job:
    paths: Paths
    files: list[tuple[Path, str, bool]]  # path, rel, id is valid and unique
    today: Callable[[], date] | None
    hashes: dict


@dataclass
class _FileResult:
    """Everything the per-file checks found in one entry file; kept in the check cache."""

    checked: _Checked | None
    problems: list
    pending: list[_PendingMedia]
    media: tuple = ()  # (names, state) of the media files the entry names, as they stood when checked


def _check_file(job: _Job, spec, hashes: HashCache, media_root: Path, path: Path, rel: str, id_ok: bool) -> _FileResult:
    report = Report()
    node = yamlfile.load(path, rel, report)
    if node is None:
        return _FileResult(None, report.problems, [])
    ctx = Ctx(rel, report)
    fields = spec.check(node, ctx, "")
    if fields is INVALID:
        return _FileResult(None, report.problems, [])
    _type_rules(fields, node, ctx)
    _warnings(fields, node, ctx)
    names = tuple(item["file"] for item in fields.get("media", ()) if item.get("file"))
    media = (names, checkcache.media_state(job.paths.media, names)) if names else ()
    pending: list[_PendingMedia] = []
    _check_media(ctx, fields, node, job.paths, hashes, media_root, pending)
    checked = None
    if id_ok:
        refs = [(r, v, n.start_mark.line + 1, n.start_mark.column + 1) for r, v, n in ctx.refs if r != "media"]
        checked = _Checked(path.stem, rel, None if report.errors else Entry.from_fields(path.stem, rel, fields), refs)
    return _FileResult(checked, report.problems, pending, media)


def _check_chunk(job: _Job, start: int, end: int) -> tuple[list[bytes], dict]:
    """Check entry files [start, end) of the job on their own (no cross-file checks); return the results
    pickled, as the check cache keeps them (so the pickling is done once, and in the workers)."""
    spec = schema.entry_spec(job.today)
    hashes = HashCache(None)
    hashes.data = dict(job.hashes)  # a copy: the new hashes are what differs (in one process there is no fork to copy it)
    media_root = job.paths.media.resolve()
    results = [pickle.dumps(_check_file(job, spec, hashes, media_root, path, rel, id_ok), pickle.HIGHEST_PROTOCOL)
               for path, rel, id_ok in job.files[start:end]]
    return results, {k: v for k, v in hashes.data.items() if job.hashes.get(k) != v}


def _check_all(job: _Job) -> tuple[list[bytes], dict]:
    """Run the per-file checks, on every core when the log is large enough to repay the processes."""
    results, hashes = [], {}
    for part, new_hashes in forked.map_slices(_check_chunk, job, len(job.files), PARALLEL_FROM):
        results += part
        hashes.update(new_hashes)
    return results, hashes


def _check_files(paths: Paths, jobs: list[tuple[Path, str, bool]], today, hashes: HashCache) -> list[_FileResult]:
    """Per-file results for every entry file: from the check cache where nothing changed, else checked now."""
    day = (today or date.today)().isoformat()
    cache = checkcache.CheckCache(paths.cache, f"{uptodate.code_digest()} {day}")
    keys: list = []
    results: list[_FileResult | None] = []
    for path, rel, id_ok in jobs:
        try:
            key = (checkcache.file_state(path), id_ok)
        except OSError:
            key = None
        blob = cache.get(rel, key) if key else None
        hit = pickle.loads(blob) if blob is not None else None
        if hit is not None and hit.media and checkcache.media_state(paths.media, hit.media[0]) != hit.media[1]:
            hit = None
        keys.append(key)
        results.append(hit)
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        fresh, new_hashes = _check_all(_Job(paths, [jobs[i] for i in todo], today, hashes.data))
        for i, blob in zip(todo, fresh):
            results[i] = pickle.loads(blob)
            if keys[i] is not None:
                cache.put(jobs[i][1], keys[i], blob)
        if new_hashes:
            hashes.data.update(new_hashes)
            hashes.dirty = True
            hashes.save()
    log.debug("checked %d entry files, %d unchanged since the last check", len(jobs), len(jobs) - len(todo))
    cache.save({rel for _, rel, _ in jobs})
    return results


def _prepare_media(paths: Paths, pending: list[_PendingMedia], report: Report) -> dict:
    """Decode (or find in the cache) every verified image, and report those that cannot be published."""
    if not pending:
        return {}
    results = media.prepare([media.Job(p.path, p.sha256) for p in pending], paths.media_cache)
    for p in pending:
        at = yaml.Node(None, None, yaml.Mark(p.rel, 0, p.line - 1, p.col - 1, None, None), None)
        media.check_item(Ctx(p.rel, report), at, p.file, p.publish_original, results.get(p.sha256))
    return results


PARALLEL_FROM = forked.PARALLEL_FROM  # tests lower it to exercise the workers


def load_archive(root: Path, today: Callable[[], date] | None = None) -> Loaded:
    """Read and validate the whole evidence log under ``root``."""
    paths = Paths(Path(root).absolute())  # rel() slices the root off absolute paths
    report = Report()
    actors = _load_registry(paths, "actors.yaml", schema.ACTORS, report)
    tags = _load_registry(paths, "tags.yaml", schema.TAGS, report)
    files = _entry_files(paths, report)
    seen: dict[str, str] = {}
    jobs = []
    for path in files:
        rel = paths.rel(path)
        jobs.append((path, rel, _check_id(rel, path.stem, seen, report)))
    results = _check_files(paths, jobs, today, HashCache(paths.cache / "sha256.json"))
    checked = [r.checked for r in results if r.checked is not None]
    report.problems += [p for r in results for p in r.problems]
    prepared = _prepare_media(paths, [m for r in results for m in r.pending], report)
    if actors is not None and tags is not None:
        known = {"actors": set(actors), "tags": set(tags), "entries": set(seen)}
        for c in checked:
            _check_refs(c.rel, c.refs, known, c.id, report)
    count = len(files) + 2
    if report.errors or actors is None or tags is None:
        return Loaded(None, report, count, prepared)
    archive = Archive(
        entries=[c.entry for c in checked],
        actors={k: Actor(id=k, **v) for k, v in actors.items()},
        tags={k: Tag(id=k, **v) for k, v in tags.items()},
    )
    return Loaded(archive, report, count, prepared)
