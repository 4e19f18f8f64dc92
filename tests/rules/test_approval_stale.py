from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-stale"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('procedures/qa.yml', RULE, 6, 13,
         'QA-001 changed after li-na (owner) approved version 1.0.0 on 2025-01-02 (now '
         '1.1.0; since then: 1.1.0 Added a check.): approve the current content again '
         '(sopkit approve QA-001 --as li-na --role owner)'),
    ]
    assert problems(RULE, *good) == []


def test_an_edit_without_a_version_raise_is_stale_too() -> None:
    _, good = examples(RULE)
    edited = good[0].replace("id: QA-001\n", "id: QA-001\ntitle: Another title\n")
    found = problems(RULE, edited, *good[1:])
    assert [row[4].split(":")[0] for row in found] == [
        "QA-001 changed after li-na (owner) approved version 1.1.0 on 2026-01-25 (its content "
        "changed without a version raise)"]


def test_status_and_review_edits_keep_the_approval() -> None:
    _, good = examples(RULE)
    edited = good[0].replace("effective_date: 2026-02-01",
                             "effective_date: 2026-02-15\nreview:\n  interval_months: 12\n"
                             "  last_reviewed: 2026-02-20\nx-ticket: QA-7")
    assert problems(RULE, edited, *good[1:]) == []
