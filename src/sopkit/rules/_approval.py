"""What the approval rules share (format 1.2): the records of the view's approvals files,
who holds which role, and where each approver role of a procedure stands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sopkit.format.load import Document
from sopkit.model.approval import (
    DIGEST,
    Approval,
    RoleApproval,
    approvals_of,
    holders_of,
    role_states,
)
from sopkit.model.training import indexed_records
from sopkit.rules._training import people
from sopkit.rules.registry import HandbookView

EXTRACT = ("id", "title", "status", "version", "approvers", "history[].version",
           "history[].summary", DIGEST)
"""The keys of each procedure the approval rules read (``(digest)``: its content digest,
computed when the file is checked)."""


def raw_approvals(view: HandbookView) -> Iterator[tuple[Document, int, Mapping[str, Any]]]:
    """(approvals file, index, record) of every record, in file order."""
    for document in view.approval_records:
        for index, item in indexed_records(document.data):
            if isinstance(item, Mapping):
                yield document, index, item


def opted_in(view: HandbookView) -> bool:
    """The handbook has approval records (the approval rules are opt-in)."""
    if view.has_approval_records is not None:
        return view.has_approval_records
    return any(True for _ in raw_approvals(view))


def holders(view: HandbookView) -> dict[str, list[str]]:
    """Person id -> the roles they hold."""
    return holders_of(person for _, person in people(view).values())


def states(view: HandbookView) -> Iterator[tuple[Document, RoleApproval]]:
    """Each approved procedure of the view with where each of its approver roles stands;
    nothing while the handbook has no approval record."""
    if not opted_in(view):
        return
    records = [record for number, document in enumerate(view.approval_records)
               for record in approvals_of(document.data, number)]
    held = holders(view)
    for document in view.procedures:
        for state in role_states(document.data, records, held):
            yield document, state


def approver_path(document: Document, role: str) -> tuple[str, int]:
    """Where ``role`` is listed in the procedure's approvers."""
    roles = document.data.get("approvers") or []
    return ("approvers", roles.index(role) if role in roles else 0)


def command(procedure: str, role: str, view: HandbookView) -> str:
    """The `sopkit approve` line for ``role`` (the person named when one holds it)."""
    who = sorted(person for person, roles in holders(view).items() if role in roles)
    person = who[0] if len(who) == 1 else "PERSON"
    return f"sopkit approve {procedure} --as {person} --role {role}"


def first_procedure(view: HandbookView, procedure: str) -> Document | None:
    """The one procedure with the id (None: unknown, or a duplicate id: ambiguous)."""
    documents = view.by_id.get(procedure) or ()
    return documents[0] if len(documents) == 1 else None


def record_key(record: Approval) -> tuple[str, ...]:
    return (record.procedure, record.version, record.digest, record.person, record.role,
            record.meaning)


def since(document: Document, version: str) -> str:
    """What the procedure's history says changed after ``version`` (newest first, at most
    two entries, each shortened): ``2.1.1 Clarified the consent``; empty when it says
    nothing."""
    found = []
    for entry in document.data.get("history") or []:
        if not isinstance(entry, Mapping) or str(entry.get("version")) == version:
            break
        summary = entry.get("summary")
        text = " ".join(str(summary).split()) if isinstance(summary, str) else ""
        if len(text) > 60:
            text = text[:59].rstrip() + "…"
        found.append(f"{entry.get('version')} {text}".strip())
    return "; ".join(found[:2]) + ("; …" if len(found) > 2 else "")
