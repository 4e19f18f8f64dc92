from __future__ import annotations

from .helpers import examples, problems, where

RULE = "duplicate-procedure-id"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert problems(RULE, *bad) == [
        ("procedures/hr/offboarding.yml", RULE, 2, 5,
         "procedure id 'HR-001' is also used by procedures/hr/onboarding.yml: "
         "give each procedure its own id"),
        ("procedures/hr/onboarding.yml", RULE, 2, 5,
         "procedure id 'HR-001' is also used by procedures/hr/offboarding.yml: "
         "give each procedure its own id"),
    ]
    assert problems(RULE, *good) == []


def test_three_files_name_the_two_others() -> None:
    found = problems(RULE, "# a.yml\nid: X-1\n", "# b.yml\nid: X-1\n", "# c.yml\nid: X-1\n")
    assert [(f, m.split(": ")[0]) for f, _, _, _, m in found] == [
        ("a.yml", "procedure id 'X-1' is also used by b.yml and c.yml"),
        ("b.yml", "procedure id 'X-1' is also used by a.yml and c.yml"),
        ("c.yml", "procedure id 'X-1' is also used by a.yml and b.yml"),
    ]


def test_only_the_duplicates_are_reported() -> None:
    assert where(RULE, "# a.yml\nid: X-1\n", "# b.yml\nid: X-2\n", "# c.yml\nid: X-2\n") == [
        ("b.yml", 2, 5), ("c.yml", 2, 5),
    ]


def test_a_single_procedure_passes() -> None:
    assert problems(RULE, "id: X-1\n") == []
