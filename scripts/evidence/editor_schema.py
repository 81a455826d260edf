"""Turn the record schema into ``evidence/schema.json`` for editors (yaml-language-server)."""

from __future__ import annotations

import json

from . import schema


def _at(path: str) -> dict:
    """JSON Schema requiring the dotted field path."""
    head, _, rest = path.partition(".")
    if not rest:
        return {"required": [head]}
    return {"required": [head], "properties": {head: _at(rest)}}


def entry_schema() -> dict:
    """Return the JSON Schema (draft 2020-12) of one entry file."""
    out = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "evidence/schema.json",
        "title": f"Evidence entry (format version {schema.FORMAT_VERSION})",
        "description": "One piece of evidence: evidence/entries/**/<id>.yaml. Generated from scripts/evidence/schema.py.",
        **schema.entry_spec().json(),
    }
    rules = []
    for applies, path, message in schema.TYPE_RULES:
        if applies.startswith("*-"):
            cond = {"not": {"properties": {"type": {"const": applies[2:]}}}}
        else:
            cond = {"properties": {"type": {"const": applies}}}
        then = _at(path)
        if path == "media":
            then = {"required": ["media"], "properties": {"media": {"minItems": 1}}}
        rules.append({"if": cond, "then": then, "description": message})
    out["allOf"] = rules
    return out


def render() -> str:
    """Return schema.json's exact text (stable key order, trailing newline)."""
    return json.dumps(entry_schema(), indent=2, ensure_ascii=False) + "\n"
