"""`sopkit diff` and the `validate --base` hook: pull-request review on the command line.

Kept apart from cli.py while it is written; `diff` is a plain click command to
be added to the `sopkit` group (``main.add_command(diff)``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from sopkit.config import Config
from sopkit.diagnostics import Diagnostic

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _fail(message: str) -> NoReturn:
    click.echo(f"sopkit: {message}", err=True)
    sys.exit(EXIT_USAGE)


def validate_base_diagnostics(config: Config, base: str) -> list[Diagnostic]:
    """The change rules' findings for the working tree against ``base`` (`validate --base`).

    Positions are in the working-tree files; severities come from ``config``.
    Raises :class:`sopkit.git.GitError` (one line, for stderr and exit 2) when
    git is missing, this is not a repository, ``base`` names no commit, or a
    shallow clone lacks the history.
    """
    from sopkit.diff import change_diagnostics, diff_handbook

    return change_diagnostics(config, diff_handbook(config, base, None))


@click.command("diff", context_settings={"help_option_names": ["-h", "--help"],
                                         "max_content_width": 100})
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("--format", "-f", "fmt", type=click.Choice(["markdown", "json", "text"]),
              default=None,
              help="Output format. Default: markdown inside GitHub Actions (for a "
                   "pull-request comment or $GITHUB_STEP_SUMMARY), else text.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
def diff(base: str | None, head: str | None, fmt: str | None,
         config_file: Path | None) -> None:
    """Review procedure changes: compare the handbook at BASE with HEAD.

    Procedures are matched by id, so a moved file is the same procedure and an
    id that disappears is reported as removed. For each changed procedure it
    lists material changes first (steps added, removed or reordered, a step's
    role or RACI, owner, approvers, status), then every other changed field,
    and runs the change rules: version-not-raised, history-not-updated,
    material-change-needs-minor (severities from mkdocs.yml's `rules:`).

    BASE defaults to the default branch (origin/HEAD, else main, else master);
    HEAD defaults to the working tree. The base commit compared with is where
    HEAD's history left BASE (their merge base, as `git diff BASE...HEAD`).
    In GitHub Actions, check out with `fetch-depth: 0`: a shallow clone lacks
    the history to compare with.

    \b
    Exit codes: 0 no errors from the change rules; 1 a change rule reports an
    error; 2 a git, configuration or usage problem.

    \b
    Examples:
      sopkit diff                     this branch, as on disk, against main
      sopkit diff origin/main         against origin/main
      sopkit diff v1.2 v1.3 -f json   between two tags, for a script
      sopkit diff origin/main -f markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from sopkit.config import ConfigError, load_config
    from sopkit.diff import change_diagnostics, diff_handbook
    from sopkit.git import GitError
    from sopkit.report_diff import format_diff

    try:
        config = load_config(Path.cwd(), config_file)
    except ConfigError as error:
        _fail(str(error))
    if fmt is None:
        fmt = "markdown" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        handbook_diff = diff_handbook(config, base, head)
    except GitError as error:
        _fail(str(error))
    diagnostics = change_diagnostics(config, handbook_diff)
    click.echo(format_diff(handbook_diff, fmt, diagnostics), nl=False)
    failed = any(d.severity == "error" for d in diagnostics)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)
