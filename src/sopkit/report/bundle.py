"""The handbook as one JSON document for other systems (`sopkit export bundle`): a
learning-management system, a QMS, a BI tool.

The bundle has a format name and version of its own and a published JSON Schema
(``schemas/bundle.schema.json``), so a consumer can check what it receives::

    {"format": "sopkit-bundle", "format_version": "1.0", "date": "2026-06-01",
     "handbook": {"name": ..., "language": "en"},
     "organization": {...organization.yml, or null...},
     "procedures": [{"file": ..., "register": {...one row of the register...},
                     "procedure": {...the procedure file's data...}}],
     "training_records": [{"file": ..., "records": [...the file's records...]}],
     "approval_records": [{"file": ..., "records": [...the file's records...]}]}

``procedure`` is the procedure exactly as its file says it (``x-`` keys included), valid
against ``procedure.schema.json``; ``register`` adds what sopkit works out (role titles,
department names, the next review). Procedures sorted by id, then file; the same handbook
and date give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sopkit.format.load import Document
from sopkit.model import Handbook
from sopkit.report.register import dumped, register_rows, relative_file, row_json

__all__ = ["FORMAT_VERSION", "bundle", "format_bundle"]

FORMAT_VERSION = "1.2"
"""The bundle format's version: a minor raise adds optional keys, a major one changes
or removes keys."""


def bundle(handbook: Handbook, procedures: Sequence[Document], organization: Document | None,
           *, root: Path, name: str, language: str, today: date,
           training: Sequence[Document] = (),
           approvals: Sequence[Document] = ()) -> dict[str, Any]:
    """The bundle of a checked handbook (``procedures``: its schema-valid documents;
    ``training``, ``approvals``: its schema-valid training and approval record files)."""
    data_by_file = {relative_file(document.file, root): document.data
                    for document in procedures}
    entries = []
    for row in register_rows(handbook, root):
        data = data_by_file.get(row.file)
        if data is None:
            continue
        entries.append({"file": row.file, "register": row_json(row),
                        "procedure": _plain(data)})
    return {
        "format": "sopkit-bundle",
        "format_version": FORMAT_VERSION,
        "date": today.isoformat(),
        "handbook": {"name": name, "language": language},
        "organization": _plain(organization.data) if organization is not None else None,
        "procedures": entries,
        "training_records": [
            {"file": relative_file(document.file, root),
             "records": _plain(document.data.get("records") or [])}
            for document in sorted(training, key=lambda document: document.file)],
        "approval_records": [
            {"file": relative_file(document.file, root),
             "records": _plain(document.data.get("records") or [])}
            for document in sorted(approvals, key=lambda document: document.file)],
    }


def format_bundle(document: Mapping[str, Any]) -> str:
    """The bundle as JSON text."""
    return dumped(document)


def _plain(value: Any) -> Any:
    """Schema-valid YAML data as plain JSON values (mappings as dicts, in file order)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
