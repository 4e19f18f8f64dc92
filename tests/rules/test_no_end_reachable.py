from __future__ import annotations

from .helpers import examples, run

RULE = "no-end-reachable"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 2, 9, "steps 'draft-reply' and 'review-reply' loop with no way out, so the "
                     "procedure never ends: add a decision branch that leaves the loop, or "
                     "'end: true' where the flow should stop"),
    ]
    assert run(RULE, *good) == []


def test_a_loop_that_reaches_an_end() -> None:
    source = """\
steps:
  - id: check
    title: Complete?
    role: owner
    decision:
      branches:
        - {when: "Yes", next: done}
        - {when: "No", next: ask}
  - {id: ask, title: Ask for the rest, role: owner, next: check}
  - {id: done, title: Done, role: owner, end: true}
  - {id: never, title: Never reached, role: owner}
"""
    assert run(RULE, source) == []


def test_a_step_that_goes_to_itself() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner}
  - {id: b, title: B, role: owner, next: b}
"""
    assert run(RULE, source) == [
        (RULE, 3, 10, "step 'b' goes back to itself with no way out, so the procedure never "
                      "ends: add a decision branch that leaves the loop, or 'end: true' where "
                      "the flow should stop"),
    ]


def test_steps_leading_into_a_trap_are_not_reported_again() -> None:
    source = """\
steps:
  - {id: start, title: Start, role: owner}
  - {id: loop-a, title: Loop A, role: owner}
  - {id: loop-b, title: Loop B, role: owner, next: loop-a}
"""
    found = run(RULE, source)
    assert [(line, msg.split(" loop ")[0]) for _, line, _, msg in found] == [
        (3, "steps 'loop-a' and 'loop-b'"),
    ]


def test_the_last_step_going_back_is_a_trap() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner}
  - {id: b, title: B, role: owner, next: a}
"""
    assert [line for _, line, _, _ in run(RULE, source)] == [2]


def test_decision_whose_branches_all_loop_back() -> None:
    source = """\
steps:
  - id: ask
    title: Again?
    role: owner
    decision:
      branches:
        - {when: "Yes", next: redo}
        - {when: "No", next: redo}
  - {id: redo, title: Redo, role: owner, next: ask}
  - {id: stop, title: Stop, role: owner}
"""
    assert [msg.split(" loop ")[0] for *_, msg in run(RULE, source)] == [
        "steps 'ask' and 'redo'",
    ]


def test_two_separate_traps() -> None:
    source = """\
steps:
  - id: ask
    title: Which?
    role: owner
    decision:
      branches:
        - {when: "Left", next: left}
        - {when: "Right", next: right}
  - {id: left, title: Left, role: owner, next: left}
  - {id: right, title: Right, role: owner, next: right}
"""
    assert [line for _, line, _, _ in run(RULE, source)] == [9, 10]


def test_an_unknown_next_is_not_also_a_trap() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, next: b}
  - {id: b, title: B, role: owner, next: typo}
  - {id: c, title: C, role: owner, next: a}
"""
    assert run(RULE, source) == []
