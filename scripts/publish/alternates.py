"""Stop Material's script fetching every alternate site's sitemap.xml on each page view (issue 17).

Material (9.8.2, integrations/alternate) fetches ``sitemap.xml`` beside every ``<link rel=alternate>`` of
the page (our languages and our feeds: up to three sitemaps, 1.3 MB each at 10,000 entries) to map a click
on the language switch to the same page. Our switch links that page itself (overrides/partials/alternate.html),
so the fetches are never used: the built bundle is made to find no such link. A Material whose bundle no
longer holds that query fails the build, so that an upgrade is checked rather than silently fetching again.
"""

from __future__ import annotations

from pathlib import Path

from ..evidence.problems import BuildError

QUERY = 'M("link[rel=alternate]")'  # setupAlternate's getElements(...), as minified in Material 9.8.2
NOTHING = "[]"
DONE = 'b(()=>[]),m(r=>new URL(r.href))'  # the rewritten query in its context


def quiet_alternates(site_dir: Path) -> None:
    """Rewrite Material's bundle in ``site_dir`` so that it fetches no alternate sitemap (BuildError if unknown)."""
    bundles = sorted((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    for bundle in bundles:
        text = bundle.read_text("utf-8")
        if DONE in text:
            continue  # a `serve --dirty` rebuild: already rewritten
        if text.count(QUERY) != 1:
            raise BuildError(f"{bundle.name}: Material's script no longer looks up alternate links as "
                             f"{QUERY} (was Material upgraded?); update scripts/publish/alternates.py so that "
                             "pages still fetch no sitemap.xml")
        bundle.write_text(text.replace(QUERY, NOTHING), "utf-8")
    if not bundles:
        raise BuildError(f"no Material bundle in {site_dir}/assets/javascripts: is the theme material?")

