"""A procedure page of a handbook made by `sopkit init`, printed to PDF by Chromium as a
reader's browser prints it: the document-control block and the running footer are on
paper, the navigation and search are not, and hostile text stays text.

Needs Debian's Chromium and pdftotext (scripts/test-all installs them); never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.browser import chromium, served
from helpers.printing import build, init_handbook, pdf_pages, print_page, require_tools

MINIMAL_MKDOCS = "site_name: Plain handbook\nplugins: [search, sopkit]\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_tools()
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def material_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An init'd handbook (Material theme) with a hostile procedure, built."""
    return build(init_handbook(tmp_path_factory.mktemp("material") / "handbook"))


def _printed(browser: Any, site: Path, page: str, pdf: Path, *, offline: bool = True) -> list[str]:
    """The text of each printed page; with ``offline``, the page did nothing it should not
    (MkDocs' own theme asks a CDN for highlight.js: not sopkit's doing)."""
    with served(site) as base:
        troubles = print_page(browser, base + page, pdf)
    if offline:
        assert troubles == []
    else:
        assert [trouble for trouble in troubles if trouble.startswith("dialog")] == []
    return pdf_pages(pdf)


def test_a_printed_procedure_has_its_control_block_and_footer_and_no_nav(
        browser: Any, material_site: Path, tmp_path: Path) -> None:
    pages = _printed(browser, material_site, "procedures/operations/OPS-001/",
                     tmp_path / "OPS-001.pdf")
    first = " ".join(pages[0].split())
    assert "Document control" in first
    assert "ID OPS-001 Version 0.1.0" in first
    assert "Owner Operations Manager" in first
    assert "uncontrolled when printed" in first
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "OPS-001 · version 0.1.0" in text, f"no footer on page {number}"
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(pages)
    # The nav's entries and the search box are the site's, not the procedure's.
    for screen_only in ("Review calendar", "RACI matrix", "Search", "Skip to content"):
        assert screen_only not in everything
    # The step list printed once, in the control block (the screen's list is left out).
    assert everything.count("Review interval") == 0


def test_a_minimal_mkdocs_yml_prints_without_nav_too(browser: Any, tmp_path: Path) -> None:
    root = init_handbook(tmp_path / "plain", hostile=False)
    (root / "mkdocs.yml").write_text(MINIMAL_MKDOCS, encoding="utf-8")
    pages = _printed(browser, build(root), "procedures/operations/OPS-001/",
                     tmp_path / "plain.pdf", offline=False)
    everything = "\n".join(pages)
    assert "Document control" in everything
    assert "OPS-001 · version 0.1.0" in pages[-1]
    for screen_only in ("Review calendar", "RACI matrix", "Search"):
        assert screen_only not in everything


def test_hostile_text_prints_as_text(browser: Any, material_site: Path, tmp_path: Path) -> None:
    for page in ("procedures/SEC-666/", "run-sheets/SEC-666/"):
        pages = _printed(browser, material_site, page, tmp_path / "hostile.pdf")
        everything = " ".join(" ".join(pages).split())
        assert "<script>alert(1)</script> {{ 7*7 }} procedure" in everything
        assert "SEC-666 · version 1.0.0" in everything


def test_a_run_sheet_prints_its_form(browser: Any, material_site: Path, tmp_path: Path) -> None:
    pages = _printed(browser, material_site, "run-sheets/operations/OPS-001/",
                     tmp_path / "sheet.pdf")
    everything = " ".join(" ".join(pages).split())
    for words in ("Run sheet: OPS-001", "Run details", "Operators (names)", "Deviations and notes",
                  "Sign-off", "Procedure owner: Operations Manager", "☐"):
        assert words in everything
    assert "OPS-001 · version 0.1.0" in pages[-1]
