"""Training in a pull request (format 1.1): who will need retraining once a material change
merges, and the training records the pull request adds.

A material change, for training, is a minor or major version raise (a patch raise needs no
retraining): the people who must be trained on the procedure's new version and are not
trained on it (their records at HEAD, on the day of the review) are listed. The records
are those of the training files that load and pass the schema at each revision; a record
at HEAD that is not at the base (same person, procedure, version, date and result) is
added. Links among the training files at a revision are not followed (sopkit validate
reports them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sopkit.check.training_files import read_records
from sopkit.config import Config
from sopkit.model.training import Record, minor_line, people_of, records_of, statuses
from sopkit.review.revisions import record_files_at

if TYPE_CHECKING:
    from sopkit.review.diff import ProcedureDiff


@dataclass(frozen=True)
class Retraining:
    """A procedure raised by a minor or major version, and who must be trained on it."""

    procedure: str
    title: str
    base_version: str
    head_version: str
    people: tuple[tuple[str, str], ...]
    """(id, name) of each person who must be trained on the new version and is not."""


@dataclass(frozen=True)
class TrainingDiff:
    added: tuple[Record, ...]
    """The records at HEAD that are not at the base, in file order."""
    retraining: tuple[Retraining, ...]
    """By procedure id."""

    @property
    def empty(self) -> bool:
        return not self.added and not self.retraining


def records_at(root: Path, commit: str, folder: str) -> list[Record]:
    """The records of the training files under ``folder`` at ``commit`` that load and pass
    the schema, in path order."""
    return [record for number, document in record_files_at(root, commit, folder, "training")
            for record in records_of(document.data, number)]


def _key(record: Record) -> tuple[str, str, str, date, bool]:
    return (record.person, record.procedure, record.version, record.date, record.passed)


def training_diff(root: Path, config: Config, base_commit: str, head_commit: str | None,
                  procedures: Sequence[ProcedureDiff], organization: dict[str, object] | None,
                  today: date) -> TrainingDiff | None:
    """What changes for training between the two revisions (``organization``: HEAD's
    organization.yml data); None when the training folder is outside the repository."""
    try:
        folder = config.training().resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    folder = "" if folder == "." else folder
    base = records_at(root, base_commit, folder)
    head = (records_at(root, head_commit, folder) if head_commit is not None
            else read_records(config))
    before = {_key(record) for record in base}
    added = tuple(record for record in head if _key(record) not in before)
    people = people_of(organization)
    names = {str(person.get("id")): str(person.get("name") or person.get("id"))
             for person in people}
    retraining = []
    for procedure in procedures:
        if (procedure.change != "modified" or procedure.head is None or procedure.id is None
                or procedure.base_version is None or procedure.head_version is None
                or minor_line(procedure.base_version) == minor_line(procedure.head_version)):
            continue
        due = [status.person for status in statuses([procedure.head.data], people, head, today)
               if status.status != "current"]
        if due:
            retraining.append(Retraining(procedure.id, procedure.title, procedure.base_version,
                                         procedure.head_version,
                                         tuple((person, names[person]) for person in due)))
    return TrainingDiff(added, tuple(retraining))
