"""The audit trail as CSV or JSON (`sopkit export audit`): formats only; the trail is
sopkit.review.audit's.

- ``csv``: one row per event (procedure, title, date, event, version, who, role, detail,
  commit), UTF-8 with a byte-order mark and formula-like cells made text, as the register;
- ``json``: ``{"format": "sopkit-audit", "format_version": "1.0", "date": ..., "since":
  ..., "procedures": [{"id", "title", "file", "events": [...]}]}``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from sopkit.report.register import dumped, spreadsheet_safe
from sopkit.review.audit import ProcedureTrail

FORMATS = ("csv", "json")
COLUMNS = ("procedure", "title", "date", "event", "version", "who", "role", "detail",
           "commit")
FORMAT_VERSION = "1.0"


def format_audit(trails: Sequence[ProcedureTrail], fmt: str, today: date,
                 since: date | None) -> str:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for trail in trails:
            for event in trail.events:
                writer.writerow([spreadsheet_safe(cell) for cell in (
                    trail.id, trail.title, event.date, event.kind, event.version, event.who,
                    event.role, event.detail, event.commit)])
        return "\ufeff" + out.getvalue()
    if fmt == "json":
        return dumped({
            "format": "sopkit-audit", "format_version": FORMAT_VERSION,
            "date": today.isoformat(), "since": since.isoformat() if since else None,
            "procedures": [{"id": trail.id, "title": trail.title, "file": trail.file,
                            "events": [asdict(event) for event in trail.events]}
                           for trail in trails]})
    raise ValueError(f"unknown audit format {fmt!r}")
