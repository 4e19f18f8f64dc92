"""Training in `sopkit diff` (format 1.1), on real git repositories: a minor or major raise
lists who must be trained on the new version once it merges (a patch raise nobody); the
training records a branch adds are summarised ("li-na trained on HR-001 1.2.0")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.git_repo import Repo, make_repo

from sopkit.cli.main import main

ORGANIZATION = """\
departments:
  - id: hr
    name: Human Resources
roles:
  - id: hr-manager
    title: HR Manager
    department: hr
  - id: hr-specialist
    title: HR Specialist
    department: hr
  - id: it-admin
    title: IT Admin
people:
  - id: li-na
    name: 李娜
    roles: [hr-manager]
  - id: wang-fang
    name: "Wang <b>Fang</b> `x`"
    roles: [hr-specialist]
"""

RECORDS = """\
records:
  - person: li-na
    procedure: HR-001
    version: 1.2.0
    date: 2026-02-01
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = make_repo(tmp_path / "repo")
    monkeypatch.chdir(made.path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    made.git("checkout", "-q", "main")
    made.write("organization.yml", ORGANIZATION)
    made.write("training/2026.yml", RECORDS)
    made.commit("people and their training")
    made.git("checkout", "-q", "-B", "feature", "main")
    return made


def diff(*args: str) -> str:
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def raise_version(repo: Repo, version: str) -> None:
    repo.edit("procedures/hr/onboarding.yml", "version: 1.2.0\n", f"version: {version}\n")
    repo.edit("procedures/hr/onboarding.yml", "history:\n",
              f"history:\n  - version: {version}\n    date: 2026-03-01\n    author: Li Na\n"
              "    summary: Changed.\n")


def test_a_minor_raise_lists_who_must_be_trained_again(repo: Repo) -> None:
    raise_version(repo, "1.3.0")
    markdown = diff("--format", "markdown")
    assert "### Training" in markdown
    needs = next(line for line in markdown.splitlines() if line.startswith("- HR-001 1.2.0"))
    assert "李娜 (li-na)" in needs and "(wang-fang)" in needs
    assert "Wang \\<b\\>Fang\\</b\\> \\`x\\`" in needs  # escaped: shown as text
    report = json.loads(diff("--format", "json"))
    assert report["training"]["retraining"] == [{
        "procedure": "HR-001", "title": report["training"]["retraining"][0]["title"],
        "version": {"before": "1.2.0", "after": "1.3.0"}, "people": ["li-na", "wang-fang"]}]
    assert "needs training on HR-001 1.2.0 → 1.3.0: 李娜 (li-na)" in diff("--format", "text")


def test_a_patch_raise_needs_no_retraining(repo: Repo) -> None:
    raise_version(repo, "1.2.1")
    assert json.loads(diff("--format", "json"))["training"]["retraining"] == []
    assert "### Training" not in diff("--format", "markdown")


def test_records_added_by_the_branch_are_summarised(repo: Repo) -> None:
    repo.write("training/2026.yml", RECORDS + "  - person: wang-fang\n    procedure: HR-001\n"
               "    version: 1.2.0\n    date: 2026-02-03\n    result: failed\n")
    repo.write("training/2027.yml", "records:\n  - person: li-na\n    procedure: HR-001\n"
               "    version: 1.2.0\n    date: 2026-02-04\n")
    repo.commit("training")
    markdown = diff("--format", "markdown")
    assert "Training records added (2):" in markdown
    assert "- wang-fang trained on HR-001 1.2.0 (2026-02-03, failed)" in markdown
    assert "- li-na trained on HR-001 1.2.0 (2026-02-04)" in markdown
    assert "li-na trained on HR-001 1.2.0 (2026-02-01)" not in markdown  # at the base
    added = json.loads(diff("--format", "json", "main", "HEAD"))["training"]["records_added"]
    assert [(r["person"], r["passed"]) for r in added] == [("wang-fang", False), ("li-na", True)]


def test_a_branch_that_trains_on_the_new_version_needs_nobody(repo: Repo) -> None:
    raise_version(repo, "2.0.0")
    repo.write("training/2026.yml", RECORDS + "".join(
        f"  - person: {person}\n    procedure: HR-001\n    version: 2.0.0\n"
        "    date: 2026-03-02\n" for person in ("li-na", "wang-fang")))
    report = json.loads(diff("--format", "json"))
    assert report["training"]["retraining"] == []
    assert len(report["training"]["records_added"]) == 2
