"""Static news-and-evidence archive generator: evidence log -> pages, media, feeds -> MkDocs site."""
__version__ = "0.1.0"  # the generator's version: pyproject.toml reads it, init pins it
