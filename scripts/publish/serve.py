"""Live preview: regenerate pages when evidence/ changes, and let `mkdocs serve` rebuild the site.

The generator runs outside MkDocs and writes only files whose content changed, so MkDocs sees
one change per edit and never rebuilds in a loop (writing into docs_dir from inside a build would).
MkDocs runs with ``--dirty``: it rebuilds only the pages whose files changed, which keeps an edit
within seconds at 1,000 entries (a full rebuild takes about 13 s there); after each rebuild the hook
runs Pagefind over the served site, so the preview's search works as the built site's does. Dirty
builds log a warning, so the preview is not strict; `make site` is.
Images reach the served site through the same hook as in a build: MkDocs links them in after each rebuild.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from ..evidence.problems import BuildError
from . import theme

log = logging.getLogger(__name__)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file below ``folder``."""
    state = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            p = os.path.join(dirpath, name)
            try:
                st = os.stat(p)
            except OSError:
                continue
            state[p] = (st.st_size, st.st_mtime_ns)
    return state


def watch(folder: Path, on_change: Callable[[], None], interval: float = 0.3,
          stop: Callable[[], bool] = lambda: False) -> None:
    """Call ``on_change`` after files below ``folder`` change (polling: no extra dependency, works everywhere)."""
    last = snapshot(folder)
    while not stop():
        time.sleep(interval)
        now = snapshot(folder)
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


def serve(root: Path, regenerate: Callable[[], None], addr: str = "127.0.0.1:8000") -> int:
    """Generate once, start `mkdocs serve`, and regenerate on every change to evidence/; its exit code."""
    check_port(addr)
    regenerate()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "--no-strict", "--dev-addr", addr,
           "--config-file", str(theme.serve_config(root))]
    # MkDocs' hook (scripts/publish/hooks.py) imports this package to link the images in
    package_parent = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen(cmd, cwd=root, env=env)
    log.info("serving on http://%s/ ; edits to evidence/ are picked up (Ctrl-C stops)", addr)
    stopped = False
    try:
        watch(root / "evidence", regenerate, stop=lambda: proc.poll() is not None)
    except KeyboardInterrupt:
        stopped = True
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
    if not stopped and proc.returncode not in (0, -signal.SIGTERM):  # it stopped by itself: say so, and fail
        raise BuildError(f"mkdocs serve stopped with exit code {proc.returncode}; see its messages above")
    return 0
