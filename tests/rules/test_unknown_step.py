from __future__ import annotations

from .helpers import examples, run

RULE = "unknown-step"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 8, 17, "step 'check-budget' branch 'Yes' goes to 'aprove', which is not a step "
                      "of this procedure (did you mean 'approve'?)"),
    ]
    assert run(RULE, *good) == []


def test_plain_next_without_a_close_match() -> None:
    source = """\
steps:
  - id: collect
    title: Collect
    role: owner
    next: archive
  - id: finish
    title: Finish
    role: owner
"""
    assert run(RULE, source) == [
        (RULE, 5, 11, "step 'collect' goes to 'archive', which is not a step of this "
                      "procedure: use the id of one of this procedure's steps"),
    ]


def test_next_of_an_end_step_is_not_followed() -> None:
    # The schema keeps `end` and `next` apart; if both appear, `end` wins.
    source = """\
steps:
  - {id: a, title: A, role: owner, end: true, next: nowhere}
"""
    assert run(RULE, source) == []


def test_valid_next_and_branches() -> None:
    source = """\
steps:
  - id: ask
    title: Ready?
    role: owner
    decision:
      question: Is it ready?
      branches:
        - {when: "Yes", next: done}
        - {when: "No", next: wait}
  - {id: wait, title: Wait, role: owner, next: ask}
  - {id: done, title: Done, role: owner}
"""
    assert run(RULE, source) == []
