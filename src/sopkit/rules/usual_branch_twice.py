"""usual-branch-twice: a decision with more than one usual branch (format 1.1)."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule


@procedure_rule("usual-branch-twice", "error",
                "More than one branch of a decision is marked usual.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Reports every branch of a decision after the first one with `usual: true`.

    ## Why it matters

    `usual: true` marks the route taken when everything goes as expected: the page's
    usual path and its total duration follow it. With two usual branches nobody can say
    which one is normal, and the total would be a guess.

    ## Example

    ```yaml
    steps:
      - id: count-stock
        title: Does the count match the books?
        role: store-keeper
        decision:
          branches:
            - when: "No"
              next: recount
              usual: true
            - when: "Yes"
              next: close-count
              usual: true
      - id: recount
        title: Count again
        role: store-keeper
        next: count-stock
      - id: close-count
        title: Close the count
        role: store-keeper
        end: true
    ```

    ## Use instead

    ```yaml
    steps:
      - id: count-stock
        title: Does the count match the books?
        role: store-keeper
        decision:
          branches:
            - when: "No"
              next: recount
            - when: "Yes"
              next: close-count
              usual: true
      - id: recount
        title: Count again
        role: store-keeper
        next: count-stock
      - id: close-count
        title: Close the count
        role: store-keeper
        end: true
    ```
    """
    steps = document.data.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        decision = step.get("decision") if isinstance(step, dict) else None
        branches = decision.get("branches") if isinstance(decision, dict) else None
        usual = [number for number, branch in enumerate(branches or [])
                 if isinstance(branch, dict) and branch.get("usual") is True]
        for number in usual[1:]:
            yield Problem(
                document, ("steps", index, "decision", "branches", number, "usual"),
                f"decision '{step.get('id')}' marks more than one branch as usual (branch "
                f"{usual[0] + 1} already is): keep usual: true on the one normal route only",
                key=True,
            )
