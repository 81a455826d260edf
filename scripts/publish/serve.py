"""Live preview: regenerate pages when evidence/ changes, and render again only the pages that changed.

The generator runs outside MkDocs, for the previewed language only (``build.generate(langs=)``: the others'
files wait for the next full build), and writes only files whose content changed; preview.py then renders
exactly those through MkDocs' own page pipeline, for one language (``--lang``), and serves them.
Images reach the served site through the same hook as in a build: MkDocs links them in after each pass.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Callable

from ..evidence.problems import BuildError

log = logging.getLogger(__name__)
SETTLE = 0.1  # seconds of quiet after a file event before the pass starts


def _files(place: Path):
    """Every file path below a folder, or the file itself."""
    if place.is_file():
        yield str(place)
        return
    for dirpath, _, filenames in os.walk(place):
        yield from (os.path.join(dirpath, name) for name in filenames)


def snapshot(*places: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file below each of ``places`` (folders or files)."""
    state = {}
    for p in (p for place in places for p in _files(place)):
        try:
            st = os.stat(p)
        except OSError:
            continue
        state[p] = (st.st_size, st.st_mtime_ns)
    return state


def watch(places: list[Path], on_change: Callable[[], None], interval: float = 0.3,
          stop: Callable[[], bool] = lambda: False, ignore: Callable[[str], bool] = lambda path: False,
          ready: Callable[[], None] = lambda: None) -> None:
    """Call ``ready`` once the watch has begun (so that no change after it is missed), then ``on_change`` after
    files below ``places`` change, except paths ``ignore`` names (the files ``on_change`` itself writes). The
    system's file events (watchdog: inotify, FSEvents, ReadDirectoryChangesW) cost nothing between edits; where
    they are not available, ``poll`` instead."""
    from watchdog.observers import Observer
    changed = threading.Event()
    observer = Observer()
    try:
        for place in places:
            _schedule(observer, place, changed, ignore)
        observer.start()
    except OSError as exc:  # e.g. the inotify watch limit: a scan of the folders still works
        log.warning("file events are not available (%s); the preview scans the folders every %.1f s instead",
                    exc, interval)
        return poll(places, on_change, interval, stop, ready)
    try:
        ready()
        while not stop():
            if changed.wait(interval):
                time.sleep(SETTLE)  # an editor's save can be several events: one pass for all of them
                changed.clear()
                on_change()
    finally:
        observer.stop()
        observer.join()


def _schedule(observer, place: Path, changed: threading.Event, ignore: Callable[[str], bool]) -> None:
    from watchdog import events

    # only what changes a file: the events of MkDocs reading 10,000 pages would overflow the system's queue
    kinds = [events.FileCreatedEvent, events.FileDeletedEvent, events.FileMovedEvent, events.FileClosedEvent,
             events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]
    target = os.path.abspath(place)

    class Handler(events.FileSystemEventHandler):
        def on_any_event(self, event):
            for path in (event.src_path, getattr(event, "dest_path", "")):
                path = os.fsdecode(path)
                if path and (path == target or path.startswith(target + os.sep)) and not _ours(path, ignore):
                    changed.set()
    if place.is_dir():
        observer.schedule(Handler(), target, recursive=True, event_filter=kinds)
    elif place.parent.is_dir():  # a file (mkdocs.yml): its folder, for the file alone
        observer.schedule(Handler(), os.path.dirname(target), recursive=False, event_filter=kinds)


def _ours(path: str, ignore: Callable[[str], bool]) -> bool:
    from ..store.files import is_temporary
    return is_temporary(os.path.basename(path)) or ignore(path)


def poll(places: list[Path], on_change: Callable[[], None], interval: float = 0.3,
         stop: Callable[[], bool] = lambda: False, ready: Callable[[], None] = lambda: None) -> None:
    """``watch`` by scanning: call ``on_change`` after the size or mtime of a file below ``places`` changes.
    Files that ``on_change`` itself writes cause one more, quiet pass: the generator then writes nothing."""
    last = snapshot(*places)
    ready()
    while not stop():
        time.sleep(interval)
        now = snapshot(*places)
        if now != last:
            last = now
            on_change()


def check_port(addr: str) -> None:
    """Raise BuildError unless ``HOST:PORT`` can be listened on now (MkDocs would print a traceback and exit 0)."""
    host, sep, port = addr.rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not host:
        raise BuildError(f"--dev-addr {addr!r} is not HOST:PORT (e.g. 127.0.0.1:8000)")
    try:
        infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server does
            s.bind(infos[0][4])
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BuildError(f"cannot serve on {addr}: the port is in use (another preview?); "
                             "stop it, or choose another port with --dev-addr") from None
        raise BuildError(f"cannot serve on {addr}: {exc.strerror or exc}") from None


def serve(root: Path, regenerate: Callable[[str], None], addr: str = "127.0.0.1:8000", lang: str | None = None) -> int:
    """Generate and build the preview of ``lang`` (the default language), serve it, and after every change
    to evidence/ regenerate (``regenerate(lang)``: that language's files only) and render again only the pages
    that changed; its exit code."""
    from .. import config as site_config
    from .preview import Preview, start_server

    check_port(addr)
    preview = Preview(root, lang or site_config.languages(root).default)
    servers = []

    def again() -> None:
        regenerate(preview.lang)
        preview.update()

    def first() -> None:  # once the watch has begun: an edit saved as soon as the page is served is seen
        again()
        servers.append(start_server(preview, addr))
    try:
        watch([root / "evidence", root / "content", root / "mkdocs.yml", root / "overrides"], again,
              ignore=_generated(root / "content"), ready=first)
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    return 0


def _generated(content: Path) -> Callable[[str], bool]:
    """Whether a path is one the generator writes into ``content`` (its manifest lists them), read once a pass."""
    from .interrupted import WRITING
    from .output import MANIFEST, Writer
    prefix, known = os.path.abspath(content) + os.sep, {"stamp": None, "paths": frozenset()}

    def ignore(path: str) -> bool:
        if not path.startswith(prefix):
            return False
        rel = path[len(prefix):].replace(os.sep, "/")
        if rel in (MANIFEST, WRITING):
            return True
        try:
            st = os.stat(content / MANIFEST)
            stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            return False
        if stamp != known["stamp"]:
            known["stamp"], known["paths"] = stamp, frozenset(Writer(content).previous)
        return rel in known["paths"]
    return ignore
