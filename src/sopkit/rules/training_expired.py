"""training-expired: a person's last training is older than the training's frequency."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._training import EXTRACT, record_at, title_of, training_statuses


@handbook_rule("training-expired", "warning",
               "A person's last training on a procedure is older than its frequency allows.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Warns about each person whose last passed training on the current minor
    version of an approved procedure is older than the `frequency` of a
    `training` entry for one of their roles (`yearly`: more than a year
    before today). `once` and `per-run` trainings do not expire.

    ## Why it matters

    Some training must be repeated (safety drills, data protection): a person
    whose training ran out is no longer covered, whatever they learnt then.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    status: approved
    approvers: [owner]
    effective_date: 2025-01-15
    training:
      - audience: [owner]
        topic: Quality basics
        frequency: yearly
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
    ```

    ```yaml
    # training/2025.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2025-01-20
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    status: approved
    approvers: [owner]
    effective_date: 2025-01-15
    training:
      - audience: [owner]
        topic: Quality basics
        frequency: yearly
    ```

    ```yaml
    # organization.yml
    people:
      - id: li-na
        name: Li Na
        roles: [owner]
    ```

    ```yaml
    # training/2025.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2025-01-20
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-01-19
    ```
    """
    for status in training_statuses(handbook):
        if status.status != "expired" or status.record is None or status.expires is None:
            continue
        document, path = record_at(handbook, status.record)
        yield Problem(document, ("records", path[1], "date"),
                      f"{status.person}'s training on {status.procedure}"
                      f"{title_of(handbook, status.procedure)} of "
                      f"{status.record.date.isoformat()} ran out on "
                      f"{status.expires.isoformat()} ({status.requirement.frequency}): train "
                      f"them again and record it (sopkit training record {status.person} "
                      f"{status.procedure})")
