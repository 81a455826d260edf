"""Static news-and-evidence archive generator: evidence log -> pages, media, feeds -> MkDocs site."""
