"""Approval records (format 1.2, "Approval records"): who approved which content of a
procedure, in which role, with what meaning and when; and where each approver role of a
procedure stands. Pure functions over schema-valid data, used by the approval rules,
`sopkit approve`, the pages, the register, the review and the audit export.

A procedure with ``status: approved`` needs, for each role in ``approvers``, a record with
``meaning: approved`` by a person who holds that role, for the current ``version`` and with
the current digest (sopkit.format.digest): the role is *current*; *stale* when there are
such records, but for another version or digest (the content changed after approval); else
*missing*. The feature is opt-in: the callers ask only once the handbook has a record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, NamedTuple

from sopkit.format.dates import parse_date
from sopkit.format.digest import procedure_digest
from sopkit.model.training import indexed_records

DIGEST = "(digest)"
"""In a procedure's extract (what the approval rules read), the key of its content digest,
computed from the whole file when it is checked. No schema-valid procedure has this key."""

MEANINGS = ("approved", "reviewed", "authored")
State = Literal["current", "stale", "missing"]


class Approval(NamedTuple):
    """One approval record, as read from an approvals file."""

    procedure: str
    version: str
    digest: str
    person: str
    role: str
    meaning: str
    date: date
    note: str | None = None
    source: tuple[int, int] = (0, 0)
    """(the number of its file among the approvals files, its index in ``records``)."""


class RoleApproval(NamedTuple):
    """Where one approver role of a procedure stands."""

    role: str
    state: State
    record: Approval | None
    """The current record; for a stale role the latest earlier one; None when missing."""


def approvals_of(data: Mapping[str, Any], file_number: int = 0) -> list[Approval]:
    """The records of one schema-valid approvals file (also one cut down to some records)."""
    found = []
    for index, item in indexed_records(data):
        if not isinstance(item, Mapping):
            continue
        day = parse_date(item.get("date"))
        if day is None:
            continue
        note = item.get("note")
        found.append(Approval(str(item["procedure"]), str(item["version"]), str(item["digest"]),
                              str(item["person"]), str(item["role"]), str(item["meaning"]),
                              day, note if isinstance(note, str) else None,
                              (file_number, index)))
    return found


def digest_of(data: Mapping[str, Any]) -> str:
    """The content digest of a procedure: kept in its extract, else computed."""
    kept = data.get(DIGEST)
    return kept if isinstance(kept, str) else procedure_digest(data)


def approvers_of(data: Mapping[str, Any]) -> list[str]:
    """The approver roles of a procedure, each once, in order."""
    roles = data.get("approvers") or []
    return list(dict.fromkeys(str(role) for role in roles)) if isinstance(roles, list) else []


def role_states(data: Mapping[str, Any], records: Iterable[Approval],
                holders: Mapping[str, Sequence[str]]) -> list[RoleApproval]:
    """Where each approver role of the procedure ``data`` stands, given the ``records``
    (any procedure's: those naming another are skipped) and ``holders`` (person id -> the
    roles they hold). Empty unless the procedure is approved."""
    if data.get("status") != "approved":
        return []
    procedure, version, digest = str(data.get("id")), str(data.get("version")), digest_of(data)
    mine = sorted((record for record in records
                   if record.procedure == procedure and record.meaning == "approved"),
                  key=lambda record: (record.date, record.source))
    found = []
    for role in approvers_of(data):
        signed = [record for record in mine
                  if record.role == role and role in holders.get(record.person, ())]
        current = [record for record in signed
                   if record.version == version and record.digest == digest]
        if current:
            found.append(RoleApproval(role, "current", current[-1]))
        elif signed:
            found.append(RoleApproval(role, "stale", signed[-1]))
        else:
            found.append(RoleApproval(role, "missing", None))
    return found


def holders_of(people: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Person id -> the roles they hold, from organization.yml's people."""
    found: dict[str, list[str]] = {}
    for person in people:
        roles = person.get("roles") or []
        found.setdefault(str(person.get("id")), [str(role) for role in roles]
                         if isinstance(roles, list) else [])
    return found


def for_procedure(records: Iterable[Approval], procedure: str) -> list[Approval]:
    """The records naming ``procedure``, in date order (then file order)."""
    return sorted((record for record in records if record.procedure == procedure),
                  key=lambda record: (record.date, record.source))
