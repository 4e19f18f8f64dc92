"""sopkit.review.git: real repositories in temporary folders, git through argument lists."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.git_repo import Repo, make_repo

from sopkit.review import git
from sopkit.review.git import GitError


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path / "repo")


def test_repo_root_from_a_subfolder(repo: Repo) -> None:
    assert git.repo_root(repo.path / "procedures" / "hr") == repo.path.resolve()


def test_not_a_git_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="is not in a git repository"):
        git.repo_root(tmp_path)


def test_resolve_names_a_commit(repo: Repo) -> None:
    head = repo.git("rev-parse", "HEAD")
    assert git.resolve(repo.path, "main") == head
    assert git.resolve(repo.path, "HEAD") == head
    assert git.resolve(repo.path, head[:10]) == head


@pytest.mark.parametrize("revision", ["-x", "--output=/tmp/owned", "-", ""])
def test_a_revision_that_looks_like_an_option_is_refused(repo: Repo, revision: str) -> None:
    with pytest.raises(GitError, match="is not a revision"):
        git.resolve(repo.path, revision)
    assert not Path("/tmp/owned").exists() or revision != "--output=/tmp/owned"


@pytest.mark.parametrize("revision", ["xyz", "main~5", "origin/main", "HEAD:procedures"])
def test_a_revision_that_names_nothing(repo: Repo, revision: str) -> None:
    with pytest.raises(GitError) as caught:
        git.resolve(repo.path, revision)
    assert str(caught.value) == f"'{revision}' names no commit in this repository"


def test_a_tree_or_blob_is_not_a_commit(repo: Repo) -> None:
    tree = repo.git("rev-parse", "HEAD^{tree}")
    with pytest.raises(GitError, match="names no commit"):
        git.resolve(repo.path, tree)


def test_default_branch_main_then_master(tmp_path: Path) -> None:
    assert git.default_branch(make_repo(tmp_path / "a").path) == "main"
    assert git.default_branch(make_repo(tmp_path / "b", branch="master").path) == "master"
    trunk = make_repo(tmp_path / "c", branch="trunk")
    with pytest.raises(GitError, match="name the base revision"):
        git.default_branch(trunk.path)


def test_default_branch_prefers_origin_head(repo: Repo, tmp_path: Path) -> None:
    clone = Repo(tmp_path / "clone")
    subprocess.run(["git", "clone", "-q", repo.path.as_uri(), str(clone.path)], check=True)
    # origin/HEAD names the branch checked out in the origin, 'feature', which is checked out
    # here too: a branch is not compared with itself, so origin/main is the next choice
    assert git.default_branch(clone.path) == "origin/main"
    clone.git("checkout", "-q", "-b", "topic")
    assert git.default_branch(clone.path) == "origin/feature"


def test_a_single_branch_clone_is_not_compared_with_itself(repo: Repo, tmp_path: Path) -> None:
    clone = Repo(tmp_path / "clone")
    subprocess.run(["git", "clone", "-q", "--single-branch", "--branch", "feature",
                    repo.path.as_uri(), str(clone.path)], check=True)
    with pytest.raises(GitError, match="cannot tell which branch to compare with"):
        git.default_branch(clone.path)


def test_merge_base_is_where_the_branch_left(repo: Repo) -> None:
    start = repo.git("rev-parse", "HEAD")
    repo.write("notes.txt", "on the branch\n")
    repo.commit()
    repo.git("checkout", "-q", "main")
    repo.write("other.txt", "on main\n")
    repo.commit()
    assert git.merge_base(repo.path, "main", "feature") == start


def test_unrelated_histories(repo: Repo) -> None:
    repo.git("checkout", "-q", "--orphan", "island")
    repo.commit("unrelated")
    with pytest.raises(GitError, match="no history in common"):
        git.merge_base(repo.path, "main", "island")


def files_at(root: Path, commit: str, folder: str) -> list[str]:
    """The paths of the files (not links) under ``folder`` at ``commit``."""
    return [blob.path for blob in git.list_blobs(root, commit, folder) if not blob.link]


def test_list_and_read_files_from_git_objects(repo: Repo) -> None:
    repo.write("procedures/hr/odd name ü.yml", "id: HR-009\n")
    first = repo.commit()
    repo.write("procedures/hr/odd name ü.yml", "id: CHANGED\n")  # the working tree differs
    (repo.path / "procedures" / "it" / "access.yml").unlink()
    files = files_at(repo.path, first, "procedures/hr")
    assert files == ["procedures/hr/odd name ü.yml", "procedures/hr/offboarding.yml",
                     "procedures/hr/onboarding.yml"]
    blobs = {blob.path: blob for blob in git.list_blobs(repo.path, first, "procedures")}
    contents = git.read_blobs(repo.path, [blobs["procedures/hr/odd name ü.yml"].oid,
                                          blobs["procedures/it/access.yml"].oid])
    assert contents[blobs["procedures/hr/odd name ü.yml"].oid] == b"id: HR-009\n"
    assert contents[blobs["procedures/it/access.yml"].oid].startswith(b"id: IT-001\n")
    assert "nowhere.yml" not in blobs


def test_read_blobs_uses_one_process_for_many_files(repo: Repo,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(args: list[str], **kwargs: object) -> object:
        calls.append(args)
        return real(args, **kwargs)  # type: ignore[call-overload]

    blobs = git.list_blobs(repo.path, "HEAD", "procedures")
    monkeypatch.setattr(subprocess, "run", spy)
    contents = git.read_blobs(repo.path, [blob.oid for blob in blobs])
    assert len(calls) == 1 and calls[0][:3] == ["git", "cat-file", "--batch"]
    assert {len(text) for text in contents.values()} == {blob.size for blob in blobs}


def test_a_folder_name_is_not_a_pathspec(repo: Repo) -> None:
    repo.write(":(glob)x/a.yml", "id: A\n")
    repo.commit()
    assert files_at(repo.path, "HEAD", ":(glob)x") == [":(glob)x/a.yml"]


def test_shallow_clone_says_what_to_do(repo: Repo, tmp_path: Path) -> None:
    repo.write("notes.txt", "a commit on the branch\n")
    repo.commit()
    repo.git("checkout", "-q", "main")
    repo.write("other.txt", "a commit on main\n")
    repo.commit()
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch",
                    repo.path.as_uri(), str(clone)], check=True)
    assert git.is_shallow(clone)
    with pytest.raises(GitError, match=r"shallow.*fetch-depth: 0"):
        git.merge_base(clone, "origin/main", "origin/feature")


def test_git_missing(repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GitError, match="git is not installed"):
        git.repo_root(repo.path)


def test_other_git_failures_are_one_line(repo: Repo) -> None:
    with pytest.raises(GitError) as caught:
        files_at(repo.path, "0" * 40, "procedures")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("git ls-tree failed: ")


def test_links_are_listed_as_links_and_followed_within_given_folders(repo: Repo) -> None:
    hr = repo.path / "procedures" / "hr"
    (hr / "alias.yml").symlink_to("onboarding.yml")
    (hr / "chain.yml").symlink_to("alias.yml")
    (hr / "up.yml").symlink_to(Path("..") / ".." / "notes" / "n.yml")
    (hr / "out.yml").symlink_to(Path("..") / ".." / ".." / "elsewhere.yml")
    (hr / "absolute.yml").symlink_to("/etc/passwd")
    (hr / "gone.yml").symlink_to("nothing.yml")
    (hr / "folder.yml").symlink_to("..")
    (hr / "loop-a.yml").symlink_to("loop-b.yml")
    (hr / "loop-b.yml").symlink_to("loop-a.yml")
    repo.write("notes/n.yml", "id: N-1\n")
    commit = repo.commit("links")
    blobs = {blob.path.removeprefix("procedures/hr/"): blob
             for blob in git.list_blobs(repo.path, commit, "procedures/hr")}
    assert {name for name, blob in blobs.items() if blob.link} == {
        "alias.yml", "chain.yml", "up.yml", "out.yml", "absolute.yml", "gone.yml", "folder.yml",
        "loop-a.yml", "loop-b.yml"}
    assert files_at(repo.path, commit, "procedures/hr") == [
        "procedures/hr/offboarding.yml", "procedures/hr/onboarding.yml"]  # files only

    def follow(name: str, within: tuple[str, ...] = ("",)) -> tuple[str, str]:
        followed = git.follow_link(repo.path, commit, blobs[name], within)
        assert (followed.blob is not None) == (followed.end == "file")
        return followed.end, followed.path

    assert follow("alias.yml") == ("file", "procedures/hr/onboarding.yml")
    assert follow("chain.yml") == ("file", "procedures/hr/onboarding.yml")
    assert follow("up.yml") == ("file", "notes/n.yml")
    assert follow("up.yml", ("procedures",)) == ("outside", "notes/n.yml")  # not the handbook
    assert follow("out.yml") == ("outside", "../elsewhere.yml")
    assert follow("absolute.yml") == ("outside", "/etc/passwd")
    assert follow("gone.yml") == ("missing", "procedures/hr/nothing.yml")
    assert follow("folder.yml") == ("missing", "procedures")
    assert follow("loop-a.yml")[0] == "loop"


def test_messages_show_a_revision_with_control_or_bidi_characters_escaped(repo: Repo) -> None:
    with pytest.raises(GitError) as caught:
        git.resolve(repo.path, "main\x1b[2J\u202e")
    assert str(caught.value).startswith("'main\\x1b[2J\\u202e' names no commit")
    with pytest.raises(GitError) as caught:
        git.merge_base(repo.path, "nope\u2066", "HEAD")
    assert "\u2066" not in str(caught.value) and "\\u2066" in str(caught.value)
