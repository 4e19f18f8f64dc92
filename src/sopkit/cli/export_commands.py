"""The command line's export commands: `sopkit export register` (the master list of
controlled documents), `sopkit export bundle` (the whole handbook as one JSON document
for other systems) and `sopkit export audit` (the audit trail, from git and the records).
They are commands of the group in sopkit.cli.main; the formats are sopkit.report's.

The output goes to standard output as UTF-8 bytes, whatever the terminal's encoding, so
that ``> register.csv`` keeps Chinese text (and the CSV's byte-order mark) intact.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sopkit.cli.usage import parse_date

if TYPE_CHECKING:
    from sopkit.check.handbook import CheckResult
    from sopkit.config import Config
    from sopkit.model import Handbook


_today_option = click.option(
    "--today", callback=parse_date, metavar="YYYY-MM-DD",
    help="The date of the export (next reviews count from it); default: the real date.")
_config_option = click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
    help="The handbook's mkdocs.yml (default: ./mkdocs.yml, if there is one).")


def _checked(config_file: Path | None, today: date | None
             ) -> tuple[Config, CheckResult, Handbook, date]:
    """The handbook checked (its problems on stderr; exit 1 if it has errors) and modelled."""
    from sopkit.cli.main import _checked_for_publishing
    from sopkit.publish.render import build_model

    config, result = _checked_for_publishing(config_file, False, today)
    handbook = build_model(config, result.contents(), result.organization,
                           approvals=result.approvals)
    return config, result, handbook, handbook.today


def _emit(text: str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@click.group()
def export() -> None:
    """Export the handbook for auditors, spreadsheets and other systems.

    \b
    Examples:
      sopkit export register > register.csv
      sopkit export register --format markdown
      sopkit export audit --since 2026-01-01 > audit.csv
      sopkit export bundle > handbook.json
    """


@export.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["csv", "json", "markdown"]),
              default="csv", show_default=True, help="Output format.")
@_today_option
@_config_option
def register(fmt: str, today: date | None, config_file: Path | None) -> None:
    """Print the document register: the master list of controlled documents.

    One row per procedure, sorted by id: id, title, version, status, department,
    owner, approvers, approvals (name, role, meaning and date of each approval of
    the current content), effective date, last reviewed, next review due, file. CSV is
    UTF-8 with a byte-order mark (spreadsheets then open Chinese text correctly);
    a cell that a spreadsheet would run as a formula starts with ' instead.

    \b
    Exit codes: 0 printed; 1 the handbook has errors (nothing is printed);
    2 a usage or configuration problem.
    """
    from sopkit.report.register import format_register, register_rows

    config, _result, handbook, day = _checked(config_file, today)
    _emit(format_register(register_rows(handbook, config.root), fmt, day))


@export.command()
@_today_option
@_config_option
def bundle(today: date | None, config_file: Path | None) -> None:
    """Print the whole handbook as one JSON document, for other systems.

    The organization and every procedure (as its file says it, with what sopkit works
    out: role titles, department names, the next review), with a format version; its
    JSON Schema is schemas/bundle.schema.json (docs/printing.md).

    \b
    Exit codes: 0 printed; 1 the handbook has errors (nothing is printed);
    2 a usage or configuration problem.
    """
    from sopkit.report.bundle import bundle as make_bundle
    from sopkit.report.bundle import format_bundle

    config, result, handbook, day = _checked(config_file, today)
    name = str(config.mkdocs.get("site_name") or "")
    _emit(format_bundle(make_bundle(handbook, result.contents(), result.organization,
                                    root=config.root, name=name, language=config.language,
                                    today=day, training=result.training,
                                    approvals=result.approvals)))


@export.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help="Output format.")
@click.option("--since", callback=parse_date, metavar="YYYY-MM-DD",
              help="Only what happened on or after this day (default: everything).")
@_today_option
@_config_option
def audit(fmt: str, since: date | None, today: date | None, config_file: Path | None) -> None:
    """Print the audit trail: per procedure, in date order, the commits that
    changed it (version, status, author, from git), its approval records and
    its training records.

    The procedures are those of the last commit of this branch; the records
    are those of the working tree. CSV is UTF-8 with a byte-order mark, as the
    register.

    \b
    Exit codes: 0 printed; 1 the handbook has errors (nothing is printed);
    2 a usage, configuration or git problem.
    """
    from sopkit.cli.usage import fail
    from sopkit.model.approval import approvals_of
    from sopkit.model.training import people_of, records_of
    from sopkit.report.audit import format_audit
    from sopkit.review.audit import audit_trail
    from sopkit.review.git import GitError

    config, result, _handbook, day = _checked(config_file, today)
    organization = result.organization.data if result.organization is not None else None
    names = {str(person.get("id")): str(person.get("name") or person.get("id"))
             for person in people_of(organization)}
    approvals = [record for number, document in enumerate(result.approvals)
                 for record in approvals_of(document.data, number)]
    training = [record for number, document in enumerate(result.training)
                for record in records_of(document.data, number)]
    try:
        trails = audit_trail(config, approvals, training, names, since)
    except GitError as error:
        fail(str(error))
    _emit(format_audit(trails, fmt, day, since))
