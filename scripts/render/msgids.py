"""Every interface string the site shows, as catalogs must translate it (for tests and catalog upkeep)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from .. import config as site_config
from ..evidence.schema import TYPE_LABELS
from ..settings import DEFAULT_KINDS
from . import feeds
from ..publish.languages import LICENCE_NOTE, SOURCE_LABEL
from ..publish.searchtext import UI_STRINGS
from .formatting import QUALIFIERS

METHODS = [("templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}


def _nav_labels(items) -> list[str]:
    if isinstance(items, list):
        return [x for item in items for x in _nav_labels(item)]
    if isinstance(items, dict):
        return [x for k, v in items.items() for x in (k, *_nav_labels(v))]
    return []


def msgids(root: Path) -> dict[str, bool]:
    """msgid → whether it is plural (ngettext): the code's calls, the label tables, mkdocs.yml's names and nav."""
    found: dict[str, bool] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            Path(__file__).parent, METHODS, OPTIONS, keywords={"_": None, "gettext": None, "ngettext": (1, 2)}):
        if isinstance(message, tuple):
            found[message[0]] = True
        elif message:
            found.setdefault(message, False)
    raw = site_config.raw(root)
    tables = [x for pair in TYPE_LABELS.values() for x in pair] + [x for _, s, p in DEFAULT_KINDS for x in (s, p)] + \
        list(feeds.KIND_LABELS.values()) + list(QUALIFIERS.values()) + [SOURCE_LABEL, LICENCE_NOTE] + \
        list(UI_STRINGS.values())
    for text in tables:
        found.setdefault(str(text), False)
    # mkdocs.yml's names and nav, except what the archive translates itself (extra.archive.translations)
    cfg = site_config.load(root)
    own = [set(cfg.archive.translations.get(x) or {}) for x in cfg.languages.others]
    for text in [raw.get("site_name"), raw.get("site_description"), *_nav_labels(raw.get("nav"))]:
        if text and not (own and all(str(text) in x for x in own)):
            found.setdefault(str(text), False)
    return found
