"""The languages' MkDocs builds in parallel forked processes, each into its own folder.

Builds run in worker processes, never in two threads of one (MkDocs keeps global state: its strict-mode
warning counter on the ``mkdocs`` logger); a worker done early may build another language after its first, as
the build did before, one language after another. Three languages on
two cores run as three processes at once by default (``WORKERS``): measured against two at a time,
where the third language then runs alone (benchmarks/bench.md). A worker's log records are sent to
the parent, which logs them as its own; its failure is re-raised there with the same message and
type family it had (BuildError from our hook, MkDocs' own exceptions, OSError as MkDocs' message). A
worker dies with the build that started it (``PR_SET_PDEATHSIG``), so a killed build leaves no writer
in its temporary folder, and a kill point reached in a worker kills the whole build. The generation runs
in such a process too (``in_child``): what it allocated (~600 MB at 10,000 entries) is given back when it
exits, before the MkDocs workers are forked (each would carry the parent's pages).
"""

from __future__ import annotations

import concurrent.futures
from concurrent.futures.process import BrokenProcessPool
import contextlib
import ctypes
import logging
import logging.handlers
import multiprocessing
import os
import signal
from typing import Callable

from ..evidence.problems import BuildError

log = logging.getLogger(__name__)
WORKERS_ENV = "EVIDENCE_ARCHIVE_MKDOCS_WORKERS"  # the bench compares 1, 2 and 3 processes with it
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PARENT: int | None = None  # in a worker: the build's process
_BUILD: Callable[[str], None] | None = None  # set before forking; the workers inherit it (a closure cannot travel)


def workers(jobs: int) -> int:
    """How many processes build ``jobs`` languages: one per language unless WORKERS_ENV says otherwise."""
    try:
        wanted = int(os.environ.get(WORKERS_ENV, "0"))
    except ValueError:
        wanted = 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(jobs, wanted or jobs))


def parent() -> int | None:
    """The build's PID when this process is one of its workers, else None (for kill points)."""
    return _PARENT


class _Forward(logging.Handler):
    """Logs, in the parent, a record a worker sent, through the logger that made it."""

    def handle(self, record: logging.LogRecord) -> bool:
        logging.getLogger(record.name).handle(record)
        return True


def _start(queue, build_pid: int) -> None:
    """In a new worker: die with the build, and send every log record to the parent."""
    global _PARENT
    _PARENT = build_pid
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != build_pid:  # the build ended before prctl took effect
        os._exit(1)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(queue))
    for name in list(logging.Logger.manager.loggerDict):  # e.g. MkDocs' own handlers, and pytest's
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            logger.propagate = True


def _run(lang: str) -> tuple[str, str] | None:
    """Build one language; None, or the failure as (kind, message) for the parent to raise."""
    from mkdocs.exceptions import MkDocsException
    try:
        _BUILD(lang)
    except BuildError as exc:
        return "build", str(exc)
    except (MkDocsException, SystemExit, OSError) as exc:
        return "mkdocs", str(exc)
    return None


def _raise(failure: tuple[str, str]) -> None:
    from mkdocs.exceptions import MkDocsException
    kind, message = failure
    raise BuildError(message) if kind == "build" else MkDocsException(message)


def in_child(fn: Callable, *args, meanwhile: Callable[[], None] | None = None):
    """``fn(*args)`` in a forked process that exits when it returns, so that all it allocated is given back;
    its result or its exception (sent back over a pipe, never stored), its log records logged here.

    ``meanwhile()`` runs here while the child works (after the fork: the child does not inherit what it does)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile:
            meanwhile()
        return fn(*args)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    listener = logging.handlers.QueueListener(queue, _Forward())
    listener.start()
    try:
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context, initializer=_start,
                                                    initargs=(queue, os.getpid())) as pool:
            future = pool.submit(fn, *args)  # forks the child now
            if meanwhile:
                meanwhile()
            return future.result()
    except BrokenProcessPool:
        raise BuildError("the generation stopped before it finished (killed, or out of memory?); "
                         "the previous site/ is unchanged") from None
    finally:
        listener.stop()


def build_all(build: Callable[[str], None], langs: list[str]) -> None:
    """Run ``build(lang)`` for every language, in parallel processes; raise the first language's failure."""
    global _BUILD
    n = workers(len(langs))
    if n < 2:
        for lang in langs:
            build(lang)
        return
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    listener = logging.handlers.QueueListener(queue, _Forward())
    listener.start()
    _BUILD = build
    try:
        with concurrent.futures.ProcessPoolExecutor(n, mp_context=context, initializer=_start,
                                                    initargs=(queue, os.getpid())) as pool:
            results = list(pool.map(_run, langs))
    except BrokenProcessPool:
        raise BuildError("a MkDocs process stopped before it finished (killed, or out of memory?)") from None
    finally:
        _BUILD = None
        listener.stop()
    for failure in results:  # in the languages' order, as a build one after another would
        if failure:
            _raise(failure)
