"""`sopkit digest`, `sopkit approve` and the approval records in `sopkit validate` (format
1.2), on a small handbook; and in git, an approved procedure edited in a later commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.git_repo import IDENTITY

from sopkit.cli.main import main
from sopkit.format.load import Document, load_file
from sopkit.format.schema import check_schema

DATA = Path(__file__).parent.parent / "data" / "rules"
DIGEST = "sha256:c53c3c56645b1f2c2631948ce7bbdbc135ef8776fa741a67b27302087dc88adb"

ORGANIZATION = """\
departments:
  - id: hr
    name: HR
roles:
  - id: coo
    title: Chief Operating Officer
  - id: hr-manager
    title: HR Manager
people:
  - id: li-na
    name: 李娜
    roles: [coo, hr-manager]
  - id: wang-fang
    name: Wang Fang
    roles: [hr-manager]
"""

APPROVALS = """\
# Approvals of 2026: each added by sopkit approve, committed signed.
records:
  # the handbook's first review
  - procedure: HR-001   # onboarding
    version: 1.2.0
    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
    person: wang-fang
    role: hr-manager
    meaning: reviewed
    date: 2026-01-05
"""

RELATED = """\
id: HR-002
title: Offboarding
version: 1.0.0
status: draft
owner: hr-manager
purpose: Leavers leave cleanly.
scope:
  includes: [Everyone]
roles:
  - id: hr-manager
steps:
  - id: collect
    title: Collect equipment
    role: hr-manager
history:
  - version: 1.0.0
    date: 2026-01-01
    author: hr-manager
    summary: First release.
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / "a.yml").write_bytes((DATA / "spec-procedure.yml").read_bytes())
    (tmp_path / "procedures" / "b.yml").write_text(RELATED, encoding="utf-8")
    (tmp_path / "organization.yml").write_text(ORGANIZATION, encoding="utf-8")
    (tmp_path / "approvals").mkdir()
    (tmp_path / "approvals" / "2026.yml").write_text(APPROVALS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_digest_prints_the_content_digest(book: Path) -> None:
    assert run("digest", "HR-001") == (0, DIGEST + "\n", "")
    code, _, err = run("digest", "XX-1")
    assert code == 2 and err.startswith("sopkit: 'XX-1' is not the id of one valid procedure")


def test_schema_approval_is_the_approvals_schema(book: Path) -> None:
    code, out, _ = run("schema", "approval")
    assert code == 0 and '"title": "sopkit approval records"' in out


def test_approve_keeps_the_comments_and_prints_the_signing_line(book: Path) -> None:
    code, out, err = run("approve", "HR-001", "--as", "li-na", "--date", "2026-01-12",
                         "--note", "Approved: for use from 15 January",
                         "--file", "approvals/2026.yml")
    assert (code, err) == (0, "")
    assert out == (f"approvals/2026.yml: recorded li-na's signature (approved, as coo) of "
                   f"HR-001 1.2.0 of 2026-01-12, {DIGEST}\n"
                   "sign it: git add approvals/2026.yml && git commit -S -m "
                   "'HR-001 1.2.0 approved by li-na (coo)'\n")
    text = (book / "approvals" / "2026.yml").read_text(encoding="utf-8")
    assert text == APPROVALS + (
        f"  - procedure: HR-001\n    version: 1.2.0\n    digest: {DIGEST}\n"
        "    person: li-na\n    role: coo\n    meaning: approved\n    date: 2026-01-12\n"
        '    note: "Approved: for use from 15 January"\n')
    document = load_file(book / "approvals" / "2026.yml")
    assert isinstance(document, Document) and check_schema(document, "approval") == []
    code, _, err = run("approve", "HR-001", "--as", "li-na", "--date", "2026-01-13",
                       "--file", "approvals/2026.yml")
    assert code == 2
    assert err == ("sopkit: approvals/2026.yml already records li-na's signature (approved, "
                   "as coo) of HR-001 1.2.0 with this digest: nothing added\n")
    assert (book / "approvals" / "2026.yml").read_text(encoding="utf-8") == text


def test_approve_refuses_a_role_the_person_does_not_hold(book: Path) -> None:
    code, _, err = run("approve", "HR-001", "--as", "wang-fang", "--role", "coo")
    assert code == 2
    assert err == ("sopkit: wang-fang does not hold the role 'coo' (their roles: hr-manager): "
                   "name a role they hold with --role\n")
    code, _, err = run("approve", "HR-001", "--as", "wang-fang")
    assert code == 2 and err.startswith("sopkit: name the role wang-fang signs in with --role")
    code, _, err = run("approve", "HR-001", "--as", "li-na", "--role", "hr-manager")
    assert code == 2 and "'hr-manager' is not an approver of HR-001" in err
    assert run("approve", "HR-001", "--as", "nobody")[0] == 2
    code, _, err = run("approve", "HR-001", "--as", "li-na", "--date", "2999-01-01")
    assert code == 2 and err.startswith("sopkit: --date 2999-01-01 is after today")
    assert (book / "approvals" / "2026.yml").read_text(encoding="utf-8") == APPROVALS
    code, _, _ = run("approve", "HR-001", "--as", "wang-fang", "--meaning", "reviewed",
                     "--date", "2026-01-06")
    assert code == 0


def sopkit_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`sopkit ARGS` as a user runs it (the quick way into validate included)."""
    environment = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(cwd / ".cache")}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_validate_with_no_option_reads_the_approvals(book: Path) -> None:
    done = sopkit_process("validate", "--today", "2026-03-01", cwd=book)
    assert "procedures/a.yml:9:13: warning approval-missing: HR-001 1.2.0 is approved" in (
        done.stdout)
    (book / "approvals").rename(book / "signoffs")
    (book / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - sopkit:\n"
                                     "      approvals: signoffs\n", encoding="utf-8")
    with (book / "signoffs" / "2026.yml").open("a", encoding="utf-8") as stream:
        stream.write("  - procedure: HR-001\n    version: 1.2.0\n    digest: nope\n"
                     "    person: li-na\n    role: coo\n    meaning: approved\n"
                     "    date: 2026-01-05\n")
    done = sopkit_process("validate", "--today", "2026-03-01", cwd=book)
    assert done.returncode == 1
    assert ("signoffs/2026.yml:13:13: error schema: digest 'nope' is not valid: copy "
            "the digest `sopkit digest ID` prints: sha256: and 64 hexadecimal "
            "digits") in done.stdout


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *IDENTITY, *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout


def test_an_approved_procedure_edited_in_a_later_commit_is_stale(book: Path) -> None:
    git(book, "init", "-q")
    assert run("approve", "HR-001", "--as", "li-na", "--date", "2026-01-12")[0] == 0
    git(book, "add", "-A")
    git(book, "commit", "-q", "-m", "HR-001 1.2.0 approved by li-na (coo)")
    clean = sopkit_process("validate", "--today", "2026-03-01", cwd=book)
    assert "approval-" not in clean.stdout, clean.stdout
    procedure = book / "procedures" / "a.yml"
    text = procedure.read_text(encoding="utf-8")
    head, rest = text.split("\nhistory:", 1)
    first, entries = rest.split("\n", 1)
    procedure.write_text(head.replace("version: 1.2.0", "version: 1.3.0", 1) + "\nhistory:"
                         + first + "\n  - version: 1.3.0\n    date: 2026-02-01\n"
                         "    author: hr-manager\n    summary: A shorter first week.\n"
                         + entries, encoding="utf-8")
    git(book, "commit", "-q", "-am", "HR-001 1.3.0")
    done = sopkit_process("validate", "--today", "2026-03-01", cwd=book)
    assert done.returncode == 0, done.stdout  # a warning by default
    assert ("procedures/a.yml:9:13: warning approval-stale: HR-001 changed after li-na (coo) "
            "approved version 1.2.0 on 2026-01-12 (now 1.3.0; since then: 1.3.0 A shorter "
            "first week.): approve the current content again (sopkit approve HR-001 --as "
            "li-na --role coo)") in done.stdout


def test_approve_adds_the_first_record_under_a_header(book: Path) -> None:
    header = "# Approvals, signed by their approvers\nrecords:   # newest last\n"
    (book / "approvals" / "li-na.yml").write_text(header, encoding="utf-8")
    assert run("approve", "HR-001", "--as", "li-na", "--date", "2026-01-12")[0] == 0
    text = (book / "approvals" / "li-na.yml").read_text(encoding="utf-8")  # one per signer
    assert text.startswith(header + "  - procedure: HR-001\n")


def test_diff_says_which_approvals_a_change_invalidates(book: Path) -> None:
    git(book, "init", "-q", "-b", "main")
    assert run("approve", "HR-001", "--as", "li-na", "--date", "2026-01-12")[0] == 0
    git(book, "add", "-A")
    git(book, "commit", "-q", "-m", "HR-001 1.2.0 approved")
    git(book, "checkout", "-q", "-b", "edit")
    procedure = book / "procedures" / "a.yml"
    text = procedure.read_text(encoding="utf-8")
    procedure.write_text(text.replace("status: approved", "status: review", 1), "utf-8")
    _, out, _ = run("diff", "main", "--format", "text")
    assert "HR-001" in out and "invalidates" not in out  # the status is not content
    procedure.write_text(text.replace("title: New employee onboarding",
                                      "title: Onboarding of new employees", 1), "utf-8")
    _, out, _ = run("diff", "main", "--format", "markdown")
    assert "### Approvals" in out
    assert "- HR-001 1.2.0 → 1.2.0: 李娜 (li-na) approved as coo on 2026-01-12" in out
    _, out, _ = run("diff", "main", "--format", "json")
    invalidated = json.loads(out)["approvals"]["invalidated"]
    assert [(item["procedure"], item["approvals"][0]["person"]) for item in invalidated] == [
        ("HR-001", "li-na")]
