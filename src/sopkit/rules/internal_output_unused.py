"""internal-output-unused: an internal output no later step uses (format 1.1)."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import strings


@procedure_rule("internal-output-unused", "warning",
                "An internal output is not produced by a step and then used by a later one.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Warns about an output declared `internal: true` that no step produces, or that no
    step after the one producing it lists in its `inputs`.

    ## Why it matters

    An internal output is made inside the procedure for a later step (a document pack,
    count sheets) and handed to nobody outside it. If no later step uses it, either the
    step that needs it forgot to say so, or it is not internal: it leaves the procedure,
    and its recipient should be written down.

    ## Example

    ```yaml
    outputs:
      - id: count-sheets
        name: Filled-in count sheets
        internal: true
    steps:
      - id: count
        title: Count the stock
        role: store-keeper
        outputs: [count-sheets]
      - id: book
        title: Book the differences
        role: stock-controller
    ```

    ## Use instead

    ```yaml
    outputs:
      - id: count-sheets
        name: Filled-in count sheets
        internal: true
    steps:
      - id: count
        title: Count the stock
        role: store-keeper
        outputs: [count-sheets]
      - id: book
        title: Book the differences
        role: stock-controller
        inputs: [count-sheets]
    ```
    """
    outputs = document.data.get("outputs")
    steps = document.data.get("steps")
    steps = steps if isinstance(steps, list) else []
    for number, output in enumerate(outputs if isinstance(outputs, list) else []):
        if not isinstance(output, dict) or output.get("internal") is not True:
            continue
        name = output.get("id")
        made = [index for index, step in enumerate(steps)
                if isinstance(step, dict) and name in strings(step.get("outputs"))]
        used = [index for index, step in enumerate(steps)
                if isinstance(step, dict) and name in strings(step.get("inputs"))]
        if made and any(index > made[0] for index in used):
            continue
        where = ("no step produces it" if not made
                 else "no later step lists it in its inputs")
        yield Problem(
            document, ("outputs", number, "internal"),
            f"internal output '{name}' is made and used inside the procedure, but {where}: "
            "add it to the outputs of the step that makes it and the inputs of the step that "
            "uses it, or remove internal: true and name its recipient", key=True,
        )
