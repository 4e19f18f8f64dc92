"""`sopkit validate`'s report: diagnostics in, text out. Formatting only; it never decides.

One function per format, picked by name from :data:`FORMATS`:

- ``text``: ``path:line:col: error rule: message`` lines and a summary, for people;
- ``json``: the diagnostics and a summary, for scripts;
- ``github``: GitHub Actions workflow commands, so findings annotate the pull request;
- ``sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
  (:mod:`sopkit.report.sarif`);
- ``gitlab``: GitLab's Code Quality report, for merge requests (:mod:`sopkit.report.gitlab`).

File names and messages quote the checked files. The text and github formats show control
and bidirectional characters as escapes (``\\x1b``, ``\\u202e``); json and sarif carry
the exact text as data, with those characters written as JSON's own ``\\u202e``
escapes, so that a script gets the real file name and nothing raw reaches a log
(the policy, and why: :mod:`sopkit.format.terminal`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sopkit
from sopkit.check.diagnostics import Diagnostic, RuleInfo
from sopkit.format.terminal import json_escaped, valid_unicode, visible
from sopkit.report.gitlab import gitlab_report
from sopkit.report.sarif import sarif_log

FORMATS = ("text", "json", "github", "sarif", "gitlab")

_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_RED = "\x1b[31m"
_YELLOW = "\x1b[33m"
_RESET = "\x1b[0m"
_SEVERITY_COLOR = {"error": _RED, "warning": _YELLOW}


def format_report(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    *,
    files: int,
    rules: Sequence[RuleInfo],
    color: bool = False,
    tool_version: str = sopkit.__version__,
) -> str:
    """Render ``diagnostics`` (already sorted) in format ``fmt``; the text ends with a newline.

    ``files`` is how many files were checked; ``rules`` is every rule sopkit knows
    (SARIF lists them all); ``color`` adds ANSI colours to the text format only.
    """
    if fmt == "text":
        return _text(diagnostics, files, color)
    if fmt == "json":
        return valid_unicode(_json(diagnostics, files))
    if fmt == "github":
        return valid_unicode(_github(diagnostics, files))
    if fmt == "sarif":
        return valid_unicode(sarif_log(diagnostics, rules, tool_version))
    if fmt == "gitlab":
        return valid_unicode(gitlab_report(diagnostics))
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


# -- shared -----------------------------------------------------------------------------------


def counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """How many of ``diagnostics`` are errors, and how many warnings."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return errors, len(diagnostics) - errors


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """``2 errors and 1 warning in 7 files``, or ``No problems in 7 files``."""
    errors, warnings = counts(diagnostics)
    parts = []
    if errors:
        parts.append(plural(errors, "error"))
    if warnings:
        parts.append(plural(warnings, "warning"))
    found = " and ".join(parts) if parts else "No problems"
    return f"{found} in {plural(files, 'file')}"


# -- text -------------------------------------------------------------------------------------


def _location(d: Diagnostic) -> str:
    path = visible(d.file)
    if d.line <= 0:
        return path
    if d.column <= 0:
        return f"{path}:{d.line}"
    return f"{path}:{d.line}:{d.column}"


def _text(diagnostics: Sequence[Diagnostic], files: int, color: bool) -> str:
    lines = []
    for d in diagnostics:
        location, severity, rule = _location(d) + ":", str(d.severity), visible(d.rule)
        if color:
            location = f"{_BOLD}{location}{_RESET}"
            severity = f"{_SEVERITY_COLOR.get(severity, '')}{severity}{_RESET}"
            rule = f"{_DIM}{rule}{_RESET}"
        lines.append(f"{location} {severity} {rule}: {visible(d.message)}")
    if lines:
        lines.append("")
    lines.append(summary(diagnostics, files))
    return "\n".join(lines) + "\n"


# -- json -------------------------------------------------------------------------------------


def _json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors, warnings = counts(diagnostics)
    data = {
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "severity": d.severity,
                "rule": d.rule,
                "message": d.message,
            }
            for d in diagnostics
        ],
        "summary": {"files": files, "errors": errors, "warnings": warnings},
    }
    return json_escaped(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


# -- github -----------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """Escape a workflow command's message, as ``@actions/core``'s ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value, as ``escapeProperty`` does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(diagnostics: Sequence[Diagnostic], files: int) -> str:
    lines = []
    for d in diagnostics:
        # Shown as the text format shows them: a raw ESC or bidi override would reach the
        # log, and a file name with one cannot be annotated anyway.
        props = [f"file={escape_property(visible(d.file))}"]
        if d.line > 0:
            props.append(f"line={d.line}")
            if d.column > 0:
                props.append(f"col={d.column}")
        props.append(f"title={escape_property('sopkit ' + visible(d.rule))}")
        lines.append(f"::{d.severity} {','.join(props)}::{escape_data(visible(d.message))}")
    lines.append(summary(diagnostics, files))
    return "\n".join(lines) + "\n"
