"""The build store: everything a run keeps for the next one, under ``.cache/``, as plain JSON.

Nothing here is an input: delete ``.cache/`` and the next run does everything again, with the same
output. Each kind of record is a ``Section``: one JSON file that maps a name (a file, a page, a
derivative) to a key and a value. The key is a digest of everything the value depends on (``key()``),
and a section also carries a salt (the code's digest, and whatever else all its values share), so a
value is used only where a fresh run would compute the same one. A file that is missing, truncated,
of another format or corrupt is ignored (one log line) and rebuilt.

==========  ======================  ===================================================================
section     file                    holds
==========  ======================  ===================================================================
stamp       .cache/generate.json    the last generation run: digests of what it read and wrote
checks      .cache/check.json       per entry file: its own check result (checked fields, problems)
hashes      .cache/sha256.json      per media file: its SHA-256, keyed by size, times and inode
media       .cache/media.json       per derivative key: what decoding the image found
pages       .cache/pages.json       per generated page, feed or entry data file: its inputs' key and its digest
site        .cache/site.json        the last site build: each language's inputs digest, the digest of the
                                    state of site/ (scripts/publish/unchanged.py)
site-files  .cache/site-files.json  under that digest: each site file's size, mtime, inode and SHA-256, each
                                    language's sources' state (read only when a language is built)
search-ids  .cache/search-ids.json  per language, under its primary search index's hash: each page's url -> its
                                    id in that index (scripts/publish/searchdelta.py)
(blobs)     .cache/media/           the derivatives themselves, named after their key
==========  ======================  ===================================================================

A long-lived process (the preview) also keeps some of it in memory between runs: ``resident.py``.
"""

from .derivatives import Derivatives
from .files import file_state, replace, sha256_file
from .hashes import Hashes
from .pages import PageMemo
from .section import BLOBS, FILES, FORMAT, Section, key, open_section

__all__ = ["BLOBS", "FILES", "FORMAT", "Derivatives", "Hashes", "PageMemo", "Section", "file_state", "key",
           "open_section", "replace", "sha256_file"]
