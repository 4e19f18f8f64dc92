"""`sopkit pdf` and `sopkit show --format pdf` as a user runs them: the files written (and
only where sopkit may write), the same bytes from two runs, and one line (exit 2) when
WeasyPrint cannot load Pango."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.commands import scaffolded, sopkit
from helpers.gitrepo import DatedRepo
from helpers.printing import HOSTILE, pdf_pages

TODAY = "2026-06-01"
HOSTILE_HANDBOOK = Path(__file__).resolve().parents[1] / "data" / "hostile"


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handbook of `sopkit init` (a draft) with the hostile procedure (approved)."""
    folder = scaffolded(tmp_path_factory.mktemp("pdf-cli") / "handbook")
    (folder / "procedures" / "SEC-666.yml").write_text(HOSTILE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def written(handbook: Path) -> Path:
    done = sopkit(["pdf", "--run-sheet", "--handbook", "--today", TODAY, "--out", "pdf"],
                  handbook)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Wrote 5 PDFs to pdf"
    return handbook / "pdf"


def test_one_pdf_per_procedure_its_run_sheet_and_the_handbook(written: Path) -> None:
    names = sorted(path.name for path in written.iterdir())
    assert names == [".sopkit-pdf", "OPS-001-run-sheet.pdf", "OPS-001.pdf",
                     "SEC-666-run-sheet.pdf", "SEC-666.pdf", "handbook.pdf"]
    for name in names[1:]:
        assert (written / name).read_bytes().startswith(b"%PDF-"), name
    book = " ".join(pdf_pages(written / "handbook.pdf"))
    assert "SEC-666 · version 1.0.0" in book
    assert "OPS-001 · version" not in book  # a draft is not in the handbook
    assert "2026-06-01" in pdf_pages(written / "handbook.pdf")[0]


def test_a_second_run_gives_the_same_bytes(handbook: Path, written: Path) -> None:
    before = {path.name: path.read_bytes() for path in written.iterdir()}
    done = sopkit(["pdf", "SEC-666", "--run-sheet", "--handbook", "--today", TODAY,
                   "--out", "pdf"], handbook)
    assert done.returncode == 0, done.stderr
    after = {path.name: path.read_bytes() for path in written.iterdir()}
    assert after == before


def test_an_unknown_id_is_one_line_and_writes_nothing(handbook: Path) -> None:
    done = sopkit(["pdf", "NOPE-1", "--out", "elsewhere"], handbook)
    assert done.returncode == 2
    assert done.stderr.startswith("sopkit: no procedure with the id NOPE-1")
    assert done.stderr.count("\n") == 1
    assert not (handbook / "elsewhere").exists()


def test_a_file_sopkit_did_not_write_is_kept_without_force(handbook: Path) -> None:
    out = handbook / "foreign"
    out.mkdir()
    (out / "SEC-666.pdf").write_text("my own notes", encoding="utf-8")
    done = sopkit(["pdf", "SEC-666", "--today", TODAY, "--out", "foreign"], handbook)
    assert done.returncode == 2, done.stderr
    assert "was not written by sopkit pdf" in done.stderr and "--force" in done.stderr
    assert (out / "SEC-666.pdf").read_text(encoding="utf-8") == "my own notes"
    done = sopkit(["pdf", "SEC-666", "--force", "--today", TODAY, "--out", "foreign"],
                  handbook)
    assert done.returncode == 0, done.stderr
    assert (out / "SEC-666.pdf").read_bytes().startswith(b"%PDF-")


def test_nothing_is_written_through_a_link(handbook: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_text("outside", encoding="utf-8")
    out = handbook / "linked"
    out.mkdir()
    (out / "SEC-666.pdf").symlink_to(outside)
    done = sopkit(["pdf", "SEC-666", "--force", "--today", TODAY, "--out", "linked"],
                  handbook)
    assert done.returncode == 2
    assert "symbolic link" in done.stderr and "Traceback" not in done.stderr
    assert outside.read_text(encoding="utf-8") == "outside"


def test_missing_pango_is_one_line_saying_what_to_install(handbook: Path,
                                                          tmp_path: Path) -> None:
    """WeasyPrint without its system libraries fails on import with OSError, as here."""
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open "
        "shared object file: No such file or directory\")\n", encoding="utf-8")
    path = os.pathsep.join([str(tmp_path / "fake"), os.environ.get("PYTHONPATH", "")])
    done = sopkit(["pdf", "--out", "nopango"], handbook, env={"PYTHONPATH": path})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in done.stderr
    assert not (handbook / "nopango").exists()


def test_the_hostile_handbook_stays_inert_in_every_pdf(tmp_path: Path) -> None:
    """tests/data/hostile: markup, templates, links and bidirectional controls everywhere."""
    handbook = tmp_path / "hostile"
    shutil.copytree(HOSTILE_HANDBOOK, handbook)
    done = sopkit(["pdf", "--run-sheet", "--handbook", "--today", TODAY, "--out", "pdf"],
                  handbook)
    assert done.returncode == 0, done.stderr
    pdfs = sorted((handbook / "pdf").glob("*.pdf"))
    assert len(pdfs) == 7
    for pdf in pdfs:
        data = pdf.read_bytes()
        for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/URI", b"/EmbeddedFile"):
            assert marker not in data, (pdf.name, marker)
    text = " ".join(" ".join(pdf_pages(handbook / "pdf" / "SEC-001.pdf")).split())
    assert "Rotate </title><script>alert(8)</script> keys" in text
    assert "{{ 7*7 }}" in text


def _procedure(version: str, effective: str) -> str:
    return f"""\
id: HR-001
title: New employee onboarding 入职
version: {version}
status: approved
approvers: [coo]
effective_date: {effective}
owner: hr-manager
purpose: Every new employee is productive by the end of week one.
scope:
  includes: [Employees]
roles:
  - id: hr-manager
    title: HR Manager
  - id: coo
    title: Chief Operating Officer
steps:
  - id: prepare
    title: Prepare documents for version {version}
    role: hr-manager
    checklist: [Contract signed]
history:
  - version: {version}
    date: {effective}
    summary: Release {version}.
"""


def test_show_format_pdf_prints_the_version_in_effect(tmp_path: Path) -> None:
    repo = DatedRepo(tmp_path / "handbook")
    repo.write("procedures/HR-001.yml", _procedure("1.0.0", "2026-02-01"))
    repo.commit("2026-01-20", "approve 1.0.0")
    repo.write("procedures/HR-001.yml", _procedure("2.0.0", "2026-05-01"))
    repo.commit("2026-04-20", "approve 2.0.0")
    done = subprocess.run([sys.executable, "-m", "sopkit", "show", "HR-001", "--at",
                           "2026-03-01", "--format", "pdf"], cwd=repo.path,
                          capture_output=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"%PDF-")
    pdf = tmp_path / "HR-001.pdf"
    pdf.write_bytes(done.stdout)
    pages = pdf_pages(pdf)
    text = " ".join(" ".join(pages).split())
    assert "Prepare documents for version 1.0.0" in text and "version 2.0.0" not in text
    assert "入职" in text
    assert all("HR-001 · version 1.0.0" in page for page in pages)
