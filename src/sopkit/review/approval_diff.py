"""Approvals in a pull request (format 1.2): which recorded approvals a change invalidates,
and the approval records the pull request adds.

An approval is invalidated when it was of the procedure's content at the base (its version
and digest are the base's) and the procedure's digest at HEAD differs: any edit but status,
effective date, review dates and ``x-`` keys. The records are those of the approvals files
that load and pass the schema at each revision (HEAD: the working tree when no HEAD is
named), as for training records (sopkit.review.training_diff).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sopkit.config import Config
from sopkit.format.digest import procedure_digest
from sopkit.model.approval import Approval, approvals_of
from sopkit.review.revisions import record_files_at

if TYPE_CHECKING:
    from sopkit.review.diff import ProcedureDiff


@dataclass(frozen=True)
class Invalidated:
    """A changed procedure and the approvals of its base content that no longer hold."""

    procedure: str
    title: str
    base_version: str
    head_version: str
    approvals: tuple[tuple[Approval, str], ...]
    """Each approval with the signer's name."""


@dataclass(frozen=True)
class ApprovalDiff:
    invalidated: tuple[Invalidated, ...]
    """By procedure id."""
    added: tuple[tuple[Approval, str], ...]
    """The records at HEAD that are not at the base, with the signer's name, in file
    order."""

    @property
    def empty(self) -> bool:
        return not self.invalidated and not self.added


def approvals_at(root: Path, commit: str, folder: str) -> list[Approval]:
    """The records of the approvals files under ``folder`` at ``commit`` that load and pass
    the schema, in path order."""
    return [record for number, document in record_files_at(root, commit, folder, "approval")
            for record in approvals_of(document.data, number)]


def _worktree(config: Config) -> list[Approval]:
    from sopkit.check.discover import Boundary
    from sopkit.check.training_files import (
        check_training_files,
        find_training_files,
        record_documents,
    )

    boundary = Boundary(config.root, config.procedures)
    found = check_training_files(*find_training_files(config, boundary, "approval"), None,
                                 "approval")
    return [record for number, document in enumerate(record_documents(found.results))
            for record in approvals_of(document.data, number)]


def _key(record: Approval) -> tuple[str, ...]:
    return (record.procedure, record.version, record.digest, record.person, record.role,
            record.meaning, record.date.isoformat())


def approval_diff(root: Path, config: Config, base_commit: str, head_commit: str | None,
                  procedures: Sequence[ProcedureDiff],
                  organization: dict[str, object] | None) -> ApprovalDiff | None:
    """What changes for approvals between the two revisions (``organization``: HEAD's
    organization.yml data); None when the approvals folder is outside the repository or
    the handbook has no approval record at either revision (the feature is opt-in)."""
    try:
        folder = config.approvals().resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    folder = "" if folder == "." else folder
    base = approvals_at(root, base_commit, folder)
    head = approvals_at(root, head_commit, folder) if head_commit is not None else _worktree(
        config)
    if not base and not head:
        return None
    people = (organization or {}).get("people")
    names = {str(person.get("id")): str(person.get("name") or person.get("id"))
             for person in people if isinstance(person, dict)} if isinstance(
        people, list) else {}
    before = {_key(record) for record in base}
    added = tuple((record, names.get(record.person, record.person)) for record in head
                  if _key(record) not in before)
    invalidated = []
    for procedure in procedures:
        if (procedure.change != "modified" or procedure.base is None or procedure.head is None
                or procedure.id is None):
            continue
        was = procedure_digest(procedure.base.data)
        if procedure_digest(procedure.head.data) == was:
            continue
        version = str(procedure.base.data.get("version"))
        lost = [(record, names.get(record.person, record.person)) for record in base
                if record.procedure == procedure.id and record.version == version
                and record.digest == was]
        if lost:
            invalidated.append(Invalidated(procedure.id, procedure.title, version,
                                           str(procedure.head.data.get("version")),
                                           tuple(lost)))
    return ApprovalDiff(tuple(invalidated), added)
