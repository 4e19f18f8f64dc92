"""`sopkit export register` and `sopkit export bundle`: golden files for the demo handbook,
the bundle valid against its published schema, the CSV read back by Python's csv module."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from referencing import Registry, Resource

from sopkit.cli.main import main

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-06-01"

Golden = Callable[[str, str], None]


def _export(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, bytes]:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["export", *args, "--today", TODAY],
                                catch_exceptions=False)
    return result.exit_code, result.stdout_bytes


def _schema_validator() -> jsonschema.Draft7Validator:
    schemas = {name: json.loads((REPO / "schemas" / f"{name}.schema.json").read_text("utf-8"))
               for name in ("bundle", "procedure", "organization")}
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    jsonschema.Draft7Validator.check_schema(schemas["bundle"])
    return jsonschema.Draft7Validator(schemas["bundle"], registry=registry)


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_register_of_the_demo_handbook(fmt: str, golden: Golden,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _export(REPO, monkeypatch, "register", "--format", fmt)
    assert code == 0
    suffix = {"csv": "csv", "json": "json", "markdown": "md"}[fmt]
    text = out.decode("utf-8")
    if fmt == "csv":  # CRLF line ends, as RFC 4180 has them; the golden file has LF
        assert text.count("\r\n") == text.count("\n")
        text = text.replace("\r\n", "\n")
    golden(f"export/register.{suffix}", text)


def test_the_csv_register_opens_with_its_header_and_chinese_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _export(REPO, monkeypatch, "register")
    assert code == 0
    assert out.startswith(b"\xef\xbb\xbf")  # the byte-order mark spreadsheets look for
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == ["id", "title", "version", "status", "department", "owner",
                             "approvers", "approvals", "effective_date", "last_reviewed",
                             "next_review",
                             "file"]
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids) and len(ids) == len(list((REPO / "procedures").rglob("*.yml")))
    first = next(row for row in rows if row["id"] == "CS-001")
    assert first["title"] == "客户投诉工单处理"
    assert first["file"] == "procedures/customer-service/CS-001-complaint-handling.yml"


def test_the_bundle_of_the_demo_handbook(golden: Golden,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _export(REPO, monkeypatch, "bundle")
    assert code == 0
    golden("export/bundle.json", out.decode("utf-8"))
    document = json.loads(out)
    errors = sorted(_schema_validator().iter_errors(document), key=str)
    assert errors == []
    assert document["format"] == "sopkit-bundle" and document["format_version"] == "1.2"
    # 1.1: the training records, a file at a time, as written
    assert [entry["file"] for entry in document["training_records"]] == [
        "training/2025.yml", "training/2026.yml"]
    assert all(entry["records"] for entry in document["training_records"])
    assert len(document["procedures"]) == len(list((REPO / "procedures").rglob("*.yml")))


def test_the_schema_refuses_what_is_not_a_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    _code, out = _export(REPO, monkeypatch, "bundle")
    document = json.loads(out)
    validator = _schema_validator()
    del document["procedures"][0]["procedure"]["steps"]
    document["handbook"]["language"] = "fr"
    errors = list(validator.iter_errors(document))
    assert [error.message for error in errors
            if list(error.path) == ["handbook", "language"]] == [
        "'fr' is not one of ['en', 'zh']"]
    (steps,) = [error for error in errors if list(error.path)[:2] == ["procedures", 0]]
    assert "'steps' is a required property" in steps.message


HOSTILE = """\
id: SEC-1
title: "=HYPERLINK(\\"http://evil.example\\",\\"click\\") \\u202e\\x1b[31m | <b>"
version: 1.0.0
status: draft
owner: procedure-writer
purpose: x
scope:
  includes: [x]
roles:
  - id: procedure-writer
steps:
  - id: one
    title: One
    role: procedure-writer
history:
  - version: 1.0.0
    date: 2026-01-10
    summary: First.
"""


def _hostile_handbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "handbook"]).exit_code == 0
    root = tmp_path / "handbook"
    (root / "procedures" / "SEC-1.yml").write_text(HOSTILE, encoding="utf-8")
    return root


def test_hostile_text_is_inert_in_every_format(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _hostile_handbook(tmp_path, monkeypatch)
    _code, out = _export(root, monkeypatch, "register")
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    title = next(row["title"] for row in rows if row["id"] == "SEC-1")
    assert title.startswith("'=HYPERLINK(")  # a spreadsheet shows it as text
    assert "\x1b" not in out.decode("utf-8") and "\u202e" not in out.decode("utf-8")
    _code, out = _export(root, monkeypatch, "register", "--format", "markdown")
    line = next(line for line in out.decode("utf-8").splitlines() if "SEC-1" in line)
    assert line.count(" | ") == 11 and "<b>" not in line
    for args in (("register", "--format", "json"), ("bundle",)):
        _code, out = _export(root, monkeypatch, *args)
        assert "\x1b" not in out.decode("utf-8") and "\u202e" not in out.decode("utf-8")
        assert "=HYPERLINK" in json.dumps(json.loads(out), ensure_ascii=False)


def test_a_handbook_with_errors_is_not_exported(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = _hostile_handbook(tmp_path, monkeypatch)
    (root / "procedures" / "SEC-1.yml").write_text(HOSTILE.replace("role: procedure", "role: x"),
                                                    encoding="utf-8")
    for args in (("register",), ("bundle",)):
        code, out = _export(root, monkeypatch, *args)
        assert code == 1 and out == b""
