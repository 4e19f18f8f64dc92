"""unknown-step: a `next` or decision branch names a step that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.model.flow import edges
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import Suggestions, ids


@procedure_rule("unknown-step", "error",
                "A next or a decision branch goes to a step that is not in the procedure.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every `next`, of a step or of a decision branch, is the id of
    a step of the same procedure.

    ## Why it matters

    The flow, the flowchart and the "continue with" links follow `next`. A
    `next` that names no step breaks the flow at that point: the reader does
    not know where to go, and the flowchart has an arrow into nothing.

    ## Example

    ```yaml
    steps:
      - id: check-budget
        title: Is there budget left?
        role: controller
        decision:
          branches:
            - when: "Yes"
              next: aprove
            - when: "No"
              next: reject
      - id: approve
        title: Approve the purchase
        role: controller
        end: true
      - id: reject
        title: Reject the purchase
        role: controller
    ```

    ## Use instead

    ```yaml
    steps:
      - id: check-budget
        title: Is there budget left?
        role: controller
        decision:
          branches:
            - when: "Yes"
              next: approve
            - when: "No"
              next: reject
      - id: approve
        title: Approve the purchase
        role: controller
        end: true
      - id: reject
        title: Reject the purchase
        role: controller
    ```
    """
    steps = document.data.get("steps")
    steps = steps if isinstance(steps, list) else []
    known = set(ids(steps))
    suggest = Suggestions()
    for edge in edges(steps):
        if edge.path is None or edge.target in known:
            continue
        where = f"step '{edge.source}'"
        if edge.label is not None:
            where += f" branch '{edge.label}'"
        hint = suggest(edge.target, known) or ": use the id of one of this procedure's steps"
        yield Problem(
            document, edge.path,
            f"{where} goes to '{edge.target}', which is not a step of this procedure{hint}",
        )
