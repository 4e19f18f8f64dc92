from __future__ import annotations

from .helpers import examples, run

RULE = "unreachable-step"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 6, 9, "step 'notify-requester' is never reached from the first step "
                     "'approve-request': no step leads to it (step 'approve-request' above it "
                     "has 'end: true'); point a next or a decision branch at it, or remove it"),
    ]
    assert run(RULE, *good) == []


def test_a_decision_that_loops_back() -> None:
    # The spec's own example: a decision, a step that goes back to it, an end.
    source = """\
steps:
  - id: prepare
    title: Prepare
    role: owner
  - id: complete
    title: Complete?
    role: owner
    decision:
      branches:
        - {when: "Yes", next: create}
        - {when: "No", next: request}
  - {id: request, title: Request missing, role: owner, next: complete}
  - {id: create, title: Create, role: owner, end: true}
"""
    assert run(RULE, source) == []


def test_a_decision_goes_only_to_its_branches() -> None:
    source = """\
steps:
  - id: ask
    title: Urgent?
    role: owner
    decision:
      branches:
        - {when: "Yes", next: escalate}
        - {when: "No", next: escalate}
  - {id: queue, title: Queue it, role: owner}
  - {id: escalate, title: Escalate, role: owner}
"""
    assert [msg.split(";")[0] for *_, msg in run(RULE, source)] == [
        "step 'queue' is never reached from the first step 'ask': no step leads to it "
        "(the decision 'ask' above it has no branch to it)",
    ]


def test_a_chain_of_unreachable_steps() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, next: d}
  - {id: b, title: B, role: owner}
  - {id: c, title: C, role: owner}
  - {id: d, title: D, role: owner}
"""
    found = run(RULE, source)
    assert [(line, msg.split(";")[0]) for _, line, _, msg in found] == [
        (3, "step 'b' is never reached from the first step 'a': no step leads to it "
            "(step 'a' above it goes to 'd')"),
        (4, "step 'c' is never reached from the first step 'a': only step 'b' leads to it, "
            "and that is not reached either"),
    ]


def test_a_last_step_with_next_goes_on() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, next: c}
  - {id: b, title: B, role: owner, end: true}
  - {id: c, title: C, role: owner, next: b}
"""
    assert run(RULE, source) == []


def test_unknown_targets_do_not_hide_other_steps() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, next: typo}
  - {id: b, title: B, role: owner}
"""
    assert [line for _, line, _, _ in run(RULE, source)] == [3]


def test_a_single_step() -> None:
    assert run(RULE, "steps:\n  - {id: only, title: Only, role: owner}\n") == []
