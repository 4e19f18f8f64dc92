"""approval-role-not-held: an approval record names a role the person does not hold."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, holders, raw_approvals
from sopkit.rules._common import quoted
from sopkit.rules._training import people


@handbook_rule("approval-role-not-held", "error",
               "An approval record names a role the person does not hold.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `role` of every approval record is one of the roles the
    person holds in organization.yml.

    ## Why it matters

    The role is the authority the signature is given with: a person can only
    approve as a role that is theirs (an approval as someone else's role is
    not an approval by that role).

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
        roles: [reviewer]
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
    known = people(handbook)
    held = holders(handbook)
    for document, index, record in raw_approvals(handbook):
        person, role = str(record.get("person")), str(record.get("role"))
        if person not in known or role in held.get(person, ()):
            continue  # an unknown person is its own rule
        roles = quoted(held.get(person, ())) or "none"
        yield Problem(document, ("records", index, "role"),
                      f"{person} does not hold the role '{role}' (their roles: {roles}): "
                      "record the approval by a person who holds it, or add the role to "
                      "the person in organization.yml")
