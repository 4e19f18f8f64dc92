"""approval-duplicate: the same approval is recorded twice."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, raw_approvals


@handbook_rule("approval-duplicate", "error",
               "The same approval (procedure, version, digest, person, role, meaning) is "
               "recorded twice.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that no two approval records (in any approvals files) have the same
    `procedure`, `version`, `digest`, `person`, `role` and `meaning`, whatever
    their dates.

    ## Why it matters

    A person signs a content once in a role: a second copy adds nothing but
    doubt about which date is right.

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
        date: 2026-01-10
      - procedure: QA-001
        version: 1.0.0
        digest: sha256:b6152666db2e6f8d4a89c7039fb85882b80fee6e597978462aa27090c2693162
        person: li-na
        role: owner
        meaning: approved
        date: 2026-01-12
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
    first: dict[tuple[str, ...], tuple[str, int]] = {}
    for document, index, record in raw_approvals(handbook):
        key = tuple(str(record.get(k)) for k in
                    ("procedure", "version", "digest", "person", "role", "meaning"))
        if key not in first:
            first[key] = (document.file, index)
            continue
        file, earlier = first[key]
        yield Problem(document, ("records", index),
                      f"{key[3]}'s signature ({key[5]}, as {key[4]}) of {key[0]} {key[1]} is "
                      f"already recorded (record {earlier + 1} of {file}): remove this copy")
