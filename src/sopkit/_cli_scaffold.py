"""`sopkit init`, `sopkit new` and `sopkit codeowners`, to be moved into cli.py.

Written as ordinary click commands (lazy imports, exit 2 through ``_fail``).
Until they are moved, :data:`COMMANDS` lists them for ``main.add_command``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sopkit.cli import EXIT_OK, EXIT_PROBLEMS, _fail


@click.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="The handbook's language: the site's labels and the example files.")
def init(directory: Path, language: str) -> None:
    """Set up a handbook repository in DIRECTORY (default: this folder).

    Writes mkdocs.yml, organization.yml, an example procedure, the JSON schemas
    for editors, a GitHub workflow (checks pull requests, publishes the site),
    a pre-commit config, .github/CODEOWNERS, .gitignore and a README for the
    handbook's writers. A file that exists is never replaced, so running init
    again changes nothing.

    \b
    Examples:
      sopkit init handbook
      sopkit init --language zh
    """
    from sopkit.scaffold import ScaffoldError, init_handbook

    try:
        report = init_handbook(directory, "zh" if language == "zh" else "en")
    except ScaffoldError as error:
        _fail(str(error))
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
    from sopkit.check import display_name
    from sopkit.config import ConfigError, load_config
    from sopkit.scaffold import ScaffoldError, plan_procedure, write_procedure

    try:
        config = load_config(Path.cwd(), config_file)
        planned = plan_procedure(config, procedure_id, title, department=department,
                                 owner=owner)
        write_procedure(planned)
    except (ConfigError, ScaffoldError) as error:
        _fail(str(error))
    click.echo(f"created {display_name(planned.path)}")


@click.command()
@click.option("--check", is_flag=True,
              help="Do not write: exit 1 when the file is missing or out of date.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Where to write it; '-' prints it. Default: .github/CODEOWNERS beside "
                   "mkdocs.yml.")
@click.option("--force", is_flag=True,
              help="Replace a CODEOWNERS file that sopkit did not generate.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
def codeowners(check: bool, output: Path | None, force: bool, config_file: Path | None) -> None:
    """Write .github/CODEOWNERS: each procedure is reviewed by its owner role's people.

    The people come from organization.yml: everyone whose roles include the
    procedure's owner role, by their github account. A procedure nobody can
    review gets a comment line saying why. Run it after changing people or
    owners, and commit the result; CI runs it with --check.

    \b
    Exit codes: 0 written or up to date; 1 (--check) missing or out of date;
    2 a usage or file problem, or a CODEOWNERS file sopkit did not write.
    """
    from sopkit import codeowners as routing
    from sopkit.check import display_name
    from sopkit.config import ConfigError, load_config

    try:
        config = load_config(Path.cwd(), config_file)
        to_stdout = output is not None and str(output) == "-"
        default = output is None or to_stdout
        path = config.root / routing.DEFAULT_OUTPUT if default or output is None else output
        text = routing.generate(config, routing.repository_root(path))
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
                sys.exit(EXIT_PROBLEMS)
            click.echo(f"{name} is up to date")
            sys.exit(EXIT_OK)
        changed = routing.write(path, text, force=force)
    except (ConfigError, routing.CodeownersError) as error:
        _fail(str(error))
    click.echo(f"wrote {name}" if changed else f"{name} is up to date")


COMMANDS = (init, new, codeowners)
