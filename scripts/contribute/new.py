"""``python -m scripts new``: write a new entry file, and copy its images, for a contributor to fill in.

Every value given on the command line is checked with the same declarations as the checker
(scripts/evidence/schema.py) before anything is written. Required fields the command cannot know are
written empty with a ``# fill in:`` comment, so that ``check`` names each one until it is
filled. The clock is read once, by the caller, for ``added``: it is input, not output.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .. import config
from ..evidence import schema, yamlfile
from ..store import sha256_file
from ..evidence.problems import BuildError, Report
from ..evidence.rules import example_id
from ..evidence.dates import DateStr, PartialDate
from ..media.containers import unsafe_parts
from ..evidence.spec import Ctx, did_you_mean

# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                           "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l", "ı": "i"})
_APOSTROPHES = re.compile("['’ʼ`´]")
# What Pillow may identify a contributed image as, and the extension it should carry.
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "TIFF": ".tif", "AVIF": ".avif"}
_GPS_IFD = 0x8825


class InputError(Exception):
    """Bad input to ``new``: the message is one line for the user; nothing has been written."""


@dataclass
class Request:
    """What the contributor asked for on the command line."""

    type: str
    title: str
    date: str
    url: str | None = None
    publisher: str | None = None
    language: str | None = None
    speaker: str | None = None
    id: str | None = None
    media: list[Path] = field(default_factory=list)


@dataclass
class Created:
    """What ``create`` wrote: the entry, the media copied, and the fields left to fill in."""

    id: str
    path: Path
    copied: list[Path]
    reused: list[Path]
    to_fill: list[tuple[str, int]]  # (field, line)
    gps: list[str]


@dataclass
class _Media:
    source: Path
    name: str  # relative to evidence/media/
    sha256: str
    gps: bool
    unsafe: str = ""  # what else the original holds that the site may not publish (first part found)


def quote(value: str) -> str:
    """Return ``value`` as a double-quoted YAML scalar that reads back as exactly that text."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def slugify(text: str, max_len: int) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word boundary to at most ``max_len``."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", _APOSTROPHES.sub("", ascii_text))
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_len:
            break
        slug = longer
    return slug or (words[0][:max_len] if words else "")


def entry_ids(entries: Path) -> dict[str, Path]:
    """Map every entry id in the tree to its file."""
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(entries):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")):
                found.setdefault(name.rsplit(".", 1)[0], Path(dirpath, name))
    return found


def unique_id(base: str, taken: dict[str, Path]) -> str:
    """Return ``base``, or ``base-2``, ``base-3``… whichever is free, within the id length limit."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        stem = base[:schema.ID_MAX - len(suffix)].rstrip("-")
        if stem + suffix not in taken:
            return stem + suffix
        n += 1


def _check(spec, value: str, name: str) -> object:
    """Check one command-line value with the checker's own declaration; raise InputError if bad."""
    report = Report()
    node = yamlfile.compose(quote(value), name, report)
    result = spec.check(node, Ctx(name, report), name) if node is not None else None
    if report.errors:
        problem = report.errors[0]
        raise InputError(problem.message + (f" ({problem.hint})" if problem.hint else ""))
    return result


def _check_type(root: Path, value: str) -> None:
    try:
        types = config.settings(root).types  # the types the archive uses (mkdocs.yml extra.archive.types)
    except BuildError as exc:
        raise InputError(str(exc)) from None
    if value not in types:
        off, hint = value in schema.TYPES, did_you_mean(value, types)
        what = f"type '{value}' is turned off in this archive (mkdocs.yml extra.archive.types)" if off else f"unknown type '{value}'"
        raise InputError(f"{what}: use one of {', '.join(types)}" + (f", or add '{value}' to extra.archive.types"
                         if off else f" ({hint})" if hint else ""))


def _check_id(value: str, example: str) -> None:
    if not re.fullmatch(schema.ID_PATTERN, value) or len(value) > schema.ID_MAX:
        raise InputError(f"'--id' is not a valid entry id: '{value}' (use lowercase letters, digits and single "
                         f"hyphens, at most 80 characters, e.g. {example})")


def _registry_ids(root: Path, name: str) -> list[str]:
    path = root / "evidence" / name
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=yamlfile.Loader)
    except (OSError, yaml.YAMLError):
        return []
    return sorted(data) if isinstance(data, dict) else []


def _check_speaker(root: Path, value: str) -> None:
    _check(schema.entry_spec().fields["speaker"].spec, value, "--speaker")
    actors = _registry_ids(root, "actors.yaml")
    if value not in actors:
        hint = did_you_mean(value, actors) or "add the actor to evidence/actors.yaml first"
        raise InputError(f"actor '{value}' is not in evidence/actors.yaml ({hint})")


def _identify(path: Path) -> tuple[str, bool]:
    """Return the image format Pillow finds in the file's bytes, and whether it carries a GPS location."""
    # (what else it carries that the site may not publish is media.containers' verdict: see _plan_media)
    from PIL import Image, UnidentifiedImageError

    accepted = "JPEG, PNG, WebP, GIF, TIFF or AVIF"
    with path.open("rb") as f:
        head = f.read(512)
    if path.suffix.lower() in (".svg", ".svgz") or b"<svg" in head.lower():
        raise InputError(f"--media: '{path.name}' is an SVG drawing, which is refused because it can carry "
                         "scripts (export it as PNG)")
    try:
        with Image.open(path) as img:
            img.verify()  # structure and checksums; Pillow needs a fresh image after this
        with Image.open(path) as img:
            fmt = img.format or ""
            gps = bool(img.getexif().get_ifd(_GPS_IFD))
            img.load()  # decodes the pixels: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InputError(f"--media: '{path.name}' is not an image (accepted: {accepted})") from None
    if fmt not in IMAGE_FORMATS:
        raise InputError(f"--media: '{path.name}' is a {fmt} image, which is not accepted (accepted: {accepted})")
    return fmt, gps


def _plan_media(root: Path, files: list[Path], year: str) -> list[_Media]:
    """Check each image and decide where it goes; refuse anything that would replace a different file."""
    planned: dict[str, _Media] = {}
    for source in files:
        if not source.is_file():
            raise InputError(f"--media: no such file: '{source}'")
        fmt, gps = _identify(source)
        if not source.name.lower().endswith(schema.MEDIA_EXTENSIONS):
            raise InputError(f"--media: '{source.name}' is a {fmt} image but its name does not end in "
                             f"{', '.join(schema.MEDIA_EXTENSIONS)} (rename it to "
                             f"{source.stem}{IMAGE_FORMATS[fmt]})")
        name = f"{year}/{source.name}"
        digest = sha256_file(source)
        dest = root / "evidence" / "media" / name
        other = planned.get(name)
        if (other and other.sha256 != digest) or (dest.exists() and (not dest.is_file() or sha256_file(dest) != digest)):
            raise InputError(f"--media: evidence/media/{name} already exists and is a different file "
                             "(rename your file)")
        unsafe = "" if gps else next(iter(unsafe_parts(fmt, source.read_bytes())), "")
        planned[name] = _Media(source, name, digest, gps, unsafe)
    return list(planned.values())


def _fill(name: str, note: str) -> str:
    return f'{name}: ""  # fill in: {note}'


def render(req: Request, added: date, modeline: str, media: list[_Media],
           actors: list[str] = ()) -> tuple[str, list[tuple[str, int]]]:
    """Return the entry's text and the fields left to fill in, with their line numbers."""
    lines = [f"# yaml-language-server: $schema={modeline}"]
    to_fill: list[tuple[str, int]] = []

    def add(text: str, unfilled: str = "") -> None:
        lines.append(text)
        if unfilled:
            to_fill.append((unfilled, len(lines)))

    add(f"type: {quote(req.type)}")
    add(f"title: {quote(req.title)}")
    add(f"date: {quote(req.date)}")
    add("# date_approximate: true  # uncomment if the sources give only an approximate date")
    add(f"added: {quote(added.isoformat())}")
    if req.language:
        add(f"language: {quote(req.language)}")
    else:
        add(_fill("language", "language of the source, two letters: en, fr, ar…"), "language")
    add('# title_original: ""  # uncomment for the source\'s own title, in its language')
    add("summary: |  # fill in: what the evidence says, in your own words, on the next lines, indented by two spaces",
        "summary")
    if req.url or req.publisher or req.type != "screenshot":
        add("source:")
        if req.url:
            add(f"  url: {quote(req.url)}")
        add(f"  publisher: {quote(req.publisher)}" if req.publisher else
            "  " + _fill("publisher", "who published it: outlet, organisation or account"),
            "" if req.publisher else "source.publisher")
    if req.speaker:
        add(f"speaker: {quote(req.speaker)}")
    add(f"# actors: []  # uncomment and list ids from evidence/actors.yaml{f', e.g. [{actors[0]}]' if actors else ''}")
    add("# tags: []  # uncomment and list ids from evidence/tags.yaml")
    if media:
        add("media:")
        for i, item in enumerate(media, 1):
            add(f"  - file: {quote(item.name)}")
            add(f"    sha256: {quote(item.sha256)}")
            add("    " + _fill("alt", "describe what the image shows, for readers who cannot see it"),
                f"media[{i}].alt")
            add('    # caption: ""  # uncomment for a caption shown under the image')
            add('    # captured: "2016-02-28T12:30:00+01:00"  # uncomment: when it was taken, with a timezone')
            if item.gps:
                add("    publish_original: false  # the original carries a GPS location: publish only the copies")
            elif item.unsafe:
                add(f"    publish_original: false  # the original carries {item.unsafe}: publish only the copies")
    add("# notes: |  # uncomment to say where sources disagree: name each source and what it says")
    return "\n".join(lines) + "\n", to_fill


def create(root: Path, req: Request, today: date) -> Created:
    """Check the request, then write the entry (and copy its images); raise InputError before writing anything."""
    when = _check_request(root, req, today)
    entries = root / "evidence" / "entries"
    entry_id = _choose_id(root, req, entry_ids(entries))
    year = f"{when.year:04d}"
    media = _plan_media(root, req.media, year)
    folder = entries / year
    path = folder / f"{entry_id}.yaml"
    modeline = Path(os.path.relpath(root / "evidence" / "schema.json", folder)).as_posix()
    text, to_fill = render(req, today, modeline, media, _registry_ids(root, "actors.yaml"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:  # "x": never replace a file
            f.write(text)
    except FileExistsError:
        raise InputError(f"{_rel(root, path)} already exists") from None
    copied, reused = _copy_media(root, media)
    return Created(entry_id, path, copied, reused, to_fill, [m.name for m in media if m.gps])


def _check_request(root: Path, req: Request, today: date) -> PartialDate:
    """Check every value given, with the checker's declarations and the per-type rules; return the date."""
    _check_type(root, req.type)
    spec = schema.entry_spec(lambda: today)
    req.title = _check(spec.fields["title"].spec, req.title, "--title")
    when = _check(DateStr(not_future=True, today=lambda: today), req.date, "--date")
    if req.url is not None:
        _check(schema.SOURCE.fields["url"].spec, req.url, "--url")
    elif req.type != "screenshot":
        article = "an" if req.type[0] in "aeiou" else "a"
        raise InputError(f"{article} {req.type} needs the address of its source: add --url URL")
    if req.publisher is not None:
        req.publisher = _check(schema.SOURCE.fields["publisher"].spec, req.publisher, "--publisher")
    if req.language is not None:
        _check(spec.fields["language"].spec, req.language, "--language")
    if req.type == "statement" and not req.speaker:
        raise InputError("a statement needs who made it: add --speaker ACTOR (an id from evidence/actors.yaml)")
    if req.speaker:
        _check_speaker(root, req.speaker)
    if req.type == "screenshot" and not req.media:
        raise InputError("a screenshot needs its image: add --media FILE")
    assert isinstance(when, PartialDate)
    return when


def _choose_id(root: Path, req: Request, taken: dict[str, Path]) -> str:
    """The id given with --id if it is valid and free, else DATE-slug-of-the-title made unique."""
    if req.id:
        _check_id(req.id, example_id(list(taken)))
        if req.id in taken:
            raise InputError(f"entry id '{req.id}' already exists: {_rel(root, taken[req.id])} (choose another --id)")
        return req.id
    slug = slugify(req.title, schema.ID_MAX - len(req.date) - 1)
    if not slug:
        raise InputError(f"the title gives no id: it has no Latin letters or digits ('{req.title}'); "
                         "write the title in English, or give --id")
    return unique_id(f"{req.date}-{slug}", taken)


def _copy_media(root: Path, media: list[_Media]) -> tuple[list[Path], list[Path]]:
    """Copy each image into evidence/media/; an identical file already there is kept as it is."""
    copied, reused = [], []
    for item in media:
        dest = root / "evidence" / "media" / item.name
        if dest.exists():
            reused.append(dest)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.source, dest)
        copied.append(dest)
    return copied, reused


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
