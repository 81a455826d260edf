"""The evidence format, version 1, declared once.

The checker walks these declarations, ``python -m scripts schema`` turns them into
``evidence/schema.json`` for editors, and the site's format reference is rendered from
them. Change the format here and nowhere else.
"""

from __future__ import annotations

import re

from .markup import ENTRY_ID, ENTRY_ID_MAX, Markdown
from .dates import DateStr, DateTimeTz
from .containers import Field, ListOf, MapOf, Obj
from .scalars import Bool, Enum, EntryType, Int, Ref, Text, Url
from .spec import INVALID, Spec, scalar

FORMAT_VERSION = 1
ID_PATTERN = ENTRY_ID.pattern  # declared beside the entry links of notes, which check it too
ID_MAX = ENTRY_ID_MAX
TYPES = ("article", "statement", "screenshot", "social-post", "petition", "report", "legal", "video")
# How each type is named on the site and in feeds: (singular, plural).
TYPE_LABELS = {"article": ("Article", "Articles"), "statement": ("Statement", "Statements"),
               "screenshot": ("Screenshot", "Screenshots"), "social-post": ("Social post", "Social posts"),
               "petition": ("Petition", "Petitions"), "report": ("Report", "Reports"),
               "legal": ("Legal record", "Legal records"), "video": ("Video", "Videos")}
# Types that are the evidence itself (the actor's own words, the court's record), not coverage of it.
PRIMARY_TYPES = ("statement", "legal", "petition", "report")
LANG = r"[a-z]{2}"
COUNT_QUALIFIERS = ("about", "at_least", "more_than")
KEY_EVENT_MAX = 100
MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".avif")


class MediaPath(Text):
    """A path relative to evidence/media/; existence, symlinks and hashes are checked later."""

    def check(self, node, ctx, name):
        text = super().check(node, ctx, name)
        if text is INVALID:
            return INVALID
        parts = text.split("/")
        if text.startswith("/") or re.match(r"[A-Za-z]:", text) or "\\" in text:
            ctx.error(node, f"'{name}' must be a path relative to evidence/media/ (got '{text}')",
                      "write it like 2016/unlike-tracker.png")
            return INVALID
        if any(p in ("", ".", "..") for p in parts):
            ctx.error(node, f"'{name}' must stay inside evidence/media/ (got '{text}')",
                      "no '..', '.' or empty parts")
            return INVALID
        ctx.refs.append(("media", text, node))
        return text


class Sha256(Spec):
    doc = "SHA-256 of the file, 64 hexadecimal digits (`python -m scripts hash` writes it)"

    def check(self, node, ctx, name):
        text = scalar(node, ctx, name, ("tag:yaml.org,2002:str",), "64 hexadecimal digits")
        if text is None:
            return INVALID
        if not re.fullmatch(r"[0-9a-f]{64}", text):
            ctx.error(node, f"'{name}' must be 64 lowercase hexadecimal digits", "run: python -m scripts hash")
            return INVALID
        return text

    def json(self):
        return {"type": "string", "pattern": "^[0-9a-f]{64}$",
                "patternErrorMessage": "64 lowercase hexadecimal digits: run python -m scripts hash"}


SOURCE = Obj(doc="where the evidence was published", fields={
    "url": Field(Url(), doc="address of the source, exactly as published"),
    "publisher": Field(Text(max_len=200), doc="who published it (outlet, organisation, account)"),
    "author": Field(Text(max_len=200), doc="author or byline, when known"),
    "archive_url": Field(Url(), doc="an archived copy (e.g. a web archive snapshot)"),
})

QUOTE = Obj(doc="a short excerpt in the original language", fields={
    "text": Field(Text(max_len=500, multiline=True), required=True, doc="the excerpt, verbatim"),
    "lang": Field(Text(pattern=LANG, pattern_hint="two lowercase letters, e.g. fr"), required=True,
                  doc="language of the excerpt, ISO 639-1"),
    "translation": Field(Text(max_len=1000, multiline=True), doc="English translation"),
})

MEDIA_ITEM = Obj(doc="an image file held in evidence/media/", fields={
    "file": Field(MediaPath(doc="path relative to evidence/media/"), required=True,
                  doc="path relative to `evidence/media/`"),
    "sha256": Field(Sha256(), required=True, doc="SHA-256 of the file"),
    "alt": Field(Text(max_len=500), required=True, doc="text alternative describing the image"),
    "caption": Field(Text(max_len=500), doc="caption shown under the image"),
    "captured": Field(DateTimeTz(), doc="when the screenshot was taken, with a timezone"),
    "credit": Field(Text(max_len=200), doc="who made or supplied the image"),
    "publish_original": Field(Bool(), doc="`false` to publish only the metadata-free copies, "
                                          "e.g. when the original carries a location"),
})

CORRECTION = Obj(doc="a public record of a change", fields={
    "date": Field(DateStr(day_only=True), required=True, doc="when the entry was corrected"),
    "note": Field(Markdown(max_len=2000), required=True, doc="what changed and why"),
})


LANG_HINT = "two lowercase letters, e.g. fr"

TRANSLATION = Obj(doc="the entry's text in another language, translated from the original fields", fields={
    "title": Field(Text(max_len=200), required=True, doc="the title, one line, at most 200 characters"),
    "summary": Field(Markdown(max_len=6000), required=True, doc="the summary, with the same Markdown as `summary`"),
    "notes": Field(Markdown(max_len=6000), doc="the notes, when the entry has notes"),
    "key_event": Field(Text(max_len=KEY_EVENT_MAX), doc="the key event's label in this language, when the entry "
                       "marks one"),
    "quote": Field(Text(max_len=1000, multiline=True), doc="the quote translated into this language, when the "
                                                            "entry has a quote in another language"),
})
TRANSLATIONS_DOC = "translations of the text fields, keyed by language code (`fr`, `ar`, …); labelled as translations on the site"


def translations_of(spec: Obj, doc: str) -> Field:
    """The ``translations`` field: a map from language code to ``spec``."""
    return Field(MapOf(key_pattern=LANG, value=spec, doc="language: translated fields"), doc=doc)


def entry_spec(today=None, types: tuple[str, ...] = TYPES) -> Obj:
    """Return the declaration of an entry in an archive that uses ``types``; ``today`` is injectable for tests."""
    added = DateStr(day_only=True, not_future=True, **({"today": today} if today else {}))
    return Obj(title="Evidence entry", fields={
        "type": Field(EntryType(values=types, off=tuple(t for t in TYPES if t not in types)), required=True, doc="what kind of evidence this is"),
        "title": Field(Text(max_len=200), required=True, doc="one line of plain text, in English, at most 200 characters"),
        "date": Field(DateStr(bounded=True), required=True,
                      doc="date of the evidence itself, at the precision the sources give; never invent a day. "
                          "When they give only a bound, `before 2016` or `after 2016-10`; when none, `undated`"),
        "date_approximate": Field(Bool(), doc="`true` when the sources give only an approximate date"),
        "added": Field(added, required=True, doc="when the entry entered the archive; feeds follow this"),
        "summary": Field(Markdown(max_len=5000), required=True,
                         doc="what the evidence says, in our own words: paragraphs, *emphasis* and [links](https://…)"),
        "language": Field(Text(pattern=LANG, pattern_hint="two lowercase letters, e.g. fr"), required=True,
                          doc="language of the source, ISO 639-1 (`en`, `fr`, `ar`, …)"),
        "title_original": Field(Text(max_len=300), doc="the source's own title, in its language"),
        "quote": Field(QUOTE, doc="a short excerpt in the original language"),
        "source": Field(SOURCE, required_note="`source.url` is required for every type except `screenshot`",
                        doc="where the evidence was published"),
        "speaker": Field(Ref(registry="actors", doc="actor id"), required_note="required for `statement`",
                         doc="actor id of who made the statement"),
        "signatures": Field(Obj(doc="petition signatures", fields={
            "count": Field(Int(), required=True, doc="number of signatures"),
            "qualifier": Field(Enum(values=COUNT_QUALIFIERS), doc="when the source gives no exact count: `about`, "
                               "`at_least` or `more_than` that number"),
            "as_of": Field(DateStr(), required=True, doc="when that count was reported"),
        }), doc="petitions: signatures reported, and when"),
        "actors": Field(ListOf(item=Ref(registry="actors", doc="actor id")), doc="actor ids involved"),
        "tags": Field(ListOf(item=Ref(registry="tags", doc="tag id")), doc="tag ids"),
        "media": Field(ListOf(item=MEDIA_ITEM, unique=False), required_note="at least one for `screenshot`",
                       doc="images held in `evidence/media/`"),
        "related": Field(ListOf(item=Ref(registry="entries", doc="entry id")),
                         doc="ids of other entries about the same moment (shown both ways)"),
        "key_event": Field(Text(max_len=KEY_EVENT_MAX), doc="marks one of the few moments that carry the story "
                           "(shown on the home page and highlighted on the timeline): its label, one line in English, "
                           "saying no more than the entry"),
        "notes": Field(Markdown(max_len=5000), doc="editorial notes, e.g. where sources disagree; name another entry as a "
                       "link to it with `[the note's words](entry:ID)` (the id must exist, as in `related`)"),
        "corrections": Field(ListOf(item=CORRECTION, unique=False), doc="public log of changes to the entry"),
        "translations": translations_of(TRANSLATION, TRANSLATIONS_DOC),
    })


# Per-type requirements, declared as data: (type, field path, message).
TYPE_RULES = (
    ("screenshot", "media", "a screenshot needs at least one media item"),
    ("statement", "speaker", "a statement needs 'speaker' (the actor who made it)"),
    ("*-screenshot", "source.url", "needs 'source.url' (every type except screenshot)"),
)


def actors_spec(kinds: tuple[str, ...]) -> MapOf:
    """Return the declaration of the actor registry of an archive whose actor kinds are ``kinds``."""
    return MapOf(doc="actor id: actor", value=Obj(title="Actor", fields={
        "name": Field(Text(max_len=200), required=True, doc="name in English (or as usually written)"),
        "kind": Field(Enum(values=kinds), required=True, doc="what sort of actor"),
        "url": Field(Url(), doc="the actor's own website"),
        "description": Field(Text(max_len=1000, multiline=True), doc="who they are, in a sentence or two"),
        "translations": translations_of(Obj(doc="the actor in another language", fields={
            "name": Field(Text(max_len=200), doc="the name as written in that language (omit when it is the same)"),
            "description": Field(Text(max_len=1000, multiline=True), doc="the description, translated"),
        }), "name and description in other languages, e.g. `{fr: {description: …}, ar: {name: …, description: …}}`"),
    }))


TAGS = MapOf(doc="tag id: tag", value=Obj(title="Tag", fields={
    "label": Field(Text(max_len=100), required=True, doc="short label shown on the site"),
    "description": Field(Text(max_len=1000, multiline=True), doc="what the tag covers"),
    "translations": translations_of(Obj(doc="the tag in another language", fields={
        "label": Field(Text(max_len=100), required=True, doc="the label, translated"),
        "description": Field(Text(max_len=1000, multiline=True), doc="the description, translated"),
    }), "label and description in other languages"),
}))
