"""`sopkit` run as a user runs it (a subprocess in a folder), and handbooks to run it on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sopkit.cli.scaffold import Language, init_handbook


def sopkit(args: list[str], cwd: Path,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m sopkit ARGS` in ``cwd``: plain output, not as inside GitHub Actions."""
    environment = {**os.environ, "NO_COLOR": "1"}
    for name in ("GITHUB_ACTIONS", "GITLAB_CI", "CI"):
        environment.pop(name, None)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)


def scaffolded(folder: Path, language: Language = "en") -> Path:
    """A handbook as `sopkit init` writes it, in ``folder``."""
    init_handbook(folder, language)
    return folder


def findings(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    """The diagnostics of a `sopkit validate --format json` run."""
    assert done.stdout, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    found: list[dict[str, Any]] = report["diagnostics"]
    return found
