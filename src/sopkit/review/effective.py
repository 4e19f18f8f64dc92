"""Which version of a procedure was in effect on a date, and when each version was: from git.

A document-control question ("which version applied on 1 March?") is answered from the
commits of the current branch, never from the working tree:

- the procedure's file is the one that holds its id at ``HEAD``; its earlier revisions
  are the commits that changed it, following renames (``git log --follow``), back to
  where it got that id;
- the version **in effect on a day** is the file at the newest of those commits where
  the procedure had ``status: approved`` and an ``effective_date`` on or before the day
  (:func:`in_effect`) -- unless it was retired by then: the first commit after the last
  approval that says ``status: retired`` retires it, on that commit's date;
- a **release** is an approved version with its effective date, as first committed; it
  is in effect from its effective date until the next release's, or the retirement
  (:func:`releases`).

Nothing here prints: the command line (sopkit.cli.history_commands) formats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sopkit.config import Config
from sopkit.format.load import Document, load_bytes
from sopkit.review import git
from sopkit.review.revisions import handbook_folders, procedures_folder, read_revision

__all__ = ["History", "Release", "Revision", "history_of", "in_effect", "procedure_history",
           "releases"]


@dataclass(frozen=True)
class Revision:
    """The procedure's file as one commit left it."""

    commit: str
    commit_date: str
    """ISO 8601, with the committer's offset."""
    path: str
    """Relative to the repository root."""
    data: Mapping[str, Any]
    source: str
    """The file's text as committed."""

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) else None

    @property
    def effective_date(self) -> str | None:
        """The effective date, when it is a real date (YYYY-MM-DD)."""
        value = self.text("effective_date")
        return value if value is not None and _is_date(value) else None

    @property
    def released(self) -> bool:
        return self.text("status") == "approved" and self.effective_date is not None

    @property
    def day(self) -> str:
        """The commit's date (YYYY-MM-DD, in the committer's time zone)."""
        return self.commit_date[:10]


@dataclass(frozen=True)
class History:
    """A procedure's revisions, newest first, and where it was retired (if it was)."""

    procedure_id: str
    revisions: tuple[Revision, ...]
    retired: Revision | None
    """The commit that retired it after its last approval, if any."""

    @property
    def retired_on(self) -> str | None:
        return self.retired.day if self.retired is not None else None


@dataclass(frozen=True)
class Release:
    """An approved version and the period it was in effect."""

    version: str
    effective_date: str
    until: str | None
    """The day the next release (or the retirement) took its place; None: still in effect."""
    revision: Revision
    """The commit that released it (the first with this version and effective date)."""
    summary: str | None
    """The summary of its entry in the procedure's history, if it has one."""


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def procedure_history(config: Config, procedure_id: str) -> History:
    """The history of procedure ``procedure_id`` on the current branch. A
    :class:`sopkit.review.git.GitError` when git cannot answer, a LookupError when no
    procedure file at ``HEAD`` has that id (its message says what to do)."""
    start = config.procedures if config.procedures.exists() else config.root
    root = git.repo_root(start)
    head = git.resolve(root, "HEAD")
    folder = procedures_folder(root, config.procedures)
    found = [entry for entry in read_revision(root, head, folder, handbook_folders(root, config))
             if entry.id == procedure_id]
    if not found:
        raise LookupError(f"no procedure {procedure_id} in the last commit of this branch: "
                          "check the id (sopkit validate lists the procedures' files), and "
                          "commit the procedure first")
    return _history(root, procedure_id, found[0].path)


def every_history(config: Config) -> tuple[Path, list[History]]:
    """The repository root and the history of every procedure at ``HEAD`` (by id, then
    file); a :class:`sopkit.review.git.GitError` when git cannot answer."""
    start = config.procedures if config.procedures.exists() else config.root
    root = git.repo_root(start)
    head = git.resolve(root, "HEAD")
    folder = procedures_folder(root, config.procedures)
    entries = [entry for entry in read_revision(root, head, folder,
                                                handbook_folders(root, config))
               if entry.id is not None]
    entries.sort(key=lambda entry: (entry.id or "", entry.path))
    return root, [_history(root, entry.id or "", entry.path) for entry in entries]


def _history(root: Path, procedure_id: str, path: str) -> History:
    changes = git.file_history(root, path)
    history = history_of(procedure_id, changes, git.read_at(root, changes))
    assert history is not None  # an id was given
    return history


def history_of(procedure_id: str | None, changes: Sequence[git.FileRevision],
               contents: Mapping[git.FileRevision, bytes]) -> History | None:
    """The history of ``procedure_id`` from the commits that changed its file (newest
    first) and the file's content in each; None for the id when the newest readable
    revision names it (None when none names any)."""
    revisions: list[Revision] = []
    for change in changes:
        raw = contents.get(change)
        document = load_bytes(raw, change.path) if raw is not None else None
        if not isinstance(document, Document) or not isinstance(document.data, Mapping):
            continue  # a commit where the file was not readable YAML: no version of it
        found = document.data.get("id")
        if procedure_id is None and isinstance(found, str):
            procedure_id = found
        if found != procedure_id:
            break  # before this, the file was another procedure
        revisions.append(Revision(change.commit, change.date, change.path, document.data,
                                  (raw or b"").decode("utf-8", errors="replace")))
    if procedure_id is None:
        return None
    return History(procedure_id, tuple(revisions), _retirement(revisions))


def _retirement(revisions: Sequence[Revision]) -> Revision | None:
    """The oldest revision saying ``retired`` that is newer than every approval."""
    retired: Revision | None = None
    for revision in revisions:  # newest first
        if revision.released:
            break
        if revision.text("status") == "retired":
            retired = revision
    return retired


def in_effect(history: History, day: date) -> Revision | str:
    """The revision in effect on ``day``, or why there is none (a sentence)."""
    when = day.isoformat()
    retired_on = history.retired_on
    if retired_on is not None and retired_on <= when:
        return f"{history.procedure_id} was retired on {retired_on}: no version of it is in " \
               f"effect on {when}"
    for revision in history.revisions:
        effective = revision.effective_date
        if revision.released and effective is not None and effective <= when:
            return revision
    first = min((r.effective_date for r in history.revisions if r.released and r.effective_date),
                default=None)
    if first is None:
        return (f"{history.procedure_id} has never been committed with status approved and "
                "an effective date: no version of it is in effect on any day")
    return (f"no version of {history.procedure_id} was in effect on {when}: the first approved "
            f"version took effect on {first}")


def releases(history: History) -> list[Release]:
    """Every released version, oldest first, with the period it was in effect."""
    firsts: list[Revision] = []
    for revision in reversed(history.revisions):  # oldest first
        if not revision.released:
            continue
        key = (revision.text("version"), revision.effective_date)
        if not firsts or key != (firsts[-1].text("version"), firsts[-1].effective_date):
            firsts.append(revision)
    found: list[Release] = []
    for index, revision in enumerate(firsts):
        until = (firsts[index + 1].effective_date if index + 1 < len(firsts)
                 else history.retired_on)
        version = revision.text("version") or ""
        found.append(Release(version, revision.effective_date or "", until, revision,
                             _summary(revision.data, version)))
    return found


def _summary(data: Mapping[str, Any], version: str) -> str | None:
    entries = data.get("history")
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("version") == version:
            summary = entry.get("summary")
            return summary if isinstance(summary, str) else None
    return None


def provenance(revision: Revision) -> dict[str, Any]:
    """Where the version in effect comes from: commit, commit date, effective date,
    version, approvers and the file."""
    approvers = revision.data.get("approvers")
    return {
        "commit": revision.commit,
        "date": revision.commit_date,
        "effective_date": revision.effective_date,
        "version": revision.text("version"),
        "approvers": [a for a in approvers if isinstance(a, str)]
        if isinstance(approvers, list) else [],
        "file": revision.path,
    }
