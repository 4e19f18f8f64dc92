"""What `sopkit validate` remembers between runs, so that a re-run checks only what changed.

Checking a procedure on its own (loading it, the schema, and the rules that
read nothing but the file and organization.yml) gives the same answer for the
same bytes every time. For each file the cache keeps that answer under the
digest of the file's bytes and the name it is reported under, in a cache file
that is valid only for one *context*:

* organization.yml's bytes (rules such as unknown-role read it);
* sopkit's version and the size and time of each of its source files (a
  changed rule changes answers), the bytes of the schemas, where PyYAML,
  libyaml, jsonschema and jsonschema-rs are installed (and their sizes and
  times), and Python's version.

Rule severities are not part of it: every finding is kept and the handbook's
settings are applied afterwards. Nor is `today`: the rules that read the date
or the other procedures (review-overdue, unknown-related, ...) run over a small
extract of each file that is kept with it; their last findings are kept too,
under a digest of all the extracts and the date, so that an edit that leaves
ids, titles, statuses, related procedures and review dates alone (and their
lines) does not even re-run them.

Like git's index, the cache also keeps each file's stat (device, inode, size,
modification and change times): a file whose stat is unchanged is not read
again. A stat is only kept for a file that had not been modified for two
seconds when it was read, so that an edit in the same clock tick is not missed.

The answers of one handbook (one procedures folder, checked from one folder)
are kept in one file, with a checksum, rewritten whole through a temporary
file and ``os.replace``: two runs sharing the cache never see half a file, and
the last one to finish wins, which is harmless because every answer says what
it depends on. A file that cannot be read back (truncated, damaged, from
another version or context) is ignored and replaced. The cache folder is the
one passed in, or ``$SOPKIT_CACHE_DIR``, or the ``cache_dir`` option in mkdocs.yml, or
``platformdirs.user_cache_dir("sopkit")``; handbook files not used for 30 days
are removed, and at most KEEP_FILES are kept.

An answer from the cache is trusted as if sopkit had just worked it out, so the
cache must be the user's alone, as ssh (StrictModes) and pip require of their
folders: a cache folder that is a link, belongs to another user or can be
written by others (a shared ``SOPKIT_CACHE_DIR`` under /tmp, a self-hosted
runner's folder), or lies in a folder others could rename it in, is refused
(:func:`folder_problem`; sopkit warns and checks without the cache). A folder
sopkit creates is the user's only (0700). A cache file is read only when it is
a regular file of the user's that others cannot write, of at most MAX_BYTES, and
never through a link nor by blocking on a FIFO; anything else is ignored and
replaced.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import stat
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import sopkit

try:  # hashlib would also load OpenSSL, a few milliseconds of a run that has little to do
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - not CPython
    from hashlib import blake2b

FORMAT = 3
"""Bump when the layout of the file or of an entry changes."""

MAGIC = b"sopkit-cache\n"
_CHECKSUM = 4
"""Bytes of the checksum after MAGIC: a file that does not match it is ignored whole."""
_LENGTH = 8
"""Bytes after the checksum that give the length of the answers; the extracts follow them."""
STALE_EXTRACTS = 200
"""Extracts no answer refers to any more that may stay in the file before it is repacked."""

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

Entry = bytes
"""One file's answer, packed by sopkit.check.file_check (the cache does not look inside)."""


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


@cache
def code_fingerprint() -> bytes:
    """Everything besides a file's own bytes that can change what checking it gives."""
    digest = blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{sopkit.__version__}|{sys.version_info[:3]}".encode())
    package = os.path.dirname(sopkit.__file__)
    for folder, subfolders, files in os.walk(package):
        subfolders.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}|{stat.st_size}|{stat.st_mtime_ns}".encode(
                    "utf-8", "surrogateescape"))
    from sopkit.format.schema import schema_path

    for kind in ("procedure", "organization"):
        digest.update(schema_path(kind).read_bytes())
    for module in ("yaml", "yaml._yaml", "jsonschema", "jsonschema_rs"):
        origin = _origin(module)
        if origin is not None:
            stat = origin.stat()
            digest.update(f"{module}|{origin}|{stat.st_size}|{stat.st_mtime_ns}".encode(
                "utf-8", "surrogateescape"))
    return digest.digest()


def _origin(module: str) -> Path | None:
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not os.path.isfile(spec.origin):
        return None
    return Path(spec.origin)


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


def _checksum(payload: bytes | memoryview) -> bytes:
    """CRC-32 of the payload: it catches a damaged file (no protection against forgery,
    which the cache does not need: only the user can write to its folder, see
    :func:`folder_problem`)."""
    return zlib.crc32(payload).to_bytes(_CHECKSUM, "little")


def encode(answers: Any, packed_extracts: bytes | memoryview) -> bytes:
    """A cache file: MAGIC, the checksum of the rest, the length of the marshalled
    ``answers``, the answers, and the extracts (marshalled already)."""
    head = marshal.dumps(answers)
    length = len(head).to_bytes(_LENGTH, "little")
    checksum = zlib.crc32(packed_extracts, zlib.crc32(head, zlib.crc32(length)))
    return b"".join((MAGIC, checksum.to_bytes(_CHECKSUM, "little"), length, head,
                     packed_extracts))


def decode(raw: bytes) -> tuple[Any, Any, memoryview] | None:
    """The answers, the extracts and the extracts' bytes of a cache file; None when it is
    not one, or is damaged."""
    view = memoryview(raw)
    body = view[len(MAGIC) + _CHECKSUM:]
    if raw[:len(MAGIC)] != MAGIC or raw[len(MAGIC):len(MAGIC) + _CHECKSUM] != _checksum(body):
        return None
    split = _LENGTH + int.from_bytes(body[:_LENGTH], "little")
    try:
        return marshal.loads(body[_LENGTH:split]), marshal.loads(body[split:]), body[split:]
    except (EOFError, ValueError, TypeError):
        return None


def content_digest(content: bytes) -> bytes:
    """What a file's bytes are known by."""
    return blake2b(content, digest_size=DIGEST_SIZE).digest()


def context_digest(*parts: bytes) -> bytes:
    """What the answers of a whole handbook depend on besides each file's bytes."""
    hasher = blake2b(digest_size=20)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


_STAT = struct.Struct("<QQQQQ")
"""A file's device, inode, size, modification and change times (ns), packed, each cut to
64 bits: some file systems give 128-bit inodes or negative devices, which would not fit."""
_BITS = (1 << 64) - 1
_NO_STAT = bytes(_STAT.size)
DIGEST_SIZE = 20
"""Bytes of :func:`content_digest`."""
_ANSWER = _STAT.size + DIGEST_SIZE
"""Where a file's answer starts in what is kept for it."""

TRUST_AFTER_NS = 2_000_000_000
"""A file's stat stands for its content only once it is this much older than the check
(file systems with coarse times could otherwise hide a change made just after it)."""


def _packed_stat(stat: os.stat_result) -> bytes:
    fields = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    try:
        return _STAT.pack(*fields)
    except struct.error:  # out of 64 bits (or negative): cut, as most stats need not be
        return _STAT.pack(*(field & _BITS for field in fields))


class Cache:
    """The answers kept for one handbook: read once, used, and written back once.

    For each file (by the name it is reported under) it keeps the digest of the
    content it was checked with, the answer, and the file's stat, as git's index
    does: a file whose stat has not changed since it was read is not read again.
    A stat is only recorded when the file had not been modified for
    TRUST_AFTER_NS when it was read. The whole is valid for one ``context``
    (the code's fingerprint and organization.yml's digest), and ignored for any
    other.

    The extracts the context rules read are kept apart, under their own digest:
    most edits leave a file's extract as it was, and then that part of the cache
    file is written back as it was read, without being packed again.
    """

    def __init__(self, folder: Path, handbook: str, context: bytes,
                 refers_to: Callable[[Entry], Iterable[bytes]] = lambda entry: ()) -> None:
        """``refers_to`` names the extracts an answer refers to (the others are dropped
        when the extracts are packed again)."""
        self.folder = folder
        self._refers_to = refers_to
        name = blake2b(handbook.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
        self.path = folder / f"{name}.v{FORMAT}.sopkit-cache"
        self.context = context
        self._old: dict[str, bytes] = {}
        self._new: dict[str, bytes] = {}
        """File name -> its packed stat (zeros when not to be trusted), the digest of its
        content, and its answer: one bytes object each, quick to read and compare."""
        self._extracts: dict[bytes, bytes] = {}
        self._packed: bytes | memoryview = b""
        """The extracts as they were read, to write back when none was added."""
        self._added = False
        self._findings: tuple[bytes, Any] = (b"", ())
        self._changed = False
        self._read()

    def _read(self) -> None:
        raw = read_private(self.path)
        if raw is None:
            return
        decoded = decode(raw)
        if decoded is None:
            return  # another format, truncated or corrupt: start afresh
        data, extracts, packed = decoded
        if (isinstance(data, tuple) and len(data) == 4 and data[0] == FORMAT
                and data[1] == self.context and isinstance(data[2], dict)
                and all(isinstance(kept, bytes) and len(kept) >= _ANSWER
                        for kept in data[2].values())
                and isinstance(data[3], tuple) and len(data[3]) == 2
                and isinstance(extracts, dict)):
            self._old, self._findings = data[2], data[3]
            self._extracts, self._packed = extracts, packed

    def unchanged(self, file: str, stat: os.stat_result) -> tuple[bytes, Entry] | None:
        """The digest and answer of ``file`` when its stat is the one recorded with them."""
        kept = self._old.get(file)
        if kept is None or kept[:_STAT.size] != _packed_stat(stat):
            return None
        self._new[file] = kept
        return kept[_STAT.size:_ANSWER], kept[_ANSWER:]

    def get(self, file: str, digest: bytes, stat: os.stat_result | None,
            started_ns: int) -> Entry | None:
        """The answer for ``file`` with content ``digest`` (stat'ed as ``stat`` at
        ``started_ns``), if one is kept."""
        kept = self._old.get(file)
        if kept is None or kept[_STAT.size:_ANSWER] != digest:
            return None
        self.put(file, digest, stat, started_ns, kept[_ANSWER:])
        return kept[_ANSWER:]

    def put(self, file: str, digest: bytes, stat: os.stat_result | None, started_ns: int,
            entry: Entry) -> None:
        """Keep ``entry`` as the answer for ``file`` with content ``digest``. The stat is
        kept only if the file had not been modified for TRUST_AFTER_NS when stat'ed."""
        trusted = stat is not None and stat.st_mtime_ns < started_ns - TRUST_AFTER_NS
        kept = (_packed_stat(stat) if trusted and stat is not None else _NO_STAT) + digest + entry
        if self._old.get(file) != kept:
            self._changed = True
        self._new[file] = kept

    def extract(self, key: bytes) -> bytes | None:
        """The extract kept under ``key`` (see :meth:`keep_extract`), if any."""
        return self._extracts.get(key)

    def keep_extract(self, key: bytes, extract: bytes) -> None:
        """Keep ``extract`` under its digest ``key``."""
        if key not in self._extracts:
            self._extracts[key] = extract
            self._added = self._changed = True

    def context_findings(self, key: bytes) -> Any | None:
        """The findings kept for the handbook-wide ``key`` (see handbook.py), if any."""
        kept_key, findings = self._findings
        return findings if kept_key == key and isinstance(findings, tuple) else None

    def keep_context_findings(self, key: bytes, findings: Any) -> None:
        findings = tuple(findings)
        if self._findings != (key, findings):
            self._findings = (key, findings)
            self._changed = True

    def forget(self, file: str) -> None:
        """Drop an answer that turned out to be unusable, so that it is written anew."""
        self._new.pop(file, None)
        self._changed = True

    def save(self) -> None:
        """Write the answers used or made in this run; quietly give up if the folder is
        not writable (the cache only saves time)."""
        if not self._changed and self._new.keys() == self._old.keys():
            # Still in use: not to be pruned. A link put in its place is touched itself, not
            # what it leads to, where the system can do that.
            follows = os.utime not in os.supports_follow_symlinks
            with contextlib.suppress(OSError):
                os.utime(self.path, follow_symlinks=follows)
            return
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                self.folder.mkdir(mode=0o700)  # the user's only
            if folder_problem(self.folder) is not None:  # made by someone else meanwhile
                return
            data = encode((FORMAT, self.context, self._new, self._findings), self._pack())
            temporary = self.folder / f".tmp-{os.getpid()}-{os.urandom(6).hex()}"
            flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0))
            handle = os.open(temporary, flags, 0o600)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except (OSError, ValueError):
            return
        self._old, self._changed = self._new, False
        _prune(self.folder, keep=self.path)

    def _pack(self) -> bytes | memoryview:
        """The extracts the kept answers refer to: those read, when nothing was added and
        at most a few went out of use (a handful of stale ones cost less than packing
        them all again); else packed anew."""
        used = {key for kept in self._new.values() for key in self._refers_to(kept[_ANSWER:])}
        if (self._packed and not self._added
                and len(self._extracts) - len(used) <= STALE_EXTRACTS):
            return self._packed
        return marshal.dumps({key: self._extracts[key] for key in sorted(used)
                              if key in self._extracts})


_OURS = re.compile(r"\.tmp-\d+-[0-9a-f]{12}|[0-9a-f]{24}\.v\d+\.sopkit-cache")
"""The names of the files sopkit writes in the cache folder: nothing else there is touched
(the folder may be one the user named, holding other files)."""


def _prune(folder: Path, keep: Path) -> None:
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
