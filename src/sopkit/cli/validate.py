"""What `sopkit validate` does: find the handbook, check it, add the change rules when
asked, print the report, and say which exit code it earned.

Both ways into the command use it: the click command in sopkit.cli.main (any option,
``--help``) and the quick path in sopkit.cli.entry (``sopkit validate [PATH...]``),
so nothing here imports click: output goes straight to the standard streams, through
:func:`write`, which does what click.echo does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sopkit.cli.exit_codes import ExitCode

if TYPE_CHECKING:
    from sopkit.check.diagnostics import Diagnostic
    from sopkit.check.handbook import CheckResult
    from sopkit.config import Config



class UsageProblem(Exception):
    """The command cannot run as asked (exit 2); the message says what to change."""


def validate_handbook(paths: Sequence[Path] = (), *, fmt: str | None = None,
                      strict: bool = False, today: date | None = None,
                      config_file: Path | None = None, base: str | None = None,
                      cache: bool = True, jobs: int | None = None) -> int:
    """Check the handbook (the one ``paths`` are in, else the current folder's; reporting
    on ``paths`` only, when given),
    print the report on stdout, and return the exit code: 0 clean, 1 problems, 2 a file
    could not be read. UsageProblem when there is no handbook or no such path."""
    from sopkit.check.discover import PathError, display_name
    from sopkit.check.handbook import check_handbook, rule_infos
    from sopkit.config import ConfigError, load_config
    from sopkit.format.terminal import visible
    from sopkit.report.validation import format_report

    try:
        start = Path.cwd() if config_file is not None else handbook_of(paths)
        config = load_config(start, config_file)
    except ConfigError as error:
        raise UsageProblem(str(error)) from None
    if not paths and not config.procedures.is_dir():
        raise UsageProblem(
            f"there is no procedures folder here ({visible(display_name(config.procedures))}/) "
            "nor a handbook (mkdocs.yml or a procedures folder) in a folder above: run sopkit "
            "in the handbook's folder, pass files or folders, or start a handbook with "
            "'sopkit init'")
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        result = check_handbook(config, paths, today=today, progress=_progress(fmt),
                                cache=cache, jobs=jobs)
    except PathError as error:
        raise UsageProblem(str(error)) from None
    show_notes(result)
    if base is not None:
        result = _with_change_rules(result, config, base, paths)
    color = fmt == "text" and wants_color(sys.stdout)
    write(sys.stdout, format_report(fmt, result.diagnostics, files=result.files,
                                    rules=rule_infos(), color=color))
    if any(diagnostic.rule == "io" for diagnostic in result.diagnostics):
        return ExitCode.USAGE  # a file could not be read: an I/O problem, not a finding
    return ExitCode.PROBLEMS if result.failed(strict or config.strict) else ExitCode.OK


def handbook_of(paths: Sequence[Path]) -> Path:
    """Where the handbook of a check is found from: the handbook the ``paths`` are in,
    so that a file is checked in its own handbook's context wherever sopkit runs; the
    current folder when they are in none (or none is given). Paths in two handbooks are a
    UsageProblem."""
    from sopkit.config import find_handbook
    from sopkit.format.terminal import visible

    folders = dict.fromkeys(path if path.is_dir() else path.parent for path in paths)
    found: dict[Path, None] = {}
    for folder in folders:  # each once: a hook passes many files of a few folders
        handbook = find_handbook(folder)
        if handbook is not None:
            found[handbook] = None
    if len(found) > 1:
        first, second = list(found)[:2]
        raise UsageProblem(f"the paths are in two handbooks ({visible(str(first))} and "
                           f"{visible(str(second))}): check each handbook on its own")
    return next(iter(found), Path.cwd())


def write(stream: TextIO | None, text: str) -> None:
    """``text`` on ``stream``, as click.echo would: nothing when there is no stream, and
    characters its encoding cannot hold (``PYTHONIOENCODING=ascii``) replaced, not fatal."""
    if stream is None:
        return
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding))
    stream.flush()


def show_notes(result: CheckResult) -> None:
    """The check's warnings about itself (not the handbook's problems), on stderr."""
    for note in result.notes:
        write(sys.stderr, note + "\n")


def _with_change_rules(result: CheckResult, config: Config, base: str,
                       paths: Sequence[Path]) -> CheckResult:
    """Add the change rules' findings against ``base``; only for the files ``paths`` cover,
    if any, named as the report names them."""
    from sopkit.check.findings import merged
    from sopkit.review.diff import change_diagnostics, diff_handbook
    from sopkit.review.git import GitError

    try:
        found = change_diagnostics(config, diff_handbook(config, base, None))
    except GitError as error:
        raise UsageProblem(str(error)) from None
    if paths:  # the files the paths cover, whether or not they have another finding
        found = _covered(config, paths, found)
    # A finding another rule already makes on the same file is said once (a rule's
    # superseded_by: history-not-updated gives way to history-version-mismatch).
    return result._replace(diagnostics=merged(result.diagnostics, found))


def _covered(config: Config, paths: Sequence[Path],
             found: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings of ``found`` about files ``paths`` cover (as check_handbook finds them),
    each naming its file as the report names it."""
    from sopkit.check.discover import Paths, expand_names

    files = Paths()
    selected = expand_names(paths, files, handbook=(config.procedures, config.organization,
                                                    config.training(), config.approvals()))
    covered = {files.resolve(path): files.display(path) for path in selected}
    return [diagnostic._replace(file=covered[key]) for diagnostic in found
            if (key := files.resolve(diagnostic.file)) in covered]


def wants_color(stream: TextIO | None) -> bool:
    """Colours on ``stream``: a terminal, unless NO_COLOR is set (None: it was closed)."""
    return not os.environ.get("NO_COLOR") and stream is not None and stream.isatty()


def _progress(fmt: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr for long runs on a terminal; silent in CI and pipes."""
    if fmt != "text" or sys.stderr is None or not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total < 200:
            return
        if done == total:
            write(sys.stderr, "\r\x1b[K")
        elif done % 50 == 0:
            write(sys.stderr, f"\rchecking {done}/{total} procedures…")

    return show
