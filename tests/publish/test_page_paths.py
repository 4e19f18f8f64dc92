"""sopkit.publish.pages: every id that validates publishes, and no two things share a page."""

from __future__ import annotations

import hashlib
import posixpath
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TESTS

from sopkit.cli.main import main
from sopkit.publish.pages import MAX_NAME, PagePaths, flowchart_path, page_paths
from sopkit.publish.render import PAGE_TEMPLATES

DATA = TESTS / "data" / "render" / "en"
TODAY = "2026-06-01"  # no review is due: the handbook has no warning

# Schema-valid ids of about 250 characters: the format sets no length.
LONG_PROCEDURE = "HR-" + "LONG" * 62 + "X"
LONG_DEPARTMENT = "people-" + "department" * 24 + "x"
LONG_ROLE = "hr-" + "manager" * 35 + "x"


def _keys(path: str) -> set[str]:
    """The names a file takes on a case-insensitive file system, and its page's URLs as
    MkDocs lays them out (``a/b.md`` is ``a/b/`` or ``a/b.html``; ``a/README.md`` is ``a/``)."""
    keys = {path.casefold()}
    if path.endswith(".md"):
        folder, name = posixpath.split(path[: -len(".md")])
        if name in ("index", "README"):
            keys.add(f"{folder}/index.html".casefold())
        else:
            keys |= {f"{folder}/{name}/index.html".casefold(), f"{folder}/{name}.html".casefold()}
    return keys


def _assert_distinct(paths: list[str]) -> None:
    seen: dict[str, str] = {}
    for path in paths:
        for key in _keys(path):
            assert key not in seen, f"{path} and {seen[key]} share {key}"
            seen[key] = path


def _files(paths: PagePaths) -> list[str]:
    """Every file of the handbook: the fixed pages, and the pages and flowcharts of ids."""
    procedures = list(paths.procedures.values())
    return [*PAGE_TEMPLATES, *procedures, *(flowchart_path(page) for page in procedures),
            *paths.departments.values(), *paths.roles.values()]


def test_ordinary_ids_keep_their_paths() -> None:
    paths = page_paths(PAGE_TEMPLATES, ["hr", "it"], ["hr-manager", "coo"],
                       [("HR-001", "hr"), ("IT-7", "it"), ("QA1", None)])
    assert paths.procedures == {"HR-001": "procedures/hr/HR-001.md",
                                "IT-7": "procedures/it/IT-7.md", "QA1": "procedures/QA1.md"}
    assert paths.departments == {"hr": "departments/hr.md", "it": "departments/it.md"}
    assert paths.roles == {"coo": "roles/coo.md", "hr-manager": "roles/hr-manager.md"}


def test_index_and_readme_roles_never_share_a_page_with_a_real_index_role() -> None:
    paths = page_paths(PAGE_TEMPLATES, [], ["index", "readme", "index-role", "readme-role"], [])
    # The role whose id is index-role keeps its own page; index takes another.
    assert paths.roles["index-role"] == "roles/index-role.md"
    assert paths.roles["readme-role"] == "roles/readme-role.md"
    assert paths.roles["index"].startswith("roles/index-role-")
    assert paths.roles["readme"].startswith("roles/readme-role-")
    _assert_distinct(_files(paths))
    # Without a real index-role, the page is the one it always was.
    assert page_paths(PAGE_TEMPLATES, [], ["index"], []).roles == {"index": "roles/index-role.md"}


def test_long_ids_are_cut_with_a_hash_and_stay_distinct() -> None:
    twin = LONG_PROCEDURE[:-1] + "Y"  # the same first 251 characters
    paths = page_paths(PAGE_TEMPLATES, [LONG_DEPARTMENT], [LONG_ROLE, LONG_ROLE[:-1] + "y"],
                       [(LONG_PROCEDURE, LONG_DEPARTMENT), (twin, LONG_DEPARTMENT)])
    files = _files(paths)
    _assert_distinct(files)
    for path in files:
        for part in path.split("/"):
            assert len(part.encode()) <= MAX_NAME + len(".svg"), part
    page = paths.procedures[LONG_PROCEDURE]
    assert posixpath.basename(page).startswith(LONG_PROCEDURE[:80])
    # The name depends on the id alone, not on the other ids of the handbook.
    alone = page_paths(PAGE_TEMPLATES, [LONG_DEPARTMENT], [],
                       [(LONG_PROCEDURE, LONG_DEPARTMENT)])
    assert alone.procedures[LONG_PROCEDURE] == page


def test_pages_that_would_share_a_url_or_a_case_insensitive_name_get_distinct_ones() -> None:
    # procedures/HR.md is the page at procedures/HR/, and procedures/hr/README.md would be
    # the one at procedures/hr/: the same folder on macOS and Windows.
    paths = page_paths(PAGE_TEMPLATES, ["hr"], [],
                       [("HR", None), ("README", "hr"), ("HR-1", "hr")])
    assert paths.procedures["HR"] == "procedures/HR.md"
    assert paths.procedures["HR-1"] == "procedures/hr/HR-1.md"
    assert paths.procedures["README"].startswith("procedures/hr/README-")
    _assert_distinct(_files(paths))


def test_ids_that_make_the_same_name_get_distinct_pages() -> None:
    # Ids outside the format (a renderer may be given any) still never share a page.
    paths = page_paths(PAGE_TEMPLATES, ["ops", "Ops", "o_ps"], ["a-b", "A-B", "a_b"],
                       [("X-1", None), ("x-1", None), ("X_1", None), ("INDEX", None)])
    assert paths.procedures["X-1"] == "procedures/X-1.md"
    assert paths.roles["a-b"] == "roles/a-b.md"
    assert paths.departments["ops"] == "departments/ops.md"
    _assert_distinct(_files(paths))


# -- a handbook of long ids, rendered and built -----------------------------------------------


def _long_handbook(root: Path) -> Path:
    shutil.copytree(DATA, root)
    files = [root / "organization.yml", *sorted((root / "procedures").rglob("*.yml"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        text = (text.replace("HR-001", LONG_PROCEDURE).replace("hr-manager", LONG_ROLE)
                .replace("id: hr\n", f"id: {LONG_DEPARTMENT}\n")
                .replace("department: hr\n", f"department: {LONG_DEPARTMENT}\n"))
        path.write_text(text, encoding="utf-8")
    return root


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, [*args, "--today", TODAY], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_handbook_of_250_character_ids_validates_renders_and_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _long_handbook(tmp_path / "handbook")
    code, output = _run(root, monkeypatch, "validate")
    assert code == 0, output
    code, output = _run(root, monkeypatch, "render", "--out", str(tmp_path / "out"))
    assert code == 0, output
    written = sorted(path.relative_to(tmp_path / "out").as_posix()
                     for path in (tmp_path / "out").rglob("*") if path.is_file())
    _assert_distinct([name for name in written if not name.startswith(".")])
    pages = [name for name in written if name.endswith(".md")]
    # Every page is there: 6 of the handbook, 2 departments, 4 roles, 2 procedures and
    # their 2 run sheets.
    assert len(pages) == 16, pages
    page = next(name for name in pages if "/HR-LONG" in name)
    text = (tmp_path / "out" / page).read_text(encoding="utf-8")
    assert f"`{LONG_PROCEDURE}`" in text or LONG_PROCEDURE in text
    code, output = _run(root, monkeypatch, "build")
    assert code == 0, output
    built = [path for path in (root / "site").rglob("*.html")
             if LONG_PROCEDURE in path.read_text(encoding="utf-8")]
    assert built


def test_roles_index_and_index_role_both_get_a_page(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(DATA, root)
    for path in [root / "organization.yml", *(root / "procedures").rglob("*.yml")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("hr-manager", "index").replace("hr-specialist",
                                                                      "index-role"),
                        encoding="utf-8")
    code, output = _run(root, monkeypatch, "render", "--out", str(tmp_path / "out"))
    assert code == 0, output
    index = f"index-role-{hashlib.sha256(b'index').hexdigest()[:8]}.md"
    roles = sorted(path.name for path in (tmp_path / "out" / "roles").iterdir())
    assert roles == sorted(["coo.md", index, "index-role.md", "it-admin.md"])
    titles = {name: next(line[2:] for line in (tmp_path / "out" / "roles" / name)
                         .read_text(encoding="utf-8").splitlines() if line.startswith("# "))
              for name in roles}
    assert titles["index-role.md"] == "HR Specialist"  # the real index-role keeps its page
    assert titles[index] == "HR Manager"
