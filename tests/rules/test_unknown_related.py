from __future__ import annotations

from .helpers import examples, problems

RULE = "unknown-related"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("procedures/hr/onboarding.yml", RULE, 3, 11,
         "related procedure 'HR-02' is not in this handbook (did you mean 'HR-002'?)"),
    ]
    assert problems(RULE, *good) == []


def test_without_a_close_match() -> None:
    assert problems(RULE, "id: HR-001\nrelated: [FIN-900]\n") == [
        ("p.yml", RULE, 2, 11,
         "related procedure 'FIN-900' is not in this handbook: use the id of a procedure in "
         "this handbook, or remove it"),
    ]


def test_each_unknown_id_is_reported() -> None:
    found = problems(RULE, "id: HR-001\nrelated: [HR-001, X-1, HR-002, X-2]\n",
                     "# b.yml\nid: HR-002\n")
    assert [(line, col) for _, _, line, col, _ in found] == [(2, 19), (2, 32)]
