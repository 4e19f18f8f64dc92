"""Pages that list the whole handbook, split so that none is too heavy for a reader.

At 1,000 procedures the review calendar, the tags, the RACI matrix, a manager's role page or
a training matrix would each be several hundred kilobytes of HTML, which a reader downloads
and a browser lays out before showing anything. Such a page is split into *parts*: the page
itself (its first part, at its own path, so that links to it stay right) and
``<page>/2.md``, ``<page>/3.md``... (``reviews.md``, ``reviews/2.md``; ``roles/coo.md``,
``roles/coo/2.md``), each listing consecutive items in the page's order, with a line of
links to the others (:class:`Part`).

Where to cut is worked out from the model alone, before anything is rendered (the site's
files must all be known first: sopkit.publish.lookahead), by weighing each item in about
the bytes of HTML it makes (:data:`BUDGET`). A handbook of ordinary size has one part per
page, and its pages do not change. Pure functions: tested without MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["BUDGET", "REVIEW_WINDOW_DAYS", "SPLIT_PAGES", "Part", "handbook_parts", "matrix_parts",
           "part_path", "parts", "role_parts"]

BUDGET = 100_000
"""About how many bytes of HTML the listing of one part may make: with the theme and a
pruned navigation, a part stays well under 200 KB."""


@dataclass(frozen=True)
class Part:
    """One part of a split page: its number (from 1), the paths of every part of the page,
    and the items it lists."""

    number: int
    paths: tuple[str, ...]
    items: Sequence[Any]

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    @property
    def count(self) -> int:
        """How many parts the page has."""
        return len(self.paths)

    @property
    def first(self) -> bool:
        return self.number == 1


def part_path(page: str, number: int) -> str:
    """The path of part ``number`` of ``page``: the page itself for the first, else
    ``<page without .md>/<number>.md`` (a folder no other page has: ids hold no ``/``)."""
    return page if number == 1 else f"{page[: -len('.md')]}/{number}.md"


def parts(page: str, items: Sequence[Any], weight: Callable[[Any], int],
          budget: int | None = None, *, head: int = 0) -> list[Part]:
    """``items`` cut into consecutive parts of at most ``budget`` in ``weight`` (an item
    heavier than that on its own makes a part alone), as the parts of ``page``; ``head``
    is the weight of what the first part shows besides its items. One part (the page,
    every item) when they fit. ``budget`` defaults to :data:`BUDGET`."""
    budget = BUDGET if budget is None else budget
    chunks: list[list[Any]] = [[]]
    total = head
    for item in items:
        heavy = weight(item)
        if (chunks[-1] or total) and total + heavy > budget:
            chunks.append([])
            total = 0
        chunks[-1].append(item)
        total += heavy
    paths = tuple(part_path(page, number) for number in range(1, len(chunks) + 1))
    return [Part(number, paths, tuple(chunk)) for number, chunk in enumerate(chunks, 1)]


# -- which pages are split, and what their items weigh -------------------------------------------
# About the bytes of HTML an item makes with the Material theme (measured on a generated
# handbook of 1,000 procedures, Chinese and English titles).

ROW = 280
"""A table row that links a procedure (and a role, a date...)."""
STEP_ROW = 330
"""A row of a role's steps: a procedure and a step, linked, and the RACI letters."""
TAGGED = 100
"""A procedure's line under a tag."""
LINK = 110
"""A procedure's id, linked, in a list of them."""
REVIEW_WINDOW_DAYS = 30
"""The home page lists reviews overdue or due within this many days."""
HEADING = 200
CELL = 45
"""A cell of a matrix (RACI, training)."""

SPLIT_PAGES = ("index.md", "raci.md", "reviews.md", "tags.md")
"""The handbook-wide pages that may be split (the roles directory lists one line per role,
the recent changes a fixed number of entries: they stay whole)."""


def handbook_parts(page: str, handbook: Any) -> list[Part]:
    """The parts of the handbook-wide ``page`` (one of :data:`SPLIT_PAGES`) of ``handbook``
    (a sopkit.model.Handbook): the home page by department, the RACI matrix by department,
    the review calendar by procedure, the tags by tag."""
    if page == "index.md":  # the first part also has the reviews due and the counts
        groups = _sliced(handbook.departments, lambda _group: ROW)
        return parts(page, groups, lambda group: HEADING + ROW * len(group.procedures),
                     head=ROW * (len(handbook.reviews_due(REVIEW_WINDOW_DAYS))
                                 + len(handbook.departments)))
    if page == "raci.md":
        def row(group: Any) -> int:
            return CELL * (len(group.raci_roles) + 2)

        groups = _sliced(handbook.departments, row)
        return parts(page, groups, lambda group: HEADING + row(group) * (len(group.procedures)
                                                                         + 1))
    if page == "reviews.md":
        return parts(page, handbook.reviews, lambda _procedure: ROW)
    if page == "tags.md":
        return parts(page, handbook.tags, lambda tag: HEADING + TAGGED * len(tag[1]))
    return parts(page, (), lambda _item: 0)


def _sliced(groups: Sequence[Any], row: Callable[[Any], int]) -> list[Any]:
    """The department groups (sopkit.model.DepartmentGroup) that have procedures, a group
    whose rows (``row`` each) weigh more than :data:`BUDGET` cut in consecutive groups of
    the same department that do not: the RACI matrix and the home page list a department
    of a thousand procedures over several parts."""
    from sopkit.model.handbook import DepartmentGroup

    found: list[Any] = []
    for group in groups:
        if not group.procedures:
            continue
        per_part = max(1, (BUDGET - HEADING) // max(1, row(group)) - 1)
        if len(group.procedures) <= per_part:
            found.append(group)
            continue
        found.extend(DepartmentGroup(group.department, group.procedures[start:start + per_part])
                     for start in range(0, len(group.procedures), per_part))
    return found


def role_parts(page: str, role: Any) -> list[Part]:
    """The parts of a role's page (a sopkit.model.RoleEntry): its steps, by procedure; the
    first part also says what the role is (with a link to each procedure it owns or
    approves)."""
    duties = len(role.responsibilities) + len(role.authority)
    return parts(page, role.steps, lambda _duty: STEP_ROW,
                 head=LINK * (len(role.owns) + len(role.approves)) + ROW * duties)


def matrix_parts(page: str, matrix: Any) -> list[Part]:
    """The parts of a department's training matrix: its people (a row each)."""
    return parts(page, matrix.people, lambda _entry: CELL * (len(matrix.procedures) + 2))
