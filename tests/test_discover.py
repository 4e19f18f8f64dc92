"""sopkit.discover: which files are procedures, and the names messages give them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sopkit.discover import PathError, Paths, discover, discover_names, display_name, expand_paths


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
