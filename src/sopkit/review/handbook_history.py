"""When each version of every procedure was in effect, from one pass over git's log: for
the site, where each procedure page lists its released versions and their periods.

``sopkit history ID`` asks git about one file (``git log --follow``). A site of a thousand
procedures cannot ask a thousand times, so this reads the log of the whole procedures
folder once, follows each file of ``HEAD`` back through its renames, reads every revision
with one ``git cat-file`` process per batch, and hands the revisions to the same
:func:`sopkit.review.effective.history_of` and :func:`~sopkit.review.effective.releases`
that the command uses, so both give the same periods.

The answer depends only on ``HEAD``: it is kept for the life of the process (``sopkit
serve`` rebuilds after each edit), keyed by the commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from sopkit.review import git
from sopkit.review.effective import Release, history_of, releases
from sopkit.review.revisions import is_procedure

__all__ = ["handbook_releases", "parse_folder_log"]

BATCH = 400
"""Revisions read per ``git cat-file`` process: bounds the memory of a long history."""

Change = tuple[str, tuple[str, ...]]
"""A status letter (A, M, D, R, C, T) and its one or two paths."""


def handbook_releases(root: Path, folder: str) -> Mapping[str, tuple[Release, ...]]:
    """Each procedure's released versions (oldest first), by procedure id, for the
    procedure files at ``HEAD`` under ``folder`` (relative to the repository ``root``).
    A :class:`sopkit.review.git.GitError` when git cannot answer."""
    return _releases(root, git.resolve(root, "HEAD"), folder)


@lru_cache(maxsize=4)
def _releases(root: Path, head: str, folder: str) -> Mapping[str, tuple[Release, ...]]:
    present = [blob.path for blob in git.list_blobs(root, head, folder)
               if not blob.link and is_procedure(blob.path, folder)]
    chains = follow_renames(parse_folder_log(git.folder_log(root, folder)), present)
    found: dict[str, tuple[Release, ...]] = {}
    for batch in _batches([chains[path] for path in present if chains[path]]):
        contents = git.read_at(root, [change for chain in batch for change in chain])
        for chain in batch:
            history = history_of(None, chain, contents)  # the id its newest revision gives
            if history is None or history.procedure_id in found:
                continue  # never readable with an id, or a duplicate id
            found[history.procedure_id] = tuple(releases(history))
    return found


def _batches(chains: Sequence[list[git.FileRevision]]) -> Iterator[list[list[git.FileRevision]]]:
    batch: list[list[git.FileRevision]] = []
    size = 0
    for chain in chains:
        if batch and size + len(chain) > BATCH:
            yield batch
            batch, size = [], 0
        batch.append(chain)
        size += len(chain)
    if batch:
        yield batch


def parse_folder_log(log: bytes) -> list[tuple[str, str, list[Change]]]:
    """``git log -z -M --name-status --format=%x1e%H %cI`` as (commit, date, changes)."""
    commits: list[tuple[str, str, list[Change]]] = []
    for record in log.split(b"\x1e"):
        fields = record.split(b"\0")
        if not fields[0].strip():
            continue
        commit, _, when = fields[0].decode("ascii").partition(" ")
        changes: list[Change] = []
        rest = [field.lstrip(b"\n") for field in fields[1:]]
        index = 0
        while index < len(rest) and rest[index]:
            status = rest[index].decode("ascii")[:1]
            count = 2 if status in ("R", "C") else 1
            paths = tuple(path.decode("utf-8", errors="surrogateescape")
                          for path in rest[index + 1 : index + 1 + count])
            changes.append((status, paths))
            index += 1 + count
        commits.append((commit, when.strip(), changes))
    return commits


def follow_renames(commits: Sequence[tuple[str, str, list[Change]]],
                   present: Sequence[str]) -> dict[str, list[git.FileRevision]]:
    """For each path of ``present`` (the files at ``HEAD``), the commits that changed its
    file, newest first, following renames back to where the file was added."""
    chains: dict[str, list[git.FileRevision]] = {path: [] for path in present}
    tracking = {path: path for path in present}  # path in the commit being read -> HEAD path
    for commit, when, changes in commits:  # newest first
        after = dict(tracking)
        for status, paths in changes:
            now = paths[-1]
            head_path = tracking.get(now)
            if head_path is None or status == "D":
                continue
            chains[head_path].append(git.FileRevision(commit, when, now))
            if after.get(now) == head_path:
                del after[now]
            if status == "R":
                after[paths[0]] = head_path
            elif status in ("M", "T"):
                after[now] = head_path
        tracking = after
    return chains

