"""The site's search index (issue 11): every procedure is found by the words of its title,
purpose and step titles, in Chinese and English; what the procedure's own page says is
not indexed again from overview pages, the flowchart or each step's list of roles; the
index is written in UTF-8."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TESTS
from helpers.site_builds import mkdocs_build

from sopkit.publish.search_index import utf8_search_index

DATA = TESTS / "data" / "render"

MKDOCS_YML = """\
site_name: Search test
theme:
  name: material
  language: {language}
  font: false
plugins:
  - search
  - sopkit:
      today: 2027-02-01
"""


def built_index(tmp_path: Path, language: str) -> tuple[dict[str, Any], Path]:
    root = tmp_path / language
    shutil.copytree(DATA / language, root)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(language=language), encoding="utf-8")
    site = mkdocs_build(root)
    raw = (site / "search" / "search_index.json").read_bytes().decode("utf-8")
    index = json.loads(raw)
    # UTF-8, no escapes: as json.dumps writes it with ensure_ascii=False.
    assert raw == json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return index, root


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_procedure_is_found_by_its_title_purpose_and_step_titles(
    tmp_path: Path, language: str,
) -> None:
    index, root = built_index(tmp_path, language)
    docs = index["docs"]
    text = " ".join(entry["title"] + " " + entry["text"] for entry in docs)
    for path in sorted((root / "procedures").rglob("*.yml")):
        procedure = yaml.safe_load(path.read_text(encoding="utf-8"))
        pages = [entry for entry in docs if f"/{procedure['id']}/" in entry["location"]]
        assert pages, procedure["id"]
        titles = " ".join(entry["title"] for entry in pages)
        words = " ".join(entry["title"] + " " + entry["text"] for entry in pages)
        assert procedure["title"].split()[0] in titles.replace("\u200b", "")
        assert procedure["purpose"].split()[0][:4] in words.replace("\u200b", "")
        for step in procedure["steps"]:
            assert step["title"].split()[0][:4] in titles.replace("\u200b", ""), step["title"]
    # Not again from the overview pages, the flowchart or the steps' lists of roles.
    locations = {entry["location"].split("#")[0] for entry in docs}
    for overview in ("", "raci/", "reviews/", "tags/", "changes/", "roles/"):
        assert overview not in locations, overview
    assert "<svg" not in text and "sopkit-flowchart" not in text
    responsible = "Responsible:" if language == "en" else "执行："
    assert responsible not in text


def test_a_search_index_is_written_again_in_utf8(tmp_path: Path) -> None:
    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    data = {"config": {"lang": ["zh"]}, "docs": [{"location": "a/", "title": "流程\u200b手册",
                                                   "text": "<p>x</p>"}]}
    index.write_text(json.dumps(data), encoding="ascii")
    utf8_search_index(tmp_path)
    assert json.loads(index.read_bytes().decode("utf-8")) == data
    assert "流程\u200b手册".encode() in index.read_bytes()
    # What cannot be UTF-8 (a lone surrogate) or is not JSON is left as it was.
    index.write_text('{"docs": [{"title": "\\ud800"}]}', encoding="ascii")
    utf8_search_index(tmp_path)
    assert index.read_text(encoding="ascii") == '{"docs": [{"title": "\\ud800"}]}'
    index.write_text("not json \\u0041", encoding="ascii")
    utf8_search_index(tmp_path)
    assert index.read_text(encoding="ascii") == "not json \\u0041"
    utf8_search_index(tmp_path / "nothing-here")  # no site: nothing to do
