"""Procedures -> a tree of Markdown (and SVG) pages, through Jinja templates.

Rendering is a pure function: :func:`render_handbook` takes the configuration and the
schema-valid documents and returns a :class:`RenderedSite` (relative path -> text, and an
MkDocs ``nav``), the same bytes for the same input. The MkDocs plugin adds these files
to the site; ``sopkit render --out DIR`` writes them with :func:`write_tree` for any other
builder.

The templates run in the sandboxed environment of :mod:`sopkit.publish.templating`, which also
turns a template that fails into a one-line :class:`TemplateProblem`. Values reach
templates as data and are never compiled: a procedure that says ``{{ 7*7 }}`` shows
exactly that. Every user value goes through one of the filters of :mod:`sopkit.publish.markdown`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import posixpath
import re
import select
import shutil
import signal
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sopkit.config import Config
from sopkit.format.load import Document
from sopkit.model import (
    Department,
    Handbook,
    Procedure,
    Role,
    RoleEntry,
    build_handbook,
    split_duration,
)
from sopkit.publish.flowchart import Edge, Flow, Lane, Node, render_flowchart
from sopkit.publish.labels import Labels, labels_for
from sopkit.publish.markdown import page_title
from sopkit.publish.pages import PagePaths, flowchart_path, page_paths
from sopkit.publish.templating import TemplateProblem, environment, template_problem

__all__ = [
    "PAGE_TEMPLATES",
    "RenderedSite",
    "render_handbook",
    "render_model",
    "write_tree",
]

REVIEW_WINDOW_DAYS = 30
"""The home page lists reviews overdue or due within this many days."""

CHANGES_LIMIT = 50
"""The recent-changes page lists this many history entries."""

PAGE_TEMPLATES: Mapping[str, str] = {
    "index.md": "index.md.j2",
    "roles.md": "roles.md.j2",
    "raci.md": "raci.md.j2",
    "reviews.md": "reviews.md.j2",
    "changes.md": "changes.md.j2",
    "tags.md": "tags.md.j2",
}
"""The handbook-wide pages and their templates (procedure and department pages aside)."""


@dataclass(frozen=True)
class RenderedSite:
    """The handbook's pages: relative POSIX path -> text, and the MkDocs ``nav``."""

    files: Mapping[str, str]
    nav: list[Any] = field(default_factory=list)
    """An MkDocs ``nav:`` list. Titles are HTML (MkDocs prints them unescaped), so user
    text in them is made a safe title (:func:`sopkit.publish.markdown.page_title`); procedure
    pages are bare paths and take the ``title`` of their front matter."""


def render_handbook(config: Config, procedures: Sequence[Document],
                    organization: Document | None) -> RenderedSite:
    """Every page of the handbook from schema-valid documents."""
    return render_model(config, build_model(config, procedures, organization))


def build_model(config: Config, procedures: Sequence[Document],
                organization: Document | None) -> Handbook:
    """The :class:`Handbook` of schema-valid documents, on the configuration's date.

    The cyclic garbage collector is paused meanwhile: building creates no garbage
    cycles, only many objects, and each collection would walk every object of the
    checked documents again (half the time of building a large handbook)."""
    today = config.today or date.today()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build_handbook(procedures, organization, today)
    finally:
        if enabled:
            gc.enable()


def _relative(target: str, page: str, anchor: str = "") -> str:
    link = _relpath(target, posixpath.dirname(page))
    return f"{link}#{anchor}" if anchor else link


@functools.lru_cache(maxsize=65536)
def _relpath(target: str, folder: str) -> str:
    """``posixpath.relpath(target, folder or ".")`` for the renderer's relative paths,
    without its calls to the file system (``os.getcwd``): thousands of links a page."""
    if posixpath.isabs(target) or posixpath.isabs(folder):
        return posixpath.relpath(target, folder or ".")
    target_parts = [part for part in posixpath.normpath(target).split("/") if part != "."]
    folder_parts = [part for part in posixpath.normpath(folder or ".").split("/")
                    if part != "."]
    if ".." in target_parts or ".." in folder_parts:
        return posixpath.relpath(target, folder or ".")
    common = 0
    for mine, theirs in zip(target_parts, folder_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(folder_parts) - common) + target_parts[common:]
    return "/".join(parts) if parts else "."


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n") + "\n"


def _inline_svg(svg: str) -> str:
    """SVG markup as one raw HTML block: no blank lines that would end it."""
    return "\n".join(line for line in svg.strip().split("\n") if line.strip())


def flowchart(procedure: Procedure, labels: Mapping[str, str]) -> str:
    """The procedure's swimlane flowchart as ``<svg>`` markup."""
    flow = Flow(
        title=f"{procedure.id} {procedure.title}",
        description=procedure.summary or "",
        lanes=tuple(Lane(role.id, role.title) for role in procedure.lanes),
        nodes=tuple(Node(step.id, step.title, step.role.id, step.kind, str(step.number))
                    for step in procedure.steps),
        edges=tuple(Edge(edge.source, edge.target, edge.label or "")
                    for edge in procedure.edges),
        ends=procedure.ends,
    )
    return render_flowchart(flow, link_prefix="#step-", labels={
        "end": labels["flow_end"], "too_large": labels["flow_too_large"]})


_INLINE, _CLEANED = "\0inline-svg:", "\0cleaned-svg:"
"""Not files: with ``clean_flowcharts``, a procedure job also returns its page's inline
flowchart (under ``_INLINE + path``) and that markup cleaned (``_CLEANED + path``)."""

_PROBLEM = "\0template-problem"
"""Not a file: what the rendering process returns for a job that met a TemplateProblem
(its message), so that this process raises it when it asks for the page."""


class _Renderer:
    def __init__(self, config: Config, handbook: Handbook, clean_flowcharts: bool = False) -> None:
        self.config = config
        self.handbook = handbook
        self.clean_flowcharts = clean_flowcharts
        self.labels: Labels = labels_for(config.language)
        self.env = environment(config)
        self.paths: PagePaths = page_paths(
            PAGE_TEMPLATES,
            (group.department.id for group in handbook.departments
             if group.department is not None),
            (role.id for role in handbook.roles),
            ((procedure.id, procedure.department.id if procedure.department else None)
             for procedure in handbook.procedures))
        self.procedure_paths = self.paths.procedures

    # -- helpers given to templates ---------------------------------------------------

    def duration(self, minutes: float) -> str:
        """``3060`` -> ``2 d 3 h`` in the site language."""
        return " ".join(f"{count} {self.labels['unit_' + unit]}"
                        for unit, count in split_duration(minutes))

    def procedure_path(self, procedure: Procedure | str) -> str | None:
        key = procedure if isinstance(procedure, str) else procedure.id
        return self.procedure_paths.get(key)

    def department_path(self, department: Department | None) -> str | None:
        return None if department is None else self.paths.department(department.id)

    def role_path(self, role: Role | RoleEntry | str) -> str:
        return self.paths.role(role if isinstance(role, str) else role.id)

    def context(self, page: str, **extra: Any) -> dict[str, Any]:
        def href(target: str, anchor: str = "") -> str:
            return _relative(target, page, anchor)

        return {
            "handbook": self.handbook,
            "labels": self.labels,
            "language": self.config.language,
            "today": self.handbook.today,
            "page": page,
            "href": href,
            "procedure_path": self.procedure_path,
            "department_path": self.department_path,
            "role_path": self.role_path,
            "duration": self.duration,
            "review_window": REVIEW_WINDOW_DAYS,
            "changes_limit": CHANGES_LIMIT,
            **extra,
        }

    # -- pages ---------------------------------------------------------------------------

    def page(self, path: str, template: str, **extra: Any) -> str:
        try:
            text = self.env.get_template(template).render(self.context(path, **extra))
        except Exception as error:
            problem = template_problem(error, self.config, template)
            if problem is None:
                raise
            raise problem from None
        return _tidy(text)

    def jobs(self) -> list[_Job]:
        """Every piece of work of the site: one page (a procedure's: its page and its
        flowchart), with the files it writes, in the order of their paths."""
        jobs: list[_Job] = []
        for page, template in PAGE_TEMPLATES.items():
            jobs.append(_Job((page,), functools.partial(self._simple, page, template)))
        done: set[str] = set()  # a repeated id (an error of its own) gets one page
        for group in self.handbook.departments:
            if group.department is not None:
                path = self.paths.department(group.department.id)
                if path not in done:
                    done.add(path)
                    jobs.append(_Job((path,), functools.partial(
                        self._simple, path, "department.md.j2", department=group.department,
                        procedures=group.procedures)))
        for role in self.handbook.roles:
            path = self.paths.role(role.id)
            jobs.append(_Job((path,), functools.partial(
                self._simple, path, "role.md.j2", role=role)))
        for procedure in self.handbook.procedures:
            path = self.paths.procedures[procedure.id]
            if path in done:
                continue
            done.add(path)
            svg_path = flowchart_path(path)
            jobs.append(_Job((path, svg_path),
                             functools.partial(self._procedure, procedure, path, svg_path)))
        jobs.sort(key=lambda job: job.outputs[0])
        return jobs

    def _simple(self, path: str, template: str, **extra: Any) -> dict[str, str]:
        return {path: self.page(path, template, **extra)}

    def _procedure(self, procedure: Procedure, path: str, svg_path: str) -> dict[str, str]:
        svg = flowchart(procedure, self.labels)
        inline = _inline_svg(svg)
        files = {
            path: self.page(path, "procedure.md.j2", procedure=procedure,
                            svg=inline, svg_file=posixpath.basename(svg_path)),
            svg_path: svg.strip() + "\n",
        }
        if self.clean_flowcharts:  # for the plugin's second wall (sopkit.publish.sanitize)
            from sopkit.publish.sanitize import sanitize_html

            files[_INLINE + path] = inline
            files[_CLEANED + path] = sanitize_html(inline)
        return files

    def nav(self, prefix: str) -> list[Any]:
        labels = self.labels
        nav: list[Any] = [{labels["home"]: prefix + "index.md"}]
        for group in self.handbook.departments:
            children: list[Any] = []
            if group.department is not None:
                title = page_title(group.department.name)
                children.append({labels["overview"]: prefix
                                 + self.paths.department(group.department.id)})
            else:
                title = labels["other_procedures"]
            seen: set[str] = set()
            for procedure in group.procedures:
                path = self.paths.procedures[procedure.id]
                if path not in seen:
                    seen.add(path)
                    children.append(prefix + path)
            nav.append({title: children})
        role_pages = sorted({prefix + self.paths.role(role.id) for role in self.handbook.roles})
        nav.append({labels["roles_page"]: [prefix + "roles.md", *role_pages]})
        for key, path in (("raci_page", "raci.md"), ("reviews_page", "reviews.md"),
                          ("changes_page", "changes.md"), ("tags_page", "tags.md")):
            nav.append({labels[key]: prefix + path})
        return nav


def render_model(config: Config, handbook: Handbook) -> RenderedSite:
    """Every page of an already built :class:`Handbook`."""
    site = LazySite(config, handbook)
    try:
        return site.rendered(parallel=True)
    finally:
        site.close()


@dataclass(frozen=True)
class _Job:
    """One piece of rendering: the files it writes (paths without the section folder)."""

    outputs: tuple[str, ...]
    run: Callable[[], dict[str, str]]


PARALLEL_MINIMUM = 50
"""Handbooks with fewer procedures are rendered in one process: a second one would not pay
for itself."""


class LazySite:
    """The handbook's pages, each rendered when it is first asked for.

    Every path and the nav are known at once (:attr:`paths`, :attr:`nav`);
    :meth:`text` renders a page on first use. :meth:`start_worker` forks a process that
    renders every page, in the order of :attr:`paths`, ahead of the asker, so that on a
    machine with two cores the pages are rendered while MkDocs builds the ones before
    them. The text is the same either way; when the worker cannot start or stops early,
    the pages it did not deliver are rendered in this process (where an error in a
    template is raised as usual). Call :meth:`close` when done.
    """

    def __init__(self, config: Config, handbook: Handbook, *,
                 clean_flowcharts: bool = False) -> None:
        """``clean_flowcharts``: also clean each page's inline flowchart, as the plugin
        cleans pages (see :meth:`cleaned_part`), in the render process when there is one."""
        self._renderer = _Renderer(config, handbook, clean_flowcharts)
        self.procedures = len(handbook.procedures)
        self.prefix = f"{config.section}/" if config.section else ""
        self._jobs = self._renderer.jobs()
        self._job_of: dict[str, int] = {}
        for index, job in enumerate(self._jobs):
            for output in job.outputs:
                self._job_of[self.prefix + output] = index
        self.paths: tuple[str, ...] = tuple(sorted(self._job_of))
        """Every file of the site, with the section folder, sorted."""
        self.nav: list[Any] = self._renderer.nav(self.prefix)
        self._texts: dict[str, str] = {}
        self._cleaned: dict[str, tuple[str, str]] = {}
        self._done: set[int] = set()
        self._worker: _Worker | None = None
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

    def _ensure(self, index: int) -> None:
        if index in self._done:
            return
        if self._worker is not None:
            self._store(index, self._worker.fetch(index))
        if index not in self._done:
            self._store(index, self._jobs[index].run())

    def cleaned_part(self, path: str) -> tuple[str, str] | None:
        """The inline flowchart of page ``path`` and the same markup cleaned, when the page
        was rendered with ``clean_flowcharts`` (asked once: then forgotten)."""
        return self._cleaned.pop(path, None)

    def _store(self, index: int, files: Mapping[str, str] | None) -> None:
        if files is not None and _PROBLEM in files:
            raise TemplateProblem(files[_PROBLEM])
        if files is not None:
            for output, text in files.items():
                if output.startswith(_INLINE):
                    page = self.prefix + output[len(_INLINE):]
                    self._cleaned[page] = (text, files[_CLEANED + output[len(_INLINE):]])
                elif not output.startswith(_CLEANED):
                    self._texts[self.prefix + output] = text
            self._done.add(index)

    def start_worker(self) -> bool:
        """Fork the process that renders ahead; False when this platform or process
        cannot (no ``fork``, one core, threads running) or the handbook is small."""
        if self._worker is None and _can_fork() and self.procedures >= PARALLEL_MINIMUM:
            self._worker = _Worker.start(self._jobs, skip=frozenset(self._done))
        return self._worker is not None

    def rendered(self, *, parallel: bool = False) -> RenderedSite:
        """Every file, rendered now: with ``parallel``, the worker takes the pages from
        the first and this process from the last until they meet."""
        if parallel and self.start_worker():
            assert self._worker is not None
            for index in reversed(range(len(self._jobs))):
                if self._worker.delivered(index):
                    break
                try:
                    self._ensure_here(index)
                except TemplateProblem:
                    break  # raised below, in the order of the pages, whoever met it first
        files = {path: self.text(path) for path in self.paths}
        return RenderedSite(MappingProxyType(files), self.nav)

    def _ensure_here(self, index: int) -> None:
        if index not in self._done:
            self._store(index, self._jobs[index].run())

    def close(self) -> None:
        """Stop the worker, if any, and remove what it left."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def _can_fork() -> bool:
    if not hasattr(os, "fork") or sys.platform == "darwin" or threading.active_count() > 1:
        return False
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    return cores > 1 and os.environ.get("SOPKIT_RENDER_PROCESSES", "") != "1"


class _Worker:
    """A forked process rendering jobs in order into a temporary folder.

    After each job it writes the job's files (pickled) to ``INDEX.pages`` and the index,
    one a line, to a pipe; :meth:`fetch` waits for a job's line and reads its file.
    """

    def __init__(self, state: _WorkerState, skip: frozenset[int]) -> None:
        self.state = state
        self.skip = skip
        self.announced: set[int] = set()
        self._buffer = b""
        self._finalizer = weakref.finalize(self, state.close)

    @classmethod
    def start(cls, jobs: Sequence[_Job], skip: frozenset[int]) -> _Worker | None:
        folder = Path(tempfile.mkdtemp(prefix="sopkit-pages-"))
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            shutil.rmtree(folder, ignore_errors=True)
            return None
        if pid == 0:  # the worker
            code = 1
            try:
                os.close(reader)
                gc.freeze()  # the parent's objects: no collection touches (and copies) them
                for index, job in enumerate(jobs):
                    if index in skip:
                        continue
                    try:
                        files = job.run()
                    except TemplateProblem as problem:  # the parent says it when it asks
                        files = {_PROBLEM: str(problem)}
                    data = pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL)
                    partial = folder / f"{index}.partial"
                    partial.write_bytes(data)
                    os.replace(partial, folder / f"{index}.pages")
                    os.write(writer, f"{index}\n".encode())
                code = 0
            except BaseException:  # the parent renders what is missing
                pass
            finally:
                os._exit(code)
        os.close(writer)
        return cls(_WorkerState(pid, reader, folder), skip)

    def _read(self, block: bool) -> bool:
        """Read announcements; False at the end of the pipe (the worker has finished)."""
        reader = self.state.reader
        if reader is None:
            return False
        if not block:
            ready, _, _ = select.select([reader], [], [], 0)
            if not ready:
                return True
        chunk = os.read(reader, 65536)
        if not chunk:
            self.state.close_pipe()
            self.state.reap()
            return False
        lines = (self._buffer + chunk).split(b"\n")
        self._buffer = lines.pop()
        self.announced.update(int(line) for line in lines)
        return True

    def delivered(self, index: int) -> bool:
        """Whether job ``index`` is done, without waiting."""
        self._read(block=False)
        return index in self.announced

    def fetch(self, index: int) -> dict[str, str] | None:
        """The files of job ``index``, waiting for the worker; None if it never delivers."""
        if index in self.skip:
            return None
        while index not in self.announced and self._read(block=True):
            pass
        if index not in self.announced:
            return None
        path = self.state.folder / f"{index}.pages"
        try:
            files: dict[str, str] = pickle.loads(path.read_bytes())  # written by our worker
            path.unlink()
        except (OSError, pickle.PickleError, EOFError):
            return None
        return files

    def close(self) -> None:
        self._finalizer()


class _WorkerState:
    """What must be released when the worker is done with: its process, pipe and folder."""

    def __init__(self, pid: int, reader: int, folder: Path) -> None:
        self.pid: int | None = pid
        self.reader: int | None = reader
        self.folder = folder

    def close_pipe(self) -> None:
        if self.reader is not None:
            with contextlib.suppress(OSError):
                os.close(self.reader)
            self.reader = None

    def reap(self) -> None:
        if self.pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None

    def close(self) -> None:
        self.close_pipe()
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)
            self.reap()
        shutil.rmtree(self.folder, ignore_errors=True)


def write_tree(site: RenderedSite, out: Path) -> list[Path]:
    """Write every file of ``site`` under ``out`` (creating folders); return the paths.

    Nothing is written through a symbolic link below ``out``: a linked folder or file
    there is refused (:class:`sopkit.publish.output.SiteError`), wherever it leads. A path that
    would leave ``out`` is a ValueError.
    """
    from sopkit.publish.output import write_file

    root = out.resolve()
    root.mkdir(parents=True, exist_ok=True)
    return [write_file(root, name, text) for name, text in site.files.items()]
