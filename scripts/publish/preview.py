"""The preview of one language: MkDocs builds it once, then only the pages an edit changed, and a local server shows it.

``mkdocs serve --dirty`` (what the preview used before) re-renders only pages whose own file changed,
which is wrong wherever a page shows others: an edited entry's title stays old in the lists and feeds
whose files it did not look at, and the navigation. Here the generator writes every page, list and
feed whose bytes change (and only those), so the changed files are exactly the pages to render again;
they are found by comparing each source's size, mtime and inode with the last pass, and rendered through
MkDocs' own page pipeline by the MkDocs of the last full build, kept in this process (``incremental.Warm``).
A page added or removed, or a change to mkdocs.yml, overrides/ or the images, makes a full build of the language.
The pages are served from ``.cache/preview/`` (the build store: deleting it only costs a full build) under
the site's path; each HTML page gets a small script that reloads it when a pass has finished (it asks the
server, which answers as soon as the version changes: no polling delay).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import logging
import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .. import config as site_config
from ..evidence.problems import BuildError
from . import incremental, languages, searchdelta, searchtext, unchanged
from .searchparts import ENTRY, write_entry

log = logging.getLogger(__name__)
VERSION = "/.preview-version"
BEHIND = 19  # the nice value of the search index made behind the served pages (the lowest priority)
WAIT = 20.0  # seconds the server holds a page's question "is there a pass after version N?" before saying no
# The page asks "is there a pass after the version I show?" (written in when it is served, so a pass ending before
# its first question is not missed) and is answered as soon as one ends: it reloads without a poll's delay. Only a
# visible tab asks: each question holds one of the browser's ~6 connections to this host for up to WAIT seconds.
_RELOAD = ("<script>(function(){var v='%s',u='%s',busy=false;function ask(){if(busy||document.visibilityState"
           "!=='visible')return;busy=true;fetch(u+'?after='+v).then(function(r){return r.text()}).then(function(t)"
           "{busy=false;if(t!==v){location.reload();return}ask()}).catch(function(){busy=false;setTimeout(ask,1000)})}"
           "document.addEventListener('visibilitychange',ask);ask()})()</script>")


class Preview:
    """One language's preview folder and what its pages were built from."""

    def __init__(self, root: Path, lang: str):
        self.root, self.lang = root, lang
        self.langs = site_config.languages(root)
        if lang not in self.langs.all:
            raise BuildError(f"--lang {lang}: the site's languages are {', '.join(self.langs.all)} "
                             "(extra.archive.languages in mkdocs.yml)")
        self.here = languages.prefix(lang, self.langs)
        self.folder = root / ".cache" / "preview"
        self.site = self.folder / self.here.rstrip("/") if self.here else self.folder
        self.sources: dict[str, list] | None = None
        self.shared = ""
        self.warm: incremental.Warm | None = None  # the last full build's MkDocs, for the next passes
        self.version = 0
        self._passed = threading.Condition()  # notified when the version changes
        self._lock, self._indexing, self._again = threading.Lock(), False, False
        self._changed: set[str] = set()  # the pages rendered since the last full search index
        self._ids: dict[str, str] | None = None  # url -> id of that index's pages (searchdelta)

    def update(self) -> None:
        """Build what changed since the last pass (everything the first time); log a failure, keep the pages."""
        from mkdocs.exceptions import MkDocsException
        now = unchanged.sources(self.root, self.lang, self.langs)
        shared = unchanged.shared_inputs(self.root)  # mkdocs.yml, overrides/, the code: every page depends on them
        edited = incremental.changed(self.sources, now) if shared == self.shared and self.warm else None
        try:
            if edited:
                edited = incremental.with_includers(self.root / "content", self.here, edited, now)
                try:
                    self.warm.render(edited)
                    log.info("preview: rendered %d changed page%s again", len(edited), "" if len(edited) == 1 else "s")
                except incremental.Cold as exc:
                    log.info("preview: building it in full (%s)", exc)
                    edited = None
            if edited is None:
                self._build()
            elif not edited:
                return
        except (BuildError, MkDocsException, SystemExit, OSError) as exc:
            log.error("preview not updated: %s; it keeps the previous pages", exc)
            self.sources, self.warm = None, None  # the next pass builds everything again
            return
        self.sources, self.shared = now, shared
        self._passed_one()
        pages = [self.here + incremental.dest(rel) for rel in edited or () if rel.endswith(".md")]
        self._index(background=edited is not None, pages=pages)

    def _build(self) -> None:
        """A full build of the language into an empty folder, its MkDocs kept for the next passes."""
        self.warm = None
        shutil.rmtree(self.folder, ignore_errors=True)
        docs = self.root / "content" / self.here
        warm = incremental.Warm(languages.load(self.root, self.lang, self.site), lambda: languages.not_found(docs))
        with languages.own_pages(self.lang, self.langs):
            warm.build()
        if self.here and (self.root / "content" / "assets").is_dir():  # the stylesheets are at the root
            shutil.copytree(self.root / "content" / "assets", self.folder / "assets", dirs_exist_ok=True)
        self.warm = warm

    def _passed_one(self) -> None:
        with self._passed:
            self.version += 1
            self._passed.notify_all()

    def version_after(self, seen: str, timeout: float = WAIT) -> int:
        """The version once it is not ``seen`` (a reader's page's), or after ``timeout`` seconds."""
        with self._passed:
            self._passed.wait_for(lambda: str(self.version) != seen, timeout)
            return self.version

    def _index(self, background: bool, pages: list[str] = ()) -> None:
        """Index the preview for its search: in full at once after a full build; after an edit behind the served
        pages, only the pages changed since the last full index (``pages``: this pass's), as the build's delta."""
        with self._lock:
            if not background:
                self._changed, self._ids = set(), None
            self._changed.update(pages)
        if not background:
            return self._run_pagefind()
        with self._lock:
            self._again = self._indexing
            if self._indexing:
                return  # the running pass indexes again when it ends
            self._indexing = True
        threading.Thread(target=self._index_until_current, daemon=True).start()

    def _index_until_current(self) -> None:
        _behind()
        while True:
            self._index_changes()
            with self._lock:
                if not self._again:
                    self._indexing = False
                    return
                self._again = False

    def _index_changes(self) -> None:
        """Pagefind over the pages changed since the last full index, into pagefind/delta/ (searchdelta.py); over
        the whole language when they are more than searchdelta.BOUND."""
        with self._lock:
            pages = sorted(self._changed)
        if len(pages) > searchdelta.BOUND:
            with self._lock:
                self._changed.difference_update(pages)
                self._ids = None
            return self._run_pagefind()
        bundle, stage = self.folder / unchanged.SEARCH, self.root / ".cache" / "preview-search"
        try:
            if self._ids is None:  # the full index's page ids, read once (10,000 fragments' heads)
                self._ids = searchdelta.page_ids(bundle / "fragment", self.lang)
            pages = [rel for rel in pages if (self.folder / rel).is_file()]
            shutil.rmtree(stage, ignore_errors=True)
            delta = searchdelta.run(self.folder, self.lang, searchdelta.Delta(
                pages, [self._ids.get(searchdelta.page_url(rel), "") for rel in pages]), stage)
            _install(bundle, stage / unchanged.SEARCH, self.lang, delta)
        except (BuildError, OSError, ValueError, KeyError) as exc:
            log.warning("preview search not updated: %s", exc)
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    def _run_pagefind(self) -> None:
        try:
            shutil.rmtree(self.folder / unchanged.SEARCH / searchdelta.DELTA, ignore_errors=True)
            searchtext.run_pagefind(self.folder)
        except (BuildError, OSError) as exc:
            log.warning("preview search not updated: %s", exc)


def _install(bundle: Path, made: Path, lang: str, delta) -> None:
    """Put the delta ``made`` in place of the bundle's last one and list the ids it replaces in its entry file, as
    the build does (searchparts._deltas); no pages: the full index is right as it is."""
    entry = json.loads((bundle / ENTRY).read_text("utf-8"))
    entry.pop(searchdelta.KEY, None)
    old = bundle.with_name(bundle.name + "-old-delta")
    shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        os.rename(bundle / searchdelta.DELTA, old)
    if delta.pages:
        head = json.loads((made / ENTRY).read_text("utf-8"))
        head["languages"][lang][searchdelta.BASE] = entry["languages"][lang]["hash"]
        write_entry(made / ENTRY, head)
        os.rename(made, bundle / searchdelta.DELTA)
        entry[searchdelta.KEY] = {lang: delta.stale}
    write_entry(bundle / ENTRY, entry)
    shutil.rmtree(old, ignore_errors=True)


def _behind() -> None:
    """Lower this thread's priority, and so that of the Pagefind it starts, below the next pass's (Linux: a thread's
    nice value is its own, and a child inherits its parent thread's): on 2 cores its seconds of CPU after every edit
    must not slow the pass that renders the next one. Elsewhere the nice value is the process's: left as it is."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BEHIND)


def _handler(preview: Preview, base: str):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # one line per request would drown the build's messages
            pass

        def translate_path(self, path: str) -> str:
            path = urlsplit(path).path
            rel = path[len(base):] if path.startswith(base) else "/.not-here"
            return super().translate_path("/" + rel)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == base.rstrip("/") + VERSION:
                seen = parse_qs(url.query).get("after", [""])[0]
                version = preview.version_after(seen) if seen else preview.version
                return self._send(str(version).encode(), "text/plain")
            target = Path(self.translate_path(self.path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file() and self.path.endswith(("/", ".html")):
                script = (_RELOAD % (preview.version, base.rstrip("/") + VERSION)).encode()  # the version first
                return self._send(target.read_bytes().replace(b"</body>", script + b"</body>", 1), "text/html")
            return super().do_GET()

        def _send(self, data: bytes, kind: str):
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)
    return Handler


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A reader who closed the page mid-answer is not an error; anything else is one line, no traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            log.warning("preview: a request from %s failed: %s", client_address[0], exc)


def start_server(preview: Preview, addr: str) -> http.server.ThreadingHTTPServer:
    """Serve the preview folder under the site's path at ``addr`` (HOST:PORT), in a thread."""
    host, _, port = addr.rpartition(":")
    base = urlsplit(site_config.load(preview.root).site_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    preview.folder.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_handler(preview, base), directory=str(preview.folder))
    server = _Server((host.strip("[]"), int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log.info("serving %s on http://%s%s%s ; edits to evidence/ are picked up (Ctrl-C stops)",
             preview.lang, addr, base, preview.here)
    return server
