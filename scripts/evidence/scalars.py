"""The scalar specs of the format: text (with the characters and markup it may hold), choices, flags, numbers, addresses, references."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from .spec import BOOL_TAG, INT_TAG, INVALID, STR_TAG, Ctx, Spec, did_you_mean, scalar

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]")
_HTML = re.compile(r"<[A-Za-z/!?]")
_CHAR_REF = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_ANY_BAD = re.compile(_BAD_CHARS.pattern[:-1] + "<&]")  # one fast pass: clean text has none of these
HTTP_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+\Z")
URL_HINT = "an http:// or https:// address written in full; spaces, quotes and angle brackets percent-encoded"


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
    empty_hint: str = "write a value or remove the field"  # a required Field sets "write a value…"

    def check(self, node, ctx, name):
        text = scalar(node, ctx, name, (STR_TAG,), "text")
        if text is None:
            return INVALID
        if not text.strip():
            ctx.error(node, f"'{name}' is empty", self.empty_hint)
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
            out["patternErrorMessage"] = self.pattern_hint or "not in the expected form"
        elif not self.multiline:
            out["pattern"] = r"^[^\r\n]*$"  # "\r" breaks lines too (the checker refuses both)
            out["patternErrorMessage"] = "one line of text: remove the line breaks"
        return out


@dataclass
class Enum(Spec):
    values: tuple[str, ...] = ()
    doc: str = ""

    def check(self, node, ctx, name):
        text = scalar(node, ctx, name, (STR_TAG,), "one of " + ", ".join(self.values))
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
        text = scalar(node, ctx, name, (BOOL_TAG,), "true or false")
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
        text = scalar(node, ctx, name, (INT_TAG,), "a whole number")
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


@dataclass
class Url(Spec):
    doc: str = "an `http://` or `https://` address"

    def check(self, node, ctx, name):
        text = scalar(node, ctx, name, (STR_TAG,), "an address")
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
        # As HTTP_URL; written for ECMA-262 'u' mode too, where an escaped quote (\") is a syntax error.
        return {"type": "string", "pattern": "^https?://[^\\s<>\"'`\\x00-\\x1f\\x7f]+$",
                "patternErrorMessage": URL_HINT}


@dataclass
class Ref(Spec):
    """An id that must exist in a registry (actors, tags) or among entries; resolved later."""

    registry: str = ""
    doc: str = ""

    def check(self, node, ctx, name):
        text = scalar(node, ctx, name, (STR_TAG,), "an id")
        if text is None:
            return INVALID
        ctx.refs.append((self.registry, text, node))
        return text

    def json(self):
        # Defined by the whole schema (editor_schema.py): an enum of the registry's ids, where it has one.
        return {"$ref": f"#/$defs/{self.registry}-id"}
