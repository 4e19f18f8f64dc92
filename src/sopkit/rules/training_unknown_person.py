"""training-unknown-person: a training record names a person not in organization.yml."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._common import Suggestions
from sopkit.rules._training import EXTRACT, people, raw_records


@handbook_rule("training-unknown-person", "error",
               "A training record names a person who is not in organization.yml's people.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `person` of every training record is the `id` of a person
    under `people` in organization.yml.

    ## Why it matters

    A record for someone sopkit does not know counts for nobody: the person
    who was trained still shows as untrained, usually because of a typo in
    the id or a person left out of organization.yml.

    ## Example

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
      - person: li-ne
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
    ```

    ## Use instead

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
        date: 2026-02-01
    ```
    """
    known = people(handbook)
    suggest = Suggestions()
    for document, index, record in raw_records(handbook):
        person = str(record.get("person"))
        if person in known:
            continue
        hint = suggest(person, known) or (
            ": add the person to people in organization.yml, or correct the id")
        yield Problem(document, ("records", index, "person"),
                      f"person '{person}' is not in organization.yml's people{hint}")
