"""version-not-raised: a procedure changed without a version raise, or its version went down."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.review.compare import NEEDS_MINOR, compare, content_changed, describe
from sopkit.rules import Problem, ProcedureChange, change_rule
from sopkit.rules._semver import Version, parse


@change_rule("version-not-raised", "error",
             "A procedure's content changed but its version was not raised, or it went down.")
def check(change: ProcedureChange) -> Iterator[Problem]:
    """
    ## What it does

    Compares each procedure with the same procedure (the same `id`) at the
    base revision of the pull request. When its content changed, `version`
    must be higher than before; and `version` may never go down, whatever
    changed.

    Content is the loaded data, so comments, quoting and layout do not count,
    and neither do `x-` keys, `history`, or `review.last_reviewed` (recording
    a review changes nothing in the procedure). Versions are compared by
    semantic-version precedence: `1.2.0-rc.1` is lower than `1.2.0`.

    ## Why it matters

    The version is how readers, auditors and training records tell which text
    of a procedure they followed. Two different texts under one version number
    cannot be told apart afterwards; a version that goes down (often a merge
    that took an older file) makes the change log lie.

    ## Example

    ```yaml
    # before (the base revision)
    version: 1.2.0
    steps:
      - id: prepare
        title: Prepare the documents
        role: owner
        duration: 2h
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ```yaml
    # after (this pull request): the duration changed, the version did not
    version: 1.2.0
    steps:
      - id: prepare
        title: Prepare the documents
        role: owner
        duration: 3h
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ## Use instead

    ```yaml
    # before (the base revision)
    version: 1.2.0
    steps:
      - id: prepare
        title: Prepare the documents
        role: owner
        duration: 2h
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ```yaml
    # after (this pull request): a patch raise, with its history entry
    version: 1.2.1
    steps:
      - id: prepare
        title: Prepare the documents
        role: owner
        duration: 3h
    history:
      - version: 1.2.1
        date: 2026-02-20
        author: Li Na
        summary: Preparing takes three hours.
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```
    """
    if change.base is None or change.head is None:
        return
    before, after = change.base.data.get("version"), change.head.data.get("version")
    old, new = parse(before), parse(after)
    if old is not None and new is not None and new < old:
        yield Problem(change.head, ("version",),
                      f"version went down from '{before}' to '{after}': a version only goes "
                      f"up; use one higher than '{before}'")
        return
    if not content_changed(change.base.data, change.head.data):
        return
    if before != after and (old is None or new is None or new != old):
        return
    yield Problem(change.head, ("version",),
                  f"the procedure changed but version is still '{after}': "
                  f"{_advice(change, old)}, and add a history entry for it")


def _advice(change: ProcedureChange, old: Version | None) -> str:
    assert change.base is not None and change.head is not None
    if old is None:
        return "raise it"
    patch = f"{old.major}.{old.minor}.{old.patch + 1}"
    minor = f"{old.major}.{old.minor + 1}.0"
    material = [c for c in compare(change.base.data, change.head.data)
                if c.material in NEEDS_MINOR]
    if material:
        return f"raise it to {minor} at least ({describe(material[0])})"
    return f"raise it ({patch} for a correction, {minor} for a changed way of working)"
