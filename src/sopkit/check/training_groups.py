"""The training rules (``depends_on="training"``), run per procedure id, their findings kept
per id: adding a training record re-runs them for the one procedure it names. The approval
rules (``depends_on="approvals"``, format 1.2) run the same way over the approval records.

Each rule looks at the records that name one procedure, at that procedure and at
organization.yml (an id that no procedure has also needs the ids of all of them, for the
suggestion). So the check groups the records of every training file by the procedure they
name, and for each procedure id runs the rules on a view of that id alone
(:func:`sopkit.check.runner.group_findings`), once the handbook has a record at all.

What a group's findings depend on is its key: the date, the id, the extracts of the
procedures with that id (file name and digest), whether a procedure with that id breaks
the format, and, for each training file with records naming it, the file's name and a
digest of those records with their positions. The cache keeps, beside the files' answers
(sopkit.check.cache.store's ``aside``), the findings per key, the digests of each training
file's groups (under the file's extract digest: computed once per content) and which
procedure files have which id (under a digest of all the extracts). A warm run reads these
small tables and unpacks only what a changed group needs; and when no input changed at all
(the date, the procedures' extracts, the training files' contents), it takes all the
findings at once, under one key (:func:`_whole_key`), without working out a group's key.
"""

from __future__ import annotations

import marshal
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sopkit.check.cache.entries import findings_from, packed_findings
from sopkit.check.cache.keys import content_digest, context_digest
from sopkit.check.cache.records import record_groups
from sopkit.check.file_result import FileResult
from sopkit.check.findings import Finding
from sopkit.check.runner import approval_checks, group_findings, training_checks
from sopkit.check.training_files import RecordKind
from sopkit.format.load import Document
from sopkit.model.training import INDEXES, indexed_records

if TYPE_CHECKING:
    from sopkit.check.cache import CheckCache

ASIDE = "training"
"""The name the cache keeps this step's tables under."""
APPROVALS_ASIDE = "approvals"
"""The same for the approval records (format 1.2), grouped the same way."""

Groups = dict[str, bytes]
"""Procedure id -> the digest of a training file's records naming it, with positions."""


class _Tables:
    """What the cache keeps for this step, checked on the way in (a malformed part is
    made anew)."""

    def __init__(self, kept: object) -> None:
        parts = kept if isinstance(kept, tuple) and len(kept) == 6 else (b"", {}, {}, {}, b"", ())
        self.ids_key: object = parts[0]
        self.ids: object = parts[1]
        self.groups: dict[Any, Any] = parts[2] if isinstance(parts[2], dict) else {}
        self.findings: dict[Any, Any] = parts[3] if isinstance(parts[3], dict) else {}
        self.whole_key: object = parts[4]
        """The key of every input at once (see :func:`_whole_key`), and the findings then."""
        self.whole: object = parts[5]


def training_findings(checked: Sequence[FileResult], training: Sequence[FileResult],
                      organization: Document | None, today: date, invalid: frozenset[str],
                      store: CheckCache | None, kind: RecordKind = "training"
                      ) -> list[Finding]:
    """What the training checks (``kind`` approval: the approval checks, on the approval
    files) find, from the cache for each procedure id whose key is kept."""
    if not (training_checks() if kind == "training" else approval_checks()):
        return []
    aside = ASIDE if kind == "training" else APPROVALS_ASIDE
    files = [result for result in training if result.extract is not None]
    tables = _Tables(store.aside(aside) if store is not None else None)
    with_extract = [result for result in checked if result.extract is not None]
    ids_key = context_digest(
        "\0".join(result.file for result in with_extract).encode("utf-8", "surrogateescape"),
        b"".join(result.extract.context for result in with_extract if result.extract))
    # The approval checks read the content digest too: their keys hold the extracts'
    # whole digests (the ids table, kept while only content digests change, has not).
    contents = ({result.file: result.extract.digest for result in with_extract
                 if result.extract is not None} if kind == "approval" else None)
    whole_key = _whole_key(today, ids_key, invalid, files, contents)
    if tables.whole_key == whole_key and (kept_all := findings_from(tables.whole)) is not None:
        return list(kept_all)  # nothing changed: the tables stay as they are
    ids = _ids(with_extract, tables, ids_key)
    groups = {result.file: _groups(result, tables) for result in files}
    found: list[Finding] = []
    kept_findings: dict[bytes, tuple[Any, ...]] = {}
    by_procedure: dict[str, list[bytes]] = defaultdict(list)
    for file, digests in groups.items():
        for procedure, digest in digests.items():
            by_procedure[procedure] += [file.encode("utf-8", "surrogateescape"), digest]
    if by_procedure:  # opt-in: no record, no training finding
        work = _Work(with_extract, files, organization, today, invalid, ids, groups, kind)
        every_id = "\0".join(sorted(ids)).encode("utf-8", "surrogateescape")
        for procedure in sorted(set(ids).union(by_procedure)):
            key = _key(procedure, today, ids, invalid, by_procedure.get(procedure, ()),
                       every_id, contents)
            kept = tables.findings.get(key)
            result = findings_from(kept) if kept is not None else None
            if result is None:
                result = tuple(work.run(procedure))
            kept_findings[key] = packed_findings(result)
            found.extend(result)
    if store is not None:
        store.keep_aside(aside, (ids_key, ids,
                                 {result.extract.digest: groups[result.file]
                                  for result in files if result.extract is not None},
                                 kept_findings, whole_key, packed_findings(found)))
    return found


def _whole_key(today: date, ids_key: bytes, invalid: frozenset[str],
               files: Sequence[FileResult], contents: Mapping[str, bytes] | None) -> bytes:
    """What every group's key is made of, at once: when it did not change (a procedure's
    text edited, for the training checks; a run with nothing changed) no group's key is
    worked out. ``contents``: the approval checks' whole extract digests."""
    return context_digest(
        today.isoformat().encode(), ids_key,
        "\0".join(sorted(invalid)).encode("utf-8", "surrogateescape"),
        "\0".join(result.file for result in files).encode("utf-8", "surrogateescape"),
        b"".join(result.extract.digest for result in files if result.extract is not None),
        b"".join(contents.values()) if contents is not None else b"")


def _ids(checked: Sequence[FileResult], tables: _Tables,
         key: bytes) -> dict[str, list[tuple[str, bytes]]]:
    """Procedure id -> (file, extract context digest) of each procedure with it, in file
    order."""
    if tables.ids_key == key and isinstance(tables.ids, dict):
        return tables.ids
    found: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for result in checked:
        document = result.extract_document()
        if document is not None and result.extract is not None:
            found[str(document.data.get("id"))].append((result.file, result.extract.context))
    return dict(found)


def _groups(result: FileResult, tables: _Tables) -> Groups:
    """The digests of the groups of one training file's records (kept per content)."""
    assert result.extract is not None
    kept = tables.groups.get(result.extract.digest)
    if isinstance(kept, dict) and all(isinstance(value, bytes) for value in kept.values()):
        return kept
    try:
        return record_groups(result.extract.packed, "procedure")
    except (ValueError, TypeError, EOFError, IndexError):  # not a packed file of records
        return {}


def _key(procedure: str, today: date, ids: Mapping[str, list[tuple[str, bytes]]],
         invalid: frozenset[str], records: Sequence[bytes], every_id: bytes,
         contents: Mapping[str, bytes] | None = None) -> bytes:
    """What the findings about ``procedure`` depend on (see the module's docstring):
    ``records`` the name and group digest of each training file with records naming it,
    ``every_id`` the ids of all procedures; ``contents``, for the approval checks, the
    whole extract digest of each procedure file (with its content digest)."""
    parts = [today.isoformat().encode(), procedure.encode("utf-8", "surrogateescape"),
             b"invalid" if procedure in invalid else b""]
    for file, digest in ids.get(procedure, ()):
        whole = contents.get(file, digest) if contents is not None else digest
        parts += [file.encode("utf-8", "surrogateescape"), whole]
    parts.append(every_id if procedure not in ids and procedure not in invalid else b"")
    # Marshal version 2: the parts' bytes and lengths only (no references between them).
    return content_digest(marshal.dumps((*parts, *records), 2))


class _Work:
    """What running the checks of one procedure id needs, unpacked when first needed."""

    def __init__(self, checked: Sequence[FileResult], training: Sequence[FileResult],
                 organization: Document | None, today: date, invalid: frozenset[str],
                 ids: Mapping[str, list[tuple[str, bytes]]],
                 groups: Mapping[str, Groups], kind: RecordKind = "training") -> None:
        self.checked = {result.file: result for result in checked}
        self.training = training
        self.organization = organization
        self.today = today
        self.invalid = invalid
        self.ids = ids
        self.groups = groups
        self.kind = kind
        self._split: dict[str, tuple[Document, dict[str, list[tuple[int, Any]]]] | None] = {}

    def split(self, result: FileResult) -> tuple[Document, dict[str, list[tuple[int, Any]]]] | None:
        """A training file with its records by the procedure they name (unpacked only for
        a file that has records naming a procedure whose findings are not kept)."""
        if result.file not in self._split:
            document = result.extract_document()
            by_procedure: dict[str, list[tuple[int, Any]]] = defaultdict(list)
            for index, item in indexed_records(document.data if document else {}):
                if isinstance(item, Mapping):
                    by_procedure[str(item.get("procedure"))].append((index, item))
            self._split[result.file] = (document, by_procedure) if document else None
        return self._split[result.file]

    def run(self, procedure: str) -> list[Finding]:
        procedures = [document for file, _ in self.ids.get(procedure, ())
                      if (document := self.checked[file].extract_document()) is not None]
        records = []
        for result in self.training:
            if procedure in self.groups.get(result.file, {}):
                split = self.split(result)
                if split is not None and (items := split[1].get(procedure)):
                    records.append(split[0]._replace(data={
                        "records": [item for _, item in items],
                        INDEXES: [index for index, _ in items]}))
        by_id: dict[str, Sequence[Document]]
        if procedures:
            by_id = {procedure: procedures}
        else:  # unknown: the other ids, for a suggestion
            by_id = {} if procedure in self.invalid else {other: () for other in self.ids}
        return group_findings(procedures, self.organization, self.today, by_id=by_id,
                              invalid_ids=self.invalid & {procedure},
                              records=records, kind=self.kind)
