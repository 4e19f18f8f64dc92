"""`sopkit validate --format gitlab`: GitLab's Code Quality report, checked against the format
GitLab's documentation gives (tests/data/gitlab-code-quality.schema.json)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conftest import DATA
from helpers.commands import sopkit
from jsonschema import Draft7Validator

from sopkit.check.diagnostics import Diagnostic
from sopkit.report.gitlab import gitlab_report

SCHEMA = json.loads((DATA / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))


def valid(text: str) -> list[dict[str, Any]]:
    Draft7Validator.check_schema(SCHEMA)
    report: list[dict[str, Any]] = json.loads(text)
    errors = [error.message for error in Draft7Validator(SCHEMA).iter_errors(report)]
    assert errors == []
    return report


def test_the_report_of_a_handbook_is_gitlabs_format(tmp_path: Path) -> None:
    handbook = tmp_path / "handbook"
    shutil.copytree(DATA / "cli" / "handbook", handbook)
    done = sopkit(["validate", "--format", "gitlab"], handbook)
    assert done.returncode == 1 and done.stderr == ""
    issues = valid(done.stdout)
    found = json.loads(sopkit(["validate", "--format", "json"], handbook).stdout)["diagnostics"]
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"],
             i["description"]) for i in issues] == [
        (d["file"], max(d["line"], 1), d["rule"], d["message"]) for d in found]
    assert {i["severity"] for i in issues} == {"major", "minor"}
    severities = {d["severity"] for d in found}
    assert severities == {"error", "warning"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_fingerprints_are_unique_and_survive_a_line_moving() -> None:
    twice = [Diagnostic("./procedures/a.yml", 3, 1, "error", "schema", "same words"),
             Diagnostic("./procedures/a.yml", 9, 1, "error", "schema", "same words"),
             Diagnostic("procedures/a.yml", 0, 0, "warning", "io", "whole file")]
    issues = valid(gitlab_report(twice))
    assert [i["location"] for i in issues] == [
        {"path": "procedures/a.yml", "lines": {"begin": 3}},
        {"path": "procedures/a.yml", "lines": {"begin": 9}},
        {"path": "procedures/a.yml", "lines": {"begin": 1}}]  # a whole file: its first line
    assert len({i["fingerprint"] for i in issues}) == 3
    moved = valid(gitlab_report([twice[0]._replace(line=5), twice[1]._replace(line=11)]))
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues[:2]]
    assert valid(gitlab_report([])) == []


def test_the_schema_rejects_what_gitlab_would_not_read() -> None:
    good = {"description": "d", "check_name": "c", "fingerprint": "f", "severity": "minor",
            "location": {"path": "a.yml", "lines": {"begin": 1}}}
    validator = Draft7Validator(SCHEMA)
    assert validator.is_valid([good])
    for broken in ({**good, "severity": "error"}, {**good, "location": {"path": "a.yml"}},
                   {**good, "location": {"path": "./a.yml", "lines": {"begin": 1}}},
                   {key: value for key, value in good.items() if key != "check_name"}):
        assert not validator.is_valid([broken]), broken
