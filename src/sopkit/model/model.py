"""The handbook as frozen dataclasses, built from schema-valid documents. No I/O.

:func:`build_handbook` turns the plain data of the procedure documents (and of
organization.yml) into :class:`Procedure`, :class:`Organization` and
:class:`Handbook` values that templates can read without guessing: role ids are
resolved to :class:`Role` values with a title (the procedure's own, else the
organization's, else the id), steps are numbered, the review date is computed,
and the flow of the steps is worked out once.

The transitions between steps are read by :func:`sopkit.model.flow.edges`, as the flow
rules read them, and a decision's are labelled with each branch's ``when``.

Text is kept exactly as written: escaping is the templates' business
(``sopkit.publish.markdown``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Literal

from sopkit.format.dates import add_months, parse_date
from sopkit.format.load import Document
from sopkit.model import flow

StepKind = Literal["step", "decision", "end"]

LEVELS: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3}
"""Risk likelihood and impact as numbers; a risk's score is their product (1-9)."""

STATUSES = ("draft", "review", "approved", "retired")

_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|h|d|w)\s*$")
MINUTES: Mapping[str, int] = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
"""Minutes per duration unit: calendar days (24 h) and weeks (7 d)."""


# --- organization -------------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class OrgRole:
    """A role as organization.yml defines it."""

    id: str
    title: str
    department: str | None
    responsibilities: tuple[str, ...]
    authority: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    github: str | None
    email: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Organization:
    departments: tuple[Department, ...] = ()
    roles: tuple[OrgRole, ...] = ()
    people: tuple[Person, ...] = ()

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def role(self, role_id: str) -> OrgRole | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def holders(self, role_id: str) -> tuple[Person, ...]:
        """The people who hold ``role_id``, in file order."""
        return tuple(p for p in self.people if role_id in p.roles)


# --- procedure parts ----------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A role as a procedure uses it: title resolved, the procedure's own duties."""

    id: str
    title: str
    department: str | None = None
    responsibilities: tuple[str, ...] = ()
    authority: tuple[str, ...] = ()


@dataclass(frozen=True)
class Objective:
    description: str
    target: str | None


@dataclass(frozen=True)
class Scope:
    includes: tuple[str, ...]
    excludes: tuple[str, ...]


@dataclass(frozen=True)
class Definition:
    term: str
    definition: str


@dataclass(frozen=True)
class Input:
    id: str
    name: str
    source: str | None


@dataclass(frozen=True)
class Output:
    id: str
    name: str
    recipient: str | None


@dataclass(frozen=True)
class Resource:
    name: str
    kind: str | None
    link: str | None


@dataclass(frozen=True)
class Branch:
    when: str
    next: str


@dataclass(frozen=True)
class Decision:
    question: str
    branches: tuple[Branch, ...]


@dataclass(frozen=True)
class Step:
    id: str
    number: int
    """1-based position in the procedure."""
    title: str
    role: Role
    accountable: Role | None
    consulted: tuple[Role, ...]
    informed: tuple[Role, ...]
    description: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    duration: str | None
    """As written, e.g. ``2h``."""
    minutes: float | None
    deadline: str | None
    checklist: tuple[str, ...]
    caution: str | None
    substeps: tuple[str, ...]
    next: str | None
    decision: Decision | None
    end: bool
    kind: StepKind
    """``decision``; ``end`` when the flow stops here; else ``step``."""

    def raci(self, role_id: str) -> str:
        """The RACI letters ``role_id`` holds in this step, e.g. ``R/A``; empty if none."""
        letters = []
        if self.role.id == role_id:
            letters.append("R")
        if self.accountable is not None and self.accountable.id == role_id:
            letters.append("A")
        if any(r.id == role_id for r in self.consulted):
            letters.append("C")
        if any(r.id == role_id for r in self.informed):
            letters.append("I")
        return "/".join(letters)


@dataclass(frozen=True)
class FlowEdge:
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Metric:
    name: str
    definition: str | None
    target: str | None
    frequency: str | None
    owner: Role | None


@dataclass(frozen=True)
class Risk:
    description: str
    likelihood: str | None
    impact: str | None
    mitigation: str | None
    owner: Role | None

    @property
    def score(self) -> int:
        """Likelihood x impact, 1-9 (a missing level counts as medium)."""
        return LEVELS.get(self.likelihood or "medium", 2) * LEVELS.get(self.impact or "medium", 2)

    @property
    def level(self) -> str:
        """``high`` (score 6-9), ``medium`` (3-4) or ``low`` (1-2)."""
        return "high" if self.score >= 6 else "medium" if self.score >= 3 else "low"


@dataclass(frozen=True)
class Training:
    audience: tuple[Role, ...]
    topic: str
    method: str | None
    frequency: str | None


@dataclass(frozen=True)
class Record:
    name: str
    retention: str | None
    location: str | None


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class HistoryEntry:
    version: str
    date: str
    author: str | None
    summary: str


@dataclass(frozen=True)
class Review:
    interval_months: int
    last_reviewed: str | None
    next_date: date | None
    """``last_reviewed`` + ``interval_months`` (clamped to the month's end)."""
    overdue: bool
    """The next review date is before today."""
    days_left: int | None
    """Days from today to the next review; negative when overdue."""


@dataclass(frozen=True)
class UsualPath:
    """The way through the steps when everything goes as expected."""

    steps: tuple[Step, ...]
    minutes: float
    """Sum of the durations along the path."""
    missing: tuple[Step, ...]
    """Steps on the path with no duration (decisions are not counted)."""
    loops: bool
    """The path came back to a step it had visited and was cut there."""


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    summary: str | None
    version: str
    status: str
    department: Department | None
    owner: Role
    approvers: tuple[Role, ...]
    effective_date: str | None
    review: Review | None
    tags: tuple[str, ...]
    purpose: str
    objectives: tuple[Objective, ...]
    scope: Scope
    definitions: tuple[Definition, ...]
    roles: tuple[Role, ...]
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    resources: tuple[Resource, ...]
    prerequisites: tuple[str, ...]
    steps: tuple[Step, ...]
    metrics: tuple[Metric, ...]
    risks: tuple[Risk, ...]
    """Most severe first (score, then impact, then likelihood; ties keep file order)."""
    training: tuple[Training, ...]
    records: tuple[Record, ...]
    related: tuple[str, ...]
    references: tuple[Reference, ...]
    history: tuple[HistoryEntry, ...]
    edges: tuple[FlowEdge, ...]
    ends: tuple[str, ...]
    """Ids of the steps that end the flow."""
    usual_path: UsualPath
    file: str = ""

    def step(self, step_id: str) -> Step | None:
        return self._steps_by_id.get(step_id)

    def item_name(self, item_id: str) -> str:
        """The name of an input or output id (a step's own outputs have only an id)."""
        return self._item_names.get(item_id, item_id)

    # Worked out once: pages ask for a step per branch and an item name per step input or
    # output, and a scan of the whole list per question made large procedures quadratic.

    @cached_property
    def _steps_by_id(self) -> dict[str, Step]:
        by_id: dict[str, Step] = {}
        for s in self.steps:
            by_id.setdefault(s.id, s)  # the first step with an id wins, as in the flow
        return by_id

    @cached_property
    def _item_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        items: tuple[Input | Output, ...] = (*self.inputs, *self.outputs)
        for item in items:
            names.setdefault(item.id, item.name)
        return names

    @property
    def lanes(self) -> tuple[Role, ...]:
        """The roles that perform steps, in order of first appearance."""
        seen: dict[str, Role] = {}
        for step in self.steps:
            seen.setdefault(step.role.id, step.role)
        return tuple(seen.values())

    @property
    def raci_roles(self) -> tuple[Role, ...]:
        """Every role with a RACI letter in some step, in order of first appearance."""
        seen: dict[str, Role] = {}
        for step in self.steps:
            for role in _step_roles(step):
                seen.setdefault(role.id, role)
        return tuple(seen.values())

    def raci(self, role_id: str) -> str:
        """RACI letters of ``role_id`` over the whole procedure, e.g. ``R/C``.

        The owner is accountable for the procedure, so holds ``A``.
        """
        return self._raci_letters.get(role_id, "")

    @cached_property
    def _raci_letters(self) -> dict[str, str]:
        """Role id -> its letters over the procedure; worked out once (the RACI matrix
        asks for every role of the handbook in every procedure)."""
        letters: dict[str, set[str]] = {}
        for step in self.steps:
            for letter, roles in _step_raci(step):
                for role in roles:
                    letters.setdefault(role.id, set()).add(letter)
        letters.setdefault(self.owner.id, set()).add("A")
        return {role_id: "/".join(ch for ch in "RACI" if ch in held)
                for role_id, held in letters.items()}


@dataclass(frozen=True)
class RoleDuty:
    """A responsibility or authority of a role, and where it is written."""

    text: str
    procedure: Procedure | None
    """The procedure that says so, or None for organization.yml."""


@dataclass(frozen=True)
class StepDuty:
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
class Change:
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
    procedures: tuple[Procedure, ...]
    """Sorted by id."""
    organization: Organization | None
    today: date

    def procedure(self, procedure_id: str) -> Procedure | None:
        return self._by_id.get(procedure_id)

    @cached_property
    def _by_id(self) -> dict[str, Procedure]:
        by_id: dict[str, Procedure] = {}
        for p in self.procedures:
            by_id.setdefault(p.id, p)
        return by_id

    # The views below are worked out once per handbook (the dataclass is frozen, so they
    # cannot go stale), in one pass over the procedures: templates ask for them on every
    # department page, and a handbook may have thousands of procedures.

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
        ids = {r.id for r in org.roles}
        titles: dict[str, str] = {}
        responsibilities: dict[str, list[RoleDuty]] = {}
        authority: dict[str, list[RoleDuty]] = {}
        steps: dict[str, list[StepDuty]] = {}
        owns: dict[str, list[Procedure]] = {}
        approves: dict[str, list[Procedure]] = {}
        for p in self.procedures:
            for role in p.roles:
                ids.add(role.id)
                titles.setdefault(role.id, role.title)
                responsibilities.setdefault(role.id, []).extend(
                    RoleDuty(t, p) for t in role.responsibilities)
                authority.setdefault(role.id, []).extend(RoleDuty(t, p) for t in role.authority)
            for step in p.steps:
                in_step: dict[str, None] = {}  # role ids in order of appearance
                for role in _step_roles(step):
                    in_step.setdefault(role.id, None)
                ids.update(in_step)
                for role_id in in_step:
                    steps.setdefault(role_id, []).append(StepDuty(p, step, step.raci(role_id)))
            ids.add(p.owner.id)
            owns.setdefault(p.owner.id, []).append(p)
            approver_ids = {a.id for a in p.approvers}
            ids.update(approver_ids)
            for role_id in approver_ids:
                approves.setdefault(role_id, []).append(p)

        def entry(role_id: str) -> RoleEntry:
            org_role = org.role(role_id)
            title = (org_role.title if org_role else None) or titles.get(role_id)
            department = None
            if org_role is not None and org_role.department is not None:
                department = (org.department(org_role.department)
                              or Department(org_role.department, org_role.department))
            return RoleEntry(
                id=role_id,
                title=title or role_id,
                department=department,
                responsibilities=(*(RoleDuty(t, None) for t in (org_role.responsibilities
                                                                 if org_role else ())),
                                  *responsibilities.get(role_id, ())),
                authority=(*(RoleDuty(t, None) for t in (org_role.authority
                                                          if org_role else ())),
                           *authority.get(role_id, ())),
                people=org.holders(role_id),
                owns=tuple(owns.get(role_id, ())),
                approves=tuple(approves.get(role_id, ())),
                steps=tuple(steps.get(role_id, ())),
            )

        return tuple(entry(role_id) for role_id in sorted(ids))

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

    def changes(self, limit: int = 50) -> tuple[Change, ...]:
        """The newest ``limit`` history entries: date descending, then procedure id."""
        entries = [Change(p, entry) for p in self.procedures for entry in p.history]
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


# --- dates and durations ------------------------------------------------------------


def parse_duration(text: str | None) -> float | None:
    """Minutes in ``2h``, ``1.5d``, ``30m``, ``1w``; None when empty or unreadable."""
    if not text:
        return None
    match = _DURATION.match(text)
    if match is None:
        return None
    return float(match.group(1)) * MINUTES[match.group(2)]


def split_duration(minutes: float) -> tuple[tuple[str, int], ...]:
    """Minutes as whole weeks, days, hours and minutes, largest first, zeros left out.

    ``split_duration(3060)`` is ``(("d", 2), ("h", 3))``. Less than a minute (but more
    than nothing) counts as one minute.
    """
    total = round(minutes)
    if minutes > 0 and total == 0:
        total = 1
    parts: list[tuple[str, int]] = []
    for unit in ("w", "d", "h", "m"):
        count, total = divmod(total, MINUTES[unit])
        if count:
            parts.append((unit, count))
    return tuple(parts) or (("m", 0),)


# --- flow ---------------------------------------------------------------------------


def flow_edges(raw_steps: Sequence[Mapping[str, Any]]) -> tuple[FlowEdge, ...]:
    """Every transition, in step order then branch order (targets as written)."""
    return tuple(FlowEdge(edge.source, edge.target, edge.label or "")
                 for edge in flow.edges(raw_steps))


def _ends(raw_steps: Sequence[Mapping[str, Any]]) -> set[int]:
    last = len(raw_steps) - 1
    return {i for i, s in enumerate(raw_steps)
            if s.get("end") is True
            or (i == last and s.get("next") is None and s.get("decision") is None)}


def usual_path(steps: Sequence[Step], edges: Sequence[FlowEdge]) -> UsualPath:
    """From the first step along ``next`` (or the step below), taking each decision's first
    branch, until a step that ends the flow; cut where the path would loop."""
    by_id: dict[str, Step] = {}
    for step in steps:
        by_id.setdefault(step.id, step)
    first_edge: dict[str, str] = {}
    for edge in edges:
        first_edge.setdefault(edge.source, edge.target)
    path: list[Step] = []
    seen: set[str] = set()
    current = steps[0] if steps else None
    loops = False
    while current is not None:
        if current.id in seen:
            loops = True
            break
        seen.add(current.id)
        path.append(current)
        target = first_edge.get(current.id) if current.kind != "end" else None
        current = by_id.get(target) if target is not None else None
    minutes = sum(s.minutes for s in path if s.minutes is not None)
    missing = tuple(s for s in path if s.minutes is None and s.kind != "decision")
    return UsualPath(tuple(path), minutes, missing, loops)


# --- building -----------------------------------------------------------------------


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if v is not None)


def _maps(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def _step_raci(step: Step) -> Iterable[tuple[str, Iterable[Role]]]:
    """A step's roles by RACI letter."""
    yield "R", (step.role,)
    yield "A", () if step.accountable is None else (step.accountable,)
    yield "C", step.consulted
    yield "I", step.informed


def _step_roles(step: Step) -> Iterable[Role]:
    yield step.role
    if step.accountable is not None:
        yield step.accountable
    yield from step.consulted
    yield from step.informed


class _Roles:
    """Resolves role ids: the procedure's own entry, else organization.yml, else the id."""

    def __init__(self, raw: Sequence[Mapping[str, Any]], org: Organization | None) -> None:
        self.org = org
        self.own: dict[str, Role] = {}
        for entry in raw:
            role_id = str(entry.get("id", ""))
            if role_id in self.own:
                continue
            org_role = org.role(role_id) if org else None
            title = _text(entry.get("title")) or (org_role.title if org_role else None)
            self.own[role_id] = Role(
                id=role_id,
                title=title or role_id,
                department=org_role.department if org_role else None,
                responsibilities=_texts(entry.get("responsibilities")),
                authority=_texts(entry.get("authority")),
            )

    def __call__(self, role_id: object) -> Role:
        key = str(role_id)
        if key in self.own:
            return self.own[key]
        org_role = self.org.role(key) if self.org else None
        if org_role is not None:
            return Role(key, org_role.title, org_role.department)
        return Role(key, key)

    def maybe(self, role_id: object) -> Role | None:
        return None if role_id is None else self(role_id)

    def many(self, role_ids: object) -> tuple[Role, ...]:
        return tuple(self(r) for r in _texts(role_ids))


def build_organization(data: Mapping[str, Any]) -> Organization:
    return Organization(
        departments=tuple(
            Department(str(d.get("id", "")), str(d.get("name") or d.get("id", "")),
                       str(d.get("description") or ""))
            for d in _maps(data.get("departments"))
        ),
        roles=tuple(
            OrgRole(
                id=str(r.get("id", "")),
                title=str(r.get("title") or r.get("id", "")),
                department=_text(r.get("department")),
                responsibilities=_texts(r.get("responsibilities")),
                authority=_texts(r.get("authority")),
            )
            for r in _maps(data.get("roles"))
        ),
        people=tuple(
            Person(
                id=str(p.get("id", "")),
                name=str(p.get("name") or p.get("id", "")),
                github=_text(p.get("github")),
                email=_text(p.get("email")),
                roles=_texts(p.get("roles")),
            )
            for p in _maps(data.get("people"))
        ),
    )


def build_review(data: object, today: date) -> Review | None:
    if not isinstance(data, Mapping):
        return None
    try:
        interval = int(data.get("interval_months") or 0)
    except (TypeError, ValueError):
        interval = 0
    last = _text(data.get("last_reviewed"))
    last_date = parse_date(last) if last is not None else None
    next_date = add_months(last_date, interval) if last_date is not None and interval else None
    days_left = (next_date - today).days if next_date is not None else None
    return Review(interval, last, next_date, days_left is not None and days_left < 0, days_left)


def _build_steps(raw_steps: Sequence[Mapping[str, Any]], roles: _Roles) -> tuple[Step, ...]:
    ends = _ends(raw_steps)
    steps: list[Step] = []
    for index, s in enumerate(raw_steps):
        decision = None
        raw_decision = s.get("decision")
        if isinstance(raw_decision, Mapping):
            decision = Decision(
                question=str(raw_decision.get("question") or s.get("title", "")),
                branches=tuple(Branch(str(b.get("when", "")), str(b.get("next", "")))
                               for b in _maps(raw_decision.get("branches"))),
            )
        kind: StepKind = ("decision" if decision is not None
                          else "end" if index in ends else "step")
        duration = _text(s.get("duration"))
        steps.append(Step(
            id=str(s.get("id", "")),
            number=index + 1,
            title=str(s.get("title", "")),
            role=roles(s.get("role", "")),
            accountable=roles.maybe(s.get("accountable")),
            consulted=roles.many(s.get("consulted")),
            informed=roles.many(s.get("informed")),
            description=_text(s.get("description")),
            inputs=_texts(s.get("inputs")),
            outputs=_texts(s.get("outputs")),
            duration=duration,
            minutes=parse_duration(duration),
            deadline=_text(s.get("deadline")),
            checklist=_texts(s.get("checklist")),
            caution=_text(s.get("caution")),
            substeps=_texts(s.get("substeps")),
            next=_text(s.get("next")),
            decision=decision,
            end=s.get("end") is True,
            kind=kind,
        ))
    return tuple(steps)


def _risk_key(item: tuple[int, Risk]) -> tuple[int, int, int, int]:
    index, risk = item
    return (-risk.score, -LEVELS.get(risk.impact or "medium", 2),
            -LEVELS.get(risk.likelihood or "medium", 2), index)


def build_procedure(data: Mapping[str, Any], organization: Organization | None, today: date,
                    file: str = "") -> Procedure:
    """One procedure from its schema-valid data."""
    roles = _Roles(_maps(data.get("roles")), organization)
    raw_steps = _maps(data.get("steps"))
    steps = _build_steps(raw_steps, roles)
    edges = flow_edges(raw_steps)
    department_id = _text(data.get("department"))
    department = None
    if department_id is not None:
        department = ((organization.department(department_id) if organization else None)
                      or Department(department_id, department_id))
    scope = data.get("scope") if isinstance(data.get("scope"), Mapping) else {}
    assert isinstance(scope, Mapping)
    risks = [
        Risk(str(r.get("description", "")), _text(r.get("likelihood")), _text(r.get("impact")),
             _text(r.get("mitigation")), roles.maybe(r.get("owner")))
        for r in _maps(data.get("risks"))
    ]
    return Procedure(
        id=str(data.get("id", "")),
        title=str(data.get("title", "")),
        summary=_text(data.get("summary")),
        version=str(data.get("version", "")),
        status=str(data.get("status", "draft")),
        department=department,
        owner=roles(data.get("owner", "")),
        approvers=roles.many(data.get("approvers")),
        effective_date=_text(data.get("effective_date")),
        review=build_review(data.get("review"), today),
        tags=_texts(data.get("tags")),
        purpose=str(data.get("purpose", "")),
        objectives=tuple(Objective(str(o.get("description", "")), _text(o.get("target")))
                         for o in _maps(data.get("objectives"))),
        scope=Scope(_texts(scope.get("includes")), _texts(scope.get("excludes"))),
        definitions=tuple(Definition(str(d.get("term", "")), str(d.get("definition", "")))
                          for d in _maps(data.get("definitions"))),
        roles=tuple(roles.own.values()),
        inputs=tuple(Input(str(i.get("id", "")), str(i.get("name", "")), _text(i.get("source")))
                     for i in _maps(data.get("inputs"))),
        outputs=tuple(Output(str(o.get("id", "")), str(o.get("name", "")),
                             _text(o.get("recipient")))
                      for o in _maps(data.get("outputs"))),
        resources=tuple(Resource(str(r.get("name", "")), _text(r.get("kind")),
                                 _text(r.get("link")))
                        for r in _maps(data.get("resources"))),
        prerequisites=_texts(data.get("prerequisites")),
        steps=steps,
        metrics=tuple(Metric(str(m.get("name", "")), _text(m.get("definition")),
                             _text(m.get("target")), _text(m.get("frequency")),
                             roles.maybe(m.get("owner")))
                      for m in _maps(data.get("metrics"))),
        risks=tuple(r for _, r in sorted(enumerate(risks), key=_risk_key)),
        training=tuple(Training(roles.many(t.get("audience")), str(t.get("topic", "")),
                                _text(t.get("method")), _text(t.get("frequency")))
                       for t in _maps(data.get("training"))),
        records=tuple(Record(str(r.get("name", "")), _text(r.get("retention")),
                             _text(r.get("location")))
                      for r in _maps(data.get("records"))),
        related=_texts(data.get("related")),
        references=tuple(Reference(str(r.get("title", "")), str(r.get("url", "")))
                         for r in _maps(data.get("references"))),
        history=tuple(HistoryEntry(str(h.get("version", "")), str(h.get("date", "")),
                                   _text(h.get("author")), str(h.get("summary", "")))
                      for h in _maps(data.get("history"))),
        edges=edges,
        ends=tuple(s.id for s in steps if s.kind == "end"),
        usual_path=usual_path(steps, edges),
        file=file,
    )


def build_handbook(procedures: Sequence[Document], organization: Document | None,
                   today: date) -> Handbook:
    """The handbook from schema-valid procedure documents and organization.yml (if any)."""
    org = build_organization(organization.data) if organization is not None else None
    built = [build_procedure(doc.data, org, today, doc.file) for doc in procedures]
    built.sort(key=lambda p: (p.id, p.file))
    return Handbook(tuple(built), org, today)
