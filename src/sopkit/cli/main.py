"""The `sopkit` command: options in, exit code out.

Exit codes: 0 all good; 1 the handbook has problems; 2 usage, configuration or
I/O problem. Heavy modules (MkDocs, Jinja) are imported inside the commands
that use them, so `sopkit validate` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from sopkit import __version__
from sopkit.cli.exit_codes import ExitCode

if TYPE_CHECKING:
    from sopkit.check.handbook import CheckResult
    from sopkit.config import Config


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str) -> NoReturn:
    from sopkit.check.escape import visible

    # One line, whatever a value quoted in the message holds (mkdocs.yml, a path).
    click.echo(f"sopkit: {visible(message)}", err=True)
    sys.exit(ExitCode.USAGE)


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
        _fail(str(problem))
    except Terminated as stopped:
        click.echo(f"sopkit: stopped by {stopped.name}{afterwards}", err=True)
        sys.exit(stopped.exit_code)
    except BuildFailed as error:
        click.echo(f"sopkit: the build failed ({error}){afterwards}", err=True)
        sys.exit(ExitCode.PROBLEMS)


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

    With no PATHS, checks the handbook in the current folder: the procedures
    folder and organization.yml named by mkdocs.yml's sopkit plugin options
    (default: procedures/ and organization.yml). PATHS may be files or folders;
    only they are reported on, with the rest of the handbook as context. A folder
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
      sopkit validate --strict --today 2026-01-31
      sopkit validate --base origin/main
    """
    from sopkit.cli.validate import UsageProblem, validate_handbook

    try:
        code = validate_handbook(paths, fmt=fmt, strict=strict, today=today,
                                 config_file=config_file, base=base, cache=not no_cache,
                                 jobs=jobs)
    except UsageProblem as error:
        _fail(str(error))
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

        _fail(f"no rule named '{name}'{did_you_mean(name, infos)}; 'sopkit rules' lists them")
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
    from sopkit.format.schema import schema_text

    click.echo(schema_text("procedure" if kind == "procedure" else "organization"), nl=False)


# -- publishing: render, build, serve ---------------------------------------------------------

def _checked_for_publishing(config_file: Path | None, strict: bool,
                            today: date | None) -> tuple[Config, CheckResult]:
    """Load and check the handbook; print its problems on stderr; exit 1 if it has errors."""
    from sopkit.check.handbook import check_handbook, rule_infos
    from sopkit.check.report import format_report
    from sopkit.cli.validate import wants_color
    from sopkit.config import ConfigError, load_config

    try:
        loaded = load_config(Path.cwd(), config_file)
    except ConfigError as error:
        _fail(str(error))
    # The command line's --today and --strict, laid over the handbook's settings.
    config = loaded._replace(today=today or loaded.today, strict=strict or loaded.strict)
    result = check_handbook(config, today=config.today)
    if result.diagnostics:
        click.echo(format_report("text", result.diagnostics, files=result.files,
                                 rules=rule_infos(), color=wants_color(sys.stderr)),
                   nl=False, err=True)
    if result.failed(config.strict):
        click.echo("sopkit: fix the errors above first; nothing was published", err=True)
        sys.exit(ExitCode.PROBLEMS)
    return config, result


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
        model = build_model(config, result.contents(), result.organization)
        rendered = render_site(config, model)  # pages rendered ahead in a second process
        written = write_render(rendered, out, force=force)
    click.echo(f"Wrote {len(written)} files to {out}")


@main.command()
@click.option("--force", is_flag=True,
              help="Replace a folder sopkit did not build (inside the handbook, not "
                   "tracked by git).")
@_with_publish_options
def build(force: bool, strict: bool, today: date | None, config_file: Path | None) -> None:
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
        site = build_site(config, result, force=force, strict=strict)
    from sopkit.check.discover import display_name

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
    from sopkit.publish.output import sigterm_stops_cleanly
    from sopkit.publish.site import serve_site

    config, _result = _checked_for_publishing(config_file, strict, today)
    with _publishing_reported(), sigterm_stops_cleanly():  # MkDocs removes its temporary site
        serve_site(config, dev_addr=dev_addr, strict=strict)


# -- pull-request review: diff ----------------------------------------------------------------

@main.command("diff")
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
    from sopkit.review.diff import change_diagnostics, diff_handbook
    from sopkit.review.git import GitError
    from sopkit.review.report_diff import format_diff

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
    sys.exit(ExitCode.PROBLEMS if failed else ExitCode.OK)


# -- setting up: init, new, codeowners ------------------------------------------------------

@main.command()
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
    from sopkit.cli.scaffold import ScaffoldError, init_handbook

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


@main.command()
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
        _fail(str(error))
    click.echo(f"created {display_name(planned.path)}")


@main.command()
@click.option("--check", is_flag=True,
              help="Do not write: exit 1 when the file is missing or out of date.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Where to write it; '-' prints it. Default: .github/CODEOWNERS beside "
                   "mkdocs.yml.")
@click.option("--force", is_flag=True,
              help="Add the sopkit section to a CODEOWNERS file that has none, after its "
                   "lines (they are kept).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose sopkit plugin options to use.")
def codeowners(check: bool, output: Path | None, force: bool, config_file: Path | None) -> None:
    """Write .github/CODEOWNERS: each procedure is reviewed by its owner role's people.

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
        path = config.root / routing.DEFAULT_OUTPUT if default or output is None else output
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
        _fail(str(error))
    click.echo(f"wrote {name}" if changed else f"{name} is up to date")
