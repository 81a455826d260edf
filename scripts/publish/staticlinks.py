"""The generator's static files (each entry's entry.json, cite.bib, cite.csl.json; data/, feeds/) are hard-linked
into the site MkDocs builds instead of copied: at 10,000 entries that is 30,000 byte copies per language.

A link shares its bytes with content/, so only files the generator's writer made are linked (content/.generated.json
lists them): the writer never changes a file in place, it replaces it (a new file), so the site keeps what it
published. Hand-written files (content/assets/, an archive's own downloads), files MkDocs makes from a string,
and anything that is not a regular file keep MkDocs' own copy, and so does a file the system will not link.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .output import Writer


def generated(content: Path, docs_dir: Path) -> set[str]:
    """The generator's files in ``docs_dir`` (content/ or content/<lang>/), by their path relative to it."""
    prefix = Path(os.path.relpath(docs_dir, content)).as_posix()
    if prefix.startswith(".."):
        return set()
    if prefix == ".":
        return set(Writer(content).previous)
    start = prefix + "/"
    return {rel[len(start):] for rel in Writer(content).previous if rel.startswith(start)}


def link_generated(files, content: Path, docs_dir: Path) -> int:
    """Make MkDocs link, not copy, each static file in ``files`` the generator wrote; return how many."""
    ours = generated(content, docs_dir)
    made: set[str] = set()  # folders already made in the site: one makedirs per folder, not per file
    count = 0
    for file in files:
        if file.src_uri in ours and not file.is_documentation_page() and file.generated_by is None:
            file.copy_file = _linker(file, made)
            count += 1
    return count


def _linker(file, made: set[str]):
    """``file.copy_file`` as a hard link (MkDocs' copy where the source is not a regular file or will not link)."""
    def copy_file(dirty: bool = False) -> None:
        if dirty and not file.is_modified():
            return
        source, dest = file.abs_src_path, file.abs_dest_path
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):
                raise OSError("not a regular file")
            folder = os.path.dirname(dest)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(source, dest)
            except FileExistsError:  # an earlier build into the same folder (`mkdocs serve --dirty`)
                os.unlink(dest)
                os.link(source, dest)
        except OSError:
            type(file).copy_file(file, dirty)
    return copy_file
