"""``python -m scripts hash``: rewrite the ``sha256`` of media items after their files were replaced.

Only the text of each stale value changes (found by its position in the YAML node tree); every
other byte of the file, comments, order, quoting and line endings included, is kept as written.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..evidence import schema

from ..evidence import yamlfile
from ..store import sha256_file
from ..evidence.problems import Report
from ..evidence.spec import INVALID, Ctx

_STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Change:
    """One sha256 value written: where, for which media file, and the value it replaced ('' if none)."""

    rel: str
    line: int
    col: int
    file: str
    old: str
    new: str

    def __str__(self) -> str:
        what = f"was {self.old[:12]}…" if self.old else "it had none"
        return f"{self.rel}:{self.line}:{self.col}: updated sha256 of '{self.file}' ({what})"


@dataclass
class Result:
    changes: list[Change]
    files: int  # entry files read


def entries_with_media(root: Path) -> list[Path]:
    """Every entry file under evidence/entries/ that mentions media, in a stable order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root / "evidence" / "entries"):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name.endswith(".yaml") and re.search(rb"^media\s*:", path.read_bytes(), re.MULTILINE):
                found.append(path)
    return found


def rehash(root: Path, paths: list[Path], report: Report) -> Result:
    """Bring the sha256 of every media item in ``paths`` up to date; problems go to ``report``."""
    changes: list[Change] = []
    media_root = (root / "evidence" / "media").resolve()
    for path in paths:
        rel = _rel(root, path)
        if not path.is_file():
            report.error(rel, 1, 1, "no such entry file")
            continue
        changes += _rehash_file(path, rel, media_root, report)
    return Result(changes, len(paths))


def _rehash_file(path: Path, rel: str, media_root: Path, report: Report) -> list[Change]:
    raw = path.read_bytes()
    node = yamlfile.load(path, rel, report)
    if node is None:
        return []
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    text = raw.decode("utf-8")[len(bom):]  # node marks count characters after the BOM
    edits: list[tuple[int, int, str]] = []
    changed: list[tuple[int, str, str]] = []  # (item number, file, old value)
    for i, item in enumerate(_media_items(node), 1):
        if not isinstance(item, yaml.MappingNode):
            continue  # the checker reports it
        found = _item_hash(item, i, rel, media_root, report)
        if found is None:
            continue
        file_key, file_node, sha_node, name, digest = found
        if sha_node is None:
            start, replacement = _insertion(text, item, file_key, file_node, digest)
            edits.append((start, start, replacement))
        elif not isinstance(sha_node, yaml.ScalarNode):
            Ctx(rel, report).error(sha_node, f"'media[{i}].sha256' must be one value, not a list or mapping",
                                   f"write sha256: \"{digest}\"")
            continue
        elif sha_node.value != digest:
            edits.append((sha_node.start_mark.index, sha_node.end_mark.index, _scalar(text, sha_node, digest)))
        else:
            continue
        changed.append((i, name, sha_node.value if sha_node is not None else ""))
    if not edits:
        return []
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    _write(path, (bom + text).encode("utf-8"))
    return _changes(text, rel, changed)


def _changes(text: str, rel: str, changed: list[tuple[int, str, str]]) -> list[Change]:
    """Describe each change at the position of the new value in the rewritten file."""
    items = _media_items(yaml.compose(text, Loader=yamlfile.Loader))
    out = []
    for i, name, old in changed:
        sha = next(v for k, v in items[i - 1].value if k.value == "sha256")
        out.append(Change(rel, sha.start_mark.line + 1, sha.start_mark.column + 1, name, old, sha.value))
    return out


def _media_items(root: yaml.Node) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "media" and isinstance(value, yaml.SequenceNode):
            return value.value  # every item, so that numbers match the checker's media[N]
    return []


def _item_hash(item: yaml.MappingNode, i: int, rel: str, media_root: Path, report: Report):
    """Return (file key, file node, sha256 node or None, file name, file's sha256), or None after reporting."""
    nodes = {k.value: (k, v) for k, v in item.value if isinstance(k, yaml.ScalarNode)}
    if "file" not in nodes:
        return None  # the checker reports the missing field
    file_key, file_node = nodes["file"]
    ctx = Ctx(rel, report)
    name = schema.MediaPath().check(file_node, ctx, f"media[{i}].file")
    if name is INVALID:
        return None
    path = media_root / name
    if not os.path.lexists(path):
        ctx.error(file_node, f"media file '{name}' not found in evidence/media/")
        return None
    real = path.resolve()
    if not real.is_relative_to(media_root) or not real.is_file():
        ctx.error(file_node, f"media file '{name}' is not a regular file inside evidence/media/")
        return None
    sha = nodes.get("sha256")
    return file_key, file_node, sha[1] if sha else None, name, sha256_file(real)


def _scalar(text: str, node: yaml.ScalarNode, digest: str) -> str:
    """The new value written in the old value's quoting style."""
    start = node.start_mark.index
    if start == node.end_mark.index:  # "sha256:" with nothing after it
        return (" " if text[start - 1:start] == ":" else "") + f'"{digest}"'
    if node.style == "'":
        return f"'{digest}'"
    if node.style in ("|", ">"):  # a block scalar's span ends with its line breaks: keep them
        span = text[start:node.end_mark.index]
        return f'"{digest}"' + span[len(span.rstrip()):]
    if node.style == '"' or not _plain_is_text(digest):
        return f'"{digest}"'
    return digest


def _plain_is_text(value: str) -> bool:
    """Tell whether ``value`` written without quotes reads back as text (not, say, a number)."""
    node = yaml.compose(value, Loader=yamlfile.Loader)
    return node is not None and node.tag == _STR


def _insertion(text: str, item: yaml.MappingNode, key: yaml.Node, value: yaml.Node, digest: str) -> tuple[int, str]:
    """Where and what to insert for an item that has no sha256 yet: right after its file."""
    if item.flow_style:
        return value.end_mark.index, f', sha256: "{digest}"'
    end = text.find("\n", value.end_mark.index)
    end = len(text) if end < 0 else end
    if text[end - 1:end] == "\r":
        end -= 1
    newline = "\r\n" if text[end:end + 2] == "\r\n" else "\n"
    return end, f'{newline}{" " * key.start_mark.column}sha256: "{digest}"'


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    shutil.copymode(path, tmp)
    os.replace(tmp, path)


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
