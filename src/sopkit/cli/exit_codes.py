"""The exit codes of every sopkit command, as the README's table gives them (click's
convention). A command stopped by a signal exits with 128 + the signal's number, as a shell
reports it (:class:`sopkit.publish.output.Stopped`)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """All good."""
    PROBLEMS = 1
    """The handbook has problems (errors, or warnings with --strict), or the build failed."""
    USAGE = 2
    """A usage, configuration or file problem: sopkit could not do what it was asked."""
