"""approval-role-not-approver: an approval is in a role that is not one of the approvers."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.model.approval import approvers_of
from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, first_procedure, raw_approvals
from sopkit.rules._common import quoted


@handbook_rule("approval-role-not-approver", "error",
               "An approval record with meaning approved names a role that is not one of "
               "the procedure's approvers.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `role` of every approval record with `meaning: approved` is
    one of the procedure's `approvers`. Records with `meaning: reviewed` or
    `authored` may be in any role.

    ## Why it matters

    Approving is the approvers' authority: an approval in another role does
    not count for any approver, which is usually a wrong role id or an
    `approvers` list that needs the role.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    approvers: [quality-manager]
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

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    approvers: [quality-manager]
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
        meaning: reviewed
        date: 2026-01-10
    ```
    """
    for document, index, record in raw_approvals(handbook):
        if record.get("meaning") != "approved":
            continue
        procedure = first_procedure(handbook, str(record.get("procedure")))
        if procedure is None:
            continue  # unknown (its own rule) or a duplicate id (ambiguous)
        approvers = approvers_of(procedure.data)
        role = str(record.get("role"))
        if role not in approvers:
            listed = quoted(approvers) or "none"
            yield Problem(document, ("records", index, "role"),
                          f"'{role}' is not an approver of {record.get('procedure')} (its "
                          f"approvers: {listed}): approve in one of these roles, record it "
                          "as reviewed, or add the role to the procedure's approvers")
