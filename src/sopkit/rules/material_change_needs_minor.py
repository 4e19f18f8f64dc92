"""material-change-needs-minor: a material change released with only a patch raise."""

from __future__ import annotations

from collections.abc import Iterator

from sopkit.review.compare import NEEDS_MINOR, compare, describe
from sopkit.rules import Problem, ProcedureChange, change_rule
from sopkit.rules._common import joined
from sopkit.rules._semver import parse


@change_rule("material-change-needs-minor", "error",
             "Steps were removed or reordered, a step's role or the owner changed, "
             "with only a patch raise.")
def check(change: ProcedureChange) -> Iterator[Problem]:
    """
    ## What it does

    Compares each procedure with the same procedure at the base revision.
    Removing a step, reordering steps (by step id, not list position),
    changing a step's `role` or changing the procedure's `owner` is a
    material change: it changes who does what, or in which order. Such a
    change needs at least a minor raise (`1.2.0` to `1.3.0`), not a patch
    raise (`1.2.0` to `1.2.1`).

    While a version is a pre-release of a minor or major release
    (`1.3.0-rc.1`), it may change materially until that release.
    A procedure whose version was not raised at all is reported by
    `version-not-raised`.

    ## Why it matters

    A patch raise tells staff that nothing they do has changed, so they do not
    reread the procedure and training is not updated. A minor raise tells them
    to look again, and the review summary lists material changes first.

    ## Example

    ```yaml
    # before (the base revision)
    version: 1.2.0
    steps:
      - id: prepare
        title: Prepare the documents
        role: owner
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ```yaml
    # after (this pull request): the step's role changed, a patch raise
    version: 1.2.1
    roles:
      - id: owner
        title: Owner
      - id: clerk
        title: Clerk
    steps:
      - id: prepare
        title: Prepare the documents
        role: clerk
    history:
      - version: 1.2.1
        date: 2026-02-20
        author: Li Na
        summary: The clerk prepares the documents.
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
    history:
      - version: 1.2.0
        date: 2026-01-10
        author: Li Na
        summary: First approved version.
    ```

    ```yaml
    # after (this pull request): a minor raise
    version: 1.3.0
    roles:
      - id: owner
        title: Owner
      - id: clerk
        title: Clerk
    steps:
      - id: prepare
        title: Prepare the documents
        role: clerk
    history:
      - version: 1.3.0
        date: 2026-02-20
        author: Li Na
        summary: The clerk prepares the documents.
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
    if old is None or new is None or new <= old:
        return  # not raised (or not comparable): version-not-raised speaks to that
    if (new.major, new.minor) != (old.major, old.minor):
        return
    if old.is_prerelease and old.patch == 0:
        return  # still the pre-release of this minor (or major) version
    material = [c for c in compare(change.base.data, change.head.data)
                if c.material in NEEDS_MINOR]
    if not material:
        return
    reasons = joined(describe(c) for c in material[:3])
    if len(material) > 3:
        reasons += f" and {len(material) - 3} more"
    yield Problem(change.head, ("version",),
                  f"{reasons}, a material change, but version only went from '{before}' to "
                  f"'{after}': raise it to {old.major}.{old.minor + 1}.0 at least")
