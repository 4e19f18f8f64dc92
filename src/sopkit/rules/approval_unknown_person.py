"""approval-unknown-person: an approval record names a person not in organization.yml."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, raw_approvals
from sopkit.rules._common import Suggestions
from sopkit.rules._training import people


@handbook_rule("approval-unknown-person", "error",
               "An approval record names a person who is not in organization.yml's people.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `person` of every approval record is the `id` of a person
    under `people` in organization.yml.

    ## Why it matters

    An approval says who signed; a person sopkit cannot find cannot be shown
    by name on the page and printout, nor checked for the role they approve in.

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
        person: li-na2
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
    suggest = Suggestions()
    for document, index, record in raw_approvals(handbook):
        person = str(record.get("person"))
        if person in known:
            continue
        hint = suggest(person, known) or (
            ": add the person to people in organization.yml, or correct the id")
        yield Problem(document, ("records", index, "person"),
                      f"person '{person}' is not in organization.yml's people{hint}")
