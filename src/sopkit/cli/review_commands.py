"""The command line's review commands: `sopkit diff` (what a pull request changes, for the
people who follow the procedures) and `sopkit codeowners` (who reviews it).

They are commands of the group in sopkit.cli.main; the work is sopkit.review's, the report
sopkit.report.diff's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from sopkit.cli.exit_codes import ExitCode
from sopkit.cli.usage import fail


@click.command("diff")
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
    from sopkit.report.diff import format_diff
    from sopkit.review.diff import change_diagnostics, diff_handbook
    from sopkit.review.git import GitError

    try:
        config = load_config(Path.cwd(), config_file)
    except ConfigError as error:
        fail(str(error))
    if fmt is None:
        fmt = "markdown" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        handbook_diff = diff_handbook(config, base, head)
    except GitError as error:
        fail(str(error))
    diagnostics = change_diagnostics(config, handbook_diff)
    click.echo(format_diff(handbook_diff, fmt, diagnostics), nl=False)
    failed = any(d.severity == "error" for d in diagnostics)
    sys.exit(ExitCode.PROBLEMS if failed else ExitCode.OK)


@click.command()
@click.option("--check", is_flag=True,
              help="Do not write: exit 1 when the file is missing or out of date.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Where to write it; '-' prints it. Default: .github/CODEOWNERS at the top "
                   "of the git repository the handbook is in (else beside mkdocs.yml), or "
                   ".gitlab/CODEOWNERS in a repository checked on GitLab.")
@click.option("--force", is_flag=True,
              help="Add the sopkit section to a CODEOWNERS file that has none, after its "
                   "lines (they are kept).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
def codeowners(check: bool, output: Path | None, force: bool, config_file: Path | None) -> None:
    """Write .github/CODEOWNERS: each procedure is reviewed by its owner role's people.

    The file goes to the top of the git repository the handbook is in, where
    GitHub reads it, with paths from there (a handbook may be a folder of a
    larger repository). On GitLab it is .gitlab/CODEOWNERS: used when it
    exists, or when the repository has a .gitlab-ci.yml and no .github folder.

    The people come from organization.yml: everyone whose roles include the
    procedure's owner role, by their github account. A procedure nobody can
    review gets a comment line saying why. The handbook's own files
    (organization.yml, mkdocs.yml, templates/, .github/...) go to the roles of
    the plugin option handbook_owners. sopkit writes only between the lines
    '# BEGIN sopkit' and '# END sopkit': other lines are kept. Run it after
    changing people or owners, and commit the result; CI runs it with --check.

    \b
    Exit codes: 0 written or up to date; 1 (--check) missing or out of date;
    2 a usage or file problem, or a CODEOWNERS file sopkit did not write.
    """
    from sopkit.check.discover import display_name
    from sopkit.config import ConfigError, load_config
    from sopkit.review import codeowners as routing

    try:
        config = load_config(Path.cwd(), config_file)
        to_stdout = output is not None and str(output) == "-"
        default = output is None or to_stdout
        path = routing.default_output(config.root) if default or output is None else output
        findings: list[str] = []  # values left out of routing, and hints: on stderr
        text = routing.generate(config, routing.repository_root(path), findings)
        for finding in findings:
            click.echo(finding, err=True)
        if to_stdout:
            click.echo(text, nl=False)
            return
        name = display_name(path)
        if check:
            current = routing.read_existing(path)
            difference = routing.difference(current, text)
            if difference:
                foreign = current is not None and not routing.is_generated(current)
                command = "sopkit codeowners --force" if foreign else "sopkit codeowners"
                click.echo(f"{name} is out of date: {difference}; run '{command}' and commit "
                           "the result")
                sys.exit(ExitCode.PROBLEMS)
            click.echo(f"{name} is up to date")
            sys.exit(ExitCode.OK)
        changed = routing.write(path, text, force=force)
    except (ConfigError, routing.CodeownersError) as error:
        fail(str(error))
    click.echo(f"wrote {name}" if changed else f"{name} is up to date")
