"""`sopkit digest` (the content digest approvals are bound to) and `sopkit approve` (add an
approval record, format 1.2). The digest is sopkit.format.digest's, the states
sopkit.model.approval's, the writing sopkit.cli.training_record's."""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sopkit.cli.training_commands import _CONFIG, _config, _handbook
from sopkit.cli.usage import fail

if TYPE_CHECKING:
    from sopkit.config import Config


def _procedure(config: Config, procedure: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The data of the one valid procedure with the id, and organization.yml's."""
    procedures, organization = _handbook(config)
    found = [data for data in procedures if data.get("id") == procedure]
    if len(found) != 1:
        fail(f"'{procedure}' is not the id of one valid procedure of this handbook "
             "(sopkit validate says more)")
    return found[0], organization


@click.command()
@click.argument("procedure")
@_CONFIG
def digest(procedure: str, config_file: Path | None) -> None:
    """Print the content digest of PROCEDURE (format 1.2).

    An approval record names it: SHA-256 over the procedure's content as
    canonical JSON, without status, effective_date, review and x- keys, so
    that setting status and effective date, or a review that changes nothing,
    keeps the approvals, while any other edit changes the digest.
    """
    from sopkit.format.digest import procedure_digest

    data, _ = _procedure(_config(config_file), procedure)
    click.echo(procedure_digest(data))


@click.command()
@click.argument("procedure")
@click.option("--as", "person", required=True, metavar="PERSON",
              help="The id of the person who signs, from organization.yml's people.")
@click.option("--role", help="The role they sign in (default: their one role that is an "
                             "approver of the procedure).")
@click.option("--meaning", type=click.Choice(["approved", "reviewed", "authored"]),
              default="approved", help="What the signature means (default: approved).")
@click.option("--note", help="A note kept with the record.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="The day of the approval, YYYY-MM-DD (default: today).")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False),
              help="The approvals file to add to (default: approvals/PERSON.yml, one file "
                   "per signer, which CODEOWNERS routes to them).")
@_CONFIG
def approve(procedure: str, person: str, role: str | None, meaning: str, note: str | None,
            day: Any, file: Path | None, config_file: Path | None) -> None:
    """Record that PERSON approved (or reviewed, or authored) the current
    version and content of PROCEDURE.

    The record names the version and the content digest (sopkit digest), and
    is added at the end of the approvals file, whose comments and other records
    are kept as they are. A duplicate, or a role the person does not hold, is
    refused. Sign it by committing it with a signed commit: the command prints
    the line.
    """
    from sopkit.check.discover import display_name
    from sopkit.cli.approval_record import NewApproval
    from sopkit.cli.training_record import RecordError, write_record
    from sopkit.format.digest import procedure_digest
    from sopkit.model.approval import approvers_of, holders_of
    from sopkit.model.training import people_of

    config = _config(config_file)
    data, organization = _procedure(config, procedure)
    held = holders_of(people_of(organization))
    if person not in held:
        fail(f"person '{person}' is not in organization.yml's people: add them there first")
    approvers = approvers_of(data)
    role = role or _role(person, held[person], approvers, meaning)
    if role not in held[person]:
        fail(f"{person} does not hold the role '{role}' (their roles: "
             f"{', '.join(held[person]) or 'none'}): name a role they hold with --role")
    if meaning == "approved" and role not in approvers:
        fail(f"'{role}' is not an approver of {procedure} (its approvers: "
             f"{', '.join(approvers) or 'none'}): approve in one of these roles, or record "
             "--meaning reviewed")
    today = config.today or date.today()
    signed_on = day.date() if day is not None else today
    if signed_on > today:
        fail(f"--date {signed_on.isoformat()} is after today ({today.isoformat()}): record an "
             "approval once it is given")
    folder = config.approvals()
    target = file if file is not None else folder / f"{person}.yml"  # one file per signer
    new = NewApproval(procedure, str(data["version"]), procedure_digest(data), person, role,
                      meaning, signed_on, note)
    name = display_name(target)
    try:
        write_record(folder, target, new, name)
    except RecordError as error:
        fail(str(error))
    click.echo(f"{name}: recorded {person}'s signature ({meaning}, as {role}) of "
               f"{procedure} {new.version} of {signed_on.isoformat()}, {new.digest}")
    message = f"{procedure} {new.version} {meaning} by {person} ({role})"
    click.echo(f"sign it: git add {shlex.quote(name)} && git commit -S -m "
               f"{shlex.quote(message)}")


def _role(person: str, roles: list[str], approvers: list[str], meaning: str) -> str:
    """The role to sign in when none is named: the person's one approver role."""
    fitting = [role for role in roles if role in approvers]
    if len(fitting) == 1:
        return fitting[0]
    if len(roles) == 1 and meaning != "approved":
        return roles[0]
    fail(f"name the role {person} signs in with --role (their roles: "
         f"{', '.join(roles) or 'none'}; the approvers: {', '.join(approvers) or 'none'})")
