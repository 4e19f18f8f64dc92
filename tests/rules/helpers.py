"""Run one semantic rule over small YAML snippets (in the manner of yamllint's tests).

A snippet is the part of a procedure a test cares about; the keys it lacks
are taken from :data:`BASE`, appended after it, so line numbers in the
snippet are line numbers in the checked file. A first line ``# some/path.yml``
names the file; a snippet named ``organization.yml`` is the organization file
and one under ``training/`` a training records file (``approvals/``: an approval records
file), all used as written.
Rule docs are written the same way, so their examples run unchanged: see
:func:`examples`.
"""

from __future__ import annotations

import re
from datetime import date

from sopkit.check.runner import problems as check_problems
from sopkit.format.load import Document, load_bytes
from sopkit.rules import HandbookView, Rule, all_rules

TODAY = date(2026, 3, 1)
"""The pinned "today" of every test (and of the review-overdue doc example)."""

BASE = """\
id: QA-001
title: Base procedure
version: 1.0.0
status: draft
owner: owner
purpose: Keeps the rule tests honest.
scope:
  includes: [Everything]
roles:
  - id: owner
    title: Owner
steps:
  - id: do-the-work
    title: Do the work
    role: owner
history:
  - version: 1.0.0
    date: 2025-01-01
    author: Test Author
    summary: First release.
"""

Found = tuple[str, int, int, str]
"""(rule, line, column, message) of one problem."""

_FILE_COMMENT = re.compile(r"^#\s*(\S+\.ya?ml)\s*$")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.MULTILINE)


def _blocks(text: str) -> dict[str, str]:
    """Top-level key -> its lines, for a block-style YAML mapping."""
    starts = [(m.group(1), m.start()) for m in _TOP_KEY.finditer(text)]
    ends = [start for _, start in starts[1:]] + [len(text)]
    return {key: text[start:end] for (key, start), end in zip(starts, ends, strict=True)}


BASE_BLOCKS = _blocks(BASE)


def _load(text: str, file: str) -> Document:
    document = load_bytes(text.encode("utf-8"), file)
    assert isinstance(document, Document), f"{file} does not load: {document}"
    return document


def is_training(file: str) -> bool:
    """A snippet named ``training/...`` is a training records file."""
    return file.startswith("training/")


def is_approvals(file: str) -> bool:
    """A snippet named ``approvals/...`` is an approval records file."""
    return file.startswith("approvals/")


def compose(snippet: str, default_file: str = "p.yml") -> tuple[str, str]:
    """(file name, full text) of a snippet completed with the base procedure's keys."""
    text = snippet if snippet.endswith("\n") else snippet + "\n"
    first = text.split("\n", 1)[0]
    match = _FILE_COMMENT.match(first)
    file = match.group(1) if match else default_file
    if file.rsplit("/", 1)[-1] == "organization.yml" or is_training(file) or is_approvals(file):
        return file, text
    present = _load(text, file).data.keys()
    return file, text + "".join(block for key, block in BASE_BLOCKS.items()
                                if key not in present)


def handbook(*snippets: str, today: date = TODAY) -> HandbookView:
    """A handbook of the snippets (organization.yml among them, if named so)."""
    procedures: list[Document] = []
    organization: Document | None = None
    training: list[Document] = []
    approvals: list[Document] = []
    for number, snippet in enumerate(snippets):
        file, text = compose(snippet, "p.yml" if number == 0 else f"p{number + 1}.yml")
        document = _load(text, file)
        if file.rsplit("/", 1)[-1] == "organization.yml":
            organization = document
        elif is_training(file):
            training.append(document)
        elif is_approvals(file):
            approvals.append(document)
        else:
            procedures.append(document)
    by_id: dict[str, list[Document]] = {}
    for document in procedures:
        by_id.setdefault(document.data["id"], []).append(document)
    return HandbookView(procedures, organization, today, by_id, training_records=training,
                        approval_records=approvals)


def rule(name: str) -> Rule:
    found = [r for r in all_rules() if r.name == name]
    assert found, f"no rule named {name!r}"
    return found[0]


def problems(name: str, *snippets: str, today: date = TODAY,
             ) -> list[tuple[str, str, int, int, str]]:
    """(file, rule, line, column, message) of each problem, in file order."""
    checked = rule(name)
    book = handbook(*snippets, today=today)
    found = [problem for check in checked.checks for problem in check_problems(check, book)]
    rows = []
    for problem in found:
        line, column = problem.document.position(problem.path, key=problem.key)
        rows.append((problem.document.file, name, line, column, problem.message))
    return sorted(rows)


def run(name: str, *snippets: str, today: date = TODAY) -> list[Found]:
    """(rule, line, column, message) of each problem ``name`` finds in the snippets."""
    return [row[1:] for row in problems(name, *snippets, today=today)]


def where(name: str, *snippets: str, today: date = TODAY) -> list[tuple[str, int, int]]:
    """(file, line, column) of each problem: for rules that look across files."""
    return [(file, line, column) for file, _, line, column, _ in
            problems(name, *snippets, today=today)]


def sections(doc: str) -> dict[str, str]:
    """``## Heading`` -> the text under it, for a rule's doc."""
    parts = re.split(r"^## +(.+?)\s*$", doc, flags=re.MULTILINE)
    return {title: body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def examples(name: str) -> tuple[list[str], list[str]]:
    """The YAML snippets of a rule's doc: (those under Example, those under Use instead)."""
    parts = sections(rule(name).info.doc)
    return yaml_blocks(parts["Example"]), yaml_blocks(parts["Use instead"])
