"""approval-unknown-version: an approval record names a version the procedure never had."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, first_procedure, raw_approvals
from sopkit.rules._common import quoted


@handbook_rule("approval-unknown-version", "error",
               "An approval record names a version that is not in the procedure's history.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `version` of every approval record is one of the versions
    listed in the procedure's `history`.

    ## Why it matters

    The version says which content was approved; a version the procedure
    never had approves no content of it.

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
        version: 1.1.0
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
    for document, index, record in raw_approvals(handbook):
        procedure = first_procedure(handbook, str(record.get("procedure")))
        if procedure is None:
            continue  # unknown (its own rule) or a duplicate id (ambiguous)
        history = procedure.data.get("history") or []
        versions = [str(entry.get("version")) for entry in history if isinstance(entry, dict)]
        version = str(record.get("version"))
        if version not in versions:
            yield Problem(document, ("records", index, "version"),
                          f"{record.get('procedure')} never had version {version}: use a "
                          f"version of its history, {quoted(versions[:5])}")
