"""training-future-date: a training record is dated after today."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.dates import parse_date
from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._training import EXTRACT, raw_records


@handbook_rule("training-future-date", "error",
               "A training record is dated after today.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that no training record has a `date` after today (the date can be
    pinned with `--today` or the `today` option).

    ## Why it matters

    A record is evidence of a training that took place. A planned training is
    not one yet, and a mistyped year would make a person look trained for a
    year too long.

    ## Example

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-12-01
    ```

    ## Use instead

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
    ```
    """
    for document, index, record in raw_records(handbook):
        day = parse_date(record.get("date"))
        if day is not None and day > handbook.today:
            yield Problem(document, ("records", index, "date"),
                          f"this training is dated {day.isoformat()}, after today "
                          f"({handbook.today.isoformat()}): record a training once it took "
                          "place, or correct the date")
