from __future__ import annotations

from .helpers import examples, run

RULE = "duplicate-step-id"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 5, 9, "step id 'check-invoice' is already used by the step on line 2: "
                     "give each step its own id"),
    ]
    assert run(RULE, *good) == []


def test_every_repeat_is_reported_against_the_first() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner}
  - {id: b, title: B, role: owner}
  - {id: a, title: A again, role: owner}
  - {id: a, title: A once more, role: owner}
"""
    assert [(line, col, msg.split(":")[0]) for _, line, col, msg in run(RULE, source)] == [
        (4, 10, "step id 'a' is already used by the step on line 2"),
        (5, 10, "step id 'a' is already used by the step on line 2"),
    ]
