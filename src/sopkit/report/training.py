"""`sopkit training`'s report: who must be trained on what and where they stand, as text,
json or csv (UTF-8 with a BOM, for spreadsheets). Only formats: the statuses come from
sopkit.model.training."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence

from sopkit.format.terminal import printable
from sopkit.model.training import STATUSES, TrainingStatus

COLUMNS = ("person", "procedure", "status", "version", "date")


def rows(statuses: Sequence[TrainingStatus]) -> list[dict[str, str | None]]:
    """One row per person and procedure, with the record that decided the status."""
    return [{"person": s.person, "procedure": s.procedure, "status": s.status,
             "version": s.record.version if s.record else None,
             "date": s.record.date.isoformat() if s.record else None} for s in statuses]


def summary(statuses: Sequence[TrainingStatus]) -> dict[str, int]:
    counts = Counter(s.status for s in statuses)
    return {**{status: counts.get(status, 0) for status in STATUSES}, "total": len(statuses)}


def format_training(statuses: Sequence[TrainingStatus], fmt: str) -> str:
    """The report in ``fmt``: text, json or csv."""
    if fmt == "json":
        return json.dumps({"training": rows(statuses), "summary": summary(statuses)},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows(statuses):
            # A cell starting with = + - @ is a formula to a spreadsheet: never let it be.
            writer.writerow([_cell(row[key]) for key in COLUMNS])
        return "\ufeff" + out.getvalue()
    table = [[printable(str(row[key] or "-")) for key in COLUMNS] for row in rows(statuses)]
    widths = [max([len(name), *(len(line[i]) for line in table)])
              for i, name in enumerate(COLUMNS)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
              for line in table]
    counts = summary(statuses)
    lines.append("")
    lines.append(", ".join(f"{counts[status]} {status}" for status in STATUSES)
                 + f" of {counts['total']}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
