"""The titles of sopkit's pages as their front matter will give them, known before any
page is rendered: `sopkit serve` shows the whole nav while it builds only the page asked
for (sopkit.publish.preview). Each title is the one the default template writes
(``title:`` in procedure.md.j2, role.md.j2, person.md.j2, training_matrix.md.j2; the
first heading of roles.md.j2),
made safe as the plugin makes a page's title; once a page is read, MkDocs has its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopkit.publish.markdown import page_title
from sopkit.publish.pages import TRAINING_PAGE

if TYPE_CHECKING:
    from sopkit.publish.render import Renderer

__all__ = ["page_titles"]


def page_titles(renderer: Renderer, prefix: str) -> dict[str, str]:
    """The title of each page the nav lists by its path alone, by path (with ``prefix``,
    the section folder)."""
    handbook, labels = renderer.handbook, renderer.labels
    titles = {prefix + renderer.paths.procedures[procedure.id]:
              page_title(f"{procedure.id} {procedure.title}")
              for procedure in reversed(handbook.procedures)}  # the first of an id wins
    titles.update((prefix + renderer.paths.role(role.id), page_title(role.title))
                  for role in handbook.roles)
    titles[prefix + "roles.md"] = page_title(labels["roles_page"])  # its first heading
    training = handbook.training
    if training is not None:
        titles[prefix + TRAINING_PAGE] = labels["training_page"]
        for matrix in training.matrices:
            titles[prefix + renderer.matrix_paths[matrix.department.id]] = page_title(
                labels["training_matrix"].format(department=matrix.department.name))
        for entry in training.people:
            titles[prefix + renderer.person_paths[entry.person.id]] = page_title(
                entry.person.name)
    return titles
