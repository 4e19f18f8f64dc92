"""What the training rules share (format 1.1): the records of the view's training files,
the people of organization.yml, and the status of every person who must be trained."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from sopkit.format.load import Document, JsonPath
from sopkit.model.training import (
    Record,
    TrainingStatus,
    by_role,
    indexed_records,
    people_of,
    records_of,
    statuses,
)
from sopkit.rules.registry import HandbookView

EXTRACT = ("id", "title", "status", "version", "history[].version", "steps[].role",
           "training[].audience", "training[].frequency")
"""The keys of each procedure the training rules read: of the lists, only these fields (a
small extract for every procedure, read at every run)."""

_LAST: list[tuple[HandbookView, list[TrainingStatus]]] = []
"""The statuses of the last view asked about: three rules ask in turn."""


def raw_records(view: HandbookView) -> Iterator[tuple[Document, int, Mapping[str, Any]]]:
    """(training file, index, record) of every record, in file order."""
    for document in view.training_records:
        for index, item in indexed_records(document.data):
            if isinstance(item, Mapping):
                yield document, index, item


class _People(NamedTuple):
    organization: Document | None
    by_id: dict[str, tuple[int, Mapping[str, Any]]]
    listed: list[Mapping[str, Any]]
    holders: dict[Any, list[int]]


_PEOPLE: list[_People] = []
"""The people of the last organization.yml asked about: the check asks once per
procedure id."""


def _people(view: HandbookView) -> _People:
    if _PEOPLE and _PEOPLE[0].organization is view.organization:
        return _PEOPLE[0]
    data = view.organization.data if view.organization is not None else None
    found: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, person in enumerate(people_of(data)):
        found.setdefault(str(person.get("id")), (index, person))
    listed = [person for _, person in found.values()]
    _PEOPLE[:] = [_People(view.organization, found, listed, by_role(listed))]
    return _PEOPLE[0]


def people(view: HandbookView) -> dict[str, tuple[int, Mapping[str, Any]]]:
    """Person id -> (index in organization.yml's people, the person)."""
    return _people(view).by_id


def training_statuses(view: HandbookView) -> list[TrainingStatus]:
    """The status of every person on every procedure they must be trained on; none while
    the handbook has no training record (the feature is opt-in by writing records)."""
    if _LAST and _LAST[0][0] is view:
        return _LAST[0][1]
    records = [record for number, document in enumerate(view.training_records)
               for record in records_of(document.data, number)]
    opted_in = view.has_training_records
    known = _people(view)
    found = [] if not (records if opted_in is None else opted_in) else statuses(
        (document.data for document in view.procedures), known.listed, records, view.today,
        known.holders)
    _LAST[:] = [(view, found)]
    return found


def record_at(view: HandbookView, record: Record) -> tuple[Document, JsonPath]:
    """Where ``record`` is written."""
    number, index = record.source
    return view.training_records[number], ("records", index, "version")


def title_of(view: HandbookView, procedure: str) -> str:
    """`` (title)`` of a procedure, for a message."""
    documents = view.by_id.get(procedure) or ()
    title = documents[0].data.get("title") if documents else None
    return f" ({title})" if isinstance(title, str) else ""
