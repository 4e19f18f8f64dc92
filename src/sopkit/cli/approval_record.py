"""The approval record `sopkit approve` appends (format 1.2), written the way `sopkit
training record` writes its records (sopkit.cli.training_record: the file keeps its
comments, order and layout)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sopkit.check.training_files import RecordKind
from sopkit.cli.training_record import quoted


class NewApproval(NamedTuple):
    procedure: str
    version: str
    digest: str
    person: str
    role: str
    meaning: str
    date: date
    note: str | None = None

    @property
    def kind(self) -> RecordKind:
        return "approval"

    @property
    def key_fields(self) -> tuple[str, ...]:
        return ("procedure", "version", "digest", "person", "role", "meaning")

    def key(self) -> tuple[str, ...]:
        return (self.procedure, self.version, self.digest, self.person, self.role, self.meaning)

    def text(self, indent: str) -> str:
        """The record as YAML lines, its dash at ``indent``."""
        inner = indent + "  "
        lines = [f"{indent}- procedure: {self.procedure}", f"{inner}version: {self.version}",
                 f"{inner}digest: {self.digest}", f"{inner}person: {self.person}",
                 f"{inner}role: {self.role}", f"{inner}meaning: {self.meaning}",
                 f"{inner}date: {self.date.isoformat()}"]
        if self.note is not None:
            lines.append(f"{inner}note: {quoted(self.note)}")
        return "\n".join(lines) + "\n"

    def duplicate(self, name: str) -> str:
        return (f"{name} already records {self.person}'s signature ({self.meaning}, as "
                f"{self.role}) of {self.procedure} {self.version} with this digest: nothing "
                "added")
