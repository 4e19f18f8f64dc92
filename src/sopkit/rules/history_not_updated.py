"""history-not-updated: a new version without a history entry for it at the top."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.review.compare import history_versions
from sopkit.rules import Problem, ProcedureChange, change_rule
from sopkit.rules._semver import parse


@change_rule("history-not-updated", "error",
             "A procedure's version was raised without a new history entry for it at the top.",
             superseded_by=("history-version-mismatch",))
def check(change: ProcedureChange) -> Iterator[Problem]:
    """
    ## What it does

    When a pull request raises a procedure's `version`, checks that `history`
    (newest first) starts with a new entry for that version, and that the
    entries of earlier versions are still there: relabelling the previous
    entry with the new version is not a new entry. Entries of a pre-release
    (`1.3.0-rc.1`) may be folded into the release that follows it.

    A version that goes down is reported by `version-not-raised`, not here.
    Within one revision, `history-version-mismatch` checks that the first
    entry is for the current version; this rule compares with the base
    revision, so it also catches an old entry relabelled.

    ## Why it matters

    The history is the procedure's change log: readers see what changed in the
    version they are reading, and auditors see when and by whom each version
    was released. A version without an entry, or an entry rewritten to look
    like a new one, loses that record.

    ## Example

    ```yaml
    # before (the base revision)
    version: 1.2.0
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ```yaml
    # after (this pull request): the old entry was relabelled
    version: 1.2.1
    history:
      - version: 1.2.1
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ## Use instead

    ```yaml
    # before (the base revision)
    version: 1.2.0
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ```yaml
    # after (this pull request): a new entry above the old one
    version: 1.2.1
    history:
      - version: 1.2.1
        date: 2026-02-20
        author: Li Na
        summary: Clearer wording in the first step.
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```
    """
    if change.base is None or change.head is None:
        return
    before, after = change.base.data.get("version"), change.head.data.get("version")
    if not isinstance(before, str) or not isinstance(after, str) or before == after:
        return
    old, new = parse(before), parse(after)
    if old is not None and new is not None and new <= old:
        return  # not raised: version-not-raised says so
    versions = history_versions(change.head.data)
    earlier = history_versions(change.base.data)
    if not versions or versions[0] != after:
        yield Problem(change.head, ("history", 0),
                      f"version was raised from '{before}' to '{after}', but history does not "
                      f"start with an entry for '{after}': add one at the top (history is "
                      "newest first)")
        return
    if after in earlier:
        return  # the entry existed already (a version restored); nothing new to ask for
    folded = old is not None and old.is_prerelease
    if before in earlier and before not in versions and not folded:
        yield Problem(change.head, ("history", 0, "version"),
                      f"the history entry for '{before}' was relabelled '{after}': keep the "
                      f"entry for '{before}' and add a new one for '{after}' above it")
