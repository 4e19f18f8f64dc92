from __future__ import annotations

from .helpers import examples, run

RULE = "output-not-produced"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 2, 9, "output 'paid-invoice' is not produced by any step "
                     "(did you mean 'payed-invoice'?): use the same id in the step's outputs"),
    ]
    assert run(RULE, *good) == []


def test_no_step_produces_anything_like_it() -> None:
    source = """\
outputs:
  - id: archive-box
    name: Archive box
"""
    assert run(RULE, source) == [
        (RULE, 2, 9, "output 'archive-box' is not produced by any step: add it to the outputs "
                     "of the step that produces it"),
    ]


def test_any_step_may_produce_it() -> None:
    source = """\
outputs:
  - {id: report, name: Report}
steps:
  - {id: a, title: A, role: owner}
  - {id: b, title: B, role: owner, outputs: [report]}
  - {id: c, title: C, role: owner}
"""
    assert run(RULE, source) == []


def test_no_outputs() -> None:
    assert run(RULE, "steps:\n  - {id: a, title: A, role: owner, outputs: [x]}\n") == []
