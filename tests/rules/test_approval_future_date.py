from __future__ import annotations

from .helpers import examples, problems

RULE = "approval-future-date"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ('approvals/2026.yml', RULE, 9, 11,
         'this approval is dated 2026-12-01, after today (2026-03-01): record an '
         'approval once it was given, or correct the date'),
    ]
    assert problems(RULE, *good) == []
