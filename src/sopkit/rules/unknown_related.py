"""unknown-related: `related` names a procedure that is not in the handbook."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._common import Suggestions


@procedure_rule("unknown-related", "error",
                "A related id is not the id of a procedure in the handbook.",
                depends_on="extracts", extract=("id", "related"))
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every id under `related` is the `id` of a procedure in the
    same handbook. A procedure that is in the handbook but breaks the format
    still counts: its own errors say what to fix there.

    ## Why it matters

    Related procedures become links on the published page. An id that no
    procedure has is a broken link, often left behind when a procedure was
    renumbered or removed.

    ## Example

    ```yaml
    # procedures/hr/onboarding.yml
    id: HR-001
    related: [HR-02]
    ```

    ```yaml
    # procedures/hr/offboarding.yml
    id: HR-002
    ```

    ## Use instead

    ```yaml
    # procedures/hr/onboarding.yml
    id: HR-001
    related: [HR-002]
    ```

    ```yaml
    # procedures/hr/offboarding.yml
    id: HR-002
    ```
    """
    suggest = Suggestions()
    related = document.data.get("related")
    for index, other in enumerate(related if isinstance(related, list) else []):
        if not isinstance(other, str) or other in handbook.by_id or other in handbook.invalid_ids:
            continue  # a procedure that breaks the format is there: its own errors say so
        hint = suggest(other, handbook.by_id) or (
            ": use the id of a procedure in this handbook, or remove it")
        yield Problem(
            document, ("related", index),
            f"related procedure '{other}' is not in this handbook{hint}",
        )
