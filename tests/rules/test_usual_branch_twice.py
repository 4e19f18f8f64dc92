from __future__ import annotations

from .helpers import examples, rule, run

RULE = "usual-branch-twice"


def test_is_an_error() -> None:
    assert rule(RULE).info.severity == "error"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    found = run(RULE, *bad)
    assert [(line, message) for _, line, _, message in found] == [
        (12, "decision 'count-stock' marks more than one branch as usual (branch 1 already "
             "is): keep usual: true on the one normal route only")]
    assert run(RULE, *good) == []


def test_usual_false_is_not_usual() -> None:
    source = """\
steps:
  - id: ask
    title: Ask
    role: owner
    decision:
      branches:
        - {when: "Yes", next: done, usual: true}
        - {when: "No", next: done, usual: false}
  - {id: done, title: Done, role: owner, end: true}
"""
    assert run(RULE, source) == []


def test_each_extra_usual_branch_is_reported() -> None:
    source = """\
steps:
  - id: ask
    title: Ask
    role: owner
    decision:
      branches:
        - {when: "A", next: done, usual: true}
        - {when: "B", next: done, usual: true}
        - {when: "C", next: done, usual: true}
  - {id: done, title: Done, role: owner, end: true}
"""
    assert [line for _, line, _, _ in run(RULE, source)] == [8, 9]
