"""schema.org JSON-LD for entry pages: the page, the source it records, and the images it publishes.

Inert by construction: built with ``json.dumps`` and every ``<``, ``>`` and ``&`` written as a JSON
escape, so no string from the log can close the script element or open a comment in it.
"""

from __future__ import annotations

import json
from typing import Any

from ..config import SiteConfig
from ..evidence.model import Entry

SOURCE_TYPES = {"article": "NewsArticle", "statement": "CreativeWork", "screenshot": "ImageObject",
                "social-post": "SocialMediaPosting", "petition": "CreativeWork", "report": "Report",
                "legal": "Legislation", "video": "VideoObject"}
_INERT = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def source(e: Entry) -> dict[str, Any]:
    """The evidence itself, as the type schema.org has for it."""
    s: dict[str, Any] = {"@type": SOURCE_TYPES.get(e.type, "CreativeWork"), "name": e.title_original or e.title,
                         "inLanguage": e.language}
    if e.source.url:
        s["url"] = e.source.url
    if e.source.publisher:
        s["publisher"] = {"@type": "Organization", "name": e.source.publisher}
    if e.source.author:
        s["author"] = {"@type": "Person", "name": e.source.author}
    if not e.date.bound:  # at the precision known: 2016, 2016-01 or 2016-01-07; a bound has no ISO form
        s["datePublished"] = e.date.machine()
    if e.source.archive_url:
        s["archivedAt"] = e.source.archive_url
    return s


def document(e: Entry, cfg: SiteConfig, lang: str, title: str, images: list[tuple[str, str, str]] = ()) -> dict:
    """The entry page's JSON-LD; ``images``: (address in the site, SHA-256, alternative text) of each one published."""
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": "WebPage", "name": title, "inLanguage": lang,
                           "url": cfg.base + ("" if lang == cfg.languages.default else f"{lang}/") + e.url,
                           "isPartOf": {"@type": "WebSite", "name": cfg.site_name, "url": cfg.base},
                           "dateCreated": e.added.isoformat(), "about": source(e)}
    if e.source.url:
        doc["isBasedOn"] = e.source.url
    if images:
        doc["image"] = [{"@type": "ImageObject", "contentUrl": cfg.base + path, "sha256": digest, "caption": alt}
                        for path, digest, alt in images]
    return doc


def images(media: list[dict]) -> list[tuple[str, str, str]]:
    """(address, SHA-256, alt) of each published original among an entry page's media items."""
    return [(m["original"].path, m["item"].sha256, m["item"].alt) for m in media if m["original"] is not None]


def script(doc: dict[str, Any]) -> str:
    """The script element that carries ``doc``."""
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True).translate(_INERT)
    return f'<script type="application/ld+json">{text}</script>\n'


DATA_FORMATS = {"entries.json": "application/json", "entries.schema.json": "application/schema+json",
                "entries.csv": "text/csv", "entries.bib": "application/x-bibtex",
                "entries.csl.json": "application/vnd.citationstyles.csl+json"}


def dataset(cfg: SiteConfig, lang: str, name: str, description: str, files: dict[str, int],
            modified: str = "") -> dict[str, Any]:
    """The Data page's schema.org Dataset; ``files``: data/ file name -> size in bytes; ``modified``: an ISO day.

    No ``license``: the archive has not chosen one, and a guessed one would mislead."""
    here = "" if lang == cfg.languages.default else f"{lang}/"
    doc: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset", "name": name, "description": description,
        "url": cfg.base + here + "data/", "inLanguage": list(cfg.languages.all),
        "isPartOf": {"@type": "WebSite", "name": cfg.site_name, "url": cfg.base},
        "distribution": [{"@type": "DataDownload", "name": f, "encodingFormat": DATA_FORMATS[f],
                          "contentUrl": cfg.base + "data/" + f, "contentSize": f"{files[f]} B"}
                         for f in DATA_FORMATS if f in files]}
    if modified:
        doc["dateModified"] = modified
    return doc
