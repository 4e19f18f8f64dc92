from __future__ import annotations

from .helpers import examples, problems

RULE = "training-future-date"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("training/2026.yml", RULE, 6, 11,
         'this training is dated 2026-12-01, after today (2026-03-01): record a '
         'training once it took place, or correct the date'),
    ]
    assert problems(RULE, *good) == []
