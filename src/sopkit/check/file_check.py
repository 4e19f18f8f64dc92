"""One procedure file checked on its own, and the form the cache keeps the answer in.

:func:`check_file` loads a procedure, checks it against the schema and runs the
rules whose findings depend on that file alone (and organization.yml): the
answer is the same for the same bytes every time, so sopkit.check.handbook keeps it in
the cache and spreads this work over processes. The answer also holds an
*extract*: the keys of the procedure that the rules across procedures read,
with their positions, so that those rules can run again without loading the
file.
"""

from __future__ import annotations

import contextlib
import marshal
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sopkit.check.diagnostics import Diagnostic, Severity
from sopkit.format.load import Document, JsonPath, load_bytes
from sopkit.format.schema import SchemaKind, check_schema
from sopkit.rules import Handbook, HandbookCheck, Problem, ProcedureCheck, Rule, all_rules

if TYPE_CHECKING:
    from sopkit.check.cache import Entry

# Rules that read organization.yml. When that file exists but is broken, its own
# errors are reported and these rules are skipped: judged against an empty
# organization they would flag every role and department in the handbook.
@cache
def organization_rules() -> frozenset[str]:
    return frozenset(rule.name for rule in all_rules() if rule.reads == "organization")


def validate_document(loaded: Document | Diagnostic,
              kind: SchemaKind) -> tuple[Document | None, list[Diagnostic]]:
    if isinstance(loaded, Diagnostic):
        return None, [loaded]
    problems = check_schema(loaded, kind)
    return (None if problems else loaded), problems


# -- which rules may be kept with a file --------------------------------------------------------
#
# A rule's findings about a procedure are kept in the cache with the file when
# they depend on nothing else: document_rules() read the procedure alone;
# organization_rules() (above) also read organization.yml, whose bytes are part of
# the cache key. Rules of handbook scope among them are run one procedure at a
# time (and once on organization.yml alone, for their findings about it).
# context_rules() read the date or the other procedures; they run over an extract
# of each procedure (the keys named here, with their positions) that is kept
# with the file, whenever an extract or the date changed. A rule in none of
# these lists is run the slow way, over whole documents, on every check.
# Each rule declares which it is when it registers (`reads=`, see sopkit.rules);
# tests/test_cache.py checks each rule against what it declares.

@cache
def document_rules() -> frozenset[str]:
    return frozenset(rule.name for rule in all_rules() if rule.reads == "procedure")


@cache
def context_rules() -> Mapping[str, frozenset[str]]:
    return {rule.name: rule.context for rule in all_rules() if rule.reads == "context"}


@cache
def context_keys() -> frozenset[str]:
    return frozenset({"id"}).union(*context_rules().values())
"""The keys of a procedure that the context rules read (``id`` for ``by_id``)."""


def cached_rules() -> list[Rule]:
    return [rule for rule in all_rules()
            if rule.name in document_rules() or rule.name in organization_rules()]


Extract = tuple[dict[str, Any], bytes, bytes]
"""A procedure's context keys: the data, its positions (marshal bytes), and a digest of both."""


class FileResult:
    """One procedure file checked on its own: what the cache keeps for it.

    ``diagnostics`` are its syntax and schema errors (or why it could not be read);
    ``findings`` the (rule, line, column, message) of the rules kept with the file,
    whatever their level; ``extract`` the part of the document the context rules
    read (None when it failed the schema), known by ``digest``; ``document`` the
    whole document, when it was loaded in this process and may be kept. A result
    from the cache unpacks its extract only when the context rules need it.
    """

    __slots__ = (
        "_packed",
        "diagnostics",
        "digest",
        "document",
        "extract_of",
        "file",
        "findings",
        "invalid_id",
    )

    def __init__(self, file: str, diagnostics: tuple[Diagnostic, ...],
                 findings: tuple[tuple[str, int, int, str], ...], extract: Extract | None,
                 document: Document | None = None, *, digest: bytes | None = None,
                 packed: bytes | None = None, invalid_id: str | None = None) -> None:
        self.file = file
        self.invalid_id = invalid_id
        """The id of a procedure that failed the schema, if it has one."""
        self.diagnostics = diagnostics
        self.findings = findings
        self.document = document
        self.digest = extract[2] if extract is not None else digest
        self.extract_of = extract
        self._packed = packed

    @property
    def extract(self) -> Extract | None:
        if self.extract_of is None and self._packed is not None and self.digest is not None:
            data, positions = marshal.loads(self._packed)  # checksummed, written by this code
            self.extract_of = (data, positions, self.digest)
        return self.extract_of

    @property
    def context(self) -> Document | None:
        """The extract as a document (its positions unpacked when first read)."""
        extract = self.extract
        if extract is None:
            return None
        data, positions, _ = extract
        packed = _Positions(positions)
        return Document(file=self.file, data=data, values=_Packed(packed, 0),
                        keys=_Packed(packed, 1), numbers=_Packed(packed, 2))

    def entry(self) -> Entry:
        """The form the cache keeps: a clean file's is the digest of its extract (kept
        apart: :meth:`packed_extract`); any other's also has its problems, marshalled."""
        if not self.diagnostics and not self.findings and self.digest is not None:
            return _CLEAN + self.digest
        return _PROBLEMS + marshal.dumps((
            self.digest,
            tuple((d.line, d.column, d.severity, d.rule, d.message) for d in self.diagnostics),
            self.findings, self.invalid_id))

    def packed_extract(self) -> bytes | None:
        """The extract as the cache keeps it, under :attr:`digest`."""
        extract = self.extract
        return None if extract is None else marshal.dumps(extract[:2])

    @classmethod
    def from_entry(cls, file: str, entry: Entry,
                   extracts: Callable[[bytes], bytes | None]) -> FileResult:
        """The result kept in ``entry``, its extract found in ``extracts``; ValueError
        (or TypeError) when it is malformed."""
        invalid_id = None
        if entry[:1] == _CLEAN:
            digest: bytes | None = entry[1:]
            diagnostics: tuple[Diagnostic, ...] = ()
            findings: tuple[tuple[str, int, int, str], ...] = ()
        elif entry[:1] == _PROBLEMS:
            digest, kept_diagnostics, kept_findings, invalid_id = marshal.loads(entry[1:])
            if not (invalid_id is None or isinstance(invalid_id, str)):
                raise ValueError("malformed entry")
            diagnostics = tuple(
                Diagnostic(file, int(line), int(column), _severity(severity), str(rule),
                           str(message))
                for line, column, severity, rule, message in kept_diagnostics)
            findings = tuple((str(rule), int(line), int(column), str(message))
                             for rule, line, column, message in kept_findings)
        else:
            raise ValueError("malformed entry")
        packed = None
        if digest is not None:
            packed = extracts(digest) if isinstance(digest, bytes) else None
            if not isinstance(packed, bytes):
                raise ValueError("malformed entry")
        return cls(file, diagnostics, findings, None, digest=digest, packed=packed,
                   invalid_id=invalid_id)


_CLEAN, _PROBLEMS = b"c", b"p"
"""The first byte of a kept answer."""


def extracts_of(entry: Entry) -> Iterable[bytes]:
    """The digest of the extract a kept answer refers to, if any (for the cache)."""
    if entry[:1] == _CLEAN:
        return (entry[1:],)
    if entry[:1] == _PROBLEMS:
        with contextlib.suppress(ValueError, TypeError, EOFError):
            digest = marshal.loads(entry[1:])[0]
            return (digest,) if isinstance(digest, bytes) else ()
    return ()


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


class _Packed(Mapping[Any, Any]):
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


def _severity(value: object) -> Severity:
    if value == "error" or value == "warning":
        return value
    raise ValueError("malformed entry")


def check_file(file: str, raw: bytes, organization: Document | None,
               keep_document: bool = False) -> FileResult:
    """Load one procedure, check it against the schema and run the rules kept with it."""
    loaded = load_bytes(raw, file)
    document, diagnostics = validate_document(loaded, "procedure")
    if document is None:
        named = loaded.data.get("id") if isinstance(loaded, Document) else None
        return FileResult(file, tuple(diagnostics), (), None,
                          invalid_id=named if isinstance(named, str) else None)
    alone = handbook_of([document], organization, date.today())
    findings: list[tuple[str, int, int, str]] = []
    for rule in cached_rules():
        problems: Iterable[Problem]
        if rule.scope == "handbook":
            problems = (problem for problem in cast(HandbookCheck, rule.check)(alone)
                        if problem.document is document)
        else:
            problems = cast(ProcedureCheck, rule.check)(document, alone)
        for problem in problems:
            _, line, column = problem.document.at(problem.path, key=problem.key)
            findings.append((rule.name, line, column, problem.message))
    return FileResult(file, (), tuple(findings), extract_of(document),
                      document if keep_document else None)


def extract_of(document: Document) -> Extract:
    """The part of ``document`` the context rules read, with the positions in it."""
    data = {key: value for key, value in document.data.items() if key in context_keys()}
    values: dict[JsonPath, tuple[int, int]] = {(): document.values[()]}
    keys: dict[JsonPath, tuple[int, int]] = {}
    numbers: dict[JsonPath, str] = {}
    todo: list[tuple[JsonPath, Any]] = [((key,), value) for key, value in data.items()]
    while todo:  # walk the extracted values: far fewer than the document's positions
        path, value = todo.pop()
        if path in document.values:
            values[path] = document.values[path]
        if path in document.keys:
            keys[path] = document.keys[path]
        if path in document.numbers:
            numbers[path] = document.numbers[path]
        if isinstance(value, dict):
            todo.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            todo.extend(((*path, index), item) for index, item in enumerate(value))
    positions = marshal.dumps((values, keys, numbers))
    from sopkit.check.cache import content_digest

    return data, positions, content_digest(marshal.dumps((data, positions)))


def handbook_of(procedures: Sequence[Document], organization: Document | None,
              today: date, invalid_ids: frozenset[str] = frozenset()) -> Handbook:
    by_id: dict[str, list[Document]] = defaultdict(list)
    for document in procedures:
        by_id[document.data["id"]].append(document)
    return Handbook(procedures=tuple(procedures), organization=organization, today=today,
                    by_id=dict(by_id), invalid_ids=invalid_ids)


def invalid_ids(checked: Sequence[FileResult]) -> frozenset[str]:
    return frozenset(result.invalid_id for result in checked if result.invalid_id is not None)
