from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-missing"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('procedures/qa.yml', RULE, 5, 13,
         'QA-001 1.0.0 is approved but has no approval record of its current content by '
         "its approver 'owner': record the approval (sopkit approve QA-001 --as li-na "
         '--role owner)'),
    ]
    assert problems(RULE, *good) == []


def test_no_approval_record_no_finding() -> None:
    # The feature is opt-in: an approved procedure in a handbook without records is fine.
    bad, _ = examples(RULE)
    assert problems(RULE, *bad[:2]) == []


def test_a_draft_needs_no_approval() -> None:
    bad, _ = examples(RULE)
    assert problems(RULE, bad[0].replace("status: approved", "status: review"), *bad[1:]) == []


def test_a_person_without_the_role_does_not_approve_it() -> None:
    _, good = examples(RULE)
    other = good[1].replace("roles: [owner]", "roles: [auditor]")
    assert [row[1] for row in problems(RULE, good[0], other, good[2])] == [RULE]
