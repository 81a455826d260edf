"""MkDocs hook (``hooks:`` in mkdocs.yml): publish the images the generator listed, as hard links.

Images never enter content/, so MkDocs does not copy their bytes. Once MkDocs has written the pages
into its site_dir (a build's temporary folder, or the folder `mkdocs serve` serves), this links each
file listed in content/_generated/links.json into it from evidence/media/ or the media cache. A build
that fails therefore publishes nothing. It also hands MkDocs our generated HTML without a Markdown pass
(bypass.py), links the generator's static files instead of copying them (staticlinks.py),
and keeps the sidebar and footer that many pages share (navcache.py). MkDocs loads hooks once:
restart `serve` after editing this.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

try:
    from scripts.evidence import Paths
    from scripts.publish.links import link_listed
    from scripts.render.formatting import direction
    from scripts.publish.temporary import kill_point
    from scripts.publish.searchtext import UI_STRINGS, indexed, run_pagefind
    from scripts.publish.alternates import quiet_alternates
    from scripts.publish import bypass, navcache, staticlinks
except ImportError:  # the `mkdocs` command does not put the repository root on sys.path; `python -m` does
    sys.path.append(str(Path(__file__).resolve().parents[2]))
    from scripts.evidence import Paths
    from scripts.publish.links import link_listed
    from scripts.render.formatting import direction
    from scripts.publish.temporary import kill_point
    from scripts.publish.searchtext import UI_STRINGS, indexed, run_pagefind
    from scripts.publish.alternates import quiet_alternates
    from scripts.publish import bypass, navcache, staticlinks

log = logging.getLogger("mkdocs.plugins.archive")
_SERVING = []  # [True] under `mkdocs serve`: each rebuild indexes the served site for its search
_NAV = [None]  # the navigation of the build under way (MkDocs builds one site at a time in a process)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Generated pages are HTML already: MkDocs takes it without a Markdown pass (publish/bypass.py)."""
    return bypass.hold(markdown, page)


def on_startup(command: str, dirty: bool) -> None:
    """Remember whether MkDocs is serving (a build's site is indexed by scripts/publish/site.py instead)."""
    _SERVING[:] = [command == "serve"]


def on_config(config):
    """`mkdocs serve` reads mkdocs.yml alone (English): give the search dialog its words (a build sets them)."""
    config.extra.setdefault("search_text", dict(UI_STRINGS))
    return config


def on_page_content(html: str, page, config, files) -> str:
    """Mark the page's content as what Pagefind indexes, with its words' normalised forms hidden."""
    return "" if bypass.held(page) else indexed(html)  # a generated page's body comes in on_page_context


def on_page_context(context, page, config, nav):
    """Give a generated page its body only now, as it is written: MkDocs would hold every page's at once."""
    if bypass.held(page):
        page.content = indexed(bypass.load(page))
    return context


def on_env(env, config, files):
    """Give overrides/main.html the memo of the blocks that come out the same on many pages (publish/navcache.py)."""
    if navcache.enabled():
        linked = (config.theme.get("favicon"), config.theme.get("logo"), *navcache.FEEDS,
                  *(alt.get("link") for alt in config.extra.get("alternate") or []))
        env.globals["archive_memo"] = navcache.Memo(_NAV[0], config.extra.get("homepage"), linked)
    env.auto_reload = False  # MkDocs makes a new environment per build: no template changes during one (27 stats a page)
    return env


def on_files(files, config):
    """Have MkDocs hard-link the generator's static files into the site rather than copy them (staticlinks.py)."""
    root = Path(config.config_file_path).resolve().parent
    count = staticlinks.link_generated(files, root / "content", Path(config.docs_dir).resolve())
    log.debug("%d generated files are linked, not copied", count)
    return files


def on_nav(nav, config, files):
    """Keep this build's navigation for on_env (which MkDocs does not give it)."""
    _NAV[0] = nav
    return nav


def on_post_page(output: str, page, config) -> str:
    """Material writes the direction on <body> only: put it on <html> too, with the language; free the body."""
    if bypass.held(page):
        page.content = ""  # written: nothing after this reads it (the sitemap and 404 were rendered before)
    lang = config.theme["language"]
    if direction(lang) == "rtl":
        return output.replace(f'<html lang="{lang}" class="no-js">', f'<html lang="{lang}" dir="rtl" class="no-js">', 1)
    return output


def on_post_build(config) -> None:
    """Link the listed images into the site MkDocs has just written (raise BuildError when one is refused)."""
    kill_point("during-mkdocs")  # the pages are written, the images not yet linked
    paths = Paths(Path(config.config_file_path).resolve().parent)
    count = link_listed(paths.root, Path(config.docs_dir), Path(config.site_dir), (paths.media, paths.media_cache),
                        listed_in=paths.root / "content")  # every language's site gets its own links
    log.debug("linked %d images into %s", count, config.site_dir)
    quiet_alternates(Path(config.site_dir))  # no sitemap.xml fetched on page views
    if _SERVING == [True]:
        run_pagefind(Path(config.site_dir))
