from __future__ import annotations

from datetime import date

import pytest

from sopkit.format.dates import add_months

from .helpers import TODAY, examples, rule, run

RULE = "review-overdue"


def review(last: str, months: int = 12) -> str:
    return f"review:\n  interval_months: {months}\n  last_reviewed: {last}\n"


def test_is_a_warning() -> None:
    assert rule(RULE).info.severity == "warning"


def test_doc_example() -> None:
    assert date(2026, 3, 1) == TODAY, "the doc's examples say they are checked on 2026-03-01"
    bad, good = examples(RULE)
    assert run(RULE, *bad) == [
        (RULE, 4, 18, "review was due on 2026-01-31 (12 months after 2025-01-31) and is 29 days "
                      "overdue: review the procedure and set review.last_reviewed to the date "
                      "of the review"),
    ]
    assert run(RULE, *good) == []


@pytest.mark.parametrize(("start", "months", "due"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 8, 31), 1, date(2025, 9, 30)),
    (date(2025, 11, 15), 3, date(2026, 2, 15)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
    (date(2020, 5, 10), 60, date(2025, 5, 10)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, due: date) -> None:
    assert add_months(start, months) == due


def test_january_31_plus_one_month_is_due_at_the_end_of_february() -> None:
    source = review("2026-01-31", months=1)
    assert run(RULE, source, today=date(2026, 2, 28)) == []
    assert run(RULE, source, today=date(2026, 3, 1)) == [
        (RULE, 3, 18, "review was due on 2026-02-28 (1 month after 2026-01-31) and is 1 day "
                      "overdue: review the procedure and set review.last_reviewed to the date "
                      "of the review"),
    ]


def test_leap_year() -> None:
    source = review("2024-01-31", months=1)
    assert run(RULE, source, today=date(2024, 2, 29)) == []
    assert [msg.split(":")[0] for *_, msg in run(RULE, source, today=date(2024, 3, 2))] == [
        "review was due on 2024-02-29 (1 month after 2024-01-31) and is 2 days overdue",
    ]


def test_due_today_is_not_overdue() -> None:
    assert run(RULE, review("2025-03-01")) == []
    assert len(run(RULE, review("2025-02-28"))) == 1


def test_no_review_section() -> None:
    assert run(RULE, "id: QA-002\n") == []


def test_a_retired_procedure_is_not_due_for_review() -> None:
    source = "status: retired\n" + review("2020-01-01")
    assert run(RULE, source) == []
    assert run(RULE, "status: draft\n" + review("2020-01-01")) != []
