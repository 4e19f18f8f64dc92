"""duplicate-id: an id is used twice in one list (roles, inputs, outputs, organization.yml)."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, handbook_rule, organization_check
from sopkit.rules._common import duplicates

PROCEDURE_LISTS = (("roles", "role"), ("inputs", "input"), ("outputs", "output"))
ORGANIZATION_LISTS = (("departments", "department"), ("roles", "role"), ("people", "person"))


@handbook_rule("duplicate-id", "error",
               "An id appears twice in a procedure's roles, inputs or outputs, "
               "or in organization.yml.",
               depends_on="file")
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that ids are unique within each list that declares them: a
    procedure's `roles`, `inputs` and `outputs`, and the `departments`,
    `roles` and `people` of organization.yml. Every repeat after the first is
    reported. (Step ids have their own rule, `duplicate-step-id`.)

    ## Why it matters

    Steps, owners and the RACI matrix name roles, inputs and outputs by id.
    When two entries share an id, only one of them is used, and the other's
    title, responsibilities or source silently disappear from the handbook.

    ## Example

    ```yaml
    inputs:
      - id: purchase-order
        name: Purchase order
      - id: purchase-order
        name: Supplier invoice
    ```

    ## Use instead

    ```yaml
    inputs:
      - id: purchase-order
        name: Purchase order
      - id: supplier-invoice
        name: Supplier invoice
    ```
    """
    for document in handbook.procedures:
        yield from _lists(document, PROCEDURE_LISTS, "this procedure")


@organization_check("duplicate-id")
def check_organization(organization: Document) -> Iterator[Problem]:
    """The ids used twice in organization.yml's departments, roles or people."""
    yield from _lists(organization, ORGANIZATION_LISTS, "organization.yml")


def _lists(document: Document, lists: tuple[tuple[str, str], ...], place: str,
           ) -> Iterator[Problem]:
    for key, noun in lists:
        for index, item_id, first in duplicates(document.data.get(key)):
            line = document.position((key, first, "id"))[0]
            yield Problem(
                document, (key, index, "id"),
                f"{noun} id '{item_id}' is already used in {key} on line {line} of {place}: "
                f"give each {noun} its own id, or merge the two entries",
            )
