from __future__ import annotations

from .test_change_catalog import change_examples, run_change

RULE = "history-not-updated"

BEFORE = """\
version: 1.2.0
history:
  - version: 1.2.0
    date: 2026-01-10
    author: Li Na
    summary: Second release.
  - version: 1.0.0
    date: 2025-01-10
    author: Li Na
    summary: First release.
"""


def test_doc_example() -> None:
    bad, good = change_examples(RULE)
    assert run_change(RULE, *bad) == [
        (RULE, 4, 14, "the history entry for '1.2.0' was relabelled '1.2.1': keep the entry for "
                      "'1.2.0' and add a new one for '1.2.1' above it"),
    ]
    assert run_change(RULE, *good) == []


def test_a_raise_without_any_entry() -> None:
    after = BEFORE.replace("version: 1.2.0\nhistory", "version: 1.3.0\nhistory")
    assert run_change(RULE, BEFORE, after) == [
        (RULE, 3, 5, "version was raised from '1.2.0' to '1.3.0', but history does not start "
                     "with an entry for '1.3.0': add one at the top (history is newest first)"),
    ]


def test_an_entry_below_the_top_is_not_enough() -> None:
    after = BEFORE.replace("version: 1.2.0\nhistory", "version: 1.3.0\nhistory") + """\
  - version: 1.3.0
    date: 2026-02-01
    author: Li Na
    summary: At the bottom.
"""
    assert len(run_change(RULE, BEFORE, after)) == 1


def test_unchanged_or_lowered_versions_are_left_to_version_not_raised() -> None:
    assert run_change(RULE, BEFORE, BEFORE.replace("Second", "The second")) == []
    lowered = BEFORE.replace("version: 1.2.0\nhistory", "version: 1.1.0\nhistory")
    assert run_change(RULE, BEFORE, lowered) == []


def test_pre_release_entries_may_be_folded_into_the_release() -> None:
    before = BEFORE.replace("1.2.0", "1.3.0-rc.1")
    after = BEFORE.replace("1.2.0", "1.3.0")
    assert run_change(RULE, before, after) == []
