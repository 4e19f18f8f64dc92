"""Procedures -> a tree of Markdown (and SVG) pages, through Jinja templates.

Rendering is a pure function: :func:`render_handbook` takes the configuration and the
schema-valid documents and returns a :class:`RenderedSite` (relative path -> text, and an
MkDocs ``nav``), the same bytes for the same input. The MkDocs plugin adds these files
to the site; ``sopkit render --out DIR`` writes them with :func:`write_tree` for any other
builder. Everything here runs in the calling process, one page after another; rendering
pages ahead in a second process is :mod:`sopkit.publish.lookahead`'s business.

The templates run in the sandboxed environment of :mod:`sopkit.publish.templating`, which also
turns a template that fails into a one-line :class:`TemplateProblem`. Values reach
templates as data and are never compiled: a procedure that says ``{{ 7*7 }}`` shows
exactly that. Every user value goes through one of the filters of :mod:`sopkit.publish.markdown`.
"""

from __future__ import annotations

import functools
import gc
import posixpath
import re
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
    Step,
    UsualPath,
    build_handbook,
)
from sopkit.model.approval import approvals_of
from sopkit.model.durations import largest_unit, split_duration, written_duration
from sopkit.model.training import records_of
from sopkit.publish.flowchart import Flow, Lane, Node, render_flowchart
from sopkit.publish.labels import Labels, labels_for
from sopkit.publish.markdown import page_title
from sopkit.publish.pages import (
    TRAINING_PAGE,
    PagePaths,
    flowchart_path,
    page_paths,
    run_sheet_path,
    training_paths,
)
from sopkit.publish.paging import (
    REVIEW_WINDOW_DAYS,
    SPLIT_PAGES,
    Part,
    handbook_parts,
    matrix_parts,
    role_parts,
)
from sopkit.publish.printing import (
    PRINT_CSS,
    PRINT_JS,
    footer_text,
    notice_html,
    print_css,
    print_js,
)
from sopkit.publish.templating import environment, template_problem
from sopkit.publish.versions import version_periods

__all__ = [
    "PAGE_TEMPLATES",
    "JobOutput",
    "RenderJob",
    "RenderedSite",
    "Renderer",
    "render_handbook",
    "render_model",
    "section_prefix",
    "write_tree",
]


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
                    organization: Document | None, training: Sequence[Document] = (),
                    approvals: Sequence[Document] = ()) -> RenderedSite:
    """Every page of the handbook from schema-valid documents (``training``: the training
    records files; ``approvals``: the approval records files)."""
    return render_model(config, build_model(config, procedures, organization, training,
                                            approvals))


def build_model(config: Config, procedures: Sequence[Document],
                organization: Document | None, training: Sequence[Document] = (),
                approvals: Sequence[Document] = ()) -> Handbook:
    """The :class:`Handbook` of schema-valid documents, on the configuration's date.

    The cyclic garbage collector is paused meanwhile: building creates no garbage
    cycles, only many objects, and each collection would walk every object of the
    checked documents again (half the time of building a large handbook)."""
    today = config.today or date.today()
    enabled = gc.isenabled()
    gc.disable()
    try:
        records = [record for number, document in enumerate(training)
                   for record in records_of(document.data, number)]
        signed = [record for number, document in enumerate(approvals)
                  for record in approvals_of(document.data, number)]
        return build_handbook(procedures, organization, today, records, signed)
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
        edges=procedure.edges,
        ends=procedure.ends,
    )
    return render_flowchart(flow, link_prefix="#step-", labels={
        "end": labels["flow_end"], "too_large": labels["flow_too_large"]})


@dataclass(frozen=True)
class JobOutput:
    """What one piece of rendering produced."""

    files: Mapping[str, str]
    """Relative path (without the section folder) -> text."""
    cleaned_flowchart: tuple[str, str] | None = None
    """With ``clean_flowcharts``, for a procedure: its page's inline flowchart markup and
    that markup cleaned (for the plugin's second wall, :mod:`sopkit.publish.sanitize`)."""


@dataclass(frozen=True)
class RenderJob:
    """One piece of rendering: a page (a procedure's: its page and its flowchart)."""

    outputs: tuple[str, ...]
    """The files it writes (paths without the section folder); the first is the page."""
    run: Callable[[], JobOutput]


class Renderer:
    """Renders the pages of one handbook: each job is one page (and its flowchart)."""

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
        notice = config.print_notice or self.labels["print_notice"]
        self.print_notice = notice_html(notice, handbook.today)
        """The notice printouts carry, as HTML (the handbook's words, escaped)."""
        self.versions = version_periods(config)
        training = handbook.training
        self._parts: dict[str, list[Part]] = {}
        self.matrix_paths, self.person_paths = training_paths(
            (matrix.department.id for matrix in training.matrices) if training else (),
            (entry.person.id for entry in training.people) if training else ())

    # -- helpers given to templates ---------------------------------------------------

    def labels_of(self, procedure: Procedure) -> Labels:
        """The labels of a procedure's page, flowchart and printouts: those of the language
        it is written in, when it says (format 1.1), else the site's."""
        language = procedure.language
        if language is None or language == self.labels.language:
            return self.labels
        return labels_for("zh" if language.lower().startswith("zh") else "en")

    def _in(self, labels: Labels) -> dict[str, Any]:
        """What a page in the language of ``labels`` gets instead of the site's: the labels,
        the language, durations and the printouts' notice in that language."""
        if labels is self.labels:
            return {}
        notice = self.config.print_notice or labels["print_notice"]
        return {"labels": labels, "language": labels.language,
                "duration": functools.partial(self.duration, labels=labels),
                "print_notice": notice_html(notice, self.handbook.today)}

    def duration(self, value: float | Step | UsualPath, labels: Labels | None = None) -> str:
        """A duration in the site language (or that of ``labels``), in the writer's units:
        a step's as written (``10d`` -> ``10 d``, never ``1 w 3 d``); a path's total in the
        largest unit its steps use (``2h`` and ``1d`` -> ``1 d 2 h``); minutes (``3060``)
        -> ``2 d 3 h``."""
        labels = labels or self.labels
        if isinstance(value, Step):
            written = written_duration(value.duration)
            if written is not None:
                return f"{written[0]} {labels['unit_' + written[1]]}"
            value = value.minutes or 0
        largest = "w"
        if isinstance(value, UsualPath):
            largest = largest_unit(step.duration for step in value.steps)
            value = value.minutes
        return " ".join(f"{count} {labels['unit_' + unit]}"
                        for unit, count in split_duration(value, largest))

    def procedure_path(self, procedure: Procedure | str) -> str | None:
        key = procedure if isinstance(procedure, str) else procedure.id
        return self.procedure_paths.get(key)

    def run_sheet_path(self, procedure: Procedure | str) -> str | None:
        """The run sheet of a procedure (beside nothing: in the ``run-sheets`` folder)."""
        path = self.procedure_path(procedure)
        return None if path is None else run_sheet_path(path)

    def footers(self, prefix: str) -> dict[str, str]:
        """The running footer of each printed procedure and run sheet page (paths with
        ``prefix``): "HR-001 · version 1.2.0"."""
        footers: dict[str, str] = {}
        for procedure in self.handbook.procedures:
            path = self.paths.procedures[procedure.id]
            text = footer_text(self.labels_of(procedure), procedure.id, procedure.version)
            footers.setdefault(prefix + path, text)
            footers.setdefault(prefix + run_sheet_path(path), text)
        return footers

    def department_path(self, department: Department | None) -> str | None:
        return None if department is None else self.paths.department(department.id)

    def role_path(self, role: Role | RoleEntry | str) -> str:
        return self.paths.role(role if isinstance(role, str) else role.id)

    def person_path(self, person_id: str) -> str | None:
        """The page of a person (training records: format 1.1), if they have one."""
        return self.person_paths.get(person_id)

    def matrix_path(self, department_id: str) -> str | None:
        """The training matrix page of a department, if it has one."""
        return self.matrix_paths.get(department_id)

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
            "run_sheet_path": self.run_sheet_path,
            "print_notice": self.print_notice,
            "department_path": self.department_path,
            "role_path": self.role_path,
            "training": self.handbook.training,
            "approvals": self.handbook.approvals,
            "person_path": self.person_path,
            "matrix_path": self.matrix_path,
            "duration": self.duration,
            "review_window": REVIEW_WINDOW_DAYS,
            "changes_limit": CHANGES_LIMIT,
            "part": None,
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

    def jobs(self) -> list[RenderJob]:
        """Every piece of work of the site: one page (a procedure's: its page and its
        flowchart), with the files it writes, in the order of their paths."""
        jobs: list[RenderJob] = []
        for page, template in PAGE_TEMPLATES.items():
            for part in self.parts_of(page):
                jobs.append(RenderJob((part.path,), functools.partial(
                    self._simple, part.path, template, part=part)))
        for asset, text in ((PRINT_CSS, print_css(self.labels)), (PRINT_JS, print_js())):
            jobs.append(RenderJob((asset,), functools.partial(JobOutput, {asset: text})))
        done: set[str] = set()  # a repeated id (an error of its own) gets one page
        for group in self.handbook.departments:
            if group.department is not None:
                path = self.paths.department(group.department.id)
                if path not in done:
                    done.add(path)
                    jobs.append(RenderJob((path,), functools.partial(
                        self._simple, path, "department.md.j2", department=group.department,
                        procedures=group.procedures)))
        for role in self.handbook.roles:
            for part in self.parts_of(self.paths.role(role.id), role=role):
                jobs.append(RenderJob((part.path,), functools.partial(
                    self._simple, part.path, "role.md.j2", role=role, part=part)))
        for procedure in self.handbook.procedures:
            path = self.paths.procedures[procedure.id]
            if path in done:
                continue
            done.add(path)
            svg_path = flowchart_path(path)
            jobs.append(RenderJob((path, svg_path),
                             functools.partial(self._procedure, procedure, path, svg_path)))
            sheet = run_sheet_path(path)
            jobs.append(RenderJob((sheet,), functools.partial(
                self._simple, sheet, "run_sheet.md.j2", procedure=procedure,
                **self._in(self.labels_of(procedure)))))
        jobs.extend(self._training_jobs())
        jobs.sort(key=lambda job: job.outputs[0])
        return jobs

    def _training_jobs(self) -> list[RenderJob]:
        """The training overview, a matrix per department and a page per person, once the
        handbook has a training record."""
        training = self.handbook.training
        if training is None:
            return []
        jobs = [RenderJob((TRAINING_PAGE,), functools.partial(
            self._simple, TRAINING_PAGE, "training.md.j2"))]
        for matrix in training.matrices:
            for part in self.parts_of(self.matrix_paths[matrix.department.id], matrix=matrix):
                jobs.append(RenderJob((part.path,), functools.partial(
                    self._simple, part.path, "training_matrix.md.j2", matrix=matrix,
                    part=part)))
        for entry in training.people:
            path = self.person_paths[entry.person.id]
            jobs.append(RenderJob((path,), functools.partial(
                self._simple, path, "person.md.j2", entry=entry)))
        return jobs

    def parts_of(self, page: str, *, role: RoleEntry | None = None,
                 matrix: Any = None) -> list[Part]:
        """The parts of ``page`` (sopkit.publish.paging): a handbook-wide page, the page of
        ``role`` or the training ``matrix``; one part for a page that is never split."""
        found = self._parts.get(page)
        if found is None:
            if role is not None:
                found = role_parts(page, role)
            elif matrix is not None:
                found = matrix_parts(page, matrix)
            elif page in SPLIT_PAGES:
                found = handbook_parts(page, self.handbook)
            else:
                found = [Part(1, (page,), ())]
            self._parts[page] = found
        return found

    def _nav_entry(self, path: str, title: str, prefix: str) -> Any:
        """A page in the nav: its path, or, split in parts, a section of them."""
        paths = self._parts[path][0].paths if path in self._parts else (path,)
        return prefix + path if len(paths) == 1 else {title: [prefix + p for p in paths]}

    def _simple(self, path: str, template: str, **extra: Any) -> JobOutput:
        return JobOutput({path: self.page(path, template, **extra)})

    def _procedure(self, procedure: Procedure, path: str, svg_path: str) -> JobOutput:
        labels = self.labels_of(procedure)
        svg = flowchart(procedure, labels)
        inline = _inline_svg(svg)
        files = {
            path: self.page(path, "procedure.md.j2", procedure=procedure,
                            svg=inline, svg_file=posixpath.basename(svg_path),
                            versions=self.versions.of(procedure),
                            versions_source=self.versions.source,
                            **self._in(labels)),
            svg_path: svg.strip() + "\n",
        }
        if not self.clean_flowcharts:
            return JobOutput(files)
        from sopkit.publish.sanitize import sanitize_html

        return JobOutput(files, (inline, sanitize_html(inline)))

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
        self.jobs()  # every page's parts known
        titles = {self.paths.role(role.id): page_title(role.title) for role in self.handbook.roles}
        nav[0] = self._nav_entry("index.md", labels["home"], prefix)
        if not isinstance(nav[0], dict):
            nav[0] = {labels["home"]: nav[0]}
        nav.append({labels["roles_page"]: [prefix + "roles.md", *(
            self._nav_entry(path, titles[path], prefix) for path in sorted(titles))]})
        for key, path in (("raci_page", "raci.md"), ("reviews_page", "reviews.md"),
                          ("changes_page", "changes.md"), ("tags_page", "tags.md")):
            entry = self._nav_entry(path, labels[key], prefix)
            nav.append(entry if isinstance(entry, dict) else {labels[key]: entry})
        if self.handbook.training is not None:
            matrices = {self.matrix_paths[matrix.department.id]: page_title(
                labels["training_matrix"].format(department=matrix.department.name))
                for matrix in self.handbook.training.matrices}
            nav.append({labels["training_page"]: [
                prefix + TRAINING_PAGE,
                *(self._nav_entry(path, matrices.get(path, path), prefix)
                  for path in self.matrix_paths.values()),
                {labels["training_people"]: [prefix + path
                                             for path in self.person_paths.values()]}]})
        return nav


def render_model(config: Config, handbook: Handbook) -> RenderedSite:
    """Every page of an already built :class:`Handbook`, rendered here, one after another."""
    renderer = Renderer(config, handbook)
    prefix = section_prefix(config)
    files: dict[str, str] = {}
    for job in renderer.jobs():
        files.update((prefix + path, text) for path, text in job.run().files.items())
    return RenderedSite(MappingProxyType(dict(sorted(files.items()))), renderer.nav(prefix))


def section_prefix(config: Config) -> str:
    """The folder of the site the pages go into, as a prefix of their paths."""
    return f"{config.section}/" if config.section else ""


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
