"""What pages, printouts and the register show of the approval records (format 1.2): per
procedure, the approvals of its current content as name, role, meaning and date, and
whether an approval is pending or the content changed after approval (where the rules
approval-missing and approval-stale fire). Built from sopkit.model.approval; no I/O.
Exists only once the handbook has an approval record (the feature is opt-in)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sopkit.model.approval import (
    Approval,
    digest_of,
    for_procedure,
    holders_of,
    role_states,
)
from sopkit.model.types import Organization


@dataclass(frozen=True)
class Signature:
    """One approval record as shown: the person's name, the role's title, meaning, date."""

    person: str
    name: str
    role: str
    role_title: str
    meaning: str
    date: date
    version: str
    note: str | None = None


@dataclass(frozen=True)
class ProcedureApprovals:
    """The approvals of one procedure."""

    current: tuple[Signature, ...]
    """The records of its current version and content, in date order."""
    pending: tuple[str, ...] = ()
    """Approver roles (titles) with no approval of any content: approval pending."""
    changed: tuple[Signature, ...] = ()
    """For approver roles approved only for an earlier content, the latest such approval:
    the procedure changed after approval."""

    @property
    def state(self) -> str:
        """``changed`` (after approval), ``pending``, or ``approved`` (every approver role
        has approved the current content; also for a procedure that is not approved)."""
        return "changed" if self.changed else "pending" if self.pending else "approved"


@dataclass(frozen=True)
class ApprovalView:
    """The approvals of every procedure, by id."""

    procedures: Mapping[str, ProcedureApprovals]

    def of(self, procedure_id: str) -> ProcedureApprovals:
        return self.procedures.get(procedure_id, ProcedureApprovals(()))


def build_approvals(procedures: Sequence[Mapping[str, Any]], organization: Organization | None,
                    records: Sequence[Approval]) -> ApprovalView | None:
    """The view of the approvals; None while the handbook has no approval record."""
    if not records:
        return None
    people = {person.id: person for person in organization.people} if organization else {}
    titles = {role.id: role.title for role in organization.roles} if organization else {}
    held = holders_of({"id": person.id, "roles": list(person.roles)}
                      for person in people.values())
    by_id: dict[str, ProcedureApprovals] = {}
    for data in procedures:
        procedure = str(data.get("id"))
        if procedure in by_id:
            continue  # a duplicate id: the first, as the pages show it
        local = {str(role.get("id")): str(role.get("title")) for role in data.get("roles") or []
                 if isinstance(role, Mapping) and role.get("title")}

        def signature(record: Approval, local: Mapping[str, str] = local) -> Signature:
            person = people.get(record.person)
            return Signature(record.person, person.name if person else record.person,
                             record.role, local.get(record.role) or titles.get(record.role)
                             or record.role, record.meaning, record.date, record.version,
                             record.note)

        mine = for_procedure(records, procedure)
        version, digest = str(data.get("version")), digest_of(data)
        states = role_states(data, mine, held)
        by_id[procedure] = ProcedureApprovals(
            current=tuple(signature(record) for record in mine
                          if record.version == version and record.digest == digest),
            pending=tuple(local.get(state.role) or titles.get(state.role) or state.role
                          for state in states if state.state == "missing"),
            changed=tuple(signature(state.record) for state in states
                          if state.state == "stale" and state.record is not None))
    return ApprovalView(by_id)
