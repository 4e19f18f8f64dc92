"""approval-unknown-procedure: an approval record names a procedure that is not in the handbook."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, raw_approvals
from sopkit.rules._common import Suggestions


@handbook_rule("approval-unknown-procedure", "error",
               "An approval record names a procedure that is not in the handbook.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `procedure` of every approval record is the `id` of a
    procedure of the handbook.

    ## Why it matters

    An approval of a procedure sopkit cannot find approves nothing: usually a
    typo in the id, or a procedure that was renamed.

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
      - procedure: QA-01
        version: 1.0.0
        digest: sha256:b6152666db2e6f8d4a89c7039fb85882b80fee6e597978462aa27090c2693162
        person: li-na
        role: owner
        meaning: approved
        date: 2026-01-10
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
    suggest = Suggestions()
    for document, index, record in raw_approvals(handbook):
        procedure = str(record.get("procedure"))
        if procedure in handbook.by_id or procedure in handbook.invalid_ids:
            continue
        hint = suggest(procedure, handbook.by_id) or (
            ": use the id of a procedure in this handbook")
        yield Problem(document, ("records", index, "procedure"),
                      f"procedure '{procedure}' is not in this handbook{hint}")
