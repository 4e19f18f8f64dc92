"""`sopkit show ID --at DATE` and `sopkit history ID` on a real git repository: before the
first approval, between two approvals, on the day of an effective date, after a rename and
after a retirement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.procedure_story import Story, build_story

from sopkit.cli.main import main
from sopkit.format.digest import procedure_digest


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return build_story(tmp_path_factory.mktemp("history"))


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
