"""Build the site with MkDocs (strict) into a temporary folder, and swap it in place of site/ when it succeeds."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from ..evidence.problems import BuildError

log = logging.getLogger(__name__)


# Temporary folders beside site/: .site-build-PID-XXXX while MkDocs runs, .site-old-PID during the swap;
# earlier versions made .site-XXXXXXXX (eight random characters) and no PID.
_LEFTOVER = re.compile(r"\.site-(?:(?P<kind>build|old)-(?P<pid>\d+)(?:-.+)?|[a-z0-9_]{8})")
LEGACY_AGE = 3600  # seconds untouched after which a leftover without a PID counts as abandoned


def remove_leftovers(parent: Path, site_dir: Path) -> list[str]:
    """Delete temporary site folders that builds killed part way left in ``parent``; return their names.

    A folder is removed only if the build that made it is gone: its process no longer exists (for
    names without a PID, the folder has not changed for an hour). ``site_dir`` itself never matches,
    and a .site-old-PID folder is kept while ``site_dir`` is missing: it is then the previous site.
    """
    removed = []
    for entry in sorted(os.scandir(parent), key=lambda e: e.name):
        match = _LEFTOVER.fullmatch(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False) or Path(entry.path) == site_dir:
            continue
        if match["pid"]:
            if _running(int(match["pid"])) or (match["kind"] == "old" and not site_dir.exists()):
                continue
        elif time.time() - entry.stat(follow_symlinks=False).st_mtime < LEGACY_AGE:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        log.info("removed %s, left behind by a build that was stopped", entry.name)
        removed.append(entry.name)
    return removed


def _running(pid: int) -> bool:
    """Tell whether process ``pid`` exists (True when unsure: then nothing is deleted)."""
    if pid == os.getpid() or os.name != "posix":  # on Windows, os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, under another user
        return True
    return True


def mkdocs_build(root: Path, site_dir: Path) -> None:
    """Run MkDocs (strict) once per site language, each into its own temporary folder, assemble them (the
    default language at the root, the others in <lang>/), then swap the whole in place of ``site_dir``."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.exceptions import MkDocsException

    from .. import config as site_config
    from . import languages

    parent = site_dir.parent
    remove_leftovers(parent, site_dir)
    langs = site_config.languages(root)
    languages.check_hand_written(root, langs)
    tmp = Path(tempfile.mkdtemp(prefix=f".site-build-{os.getpid()}-", dir=parent))
    try:
        for lang in langs.all:
            here = languages.prefix(lang, langs)
            out = tmp if not here else Path(tempfile.mkdtemp(prefix=f".site-build-{os.getpid()}-{lang}-", dir=parent))
            try:
                mk_build(languages.load(root, lang, out))
            except BaseException:
                if here:
                    shutil.rmtree(out, ignore_errors=True)
                raise
            if here:
                os.replace(out, tmp / here.rstrip("/"))
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, BuildError):  # from the hook that links the images in
            raise BuildError(f"{exc}; the previous site/ is unchanged") from exc
        if isinstance(exc, (MkDocsException, SystemExit, OSError)):
            raise BuildError(f"MkDocs build failed: {exc}; the previous site/ is unchanged") from exc
        raise
    old = parent / f".site-old-{os.getpid()}"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(tmp, site_dir)
    shutil.rmtree(old, ignore_errors=True)
