"""Training records files (format 1.1) in the check of a handbook: found under training/,
loaded by the same hardened loader as procedures, checked against the training schema, kept
in the cache, and read by the training rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.hostile_yaml import HOSTILE

from sopkit.check.handbook import CheckResult, check_handbook
from sopkit.config import build_config

DATA = Path(__file__).parent.parent / "data" / "rules"
TODAY_OPTIONS = {"today": "2026-03-01"}

RECORD = """\
  - person: li-na
    procedure: HR-001
    version: 1.2.0
    date: 2026-02-01
"""


def handbook(root: Path, training: bytes | None = None, options: dict[str, str] | None = None,
             folder: str = "training") -> Path:
    (root / "procedures").mkdir(parents=True, exist_ok=True)
    (root / "procedures" / "a.yml").write_bytes((DATA / "spec-procedure.yml").read_bytes())
    if training is not None:
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "2026.yml").write_bytes(training)
    return root


def check(root: Path, options: dict[str, str] | None = None, cache: bool = False,
          paths: tuple[Path, ...] = ()) -> CheckResult:
    config = build_config(root, {**TODAY_OPTIONS, **(options or {})})
    return check_handbook(config, paths, cache=cache, cache_dir=root.parent / "cache")


def rows(result: CheckResult) -> list[tuple[str, int, int, str, str]]:
    return [(d.file, d.line, d.column, d.rule, d.message) for d in result.diagnostics]


@pytest.fixture(autouse=True)
def _in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_training_files_get_the_errors_of_procedure_files(tmp_path: Path,
                                                                  name: str) -> None:
    handbook(tmp_path / "t", HOSTILE[name])
    os.chdir(tmp_path / "t")
    as_training = check(Path("."))
    procedures = handbook(tmp_path / "p")
    (procedures / "procedures" / "2026.yml").write_bytes(HOSTILE[name])
    os.chdir(procedures)
    as_procedure = check(Path("."))
    training_rows = [row for row in rows(as_training) if row[0] == "training/2026.yml"]
    procedure_rows = [row for row in rows(as_procedure) if row[0] == "procedures/2026.yml"]
    assert training_rows, "a hostile training file passed"
    assert all("\n" not in row[4] and row[1] >= 1 for row in training_rows)
    if all(row[3] != "schema" for row in procedure_rows):  # refused by the loader
        assert [row[1:] for row in training_rows] == [row[1:] for row in procedure_rows]
    assert as_training.failed()


def test_schema_errors_name_the_record(tmp_path: Path) -> None:
    root = handbook(tmp_path, b"records:\n" + RECORD.replace("version", "versoin").encode())
    os.chdir(root)
    found = [row for row in rows(check(Path("."))) if row[0] == "training/2026.yml"]
    assert [(row[1], row[2], row[3]) for row in found] == [(4, 5, "schema")]
    assert "versoin" in found[0][4]


def test_records_are_read_by_the_training_rules(tmp_path: Path) -> None:
    root = handbook(tmp_path, ("records:\n" + RECORD.replace("2026-02-01", "2026-09-01")
                               .replace("li-na", "nobody")).encode())
    os.chdir(root)
    found = {(row[0], row[3]) for row in rows(check(Path(".")))}
    assert ("training/2026.yml", "training-future-date") in found
    assert ("training/2026.yml", "training-unknown-person") in found


def test_the_folder_is_an_option(tmp_path: Path) -> None:
    root = handbook(tmp_path, ("records:\n" + RECORD.replace("li-na", "nobody")).encode(),
                    folder="records")
    os.chdir(root)
    assert not any(row[3].startswith("training") for row in rows(check(Path("."))))
    found = rows(check(Path("."), {"training": "records"}))
    assert [row[:4] for row in found if row[3].startswith("training")] == [
        ("records/2026.yml", 2, 13, "training-unknown-person")]


def test_a_training_file_named_on_the_command_line_is_read_as_training(tmp_path: Path) -> None:
    root = handbook(tmp_path, b"records:\n" + RECORD.replace("li-na", "nobody").encode())
    os.chdir(root)
    found = rows(check(Path("."), paths=(Path("training/2026.yml"),)))
    assert [row[3] for row in found] == ["training-unknown-person"]


def test_the_cache_gives_the_same_answers_and_sees_a_new_record(tmp_path: Path) -> None:
    root = handbook(tmp_path, b"records:\n" + RECORD.encode())
    os.chdir(root)
    fresh = rows(check(Path(".")))
    assert rows(check(Path("."), cache=True)) == fresh
    assert rows(check(Path("."), cache=True)) == fresh
    with open("training/2026.yml", "a", encoding="utf-8") as file:
        file.write(RECORD.replace("li-na", "nobody"))
    again = rows(check(Path("."), cache=True))
    assert again == rows(check(Path(".")))
    assert [row[3] for row in again if row not in fresh] == ["training-unknown-person"]


def test_a_link_out_of_the_handbook_is_not_read(tmp_path: Path) -> None:
    root = handbook(tmp_path / "book", b"records:\n" + RECORD.encode())
    outside = tmp_path / "secret.yml"
    outside.write_text("records: [oops\n", encoding="utf-8")
    (root / "training" / "linked.yml").symlink_to(outside)
    os.chdir(root)
    found = [row for row in rows(check(Path("."))) if row[0] == "training/linked.yml"]
    assert [row[3] for row in found] == ["link-outside-handbook"]
