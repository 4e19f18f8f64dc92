"""Large procedures render in linear work (issue 9, point 16): pages never put more than 50
links in one paragraph, a flowchart too large to read is a note, and the model looks steps
and items up by id. Speed itself is measured by benchmarks/growth.py, not here."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sopkit.config import build_config
from sopkit.format.load import Document, load_file
from sopkit.model import build_procedure
from sopkit.publish import flowchart as fc
from sopkit.publish.markdown import LINKS_PER_BLOCK
from sopkit.publish.render import RenderedSite, render_handbook

TODAY = "2026-06-01"


def procedure(steps: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": "BIG-001", "title": "A large procedure", "version": "1.0.0", "status": "draft",
        "owner": "operator", "purpose": "Test.", "scope": {"includes": ["Tests"]},
        "roles": [{"id": "operator", "title": "Operator"}],
        "steps": steps,
        "history": [{"version": "1.0.0", "date": "2026-01-01", "author": "t", "summary": "x"}],
        **extra,
    }


def render(tmp_path: Path, data: dict[str, Any], language: str = "en") -> RenderedSite:
    (tmp_path / "procedures").mkdir(exist_ok=True)
    path = tmp_path / "procedures" / "BIG-001.yml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    doc = load_file(path, "procedures/BIG-001.yml")
    assert isinstance(doc, Document), doc
    config = build_config(tmp_path, {"today": TODAY}, language=language)
    return render_handbook(config, [doc], None)


def linear_steps(n: int) -> list[dict[str, Any]]:
    return [{"id": f"s{i}", "title": f"Step {i}", "role": "operator"} for i in range(n)]


def paragraphs(text: str) -> list[str]:
    """What Python-Markdown parses as one text: paragraphs, and each item of a list."""
    parts = re.split(r"\n\s*\n|\n(?=- |\d+\. |\|)", text)
    return [p for p in parts if p.strip()]


def test_no_paragraph_holds_more_than_50_links(tmp_path: Path) -> None:
    """The tags, the usual path and the steps without a duration of 400 steps and tags."""
    site = render(tmp_path, procedure(linear_steps(400), tags=[f"t{i}" for i in range(400)]))
    page = site.files["procedures/BIG-001.md"]
    for part in paragraphs(page):
        assert part.count("](") <= LINKS_PER_BLOCK, part[:80]
    # all of them still there, in order, each linked once
    usual = re.findall(r"\[(\d+)\]\(#step-s\d+\)", page)
    assert usual == [str(i + 1) for i in range(400)]
    assert re.findall(r"\[(t\d+)\]\(\.\./tags\.md\)", page) == [f"t{i}" for i in range(400)]
    # the tag lines stay in their list item (indented continuation paragraphs)
    tags_at = page.index("- **Tags:**")
    assert page[tags_at:].split("\n\n", 1)[1].startswith("    [t50](../tags.md)")


def test_role_page_links_owned_procedures_in_short_paragraphs(tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    docs = []
    for k in range(120):
        data = {**procedure(linear_steps(1)), "id": f"P-{k:03d}", "approvers": ["operator"]}
        path = tmp_path / "procedures" / f"P-{k:03d}.yml"
        path.write_text(json.dumps(data), encoding="utf-8")
        doc = load_file(path, f"procedures/P-{k:03d}.yml")
        assert isinstance(doc, Document), doc
        docs.append(doc)
    site = render_handbook(build_config(tmp_path, {"today": TODAY}), docs, None)
    role = site.files["roles/operator.md"]
    for part in paragraphs(role):
        assert part.count("](") <= LINKS_PER_BLOCK, part[:80]
    assert len(re.findall(r"\[P-\d{3}\]\(", role)) >= 240  # owns and approves, all linked


def test_small_procedures_keep_one_line(tmp_path: Path) -> None:
    page = render(tmp_path, procedure(linear_steps(50), tags=["a", "b"])).files[
        "procedures/BIG-001.md"]
    assert re.search(r"^\*\*Usual path:\*\* \[1\].*\[50\]\(#step-s49\)$", page, re.M)
    assert "- **Tags:** [a](../tags.md), [b](../tags.md)\n" in page


@pytest.mark.parametrize("language, words", [
    ("en", "This flowchart has 300 steps and 299 arrows, too many to draw legibly; "
           "see the steps below."),
    ("zh", "此流程图有 300 个步骤、299 条连线，太多，无法清楚画出；请看下面的步骤。"),
])
def test_a_flowchart_too_large_to_read_is_a_note(
    tmp_path: Path, language: str, words: str
) -> None:
    site = render(tmp_path, procedure(linear_steps(300)), language)
    page = site.files["procedures/BIG-001.md"]
    svg = re.search(r"<svg .*?</svg>", page, re.S)
    assert svg is not None and 'class="sop-note"' in svg.group(0)
    assert "sop-node" not in svg.group(0)
    shown = "".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg.group(0)))
    assert shown.replace(" ", "").endswith(words.replace(" ", ""))
    assert len(svg.group(0)) < 3_000
    assert "### 300. Step 299 {#step-s299}" in page  # the steps are all on the page


def test_one_decision_with_many_branches_is_a_note(tmp_path: Path) -> None:
    branches = [{"when": f"case {i}", "next": f"s{1 + i % 2}"} for i in range(1000)]
    steps: list[dict[str, Any]] = [{"id": "s0", "title": "Which?", "role": "operator",
                                    "decision": {"branches": branches}},
                                   {"id": "s1", "title": "One", "role": "operator", "end": True},
                                   {"id": "s2", "title": "Two", "role": "operator", "end": True}]
    page = render(tmp_path, procedure(steps)).files["procedures/BIG-001.md"]
    assert 'class="sop-note"' in page
    assert "3 steps and 1,000 arrows" in page
    assert page.count("→ [2. One](#step-s1)") == 500  # every branch is listed


class CountingSteps(tuple[Any, ...]):
    """The steps of a procedure, counting how often they are gone through."""

    walks = 0

    def __iter__(self) -> Any:
        CountingSteps.walks += 1
        return super().__iter__()


def test_steps_and_items_are_looked_up_by_id() -> None:
    """A step per branch and an item name per step input: the steps are gone through once,
    not once per question (which made large procedures quadratic)."""
    data = procedure(linear_steps(200), inputs=[{"id": f"i{k}", "name": f"In {k}"}
                                                for k in range(200)])
    built = build_procedure(data, None, date(2026, 6, 1))
    counted = dataclasses.replace(built, steps=CountingSteps(built.steps))
    CountingSteps.walks = 0
    for k in range(200):
        found = counted.step(f"s{k}")
        assert found is not None and found.id == f"s{k}"
        assert counted.item_name(f"i{k}") == f"In {k}"
    assert counted.step("nope") is None and counted.item_name("nope") == "nope"
    assert CountingSteps.walks <= 1


def test_flowchart_limits_are_above_real_procedures() -> None:
    """The demo and the benchmark handbooks have at most 25 steps: far from the limits."""
    assert fc.MAX_STEPS >= 100 and fc.MAX_EDGES >= 2 * fc.MAX_STEPS and fc.MAX_BRANCHES >= 20
