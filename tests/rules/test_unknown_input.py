from __future__ import annotations

from .helpers import examples, run

RULE = "unknown-input"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 8, 32, "step 'match-invoice' uses input 'goods-receipt', which is produced only "
                      "later, by step 'receive-goods': move the producing step earlier, or "
                      "list it as a procedure input"),
    ]
    assert run(RULE, *good) == []


def test_procedure_inputs_and_earlier_outputs_are_available() -> None:
    source = """\
inputs:
  - {id: request, name: Request}
steps:
  - {id: a, title: A, role: owner, inputs: [request], outputs: [draft]}
  - {id: b, title: B, role: owner, inputs: [request, draft], outputs: [final]}
  - {id: c, title: C, role: owner, inputs: [final, draft]}
"""
    assert run(RULE, source) == []


def test_typo_gets_a_suggestion() -> None:
    source = """\
inputs:
  - {id: signed-offer, name: Signed offer}
steps:
  - {id: a, title: A, role: owner, inputs: [signed-ofer]}
"""
    assert run(RULE, source) == [
        (RULE, 4, 45, "step 'a' uses input 'signed-ofer', which is neither a procedure input "
                      "nor an output of an earlier step (did you mean 'signed-offer'?)"),
    ]


def test_unknown_input_without_a_close_match() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, inputs: [budget]}
"""
    assert run(RULE, source) == [
        (RULE, 2, 45, "step 'a' uses input 'budget', which is neither a procedure input nor "
                      "an output of an earlier step: add it to the procedure's inputs or to an "
                      "earlier step's outputs"),
    ]


def test_a_step_cannot_use_its_own_output() -> None:
    source = """\
steps:
  - {id: a, title: A, role: owner, inputs: [notes], outputs: [notes]}
"""
    assert [msg.split(":")[0] for *_, msg in run(RULE, source)] == [
        "step 'a' uses input 'notes', which is produced only later, by step 'a' (itself)",
    ]


def test_loop_back_does_not_make_a_later_output_available() -> None:
    source = """\
steps:
  - {id: check, title: Check, role: owner, inputs: [fixes]}
  - {id: fix, title: Fix, role: owner, outputs: [fixes], next: check}
"""
    assert [(line, col) for _, line, col, _ in run(RULE, source)] == [(2, 53)]
