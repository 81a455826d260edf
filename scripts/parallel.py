"""Run slices of a long list, or a few independent tasks, on every core, in forked processes that inherit
the caller's state.

Forking passes the loaded archive (or the job) to the workers for free; only each slice's (task's)
result travels back. Below ``PARALLEL_FROM`` items, or where fork is missing, everything runs here.
"""

from __future__ import annotations

import concurrent.futures
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


def map_slices(func: Callable[[Any, int, int], Any], state: Any, n: int, parallel_from: int = PARALLEL_FROM) -> list:
    """Return [func(state, start, end) for each slice of range(n)], in order, over all cores when n is large."""
    global _TASK
    workers = _workers()
    if n < parallel_from or not workers:
        return [func(state, 0, n)]
    step = -(-n // workers)
    _TASK = (func, state)
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, [(i, min(i + step, n)) for i in range(0, n, step)]))
    finally:
        _TASK = None


def _one(i: int):
    return _TASK[1][i]()


def map_tasks(tasks: list[Callable[[], Any]], parallel: bool = True) -> list:
    """Return [task() for task in tasks], in order; with ``parallel``, each task in whichever forked process
    is free first (so put the longest first: the last one started bounds the wall)."""
    global _TASK
    workers = _workers() if parallel and len(tasks) > 1 else 0
    if not workers:
        return [task() for task in tasks]
    _TASK = (None, tasks)
    try:
        with concurrent.futures.ProcessPoolExecutor(min(workers, len(tasks)),
                                                    mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_one, range(len(tasks))))
    finally:
        _TASK = None
