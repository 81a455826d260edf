"""Run slices of a long list, or a few independent tasks, on every core, in forked processes that inherit
the caller's state.

Forking passes the loaded archive (or the job) to the workers for free; only each slice's (task's)
result travels back. Below ``PARALLEL_FROM`` items, or where fork is missing, everything runs here.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import multiprocessing
import os
from typing import Any, Callable

PARALLEL_FROM = 2000  # below this, starting processes costs more than it saves
_TASK: tuple[Callable, Any] | None = None  # set before forking; the workers inherit it


def _run(bounds: tuple[int, int]):
    func, state = _TASK
    return func(state, *bounds)


def _workers() -> int:
    """How many processes to fork (0: run here instead)."""
    workers = min(os.cpu_count() or 1, 8)
    return workers if workers >= 2 and "fork" in multiprocessing.get_all_start_methods() else 0


@contextlib.contextmanager
def _pool(workers: int):
    """A pool of forked workers. The caller's objects are frozen out of the garbage collector first: a collection
    in a worker would otherwise write to every one of them, and so copy every page that holds one."""
    gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()


def map_slices(func: Callable[[Any, int, int], Any], state: Any, n: int, parallel_from: int = PARALLEL_FROM) -> list:
    """Return [func(state, start, end) for each slice of range(n)], in order, over all cores when n is large.

    The first slice runs here while forked workers run the others: one process fewer to copy memory into, and
    one slice's result that need not travel back."""
    global _TASK
    workers = _workers()
    if n < parallel_from or not workers:
        return [func(state, 0, n)]
    step = -(-n // workers)
    bounds = [(i, min(i + step, n)) for i in range(0, n, step)]
    if len(bounds) < 2:
        return [func(state, 0, n)]
    _TASK = (func, state)
    try:
        with _pool(len(bounds) - 1) as pool:
            others = [pool.submit(_run, b) for b in bounds[1:]]  # forked here, before this process works on its own
            return [func(state, *bounds[0])] + [f.result() for f in others]
    finally:
        _TASK = None


def _take(i: int, state: tuple | None = None) -> tuple[bool, Any]:
    """Run task ``i`` unless another process took it: (taken here, its result). ``state``: (tasks, taken), given
    in this process (a task that itself maps slices resets the global), inherited in a worker."""
    tasks, taken = state or _TASK[1]
    with taken.get_lock():
        if taken[i]:
            return False, None
        taken[i] = 1
    return True, tasks[i]()


def map_tasks(tasks: list[Callable[[], Any]], parallel: bool = True) -> list:
    """Return [task() for task in tasks], in order; with ``parallel``, this process and forked workers each take
    the next task nobody has taken (so put the longest first: the last one taken bounds the wall). Working
    here too makes one process fewer to copy memory into; a worker sends each result back as soon as it is made."""
    global _TASK
    workers = min(_workers() if parallel else 0, len(tasks))
    if workers < 2:
        return [task() for task in tasks]
    state = (tasks, multiprocessing.get_context("fork").Array("b", len(tasks)))  # shared: taken or not
    _TASK = (None, state)
    try:
        with _pool(workers - 1) as pool:
            theirs = [pool.submit(_take, i) for i in range(len(tasks))]
            mine = [_take(i, state) for i in range(len(tasks))]
            return [result if taken else f.result()[1] for (taken, result), f in zip(mine, theirs)]
    finally:
        _TASK = None
