from __future__ import annotations

from .helpers import examples, problems

RULE = "training-duplicate"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("training/2026.yml", RULE, 7, 5,
         "li-na's training on QA-001 1.0.0 of 2026-02-01 is already recorded (re"
         'cord 1 of training/2026.yml): remove this copy'),
    ]
    assert problems(RULE, *good) == []
