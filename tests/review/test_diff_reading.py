"""`sopkit diff` as reviewers read it: roles by their titles, long texts word by word (English
and Chinese), the new history entry's summary, and a note on edits not committed yet."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.git_repo import Repo, make_repo

from sopkit.report.words import tokens, word_changes

ONBOARDING = "procedures/hr/onboarding.yml"
OFFBOARDING = "procedures/hr/offboarding.yml"

ORGANIZATION = """roles:
  - id: hr-manager
    title: Head of People
  - id: hr-specialist
    title: People Partner
"""


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path / "repo")


def sopkit(repo: Repo, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`sopkit ARGS` as a user runs it, in the repository (or ``cwd``)."""
    done = subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=cwd or repo.path,
                          capture_output=True, text=True, encoding="utf-8", check=False,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(repo.path),
                               "PYTHONDONTWRITEBYTECODE": "1"})
    assert "Traceback" not in done.stderr, done.stderr
    return done


def raise_version(repo: Repo, path: str, old: str, new: str, summary: str) -> None:
    repo.edit(path, f"\nversion: {old}\n", f"\nversion: {new}\n")
    repo.edit(path, "history:\n", f"history:\n  - version: {new}\n    date: 2026-02-20\n"
                                  f"    author: Li Na\n    summary: {summary}\n")


# -- roles by their titles ---------------------------------------------------------------------


def test_role_ids_are_shown_by_their_titles_from_the_organization(repo: Repo) -> None:
    """The procedure's roles have no titles of their own: organization.yml names them."""
    repo.git("checkout", "-q", "main")
    repo.write("organization.yml", ORGANIZATION)
    repo.edit(ONBOARDING, "  - id: hr-specialist\n    title: HR Specialist\n",
              "  - id: hr-specialist\n")
    repo.edit(ONBOARDING, "  - id: hr-manager\n    title: HR Manager\n", "  - id: hr-manager\n")
    repo.commit("roles titled by the organization")
    repo.git("checkout", "-q", "-B", "feature", "main")
    repo.edit(ONBOARDING, "    role: hr-specialist\n", "    role: hr-manager\n")
    raise_version(repo, ONBOARDING, "1.2.0", "1.3.0", "Managers prepare the documents.")
    repo.commit()

    markdown = sopkit(repo, "diff", "-f", "markdown").stdout
    assert "- `steps[prepare].role`: `People Partner` → `Head of People`" in markdown
    assert "hr-specialist" not in markdown
    text = sopkit(repo, "diff", "-f", "text").stdout
    assert "steps[prepare].role: People Partner → Head of People" in text
    (procedure,) = json.loads(sopkit(repo, "diff", "-f", "json").stdout)["procedures"]
    (change,) = procedure["material_changes"]
    assert (change["before"], change["after"]) == ("hr-specialist", "hr-manager")  # ids kept
    assert change["titles"] == {"hr-manager": "Head of People", "hr-specialist": "People Partner"}


def test_a_role_without_any_title_is_shown_by_its_id(repo: Repo) -> None:
    repo.edit(ONBOARDING, "owner: hr-manager", "owner: payroll-clerk")
    repo.edit(ONBOARDING, "roles:\n", "roles:\n  - id: payroll-clerk\n")
    repo.commit()
    assert "- `owner`: `HR Manager` → `payroll-clerk`" in sopkit(repo, "diff", "-f",
                                                                  "markdown").stdout


# -- long texts, word by word ------------------------------------------------------------------

LONG_EN = ("Leavers hand over their work to a named colleague, return their laptop, badge and "
           "keys to the front desk, and lose their access to every system on the last day.")


def shown_words(line: str) -> list[str]:
    """The words of a text-format change line, without the markers and ellipses."""
    plain = re.sub(r"\[-|-\]|\{\+|\+\}|…", " ", line.split(": ", 1)[1])
    return plain.split()


def test_a_long_english_text_shows_removed_and_added_words_never_cut(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    repo.edit(OFFBOARDING, "Leavers hand over their work and lose their access on the last day.",
              LONG_EN)
    repo.commit("a longer purpose")
    repo.git("checkout", "-q", "-B", "feature", "main")
    repo.edit(OFFBOARDING, "laptop, badge and keys to the front desk",
              "laptop and badge to IT and their keys to the front desk")
    raise_version(repo, OFFBOARDING, "1.0.0", "1.1.0", "Laptops go back to IT.")
    repo.commit()

    text = sopkit(repo, "diff", "-f", "text").stdout
    (line,) = [line for line in text.splitlines() if line.startswith("  purpose: ")]
    assert line == ("  purpose: …colleague, return their [-laptop, badge and-] {+laptop and badge "
                    "to IT and their+} keys to the front desk,…")
    words = set(LONG_EN.split()) | set(LONG_EN.replace("laptop, badge and keys",
                                                       "laptop and badge to IT and their keys")
                                       .split())
    assert all(word in words for word in shown_words(line)), line  # no word cut in half
    markdown = sopkit(repo, "diff", "-f", "markdown").stdout
    (md_line,) = [line for line in markdown.splitlines() if line.startswith("- `purpose`")]
    assert "<ins>" in md_line and md_line.count("<ins>") == md_line.count("</ins>")


def test_word_changes_in_english_keep_whole_words() -> None:
    old = " ".join(f"word{n}" for n in range(60))
    new = old.replace("word30", "changed30")
    parts = word_changes(old, new)
    assert ("removed", "word30") in parts and ("added", "changed30") in parts
    shown = "".join(part.text for part in parts)
    assert shown.startswith("…") and shown.endswith("…")  # long unchanged ends are left out
    for piece in re.split(r"[ …]+", shown):
        assert piece == "" or piece in old.split() or piece == "changed30", piece


def test_word_changes_in_chinese_go_character_by_character() -> None:
    assert tokens("收回权限 and keys") == ["收", "回", "权", "限", " ", "and", " ", "keys"]
    parts = word_changes("由信息部门在当天下班前收回所有系统权限",
                         "由信息部门在次日上午收回所有系统权限")
    assert [p for p in parts if p.kind in ("removed", "added")] == [
        ("removed", "当天下班前"), ("added", "次日上午")]
    assert "".join(p.text for p in parts if p.kind == "same").startswith("由信息部门在")


def test_many_changes_are_counted_not_all_shown() -> None:
    old = " ".join(f"w{n}" for n in range(40))
    new = " ".join(f"w{n}" if n % 4 else f"x{n}" for n in range(40))
    parts = word_changes(old, new)
    assert parts[-1] == ("more", " (and 4 more changes)")


# -- the history summary -----------------------------------------------------------------------


def test_the_new_history_entrys_summary_is_shown(repo: Repo) -> None:
    repo.edit(OFFBOARDING, "on the last day.", "by the end of their last day.")
    raise_version(repo, OFFBOARDING, "1.0.0", "1.1.0", "Access ends at the end of the day.")
    repo.commit()
    assert ("Version 1.0.0 → 1.1.0, with a new history entry: “Access ends at the end of the "
            "day.”") in sopkit(repo, "diff", "-f", "markdown").stdout
    assert "  history: new entry: Access ends at the end of the day.\n" in sopkit(
        repo, "diff", "-f", "text").stdout
    (procedure,) = json.loads(sopkit(repo, "diff", "-f", "json").stdout)["procedures"]
    assert procedure["history_summary"] == "Access ends at the end of the day."


# -- edits not committed yet -------------------------------------------------------------------


def test_uncommitted_procedure_edits_are_noted(repo: Repo) -> None:
    clean = sopkit(repo, "diff", "-f", "text")
    assert "not committed" not in clean.stdout and "0 procedures changed" in clean.stdout
    repo.edit(OFFBOARDING, "on the last day.", "by the end of their last day.")
    (repo.path / "procedures" / "hr" / "new; rm -rf x $(id).yml").write_text(
        repo.read(OFFBOARDING).replace("HR-002", "HR-003"), encoding="utf-8")
    (repo.path / "procedures" / "README.md").write_text("not a procedure\n", encoding="utf-8")
    (repo.path / "notes.txt").write_text("outside the procedures\n", encoding="utf-8")

    text = sopkit(repo, "diff", "-f", "text").stdout
    assert ("Note: 2 procedure files with edits not committed yet (procedures/hr/new; rm -rf x "
            "$(id).yml, procedures/hr/offboarding.yml): compared here as they are on disk, but "
            "a pull request has only what is committed: commit them.") in text
    markdown = sopkit(repo, "diff", "-f", "markdown").stdout
    assert "> **Note:** 2 procedure files with edits not committed yet" in markdown
    report = json.loads(sopkit(repo, "diff", "-f", "json").stdout)
    assert report["uncommitted"] == ["procedures/hr/new; rm -rf x $(id).yml", OFFBOARDING]

    committed = sopkit(repo, "diff", "main", "HEAD", "-f", "text").stdout
    assert "0 procedures changed" in committed
    assert "not compared here, only what is committed" in committed

    from_subfolder = sopkit(repo, "diff", "-f", "json", cwd=repo.path / "procedures" / "hr")
    assert len(json.loads(from_subfolder.stdout)["uncommitted"]) == 2

    repo.commit()
    assert "not committed" not in sopkit(repo, "diff", "-f", "text").stdout
    assert json.loads(sopkit(repo, "diff", "-f", "json").stdout)["uncommitted"] == []


def test_no_note_for_another_revision_than_the_checked_out_one(repo: Repo) -> None:
    repo.commit()
    repo.git("branch", "other")
    repo.edit(OFFBOARDING, "on the last day.", "by the end of their last day.")
    repo.commit()
    repo.edit(OFFBOARDING, "their last day", "the last day")
    assert json.loads(sopkit(repo, "diff", "main", "other", "-f", "json").stdout
                      )["uncommitted"] == []
