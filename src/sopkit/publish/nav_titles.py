"""The titles of sopkit's pages as their front matter (or first heading) will give them,
known before any page is rendered: `sopkit serve` shows the whole nav while it builds only
the page asked for (sopkit.publish.preview). Each title is the one the default templates
write (``title:`` in procedure.md.j2, role.md.j2, person.md.j2, training_matrix.md.j2; the
first heading of the handbook-wide pages), with the part's number for the parts of a split
page (sopkit.publish.paging), made safe as the plugin makes a page's title; once a page is
read, MkDocs has its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sopkit.publish.markdown import page_title
from sopkit.publish.pages import TRAINING_PAGE
from sopkit.publish.paging import Part

if TYPE_CHECKING:
    from sopkit.publish.render import Renderer

__all__ = ["page_titles"]

HANDBOOK_PAGES = {"index.md": "handbook", "roles.md": "roles_page", "raci.md": "raci_page",
                  "reviews.md": "reviews_page", "changes.md": "changes_page",
                  "tags.md": "tags_page"}
"""The handbook-wide pages and the label of their first heading."""


def page_titles(renderer: Renderer, prefix: str) -> dict[str, str]:
    """The title of each page the nav may list by its path alone, by path (with
    ``prefix``, the section folder)."""
    handbook, labels = renderer.handbook, renderer.labels
    titles = {prefix + renderer.paths.procedures[procedure.id]:
              page_title(f"{procedure.id} {procedure.title}")
              for procedure in reversed(handbook.procedures)}  # the first of an id wins
    for page, label in HANDBOOK_PAGES.items():
        titles.update(_parts(renderer, prefix, renderer.parts_of(page), labels[label]))
    for role in handbook.roles:
        path = renderer.paths.role(role.id)
        titles.update(_parts(renderer, prefix, renderer.parts_of(path, role=role), role.title))
    training = handbook.training
    if training is not None:
        titles[prefix + TRAINING_PAGE] = labels["training_page"]
        for matrix in training.matrices:
            path = renderer.matrix_paths[matrix.department.id]
            titles.update(_parts(renderer, prefix, renderer.parts_of(path, matrix=matrix),
                                 labels["training_matrix"].format(
                                     department=matrix.department.name)))
        for entry in training.people:
            titles[prefix + renderer.person_paths[entry.person.id]] = page_title(
                entry.person.name)
    return titles


def _parts(renderer: Renderer, prefix: str, parts: list[Part],
           title: str) -> Iterator[tuple[str, str]]:
    """Each part's path and title: the page's, and from the second part on, the part's
    number (as ``m.part_suffix`` writes it)."""
    labels = renderer.labels
    for part in parts:
        suffix = "" if part.first or part.count == 1 else labels["parens"].format(
            text=labels["part_of"].format(number=part.number, count=part.count))
        yield prefix + part.path, page_title(title + suffix)
