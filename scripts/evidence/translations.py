"""Rules for translations: into the site's languages only, complete where the site requires it, and
matching the fields they translate (notes only where the entry has notes, a quote only where it has one)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import Languages
from .spec import Ctx


@lru_cache(maxsize=None)
def language_name(code: str, locale: str = "en") -> str:
    """The language's name written out (Babel's CLDR data), e.g. 'French' for fr; the code if unknown."""
    from babel import Locale, UnknownLocaleError
    try:
        return Locale.parse(locale).languages.get(code, code)
    except (ValueError, UnknownLocaleError):
        return code


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    return None


def entry_rules(fields: dict, root: yaml.MappingNode, ctx: Ctx, langs: Languages) -> None:
    """Warn about translations the site cannot show, missing ones it requires, and fields that do not match."""
    given = fields.get("translations", {})
    node = _value(root, "translations")
    _known_languages(given, node, ctx, langs)
    quote_lang = (fields.get("quote") or {}).get("lang")
    for lang in langs.required:
        if lang not in given:
            ctx.warning(node or root, f"missing translation into {language_name(lang)} ('translations.{lang}')",
                        "add its title and summary" + (" and notes" if fields.get("notes") else "")
                        + " (the site requires this language: extra.archive.require_translations)")
        elif fields.get("notes") and not given[lang].get("notes"):
            ctx.warning(_value(node, lang), f"'translations.{lang}' has no notes, but the entry has notes",
                        "translate the notes too")
        elif fields.get("quote") and quote_lang != lang and not given[lang].get("quote"):
            ctx.warning(_value(node, lang), f"'translations.{lang}' has no quote, but the entry quotes a source "
                        f"in {language_name(quote_lang)}", f"add the quote translated into {language_name(lang)}")
    for lang, t in given.items():
        at = _value(node, lang)
        if fields.get("key_event") and lang in langs.required and not t.get("key_event"):
            ctx.warning(at, f"'translations.{lang}' has no key_event, but the entry marks a key event",
                        f"add its label in {language_name(lang)}")
        if t.get("notes") and not fields.get("notes"):
            ctx.warning(_value(at, "notes") or at, f"'translations.{lang}.notes' translates notes the entry does not have")
        if t.get("key_event") and not fields.get("key_event"):
            ctx.warning(_value(at, "key_event") or at, f"'translations.{lang}.key_event' labels a key event the "
                        "entry does not mark", "add 'key_event' to the entry, or remove this label")
        if t.get("quote") and (not fields.get("quote") or quote_lang == lang):
            ctx.warning(_value(at, "quote") or at, f"'translations.{lang}.quote' has no quote to translate"
                        + (f" (the quote is already in {language_name(lang)})" if quote_lang == lang else ""))


def _known_languages(given: dict, node: yaml.Node | None, ctx: Ctx, langs: Languages) -> None:
    for key_node, _ in (node.value if isinstance(node, yaml.MappingNode) else ()):
        lang = key_node.value
        if lang == langs.default:
            ctx.error(key_node, f"'translations.{lang}': {language_name(lang)} is the archive's own language",
                      "write that text in the entry's own fields")
        elif lang in given and langs.declared and lang not in langs.all:
            ctx.warning(key_node, f"'translations.{lang}': {language_name(lang)} is not one of the site's languages "
                        f"({', '.join(langs.all)})", "add it to extra.archive.languages in mkdocs.yml, or remove it")


def registry_rules(values: dict, root: yaml.Node, ctx: Ctx, langs: Languages, fields: tuple[str, ...]) -> None:
    """Registries: each item translated into every required language (``fields``: what must be translated;
    a description only where the item has one)."""
    for key_node, item_node in (root.value if isinstance(root, yaml.MappingNode) else ()):
        item = values.get(key_node.value)
        if not isinstance(item, dict):
            continue
        given = item.get("translations", {})
        _known_languages(given, _value(item_node, "translations"), ctx, langs)
        for lang in langs.required:
            missing = [f for f in fields if f not in given.get(lang, {}) and (f != "description" or item.get(f))]
            if missing:
                ctx.warning(key_node, f"'{key_node.value}' has no {language_name(lang)} {' or '.join(missing)} "
                            f"('translations.{lang}')", "add the translation (extra.archive.require_translations)")
