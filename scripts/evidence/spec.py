"""Building blocks for the record schema: each one checks a YAML node and describes itself.

A spec turns a node into a plain value while reporting problems with positions, and
emits its JSON Schema and a line of documentation, so the checker, ``schema.json``
and the format reference cannot drift apart.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Report

INVALID = object()  # a value that failed its check; callers skip it silently
STR_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG, NULL_TAG = (f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "float", "null"))
_MERGE = "tag:yaml.org,2002:merge"
_KIND = {BOOL_TAG: "true/false", INT_TAG: "a number", FLOAT_TAG: "a number",
         NULL_TAG: "empty", "tag:yaml.org,2002:map": "a mapping", "tag:yaml.org,2002:seq": "a list"}
# Invisible characters that can disguise text (bidi overrides, zero-width spaces) or break feeds.
# U+FFFE and U+FFFF are not characters at all, and XML 1.0 forbids them (feeds could not carry them).


@dataclass
class Ctx:
    """Where a check runs: the file, the report, and references to resolve later."""

    rel: str
    report: Report
    refs: list[tuple[str, str, yaml.Node]] = field(default_factory=list)

    def error(self, node: yaml.Node, message: str, hint: str = "") -> None:
        m = node.start_mark
        self.report.error(self.rel, m.line + 1, m.column + 1, message, hint)

    def warning(self, node: yaml.Node, message: str, hint: str = "") -> None:
        m = node.start_mark
        self.report.warning(self.rel, m.line + 1, m.column + 1, message, hint)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return a 'did you mean' hint for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


# Tags a plain value can resolve to without an explicit YAML tag: to the writer these are text.
_IMPLICIT_TEXT = {STR_TAG, "tag:yaml.org,2002:value"}  # a lone '=' resolves to !!value


def _tagged(node: yaml.Node) -> bool:
    """Tell whether the node carries an explicit YAML tag we do not accept (!!binary, !!python/…, !local)."""
    return node.tag not in _KIND and node.tag not in _IMPLICIT_TEXT


def _show_tag(tag: str) -> str:
    tag = tag.replace("tag:yaml.org,2002:", "!!", 1)
    return tag if len(tag) <= 60 else tag[:59] + "…"


def got(node: yaml.Node) -> str:
    if _tagged(node):
        return f"a value tagged {_show_tag(node.tag)}"
    if isinstance(node, yaml.ScalarNode):
        return _KIND.get(node.tag, "text")
    return _KIND.get(node.tag, "something else")


def mapping_items(node: yaml.MappingNode, ctx: Ctx):
    """Yield (key node, value node) pairs, reporting duplicate, merge and non-text keys."""
    seen: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if key.tag == _MERGE:
            ctx.error(key, "YAML merge keys (<<) are not allowed", "write each field out in full")
        elif not isinstance(key, yaml.ScalarNode):
            ctx.error(key, "keys must be plain text")
        elif key.value in seen:
            ctx.error(key, f"duplicate key '{key.value}'", f"first defined at line {seen[key.value].start_mark.line + 1}; keep one")
        else:
            seen[key.value] = key
            yield key, value


class Spec:
    """Base class: ``check`` returns the value or INVALID; ``json`` returns JSON Schema."""

    doc = ""

    def check(self, node: yaml.Node, ctx: Ctx, name: str) -> Any:
        raise NotImplementedError

    def json(self) -> dict:
        raise NotImplementedError

    def describe(self) -> str:
        return self.doc


def scalar(node: yaml.Node, ctx: Ctx, name: str, tags: tuple[str, ...], want: str) -> str | None:
    """Return the scalar's text if its YAML type is one of ``tags``, else report."""
    if isinstance(node, yaml.ScalarNode) and node.tag in tags:
        return node.value
    hint = ""
    if _tagged(node):
        hint = "remove the YAML tag"
    elif isinstance(node, yaml.ScalarNode) and STR_TAG in tags:
        hint = f'put the value in quotes: "{node.value}"' if node.value else "write a value after the colon"
    ctx.error(node, f"'{name}' must be {want}, not {got(node)}", hint)
    return None
