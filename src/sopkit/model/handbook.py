"""The handbook, and the views its pages read across procedures.

:class:`Handbook` holds the procedures and organization.yml; its views (departments,
the roles directory, the RACI matrix's rows, reviews due, recent changes, tags) are
worked out once per handbook (the dataclass is frozen, so they cannot go stale), in
one pass over the procedures: templates ask for them on every department page, and a
handbook may have thousands of procedures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sopkit.model.approval_view import ApprovalView
from sopkit.model.roles import role_title
from sopkit.model.training_view import TrainingView
from sopkit.model.types import (
    Department,
    HistoryEntry,
    Organization,
    Person,
    Procedure,
    Role,
    Step,
    step_roles,
)


@dataclass(frozen=True)
class RoleDuty:
    """A responsibility or authority of a role, and where it is written."""

    text: str
    procedure: Procedure | None
    """The procedure that says so, or None for organization.yml."""


@dataclass(frozen=True)
class StepDuty:
    """A step a role has a part in, and its RACI letters there."""

    procedure: Procedure
    step: Step
    raci: str


@dataclass(frozen=True)
class RoleEntry:
    """A role across the handbook: the roles directory's "what do I do"."""

    id: str
    title: str
    department: Department | None
    responsibilities: tuple[RoleDuty, ...]
    authority: tuple[RoleDuty, ...]
    people: tuple[Person, ...]
    owns: tuple[Procedure, ...]
    approves: tuple[Procedure, ...]
    steps: tuple[StepDuty, ...]


@dataclass(frozen=True)
class RecentChange:
    """One entry of a procedure's history, as the handbook's list of changes shows it."""

    procedure: Procedure
    entry: HistoryEntry


@dataclass(frozen=True)
class DepartmentGroup:
    """A department and its procedures; ``department`` None holds the rest."""

    department: Department | None
    procedures: tuple[Procedure, ...]

    @cached_property
    def raci_roles(self) -> tuple[Role, ...]:
        """The roles with a RACI letter in these procedures (the columns of the department's
        RACI matrix), in order of first appearance."""
        seen: dict[str, Role] = {}
        for procedure in self.procedures:
            for role in (procedure.owner, *procedure.raci_roles):  # the owner holds A
                seen.setdefault(role.id, role)
        return tuple(seen.values())


@dataclass(frozen=True)
class Handbook:
    """Every procedure, organization.yml (None without one), and the day pages are made on."""

    procedures: tuple[Procedure, ...]
    """Sorted by id."""
    organization: Organization | None
    today: date
    training: TrainingView | None = None
    """Who must be trained on what, and their status (None while the handbook has no
    training record)."""
    approvals: ApprovalView | None = None
    """The approvals of each procedure (None while the handbook has no approval record)."""

    def procedure(self, procedure_id: str) -> Procedure | None:
        return self._by_id.get(procedure_id)

    @cached_property
    def _by_id(self) -> dict[str, Procedure]:
        by_id: dict[str, Procedure] = {}
        for p in self.procedures:
            by_id.setdefault(p.id, p)
        return by_id

    @cached_property
    def departments(self) -> tuple[DepartmentGroup, ...]:
        """organization.yml's departments in file order, then departments only procedures
        name (by id), then procedures with no department (only when there are some)."""
        known = list(self.organization.departments) if self.organization else []
        ids = {d.id for d in known}
        by_department: dict[str, list[Procedure]] = {}
        extra: dict[str, Department] = {}
        rest: list[Procedure] = []
        for p in self.procedures:
            if p.department is None:
                rest.append(p)
                continue
            by_department.setdefault(p.department.id, []).append(p)
            if p.department.id not in ids:
                extra.setdefault(p.department.id, p.department)
        known.extend(extra[department_id] for department_id in sorted(extra))
        groups = [DepartmentGroup(d, tuple(by_department.get(d.id, ()))) for d in known]
        if rest:
            groups.append(DepartmentGroup(None, tuple(rest)))
        return tuple(groups)

    @cached_property
    def roles(self) -> tuple[RoleEntry, ...]:
        """Every role of organization.yml or of some procedure, sorted by id."""
        org = self.organization or Organization()
        uses = _role_uses(self.procedures)
        ids = {r.id for r in org.roles} | uses.ids
        return tuple(_role_entry(role_id, org, uses) for role_id in sorted(ids))

    @cached_property
    def raci_roles(self) -> tuple[RoleEntry, ...]:
        """The roles that hold a RACI letter in some procedure (the RACI matrix rows)."""
        held = {role_id for p in self.procedures for role_id in p._raci_letters}
        return tuple(r for r in self.roles if r.id in held)

    @cached_property
    def reviews(self) -> tuple[Procedure, ...]:
        """Every procedure by next review: overdue first, then soonest; undated last."""
        def key(p: Procedure) -> tuple[int, date, str]:
            if p.review is None or p.review.next_date is None:
                return (1, date.max, p.id)
            return (0, p.review.next_date, p.id)
        return tuple(sorted(self.procedures, key=key))

    def reviews_due(self, days: int = 30) -> tuple[Procedure, ...]:
        """Procedures overdue or due within ``days`` of today, soonest first."""
        return tuple(p for p in self.reviews
                     if p.review is not None and p.review.days_left is not None
                     and p.review.days_left <= days)

    def changes(self, limit: int = 50) -> tuple[RecentChange, ...]:
        """The newest ``limit`` history entries: date descending, then procedure id."""
        entries = [RecentChange(p, entry) for p in self.procedures for entry in p.history]
        # Procedures are sorted by id and history is newest first: a stable sort by date
        # keeps that order among entries of the same date.
        entries.sort(key=lambda c: c.entry.date, reverse=True)
        return tuple(entries[:limit])

    @cached_property
    def tags(self) -> tuple[tuple[str, tuple[Procedure, ...]], ...]:
        """Tag -> the procedures that carry it, tags sorted case-insensitively."""
        carriers: dict[str, list[Procedure]] = {}
        for p in self.procedures:
            for t in dict.fromkeys(p.tags):
                carriers.setdefault(t, []).append(p)
        names = sorted(carriers, key=lambda t: (t.casefold(), t))
        return tuple((t, tuple(carriers[t])) for t in names)


@dataclass
class _RoleUses:
    """What the procedures say of each role id, gathered in one pass for the roles directory."""

    ids: set[str] = field(default_factory=set)
    titles: dict[str, str] = field(default_factory=dict)
    """The first procedure's title of each role it declares."""
    responsibilities: dict[str, list[RoleDuty]] = field(default_factory=dict)
    authority: dict[str, list[RoleDuty]] = field(default_factory=dict)
    steps: dict[str, list[StepDuty]] = field(default_factory=dict)
    owns: dict[str, list[Procedure]] = field(default_factory=dict)
    approves: dict[str, list[Procedure]] = field(default_factory=dict)


def _role_uses(procedures: Iterable[Procedure]) -> _RoleUses:
    uses = _RoleUses()
    for p in procedures:
        for role in p.roles:
            uses.ids.add(role.id)
            if role.title != role.id:  # the id is what a role without a title shows
                uses.titles.setdefault(role.id, role.title)
            uses.responsibilities.setdefault(role.id, []).extend(
                RoleDuty(t, p) for t in role.responsibilities)
            uses.authority.setdefault(role.id, []).extend(RoleDuty(t, p) for t in role.authority)
        for step in p.steps:
            in_step: dict[str, None] = {}  # role ids in order of appearance
            for role in step_roles(step):
                in_step.setdefault(role.id, None)
            uses.ids.update(in_step)
            for role_id in in_step:
                uses.steps.setdefault(role_id, []).append(StepDuty(p, step, step.raci(role_id)))
        uses.ids.add(p.owner.id)
        uses.owns.setdefault(p.owner.id, []).append(p)
        approver_ids = {a.id for a in p.approvers}
        uses.ids.update(approver_ids)
        for role_id in approver_ids:
            uses.approves.setdefault(role_id, []).append(p)
    return uses


def _role_entry(role_id: str, org: Organization, uses: _RoleUses) -> RoleEntry:
    """A role's entry: organization.yml's title and duties first, then the procedures'."""
    org_role = org.role(role_id)
    department = None
    if org_role is not None and org_role.department is not None:
        department = (org.department(org_role.department)
                      or Department(org_role.department, org_role.department))
    return RoleEntry(
        id=role_id,
        # organization.yml's title, unless it wrote none (its role then shows its id).
        title=role_title(role_id, org_role.title if org_role and org_role.title != role_id
                         else None, uses.titles.get(role_id)),
        department=department,
        responsibilities=(*(RoleDuty(t, None) for t in (org_role.responsibilities
                                                         if org_role else ())),
                          *uses.responsibilities.get(role_id, ())),
        authority=(*(RoleDuty(t, None) for t in (org_role.authority if org_role else ())),
                   *uses.authority.get(role_id, ())),
        people=org.holders(role_id),
        owns=tuple(uses.owns.get(role_id, ())),
        approves=tuple(uses.approves.get(role_id, ())),
        steps=tuple(uses.steps.get(role_id, ())),
    )
