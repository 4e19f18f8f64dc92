"""The site's version periods (one pass over git's log for the whole procedures folder)
give what `sopkit history ID` gives for each procedure (git log --follow on its file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.gitrepo import DatedRepo
from helpers.procedure_story import HISTORY_V1, build_story, procedure

from sopkit.config import load_config
from sopkit.review.effective import procedure_history, releases
from sopkit.review.git import GitError
from sopkit.review.handbook_history import follow_renames, handbook_releases, parse_folder_log


def periods(found: object) -> list[tuple[str, str, str | None, str, str | None]]:
    assert isinstance(found, (list, tuple))
    return [(r.version, r.effective_date, r.until, r.revision.commit, r.summary) for r in found]


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The story's HR-001 (moved, revised, retired) beside two more procedures: HR-002
    approved once, and HR-003 whose file took over the path HR-001 left."""
    story = build_story(tmp_path_factory.mktemp("handbook-history"))
    repo = story.repo
    # The story leaves an edit uncommitted: not part of this handbook.
    repo.git("checkout", "--", "procedures/hr/HR-001-onboarding.yml")
    repo.write("procedures/hr/HR-002.yml",
               procedure("1.0.0", "approved", "2026-02-10", HISTORY_V1, "HR-002"))
    repo.commit("2026-06-05", "HR-002")
    repo.write("procedures/hr/HR-001.yml",
               procedure("1.0.0", "approved", "2026-07-01", HISTORY_V1, "HR-003"))
    repo.commit("2026-06-20", "HR-003 in HR-001's old file name")
    return repo.path


def test_each_procedure_gets_what_history_gives(handbook: Path) -> None:
    config = load_config(handbook)
    found = handbook_releases(handbook, "procedures")
    assert sorted(found) == ["HR-001", "HR-002", "HR-003"]
    for procedure_id, got in found.items():
        assert periods(got) == periods(releases(procedure_history(config, procedure_id)))
    assert [(r.version, r.until) for r in found["HR-001"]] == [
        ("1.0.0", "2026-04-15"), ("1.1.0", "2026-06-01")]
    assert [(r.version, r.effective_date, r.until) for r in found["HR-003"]] == [
        ("1.0.0", "2026-07-01", None)]


def test_a_rename_is_followed_back_and_a_new_file_stops_the_chain() -> None:
    log = (b"\x1ec3 2026-03-01T00:00:00+00:00\x00\nR090\x00p/a.yml\x00p/b.yml\x00"
           b"A\x00p/a.yml\x00"
           b"\x1ec2 2026-02-01T00:00:00+00:00\x00\nM\x00p/a.yml\x00"
           b"\x1ec1 2026-01-01T00:00:00+00:00\x00\nA\x00p/a.yml\x00")
    chains = follow_renames(parse_folder_log(log), ["p/a.yml", "p/b.yml"])
    assert [(c.commit, c.path) for c in chains["p/b.yml"]] == [
        ("c3", "p/b.yml"), ("c2", "p/a.yml"), ("c1", "p/a.yml")]
    assert [(c.commit, c.path) for c in chains["p/a.yml"]] == [("c3", "p/a.yml")]


def test_a_repository_without_commits_is_a_git_error(tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    DatedRepo(tmp_path)
    with pytest.raises(GitError):
        handbook_releases(tmp_path, "procedures")
