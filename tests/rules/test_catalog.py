"""Every rule is registered with a name, severity, summary and a doc whose examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sopkit.check.diagnostics import Diagnostic
from sopkit.format.load import load_bytes
from sopkit.format.schema import SchemaKind, check_schema
from sopkit.rules import all_rules

from .helpers import (
    BASE,
    compose,
    examples,
    is_approvals,
    is_training,
    problems,
    sections,
    yaml_blocks,
)

NAMES = [rule.name for rule in all_rules() if rule.takes != "change"]
DATA = Path(__file__).parent.parent / "data" / "rules"
SECTIONS = ["What it does", "Why it matters", "Example", "Use instead"]


def test_the_spec_rules_are_all_registered() -> None:
    assert set(NAMES) >= {
        "duplicate-procedure-id", "duplicate-step-id", "duplicate-id", "unknown-role",
        "role-without-title", "unknown-department", "unknown-input", "output-not-produced",
        "unused-output", "unknown-step", "unreachable-step", "no-end-reachable",
        "history-version-mismatch", "history-order", "approval-incomplete", "review-overdue",
        "unknown-related", "related-retired",
    }


@pytest.mark.parametrize("name", NAMES)
def test_rule_metadata(name: str) -> None:
    (rule,) = [r for r in all_rules() if r.name == name]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.info.severity in ("error", "warning")
    assert rule.info.summary and "\n" not in rule.info.summary
    assert rule.info.summary.endswith(".")
    parts = sections(rule.info.doc)
    assert list(parts) == SECTIONS
    assert all(body.strip() for body in parts.values())
    assert len(yaml_blocks(rule.info.doc)) >= 2
    assert yaml_blocks(parts["Example"]) and yaml_blocks(parts["Use instead"])


@pytest.mark.parametrize("name", NAMES)
def test_doc_example_fails_and_fix_passes(name: str) -> None:
    bad, good = examples(name)
    found = problems(name, *bad)
    assert found, f"{name}: the doc's failing example raises nothing"
    assert problems(name, *good) == []


@pytest.mark.parametrize("name", NAMES)
def test_doc_examples_pass_the_schema(name: str) -> None:
    # Rules only ever see schema-valid documents, so their examples must be valid too.
    bad, good = examples(name)
    for snippets in (bad, good):
        for number, snippet in enumerate(snippets):
            file, text = compose(snippet, f"p{number}.yml")
            document = load_bytes(text.encode("utf-8"), file)
            kind: SchemaKind = (
                "organization" if file.endswith("organization.yml")
                else "training" if is_training(file)
                else "approval" if is_approvals(file) else "procedure")
            assert not isinstance(document, Diagnostic) and check_schema(document, kind) == []


@pytest.mark.parametrize("name", NAMES)
def test_messages_are_one_line(name: str) -> None:
    bad, _ = examples(name)
    for *_, message in problems(name, *bad):
        assert "\n" not in message
        assert not message.endswith("."), "messages are one clause, like a linter's"


@pytest.mark.parametrize("name", NAMES)
def test_base_procedure_passes(name: str) -> None:
    assert problems(name, BASE) == []


@pytest.mark.parametrize("name", NAMES)
def test_spec_example_passes(name: str) -> None:
    procedure = (DATA / "spec-procedure.yml").read_text(encoding="utf-8")
    organization = "# organization.yml\n" + (DATA / "organization.yml").read_text("utf-8")
    related = "# procedures/hr/offboarding.yml\nid: HR-002\n"
    assert problems(name, procedure, organization, related) == []


def test_rule_docs_are_cleaned_as_inspect_cleans_them() -> None:
    import inspect

    from sopkit.rules import clean_doc

    for rule in all_rules():
        doc = rule.check.__doc__
        assert doc, rule.name
        assert rule.info.doc == clean_doc(doc) == inspect.cleandoc(doc), rule.name
    for doc in ("One line.", "\n    First.\n\n      indented\n    last\n\n", "",
                "  Ragged.\n        deeper first\n    then less\n      \n\tand a tab\n",
                "\n\n", "Summary\n\n    body   \n   \n"):
        assert clean_doc(doc) == inspect.cleandoc(doc), repr(doc)
