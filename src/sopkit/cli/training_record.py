"""`sopkit training record`: one record appended, as text, to a training file.

The file keeps its comments, order and layout: the record is added after its last line (a
YAML round trip would rewrite the whole file). Before writing, the new text is loaded and
checked against the training schema; a file whose records are not the last block-style
list of the file is refused with what to do instead. sopkit writes only a regular file
inside the training folder, never through a link, and never adds a record that is
already there.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import NamedTuple, Protocol

from sopkit.check.file_check import validate_document
from sopkit.check.training_files import RecordKind
from sopkit.format.load import Document, load_bytes


class RecordError(Exception):
    """The record cannot be added; the message says why and what to do."""


class AnyRecord(Protocol):
    """A record to append: a training record here, an approval in sopkit.cli.approval_record."""

    @property
    def kind(self) -> RecordKind: ...

    @property
    def key_fields(self) -> tuple[str, ...]:
        """The fields that tell one record from another (the same values: a duplicate)."""
        ...

    def key(self) -> tuple[str, ...]: ...

    def text(self, indent: str) -> str: ...

    def duplicate(self, name: str) -> str: ...


class NewRecord(NamedTuple):
    person: str
    procedure: str
    version: str
    date: date
    result: str = "passed"
    method: str | None = None

    @property
    def kind(self) -> RecordKind:
        return "training"

    @property
    def key_fields(self) -> tuple[str, ...]:
        return ("person", "procedure", "version", "date")

    def key(self) -> tuple[str, ...]:
        return (self.person, self.procedure, self.version, self.date.isoformat())

    def text(self, indent: str) -> str:
        return record_text(self, indent)

    def duplicate(self, name: str) -> str:
        return (f"{name} already records {self.person}'s training on {self.procedure} "
                f"{self.version} of {self.date.isoformat()}: nothing added")


_ITEM = re.compile(r"^( *)- ", re.MULTILINE)


def record_text(record: NewRecord, indent: str) -> str:
    """The record as YAML lines, its dash at ``indent``."""
    inner = indent + "  "
    lines = [f"{indent}- person: {record.person}", f"{inner}procedure: {record.procedure}",
             f"{inner}version: {record.version}", f"{inner}date: {record.date.isoformat()}"]
    if record.result != "passed":
        lines.append(f"{inner}result: {record.result}")
    if record.method is not None:
        lines.append(f"{inner}method: {quoted(record.method)}")
    return "\n".join(lines) + "\n"


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar: whatever it holds, it stays text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in escaped)
    return f'"{escaped}"'


def appended(text: str, record: AnyRecord, name: str) -> str:
    """``text`` (a training or approvals file, or empty for a new one) with ``record`` added
    at the end; RecordError when it would not read back as that file with one more record."""
    before = _records(text, name, record.kind) if text.strip() and not _opened(text) else []
    if any(_key(item, record.key_fields) == record.key() for item in before):
        raise RecordError(record.duplicate(name))
    new = text if text.endswith("\n") or not text else text + "\n"
    if not text.strip():
        new += "records:\n"
    found = _ITEM.findall(text)
    new += record.text(found[-1] if found else "  ")
    try:
        after = _records(new, name, record.kind)
    except RecordError:
        after = []
    if after[:-1] != before or not after or _key(after[-1], record.key_fields) != record.key():
        raise RecordError(f"{name}: cannot add the record at the end of this file (its "
                          "records are not the last list of the file, in block style): add "
                          "it by hand, or name another file with --file")
    return new


_OPENED = re.compile(r"^records:[ \t]*(#.*)?$")


def _opened(text: str) -> bool:
    """The file ends with ``records:`` and no record yet (comments aside), as a new file's
    header may: the first record goes under it."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return bool(lines) and _OPENED.match(lines[-1]) is not None


def _records(text: str, name: str, kind: RecordKind) -> list[dict[str, object]]:
    document, problems = validate_document(load_bytes(text.encode("utf-8"), name), kind)
    if document is None or not isinstance(document, Document):
        first = problems[0] if problems else None
        where = f"{first.file}:{first.line}:{first.column}: {first.message}" if first else name
        raise RecordError(f"{where}: fix this file first (sopkit validate)")
    return list(document.data.get("records") or [])


def _key(item: object, fields: tuple[str, ...]) -> tuple[str, ...]:
    data = item if isinstance(item, dict) else {}
    return tuple(str(data.get(k)) for k in fields)


def write_record(folder: Path, file: Path, record: AnyRecord, name: str) -> None:
    """Add ``record`` to ``file`` (created if missing), which must be inside ``folder``."""
    if not file.resolve().is_relative_to(folder.resolve()) or file.suffix not in (".yml",
                                                                                   ".yaml"):
        raise RecordError(f"{name}: name a .yml file inside the {record.kind} folder "
                          f"{folder.name}/")
    if file.is_symlink() or (file.exists() and not file.is_file()):
        raise RecordError(f"{name} is a link or not a regular file: sopkit does not write "
                          "through it; name another file with --file")
    text = ""
    if file.exists():
        try:
            text = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RecordError(f"{name}: cannot read the file: {error}") from None
    new = appended(text, record, name)
    file.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_APPEND if file.exists() else os.O_EXCL
    data = new[len(text):]
    descriptor = os.open(file, flags, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(data)
