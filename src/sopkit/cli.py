"""The `sopkit` command: options in, exit code out.

Exit codes: 0 all good; 1 the handbook has problems; 2 usage, configuration or
I/O problem. Heavy modules (MkDocs, Jinja) are imported inside the commands
that use them, so `sopkit validate` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from sopkit import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str) -> NoReturn:
    click.echo(f"sopkit: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: write it as YYYY-MM-DD") from None


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="sopkit")
def main() -> None:
    """sopkit: standard operating procedures as code.

    Procedures are YAML files in git (one per file, under procedures/), checked
    against the procedure format and sopkit's rules, and published as an MkDocs
    handbook.

    \b
    Start here:
      sopkit validate            check the handbook in this folder
      sopkit rules               list the rules, then: sopkit rules NAME
      sopkit schema procedure    print the procedure format (JSON Schema)
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt",
              type=click.Choice(["text", "json", "github", "sarif"]), default=None,
              help="Output format. Default: github inside GitHub Actions, else text.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
              help="Count review dates from this day instead of the real date.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
def validate(paths: tuple[Path, ...], fmt: str | None, strict: bool, today: date | None,
             config_file: Path | None) -> None:
    """Check procedures and organization.yml; report problems at file:line:col.

    With no PATHS, checks the handbook in the current folder: the procedures
    folder and organization.yml named by mkdocs.yml's sopkit plugin options
    (default: procedures/ and organization.yml). PATHS may be files or folders;
    only they are reported on, with the rest of the handbook as context.

    \b
    Exit codes: 0 no errors; 1 errors (or warnings with --strict);
    2 a usage, configuration or file problem.

    \b
    Examples:
      sopkit validate
      sopkit validate procedures/hr/HR-001-onboarding.yml
      sopkit validate --format sarif > sopkit.sarif
      sopkit validate --strict --today 2026-01-31
    """
    from sopkit.check import PathError, check_handbook, rule_infos
    from sopkit.config import ConfigError, load_config
    from sopkit.report import format_report

    try:
        config = load_config(Path.cwd(), config_file)
    except ConfigError as error:
        _fail(str(error))
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        result = check_handbook(config, paths, today=today, progress=_progress(fmt))
    except PathError as error:
        _fail(str(error))
    color = fmt == "text" and _wants_color()
    output = format_report(fmt, result.diagnostics, files=result.files, rules=rule_infos(),
                           color=color)
    click.echo(output, nl=False)
    sys.exit(EXIT_PROBLEMS if result.failed(strict or config.strict) else EXIT_OK)


def _wants_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _progress(fmt: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr for long runs on a terminal; silent in CI and pipes."""
    if fmt != "text" or not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total < 200:
            return
        if done == total:
            click.echo("\r\x1b[K", nl=False, err=True)
        elif done % 50 == 0:
            click.echo(f"\rchecking {done}/{total} procedures…", nl=False, err=True)

    return show


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
    import difflib

    from sopkit.check import rule_infos

    infos = {info.name: info for info in rule_infos()}
    if name is None:
        width = max(len(info_name) for info_name in infos)
        for info in infos.values():
            click.echo(f"{info.name:<{width}}  {info.severity:<7}  {info.summary}")
        return
    if name not in infos:
        close = difflib.get_close_matches(name, list(infos), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        _fail(f"no rule named '{name}'{hint}; 'sopkit rules' lists them")
    info = infos[name]
    click.echo(f"{info.name} (default: {info.severity})\n\n{info.summary}\n\n{info.doc.strip()}")


@main.command()
@click.argument("kind", type=click.Choice(["procedure", "organization"]), default="procedure")
def schema(kind: str) -> None:
    """Print the JSON Schema of a procedure file or of organization.yml.

    Editors use it for completion and hover help; add this first line to a
    procedure file (the path relative to the file):

    \b
      # yaml-language-server: $schema=../schemas/procedure.schema.json
    """
    from sopkit.schema import schema_text

    click.echo(schema_text("procedure" if kind == "procedure" else "organization"), nl=False)


def run() -> None:
    """The console entry point: `main`, with a last line of defence against tracebacks.

    An unexpected exception is a bug in sopkit, not in the handbook: say so in
    one line and exit 2. SOPKIT_DEBUG=1 shows the traceback for a bug report.
    Tests call `main` directly, so such bugs still fail them.
    """
    try:
        main()
    except Exception as error:
        if os.environ.get("SOPKIT_DEBUG"):
            raise
        click.echo(f"sopkit: internal error ({type(error).__name__}: {error}); this is a bug "
                   "in sopkit: please report it, with SOPKIT_DEBUG=1 set to show the details",
                   err=True)
        sys.exit(EXIT_USAGE)


# -- publishing: render, build, serve ---------------------------------------------------------

from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from sopkit.check import CheckResult
    from sopkit.config import Config


def _checked_for_publishing(config_file: Path | None, strict: bool,
                            today: date | None) -> tuple[Config, CheckResult]:
    """Load and check the handbook; print its problems on stderr; exit 1 if it has errors."""
    from sopkit.check import check_handbook, rule_infos
    from sopkit.config import ConfigError, load_config
    from sopkit.report import format_report
    from sopkit.site import with_options

    try:
        config = with_options(load_config(Path.cwd(), config_file), today=today, strict=strict)
    except ConfigError as error:
        _fail(str(error))
    result = check_handbook(config, today=config.today)
    if result.diagnostics:
        click.echo(format_report("text", result.diagnostics, files=result.files,
                                 rules=rule_infos(), color=_wants_color_err()),
                   nl=False, err=True)
    if result.failed(config.strict):
        click.echo("sopkit: fix the errors above first; nothing was published", err=True)
        sys.exit(EXIT_PROBLEMS)
    return config, result


def _wants_color_err() -> bool:
    return not os.environ.get("NO_COLOR") and sys.stderr.isatty()


_publish_options = [
    click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too."),
    click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
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
              help="Write into a non-empty folder sopkit did not create (deletes nothing).")
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
    from sopkit.render import render_handbook
    from sopkit.site import SiteError, write_render

    config, result = _checked_for_publishing(config_file, strict, today)
    rendered = render_handbook(config, result.procedures, result.organization)
    try:
        written = write_render(rendered, out, force=force)
    except (SiteError, OSError) as error:
        _fail(str(error))
    click.echo(f"Wrote {len(written)} files to {out}")


@main.command()
@click.option("--force", is_flag=True,
              help="Replace a site folder sopkit did not build.")
@_with_publish_options
def build(force: bool, strict: bool, today: date | None, config_file: Path | None) -> None:
    """Build the handbook's website with MkDocs, into mkdocs.yml's site_dir (default: site/).

    Uses the handbook's mkdocs.yml, adding the sopkit plugin when it is not
    listed; without mkdocs.yml, sopkit's own settings (Material theme). The site
    is built beside the old one and swapped in only when the build succeeds.
    With --strict, warnings of sopkit and of MkDocs fail the build.

    \b
    Exit codes: 0 built; 1 the handbook has errors or MkDocs failed (the last
    good site is kept); 2 a usage, configuration or file problem.
    """
    from sopkit.site import BuildFailed, SiteError, build_site

    config, result = _checked_for_publishing(config_file, strict, today)
    try:
        site = build_site(config, result, force=force, strict=strict)
    except SiteError as error:
        _fail(str(error))
    except BuildFailed as error:
        click.echo(f"sopkit: the build failed ({error}); the last good site is kept", err=True)
        sys.exit(EXIT_PROBLEMS)
    except OSError as error:
        _fail(str(error))
    from sopkit.check import display_name

    click.echo(f"Built the site in {display_name(site)}")


@main.command()
@click.option("--dev-addr", "-a", metavar="IP:PORT",
              help="Where to serve (default: 127.0.0.1:8000, or mkdocs.yml's dev_addr).")
@_with_publish_options
def serve(dev_addr: str | None, strict: bool, today: date | None,
          config_file: Path | None) -> None:
    """Serve the handbook's website and rebuild it when a procedure changes.

    Watches the procedures folder, organization.yml, the handbook's templates
    and the docs folder. Stop with Ctrl+C.
    """
    from sopkit.site import BuildFailed, SiteError, serve_site

    config, _result = _checked_for_publishing(config_file, strict, today)
    try:
        serve_site(config, dev_addr=dev_addr, strict=strict)
    except SiteError as error:
        _fail(str(error))
    except BuildFailed as error:
        click.echo(f"sopkit: the build failed ({error})", err=True)
        sys.exit(EXIT_PROBLEMS)
