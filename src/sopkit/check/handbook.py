"""load -> schema -> rules -> severities: the whole check of a handbook, in one place.

:func:`check_handbook` reads it in this order:

1. which files (:mod:`sopkit.check.discover`), and organization.yml;
2. each procedure on its own (:mod:`sopkit.check.files`): load, schema, and the checks
   whose findings depend on that file alone (:func:`sopkit.check.runner.file_checks`);
3. the handbook-wide checks, once, over an extract of each procedure and organization.yml
   (:func:`sopkit.check.runner.handbook_findings`), and the training rules, once per
   procedure id (:mod:`sopkit.check.training_groups`);
4. the findings given the severities of the handbook's settings
   (:mod:`sopkit.check.findings`).

The cache (:mod:`sopkit.check.cache`) wraps steps 2 and 3: it has the answer of each
file that did not change, the handbook-wide findings when no extract changed, and the
training rules' findings about each procedure whose records and extract did not change. The
result is the same, to the last message, whichever way it was reached:
tests/check/test_cache.py compares it with running every rule over the whole handbook.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Container, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sopkit.check import findings
from sopkit.check.diagnostics import (
    IO,
    OUTSIDE_LINK,
    SCHEMA,
    SYNTAX,
    UNSAFE_NAME,
    Diagnostic,
    RuleInfo,
)
from sopkit.check.discover import (
    Boundary,
    Paths,
    covers,
    discover_names,
    display_name,
    expand_names,
    outside_link,
    unique,
)
from sopkit.check.documents import Documents, FileChangedError
from sopkit.check.file_check import validate_document
from sopkit.check.file_result import FileResult
from sopkit.check.files import ProcedureFile, Progress, check_files
from sopkit.check.repository import RULES as REPOSITORY_RULES
from sopkit.check.repository import repository_findings
from sopkit.check.runner import file_checks, handbook_findings
from sopkit.check.training_files import (
    RecordDocuments,
    check_training_files,
    find_training_files,
)
from sopkit.check.training_groups import training_findings
from sopkit.config import Config
from sopkit.format.load import Document, load_bytes, read_file
from sopkit.rules import all_rules

if TYPE_CHECKING:
    from sopkit.check.cache import CheckCache

__all__ = ["CheckResult", "Documents", "FileChangedError", "Progress", "check_handbook",
           "rule_infos"]


class CheckResult(NamedTuple):
    diagnostics: tuple[Diagnostic, ...]
    procedures: Documents
    """The procedure documents that passed the schema, in file order (loaded when first
    asked for: see :class:`Documents`)."""
    organization: Document | None
    """organization.yml when it exists and passed the schema."""
    files: int
    notes: tuple[str, ...] = ()
    """Warnings about the check itself, not the handbook (a cache folder that cannot be
    trusted), for the caller to show: on stderr for the command line."""
    training: Sequence[Document] = ()
    """The training records files that passed the schema (their records only), in file
    order (unpacked when first asked for: see :class:`RecordDocuments`)."""
    approvals: Sequence[Document] = ()
    """The approval records files (format 1.2) that passed the schema, in file order
    (unpacked when first asked for)."""

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
    return [SYNTAX, SCHEMA, IO, UNSAFE_NAME, OUTSIDE_LINK, *REPOSITORY_RULES,
            *(rule.info for rule in all_rules())]


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
    training_paths, training = find_training_files(config, boundary)
    approval_paths, approvals = find_training_files(config, boundary, "approval")
    selection = _select(config, paths, boundary, training.resolved | approvals.resolved)
    if not paths:
        for kept in (training, approvals):
            selection.reported.update(kept.names)
            selection.reported.update(diagnostic.file for diagnostic in kept.diagnostics)
    raw = _organization_bytes(config, boundary)
    store, note = None, None
    if cache:
        from sopkit.check.cache import open_cache

        store, note = open_cache(config, cache_dir, _organization_key(raw))
    organization = _read_organization(config, raw, store)

    checked, procedures = check_files(selection.procedures, organization.document,
                                      file_checks(organization.broken), store, progress, jobs)
    training = check_training_files(training_paths, training, store)
    approvals = check_training_files(approval_paths, approvals, store, "approval")
    found = [finding for result in checked for finding in result.findings]
    found += _across_files(checked, (training.results, approvals.results),
                           organization.document, today or config.today or date.today(), store)
    around, outside = repository_findings(config, selection.procedures,
                                          (result.file for result in checked if result.valid),
                                          organization.document, store)
    found += around
    if not paths:
        selection.reported.update(outside)  # CODEOWNERS: reported on a whole check
    if store is not None:
        store.save()

    levels = findings.severities(config, (rule for rule in all_rules()
                                          if rule.takes != "change"))  # review/diff.py
    levels.update(findings.info_levels(config, REPOSITORY_RULES))
    diagnostics = [*selection.diagnostics, *training.diagnostics, *approvals.diagnostics,
                   *(d for result in training.results for d in result.diagnostics),
                   *(d for result in approvals.results for d in result.diagnostics),
                   *(organization.diagnostics if selection.organization else ()),
                   *(diagnostic for result in checked for diagnostic in result.diagnostics),
                   *findings.diagnostics(found, levels)]
    return CheckResult(
        diagnostics=tuple(sorted(dict.fromkeys(  # a link found both ways: reported once
            d for d in diagnostics if d.file in selection.reported))),
        procedures=procedures,
        organization=organization.document,
        files=selection.files + (0 if paths else len(training.names) + len(approvals.names)),
        notes=(note,) if note is not None else (),
        training=RecordDocuments(training.results),
        approvals=RecordDocuments(approvals.results),
    )


def _across_files(checked: Sequence[FileResult],
                  records: tuple[Sequence[FileResult], Sequence[FileResult]],
                  organization: Document | None, today: date,
                  store: CheckCache | None) -> Sequence[findings.Finding]:
    """What the handbook-wide checks find (from the cache when no extract changed), and the
    training and approval rules (from the cache for each procedure whose records did not
    change)."""
    invalid = frozenset(result.invalid_id for result in checked
                        if result.invalid_id is not None)
    trained = [*training_findings(checked, records[0], organization, today, invalid, store),
               *training_findings(checked, records[1], organization, today, invalid, store,
                                  "approval")]
    kept = store.handbook_findings(checked, today, invalid) if store is not None else None
    if kept is not None:
        return [*kept, *trained]
    extracts = [extract for result in checked
                if (extract := result.extract_document()) is not None]
    found = handbook_findings(extracts, organization, today, invalid)
    if store is not None:
        store.keep_handbook_findings(found)
    return [*found, *trained]


# -- which files --------------------------------------------------------------------------------


class Selection(NamedTuple):
    """The files of a check: those to read, those to report on, and what was found about
    files that are not read as they are."""

    procedures: list[ProcedureFile]
    """Every procedure file of the handbook (and those named), each once."""
    reported: set[str]
    """The names the report keeps findings about."""
    files: int
    """The number of files reported on (a file named twice is one file)."""
    organization: bool
    """organization.yml is reported on."""
    diagnostics: list[Diagnostic]


def _select(config: Config, paths: Sequence[Path], boundary: Boundary,
            training: Container[str] = ()) -> Selection:
    """The files to check and to report on: the handbook's, or ``paths``; not the
    ``training`` files (real paths: training and approval records), which are checked as
    records."""
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
    selected = (expand_names(paths, files, handbook=(config.procedures, config.organization,
                                                     config.training(), config.approvals()))
                if paths else handbook_files)
    report_on = {files.resolve(path) for path in selected}
    wants_organization = not paths or organization_path in report_on

    linked_folders = (files.linked_folders[handbook_folders:] if paths
                      else files.linked_folders[:handbook_folders])
    # Links are judged before files named twice are counted once: two links out of the
    # handbook to one file are two errors.
    named = [path for path in selected
             if files.resolve(path) != organization_path and files.resolve(path) not in training]
    # Without paths the handbook's files are named, in its order already.
    candidates, refused = _refused(
        _in_handbook_order(named, handbook_files, files) if paths else named,
        linked_folders, files, boundary)
    diagnostics.extend(refused)

    reported = {files.display(path) for path in selected}
    reported.update(files.display(folder) for folder in linked_folders)
    if not paths:
        reported.add(display_name(config.procedures))
    for records in (config.training(), config.approvals()):
        if not paths or covers(paths, records):  # a path never changes a verdict
            reported.add(display_name(records))
    if wants_organization:
        reported.add(display_name(config.organization))
    return Selection(
        procedures=[ProcedureFile(path, files.display(path))
                    for path in unique(candidates, files.resolve)],
        reported=reported,
        files=len(report_on - {organization_path})  # a file named twice is one file
        + (1 if wants_organization and config.organization.is_file() else 0),
        organization=wants_organization,
        diagnostics=diagnostics,
    )


def _in_handbook_order(named: list[str], handbook_files: list[str], files: Paths) -> list[str]:
    """The files to read: those ``named`` that are not the handbook's, then the handbook's
    in its own order, each named one as it was named. The order of a check with paths is
    then the order of one without (so its cross-file findings and the cache's keys over
    every extract are the same, and a pre-commit run and a CI run share the cache)."""
    spellings: dict[str, list[str]] = {}
    for path in named:
        spellings.setdefault(files.resolve(path), []).append(path)
    ordered: list[str] = []
    placed: set[str] = set()
    for path in handbook_files:
        key = files.resolve(path)
        if key not in spellings:
            ordered.append(path)
        elif key not in placed:
            ordered.extend(spellings[key])
            placed.add(key)
    return [path for path in named if files.resolve(path) not in placed] + ordered


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


# -- organization.yml ---------------------------------------------------------------------------


class OrganizationFile(NamedTuple):
    """organization.yml as the check read it."""

    document: Document | None
    """When it exists and passed the schema."""
    diagnostics: list[Diagnostic]
    """Why it could not be used (reported when the check reports on it)."""
    cache_key: bytes
    """What the cache's answers depend on: ``-`` (no file), ``+`` and its bytes, or ``!``
    (it could not be read)."""
    broken: bool
    """It is there but could not be used: the checks that read it are left out."""


def _organization_bytes(config: Config, boundary: Boundary) -> bytes | Diagnostic | None:
    """organization.yml's bytes; None without one, or why it cannot be read."""
    if not config.organization.is_file():
        return None
    name = display_name(config.organization)
    real = os.path.normcase(os.path.realpath(config.organization))
    if boundary.leaves(os.fspath(config.organization), real):
        return outside_link(name, boundary.describe(os.fspath(config.organization)))
    return read_file(config.organization, name)


def _organization_key(raw: bytes | Diagnostic | None) -> bytes:
    """What the cache's answers depend on: ``-`` (no file), ``+`` and its bytes, or ``!``
    (it could not be read)."""
    return b"-" if raw is None else b"+" + raw if isinstance(raw, bytes) else b"!"


ORGANIZATION_ASIDE = "organization"
"""Under this name, the cache keeps organization.yml loaded (data and positions), when it
passed the schema: the cache is for these bytes only, so a warm run need not load it."""


def _read_organization(config: Config, raw: bytes | Diagnostic | None,
                       store: CheckCache | None) -> OrganizationFile:
    if raw is None:
        return OrganizationFile(None, [], b"-", broken=False)
    if not isinstance(raw, bytes):
        return OrganizationFile(None, [raw], b"!", broken=True)
    name = display_name(config.organization)
    from sopkit.check.cache.entries import Extract, PackedMap
    from sopkit.check.cache.keys import content_digest

    kept = store.aside(ORGANIZATION_ASIDE) if store is not None else None
    if isinstance(kept, bytes):
        with contextlib.suppress(ValueError, TypeError, EOFError):
            loaded = Extract(content_digest(kept), kept).document(name)
            values, keys, numbers = (part.as_dict() if isinstance(part, PackedMap) else {}
                                     for part in (loaded.values, loaded.keys, loaded.numbers))
            if isinstance(loaded.data, dict) and values:
                return OrganizationFile(Document(name, loaded.data, values, keys, numbers), [],
                                        b"+" + raw, broken=False)
    document, found = validate_document(load_bytes(raw, name), "organization")
    if document is not None and store is not None:
        store.keep_aside(ORGANIZATION_ASIDE, Extract.of(document, document.data.keys()).packed)
    return OrganizationFile(document, found, b"+" + raw, broken=document is None)
