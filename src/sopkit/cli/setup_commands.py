"""The command line's commands for setting up: `sopkit init` (a new handbook repository)
and `sopkit new` (a new procedure). They are commands of the group in sopkit.cli.main; the
work is sopkit.cli.scaffold's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sopkit.cli.usage import fail

if TYPE_CHECKING:
    from sopkit.config import Config


@click.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="The handbook's language: the site's labels and the example files.")
@click.option("--ci", type=click.Choice(["github", "gitlab", "none"]), default="github",
              show_default=True,
              help="Where pull or merge requests are checked and the site is published: "
                   "a GitHub workflow (.github/workflows/sopkit.yml, using the sopkit "
                   "action), a GitLab pipeline (.gitlab-ci.yml, with GitLab Pages), or none.")
def init(directory: Path, language: str, ci: str) -> None:
    """Set up a handbook repository in DIRECTORY (default: this folder).

    Writes mkdocs.yml, organization.yml, an example procedure, the JSON schemas
    and VS Code's settings for editors, a CI configuration (checks pull or merge
    requests, publishes the site; see --ci), a pre-commit config,
    .github/CODEOWNERS, .gitignore and a README for the handbook's writers. A
    file that exists is never replaced, so running init again changes nothing.

    \b
    Examples:
      sopkit init handbook
      sopkit init --language zh
      sopkit init --ci gitlab
    """
    from sopkit.cli.scaffold import ScaffoldError, init_handbook

    try:
        report = init_handbook(directory, "zh" if language == "zh" else "en",
                               ci="gitlab" if ci == "gitlab" else "none" if ci == "none"
                               else "github")
    except ScaffoldError as error:
        fail(str(error))
    for name in report.created:
        click.echo(f"created  {name}")
    for name in report.kept:
        click.echo(f"kept     {name} (it exists)")
    for name, reason in report.skipped:
        click.echo(f"skipped  {name} ({reason})")
    if not report.created:
        click.echo("Nothing to do: every file is already there.")
        return
    where = "" if directory.resolve() == Path.cwd().resolve() else f"cd {directory} && "
    click.echo(f"\nNext: {where}sopkit validate, then sopkit serve to preview the handbook; "
               "sopkit new ID --title TITLE adds a procedure.")


@click.command()
@click.argument("procedure_id", metavar="ID")
@click.option("--title", "-t", required=True, help="The procedure's name.")
@click.option("--department", "-d", metavar="DEPARTMENT",
              help="Department id (from organization.yml); the file goes in "
                   "procedures/DEPARTMENT/.")
@click.option("--owner", "-o", metavar="ROLE",
              help="Role id accountable for the procedure; a role of organization.yml when "
                   "the handbook has one. Default: a process-owner role declared in the file.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
def new(procedure_id: str, title: str, department: str | None, owner: str | None,
        config_file: Path | None) -> None:
    """Start a new procedure ID, as a valid draft with every section of the format.

    The file is procedures/[DEPARTMENT/]ID-title-in-words.yml (just ID.yml for a
    title that is not in Latin letters). Optional sections are written as
    comments to fill in or delete.

    \b
    Examples:
      sopkit new HR-002 --title "Employee offboarding" --department hr --owner hr-manager
      sopkit new IT-010 --title 变更管理 --department it
    """
    from sopkit.check.discover import display_name
    from sopkit.cli.scaffold import ScaffoldError, plan_procedure, write_procedure
    from sopkit.config import ConfigError, load_config

    try:
        config = load_config(Path.cwd(), config_file)
        planned = plan_procedure(config, procedure_id, title, department=department,
                                 owner=owner)
        write_procedure(planned)
    except (ConfigError, ScaffoldError) as error:
        fail(str(error))
    click.echo(f"created {display_name(planned.path)}")
    _update_codeowners(config)


def _update_codeowners(config: Config) -> None:
    """Route the new procedure in the CODEOWNERS file sopkit wrote (else `sopkit validate`
    would fail at once on codeowners-outdated). A CODEOWNERS without sopkit's section, or
    none, is left alone: sopkit writes into it only when asked (`sopkit codeowners`)."""
    from sopkit.check.discover import display_name
    from sopkit.config import ConfigError
    from sopkit.review import codeowners as routing

    path = routing.default_output(config.root)
    try:
        current = routing.read_existing(path)
        if current is None or not routing.is_generated(current):
            return
        if routing.write(path, routing.generate(config, routing.repository_root(path))):
            click.echo(f"updated {display_name(path)} (who reviews the new procedure)")
    except (ConfigError, routing.CodeownersError) as error:
        click.echo(f"note: {error}; fix that, then run 'sopkit codeowners'", err=True)
