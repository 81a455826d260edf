"""Nothing changed, nothing built: which languages' part of site/ the last build still vouches for.

The store's ``site`` and ``site-files`` sections (``.cache/site.json``, ``.cache/site-files.json``: ``Record``)
keep, from the last build that replaced site/:

- per language, a digest of everything its MkDocs run reads: its pages (generated and hand-written,
  by path, size, mtime and inode), overrides/, mkdocs.yml, the image list and its sources' state, our
  code, the versions of MkDocs, Material, Markdown, pymdown-extensions, Jinja2 and Pagefind, and the
  environment the configuration reads (SITE_URL, REPO_URL, SOURCE_DATE_EPOCH);
- per file of site/, its size, mtime, inode and SHA-256, and one digest of all their paths, sizes, mtimes
  and inodes.

site/ is intact when it holds exactly those files, each with the size, mtime and inode recorded: one walk of
site/ gives the same digest (so a build with nothing changed does not read the per-file records at all;
a build that rebuilds a language reads them once).
That trusts one thing: a file whose size, mtime and inode are unchanged holds the same bytes (a
rewrite in place that keeps the size and sets the mtime back would go unseen; ``python -m scripts
verify site`` still reads every byte). The ctime is not part of it: hard-linking a file (the images,
a reused language's pages) changes it. The same records let the manifest skip hashing unchanged files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import config as site_config
from ..store.digests import code_digest, versions, walk
from ..store.section import open_section
from .tree import files as tree_files, state
from .fixity import MANIFEST
from .links import LINKS

log = logging.getLogger(__name__)
LIBRARIES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "pagefind_bin")
ENVIRONMENT = ("SITE_URL", "REPO_URL", "SOURCE_DATE_EPOCH")
SEARCH = "pagefind"  # Pagefind's bundle, for every language at once
_NAME = "last build"
FILES_SECTION = "site-files"


def shared_inputs(root: Path, environ=os.environ) -> str:
    """Digest of what every language's build reads besides its own pages (``environ``: the environment it runs in)."""
    h = hashlib.sha256(f"{code_digest()}\n{versions(LIBRARIES)}\n".encode())
    for name in ENVIRONMENT:
        h.update(f"{name}={environ.get(name)!r}\n".encode())
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
    # the other languages' folders are their own sites
    enter = (lambda name: name not in langs.others) if lang == langs.default else None
    found: dict[str, list] = {}
    for rel, entry in tree_files(docs, enter):
        try:
            found[rel] = state(entry.stat(follow_symlinks=False))
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


def split(root: Path, langs: site_config.Languages, files: dict[str, list[int]]) -> dict[str, dict[str, list]]:
    """Each language's sources, as ``sources`` finds them, from one walk of the whole of content/ (``files``: each
    file's ``state``, by path relative to content/)."""
    found: dict[str, dict[str, list]] = {lang: {} for lang in langs.all}
    default, others = found[langs.default], set(langs.others)
    for rel, known in files.items():
        top, sep, rest = rel.partition("/")
        if sep and top in others:
            found[top][rest] = known
        else:
            default[rel] = known
    for lang in langs.others:  # a language's folder that is a link: the walk did not enter it, its own walk does
        if os.path.islink(root / "content" / lang):
            found[lang] = sources(root, lang, langs)
    return found


def plan(root: Path, site: Path, langs: site_config.Languages, record: "Record",
         seen: dict[str, list[int]] | None = None, trusted: bool = False) -> Plan:
    """Compare each language's inputs and site/ with the last build's record (``seen``: content/ as just walked;
    ``trusted``: site/ was just found ``intact`` in this build, which has not touched it since)."""
    shared = shared_inputs(root)
    srcs = split(root, langs, seen) if seen is not None else {lang: sources(root, lang, langs) for lang in langs.all}
    digests = {lang: hashlib.sha256(json.dumps([shared, lang, srcs[lang]], sort_keys=True).encode(
        "utf-8", "surrogateescape")).hexdigest() for lang in langs.all}
    result = Plan(shared, srcs, digests)
    if not (trusted or intact(site, record.tree)):
        return result
    from .incremental import changed, with_includers
    from .output import Writer
    manifest = functools.cache(lambda: Writer(root / "content").previous)  # read once, if a snippet changed
    for lang in langs.all:
        here = "" if lang == langs.default else f"{lang}/"
        if record.langs.get(lang) == digests[lang]:
            result.keep.append(lang)
        elif record.shared == shared and (edited := changed(record.sources.get(lang), srcs[lang])) is not None:
            result.partial[lang] = with_includers(root / "content", here, edited, srcs[lang], manifest)
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
    """The last build's record, in two store files so that a build with nothing changed reads only the small one.

    ``site``: per-language input digests and the digest of site/'s state (``tree_digest``), read on every build.
    ``site-files``: per site file [size, mtime, inode, sha256] and per language its sources' state, stored under
    that digest (a pair that two builds left half-written never matches) and read only when a build needs them.
    """

    def __init__(self, root: Path):
        self._cache = root / ".cache"
        self._section = open_section(self._cache, "site")
        value = self._section.get(_NAME, "v2")
        ok = isinstance(value, dict) and isinstance(value.get("langs"), dict) and isinstance(value.get("tree"), str)
        self.langs: dict[str, str] = value["langs"] if ok else {}
        self.tree: str = value["tree"] if ok else ""
        self.shared: str = value.get("shared", "") if ok else ""
        epoch = value.get("epoch") if ok else None  # SOURCE_DATE_EPOCH as that build ran, for ``expected``
        self.epoch: str | None = epoch if isinstance(epoch, str) else None
        self._details: tuple[dict, dict] | None = None
        self._details_file = None  # the site-files section, read once: by the plan, or else by save

    def expected(self, root: Path) -> bool:
        """Whether, before the generation has set SOURCE_DATE_EPOCH, this build's shared inputs look like the last
        one's (the build date as it was then: most edits do not change it)."""
        environ = os.environ if "SOURCE_DATE_EPOCH" in os.environ else {**os.environ, "SOURCE_DATE_EPOCH": self.epoch}
        return bool(self.shared) and shared_inputs(root, environ) == self.shared

    @property
    def files(self) -> dict[str, list]:
        """Per site file of the last build: [size, mtime, inode, sha256] ({} when unknown)."""
        return self._read_details()[0]

    @property
    def sources(self) -> dict[str, dict]:
        """Per language: the state of each of its sources at the last build ({} when unknown)."""
        return self._read_details()[1]

    def _read_details(self) -> tuple[dict, dict]:
        if self._details is None:
            value = self._opened().get(_NAME, self.tree) if self.tree else None
            ok = isinstance(value, dict) and isinstance(value.get("files"), dict)
            files = {k: v for k, v in value["files"].items() if _valid(v)} if ok else {}
            sources = value.get("sources") if ok and isinstance(value.get("sources"), dict) else {}
            self._details = files, {k: v for k, v in sources.items() if isinstance(v, dict)}
        return self._details

    def _opened(self):
        if self._details_file is None:
            self._details_file = open_section(self._cache, FILES_SECTION)
        return self._details_file

    def save(self, done: Plan, files: dict[str, list]) -> None:
        """Keep this build's record (a failure only costs the next build its shortcut)."""
        tree = tree_digest(f"{rel}\0{v[0]}\0{v[1]}\0{v[2]}\n" for rel, v in files.items())
        details = self._opened()  # first: the small record vouches for it
        details.replace_all({_NAME: [tree, {"files": files, "sources": done.sources}]})
        details.changed = True
        details.save()
        self._section.replace_all({_NAME: ["v2", {"langs": done.digests, "shared": done.shared, "tree": tree,
                                                  "epoch": os.environ.get("SOURCE_DATE_EPOCH")}]})
        self._section.changed = True
        self._section.save()


def tree_digest(lines) -> str:
    """Digest of a site's state, from one line per file: path, size, mtime and inode (in any order)."""
    return hashlib.sha256("".join(sorted(lines)).encode("utf-8", "surrogatepass")).hexdigest()


def _valid(v) -> bool:
    return isinstance(v, list) and len(v) == 4 and all(isinstance(x, int) for x in v[:3]) and isinstance(v[3], str)


def intact(site: Path, tree: str) -> bool:
    """True if ``site`` holds exactly the files the last build recorded (``tree``: their digest), each in its state."""
    if not tree:
        return False
    lines = []
    for rel, entry in tree_files(site):
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            return False
        lines.append(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n")
    if tree_digest(lines) == tree:
        return True
    log.debug("site/ is not as the last build left it")
    return False


def link_part(old: Path, new: Path, lang: str, langs: site_config.Languages, own: bool = False) -> int:
    """Hard-link the files ``lang``'s build made in the previous site ``old`` into ``new``; return the count.

    ``own``: laid out as that language's MkDocs run writes them (``fr/x`` as ``x``), not as in the whole site."""
    count, made, into = 0, set(), os.fspath(new)
    cut = len(lang) + 1 if own and lang != langs.default else 0
    # the others' folders and the search bundle belong to other parts
    for rel, entry in tree_files(old, lambda name: part(name + "/x", langs) == lang):
        if part(rel, langs) != lang:
            continue
        rel = rel[cut:]
        folder = rel.rpartition("/")[0]
        if folder not in made:  # one mkdir per folder, not per file
            os.makedirs(f"{into}/{folder}" if folder else into, exist_ok=True)
            made.add(folder)
        os.link(entry.path, f"{into}/{rel}")
        count += 1
    return count
