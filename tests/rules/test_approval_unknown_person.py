from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-unknown-person"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 6, 13,
         "person 'li-na2' is not in organization.yml's people (did you mean 'li-na'?)"),
    ]
    assert problems(RULE, *good) == []
