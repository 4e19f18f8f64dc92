"""What sopkit adds to an MkDocs site, as plain data: no MkDocs needed to work it out.

The plugin (:mod:`sopkit.publish.plugin`) asks three questions here: whether a generated
file would take the place of a hand-written one (:func:`taken_place`), and which nav the
site gets when mkdocs.yml has none (:func:`full_nav`, with MkDocs' own order and nesting
of the hand-written pages: :func:`page_order`, :func:`nest_paths`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

__all__ = ["SiteFile", "full_nav", "nest_paths", "page_order", "taken_place"]


@dataclass(frozen=True)
class SiteFile:
    """A file of the site as MkDocs lays it out."""

    src_uri: str
    """Its path in the docs folder (for a generated file: as if it were there)."""
    dest_uri: str
    """Its path in the site (``about.md`` is ``about/index.html``, ``README.md`` is
    ``index.html``)."""
    shown: str = ""
    """How an error names it: its file on disk, for a hand-written file."""


def taken_place(generated: Iterable[SiteFile], existing: Sequence[SiteFile]) -> str | None:
    """The error for the first generated file whose source path or place in the site is
    an existing file's; None if there is none."""
    by_source = {file.src_uri: file for file in existing}
    by_dest = {file.dest_uri: file for file in existing}
    for file in generated:
        # The same source path, or the same page in the site (README.md is index.md).
        found = by_source.get(file.src_uri) or by_dest.get(file.dest_uri)
        if found is not None:
            return (f"{found.shown or found.src_uri}: this page has the path of the page "
                    f"sopkit generates as '{file.src_uri}'; MkDocs would silently replace "
                    "one with the other. Rename the hand-written page, or set the sopkit "
                    "option 'section' to put the handbook in a folder of its own")
    return None


def full_nav(handbook_nav: Sequence[Any], handwritten: Sequence[str],
             section: str | None) -> list[Any]:
    """The site's nav: the handbook's (``handbook_nav``), and the hand-written pages
    (their source paths) as MkDocs would have listed them. With a ``section`` folder, the
    handbook is one entry after them, titled after the folder; without, it comes first."""
    others = nest_paths(sorted(handwritten, key=page_order))
    if not handbook_nav:
        return others
    if section:
        title = section.strip("/").replace("-", " ").replace("_", " ").capitalize()
        return [*others, {title: list(handbook_nav)}]
    return [*handbook_nav, *others]


def nav_paths(nav: Iterable[Any]) -> set[str]:
    """Every page path a nav (as MkDocs' ``nav:`` setting has it) lists."""
    found: set[str] = set()
    for item in nav:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, Mapping):
            for value in item.values():
                found |= nav_paths([value]) if isinstance(value, str) else nav_paths(value)
    return found


def page_order(src_uri: str) -> tuple[Any, ...]:
    """MkDocs' own order: index pages first in their folder, then by name."""
    # Folders as one tuple, as mkdocs.structure.files.file_sort_key has it: spread out,
    # a page at the top (True) would be compared with a folder name (a str).
    parts = src_uri.split("/")
    return (tuple(parts[:-1]), not parts[-1].startswith(("index.", "README.")), parts[-1])


def nest_paths(paths: Iterable[str]) -> list[Any]:
    """``paths`` as a nav of nested sections, one a folder, titled as MkDocs titles them
    (``mkdocs.utils.nest_paths``)."""
    nested: list[Any] = []
    for path in paths:
        branch = nested
        for part in PurePosixPath(path).parent.parts:
            branch = _section(branch, _folder_title(part))
        branch.append(path)
    return nested


def _folder_title(folder: str) -> str:
    title = folder.replace("-", " ").replace("_", " ")
    # Capitalised only if all lowercase, as MkDocs does: "API docs" stays as it is.
    return title.capitalize() if title.lower() == title else title


def _section(branch: list[Any], title: str) -> list[Any]:
    """The entries of the section ``title`` of ``branch``, added if missing."""
    for node in branch:
        if isinstance(node, Mapping) and title in node:
            entries: list[Any] = node[title]
            return entries
    entries = []
    branch.append({title: entries})
    return entries
