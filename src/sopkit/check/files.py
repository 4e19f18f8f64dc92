"""Every procedure file checked on its own: its answer from the cache when the cache has
one, else checked (:func:`sopkit.check.file_check.check_file`), in worker processes when
there are many, and the answer stored."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sopkit.check.diagnostics import Diagnostic
from sopkit.check.documents import Documents, Source
from sopkit.check.file_check import check_file
from sopkit.check.file_result import FileResult
from sopkit.check.workers import PARALLEL_MIN_FILES, in_parallel, workers_for
from sopkit.format.load import Document, read_file
from sopkit.rules import Check

if TYPE_CHECKING:
    from sopkit.check.cache import CheckCache

Progress = Callable[[int, int], None]


class ProcedureFile(NamedTuple):
    """A procedure file to check."""

    path: str
    name: str
    """As reports name it."""


class Unchecked(NamedTuple):
    """A file read, whose answer the cache did not have: to be checked."""

    position: int
    """Its place in the files checked."""
    name: str
    raw: bytes


def check_files(files: Sequence[ProcedureFile], organization: Document | None,
                checks: Sequence[Check], cache: CheckCache | None,
                progress: Progress | None = None,
                jobs: int | None = None) -> tuple[list[FileResult], Documents]:
    """Each file checked on its own with ``checks``, in file order; and the documents that
    passed the schema."""
    total = len(files)
    results: list[FileResult | None] = [None] * total
    sources: list[Source | None] = [None] * total
    unchecked: list[Unchecked] = []
    for index, (path, name) in enumerate(files):
        found = cache.by_stat(path, name) if cache is not None else None
        if found is not None:  # the file need not even be read
            results[index] = found.result
            sources[index] = Source(path, name, found.digest, None)
            continue
        raw = read_file(Path(path), name)
        if isinstance(raw, Diagnostic):
            results[index] = FileResult(name, (raw,))
            continue
        kept = cache.by_content(name, raw) if cache is not None else None
        if kept is not None:
            results[index] = kept
            sources[index] = Source(path, name, cache.digest(name) if cache else None, raw)
        else:
            unchecked.append(Unchecked(index, name, raw))

    done = total - len(unchecked)
    if progress is not None:
        for count in range(1, done + 1):
            progress(count, total)
    fresh = _checked(unchecked, organization, checks, jobs,
                     keep=total < PARALLEL_MIN_FILES)  # few: keep them, not load them again
    for item, result in zip(unchecked, fresh, strict=True):
        results[item.position] = result
        sources[item.position] = Source(files[item.position].path, item.name,
                                     cache.digest(item.name) if cache else None,
                                     result.document or item.raw)
        if cache is not None:
            cache.keep(item.name, result)
        done += 1
        if progress is not None:
            progress(done, total)

    checked = [result for result in results if result is not None]
    valid = [source for source, result in zip(sources, results, strict=True)
             if source is not None and result is not None and result.valid]
    return checked, Documents(valid)


def _checked(unchecked: Sequence[Unchecked], organization: Document | None,
             checks: Sequence[Check], jobs: int | None, *, keep: bool) -> Iterable[FileResult]:
    """The answers for ``unchecked``, in order: in worker processes when there are many
    (their documents are not sent back), else here (the documents kept if ``keep``)."""
    workers = workers_for(len(unchecked), jobs)
    if workers > 1:
        return in_parallel([(item.name, item.raw) for item in unchecked], organization,
                           workers, checks)
    return (check_file(item.name, item.raw, organization, keep, checks) for item in unchecked)
