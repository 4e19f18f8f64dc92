"""The training records files (format 1.1: ``training/**/*.yml``): found, each checked on
its own (the same hardened loader and positions as procedures, then the training schema)
and kept in the cache like a procedure's answer. The records of the files that passed the
schema go, as extracts, to the handbook-wide checks (the training rules)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, overload

from sopkit.check.cache.entries import Extract
from sopkit.check.cache.keys import content_digest
from sopkit.check.cache.records import pack_records
from sopkit.check.diagnostics import Diagnostic
from sopkit.check.discover import Boundary, Paths, discover_names, display_name, outside_link
from sopkit.check.file_check import validate_document
from sopkit.check.file_result import FileResult
from sopkit.config import Config
from sopkit.format.load import Document, load_bytes, read_file
from sopkit.model.training import Record, records_of

if TYPE_CHECKING:
    from sopkit.check.cache import CheckCache

RECORDS = "records"
"""The key of a records file's list of records."""
RecordKind = Literal["training", "approval"]
"""The records files read the same way: training (format 1.1) and approvals (1.2)."""


class TrainingFiles(NamedTuple):
    """The training files of a handbook as the check read them."""

    results: list[FileResult]
    """One per file read, in file order."""
    names: set[str]
    """Every training file found, as reports name it (read or not)."""
    resolved: set[str]
    """Their real paths (normcased), to tell them from procedure files named on the command
    line."""
    diagnostics: list[Diagnostic]
    """About files not read: links out of the handbook."""


def find_training_files(config: Config, boundary: Boundary, kind: RecordKind = "training"
                        ) -> tuple[list[tuple[str, str]], TrainingFiles]:
    """The training files (or, ``kind`` approval, the approval files) to read (path,
    name), and what was found about the others."""
    folder = config.training() if kind == "training" else config.approvals()
    empty = TrainingFiles([], set(), set(), [])
    if not folder.is_dir():
        return [], empty
    if boundary.leaves(os.fspath(folder)):
        what = "training" if kind == "training" else "approval"
        empty.diagnostics.append(outside_link(
            display_name(folder), f"the {folder.name} folder is a link to a folder outside "
            f"the handbook; sopkit does not read it: move the {what} records into the "
            "handbook"))
        return [], empty
    paths = Paths(boundary.inside)
    found = discover_names(os.fspath(folder), paths)
    for linked in dict.fromkeys(paths.linked_folders):  # as a path argument reports them
        if boundary.leaves(linked):
            empty.diagnostics.append(outside_link(paths.display(linked),
                                                  boundary.describe(linked)))
    read: list[tuple[str, str]] = []
    for path in found:
        name = paths.display(path)
        empty.names.add(name)
        empty.resolved.add(paths.resolve(path))
        if path in paths.suspects and boundary.leaves(path, paths.resolve(path)):
            empty.diagnostics.append(outside_link(name, boundary.describe(path)))
        else:
            read.append((path, name))
    return read, empty


def check_training_file(name: str, raw: bytes, kind: RecordKind = "training") -> FileResult:
    """Load one training (or approvals) file and check it against its schema."""
    document, diagnostics = validate_document(load_bytes(raw, name), kind)
    if document is None:
        return FileResult(name, tuple(diagnostics))
    # In the cache's compact form for records: the training rules read the records only,
    # and point at their values only.
    packed = pack_records(document, RECORDS)
    return FileResult(name, (), (), Extract(content_digest(packed), packed))


def check_training_files(files: Sequence[tuple[str, str]], found: TrainingFiles,
                         cache: CheckCache | None, kind: RecordKind = "training"
                         ) -> TrainingFiles:
    """Each training file of ``files`` (from :func:`find_training_files`) checked on its
    own (from the cache when it has the answer), added to ``found``."""
    for path, name in files:
        kept = cache.by_stat(path, name) if cache is not None else None
        if kept is not None:
            found.results.append(kept.result)
            continue
        raw = read_file(Path(path), name)
        if isinstance(raw, Diagnostic):
            found.results.append(FileResult(name, (raw,)))
            continue
        result = cache.by_content(name, raw) if cache is not None else None
        if result is None:
            result = check_training_file(name, raw, kind)
            if cache is not None:
                cache.keep(name, result)
        found.results.append(result)
    return found


def record_documents(results: Sequence[FileResult]) -> list[Document]:
    """The extracts of the training files that passed the schema, as documents."""
    return [document for result in results
            if (document := result.extract_document()) is not None]


class RecordDocuments(Sequence[Document]):
    """:func:`record_documents` of ``results``, unpacked when first asked for: `sopkit
    validate` never asks (some 20 ms at 20,000 records), publishing and reports do."""

    def __init__(self, results: Sequence[FileResult]) -> None:
        self._results: Sequence[FileResult] = results
        self._documents: tuple[Document, ...] | None = None

    def _all(self) -> tuple[Document, ...]:
        if self._documents is None:
            self._documents = tuple(record_documents(self._results))
            self._results = ()
        return self._documents

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Document]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordDocuments | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RecordDocuments({len(self)} files)"


def read_records(config: Config) -> list[Record]:
    """The records of the handbook's training files that load and pass the schema (the
    others are `sopkit validate`'s to report), in file order."""
    boundary = Boundary(config.root, config.procedures)
    found = check_training_files(*find_training_files(config, boundary), None)
    return [record for number, document in enumerate(record_documents(found.results))
            for record in records_of(document.data, number)]
