"""The versions of each procedure and the periods they were in effect, for its page.

From git when the handbook is in a git repository with its whole history: the same
releases ``sopkit history ID`` lists (sopkit.review.handbook_history reads them for every
procedure in one pass). Otherwise (no repository, no commit yet, a shallow clone whose
history is cut, git missing, or ``versions_from: history``) from the procedure's own
revision history: each entry from its date until the next entry's. The page says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sopkit.config import Config
from sopkit.model.types import Procedure
from sopkit.review import git
from sopkit.review.handbook_history import handbook_releases
from sopkit.review.revisions import procedures_folder

__all__ = ["VersionPeriod", "VersionPeriods", "version_periods"]


@dataclass(frozen=True)
class VersionPeriod:
    """One version and when it was in effect."""

    version: str
    start: str
    """The day it took effect (git) or the date of its history entry (history)."""
    until: str | None
    """The day the next version (or the retirement) took its place; None: not replaced."""
    commit: str | None
    """The commit that released it (git only)."""
    summary: str | None


@dataclass(frozen=True)
class VersionPeriods:
    """Every procedure's periods, newest first, and where they come from."""

    source: Literal["git", "history"]
    by_procedure: Mapping[str, tuple[VersionPeriod, ...]]

    def of(self, procedure: Procedure) -> tuple[VersionPeriod, ...]:
        if self.source == "history":
            return from_history(procedure)
        return self.by_procedure.get(procedure.id, ())


def version_periods(config: Config) -> VersionPeriods:
    """The periods of the handbook of ``config``, from git when it can answer."""
    if config.versions_from == "git":
        found = _from_git(config)
        if found is not None:
            return VersionPeriods("git", found)
    return VersionPeriods("history", {})


def _from_git(config: Config) -> dict[str, tuple[VersionPeriod, ...]] | None:
    try:
        root = git.toplevel(config.root) if config.root.is_dir() else None
        if root is None or git.is_shallow(root):
            return None  # a shallow clone's log starts at its cut: periods would be wrong
        folder = procedures_folder(root, config.procedures)
        releases = handbook_releases(root, folder)
    except git.GitError:
        return None  # no commit yet, or git cannot be used here
    return {procedure_id: tuple(
        VersionPeriod(release.version, release.effective_date, release.until,
                      release.revision.commit, release.summary)
        for release in reversed(found)) for procedure_id, found in releases.items()}


def from_history(procedure: Procedure) -> tuple[VersionPeriod, ...]:
    """The periods the revision history gives, newest first: each entry until the next.

    The history says when each version was written, not when it took effect, so: the
    current version counts from its ``effective_date`` when it has one, and not at all
    while it is a draft or in review (the version before it is still the one in effect)."""
    entries = list(procedure.history)
    if entries and procedure.status in ("draft", "review"):
        entries = entries[1:]
    periods: list[VersionPeriod] = []
    until: str | None = None
    for index, entry in enumerate(entries):  # newest first
        start = entry.date
        if index == 0 and procedure.status != "draft" and procedure.effective_date \
                and entry.version == procedure.version:
            start = procedure.effective_date
        periods.append(VersionPeriod(entry.version, start, until, None, entry.summary))
        until = start
    return tuple(periods)
