"""no-end-reachable: steps that loop forever, with no way to an end."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.model.flow import successors, traps
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import quoted


@procedure_rule("no-end-reachable", "error",
                "Some steps loop among themselves and the flow can never end from them.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that from every step the flow can reach an end: a step with
    `end: true`, or the last step when it has no `next` and is no decision.
    Each loop with no way out is reported once, at its first step; steps that
    only lead into such a loop are freed when the loop gets an exit.

    ## Why it matters

    A loop is fine ("request the missing documents, then check again") as long
    as a branch leaves it. A loop without an exit is a trap: whoever follows
    the procedure goes round forever, and the flowchart has no way out.

    ## Example

    ```yaml
    steps:
      - id: draft-reply
        title: Draft the reply
        role: support-agent
      - id: review-reply
        title: Review the reply
        role: support-lead
        next: draft-reply
      - id: send-reply
        title: Send the reply
        role: support-agent
    ```

    ## Use instead

    ```yaml
    steps:
      - id: draft-reply
        title: Draft the reply
        role: support-agent
      - id: review-reply
        title: Is the reply ready to send?
        role: support-lead
        decision:
          branches:
            - when: "Yes"
              next: send-reply
            - when: "No, needs changes"
              next: draft-reply
      - id: send-reply
        title: Send the reply
        role: support-agent
    ```
    """
    steps = document.data.get("steps")
    if not isinstance(steps, list):
        return
    graph = successors(steps)
    index_of: dict[str, int] = {}
    for index, step in enumerate(steps):
        if isinstance(step.get("id"), str):
            index_of.setdefault(step["id"], index)
    for group in traps(graph):
        members = sorted(group, key=index_of.__getitem__)
        first = members[0]
        if len(members) == 1:
            what = f"step '{first}' goes back to itself with no way out"
        else:
            what = f"steps {quoted(members)} loop with no way out"
        yield Problem(
            document, ("steps", index_of[first], "id"),
            f"{what}, so the procedure never ends: add a decision branch that leaves the "
            "loop, or 'end: true' where the flow should stop",
        )
