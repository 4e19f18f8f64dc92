"""The command line's document-control commands: `sopkit show ID --at DATE` (the version of
a procedure in effect on a day) and `sopkit history ID` (each released version and the
period it was in effect). Commands of the group in sopkit.cli.main; the answers are
sopkit.review.effective's, read from git.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sopkit.cli.exit_codes import ExitCode
from sopkit.cli.usage import fail, parse_date

if TYPE_CHECKING:
    from sopkit.review.effective import History, Revision


def _history(config_file: Path | None, procedure_id: str) -> History:
    from sopkit.config import ConfigError, load_config
    from sopkit.review.effective import procedure_history
    from sopkit.review.git import GitError

    try:
        config = load_config(Path.cwd(), config_file)
        return procedure_history(config, procedure_id)
    except (ConfigError, GitError, LookupError) as error:
        fail(str(error).strip("'\""))


def _emit(text: str) -> None:
    from sopkit.format.terminal import visible

    sys.stdout.flush()
    lines = text.split("\n")
    sys.stdout.buffer.write("\n".join(visible(line) for line in lines).encode("utf-8"))
    sys.stdout.buffer.flush()


_config_option = click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
    help="The handbook's mkdocs.yml (default: ./mkdocs.yml, if there is one).")


@click.command()
@click.argument("procedure_id", metavar="ID")
@click.option("--at", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="The day to ask about (default: today).")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "markdown", "json", "pdf"]),
              default="text", show_default=True,
              help="Output format (pdf: the procedure as sopkit pdf prints it, to a file).")
@_config_option
def show(procedure_id: str, day: date | None, fmt: str, config_file: Path | None) -> None:
    """Show the version of procedure ID that was in effect on a day, from git.

    The version in effect is the procedure's file at the newest commit of this
    branch where it had status approved and an effective_date on or before the
    day (following renames), unless it was retired by then. With it comes its
    provenance: commit, commit date, effective date, version, approvers. The
    json form is the procedure's data with a "provenance" object; the pdf form
    is that version printed (send it to a file).

    \b
    Exit codes: 0 shown; 1 no version was in effect on that day; 2 a usage,
    configuration or git problem.

    \b
    Examples:
      sopkit show HR-001 --at 2026-03-01
      sopkit show HR-001 --at 2026-03-01 --format json
      sopkit show HR-001 --at 2026-03-01 --format pdf > HR-001.pdf
    """
    from sopkit.review.effective import in_effect, provenance

    history = _history(config_file, procedure_id)
    when = day or date.today()
    found = in_effect(history, when)
    if isinstance(found, str):
        click.echo(f"sopkit: {found}", err=True)
        sys.exit(ExitCode.PROBLEMS)
    origin = provenance(found)
    if fmt == "pdf":
        from sopkit.cli.pdf_commands import show_pdf
        from sopkit.config import load_config

        show_pdf(load_config(Path.cwd(), config_file), found, when)
        return
    if fmt == "json":
        from sopkit.format.digest import procedure_digest
        from sopkit.report.register import dumped

        _emit(dumped({**found.data, "provenance": {**origin,
                                                    "digest": procedure_digest(found.data)}}))
        return
    raw = _raw(found)
    _emit(_markdown(procedure_id, when, origin, raw) if fmt == "markdown"
          else _text(procedure_id, when, origin, raw))


def _raw(revision: Revision) -> str:
    """The file as committed, ending with one line break."""
    return revision.source.rstrip("\n") + "\n"


def _header(procedure_id: str, when: date, origin: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("Procedure", procedure_id),
        ("In effect on", when.isoformat()),
        ("Version", str(origin["version"])),
        ("Effective date", str(origin["effective_date"])),
        ("Approvers", ", ".join(origin["approvers"]) or "-"),
        ("Commit", origin["commit"]),
        ("Commit date", origin["date"]),
        ("File", origin["file"]),
    ]


def _text(procedure_id: str, when: date, origin: dict[str, Any], raw: str) -> str:
    lines = [f"{name + ':':<16}{value}" for name, value in _header(procedure_id, when, origin)]
    return "\n".join(lines) + "\n\n" + raw


def _markdown(procedure_id: str, when: date, origin: dict[str, Any], raw: str) -> str:
    from sopkit.report.values import md_text

    rows = "\n".join(f"| {name} | {md_text(value)} |"
                     for name, value in _header(procedure_id, when, origin))
    longest = max((len(run) for run in re.findall(r"`+", raw)), default=0)
    fence = "`" * max(3, longest + 1)
    return (f"# {md_text(procedure_id)} in effect on {when.isoformat()}\n\n| | |\n|---|---|\n"
            f"{rows}\n\n{fence}yaml\n{raw}{fence}\n")


@click.command()
@click.argument("procedure_id", metavar="ID")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Output format.")
@_config_option
def history(procedure_id: str, fmt: str, config_file: Path | None) -> None:
    """List each released version of procedure ID and when it was in effect, from git.

    A released version is one committed with status approved and an
    effective_date; it is in effect from that date until the next released
    version's, or until the procedure was retired.

    \b
    Exit codes: 0 listed (also when no version was ever released);
    2 a usage, configuration or git problem.
    """
    from sopkit.review.effective import releases

    found = _history(config_file, procedure_id)
    listed = releases(found)
    rows = [{"version": r.version, "effective_date": r.effective_date, "until": r.until,
             "commit": r.revision.commit, "date": r.revision.commit_date, "summary": r.summary}
            for r in listed]
    if fmt == "json":
        from sopkit.report.register import dumped

        _emit(dumped({"procedure": procedure_id, "retired_on": found.retired_on,
                      "releases": rows}))
        return
    if not rows:
        _emit(f"{procedure_id} has no released version (approved, with an effective date) "
              "in this branch's history\n")
        return
    lines = [f"{'version':<10} {'in effect':<25} {'commit':<12}  summary"]
    for release in reversed(listed):  # newest first, as a procedure's history is written
        period = f"{release.effective_date} – {release.until or 'now'}"
        summary = " ".join((release.summary or "").split())
        lines.append(f"{release.version:<10} {period:<25} {release.revision.commit[:12]}  "
                     f"{summary}")
    if found.retired_on is not None:
        lines.append(f"retired on {found.retired_on}")
    _emit("\n".join(lines) + "\n")
