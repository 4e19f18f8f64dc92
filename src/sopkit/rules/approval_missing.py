"""approval-missing: an approved procedure has no approval record for an approver role."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, approver_path, command, states


@handbook_rule("approval-missing", "warning",
               "An approved procedure has no approval record for one of its approver roles.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Once the handbook has approval records (in `approvals/`), checks that every
    procedure with `status: approved` has, for each role in `approvers`, a record
    with `meaning: approved` by a person who holds that role, for its current
    `version` and content digest. A procedure whose approval is on record for an
    older content is `approval-stale` instead.

    ## Why it matters

    `status: approved` is a claim; the approval record is the evidence (who
    approved exactly this content, in which role, when) that ISO 9001 7.5 and
    GMP ask for. The rule is opt-in: a handbook without approval records gets
    none of these findings.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    status: approved
    effective_date: 2026-01-15
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
        digest: sha256:9d8ceec09ac1099ac33aa7633e0a36ccf9c9a55a149ee7747bee45c82a887520
        person: li-na
        role: owner
        meaning: reviewed
        date: 2026-01-10
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    status: approved
    effective_date: 2026-01-15
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
        digest: sha256:9d8ceec09ac1099ac33aa7633e0a36ccf9c9a55a149ee7747bee45c82a887520
        person: li-na
        role: owner
        meaning: approved
        date: 2026-01-10
    ```
    """
    for document, state in states(handbook):
        if state.state != "missing":
            continue
        procedure, version = document.data.get("id"), document.data.get("version")
        yield Problem(document, approver_path(document, state.role),
                      f"{procedure} {version} is approved but has no approval record of its "
                      f"current content by its approver '{state.role}': record the approval "
                      f"({command(str(procedure), state.role, handbook)})")
