"""output-not-produced: a procedure output that no step produces."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import Suggestions, strings


@procedure_rule("output-not-produced", "error",
                "A procedure output is not in the outputs of any step.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every entry of the procedure's `outputs` is listed in the
    `outputs` of at least one step, so the handbook can show which step
    produces it.

    ## Why it matters

    The procedure promises its outputs to someone (`recipient`). If no step
    produces an output, either a step is missing from the procedure, or a
    step's `outputs` names it differently.

    ## Example

    ```yaml
    outputs:
      - id: paid-invoice
        name: Paid invoice
        recipient: Accounts payable
    steps:
      - id: pay-invoice
        title: Pay the invoice
        role: accounts-clerk
        outputs: [payed-invoice]
    ```

    ## Use instead

    ```yaml
    outputs:
      - id: paid-invoice
        name: Paid invoice
        recipient: Accounts payable
    steps:
      - id: pay-invoice
        title: Pay the invoice
        role: accounts-clerk
        outputs: [paid-invoice]
    ```
    """
    suggest = Suggestions()
    steps = document.data.get("steps")
    produced: set[str] = set()
    for step in steps if isinstance(steps, list) else []:
        produced.update(strings(step.get("outputs")))
    outputs = document.data.get("outputs")
    for index, output in enumerate(outputs if isinstance(outputs, list) else []):
        if not isinstance(output, dict) or not isinstance(output.get("id"), str):
            continue
        if output["id"] in produced:
            continue
        output_id = output["id"]
        close = suggest(output_id, produced)
        if close:
            message = (f"output '{output_id}' is not produced by any step{close}: "
                       "use the same id in the step's outputs")
        else:
            message = (f"output '{output_id}' is not produced by any step: add it to the "
                       "outputs of the step that produces it")
        yield Problem(document, ("outputs", index, "id"), message)
