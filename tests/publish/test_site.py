"""`sopkit render`, `sopkit build`: where files go, what is refused, what is kept."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from helpers.site_builds import (
    BROKEN,
    TODAY,
    external_references,
    procedure_page,
    run,
    tree,
    write_handbook,
)

from sopkit.config import build_config
from sopkit.publish.mkdocs_settings import default_mkdocs, with_sopkit
from sopkit.publish.output import RENDER_MARKER, SITE_MARKER, SiteError, check_site_dir
from sopkit.publish.render_out import NAV_FILE

# -- build ------------------------------------------------------------------------------------


def test_build_without_mkdocs_yml_uses_sopkit_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    site = root / "site"
    assert (site / SITE_MARKER).is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "md-header" in index  # Material theme
    assert "New hire onboarding" in procedure_page(site).read_text(encoding="utf-8")
    assert external_references(site) == []  # works offline: no web fonts, no CDN
    # Nothing but the site is created in the handbook's folder.
    assert sorted(path.name for path in root.iterdir()) == [
        "organization.yml", "procedures", "site"]
    assert not list((root / "procedures").rglob("*.md"))


def test_build_with_mkdocs_yml_adds_the_plugin_and_keeps_docs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb", mkdocs_yml="""\
        site_name: Test handbook
        site_dir: public
        theme:
          name: material
          font: false
        """, docs={"guide.md": "# Reading guide\n\nHand-written.\n"})
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    site = root / "public"
    assert not (root / "site").exists()
    assert "Hand-written." in (site / "guide" / "index.html").read_text(encoding="utf-8")
    page = procedure_page(site).read_text(encoding="utf-8")
    assert "Reading guide" in page  # the hand-written page is in the nav beside the handbook
    assert sorted(path.name for path in (root / "docs").iterdir()) == ["guide.md"]


def test_build_with_mkdocs_yml_but_no_docs_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb", mkdocs_yml="""\
        site_name: Only generated pages
        plugins: [search, sopkit]
        """)
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert procedure_page(root / "site").is_file()
    assert not (root / "docs").exists()


def test_failed_build_keeps_the_old_site(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    assert run(root, "build", "--today", TODAY, monkeypatch=monkeypatch).exit_code == 0
    before = tree(root / "site")

    # A handbook error: nothing is built.
    broken = root / "procedures" / "hr" / "HR-002-broken.yml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "HR-002-broken.yml:14:11: error unknown-role" in result.stderr
    assert tree(root / "site") == before
    broken.unlink()

    # An MkDocs failure (a hand-written page in the way of a generated one).
    (root / "mkdocs.yml").write_text("site_name: X\ntheme: {name: material, font: false}\n",
                                     encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Mine\n", encoding="utf-8")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 1, result.output
    assert "the last good site is kept" in result.stderr
    assert tree(root / "site") == before
    leftovers = [path.name for path in root.iterdir() if path.name.startswith(".site")]
    assert leftovers == []


def test_build_refuses_a_site_folder_it_did_not_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    (root / "site").mkdir()
    (root / "site" / "precious.html").write_text("mine", encoding="utf-8")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.startswith("sopkit: ")
    assert "--force" in result.stderr
    assert (root / "site" / "precious.html").read_text(encoding="utf-8") == "mine"

    result = run(root, "build", "--today", TODAY, "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert not (root / "site" / "precious.html").exists()
    assert (root / "site" / SITE_MARKER).is_file()
    # Now it is sopkit's: the next build replaces it without --force.
    assert run(root, "build", "--today", TODAY, monkeypatch=monkeypatch).exit_code == 0


def test_site_folder_may_not_hold_the_handbook(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "hb")
    config = build_config(root, {})
    for site in (root, tmp_path, root / "procedures"):
        with pytest.raises(SiteError, match=r"would hold|is the"):
            check_site_dir(config, site, force=True)
    check_site_dir(config, root / "site", force=False)


def test_strict_build_fails_on_warnings(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb", last_reviewed="2024-01-10")
    result = run(root, "build", "--today", TODAY, "--strict", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "warning review-overdue" in result.stderr
    assert not (root / "site").exists()
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "warning review-overdue" in result.stderr


def test_mkdocs_messages_show_bidi_marks_escaped(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # MkDocs' link checks quote link targets from procedure text; `sopkit build` shows
    # them with the escaping policy of every other output (issue 9, point 18).
    root = write_handbook(tmp_path / "hb")
    procedure = root / "procedures" / "hr" / "HR-001-onboarding.yml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace(
        "purpose: Get every new hire ready for day one.",
        'purpose: "See [a](missing\\u202eevil.md) and [b](#no\\u2066where)."'),
        encoding="utf-8")
    result = run(root, "build", "--today", TODAY, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "contains a link 'missing\\u202eevil.md'" in result.stderr
    assert "'#no\\u2066where'" in result.stderr
    assert "\u202e" not in result.stderr and "\u2066" not in result.stderr


def test_build_reports_a_bad_mkdocs_yml_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb", mkdocs_yml="""\
        site_name: X
        plugins:
          - sopkit:
              procedurs: procedures
        """)
    result = run(root, "build", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.startswith("sopkit: ")
    assert "did you mean 'procedures'" in result.stderr
    assert "Traceback" not in result.stderr


# -- render -----------------------------------------------------------------------------------


def test_render_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    first, second = tmp_path / "one", tmp_path / "two"
    assert run(root, "render", "--out", str(first), "--today", TODAY,
               monkeypatch=monkeypatch).exit_code == 0
    assert run(root, "render", "--out", str(second), "--today", TODAY,
               monkeypatch=monkeypatch).exit_code == 0
    files = tree(first)
    assert files == tree(second)
    assert RENDER_MARKER in files and NAV_FILE in files
    assert any(name.endswith(".md") for name in files)
    assert any(name.endswith(".svg") for name in files)
    # Rendering again into the same folder is allowed and gives the same bytes.
    assert run(root, "render", "--out", str(first), "--today", TODAY,
               monkeypatch=monkeypatch).exit_code == 0
    assert tree(first) == files


def test_render_writes_a_usable_nav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    assert run(root, "render", "--out", str(out), monkeypatch=monkeypatch).exit_code == 0
    nav = yaml.safe_load((out / NAV_FILE).read_text(encoding="utf-8"))["nav"]

    def paths(item: object) -> list[str]:
        if isinstance(item, str):
            return [item]
        if isinstance(item, dict):
            return [p for value in item.values() for p in paths(value)]
        if isinstance(item, list):
            return [p for value in item for p in paths(value)]
        return []

    listed = [path for path in paths(nav) if not re.match(r"^[a-z]+:", path)]
    assert listed
    for path in listed:
        assert (out / path).is_file(), path


def test_render_refuses_a_foreign_folder(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(root, "render", "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.startswith("sopkit: ") and "--force" in result.stderr
    assert tree(out) == {"notes.txt": b"mine"}

    result = run(root, "render", "--out", str(out), "--force", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / RENDER_MARKER).is_file()


def test_render_removes_only_files_it_wrote(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    out = tmp_path / "out"
    assert run(root, "render", "--out", str(out), monkeypatch=monkeypatch).exit_code == 0
    (out / "mine.md").write_text("keep me", encoding="utf-8")
    first = set(tree(out))
    source = root / "procedures" / "hr" / "HR-001-onboarding.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("HR-001", "HR-007"),
                      encoding="utf-8")
    assert run(root, "render", "--out", str(out), monkeypatch=monkeypatch).exit_code == 0
    second = set(tree(out))
    assert "mine.md" in second
    gone = {name for name in first - second}
    assert gone and all("HR-001" in name for name in gone)
    assert any("HR-007" in name for name in second)


def test_render_refuses_a_handbook_with_errors(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(tmp_path / "hb")
    (root / "procedures" / "hr" / "HR-002-broken.yml").write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out"
    result = run(root, "render", "--out", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "HR-002-broken.yml:14:11: error unknown-role" in result.stderr
    assert not out.exists()


# -- settings ---------------------------------------------------------------------------------


def test_with_sopkit_adds_or_merges_the_plugin() -> None:
    assert with_sopkit(None, {}) == ["search", "sopkit"]
    assert with_sopkit(["search", "tags"], {"strict": True}) == [
        "search", "tags", {"sopkit": {"strict": True}}]
    assert with_sopkit(["search", {"sopkit": {"procedures": "sops"}}], {"today": TODAY}) == [
        "search", {"sopkit": {"procedures": "sops", "today": TODAY}}]
    assert with_sopkit(["sopkit"], {}) == ["sopkit"]
    assert with_sopkit({"search": None}, {"strict": True}) == {
        "search": None, "sopkit": {"strict": True}}


def test_default_settings_follow_the_language(tmp_path: Path) -> None:
    english = default_mkdocs(build_config(tmp_path, {}), tmp_path / "docs")
    chinese = default_mkdocs(build_config(tmp_path, {}, language="zh"), tmp_path / "docs")
    assert english["theme"]["language"] == "en" and english["theme"]["font"] is False
    assert chinese["theme"]["language"] == "zh"
    search = {name: options for item in chinese["plugins"] if isinstance(item, dict)
              for name, options in item.items()}["search"]
    assert "zh" in search["lang"] and "\\u200b" in search["separator"]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_footer_is_in_the_site_language(language: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Material's own footer line is English whatever the language: it is turned off, and the
    # site says its own line, both without mkdocs.yml and in a handbook made by init.
    settings = default_mkdocs(build_config(tmp_path, {}, language=language), tmp_path / "d")
    assert settings["extra"] == {"generator": False}
    root = tmp_path / "hb"
    assert run(tmp_path, "init", "hb", "--language", language,
               monkeypatch=monkeypatch).exit_code == 0
    assert run(root, "build", "--today", TODAY, monkeypatch=monkeypatch).exit_code == 0
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    footer = page[page.index("<footer"):]
    assert "Made with" not in footer
    assert settings["copyright"] in footer
    assert ("标准操作流程" in footer) == (language == "zh")


def test_the_nav_is_pruned_by_default(tmp_path: Path) -> None:
    """Every page carries only the visible part of the nav, so that the build grows in
    proportion to the handbook (docs/publishing.md, Large handbooks)."""
    from conftest import REPO as repo

    from sopkit.cli.scaffold import handbook_files
    settings = [
        default_mkdocs(build_config(tmp_path, {}), tmp_path / "docs"),
        yaml.safe_load(handbook_files("en")["mkdocs.yml"]),
        yaml.safe_load(handbook_files("zh")["mkdocs.yml"]),
        yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8")),
    ]
    for mkdocs in settings:
        features = mkdocs["theme"]["features"]
        assert "navigation.prune" in features
        assert "navigation.sections" not in features  # it would list every procedure
        assert "navigation.expand" not in features


def test_offline_check_catches_web_fonts(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline check above is not vacuous: Material's default asks Google for fonts."""
    root = write_handbook(tmp_path / "hb", mkdocs_yml="""\
        site_name: Fonts
        theme: material
        """)
    assert run(root, "build", "--today", TODAY, monkeypatch=monkeypatch).exit_code == 0
    assert any("fonts.googleapis" in found for found in external_references(root / "site"))


def test_the_demo_builds_with_mkdocs_strict_every_link_found(tmp_path: Path) -> None:
    """MkDocs' strict mode turns a link to a missing page or anchor into an error: the
    generated pages (procedures, departments, roles, RACI) link only to what exists."""
    import os
    import shutil
    import subprocess
    import sys

    from conftest import REPO

    for name in ("procedures", "schemas", "docs", "organization.yml", "mkdocs.yml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    mkdocs_yml = tmp_path / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text(encoding="utf-8") + textwrap.dedent("""
        validation:
          links:
            not_found: warn
            anchors: warn
            unrecognized_links: warn
        """), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "roles" / "coo" / "index.html").is_file()
