"""approval-stale: an approved procedure changed after its approval was recorded."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._approval import EXTRACT, approver_path, since, states


@handbook_rule("approval-stale", "warning",
               "An approved procedure changed after its approval was recorded.",
               depends_on="approvals", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Once the handbook has approval records, checks that the approval of each
    approver role of a procedure with `status: approved` is for its current
    content: the record's `version` and `digest` are the procedure's current
    ones (`sopkit digest ID` prints the digest). The message names the version
    that was approved and what the procedure's history says changed since;
    `sopkit diff` against the commit of the approval shows every change.

    ## Why it matters

    An approval is of the content that was approved. Any edit but status,
    effective date, review dates and `x-` keys changes the digest, so a text
    changed after approval is noticed, and the approver signs again.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    version: 1.1.0
    status: approved
    effective_date: 2026-02-01
    approvers: [owner]
    history:
      - version: 1.1.0
        date: 2026-01-20
        author: Li Na
        summary: Added a check.
      - version: 1.0.0
        date: 2025-01-01
        author: Li Na
        summary: First release.
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
        digest: sha256:5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592
        person: li-na
        role: owner
        meaning: approved
        date: 2025-01-02
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    version: 1.1.0
    status: approved
    effective_date: 2026-02-01
    approvers: [owner]
    history:
      - version: 1.1.0
        date: 2026-01-20
        author: Li Na
        summary: Added a check.
      - version: 1.0.0
        date: 2025-01-01
        author: Li Na
        summary: First release.
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
        digest: sha256:5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592
        person: li-na
        role: owner
        meaning: approved
        date: 2025-01-02
      - procedure: QA-001
        version: 1.1.0
        digest: sha256:2a38a024cf107ab31b893b8f2d52752e44ef0dcd33209d3c997ae85e04626743
        person: li-na
        role: owner
        meaning: approved
        date: 2026-01-25
    ```
    """
    for document, state in states(handbook):
        record = state.record
        if state.state != "stale" or record is None:
            continue
        procedure, version = document.data.get("id"), str(document.data.get("version"))
        changes = since(document, record.version) if record.version != version else ""
        now = (f"now {version}" + (f"; since then: {changes}" if changes else "")
               if record.version != version
               else "its content changed without a version raise")
        yield Problem(document, approver_path(document, state.role),
                      f"{procedure} changed after {record.person} ({state.role}) approved "
                      f"version {record.version} on {record.date.isoformat()} ({now}): "
                      f"approve the current content again (sopkit approve {procedure} --as "
                      f"{record.person} --role {state.role})")
