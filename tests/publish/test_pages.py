"""Every procedure page, checked against its procedure: the flowchart and the sections.

The flowchart is read by parsing the SVG (not by string matching) and compared
with the flow computed by the rules' own flow helper, a separate reading of the
format from the renderer's.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from typing import Any

import pytest
from conftest import DATA, REPO

from sopkit.check.handbook import check_handbook
from sopkit.config import build_config, load_config
from sopkit.model.flow import edges
from sopkit.publish.labels import labels_for
from sopkit.publish.render import render_handbook

SVG = "{http://www.w3.org/2000/svg}"

HANDBOOKS = {
    "demo": (REPO, None),
    "render-en": (DATA / "render" / "en", "en"),
    "render-zh": (DATA / "render" / "zh", "zh"),
    "demo-in-chinese": (REPO, "zh"),
}

# Format key -> label of the section that shows it.
SECTIONS = {
    "purpose": "purpose", "objectives": "objectives", "scope": "scope",
    "definitions": "definitions", "roles": "roles", "inputs": "inputs", "outputs": "outputs",
    "resources": "resources", "prerequisites": "prerequisites", "steps": "steps",
    "metrics": "metrics", "risks": "risks", "training": "training", "records": "records",
    "related": "related", "references": "references", "history": "history",
}


def pages(name: str) -> list[tuple[dict[str, Any], str, str]]:
    root, language = HANDBOOKS[name]
    config = load_config(root)
    if language is not None:
        config = build_config(root, {}, language=language)
    result = check_handbook(config, today=date(2026, 11, 27))
    assert not result.errors, result.diagnostics
    site = render_handbook(config, result.procedures, result.organization)
    found = []
    for document in result.procedures:
        (path,) = [p for p in site.files if p.endswith(f"/{document.data['id']}.md")
                   and not p.startswith("run-sheets/")]
        # a procedure that names its language gets that language's labels (format 1.1)
        found.append((document.data, site.files[path],
                      document.data.get("language") or config.language))
    assert found
    return found


def inline_svg(page: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", page, re.S)
    assert match is not None, "the page has no inline flowchart"
    return ET.fromstring(match.group(0))


@pytest.mark.parametrize("handbook", sorted(HANDBOOKS))
def test_every_flowchart_has_every_step_and_transition(handbook: str) -> None:
    for data, page, _ in pages(handbook):
        svg = inline_svg(page)
        steps = [step["id"] for step in data["steps"]]
        nodes = [g.get("data-step") for g in svg.iter(f"{SVG}g")
                 if "sop-node" in (g.get("class") or "").split()]
        assert sorted(nodes) == sorted(steps), data["id"]
        arrows = Counter(
            (g.get("data-from"), g.get("data-to")) for g in svg.iter(f"{SVG}g")
            if "sop-edge" in (g.get("class") or "").split()
            and g.find(f"{SVG}path") is not None
            and g.find(f"{SVG}path").get("marker-end")  # type: ignore[union-attr]
        )
        expected = Counter((edge.source, edge.target) for edge in edges(data["steps"]))
        assert arrows == expected, data["id"]
        ends = [element for element in svg.iter()
                if "sop-end" in (element.get("class") or "").split()]
        ending = [step for index, step in enumerate(data["steps"])
                  if step.get("end") is True
                  or (index == len(data["steps"]) - 1 and "next" not in step
                      and "decision" not in step)]
        assert len(ends) == len(ending), data["id"]
        assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None


@pytest.mark.parametrize("handbook", sorted(HANDBOOKS))
def test_every_filled_section_is_on_the_page(handbook: str) -> None:
    for data, page, language in pages(handbook):
        labels = labels_for(language)
        headings = set(re.findall(r"^## (.+?)(?: \{ data-search-exclude \})?$", page, re.M))
        for key, label in SECTIONS.items():
            if data.get(key):
                assert labels[label] in headings, (data["id"], key)
        for step in data["steps"]:
            assert f"{{#step-{step['id']}}}" in page, (data["id"], step["id"])
        for entry in data["history"]:
            assert entry["version"] in page


def test_chinese_labels_follow_the_site_language() -> None:
    (_, page, _), *_ = pages("demo-in-chinese")
    for word in ("目的", "范围", "步骤", "职责"):
        assert word in page
