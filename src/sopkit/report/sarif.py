"""`sopkit validate --format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF
viewers. Formatting only: the diagnostics and the rules are given.

The log carries messages and rule ids as data: control and bidirectional characters are
written as JSON's ``\\uNNNN`` escapes (:func:`sopkit.format.terminal.json_escaped`), and
an artifact's URI percent-encodes the exact bytes of its file name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sopkit.check.diagnostics import Diagnostic, RuleInfo
from sopkit.format.terminal import json_escaped

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/sopkit/"

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


def sarif_log(diagnostics: Sequence[Diagnostic], rules: Sequence[RuleInfo], version: str) -> str:
    """The SARIF log of one run: every rule sopkit knows, and the results in ``diagnostics``."""
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

