"""The handbook's procedures and organization as frozen dataclasses: what templates read.

Values only: :mod:`sopkit.model.build` makes them from schema-valid documents, and the
few questions a page asks of one procedure (a step by id, an item's name, the RACI
letters) are answered here, worked out once. The views across procedures are on
:class:`sopkit.model.handbook.Handbook`.

Text is kept exactly as written: escaping is the templates' business
(``sopkit.publish.markdown``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

from sopkit.model.flow import Edge

StepKind = Literal["step", "decision", "end"]

LEVELS: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3}
"""Risk likelihood and impact as numbers; a risk's score is their product (1-9)."""

STATUSES = ("draft", "review", "approved", "retired")

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
class ProcedureScope:
    """What a procedure covers and what it leaves out."""

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
    internal: bool = False
    """Made and used inside the procedure, handed to nobody (format 1.1)."""


@dataclass(frozen=True)
class Resource:
    name: str
    kind: str | None
    link: str | None


@dataclass(frozen=True)
class Branch:
    when: str
    next: str
    usual: bool = False
    """The route taken when everything goes as expected (format 1.1)."""


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
    """``decision``; ``end`` when the flow stops here (:func:`sopkit.model.flow.end_positions`);
    else ``step``."""

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
    scope: ProcedureScope
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
    edges: tuple[Edge, ...]
    """Every way the flow goes on, in step order then branch order (targets as written);
    a decision's are labelled with each branch's ``when``."""
    ends: tuple[str, ...]
    """Ids of the steps that end the flow."""
    usual_path: UsualPath
    file: str = ""
    language: str | None = None
    """The language the procedure is written in (format 1.1: ``en`` or ``zh``), when it
    says: its page, flowchart and printouts use that language's labels."""

    def step(self, step_id: str) -> Step | None:
        return self._steps_by_id.get(step_id)

    @property
    def handed_over(self) -> tuple[Output, ...]:
        """The outputs that leave the procedure (not the internal ones)."""
        return tuple(output for output in self.outputs if not output.internal)

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
            for role in step_roles(step):
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
            for letter, roles in step_raci(step):
                for role in roles:
                    letters.setdefault(role.id, set()).add(letter)
        letters.setdefault(self.owner.id, set()).add("A")
        return {role_id: "/".join(ch for ch in "RACI" if ch in held)
                for role_id, held in letters.items()}




def step_raci(step: Step) -> Iterable[tuple[str, Iterable[Role]]]:
    """A step's roles by RACI letter."""
    yield "R", (step.role,)
    yield "A", () if step.accountable is None else (step.accountable,)
    yield "C", step.consulted
    yield "I", step.informed


def step_roles(step: Step) -> Iterable[Role]:
    """Every role with a RACI letter in a step, R then A, C, I (a role may come twice)."""
    yield step.role
    if step.accountable is not None:
        yield step.accountable
    yield from step.consulted
    yield from step.informed
