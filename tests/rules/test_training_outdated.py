from __future__ import annotations

from .helpers import examples, problems

RULE = "training-outdated"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("training/2026.yml", RULE, 5, 14,
         'li-na was trained on QA-001 (Base procedure) 1.0.0, but it is now at 1'
         '.1.0, a material change: retrain them and record it (sopkit training r'
         'ecord li-na QA-001)'),
    ]
    assert problems(RULE, *good) == []


def test_a_patch_raise_needs_no_retraining() -> None:
    bad, _ = examples(RULE)
    patched = bad[0].replace("1.1.0", "1.0.1")
    assert problems(RULE, patched, *bad[1:]) == []
