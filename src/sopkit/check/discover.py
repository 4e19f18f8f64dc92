"""Which files a check reads, and the names messages give them.

The procedures are the ``*.yml`` and ``*.yaml`` files under the procedures
folder, in sorted order, leaving out names (and folders) that start with ``_``
or ``.``. Messages name a file relative to the current folder when it is inside
it. For 10,000 files, path objects and a system call per file would be a good
part of a re-run that finds everything in the cache, so the work is done on
strings, once per folder.

Two kinds of file are found but not taken as they are (handbook.py reports them):

* a file whose name (or the name of a folder it is in, below the folder
  searched) holds a control or bidirectional character (``unsafe-file-name``):
  terminals, logs and reviews would show another name than the file's;
* a link that leaves the handbook (``link-outside-handbook``): a file, or a
  folder, inside the handbook (the folder of mkdocs.yml, and the procedures folder
  when mkdocs.yml names one elsewhere) whose real path is outside it. Its content is
  never read, so never reported on nor published. A link to another place
  inside the handbook is fine: a linked file is read under its own name (once,
  when it links to another procedure file), and a linked folder is not
  entered, as ``os.walk`` does (its files are found where they really are).
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path

from sopkit.check.diagnostics import OUTSIDE_LINK, Diagnostic
from sopkit.format.terminal import UNSAFE, visible

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
    each file's folder, which files are symbolic links, the links to folders passed over,
    and the files whose names (below ``folder``) are unsafe to show."""
    found: list[str] = []

    def visit(top: str, unsafe_folder: bool = False) -> None:
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
            unsafe = names if unsafe_folder else unsafe_names(names)
            paths.unsafe.update(prefix + name for name in unsafe)
        for entry in sorted(folders, key=_NAME):
            if entry.name.startswith((".", "_")):
                continue
            if not entry.is_symlink():
                visit(prefix + entry.name, unsafe_folder or bool(UNSAFE.search(entry.name)))
            elif paths is not None:
                paths.linked_folders.append(prefix + entry.name)

    visit(folder)
    return found


_PRINTABLE_ASCII = bytes(range(0x20, 0x7f))


def unsafe_names(names: Sequence[str]) -> list[str]:
    """The names among ``names`` that hold a character of :data:`sopkit.format.terminal.UNSAFE`.
    Quick when there is none (the usual case), as for 10,000 names it is checked on
    every run: ASCII names as bytes, others first by ``str.isprintable`` (every unsafe
    character is unprintable)."""
    joined = "".join(names)
    if joined.isascii():
        if not joined.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return []
    elif joined.isprintable():
        return []
    return [name for name in names if UNSAFE.search(name)]


_NAME = operator.attrgetter("name")


def expand_paths(paths: Sequence[Path], handbook: HandbookPaths | None = None) -> list[Path]:
    """Files and folders from the command line, as a list of files (see expand_names)."""
    return [Path(path) for path in expand_names(paths, handbook=handbook)]


HandbookPaths = tuple[Path, ...]
"""The handbook's procedures folder, organization file and, optionally, the records folders
(training, approvals)."""
"""A handbook's procedures folder and organization file."""


def expand_names(paths: Sequence[Path], known: Paths | None = None, *,
                 handbook: HandbookPaths | None = None) -> list[str]:
    """Files and folders from the command line, as a list of files: a file as given, a
    folder as the procedure files under it. A folder that holds the ``handbook``'s
    procedures folder (``.``, say) means the handbook: its procedures, organization file
    and training records, not every YAML file under it (mkdocs.yml, templates,
    workflows)."""
    files: list[str] = []
    for path in paths:
        if path.is_dir():
            if handbook is not None and handbook[0].is_dir() and _holds(path, handbook[0]):
                procedures, organization, *training = handbook
                files.extend(discover_names(os.fspath(procedures), known))
                if organization.is_file() and _holds(path, organization.parent):
                    files.append(os.fspath(organization))
                files.extend(name for folder in training if covers([path], folder)
                             for name in discover_names(os.fspath(folder), known))
            else:
                files.extend(discover_names(os.fspath(path), known))
        elif path.is_file() or path.exists():
            files.append(os.fspath(path))
            if known is not None and unsafe_names([path.name]):
                known.unsafe.add(os.fspath(path))
        else:
            raise PathError(f"{visible(os.fspath(path))}: no such file or folder")
    return files


def covers(paths: Sequence[Path], folder: Path) -> bool:
    """One of ``paths`` is a folder that holds ``folder``, which exists."""
    return folder.is_dir() and any(path.is_dir() and _holds(path, folder) for path in paths)


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

    def __init__(self, inside: Sequence[str] | None = None) -> None:
        """``inside``: the real folders (normcased, ending with a separator) that files may
        lead to without being :attr:`suspects`; None, no suspects are kept."""
        self._resolved: dict[str, str] = {}
        self._displayed: dict[str, str] = {}
        self._relative: dict[str, str | None] = {}
        self._inside = tuple(inside) if inside is not None else None
        self.suspects: dict[str, None] = {}
        """The files that may lead out of ``inside`` (links, files of folders reached
        through a link, files named outside it): the few to look at closely."""
        self.linked_folders: list[str] = []
        """Links to folders that :func:`discover_names` passed over, in the order met."""
        self.unsafe: set[str] = set()
        """Files whose names are unsafe to show (see :func:`unsafe_names`)."""

    def found(self, folder: str, prefix: str, names: Sequence[str],
              links: Container[str]) -> None:
        """Learn the files ``names`` of ``folder`` (paths ``prefix + name``), from listing
        it; ``links`` are the symbolic links among them, resolved one by one."""
        real = os.path.normcase(os.path.join(os.path.realpath(folder), ""))
        resolved = self._resolved
        for name in names:
            if name not in links:
                resolved[prefix + name] = real + os.path.normcase(name)
        if self._inside is None:
            pass
        elif not real.startswith(self._inside):  # once per folder, not per file
            self.suspects.update((prefix + name, None) for name in names)
        elif links:
            self.suspects.update((prefix + name, None) for name in names if name in links)
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
            if self._inside is not None and not resolved.startswith(self._inside):
                self.suspects[path] = None
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


class Boundary:
    """Where the handbook ends, for its links: the folder of mkdocs.yml (``root``), and
    the procedures folder when mkdocs.yml names one outside that folder."""

    def __init__(self, root: Path, procedures: Path) -> None:
        lexical = [_folder_prefix(os.path.abspath(root))]
        real = [_folder_prefix(os.path.realpath(root))]
        procedures_named = _folder_prefix(os.path.abspath(procedures))
        if not procedures_named.startswith((*lexical, *real)):
            lexical.append(procedures_named)
            real.append(_folder_prefix(os.path.realpath(procedures)))
        self.inside = tuple(dict.fromkeys(real))
        """The real folders of the handbook (normcased, with a final separator)."""
        self._named = tuple(dict.fromkeys([*lexical, *real]))

    def leaves(self, path: str, resolved: str | None = None) -> bool:
        """Whether ``path`` is in the handbook as named but not once links are followed
        (``resolved``: its real path, normcased, when known already). A file named outside
        the handbook (``sopkit validate ../draft.yml``) is not in it to begin with."""
        if resolved is None:
            resolved = os.path.normcase(os.path.realpath(path))
        if resolved.startswith(self.inside):
            return False
        return os.path.normcase(os.path.abspath(path)).startswith(self._named)

    @staticmethod
    def describe(path: str) -> str:
        """The message for ``path``, which :meth:`leaves` the handbook."""
        if os.path.isdir(path):
            return LINKED_FOLDER
        return LINKED_FILE if os.path.islink(path) else THROUGH_LINKED_FOLDER


LINKED_FILE = ("this file is a link to a file outside the handbook; sopkit does not read it: "
               "copy the file into the handbook in place of the link")
LINKED_FOLDER = ("this folder is a link to a folder outside the handbook; sopkit does not read "
                 "what it holds: move the procedures into the handbook and remove the link")
THROUGH_LINKED_FOLDER = ("this file is reached through a link to a folder outside the "
                         "handbook; sopkit does not read it: move the folder into the handbook "
                         "in place of the link")


def outside_link(file: str, message: str) -> Diagnostic:
    """The link-outside-handbook error about ``file`` (named as messages name it)."""
    return Diagnostic(file, 0, 0, "error", OUTSIDE_LINK.name, message)


def _folder_prefix(folder: str) -> str:
    return os.path.join(os.path.normcase(folder), "")
