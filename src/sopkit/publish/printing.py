"""Printing: the print style sheet of the handbook site, the running footer of a printed
procedure, and the notice a printout carries.

A procedure page printed from a browser starts with its document-control block, shows no
navigation or search, scales its flowchart to the page, keeps table rows whole, and ends
each printed page with the procedure's id, version and "page N of M" (in browsers that
draw page margin boxes: Chromium from version 131; others print the rest).

The style sheet and its small script are files of the site (:data:`PRINT_CSS`,
:data:`PRINT_JS`), the same bytes for the same language. The footer differs from
procedure to procedure, so the plugin puts it into each procedure page's head
(:func:`footer_style`); every character of it that is not a letter or digit is written as a
CSS escape, so no text can leave the CSS string it is in.

The notice (``print_notice``, "Printed {date}: uncontrolled when printed...") is procedure
data's neighbour: the handbook's own words, never formatted as a template. ``{date}`` is the
day of printing: the page holds the day the site was built, and the script puts the
reader's date in its place when the browser prints.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date

__all__ = [
    "PRINT_CSS",
    "PRINT_JS",
    "css_string",
    "footer_style",
    "footer_text",
    "html_inline",
    "notice_html",
    "print_css",
    "print_js",
]

PRINT_CSS = "assets/sopkit-print.css"
"""The print style sheet, relative to the handbook's folder of the site."""
PRINT_JS = "assets/sopkit-print.js"
"""The script that puts the day of printing into the notice."""

_RULES = """\
/* sopkit: how procedure pages, run sheets and handbook pages print. */
@media screen {
  .sopkit-print-only { display: none; }
  .sopkit-flowchart { overflow-x: auto; }  /* a wide chart scrolls; its text stays legible */
}
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm 14mm; }
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top, .md-source,
  .md-content__button, .md-dialog, .md-banner, .md-announce, .headerlink,
  .sopkit-screen-only, body nav, [role="navigation"], [role="search"], .navbar,
  .wy-nav-side, .rst-versions { display: none !important; }
  .md-main__inner, .md-content, .md-content__inner { margin: 0 !important; max-width: none; }
  .md-grid { max-width: none; }
  .md-typeset { font-size: 10pt; }
  .md-typeset a { color: inherit; }
  .sopkit-control-block + ul { display: none !important; }
  h1, h2, h3, h4 { break-after: avoid; }
  table, .md-typeset table:not([class]) { display: table; width: 100%; font-size: 9pt; }
  thead { display: table-header-group; }
  tr, .sopkit-control-block, .sopkit-signatures { break-inside: avoid; }
  .md-typeset .admonition { break-inside: avoid; }
  .sopkit-flowchart svg { width: 100%; max-width: 100%; min-width: 0 !important; height: auto; }
  .sopkit-flowchart { break-inside: auto; }
}
.sopkit-control { border-collapse: collapse; width: 100%; margin: 0 0 1em; }
.sopkit-control caption { text-align: left; font-weight: 700; }
.sopkit-control th, .sopkit-control td { border: 1px solid #999; padding: 2px 6px;
  text-align: left; vertical-align: top; }
.sopkit-notice { font-size: 0.85em; font-style: italic; }
.sopkit-run { border-collapse: collapse; width: 100%; }
.sopkit-run th, .sopkit-run td { border: 1px solid #999; padding: 4px 6px;
  text-align: left; vertical-align: top; }
.sopkit-run td.sopkit-blank { height: 2.2em; min-width: 5em; }
.sopkit-run .sopkit-box { font-size: 1.2em; }
.sopkit-notes { border: 1px solid #999; height: 12em; margin: 0 0 1em; }
"""

_SCRIPT = """\
// sopkit: the day of printing in the printed notice (the page holds the day it was built).
window.addEventListener("beforeprint", function () {
  var now = new Date();
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var day = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  document.querySelectorAll(".sopkit-print-date").forEach(function (node) {
    node.textContent = day;
  });
});
"""


def css_string(text: str) -> str:
    """``text`` as a CSS string, quotes included: every character but ASCII letters and
    digits as a six-digit CSS escape (which takes no space after it), so nothing in it can
    end the string or the rule. Control and format characters are left out."""
    parts = [ch if ch.isascii() and ch.isalnum() else f"\\{ord(ch):06x}"
             for ch in text if ch.isprintable()]
    return '"' + "".join(parts) + '"'


def _counters(label: str) -> str:
    """A label with ``{page}`` and ``{pages}`` as the value of a CSS ``content``."""
    pieces: list[str] = []
    rest = label
    while rest:
        start = rest.find("{page")
        if start < 0:
            pieces.append(css_string(rest))
            break
        if start:
            pieces.append(css_string(rest[:start]))
        if rest.startswith("{pages}", start):
            pieces.append("counter(pages)")
            rest = rest[start + len("{pages}"):]
        elif rest.startswith("{page}", start):
            pieces.append("counter(page)")
            rest = rest[start + len("{page}"):]
        else:
            pieces.append(css_string(rest[start:start + 1]))
            rest = rest[start + 1:]
    return " ".join(pieces) or '""'


def print_css(labels: Mapping[str, str]) -> str:
    """The print style sheet of a site in the language of ``labels``."""
    page = ("@media print {\n  @page { @bottom-right { content: "
            f"{_counters(labels['page_of'])}; font-size: 8pt; }} }}\n}}\n")
    return _RULES + page


def print_js() -> str:
    """The script of :data:`PRINT_JS`."""
    return _SCRIPT


def footer_text(labels: Mapping[str, str], procedure_id: str, version: str) -> str:
    """The running footer of a printed procedure: "HR-001 · version 1.2.0"."""
    template = labels["footer_version"]
    return template.replace("{id}", procedure_id).replace("{version}", version)


def footer_style(text: str) -> str:
    """The ``<style>`` element that puts ``text`` at the bottom left of every printed page."""
    return ("<style>@media print { @page { @bottom-left { content: "
            f"{css_string(text)}; font-size: 8pt; }} }} }}</style>")


def notice_html(notice: str, day: date) -> str:
    """The notice as HTML: its text escaped, ``{date}`` as the day printed (``day`` until
    the browser prints)."""
    marker = f'<span class="sopkit-print-date">{day.isoformat()}</span>'
    return marker.join(_escaped(_WHITE.sub(" ", _printable(part)))
                       for part in notice.split("{date}"))


def html_inline(value: object) -> str:
    """Text on one line for HTML that sopkit writes (the control block, run sheets): escaped,
    so that nothing later (Markdown, a macro plugin) reads it as anything but text. The
    template filter ``html_inline``."""
    return _escaped(" ".join(_printable("" if value is None else str(value)).split()))


_WHITE = re.compile(r"\s+")


def _printable(text: str) -> str:
    """``text`` without control, format (bidirectional) and unassigned characters."""
    return "".join(ch for ch in text if ch.isprintable() or ch.isspace())


def _escaped(text: str) -> str:
    escaped = html.escape(text, quote=True)
    return escaped.replace("{", "&#123;").replace("}", "&#125;").replace("`", "&#96;")
