"""Rendering ahead: the pages of a handbook rendered in a second process, in the order they
will be asked for, while this process uses the ones before them.

On a machine with two cores, MkDocs converts page N while the second process renders
page N+1. The text of every page is the same as :func:`sopkit.publish.render.render_model`
gives; whatever the second process cannot deliver (it could not start, died, or a job
raised something other than a template problem) is rendered here, where an error is
raised as usual. Nothing of it outlives :meth:`LazySite.close`: no process, no thread,
no file.

The second process is a :class:`concurrent.futures.ProcessPoolExecutor` of one forked
worker: forked, it already holds the handbook and the templates, and each job sends back
only the job's number and its pages.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from sopkit.config import Config
from sopkit.model import Handbook
from sopkit.publish.render import JobOutput, RenderedSite, Renderer, RenderJob, section_prefix
from sopkit.publish.templating import TemplateProblem

__all__ = ["PARALLEL_MINIMUM", "LazySite", "render_site"]

_T = TypeVar("_T")

PARALLEL_MINIMUM = 50
"""Handbooks with fewer procedures are rendered in one process: a second one would not pay
for itself."""


def render_site(config: Config, handbook: Handbook) -> RenderedSite:
    """Every page of ``handbook`` (as :func:`sopkit.publish.render.render_model` gives them),
    the second process taking the pages from the first and this one from the last."""
    site = LazySite(config, handbook)
    try:
        return site.rendered(parallel=True)
    finally:
        site.close()


class LazySite:
    """The handbook's pages, each rendered when it is first asked for.

    Every path and the nav are known at once (:attr:`paths`, :attr:`nav`); :meth:`text`
    renders a page on first use, or takes it from the second process once
    :meth:`start_worker` started it. Call :meth:`close` when done.
    """

    def __init__(self, config: Config, handbook: Handbook, *,
                 clean_flowcharts: bool = False) -> None:
        """``clean_flowcharts``: also clean each page's inline flowchart, as the plugin
        cleans pages (see :meth:`cleaned_part`), in the second process when there is one."""
        renderer = Renderer(config, handbook, clean_flowcharts)
        self.procedures = len(handbook.procedures)
        self.prefix = section_prefix(config)
        self._jobs = renderer.jobs()
        self._job_of: dict[str, int] = {}
        for index, job in enumerate(self._jobs):
            for output in job.outputs:
                self._job_of[self.prefix + output] = index
        self.paths: tuple[str, ...] = tuple(sorted(self._job_of))
        """Every file of the site, with the section folder, sorted."""
        self.nav: list[Any] = renderer.nav(self.prefix)
        self.footers: Mapping[str, str] = renderer.footers(self.prefix)
        self._renderer = renderer
        """The running footer of each printed procedure page and run sheet, by path."""
        self._texts: dict[str, str] = {}
        self._cleaned: dict[str, tuple[str, str]] = {}
        self._done: set[int] = set()
        self._ahead: _RenderAhead | None = None
        self._frozen = False
        self.problem: TemplateProblem | None = None
        """The first template problem :meth:`take_for_mkdocs` met."""

    def text(self, path: str) -> str:
        """The text of the file ``path`` (one of :attr:`paths`)."""
        text = self._texts.get(path)
        if text is None:
            self._ensure(self._job_of[path])
            text = self._texts[path]
        return text

    def take(self, path: str) -> str:
        """Like :meth:`text`, but forget the text: whoever takes it keeps it (asked for
        again, the page is rendered again, to the same text)."""
        text = self.text(path)
        del self._texts[path]
        self._done.discard(self._job_of[path])  # rendered again if asked for again
        return text

    def titles(self) -> dict[str, str]:
        """The title of each page the nav lists by its path alone, before it is rendered
        (sopkit.publish.nav_titles)."""
        from sopkit.publish.nav_titles import page_titles

        return page_titles(self._renderer, self.prefix)

    def take_for_mkdocs(self, path: str) -> str:
        """Like :meth:`take`, for MkDocs, which says an error of a page in a line of its
        own before the error: a page whose template fails is empty, and the first such
        problem (in the order pages are asked for) is kept in :attr:`problem`, for the
        plugin to raise once MkDocs has read every page."""
        try:
            return self.take(path)
        except TemplateProblem as problem:
            self.problem = self.problem or problem
            return ""

    def cleaned_part(self, path: str) -> tuple[str, str] | None:
        """The inline flowchart of page ``path`` and the same markup cleaned, when the page
        was rendered with ``clean_flowcharts`` (asked once: then forgotten)."""
        return self._cleaned.pop(path, None)

    def _ensure(self, index: int) -> None:
        if index in self._done:
            return
        output = self._ahead.take(index) if self._ahead is not None else None
        self._store(index, output if output is not None else self._jobs[index].run())

    def _ensure_here(self, index: int) -> None:
        if index not in self._done:
            self._store(index, self._jobs[index].run())

    def _store(self, index: int, output: JobOutput | _Failed) -> None:
        if isinstance(output, _Failed):
            raise TemplateProblem(output.message)
        for path, text in output.files.items():
            self._texts[self.prefix + path] = text
        if output.cleaned_flowchart is not None:
            self._cleaned[self.prefix + self._jobs[index].outputs[0]] = output.cleaned_flowchart
        self._done.add(index)

    def start_worker(self) -> bool:
        """Start the process that renders ahead; False when this platform or process
        cannot fork (no ``fork``, one core, threads running) or the handbook is small."""
        if self._ahead is None and _can_fork() and self.procedures >= PARALLEL_MINIMUM:
            todo = [index for index in range(len(self._jobs)) if index not in self._done]
            self._ahead = _RenderAhead.start(self._jobs, todo)
        return self._ahead is not None

    def run_ahead(self, function: Callable[..., _T], *args: Any) -> Future[_T] | None:
        """``function(*args)`` run in the second process, after the pages it was given to
        render; None when there is no second process (the caller runs it itself).
        ``function`` and ``args`` must pickle (a function of a module, plain data)."""
        return self._ahead.submit(function, *args) if self._ahead is not None else None

    def prepare_for_build(self) -> None:
        """Before MkDocs builds the pages: start rendering ahead (when it pays), and keep
        what is alive now (the checked documents, the model, MkDocs' settings) out of the
        garbage collector's way: it lives through the build, and no collection needs to
        walk it again and again. :meth:`close` gives it back to the collector."""
        self.start_worker()
        if not self._frozen:
            gc.freeze()
            self._frozen = True

    def rendered(self, *, parallel: bool = False) -> RenderedSite:
        """Every file, rendered now: with ``parallel``, the second process takes the pages
        from the first and this process from the last until they meet."""
        if parallel and self.start_worker():
            assert self._ahead is not None
            for index in reversed(range(len(self._jobs))):
                if index in self._done:
                    continue
                if not self._ahead.withdraw(index):
                    break
                try:
                    self._ensure_here(index)
                except TemplateProblem:
                    break  # raised below, in the order of the pages, whoever met it first
        files = {path: self.text(path) for path in self.paths}
        return RenderedSite(MappingProxyType(files), self.nav)

    def close(self) -> None:
        """Stop the second process, if any; pages not read yet are rendered here if asked
        for. Give what :meth:`prepare_for_build` froze back to the garbage collector."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


def _can_fork() -> bool:
    if not hasattr(os, "fork") or sys.platform == "darwin" or threading.active_count() > 1:
        return False
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    return cores > 1 and os.environ.get("SOPKIT_RENDER_PROCESSES", "") != "1"


@dataclass(frozen=True)
class _Failed:
    """What the second process sends for a job whose template failed: the problem's line,
    raised here when the page is asked for."""

    message: str


class _RenderAhead:
    """One forked worker rendering jobs in order; one future a job."""

    def __init__(self, executor: ProcessPoolExecutor,
                 futures: Mapping[int, Future[JobOutput | _Failed]]) -> None:
        self._futures = dict(futures)
        self._executor = executor
        self._finalizer = weakref.finalize(self, _stop, executor)

    @classmethod
    def start(cls, jobs: Sequence[RenderJob], todo: Sequence[int]) -> _RenderAhead | None:
        # Forked, the worker gets the jobs as they are in memory: nothing is pickled but
        # the job numbers and the pages.
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_adopt, initargs=(jobs,))
        try:
            futures = {index: executor.submit(_run, index) for index in todo}
        except OSError:  # the fork failed: everything is rendered here
            _stop(executor)
            return None
        return cls(executor, futures)

    def submit(self, function: Callable[..., _T], *args: Any) -> Future[_T] | None:
        """Queue ``function(*args)`` behind the jobs given so far; None if the worker is
        gone or stopped."""
        try:
            return self._executor.submit(function, *args)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down
            return None

    def withdraw(self, index: int) -> bool:
        """Take job ``index`` back from the worker (to render here): False if it has
        started or finished it."""
        future = self._futures.get(index)
        if future is None or not future.cancel():
            return False
        del self._futures[index]
        return True

    def take(self, index: int) -> JobOutput | _Failed | None:
        """What the worker made of job ``index``, waiting for it; None if it was not given
        the job, is gone, or the job raised something else (rendered here, it raises again)."""
        future = self._futures.pop(index, None)
        if future is None:
            return None
        try:
            return future.result()
        except Exception:
            return None

    def close(self) -> None:
        self._futures.clear()
        self._finalizer()


def _stop(executor: ProcessPoolExecutor) -> None:
    """Cancel the jobs not started; wait for the worker and the executor's threads to end."""
    executor.shutdown(wait=True, cancel_futures=True)


_ADOPTED: list[Sequence[RenderJob]] = []
"""In the worker: the jobs it was forked with."""


def _adopt(jobs: Sequence[RenderJob]) -> None:
    """The worker's start: Ctrl+C is for the parent, which stops the worker; what the parent
    left in memory is never collected (so never copied page by page)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    _ADOPTED.append(jobs)


def _run(index: int) -> JobOutput | _Failed:
    try:
        return _ADOPTED[-1][index].run()
    except TemplateProblem as problem:  # the parent says it when it asks for the page
        return _Failed(str(problem))
