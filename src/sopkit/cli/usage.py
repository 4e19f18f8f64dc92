"""How a command that cannot do what it was asked stops: one line on stderr, exit 2."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from sopkit.cli.exit_codes import ExitCode


def fail(message: str) -> NoReturn:
    """Say ``message`` as ``sopkit: message`` on one line (whatever a value quoted in it
    holds: mkdocs.yml, a path) and exit with :attr:`ExitCode.USAGE`."""
    from sopkit.format.terminal import visible

    click.echo(f"sopkit: {visible(message)}", err=True)
    sys.exit(ExitCode.USAGE)
