"""Check every entry file on its own, on every core, reusing the stored result of each file that has not changed.

A file's result depends on its bytes, on whether its id is valid and unique, on the media files it
names (existence, where their links lead, their content), on the checker's code, on the site's
languages (which translations are required) and on today's date (``added`` may not lie in the future). All of these are in the key, so a reused result is the one a
fresh check would give; cross-file checks (references, duplicate ids) always run anew in load.py.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable


from .. import parallel
from ..store import Hashes, file_state, key, open_section
from ..store import resident
from ..store.digests import code_digest
from ..config import Languages
from . import codec, schema, translations, yamlfile
from .files import Paths
from .model import Entry
from .problems import Problem, Report
from .rules import PendingMedia, check_media, type_rules, warnings
from .spec import INVALID, Ctx

log = logging.getLogger(__name__)


@dataclass
class Checked:
    """One entry file after its own checks: the entry (if valid) and its references with positions."""

    id: str
    rel: str
    entry: Entry | None
    refs: list[tuple[str, str, int, int]]


@dataclass
class FileResult:
    """Everything the per-file checks found in one entry file."""

    checked: Checked | None
    problems: list[Problem]
    pending: list[PendingMedia]


@dataclass
class _Job:
    paths: Paths
    files: list[tuple[Path, str, bool]]  # path, rel, id is valid and unique
    today: Callable[[], date] | None
    hashes: dict
    langs: Languages
    types: tuple[str, ...] = schema.TYPES  # the entry types the archive uses


def media_state(media_dir: Path, names: list[str]) -> str:
    """Key of how the named media files stand: present or not, where their links lead, their file state."""
    states = []
    for name in names:
        try:
            real = os.path.realpath(media_dir / name)
            states.append([name, real, file_state(real)])
        except (OSError, ValueError):
            states.append([name, None])
    return key(states)


def _check_file(job: _Job, spec, hashes: Hashes, media_root: Path, path: Path, rel: str, id_ok: bool) -> dict:
    """Check one file on its own; return its result as plain data (what the store keeps)."""
    report = Report()
    node = yamlfile.load(path, rel, report)
    ctx = Ctx(rel, report)
    fields = INVALID if node is None else spec.check(node, ctx, "")
    if fields is INVALID:
        return {"problems": _problems(report), "pending": [], "checked": None, "media": None}
    type_rules(fields, node, ctx)
    warnings(fields, node, ctx)
    translations.entry_rules(fields, node, ctx, job.langs)
    names = [item["file"] for item in fields.get("media", ()) if item.get("file")]
    pending: list[PendingMedia] = []
    check_media(ctx, fields, node, job.paths, hashes, media_root, pending)
    checked = None
    if id_ok:
        refs = [[r, v, n.start_mark.line + 1, n.start_mark.column + 1] for r, v, n in ctx.refs if r != "media"]
        entry = None if report.errors else codec.entry_row(Entry.from_fields(path.stem, rel, fields))
        checked = {"id": path.stem, "refs": refs, "entry": entry}
    return {"problems": _problems(report), "checked": checked,
            "pending": [[p.rel, p.line, p.col, p.file, p.publish_original, p.sha256, str(p.path)] for p in pending],
            "media": [names, media_state(job.paths.media, names)] if names else None}


def _problems(report: Report) -> list[list]:
    return [[p.path, p.line, p.col, p.severity, p.message, p.hint] for p in report.problems]


def _result(rel: str, data: dict) -> FileResult:
    """Rebuild a file's result from its plain form; raise (KeyError, TypeError, ValueError) when malformed."""
    checked = None
    if data["checked"] is not None:
        c = data["checked"]
        entry = None if c["entry"] is None else codec.entry_from_row(c["entry"], rel)
        checked = Checked(c["id"], rel, entry, [(r, v, int(line), int(col)) for r, v, line, col in c["refs"]])
    pending = [PendingMedia(r, int(line), int(col), f, bool(o), s, Path(p)) for r, line, col, f, o, s, p in data["pending"]]
    return FileResult(checked, [Problem(*p) for p in data["problems"]], pending)


def _check_chunk(job: _Job, start: int, end: int) -> tuple[list[dict], dict]:
    """Check entry files [start, end) of the job on their own (no cross-file checks); return their results
    and the media hashes computed on the way."""
    spec = schema.entry_spec(job.today, job.types)
    hashes = Hashes(None, start=job.hashes)  # a copy: in one process there is no fork to copy it
    media_root = job.paths.media.resolve()
    results = [_check_file(job, spec, hashes, media_root, path, rel, id_ok) for path, rel, id_ok in job.files[start:end]]
    return results, hashes.fresh()


def _check_all(job: _Job) -> tuple[list[dict], dict]:
    """Run the per-file checks, on every core when the log is large enough to repay the processes."""
    results, hashes = [], {}
    for part, new_hashes in parallel.map_slices(_check_chunk, job, len(job.files), PARALLEL_FROM):
        results += part
        hashes.update(new_hashes)
    return results, hashes


# What the last run of this process made of each stored result: rel -> (the stored value, its FileResult). When the
# store's section was kept in memory (the preview), a file whose stored value is the very same object has the same
# result, entry object and all: the pages' digests and keys of such entries are then not computed again either.
_REBUILT: dict[str, tuple[dict, FileResult]] = resident.kept()


def _stored(stored, rel: str, file_key: str, paths: Paths) -> FileResult | None:
    """The stored result of ``rel`` if its key matches and the media it names still stand as they did."""
    data = stored.get(rel, file_key)
    if not isinstance(data, dict):
        return None
    try:
        if data["media"] is not None and media_state(paths.media, data["media"][0]) != data["media"][1]:
            return None
        last = _REBUILT.get(rel)
        return last[1] if last is not None and last[0] is data else _result(rel, data)
    except (KeyError, TypeError, ValueError, IndexError):
        log.debug("ignoring a malformed stored check result for %s", rel)
        return None


def check_files(paths: Paths, jobs: list[tuple[Path, str, bool]], today, hashes: Hashes,
                langs: Languages, types: tuple[str, ...] = schema.TYPES) -> list[FileResult]:
    """Per-file results for every entry file: from the store where nothing changed, else checked now."""
    day = (today or date.today)().isoformat()
    stored = open_section(paths.cache, "checks", f"{code_digest()} {day} {langs!r} {types!r}", resident=True)
    keys: list[str | None] = []
    states: list[list[int] | None] = []
    results: list[FileResult | None] = []
    for path, rel, id_ok in jobs:
        try:
            state = file_state(path)
            file_key = _file_key(rel, state, id_ok)
        except OSError:
            state = file_key = None
        keys.append(file_key)
        states.append(state)
        results.append(_stored(stored, rel, file_key, paths) if file_key else None)
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        fresh, new_hashes = _check_all(_Job(paths, [jobs[i] for i in todo], today, hashes.items, langs, types))
        for i, data in zip(todo, fresh):
            results[i] = _result(jobs[i][1], data)
            if keys[i] is not None:
                stored.put(jobs[i][1], keys[i], data)
        hashes.add(new_hashes)
        hashes.save()
    log.debug("checked %d entry files, %d unchanged since the last check", len(jobs), len(jobs) - len(todo))
    stored.keep(rel for _, rel, _ in jobs)
    stored.save()
    _remember(stored, jobs, states, keys, results)
    return results


_KEYS: dict[str, tuple[list[int], bool, str]] = resident.kept()  # rel -> (file state, id ok, its key), of this process's last run


def _file_key(rel: str, state: list[int], id_ok: bool) -> str:
    """key(state, id_ok), from the last run when the file stands as it did then (a look-up, not a digest)."""
    last = _KEYS.get(rel)
    if last is not None and last[0] == state and last[1] == id_ok:
        return last[2]
    return key(state, id_ok)


def _remember(stored, jobs: list[tuple[Path, str, bool]], states: list, keys: list[str | None],
              results: list[FileResult]) -> None:
    """Keep this run's keys and rebuilt results for the next run of this process (of the files it saw alone)."""
    _KEYS.clear()
    _REBUILT.clear()
    for (_, rel, id_ok), state, file_key, result in zip(jobs, states, keys, results):
        if file_key is None:
            continue
        _KEYS[rel] = (state, id_ok, file_key)
        data = stored.get(rel, file_key)
        if isinstance(data, dict):
            _REBUILT[rel] = (data, result)


PARALLEL_FROM = parallel.PARALLEL_FROM  # tests lower it to exercise the workers
