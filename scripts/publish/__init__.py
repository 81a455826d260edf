"""Put what was rendered on disk and build the site.

output  the one writer: every generated file under content/ goes through it, never a hand-written one
site    MkDocs (strict) into a temporary folder that replaces site/ only when it succeeds
hooks   the MkDocs hook that links the images into the site MkDocs has just built
serve   the live preview
"""
