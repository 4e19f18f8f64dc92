"""review-overdue: the procedure's periodic review is past due."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.dates import add_months, parse_date
from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule


@procedure_rule("review-overdue", "warning",
                "The last review plus the review interval is before today.",
                depends_on="extracts", extract=("review", "status"))
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Adds `review.interval_months` to `review.last_reviewed` and warns when that
    due date is before today. Months are calendar months; a day that the due
    month lacks becomes its last day (reviewed on 31 January, due one month
    later on 28 or 29 February). Today is the build date unless the handbook's
    config pins it, so that a build can be reproduced. The handbook's config
    can make this rule an error. Retired procedures are no longer followed,
    so they are not due for review.

    ## Why it matters

    Procedures drift from practice: systems, people and laws change. A
    procedure past its review date may no longer be what people actually do,
    and many quality and audit frameworks require reviews on schedule.

    ## Example

    ```yaml
    # checked on 2026-03-01
    review:
      interval_months: 12
      last_reviewed: 2025-01-31
    ```

    ## Use instead

    ```yaml
    # checked on 2026-03-01
    review:
      interval_months: 12
      last_reviewed: 2026-02-20
    ```
    """
    review = document.data.get("review")
    if not isinstance(review, dict) or document.data.get("status") == "retired":
        return
    months = review.get("interval_months")
    last = parse_date(review.get("last_reviewed"))
    if last is None or not isinstance(months, int) or isinstance(months, bool):
        return
    due = add_months(last, months)
    if due >= handbook.today:
        return
    late = (handbook.today - due).days
    yield Problem(
        document, ("review", "last_reviewed"),
        f"review was due on {due.isoformat()} ({months} month{'s' if months != 1 else ''} "
        f"after {last.isoformat()}) and is {late} day{'s' if late != 1 else ''} overdue: "
        "review the procedure and set review.last_reviewed to the date of the review",
    )
