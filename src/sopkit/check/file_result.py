"""What checking one procedure file on its own gives: :class:`FileResult`.

Made by :func:`sopkit.check.file_check.check_file` (in this process or a worker), or read
back from the cache (:mod:`sopkit.check.cache.entries`, which keeps it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sopkit.check.diagnostics import Diagnostic
from sopkit.check.findings import Finding
from sopkit.format.load import Document

if TYPE_CHECKING:
    from sopkit.check.cache.entries import Extract


class FileResult(NamedTuple):
    """One procedure file checked on its own.

    ``diagnostics`` are its syntax and schema errors (or why it could not be read);
    ``findings`` those of the checks run on the file alone (see
    :func:`sopkit.check.runner.file_checks`), whatever their level; ``extract`` the part
    of the document the ``extracts`` checks read (None when it failed the schema);
    ``document`` the whole document, when it was loaded in this process and may be kept.
    """

    file: str
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Finding, ...] = ()
    extract: Extract | None = None
    invalid_id: str | None = None
    """The id of a procedure that failed the schema, if it has one."""
    document: Document | None = None

    @property
    def digest(self) -> bytes | None:
        """What the extract is known by: None when the file failed the schema."""
        return self.extract.digest if self.extract is not None else None

    @property
    def valid(self) -> bool:
        """The file passed the schema."""
        return self.extract is not None

    def extract_document(self) -> Document | None:
        """The extract as a document (its positions unpacked when first read)."""
        return self.extract.document(self.file) if self.extract is not None else None
