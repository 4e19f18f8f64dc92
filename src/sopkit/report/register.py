"""The document register: the master list of a handbook's controlled documents, for an
auditor or a spreadsheet (`sopkit export register`).

One row per procedure, sorted by id (then file): id, title, version, status, department,
owner, approvers, approvals, effective date, last reviewed, next review due, file. The
approvals (format 1.2, once the handbook has approval records) are those of the current
content, each as the approver's name, role, meaning and date, and ``approval pending`` or
``changed after approval`` where the rules say so. Formats:

- ``csv``: UTF-8 with a byte-order mark, so that spreadsheet programs open Chinese text
  correctly; a cell that a spreadsheet would take for a formula (starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) starts with ``'`` instead;
- ``json``: ``{"format": "sopkit-register", "format_version": "1.0", "date": ...,
  "documents": [...]}``, departments and roles as ``{"id", "name"|"title"}``;
- ``markdown``: a table, procedure text escaped.

Only formats: the rows come from the model (:mod:`sopkit.model`), the same bytes for the
same handbook and date.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sopkit.format.terminal import json_escaped, valid_unicode, visible
from sopkit.model import Handbook, Procedure
from sopkit.model.approval_view import ProcedureApprovals, Signature
from sopkit.report.values import md_text

__all__ = ["COLUMNS", "FORMATS", "RegisterRow", "format_register", "register_rows",
           "spreadsheet_safe"]

FORMATS = ("csv", "json", "markdown")
COLUMNS = ("id", "title", "version", "status", "department", "owner", "approvers",
           "approvals", "effective_date", "last_reviewed", "next_review", "file")
FORMAT_VERSION = "1.1"
"""1.1 adds ``approvals`` and ``approval_state`` (format 1.2's approval records)."""
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Named:
    """A department or role: its id and its name (or title)."""

    id: str
    name: str


@dataclass(frozen=True)
class RegisterRow:
    """One controlled document."""

    id: str
    title: str
    version: str
    status: str
    department: Named | None
    owner: Named
    approvers: tuple[Named, ...]
    approvals: tuple[Signature, ...]
    """The approvals of the current content (format 1.2), in date order."""
    approval_state: str | None
    """``approved``, ``pending`` or ``changed`` for an approved procedure in a handbook
    with approval records; None otherwise."""
    approvals_before_change: tuple[Signature, ...]
    """For ``changed``: the latest approval of an earlier content, per approver role."""
    effective_date: str | None
    last_reviewed: str | None
    next_review: str | None
    file: str


def register_rows(handbook: Handbook, root: Path) -> list[RegisterRow]:
    """The register of ``handbook``; files relative to ``root`` (the handbook's folder)."""
    rows = [_row(procedure, root, handbook.approvals.of(procedure.id)
                 if handbook.approvals is not None else None)
            for procedure in handbook.procedures]
    return sorted(rows, key=lambda row: (row.id, row.file))


def relative_file(file: str, root: Path) -> str:
    """``file`` (as the check named it) relative to ``root``, with '/' separators."""
    path = os.path.abspath(file)
    try:
        return Path(os.path.relpath(path, os.path.abspath(root))).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(file).as_posix()


def _row(p: Procedure, root: Path, signed: ProcedureApprovals | None) -> RegisterRow:
    review = p.review
    return RegisterRow(
        id=p.id, title=p.title, version=p.version, status=p.status,
        department=Named(p.department.id, p.department.name) if p.department else None,
        owner=Named(p.owner.id, p.owner.title),
        approvers=tuple(Named(role.id, role.title) for role in p.approvers),
        approvals=signed.current if signed is not None else (),
        approval_state=signed.state if signed is not None and p.status == "approved" else None,
        approvals_before_change=signed.changed if signed is not None else (),
        effective_date=p.effective_date,
        last_reviewed=review.last_reviewed if review else None,
        next_review=review.next_date.isoformat() if review and review.next_date else None,
        file=relative_file(p.file, root) if p.file else "",
    )


def format_register(rows: Sequence[RegisterRow], fmt: str, today: date) -> str:
    """The register in ``fmt`` (one of :data:`FORMATS`), as of ``today``."""
    if fmt == "csv":
        return _csv(rows)
    if fmt == "json":
        return _json(rows, today)
    if fmt == "markdown":
        return _markdown(rows)
    raise ValueError(f"unknown register format {fmt!r}")


def _cells(row: RegisterRow) -> list[str]:
    return [row.id, row.title, row.version, row.status,
            row.department.name if row.department else "", row.owner.name,
            "; ".join(role.name for role in row.approvers), _approvals_cell(row),
            row.effective_date or "",
            row.last_reviewed or "", row.next_review or "", row.file]


_STATES = {"pending": "approval pending", "changed": "changed after approval"}


def _approvals_cell(row: RegisterRow) -> str:
    """``name (role, meaning, date); ...``, and the state when it is not approved."""
    cells = [f"{s.name} ({s.role_title}, {s.meaning}, {s.date.isoformat()})"
             for s in row.approvals]
    if row.approval_state in _STATES:
        cells.append(_STATES[row.approval_state])
    cells.extend(f"version {s.version} approved by {s.name} ({s.role_title}, {s.date.isoformat()})"
                 for s in row.approvals_before_change)
    return "; ".join(cells)


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (and a terminal shows
    control and bidirectional characters as escapes)."""
    cell = visible(valid_unicode(cell))
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


def _csv(rows: Sequence[RegisterRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in _cells(row)])
    return "\ufeff" + out.getvalue()


def _named(value: Named | None, key: str = "name") -> dict[str, str] | None:
    return None if value is None else {"id": value.id, key: value.name}


def row_json(row: RegisterRow) -> dict[str, Any]:
    """One row as the JSON register (and the bundle) have it."""
    return {
        "id": row.id, "title": row.title, "version": row.version, "status": row.status,
        "department": _named(row.department),
        "owner": _named(row.owner, "title"),
        "approvers": [_named(role, "title") for role in row.approvers],
        "approvals": [_signature(s) for s in row.approvals],
        "approval_state": row.approval_state,
        "approvals_before_change": [_signature(s) for s in row.approvals_before_change],
        "effective_date": row.effective_date, "last_reviewed": row.last_reviewed,
        "next_review": row.next_review, "file": row.file,
    }


def _signature(s: Signature) -> dict[str, str]:
    return {"person": s.person, "name": s.name, "role": s.role, "role_title": s.role_title,
            "meaning": s.meaning, "date": s.date.isoformat(), "version": s.version}


def _json(rows: Sequence[RegisterRow], today: date) -> str:
    document = {"format": "sopkit-register", "format_version": FORMAT_VERSION,
                "date": today.isoformat(), "documents": [row_json(row) for row in rows]}
    return dumped(document)


def dumped(document: Any) -> str:
    """JSON as sopkit exports it: UTF-8 text, indented, keys in the order given, control
    and bidirectional characters as ``\\u`` escapes (the same data once parsed)."""
    return json_escaped(valid_unicode(json.dumps(document, ensure_ascii=False, indent=2))) + "\n"


def _markdown(rows: Sequence[RegisterRow]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(md_text(cell) if cell else "—" for cell in _cells(row))
                     + " |")
    return "\n".join(lines) + "\n"
