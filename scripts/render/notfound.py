"""The 404 page's title and body in one language, for overrides/404.html (through languages.py).

MkDocs renders 404.html from the theme, outside the docs, so the generator hands it what it shows as
``_generated/notfound.json``: the title and the body, rendered here with the pages' escaping and strings.
The server sends that one page for every missing address, at any depth: its links are absolute paths
built from site_url's path (``/archive/fr/entries/…/``), like the feed links of overrides/main.html.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from babel.lists import format_list

from ..publish.output import Output

PATH = "_generated/notfound.json"  # the languages.py side reads it from content/<lang>/_generated/


def render(r) -> Output:
    """The 404 page of ``r``'s language (r: a pages.Renderer)."""
    root = urlsplit(r.config.base).path + r.prefix
    body = r.env.get_template("notfound.html.j2").render(
        href=lambda target: root + target, key_events=[e for e in r.archive.entries if e.key_event],
        ways_in=r.config.archive.ways(r.lang), search_languages=format_list(
            [r.lang.language(x) for x in r.config.languages.all], style="or", locale=r.lang.locale))
    data = {"title": r.lang.gettext("Page not found"), "html": body}
    return Output(r.prefix + PATH, (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8"))
