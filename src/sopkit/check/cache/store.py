"""The cache file of one handbook: answers by file name, read once and written back once.

The layout: MAGIC, a checksum of the rest, the length of the answers, the answers
(marshalled: the format version, the context, file name -> packed stat + content digest +
entry, the handbook-wide findings and what is kept aside by name), then the extracts
(marshalled: digest -> packed extract). What an entry holds is
:mod:`sopkit.check.cache.entries`' business; this module only reads which extract an entry
refers to, to drop the others.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import struct
import zlib
from pathlib import Path
from typing import Any

from sopkit.check.cache.entries import extract_digest
from sopkit.check.cache.folder import folder_problem, prune, read_private
from sopkit.check.cache.keys import DIGEST_SIZE, FORMAT, name_digest

MAGIC = b"sopkit-cache\n"
_CHECKSUM = 4
"""Bytes of the checksum after MAGIC: a file that does not match it is ignored whole."""
_LENGTH = 8
"""Bytes after the checksum that give the length of the answers; the extracts follow them."""
STALE_EXTRACTS = 200
"""Extracts no answer refers to any more that may stay in the file before it is repacked."""

Entry = bytes
"""One file's answer, packed by sopkit.check.cache.entries."""


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


_STAT = struct.Struct("<QQQQQ")
"""A file's device, inode, size, modification and change times (ns), packed, each cut to
64 bits: some file systems give 128-bit inodes or negative devices, which would not fit."""
_BITS = (1 << 64) - 1
_NO_STAT = bytes(_STAT.size)
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

    The extracts the ``extracts`` checks read are kept apart, under their own digest:
    most edits leave a file's extract as it was, and then that part of the cache
    file is written back as it was read, without being packed again.
    """

    def __init__(self, folder: Path, handbook: str, context: bytes) -> None:
        self.folder = folder
        name = name_digest(handbook)
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
        self._aside: dict[str, Any] = {}
        """Name -> what a step of the check keeps for itself (marshallable, unchecked: see
        :meth:`aside`)."""
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
        if (isinstance(data, tuple) and len(data) == 5 and data[0] == FORMAT
                and data[1] == self.context and isinstance(data[2], dict)
                and all(isinstance(kept, bytes) and len(kept) >= _ANSWER
                        for kept in data[2].values())
                and isinstance(data[3], tuple) and len(data[3]) == 2
                and isinstance(data[4], dict) and isinstance(extracts, dict)):
            self._old, self._findings, self._aside = data[2], data[3], data[4]
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

    def handbook_findings(self, key: bytes) -> Any | None:
        """The findings kept for the handbook-wide ``key``, if any (unchecked: see
        :func:`sopkit.check.cache.entries.findings_from`)."""
        kept_key, findings = self._findings
        return findings if kept_key == key and isinstance(findings, tuple) else None

    def keep_handbook_findings(self, key: bytes, findings: Any) -> None:
        """Keep ``findings`` (marshallable) as those of the handbook-wide ``key``, in place
        of any other."""
        findings = tuple(findings)
        if self._findings != (key, findings):
            self._findings = (key, findings)
            self._changed = True

    def aside(self, name: str) -> Any | None:
        """What was kept under ``name`` (see :meth:`keep_aside`), if anything: unchecked,
        as the caller wrote it."""
        return self._aside.get(name)

    def keep_aside(self, name: str, value: Any) -> None:
        """Keep ``value`` (marshallable) under ``name``, in place of what was there."""
        if self._aside.get(name) != value:
            self._aside[name] = value
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
            data = encode((FORMAT, self.context, self._new, self._findings, self._aside),
                          self._pack())
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
        prune(self.folder, keep=self.path)

    def _pack(self) -> bytes | memoryview:
        """The extracts the kept answers refer to: those read, when nothing was added and
        at most a few went out of use (a handful of stale ones cost less than packing
        them all again); else packed anew."""
        used = {key for kept in self._new.values()
                if (key := extract_digest(kept[_ANSWER:])) is not None}
        if (self._packed and not self._added
                and len(self._extracts) - len(used) <= STALE_EXTRACTS):
            return self._packed
        return marshal.dumps({key: self._extracts[key] for key in sorted(used)
                              if key in self._extracts})

