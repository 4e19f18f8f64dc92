from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-unknown-procedure"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 3, 16,
         "procedure 'QA-01' is not in this handbook (did you mean 'QA-001'?)"),
    ]
    assert problems(RULE, *good) == []
