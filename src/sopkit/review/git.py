"""git, through ``subprocess`` with argument lists (never a shell).

Plain functions over ``git`` that sopkit's pull-request review needs: find the
repository, check that a revision names a commit, find the merge base with the
default branch, list the files under a folder at a revision and read them from
git's object store, many at once, without checking anything out, and follow a
symbolic link stored in git (:func:`follow_link`) as far as the folders it may
lead into.

Revisions are data, not options: one that starts with ``-`` is refused before
git sees it, and messages show them (and git's own words) with control and
bidirectional characters escaped. Every failure is a :class:`GitError` whose
message says what to do; nothing here prints or exits.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sopkit.format.terminal import visible

SHALLOW_HINT = (
    "fetch the whole history: `git fetch --unshallow` locally, or `fetch-depth: 0` in "
    "actions/checkout on GitHub Actions"
)


class GitError(Exception):
    """git is missing, the folder is not a repository, or a revision cannot be used."""


@dataclass(frozen=True)
class Blob:
    """A file in git's object store at some revision."""

    path: str
    """Path relative to the repository root, with '/' separators."""
    oid: str
    size: int
    link: bool = False
    """A symbolic link (mode 120000): its content is the path it names."""


MAX_LINKS = 40
"""Links followed in a row at most, as Linux does: more is a loop."""
MAX_LINK_BYTES = 4096
"""The longest path a link may name (Linux's PATH_MAX)."""


def _run(args: Sequence[str], cwd: Path, *, stdin: bytes | None = None,
         check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``cwd``; a failure (with ``check``) is a :class:`GitError`."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH): install git to compare "
                       "revisions") from None
    except NotADirectoryError:
        raise GitError(f"{visible(str(cwd))}: no such folder") from None
    if check and done.returncode != 0:
        command = next((arg for arg in args if not arg.startswith("-")), "")
        raise GitError(f"git {command} failed: {_first_line(done.stderr)}")
    return done


def _first_line(stderr: bytes) -> str:
    """git's message, as one line that is safe to show (it may quote a revision)."""
    for line in stderr.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line:
            return visible(line.removeprefix("fatal: ").removeprefix("error: "))
    return "no message from git"


def _out(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stdout.decode("utf-8", errors="surrogateescape").strip()


def repo_root(path: Path) -> Path:
    """The top folder of the git working tree that holds ``path``."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    done = _run(["rev-parse", "--show-toplevel"], folder, check=False)
    if done.returncode != 0:
        message = _first_line(done.stderr)
        if "not a git repository" in message:
            raise GitError(f"{visible(str(path))} is not in a git repository: comparing with "
                           "a base revision needs the handbook's git clone")
        raise GitError(f"git rev-parse failed: {message}")
    return Path(_out(done))


def _asked(args: Sequence[str], folder: Path) -> subprocess.CompletedProcess[bytes] | None:
    """``git ARGS`` in ``folder`` for a question that git being absent answers too: None
    when git is not installed or ``folder`` is in no repository; another failure is a
    :class:`GitError`."""
    try:
        done = _run(args, folder, check=False)
    except GitError:  # no git (or no such folder): hence nothing tracked
        return None
    if done.returncode != 0:
        message = _first_line(done.stderr)
        if "not a git repository" in message:
            return None
        raise GitError(f"git {args[0]} failed: {message}")
    return done


def toplevel(folder: Path) -> Path | None:
    """The top folder of the repository ``folder`` is in; None when there is none (or no
    git). Unlike :func:`repo_root`, for commands that work without git."""
    done = _asked(["rev-parse", "--show-toplevel"], folder)
    text = os.fsdecode(done.stdout).strip() if done is not None else ""
    return Path(text) if text else None


def tracked_file(folder: Path) -> str | None:
    """A file below ``folder`` that git tracks, if any (its path from the repository's
    top, as git shows it); None also when ``folder`` is in no repository (or no git)."""
    done = _asked(["ls-files", "-z", "--full-name", "--", "."], folder)
    if done is None or not done.stdout:
        return None
    return os.fsdecode(done.stdout.split(b"\0", 1)[0])


def is_shallow(root: Path) -> bool:
    done = _run(["rev-parse", "--is-shallow-repository"], root, check=False)
    return _out(done) == "true"


def resolve(root: Path, revision: str) -> str:
    """The full commit id ``revision`` names; a :class:`GitError` when it names none.

    A revision starting with ``-`` is refused outright, so it can never be read
    as an option.
    """
    if not revision or revision.startswith("-") or any(c in revision for c in "\0\n\r"):
        raise GitError(f"{revision!r} is not a revision: name a branch, tag or commit, "
                       "such as main or origin/main")
    done = _run(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root,
                check=False)
    commit = _out(done)
    if done.returncode != 0 or not commit:
        message = f"'{visible(revision)}' names no commit in this repository"
        if is_shallow(root):
            message += f" (this is a shallow clone: {SHALLOW_HINT})"
        elif revision == "HEAD":
            message += ": commit something first"
        raise GitError(message)
    return commit


def _exists(root: Path, revision: str) -> bool:
    done = _run(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root,
                check=False)
    return done.returncode == 0


def default_branch(root: Path) -> str:
    """The branch changes are compared with: origin/HEAD, else main, else master.

    origin/main and origin/master are tried last, for CI checkouts that have no
    local branches. origin/HEAD is passed over when it names the branch that is
    checked out (as in a single-branch or shallow clone of a feature branch):
    a branch compared with itself shows no changes, which would mislead.
    """
    done = _run(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], root, check=False)
    target = _out(done)
    if done.returncode == 0 and target.startswith("refs/remotes/"):
        name = target.removeprefix("refs/remotes/")
        branch = name.split("/", 1)[-1]
        if (branch != _current_branch(root) or branch in ("main", "master")) and _exists(
                root, name):
            return name
    for name in ("main", "master", "origin/main", "origin/master"):
        if _exists(root, name):
            return name
    if is_shallow(root):
        raise GitError(f"the default branch is not in this shallow clone: {SHALLOW_HINT}")
    raise GitError("cannot tell which branch to compare with (no origin/HEAD, main or master "
                   "apart from this branch): name the base revision, e.g. "
                   "`sopkit diff origin/develop`")


def _current_branch(root: Path) -> str | None:
    done = _run(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False)
    return _out(done) or None if done.returncode == 0 else None


def merge_base(root: Path, base: str, head: str) -> str:
    """The commit where ``head``'s history left ``base`` (``git merge-base``)."""
    done = _run(["merge-base", base, head], root, check=False)
    commit = _out(done)
    if done.returncode == 0 and commit:
        return commit.split()[0]
    if is_shallow(root):
        raise GitError(f"cannot find where this branch left {_short(base)}: the clone is "
                       f"shallow, so the common history is missing; {SHALLOW_HINT}")
    if done.returncode == 1:
        raise GitError(f"{_short(base)} and {_short(head)} have no history in common: "
                       "name a base revision this branch started from")
    raise GitError(f"git merge-base failed: {_first_line(done.stderr)}")


def _short(revision: str) -> str:
    is_id = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return f"'{revision[:12]}'" if is_id else f"'{visible(revision)}'"


def list_blobs(root: Path, commit: str, folder: str) -> list[Blob]:
    """Every file under ``folder`` (relative to the root, '/' separated) at ``commit``,
    symbolic links included (:attr:`Blob.link`), submodules not."""
    args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "-l", "--full-tree", commit]
    if folder not in ("", "."):
        args += ["--", folder]
    return _blobs(_run(args, root).stdout)


def _blobs(listing: bytes) -> list[Blob]:
    blobs: list[Blob] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid, size = meta.split()
        if kind != b"blob":  # a submodule, or a folder
            continue
        path = raw_path.decode("utf-8", errors="surrogateescape")
        blobs.append(Blob(path, oid.decode("ascii"), int(size), link=mode == b"120000"))
    return blobs


def blob_at(root: Path, commit: str, path: str) -> Blob | None:
    """The file (or link) at ``path`` at ``commit``; None when there is none (or a folder)."""
    done = _run(["--literal-pathspecs", "ls-tree", "-z", "-l", "--full-tree", commit, "--",
                 path], root)
    return next((blob for blob in _blobs(done.stdout) if blob.path == path), None)


def uncommitted(root: Path, folder: str) -> list[str]:
    """Files under ``folder`` (relative to the root, '/' separated) that differ from
    HEAD in the working tree or the index, or are new and not ignored: paths relative
    to the root, sorted (``git status --porcelain``; a rename counts by its new path)."""
    args = ["--literal-pathspecs", "status", "--porcelain=v1", "-z", "--untracked-files=all"]
    if folder not in ("", "."):
        args += ["--", folder]
    records = _run(args, root).stdout.split(b"\0")
    paths: list[str] = []
    skip = False
    for record in records:
        if skip or len(record) < 4:
            skip = False
            continue
        skip = record[:1] in (b"R", b"C")  # the next record is the old path
        paths.append(record[3:].decode("utf-8", errors="surrogateescape"))
    return sorted(set(paths))


LinkEnd = Literal["file", "outside", "missing", "loop"]


@dataclass(frozen=True)
class Followed:
    """Where a link stored in git leads."""

    end: LinkEnd
    """``file``: a file of the tree; ``outside``: out of the folders it may lead into (or
    an absolute path); ``missing``: nothing, or a folder; ``loop``: links without end."""
    path: str
    """The path it leads to, relative to the root (as far as it was followed)."""
    blob: Blob | None = None
    """The file it leads to, when it does."""


def follow_link(root: Path, commit: str, link: Blob, within: Sequence[str]) -> Followed:
    """Where ``link`` leads at ``commit``, as the system would resolve it in a checkout,
    but on paths alone and never out of ``within`` (folders relative to the root; "" for
    the whole tree): what lies beyond is never read."""
    path, blob = link.path, link
    for _ in range(MAX_LINKS):
        if blob.size > MAX_LINK_BYTES:
            return Followed("missing", path)
        target = read_blobs(root, [blob.oid])[blob.oid].decode("utf-8", "surrogateescape")
        if target.startswith("/"):
            return Followed("outside", target)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if path == ".." or path.startswith("../") or not any(
                folder in ("", ".") or path == folder or path.startswith(folder + "/")
                for folder in within):
            return Followed("outside", path)
        found = blob_at(root, commit, path)
        if found is None:
            return Followed("missing", path)
        if not found.link:
            return Followed("file", path, found)
        blob = found
    return Followed("loop", path)


def read_blobs(root: Path, oids: Iterable[str]) -> dict[str, bytes]:
    """The contents of many objects, read by one ``git cat-file --batch`` process."""
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    done = _run(["cat-file", "--batch"], root, stdin="".join(f"{oid}\n" for oid in wanted)
                .encode("ascii"))
    out = done.stdout
    contents: dict[str, bytes] = {}
    position = 0
    for oid in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3:  # "<oid> missing"
            raise GitError(f"git cannot read object {oid[:12]}: the clone may be incomplete")
        size = int(header[2])
        contents[oid] = out[position : position + size]
        position += size + 1
    return contents



@dataclass(frozen=True)
class FileRevision:
    """A commit that changed a file, and the file's path in it."""

    commit: str
    date: str
    """The commit date, ISO 8601 with the committer's offset."""
    path: str


def file_history(root: Path, path: str) -> list[FileRevision]:
    """The commits of the current branch that changed the file ``path`` (relative to the
    root), newest first, following renames (``git log --follow``): each with the path the
    file had in it."""
    done = _run(["--literal-pathspecs", "log", "--follow", "-z", "-M", "--name-status",
                 "--format=%x1e%H %cI", "HEAD", "--", path], root)
    revisions: list[FileRevision] = []
    for record in done.stdout.split(b"\x1e"):
        fields = [field for field in record.split(b"\0") if field.strip()]
        if len(fields) < 3:
            continue
        commit, _, when = fields[0].decode("ascii").partition(" ")
        name = fields[-1].decode("utf-8", errors="surrogateescape")
        revisions.append(FileRevision(commit, when.strip(), name))
    return revisions


def folder_log(root: Path, folder: str) -> bytes:
    """``git log -z -M --name-status`` of the current branch over ``folder`` (relative to
    the root): every commit that changed a file in it, newest first, each record starting
    with U+001E, the commit id and its ISO date (parsed by sopkit.review.handbook_history)."""
    args = ["--literal-pathspecs", "log", "-z", "-M", "--name-status", "--format=%x1e%H %cI",
            "HEAD"]
    if folder not in ("", "."):
        args += ["--", folder]
    return _run(args, root).stdout


def commit_authors(root: Path, commits: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Commit -> (author name, author email), for an audit trail (one ``git show``)."""
    wanted = list(dict.fromkeys(commits))
    if not wanted:
        return {}
    done = _run(["show", "-s", "-z", "--format=%H%x1f%an%x1f%ae", *wanted, "--"], root)
    found: dict[str, tuple[str, str]] = {}
    for record in done.stdout.split(b"\0"):
        fields = record.strip(b"\n").decode("utf-8", errors="replace").split("\x1f")
        if len(fields) == 3:
            found[fields[0]] = (fields[1], fields[2])
    return found


def read_at(root: Path, revisions: Sequence[FileRevision]) -> dict[FileRevision, bytes]:
    """The file of each revision as it was in that commit (one ``git cat-file`` process)."""
    names = {revision: f"{revision.commit}:{revision.path}" for revision in revisions
             if "\n" not in revision.path}
    contents = read_blobs(root, names.values())
    return {revision: contents[name] for revision, name in names.items()}
