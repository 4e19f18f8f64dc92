"""duplicate-procedure-id: a procedure id is used by more than one file."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._common import joined


@handbook_rule("duplicate-procedure-id", "error",
               "Two procedure files declare the same id.",
               depends_on="extracts", extract=("id",))
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every procedure `id` is used by one file only in the whole
    handbook. Each file that shares an id is reported, naming the other files.

    ## Why it matters

    The id is how people, links (`related`) and the site address a procedure.
    Two procedures with one id make links ambiguous and one page overwrite the
    other. This often happens when a procedure is copied as a starting point.

    ## Example

    ```yaml
    # procedures/hr/onboarding.yml
    id: HR-001
    title: New employee onboarding
    ```

    ```yaml
    # procedures/hr/offboarding.yml
    id: HR-001
    title: Employee offboarding
    ```

    ## Use instead

    ```yaml
    # procedures/hr/onboarding.yml
    id: HR-001
    title: New employee onboarding
    ```

    ```yaml
    # procedures/hr/offboarding.yml
    id: HR-002
    title: Employee offboarding
    ```
    """
    for procedure_id, documents in sorted(handbook.by_id.items()):
        if len(documents) < 2:
            continue
        for document in documents:
            others = [d.file for d in documents if d is not document]
            yield Problem(
                document, ("id",),
                f"procedure id '{procedure_id}' is also used by {joined(others)}: "
                "give each procedure its own id",
            )
