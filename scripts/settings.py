"""What an archive says about itself in mkdocs.yml's ``extra.archive``: its entry types, actor kinds,
the home page's first links, and its own words in its other languages.

- ``types``: the built-in entry types this archive uses (default: all eight);
- ``actor_kinds``: kind id → [singular, plural] label, in the default language (default: a neutral set);
- ``ways_in``: hand-written pages the home page links first, each ``{page, label, text}``;
- ``translations``: ``{lang: {text in the default language: translation}}`` for the archive's own words
  (site_name, site_description, nav labels, ways_in, actor kind labels); words the generator's catalogs
  already translate (``scripts/render/locales/``) need no entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .evidence import schema
from .evidence.problems import BuildError

# Kinds of a new archive that declares none: the generator's vocabulary, translated in its catalogs.
DEFAULT_KINDS = (("government", "Government", "Government"), ("organization", "Organisation", "Organisations"),
                 ("person", "Person", "People"), ("media", "Media", "Media"), ("court", "Court", "Courts"),
                 ("campaign", "Campaign", "Campaigns"))
_WHERE = "mkdocs.yml: extra.archive"


@dataclass(frozen=True)
class WayIn:
    """A hand-written page the home page links, with its label and a line saying what it holds."""

    page: str
    label: str
    text: str = ""

    @property
    def url(self) -> str:
        """The page's address relative to its site (directory URLs, as MkDocs writes them)."""
        stem = self.page.removesuffix(".md")
        return "" if stem == "index" else (stem.removesuffix("/index") if stem.endswith("/index") else stem) + "/"


@dataclass(frozen=True)
class Settings:
    """An archive's own settings (``extra.archive``), with the defaults of a new archive."""

    types: tuple[str, ...] = schema.TYPES
    kinds: tuple[tuple[str, str, str], ...] = DEFAULT_KINDS  # (id, singular, plural)
    ways_in: tuple[WayIn, ...] = ()
    translations: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def kind_ids(self) -> tuple[str, ...]:
        return tuple(k for k, _, _ in self.kinds)

    def kind_label(self, kind: str, plural: bool = False) -> str:
        """The kind's label in the default language (its id when the kind is unknown)."""
        return next((p if plural else s for k, s, p in self.kinds if k == kind), kind)

    def text(self, lang, text: str) -> str:
        """``text`` (in the default language) in ``lang``: the archive's translation, else the generator's."""
        own = (self.translations.get(lang.code) or {}).get(text)
        return own if isinstance(own, str) and own else lang.gettext(text)

    def ways(self, lang) -> list[tuple[str, str, str]]:
        """The ways in as (url, label, text) in ``lang``, for the home and 404 pages."""
        return [(w.url, self.text(lang, w.label), self.text(lang, w.text) if w.text else "") for w in self.ways_in]

    def own_words(self) -> list[str]:
        """The labels this archive defines, which each of its languages must translate."""
        labels = [x for w in self.ways_in for x in (w.label, w.text) if x]
        return labels + [x for _, s, p in self.kinds for x in (s, p)]


def _text_map(value, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise BuildError(f"{_WHERE}.{name} must map each text to its translation, e.g. {{\"Home\": \"Accueil\"}}")
    return value


def _types(value) -> tuple[str, ...]:
    if value is None:
        return schema.TYPES
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        raise BuildError(f"{_WHERE}.types must list the entry types in use, e.g. [article, statement]")
    unknown = [t for t in value if t not in schema.TYPES]
    if unknown:
        raise BuildError(f"{_WHERE}.types: unknown type {', '.join(unknown)} (the built-in types are "
                         f"{', '.join(schema.TYPES)})")
    return tuple(t for t in schema.TYPES if t in value)  # the built-in order, as pages list them


def _kinds(value) -> tuple[tuple[str, str, str], ...]:
    if value is None:
        return DEFAULT_KINDS
    if not isinstance(value, dict) or not value:
        raise BuildError(f"{_WHERE}.actor_kinds must map each kind id to [singular, plural], "
                         "e.g. {ministry: [Ministry, Ministries]}")
    out = []
    for kind, labels in value.items():
        if not (isinstance(kind, str) and re.fullmatch(schema.ID_PATTERN, kind) and isinstance(labels, list)
                and len(labels) == 2 and all(isinstance(x, str) and x.strip() for x in labels)):
            raise BuildError(f"{_WHERE}.actor_kinds.{kind}: give an id of lowercase letters, digits and hyphens "
                             "and its labels as [singular, plural], e.g. ministry: [Ministry, Ministries]")
        out.append((kind, labels[0], labels[1]))
    return tuple(out)


def _ways_in(value) -> tuple[WayIn, ...]:
    if value is None:
        return ()
    hint = "e.g. [{page: background.md, label: Background, text: \": the story in brief.\"}]"
    if not isinstance(value, list):
        raise BuildError(f"{_WHERE}.ways_in must be a list of pages, {hint}")
    out = []
    for item in value:
        ok = isinstance(item, dict) and set(item) <= {"page", "label", "text"} and all(
            isinstance(item.get(k, ""), str) for k in ("page", "label", "text"))
        if not ok or not str(item.get("page", "")).endswith(".md") or not item.get("label") \
                or ".." in item["page"].split("/") or item["page"].startswith("/"):
            raise BuildError(f"{_WHERE}.ways_in: each item needs page (a .md file in content/) and label, {hint}")
        out.append(WayIn(item["page"], item["label"], item.get("text", "")))
    return tuple(out)


def parse(archive: dict) -> Settings:
    """The settings in ``extra.archive``; raise BuildError naming the first malformed one."""
    translations = archive.get("translations") or {}
    if not isinstance(translations, dict):
        raise BuildError(f"{_WHERE}.translations must map a language code to its texts, e.g. fr: {{Home: Accueil}}")
    return Settings(types=_types(archive.get("types")), kinds=_kinds(archive.get("actor_kinds")),
                    ways_in=_ways_in(archive.get("ways_in")),
                    translations={str(k): _text_map(v, f"translations.{k}") for k, v in translations.items()})


def check_complete(settings: Settings, words: list[str], others: tuple[str, ...], root: Path) -> None:
    """Raise BuildError for a ways_in page that does not exist or an archive word a language lacks."""
    from .render.i18n import catalog
    for w in settings.ways_in:
        if not (root / "content" / w.page).is_file():
            raise BuildError(f"{_WHERE}.ways_in links to content/{w.page}, which does not exist: write the page "
                             "or remove the link")
    missing = [f"{code}: {text!r}" for code in others for text in dict.fromkeys(words + settings.own_words())
               if not (settings.translations.get(code) or {}).get(text) and not catalog(code).get(text)]
    if missing:
        raise BuildError(f"{_WHERE}.translations lacks {len(missing)} text{'s' if len(missing) > 1 else ''} "
                         f"({'; '.join(missing[:5])}{'…' if len(missing) > 5 else ''}): every language of the "
                         "site needs the archive's own words (site_name, site_description, nav, ways_in, "
                         "actor_kinds) in extra.archive.translations.<language>")
