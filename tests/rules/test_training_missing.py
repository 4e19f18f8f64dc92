from __future__ import annotations

from .helpers import examples, problems

RULE = "training-missing"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("organization.yml", RULE, 6, 9,
         'wang-fang (owner) must be trained on QA-001 (Base procedure) 1.0.0 and'
         ' has no passed training record: train them and record it (sopkit train'
         'ing record wang-fang QA-001)'),
    ]
    assert problems(RULE, *good) == []


def test_no_training_record_no_finding() -> None:
    # The feature is opt-in: people alone (for review routing) raise nothing.
    bad, _ = examples(RULE)
    assert problems(RULE, *bad[:2]) == []


def test_a_failed_training_is_still_missing() -> None:
    bad, _ = examples(RULE)
    failed = bad[2].replace("li-na", "wang-fang") + "    result: failed\n"
    found = problems(RULE, bad[0], bad[1], failed)
    assert [row[4].split(" ", 1)[0] for row in found] == ["li-na", "wang-fang"]
