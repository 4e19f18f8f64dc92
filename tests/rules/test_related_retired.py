from __future__ import annotations

from .helpers import examples, problems, rule

RULE = "related-retired"

RETIRED = "# old.yml\nid: HR-009\ntitle: Paper onboarding\nstatus: retired\n"


def test_is_a_warning() -> None:
    assert rule(RULE).info.severity == "warning"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("procedures/hr/onboarding.yml", RULE, 3, 11,
         "related procedure 'HR-002' (Onboarding with paper forms) is retired: point at the "
         "procedure that replaced it, or remove it"),
    ]
    assert problems(RULE, *good) == []


def test_a_retired_procedure_may_point_at_retired_ones() -> None:
    source = "id: HR-008\nstatus: retired\nrelated: [HR-009]\n"
    assert problems(RULE, source, RETIRED) == []


def test_unknown_ids_are_left_to_unknown_related() -> None:
    assert problems(RULE, "id: HR-001\nrelated: [HR-404]\n", RETIRED) == []
