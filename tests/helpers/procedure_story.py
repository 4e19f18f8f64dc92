"""A procedure's life in a real git repository, for the document-control tests: drafted,
approved, moved, revised, put in review, retired (``sopkit show --at``, ``sopkit history``
and the site's version periods answer from it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.gitrepo import DatedRepo

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


def procedure(version: str, status: str, effective: str | None, history: str,
              procedure_id: str = "HR-001") -> str:
    effective_line = f"effective_date: {effective}\n" if effective else ""
    approvers = "approvers: [coo]\n" if status == "approved" else ""
    return f"""\
id: {procedure_id}
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


def build_story(folder: Path) -> Story:
    """A procedure's life: drafted, approved, moved, revised, put in review, retired."""
    repo = DatedRepo(folder / "handbook")
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
