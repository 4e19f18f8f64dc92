"""The `sopkit` console script (``sopkit.cli.entry:run``): the quick path for `sopkit
validate`, and the hand-over to the command line in sopkit.cli.main for everything else.

`sopkit validate` runs on every commit and every pull request, and a re-run
that finds all but one file in the cache does about 30 ms of work: starting
Python and importing libraries is most of what it costs. So this module imports
nothing heavy, and:

* The quick path: ``sopkit validate [PATH...]`` with no option (what hooks and CI
  run) goes straight to :func:`sopkit.cli.validate.validate_handbook`, without
  loading click (some 10 ms of imports). That is all of it: paths only, decided by
  :func:`_is_plain_validate` (any argument starting with ``-`` is click's), and the
  three things click would do on the way out, done as click does them (``write`` as
  click.echo, "Aborted!" on Ctrl+C, exit 1 on a closed pipe). Anything else (an
  option, ``--help``, another command) goes through the command line, which
  defines and documents every command; tests/cli/test_entry.py checks that both ways
  give the same output and exit code.
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
from typing import NoReturn

from sopkit.cli.exit_codes import ExitCode


def run() -> NoReturn:
    """Run the command line in ``sys.argv``."""
    arguments = sys.argv[1:]
    if arguments[:1] == ["validate"]:  # a short run: not `serve`, which lives for hours
        gc.set_threshold(100_000, 50, 100)
    try:
        if _is_plain_validate(arguments):
            _exit_now(_validate(arguments[1:]))
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


def _is_plain_validate(arguments: list[str]) -> bool:
    """``validate`` followed by paths only: no option, nothing click would treat apart
    (on Windows click also expands wildcards: left to it)."""
    return (bool(arguments) and arguments[0] == "validate" and sys.platform != "win32"
            and not any(argument.startswith("-") for argument in arguments[1:]))


def _validate(arguments: list[str]) -> int:
    """`sopkit validate PATH...` as the click command would run it, to the exit code."""
    from pathlib import Path

    from sopkit.cli.validate import UsageProblem, validate_handbook, write

    try:
        return validate_handbook(tuple(Path(argument) for argument in arguments))
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
