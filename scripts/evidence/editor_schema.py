"""Turn the record schema into JSON Schemas for editors (yaml-language-server).

``evidence/schema.json`` describes an entry; actor and tag ids in it are enums of the
registries' ids, so editors complete them, and ``schema --check`` fails when a registry
changes without the schema being regenerated. ``evidence/actors.schema.json`` and
``evidence/tags.schema.json`` describe the registries themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, Sequence

from .. import config
from ..settings import Settings
from . import schema, yamlfile
from .problems import BuildError, Report
from .spec import INVALID, Ctx

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REGISTRIES = ("actors", "tags")  # the closed lists: ids become enums


def registry_spec(name: str, settings: Settings = Settings()):
    """The declaration of ``evidence/<name>.yaml`` in an archive with these settings (its actor kinds)."""
    return schema.actors_spec(settings.kind_ids) if name == "actors" else schema.TAGS
ID_HINT = "an id: lowercase letters, digits and single hyphens, at most 80 characters"


def _at(path: str) -> dict:
    """JSON Schema requiring the dotted field path."""
    head, _, rest = path.partition(".")
    if not rest:  # named under properties too: strict validators (ajv's strictRequired) look only here
        return {"required": [head], "properties": {head: True}}
    return {"required": [head], "properties": {head: {"type": "object", **_at(rest)}}}  # strict: types named


def _id_defs(ids: Mapping[str, Sequence[str]] | None) -> dict:
    """The ``$defs`` that ``Ref.json()`` points at: each registry's ids, or the id pattern without them."""
    pattern = {"type": "string", "pattern": f"^(?:{schema.ID_PATTERN})$", "maxLength": schema.ID_MAX,
               "patternErrorMessage": ID_HINT}
    defs = {"entries-id": {**pattern, "description": "the id of an entry: its file name without .yaml"}}
    for name in REGISTRIES:
        known = sorted((ids or {}).get(name, ()))
        if known:
            defs[f"{name}-id"] = {"type": "string", "enum": known,
                                  "description": f"an id from evidence/{name}.yaml (add new ones there first)"}
        else:
            defs[f"{name}-id"] = {**pattern, "description": f"an id from evidence/{name}.yaml"}
    return defs


def entry_schema(ids: Mapping[str, Sequence[str]] | None = None, settings: Settings = Settings()) -> dict:
    """Return the JSON Schema (draft 2020-12) of one entry file; ``ids`` are the registries' ids."""
    out = {
        "$schema": DRAFT,
        "$id": "evidence/schema.json",
        "title": f"Evidence entry (format version {schema.FORMAT_VERSION})",
        "description": "One piece of evidence: evidence/entries/**/<id>.yaml. Generated from scripts/evidence/schema.py"
                       " and the ids in evidence/actors.yaml and evidence/tags.yaml.",
        **schema.entry_spec(types=settings.types).json(),
    }
    rules = []
    for applies, path, message in schema.TYPE_RULES:
        if applies not in settings.types and not applies.startswith("*-"):
            continue  # a rule of a type the archive turned off
        if applies.startswith("*-"):
            cond = {"not": {"properties": {"type": {"const": applies[2:]}}}}
        else:
            cond = {"properties": {"type": {"const": applies}}}
        then = _at(path)
        if path == "media":
            then = {"required": ["media"], "properties": {"media": {"type": "array", "minItems": 1}}}
        rules.append({"if": cond, "then": then, "description": message})
    out["allOf"] = rules
    out["$defs"] = _id_defs(ids)
    return out


def registry_schema(name: str, settings: Settings = Settings()) -> dict:
    """Return the JSON Schema of ``evidence/<name>.yaml`` (actors or tags)."""
    spec = registry_spec(name, settings)
    return {"$schema": DRAFT, "$id": f"evidence/{name}.schema.json",
            "title": f"Registry of {name} (format version {schema.FORMAT_VERSION})",
            "description": f"evidence/{name}.yaml: {spec.doc}. Generated from scripts/evidence/schema.py.",
            **spec.json()}


def _dump(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"  # stable key order, trailing newline


def render(ids: Mapping[str, Sequence[str]] | None = None, settings: Settings = Settings()) -> str:
    """Return schema.json's exact text for the given registry ids."""
    return _dump(entry_schema(ids, settings))


def outputs(ids: Mapping[str, Sequence[str]], settings: Settings = Settings()) -> dict[str, str]:
    """Return every editor schema as {path relative to the repository: exact text}."""
    out = {"evidence/schema.json": render(ids, settings)}
    for name in REGISTRIES:
        out[f"evidence/{name}.schema.json"] = _dump(registry_schema(name, settings))
    return out


def archive_settings(root: Path, report: Report) -> Settings:
    """The archive's settings from mkdocs.yml; a malformed one is reported and the defaults used."""
    try:
        return config.settings(Path(root))
    except BuildError as exc:
        report.error("mkdocs.yml", 1, 1, str(exc).removeprefix("mkdocs.yml: "))
        return Settings()


def registry_ids(root: Path, report: Report, settings: Settings | None = None) -> dict[str, list[str]]:
    """Read the registries' ids (as the checker reads the files); problems go to ``report``."""
    ids: dict[str, list[str]] = {}
    settings = archive_settings(root, report) if settings is None else settings
    for name in REGISTRIES:
        spec = registry_spec(name, settings)
        path, rel = Path(root) / "evidence" / f"{name}.yaml", f"evidence/{name}.yaml"
        if not path.is_file():
            report.error(rel, 1, 1, f"registry file {rel} is missing", "create it, even if empty: {}")
            continue
        node = yamlfile.load(path, rel, report)
        value = spec.check(node, Ctx(rel, report), "") if node is not None else INVALID
        ids[name] = [] if value is INVALID else sorted(value)
    return ids
