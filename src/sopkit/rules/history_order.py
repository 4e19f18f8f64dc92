"""history-order: history is not newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._semver import parse


@procedure_rule("history-order", "error",
                "History versions do not strictly decrease, or dates increase, down the list.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that `history` is written newest first: each entry's `version` is
    lower than the one above it (compared as semantic versions, so `1.10.0`
    is newer than `1.9.0` and `2.0.0-rc.1` is older than `2.0.0`), and each
    entry's `date` is not later than the one above it. An entry is reported
    once, for its version if that is out of order, else for its date.

    ## Why it matters

    Readers, the change summary of a review, and the rule that the first entry
    is the current version all rely on the newest entry being on top. A
    version listed twice, or an entry added at the bottom, makes the history
    say something that did not happen.

    ## Example

    ```yaml
    version: 1.2.0
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: Added the buddy step.
      - version: 1.0.0
        date: 2025-03-01
        author: Li Na
        summary: First release.
      - version: 1.1.0
        date: 2025-06-01
        author: Li Na
        summary: Equipment is ordered in week one.
    ```

    ## Use instead

    ```yaml
    version: 1.2.0
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: Added the buddy step.
      - version: 1.1.0
        date: 2025-06-01
        author: Li Na
        summary: Equipment is ordered in week one.
      - version: 1.0.0
        date: 2025-03-01
        author: Li Na
        summary: First release.
    ```
    """
    history = document.data.get("history")
    if not isinstance(history, list):
        return
    entries = [entry if isinstance(entry, dict) else {} for entry in history]
    for index in range(1, len(entries)):
        above, entry = entries[index - 1], entries[index]
        newer, older = parse(above.get("version")), parse(entry.get("version"))
        if newer is not None and older is not None and not older < newer:
            written = str(entry.get("version")).strip()  # as written, build metadata and all
            if older == newer:
                message = (f"version '{written}' is listed twice in history (entries {index} "
                           f"and {index + 1}): keep one entry per version")
            else:
                message = (f"history entry {index + 1} (version '{written}') is newer than "
                           f"the entry above it ('{str(above.get('version')).strip()}'): "
                           "list history newest first")
            yield Problem(document, ("history", index, "version"), message)
            continue
        later, earlier = _date(above.get("date")), _date(entry.get("date"))
        if later is not None and earlier is not None and earlier > later:
            yield Problem(
                document, ("history", index, "date"),
                f"history entry {index + 1} (version '{entry.get('version')}') is dated "
                f"{earlier.isoformat()}, after the entry above it ({later.isoformat()}): "
                "list history newest first, or correct the date",
            )


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
