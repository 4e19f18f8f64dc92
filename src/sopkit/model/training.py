"""Who must be trained on which procedure, and whether they are (format 1.1, "Training
records"): pure functions over schema-valid data, used by the training rules, `sopkit
training`, the pages and the review.

Who must be trained on a procedure: every person who holds a role that performs one of its
steps (``role``) or that is in the ``audience`` of one of its ``training`` entries; only
procedures with ``status: approved`` need training. A person is trained when they have a
passed record for that procedure whose version has the current version's major and minor
number (a patch raise needs no retraining; a minor or major raise does) and, where a
``training`` entry for one of their roles has a frequency other than ``once``, whose date
is within that period before today (the shortest such period, when several apply).
``per-run`` training cannot be dated by sopkit and is treated like ``once``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from sopkit.format.dates import add_months, parse_date

Status = Literal["current", "outdated", "expired", "missing"]
# The records are NamedTuples, not dataclasses: the training rules import this module at
# every start of `sopkit validate`, and dataclasses would cost it milliseconds of imports.
STATUSES: tuple[Status, ...] = ("current", "outdated", "expired", "missing")

PERIOD_DAYS = {"daily": 1, "weekly": 7}
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


class Record(NamedTuple):
    """One training record, as read from a training file."""

    person: str
    procedure: str
    version: str
    date: date
    passed: bool = True
    method: str | None = None
    source: tuple[int, int] = (0, 0)
    """(the number of its file among the training files, its index in ``records``)."""


class Requirement(NamedTuple):
    """A person who must be trained on a procedure's current version."""

    person: str
    procedure: str
    version: str
    frequency: str | None
    """The shortest period of the training entries for the person's roles (None: once)."""
    roles: tuple[str, ...]
    """The person's roles that make the training needed."""


class TrainingStatus(NamedTuple):
    """Where a person stands on a procedure they must be trained on."""

    requirement: Requirement
    status: Status
    record: Record | None
    """The record that decided the status (None when missing)."""
    expires: date | None = None
    """The last day a current training with a frequency still counts."""

    @property
    def person(self) -> str:
        return self.requirement.person

    @property
    def procedure(self) -> str:
        return self.requirement.procedure


INDEXES = "(indexes)"
"""In the data of a training file cut down to some of its records (the check runs the
training rules per procedure: sopkit.check.training_groups), the key of their indexes in
the file. No schema-valid file has this key."""


def indexed_records(data: Mapping[str, Any]) -> Iterator[tuple[int, Any]]:
    """(index in the file, record) of each record of a training file's data."""
    items = data.get("records") or []
    indexes = data.get(INDEXES)
    return iter(zip(indexes, items, strict=True)) if indexes is not None else enumerate(items)


def records_of(data: Mapping[str, Any], file_number: int) -> list[Record]:
    """The records of one schema-valid training file."""
    found = []
    for index, item in indexed_records(data):
        if not isinstance(item, Mapping):
            continue
        day = parse_date(item.get("date"))
        if day is None:
            continue
        found.append(Record(str(item["person"]), str(item["procedure"]), str(item["version"]),
                            day, item.get("result", "passed") != "failed",
                            item.get("method"), (file_number, index)))
    return found


def minor_line(version: str) -> tuple[str, str] | None:
    """The major and minor number of a version (``1.2.3`` -> ``("1", "2")``)."""
    parts = version.split("-", 1)[0].split("+", 1)[0].split(".")
    return (parts[0], parts[1]) if len(parts) >= 3 else None


def _shortest(frequencies: Iterable[str]) -> str | None:
    dated = [f for f in frequencies if f in PERIOD_DAYS or f in PERIOD_MONTHS]
    return min(dated, key=lambda f: PERIOD_DAYS.get(f, PERIOD_MONTHS.get(f, 0) * 31),
               default=None)


def expiry(day: date, frequency: str | None) -> date | None:
    """The last day a training given on ``day`` counts (None: it does not expire)."""
    if frequency in PERIOD_DAYS:
        return day + timedelta(days=PERIOD_DAYS[frequency])
    if frequency in PERIOD_MONTHS:
        return add_months(day, PERIOD_MONTHS[frequency])
    return None


def by_role(people: Sequence[Mapping[str, Any]]) -> dict[Any, list[int]]:
    """Role id -> the indexes in ``people`` of those who hold it."""
    found: dict[Any, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for role in person.get("roles") or []:
            if not found[role] or found[role][-1] != index:
                found[role].append(index)
    return found


def requirements(procedure: Mapping[str, Any], people: Sequence[Mapping[str, Any]],
                 holders: Mapping[Any, list[int]] | None = None) -> list[Requirement]:
    """Who must be trained on ``procedure`` (schema-valid data), in the order of ``people``
    (``holders``: :func:`by_role` of them, when already made)."""
    if procedure.get("status") != "approved":
        return []
    performing = {step.get("role") for step in procedure.get("steps") or []
                  if isinstance(step, Mapping)}
    entries = [entry for entry in procedure.get("training") or [] if isinstance(entry, Mapping)]
    audience = {role for entry in entries for role in entry.get("audience") or []}
    holders = by_role(people) if holders is None else holders
    indexes = sorted({index for role in performing | audience
                      for index in holders.get(role, ())})
    found = []
    for person in (people[index] for index in indexes):
        roles = tuple(role for role in person.get("roles") or []
                      if role in performing or role in audience)
        if not roles:
            continue
        frequency = _shortest(str(entry.get("frequency")) for entry in entries
                              if set(entry.get("audience") or []) & set(roles))
        found.append(Requirement(str(person["id"]), str(procedure["id"]),
                                 str(procedure["version"]), frequency, roles))
    return found


def status_of(requirement: Requirement, records: Iterable[Record],
              today: date) -> TrainingStatus:
    """The status of ``requirement`` given the person's ``records`` on the procedure."""
    passed = sorted((r for r in records if r.passed and r.date <= today),
                    key=lambda r: (r.date, r.source))
    if not passed:
        return TrainingStatus(requirement, "missing", None)
    line = minor_line(requirement.version)
    matching = [r for r in passed if minor_line(r.version) == line]
    if not matching:
        return TrainingStatus(requirement, "outdated", passed[-1])
    last = matching[-1]
    ends = expiry(last.date, requirement.frequency)
    if ends is not None and ends < today:
        return TrainingStatus(requirement, "expired", last, ends)
    return TrainingStatus(requirement, "current", last, ends)


def statuses(procedures: Iterable[Mapping[str, Any]], people: Sequence[Mapping[str, Any]],
             records: Iterable[Record], today: date,
             holders: Mapping[Any, list[int]] | None = None) -> list[TrainingStatus]:
    """The status of every person on every procedure they must be trained on, by
    procedure (in the order given) then person."""
    by_pair: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in records:
        by_pair[record.person, record.procedure].append(record)
    seen: set[str] = set()
    found = []
    holders = by_role(people) if holders is None else holders
    for procedure in procedures:
        if procedure.get("id") in seen:
            continue  # a duplicate id: its own error says so
        seen.add(str(procedure.get("id")))
        for requirement in requirements(procedure, people, holders):
            found.append(status_of(requirement,
                                   by_pair.get((requirement.person, requirement.procedure), ()),
                                   today))
    return found


def people_of(organization: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The people of organization.yml's data (none without the file)."""
    people = (organization or {}).get("people") or []
    return [person for person in people if isinstance(person, Mapping)]
