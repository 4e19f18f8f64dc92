from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-role-not-held"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 7, 11,
         "li-na does not hold the role 'owner' (their roles: 'reviewer'): record the "
         'approval by a person who holds it, or add the role to the person in '
         'organization.yml'),
    ]
    assert problems(RULE, *good) == []
