"""The form the cache keeps answers in: one file's entry, the extracts, the handbook's
findings.

A file's entry is one bytes object: ``b"c"`` and the digest of its extract for a clean
file (most of them), else ``b"p"`` and, marshalled, the extract's digest, the
diagnostics, the findings and the id of a procedure that broke the format. The extract
(:class:`Extract`) is kept apart, under its digest, since most edits leave it as it was.
Everything is written by this code into a checksummed file of the user's own (see
sopkit.check.cache.folder), so it is read back with marshal; what does not have the
expected shape raises ValueError (or TypeError, EOFError), and the file is checked again.
"""

from __future__ import annotations

import contextlib
import marshal
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

from sopkit.check.cache.keys import DIGEST_SIZE, content_digest
from sopkit.check.cache.records import is_records, records_document
from sopkit.check.diagnostics import Diagnostic, Severity
from sopkit.check.file_result import FileResult
from sopkit.check.findings import Finding
from sopkit.format.load import Document, JsonPath

CLEAN, PROBLEMS = b"c", b"p"
"""The first byte of an entry."""


class Extract:
    """The keys of a procedure the ``extracts`` checks read, with their positions.

    ``packed`` is the marshalled data and positions (what the cache keeps and a worker
    sends back), ``digest`` what it is known by. The data is unpacked when first needed,
    and the positions (most never read) when first looked up. ``context`` is the digest of
    the extract without its ``extra`` values (the content digest only the approval checks
    read): what the handbook-wide findings are kept under, so that an edit that changes
    only the content digest does not run them again.
    """

    __slots__ = ("_data", "_positions", "context", "digest", "packed")

    def __init__(self, digest: bytes, packed: bytes, data: dict[str, Any] | None = None,
                 positions: bytes | None = None, context: bytes | None = None) -> None:
        self.digest = digest
        self.packed = packed
        self._data = data
        self._positions = positions
        self.context = context if context is not None else digest

    @classmethod
    def of(cls, document: Document, keys: Collection[str], *, values_only: bool = False,
           extra: Mapping[str, Any] | None = None) -> Extract:
        """The part of ``document`` under ``keys``, with the positions in it. A key
        ``name[].field`` takes, of the list under ``name``, only each item's ``field`` (and
        the other fields named so), without positions inside the list: the checks that
        read such fields point elsewhere (a small extract, read at every run).
        ``values_only``: only the positions of values, not of keys nor the source of
        numbers (for checks that point at values only: a smaller cache). ``extra``: values
        computed from the whole document (the content digest), added under keys no
        procedure has, without positions."""
        data = {key: value for key, value in document.data.items() if key in keys}
        whole = data.keys() == document.data.keys()
        fields: dict[str, list[str]] = {}
        for spec in sorted(keys):
            name, _, field = spec.partition("[].")
            if field and name not in keys:
                fields.setdefault(name, []).append(field)
        for name, wanted in fields.items():
            items = document.data.get(name)
            if isinstance(items, list):
                whole = False
                data[name] = [{field: item[field] for field in wanted if field in item}
                              if isinstance(item, dict) else {} for item in items]
        if whole:  # the whole document (a training file): no walk
            positions = marshal.dumps((
                dict(document.values), {} if values_only else dict(document.keys),
                {} if values_only else dict(document.numbers)))
        else:
            positions = _positions(document, data, values_only, frozenset(fields))
        context = None
        if extra:
            context = content_digest(marshal.dumps((data, positions)))
            data.update(extra)
        packed = marshal.dumps((data, positions))
        return cls(content_digest(packed), packed, data, positions, context)

    def __reduce__(self) -> tuple[type[Extract], tuple[bytes, bytes, None, None, bytes]]:
        # To and from workers: the bytes only.
        return Extract, (self.digest, self.packed, None, None, self.context)

    def document(self, file: str) -> Document:
        """The extract as the document ``file`` (its positions unpacked when first read).
        A file of records is kept in a compact form of its own (sopkit.check.cache.records)."""
        if is_records(self.packed):
            return records_document(file, self.packed)
        if self._data is None or self._positions is None:
            self._data, self._positions = marshal.loads(self.packed)
        positions = _Positions(self._positions)
        return Document(file=file, data=self._data, values=PackedMap(positions, 0),
                        keys=PackedMap(positions, 1), numbers=PackedMap(positions, 2))


def _positions(document: Document, data: dict[str, Any], values_only: bool,
               shallow: frozenset[str]) -> bytes:
    """The positions of ``document`` inside ``data``, part of it, packed; under the keys
    ``shallow``, only the position of the value itself."""
    values: dict[JsonPath, tuple[int, int]] = {(): document.values[()]}
    found_keys: dict[JsonPath, tuple[int, int]] = {}
    numbers: dict[JsonPath, str] = {}
    todo: list[tuple[JsonPath, Any]] = [((key,), None if key in shallow else value)
                                        for key, value in data.items()]
    while todo:  # walk the extracted values: far fewer than the document's positions
        path, value = todo.pop()
        if path in document.values:
            values[path] = document.values[path]
        if not values_only and path in document.keys:
            found_keys[path] = document.keys[path]
        if not values_only and path in document.numbers:
            numbers[path] = document.numbers[path]
        if isinstance(value, dict):
            todo.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            todo.extend(((*path, index), item) for index, item in enumerate(value))
    return marshal.dumps((values, found_keys, numbers))


class _Positions:
    """The three position mappings of an extract, as marshal bytes until first needed."""

    __slots__ = ("_blob", "_maps")

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._maps: tuple[dict[Any, Any], ...] | None = None

    def map(self, number: int) -> dict[Any, Any]:
        if self._maps is None:
            maps = marshal.loads(self._blob)  # written by this code: the file is checksummed
            valid = (isinstance(maps, tuple) and len(maps) == 3
                     and all(isinstance(part, dict) for part in maps))
            self._maps = maps if valid else ({}, {}, {})
        return self._maps[number]


class PackedMap(Mapping[Any, Any]):
    """One of the mappings of :class:`_Positions`; most are never read."""

    __slots__ = ("_number", "_positions")

    def __init__(self, positions: _Positions, number: int) -> None:
        self._positions = positions
        self._number = number

    def __getitem__(self, key: Any) -> Any:
        return self._positions.map(self._number)[key]

    def __contains__(self, key: object) -> bool:
        return key in self._positions.map(self._number)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._positions.map(self._number))

    def __len__(self) -> int:
        return len(self._positions.map(self._number))

    def as_dict(self) -> dict[Any, Any]:
        """The mapping itself (do not change it), for a walk over all of it."""
        return self._positions.map(self._number)


def entry_of(result: FileResult) -> bytes:
    """The entry the cache keeps for ``result`` (its extract is kept apart)."""
    context = (result.extract.context if result.extract is not None
               and result.extract.context != result.extract.digest else b"")
    if not result.diagnostics and not result.findings and result.digest is not None:
        return CLEAN + result.digest + context
    return PROBLEMS + marshal.dumps((
        result.digest,
        tuple((d.line, d.column, d.severity, d.rule, d.message) for d in result.diagnostics),
        tuple((f.rule, f.line, f.column, f.message) for f in result.findings),
        result.invalid_id, context))


def result_from(file: str, entry: bytes,
                extracts: Callable[[bytes], bytes | None]) -> FileResult:
    """The result kept in ``entry`` for ``file``, its extract found in ``extracts``;
    ValueError (or TypeError, EOFError) when it is malformed."""
    invalid_id = None
    if entry[:1] == CLEAN:
        digest: bytes | None = entry[1:1 + DIGEST_SIZE]
        context: object = entry[1 + DIGEST_SIZE:]
        diagnostics: tuple[Diagnostic, ...] = ()
        findings: tuple[Finding, ...] = ()
    elif entry[:1] == PROBLEMS:
        digest, kept_diagnostics, kept_findings, invalid_id, context = marshal.loads(entry[1:])
        if not (invalid_id is None or isinstance(invalid_id, str)):
            raise ValueError("malformed entry")
        diagnostics = tuple(
            Diagnostic(file, int(line), int(column), _severity(severity), str(rule),
                       str(message))
            for line, column, severity, rule, message in kept_diagnostics)
        findings = tuple(Finding(str(rule), file, int(line), int(column), str(message))
                         for rule, line, column, message in kept_findings)
    else:
        raise ValueError("malformed entry")
    extract = None
    if digest is not None:
        packed = extracts(digest) if isinstance(digest, bytes) else None
        if not isinstance(packed, bytes) or not isinstance(digest, bytes):
            raise ValueError("malformed entry")
        if not isinstance(context, bytes):
            raise ValueError("malformed entry")
        extract = Extract(digest, packed, context=context or None)
    return FileResult(file, diagnostics, findings, extract, invalid_id)


def extract_digest(entry: bytes) -> bytes | None:
    """The digest of the extract an entry refers to, if any."""
    if entry[:1] == CLEAN:
        return entry[1:1 + DIGEST_SIZE]
    if entry[:1] == PROBLEMS:
        with contextlib.suppress(ValueError, TypeError, EOFError):
            digest = marshal.loads(entry[1:])[0]
            return digest if isinstance(digest, bytes) else None
    return None


def _severity(value: object) -> Severity:
    if value == "error" or value == "warning":
        return value
    raise ValueError("malformed entry")


def packed_findings(findings: Iterable[Finding]) -> tuple[tuple[str, str, int, int, str], ...]:
    """Handbook-wide findings as the cache keeps them (marshal takes plain tuples only)."""
    return tuple((rule, file, line, column, message)
                 for rule, file, line, column, message in findings)


def findings_from(kept: object) -> tuple[Finding, ...] | None:
    """The findings kept as :func:`packed_findings` made them; None if malformed."""
    if not isinstance(kept, tuple) or not all(_is_finding(item) for item in kept):
        return None
    return tuple(Finding(*item) for item in kept)


def _is_finding(item: object) -> bool:
    return (isinstance(item, tuple) and len(item) == 5
            and all(isinstance(part, kind)
                    for part, kind in zip(item, (str, str, int, int, str), strict=True)))
