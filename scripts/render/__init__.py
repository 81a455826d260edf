"""Render the checked archive: pages (Markdown with HTML bodies for MkDocs), feeds and the format page.

pages       entry pages, browse pages and the home page, from the Jinja templates in templates/
formatting  how pages write dates, sizes, directions and relative addresses
feeds       RSS, Atom and JSON Feed of the newest additions, and per-facet feeds
formatdoc   the evidence-format reference page, from the schema declaration
Nothing here writes a file: every stage returns Outputs for the one writer (publish/output.py).
"""
