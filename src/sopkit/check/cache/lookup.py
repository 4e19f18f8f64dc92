"""The cache as the check uses it: look an answer up, store an answer.

:func:`open_cache` opens the cache of a handbook (or says why not);
:class:`CheckCache` looks up each file's answer (by its stat, else by its content) and
stores the answers of the files checked afresh, and does the same for the findings of the
handbook-wide checks, under a key of the date and every procedure's extract.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sopkit.check.cache.entries import entry_of, findings_from, packed_findings, result_from
from sopkit.check.cache.folder import default_cache_dir, folder_problem
from sopkit.check.cache.keys import code_fingerprint, content_digest, context_digest
from sopkit.check.cache.store import Cache
from sopkit.check.file_result import FileResult
from sopkit.check.findings import Finding

if TYPE_CHECKING:
    from sopkit.config import Config


class Found(NamedTuple):
    """A file's answer from the cache, and the digest of the content it answers for."""

    result: FileResult
    digest: bytes


class CheckCache:
    """Answers looked up and stored for one check of a handbook (see the package's
    docstring for what they depend on)."""

    def __init__(self, store: Cache) -> None:
        self.store = store
        self.started = time.time_ns()
        """Before any file is stat'ed: a stat is trusted only for a file older than this
        (see Cache.put)."""
        self._stats: dict[str, os.stat_result | None] = {}
        self._digests: dict[str, bytes] = {}
        self._key = b""

    def by_stat(self, path: str, name: str) -> Found | None:
        """The answer for file ``name`` (at ``path``) if its stat is the one kept with it:
        then the file need not be read."""
        try:
            stat: os.stat_result | None = os.stat(path)
        except OSError:
            stat = None
        self._stats[name] = stat
        kept = self.store.unchanged(name, stat) if stat is not None else None
        if kept is None:
            return None
        result = self._result(name, kept[1])
        return Found(result, kept[0]) if result is not None else None

    def by_content(self, name: str, raw: bytes) -> FileResult | None:
        """The answer for file ``name`` with the bytes ``raw``, if one is kept."""
        digest = self._digests[name] = content_digest(raw)
        entry = self.store.get(name, digest, self._stats.get(name), self.started)
        return self._result(name, entry) if entry is not None else None

    def digest(self, name: str) -> bytes | None:
        """The digest of the content of ``name``, when it was looked up by content."""
        return self._digests.get(name)

    def keep(self, name: str, result: FileResult) -> None:
        """Keep ``result`` as the answer for ``name`` (looked up by content before)."""
        digest = self._digests.get(name)
        if digest is None:
            return
        self.store.put(name, digest, self._stats.get(name), self.started, entry_of(result))
        if result.extract is not None:
            self.store.keep_extract(result.extract.digest, result.extract.packed)

    def _result(self, name: str, entry: bytes) -> FileResult | None:
        try:
            return result_from(name, entry, self.store.extract)
        except (ValueError, TypeError, EOFError):
            self.store.forget(name)  # malformed: check the file again
            return None

    def handbook_findings(self, checked: Sequence[FileResult], today: date,
                          invalid_ids: frozenset[str]) -> tuple[Finding, ...] | None:
        """The findings kept for the handbook-wide checks over these extracts, on ``today``
        (with these ids of procedures that break the format), if any."""
        # The names (which cannot hold NUL) and the extracts' digests (all of one size), in
        # file order, joined: two strings digest faster than a part per file. A name may
        # hold bytes that are not UTF-8 (as Python reads them: surrogateescape).
        with_extract = [(result.file, result.extract.context) for result in checked
                        if result.extract is not None]  # not the content digest: see Extract
        self._key = context_digest(
            today.isoformat().encode(),
            "\0".join(file for file, _ in with_extract).encode("utf-8", "surrogateescape"),
            b"".join(digest for _, digest in with_extract),
            "\0".join(sorted(invalid_ids)).encode())
        return findings_from(self.store.handbook_findings(self._key))

    def keep_handbook_findings(self, findings: Sequence[Finding]) -> None:
        """Keep ``findings`` under the key :meth:`handbook_findings` last looked up."""
        self.store.keep_handbook_findings(self._key, packed_findings(findings))

    def aside(self, name: str) -> object:
        """What a step of the check kept under ``name`` (unchecked: the step checks it)."""
        return self.store.aside(name)

    def keep_aside(self, name: str, value: object) -> None:
        """Keep ``value`` (marshallable) under ``name`` for the next check."""
        self.store.keep_aside(name, value)

    def save(self) -> None:
        self.store.save()


def open_cache(config: Config, folder: Path | None,
               organization: bytes) -> tuple[CheckCache | None, str | None]:
    """The cache of the handbook of ``config`` (in ``folder``, else the default one), valid
    for organization.yml's ``organization`` bytes; or None, with a warning to show when the
    folder cannot be trusted."""
    from sopkit.format.terminal import visible

    try:
        handbook = f"{config.procedures.resolve()}|{Path.cwd()}"
        context = context_digest(code_fingerprint(), content_digest(organization))
        folder = folder if folder is not None else default_cache_dir(config.cache_dir)
        problem = folder_problem(folder)
        if problem is not None:
            return None, (
                f"sopkit: warning: not using the cache folder {visible(os.fspath(folder))}: "
                f"{visible(problem)}, so its answers could be forged; checking without it "
                "(set SOPKIT_CACHE_DIR, or cache_dir in mkdocs.yml, to a folder of yours "
                "that only you can write to)")
        return CheckCache(Cache(folder, handbook, context)), None
    except (OSError, RuntimeError):  # no home folder, no working folder: run without
        return None, None
