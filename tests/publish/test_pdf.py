"""sopkit.publish.pdf and pdf_book: procedures, run sheets and the handbook as PDFs, read
back with pdftotext (poppler-utils): every step and checklist item, the id and version
and the page number on every page, Chinese text as written, the same bytes twice, hostile
text inert, and one line saying what to install when WeasyPrint cannot load Pango."""

from __future__ import annotations

import builtins
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers.printing import HOSTILE, pdf_pages

from sopkit.config import build_config
from sopkit.format.load import Document, load_file
from sopkit.model import Handbook, Procedure
from sopkit.publish import pdf as pdf_module
from sopkit.publish.pdf import INSTALL_HINT, PdfUnavailable, page_html
from sopkit.publish.pdf_book import PdfMaker
from sopkit.publish.render import build_model

DATA = Path(__file__).resolve().parents[1] / "data" / "render"
TODAY = "2027-02-01"


def _maker(root: Path, language: str = "en") -> PdfMaker:
    procedures = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        document = load_file(path, path.relative_to(root).as_posix())
        assert isinstance(document, Document)
        procedures.append(document)
    organization = None
    if (root / "organization.yml").exists():
        loaded = load_file(root / "organization.yml")
        assert isinstance(loaded, Document)
        organization = loaded
    config = build_config(root, {"today": TODAY}, language=language,
                          mkdocs={"site_name": "Test handbook"})
    handbook: Handbook = build_model(config, procedures, organization)
    return PdfMaker(config, handbook)


def _procedure(maker: PdfMaker, procedure_id: str) -> Procedure:
    return next(p for p in maker.handbook.procedures if p.id == procedure_id)


def _text(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[PdfMaker, Path, Path]:
    assert shutil.which("pdftotext"), "pdftotext is missing: install poppler-utils"
    folder = tmp_path_factory.mktemp("pdf-en")
    maker = _maker(DATA / "en")
    procedure = _procedure(maker, "HR-001")
    page, sheet = folder / "HR-001.pdf", folder / "HR-001-run-sheet.pdf"
    page.write_bytes(maker.procedure(procedure))
    sheet.write_bytes(maker.run_sheet(procedure))
    return maker, page, sheet


def test_every_step_title_and_checklist_item_is_in_the_pdf(
        english: tuple[PdfMaker, Path, Path]) -> None:
    maker, page, sheet = english
    procedure = _procedure(maker, "HR-001")
    assert any(step.checklist for step in procedure.steps)
    for pdf in (page, sheet):
        text = _text(" ".join(pdf_pages(pdf)))
        for step in procedure.steps:
            assert _text(step.title) in text, (pdf.name, step.title)
            for item in step.checklist:
                assert _text(item) in text, (pdf.name, item)


def test_every_page_has_the_id_the_version_and_its_number(
        english: tuple[PdfMaker, Path, Path]) -> None:
    maker, page, sheet = english
    version = _procedure(maker, "HR-001").version
    for pdf in (page, sheet):
        pages = pdf_pages(pdf)
        assert len(pages) >= 2, pdf.name  # a procedure page runs over more than one
        for number, text in enumerate(pages, start=1):
            assert f"HR-001 · version {version}" in text, (pdf.name, number)
            assert f"Page {number} of {len(pages)}" in text, (pdf.name, number)


def test_the_same_input_gives_the_same_bytes(english: tuple[PdfMaker, Path, Path]) -> None:
    _maker_first, page, sheet = english
    again = _maker(DATA / "en")  # a new maker: nothing is kept between the two
    procedure = _procedure(again, "HR-001")
    assert again.procedure(procedure) == page.read_bytes()
    assert again.run_sheet(procedure) == sheet.read_bytes()
    raw = page.read_bytes()
    assert b"/CreationDate" not in raw and b"/ModDate" not in raw and b"/ID" not in raw


def test_chinese_text_comes_back_as_written_with_its_fonts_embedded(tmp_path: Path) -> None:
    maker = _maker(DATA / "zh", "zh")
    procedure = _procedure(maker, "CS-001")
    pdf = tmp_path / "CS-001.pdf"
    pdf.write_bytes(maker.procedure(procedure))
    pages = pdf_pages(pdf)
    text = _text(" ".join(pages))
    assert re.search(r"[\u4e00-\u9fff]", procedure.title)
    assert procedure.title in text
    for step in procedure.steps:
        assert _text(step.title) in text, step.title
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in page
        assert f"CS-001 · 版本 {procedure.version}" in page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and any("CJK" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


def _hostile_root(tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    shutil.copytree(DATA / "hostile", root)
    (root / "procedures" / "SEC-666.yml").write_text(HOSTILE, encoding="utf-8")
    return root


def test_hostile_text_stays_inert_and_shows_as_written(tmp_path: Path) -> None:
    maker = _maker(_hostile_root(tmp_path))
    procedure = _procedure(maker, "SEC-666")
    outputs = [maker.procedure(procedure), maker.run_sheet(procedure),
               maker.book("<script>alert(9)</script>", date(2027, 2, 1))]
    for number, data in enumerate(outputs):
        for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/URI (javascript",
                       b"/EmbeddedFile", b"/AA"):
            assert marker not in data, (number, marker)
        pdf = tmp_path / f"{number}.pdf"
        pdf.write_bytes(data)
        text = _text(" ".join(pdf_pages(pdf)))
        assert "Hostile <script>alert(1)</script> {{ 7*7 }} procedure" in text
        assert "Check" in text and "<script>alert(3)</script>" in text
        assert "\x1b" not in text
        assert "49" not in text.split("procedure")[0]  # {{ 7*7 }} never ran
    assert "<script>alert(9)</script>" in _text(" ".join(pdf_pages(tmp_path / "2.pdf")))


def test_page_html_is_cleaned_as_the_site_is_and_loads_nothing() -> None:
    page = ('---\ntitle: "x"\n---\n\n# Title\n\n<script>alert(1)</script>\n\n'
            '<img src="file:///etc/passwd"> <a href="../roles/x.md">role</a> '
            '<a href="#step-a">step</a>\n')
    html = page_html(page)
    assert "<script" not in html and "alert(1)" not in html
    assert "/etc/passwd" not in html
    assert '<a href="#step-a">' in html and "../roles/x.md" not in html and ">role</a>" in html


def test_the_handbook_has_a_cover_contents_with_page_numbers_procedures_and_roles(
        tmp_path: Path) -> None:
    maker = _maker(DATA / "en")
    pdf = tmp_path / "handbook.pdf"
    pdf.write_bytes(maker.book("Test handbook", date(2027, 2, 1)))
    pages = pdf_pages(pdf)
    assert "Test handbook" in pages[0] and "2027-02-01" in pages[0]
    contents = pages[1]
    assert "Contents" in contents and "Role directory" in contents
    assert "HR-002 · version" not in " ".join(pages)  # a draft is not in the handbook
    assert "HR-002" not in contents
    start = next(number for number, text in enumerate(pages, start=1)
                 if "Document control" in text and "HR-001" in text)
    listed = re.search(r"HR-001 New employee onboarding[ .]*(\d+)", _text(contents))
    assert listed and int(listed.group(1)) == start
    roles = re.search(r"Role directory[ .]*(\d+)", _text(contents))
    assert roles and "Roles" in pages[int(roles.group(1)) - 1]
    assert int(roles.group(1)) == len(pages) or "Roles" in pages[-2]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        if start <= number < int(roles.group(1)):
            assert "HR-001 · version" in text, number


def test_a_missing_pango_is_one_line_saying_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def failing(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libgobject-2.0-0': error 0x7e")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(__import__("sys").modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing)
    with pytest.raises(PdfUnavailable) as raised:
        pdf_module.weasyprint_module()
    message = str(raised.value)
    assert "\n" not in message and INSTALL_HINT in message and "libgobject" in message
