"""training-unknown-version: a training record names a version the procedure never had."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.rules import HandbookView, Problem, handbook_rule
from sopkit.rules._common import quoted
from sopkit.rules._training import EXTRACT, raw_records


@handbook_rule("training-unknown-version", "error",
               "A training record names a version that is not in the procedure's history.",
               depends_on="training", extract=EXTRACT)
def check(handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the `version` of every training record is one of the versions
    listed in the procedure's `history`.

    ## Why it matters

    The version says which content the person learnt; a version the procedure
    never had cannot say whether they must retrain after a change.

    ## Example

    ```yaml
    # procedures/qa.yml
    id: QA-001
    version: 1.0.0
    ```

    ```yaml
    # training/2026.yml
    records:
      - person: li-na
        procedure: QA-001
        version: 1.1.0
        date: 2026-02-01
    ```

    ## Use instead

    ```yaml
    # procedures/qa.yml
    id: QA-001
    version: 1.0.0
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
    for document, index, record in raw_records(handbook):
        procedures = handbook.by_id.get(str(record.get("procedure"))) or ()
        if len(procedures) != 1:
            continue  # unknown (its own rule) or a duplicate id (ambiguous)
        history = procedures[0].data.get("history") or []
        versions = [str(entry.get("version")) for entry in history if isinstance(entry, dict)]
        version = str(record.get("version"))
        if version in versions:
            continue
        yield Problem(document, ("records", index, "version"),
                      f"{record.get('procedure')} never had version {version}: use a version of "
                      f"its history, {quoted(versions[:5])}")
