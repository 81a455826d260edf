"""The scalar specs of the format: text (with the characters and markup it may hold), choices, flags, numbers, addresses, references."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from .spec import BOOL_TAG, FLOAT_TAG, INT_TAG, INVALID, STR_TAG, Ctx, Spec, did_you_mean, scalar

# Characters that are invisible or reorder text: C0/C1 controls but tab and line ends, every format
# character (Unicode category Cf: soft hyphen, ALM, LRM/RLM, zero-width characters, bidi embeddings and
# isolates, invisible operators, tag characters), line and paragraph separators, lone surrogates,
# blank "letters" (Hangul fillers U+115F, U+1160, U+3164, U+FFA0; BRAILLE PATTERN BLANK), the combining
# grapheme joiner, Khmer's invisible vowels, Mongolian variation selectors, supplementary variation
# selectors (they can smuggle data), and non-characters. Visible format characters (Arabic number
# signs U+0600-0605, END OF AYAH U+06DD, …) are allowed. ZWNJ and ZWJ are allowed only where they do
# visible work (see _joiner_ok); tests/test_check.py checks this class against unicodedata.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u2800\u3164\ud800-\udfff\ufdd0-\ufdef"
    "\ufeff\uffa0\ufff9-\ufffb\ufffe\uffff\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef]")
ZWNJ, ZWJ = "\u200c", "\u200d"
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9"
                            "\ufb50-\ufdff\ufe70-\ufefc]")
# Emoji that ZWJ sequences join (👨‍👩‍👧, 🏳️‍🌈, 👩🏽‍⚕️): pictographs, and symbols after VS16 or a skin tone.
_EMOJI = re.compile("[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u297f\u2b00-\u2bff\ufe0f"
                    "\U0001f000-\U0001faff]")
_HTML = re.compile(r"<[A-Za-z/!?]")
_CHAR_REF = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_ANY_BAD = re.compile(_BAD_CHARS.pattern[:-1] + "\u200c\u200d<&]")  # one fast pass: clean text has none of these
_NONCHAR = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
HTTP_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+\Z")
URL_HINT = "an http:// or https:// address written in full; spaces, quotes and angle brackets percent-encoded"


def _joiner_ok(text: str, i: int) -> bool:
    """Tell whether the joiner at ``i`` does visible work.

    ZWNJ between two Arabic-script letters keeps them apart, as Persian, Urdu and Kurdish spelling
    needs (Arabic, French and English never do; quotes in those languages may come). ZWJ between two
    emoji builds one emoji (family, rainbow flag, health worker). Anywhere else either one is invisible
    and can hide a word from search (a ZWJ inside "paypal") or make two names look alike.
    """
    before, after = text[i - 1:i], text[i + 1:i + 2]
    test = _ARABIC_LETTER if text[i] == ZWNJ else _EMOJI
    return bool(before and after and test.match(before) and test.match(after))


def _invisible(text: str) -> str | None:
    """The first character of ``text`` that is invisible where it stands, or None."""
    for bad in _BAD_CHARS.finditer(text):
        return bad.group()
    for m in re.finditer("[\u200c\u200d]", text):
        if not _joiner_ok(text, m.start()):
            return m.group()
    return None


def check_chars(text: str, node: yaml.Node, ctx: Ctx, name: str) -> bool:
    """Reject invisible and control characters, raw HTML and HTML character references."""
    if not _ANY_BAD.search(text):
        return True
    if ch := _invisible(text):
        label = unicodedata.name(ch, "not a character" if _NONCHAR.match(ch) else "control character")
        hint = "remove it; it can hide or reorder text"
        if ch == ZWNJ:
            hint = "remove it; a zero width non-joiner is kept only between two letters of Arabic script"
        elif ch == ZWJ:
            hint = "remove it; a zero width joiner is kept only between two emoji"
        ctx.error(node, f"'{name}' contains the invisible character U+{ord(ch):04X} ({label})", hint)
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


# YAML 1.2 (editors, check-jsonschema) knows only these flags; PyYAML follows YAML 1.1, which also
# reads yes/no/on/off as flags (and editors read them as text), so those are refused with a hint.
_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")
_YAML11_FLAGS = {"yes", "no", "on", "off", "y", "n"}


def _plain(node: yaml.Node) -> bool:
    """Tell whether a scalar is written without quotes (PyYAML's style is None or '' for those)."""
    return isinstance(node, yaml.ScalarNode) and not node.style


@dataclass
class Bool(Spec):
    doc: str = "`true` or `false`"

    def check(self, node, ctx, name):
        if _plain(node) and node.value.lower() in _YAML11_FLAGS and node.tag in (BOOL_TAG, STR_TAG):
            ctx.error(node, f"'{name}' must be true or false (got '{node.value}', a flag only in YAML 1.1; "
                      "editors read it as text)", "write true or false")
            return INVALID
        text = scalar(node, ctx, name, (BOOL_TAG,), "true or false")
        if text is None:
            return INVALID
        if text not in _TRUE + _FALSE:  # an explicit tag on any text: !!bool "maybe"
            ctx.error(node, f"'{name}' must be true or false (got '{text[:40]}')", "write true or false, with no tag")
            return INVALID
        return text in _TRUE

    def json(self):
        return {"type": "boolean"}


_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_NUMBERISH = re.compile(r"[-+]?\.?[0-9]|[-+]?\.(?:inf|nan)\Z", re.I)  # plain text that YAML 1.2 may read as a number
MAX_COUNT = 10**12  # no count in this archive comes near; a bigger one is a typo (or an attack on int())


def _number_hint(text: str) -> str:
    """Say how to write a number that is not plain decimal digits."""
    bare = text.lstrip("+-").lower()
    if "_" in text:
        return "remove the '_' separators: YAML 1.2 editors read 4_000 as text; write 4000"
    if bare.startswith(("0x", "0b", "0o")):
        base = {"x": "hexadecimal", "b": "binary", "o": "octal"}[bare[1]]
        return f"{base} is refused: write the number in decimal digits"
    if ":" in text:
        return "YAML 1.1 reads 1:20 as 80 (base 60): write the number in decimal digits"
    if bare[:1] == "0" and bare[1:2].isdigit():
        return "remove the leading zeros: YAML 1.1 reads 012 as octal (10), YAML 1.2 as 12"
    if bare in (".inf", ".nan"):
        return "write a whole number"
    return "write a whole number in decimal digits only, e.g. 4000"


@dataclass
class Int(Spec):
    minimum: int = 0
    maximum: int = MAX_COUNT
    doc: str = "a whole number"

    def check(self, node, ctx, name):
        if _plain(node) and node.tag in (INT_TAG, FLOAT_TAG, STR_TAG) and not _DECIMAL.fullmatch(node.value):
            if node.tag != STR_TAG or _NUMBERISH.match(node.value):  # 0x1F, 4_000, 1:20, 012, 1.5, .inf, 0o12, 1e3
                shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
                ctx.error(node, f"'{name}' must be a whole number written in decimal digits (got '{shown}')",
                          _number_hint(node.value))
                return INVALID
        text = scalar(node, ctx, name, (INT_TAG,), "a whole number")
        if text is None:
            return INVALID
        if not _DECIMAL.fullmatch(text):  # an explicit tag: !!int "x"
            ctx.error(node, f"'{name}' must be a whole number written in decimal digits", "write it with no tag")
            return INVALID
        if len(text.lstrip("+-")) > len(str(self.maximum)) or int(text) > self.maximum:  # no int() of 10,000 digits
            ctx.error(node, f"'{name}' is too large (at most {self.maximum:,})", "check the number")
            return INVALID
        value = int(text)
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


@dataclass
class EntryType(Enum):
    """The entry's type: one of the types the archive uses; a built-in type it turned off gets its own hint."""

    off: tuple[str, ...] = ()

    def check(self, node, ctx, name):
        text = node.value if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG else None
        if text in self.off:
            ctx.error(node, f"type '{text}' is turned off in this archive (mkdocs.yml extra.archive.types)",
                      f"use one of {', '.join(self.values)}, or add '{text}' to extra.archive.types")
            return INVALID
        return super().check(node, ctx, name)
