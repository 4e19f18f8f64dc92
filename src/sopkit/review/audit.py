"""The audit trail of a handbook (`sopkit export audit`): per procedure, in date order, the
commits that changed its file (version, status, author: from git), its approval records
(format 1.2) and its training records (1.1). What sopkit knows, gathered in one place for
an auditor; nothing here decides or prints (sopkit.report.audit formats).

The procedures are those of the last commit of the current branch (as `sopkit history`
reads them); the records are those of the working tree that pass the schema (the check's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sopkit.config import Config
from sopkit.format.digest import procedure_digest
from sopkit.model.approval import Approval
from sopkit.model.training import Record
from sopkit.review import git
from sopkit.review.effective import every_history

Kind = Literal["commit", "approval", "training"]
_ORDER = {"commit": 0, "approval": 1, "training": 2}


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a procedure's trail."""

    date: str
    """YYYY-MM-DD (a commit's: the committer's day)."""
    kind: Kind
    version: str
    who: str
    """A commit's author (name <email>), a record's person (name (id))."""
    role: str = ""
    detail: str = ""
    commit: str = ""


@dataclass(frozen=True)
class ProcedureTrail:
    id: str
    title: str
    file: str
    events: tuple[AuditEvent, ...]


def audit_trail(config: Config, approvals: Sequence[Approval], training: Sequence[Record],
                names: Mapping[str, str], since: date | None = None) -> list[ProcedureTrail]:
    """The trail of every procedure at ``HEAD`` (by id), from ``since`` on when given
    (``names``: person id -> name). A GitError when git cannot answer."""
    root, histories = every_history(config)
    authors = git.commit_authors(root, (revision.commit for history in histories
                                        for revision in history.revisions))
    start = since.isoformat() if since is not None else ""
    trails = []
    for history in histories:
        if not history.revisions:
            continue
        newest = history.revisions[0]
        digests = {procedure_digest(revision.data) for revision in history.revisions}
        events = [_commit(revision.day, revision.text("version") or "",
                          revision.text("status") or "", revision.effective_date,
                          revision.commit, authors.get(revision.commit))
                  for revision in history.revisions]
        events += [_approval(record, names, record.digest in digests)
                   for record in approvals if record.procedure == history.procedure_id]
        events += [_training(record, names) for record in training
                   if record.procedure == history.procedure_id]
        kept = sorted((event for event in events if event.date >= start),
                      key=lambda event: (event.date, _ORDER[event.kind]))
        title = newest.text("title") or ""
        trails.append(ProcedureTrail(history.procedure_id, title, newest.path, tuple(kept)))
    return trails


def _commit(day: str, version: str, status: str, effective: str | None, commit: str,
            author: tuple[str, str] | None) -> AuditEvent:
    who = f"{author[0]} <{author[1]}>" if author is not None else ""
    detail = f"status {status}" + (f", effective {effective}" if effective else "")
    return AuditEvent(day, "commit", version, who, "", detail, commit)


def _person(person: str, names: Mapping[str, str]) -> str:
    name = names.get(person, person)
    return f"{name} ({person})" if name != person else person


def _approval(record: Approval, names: Mapping[str, str], committed: bool) -> AuditEvent:
    detail = record.meaning + f", {record.digest}"
    if not committed:
        detail += " (no commit of the procedure has this content)"
    if record.note:
        detail += f"; {record.note}"
    return AuditEvent(record.date.isoformat(), "approval", record.version,
                      _person(record.person, names), record.role, detail)


def _training(record: Record, names: Mapping[str, str]) -> AuditEvent:
    detail = "passed" if record.passed else "failed"
    if record.method:
        detail += f", {record.method}"
    return AuditEvent(record.date.isoformat(), "training", record.version,
                      _person(record.person, names), "", detail)
