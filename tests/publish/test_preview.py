"""`sopkit serve` as a writer uses it, over HTTP: a saved edit shows on the page; a broken
edit shows the problem in a banner and keeps the last good page; a fix recovers; new and
deleted procedures come and go in the nav; a role's new title in organization.yml reaches
the pages that show it. In a handbook made by `sopkit init` and in one with plugin options.

The server is a real `sopkit serve` process; each check waits for the page to change (up to
a minute), it never measures how fast."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.commands import scaffolded
from helpers.preview import serving

EXAMPLE = "procedures/operations/OPS-001-example.yml"


def retitled(title: str) -> Callable[[str], str]:
    return lambda text: re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return scaffolded(tmp_path / "handbook")


def test_an_edit_shows_a_broken_edit_keeps_the_last_good_page_and_a_fix_recovers(
        handbook: Path) -> None:
    page = "procedures/operations/OPS-001/"
    with serving(handbook) as preview:
        assert "OPS-001 Change a procedure in this handbook" in preview.page(page)
        preview.edit(EXAMPLE, retitled("Change a procedure, edited"))
        preview.wait_for(page, lambda text: "OPS-001 Change a procedure, edited" in text)
        # Broken: a key twice. The page stays as it was, under a banner naming the problem.
        preview.edit(EXAMPLE, lambda text: text + "steps: []\n")
        text = preview.wait_for(page, lambda text: "sopkit-preview-problem" in text)
        assert "OPS-001 Change a procedure, edited" in text
        banner = re.search(r'<div role="alert" class="sopkit-preview-problem"[^>]*>(.*?)</div>',
                           text, re.S)
        assert banner is not None and "key &#x27;steps&#x27; appears twice" in banner[1]
        assert "sopkit-preview-problem" in preview.page("")  # on every page
        # Fixed, with another title: no banner, the new title.
        preview.edit(EXAMPLE,
                     lambda text: retitled("Fixed again")(text[: text.rindex("steps: []")]))
        text = preview.wait_for(page, lambda text: "sopkit-preview-problem" not in text)
        assert "OPS-001 Fixed again" in text
    log = (handbook.parent / "serve.log").read_text(encoding="utf-8")
    assert "key 'steps' appears twice" in log  # the terminal says it too
    # The log names what the writer knows: no temporary folder of sopkit's or MkDocs'.
    assert "Watching paths for changes: 'mkdocs.yml', 'procedures'" in log
    for internal in ("sopkit-serve-", "sopkit-docs-", "mkdocs_", "Traceback"):
        assert internal not in log, log


def test_new_and_deleted_procedures_come_and_go_in_the_nav(handbook: Path) -> None:
    example = (handbook / EXAMPLE).read_text(encoding="utf-8")
    with serving(handbook) as preview:
        assert "OPS-002" not in preview.page("")
        second = example.replace("id: OPS-001", "id: OPS-002")
        (handbook / "procedures/operations/OPS-002.yml").write_text(
            retitled("A second procedure")(second), encoding="utf-8")
        preview.wait_for("", lambda text: "OPS-002" in text and "A second procedure" in text)
        assert "OPS-002 A second procedure" in preview.page("procedures/operations/OPS-002/")
        (handbook / "procedures/operations/OPS-002.yml").unlink()
        preview.wait_for("", lambda text: "OPS-002" not in text)
        assert preview.get("procedures/operations/OPS-002/")[0] == 404


def test_a_role_title_changed_in_organization_yml_reaches_its_pages(handbook: Path) -> None:
    with serving(handbook) as preview:
        role = preview.page("roles/operations-manager/")
        assert "Operations Manager" in role
        preview.page("procedures/operations/OPS-001/")  # built once before the change
        preview.edit("organization.yml", lambda text: text.replace(
            "title: Operations Manager", "title: Head of Operations"))
        preview.wait_for("roles/operations-manager/", lambda text: "Head of Operations" in text)
        text = preview.page("procedures/operations/OPS-001/")
        assert "Head of Operations" in text and "Operations Manager" not in text


def test_with_plugin_options_and_a_section_folder(tmp_path: Path) -> None:
    root = scaffolded(tmp_path / "handbook")
    (root / "procedures").rename(root / "sops")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      procedures: procedures\n" in config
    (root / "mkdocs.yml").write_text(config.replace(
        "      procedures: procedures\n",
        "      procedures: sops\n      section: handbook\n"), encoding="utf-8")
    with serving(root, "handbook/") as preview:
        page = "handbook/procedures/operations/OPS-001/"
        assert "OPS-001 Change a procedure in this handbook" in preview.page(page)
        preview.edit("sops/operations/OPS-001-example.yml", retitled("Edited in sops"))
        preview.wait_for(page, lambda text: "OPS-001 Edited in sops" in text)


def test_a_hostile_problem_is_text_in_the_banner_and_missing_pages_get_the_themes_404(
        handbook: Path) -> None:
    with serving(handbook) as preview:
        status, text = preview.get("no/such/page/")
        assert status == 404 and "md-content" in text  # the theme's own page
        preview.edit(EXAMPLE, lambda text: text + "<script>alert(1)</script>: x\n")
        text = preview.wait_for("", lambda text: "sopkit-preview-problem" in text)
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text


def test_started_from_a_subfolder_it_serves_the_handbook_above(handbook: Path) -> None:
    page = "procedures/operations/OPS-001/"
    with serving(handbook, folder="procedures/operations") as preview:
        assert "OPS-001 Change a procedure in this handbook" in preview.page(page)
        preview.edit(EXAMPLE, retitled("Edited from below"))
        preview.wait_for(page, lambda text: "OPS-001 Edited from below" in text)
