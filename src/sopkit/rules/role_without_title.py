"""role-without-title: a role has a title neither in the procedure nor in organization.yml."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._roles import organization_roles, title_of


@procedure_rule("role-without-title", "error",
                "A role of the procedure has no title, and organization.yml gives none.",
                depends_on="file-and-organization")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that every role under the procedure's `roles` has a `title`, either
    written there or taken from the role with the same id in organization.yml.

    ## Why it matters

    The handbook shows roles by title ("Forklift Driver"), not by id: in the
    roles table, the RACI matrix and the flowchart's swimlanes. A role without
    a title leaves those places showing a bare id, or nothing.

    ## Example

    ```yaml
    owner: warehouse-lead
    roles:
      - id: warehouse-lead
        title: Warehouse Lead
      - id: forklift-driver
        responsibilities: [Moves pallets to the dock]
    ```

    ## Use instead

    ```yaml
    owner: warehouse-lead
    roles:
      - id: warehouse-lead
        title: Warehouse Lead
      - id: forklift-driver
        title: Forklift Driver
        responsibilities: [Moves pallets to the dock]
    ```
    """
    shared = organization_roles(handbook.organization)
    roles = document.data.get("roles")
    for index, role in enumerate(roles if isinstance(roles, list) else []):
        if not isinstance(role, dict) or not isinstance(role.get("id"), str):
            continue
        role_id = role["id"]
        if title_of(role) is not None or title_of(shared.get(role_id)) is not None:
            continue
        if handbook.organization is None:
            message = (f"role '{role_id}' has no title: add 'title:' to it "
                       "(or define the role with a title in organization.yml)")
        elif role_id in shared:
            message = (f"role '{role_id}' has no title, here or in organization.yml: "
                       "add 'title:' to it in either place")
        else:
            message = (f"role '{role_id}' has no title and is not in organization.yml: "
                       "add 'title:' to it")
        yield Problem(document, ("roles", index, "id"), message)
