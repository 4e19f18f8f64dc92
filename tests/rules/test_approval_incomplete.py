from __future__ import annotations

from .helpers import examples, run

RULE = "approval-incomplete"


def test_doc_example() -> None:
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 1, 9, "status is 'approved' but effective_date is missing: add it, or set "
                     "status to 'review' until the procedure is signed off"),
    ]
    assert run(RULE, *good) == []


def test_both_missing() -> None:
    assert run(RULE, "id: QA-002\nstatus: approved\n") == [
        (RULE, 2, 9, "status is 'approved' but approvers and effective_date are missing: add "
                     "them, or set status to 'review' until the procedure is signed off"),
    ]


def test_empty_approvers_count_as_missing() -> None:
    found = run(RULE, "status: approved\napprovers: []\neffective_date: 2026-01-15\n")
    assert [msg.split(":")[0] for *_, msg in found] == [
        "status is 'approved' but approvers is missing",
    ]


def test_other_statuses_need_neither() -> None:
    for status in ("draft", "review", "retired"):
        assert run(RULE, f"status: {status}\n") == []
