from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-duplicate"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 10, 5,
         "li-na's signature (approved, as owner) of QA-001 1.0.0 is already recorded "
         '(record 1 of approvals/2026.yml): remove this copy'),
    ]
    assert problems(RULE, *good) == []
