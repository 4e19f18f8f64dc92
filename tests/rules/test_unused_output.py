from __future__ import annotations

from .helpers import examples, rule, run

RULE = "unused-output"


def test_is_a_warning() -> None:
    assert rule(RULE).info.severity == "warning"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 5, 15, "step 'scan-invoice' produces 'invoice-scan', but no later step uses it "
                      "and it is not a procedure output: use it as a later step's input, add it "
                      "to the procedure's outputs, or remove it"),
    ]
    assert run(RULE, *good) == []


def test_used_by_a_later_step() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, outputs: [draft]}
  - {id: b, title: B, role: owner}
  - {id: c, title: C, role: owner, inputs: [draft]}
"""
    assert run(RULE, source) == []


def test_used_only_by_an_earlier_step() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, inputs: [draft]}
  - {id: b, title: B, role: owner, outputs: [draft, notes]}
"""
    assert [(line, col) for _, line, col, _ in run(RULE, source)] == [(3, 46), (3, 53)]
