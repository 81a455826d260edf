"""Rules over one entry beyond its fields' own: per-type requirements, references, media files, warnings."""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..store import Hashes
from . import schema
from .files import Paths, kind
from .problems import Report
from .spec import Ctx, did_you_mean

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingMedia:
    """A media item whose file and hash checked out: its image is prepared after all files are read."""

    rel: str
    line: int
    col: int
    file: str
    publish_original: bool
    sha256: str
    path: Path


# MkDocs makes index.md (and README.md) the page of its folder: entries/index.md would be published
# as entries/index.html, not at the entry's address entries/index/, and every link to it would be a 404.
RESERVED_IDS = ("index", "readme")
SUGGEST_AT_MOST = 20  # unknown references given a 'did you mean' per file; each one compares with every id


NEUTRAL_ID = "2024-03-01-ministry-statement"  # the example id of a log that has no valid id yet


def example_id(stems: list[str]) -> str:
    """An entry id to show in hints: the log's first valid one (its own words), else a neutral one."""
    valid = sorted(s for s in stems if re.fullmatch(schema.ID_PATTERN, s) and len(s) <= schema.ID_MAX
                   and s not in RESERVED_IDS)
    return valid[0] if valid else NEUTRAL_ID


def check_id(rel: str, stem: str, seen: dict[str, str], report: Report, example: str = NEUTRAL_ID) -> bool:
    """Tell whether a file name is a valid, unused entry id; report it if not."""
    if stem.lower() in RESERVED_IDS:
        report.error(rel, 1, 1, f"entry id '{stem}' is reserved: MkDocs would publish {stem}.md as the entries "
                     "folder's own page, so every link to it would be broken",
                     f"rename the file to say what the entry is, e.g. {example}.yaml")
        return False
    if not re.fullmatch(schema.ID_PATTERN, stem) or len(stem) > schema.ID_MAX:
        report.error(rel, 1, 1, f"file name '{stem}' is not a valid entry id",
                     f"use lowercase letters, digits and single hyphens, at most 80 characters, e.g. {example}")
        return False
    if stem in seen:
        report.error(rel, 1, 1, f"entry id '{stem}' is already used by {seen[stem]}", "ids must be unique: rename one file")
        return False
    seen[stem] = rel
    return True


def type_rules(fields: dict, root: yaml.MappingNode, ctx: Ctx) -> None:
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


def check_refs(rel: str, refs: list[tuple[str, str, int, int]], known: dict[str, set[str]], entry_id: str,
                report: Report) -> None:
    """Report references to ids that do not exist; the first SUGGEST_AT_MOST get a 'did you mean', the rest one line."""
    where = {"actors": "evidence/actors.yaml", "tags": "evidence/tags.yaml"}
    unknown = 0
    rest: dict[str, int] = {}
    first_rest: tuple[int, int] | None = None
    for registry, value, line, col in refs:
        registry, _, field = registry.partition("@")  # entries@notes: an [entry link](entry:ID) in notes
        if registry == "entries" and value == entry_id:
            report.error(rel, line, col, f"'{field}' links to this entry itself" if field else
                         f"entry '{value}' lists itself as related", "link to another entry" if field else "")
            continue
        if value in known[registry]:
            continue
        unknown += 1
        if unknown > SUGGEST_AT_MOST:  # a file listing 160,000 unknown ids must not cost minutes of difflib
            rest[registry] = rest.get(registry, 0) + 1
            first_rest = first_rest or (line, col)
        elif registry == "entries":
            what = f"entry '{value}' linked in '{field}'" if field else f"related entry '{value}'"
            report.error(rel, line, col, f"{what} does not exist", did_you_mean(value, sorted(known["entries"])))
        else:
            report.error(rel, line, col, f"{registry[:-1]} '{value}' is not in {where[registry]}",
                         did_you_mean(value, sorted(known[registry])) or f"add it to {where[registry]} first")
    if first_rest:
        names = {"entries": "related entries", "actors": "actors", "tags": "tags"}
        counts = ", ".join(f"{n:,} {names[r]}" for r, n in sorted(rest.items()))
        report.error(rel, *first_rest, f"…and {sum(rest.values()):,} more unknown ids from here on ({counts})",
                     f"only the first {SUGGEST_AT_MOST} are listed; fix those, then check again")


def check_media(ctx: Ctx, fields: dict, root: yaml.MappingNode, paths: Paths, hashes: Hashes,
                 media_root: Path, pending: list[PendingMedia]) -> None:
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
        if refusal := media_refusal(paths, name):
            ctx.error(file_node, *refusal)
            continue
        real = (paths.media / name).resolve()
        if not real.is_relative_to(media_root):  # no link on the way, so this only guards the code above
            ctx.error(file_node, f"media file '{name}' points outside evidence/media/", "replace the link with the file itself")
            continue
        if "sha256" not in item:
            continue
        if (actual := hashes.sha256(real)) != item["sha256"]:
            ctx.error(sha_node or file_node, f"sha256 does not match media file '{name}' (the file's is {actual})",
                      f"if the file was replaced on purpose, run: python -m scripts hash {ctx.rel}")
            continue
        m = file_node.start_mark
        pending.append(PendingMedia(ctx.rel, m.line + 1, m.column + 1, name, item.get("publish_original", True),
                                     actual, real))


def media_refusal(paths: Paths, name: str) -> tuple[str, str] | None:
    """Why the media file ``name`` is not read (missing, a link, in a linked folder, not a file), or None."""
    here, parts = paths.root, ["evidence", "media", *name.split("/")]
    for i, part in enumerate(parts):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return f"media file '{name}' not found in evidence/media/", ""
        except OSError as exc:
            return f"media file '{name}' cannot be read: {exc.strerror or exc}", ""
        last = i == len(parts) - 1
        if stat.S_ISLNK(mode):
            if last:
                return (f"media file '{name}' is a symbolic link; links are not followed",
                        "commit the image itself in evidence/media/, not a link to it")
            return (f"media file '{name}' is inside {'/'.join(parts[:i + 1])}/, a symbolic link to a folder; "
                    "links are not followed", "commit the folder and its images themselves, not a link to them")
        if last and not stat.S_ISREG(mode):
            return f"media file '{name}' is {kind(mode)}, not a regular file", "replace it with the image file itself"
        if not last and not stat.S_ISDIR(mode):
            return f"media file '{name}' not found in evidence/media/", ""
    return None


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


def warnings(fields: dict, root: yaml.MappingNode, ctx: Ctx) -> None:
    quote = fields.get("quote")
    if quote and len(quote.get("text", "").split()) > 25:
        node = next(v for k, v in root.value if k.value == "quote")
        ctx.warning(node, "quote is longer than 25 words", "quote a short excerpt and summarise the rest")
    if fields.get("type") == "petition" and "signatures" not in fields:
        ctx.warning(root, "petition without 'signatures'", "add {count, as_of} if a source reports a count")
