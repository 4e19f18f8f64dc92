"""A git repository in a temporary folder for the document-control tests, with commits
on given dates (so that commit dates in answers are known)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = ["-c", "user.name=Test Author", "-c", "user.email=test@example.com",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


class DatedRepo:
    """A repository whose commits carry the dates they are given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")

    def git(self, *args: str, day: str = "2026-01-01") -> str:
        stamp = f"{day}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        done = subprocess.run(["git", *IDENTITY, *args], cwd=self.path, capture_output=True,
                              text=True, check=False, env=env)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, day: str, message: str = "change") -> str:
        """Commit everything, dated ``day`` (YYYY-MM-DD): the commit id."""
        self.git("add", "-A", day=day)
        self.git("commit", "-q", "--allow-empty", "-m", message, day=day)
        return self.git("rev-parse", "HEAD")
