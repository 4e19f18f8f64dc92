"""Checking many files in worker processes, on the cores that are free.

A cold check of a large handbook spends its time in :func:`sopkit.check.file_check.check_file`,
one file at a time: spread over processes it takes about a core's share. Workers
are started only for cores nothing else is busy on, and only when there are
enough files to pay for starting them; the answers come back in file order, the
same as in one process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sopkit.check.file_check import check_file
from sopkit.check.file_result import FileResult
from sopkit.format.load import Document
from sopkit.rules import Check

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_MIN_FILES = 200
"""Fewer files to check than this are checked in this process: starting workers costs more."""


JOBS_ENV = "SOPKIT_JOBS"
"""Processes to check files in, when ``jobs`` is not given (e.g. 1 in a container whose CPU
quota is smaller than the number of cores it sees)."""


def workers_for(count: int, jobs: int | None) -> int:
    """How many processes to check ``count`` files in: ``jobs`` (else ``$SOPKIT_JOBS``)
    when given, else one per idle core once there are PARALLEL_MIN_FILES files."""
    if jobs is None and os.environ.get(JOBS_ENV, "").strip().isdigit():
        jobs = int(os.environ[JOBS_ENV])
    if jobs is not None:
        return max(1, min(jobs, count))
    if count < PARALLEL_MIN_FILES:
        return 1  # few files
    import threading

    if threading.active_count() > 1:
        return 1  # threads (mkdocs serve), which forking could deadlock
    return max(1, min(_idle_cores(), count // 50))


def _idle_cores() -> int:
    """Cores this process may use that no other process is busy on right now: workers
    on a core that is already busy make the check slower, not faster."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
    try:
        with open("/proc/loadavg", encoding="ascii") as stream:
            running = int(stream.read().split()[3].split("/")[0])  # this process included
    except (OSError, ValueError, IndexError):
        return cores
    return max(1, cores - max(0, running - 1))


def in_parallel(jobs: Sequence[tuple[str, bytes]], organization: Document | None,
                workers: int, checks: Sequence[Check] | None = None) -> Iterator[FileResult]:
    """check_file over ``jobs`` (name and bytes of each file) in ``workers`` processes, in
    order."""
    return map_in_processes(_check_chunk, jobs, workers, _start_worker,
                            (organization, checks))


def map_in_processes(work: Callable[[list[Item]], list[Result]], items: Sequence[Item],
                     workers: int, start: Callable[..., None] | None = None,
                     start_with: tuple[Any, ...] = ()) -> Iterator[Result]:
    """``work`` over chunks of ``items`` in ``workers`` processes (each started with
    ``start(*start_with)``), the results in the order of the items. ``work`` and what it
    is given must be picklable, unless the processes are forked (Linux)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform == "linux" else None
    context = multiprocessing.get_context(method)
    size = max(8, min(64, len(items) // (workers * 4) or 1))
    chunks = [list(items[first:first + size]) for first in range(0, len(items), size)]
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start,
                             initargs=start_with) as pool:
        for results in pool.map(work, chunks):
            yield from results


_worker_organization: Document | None = None
_worker_checks: Sequence[Check] | None = None


def _start_worker(organization: Document | None, checks: Sequence[Check] | None) -> None:
    global _worker_organization, _worker_checks
    _worker_organization, _worker_checks = organization, checks


def _check_chunk(jobs: list[tuple[str, bytes]]) -> list[FileResult]:
    return [check_file(name, raw, _worker_organization, checks=_worker_checks)
            for name, raw in jobs]
