"""A procedure's own `language` (format 1.1): its page, flowchart and run sheet use that
language's labels, in a handbook of the other language; the other pages keep the site's."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import TESTS

from sopkit.config import build_config
from sopkit.format.load import Document, load_file
from sopkit.publish.render import RenderedSite, render_handbook

DATA = TESTS / "data" / "render"
CHINESE = "procedures/cs/CS-001"


def rendered(root: Path, language: str) -> RenderedSite:
    procedures = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        document = load_file(path, path.relative_to(root).as_posix())
        assert isinstance(document, Document), document
        procedures.append(document)
    organization = load_file(root / "organization.yml")
    assert isinstance(organization, Document)
    config = build_config(root, {"today": "2027-02-01"}, language=language)
    return render_handbook(config, procedures, organization)


def mixed(tmp_path: Path, language_line: str) -> Path:
    """The English test handbook with the Chinese procedure added (its departments and
    roles too), the Chinese one saying ``language_line``."""
    root = tmp_path / "handbook"
    shutil.copytree(DATA / "en", root)
    shutil.copytree(DATA / "zh" / "procedures" / "cs", root / "procedures" / "cs")
    chinese = root / f"{CHINESE}.yml"
    text = chinese.read_text(encoding="utf-8")
    chinese.write_text(text.replace("\nversion:", f"\n{language_line}version:", 1),
                       encoding="utf-8")
    organization = (DATA / "zh" / "organization.yml").read_text(encoding="utf-8")
    english = (root / "organization.yml").read_text(encoding="utf-8")
    (root / "organization.yml").write_text(_merged(english, organization), encoding="utf-8")
    return root


def _merged(first: str, second: str) -> str:
    """Two organization.yml texts with top-level lists, as one (each list joined)."""
    import yaml

    one, two = yaml.safe_load(first), yaml.safe_load(second)
    for key, items in two.items():
        one.setdefault(key, []).extend(items)
    return yaml.safe_dump(one, allow_unicode=True, sort_keys=False)


def test_a_chinese_procedure_in_an_english_handbook_gets_chinese_labels(tmp_path: Path) -> None:
    site = rendered(mixed(tmp_path, "language: zh\n"), "en")
    page = site.files[f"{CHINESE}.md"]
    assert "目的" in page and "步骤" in page
    assert "Purpose" not in page and "Steps" not in page
    svg = site.files[f"{CHINESE}.svg"]
    assert "结束" in svg and ">End<" not in svg
    sheet = next(text for path, text in site.files.items()
                 if path.endswith("CS-001.md") and path != f"{CHINESE}.md")
    assert "执行记录表" in sheet and "Run sheet" not in sheet
    english = site.files["procedures/hr/HR-001.md"]  # the others keep the site's language
    assert "Purpose" in english and "目的" not in english


def test_without_language_the_page_has_the_sites_labels(tmp_path: Path) -> None:
    site = rendered(mixed(tmp_path, ""), "en")
    page = site.files[f"{CHINESE}.md"]
    assert "Purpose" in page and "目的" not in page


def test_an_english_procedure_in_a_chinese_handbook_gets_english_labels(tmp_path: Path) -> None:
    root = mixed(tmp_path, "")
    english = root / "procedures/hr/HR-001.yml"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("\nversion:", "\nlanguage: en\nversion:", 1),
                       encoding="utf-8")
    site = rendered(root, "zh")
    assert "Purpose" in site.files["procedures/hr/HR-001.md"]
    assert "目的" in site.files[f"{CHINESE}.md"]


def test_the_demo_shows_the_writer_keys_of_format_1_1() -> None:
    """The demo handbook (English site) has a Chinese procedure that says so, a usual
    branch and a named internal output: its page has Chinese labels and names the output."""
    root = TESTS.parent
    site = rendered(root, "en")
    (path,) = [p for p in site.files if p.endswith("WH-001.md") and "run-sheets" not in p]
    page = site.files[path]
    assert "目的" in page and "Purpose" not in page
    assert "来料检验结果" in page  # the internal output, by its name, not its id
    data = [load_file(p) for p in sorted((root / "procedures").rglob("*.yml"))]
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "procedures").rglob("*.yml"))]
    assert any("\n          usual: true" in text for text in texts)
    assert any(isinstance(d, Document) and d.data.get("language") for d in data)

