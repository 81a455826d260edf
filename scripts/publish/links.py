"""The images the site publishes as they are: listed in content/, hard-linked into the built site.

They do not go into content/, where MkDocs would copy every byte of them: ``link_list`` makes the generated
file ``content/_generated/links.json`` (written by the one writer like any other), and MkDocs' hook calls
``link_listed`` to hard-link each listed file into the site.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..evidence.problems import BuildError
from .output import Output, copy_file, not_generated, safe_target

LINKS = "_generated/links.json"  # under content/: path in the site -> source, relative to the repository root


def link_list(files: list[Output], root: Path) -> Output:
    """Return the generated file that lists ``files`` for ``link_listed``: each one's path in the site, and its source
    relative to ``root`` (so that the list is the same wherever the repository is)."""
    listing = {}
    for f in files:
        try:
            listing[f.path] = f.source.relative_to(root).as_posix()
        except ValueError:
            raise BuildError(f"refusing to publish {f.source}: it is outside {root}") from None
    return Output(LINKS, (json.dumps(listing, indent=0, sort_keys=True) + "\n").encode("utf-8"))


def link_listed(root: Path, docs_dir: Path, site_dir: Path, allowed: tuple[Path, ...], listed_in: Path | None = None) -> int:
    """Hard-link each file listed in ``docs_dir`` into ``site_dir`` (a byte copy where linking fails); return the count.

    A source must lie inside one of the ``allowed`` folders once symbolic links are resolved, and a target inside
    ``site_dir``. If content/ holds a file at a target's address, MkDocs copied it, so it is hand-written: the build
    stops rather than replace it. Otherwise a file already there comes from an earlier rebuild into the same
    folder (`mkdocs serve --dirty`) and is kept if it is the same file, else replaced. Without a list (content/
    was never generated) there is nothing to link. ``listed_in``: the folder holding the list when it is not
    ``docs_dir`` (a translated site, built from content/<lang>/, publishes the images content/ lists).
    """
    try:
        listing = json.loads(((listed_in or docs_dir) / LINKS).read_text("utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError) as exc:
        raise BuildError(f"content/{LINKS} is unreadable ({exc}); run the build again") from exc
    if not isinstance(listing, dict) or not all(isinstance(v, str) for v in listing.values()):
        raise BuildError(f"content/{LINKS} is not a list of files to publish; run the build again")
    folders = [Path(os.path.realpath(folder)) for folder in allowed]
    for rel, src in sorted(listing.items()):
        target = safe_target(site_dir, rel)
        source = Path(os.path.realpath(root / src))
        if not any(source.is_relative_to(folder) for folder in folders):
            names = " or ".join(Path(os.path.relpath(folder, root)).as_posix() + "/" for folder in allowed)
            raise BuildError(f"refusing to publish {src} as {rel}: only files inside {names} are published")
        if not source.is_file():
            raise BuildError(f"{src} is missing, so {rel} cannot be published; run the build again")
        if (docs_dir / rel).exists() or (docs_dir / rel).is_symlink():
            raise not_generated(rel)  # MkDocs copied a hand-written file to this address
        if target.exists() or target.is_symlink():
            if target.is_file() and not target.is_symlink() and os.path.samefile(source, target):
                continue  # linked by an earlier rebuild of the same folder (`mkdocs serve --dirty`)
            target.unlink()  # an earlier rebuild's copy: content/ holds nothing at this address
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_file(source, target)
    return len(listing)
