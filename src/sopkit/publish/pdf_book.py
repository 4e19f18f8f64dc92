"""What goes into each PDF of `sopkit pdf`: a procedure, its run sheet, the handbook.

The pages are the site's own, rendered by :class:`sopkit.publish.render.Renderer` (only the
pages a PDF needs) and laid out by :mod:`sopkit.publish.pdf`. The handbook PDF is a book:
a cover with the handbook's name and date, a table of contents with page numbers, the
approved procedures department by department, then the role directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from sopkit.config import Config
from sopkit.model import Handbook, Procedure
from sopkit.publish.labels import Labels
from sopkit.publish.pages import run_sheet_path
from sopkit.publish.pdf import Part, document_html, page_html, pdf_bytes
from sopkit.publish.printing import footer_text, html_inline
from sopkit.publish.render import Renderer

__all__ = ["BOOK_NAME", "PdfMaker", "handbook_name", "procedures_by_id"]

BOOK_NAME = "handbook.pdf"

_ID_OR_LINK = re.compile(r'(\sid="|\shref="#|url\(#)')


def handbook_name(config: Config) -> str:
    """The handbook's name: mkdocs.yml's ``site_name`` (or "Handbook")."""
    return str(config.mkdocs.get("site_name") or "Handbook")


class PdfMaker:
    """Makes the PDFs of one handbook: each page is rendered once, when first needed."""

    def __init__(self, config: Config, handbook: Handbook) -> None:
        self.config = config
        self.handbook = handbook
        self.renderer = Renderer(config, handbook)
        self.labels = self.renderer.labels
        self._jobs = {job.outputs[0]: job for job in self.renderer.jobs()}
        self._pages: dict[str, str] = {}

    # -- pieces --------------------------------------------------------------------------

    def _page(self, path: str) -> str:
        """The clean HTML of the site's page ``path`` (without the section folder)."""
        if path not in self._pages:
            output = self._jobs[path].run()
            self._pages[path] = page_html(output.files[path])
        return self._pages[path]

    def _running(self, procedure: Procedure) -> str:
        return footer_text(self.renderer.labels_of(procedure), procedure.id, procedure.version)

    def _procedure_part(self, procedure: Procedure, anchor: str, *, sheet: bool,
                        own_ids: bool = False) -> Part:
        path = self.renderer.paths.procedures[procedure.id]
        body = self._page(run_sheet_path(path) if sheet else path)
        if own_ids:  # in the handbook, each page's ids and the links to them are its own
            body = _ID_OR_LINK.sub(lambda found: found.group(1) + anchor + "-", body)
        return Part(anchor, body, self._running(procedure), f"{procedure.id} {procedure.title}")

    def _document(self, parts: list[Part], title: str, labels: Labels | None = None) -> bytes:
        labels = labels or self.labels
        return pdf_bytes(document_html(parts, language=labels.language, title=title,
                                       labels=labels))

    # -- the PDFs --------------------------------------------------------------------------

    def procedure(self, procedure: Procedure) -> bytes:
        """The PDF of a procedure's page."""
        return self._document([self._procedure_part(procedure, "sopkit-doc", sheet=False)],
                              f"{procedure.id} {procedure.title}",
                              self.renderer.labels_of(procedure))

    def run_sheet(self, procedure: Procedure) -> bytes:
        """The PDF of a procedure's run sheet."""
        labels = self.renderer.labels_of(procedure)
        title = f"{labels['run_sheet']}{labels['colon']}{procedure.id} {procedure.title}"
        return self._document([self._procedure_part(procedure, "sopkit-doc", sheet=True)], title,
                              labels)

    def book(self, name: str, day: date) -> bytes:
        """The handbook PDF: cover, contents, approved procedures by department, roles."""
        chapters = list(self._chapters())
        parts = [self._cover(name, day), self._contents(chapters)]
        number = 0
        for chapter, (heading, procedures) in enumerate(chapters):
            parts.append(Part(f"sopkit-dept-{chapter}", f"<h1>{html_inline(heading)}</h1>",
                              css_class="sopkit-pdf-dept"))
            for procedure in procedures:
                number += 1
                parts.append(self._procedure_part(procedure, f"sopkit-proc-{number}",
                                                  sheet=False, own_ids=True))
        parts.append(Part("sopkit-roles", self._page("roles.md"), html_inline(name),
                          self.labels["pdf_role_directory"], "sopkit-pdf-part"))
        return self._document(parts, name)

    def _chapters(self) -> Iterable[tuple[str, list[Procedure]]]:
        """(department name, its approved procedures), departments in the site's order."""
        seen: set[str] = set()
        for group in self.handbook.departments:
            procedures = []
            for procedure in group.procedures:
                if procedure.status == "approved" and procedure.id not in seen:
                    seen.add(procedure.id)
                    procedures.append(procedure)
            if procedures:
                heading = (group.department.name if group.department is not None
                           else self.labels["other_procedures"])
                yield heading, procedures

    def _cover(self, name: str, day: date) -> Part:
        when = self.labels["pdf_cover_date"].replace("{date}", day.isoformat())
        body = (f"<h1>{html_inline(name)}</h1>\n<p>{html_inline(self.labels['pdf_procedures'])}"
                f"</p>\n<p>{html_inline(when)}</p>")
        return Part("sopkit-cover", body, css_class="sopkit-pdf-cover")

    def _contents(self, chapters: list[tuple[str, list[Procedure]]]) -> Part:
        items: list[str] = []
        number = 0
        for chapter, (heading, procedures) in enumerate(chapters):
            entries = []
            for procedure in procedures:
                number += 1
                entries.append(f'<li><a href="#sopkit-proc-{number}">'
                               f"{html_inline(procedure.id + ' ' + procedure.title)}</a></li>")
            items.append(f'<li><a href="#sopkit-dept-{chapter}">{html_inline(heading)}</a>'
                         f"\n<ol>{''.join(entries)}</ol></li>")
        items.append(f'<li><a href="#sopkit-roles">'
                     f"{html_inline(self.labels['pdf_role_directory'])}</a></li>")
        body = (f"<h1>{html_inline(self.labels['pdf_contents'])}</h1>\n"
                f"<ol>{''.join(items)}</ol>")
        return Part("sopkit-contents", body, css_class="sopkit-pdf-part sopkit-pdf-toc")


def procedures_by_id(handbook: Handbook) -> Mapping[str, Procedure]:
    """The handbook's procedures by id (the first of a repeated id)."""
    found: dict[str, Procedure] = {}
    for procedure in handbook.procedures:
        found.setdefault(procedure.id, procedure)
    return found
