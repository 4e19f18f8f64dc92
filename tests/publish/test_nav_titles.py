"""The titles `sopkit serve` gives the nav before any page is rendered are the titles the
pages' front matter gives once they are (sopkit.publish.nav_titles), for every page the
nav lists by its path alone: on the demo handbook (English and Chinese, with training
records) and on the hostile one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO

from sopkit.check.handbook import check_handbook
from sopkit.config import load_config
from sopkit.publish import paging
from sopkit.publish.lookahead import LazySite
from sopkit.publish.plan import nav_paths
from sopkit.publish.render import build_model
from sopkit.publish.titles import safe_title


@pytest.mark.parametrize(("root", "budget"), [(REPO, None), (DATA / "hostile", None),
                                              (REPO, 3_000)],
                         ids=["demo", "hostile", "demo-in-parts"])
def test_every_untitled_nav_page_has_its_front_matter_title(
        root: Path, budget: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """(``budget``: a small one splits the demo's long pages in parts, as a large
    handbook's are.)"""
    if budget is not None:
        monkeypatch.setattr(paging, "BUDGET", budget)
    config = load_config(root)
    result = check_handbook(config)
    model = build_model(config, result.contents(), result.organization, result.training)
    site = LazySite(config, model)
    try:
        titles = site.titles()
        bare = {item for item in _bare_paths(site.nav)}
        assert bare and bare <= nav_paths(site.nav)
        if budget is not None:
            assert any(path.endswith("/2.md") for path in bare), sorted(bare)
        for path in sorted(bare):
            text = site.text(path)
            front = yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") \
                else {}
            written = front.get("title") or next(  # else MkDocs takes the first heading
                line[2:] for line in text.splitlines() if line.startswith("# "))
            assert safe_title(titles[path]) == safe_title(written), path
    finally:
        site.close()


def _bare_paths(nav: list[object]) -> list[str]:
    """The pages a nav lists by their path alone (no title of their own)."""
    found: list[str] = []
    for item in nav:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, list):
                    found += _bare_paths(value)
    return found
