"""approval-incomplete: an approved procedure without approvers or effective date."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import joined


@procedure_rule("approval-incomplete", "error",
                "A procedure with status approved lacks approvers or an effective_date.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that a procedure with `status: approved` says who approved it
    (`approvers`, at least one role id) and from when it applies
    (`effective_date`).

    ## Why it matters

    "Approved" is a claim that auditors and staff rely on: that the named
    positions signed the procedure off, and that it is binding from a given
    day. Without approvers and an effective date the claim cannot be checked.

    ## Example

    ```yaml
    status: approved
    approvers: [coo]
    ```

    ## Use instead

    ```yaml
    status: approved
    approvers: [coo]
    effective_date: 2026-01-15
    ```
    """
    data = document.data
    if data.get("status") != "approved":
        return
    missing = []
    if not data.get("approvers"):
        missing.append("approvers")
    if not data.get("effective_date"):
        missing.append("effective_date")
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        yield Problem(
            document, ("status",),
            f"status is 'approved' but {joined(missing)} {verb} missing: add "
            f"{'it' if len(missing) == 1 else 'them'}, or set status to 'review' "
            "until the procedure is signed off",
        )
