"""The handbook's files at one revision: read from git's object store, or from disk.

A procedure file is read as ``sopkit validate`` reads it, with the same policy for
links: one that leads out of the handbook is reported and never read, and one that
leads to another procedure file is left out (that file is compared). Each file read
becomes a :class:`RevisionFile`, whatever went wrong with it; :mod:`sopkit.review.diff`
matches the two revisions' files and compares them.
"""

from __future__ import annotations

import os
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from sopkit.check.diagnostics import Diagnostic
from sopkit.check.discover import (
    LINKED_FILE,
    YAML_SUFFIXES,
    Boundary,
    Paths,
    discover_names,
    display_name,
    outside_link,
)
from sopkit.config import Config
from sopkit.format.load import (
    MAX_BYTES,
    Document,
    load_bytes,
    load_file,
    read_file,
    too_large,
)
from sopkit.format.schema import check_schema
from sopkit.format.terminal import visible
from sopkit.review import git


@dataclass(frozen=True)
class RevisionFile:
    """A procedure file (or organization.yml) as read at one revision, and what is wrong
    with it."""

    path: str
    """Relative to the repository root, '/' separated: how the two sides are matched."""
    file: str
    """As messages name it (relative to the current folder)."""
    document: Document | None
    problems: tuple[Diagnostic, ...]

    @property
    def id(self) -> str | None:
        value = self.document.data.get("id") if self.document is not None else None
        return value if isinstance(value, str) and value else None

    @property
    def valid(self) -> Document | None:
        return self.document if not self.problems else None


def _loaded(raw: bytes, file: str, path: str,
            kind: Literal["procedure", "organization"] = "procedure") -> RevisionFile:
    document = load_bytes(raw, file)
    if isinstance(document, Diagnostic):
        return RevisionFile(path, file, None, (document,))
    return RevisionFile(path, file, document, tuple(check_schema(document, kind)))


def is_procedure(path: str, folder: str) -> bool:
    relative = PurePosixPath(path).relative_to(folder) if folder else PurePosixPath(path)
    *folders, name = relative.parts
    return (name.endswith(YAML_SUFFIXES) and not name.startswith(("_", "."))
            and not any(part.startswith(("_", ".")) for part in folders))


def read_revision(root: Path, commit: str, folder: str,
                   within: Sequence[str]) -> list[RevisionFile]:
    """The procedures at ``commit``. A link is followed as far as ``within`` (the handbook's
    folders): one that leads out of them is reported, as sopkit validate reports it on
    disk, and one to another procedure file is left out (that file is compared)."""
    blobs = [blob for blob in git.list_blobs(root, commit, folder)
             if is_procedure(blob.path, folder)]
    regular = {blob.path for blob in blobs if not blob.link}
    targets: dict[str, git.Blob | Diagnostic | None] = {
        blob.path: _link_target(root, commit, blob, within, regular)
        for blob in blobs if blob.link}
    read = [target for target in (blob if not blob.link else targets[blob.path]
                                  for blob in blobs)
            if isinstance(target, git.Blob) and target.size <= MAX_BYTES]
    contents = git.read_blobs(root, (blob.oid for blob in read))
    entries: list[RevisionFile] = []
    for blob in blobs:
        file = display_name(root / blob.path)
        target = targets[blob.path] if blob.link else blob
        if target is None:
            continue
        if isinstance(target, Diagnostic):
            entries.append(RevisionFile(blob.path, file, None, (target._replace(file=file),)))
        elif target.size > MAX_BYTES:
            entries.append(RevisionFile(blob.path, file, None, (too_large(file, target.size),)))
        else:
            entries.append(_loaded(contents[target.oid], file, blob.path))
    return entries


def _link_target(root: Path, commit: str, link: git.Blob, within: Sequence[str],
                 procedures: Container[str]) -> git.Blob | Diagnostic | None:
    """The file ``link`` leads to; a finding when it leads out of the handbook or nowhere;
    None when it leads to one of ``procedures`` (compared at its own path)."""
    followed = git.follow_link(root, commit, link, within)
    if followed.end == "outside":
        return outside_link(link.path, LINKED_FILE)
    if followed.blob is None:
        return Diagnostic(link.path, 0, 0, "error", "io",
                          f"this file is a link to {followed.path}, which is not a file at "
                          "this revision" + (" (links without end)" if followed.end == "loop"
                                             else "") + ": point the link at a file")
    return None if followed.path in procedures else followed.blob


def handbook_folders(root: Path, config: Config) -> tuple[str, ...]:
    """The handbook's folders relative to the repository root ("" when the handbook holds
    all of it): where its links may lead, as for :class:`sopkit.check.discover.Boundary`."""
    folders: list[str] = []
    for folder in (config.root, config.procedures):
        try:
            relative = folder.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return ("",)
        relative = "" if relative == "." else relative
        if not folders or not (folders[0] == "" or relative == folders[0]
                               or relative.startswith(folders[0] + "/")):
            folders.append(relative)
    return tuple(folders)


def read_worktree(root: Path, config: Config) -> list[RevisionFile]:
    """The procedures on disk, with sopkit validate's policy for links: one out of the
    handbook is reported and never read (a linked folder too); one to another procedure
    file is left out (that file is compared)."""
    procedures = config.procedures
    boundary = Boundary(config.root, procedures)
    files = Paths(boundary.inside)
    names = discover_names(os.fspath(procedures), files) if procedures.is_dir() else []
    leaving = {name for name in files.suspects if boundary.leaves(name, files.resolve(name))}
    own = {files.resolve(name) for name in names if name not in files.suspects}
    entries: list[RevisionFile] = []
    for folder in dict.fromkeys(files.linked_folders):
        if boundary.leaves(folder):
            file = display_name(Path(folder))
            entries.append(RevisionFile(_relative(root, Path(folder), file), file, None,
                                  (outside_link(file, boundary.describe(folder)),)))
    for name in names:
        if name in files.suspects and name not in leaving and files.resolve(name) in own:
            continue  # a link to another procedure file: compared once, as that file
        path = Path(name)
        file = display_name(path)
        relative = _relative(root, path, file)
        if name in leaving:
            entries.append(RevisionFile(relative, file, None,
                                  (outside_link(file, boundary.describe(name)),)))
            continue
        document = load_file(path, file)
        if isinstance(document, Diagnostic):
            entries.append(RevisionFile(relative, file, None, (document,)))
        else:
            entries.append(RevisionFile(relative, file, document,
                                  tuple(check_schema(document, "procedure"))))
    return entries


def _relative(root: Path, path: Path, file: str) -> str:
    """``path`` relative to the repository root, '/' separated: the folder resolved, not the
    file (a linked file keeps its own name); ``file`` when outside the repository."""
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


def procedures_folder(root: Path, procedures: Path) -> str:
    """The procedures folder relative to the repository root, '/' separated ("" for the
    root itself); a :class:`sopkit.review.git.GitError` when it is outside the repository."""
    try:
        relative = procedures.resolve().relative_to(root.resolve())
    except ValueError:
        raise git.GitError(f"the procedures folder {visible(str(procedures))} is outside the "
                           f"git repository at {visible(str(root))}") from None
    text = relative.as_posix()
    return "" if text == "." else text


def organization_path(root: Path, config: Config) -> str | None:
    """organization.yml relative to the repository root ('/' separated, the folder resolved,
    not the file); None when it is outside the repository (nothing to compare it with)."""
    path = config.organization
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def read_organization(root: Path, config: Config, relative: str, commit: str | None,
                      within: Sequence[str]) -> RevisionFile | None:
    """organization.yml at ``commit`` (None: on disk), at ``relative`` in the repository;
    None when there is none. A link is followed as procedures' are."""
    path = config.organization
    file = display_name(path)
    raw: bytes | Diagnostic | None
    if commit is not None:
        raw = _organization_at(root, commit, relative, within)
    elif not os.path.lexists(path):
        raw = None
    else:
        boundary = Boundary(config.root, config.procedures)
        raw = (outside_link(file, boundary.describe(os.fspath(path)))
               if boundary.leaves(os.fspath(path)) else read_file(path, file))
    if raw is None:
        return None
    if isinstance(raw, Diagnostic):
        return RevisionFile(relative, file, None, (raw._replace(file=file),))
    return _loaded(raw, file, relative, "organization")


def _organization_at(root: Path, commit: str, relative: str,
                     within: Sequence[str]) -> bytes | Diagnostic | None:
    """organization.yml's bytes at ``commit``, following a link as procedures' are."""
    blob = git.blob_at(root, commit, relative)
    if blob is not None and blob.link:
        target = _link_target(root, commit, blob, within, ())
        if not isinstance(target, git.Blob):
            return target
        blob = target
    if blob is None:
        return None
    if blob.size > MAX_BYTES:
        return too_large(relative, blob.size)
    return git.read_blobs(root, [blob.oid])[blob.oid]


def record_files_at(root: Path, commit: str, folder: str,
                    kind: Literal["training", "approval"]) -> list[tuple[int, Document]]:
    """The records files (training or approvals) under ``folder`` at ``commit`` that load
    and pass their schema, in path order, each with its number among all the files there
    (as the records' ``source`` counts them)."""
    blobs = [blob for blob in git.list_blobs(root, commit, folder)
             if not blob.link and blob.path.endswith(YAML_SUFFIXES) and blob.size <= MAX_BYTES
             and not any(part.startswith(("_", ".")) for part in blob.path.split("/"))]
    contents = git.read_blobs(root, (blob.oid for blob in blobs))
    found: list[tuple[int, Document]] = []
    for number, blob in enumerate(sorted(blobs, key=lambda b: b.path)):
        document = load_bytes(contents[blob.oid], blob.path)
        if isinstance(document, Document) and not check_schema(document, kind):
            found.append((number, document))
    return found
