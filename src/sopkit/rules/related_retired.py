"""related-retired: `related` points at a retired procedure."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule


@procedure_rule("related-retired", "warning",
                "A related id names a procedure whose status is retired.",
                depends_on="extracts", extract=("id", "title", "status", "related"))
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Warns when an id under `related` names a procedure whose `status` is
    `retired`. A procedure that is itself retired may keep such links.

    ## Why it matters

    A retired procedure is no longer to be followed. Sending readers there
    from a current procedure invites them to do things the old way; usually a
    newer procedure replaced it, and the link should point there.

    ## Example

    ```yaml
    # procedures/hr/onboarding.yml
    id: HR-001
    related: [HR-002]
    ```

    ```yaml
    # procedures/hr/paper-onboarding.yml
    id: HR-002
    title: Onboarding with paper forms
    status: retired
    ```

    ## Use instead

    ```yaml
    # procedures/hr/onboarding.yml
    id: HR-001
    related: [HR-003]
    ```

    ```yaml
    # procedures/hr/offboarding.yml
    id: HR-003
    title: Employee offboarding
    status: approved
    approvers: [coo]
    effective_date: 2026-01-15
    ```
    """
    if document.data.get("status") == "retired":
        return
    related = document.data.get("related")
    for index, other in enumerate(related if isinstance(related, list) else []):
        if not isinstance(other, str):
            continue
        targets = handbook.by_id.get(other, ())
        retired = [t for t in targets if t.data.get("status") == "retired"]
        if not retired or len(retired) < len(targets):
            continue
        title = retired[0].data.get("title")
        named = f" ({title})" if isinstance(title, str) else ""
        yield Problem(
            document, ("related", index),
            f"related procedure '{other}'{named} is retired: point at the procedure that "
            "replaced it, or remove it",
        )
