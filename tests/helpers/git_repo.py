"""Real git repositories in temporary folders, driven the way a user would drive them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import DATA, REPO

HANDBOOK = DATA / "diff" / "handbook"

IDENTITY = ["-c", "user.name=Test Author", "-c", "user.email=test@example.com",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


class Repo:
    """A git repository in a temporary folder, driven the way a user would drive it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *IDENTITY, *args], cwd=self.path, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def write(self, path: str, text: str) -> None:
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def read(self, path: str) -> str:
        return (self.path / path).read_text(encoding="utf-8")

    def edit(self, path: str, old: str, new: str) -> None:
        text = self.read(path)
        assert old in text, f"{old!r} is not in {path}"
        self.write(path, text.replace(old, new, 1))


def make_repo(folder: Path, handbook: Path | None = HANDBOOK, branch: str = "main") -> Repo:
    """A repository whose first commit holds ``handbook``, on a new branch 'feature'."""
    folder.mkdir(parents=True, exist_ok=True)
    if handbook is not None:
        shutil.copytree(handbook, folder, dirs_exist_ok=True)
        # the schemas the procedures' first-line comments name, as `sopkit init` writes them
        shutil.copytree(REPO / "schemas", folder / "schemas", dirs_exist_ok=True)
    repo = Repo(folder)
    repo.git("init", "-q", "-b", branch)
    repo.commit("the handbook")
    repo.git("checkout", "-q", "-b", "feature")
    return repo

