"""Where the cache lives, and whether it can be trusted: the folder (the user's alone),
reading a cache file safely, and pruning old ones."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

CACHE_ENV = "SOPKIT_CACHE_DIR"
KEEP_DAYS = 30
KEEP_FILES = 200
"""Handbook files kept at most (a test suite creates many short-lived handbooks)."""
MAX_BYTES = 256 << 20
"""The largest cache file read (under 1 KB an answer: 10,000 clean procedures take some
7 MB); anything larger is not sopkit's, or not worth the memory."""

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
"""A link is not followed, and a FIFO does not block the open (it is then refused)."""


def default_cache_dir(configured: Path | None = None) -> Path:
    """``$SOPKIT_CACHE_DIR`` if set, else the folder mkdocs.yml names (``configured``),
    else the platform's cache folder for sopkit."""
    folder = os.environ.get(CACHE_ENV)
    if folder:
        return Path(folder)
    if configured is not None:
        return configured
    import platformdirs

    return Path(platformdirs.user_cache_dir("sopkit"))




def folder_problem(folder: Path) -> str | None:
    """Why the cache folder ``folder`` cannot be trusted (others could write answers in it),
    or None. Checked: the folder (when it exists) is no link, is the user's and only the
    user can write to it; each folder above it (links resolved) is the user's or root's
    and not writable by others, unless sticky (/tmp): else they could rename it and put
    theirs in its place. A folder that does not exist yet is created the user's only."""
    user = getattr(os, "geteuid", lambda: None)()
    if user is None:  # Windows: a user's folders are the user's
        return None
    try:
        found = os.lstat(folder)
    except FileNotFoundError:
        found = None
    except OSError as error:
        return f"it cannot be examined ({error.strerror})"
    if found is not None:
        if stat.S_ISLNK(found.st_mode):
            return "it is a symbolic link"
        if stat.S_ISDIR(found.st_mode):
            if found.st_uid != user:
                return "it belongs to another user"
            if found.st_mode & 0o022:
                return "other users can write to it"
    above = os.path.realpath(os.path.dirname(os.path.abspath(folder)))
    while True:
        try:
            parent = os.stat(above)
        except OSError:
            parent = None  # not there yet: created by sopkit, under a folder checked next
        if parent is not None:
            if parent.st_uid not in (user, 0):
                return f"the folder above it, {above}, belongs to another user"
            if parent.st_mode & 0o022 and not parent.st_mode & stat.S_ISVTX:
                return f"other users can write to the folder above it, {above}"
        up = os.path.dirname(above)
        if up == above:
            return None
        above = up


def read_private(path: Path, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of the user's, that others cannot
    write, of at most ``limit`` bytes; else None. Never follows a link (O_NOFOLLOW), never
    waits on a FIFO (O_NONBLOCK), and never reads more than ``limit`` bytes, whatever the
    file turns out to be."""
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        found = os.fstat(handle)
        user = getattr(os, "geteuid", lambda: found.st_uid)()
        if (not stat.S_ISREG(found.st_mode) or found.st_size > limit or found.st_uid != user
                or found.st_mode & 0o022):
            return None
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(handle, min(limit + 1 - size, 1 << 24))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None  # it grew past the limit while being read
    except OSError:
        return None
    finally:
        os.close(handle)



_OURS = re.compile(r"\.tmp-\d+-[0-9a-f]{12}|[0-9a-f]{24}\.v\d+\.sopkit-cache")
"""The names of the files sopkit writes in the cache folder: nothing else there is touched
(the folder may be one the user named, holding other files)."""


def prune(folder: Path, keep: Path) -> None:
    """Remove handbook files unused for KEEP_DAYS and the oldest beyond KEEP_FILES, and
    temporary files that a run left behind more than an hour ago."""
    try:
        found = [(entry.stat(follow_symlinks=False).st_mtime, Path(entry.path))
                 for entry in os.scandir(folder)
                 if _OURS.fullmatch(entry.name)]
    except OSError:
        return
    now = time.time()
    kept = 0
    for mtime, path in sorted(found, reverse=True):
        if path.name.startswith(".tmp-"):
            remove = now - mtime > 3600
        elif path != keep:
            kept += 1
            remove = kept >= KEEP_FILES or now - mtime > KEEP_DAYS * 86400
        else:
            continue
        if remove:
            with contextlib.suppress(OSError):
                path.unlink()
