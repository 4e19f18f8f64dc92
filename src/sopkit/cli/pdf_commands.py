"""The command line's `sopkit pdf`: procedures, run sheets and the handbook as PDF files,
and the PDF of `sopkit show --format pdf`. The PDFs are sopkit.publish.pdf_book's, written
by sopkit.publish.pdf_out.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sopkit.cli.usage import fail, parse_date

if TYPE_CHECKING:
    from sopkit.config import Config
    from sopkit.review.effective import Revision


def require_weasyprint() -> None:
    """Stop in one line (exit 2) when WeasyPrint or its system libraries are missing."""
    from sopkit.publish.pdf import PdfUnavailable, weasyprint_module

    try:
        weasyprint_module()
    except PdfUnavailable as error:
        fail(str(error))


@click.command()
@click.argument("ids", nargs=-1, metavar="[ID...]")
@click.option("--out", "-o", "out", required=True, metavar="DIR",
              type=click.Path(path_type=Path, file_okay=False),
              help="The folder to write the PDFs into.")
@click.option("--run-sheet", "run_sheet", is_flag=True,
              help="Also write each procedure's run sheet, DIR/<ID>-run-sheet.pdf.")
@click.option("--handbook", "book", is_flag=True,
              help="Also write the whole handbook as one PDF, DIR/handbook.pdf.")
@click.option("--force", is_flag=True,
              help="Replace PDFs in DIR that sopkit pdf did not write.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--today", callback=parse_date, metavar="YYYY-MM-DD",
              help="The date the PDFs show and count review dates from (default: today).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The handbook's mkdocs.yml (default: ./mkdocs.yml, if there is one).")
def pdf(ids: tuple[str, ...], out: Path, run_sheet: bool, book: bool, force: bool,
        strict: bool, today: date | None, config_file: Path | None) -> None:
    """Write procedures as PDF files: DIR/<ID>.pdf for each ID (default: every procedure).

    The PDFs are the site's pages with its print style: the document-control block
    first, running headers and footers with the id, version and page numbers. With
    --handbook, DIR/handbook.pdf: a cover, a table of contents with page numbers,
    the approved procedures by department, then the role directory. The same
    handbook and --today give the same bytes. Needs WeasyPrint's system library
    Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0).

    \b
    Exit codes: 0 written; 1 the handbook has errors (nothing is written);
    2 a usage, configuration or file problem, or Pango is missing.

    \b
    Examples:
      sopkit pdf --out pdf
      sopkit pdf HR-001 --run-sheet --out pdf
      sopkit pdf --handbook --today 2026-12-07 --out pdf
    """
    from sopkit.cli.main import _checked_for_publishing, _publishing_reported
    from sopkit.publish.pdf_book import BOOK_NAME, PdfMaker, handbook_name, procedures_by_id
    from sopkit.publish.pdf_out import PdfFiles
    from sopkit.publish.render import build_model

    require_weasyprint()
    config, result = _checked_for_publishing(config_file, strict, today)
    handbook = build_model(config, result.contents(), result.organization,
                           approvals=result.approvals)
    known = procedures_by_id(handbook)
    missing = [each for each in ids if each not in known]
    if missing:
        fail(f"no procedure with the id {missing[0]} in this handbook "
             f"(known: {', '.join(sorted(known)[:10])}{', ...' if len(known) > 10 else ''})")
    chosen = [known[each] for each in dict.fromkeys(ids)] if ids else list(known.values())
    names = [f"{p.id}{suffix}.pdf" for p in chosen
             for suffix in ("", *(("-run-sheet",) if run_sheet else ()))]
    names += [BOOK_NAME] if book else []
    with _publishing_reported(f"; run sopkit pdf again to finish {out}"):
        files = PdfFiles(out, force=force)
        files.check(names)
        maker = PdfMaker(config, handbook)
        for procedure in chosen:
            files.write(f"{procedure.id}.pdf", maker.procedure(procedure))
            if run_sheet:
                files.write(f"{procedure.id}-run-sheet.pdf", maker.run_sheet(procedure))
        if book:
            files.write(BOOK_NAME, maker.book(handbook_name(config), handbook.today))
    click.echo(f"Wrote {len(names)} PDF{'s' if len(names) != 1 else ''} to {out}")


def show_pdf(config: Config, revision: Revision, when: date) -> None:
    """The PDF of the version of a procedure in effect on ``when`` (`sopkit show --format
    pdf`), to standard output; never to a terminal."""
    from sopkit.format.load import Document, load_bytes, load_file
    from sopkit.model import build_handbook
    from sopkit.publish.pdf_book import PdfMaker

    require_weasyprint()
    if sys.stdout.isatty():
        fail("a PDF is not shown in a terminal: send it to a file, as in "
             "sopkit show ID --format pdf > ID.pdf")
    document = load_bytes(revision.source.encode("utf-8"), revision.path)
    org = load_file(config.organization) if config.organization.is_file() else None
    if not isinstance(document, Document) or not isinstance(org, Document | None):
        fail(f"{revision.path} at {revision.commit[:12]} cannot be read as a procedure")
    try:
        handbook = build_handbook([document], org, when)
        data = PdfMaker(config, handbook).procedure(handbook.procedures[0])
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        fail(f"{revision.path} at {revision.commit[:12]} cannot be made a PDF ({error})")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
