"""The training pages (format 1.1): made from the demo's records once there is one, in
English and Chinese, every status a symbol and a word."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from conftest import REPO

from sopkit.check.handbook import check_handbook
from sopkit.config import build_config
from sopkit.publish.render import render_handbook


def demo(tmp_path: Path, training: bool = True) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(REPO / "procedures", root / "procedures")
    shutil.copy(REPO / "organization.yml", root / "organization.yml")
    if training:
        shutil.copytree(REPO / "training", root / "training")
    return root


def rendered(root: Path, language: str) -> dict[str, str]:
    config = build_config(root, {"today": "2026-06-01"}, language=language)
    result = check_handbook(config, today=date(2026, 6, 1), cache=False)
    assert not result.errors, result.diagnostics
    return dict(render_handbook(config, result.contents(), result.organization,
                                result.training).files)


def test_english_pages(tmp_path: Path) -> None:
    files = rendered(demo(tmp_path), "en")
    matrix = files["training/it.md"]
    assert "| [孙浩](../people/sun-hao.md) | ✗ missing | ↻ outdated |" in matrix
    assert "· not required" in matrix
    person = files["people/wu-gang.md"]
    assert "| ◷ expired | 1.2.0 | 2026-04-20 | 2026-04-21 |" in person
    assert "[吴刚](people/wu-gang.md) | 1 due |" in files["training.md"]
    assert "1 of 3 trained on the current version (2.1.1)." in files["procedures/hr/HR-001.md"]


def test_chinese_pages(tmp_path: Path) -> None:
    files = rendered(demo(tmp_path), "zh")
    matrix = files["training/customer-service.md"]
    assert "◷ 已过期" in matrix and "✓ 有效" in matrix
    assert "✗ 未培训" in files["people/sun-hao.md"]
    assert "3 人中 1 人已完成现行版本（2.1.1）的培训。" in files["procedures/hr/HR-001.md"]


def test_no_record_no_training_page(tmp_path: Path) -> None:
    files = rendered(demo(tmp_path, training=False), "en")
    assert not any(path.startswith(("training", "people/")) for path in files)
    assert "Who must be trained" not in files["procedures/hr/HR-001.md"]
