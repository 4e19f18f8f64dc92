"""sopkit.check.discover: which files are procedures, and the names messages give them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sopkit.check.discover import (
    Boundary,
    PathError,
    Paths,
    discover,
    discover_names,
    display_name,
    expand_names,
    expand_paths,
    unsafe_names,
)


def tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("id: X\n", encoding="utf-8")


def test_procedures_are_yaml_files_not_hidden_nor_private(tmp_path: Path) -> None:
    tree(tmp_path, ["procedures/b.yml", "procedures/a.yaml", "procedures/_draft.yml",
                    "procedures/.hidden.yml", "procedures/notes.md", "procedures/it/c.yml",
                    "procedures/_archive/d.yml", "procedures/.git/e.yml"])
    found = discover(tmp_path / "procedures")
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "procedures/a.yaml", "procedures/b.yml", "procedures/it/c.yml"]


def test_names_are_relative_to_the_current_folder_when_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree(tmp_path, ["hb/procedures/hr/a.yml"])
    monkeypatch.chdir(tmp_path / "hb")
    paths = Paths()
    [found] = discover_names("procedures", paths)
    assert paths.display(found) == "procedures/hr/a.yml" == display_name(Path(found))
    assert paths.resolve(found) == os.path.realpath(tmp_path / "hb/procedures/hr/a.yml")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    outside = Paths()
    [again] = discover_names(str(tmp_path / "hb" / "procedures"), outside)
    assert outside.display(again) == (tmp_path / "hb/procedures/hr/a.yml").as_posix()
    assert outside.display(again) == display_name(Path(again))


def test_a_linked_file_resolves_to_its_target(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, ["elsewhere/real.yml", "procedures/keep.yml"])
    (tmp_path / "procedures" / "link.yml").symlink_to(tmp_path / "elsewhere" / "real.yml")
    (tmp_path / "procedures" / "linked-folder").symlink_to(tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    paths = Paths()
    found = discover_names("procedures", paths)
    assert found == ["procedures/keep.yml", "procedures/link.yml"]  # no folder links
    assert paths.resolve("procedures/link.yml") == os.path.realpath(
        tmp_path / "elsewhere" / "real.yml")


def test_command_line_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, ["procedures/a.yml", "procedures/it/b.yml"])
    monkeypatch.chdir(tmp_path)
    assert expand_paths([Path("procedures/it"), Path("procedures/a.yml")]) == [
        Path("procedures/it/b.yml"), Path("procedures/a.yml")]
    with pytest.raises(PathError, match=r"procedures/nope\.yml: no such file or folder"):
        expand_paths([Path("procedures/nope.yml")])


def test_a_folder_holding_the_handbook_means_its_procedures_and_organization(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree(tmp_path, ["procedures/a.yml", "procedures/it/b.yml", "organization.yml",
                    "mkdocs.yml", "templates/x.yml", "drafts/c.yml"])
    monkeypatch.chdir(tmp_path)
    handbook = (tmp_path / "procedures", tmp_path / "organization.yml")
    found = [display_name(path) for path in expand_paths([Path(".")], handbook)]
    assert found == ["procedures/a.yml", "procedures/it/b.yml", "organization.yml"]
    assert [display_name(path) for path in expand_paths([Path("drafts")], handbook)] == [
        "drafts/c.yml"]  # any other folder: every YAML file in it
    inside = expand_paths([Path("procedures/it")], handbook)
    assert [display_name(path) for path in inside] == ["procedures/it/b.yml"]
    assert expand_paths([Path("mkdocs.yml")], handbook) == [Path("mkdocs.yml")]  # as given


def test_a_handbook_with_no_procedures_folder_leaves_folders_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree(tmp_path, ["hr/a.yml", "hr/b.yml"])
    monkeypatch.chdir(tmp_path / "hr")
    nowhere = (tmp_path / "hr" / "procedures", tmp_path / "hr" / "organization.yml")
    found = expand_paths([Path("..")], nowhere)
    assert [path.name for path in found] == ["a.yml", "b.yml"]


def test_unsafe_names() -> None:
    safe = ["a.yml", "流程.yml", "b c.yml", "x\u200bzero-width.yml", "é.yml"]
    assert unsafe_names(safe) == []
    unsafe = ["a\n.yml", "a\t.yml", "a\x1b.yml", "a\x7f.yml", "a\x85.yml", "a\u202e.yml",
              "a\u2066.yml", "a\u2069.yml", "a\u200e.yml", "a\u061c.yml", "a\u2028.yml"]
    assert unsafe_names([*safe, *unsafe]) == unsafe
    assert unsafe_names(["流程\u202e.yml", "流程.yml"]) == ["流程\u202e.yml"]


def test_discovery_notes_unsafe_names_links_and_linked_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree(tmp_path, ["hb/procedures/a.yml", "hb/procedures/b\x1b.yml", "hb/procedures/c\u202e/d.yml",
                    "hb/drafts/inside.yml", "outside/e.yml", "outside/f.yml"])
    procedures = tmp_path / "hb" / "procedures"
    (procedures / "in.yml").symlink_to(tmp_path / "hb" / "drafts" / "inside.yml")
    (procedures / "out.yml").symlink_to(tmp_path / "outside" / "e.yml")
    (procedures / "out-folder").symlink_to(tmp_path / "outside", target_is_directory=True)
    (procedures / "_private").symlink_to(tmp_path / "outside", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "hb")
    boundary = Boundary(tmp_path / "hb", procedures)
    paths = Paths(boundary.inside)
    found = discover_names("procedures", paths)
    assert found == ["procedures/a.yml", "procedures/b\x1b.yml", "procedures/in.yml",
                     "procedures/out.yml", "procedures/c\u202e/d.yml"]
    assert paths.unsafe == {"procedures/b\x1b.yml", "procedures/c\u202e/d.yml"}
    assert paths.linked_folders == ["procedures/out-folder"]  # not into it, not _private
    assert list(paths.suspects) == ["procedures/in.yml", "procedures/out.yml"]  # the links
    assert [path for path in paths.suspects if boundary.leaves(path, paths.resolve(path))] == [
        "procedures/out.yml"]
    # named on the command line: the folder link is followed, its files lead out
    named = expand_names([Path("procedures/out-folder"), Path("../outside/f.yml")], paths)
    assert named == ["procedures/out-folder/e.yml", "procedures/out-folder/f.yml",
                     "../outside/f.yml"]
    assert [path for path in named if boundary.leaves(path, paths.resolve(path))] == [
        "procedures/out-folder/e.yml", "procedures/out-folder/f.yml"]  # not a file named there


def test_the_boundary_includes_a_procedures_folder_named_outside_the_root(tmp_path: Path) -> None:
    tree(tmp_path, ["hb/mkdocs.yml", "shared/procedures/a.yml", "elsewhere/b.yml"])
    boundary = Boundary(tmp_path / "hb", tmp_path / "hb" / ".." / "shared" / "procedures")
    shared = os.fspath(tmp_path / "shared" / "procedures" / "a.yml")
    elsewhere = tmp_path / "elsewhere" / "b.yml"
    assert not boundary.leaves(shared, os.path.realpath(shared))
    link = tmp_path / "shared" / "procedures" / "b.yml"
    link.symlink_to(elsewhere)
    assert boundary.leaves(os.fspath(link), os.path.realpath(link))
    assert not boundary.leaves(os.fspath(elsewhere), os.path.realpath(elsewhere))
