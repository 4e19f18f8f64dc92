"""unreachable-step: a step the flow never reaches from the first step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sopkit.format.load import Document
from sopkit.model.flow import predecessors, reachable, successors
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import quoted


@procedure_rule("unreachable-step", "error",
                "A step cannot be reached by following the flow from the first step.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Follows the flow from the first step and reports every step it never
    reaches. A plain step goes to its `next`, or else to the step below it; a
    decision goes only to its branches; a step with `end: true`, and the last
    step, end the flow.

    ## Why it matters

    Nobody following the procedure will ever do a step that the flow does not
    lead to. Usually a `next` or a branch points at the wrong step, or an
    `end: true` is on the wrong step.

    ## Example

    ```yaml
    steps:
      - id: approve-request
        title: Approve the request
        role: team-lead
        end: true
      - id: notify-requester
        title: Tell the requester
        role: team-lead
    ```

    ## Use instead

    ```yaml
    steps:
      - id: approve-request
        title: Approve the request
        role: team-lead
      - id: notify-requester
        title: Tell the requester
        role: team-lead
        end: true
    ```
    """
    steps = document.data.get("steps")
    if not isinstance(steps, list) or not steps:
        return
    graph = successors(steps)
    first = steps[0].get("id")
    reached = reachable(graph, [first] if isinstance(first, str) else [])
    before = predecessors(graph)
    for index, step in enumerate(steps):
        step_id = step.get("id")
        if not isinstance(step_id, str) or step_id in reached:
            continue
        sources = [s for s in before.get(step_id, []) if s != step_id]
        if len(sources) == 1:
            why = f"only step {quoted(sources)} leads to it, and that is not reached either"
        elif sources:
            why = f"only steps {quoted(sources)} lead to it, and they are not reached either"
        else:
            why = "no step leads to it" + _above(steps, index)
        yield Problem(
            document, ("steps", index, "id"),
            f"step '{step_id}' is never reached from the first step '{first}': {why}; "
            "point a next or a decision branch at it, or remove it",
        )


def _above(steps: list[Any], index: int) -> str:
    """Why the step above does not continue here, when that is the likely cause."""
    if index == 0:
        return ""
    above = steps[index - 1]
    name = above.get("id")
    if above.get("end") is True:
        return f" (step '{name}' above it has 'end: true')"
    if isinstance(above.get("decision"), dict):
        return f" (the decision '{name}' above it has no branch to it)"
    if isinstance(above.get("next"), str):
        return f" (step '{name}' above it goes to '{above['next']}')"
    return ""
