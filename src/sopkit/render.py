"""Procedures -> a tree of Markdown (and SVG) pages, through Jinja templates.

Rendering is a pure function: :func:`render_handbook` takes the configuration and the
schema-valid documents and returns a :class:`RenderedSite` (relative path -> text, and an
MkDocs ``nav``), the same bytes for the same input. The MkDocs plugin adds these files
to the site; ``sopkit render --out DIR`` writes them with :func:`write_tree` for any other
builder.

Templates are looked up in the handbook's ``templates/`` folder first, then in sopkit's
own; ``sopkit/NAME`` always names sopkit's own, so a handbook template can extend it and
replace one block. Values reach templates as data and are never compiled: a procedure
that says ``{{ 7*7 }}`` shows exactly that. Every user value goes through one of the
filters of :mod:`sopkit.markdown`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2

from sopkit.config import Config
from sopkit.flowchart import Edge, Flow, Lane, Node, render_flowchart
from sopkit.labels import Labels, labels_for
from sopkit.load import Document
from sopkit.markdown import FILTERS, html_text, slug
from sopkit.model import Department, Handbook, Procedure, build_handbook, split_duration

__all__ = [
    "PAGE_TEMPLATES",
    "RenderedSite",
    "environment",
    "package_templates",
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
    text in them is escaped; procedure pages are bare paths and take their ``#`` title."""


def package_templates() -> Path:
    """sopkit's own templates: inside the installed package, or the source checkout's."""
    candidate = resources.files("sopkit") / "templates"
    if candidate.is_dir():
        return Path(str(candidate))
    return Path(__file__).resolve().parents[2] / "templates"


def environment(config: Config) -> jinja2.Environment:
    """The Jinja environment: the handbook's templates first, then sopkit's."""
    own = jinja2.FileSystemLoader(str(package_templates()))
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"sopkit": own}),
        jinja2.FileSystemLoader(str(config.templates)),
        own,
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=False,  # the output is Markdown; the filters escape user values
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def render_handbook(config: Config, procedures: Sequence[Document],
                    organization: Document | None) -> RenderedSite:
    """Every page of the handbook from schema-valid documents."""
    today = config.today or date.today()
    return render_model(config, build_handbook(procedures, organization, today))


class _Paths:
    """Where each page lives, relative to the handbook's section of the site."""

    def procedure(self, procedure: Procedure) -> str:
        name = re.sub(r"[^A-Za-z0-9-]+", "-", procedure.id).strip("-") or "procedure"
        if procedure.department is None:
            return f"procedures/{name}.md"
        return f"procedures/{slug(procedure.department.id)}/{name}.md"

    def department(self, department: Department) -> str:
        return f"departments/{slug(department.id)}.md"


def _relative(target: str, page: str, anchor: str = "") -> str:
    link = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return f"{link}#{anchor}" if anchor else link


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
        edges=tuple(Edge(edge.source, edge.target, edge.label) for edge in procedure.edges),
        ends=procedure.ends,
    )
    return render_flowchart(flow, link_prefix="#step-", labels={"end": labels["flow_end"]})


class _Renderer:
    def __init__(self, config: Config, handbook: Handbook) -> None:
        self.config = config
        self.handbook = handbook
        self.labels: Labels = labels_for(config.language)
        self.env = environment(config)
        self.paths = _Paths()
        self.files: dict[str, str] = {}
        self.procedure_paths: dict[str, str] = {}
        for procedure in handbook.procedures:
            self.procedure_paths.setdefault(procedure.id, self.paths.procedure(procedure))

    # -- helpers given to templates ---------------------------------------------------

    def duration(self, minutes: float) -> str:
        """``3060`` -> ``2 d 3 h`` in the site language."""
        return " ".join(f"{count} {self.labels['unit_' + unit]}"
                        for unit, count in split_duration(minutes))

    def procedure_path(self, procedure: Procedure | str) -> str | None:
        key = procedure if isinstance(procedure, str) else procedure.id
        return self.procedure_paths.get(key)

    def department_path(self, department: Department | None) -> str | None:
        return None if department is None else self.paths.department(department)

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
            "duration": self.duration,
            "review_window": REVIEW_WINDOW_DAYS,
            "changes_limit": CHANGES_LIMIT,
            **extra,
        }

    # -- pages ---------------------------------------------------------------------------

    def page(self, path: str, template: str, **extra: Any) -> None:
        text = self.env.get_template(template).render(self.context(path, **extra))
        self.files[path] = _tidy(text)

    def render(self) -> RenderedSite:
        for page, template in PAGE_TEMPLATES.items():
            self.page(page, template)
        for group in self.handbook.departments:
            if group.department is not None:
                self.page(self.paths.department(group.department), "department.md.j2",
                          department=group.department, procedures=group.procedures)
        done: set[str] = set()
        for procedure in self.handbook.procedures:
            path = self.paths.procedure(procedure)
            if path in done:  # a duplicate id (reported by duplicate-procedure-id)
                continue
            done.add(path)
            svg = flowchart(procedure, self.labels)
            svg_path = path[: -len(".md")] + ".svg"
            self.files[svg_path] = svg.strip() + "\n"
            self.page(path, "procedure.md.j2", procedure=procedure, svg=_inline_svg(svg),
                      svg_file=posixpath.basename(svg_path))
        prefix = f"{self.config.section}/" if self.config.section else ""
        files = {prefix + path: self.files[path] for path in sorted(self.files)}
        return RenderedSite(MappingProxyType(files), self.nav(prefix))

    def nav(self, prefix: str) -> list[Any]:
        labels = self.labels
        nav: list[Any] = [{labels["home"]: prefix + "index.md"}]
        for group in self.handbook.departments:
            children: list[Any] = []
            if group.department is not None:
                title = html_text(group.department.name)
                children.append({labels["overview"]: prefix
                                 + self.paths.department(group.department)})
            else:
                title = labels["other_procedures"]
            seen: set[str] = set()
            for procedure in group.procedures:
                path = self.paths.procedure(procedure)
                if path not in seen:
                    seen.add(path)
                    children.append(prefix + path)
            nav.append({title: children})
        for key, path in (("roles_page", "roles.md"), ("raci_page", "raci.md"),
                          ("reviews_page", "reviews.md"), ("changes_page", "changes.md"),
                          ("tags_page", "tags.md")):
            nav.append({labels[key]: prefix + path})
        return nav


def render_model(config: Config, handbook: Handbook) -> RenderedSite:
    """Every page of an already built :class:`Handbook`."""
    return _Renderer(config, handbook).render()


def write_tree(site: RenderedSite, out: Path) -> list[Path]:
    """Write every file of ``site`` under ``out`` (creating folders); return the paths."""
    written: list[Path] = []
    root = out.resolve()
    for name, text in site.files.items():
        target = (root / name).resolve()
        if root != target and root not in target.parents:
            raise ValueError(f"{name}: the path leaves {out}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(target)
    return written
