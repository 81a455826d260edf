"""Material's sidebar navigation and footer, rendered once for all the pages on which they come out the same.

Entry and listing pages are not in the nav: on such a page no nav item is active, there is no previous or next
page, and (for a page without a table of contents) the sidebar's TOC is empty. What the blocks then print
depends only on the site's configuration and on the page's address, through the ``url`` filter that makes
every link relative to it. So the key of a block is the list of those relative links (every address in the
nav, the home page, the site root); overrides/main.html asks ``archive_memo`` for a block before rendering
it, and renders it as Material does (``super()``) when the page is of another kind or the key is new.
Blocks that read no page at all (Material's configuration script, the search dialog) are kept by depth
alone (``fixed``), on every page. The header reads the page only for its title and, in the language links, its
address, both printed as they are: it is kept once per depth with holes in their place (``holed``), which each
page fills (``fill``); its links made by ``url`` are in its key. The head's meta tags and the content block read a
few of the page's values (title, description, address, content): ``learn`` finds where one page's values are in its
rendering, checks on the next page of the same key that filling them in gives that page's own rendering, and only
then serves the block filled (``fill_learned``); a block that fails the check is rendered on every page.
"""

from __future__ import annotations

import os
import posixpath
import re

from mkdocs.utils import get_relative_url, normalize_url

SWITCH = "EVIDENCE_ARCHIVE_NAV_CACHE"  # tests and benchmarks only: "off" renders every block for every page
TITLE, URL = "\x00archive-title\x00", "\x00archive-url\x00"  # holes: NUL never comes out of a template otherwise
FEEDS = ("rss.xml", "atom.xml", "feed.json")  # the site's feeds, linked from every page's head (overrides/main.html)
PER_PAGE = ("title", "description", "entry_id", "feeds")  # front matter a learned block gets as values, or never reads
_HOLES = re.compile("(\x00archive-(?:title|url)\x00)")


def enabled() -> bool:
    """Whether the blocks are memoised (always, unless a test or benchmark turns it off)."""
    return os.environ.get(SWITCH, "on") != "off"


def _addresses(items) -> list[str]:
    """Every address in the nav, sections' pages included, in order."""
    out = []
    for item in items:
        if getattr(item, "url", None) is not None:
            out.append(item.url)
        out += _addresses(getattr(item, "children", None) or [])
    return out


def _holes(html: str, values: dict) -> list | None:
    """``html`` cut where each non-empty value is (a hole is its name in a tuple); None if one is not there just once."""
    found = []
    for name, value in values.items():
        value = str(value) if value else ""
        if value:
            if html.count(value) != 1:
                return None
            found.append((html.index(value), len(value), name))
    parts, at = [], 0
    for start, size, name in sorted(found):
        if start < at:  # two values overlap
            return None
        parts += [html[at:start], (name,)]
        at = start + size
    return parts + [html[at:]]


def _fill(parts: list, values: dict) -> str:
    return "".join(str(values[p[0]]) if isinstance(p, tuple) else p for p in parts)


def _first_folder(url: str, page: bool = False) -> str | None:
    """The first path segment of an address, or of a page's folder as get_relative_url takes it (None: the root)."""
    if page and url != ".":
        head, tail = posixpath.split(url)
        url = head if "." in tail else url
    parts = [x for x in posixpath.normpath("/" + url).split("/") if x]
    return parts[0] if parts else None


class Memo:
    """The rendered blocks of one MkDocs build (one language), by what they depend on."""

    TITLE, URL = TITLE, URL

    def __init__(self, nav, homepage: str | None = None, linked: tuple[str, ...] = ()) -> None:
        self._in_nav = {id(p) for p in nav.pages}
        # every address a block links with the url filter: the nav's, the home page, ``linked`` (feeds, languages…)
        self._addresses = _addresses(nav.items) + ([homepage] if homepage else []) + [str(x) for x in linked if x]
        self._firsts = {_first_folder(a) for a in self._addresses} - {None}
        self._done: dict[tuple, str] = {}
        self._page: tuple = (None, ())  # the last page's relative links: every block of a page asks in turn
        self._trial: dict[tuple, list] = {}  # learned blocks (learn): found on one page, not yet checked on another
        self._learned: dict[tuple, list] = {}
        self._refused: set[tuple] = set()
        self.hits = 0

    def key(self, block: str, page, base_url: str) -> tuple | None:
        """The key of ``block`` on ``page``, or None where the page may change it (in the nav, a TOC, hidden parts)."""
        if page is None or id(page) in self._in_nav or page.parent is not None or page.toc:
            return None
        if page.previous_page is not None or page.next_page is not None or (page.meta or {}).get("hide"):
            return None
        if self._page[0] is not page:
            self._page = (page, self._links(page.url))
        return (block, base_url, self._page[1])

    def _links(self, url: str) -> tuple:
        """The page's relative links to every address, or () when they follow from its depth alone (base_url):
        when no address shares the first folder of the page's, each link only climbs to the root and back down."""
        first = _first_folder(url, page=True)
        if first is None or first not in self._firsts:
            return ()
        return tuple(get_relative_url(a, url) for a in self._addresses)

    def learned_key(self, block: str, page, base_url: str, values: dict, *flags) -> tuple | None:
        """The key of a block that reads the page only for ``values`` (printed as they are) and its front matter: its
        depth, the page's links to the site's fixed addresses, the rest of the front matter and which values are
        empty; None without a page, or on a page with a previous or next page."""
        if page is None or page.previous_page is not None or page.next_page is not None:
            return None
        rest = tuple(sorted((k, repr(v)) for k, v in (page.meta or {}).items() if k not in PER_PAGE))
        if self._page[0] is not page:
            self._page = (page, self._links(page.url))
        return (block, base_url, self._page[1], rest, tuple(bool(v) for v in values.values()), flags)

    def knows(self, key: tuple) -> bool:
        """Whether ``key``'s block was learned: its values' places found on one page, and checked on another."""
        return key in self._learned

    def learn(self, key: tuple, html: str, values: dict) -> str:
        """Learn ``key``'s block from a page's own rendering ``html`` (returned as it is): where ``values`` are in it
        (each once), then, on the next page of the same key, that filling those places gives that page's rendering."""
        if key in self._refused:
            return html
        trial = self._trial.pop(key, None)
        if trial is not None:
            if _fill(trial, values) == html:
                self._learned[key] = trial
            else:  # the block reads something the key misses: it stays rendered for every page
                self._refused.add(key)
        elif (parts := _holes(html, values)) is not None:
            self._trial[key] = parts
        return html

    def fill_learned(self, key: tuple, values: dict) -> str:
        """``key``'s learned block with this page's ``values``."""
        self.hits += 1
        return _fill(self._learned[key], values)

    def fixed(self, block: str, base_url: str) -> tuple:
        """The key of a block that prints the same on every page at the same depth (it reads no page, only
        base_url and the build's configuration): Material's __config script, our search dialog."""
        return (block, base_url)

    def holed(self, block: str, page, base_url: str, *paths) -> tuple | None:
        """The key of a block that reads the page only for its title and address (printed as TITLE and URL):
        its depth and the links ``url`` makes of ``paths`` from this page; None without a page."""
        if page is None:
            return None
        return (block, base_url, tuple(normalize_url(str(p), page, base_url) for p in paths if p))

    def put_holed(self, key: tuple, html: str, page) -> str:
        """Keep ``html``, rendered with holes, as ``key``'s block; return it filled for ``page``."""
        self._done[key] = _HOLES.split(html)
        return self.fill(key, page)

    def fill(self, key: tuple, page) -> str:
        """``key``'s holed block with ``page``'s title and address in its holes."""
        values = {TITLE: str(page.meta["title"] if page.meta and page.meta.get("title") else page.title),
                  URL: str(page.url)}
        return "".join(values.get(part, part) for part in self._done[key])

    def has(self, key: tuple) -> bool:
        """Whether ``key``'s block was rendered already (a hit is counted)."""
        found = key in self._done
        self.hits += found
        return found

    def get(self, key: tuple) -> str:
        """The block rendered for ``key``."""
        return self._done[key]

    def put(self, key: tuple, html: str) -> str:
        """Keep ``html`` as ``key``'s block and return it."""
        self._done[key] = html
        return html
