from __future__ import annotations

from .helpers import examples, problems

RULE = "training-expired"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("training/2025.yml", RULE, 6, 11,
         "li-na's training on QA-001 (Base procedure) of 2025-01-20 ran out on 2"
         '026-01-20 (yearly): train them again and record it (sopkit training re'
         'cord li-na QA-001)'),
    ]
    assert problems(RULE, *good) == []
