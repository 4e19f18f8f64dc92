"""unknown-department: a department id that organization.yml does not declare."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, handbook_rule, organization_check
from sopkit.rules._common import Suggestions, ids


@handbook_rule("unknown-department", "error",
               "A department id is used that organization.yml does not declare.",
               depends_on="file-and-organization")
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Where the handbook has an organization.yml, checks that a procedure's
    `department` is one of its `departments`, and that every role there with a
    `department` names one of them too. Without organization.yml, departments
    are free ids and nothing is checked.

    ## Why it matters

    The handbook groups procedures by department and shows the department's
    name from organization.yml. A department id that is not declared there
    puts the procedure in a group of its own, under a typo.

    ## Example

    ```yaml
    # organization.yml
    departments:
      - id: finance
        name: Finance
    ```

    ```yaml
    # procedures/finance/invoices.yml
    id: FIN-001
    department: finanse
    ```

    ## Use instead

    ```yaml
    # organization.yml
    departments:
      - id: finance
        name: Finance
    ```

    ```yaml
    # procedures/finance/invoices.yml
    id: FIN-001
    department: finance
    ```
    """
    organization = handbook.organization
    if organization is None:
        return
    known = set(ids(organization.data.get("departments")))
    fix = ": use one of the department ids of organization.yml, or add it there"
    for document in handbook.procedures:
        department = document.data.get("department")
        if isinstance(department, str) and department not in known:
            suggest = Suggestions()
            yield Problem(
                document, ("department",),
                f"department '{department}' is not declared in organization.yml"
                f"{suggest(department, known) or fix}",
            )


@organization_check("unknown-department")
def check_organization(organization: Document) -> Iterator[Problem]:
    """The roles of organization.yml that belong to a department it does not declare."""
    known = set(ids(organization.data.get("departments")))
    fix = ": use one of the department ids of organization.yml, or add it there"
    suggest = Suggestions()
    roles = organization.data.get("roles")
    for index, role in enumerate(roles if isinstance(roles, list) else []):
        if not isinstance(role, dict):
            continue
        department = role.get("department")
        if isinstance(department, str) and department not in known:
            yield Problem(
                organization, ("roles", index, "department"),
                f"role '{role.get('id')}' belongs to department '{department}', which is not "
                f"declared under departments{suggest(department, known) or fix}",
            )
