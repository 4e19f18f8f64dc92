"""unknown-input: a step uses an input that is not available at that point."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import Suggestions, ids, joined, strings


@procedure_rule("unknown-input", "error",
                "A step's input is neither a procedure input nor an output of an earlier step.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every id in a step's `inputs` is available when the step
    starts: it is one of the procedure's `inputs`, or it is in the `outputs` of
    a step listed earlier. Steps are taken in the order they are written,
    which is the order they are normally done.

    ## Why it matters

    Inputs and outputs document what each step needs and hands on. An input
    that appears from nowhere, or only after the step that needs it, means a
    step is missing, the steps are out of order, or the id has a typo.

    ## Example

    ```yaml
    inputs:
      - id: supplier-invoice
        name: Supplier invoice
    steps:
      - id: match-invoice
        title: Match the invoice to the goods receipt
        role: accounts-clerk
        inputs: [supplier-invoice, goods-receipt]
      - id: receive-goods
        title: Receive the goods
        role: warehouse-clerk
        outputs: [goods-receipt]
    ```

    ## Use instead

    ```yaml
    inputs:
      - id: supplier-invoice
        name: Supplier invoice
    steps:
      - id: receive-goods
        title: Receive the goods
        role: warehouse-clerk
        outputs: [goods-receipt]
      - id: match-invoice
        title: Match the invoice to the goods receipt
        role: accounts-clerk
        inputs: [supplier-invoice, goods-receipt]
    ```
    """
    suggest = Suggestions()
    data = document.data
    steps = data.get("steps")
    steps = steps if isinstance(steps, list) else []
    produced_by: dict[str, list[str]] = {}
    for step in steps:
        for output in strings(step.get("outputs")):
            produced_by.setdefault(output, []).append(str(step.get("id")))
    available = set(ids(data.get("inputs")))
    for index, step in enumerate(steps):
        name = step.get("id")
        inputs = step.get("inputs")
        for number, item in enumerate(inputs if isinstance(inputs, list) else []):
            if not isinstance(item, str) or item in available:
                continue
            later = produced_by.get(item)
            if later:
                makers = [f"'{m}'" + (" (itself)" if m == name else "")
                          for m in dict.fromkeys(later)]
                message = (f"step '{name}' uses input '{item}', which is produced only later, "
                           f"by step {joined(makers)}: "
                           "move the producing step earlier, or list it as a procedure input")
            else:
                hint = suggest(item, available) or (
                    ": add it to the procedure's inputs or to an earlier step's outputs")
                message = (f"step '{name}' uses input '{item}', which is neither a procedure "
                           f"input nor an output of an earlier step{hint}")
            yield Problem(document, ("steps", index, "inputs", number), message)
        available.update(strings(step.get("outputs")))
