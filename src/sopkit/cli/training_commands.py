"""`sopkit training` (who must be trained on what, and where they stand) and `sopkit
training record` (add a record). The statuses are sopkit.model.training's, the report
sopkit.report.training's, the writing sopkit.cli.training_record's."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sopkit.cli.exit_codes import ExitCode
from sopkit.cli.usage import fail, parse_date

if TYPE_CHECKING:
    from sopkit.config import Config
    from sopkit.model.training import TrainingStatus

_CONFIG = click.option("--config", "config_file",
                       type=click.Path(path_type=Path, dir_okay=False),
                       help="The mkdocs.yml whose sopkit plugin options to use.")


def _config(config_file: Path | None) -> Config:
    from sopkit.config import ConfigError, load_config

    try:
        return load_config(Path.cwd(), config_file)
    except ConfigError as error:
        fail(str(error))


def _handbook(config: Config) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The procedures' data and organization.yml's, as the check found them valid."""
    from sopkit.check.handbook import check_handbook

    result = check_handbook(config)
    organization = result.organization.data if result.organization is not None else None
    return [document.data for document in result.contents()], organization


def statuses_for(config: Config, today: date) -> tuple[list[TrainingStatus],
                                                       dict[str, Any] | None]:
    from sopkit.check.training_files import read_records
    from sopkit.model.training import people_of, statuses

    procedures, organization = _handbook(config)
    return statuses(procedures, people_of(organization), read_records(config),
                    today), organization


def _in_department(organization: dict[str, Any] | None, department: str) -> set[str]:
    from sopkit.model.training import people_of

    roles = {role.get("id") for role in (organization or {}).get("roles") or []
             if isinstance(role, dict) and role.get("department") == department}
    return {str(person.get("id")) for person in people_of(organization)
            if roles & set(person.get("roles") or [])}


@click.group(invoke_without_command=True)
@click.option("--person", help="Only this person (an id of organization.yml's people).")
@click.option("--procedure", help="Only this procedure (an id, like HR-001).")
@click.option("--department", help="Only the people holding a role of this department.")
@click.option("--due", is_flag=True, help="Only what is missing, outdated or expired.")
@click.option("--today", callback=parse_date, metavar="YYYY-MM-DD",
              help="Count from this date, YYYY-MM-DD (default: the today option, else the "
                   "real date).")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "csv"]),
              default="text", help="Output format (csv is UTF-8 with a BOM, for "
                                   "spreadsheets).")
@_CONFIG
@click.pass_context
def training(context: click.Context, person: str | None, procedure: str | None,
             department: str | None, due: bool, today: date | None, fmt: str,
             config_file: Path | None) -> None:
    """Who must be trained on which procedure, and where each stands.

    One row per person and approved procedure they must be trained on (they
    hold a role that performs a step, or that is in the audience of a
    training entry): current, outdated (trained on an older minor or major
    version), expired (older than the training's frequency) or missing.
    Exit code 0 whatever the statuses: `sopkit validate` is the gate.

    \b
    Examples:
      sopkit training --due                 what the coordinator must schedule
      sopkit training --person li-na        one person's trainings
      sopkit training -f csv > training.csv for a spreadsheet
      sopkit training record li-na HR-001   li-na was trained today
    """
    if context.invoked_subcommand is not None:
        return
    from sopkit.report.training import format_training

    config = _config(config_file)
    day = today or config.today or date.today()
    found, organization = statuses_for(config, day)
    members = _in_department(organization, department) if department else None
    found = [s for s in found
             if (person is None or s.person == person)
             and (procedure is None or s.procedure == procedure)
             and (members is None or s.person in members)
             and (not due or s.status != "current")]
    click.echo(format_training(found, fmt), nl=False)
    sys.exit(ExitCode.OK)


@training.command("record")
@click.argument("person")
@click.argument("procedure")
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="The day of the training, YYYY-MM-DD (default: today).")
@click.option("--result", type=click.Choice(["passed", "failed"]), default="passed",
              help="The result (default: passed).")
@click.option("--method", help="How the training was given, e.g. classroom.")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False),
              help="The training file to add to (default: training/YEAR.yml, the year of "
                   "the training).")
@_CONFIG
def record(person: str, procedure: str, day: date | None, result: str, method: str | None,
           file: Path | None, config_file: Path | None) -> None:
    """Record that PERSON was trained on the current version of PROCEDURE.

    The record is added at the end of the file, whose comments and other
    records are kept as they are; the same record twice is refused.
    """
    from sopkit.check.discover import display_name
    from sopkit.cli.training_record import NewRecord, RecordError, write_record
    from sopkit.model.training import people_of

    config = _config(config_file)
    procedures, organization = _handbook(config)
    if person not in {str(p.get("id")) for p in people_of(organization)}:
        fail(f"person '{person}' is not in organization.yml's people: add them there first")
    current = [p for p in procedures if p.get("id") == procedure]
    if len(current) != 1:
        fail(f"'{procedure}' is not the id of one valid procedure of this handbook "
             "(sopkit validate says more)")
    trained_on = day or config.today or date.today()
    folder = config.training()
    target = file if file is not None else folder / f"{trained_on.year}.yml"
    new = NewRecord(person, procedure, str(current[0]["version"]), trained_on, result, method)
    name = display_name(target)
    try:
        write_record(folder, target, new, name)
    except RecordError as error:
        fail(str(error))
    click.echo(f"{name}: recorded {person}'s training on {procedure} "
               f"{new.version} of {trained_on.isoformat()} ({result})")
