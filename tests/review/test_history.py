"""`sopkit show ID --at DATE` and `sopkit history ID` on a real git repository: before the
first approval, between two approvals, on the day of an effective date, after a rename and
after a retirement."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.gitrepo import DatedRepo

from sopkit.cli.main import main
from sopkit.format.digest import procedure_digest

HISTORY_V1 = """\
  - version: 1.0.0
    date: 2026-01-20
    summary: First release.
"""
HISTORY_V11 = """\
  - version: 1.1.0
    date: 2026-04-01
    summary: Added the buddy step.
"""


def procedure(version: str, status: str, effective: str | None, history: str) -> str:
    effective_line = f"effective_date: {effective}\n" if effective else ""
    approvers = "approvers: [coo]\n" if status == "approved" else ""
    return f"""\
id: HR-001
title: New employee onboarding
version: {version}
status: {status}
{approvers}{effective_line}owner: hr-manager
purpose: Every new employee is productive by the end of week one.
scope:
  includes: [Employees]
roles:
  - id: hr-manager
    title: HR Manager
  - id: coo
    title: Chief Operating Officer
steps:
  - id: prepare
    title: Prepare documents
    role: hr-manager
history:
{history}"""


@dataclass(frozen=True)
class Story:
    repo: DatedRepo
    commits: dict[str, str]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    """A procedure's life: drafted, approved, moved, revised, put in review, retired."""
    repo = DatedRepo(tmp_path_factory.mktemp("history") / "handbook")
    old, new = "procedures/hr/HR-001.yml", "procedures/hr/HR-001-onboarding.yml"
    first = "  - version: 0.1.0\n    date: 2026-01-05\n    summary: Draft.\n"
    commits: dict[str, str] = {}
    repo.write(old, procedure("0.1.0", "draft", None, first))
    commits["draft"] = repo.commit("2026-01-05", "draft")
    repo.write(old, procedure("1.0.0", "approved", "2026-02-01", HISTORY_V1 + first))
    commits["v1"] = repo.commit("2026-01-20", "approve 1.0.0")
    repo.git("mv", old, new, day="2026-03-10")
    commits["moved"] = repo.commit("2026-03-10", "move")
    repo.write(new, procedure("1.1.0", "approved", "2026-04-15", HISTORY_V11 + HISTORY_V1))
    commits["v11"] = repo.commit("2026-04-01", "approve 1.1.0")
    repo.write(new, procedure("1.2.0", "review", "2026-04-15", HISTORY_V11 + HISTORY_V1))
    commits["review"] = repo.commit("2026-05-01", "start 1.2.0")
    repo.write(new, procedure("1.2.0", "retired", "2026-04-15", HISTORY_V11 + HISTORY_V1))
    commits["retired"] = repo.commit("2026-06-01", "retire")
    # Not committed: the working tree does not count.
    repo.write(new, procedure("9.0.0", "approved", "2026-01-01", HISTORY_V1))
    return Story(repo, commits)


def run(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def shown(story: Story, monkeypatch: pytest.MonkeyPatch, day: str) -> dict[str, object]:
    code, out, err = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", day,
                         "--format", "json")
    assert code == 0, err
    provenance = json.loads(out)["provenance"]
    assert isinstance(provenance, dict)
    return provenance


def test_before_the_first_approval_nothing_is_in_effect(story: Story,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for day in ("2026-01-10", "2026-01-31"):  # drafted; approved, not yet effective
        code, out, err = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", day)
        assert code == 1 and out == ""
        assert err == (f"sopkit: no version of HR-001 was in effect on {day}: the first "
                       "approved version took effect on 2026-02-01\n")


def test_on_the_day_of_an_effective_date(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    found = shown(story, monkeypatch, "2026-02-01")
    assert found["version"] == "1.0.0" and found["effective_date"] == "2026-02-01"
    assert shown(story, monkeypatch, "2026-04-15")["version"] == "1.1.0"


def test_between_two_approvals(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    found = shown(story, monkeypatch, "2026-04-14")
    assert str(found.pop("digest")).startswith("sha256:")  # its content (format 1.2)
    assert found == {
        "commit": story.commits["moved"], "date": "2026-03-10T12:00:00+00:00",
        "effective_date": "2026-02-01", "version": "1.0.0", "approvers": ["coo"],
        "file": "procedures/hr/HR-001-onboarding.yml"}
    # In review since 1 May: the approved 1.1.0 stays in effect.
    found = shown(story, monkeypatch, "2026-05-20")
    assert (found["version"], found["commit"]) == ("1.1.0", story.commits["v11"])


def test_after_a_rename_the_older_versions_are_found(story: Story,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(story.repo.path, monkeypatch, "history", "HR-001", "--format", "json")
    assert code == 0, err
    releases = json.loads(out)["releases"]
    assert [(r["version"], r["commit"]) for r in releases] == [
        ("1.0.0", story.commits["v1"]), ("1.1.0", story.commits["v11"])]


def test_after_a_retirement_nothing_is_in_effect(story: Story,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert shown(story, monkeypatch, "2026-05-31")["version"] == "1.1.0"
    code, out, err = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", "2026-06-01")
    assert code == 1 and out == ""
    assert err == ("sopkit: HR-001 was retired on 2026-06-01: no version of it is in effect "
                   "on 2026-06-01\n")


def test_history_lists_each_release_and_its_period(story: Story,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(story.repo.path, monkeypatch, "history", "HR-001")
    assert code == 0, err
    assert out.splitlines() == [
        "version    in effect                 commit        summary",
        f"1.1.0      2026-04-15 – 2026-06-01   {story.commits['v11'][:12]}  Added the buddy step.",
        f"1.0.0      2026-02-01 – 2026-04-15   {story.commits['v1'][:12]}  First release.",
        "retired on 2026-06-01",
    ]
    code, out, _ = run(story.repo.path, monkeypatch, "history", "HR-001", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["retired_on"] == "2026-06-01"
    assert [r["until"] for r in document["releases"]] == ["2026-04-15", "2026-06-01"]


def test_the_text_and_markdown_forms_show_the_file_as_committed(
        story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", "2026-03-01")
    assert code == 0
    assert f"Commit:         {story.commits['moved']}" in out
    assert "Effective date: 2026-02-01" in out
    assert "version: 1.0.0\nstatus: approved\n" in out
    code, out, _ = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", "2026-03-01",
                       "--format", "markdown")
    assert code == 0
    assert out.startswith("# HR-001 in effect on 2026-03-01\n")
    assert "```yaml\nid: HR-001\n" in out and out.endswith("```\n")


def test_json_is_the_procedure_with_its_provenance(story: Story,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", "2026-05-01",
                       "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["id"] == "HR-001" and document["version"] == "1.1.0"
    assert set(document["provenance"]) == {"commit", "date", "effective_date", "version",
                                           "approvers", "file", "digest"}
    content = {key: value for key, value in document.items() if key != "provenance"}
    assert document["provenance"]["digest"] == procedure_digest(content)


def test_unknown_procedure_and_no_repository_are_one_line(
        story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(story.repo.path, monkeypatch, "show", "HR-404", "--at", "2026-03-01")
    assert code == 2 and err.count("\n") == 1 and "no procedure HR-404" in err
    (tmp_path / "procedures").mkdir()
    code, _, err = run(tmp_path, monkeypatch, "history", "HR-001")
    assert code == 2 and err.count("\n") == 1 and "not in a git repository" in err
    code, _, err = run(story.repo.path, monkeypatch, "show", "HR-001", "--at", "March")
    assert code == 2 and "is not a date" in err
