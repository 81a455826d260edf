"""One MkDocs configuration per site language, made from mkdocs.yml with that language's overrides.

The default language is built from content/ into the site's root (without content/<lang>/ of the
others); each other language from content/<lang>/ into <lang>/, with Material's interface in that
language (its direction, right-to-left for Arabic, comes with it), the navigation labels and site name
translated, its own site_url, and a language switch to the same page in the others. While the default
language's MkDocs run lists its files, it does not walk the others' folders (``own_pages``).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from .. import config as site_config
from ..evidence import files
from ..evidence.problems import BuildError
from ..render.i18n import NATIVE_NAMES, Lang
from . import theme
from .output import recorded
from .searchtext import UI_STRINGS

SOURCE_LABEL = "Source and evidence files"  # the repository link in the header
LICENCE_NOTE = "Licence not yet chosen"  # the footer (overrides/partials/copyright.html): the repository has no LICENSE yet


def prefix(lang: str, langs: site_config.Languages) -> str:
    """The language's folder in content/ and in the site: '' for the default, 'fr/' for French."""
    return "" if lang == langs.default else f"{lang}/"


def check_hand_written(root: Path, langs: site_config.Languages, manifest: dict | None = None) -> None:
    """Raise BuildError naming each hand-written page of the default site that a language lacks.

    ``manifest``: content/.generated.json, if the caller has just read it."""
    content = root / "content"
    names = [p.name for p in content.glob("*.md")]
    generated = recorded(content, names, manifest)
    pages = sorted(name for name in names if name not in generated)
    missing = [f"content/{lang}/{name}" for lang in langs.others for name in pages
               if not (content / lang / name).is_file()]
    if missing:
        raise BuildError(f"missing hand-written page{'s' if len(missing) > 1 else ''} {', '.join(missing)}: every "
                         f"language of the site (extra.archive.languages) needs a translation of each page of "
                         f"content/ ({', '.join(pages)}); the previous site/ is unchanged")


OG_LOCALES = {"en": "en_GB", "fr": "fr_FR", "ar": "ar_MA"}  # OpenGraph wants language_TERRITORY


def og_locale(lang: str) -> str:
    """The OpenGraph locale of a site language (its own code where none is known)."""
    return OG_LOCALES.get(lang, lang)


def _nav(items, tr):
    """The nav of mkdocs.yml with its labels translated by ``tr``."""
    if isinstance(items, list):
        return [_nav(x, tr) for x in items]
    if isinstance(items, dict):
        return {tr(k): _nav(v, tr) for k, v in items.items()}
    return items


def not_found(docs: Path) -> dict:
    """The 404 page's title and body the generator rendered (render/notfound.py); {} before a first run."""
    try:  # a regular file, not a link (like every file the build reads)
        data = json.loads(files.read_bytes(docs / "_generated" / "notfound.json"))
    except (files.Refused, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load(root: Path, lang: str, site_dir: Path):
    """The MkDocs config of ``lang``'s site, to be built into ``site_dir``."""
    from mkdocs.config import load_config

    langs = site_config.languages(root)
    site = site_config.load(root)
    here, content, text = prefix(lang, langs), root / "content", Lang(lang)
    raw, base = site_config.raw(root), site.base

    def tr(words: str) -> str:  # the archive's own words: its translations first (settings.py)
        return site.archive.text(text, str(words))
    overrides = {"docs_dir": str(content / here), "site_dir": str(site_dir), "strict": True, **theme.fill_in(raw, root)}
    if here:
        overrides.update(site_url=base + here, site_name=tr(raw["site_name"]),
                         site_description=tr(raw.get("site_description") or "") or None,
                         nav=_nav(raw.get("nav"), tr),
                         # the stylesheets are in content/ once, for every language
                         extra_css=[f"../{x}" for x in raw.get("extra_css") or []])
    else:
        excluded = "".join(f"/{x}/\n" for x in langs.others)
        overrides["exclude_docs"] = (raw.get("exclude_docs") or "") + excluded
    cfg = load_config(config_file=str(root / "mkdocs.yml"), **overrides)
    cfg.theme["language"] = lang
    # snippets resolves base_path from the working directory; pin it to this language's folder
    cfg.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [str(content / here / "_generated")]
    up = "../" if here else ""
    cfg.extra["site_root"] = up  # the search's bundle (pagefind/) and script are at the whole site's root
    cfg.extra["alternate"] = [{"name": NATIVE_NAMES.get(x, x), "lang": x, "link": up + prefix(x, langs),
                               "href": base + prefix(x, langs)} for x in langs.all]
    cfg.extra["default_language"] = langs.default
    cfg.extra["og_locale"] = og_locale(lang)  # overrides/main.html: OpenGraph's locale and its alternates
    cfg.extra["og_alternates"] = [og_locale(x) for x in langs.all if x != lang]
    cfg.extra["source_label"] = text.gettext(SOURCE_LABEL)  # overrides/partials/source.html
    cfg.extra["licence_note"] = text.gettext(LICENCE_NOTE)  # overrides/partials/copyright.html
    cfg.extra["not_found"] = not_found(content / here)  # overrides/404.html
    cfg.extra["search_text"] = {k: text.gettext(v) for k, v in UI_STRINGS.items()}  # overrides/partials/search.html
    if not Path(cfg.docs_dir).is_dir():
        raise BuildError(f"content/{here} is missing: the site's language {lang} needs its pages there")
    return cfg


@contextlib.contextmanager
def own_pages(lang: str, langs: site_config.Languages):
    """While MkDocs lists the default language's docs folder, it does not walk the other languages' entry pages.

    ``exclude_docs`` (``load``) leaves the other languages' folders out of the site anyway, but their pages stay
    listed, as excluded files, so that a link to one (``[fr](fr/index.md)``) resolves. Their generated entry pages
    (``<lang>/entries/``: 10,000 each, which no default-language page links to as Markdown) are not walked: making a
    File of each and matching it against the patterns was 1.25 s of the English run's 2.5 s after an edit at 10,000
    entries. MkDocs walks with ``os.walk``; it is replaced in this process, only while MkDocs lists the files.
    """
    from mkdocs.commands import build as mk

    if lang != langs.default or not langs.others:
        yield
        return
    walk, get_files = os.walk, mk.get_files

    def pruned(top, *args, **kwargs):
        skip = {os.path.join(top, other, "entries") for other in langs.others}
        for folder, dirs, names in walk(top, *args, **kwargs):
            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip]
            yield folder, dirs, names

    def listed(config):
        os.walk = pruned
        try:
            return get_files(config)
        finally:
            os.walk = walk

    mk.get_files = listed
    try:
        yield
    finally:
        mk.get_files = get_files
