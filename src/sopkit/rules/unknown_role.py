"""unknown-role: a role id is used but declared nowhere."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, handbook_rule, organization_check
from sopkit.rules._common import Suggestions
from sopkit.rules._roles import declared_roles, organization_roles, role_uses


@handbook_rule("unknown-role", "error",
               "A role id is used that neither the procedure's roles nor organization.yml "
               "declares.",
               depends_on="file-and-organization")
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks every role id a procedure uses (`owner`, `approvers`, each step's
    `role`, `accountable`, `consulted` and `informed`, the `owner` of metrics
    and risks, the `audience` of training) against the roles it may name: the
    procedure's own `roles`, plus the `roles` of organization.yml when the
    handbook has one. It also checks that every role given to a person under
    `people` in organization.yml is one of that file's roles.
    `history[].author` is free text and is not checked.

    ## Why it matters

    A role id nobody declares has no title, responsibilities or owner to show:
    the RACI matrix and the swimlanes get a lane for a typo, and review
    routing (CODEOWNERS) cannot find who should review.

    ## Example

    ```yaml
    owner: finance-manager
    roles:
      - id: finance-manager
        title: Finance Manager
      - id: accounts-clerk
        title: Accounts Clerk
    steps:
      - id: enter-invoice
        title: Enter the invoice
        role: acounts-clerk
    ```

    ## Use instead

    ```yaml
    owner: finance-manager
    roles:
      - id: finance-manager
        title: Finance Manager
      - id: accounts-clerk
        title: Accounts Clerk
    steps:
      - id: enter-invoice
        title: Enter the invoice
        role: accounts-clerk
    ```
    """
    organization = handbook.organization
    shared = organization_roles(organization)
    if organization is not None:
        place = "is declared neither in this procedure's roles nor in organization.yml"
        fix = ": add it to this procedure's roles or to organization.yml, or fix the id"
    else:
        place = "is not declared in this procedure's roles"
        fix = ": add it to roles with a title, or fix the id"
    for document in handbook.procedures:
        known = declared_roles(document.data).keys() | shared.keys()
        suggest = Suggestions()
        for use in role_uses(document.data):
            if use.role in known:
                continue
            hint = suggest(use.role, known) or fix
            yield Problem(document, use.path,
                          f"{use.where} names role '{use.role}', which {place}{hint}")


@organization_check("unknown-role")
def check_organization(organization: Document) -> Iterator[Problem]:
    """The people of organization.yml given a role it does not declare."""
    shared = organization_roles(organization)
    suggest = Suggestions()
    people = organization.data.get("people")
    for index, person in enumerate(people if isinstance(people, list) else []):
        if not isinstance(person, dict):
            continue
        roles = person.get("roles")
        for number, role in enumerate(roles if isinstance(roles, list) else []):
            if not isinstance(role, str) or role in shared:
                continue
            hint = suggest(role, shared) or ": add it to roles in organization.yml"
            yield Problem(
                organization, ("people", index, "roles", number),
                f"person '{person.get('id')}' has role '{role}', which is not one of the "
                f"roles in organization.yml{hint}",
            )
