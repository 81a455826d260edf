"""Nothing changed, nothing built: which languages' part of site/ the last build still vouches for.

The store's ``site`` section (``.cache/site.json``) keeps, from the last build that replaced site/:

- per language, a digest of everything its MkDocs run reads: its pages (generated and hand-written,
  by path, size, mtime and inode), overrides/, mkdocs.yml, the image list and its sources' state, our
  code, the versions of MkDocs, Material, Markdown, pymdown-extensions, Jinja2 and Pagefind, and the
  environment the configuration reads (SITE_URL, REPO_URL, SOURCE_DATE_EPOCH);
- per file of site/, its size, mtime, inode and SHA-256.

site/ is intact when it holds exactly those files, each with the size, mtime and inode recorded.
That trusts one thing: a file whose size, mtime and inode are unchanged holds the same bytes (a
rewrite in place that keeps the size and sets the mtime back would go unseen; ``python -m scripts
verify site`` still reads every byte). The ctime is not part of it: hard-linking a file (the images,
a reused language's pages) changes it. The same records let the manifest skip hashing unchanged files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import config as site_config
from ..store.digests import code_digest, versions, walk
from ..store.section import open_section
from .fixity import MANIFEST
from .output import LINKS

log = logging.getLogger(__name__)
LIBRARIES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "pagefind_bin")
ENVIRONMENT = ("SITE_URL", "REPO_URL", "SOURCE_DATE_EPOCH")
SEARCH = "pagefind"  # Pagefind's bundle, for every language at once
_NAME = "last build"


def shared_inputs(root: Path) -> str:
    """Digest of what every language's build reads besides its own pages."""
    h = hashlib.sha256(f"{code_digest()}\n{versions(LIBRARIES)}\n".encode())
    for name in ENVIRONMENT:
        h.update(f"{name}={os.environ.get(name)!r}\n".encode())
    for path in (root / "mkdocs.yml", root / "content" / LINKS):
        _walk_file(path, h)
    walk(str(root / "overrides"), h)
    try:
        sources = json.loads((root / "content" / LINKS).read_bytes()).values()
    except (OSError, ValueError, AttributeError):
        sources = []
    for src in sorted(sources):  # the images the hook links in: a replaced source is a new file
        _walk_file(root / str(src), h)
    return h.hexdigest()


def _walk_file(path: Path, h) -> None:
    try:
        st = os.stat(path)
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode("utf-8", "surrogateescape"))
    except OSError:
        h.update(f"{path}: missing\n".encode("utf-8", "surrogateescape"))


def sources(root: Path, lang: str, langs: site_config.Languages) -> dict[str, list]:
    """The state (size, mtime, inode) of every file in ``lang``'s docs folder, by path relative to it."""
    docs = root / "content" / ("" if lang == langs.default else lang)
    found: dict[str, list] = {}
    for folder, dirs, names in os.walk(docs):
        rel_dir = os.path.relpath(folder, docs).replace(os.sep, "/")
        if rel_dir == ".":
            rel_dir = ""
            if lang == langs.default:  # the other languages' folders are their own sites
                dirs[:] = [d for d in dirs if d not in langs.others]
        dirs.sort()
        for name in names:
            try:
                found[f"{rel_dir}/{name}" if rel_dir else name] = state(os.lstat(os.path.join(folder, name)))
            except OSError:
                continue
    return found


@dataclass
class Plan:
    """What this build must do per language: keep its part of site/, re-render some pages, or build it."""

    shared: str
    sources: dict[str, dict[str, list]]
    digests: dict[str, str]
    keep: list[str] = field(default_factory=list)
    partial: dict[str, list[str]] = field(default_factory=dict)  # language -> the sources that changed


def plan(root: Path, site: Path, langs: site_config.Languages, record: "Record") -> Plan:
    """Compare each language's inputs and site/ with the last build's record."""
    shared = shared_inputs(root)
    srcs = {lang: sources(root, lang, langs) for lang in langs.all}
    digests = {lang: hashlib.sha256(json.dumps([shared, lang, srcs[lang]], sort_keys=True).encode(
        "utf-8", "surrogateescape")).hexdigest() for lang in langs.all}
    result = Plan(shared, srcs, digests)
    if not record.files or not intact(site, record.files):
        return result
    from .incremental import changed, with_includers
    for lang in langs.all:
        here = "" if lang == langs.default else f"{lang}/"
        if record.langs.get(lang) == digests[lang]:
            result.keep.append(lang)
        elif record.shared == shared and (edited := changed(record.sources.get(lang), srcs[lang])) is not None:
            result.partial[lang] = with_includers(root / "content", here, edited, srcs[lang])
    return result


def part(rel: str, langs: site_config.Languages) -> str:
    """The language whose build made the site file ``rel`` (SEARCH for Pagefind's, '' for the manifest)."""
    top = rel.split("/", 1)[0]
    if rel == MANIFEST:
        return ""
    if top == SEARCH:
        return SEARCH
    return top if top in langs.others and "/" in rel else langs.default


class Record:
    """The last build's record: per-language input digests, and per site file [size, mtime, inode, sha256]."""

    def __init__(self, root: Path):
        self._section = open_section(root / ".cache", "site")
        value = self._section.get(_NAME, "v1")
        ok = isinstance(value, dict) and isinstance(value.get("langs"), dict) and isinstance(value.get("files"), dict)
        self.langs: dict[str, str] = value["langs"] if ok else {}
        self.files: dict[str, list] = {k: v for k, v in value["files"].items() if _valid(v)} if ok else {}
        self.shared: str = value.get("shared", "") if ok else ""
        self.sources: dict[str, dict] = value.get("sources", {}) if ok and isinstance(value.get("sources"), dict) else {}

    def save(self, done: Plan, files: dict[str, list]) -> None:
        """Keep this build's record (a failure only costs the next build its shortcut)."""
        value = {"langs": done.digests, "files": files, "shared": done.shared, "sources": done.sources}
        self._section.replace_all({_NAME: ["v1", value]})
        self._section.changed = True
        self._section.save()



def _valid(v) -> bool:
    return isinstance(v, list) and len(v) == 4 and all(isinstance(x, int) for x in v[:3]) and isinstance(v[3], str)


def state(st: os.stat_result) -> list[int]:
    """What the record trusts to prove a file unchanged."""
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def intact(site: Path, files: dict[str, list]) -> bool:
    """True if ``site`` holds exactly the recorded files (and its manifest), each in its recorded state."""
    if not files:
        return False
    seen = 0
    for folder, dirs, names in os.walk(site):
        for name in names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, site).replace(os.sep, "/")
            rec = files.get(rel)
            try:
                st = os.lstat(path)
            except OSError:
                return False
            if rec is None or rec[:3] != state(st):
                log.debug("site/%s is not as the last build left it", rel)
                return False
            seen += 1
    return seen == len(files)


def link_part(old: Path, new: Path, lang: str, langs: site_config.Languages) -> int:
    """Hard-link the files ``lang``'s build made in the previous site ``old`` into ``new``; return the count."""
    count = 0
    for folder, dirs, names in os.walk(old):
        rel_dir = os.path.relpath(folder, old).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if not rel_dir:  # the others' folders and the search bundle belong to other parts
            dirs[:] = [d for d in dirs if part(d + "/x", langs) == lang]
        for name in names:
            if part(rel_dir + name, langs) != lang:
                continue
            target = new / (rel_dir + name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(os.path.join(folder, name), target)
            count += 1
    return count
