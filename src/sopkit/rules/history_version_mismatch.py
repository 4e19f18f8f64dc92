"""history-version-mismatch: the newest history entry is not the procedure's version."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.format.load import Document
from sopkit.rules import HandbookView, Problem, procedure_rule
from sopkit.rules._semver import parse


@procedure_rule("history-version-mismatch", "error",
                "The first history entry is not for the procedure's current version.",
                depends_on="file")
def check(document: Document, handbook: HandbookView) -> Iterator[Problem]:
    """
    ## What it does

    Checks that the first entry of `history` (history is written newest
    first) has the same `version` as the procedure.

    ## Why it matters

    The history tells readers what changed in the version they are reading.
    When `version` is raised without a history entry, or a history entry is
    added without raising `version`, the published page and its change log
    disagree, and reviewers cannot see what the new version changed.

    ## Example

    ```yaml
    version: 1.3.0
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: Added the buddy step.
    ```

    ## Use instead

    ```yaml
    version: 1.3.0
    history:
      - version: 1.3.0
        date: 2026-02-20
        author: Li Na
        summary: IT accounts are requested a week earlier.
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: Added the buddy step.
    ```
    """
    data = document.data
    version = data.get("version")
    history = data.get("history")
    if not isinstance(version, str) or not isinstance(history, list) or not history:
        return
    newest = history[0].get("version") if isinstance(history[0], dict) else None
    if not isinstance(newest, str) or newest == version:
        return
    listed = [i for i, entry in enumerate(history)
              if isinstance(entry, dict) and entry.get("version") == version]
    current, top = parse(version), parse(newest)
    if current is not None and top is not None and top > current:
        fix = f"raise version to '{newest}', or correct the entry"
    elif listed:
        fix = (f"the entry for '{version}' is number {listed[0] + 1}; move it to the top "
               "(history is newest first)")
    else:
        fix = f"add an entry for '{version}' at the top of history (newest first)"
    yield Problem(
        document, ("history", 0, "version"),
        f"the procedure is version '{version}', but the newest history entry is "
        f"'{newest}': {fix}",
    )
