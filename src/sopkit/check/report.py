"""Reporters: diagnostics in, text out. Formatting only; they never decide anything.

One function per format, looked up by name in :data:`FORMATS`:

- ``text``: ``path:line:col: error rule: message`` lines and a summary, for people;
- ``json``: the diagnostics and a summary, for scripts;
- ``github``: GitHub Actions workflow commands, so findings annotate the pull request;
- ``sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

File names and messages quote the checked files: in every format, control and
bidirectional characters are escaped (see :mod:`sopkit.check.escape`), as ``\\x1b`` in
the text and github formats, as JSON's ``\\u202e`` in json and sarif.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import sopkit
from sopkit.check.diagnostics import Diagnostic, RuleInfo
from sopkit.check.escape import json_escaped, valid_unicode, visible

FORMATS = ("text", "json", "github", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/sopkit/"

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
        return valid_unicode(_sarif(diagnostics, rules, tool_version))
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


# -- shared -----------------------------------------------------------------------------------


def _counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return errors, len(diagnostics) - errors


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """``2 errors and 1 warning in 7 files``, or ``No problems in 7 files``."""
    errors, warnings = _counts(diagnostics)
    parts = []
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    found = " and ".join(parts) if parts else "No problems"
    return f"{found} in {_plural(files, 'file')}"


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
    errors, warnings = _counts(diagnostics)
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


# -- sarif ------------------------------------------------------------------------------------

_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:/)")


def artifact_location(path: str) -> dict[str, str]:
    """A SARIF ``artifactLocation`` for ``path``: relative to ``%SRCROOT%`` when it can be."""
    posix = path.replace("\\", "/")
    if _ABSOLUTE.match(posix):
        return {"uri": "file:///" + quote(_raw(posix.lstrip("/")), safe="/:")}
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(_raw(posix), safe="/"), "uriBaseId": "%SRCROOT%"}


def _raw(name: str) -> bytes:
    """A file name's bytes, also when they are not UTF-8 (Python's surrogateescape): the
    URI then names the very file."""
    return name.encode("utf-8", "surrogateescape")


def _first_paragraph(doc: str) -> str:
    paragraph = doc.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _sarif_rule(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule.doc) or rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": rule.severity},
    }


def _sarif_result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(d.file)}
    if d.line > 0:
        region = {"startLine": d.line}
        if d.column > 0:
            region["startColumn"] = d.column
        physical["region"] = region
    result: dict[str, Any] = {"ruleId": d.rule}
    if d.rule in index:
        result["ruleIndex"] = index[d.rule]
    result["level"] = d.severity
    result["message"] = {"text": d.message}
    result["locations"] = [{"physicalLocation": physical}]
    return result


def _sarif(diagnostics: Sequence[Diagnostic], rules: Sequence[RuleInfo], version: str) -> str:
    unique: dict[str, RuleInfo] = {}
    for rule in rules:
        unique.setdefault(rule.name, rule)  # rule ids must be unique; the first one wins
    index = {name: i for i, name in enumerate(unique)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sopkit",
                        "informationUri": INFORMATION_URI,
                        "version": version,
                        "rules": [_sarif_rule(rule) for rule in unique.values()],
                    }
                },
                # sopkit counts columns in characters, not UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(d, index) for d in diagnostics],
            }
        ],
    }
    return json_escaped(json.dumps(log, ensure_ascii=False, indent=2)) + "\n"

