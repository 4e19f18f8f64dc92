"""training-outdated: a person was trained on an older minor or major version."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._training import EXTRACT, record_at, title_of, training_statuses


@handbook_rule("training-outdated", "warning",
               "A person was trained on an older minor or major version of the procedure.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Warns about each person who must be trained on an approved procedure and
    whose passed training records are all for an older minor or major version
    (1.0.x when the procedure is at 1.1.0). A patch raise (1.0.0 to 1.0.1)
    needs no retraining.

    ## Why it matters

    A minor or major raise is a material change: the steps, roles or owner
    changed. People trained on the old content do the work the old way until
    they are retrained.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    version: 1.1.0
    status: approved
    approvers: [owner]
    effective_date: 2026-02-10
    history:
      - version: 1.1.0
        date: 2026-02-10
        summary: Added a check.
      - version: 1.0.0
        date: 2025-01-01
        summary: First release.
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2025-02-01
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    version: 1.1.0
    status: approved
    approvers: [owner]
    effective_date: 2026-02-10
    history:
      - version: 1.1.0
        date: 2026-02-10
        summary: Added a check.
      - version: 1.0.0
        date: 2025-01-01
        summary: First release.
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2025-02-01
      - person: li-na
        procedure: QA-001
        version: 1.1.0
        date: 2026-02-20
    ```
    """
    for status in training_statuses(handbook):
        if status.status != "outdated" or status.record is None:
            continue
        document, path = record_at(handbook, status.record)
        yield Problem(document, path,
                      f"{status.person} was trained on {status.procedure}"
                      f"{title_of(handbook, status.procedure)} {status.record.version}, but it "
                      f"is now at {status.requirement.version}, a material change: retrain "
                      f"them and record it (sopkit training record {status.person} "
                      f"{status.procedure})")
