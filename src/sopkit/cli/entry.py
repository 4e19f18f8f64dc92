"""The `sopkit` console script (``sopkit.cli.entry:run``): the quick path for `sopkit
validate`, and the hand-over to the command line in sopkit.cli.main for everything else.

`sopkit validate` runs on every commit and every pull request, and a re-run
that finds all but one file in the cache does about 30 ms of work: starting
Python and importing libraries is most of what it costs. So this module imports
nothing heavy, and:

* The quick path: ``sopkit validate [PATH...]`` with paths and the options hooks and
  CI pass (``--format``, ``--strict``, ``--today``, ``--no-cache``, ``--jobs``,
  ``--config``, ``--base``) goes straight to :func:`sopkit.cli.validate.validate_handbook`,
  without loading click (some 20 ms of imports: a warm re-run at 2,000 procedures
  costs about 200 ms in all). :func:`quick_validate` reads the arguments, and takes only
  what it reads exactly as click would: a value click would refuse, an option
  written another way (``-fjson``, ``-f=json``), ``--``, ``--help`` or another command
  go through the command line, which defines, documents and explains every command.
  The three things click would do on the way out are done as click does them
  (``write`` as click.echo, "Aborted!" on Ctrl+C, exit 1 on a closed pipe).
  tests/cli/test_entry.py checks that both ways give the same output and exit code.
* For `validate`, the garbage collector runs less often, as mypy does: a check
  allocates many small objects and almost no cycles.
* The quick path ends with ``os._exit`` once the output is flushed, as mypy
  does: tearing the interpreter down object by object costs another 10 ms and
  has nothing left to do (the cache is written, no file or process is open).

An unexpected exception is a bug in sopkit, not in the handbook: it is said in
one line, with exit code 2; SOPKIT_DEBUG=1 shows the traceback for a report. A
library sopkit needs that cannot be imported (jsonschema-rs, say) is a broken
installation instead, and said so in one line, with exit code 2.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from sopkit.cli.exit_codes import ExitCode

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path


def run() -> NoReturn:
    """Run the command line in ``sys.argv``."""
    arguments = sys.argv[1:]
    if arguments[:1] == ["validate"]:  # a short run: not `serve`, which lives for hours
        gc.set_threshold(100_000, 50, 100)
    try:
        quick = quick_validate(arguments)
        if quick is not None:
            _exit_now(_validate(*quick))
        from sopkit.cli.main import main

        main()
    except Exception as error:
        if os.environ.get("SOPKIT_DEBUG"):
            raise
        from sopkit.cli.validate import write

        missing = _missing_library(error)
        if missing is not None:
            write(sys.stderr, f"sopkit: the module {missing} is not installed, and sopkit "
                              "needs it: reinstall sopkit (pip install --force-reinstall "
                              "sopkit)\n")
            sys.exit(ExitCode.USAGE)
        write(sys.stderr, f"sopkit: internal error ({type(error).__name__}: {error}); this is "
                          "a bug in sopkit: please report it, with SOPKIT_DEBUG=1 set to show "
                          "the details\n")
        sys.exit(ExitCode.USAGE)
    sys.exit(0)  # pragma: no cover - click's main exits itself


def _missing_library(error: Exception) -> str | None:
    """The module ``error`` says is not installed, when it is a library sopkit depends on
    (one of sopkit's own modules missing is a bug, said as one)."""
    if isinstance(error, ModuleNotFoundError) and error.name is not None:
        return None if error.name.partition(".")[0] == "sopkit" else error.name
    return None


FORMATS = ("text", "json", "github", "sarif", "gitlab")
"""The values of validate's ``--format`` (click.Choice in sopkit.cli.main: the same)."""
_FLAGS = {"--strict": "strict", "--no-cache": "no_cache"}
_VALUED = {"--format": "fmt", "-f": "fmt", "--today": "today", "--jobs": "jobs", "-j": "jobs",
           "--config": "config_file", "--base": "base"}

class Options(NamedTuple):
    """validate's options, as the click command gives them to validate_handbook."""

    fmt: str | None = None
    strict: bool = False
    today: date | None = None
    config_file: Path | None = None
    base: str | None = None
    cache: bool = True
    jobs: int | None = None


def quick_validate(arguments: list[str]) -> tuple[list[str], Options] | None:
    """The paths and options of ``validate ...`` when the quick way can take them exactly
    as the click command would (see the module's docstring); None otherwise."""
    if not arguments or arguments[0] != "validate" or sys.platform == "win32":
        return None  # (on Windows click also expands wildcards: left to it)
    paths: list[str] = []
    written: dict[str, str] = {}
    rest = iter(arguments[1:])
    for argument in rest:
        if not argument.startswith("-"):
            paths.append(argument)
            continue
        name, equals, value = argument.partition("=")
        if name in _FLAGS and not equals:
            written[_FLAGS[name]] = ""
            continue
        if name not in _VALUED or (equals and not name.startswith("--")):
            return None  # --help, --, -fjson, -f=json, an unknown option: click's
        if not equals:
            value = next(rest, "-")
        if value.startswith("-") or not value:
            return None  # a missing value, or one click might read otherwise
        written[_VALUED[name]] = value  # the last one wins, as in click
    options = _converted(written)
    return None if options is None else (paths, options)


def _converted(written: dict[str, str]) -> Options | None:
    """The options as the click command converts them; None for a value it refuses."""
    from pathlib import Path

    fmt, today, jobs = written.get("fmt"), written.get("today"), written.get("jobs")
    config, base = written.get("config_file"), written.get("base")
    if fmt is not None and fmt not in FORMATS:
        return None
    if config is not None and Path(config).is_dir():
        return None  # click.Path(dir_okay=False) says why
    try:
        from datetime import date

        day = date.fromisoformat(today) if today is not None else None  # as parse_date
        count = int(jobs) if jobs is not None else None  # as click.INT, then IntRange(min=1)
    except ValueError:
        return None
    if count is not None and count < 1:
        return None
    return Options(fmt=fmt, strict="strict" in written, today=day,
                   config_file=Path(config) if config is not None else None, base=base,
                   cache="no_cache" not in written, jobs=count)


def _validate(arguments: list[str], options: Options | None = None) -> int:
    """`sopkit validate PATH... [OPTIONS]` as the click command would run it, to the exit
    code."""
    from pathlib import Path

    from sopkit.cli.validate import UsageProblem, validate_handbook, write

    options = options or Options()
    try:
        return validate_handbook(tuple(Path(argument) for argument in arguments),
                                 fmt=options.fmt, strict=options.strict, today=options.today,
                                 config_file=options.config_file, base=options.base,
                                 cache=options.cache, jobs=options.jobs)
    except UsageProblem as error:
        write(sys.stderr, f"sopkit: {error}\n")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        write(sys.stderr, "\nAborted!\n")  # as click says it
        return ExitCode.PROBLEMS
    except BrokenPipeError:
        return ExitCode.PROBLEMS  # the reader went away (`| head`): as click exits then


def _exit_now(code: int) -> NoReturn:
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BrokenPipeError:
        code = ExitCode.PROBLEMS
    os._exit(code)
