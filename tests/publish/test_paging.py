"""Pages that list the whole handbook are split in parts (sopkit.publish.paging): where
to cut, the paths of the parts, and a rendered handbook whose parts link to each other and
are in the nav."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS

import sopkit.publish.paging
from sopkit.config import build_config
from sopkit.format.load import Document, load_file
from sopkit.publish.paging import Part, part_path, parts
from sopkit.publish.render import render_handbook

DATA = TESTS / "data" / "render"


def test_a_page_whose_items_fit_is_one_part_at_its_own_path() -> None:
    assert parts("reviews.md", [1, 2, 3], lambda _item: 10, 100) == [
        Part(1, ("reviews.md",), (1, 2, 3))]
    assert parts("tags.md", [], lambda _item: 10, 100) == [Part(1, ("tags.md",), ())]


def test_items_are_cut_in_order_each_once_within_the_budget() -> None:
    found = parts("roles/coo.md", list(range(10)), lambda item: 30 if item != 4 else 500, 100)
    assert [part.items for part in found] == [(0, 1, 2), (3,), (4,), (5, 6, 7), (8, 9)]
    assert found[0].paths == ("roles/coo.md", "roles/coo/2.md", "roles/coo/3.md",
                              "roles/coo/4.md", "roles/coo/5.md")
    assert [part.path for part in found] == list(found[0].paths)
    assert [part.first for part in found] == [True, False, False, False, False]
    assert {part.count for part in found} == {5}


def test_what_the_first_part_shows_besides_its_items_counts() -> None:
    assert [part.items for part in parts("a.md", [1, 2, 3], lambda _i: 30, 100, head=50)] == [
        (1,), (2, 3)]
    # A head over the budget alone: the first part shows it, the items follow.
    assert [part.items for part in parts("a.md", [1, 2], lambda _i: 30, 100, head=400)] == [
        (), (1, 2)]


def test_part_paths_never_meet_another_page() -> None:
    assert part_path("index.md", 1) == "index.md"
    assert part_path("index.md", 2) == "index/2.md"
    assert part_path("training/hr.md", 3) == "training/hr/3.md"
    assert part_path("handbook/raci.md", 2) == "handbook/raci/2.md"


def _many(tmp_path: Path, copies: int) -> tuple[list[Document], Document | None, Path]:
    """The English test handbook with each procedure copied ``copies`` times (new ids)."""
    root = DATA / "en"
    procedures: list[Document] = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        original = re.search(r"^id: (\S+)$", text, re.M)
        assert original is not None
        for number in range(copies):
            copy = tmp_path / f"{original.group(1)}-{number}.yml"
            copy.write_text(text.replace(f"id: {original.group(1)}\n",
                                         f"id: {original.group(1)}{number}\n", 1),
                            encoding="utf-8")
            document = load_file(copy, copy.name)
            assert isinstance(document, Document)
            procedures.append(document)
    organization = load_file(root / "organization.yml")
    assert isinstance(organization, Document)
    return procedures, organization, root


def _nav_paths(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [path for value in nav.values() for path in _nav_paths(value)]
    return [path for item in nav for path in _nav_paths(item)]


@pytest.mark.parametrize("section", [None, "handbook"])
def test_a_large_handbook_splits_its_long_pages_and_links_every_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str | None,
) -> None:
    monkeypatch.setattr(sopkit.publish.paging, "BUDGET", 3_000)  # a few rows a part
    procedures, organization, root = _many(tmp_path, 12)
    options: dict[str, object] = {"today": "2027-02-01"}
    if section:
        options["section"] = section
    site = render_handbook(build_config(root, options), procedures, organization)
    prefix = f"{section}/" if section else ""
    files = site.files
    for page, title in (("reviews.md", "Review calendar"), ("tags.md", "Tags"),
                        ("raci.md", "RACI matrix"), ("index.md", "Procedure handbook")):
        assert prefix + part_path(page, 2) in files, page
        count = sum(1 for name in files if name == prefix + page
                    or name.startswith(prefix + page[:-3] + "/"))
        last = files[prefix + part_path(page, count)]
        assert f"# {title} (part {count} of {count})" in last
        assert "**Pages:** " in files[prefix + page]
    # Every procedure is listed once over the parts of the review calendar.
    reviews = "".join(text for name, text in files.items()
                      if name == prefix + "reviews.md"
                      or name.startswith(prefix + "reviews/"))
    for document in procedures:
        assert reviews.count(f"/{document.data['id']}.md)") == 1, document.data["id"]
    # The pager's links lead to the parts.
    for name, text in files.items():
        for target in re.findall(r"\[\d+\]\(([^)#]+\.md)\)", text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
            assert resolved in files, (name, target)
    # Every part is in the nav (with its first part), each once.
    nav = _nav_paths(site.nav)
    later = {name for name in files if re.search(r"/\d+\.md$", name)}
    assert later and later <= set(nav)
    assert any(name.startswith(prefix + "roles/") for name in later)  # a role's steps
    assert {posixpath.dirname(name) + ".md" for name in later} <= set(nav)
    assert len(nav) == len(set(nav))


def test_a_handbook_of_ordinary_size_keeps_its_pages_whole() -> None:
    root = DATA / "en"
    procedures = [document for path in sorted((root / "procedures").rglob("*.yml"))
                  if isinstance(document := load_file(path, path.name), Document)]
    organization = load_file(root / "organization.yml")
    assert isinstance(organization, Document)
    site = render_handbook(build_config(root, {"today": "2027-02-01"}), procedures,
                           organization)
    assert not any(re.search(r"/\d+\.md$", name) for name in site.files)
    assert not any("**Pages:**" in text for text in site.files.values())
