"""What the training pages show (format 1.1, "Training records"): each person's status on
every procedure they must be trained on, a matrix of people by procedures per department,
and per procedure who must be trained. Built from the pure statuses of
:mod:`sopkit.model.training`; no I/O. Templates read these values.

A person belongs to the departments of their roles (organization.yml's ``roles``), as
``sopkit training --department`` filters them. The training pages exist only once the
handbook has a training record: the feature is opt-in, as the rules are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sopkit.model.training import Record, TrainingStatus, people_of, statuses
from sopkit.model.types import Department, Organization, Person

NOT_REQUIRED = "not_required"
"""The status of a matrix cell whose person need not be trained on its procedure."""


@dataclass(frozen=True)
class PersonTraining:
    """One person, their roles and departments, and their status on each procedure they
    must be trained on (by procedure id)."""

    person: Person
    roles: tuple[tuple[str, str | None], ...]
    """(id, title) of each of the person's roles; the title is None for a role that is not
    in organization.yml (no page to link to)."""
    departments: tuple[str, ...]
    statuses: tuple[TrainingStatus, ...]

    @property
    def due(self) -> tuple[TrainingStatus, ...]:
        """What the person must be trained on again or for the first time."""
        return tuple(status for status in self.statuses if status.status != "current")

    def status(self, procedure_id: str) -> str:
        """``current``, ``outdated``, ``expired``, ``missing`` or ``not_required``."""
        for status in self.statuses:
            if status.procedure == procedure_id:
                return status.status
        return NOT_REQUIRED


@dataclass(frozen=True)
class Matrix:
    """The people of a department (by their roles) by the procedures they must be trained
    on."""

    department: Department
    people: tuple[PersonTraining, ...]
    procedures: tuple[str, ...]
    """Procedure ids, sorted."""


@dataclass(frozen=True)
class TrainingView:
    """The training of the whole handbook on its day."""

    people: tuple[PersonTraining, ...]
    """In organization.yml's order."""
    matrices: tuple[Matrix, ...]
    """One per department of organization.yml that has people, in file order."""
    by_procedure: Mapping[str, tuple[TrainingStatus, ...]]

    def of_procedure(self, procedure_id: str) -> tuple[TrainingStatus, ...]:
        """Who must be trained on a procedure, and where they stand."""
        return self.by_procedure.get(procedure_id, ())

    def current(self, procedure_id: str) -> int:
        """How many of them are trained on its current version."""
        return sum(1 for status in self.of_procedure(procedure_id)
                   if status.status == "current")

    def person(self, person_id: str) -> PersonTraining | None:
        for entry in self.people:
            if entry.person.id == person_id:
                return entry
        return None


def build_training(procedures: Sequence[Mapping[str, Any]],
                   organization: Organization | None, organization_data: Mapping[str, Any],
                   records: Sequence[Record], today: date) -> TrainingView | None:
    """The training of the handbook, or None while it has no training record."""
    if not records or organization is None:
        return None
    people_data = people_of(organization_data)
    found = statuses(sorted(procedures, key=lambda data: str(data.get("id"))), people_data,
                     records, today)
    by_person: dict[str, list[TrainingStatus]] = {}
    by_procedure: dict[str, list[TrainingStatus]] = {}
    for status in found:
        by_person.setdefault(status.person, []).append(status)
        by_procedure.setdefault(status.procedure, []).append(status)
    role_department = {role.id: role.department for role in organization.roles}
    role_titles = {role.id: role.title for role in organization.roles}
    people: list[PersonTraining] = []
    seen: set[str] = set()
    for person in organization.people:
        if person.id in seen:
            continue
        seen.add(person.id)
        departments = tuple(dict.fromkeys(
            held for role in person.roles if (held := role_department.get(role)) is not None))
        roles = tuple((role, role_titles.get(role)) for role in person.roles)
        people.append(PersonTraining(person, roles, departments,
                                     tuple(by_person.get(person.id, ()))))
    matrices = []
    for department in organization.departments:
        members = tuple(entry for entry in people if department.id in entry.departments)
        if members:
            ids = sorted({status.procedure for entry in members for status in entry.statuses})
            matrices.append(Matrix(department, members, tuple(ids)))
    return TrainingView(tuple(people), tuple(matrices),
                        {key: tuple(value) for key, value in by_procedure.items()})
