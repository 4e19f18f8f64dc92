"""PDFs of procedures and run sheets: the site's pages, as HTML with the site's print style
sheet, laid out by WeasyPrint (`sopkit pdf`, `sopkit show --format pdf`).

A PDF is drawn from the very Markdown the site shows (:mod:`sopkit.publish.render`),
turned into HTML with the site's Markdown extensions and cleaned as the site's pages are
(:mod:`sopkit.publish.sanitize`), so a printout and a PDF say the same. On top of the
print style sheet (:mod:`sopkit.publish.printing`) a PDF has running headers and footers:
the document's id and version at the top left and bottom left, its title at the top right,
"Page N of M" at the bottom right.

The same input gives the same bytes: the PDF holds no time of its own (no creation or
modification date, no random file identifier), only the handbook's date where a page
shows one. WeasyPrint loads nothing: every address a page names (an image, a style
sheet) is refused, so a PDF never reads a local file or the network.

WeasyPrint needs the Pango library of the system; without it, :func:`weasyprint_module`
raises :class:`PdfUnavailable` with one line saying what to install.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import markdown

from sopkit.publish.mkdocs_settings import markdown_extensions
from sopkit.publish.printing import css_string, print_css
from sopkit.publish.sanitize import sanitize_html

__all__ = [
    "INSTALL_HINT",
    "Part",
    "PdfUnavailable",
    "document_html",
    "page_html",
    "pdf_bytes",
    "weasyprint_module",
]

INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
"""What to install (Debian, Ubuntu) when WeasyPrint cannot load its system libraries."""


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries are missing; the message says what to install."""


def weasyprint_module() -> Any:
    """The ``weasyprint`` module; :class:`PdfUnavailable` when it cannot be loaded."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        reason = " ".join(str(error).split())[:160]
        raise PdfUnavailable(
            f"PDFs need WeasyPrint and the Pango library, which could not be loaded ({reason}); "
            f"install them: {INSTALL_HINT} (Debian, Ubuntu), and pip install weasyprint"
        ) from None
    return weasyprint


_PDF_CSS = """\
html { font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP",
  sans-serif; font-size: 10pt; line-height: 1.4; }
code, pre { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; }
body { margin: 0; }
h1 { font-size: 17pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
.sopkit-flowchart svg { width: auto; height: auto; max-width: 100%; max-height: 232mm; }
.sopkit-pdf-doc { break-before: page; }
.sopkit-pdf-doc:first-child { break-before: auto; }
.sopkit-pdf-cover { break-after: page; text-align: center; padding-top: 30%; }
.sopkit-pdf-cover h1 { font-size: 28pt; }
.sopkit-pdf-toc ol { list-style: none; padding-left: 0; }
.sopkit-pdf-toc li { margin: 2pt 0; }
.sopkit-pdf-toc ol ol { padding-left: 1.5em; }
.sopkit-pdf-toc a { color: inherit; text-decoration: none; }
.sopkit-pdf-toc a::after { content: leader(".") target-counter(attr(href), page); }
.sopkit-pdf-part, .sopkit-pdf-dept { break-before: page; }
.sopkit-pdf-dept + .sopkit-pdf-doc { break-before: auto; }
@page { @top-left { content: string(sopkit-doc, last); font-size: 8pt; }
  @top-right { content: string(sopkit-title, last); font-size: 8pt; }
  @bottom-left { content: string(sopkit-doc, last); font-size: 8pt; } }
"""


@dataclass(frozen=True)
class Part:
    """One piece of a PDF: a page of the site (as HTML) or a piece of the handbook."""

    anchor: str
    """The id of the piece (for links from the table of contents)."""
    body: str
    """Clean HTML (:func:`page_html`, or escaped by the caller)."""
    running: str = ""
    """The running header and footer while this piece is printed ("HR-001 · version 1.0.0")."""
    title: str = ""
    """The title at the top right while this piece is printed."""
    css_class: str = "sopkit-pdf-doc"


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_LOCAL_LINK = re.compile(r'<a\b([^>]*?)\shref="(?!#|https?:|mailto:)[^"]*"')


def page_html(page_markdown: str) -> str:
    """A rendered page of the site (Markdown with front matter) as the clean HTML of its body.

    Links to the site's other pages lead nowhere in a PDF and are kept as text."""
    text = _FRONT_MATTER.sub("", page_markdown, count=1)
    names: list[str] = []
    configs: dict[str, Any] = {}
    for extension in markdown_extensions():
        if isinstance(extension, dict):
            for name, config in extension.items():
                names.append(name)
                configs[name] = config
        else:
            names.append(extension)
    body = markdown.markdown(text, extensions=names, extension_configs=configs)
    return _LOCAL_LINK.sub(r"<a\1", sanitize_html(body))


def _running_css(parts: Sequence[Part]) -> str:
    """Each piece sets the running header's text (CSS strings escaped: nothing can leave
    them)."""
    rules = [f"#{part.anchor} {{ string-set: sopkit-doc {css_string(part.running)}, "
             f"sopkit-title {css_string(part.title)}; }}" for part in parts if part.running]
    return "\n".join(rules) + "\n"


def document_html(parts: Sequence[Part], *, language: str, title: str,
                  labels: Any) -> str:
    """The whole HTML document of a PDF: the site's print style sheet, the PDF's own, and
    each piece in a ``<section>`` of its own."""
    sections = "\n".join(
        f'<section id="{part.anchor}" class="{part.css_class}">\n{part.body}\n</section>'
        for part in parts)
    lang = "zh-Hans" if language == "zh" else language
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n"
            f"<style>\n{print_css(labels)}{_PDF_CSS}{_running_css(parts)}</style>\n"
            f"</head>\n<body>\n{sections}\n</body>\n</html>\n")


def _fetcher(weasyprint: Any) -> Any:
    class NoFetching(weasyprint.URLFetcher):  # type: ignore[misc]
        """Loads nothing: a PDF is made of the page's own text alone."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"sopkit's PDFs load nothing ({url[:80]})")

    return NoFetching()


def pdf_bytes(document: str) -> bytes:
    """The PDF of an HTML document of :func:`document_html`: the same bytes for the same
    document (no dates, no random identifier)."""
    weasyprint = weasyprint_module()
    page = weasyprint.HTML(string=document, base_url=None, url_fetcher=_fetcher(weasyprint))
    data: bytes = page.write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    return data
