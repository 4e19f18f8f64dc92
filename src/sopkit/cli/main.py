"""The command line: the click group `sopkit`, every command's options, help and exit code.

This module is the command line; sopkit.cli.entry (the console script) hands every run
to it, except ``sopkit validate [PATH...]`` with the options it reads as click would
(sopkit.cli.entry.quick_validate), which it runs on its quick path (no click) through the
same sopkit.cli.validate: an option added to `validate` here must be taught there too
(tests/cli/test_entry.py checks that both know the same options). Here are the commands that check
(validate, rules, schema) and publish (render, build, serve); the review commands (diff,
codeowners) are in sopkit.cli.review_commands and the setting-up ones (init, new) in
sopkit.cli.setup_commands, added to the group at the end of this module.

Exit codes: :class:`sopkit.cli.exit_codes.ExitCode`. Heavy modules (MkDocs, Jinja) are
imported inside the commands that use them, so that every command starts fast.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from sopkit import __version__
from sopkit.cli.approval_commands import approve, digest
from sopkit.cli.exit_codes import ExitCode
from sopkit.cli.export_commands import export
from sopkit.cli.history_commands import history, show
from sopkit.cli.pdf_commands import pdf
from sopkit.cli.review_commands import codeowners, diff
from sopkit.cli.setup_commands import init, new
from sopkit.cli.training_commands import training
from sopkit.cli.usage import fail, parse_date

if TYPE_CHECKING:
    from sopkit.check.handbook import CheckResult
    from sopkit.config import Config


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@contextlib.contextmanager
def _publishing_reported(afterwards: str = "") -> Iterator[None]:
    """Report what stops `render`, `build` or `serve` as the command line does: a template
    or file problem in one line (exit 2), a stop by a signal (128 + its number) and a failed
    build (exit 1), these two ending with ``afterwards`` (what became of the output)."""
    from sopkit.publish.output import SiteError, Terminated
    from sopkit.publish.site import BuildFailed
    from sopkit.publish.templating import TemplateProblem

    try:
        yield
    except (TemplateProblem, SiteError, OSError) as problem:
        fail(str(problem))
    except Terminated as stopped:
        click.echo(f"sopkit: stopped by {stopped.name}{afterwards}", err=True)
        sys.exit(stopped.exit_code)
    except BuildFailed as error:
        click.echo(f"sopkit: the build failed ({error}){afterwards}", err=True)
        sys.exit(ExitCode.PROBLEMS)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="sopkit")
def main() -> None:
    """sopkit: standard operating procedures as code.

    Procedures are YAML files in git (one per file, under procedures/), checked
    against the procedure format and sopkit's rules, and published as an MkDocs
    handbook. Every command works on the handbook it is run in, from any of its
    folders: the nearest folder, from here up, with mkdocs.yml or procedures/.

    \b
    Start here:
      sopkit validate            check the handbook in this folder
      sopkit rules               list the rules, then: sopkit rules NAME
      sopkit schema procedure    print the procedure format (JSON Schema)
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt",
              type=click.Choice(["text", "json", "github", "sarif", "gitlab"]), default=None,
              help="Output format. Default: github inside GitHub Actions, else text.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--today", callback=parse_date, metavar="YYYY-MM-DD",
              help="Count review dates from this day instead of the real date.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
@click.option("--base", metavar="REV",
              help="Also run the change rules against git revision REV (e.g. origin/main): "
                   "changed procedures must raise their version and add a history entry.")
@click.option("--no-cache", is_flag=True,
              help="Check every file afresh; by default results of unchanged files are reused "
                   "from the cache folder ($SOPKIT_CACHE_DIR, else mkdocs.yml's cache_dir, "
                   "else the user cache folder).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Check files in N processes (default: the idle cores, for large handbooks).")
def validate(paths: tuple[Path, ...], fmt: str | None, strict: bool, today: date | None,
             config_file: Path | None, base: str | None, no_cache: bool,
             jobs: int | None) -> None:
    """Check procedures and organization.yml; report problems at file:line:col.

    With no PATHS, checks the handbook sopkit runs in (the nearest folder, from
    here up, with mkdocs.yml or a procedures folder, as git finds its repository):
    the procedures folder and organization.yml named by mkdocs.yml's sopkit plugin
    options (default: procedures/ and organization.yml). PATHS may be files or
    folders; only they are reported on, with the rest of their handbook as context,
    wherever sopkit runs. A folder
    that holds the procedures folder, such as ".", means the whole handbook (not
    mkdocs.yml or other YAML files next to it).

    \b
    Exit codes: 0 no errors; 1 errors (or warnings with --strict);
    2 a usage or configuration problem, or a file that cannot be read.

    \b
    Examples:
      sopkit validate
      sopkit validate procedures/hr/HR-001-onboarding.yml
      sopkit validate --format sarif > sopkit.sarif
      sopkit validate --format gitlab > gl-code-quality-report.json
      sopkit validate --strict --today 2026-01-31
      sopkit validate --base origin/main
    """
    from sopkit.cli.validate import UsageProblem, validate_handbook

    try:
        code = validate_handbook(paths, fmt=fmt, strict=strict, today=today,
                                 config_file=config_file, base=base, cache=not no_cache,
                                 jobs=jobs)
    except UsageProblem as error:
        fail(str(error))
    sys.exit(code)


@main.command()
@click.argument("name", required=False)
def rules(name: str | None) -> None:
    """List the rules, or explain rule NAME with a failing and a fixed example.

    Set a rule's severity per handbook in mkdocs.yml:

    \b
      plugins:
        - sopkit:
            rules:
              review-overdue: error
              unused-output: off
    """
    from sopkit.check.handbook import rule_infos

    infos = {info.name: info for info in rule_infos()}
    if name is None:
        width = max(len(info_name) for info_name in infos)
        for info in infos.values():
            click.echo(f"{info.name:<{width}}  {info.severity:<7}  {info.summary}")
        return
    if name not in infos:
        from sopkit.format.words import did_you_mean

        fail(f"no rule named '{name}'{did_you_mean(name, infos)}; 'sopkit rules' lists them")
    info = infos[name]
    click.echo(f"{info.name} (default: {info.severity})\n\n{info.summary}\n\n{info.doc.strip()}")


@main.command()
@click.argument("kind", type=click.Choice(["procedure", "organization", "training",
                                           "approval"]), default="procedure")
def schema(kind: Literal["procedure", "organization", "training", "approval"]) -> None:
    """Print the JSON Schema of a procedure file, of organization.yml, of a training
    records file (training/*.yml) or of an approval records file (approvals/*.yml).

    Editors use it for completion and hover help; add this first line to a
    procedure file (the path relative to the file):

    \b
      # yaml-language-server: $schema=../schemas/procedure.schema.json
    """
    from sopkit.format.schema import schema_text

    click.echo(schema_text(kind), nl=False)


# -- publishing: render, build, serve ---------------------------------------------------------

def _checked_for_publishing(config_file: Path | None, strict: bool,
                            today: date | None) -> tuple[Config, CheckResult]:
    """Load and check the handbook; print its problems on stderr; exit 1 if it has errors."""
    from sopkit.check.handbook import check_handbook, rule_infos
    from sopkit.cli.validate import show_notes, wants_color
    from sopkit.config import ConfigError, load_config
    from sopkit.report.validation import format_report

    try:
        loaded = load_config(Path.cwd(), config_file)
    except ConfigError as error:
        fail(str(error))
    _refuse_empty(loaded)
    # The command line's --today and --strict, laid over the handbook's settings.
    config = loaded._replace(today=today or loaded.today, strict=strict or loaded.strict)
    result = check_handbook(config, today=config.today)
    show_notes(result)
    if result.diagnostics:
        click.echo(format_report("text", result.diagnostics, files=result.files,
                                 rules=rule_infos(), color=wants_color(sys.stderr)),
                   nl=False, err=True)
    if result.failed(config.strict):
        click.echo("sopkit: fix the errors above first; nothing was published", err=True)
        sys.exit(ExitCode.PROBLEMS)
    return config, result


def _refuse_empty(config: Config) -> None:
    """Stop (exit 2) when there is nothing to publish: no procedures folder, or none in it."""
    from sopkit.check.discover import discover, display_name

    folder = display_name(config.procedures)
    if not config.procedures.is_dir():
        fail(f"there is no procedures folder here ({folder}/) nor a handbook (mkdocs.yml or "
             "a procedures folder) in a folder above, so there is nothing to publish: run "
             "sopkit in the handbook's folder, or start a handbook with 'sopkit init'")
    if not discover(config.procedures):
        shown = "here" if folder == "." else f"{folder}/"
        fail(f"the procedures folder ({shown}) holds no procedures (*.yml files), so there is "
             "nothing to publish: add one with 'sopkit new ID --title TITLE'")


_publish_options = [
    click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too."),
    click.option("--today", callback=parse_date, metavar="YYYY-MM-DD",
                 help="Count review dates from this day instead of the real date."),
    click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                 help="The handbook's mkdocs.yml (default: ./mkdocs.yml, if there is one)."),
]


def _with_publish_options(command: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(_publish_options):
        command = option(command)
    return command


@main.command()
@click.option("--out", "-o", "out", required=True, metavar="DIR",
              type=click.Path(path_type=Path, file_okay=False),
              help="The folder to write the pages into.")
@click.option("--force", is_flag=True,
              help="Write into a non-empty folder sopkit did not create (its files are "
                   "never overwritten or deleted).")
@_with_publish_options
def render(out: Path, force: bool, strict: bool, today: date | None,
           config_file: Path | None) -> None:
    """Write the handbook as Markdown pages and SVG flowcharts into DIR.

    The pages suit any MkDocs-compatible builder. DIR/.nav.yml holds the
    navigation in the form of MkDocs' `nav:` setting; DIR/.sopkit-render lists
    the files written, so that a later render can replace them and remove the
    ones no longer needed. The same handbook always gives the same bytes.

    \b
    Exit codes: 0 written; 1 the handbook has errors (nothing is written);
    2 a usage, configuration or file problem.

    \b
    Examples:
      sopkit render --out build/handbook
      sopkit render --out build/handbook --today 2026-01-31
    """
    from sopkit.publish.lookahead import render_site
    from sopkit.publish.output import sigterm_stops_cleanly
    from sopkit.publish.render import build_model
    from sopkit.publish.render_out import write_render

    config, result = _checked_for_publishing(config_file, strict, today)
    with (_publishing_reported(f"; run sopkit render again to finish {out}"),
          sigterm_stops_cleanly()):  # the render process's folder is removed on the way out
        model = build_model(config, result.contents(), result.organization,
                            result.training, result.approvals)
        rendered = render_site(config, model)  # pages rendered ahead in a second process
        written = write_render(rendered, out, force=force)
    click.echo(f"Wrote {len(written)} files to {out}")


@main.command()
@click.option("--force", is_flag=True,
              help="Replace a folder sopkit did not build (inside the handbook, not "
                   "tracked by git).")
@click.option("--no-directory-urls", "no_directory_urls", is_flag=True,
              help="Pages as name.html, linked as such, so that the site works opened from "
                   "disk (a preview to download); as MkDocs' use_directory_urls: false.")
@_with_publish_options
def build(force: bool, no_directory_urls: bool, strict: bool, today: date | None,
          config_file: Path | None) -> None:
    """Build the handbook's website with MkDocs, into mkdocs.yml's site_dir (default: site/).

    Uses the handbook's mkdocs.yml, adding the sopkit plugin when it is not
    listed; without mkdocs.yml, sopkit's own settings (Material theme). The site
    is built beside the old one and swapped in only when the build succeeds.
    With --strict, warnings of sopkit and of MkDocs fail the build.

    \b
    Exit codes: 0 built; 1 the handbook has errors or MkDocs failed (the last
    good site is kept); 2 a usage, configuration or file problem; 143 stopped
    by SIGTERM, 129 by SIGHUP (the last good site is kept).
    """
    from sopkit.publish.site import build_site

    config, result = _checked_for_publishing(config_file, strict, today)
    # A template problem comes from the plugin, before MkDocs has said anything.
    with _publishing_reported("; the last good site is kept"):
        site = build_site(config, result, force=force, strict=strict,
                          directory_urls=False if no_directory_urls else None)
    from sopkit.check.discover import display_name

    click.echo(f"Built the site in {display_name(site)}")


@main.command()
@click.option("--dev-addr", "-a", metavar="IP:PORT",
              help="Where to serve (default: 127.0.0.1:8000, or mkdocs.yml's dev_addr).")
@_with_publish_options
def serve(dev_addr: str | None, strict: bool, today: date | None,
          config_file: Path | None) -> None:
    """Preview the handbook's website while you edit it.

    Each page is built when the browser opens it, so the first page shows in
    seconds however large the handbook. Saving a procedure, organization.yml,
    a template or a page in the docs folder checks the handbook again and
    reloads the browser; only the pages you open are built again. An edit with
    errors keeps the last good pages, with the errors in a banner on each page
    and in the terminal, until you save a fix. Search finds the pages opened
    since the last change (`sopkit build` indexes every page). Stop with Ctrl+C.
    """
    from sopkit.publish.output import sigterm_stops_cleanly
    from sopkit.publish.site import serve_site

    config, result = _checked_for_publishing(config_file, strict, today)
    with _publishing_reported(), sigterm_stops_cleanly():  # the temporary site is removed
        serve_site(config, result, dev_addr=dev_addr, strict=strict)


# -- the commands defined in their own modules -----------------------------------------------

for command in (diff, codeowners, init, new, export, show, history, pdf, training, digest,
                approve):
    main.add_command(command)
