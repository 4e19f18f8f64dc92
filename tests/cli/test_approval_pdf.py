"""Printouts show the approvals (format 1.2): `sopkit pdf` of the demo handbook, its text
read back, has each approver's name, role, meaning and date in the document-control block,
and "changed after approval" or "approval pending" where the rules say so; in English and
in Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.commands import sopkit
from helpers.printing import pdf_pages

REPO = Path(__file__).resolve().parents[2]


def demo(folder: Path, language: str) -> Path:
    folder.mkdir()
    for name in ("procedures", "training", "approvals"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "organization.yml", folder / "organization.yml")
    (folder / "mkdocs.yml").write_text(f"site_name: demo\ntheme:\n  name: material\n"
                                       f"  language: {language}\n", encoding="utf-8")
    return folder


def printed(folder: Path, *ids: str) -> dict[str, str]:
    done = sopkit(["pdf", *ids, "--today", "2026-06-01", "--out", "pdf"], folder)
    assert done.returncode == 0, done.stderr
    return {each: " ".join(pdf_pages(folder / "pdf" / f"{each}.pdf")).replace("\n", " ")
            for each in ids}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_printout_shows_the_approvals(tmp_path: Path, language: str) -> None:
    text = printed(demo(tmp_path / "hb", language), "IT-001", "FIN-001", "HR-001", "PUR-001")
    if language == "en":
        assert "Approvals" in text["IT-001"]
        assert "Daniel Tan (IT Manager), approved, 2026-04-24" in text["IT-001"]
        assert "张伟 (Chief Operating Officer), approved, 2026-04-28" in text["IT-001"]
        assert "刘洋 (会计主管), authored, 2026-01-15" in text["FIN-001"]
        assert "Changed after approval: Version 2.1.0 was approved by 张伟 (Chief Operating " \
               "Officer) on 2026-03-25" in text["HR-001"]
        assert "Approval pending" in text["PUR-001"]
    else:
        assert "批准记录" in text["FIN-001"]
        assert "王芳 (财务总监), 批准, 2026-01-20" in text["FIN-001"]
        assert "刘洋 (会计主管), 编写, 2026-01-15" in text["FIN-001"]
        assert "批准后已修改" in text["HR-001"] and "版本 2.1.0 由 张伟" in text["HR-001"]
        assert "待批准" in text["PUR-001"]
