"""One procedure file checked on its own.

:func:`check_file` loads a procedure, checks it against the schema and runs the checks
whose findings depend on that file alone (and organization.yml: see
:func:`sopkit.check.runner.file_checks`): the answer is the same for the same bytes every
time, so the cache keeps it and the work can be spread over processes. The answer also
holds an *extract*: the keys of the procedure that the handbook-wide checks read, with
their positions, so that those can run again without loading the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sopkit.check.cache.entries import Extract
from sopkit.check.diagnostics import Diagnostic
from sopkit.check.file_result import FileResult
from sopkit.check.runner import extract_keys, file_checks, file_findings
from sopkit.format.digest import procedure_digest
from sopkit.format.load import Document, load_bytes
from sopkit.format.schema import SchemaKind, check_schema
from sopkit.model.approval import DIGEST
from sopkit.rules import Check

_ID_LINE = re.compile(rb"^id:[ \t]*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)[\"']?[ \t]*(?:#.*)?\r?$",
                      re.MULTILINE)


def _id_line(raw: bytes) -> str | None:
    """The id of a file that could not be read as YAML (saved as GBK, say, or broken), from
    its top-level ``id:`` line: the procedure exists, so others that name it as related get
    no knock-on "not in this handbook" besides the file's own error."""
    found = _ID_LINE.search(raw)
    return found.group(1).decode("ascii") if found else None


def validate_document(loaded: Document | Diagnostic,
                      kind: SchemaKind) -> tuple[Document | None, list[Diagnostic]]:
    """The document when it loaded and passed the schema, and the problems found."""
    if isinstance(loaded, Diagnostic):
        return None, [loaded]
    problems = check_schema(loaded, kind)
    return (None if problems else loaded), problems


def procedure_extract(document: Document) -> Extract:
    """The extract of a procedure the handbook-wide checks read (with its content digest,
    computed from the whole document, when the approval checks read it)."""
    keys = extract_keys()
    extra = {DIGEST: procedure_digest(document.data)} if DIGEST in keys else None
    return Extract.of(document, keys, extra=extra)


def check_file(file: str, raw: bytes, organization: Document | None,
               keep_document: bool = False,
               checks: Sequence[Check] | None = None) -> FileResult:
    """Load one procedure, check it against the schema and run the checks of one file
    (``checks``, by default :func:`~sopkit.check.runner.file_checks`) on it."""
    loaded = load_bytes(raw, file)
    document, diagnostics = validate_document(loaded, "procedure")
    if document is None:
        named = loaded.data.get("id") if isinstance(loaded, Document) else _id_line(raw)
        return FileResult(file, tuple(diagnostics),
                          invalid_id=named if isinstance(named, str) else None)
    findings = file_findings(document, organization,
                             file_checks() if checks is None else checks)
    return FileResult(file, (), findings, procedure_extract(document),
                      document=document if keep_document else None)
