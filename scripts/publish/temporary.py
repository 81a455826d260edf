"""The build's marked temporary folders: made, recognised, removed, here or by a detached remover.

A folder ``.site-build-PID-TOKEN/`` beside site/ is ours when it holds the marker we wrote (naming the
PID and the token, as its name does), or when it is empty (the marker goes last). It may be removed
only by the process its name names, or by a build once that process is gone (``site.remove_leftovers``).

The previous site (about 93,000 hard links in 31,000 folders at 10,000 entries in three languages)
takes seconds to remove, so the build hands it to a remover in its own session, with its output to
/dev/null (a caller reading ours, as make or the bench do, does not wait for it), and returns:

1. the build starts the remover, which waits for its standard input to close;
2. the build makes the remover's own folder, named and marked with the remover's PID;
3. one rename moves the build's whole folder into it: at no instant is the previous site in a folder
   whose named process is gone while someone still works on it, nor in one that nobody may remove;
4. the build closes the pipe (a build killed on the way closes it too); the remover removes the
   folders named with its PID. A remover killed part way leaves its folder, marked, to the next build.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

MARKER = ".evidence-archive-build"
TEMP = re.compile(r"\.site-build-(?P<pid>\d+)-(?P<token>[0-9a-f]{16})")
KILL_AT = "EVIDENCE_ARCHIVE_TEST_KILL_AT"  # tests only: the named point at which the build kills itself
STOP_AT = "EVIDENCE_ARCHIVE_TEST_STOP_AT"  # tests only: the named point at which a remover stops until continued
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding scripts/, for the remover's import
_STARTED: list[subprocess.Popen] = []  # removers this process started: reaped here, so that none stays a zombie


def kill_point(name: str) -> None:
    """Kill this process at the named point when a test asks for it (``EVIDENCE_ARCHIVE_TEST_KILL_AT``)."""
    if os.environ.get(KILL_AT) == name:
        from .workers import parent
        if parent() is not None:  # in a language's worker: the build itself is what a kill stops
            os.kill(parent(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)


def stop_point(name: str) -> None:
    """Stop this process (SIGSTOP) at the named point when a test asks for it, until it sends SIGCONT."""
    if os.environ.get(STOP_AT) == name:
        os.kill(os.getpid(), signal.SIGSTOP)


def marker_text(pid: int, token: str) -> str:
    """The marker's text for the folder of process ``pid`` with this token."""
    return f"evidence-archive temporary build folder\npid {pid}\ntoken {token}\n"


def make_temporary(parent: Path, pid: int | None = None) -> Path:
    """Create ``.site-build-PID-TOKEN/`` in ``parent`` with its marker (PID: this process's by default)."""
    pid, token = pid or os.getpid(), secrets.token_hex(8)
    folder = parent / f".site-build-{pid}-{token}"
    folder.mkdir()
    (folder / MARKER).write_text(marker_text(pid, token), "utf-8")
    return folder


def ours(entry: os.DirEntry) -> int | None:
    """The PID named by this folder, if it is one of ours (a valid marker, or empty), else None."""
    match = TEMP.fullmatch(entry.name)
    if not match or not entry.is_dir(follow_symlinks=False):
        return None
    pid = int(match["pid"])
    marker = os.path.join(entry.path, MARKER)
    try:
        with open(marker, "rb", opener=lambda p, f: os.open(p, f | getattr(os, "O_NOFOLLOW", 0))) as f:
            text = f.read(1024)
    except OSError:
        # an empty folder of ours loses its marker last, just before it goes: removing it loses nothing
        return pid if _empty(entry.path) else None
    return pid if text == marker_text(pid, match["token"]).encode() else None


def _empty(path: str) -> bool:
    try:
        return not os.listdir(path)
    except OSError:
        return False


def running(pid: int) -> bool:
    """Tell whether process ``pid`` exists (True when unsure: then nothing is deleted)."""
    if pid == os.getpid() or os.name != "posix":  # on Windows, os.kill(pid, 0) would end the process
        return True
    _reap()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, under another user
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has exited but whose parent has not yet collected it does nothing more."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[:1] == [b"Z"]
    except OSError:
        return False


def remove_temporary(folder: Path) -> None:
    """Remove a temporary folder of ours, its marker last (so a kill part way leaves it recognisable)."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            _remove_tree(Path(entry.path))
        else:
            os.unlink(entry.path)
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def _remove_tree(tree: Path) -> None:
    first = True
    for entry in sorted(os.scandir(tree), key=lambda e: e.name):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
        if first:
            kill_point("while-removing-old")
            first = False
    tree.rmdir()


def start(parent: Path) -> subprocess.Popen:
    """Start a detached remover of the folders in ``parent`` named with its PID; it waits for its stdin to close."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH")])))
    # cwd /: the archive's own folders (it may hold a scripts/) are not on the remover's import path
    proc = subprocess.Popen([sys.executable, "-m", __name__, os.path.abspath(parent)], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.sep, env=env,
                            start_new_session=True)
    _STARTED.append(proc)
    return proc


def hand_over(folder: Path) -> bool:
    """Move ``folder`` (ours) into a detached remover's own folder; False (nothing moved) if that cannot be done."""
    if os.name != "posix":  # no detached session, and no test of whether a process is gone: remove it here
        return False
    try:
        proc = start(folder.parent)
    except OSError:
        return False
    try:
        into = make_temporary(folder.parent, proc.pid)
        kill_point("handing-over")
        os.rename(folder, into / "old")
        return True
    except OSError:
        return False
    finally:
        proc.stdin.close()  # the remover starts: on its folder with the previous site, or on nothing


def _reap() -> None:
    _STARTED[:] = [proc for proc in _STARTED if proc.poll() is None]


def main(parent: str) -> int:
    """The remover: once the build closes our stdin, remove the folders in ``parent`` named with our PID."""
    sys.stdin.buffer.read()
    os.nice(10)  # a build started at once gets the cores first
    stop_point("removing")
    status = 0
    for entry in sorted(os.scandir(parent), key=lambda e: e.name):
        if ours(entry) == os.getpid():
            try:
                remove_temporary(Path(entry.path))
            except OSError:  # nobody reads our output; the next build removes what is left (we are gone)
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
