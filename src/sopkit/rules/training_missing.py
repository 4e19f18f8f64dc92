"""training-missing: a person who must be trained on a procedure has no training record."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._common import joined
from sopkit.rules._training import EXTRACT, people, title_of, training_statuses


@handbook_rule("training-missing", "warning",
               "A person who must be trained on an approved procedure has no passed record.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Once the handbook has training records, warns about each person (in
    organization.yml's `people`) who holds a role that performs a step of an
    approved procedure, or that is in the `audience` of one of its `training`
    entries, and has no passed training record for that procedure.

    ## Why it matters

    The people who carry out a procedure should have been trained on it. The
    warning is the to-do list of the training coordinator; `sopkit training
    --due` prints it as a table.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    status: approved
    approvers: [owner]
    effective_date: 2025-01-15
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
      - id: wang-fang
        name: Wang Fang
        roles: [owner]
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    status: approved
    approvers: [owner]
    effective_date: 2025-01-15
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
      - id: wang-fang
        name: Wang Fang
        roles: [owner]
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
      - person: wang-fang
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-03
    ```
    """
    found = training_statuses(handbook)
    if not found or handbook.organization is None:
        return
    known = people(handbook)
    for status in found:
        if status.status != "missing":
            continue
        index, _ = known[status.person]
        requirement = status.requirement
        yield Problem(handbook.organization, ("people", index, "id"),
                      f"{status.person} ({joined(requirement.roles)}) must be trained on "
                      f"{status.procedure}{title_of(handbook, status.procedure)} "
                      f"{requirement.version} and has no passed training record: train them "
                      f"and record it (sopkit training record {status.person} "
                      f"{status.procedure})")
