"""training-duplicate: the same training is recorded twice."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._training import EXTRACT, raw_records


@handbook_rule("training-duplicate", "error",
               "The same person, procedure, version and date are recorded twice.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that no two training records (in any training files) have the same
    `person`, `procedure`, `version` and `date`.

    ## Why it matters

    A second copy of a record adds nothing but doubt: which of the two is
    right when one is later corrected? It usually comes from recording the
    same session twice.

    ## Example

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
    ```

    ## Use instead

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.0.0
        date: 2026-02-01
    ```
    """
    first: dict[tuple[str, ...], tuple[str, int]] = {}
    for document, index, record in raw_records(handbook):
        key = tuple(str(record.get(k)) for k in ("person", "procedure", "version", "date"))
        if key not in first:
            first[key] = (document.file, index)
            continue
        file, earlier = first[key]
        yield Problem(document, ("records", index),
                      f"{key[0]}'s training on {key[1]} {key[2]} of {key[3]} is already "
                      f"recorded (record {earlier + 1} of {file}): remove this copy")
