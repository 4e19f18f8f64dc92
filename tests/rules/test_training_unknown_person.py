from __future__ import annotations

from .helpers import examples, problems

RULE = "training-unknown-person"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("training/2026.yml", RULE, 3, 13,
         "person 'li-ne' is not in organization.yml's people (did you mean 'li-n"
         "a'?)"),
    ]
    assert problems(RULE, *good) == []
