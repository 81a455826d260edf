"""Building blocks for the record schema: each one checks a YAML node and describes itself.

A spec turns a node into a plain value while reporting problems with positions, and
emits its JSON Schema and a line of documentation, so the checker, ``schema.json``
and the format reference cannot drift apart.
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

import yaml

from .problems import Report

INVALID = object()  # a value that failed its check; callers skip it silently
_STR, _BOOL, _INT, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "null"))
_KIND = {"tag:yaml.org,2002:bool": "true/false", _INT: "a number", "tag:yaml.org,2002:float": "a number",
         _NULL: "empty", "tag:yaml.org,2002:map": "a mapping", "tag:yaml.org,2002:seq": "a list"}
# Invisible characters that can disguise text (bidi overrides, zero-width spaces) or break feeds.
# U+FFFE and U+FFFF are not characters at all, and XML 1.0 forbids them (feeds could not carry them).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]")
_HTML = re.compile(r"<[A-Za-z/!?]")
_CHAR_REF = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_ANY_BAD = re.compile(_BAD_CHARS.pattern[:-1] + "<&]")  # one fast pass: clean text has none of these
_MERGE = "tag:yaml.org,2002:merge"
HTTP_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+\Z")


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
_IMPLICIT_TEXT = {_STR, "tag:yaml.org,2002:value"}  # a lone '=' resolves to !!value


def _tagged(node: yaml.Node) -> bool:
    """Tell whether the node carries an explicit YAML tag we do not accept (!!binary, !!python/…, !local)."""
    return node.tag not in _KIND and node.tag not in _IMPLICIT_TEXT


def _show_tag(tag: str) -> str:
    tag = tag.replace("tag:yaml.org,2002:", "!!", 1)
    return tag if len(tag) <= 60 else tag[:59] + "…"


def _got(node: yaml.Node) -> str:
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


def _scalar(node: yaml.Node, ctx: Ctx, name: str, tags: tuple[str, ...], want: str) -> str | None:
    """Return the scalar's text if its YAML type is one of ``tags``, else report."""
    if isinstance(node, yaml.ScalarNode) and node.tag in tags:
        return node.value
    hint = ""
    if _tagged(node):
        hint = "remove the YAML tag"
    elif isinstance(node, yaml.ScalarNode) and _STR in tags:
        hint = f'put the value in quotes: "{node.value}"' if node.value else "write a value after the colon"
    ctx.error(node, f"'{name}' must be {want}, not {_got(node)}", hint)
    return None


def check_chars(text: str, node: yaml.Node, ctx: Ctx, name: str) -> bool:
    """Reject invisible and control characters, raw HTML and HTML character references."""
    if not _ANY_BAD.search(text):
        return True
    if bad := _BAD_CHARS.search(text):
        ch = bad.group()
        label = unicodedata.name(ch, "not a character" if ch in "\ufffe\uffff" else "control character")
        ctx.error(node, f"'{name}' contains the invisible character U+{ord(ch):04X} ({label})",
                  "remove it; it can hide or reorder text")
        return False
    if _HTML.search(text):
        ctx.error(node, f"raw HTML is not allowed in '{name}'",
                  "write plain text; '<' may only be followed by a space")
        return False
    if ref := _CHAR_REF.search(text):
        ctx.error(node, f"HTML character references such as '{ref.group()}' are not allowed in '{name}'",
                  "write the character itself")
        return False
    return True


@dataclass
class Text(Spec):
    """Plain text: one line unless ``multiline``."""

    doc: str = "text"
    max_len: int = 0
    multiline: bool = False
    pattern: str = ""
    pattern_hint: str = ""

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_STR,), "text")
        if text is None:
            return INVALID
        if not text.strip():
            ctx.error(node, f"'{name}' is empty", "write a value or remove the field")
            return INVALID
        if not self.multiline and ("\n" in text.strip() or "\r" in text.strip()):  # "\r" also breaks lines
            ctx.error(node, f"'{name}' must be one line", "remove the line breaks")
            return INVALID
        if not check_chars(text, node, ctx, name):
            return INVALID
        if self.max_len and len(text) > self.max_len:
            ctx.error(node, f"'{name}' is too long ({len(text)} characters; at most {self.max_len})",
                      "shorten it")
            return INVALID
        if self.pattern and not re.fullmatch(self.pattern, text):
            ctx.error(node, f"'{name}' is not valid: '{text}'", self.pattern_hint)
            return INVALID
        return text.strip() if not self.multiline else text.rstrip("\n")

    def json(self):
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.max_len:
            out["maxLength"] = self.max_len
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        elif not self.multiline:
            out["pattern"] = r"^[^\r\n]*$"  # "\r" breaks lines too (the checker refuses both)
        return out


@dataclass
class Enum(Spec):
    values: tuple[str, ...] = ()
    doc: str = ""

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_STR,), "one of " + ", ".join(self.values))
        if text is None:
            return INVALID
        if text not in self.values:
            ctx.error(node, f"'{name}' must be one of {', '.join(self.values)} (got '{text}')",
                      did_you_mean(text, self.values))
            return INVALID
        return text

    def json(self):
        return {"type": "string", "enum": list(self.values)}

    def describe(self):
        return self.doc or "one of " + ", ".join(f"`{v}`" for v in self.values)


@dataclass
class Bool(Spec):
    doc: str = "`true` or `false`"

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_BOOL,), "true or false")
        if text is None:
            return INVALID
        return text.lower() in ("true", "yes", "on", "y")

    def json(self):
        return {"type": "boolean"}


@dataclass
class Int(Spec):
    minimum: int = 0
    doc: str = "a whole number"

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_INT,), "a whole number")
        if text is None:
            return INVALID
        try:
            value = int(text.replace("_", ""), 0)
        except ValueError:
            ctx.error(node, f"'{name}' must be a whole number written in decimal (got '{text}')")
            return INVALID
        if value < self.minimum:
            ctx.error(node, f"'{name}' must be at least {self.minimum} (got {value})")
            return INVALID
        return value

    def json(self):
        return {"type": "integer", "minimum": self.minimum}


@dataclass(frozen=True)
class PartialDate:
    """A date known to a year, a month or a day; precision is never invented."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day)

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso()


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass
class DateStr(Spec):
    """A date written as text; ``day_only`` requires YYYY-MM-DD; ``not_future`` rejects dates after today."""

    day_only: bool = False
    not_future: bool = False
    today: Callable[[], date] = date.today
    doc: str = ""

    def check(self, node, ctx, name):
        forms = '"YYYY-MM-DD"' if self.day_only else '"YYYY", "YYYY-MM" or "YYYY-MM-DD"'
        text = _scalar(node, ctx, name, (_STR, _INT), f"a date written as {forms}")
        if text is None:
            return INVALID
        m = _DATE.fullmatch(text)
        if not m or (self.day_only and not m.group(3)):
            ctx.error(node, f"'{name}' must be a date written as {forms} (got '{text}')")
            return INVALID
        y, mo, d = (int(g) if g else 0 for g in m.groups())
        if mo and not 1 <= mo <= 12 or d and not 1 <= d <= calendar.monthrange(y, mo)[1]:
            ctx.error(node, f"'{name}' is not a real date: '{text}'")
            return INVALID
        value = PartialDate(y, mo, d)
        if self.not_future and value.first_day() > self.today():
            ctx.error(node, f"'{name}' is in the future: '{text}'", "use today's date or an earlier one")
            return INVALID
        return value

    def json(self):
        if self.day_only:
            return {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"}
        return {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"}

    def describe(self):
        return self.doc or ('date `"YYYY-MM-DD"`' if self.day_only else 'date `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"`')


@dataclass
class DateTimeTz(Spec):
    doc: str = 'ISO 8601 date and time with a timezone, e.g. `"2016-02-28T12:30:00+01:00"`'

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_STR,), "a date and time")
        if text is None:
            return INVALID
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is None or "T" not in text and " " not in text:
            ctx.error(node, f"'{name}' must be an ISO 8601 date and time (got '{text}')",
                      'e.g. "2016-02-28T12:30:00+01:00"')
            return INVALID
        if value.tzinfo is None:
            ctx.error(node, f"'{name}' has no timezone: '{text}'", "add Z or an offset such as +01:00")
            return INVALID
        return value

    def json(self):
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"}


@dataclass
class Url(Spec):
    doc: str = "an `http://` or `https://` address"

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_STR,), "an address")
        if text is None:
            return INVALID
        if not HTTP_URL.match(text):
            scheme = text.split(":", 1)[0] if ":" in text else ""
            if scheme in ("http", "https") and text.startswith(scheme + "://"):
                hint = "spaces, quotes and angle brackets must be percent-encoded"
            elif re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme) and scheme.lower() not in ("http", "https"):
                hint = f"'{scheme}:' addresses are refused"
            else:  # no scheme (example.org/…, //host/…), an upper-case HTTP, or https:/ with one slash
                hint = "write the whole address, starting with https:// in lowercase"
            ctx.error(node, f"'{name}' must be an http(s) address (got '{text[:80]}')", hint)
            return INVALID
        if not check_chars(text, node, ctx, name):
            return INVALID
        return text

    def json(self):
        return {"type": "string", "pattern": r"^https?://[^\s<>\"'`]+$"}


@dataclass
class Ref(Spec):
    """An id that must exist in a registry (actors, tags) or among entries; resolved later."""

    registry: str = ""
    doc: str = ""

    def check(self, node, ctx, name):
        text = _scalar(node, ctx, name, (_STR,), "an id")
        if text is None:
            return INVALID
        ctx.refs.append((self.registry, text, node))
        return text

    def json(self):
        return {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}


@dataclass
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    min_items: int = 0
    unique: bool = True
    doc: str = ""

    def check(self, node, ctx, name):
        if not isinstance(node, yaml.SequenceNode):
            ctx.error(node, f"'{name}' must be a list, not {_got(node)}", "write one '- item' per line")
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


@dataclass
class Obj(Spec):
    fields: dict[str, Field] = field(default_factory=dict)
    doc: str = ""
    title: str = ""

    def check(self, node, ctx, name):
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, f"'{name}' must be a mapping of field: value, not {_got(node)}" if name
                      else f"an entry must be a mapping of field: value, not {_got(node)}")
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

    def check(self, node, ctx, name):
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, f"'{name}' must be a mapping of id: fields, not {_got(node)}")
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
        return {"type": "object", "propertyNames": {"pattern": f"^(?:{self.key_pattern})$", "maxLength": 80},
                "additionalProperties": self.value.json()}
