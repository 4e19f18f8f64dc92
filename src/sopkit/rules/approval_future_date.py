"""approval-future-date: an approval record is dated after today."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.dates import parse_date
from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, raw_approvals


@handbook_rule("approval-future-date", "error",
               "An approval record is dated after today.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that no approval record has a `date` after today (which can be
    pinned with the `today` option for reproducible builds).

    ## Why it matters

    An approval is recorded once it was given: a date in the future is a
    typo, or an effective date written where the approval date belongs.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    approvers: [owner]
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
    ```

    ```yaml
    # approvals/2026.yml
    records:
      - procedure: QA-001
        version: 1.0.0
        digest: sha256:b6152666db2e6f8d4a89c7039fb85882b80fee6e597978462aa27090c2693162
        person: li-na
        role: owner
        meaning: approved
        date: 2026-12-01
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    approvers: [owner]
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
    ```

    ```yaml
    # approvals/2026.yml
    records:
      - procedure: QA-001
        version: 1.0.0
        digest: sha256:b6152666db2e6f8d4a89c7039fb85882b80fee6e597978462aa27090c2693162
        person: li-na
        role: owner
        meaning: approved
        date: 2026-01-10
    ```
    """
    for document, index, record in raw_approvals(handbook):
        day = parse_date(record.get("date"))
        if day is not None and day > handbook.today:
            yield Problem(document, ("records", index, "date"),
                          f"this approval is dated {day.isoformat()}, after today "
                          f"({handbook.today.isoformat()}): record an approval once it was "
                          "given, or correct the date")
