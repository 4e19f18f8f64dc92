from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-unknown-version"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 4, 14,
         "QA-001 never had version 1.1.0: use a version of its history, '1.0.0'"),
    ]
    assert problems(RULE, *good) == []
