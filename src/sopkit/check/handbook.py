"""load -> schema -> rules -> severities: the whole check of a handbook, in one place.

Each procedure is first checked on its own (:func:`sopkit.check.file_check.check_file`:
load, schema, and the rules whose findings depend on that file alone); that work is
spread over worker processes (:mod:`sopkit.check.workers`) when there is enough of it, and
kept in the cache
(:mod:`sopkit.check.cache`) so that a re-run only checks the files that changed. The
rules that look across procedures then run over a small extract of each one.
The result is the same, to the last message, whichever way it was reached:
tests/test_cache.py compares it with checking everything afresh.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast, overload

from sopkit.check.diagnostics import (
    IO,
    OUTSIDE_LINK,
    SCHEMA,
    SYNTAX,
    UNSAFE_NAME,
    Diagnostic,
    RuleInfo,
    Severity,
)
from sopkit.check.discover import (
    Boundary,
    Paths,
    discover_names,
    display_name,
    expand_names,
    outside_link,
    unique,
)
from sopkit.check.file_check import (
    FileResult,
    check_file,
    context_rules,
    document_rules,
    extracts_of,
    handbook_of,
    invalid_ids,
    organization_rules,
    validate_document,
)
from sopkit.check.workers import PARALLEL_MIN_FILES, in_parallel, map_in_processes, workers_for
from sopkit.config import Config
from sopkit.format.load import Document, load_bytes, read_file
from sopkit.format.terminal import visible
from sopkit.rules import Handbook, HandbookCheck, Problem, ProcedureCheck, Rule, all_rules

if TYPE_CHECKING:
    from sopkit.check.cache import Cache, Entry


Progress = Callable[[int, int], None]


class CheckResult(NamedTuple):
    diagnostics: tuple[Diagnostic, ...]
    procedures: Documents
    """The procedure documents that passed the schema, in file order (loaded when first
    asked for: see :class:`Documents`)."""
    organization: Document | None
    """organization.yml when it exists and passed the schema."""
    files: int

    @property
    def errors(self) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def contents(self) -> tuple[Document, ...]:
        """The procedures with their data only (see :meth:`Documents.contents`)."""
        return self.procedures.contents()


def rule_infos() -> list[RuleInfo]:
    """Every rule sopkit can report, including the syntax and schema checks."""
    return [SYNTAX, SCHEMA, IO, UNSAFE_NAME, OUTSIDE_LINK, *(rule.info for rule in all_rules())]


def check_handbook(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> CheckResult:
    """Check the handbook of ``config``; report on ``paths`` only, when given.

    The whole handbook is read either way, because rules such as unique ids
    and related procedures need the other procedures as context.

    ``cache=False`` neither reads nor writes the cache (see :mod:`sopkit.check.cache`);
    ``cache_dir`` overrides its folder (default: ``$SOPKIT_CACHE_DIR``, else the
    config's ``cache_dir``, else the platform's cache folder). ``jobs`` is the
    number of processes to spread the files over (default: ``$SOPKIT_JOBS``, else
    one per core once there are PARALLEL_MIN_FILES files to check); the result is
    the same whatever it is.

    A link that leads out of the handbook (see :mod:`sopkit.check.discover`) is reported and
    never read, whichever command checks it: what it leads to is neither reported on
    nor published.
    """
    boundary = Boundary(config.root, config.procedures)
    files = Paths(boundary.inside)
    organization_path = os.path.normcase(os.path.realpath(config.organization))
    diagnostics: list[Diagnostic] = []
    handbook_files: list[str] = []
    if config.procedures.is_dir():
        folder = os.fspath(config.procedures)
        if boundary.leaves(folder):
            diagnostics.append(outside_link(
                display_name(config.procedures), "the procedures folder is a link to a folder "
                "outside the handbook; sopkit does not read it: move the procedures into the "
                "handbook, or name their real folder in mkdocs.yml's procedures option"))
        else:
            handbook_files = discover_names(folder, files)
    handbook_folders = len(files.linked_folders)
    selected = (expand_names(paths, files, handbook=(config.procedures, config.organization))
                if paths else handbook_files)
    report_on = {files.resolve(path) for path in selected}
    wants_organization = not paths or organization_path in report_on

    linked_folders = (files.linked_folders[handbook_folders:] if paths
                      else files.linked_folders[:handbook_folders])
    # Links are judged before files named twice are counted once: two links out of the
    # handbook to one file are two errors.
    candidates, refused = _refused(
        [path for path in selected if files.resolve(path) != organization_path]
        + [path for path in handbook_files if files.resolve(path) not in report_on],
        linked_folders, files, boundary)
    diagnostics.extend(refused)
    procedure_files = unique(candidates, files.resolve)

    organization: Document | None = None
    organization_bytes = b"-"  # "no organization.yml", for the cache
    if config.organization.is_file():
        name = display_name(config.organization)
        if boundary.leaves(os.fspath(config.organization), organization_path):
            raw: bytes | Diagnostic = outside_link(name, boundary.describe(
                os.fspath(config.organization)))
        else:
            raw = read_file(config.organization, name)
        if isinstance(raw, bytes):
            organization_bytes = b"+" + raw
            organization, found = validate_document(load_bytes(raw, name), "organization")
        else:
            organization_bytes, found = b"!", [raw]
        diagnostics.extend(found if wants_organization else ())

    store = _open_cache(config, cache_dir, organization_bytes) if cache else None
    named = [(path, files.display(path)) for path in procedure_files]
    checked, procedures = _check_files(named, organization, store, progress, jobs)

    broken_organization = config.organization.is_file() and organization is None
    skip = organization_rules() if broken_organization else frozenset()
    levels = _levels(config, skip)
    for result in checked:
        diagnostics.extend(result.diagnostics)
        diagnostics.extend(
            Diagnostic(result.file, line, column, levels[rule], rule, message)
            for rule, line, column, message in result.findings if rule in levels
        )
    handbook_day = today or config.today or date.today()
    invalid = invalid_ids(checked)
    diagnostics.extend(
        Diagnostic(file, line, column, levels[rule], rule, message)
        for rule, file, line, column, message
        in _context_findings(checked, invalid, organization, handbook_day, store)
        if rule in levels
    )
    diagnostics.extend(_whole_document_rules(procedures, organization, handbook_day, levels,
                                             invalid))
    if store is not None:
        store.save()

    reported = {files.display(path) for path in selected}
    reported.update(files.display(folder) for folder in linked_folders)
    if not paths:
        reported.add(display_name(config.procedures))
    if wants_organization:
        reported.add(display_name(config.organization))
    kept = sorted(d for d in diagnostics if d.file in reported)
    return CheckResult(
        diagnostics=tuple(kept),
        procedures=procedures,
        organization=organization,
        files=len(report_on - {organization_path})  # a file named twice is one file
        + (1 if wants_organization and config.organization.is_file() else 0),
    )


def _refused(procedure_files: list[str], linked_folders: Sequence[str], files: Paths,
             boundary: Boundary) -> tuple[list[str], list[Diagnostic]]:
    """The procedure files to read, and the findings about files and folders that are not
    taken as they are: links out of the handbook (left out: never read) and files whose
    names hold control or bidirectional characters (read, and reported). Quick when
    there are none: ``files`` knows the few to look at."""
    found: list[Diagnostic] = []
    leaving = {path for path in files.suspects if boundary.leaves(path, files.resolve(path))}
    if leaving:
        found.extend(outside_link(files.display(path), boundary.describe(path))
                     for path in procedure_files if path in leaving)
        procedure_files = [path for path in procedure_files if path not in leaving]
    for folder in dict.fromkeys(linked_folders):
        if boundary.leaves(folder):
            found.append(outside_link(files.display(folder), boundary.describe(folder)))
    if files.unsafe:
        found.extend(Diagnostic(files.display(path), 0, 0, "error", UNSAFE_NAME.name,
                                "the name of this file (or of a folder it is in) holds a "
                                "control or bidirectional character, which terminals and "
                                "logs show wrongly (here as an escape): rename the file "
                                "with visible characters only")
                     for path in procedure_files if path in files.unsafe)
    return procedure_files, list(dict.fromkeys(found))  # a file named twice: once


def _levels(config: Config, skip: frozenset[str]) -> dict[str, Severity]:
    """Rule name -> the severity it reports with; rules that are off are left out."""
    levels: dict[str, Severity] = {}
    for rule in all_rules():
        if rule.scope == "change" or rule.name in skip:  # change rules need a base: review/diff.py
            continue
        level = config.rules.get(rule.name, rule.info.severity)
        if level != "off":
            levels[rule.name] = "warning" if level == "warning" else "error"
    return levels


def _open_cache(config: Config, folder: Path | None, organization: bytes) -> Cache | None:
    from sopkit.check.cache import (
        Cache,
        code_fingerprint,
        content_digest,
        context_digest,
        default_cache_dir,
        folder_problem,
    )

    try:
        handbook = f"{config.procedures.resolve()}|{Path.cwd()}"
        context = context_digest(code_fingerprint(), content_digest(organization))
        folder = folder if folder is not None else default_cache_dir(config.cache_dir)
        problem = folder_problem(folder)
        if problem is not None:
            _warn(f"sopkit: warning: not using the cache folder {visible(os.fspath(folder))}: "
                  f"{visible(problem)}, so its answers could be forged; checking without it "
                  "(set SOPKIT_CACHE_DIR, or cache_dir in mkdocs.yml, to a folder of yours "
                  "that only you can write to)")
            return None
        return Cache(folder, handbook, context,
                     refers_to=extracts_of)
    except (OSError, RuntimeError):  # no home folder, no working folder: run without
        return None


def _warn(message: str) -> None:
    """One line on stderr (a check has no other channel for it: reports go to stdout)."""
    from sopkit.cli.validate import write

    write(sys.stderr, message + "\n")


def _check_files(files: Sequence[tuple[str, str]], organization: Document | None,
                 store: Cache | None, progress: Progress | None,
                 jobs: int | None) -> tuple[list[FileResult], Documents]:
    """Each procedure checked on its own, from the cache when it has the answer; and the
    documents that passed the schema."""
    total = len(files)
    results: list[FileResult | None] = [None] * total
    sources: list[_Source | None] = [None] * total
    missing: list[tuple[int, str, bytes, bytes | None, os.stat_result | None, int]] = []
    started = time.time_ns()  # before any file is stat'ed: see Cache.put
    if store is not None:
        from sopkit.check.cache import content_digest
    for index, (path, name) in enumerate(files):
        stat = digest = None
        if store is not None:
            try:
                stat = os.stat(path)
            except OSError:
                pass
            else:
                kept = store.unchanged(name, stat)
                if kept is not None and _from_cache(store, index, name, kept[1], results):
                    sources[index] = (path, name, kept[0], None)
                    continue
        raw = read_file(Path(path), name)
        if isinstance(raw, Diagnostic):
            results[index] = FileResult(name, (raw,), (), None)
            continue
        if store is not None:
            digest = content_digest(raw)
            entry = store.get(name, digest, stat, started)
            if entry is not None and _from_cache(store, index, name, entry, results):
                sources[index] = (path, name, digest, raw)
                continue
        missing.append((index, name, raw, digest, stat, started))

    if progress is not None:
        for done in range(1, total - len(missing) + 1):
            progress(done, total)
    workers = workers_for(len(missing), jobs)
    keep = total < PARALLEL_MIN_FILES  # few documents: keep them rather than load them again
    fresh: Iterable[FileResult]
    if workers > 1:
        fresh = in_parallel([(name, raw) for _, name, raw, *_ in missing], organization,
                             workers)
    else:
        fresh = (check_file(name, raw, organization, keep) for _, name, raw, *_ in missing)
    done = total - len(missing)
    for (index, name, raw, digest, stat, started), result in zip(missing, fresh, strict=True):
        results[index] = result
        sources[index] = (files[index][0], name, digest, result.document or raw)
        if store is not None and digest is not None:
            store.put(name, digest, stat, started, result.entry())
            packed = result.packed_extract()
            if packed is not None and result.digest is not None:
                store.keep_extract(result.digest, packed)
        done += 1
        if progress is not None:
            progress(done, total)

    checked = [result for result in results if result is not None]
    valid = [source for source, result in zip(sources, results, strict=True)
             if source is not None and result is not None and result.digest is not None]
    return checked, Documents(valid)


def _from_cache(store: Cache, index: int, name: str, entry: Entry,
                results: list[FileResult | None]) -> bool:
    try:
        results[index] = FileResult.from_entry(name, entry, store.extract)
    except (ValueError, TypeError, EOFError):
        store.forget(name)  # malformed: check the file again
        return False
    return True


_Source = tuple[str, str, bytes | None, bytes | Document | None]
"""A checked procedure: its path, name, content digest (when the cache knows it) and
its bytes or document (when they are at hand)."""


class FileChangedError(OSError):
    """A procedure changed between being checked and being loaded for publishing."""


class Documents(Sequence[Document]):
    """The procedures that passed the schema, in file order, loaded when first asked for.

    A check that took its answers from the cache, or from worker processes, has
    not got the documents at hand; most callers (``sopkit validate``) never ask
    for them, and those that do (rendering) get them loaded from the bytes that
    were checked (read again when the cache vouched for them unread; if they
    changed meanwhile, :class:`FileChangedError` says so).
    """

    def __init__(self, sources: Sequence[_Source]) -> None:
        self._sources = list(sources)
        self._loaded: tuple[Document, ...] | None = None

    def _documents(self) -> tuple[Document, ...]:
        if self._loaded is None:
            self._loaded = _load_all(self._sources, positions=True)
            self._sources = []
        return self._loaded

    def contents(self) -> tuple[Document, ...]:
        """The documents with their data and names only, no positions: what publishing
        reads. A fraction of the memory (positions are most of a loaded document: some
        200 MB at 1,000 procedures) and of the time to send from worker processes."""
        if self._loaded is not None:
            return tuple(_content(document) for document in self._loaded)
        return _load_all(self._sources, positions=False)

    def __len__(self) -> int:
        return len(self._loaded) if self._loaded is not None else len(self._sources)

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        return self._documents()[index]

    def __iter__(self) -> Iterator[Document]:
        return iter(self._documents())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Documents | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Documents({len(self)} procedures)"


def _load_all(sources: Sequence[_Source], *, positions: bool) -> tuple[Document, ...]:
    """The documents of ``sources`` (without their positions unless asked), loading those
    not at hand: on every idle core when there are many (a large handbook whose answers
    came from the cache)."""
    load = _documents_of if positions else _contents_of
    pending = [source for source in sources if not isinstance(source[3], Document)]
    workers = workers_for(len(pending), None)
    loaded = iter(map_in_processes(load, pending, workers) if workers > 1 else load(pending))
    return tuple(next(loaded) if not isinstance(source[3], Document)
                 else source[3] if positions else _content(source[3])
                 for source in sources)


def _documents_of(sources: list[_Source]) -> list[Document]:
    return [_document(source) for source in sources]


def _contents_of(sources: list[_Source]) -> list[Document]:
    return [_content(_document(source)) for source in sources]


def _content(document: Document) -> Document:
    return Document(document.file, document.data, {}, {}, {})


def _document(source: _Source) -> Document:
    path, name, digest, content = source
    if isinstance(content, Document):
        return content
    if content is None:
        from sopkit.check.cache import content_digest

        again = read_file(Path(path), name)
        if isinstance(again, Diagnostic) or content_digest(again) != digest:
            raise FileChangedError(f"{name} changed while sopkit was checking it: run again")
        content = again
    loaded = load_bytes(content, name)
    if not isinstance(loaded, Document):  # it loaded when it was checked
        raise FileChangedError(f"{name} changed while sopkit was checking it: run again")
    return loaded


ContextFinding = tuple[str, str, int, int, str]
"""(rule, file, line, column, message) of a finding of the rules run on every check."""


def _context_findings(checked: Sequence[FileResult], invalid: frozenset[str],
                      organization: Document | None, today: date,
                      store: Cache | None) -> Sequence[ContextFinding]:
    """What the context_rules() find over the extracts, and the rules kept with the files
    find about organization.yml, whatever their level. These depend on nothing but the
    extracts, the date and organization.yml (and the ids of the procedures that break
    the format: ``invalid``), so the cache keeps the last answer too."""
    key = b""
    if store is not None:
        from sopkit.check.cache import context_digest

        # The names (which cannot hold NUL) and the extracts' digests (all of one size), in
        # file order, joined: two strings digest faster than a part per file. A name may
        # hold bytes that are not UTF-8 (as Python reads them: surrogateescape).
        with_extract = [result for result in checked if result.digest is not None]
        key = context_digest(today.isoformat().encode(),
                             "\0".join(result.file for result in with_extract).encode(
                                 "utf-8", "surrogateescape"),
                             b"".join(cast(bytes, result.digest) for result in with_extract),
                             "\0".join(sorted(invalid)).encode())
        kept = store.context_findings(key)
        if kept is not None and all(_is_context_finding(item) for item in kept):
            return cast(Sequence[ContextFinding], kept)
    extracts = handbook_of([context for result in checked
                          if (context := result.context) is not None], organization, today,
                         invalid)
    alone = handbook_of([], organization, today)
    found: list[ContextFinding] = []
    for rule in all_rules():
        if rule.name in context_rules():
            handbook = extracts
        elif (rule.name in document_rules() or rule.name in organization_rules()) and (
                rule.scope == "handbook" and organization is not None):
            handbook = alone  # what it finds in organization.yml
        else:
            continue
        for problem in _problems(rule, handbook):
            file, line, column = problem.document.at(problem.path, key=problem.key)
            found.append((rule.name, file, line, column, problem.message))
    if store is not None:
        store.keep_context_findings(key, found)
    return found


def _is_context_finding(item: object) -> bool:
    return (isinstance(item, tuple) and len(item) == 5
            and all(isinstance(part, kind)
                    for part, kind in zip(item, (str, str, int, int, str), strict=True)))


def _whole_document_rules(procedures: Documents, organization: Document | None, today: date,
                          levels: Mapping[str, Severity],
                          invalid: frozenset[str]) -> Iterator[Diagnostic]:
    """The rules in none of the lists above: over whole documents, every time."""
    whole: Handbook | None = None
    for rule in all_rules():
        if (rule.name not in levels or rule.scope == "change" or rule.name in context_rules()
                or rule.name in document_rules() or rule.name in organization_rules()):
            continue
        if whole is None:
            whole = handbook_of(list(procedures), organization, today, invalid)
        for problem in _problems(rule, whole):
            file, line, column = problem.document.at(problem.path, key=problem.key)
            yield Diagnostic(file, line, column, levels[rule.name], rule.name, problem.message)


def _problems(rule: Rule, handbook: Handbook) -> Iterable[Problem]:
    if rule.scope == "handbook":
        yield from cast(HandbookCheck, rule.check)(handbook)
        return
    check = cast(ProcedureCheck, rule.check)
    for document in handbook.procedures:
        yield from check(document, handbook)
