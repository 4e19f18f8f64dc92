"""`sopkit export audit`: per procedure, in date order, its commits (version, status,
author, from git), approval records and training records."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from .test_approvals import book, git, run  # noqa: F401  (book: the fixture)


def _commit(root: Path, day: str, message: str) -> str:
    os.environ["GIT_COMMITTER_DATE"] = os.environ["GIT_AUTHOR_DATE"] = f"{day}T12:00:00+00:00"
    try:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message)
    finally:
        del os.environ["GIT_COMMITTER_DATE"], os.environ["GIT_AUTHOR_DATE"]
    return git(root, "rev-parse", "HEAD").strip()


def test_the_trail_of_an_approved_and_edited_procedure(book: Path) -> None:  # noqa: F811
    git(book, "init", "-q", "-b", "main")
    first = _commit(book, "2026-01-05", "HR-001 1.2.0 for review")
    assert run("approve", "HR-001", "--as", "li-na", "--date", "2026-01-12")[0] == 0
    (book / "training").mkdir()
    (book / "training" / "2026.yml").write_text(
        "records:\n  - person: wang-fang\n    procedure: HR-001\n    version: 1.2.0\n"
        "    date: 2026-01-20\n    method: classroom\n", encoding="utf-8")
    _commit(book, "2026-01-12", "approved")
    procedure = book / "procedures" / "a.yml"
    procedure.write_text(procedure.read_text(encoding="utf-8").replace(
        "title: New employee onboarding", "title: Onboarding", 1), encoding="utf-8")
    last = _commit(book, "2026-02-01", "retitled")
    code, out, _ = run("export", "audit", "--format", "json", "--today", "2026-03-01")
    assert code == 0
    trail = json.loads(out)
    assert trail["format"] == "sopkit-audit" and trail["since"] is None
    events = next(p for p in trail["procedures"] if p["id"] == "HR-001")["events"]
    assert [(e["date"], e["kind"], e["version"], e["commit"]) for e in events] == [
        ("2026-01-05", "commit", "1.2.0", first),
        ("2026-01-05", "approval", "1.2.0", ""),  # the fixture's review, of another digest
        ("2026-01-12", "approval", "1.2.0", ""),
        ("2026-01-20", "training", "1.2.0", ""),
        ("2026-02-01", "commit", "1.2.0", last)]
    assert events[0]["who"] == "Test Author <test@example.com>"
    assert "(no commit of the procedure has this content)" in events[1]["detail"]
    assert events[2]["who"] == "李娜 (li-na)" and events[2]["role"] == "coo"
    assert events[2]["detail"].startswith("approved, sha256:")
    assert "no commit" not in events[2]["detail"]  # the approved content was committed
    assert events[3]["detail"] == "passed, classroom"
    code, out, _ = run("export", "audit", "--since", "2026-01-15", "--today", "2026-03-01")
    assert code == 0 and out.startswith("\ufeffprocedure,title,date,event,")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"), newline="")))
    assert [(row["procedure"], row["event"]) for row in rows] == [
        ("HR-001", "training"), ("HR-001", "commit")]


def test_outside_a_repository_it_is_a_one_line_error(book: Path) -> None:  # noqa: F811
    code, _, err = run("export", "audit", "--today", "2026-03-01")
    last = err.splitlines()[-1]  # after the check's warnings
    assert code == 2 and last.startswith("sopkit: ") and "is not in a git repository" in last
