"""`sopkit validate --format gitlab`: GitLab's Code Quality report, so that findings show in
a merge request's Code Quality widget (and, where GitLab has it, beside the changed lines).
Formatting only: the diagnostics are given.

The report is a JSON array with one issue per finding, each with what GitLab's documentation
("Code Quality report format") asks of every issue: ``description``, ``check_name`` (the
rule), ``fingerprint``, ``severity`` (an error is ``major``, a warning ``minor``) and
``location.path`` with ``location.lines.begin``. The path is the file as the report names
it, relative to the folder sopkit runs in (the project's folder in GitLab CI), without a
leading ``./``; a finding about a whole file is placed on its first line.

GitLab tells issues apart by their fingerprint, and compares the merge request's with the
target branch's to say what the change fixed or brought: the fingerprint is a hash of the
file, the rule and the message (and which of the same three it is), not of the line, so
that an edit above a finding does not show it as fixed and found again.

As in the json and sarif reports, messages and file names are carried as data, with
control and bidirectional characters written as JSON's ``\\uNNNN`` escapes
(:func:`sopkit.format.terminal.json_escaped`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sopkit.check.diagnostics import Diagnostic
from sopkit.format.terminal import json_escaped

SEVERITIES = {"error": "major", "warning": "minor"}
"""sopkit's severities on GitLab's scale (info, minor, major, critical, blocker)."""


def gitlab_report(diagnostics: Sequence[Diagnostic]) -> str:
    """The Code Quality report of ``diagnostics``, as JSON text ending with a newline."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues: list[dict[str, Any]] = []
    for d in diagnostics:
        path = _path(d.file)
        key = (path, d.rule, d.message)
        seen[key] += 1
        issues.append({
            "description": d.message,
            "check_name": d.rule,
            "fingerprint": _fingerprint(*key, seen[key]),
            "severity": SEVERITIES.get(d.severity, "info"),
            "location": {"path": path, "lines": {"begin": max(d.line, 1)}},
        })
    return json_escaped(json.dumps(issues, ensure_ascii=False, indent=2)) + "\n"


def _path(file: str) -> str:
    posix = file.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def _fingerprint(path: str, rule: str, message: str, occurrence: int) -> str:
    import hashlib  # here: it loads OpenSSL (3 ms), and only this format needs it

    text = "\0".join((path, rule, message, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]
