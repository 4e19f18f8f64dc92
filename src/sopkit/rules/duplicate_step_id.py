"""duplicate-step-id: two steps of a procedure share an id."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import duplicates


@procedure_rule("duplicate-step-id", "error", "Two steps of one procedure have the same id.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every step `id` is used once within its procedure. The second
    and later steps with an id already taken are reported.

    ## Why it matters

    `next` and decision branches name steps by id, and the flowchart draws one
    box per id. With two steps sharing an id, the flow cannot tell which one is
    meant, and one of them silently disappears from the chart.

    ## Example

    ```yaml
    steps:
      - id: check-invoice
        title: Check the invoice
        role: accounts-clerk
      - id: check-invoice
        title: Check the delivery note
        role: accounts-clerk
    ```

    ## Use instead

    ```yaml
    steps:
      - id: check-invoice
        title: Check the invoice
        role: accounts-clerk
      - id: check-delivery-note
        title: Check the delivery note
        role: accounts-clerk
    ```
    """
    for index, step_id, first in duplicates(document.data.get("steps")):
        line = document.position(("steps", first, "id"))[0]
        yield Problem(
            document, ("steps", index, "id"),
            f"step id '{step_id}' is already used by the step on line {line}: "
            "give each step its own id",
        )
