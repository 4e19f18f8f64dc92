"""load -> schema -> rules -> severities: the whole check of a handbook, in one place.

Each procedure is first checked on its own (:func:`check_file`: load, schema, and
the rules whose findings depend on that file alone); that work is spread over
worker processes when there is enough of it, and kept in the cache
(:mod:`sopkit.cache`) so that a re-run only checks the files that changed. The
rules that look across procedures then run over a small extract of each one.
The result is the same, to the last message, whichever way it was reached:
tests/test_cache.py compares it with checking everything afresh.
"""

from __future__ import annotations

import contextlib
import marshal
import operator
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast, overload

from sopkit.config import Config
from sopkit.diagnostics import Diagnostic, RuleInfo, Severity
from sopkit.load import Document, JsonPath, load_bytes, read_file
from sopkit.rules import Handbook, HandbookCheck, Problem, ProcedureCheck, Rule, all_rules
from sopkit.schema import SchemaKind, check_schema

if TYPE_CHECKING:
    from sopkit.cache import Cache, Entry

YAML_SUFFIXES = (".yml", ".yaml")

# Rules that read organization.yml. When that file exists but is broken, its own
# errors are reported and these rules are skipped: judged against an empty
# organization they would flag every role and department in the handbook.
@cache
def organization_rules() -> frozenset[str]:
    return frozenset(rule.name for rule in all_rules() if rule.reads == "organization")

Progress = Callable[[int, int], None]


class PathError(Exception):
    """A path given on the command line does not exist or cannot be listed."""


class CheckResult(NamedTuple):
    diagnostics: tuple[Diagnostic, ...]
    procedures: Sequence[Document]
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


def rule_infos() -> list[RuleInfo]:
    """Every rule sopkit can report, including the syntax and schema checks."""
    from sopkit.diagnostics import IO, SCHEMA, SYNTAX

    return [SYNTAX, SCHEMA, IO, *(rule.info for rule in all_rules())]


def display_name(path: Path) -> str:
    """A file as messages name it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    if relative.startswith(".."):
        return path.as_posix()
    return Path(relative).as_posix()


def discover(folder: Path) -> list[Path]:
    """Procedure files under ``folder``: *.yml and *.yaml, not starting with '_' or '.'."""
    return [Path(path) for path in _discover(os.fspath(folder))]


def _discover(folder: str, paths: _Paths | None = None) -> list[str]:
    """:func:`discover` as strings, walking the folders as ``os.walk`` does (sorted, not
    into folders starting with '.' or '_', nor into links to folders). ``paths`` learns
    each file's folder, and which files are symbolic links."""
    found: list[str] = []

    def visit(top: str) -> None:
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError:
            return
        folders: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            (folders if is_folder else files).append(entry)
        prefix = os.path.join(top, "")
        names = sorted(entry.name for entry in files
                       if entry.name.endswith(YAML_SUFFIXES)
                       and not entry.name.startswith(("_", ".")))
        found.extend(prefix + name for name in names)
        if paths is not None and names:
            links = {entry.name for entry in files if entry.is_symlink()}
            paths.found(top, prefix, names, links)
        for entry in sorted(folders, key=_NAME):
            if not entry.name.startswith((".", "_")) and not entry.is_symlink():
                visit(prefix + entry.name)

    visit(folder)
    return found


_NAME = operator.attrgetter("name")


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files and folders from the command line, as a list of files."""
    return [Path(path) for path in _expand(paths)]


def _expand(paths: Sequence[Path], known: _Paths | None = None) -> list[str]:
    files: list[str] = []
    for path in paths:
        if path.is_dir():
            files.extend(_discover(os.fspath(path), known))
        elif path.is_file() or path.exists():
            files.append(os.fspath(path))
        else:
            raise PathError(f"{path}: no such file or folder")
    return files


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

    ``cache=False`` neither reads nor writes the cache (see :mod:`sopkit.cache`);
    ``cache_dir`` overrides its folder (default: ``$SOPKIT_CACHE_DIR``, else the
    config's ``cache_dir``, else the platform's cache folder). ``jobs`` is the
    number of processes to spread the files over (default: ``$SOPKIT_JOBS``, else
    one per core once there are PARALLEL_MIN_FILES files to check); the result is
    the same whatever it is.
    """
    files = _Paths()
    organization_path = os.path.normcase(os.path.realpath(config.organization))
    handbook_files = (_discover(os.fspath(config.procedures), files)
                      if config.procedures.is_dir() else [])
    selected = _expand(paths, files) if paths else handbook_files
    report_on = {files.resolve(path) for path in selected}
    wants_organization = not paths or organization_path in report_on

    procedure_files = _unique(
        [path for path in selected if files.resolve(path) != organization_path]
        + [path for path in handbook_files if files.resolve(path) not in report_on],
        files.resolve,
    )

    diagnostics: list[Diagnostic] = []
    organization: Document | None = None
    organization_bytes = b"-"  # "no organization.yml", for the cache
    if config.organization.is_file():
        name = display_name(config.organization)
        raw = read_file(config.organization, name)
        if isinstance(raw, bytes):
            organization_bytes = b"+" + raw
            organization, found = _validate(load_bytes(raw, name), "organization")
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
    diagnostics.extend(
        Diagnostic(file, line, column, levels[rule], rule, message)
        for rule, file, line, column, message
        in _context_findings(checked, organization, handbook_day, store)
        if rule in levels
    )
    diagnostics.extend(_whole_document_rules(procedures, organization, handbook_day, levels,
                                             _invalid_ids(checked)))
    if store is not None:
        store.save()

    reported = {files.display(path) for path in selected}
    if wants_organization:
        reported.add(display_name(config.organization))
    kept = sorted(d for d in diagnostics if d.file in reported)
    return CheckResult(
        diagnostics=tuple(kept),
        procedures=procedures,
        organization=organization,
        files=len(selected) + (1 if wants_organization and config.organization.is_file() else 0),
    )


def _unique(paths: Iterable[str], resolve: Callable[[str], str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for path in paths:
        key = resolve(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


class _Paths:
    """``Path.resolve`` and :func:`display_name` for many files in a few folders, on
    strings, with each folder worked out once: for 10,000 files, path objects and
    system calls would be a good part of a run that finds everything in the cache."""

    def __init__(self) -> None:
        self._resolved: dict[str, str] = {}
        self._displayed: dict[str, str] = {}
        self._relative: dict[str, str | None] = {}

    def found(self, folder: str, prefix: str, names: Sequence[str],
              links: Container[str]) -> None:
        """Learn the files ``names`` of ``folder`` (paths ``prefix + name``), from listing
        it; ``links`` are the symbolic links among them, resolved one by one."""
        real = os.path.normcase(os.path.join(os.path.realpath(folder), ""))
        resolved = self._resolved
        for name in names:
            if name not in links:
                resolved[prefix + name] = real + os.path.normcase(name)
        relative = self._relative_folder(folder)
        if relative is None or relative.startswith(".."):
            return  # named by their full paths: left to display()
        shown = "" if relative == "." else Path(relative).as_posix() + "/"
        displayed = self._displayed
        for name in names:
            displayed[prefix + name] = shown + name

    def resolve(self, path: str) -> str:
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = os.path.normcase(os.path.realpath(path))
        return resolved

    def display(self, path: str) -> str:
        """:func:`display_name` of ``path``."""
        displayed = self._displayed.get(path)
        if displayed is None:
            folder, name = os.path.split(path)
            relative = self._relative_folder(folder)
            if name in ("", ".", "..") or relative is None:
                displayed = display_name(Path(path))
            else:
                displayed = self._joined(relative, name, path)
            self._displayed[path] = displayed
        return displayed

    def _relative_folder(self, folder: str) -> str | None:
        if folder not in self._relative:
            try:
                self._relative[folder] = os.path.relpath(folder or ".")
            except ValueError:  # another drive on Windows
                self._relative[folder] = None
        return self._relative[folder]

    @staticmethod
    def _joined(folder: str, name: str, path: str) -> str:
        relative = name if folder == "." else os.path.join(folder, name)
        if relative.startswith(".."):
            return Path(path).as_posix()
        return relative if os.sep == "/" else Path(relative).as_posix()


def _validate(loaded: Document | Diagnostic,
              kind: SchemaKind) -> tuple[Document | None, list[Diagnostic]]:
    if isinstance(loaded, Diagnostic):
        return None, [loaded]
    problems = check_schema(loaded, kind)
    return (None if problems else loaded), problems


# -- which rules may be kept with a file --------------------------------------------------------
#
# A rule's findings about a procedure are kept in the cache with the file when
# they depend on nothing else: document_rules() read the procedure alone;
# organization_rules() (above) also read organization.yml, whose bytes are part of
# the cache key. Rules of handbook scope among them are run one procedure at a
# time (and once on organization.yml alone, for their findings about it).
# context_rules() read the date or the other procedures; they run over an extract
# of each procedure (the keys named here, with their positions) that is kept
# with the file, whenever an extract or the date changed. A rule in none of
# these lists is run the slow way, over whole documents, on every check.
# Each rule declares which it is when it registers (`reads=`, see sopkit.rules);
# tests/test_cache.py checks each rule against what it declares.

@cache
def document_rules() -> frozenset[str]:
    return frozenset(rule.name for rule in all_rules() if rule.reads == "procedure")


@cache
def context_rules() -> Mapping[str, frozenset[str]]:
    return {rule.name: rule.context for rule in all_rules() if rule.reads == "context"}


@cache
def context_keys() -> frozenset[str]:
    return frozenset({"id"}).union(*context_rules().values())
"""The keys of a procedure that the context rules read (``id`` for ``by_id``)."""

PARALLEL_MIN_FILES = 200
"""Fewer files to check than this are checked in this process: starting workers costs more."""


def _levels(config: Config, skip: frozenset[str]) -> dict[str, Severity]:
    """Rule name -> the severity it reports with; rules that are off are left out."""
    levels: dict[str, Severity] = {}
    for rule in all_rules():
        if rule.scope == "change" or rule.name in skip:  # change rules need a base: diff.py
            continue
        level = config.rules.get(rule.name, rule.info.severity)
        if level != "off":
            levels[rule.name] = "warning" if level == "warning" else "error"
    return levels


def _cached_rules() -> list[Rule]:
    return [rule for rule in all_rules()
            if rule.name in document_rules() or rule.name in organization_rules()]


Extract = tuple[dict[str, Any], bytes, bytes]
"""A procedure's context keys: the data, its positions (marshal bytes), and a digest of both."""


class FileResult:
    """One procedure file checked on its own: what the cache keeps for it.

    ``diagnostics`` are its syntax and schema errors (or why it could not be read);
    ``findings`` the (rule, line, column, message) of the rules kept with the file,
    whatever their level; ``extract`` the part of the document the context rules
    read (None when it failed the schema), known by ``digest``; ``document`` the
    whole document, when it was loaded in this process and may be kept. A result
    from the cache unpacks its extract only when the context rules need it.
    """

    __slots__ = ("_extract", "_packed", "diagnostics", "digest", "document", "file", "findings",
                 "invalid_id")

    def __init__(self, file: str, diagnostics: tuple[Diagnostic, ...],
                 findings: tuple[tuple[str, int, int, str], ...], extract: Extract | None,
                 document: Document | None = None, *, digest: bytes | None = None,
                 packed: bytes | None = None, invalid_id: str | None = None) -> None:
        self.file = file
        self.invalid_id = invalid_id
        """The id of a procedure that failed the schema, if it has one."""
        self.diagnostics = diagnostics
        self.findings = findings
        self.document = document
        self.digest = extract[2] if extract is not None else digest
        self._extract = extract
        self._packed = packed

    @property
    def extract(self) -> Extract | None:
        if self._extract is None and self._packed is not None and self.digest is not None:
            data, positions = marshal.loads(self._packed)  # checksummed, written by this code
            self._extract = (data, positions, self.digest)
        return self._extract

    @property
    def context(self) -> Document | None:
        """The extract as a document (its positions unpacked when first read)."""
        extract = self.extract
        if extract is None:
            return None
        data, positions, _ = extract
        packed = _Positions(positions)
        return Document(file=self.file, data=data, values=_Packed(packed, 0),
                        keys=_Packed(packed, 1), numbers=_Packed(packed, 2))

    def entry(self) -> Entry:
        """The form the cache keeps: a clean file's is the digest of its extract (kept
        apart: :meth:`packed_extract`); any other's also has its problems, marshalled."""
        if not self.diagnostics and not self.findings and self.digest is not None:
            return _CLEAN + self.digest
        return _PROBLEMS + marshal.dumps((
            self.digest,
            tuple((d.line, d.column, d.severity, d.rule, d.message) for d in self.diagnostics),
            self.findings, self.invalid_id))

    def packed_extract(self) -> bytes | None:
        """The extract as the cache keeps it, under :attr:`digest`."""
        extract = self.extract
        return None if extract is None else marshal.dumps(extract[:2])

    @classmethod
    def from_entry(cls, file: str, entry: Entry,
                   extracts: Callable[[bytes], bytes | None]) -> FileResult:
        """The result kept in ``entry``, its extract found in ``extracts``; ValueError
        (or TypeError) when it is malformed."""
        invalid_id = None
        if entry[:1] == _CLEAN:
            digest: bytes | None = entry[1:]
            diagnostics: tuple[Diagnostic, ...] = ()
            findings: tuple[tuple[str, int, int, str], ...] = ()
        elif entry[:1] == _PROBLEMS:
            digest, kept_diagnostics, kept_findings, invalid_id = marshal.loads(entry[1:])
            if not (invalid_id is None or isinstance(invalid_id, str)):
                raise ValueError("malformed entry")
            diagnostics = tuple(
                Diagnostic(file, int(line), int(column), _severity(severity), str(rule),
                           str(message))
                for line, column, severity, rule, message in kept_diagnostics)
            findings = tuple((str(rule), int(line), int(column), str(message))
                             for rule, line, column, message in kept_findings)
        else:
            raise ValueError("malformed entry")
        packed = None
        if digest is not None:
            packed = extracts(digest) if isinstance(digest, bytes) else None
            if not isinstance(packed, bytes):
                raise ValueError("malformed entry")
        return cls(file, diagnostics, findings, None, digest=digest, packed=packed,
                   invalid_id=invalid_id)


_CLEAN, _PROBLEMS = b"c", b"p"
"""The first byte of a kept answer."""


def _extracts_of(entry: Entry) -> Iterable[bytes]:
    """The digest of the extract a kept answer refers to, if any (for the cache)."""
    if entry[:1] == _CLEAN:
        return (entry[1:],)
    if entry[:1] == _PROBLEMS:
        with contextlib.suppress(ValueError, TypeError, EOFError):
            digest = marshal.loads(entry[1:])[0]
            return (digest,) if isinstance(digest, bytes) else ()
    return ()


class _Positions:
    """The three position mappings of an extract, as marshal bytes until first needed."""

    __slots__ = ("_blob", "_maps")

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._maps: tuple[dict[Any, Any], ...] | None = None

    def map(self, number: int) -> dict[Any, Any]:
        if self._maps is None:
            maps = marshal.loads(self._blob)  # written by this code: the file is checksummed
            valid = (isinstance(maps, tuple) and len(maps) == 3
                     and all(isinstance(part, dict) for part in maps))
            self._maps = maps if valid else ({}, {}, {})
        return self._maps[number]


class _Packed(Mapping[Any, Any]):
    """One of the mappings of :class:`_Positions`; most are never read."""

    __slots__ = ("_number", "_positions")

    def __init__(self, positions: _Positions, number: int) -> None:
        self._positions = positions
        self._number = number

    def __getitem__(self, key: Any) -> Any:
        return self._positions.map(self._number)[key]

    def __contains__(self, key: object) -> bool:
        return key in self._positions.map(self._number)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._positions.map(self._number))

    def __len__(self) -> int:
        return len(self._positions.map(self._number))


def _severity(value: object) -> Severity:
    if value == "error" or value == "warning":
        return value
    raise ValueError("malformed entry")


def check_file(file: str, raw: bytes, organization: Document | None,
               keep_document: bool = False) -> FileResult:
    """Load one procedure, check it against the schema and run the rules kept with it."""
    loaded = load_bytes(raw, file)
    document, diagnostics = _validate(loaded, "procedure")
    if document is None:
        named = loaded.data.get("id") if isinstance(loaded, Document) else None
        return FileResult(file, tuple(diagnostics), (), None,
                          invalid_id=named if isinstance(named, str) else None)
    alone = _handbook([document], organization, date.today())
    findings: list[tuple[str, int, int, str]] = []
    for rule in _cached_rules():
        problems: Iterable[Problem]
        if rule.scope == "handbook":
            problems = (problem for problem in cast(HandbookCheck, rule.check)(alone)
                        if problem.document is document)
        else:
            problems = cast(ProcedureCheck, rule.check)(document, alone)
        for problem in problems:
            _, line, column = problem.document.at(problem.path, key=problem.key)
            findings.append((rule.name, line, column, problem.message))
    return FileResult(file, (), tuple(findings), _extract(document),
                      document if keep_document else None)


def _extract(document: Document) -> Extract:
    """The part of ``document`` the context rules read, with the positions in it."""
    data = {key: value for key, value in document.data.items() if key in context_keys()}
    values: dict[JsonPath, tuple[int, int]] = {(): document.values[()]}
    keys: dict[JsonPath, tuple[int, int]] = {}
    numbers: dict[JsonPath, str] = {}
    todo: list[tuple[JsonPath, Any]] = [((key,), value) for key, value in data.items()]
    while todo:  # walk the extracted values: far fewer than the document's positions
        path, value = todo.pop()
        if path in document.values:
            values[path] = document.values[path]
        if path in document.keys:
            keys[path] = document.keys[path]
        if path in document.numbers:
            numbers[path] = document.numbers[path]
        if isinstance(value, dict):
            todo.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            todo.extend(((*path, index), item) for index, item in enumerate(value))
    positions = marshal.dumps((values, keys, numbers))
    from sopkit.cache import content_digest

    return data, positions, content_digest(marshal.dumps((data, positions)))


def _open_cache(config: Config, folder: Path | None, organization: bytes) -> Cache | None:
    from sopkit.cache import (
        Cache,
        code_fingerprint,
        content_digest,
        context_digest,
        default_cache_dir,
    )

    try:
        handbook = f"{config.procedures.resolve()}|{Path.cwd()}"
        context = context_digest(code_fingerprint(), content_digest(organization))
        folder = folder if folder is not None else default_cache_dir(config.cache_dir)
        return Cache(folder, handbook, context,
                     refers_to=_extracts_of)
    except (OSError, RuntimeError):  # no home folder, no working folder: run without
        return None


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
        from sopkit.cache import content_digest
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
    workers = _workers(len(missing), jobs)
    keep = total < PARALLEL_MIN_FILES  # few documents: keep them rather than load them again
    fresh: Iterable[FileResult]
    if workers > 1:
        fresh = _in_parallel([(name, raw) for _, name, raw, *_ in missing], organization,
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


JOBS_ENV = "SOPKIT_JOBS"
"""Processes to check files in, when ``jobs`` is not given (e.g. 1 in a container whose CPU
quota is smaller than the number of cores it sees)."""


def _workers(count: int, jobs: int | None) -> int:
    if jobs is None and os.environ.get(JOBS_ENV, "").strip().isdigit():
        jobs = int(os.environ[JOBS_ENV])
    if jobs is not None:
        return max(1, min(jobs, count))
    if count < PARALLEL_MIN_FILES:
        return 1  # few files
    import threading

    if threading.active_count() > 1:
        return 1  # threads (mkdocs serve), which forking could deadlock
    return max(1, min(_idle_cores(), count // 50))


def _idle_cores() -> int:
    """Cores this process may use that no other process is busy on right now: workers
    on a core that is already busy make the check slower, not faster."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
    try:
        with open("/proc/loadavg", encoding="ascii") as stream:
            running = int(stream.read().split()[3].split("/")[0])  # this process included
    except (OSError, ValueError, IndexError):
        return cores
    return max(1, cores - max(0, running - 1))


def _in_parallel(jobs: list[tuple[str, bytes]], organization: Document | None,
                 workers: int) -> Iterator[FileResult]:
    """check_file over ``jobs`` in ``workers`` processes, in order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform == "linux" else None
    context = multiprocessing.get_context(method)
    size = max(8, min(64, len(jobs) // (workers * 4) or 1))
    chunks = [jobs[start:start + size] for start in range(0, len(jobs), size)]
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(organization,)) as pool:
        for results in pool.map(_check_chunk, chunks):
            yield from results


_worker_organization: Document | None = None


def _start_worker(organization: Document | None) -> None:
    global _worker_organization
    _worker_organization = organization


def _check_chunk(jobs: list[tuple[str, bytes]]) -> list[FileResult]:
    return [check_file(name, raw, _worker_organization) for name, raw in jobs]


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
            self._loaded = tuple(_document(source) for source in self._sources)
            self._sources = []
        return self._loaded

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


def _document(source: _Source) -> Document:
    path, name, digest, content = source
    if isinstance(content, Document):
        return content
    if content is None:
        from sopkit.cache import content_digest

        again = read_file(Path(path), name)
        if isinstance(again, Diagnostic) or content_digest(again) != digest:
            raise FileChangedError(f"{name} changed while sopkit was checking it: run again")
        content = again
    loaded = load_bytes(content, name)
    if not isinstance(loaded, Document):  # it loaded when it was checked
        raise FileChangedError(f"{name} changed while sopkit was checking it: run again")
    return loaded


def _handbook(procedures: Sequence[Document], organization: Document | None,
              today: date, invalid_ids: frozenset[str] = frozenset()) -> Handbook:
    by_id: dict[str, list[Document]] = defaultdict(list)
    for document in procedures:
        by_id[document.data["id"]].append(document)
    return Handbook(procedures=tuple(procedures), organization=organization, today=today,
                    by_id=dict(by_id), invalid_ids=invalid_ids)


def _invalid_ids(checked: Sequence[FileResult]) -> frozenset[str]:
    return frozenset(result.invalid_id for result in checked if result.invalid_id is not None)


ContextFinding = tuple[str, str, int, int, str]
"""(rule, file, line, column, message) of a finding of the rules run on every check."""


def _context_findings(checked: Sequence[FileResult], organization: Document | None,
                      today: date, store: Cache | None) -> Sequence[ContextFinding]:
    """What the context_rules() find over the extracts, and the rules kept with the files
    find about organization.yml, whatever their level. These depend on nothing but the
    extracts, the date and organization.yml (and the ids of the procedures that break
    the format), so the cache keeps the last answer too."""
    invalid = _invalid_ids(checked)
    key = b""
    if store is not None:
        from sopkit.cache import context_digest

        # The names (which cannot hold NUL) and the extracts' digests (all of one size), in
        # file order, joined: two strings digest faster than a part per file.
        with_extract = [result for result in checked if result.digest is not None]
        key = context_digest(today.isoformat().encode(),
                             "\0".join(result.file for result in with_extract).encode(),
                             b"".join(cast(bytes, result.digest) for result in with_extract),
                             "\0".join(sorted(invalid)).encode())
        kept = store.context_findings(key)
        if kept is not None and all(_is_context_finding(item) for item in kept):
            return cast(Sequence[ContextFinding], kept)
    extracts = _handbook([context for result in checked
                          if (context := result.context) is not None], organization, today,
                         invalid)
    alone = _handbook([], organization, today)
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
            whole = _handbook(list(procedures), organization, today, invalid)
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
