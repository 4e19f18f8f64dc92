"""unused-output: a step output that nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import ids, strings


@procedure_rule("unused-output", "warning",
                "A step output is used by no later step and is not a procedure output.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Warns about an id in a step's `outputs` that no later step lists in its
    `inputs` and that is not one of the procedure's `outputs`.

    ## Why it matters

    Every output should go somewhere: to a later step, or out of the procedure
    to its recipient. An output that goes nowhere is either work nobody needs,
    or a hand-over that the procedure forgot to write down.

    ## Example

    ```yaml
    steps:
      - id: scan-invoice
        title: Scan the invoice
        role: accounts-clerk
        outputs: [invoice-scan]
      - id: file-invoice
        title: File the paper invoice
        role: accounts-clerk
    ```

    ## Use instead

    ```yaml
    outputs:
      - id: invoice-scan
        name: Scanned invoice
        recipient: Archive
    steps:
      - id: scan-invoice
        title: Scan the invoice
        role: accounts-clerk
        outputs: [invoice-scan]
      - id: file-invoice
        title: File the paper invoice
        role: accounts-clerk
    ```
    """
    final = set(ids(document.data.get("outputs")))
    steps = document.data.get("steps")
    steps = steps if isinstance(steps, list) else []
    last_use: dict[str, int] = {}  # input id -> index of the last step that uses it
    for index, step in enumerate(steps):
        for item in strings(step.get("inputs")):
            last_use[item] = index
    for index, step in enumerate(steps):
        outputs = step.get("outputs")
        for number, output in enumerate(outputs if isinstance(outputs, list) else []):
            if not isinstance(output, str) or output in final or last_use.get(output, -1) > index:
                continue
            yield Problem(
                document, ("steps", index, "outputs", number),
                f"step '{step.get('id')}' produces '{output}', but no later step uses it and it "
                "is not a procedure output: use it as a later step's input, add it to the "
                "procedure's outputs, or remove it",
            )
