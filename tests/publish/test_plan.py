"""sopkit.publish.plan: collisions with hand-written pages and the site's nav, without MkDocs."""

from __future__ import annotations

import ast

from conftest import REPO

from sopkit.publish.plan import SiteFile, full_nav, nest_paths, page_order, taken_place

HANDBOOK_NAV = [{"Home": "index.md"}, {"Roles": ["roles.md", "roles/hr-manager.md"]}]


def test_the_plan_needs_no_mkdocs() -> None:
    tree = ast.parse((REPO / "src" / "sopkit" / "publish" / "plan.py").read_text("utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"mkdocs", "material"}}


def test_no_collision_is_none() -> None:
    generated = [SiteFile("index.md", "index.html"), SiteFile("roles.md", "roles/index.html")]
    existing = [SiteFile("about.md", "about/index.html", "/docs/about.md"),
                SiteFile("assets/logo.png", "assets/logo.png", "/docs/assets/logo.png")]
    assert taken_place(generated, existing) is None
    assert taken_place([], existing) is None


def test_a_page_at_the_same_source_path_collides_with_its_message() -> None:
    generated = [SiteFile("index.md", "index.html"), SiteFile("roles.md", "roles/index.html")]
    existing = [SiteFile("roles.md", "roles/index.html", "/hb/docs/roles.md")]
    assert taken_place(generated, existing) == (
        "/hb/docs/roles.md: this page has the path of the page sopkit generates as "
        "'roles.md'; MkDocs would silently replace one with the other. Rename the "
        "hand-written page, or set the sopkit option 'section' to put the handbook in a "
        "folder of its own")


def test_a_page_at_the_same_place_in_the_site_collides() -> None:
    """README.md is index.md in the site; a file without a path on disk is named by its
    source path."""
    generated = [SiteFile("index.md", "index.html")]
    problem = taken_place(generated, [SiteFile("README.md", "index.html")])
    assert problem is not None
    assert problem.startswith("README.md: this page has the path of the page sopkit "
                              "generates as 'index.md';")


def test_the_first_generated_file_that_collides_is_named() -> None:
    generated = [SiteFile("a.md", "a/index.html"), SiteFile("b.md", "b/index.html")]
    existing = [SiteFile("b.md", "b/index.html", "B"), SiteFile("a.md", "a/index.html", "A")]
    problem = taken_place(generated, existing)
    assert problem is not None and problem.startswith("A: ") and "'a.md'" in problem


def test_page_order_puts_index_pages_first_in_their_folder() -> None:
    assert sorted(["about.md", "index.md", "README.md", "a.md"], key=page_order) == [
        "README.md", "index.md", "a.md", "about.md"]
    assert sorted(["guide/z.md", "guide/index.md", "guide/a.md", "api/b.md"],
                  key=page_order) == ["api/b.md", "guide/index.md", "guide/a.md", "guide/z.md"]


def test_page_order_sorts_pages_at_different_depths_as_mkdocs_does() -> None:
    # A page at the top beside a page in a folder once raised a TypeError (bool < str).
    from mkdocs.structure.files import File, file_sort_key

    uris = ["guide/a.md", "about.md", "guide/deep/b.md", "index.md", "zeta/index.md", "b.md"]
    files = [File(uri, "docs", "site", use_directory_urls=True) for uri in uris]
    assert sorted(uris, key=page_order) == [f.src_uri for f in sorted(files, key=file_sort_key)]
    assert sorted(uris, key=page_order)[:3] == ["index.md", "about.md", "b.md"]


def test_nest_paths_matches_mkdocs() -> None:
    from mkdocs.utils import nest_paths as mkdocs_nest_paths

    paths = ["index.md", "about.md", "user-guide/index.md", "user-guide/writing_docs.md",
             "API docs/index.md", "API docs/deep/page.md", "user-guide/more/x.md",
             "about/y.md"]
    assert nest_paths(paths) == mkdocs_nest_paths(paths)
    assert nest_paths(paths) == [
        "index.md", "about.md",
        {"User guide": ["user-guide/index.md", "user-guide/writing_docs.md",
                        {"More": ["user-guide/more/x.md"]}]},
        {"API docs": ["API docs/index.md", {"Deep": ["API docs/deep/page.md"]}]},
        {"About": ["about/y.md"]}]


def test_the_handbook_comes_first_without_a_section() -> None:
    assert full_nav(HANDBOOK_NAV, ["b.md", "about.md"], None) == [
        *HANDBOOK_NAV, "about.md", "b.md"]
    assert full_nav(HANDBOOK_NAV, ["guide/b.md"], "") == [*HANDBOOK_NAV, {"Guide": ["guide/b.md"]}]


def test_the_handbook_is_one_entry_after_the_pages_with_a_section() -> None:
    assert full_nav(HANDBOOK_NAV, ["index.md"], "/sop_handbook-x/") == [
        "index.md", {"Sop handbook x": HANDBOOK_NAV}]


def test_without_handbook_pages_the_nav_is_mkdocs_own() -> None:
    assert full_nav([], ["b.md", "index.md"], "sop") == ["index.md", "b.md"]
