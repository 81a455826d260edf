"""Render the checked archive: pages (Markdown with HTML bodies for MkDocs), feeds and the format page.

pages       entry pages, browse pages and the home page, from the Jinja templates in templates/
groups      how listings are grouped (months, open dates, additions, statements first)
narrow      lists narrowed by type and year: a page per type × year with entries, and the links to them
notfound    the 404 page's title and body in each language (overrides/404.html shows them)
formatting  how pages write dates, sizes, directions and relative addresses
i18n        one language's interface strings (locales/<lang>.yaml), dates, numbers and language names
texts       the log's text in the page's language, the English marked where a translation is missing
msgids      every interface string the code and templates use (for the catalogs' test)
feeds       RSS, Atom and JSON Feed of the newest additions, and per-facet feeds: which items, in which words
feed_formats  the item and channel records, and how RSS, Atom (feedgen) and JSON Feed write them
formatdoc   the evidence-format reference page, from the schema declaration
jsonld      the schema.org JSON-LD of entry pages (inert: <, >, & written as JSON escapes)
cite        citations of entries: BibTeX and CSL-JSON, per entry and for the whole archive
data        the downloads for reuse: entries.json and its schema (data_schema), entries.csv, entry.json
Nothing here writes a file: every stage returns Outputs for the one writer (publish/output.py).
"""
