"""training-unknown-procedure: a training record names a procedure not in the handbook."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._common import Suggestions
from sopkit.rules._training import EXTRACT, raw_records


@handbook_rule("training-unknown-procedure", "error",
               "A training record names a procedure that is not in the handbook.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `procedure` of every training record is the `id` of a
    procedure in the handbook. A procedure that is in the handbook but breaks
    the format still counts: its own errors say what to fix there.

    ## Why it matters

    A record for a procedure that does not exist counts for nothing: often
    the id has a typo, or the procedure was renumbered.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-01
        version: 1.0.0
        date: 2026-02-01
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
    ```
    """
    suggest = Suggestions()
    for document, index, record in raw_records(handbook):
        procedure = str(record.get("procedure"))
        if procedure in handbook.by_id or procedure in handbook.invalid_ids:
            continue
        hint = suggest(procedure, handbook.by_id) or (
            ": use the id of a procedure in this handbook")
        yield Problem(document, ("records", index, "procedure"),
                      f"procedure '{procedure}' is not in this handbook{hint}")
