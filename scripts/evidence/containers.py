"""The container specs of the format: lists, objects with declared fields, and maps."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import re

import yaml

from .scalars import Text
from .spec import INVALID, Spec, did_you_mean, got, mapping_items


@dataclass
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    min_items: int = 0
    unique: bool = True
    doc: str = ""

    def check(self, node, ctx, name):
        if not isinstance(node, yaml.SequenceNode):
            ctx.error(node, f"'{name}' must be a list, not {got(node)}", "write one '- item' per line")
            return INVALID
        if len(node.value) < self.min_items:
            ctx.error(node, f"'{name}' needs at least {self.min_items} item{'s' if self.min_items > 1 else ''}")
            return INVALID
        out, seen = [], set()
        for i, child in enumerate(node.value):
            value = self.item.check(child, ctx, f"{name}[{i + 1}]")
            if value is INVALID:
                continue
            if self.unique and isinstance(value, (str, int)):
                if value in seen:
                    ctx.error(child, f"'{name}' lists '{value}' twice", "remove the repeat")
                    continue
                seen.add(value)
            out.append(value)
        return out

    def json(self):
        out = {"type": "array", "items": self.item.json()}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.unique:
            out["uniqueItems"] = True
        return out

    def describe(self):
        return self.doc or f"list of {self.item.describe()}"


@dataclass
class Field:
    """A named field of an object: its spec, whether it is required, and its documentation."""

    spec: Spec
    required: bool = False
    doc: str = ""
    required_note: str = ""

    def __post_init__(self):
        if self.required and hasattr(self.spec, "empty_hint"):  # an empty required field cannot be removed
            self.spec = copy.copy(self.spec)
            self.spec.empty_hint = "write a value: this field is required"


@dataclass
class Obj(Spec):
    fields: dict[str, Field] = field(default_factory=dict)
    doc: str = ""
    title: str = ""

    def check(self, node, ctx, name):
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, f"'{name}' must be a mapping of field: value, not {got(node)}" if name
                      else f"an entry must be a mapping of field: value, not {got(node)}")
            return INVALID
        out: dict[str, Any] = {}
        present = set()
        for key, value in mapping_items(node, ctx):
            fname = key.value
            present.add(fname)
            full = f"{name}.{fname}" if name else fname
            spec = self.fields.get(fname)
            if spec is None:
                hint = did_you_mean(fname, list(self.fields)) or "allowed: " + ", ".join(self.fields)
                ctx.error(key, f"unknown field '{full}'", hint)
                continue
            checked = spec.spec.check(value, ctx, full)
            if checked is not INVALID:
                out[fname] = checked
        for fname, spec in self.fields.items():
            if spec.required and fname not in present:
                full = f"{name}.{fname}" if name else fname
                ctx.error(node, f"missing required field '{full}'", spec.doc)
        return out

    def json(self):
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [k for k, f in self.fields.items() if f.required],
            "properties": {k: {"description": f.doc, **f.spec.json()} for k, f in self.fields.items()},
        }

    def describe(self):
        return self.doc or "mapping with " + ", ".join(f"`{k}`" for k in self.fields)


@dataclass
class MapOf(Spec):
    """A mapping from ids (the registries) to objects."""

    value: Spec = field(default_factory=Obj)
    key_pattern: str = r"[a-z0-9]+(-[a-z0-9]+)*"
    doc: str = ""
    key_hint: str = "an id: lowercase letters, digits and single hyphens, at most 80 characters"

    def check(self, node, ctx, name):
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, f"'{name}' must be a mapping of id: fields, not {got(node)}")
            return INVALID
        out = {}
        for key, value in mapping_items(node, ctx):
            if not re.fullmatch(self.key_pattern, key.value) or len(key.value) > 80:
                ctx.error(key, f"id '{key.value}' is not valid",
                          "use lowercase letters, digits and single hyphens, at most 80 characters")
                continue
            checked = self.value.check(value, ctx, f"{name}.{key.value}" if name else key.value)
            if checked is not INVALID:
                out[key.value] = checked
        return out

    def json(self):
        names = {"pattern": f"^(?:{self.key_pattern})$", "maxLength": 80, "patternErrorMessage": self.key_hint}
        return {"type": "object", "propertyNames": names,
                "additionalProperties": self.value.json()}
