"""How a command that cannot do what it was asked stops (one line on stderr, exit 2), and
the date options every command reads the same way."""

from __future__ import annotations

import sys
from datetime import date
from typing import NoReturn

import click

from sopkit.cli.exit_codes import ExitCode


def fail(message: str) -> NoReturn:
    """Say ``message`` as ``sopkit: message`` on one line (whatever a value quoted in it
    holds: mkdocs.yml, a path) and exit with :attr:`ExitCode.USAGE`."""
    from sopkit.format.terminal import visible

    click.echo(f"sopkit: {visible(message)}", err=True)
    sys.exit(ExitCode.USAGE)


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """The callback of a YYYY-MM-DD option (``--today``, ``--at``): a date, or click's usage
    error saying how to write one."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: write it as YYYY-MM-DD") from None
