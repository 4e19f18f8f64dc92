from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-role-not-approver"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 7, 11,
         "'owner' is not an approver of QA-001 (its approvers: 'quality-manager'): "
         'approve in one of these roles, record it as reviewed, or add the role to the '
         "procedure's approvers"),
    ]
    assert problems(RULE, *good) == []
