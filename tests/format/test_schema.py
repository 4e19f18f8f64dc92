"""Schema errors in plain words, at the line and column of the offending value."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopkit.check.diagnostics import Diagnostic
from sopkit.format.load import Document, load_bytes
from sopkit.format.schema import check_schema

BASE = """\
id: HR-001
title: Onboarding
version: 1.0.0
status: draft
owner: hr-manager
purpose: Ready by day one.
scope:
  includes: [All employees]
roles:
  - id: hr-manager
    title: HR Manager
steps:
  - id: prepare
    title: Prepare documents
    role: hr-manager
  - id: complete
    title: Complete?
    role: hr-manager
    decision:
      branches:
        - when: Yes
          next: finish
        - when: No
          next: prepare
  - id: finish
    title: Finish
    role: hr-manager
history:
  - version: 1.0.0
    date: 2026-01-10
    author: hr-manager
    summary: First release.
"""


def errors(text: str) -> list[Diagnostic]:
    document = load_bytes(text.encode(), "p.yml")
    assert isinstance(document, Document), document
    return check_schema(document, "procedure")


def only(text: str) -> Diagnostic:
    found = errors(text)
    assert len(found) == 1, found
    return found[0]


def test_the_base_procedure_is_valid_with_unquoted_yes_and_no() -> None:
    assert errors(BASE) == []


def test_unknown_key_at_the_key_with_a_suggestion() -> None:
    problem = only(BASE.replace("purpose:", "purpse:"))
    assert (problem.line, problem.column) == (6, 1)
    assert problem.message == "unknown key 'purpse' in the procedure (did you mean 'purpose'?)"


def test_unknown_key_in_a_step_names_the_step() -> None:
    problem = only(BASE.replace("    role: hr-manager\n  - id: complete",
                                "    role: hr-manager\n    duraton: 2h\n  - id: complete"))
    assert problem.line == 16
    assert "step 1 ('prepare')" in problem.message
    assert "did you mean 'duration'?" in problem.message


def test_a_top_level_key_indented_into_the_item_above_says_check_the_indentation() -> None:
    text = BASE.replace("history:\n  - version: 1.0.0\n    date: 2026-01-10\n",
                        "history:\n  - version: 1.0.0\n    date: 2026-01-10\n"
                        "    risks:\n      - description: A late start\n")
    problem = only(text)
    assert problem.message == (
        "unknown key 'risks' in history entry 1: 'risks' is a key of the procedure itself: check "
        "its indentation (it starts at the beginning of the line, with no spaces before it)")
    # A key no level knows gets no such hint.
    assert "indentation" not in only(text.replace("    risks:", "    rizzz:")).message


def test_x_keys_are_allowed_everywhere() -> None:
    text = BASE.replace("purpose:", "x-erp: 42\npurpose:").replace(
        "    title: Finish\n", "    title: Finish\n    x-note: later\n")
    assert errors(text) == []


def test_unquoted_version_that_reads_as_a_number() -> None:
    problem = only(BASE.replace("version: 1.0.0\nstatus", "version: 1.10\nstatus"))
    assert (problem.line, problem.column) == (3, 10)
    assert '"1.10"' in problem.message and "quotes" in problem.message


def test_decision_with_next_names_the_decision_variant() -> None:
    problem = only(BASE.replace("    decision:\n", "    next: finish\n    decision:\n"))
    assert problem.line == 19
    assert "decision" in problem.message
    assert "next" in problem.message


def test_end_step_with_next() -> None:
    problem = only(BASE.replace("    title: Finish\n", "    title: Finish\n    end: true\n"
                                                      "    next: prepare\n"))
    assert problem.line == 28
    assert "end" in problem.message


def test_missing_required_keys_are_one_line() -> None:
    problem = only(BASE.replace("purpose: Ready by day one.\n", ""))
    assert problem.message == "the procedure is missing the required key 'purpose': add it"


def test_enum_with_suggestion() -> None:
    problem = only(BASE.replace("status: draft", "status: aproved"))
    assert (problem.line, problem.column) == (4, 9)
    assert "did you mean 'approved'?" in problem.message
    assert "draft, review, approved, retired" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("id: HR-001", "id: hr_001", 1, "like HR-001"),
        ("  - id: prepare", "  - id: Prepare", 13, "like hr-manager"),
        ("    title: Prepare documents\n",
         "    title: Prepare documents\n    duration: 2 hours\n", 15, "like 30m"),
        ("    date: 2026-01-10", "    date: 2026-02-30", 30, "YYYY-MM-DD"),
        ("steps:\n", "review:\n  interval_months: 61\nsteps:\n", 13, "at most 60"),
        ("title: Onboarding", "title: [a, b]", 2, "must be text, not a list"),
        ("title: Onboarding", "title:", 2, "empty"),
        ("        - when: Yes", "        - when: true", 21, "quotes"),
    ],
)
def test_messages_in_plain_words(old: str, new: str, line: int, words: str) -> None:
    assert old in BASE
    problem = only(BASE.replace(old, new, 1))
    assert problem.line == line
    assert words in problem.message
    assert problem.rule == "schema"


def test_every_message_is_one_line_and_names_no_schema_internals(tmp_path: Path) -> None:
    text = BASE.replace("status: draft", "status: 3").replace("owner: hr-manager", "owner: [x]")
    for problem in errors(text):
        assert "\n" not in problem.message
        assert "$ref" not in problem.message and "definitions" not in problem.message


def test_a_pattern_does_not_accept_a_trailing_newline() -> None:
    problem = only(BASE.replace("id: HR-001", "id: |\n  HR-001"))
    assert problem.line == 1
    assert "like HR-001" in problem.message


def test_messages_stay_on_one_line_when_a_key_or_value_holds_a_line_break() -> None:
    found = errors(BASE.replace("  - id: hr-manager\n", '  - id: hr-manager\n    "a\\nb": 1\n')
                   .replace("status: draft", 'status: "dra\\u2028ft"'))
    messages = [diagnostic.message for diagnostic in found]
    assert "unknown key 'a\\nb' in role 1 ('hr-manager')" in messages, messages
    assert all("\n" not in message and "\u2028" not in message for message in messages)
