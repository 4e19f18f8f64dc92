"""`sopkit render --out DIR`: the rendered pages, their nav file and the list of what was
written, put where sopkit may write (:mod:`sopkit.publish.output`'s rules).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from sopkit.publish.output import (
    RENDER_MARKER,
    SiteError,
    read_file,
    relative_parts,
    remove_file,
    write_file,
)
from sopkit.publish.render import RenderedSite, write_tree

NAV_FILE = ".nav.yml"


def nav_text(nav: Sequence[Any]) -> str:
    """The ``.nav.yml`` written beside rendered pages: MkDocs' ``nav:`` setting."""
    header = (
        "# Written by `sopkit render`. The handbook's navigation, in the form of MkDocs'\n"
        "# `nav:` setting (paths relative to this folder). Copy it into mkdocs.yml, or let\n"
        "# a plugin that reads .nav.yml files (mkdocs-awesome-nav) pick it up.\n"
    )
    body = yaml.safe_dump({"nav": list(nav)}, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=1000)
    return header + body


def write_render(rendered: RenderedSite, out: Path, *, force: bool = False) -> list[str]:
    """Write ``rendered`` into ``out`` with its nav file and marker; return the paths written.

    ``out`` must be missing, empty, or a folder an earlier render wrote (it holds
    the marker), unless ``force``. No file an earlier render did not write is
    overwritten or deleted, and nothing is written or deleted through a symbolic
    link (see :mod:`sopkit.publish.output`). Files that an earlier render wrote and this one
    does not are removed.
    """
    files = {_safe_relative(name): content for name, content in rendered.files.items()}
    files[NAV_FILE] = nav_text(rendered.nav)
    top = render_folder(out)
    previous = previous_render(top, out, force)
    refuse_overwrites(top, out, files, previous)
    top.mkdir(parents=True, exist_ok=True)
    # Listed before they are written: a render stopped half-way leaves no file that the
    # next render would take for someone else's.
    write_marker(top, sorted(previous | set(files)))
    write_tree(RenderedSite(dict(sorted(files.items())), rendered.nav), top)
    for name in sorted(previous - set(files)):
        remove_file(top, name)
    written = sorted(files)
    write_marker(top, written)
    return written


def _safe_relative(name: str) -> str:
    try:
        return PurePosixPath(*relative_parts(name)).as_posix()
    except ValueError:
        raise SiteError(f"the renderer produced a file outside the output folder: {name!r}") \
            from None


def render_folder(out: Path) -> Path:
    """The folder ``--out`` names, its own links resolved (the user named it); not a file."""
    top = out.resolve()
    if top.exists() and not top.is_dir():
        raise SiteError(f"{out} is a file, not a folder: give --out a folder")
    return top


def previous_render(top: Path, out: Path, force: bool) -> set[str]:
    """The files an earlier render wrote into ``top`` (empty if none); refuse foreign folders."""
    if not top.exists():
        return set()
    listed = read_file(top, RENDER_MARKER)
    if listed is not None:
        try:
            lines = listed.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise SiteError(f"{out / RENDER_MARKER} is not the list of files sopkit render "
                            "writes (not UTF-8): delete it, then render again with --force "
                            "(files sopkit did not write are kept)") from None
        names = set()
        for line in lines:
            if line and not line.startswith("#") and line != RENDER_MARKER:
                with contextlib.suppress(ValueError):
                    relative_parts(line)
                    names.add(PurePosixPath(line).as_posix())
        return names
    if any(top.iterdir()) and not force:
        raise SiteError(f"{out} is not empty and was not written by sopkit render (no "
                        f"{RENDER_MARKER} file); choose an empty folder, or pass --force to "
                        "write beside its files (none of them is overwritten or deleted)")
    return set()


def refuse_overwrites(top: Path, out: Path, files: Mapping[str, str],
                      previous: set[str]) -> None:
    """Refuse, before anything is written, a link on the way to any of ``files``, and a
    file there that an earlier render did not write.

    A file that already holds the bytes sopkit would write is taken over: replacing it
    loses nothing (a render whose marker was deleted, say)."""
    foreign = []
    for name, text in files.items():
        existing = read_file(top, name, read=name not in previous)
        if name not in previous and existing is not None and existing != text.encode("utf-8"):
            foreign.append(name)
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise SiteError(f"{out / foreign[0]}{more} exists and was not written by sopkit "
                        "render, which never overwrites such files: move it away, or choose "
                        "another folder")


def write_marker(top: Path, names: list[str]) -> None:
    listed = "".join(f"{name}\n" for name in names)
    write_file(top, RENDER_MARKER, "# Written by `sopkit render`; the files it wrote, which "
                                   "the next render may replace.\n" + listed)
