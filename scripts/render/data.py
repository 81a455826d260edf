"""The archive as data others can reuse: data/entries.json, its JSON Schema, data/entries.csv and entries/<id>/entry.json.

Published once, at the default language's root (content/ → site/). Every file is a pure function of the
checked log and the site's configuration: keys sorted, entries in the timeline's order, no clock.
The time and zone a picture was taken (``captured``) is left out: no page shows it, and a zone can tell
where a contributor was.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

from ..config import SiteConfig
from ..evidence.model import Actor, Archive, Entry, Tag
from ..publish.output import Output
from ..store.pages import PageMemo
from . import fragments, jsonld
from .cite import last_changed
from .data_schema import FORMAT_VERSION, schema
from .i18n import Lang

DATA = "data/"
CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


def _date(d) -> dict[str, Any]:
    return {"text": d.iso(), "iso": d.machine(), "precision": d.precision, "bound": d.bound}


def entry_record(e: Entry, cfg: SiteConfig) -> dict[str, Any]:
    """Every published field of an entry, as plain JSON values."""
    return {
        "id": e.id, "type": e.type, "title": e.title, "title_original": e.title_original,
        "date": _date(e.date), "date_approximate": e.date_approximate, "added": e.added.isoformat(),
        "summary": e.summary, "language": e.language, "notes": e.notes,
        "quote": {"text": e.quote.text, "lang": e.quote.lang, "translation": e.quote.translation} if e.quote else None,
        "source": {"url": e.source.url, "publisher": e.source.publisher, "author": e.source.author,
                   "archive_url": e.source.archive_url},
        "speaker": e.speaker,
        "signatures": {"count": e.signatures.count, "as_of": _date(e.signatures.as_of),
                       "qualifier": e.signatures.qualifier} if e.signatures else None,
        "actors": list(e.actors), "tags": list(e.tags), "related": list(e.related),
        "media": [{"file": m.file, "sha256": m.sha256, "alt": m.alt, "caption": m.caption, "credit": m.credit,
                   "publish_original": m.publish_original} for m in e.media],
        "corrections": [{"date": _date(c.date), "note": c.note} for c in e.corrections],
        "translations": {lang: {"title": t.title, "summary": t.summary, "notes": t.notes, "quote": t.quote}
                         for lang, t in sorted(e.translations.items())},
        "page": cfg.base + e.url,
    }


def _actor(a: Actor) -> dict[str, Any]:
    return {"name": a.name, "kind": a.kind, "url": a.url, "description": a.description,
            "translations": {k: dict(sorted(v.items())) for k, v in sorted(a.translations.items())}}


def _tag(t: Tag) -> dict[str, Any]:
    return {"label": t.label, "description": t.description,
            "translations": {k: dict(sorted(v.items())) for k, v in sorted(t.translations.items())}}


def _json(value: Any) -> bytes:
    return (fragments.dumps(value) + "\n").encode("utf-8")


def export(archive: Archive, cfg: SiteConfig) -> dict[str, Any]:
    """The whole archive as one JSON document (data/entries.json)."""
    return {"format_version": FORMAT_VERSION, "archive": cfg.site_name, "site_url": cfg.base,
            "languages": list(cfg.languages.all),
            "entries": [entry_record(e, cfg) for e in archive.entries],
            "actors": {k: _actor(a) for k, a in sorted(archive.actors.items())},
            "tags": {k: _tag(t) for k, t in sorted(archive.tags.items())}}


def defuse(cell: str) -> str:
    """A cell no spreadsheet evaluates: one starting like a formula gets a leading single quote."""
    return "'" + cell if cell.startswith(CSV_DANGER) else cell


def csv_columns(cfg: SiteConfig) -> list[str]:
    """The CSV's header: one title column per site language."""
    return ["id", "type", "date", "date_precision", *[f"title_{x}" for x in cfg.languages.all], "source_url",
            "publisher", "source_language", "actors", "tags", "page", "added"]


def _title(e: Entry, lang: str, default: str) -> str:
    if lang == default:
        return e.title
    t = e.translations.get(lang)
    return t.title if t else ""


def csv_rows(archive: Archive, cfg: SiteConfig) -> list[list[str]]:
    """One row per entry, actors and topics by their English names, lists joined with '; '."""
    default = cfg.languages.default
    actors = {k: a.name for k, a in archive.actors.items()}
    tags = {k: t.label for k, t in archive.tags.items()}
    return [[e.id, e.type, e.date.iso(), e.date.precision, *[_title(e, x, default) for x in cfg.languages.all],
             e.source.url, e.source.publisher, e.language, "; ".join(actors.get(a, a) for a in e.all_actors),
             "; ".join(tags.get(t, t) for t in e.tags), cfg.base + e.url, e.added.isoformat()]
            for e in archive.entries]


def to_csv(archive: Archive, cfg: SiteConfig) -> bytes:
    """data/entries.csv: UTF-8 with a byte-order mark (so Excel reads Arabic and French), CRLF lines."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(csv_columns(cfg))
    w.writerows([defuse(c) for c in row] for row in csv_rows(archive, cfg))
    return buf.getvalue().encode("utf-8-sig")


def render(archive: Archive, cfg: SiteConfig, memo: PageMemo | None = None) -> list[Output]:
    """The data files, for the one writer; ``memo``: an unchanged entry's entry.json is not encoded again."""
    # entry.json is {"archive", "entry", "format_version"}: keys sorted, the record one level in.
    head = '{\n "archive": %s,\n "entry": ' % json.dumps(cfg.site_name, ensure_ascii=False)
    tail = ',\n "format_version": %s\n}\n' % json.dumps(FORMAT_VERSION)
    files, texts = fragments.entry_files(archive, memo, lambda e: f"entries/{e.id}/entry.json", head, tail,
                                         lambda e: entry_record(e, cfg), fragments.Whole(DATA + "entries.json",
                                                                                         '\n "entries": [', 1))
    empty = _json(export(Archive([], archive.actors, archive.tags), cfg)).decode("utf-8")
    whole = empty.replace('\n "entries": [],\n', '\n "entries": %s,\n' % fragments.join_list(
        [fragments.nest(t, 1) for t in texts], 1), 1)  # a string holds no raw newline: this is the key itself
    return [Output(DATA + "entries.json", whole.encode("utf-8")),
            Output(DATA + "entries.schema.json", _json(schema(cfg.base))),
            Output(DATA + "entries.csv", to_csv(archive, cfg))] + files


DATASET = "_generated/dataset.md"  # in each language's folder: the Dataset JSON-LD of the data files


def dataset_snippets(archive: Archive, cfg: SiteConfig, files: list[Output],
                     langs: Sequence[str] | None = None) -> list[Output]:
    """The Dataset JSON-LD the Data page of each language (of ``langs`` if given) includes (``--8<-- "dataset.md"``),
    from the data files."""
    sizes = {o.path.removeprefix(DATA): len(o.data) for o in files if o.path.startswith(DATA) and o.data is not None}
    modified = max((last_changed(e) for e in archive.entries), default=None)
    out = []
    for code in langs or cfg.languages.all:
        lang = Lang(code)
        description = lang.gettext("Every entry of the archive as data: JSON with its JSON Schema, CSV for "
                                   "spreadsheets, and citations in BibTeX and CSL-JSON, made from the evidence log.")
        doc = jsonld.dataset(cfg, code, cfg.archive.text(lang, cfg.site_name), description, sizes,
                             modified.isoformat() if modified else "")
        here = "" if code == cfg.languages.default else f"{code}/"
        out.append(Output(f"{here}{DATASET}", jsonld.script(doc).encode("utf-8")))
    return out

