"""The change rules: registered and documented like the other rules, with runnable examples.

A change rule compares a procedure at the base revision with the same procedure
now, so its doc examples come in pairs: under "Example" and under "Use instead"
the first YAML block is the procedure before (at the base revision) and the
second is the procedure after (in the pull request). Each block is completed
with the base procedure's other keys, as for the other rules' examples.
"""

from __future__ import annotations

import re

import pytest

from sopkit.format.load import Document, load_bytes
from sopkit.format.schema import check_schema
from sopkit.rules import ChangeCheck, ProcedureChange, all_rules

from .helpers import BASE, Found, compose, examples, rule, sections, yaml_blocks

NAMES = [r.name for r in all_rules() if r.takes == "change"]
SECTIONS = ["What it does", "Why it matters", "Example", "Use instead"]


def load(snippet: str, file: str = "p.yml") -> Document:
    """A snippet completed with the base procedure, loaded; it must pass the schema."""
    name, text = compose(snippet, file)
    document = load_bytes(text.encode("utf-8"), name)
    assert isinstance(document, Document), document
    assert check_schema(document, "procedure") == [], text
    return document


def run_change(name: str, before: str | None, after: str | None) -> list[Found]:
    """(rule, line, column, message) of each problem rule ``name`` finds in the change."""
    check: ChangeCheck = rule(name).check  # type: ignore[assignment]
    change = ProcedureChange(load(before) if before is not None else None,
                             load(after) if after is not None else None)
    rows = []
    for problem in check(change):
        line, column = problem.document.position(problem.path, key=problem.key)
        rows.append((name, line, column, problem.message))
    return sorted(rows)


def change_examples(name: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """((before, after) failing, (before, after) fixed) from the rule's doc."""
    bad, good = examples(name)
    assert len(bad) == 2 and len(good) == 2, f"{name}: each example is a before/after pair"
    return (bad[0], bad[1]), (good[0], good[1])


def test_the_spec_change_rules_are_registered() -> None:
    assert set(NAMES) == {"version-not-raised", "history-not-updated",
                          "material-change-needs-minor"}


@pytest.mark.parametrize("name", NAMES)
def test_each_change_rule_lives_in_the_module_named_after_its_id(name: str) -> None:
    assert rule(name).check.__module__ == "sopkit.rules." + name.replace("-", "_")


@pytest.mark.parametrize("name", NAMES)
def test_rule_metadata(name: str) -> None:
    info = rule(name).info
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", info.name)
    assert info.severity == "error"
    assert info.summary and "\n" not in info.summary and info.summary.endswith(".")
    parts = sections(info.doc)
    assert list(parts) == SECTIONS
    assert all(body.strip() for body in parts.values())
    assert len(yaml_blocks(parts["Example"])) == 2
    assert len(yaml_blocks(parts["Use instead"])) == 2


@pytest.mark.parametrize("name", NAMES)
def test_doc_example_fails_and_fix_passes(name: str) -> None:
    bad, good = change_examples(name)
    found = run_change(name, *bad)
    assert len(found) == 1, f"{name}: the doc's failing example should raise one problem"
    assert "\n" not in found[0][3] and not found[0][3].endswith(".")
    assert run_change(name, *good) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_change_added_and_removed_pass(name: str) -> None:
    assert run_change(name, BASE, BASE) == []
    assert run_change(name, None, BASE) == []
    assert run_change(name, BASE, None) == []


@pytest.mark.parametrize("name", NAMES)
def test_comments_layout_and_extension_keys_are_not_changes(name: str) -> None:
    after = ("# a comment\nx-team: people-ops\n"
             + BASE.replace("title: Base procedure", "title: 'Base procedure'  # quoted"))
    assert run_change(name, BASE, after) == []
