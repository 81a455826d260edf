"""The JSON Schema (draft 2020-12) of data/entries.json, published beside it as data/entries.schema.json."""

from __future__ import annotations

from typing import Any

FORMAT_VERSION = 1  # raise when a field changes meaning or disappears; adding one keeps it

_S = {"type": "string"}
_TEXTS = {"type": "object", "additionalProperties": _S}


def _obj(props: dict[str, Any], desc: str = "") -> dict[str, Any]:
    """An object with exactly these properties, all required."""
    out = {"type": "object", "properties": props, "required": sorted(props), "additionalProperties": False}
    return {"description": desc, **out} if desc else out


_DATE = _obj({"text": {**_S, "description": "as the log writes it: 2016-01, before 2016, after 2016-10, undated"},
              "iso": {**_S, "pattern": "^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$",
                      "description": "ISO 8601 at the precision known; empty when undated"},
              "precision": {"enum": ["day", "month", "year", "undated"]},
              "bound": {"enum": ["", "before", "after", "undated"]}})

_ENTRY = _obj({
    "id": {**_S, "pattern": "^[a-z0-9][a-z0-9-]*$"},
    "type": _S, "title": _S, "title_original": _S, "date": _DATE, "date_approximate": {"type": "boolean"},
    "added": {**_S, "format": "date"}, "summary": {**_S, "description": "the log's Markdown subset"},
    "language": {**_S, "description": "language of the source"}, "notes": _S,
    "quote": {"oneOf": [{"type": "null"}, _obj({"text": _S, "lang": _S, "translation": _S})]},
    "source": _obj({"url": _S, "publisher": _S, "author": _S, "archive_url": _S}),
    "speaker": {**_S, "description": "actor id, or empty"},
    "signatures": {"oneOf": [{"type": "null"}, _obj({"count": {"type": "integer", "minimum": 0}, "as_of": _DATE,
                                                     "qualifier": {"enum": ["", "about", "at_least", "more_than"]}})]},
    "actors": {"type": "array", "items": _S}, "tags": {"type": "array", "items": _S},
    "related": {"type": "array", "items": _S},
    "media": {"type": "array", "items": _obj({"file": _S, "sha256": {**_S, "pattern": "^[0-9a-f]{64}$"}, "alt": _S,
                                               "caption": _S, "credit": _S, "publish_original": {"type": "boolean"}})},
    "corrections": {"type": "array", "items": _obj({"date": _DATE, "note": _S})},
    "translations": {"type": "object", "additionalProperties": _obj(
        {"title": _S, "summary": _S, "notes": _S, "quote": _S})},
    "page": {**_S, "format": "uri"},
})

_REGISTRY_TRANSLATIONS = {"type": "object", "additionalProperties": _TEXTS}


def schema(base: str) -> dict[str, Any]:
    """The schema of data/entries.json, identified by its address on the site."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base + "data/entries.schema.json",
        "title": "Evidence archive export",
        **_obj({
            "format_version": {"const": FORMAT_VERSION}, "archive": _S, "site_url": {**_S, "format": "uri"},
            "languages": {"type": "array", "items": _S},
            "entries": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
            "actors": {"type": "object", "additionalProperties": _obj(
                {"name": _S, "kind": _S, "url": _S, "description": _S, "translations": _REGISTRY_TRANSLATIONS})},
            "tags": {"type": "object", "additionalProperties": _obj(
                {"label": _S, "description": _S, "translations": _REGISTRY_TRANSLATIONS})},
        }),
        "$defs": {"entry": _ENTRY},
    }


def entry_schema(base: str) -> dict[str, Any]:
    """The schema of one entries/<id>/entry.json (the same entry record)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base + "data/entry.schema.json",
            **_obj({"format_version": {"const": FORMAT_VERSION}, "archive": _S, "entry": {"$ref": "#/$defs/entry"}}),
            "$defs": {"entry": _ENTRY}}
