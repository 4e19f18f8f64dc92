"""Which files a check reads, and the names messages give them.

The procedures are the ``*.yml`` and ``*.yaml`` files under the procedures
folder, in sorted order, leaving out names (and folders) that start with ``_``
or ``.``. Messages name a file relative to the current folder when it is inside
it. For 10,000 files, path objects and a system call per file would be a good
part of a re-run that finds everything in the cache, so the work is done on
strings, once per folder.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path

YAML_SUFFIXES = (".yml", ".yaml")


class PathError(Exception):
    """A path given on the command line does not exist or cannot be listed."""


def display_name(path: Path) -> str:
    """A file as messages name it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    if relative.startswith(".."):
        return path.as_posix()
    return Path(relative).as_posix()


def discover(folder: Path) -> list[Path]:
    """Procedure files under ``folder``: *.yml and *.yaml, not starting with '_' or '.'."""
    return [Path(path) for path in discover_names(os.fspath(folder))]


def discover_names(folder: str, paths: Paths | None = None) -> list[str]:
    """:func:`discover` as strings, walking the folders as ``os.walk`` does (sorted, not
    into folders starting with '.' or '_', nor into links to folders). ``paths`` learns
    each file's folder, and which files are symbolic links."""
    found: list[str] = []

    def visit(top: str) -> None:
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError:
            return
        folders: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            (folders if is_folder else files).append(entry)
        prefix = os.path.join(top, "")
        names = sorted(entry.name for entry in files
                       if entry.name.endswith(YAML_SUFFIXES)
                       and not entry.name.startswith(("_", ".")))
        found.extend(prefix + name for name in names)
        if paths is not None and names:
            links = {entry.name for entry in files if entry.is_symlink()}
            paths.found(top, prefix, names, links)
        for entry in sorted(folders, key=_NAME):
            if not entry.name.startswith((".", "_")) and not entry.is_symlink():
                visit(prefix + entry.name)

    visit(folder)
    return found


_NAME = operator.attrgetter("name")


def expand_paths(paths: Sequence[Path], handbook: Handbook | None = None) -> list[Path]:
    """Files and folders from the command line, as a list of files (see expand_names)."""
    return [Path(path) for path in expand_names(paths, handbook=handbook)]


Handbook = tuple[Path, Path]
"""A handbook's procedures folder and organization file."""


def expand_names(paths: Sequence[Path], known: Paths | None = None, *,
                 handbook: Handbook | None = None) -> list[str]:
    """Files and folders from the command line, as a list of files: a file as given, a
    folder as the procedure files under it. A folder that holds the ``handbook``'s
    procedures folder (``.``, say) means the handbook: its procedures and organization
    file, not every YAML file under it (mkdocs.yml, templates, workflows)."""
    files: list[str] = []
    for path in paths:
        if path.is_dir():
            if handbook is not None and handbook[0].is_dir() and _holds(path, handbook[0]):
                procedures, organization = handbook
                files.extend(discover_names(os.fspath(procedures), known))
                if organization.is_file() and _holds(path, organization.parent):
                    files.append(os.fspath(organization))
            else:
                files.extend(discover_names(os.fspath(path), known))
        elif path.is_file() or path.exists():
            files.append(os.fspath(path))
        else:
            raise PathError(f"{path}: no such file or folder")
    return files


def _holds(folder: Path, inner: Path) -> bool:
    """``inner`` is ``folder`` or lies under it (links resolved)."""
    try:
        return inner.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def unique(paths: Iterable[str], resolve: Callable[[str], str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for path in paths:
        key = resolve(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


class Paths:
    """``Path.resolve`` and :func:`display_name` for many files in a few folders, on
    strings, with each folder worked out once: for 10,000 files, path objects and
    system calls would be a good part of a run that finds everything in the cache."""

    def __init__(self) -> None:
        self._resolved: dict[str, str] = {}
        self._displayed: dict[str, str] = {}
        self._relative: dict[str, str | None] = {}

    def found(self, folder: str, prefix: str, names: Sequence[str],
              links: Container[str]) -> None:
        """Learn the files ``names`` of ``folder`` (paths ``prefix + name``), from listing
        it; ``links`` are the symbolic links among them, resolved one by one."""
        real = os.path.normcase(os.path.join(os.path.realpath(folder), ""))
        resolved = self._resolved
        for name in names:
            if name not in links:
                resolved[prefix + name] = real + os.path.normcase(name)
        relative = self._relative_folder(folder)
        if relative is None or relative.startswith(".."):
            return  # named by their full paths: left to display()
        shown = "" if relative == "." else Path(relative).as_posix() + "/"
        displayed = self._displayed
        for name in names:
            displayed[prefix + name] = shown + name

    def resolve(self, path: str) -> str:
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = os.path.normcase(os.path.realpath(path))
        return resolved

    def display(self, path: str) -> str:
        """:func:`display_name` of ``path``."""
        displayed = self._displayed.get(path)
        if displayed is None:
            folder, name = os.path.split(path)
            relative = self._relative_folder(folder)
            if name in ("", ".", "..") or relative is None:
                displayed = display_name(Path(path))
            else:
                displayed = self._joined(relative, name, path)
            self._displayed[path] = displayed
        return displayed

    def _relative_folder(self, folder: str) -> str | None:
        if folder not in self._relative:
            try:
                self._relative[folder] = os.path.relpath(folder or ".")
            except ValueError:  # another drive on Windows
                self._relative[folder] = None
        return self._relative[folder]

    @staticmethod
    def _joined(folder: str, name: str, path: str) -> str:
        relative = name if folder == "." else os.path.join(folder, name)
        if relative.startswith(".."):
            return Path(path).as_posix()
        return relative if os.sep == "/" else Path(relative).as_posix()
