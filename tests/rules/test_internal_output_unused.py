from __future__ import annotations

from .helpers import examples, rule, run

RULE = "internal-output-unused"


def test_is_a_warning() -> None:
    assert rule(RULE).info.severity == "warning"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 4, 5, "internal output 'count-sheets' is made and used inside the procedure, "
                     "but no later step lists it in its inputs: add it to the outputs of the "
                     "step that makes it and the inputs of the step that uses it, or remove "
                     "internal: true and name its recipient"),
    ]
    assert run(RULE, *good) == []


def test_an_internal_output_no_step_makes() -> None:
    source = """\
outputs:
  - {id: pack, name: Document pack, internal: true}
steps:
  - {id: a, title: A, role: owner, inputs: [pack]}
"""
    [(_, line, _, message)] = run(RULE, source)
    assert line == 2 and "no step produces it" in message


def test_used_only_before_it_is_made_is_not_used() -> None:
    source = """\
outputs:
  - {id: pack, name: Document pack, internal: true}
steps:
  - {id: a, title: A, role: owner, inputs: [pack]}
  - {id: b, title: B, role: owner, outputs: [pack]}
"""
    assert [line for _, line, _, _ in run(RULE, source)] == [2]


def test_outputs_that_leave_the_procedure_are_not_its_business() -> None:
    source = """\
outputs:
  - {id: record, name: Record, recipient: Payroll}
  - {id: pack, name: Document pack, internal: false}
steps:
  - {id: a, title: A, role: owner, outputs: [record, pack]}
"""
    assert run(RULE, source) == []
