"""docs/setup.md followed word by word, as a new user follows it: every shell command of its
code blocks, in order, in a fresh folder (init, write a procedure, validate, build, commit,
review a branch). The commands are read from the page, not copied here, so the test fails
when the page drifts from what sopkit does.

A few commands cannot run here (they install from the internet, talk to a remote, or serve
until stopped): they are listed, word for word, in SKIPPED; a command of the page that is
neither run nor listed fails the test.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import REPO

SETUP = REPO / "docs" / "setup.md"

SKIPPED = {
    "python -m pip install sopkit": "installs from the package index (sopkit is installed)",
    "sopkit serve": "serves until stopped (tests/cli/test_serve_log.py runs it)",
    "git push -u origin main": "needs the remote",
    "git pull && sopkit build": "needs the remote",
    "python -m pip install pre-commit": "installs from the package index",
    "pre-commit install": "needs pre-commit",
}


def commands(markdown: str) -> list[str]:
    """The commands of the page's ``sh`` code blocks, in order, without their comments."""
    return [command for command, _ in commented(markdown)]


def commented(markdown: str) -> list[tuple[str, str]]:
    """The commands of the page's ``sh`` code blocks, each with its comment ("" for none)."""
    found: list[tuple[str, str]] = []
    for block in re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            if shlex.split(line, comments=True):  # not a comment line
                command, _, comment = line.partition(" #")
                found.append((command.strip(), comment.strip()))
    return found


def environment(home: Path) -> dict[str, str]:
    """A user's shell: git with a name and no global settings, sopkit on the PATH."""
    bin_folder = home / "bin"
    bin_folder.mkdir(parents=True, exist_ok=True)
    wrapper = bin_folder / "sopkit"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sopkit "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GIT_", "GITHUB_", "GITLAB_")) and key != "CI"}
    env.update({
        "HOME": str(home), "PATH": f"{bin_folder}{os.pathsep}{env.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "New User", "GIT_AUTHOR_EMAIL": "new.user@example.com",
        "GIT_COMMITTER_NAME": "New User", "GIT_COMMITTER_EMAIL": "new.user@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
        "SOPKIT_CACHE_DIR": str(home / "cache"),
    })
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One command of the page, as a shell runs it (argument list, one ``> FILE`` at most)."""
    words = shlex.split(command)
    out = None
    if ">" in words:
        at = words.index(">")
        words, out = words[:at], cwd / words[at + 1]
    done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    if out is not None:
        out.write_text(done.stdout, encoding="utf-8")
    return done


def test_the_setup_guide_runs_as_written(tmp_path: Path) -> None:
    steps = commented(SETUP.read_text(encoding="utf-8"))
    page = [command for command, _ in steps]
    assert "sopkit init handbook" in page and "sopkit diff main" in page
    env = environment(tmp_path / "home")
    cwd = tmp_path / "work"
    cwd.mkdir()
    outputs: dict[str, str] = {}
    for command, comment in steps:
        if command in SKIPPED:
            continue
        if command.startswith("cd "):
            cwd = cwd / shlex.split(command)[1]
            assert cwd.is_dir(), command
            continue
        done = run(command, cwd, env)
        assert done.returncode == 0, f"`{command}` failed:\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        outputs[command] = done.stdout + done.stderr
        if comment.startswith("No problems"):  # the page says what it prints
            assert outputs[command].startswith(comment), (command, outputs[command])
    assert set(SKIPPED) <= set(page), "SKIPPED names a command the page no longer has"

    handbook = tmp_path / "work" / "handbook"
    assert outputs["sopkit validate"].startswith("No problems"), outputs["sopkit validate"]
    assert (handbook / "procedures/operations/OPS-003-count-stock.yml").is_file()
    assert (handbook / "site" / "index.html").is_file()
    review = outputs["sopkit diff main"]
    assert "OPS-003 Count stock" in review and "added" in review, review
    assert "not committed" not in review  # the branch was committed as the page says
    codeowners = (handbook / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/procedures/operations/OPS-003-count-stock.yml" in codeowners
