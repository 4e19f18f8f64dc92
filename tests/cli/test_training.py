"""`sopkit training` and `sopkit training record` on a small handbook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopkit.cli.main import main
from sopkit.format.load import Document, load_file
from sopkit.format.schema import check_schema

DATA = Path(__file__).parent.parent / "data" / "rules"

ORGANIZATION = """\
departments:
  - id: hr
    name: HR
roles:
  - id: hr-specialist
    title: HR Specialist
    department: hr
people:
  - id: li-na
    name: 李娜
    roles: [hr-specialist]
  - id: wang-fang
    name: Wang Fang
    roles: [hr-specialist]
"""

TRAINING = """\
# Trainings of 2026, kept by HR: do not reorder.
records:
  # the first session
  - person: li-na   # Li Na
    procedure: HR-001
    version: 1.2.0
    date: 2026-01-10
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / "a.yml").write_bytes((DATA / "spec-procedure.yml").read_bytes())
    (tmp_path / "organization.yml").write_text(ORGANIZATION, encoding="utf-8")
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "2026.yml").write_text(TRAINING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_every_person_who_must_be_trained(book: Path) -> None:
    code, out, _ = run("training", "-f", "json", "--today", "2026-03-01")
    assert code == 0
    assert json.loads(out) == {
        "training": [
            {"person": "li-na", "procedure": "HR-001", "status": "current",
             "version": "1.2.0", "date": "2026-01-10"},
            {"person": "wang-fang", "procedure": "HR-001", "status": "missing",
             "version": None, "date": None}],
        "summary": {"current": 1, "outdated": 0, "expired": 0, "missing": 1, "total": 2}}


def test_filters_and_due(book: Path) -> None:
    _, out, _ = run("training", "-f", "json", "--due", "--today", "2027-03-01")
    assert [(r["person"], r["status"]) for r in json.loads(out)["training"]] == [
        ("li-na", "expired"), ("wang-fang", "missing")]
    _, out, _ = run("training", "-f", "json", "--person", "li-na", "--today", "2026-03-01")
    assert [r["person"] for r in json.loads(out)["training"]] == ["li-na"]
    _, out, _ = run("training", "-f", "json", "--department", "it")
    assert json.loads(out)["training"] == []
    _, out, _ = run("training", "-f", "json", "--procedure", "HR-001", "--department", "hr")
    assert len(json.loads(out)["training"]) == 2


def test_csv_has_a_bom_and_text_a_summary(book: Path) -> None:
    _, out, _ = run("training", "-f", "csv", "--today", "2026-03-01")
    assert out.splitlines()[0] == "\ufeffperson,procedure,status,version,date"
    assert "wang-fang,HR-001,missing,," in out
    _, out, _ = run("training", "--today", "2026-03-01")
    assert out.splitlines()[-1] == "1 current, 0 outdated, 0 expired, 1 missing of 2"


def test_record_keeps_the_comments_and_refuses_a_second_copy(book: Path) -> None:
    code, out, err = run("training", "record", "wang-fang", "HR-001", "--date", "2026-02-01",
                         "--method", "classroom: day 1")
    assert (code, err) == (0, "")
    assert out == ("training/2026.yml: recorded wang-fang's training on HR-001 1.2.0 of "
                   "2026-02-01 (passed)\n")
    text = (book / "training" / "2026.yml").read_text(encoding="utf-8")
    assert text == TRAINING + ("  - person: wang-fang\n    procedure: HR-001\n"
                               "    version: 1.2.0\n    date: 2026-02-01\n"
                               '    method: "classroom: day 1"\n')
    document = load_file(book / "training" / "2026.yml")
    assert isinstance(document, Document) and check_schema(document, "training") == []
    code, _, err = run("training", "record", "wang-fang", "HR-001", "--date", "2026-02-01")
    assert code == 2
    assert err == ("sopkit: training/2026.yml already records wang-fang's training on HR-001 "
                   "1.2.0 of 2026-02-01: nothing added\n")
    assert (book / "training" / "2026.yml").read_text(encoding="utf-8").count("wang-fang") == 1


def test_record_creates_the_year_file(book: Path) -> None:
    code, _, _ = run("training", "record", "li-na", "HR-001", "--date", "2025-05-05",
                     "--result", "failed")
    assert code == 0
    assert (book / "training" / "2025.yml").read_text(encoding="utf-8") == (
        "records:\n  - person: li-na\n    procedure: HR-001\n    version: 1.2.0\n"
        "    date: 2025-05-05\n    result: failed\n")


def test_record_refuses_unknown_people_links_and_flow_lists(book: Path) -> None:
    assert run("training", "record", "nobody", "HR-001")[0] == 2
    assert run("training", "record", "li-na", "XX-9")[0] == 2
    outside = book.parent / "elsewhere.yml"
    outside.write_text("records: []\n", encoding="utf-8")
    (book / "training" / "linked.yml").symlink_to(outside)
    code, _, err = run("training", "record", "li-na", "HR-001", "--file", "training/linked.yml")
    assert code == 2 and "link" in err
    assert outside.read_text(encoding="utf-8") == "records: []\n"
    (book / "training" / "flow.yml").write_text("records: []\n", encoding="utf-8")
    code, _, err = run("training", "record", "li-na", "HR-001", "--file", "training/flow.yml")
    assert code == 2 and "by hand" in err
    assert (book / "training" / "flow.yml").read_text(encoding="utf-8") == "records: []\n"


def test_validate_reads_the_records(book: Path) -> None:
    _, out, _ = run("validate", "--today", "2026-03-01")
    assert "organization.yml" in out and "training-missing" in out


def sopkit_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`sopkit ARGS` as a user runs it (the quick way into validate included)."""
    environment = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(cwd / ".cache")}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_path_that_covers_the_training_folder_reports_on_it(book: Path) -> None:
    """`sopkit validate .` says what `sopkit validate` says: a path argument never changes
    a verdict; one that does not cover the training folder leaves its findings out."""
    with (book / "training" / "2026.yml").open("a", encoding="utf-8") as stream:
        stream.write("  - person: nobody\n    procedure: HR-001\n    version: 1.2.0\n"
                     "    date: 2026-01-11\n")
    (book.parent / "elsewhere").mkdir()
    (book / "training" / "linked").symlink_to(book.parent / "elsewhere")
    whole = sopkit_process("validate", "--today", "2026-03-01", cwd=book)
    assert whole.returncode == 1
    assert "training/2026.yml:8:13: error training-unknown-person" in whole.stdout
    assert whole.stdout.count("training/linked: error link-outside-handbook") == 1
    for covering in (".", str(book), "training"):
        named = sopkit_process("validate", "--today", "2026-03-01", covering, cwd=book)
        assert "training/2026.yml:8:13: error training-unknown-person" in named.stdout
        assert named.returncode == 1, covering
    assert (sopkit_process("validate", "--today", "2026-03-01", ".", cwd=book).stdout
            == whole.stdout)
    procedures = sopkit_process("validate", "--today", "2026-03-01", "procedures", cwd=book)
    assert "training/" not in procedures.stdout
    assert "procedures/a.yml" in procedures.stdout  # the fixture's procedure has errors


@pytest.mark.parametrize("args", [["training", "--today", "2026-13-01"],
                                  ["training", "record", "li-na", "HR-001", "--date", "soon"]])
def test_a_date_that_is_not_one_is_said_as_everywhere_else(book: Path, args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert "is not a date: write it as YYYY-MM-DD" in err
