"""sopkit.review.diff and `sopkit diff`: real repositories, every kind of change, three formats."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import DATA, Golden
from helpers.git_repo import Repo, make_repo

from sopkit.cli.main import diff as diff_command
from sopkit.cli.main import main
from sopkit.config import load_config
from sopkit.format.load import Document, load_bytes
from sopkit.report.diff import COMMENT_LIMIT, fit_comment, format_diff
from sopkit.report.values import md_code, md_text
from sopkit.review.compare import (
    OWNER,
    STEP_RACI,
    STEP_REMOVED,
    STEP_ROLE,
    STEPS_REORDERED,
    FieldChange,
    compare,
    content_changed,
    history_added,
    same,
)
from sopkit.review.diff import diff_handbook

ONBOARDING = "procedures/hr/onboarding.yml"
OFFBOARDING = "procedures/hr/offboarding.yml"
ACCESS = "procedures/it/access.yml"

NEW_ENTRY = """history:
  - version: {version}
    date: 2026-02-20
    author: Li Na
    summary: {summary}
"""


def raise_version(repo: Repo, path: str, old: str, new: str, summary: str | None) -> None:
    """Raise ``path``'s version, adding a history entry when ``summary`` is given."""
    repo.edit(path, f"\nversion: {old}\n", f"\nversion: {new}\n")
    if summary is not None:
        repo.edit(path, "history:\n", NEW_ENTRY.format(version=new, summary=summary))


# -- scenarios: what a pull request does to the handbook -----------------------------------------


def step_removed(repo: Repo) -> None:
    repo.edit(ONBOARDING, """  - id: accounts
    title: Create accounts and equipment
    role: it-admin
    duration: 1d
""", "")


def role_changed(repo: Repo) -> None:
    repo.edit(ONBOARDING, "    role: hr-specialist\n", "    role: hr-manager\n")
    raise_version(repo, ONBOARDING, "1.2.0", "1.3.0", "HR managers prepare the documents.")


def moved(repo: Repo) -> None:
    (repo.path / "procedures" / "people").mkdir()
    repo.git("mv", OFFBOARDING, "procedures/people/leavers.yml")


def deleted(repo: Repo) -> None:
    (repo.path / ACCESS).unlink()


def added(repo: Repo) -> None:
    text = repo.read(ACCESS).replace("IT-001", "IT-002").replace("Access review", "Backups")
    repo.write("procedures/it/backups.yml", text)


def version_raised(repo: Repo) -> None:
    repo.edit(OFFBOARDING, "on the last day.", "by the end of their last day.")
    raise_version(repo, OFFBOARDING, "1.0.0", "1.1.0", "Access ends at the end of the day.")


def version_no_history(repo: Repo) -> None:
    repo.edit(OFFBOARDING, "on the last day.", "by the end of their last day.")
    raise_version(repo, OFFBOARDING, "1.0.0", "1.1.0", None)


def patch_material(repo: Repo) -> None:
    steps = repo.read(ONBOARDING)
    accounts = """  - id: accounts
    title: Create accounts and equipment
    role: it-admin
    duration: 1d
"""
    welcome = """  - id: welcome
    title: Welcome on day one
    role: hr-manager
"""
    repo.write(ONBOARDING, steps.replace(accounts + welcome, welcome + accounts))
    repo.edit(ONBOARDING, "owner: hr-manager", "owner: coo")
    raise_version(repo, ONBOARDING, "1.2.0", "1.2.1", "Welcome before accounts.")


def invalid_at_base(repo: Repo) -> None:
    """The base revision holds a broken file; this branch repairs it."""
    good = repo.read(ACCESS)
    repo.git("checkout", "-q", "main")
    repo.write(ACCESS, good.replace("title: Access review", "title: [Access review"))
    repo.commit("a broken file on main")
    repo.git("checkout", "-q", "-B", "feature", "main")
    repo.write(ACCESS, good)


def formatting_only(repo: Repo) -> None:
    text = repo.read(OFFBOARDING)
    text = text.replace("title: Employee offboarding", "title: 'Employee offboarding'  # quoted")
    text = text.replace("  includes: [All employees]", "  includes:\n    - All employees")
    repo.write(OFFBOARDING, "# a comment on top\n" + text + "x-owner-team: people-ops\n")


def id_changed(repo: Repo) -> None:
    repo.edit(OFFBOARDING, "id: HR-002", "id: HR-020")


def version_down(repo: Repo) -> None:
    repo.edit(ACCESS, "version: 2.0.0", "version: 1.9.0")
    repo.edit(ACCESS, "  - version: 2.0.0", "  - version: 1.9.0")


def hostile(repo: Repo) -> None:
    repo.edit(OFFBOARDING, "title: Employee offboarding",
              'title: "A | B <img src=x onerror=alert(1)> `x` @octocat"')
    repo.edit(OFFBOARDING, "on the last day.",
              'on the last day.\n  | table | ``` fence ``` <b>bold</b> [link](https://evil)')
    raise_version(repo, OFFBOARDING, "1.0.0", "1.0.1", "Clearer title.")


ZH_PURPOSE = ("离职员工在最后一个工作日交接全部工作，"
              "并由信息部门在当天下班前收回所有系统权限和设备，"
              "人力资源部在离职面谈后一周内把离职证明和社保转移材料交给员工本人。")


def chinese_text(repo: Repo) -> None:
    """A Chinese purpose (no spaces between words) in which a few characters change."""
    repo.git("checkout", "-q", "main")
    repo.edit(OFFBOARDING, "Leavers hand over their work and lose their access on the last day.",
              ZH_PURPOSE)
    repo.commit("a Chinese purpose")
    repo.git("checkout", "-q", "-B", "feature", "main")
    repo.edit(OFFBOARDING, "当天下班前", "次日上午")
    raise_version(repo, OFFBOARDING, "1.0.0", "1.1.0", "权限次日上午收回。")


Setup = Callable[[Repo], None]

SCENARIOS: dict[str, tuple[Setup, int, dict[str, str], set[str]]] = {
    # name: (setup, exit code, {id: change}, rules reported)
    "step-removed": (step_removed, 1, {"HR-001": "modified"}, {"version-not-raised"}),
    "role-changed": (role_changed, 0, {"HR-001": "modified"}, set()),
    "moved": (moved, 0, {"HR-002": "unchanged"}, set()),
    "deleted": (deleted, 0, {"IT-001": "removed"}, set()),
    "added": (added, 0, {"IT-002": "added"}, set()),
    "version-raised": (version_raised, 0, {"HR-002": "modified"}, set()),
    "version-no-history": (version_no_history, 1, {"HR-002": "modified"},
                           {"history-not-updated"}),
    "patch-material": (patch_material, 1, {"HR-001": "modified"},
                       {"material-change-needs-minor"}),
    "invalid-at-base": (invalid_at_base, 0, {"IT-001": "invalid"}, set()),
    "formatting-only": (formatting_only, 0, {}, set()),
    "id-changed": (id_changed, 0, {"HR-002": "removed", "HR-020": "added"}, set()),
    "version-down": (version_down, 1, {"IT-001": "modified"}, {"version-not-raised"}),
    "hostile": (hostile, 0, {"HR-002": "modified"}, set()),
    "chinese-text": (chinese_text, 0, {"HR-002": "modified"}, set()),
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = make_repo(tmp_path / "repo")
    monkeypatch.chdir(made.path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return made


def invoke(*args: str) -> Result:
    return CliRunner().invoke(diff_command, list(args))


def normalized(repo: Repo, text: str) -> str:
    """Output with the merge-base commit id replaced, so golden files do not depend on it."""
    base = repo.git("merge-base", "main", "HEAD")
    return text.replace(base, "<base>").replace(base[:12], "<base>")


@pytest.mark.parametrize("name", SCENARIOS)
def test_diff_in_three_formats(name: str, repo: Repo, golden: Golden) -> None:
    setup, code, changes, rules = SCENARIOS[name]
    setup(repo)

    markdown = invoke("--format", "markdown")
    assert markdown.exit_code == code, markdown.output + markdown.stderr
    golden(f"diff/{name}.md", normalized(repo, markdown.stdout))

    report = json.loads(invoke("--format", "json").stdout)
    assert {p["id"]: p["change"] for p in report["procedures"]
            if p["change"] != "unchanged" or p["moved"]} == (changes if name != "moved" else
                                                              {"HR-002": "unchanged"})
    assert {d["rule"] for d in report["diagnostics"]} == rules
    assert report["summary"]["errors"] == (1 if code else 0)

    text = invoke("--format", "text")
    assert text.exit_code == code
    for procedure_id, change in changes.items():
        assert f"\n{procedure_id} " in text.stdout
        assert f"  {change}" in text.stdout or f"  {'moved' if name == 'moved' else change}" \
            in text.stdout
    for rule in rules:
        assert f" error {rule}: " in text.stdout


def test_step_removed_details(repo: Repo) -> None:
    step_removed(repo)
    report = json.loads(invoke("-f", "json").stdout)
    (procedure,) = report["procedures"]
    assert procedure["material"] is True
    assert [(c["path"], c["change"], c["material"]) for c in procedure["material_changes"]] == [
        ("steps[accounts]", "removed", STEP_REMOVED)]
    (finding,) = report["diagnostics"]
    assert finding["message"] == (
        "the procedure changed but version is still '1.2.0': raise it to 1.3.0 at least "
        "(step 'accounts' was removed), and add a history entry for it")
    assert (finding["file"], finding["line"], finding["column"]) == (ONBOARDING, 5, 10)


def test_role_change_is_material_and_listed_first(repo: Repo) -> None:
    role_changed(repo)
    (procedure,) = json.loads(invoke("-f", "json").stdout)["procedures"]
    assert procedure["version"] == {"before": "1.2.0", "after": "1.3.0"}
    assert procedure["history_added"] is True
    assert procedure["material_changes"] == [{
        "path": "steps[prepare].role", "change": "changed", "before": "hr-specialist",
        "after": "hr-manager", "material": STEP_ROLE,
        "titles": {"hr-manager": "HR Manager", "hr-specialist": "HR Specialist"}}]
    assert procedure["other_changes"] == []  # the new history entry is not listed again


def test_a_moved_procedure_is_the_same_procedure(repo: Repo) -> None:
    moved(repo)
    result = diff_handbook(load_config(repo.path), None, None)
    (procedure,) = result.changed
    assert (procedure.id, procedure.change, procedure.moved) == ("HR-002", "unchanged", True)
    assert procedure.base_file == OFFBOARDING
    assert procedure.head_file == "procedures/people/leavers.yml"


def test_head_can_be_a_revision(repo: Repo) -> None:
    step_removed(repo)
    repo.commit()
    repo.write(ONBOARDING, "not: [even yaml\n")  # the working tree is not looked at
    result = invoke("main", "feature", "-f", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["head"]["revision"] == "feature"
    assert report["procedures"][0]["material_changes"][0]["path"] == "steps[accounts]"


def test_invalid_yaml_at_base_is_reported_not_raised(repo: Repo) -> None:
    invalid_at_base(repo)
    (procedure,) = json.loads(invoke("-f", "json").stdout)["procedures"]
    assert procedure["id"] == "IT-001"
    (problem,) = procedure["problems"]["base"]
    assert problem["file"] == ACCESS and problem["line"] >= 2
    assert "quoted" in problem["message"] or "YAML" in problem["message"]


def test_invalid_at_head_and_schema_failures(repo: Repo) -> None:
    repo.write(ACCESS, "id: IT-001\ntitle: [unclosed\n")
    repo.edit(OFFBOARDING, "status: draft", "status: finished")
    result = diff_handbook(load_config(repo.path), None, None)
    changes = {p.id: p for p in result.changed}
    assert changes["IT-001"].change == "invalid"
    assert changes["IT-001"].head_problems[0].rule == "syntax"
    assert changes["HR-002"].change == "invalid"
    assert "status 'finished' is not allowed" in changes["HR-002"].head_problems[0].message


def test_formatting_and_extension_keys_are_not_changes(repo: Repo) -> None:
    formatting_only(repo)
    result = invoke("-f", "markdown")
    assert result.exit_code == 0
    assert "No procedure changed (3 procedures compared)." in result.stdout


def test_the_merge_base_is_compared_not_the_base_tip(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    raise_version(repo, ACCESS, "2.0.0", "2.1.0", "Changed on main later.")
    repo.edit(ACCESS, "Export the access lists", "Export all access lists")
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    result = invoke("main", "-f", "json")
    assert result.exit_code == 0  # not "version went down from 2.1.0 to 2.0.0"
    assert json.loads(result.stdout)["procedures"] == []


# -- git problems: one line on stderr, exit 2 ----------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--", "-x"], "sopkit: '-x' is not a revision: name a branch, tag or commit"),
    (["--", "--output=owned"], "sopkit: '--output=owned' is not a revision"),
    (["nothing-here"], "sopkit: 'nothing-here' names no commit in this repository\n"),
    (["main", "nothing-here"], "sopkit: 'nothing-here' names no commit in this repository\n"),
])
def test_bad_revisions(repo: Repo, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert not (repo.path / "owned").exists()


def test_an_option_like_revision_is_a_usage_error(repo: Repo) -> None:
    result = invoke("-x")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_shallow_clone_gives_a_clear_message(repo: Repo, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    step_removed(repo)
    repo.commit()
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature",
                    repo.path.as_uri(), str(clone)], check=True)
    monkeypatch.chdir(clone)
    for args in ([], ["origin/main"]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "shallow" in result.stderr and "fetch-depth: 0" in result.stderr
        assert result.stderr.count("\n") == 1


def test_not_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "procedures").mkdir()
    result = invoke()
    assert result.exit_code == 2
    assert "is not in a git repository" in result.stderr


def test_default_format_is_markdown_in_github_actions(repo: Repo,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    step_removed(repo)
    assert invoke().stdout.startswith("Compared main")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert invoke().stdout.startswith("## sopkit: procedure changes")


def test_rule_severities_come_from_the_config(repo: Repo) -> None:
    repo.write("mkdocs.yml", "site_name: H\nplugins:\n  - sopkit:\n      rules:\n"
                             "        version-not-raised: warning\n")
    step_removed(repo)
    result = invoke("-f", "text")
    assert result.exit_code == 0
    assert " warning version-not-raised: " in result.stdout
    repo.write("mkdocs.yml", "site_name: H\nplugins:\n  - sopkit:\n      rules:\n"
                             "        version-not-raised: off\n")
    assert invoke("-f", "json").stdout.count('"rule"') == 0


def test_validate_with_base_runs_the_change_rules(repo: Repo,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    version_no_history(repo)
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(main, ["validate", "--format", "json", "--base", "main"])
    found = [d for d in json.loads(result.stdout)["diagnostics"]
             if d["rule"] in ("history-not-updated", "history-version-mismatch")]
    # The same fault once, not by both rules.
    assert [(d["file"], d["severity"]) for d in found] == [(OFFBOARDING, "error")]
    assert result.exit_code == 1
    missing = CliRunner().invoke(main, ["validate", "--base", "nope"])
    assert missing.exit_code == 2
    assert "names no commit" in missing.stderr


def test_validate_with_base_gives_one_verdict_whatever_the_paths(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    step_removed(repo)  # version-not-raised, and no other finding in that file
    monkeypatch.chdir(repo.path)

    def change_findings(*paths: str) -> tuple[int, list[tuple[str, str]]]:
        result = CliRunner().invoke(main, ["validate", "-f", "json", "--base", "main", *paths])
        return result.exit_code, [(d["file"], d["rule"])
                                  for d in json.loads(result.stdout)["diagnostics"]]

    whole = (1, [(ONBOARDING, "version-not-raised")])
    assert change_findings() == whole
    for paths in (["."], ["procedures"], ["procedures/hr"], [ONBOARDING], [f"./{ONBOARDING}"],
                  [str(repo.path / ONBOARDING)], [ONBOARDING, OFFBOARDING]):
        assert change_findings(*paths) == whole, paths
    assert change_findings(OFFBOARDING) == (0, [])  # it covers other files only
    assert change_findings("procedures/it") == (0, [])


def test_help_explains_formats_and_exit_codes() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for text in ("--format", "markdown", "Exit codes", "fetch-depth: 0", "merge base"):
        assert text in result.output


# -- the comparison itself -----------------------------------------------------------------------


def data(text: str) -> dict[str, Any]:
    document = load_bytes(text.encode("utf-8"), "p.yml")
    assert isinstance(document, Document)
    return document.data


BEFORE = data(DATA.joinpath("diff/handbook", ONBOARDING).read_text())


def changed(**edits: Any) -> dict[str, Any]:
    after = json.loads(json.dumps(BEFORE))
    after.update(edits)
    return after


def paths(changes: tuple[FieldChange, ...]) -> list[tuple[str, str, str]]:
    return [(c.path, c.change, c.material) for c in changes]


def test_steps_are_compared_by_id_not_position() -> None:
    steps = BEFORE["steps"]
    after = changed(steps=[steps[0], steps[2], steps[1]])
    assert paths(compare(BEFORE, after)) == [("steps", "reordered", STEPS_REORDERED)]
    (change,) = compare(BEFORE, after)
    assert change.before == ["prepare", "accounts", "welcome"]
    assert change.after == ["prepare", "welcome", "accounts"]


def test_a_removed_step_is_not_also_a_reorder() -> None:
    steps = BEFORE["steps"]
    assert paths(compare(BEFORE, changed(steps=[steps[0], steps[2]]))) == [
        ("steps[accounts]", "removed", STEP_REMOVED)]


def test_the_change_rules_compare_without_git_the_diff_or_the_config() -> None:
    # `sopkit validate` registers the change rules at start-up, so what they import (the
    # pure comparison) is paid for on every run, and must not import the diff (no cycle).
    code = ("import sys, sopkit.rules._catalog, sopkit.review.compare; "
            "print(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    modules = set(done.stdout.split())
    assert "sopkit.review.compare" in modules
    assert not modules & {"subprocess", "dataclasses", "sopkit.config", "sopkit.review.git",
                          "sopkit.review.diff", "sopkit.review.revisions"}


def test_raci_owner_and_fields_addressed_by_id_and_name() -> None:
    after = json.loads(json.dumps(BEFORE))
    after["owner"] = "coo"
    after["steps"][0]["consulted"] = []
    after["steps"][0]["duration"] = "3h"
    after["metrics"][0]["target"] = "<= 4 days"
    after["purpose"] = "Something else."
    assert paths(compare(BEFORE, after)) == [
        ("steps[prepare].consulted", "changed", STEP_RACI),
        ("owner", "changed", OWNER),
        ("purpose", "changed", ""),
        ("steps[prepare].duration", "changed", ""),
        ("metrics[Time to productive].target", "changed", ""),
    ]


def test_lists_without_names_are_addressed_by_position() -> None:
    before = changed(objectives=[{"description": "A", "target": "1"},
                                 {"description": "A", "target": "2"}])
    after = changed(objectives=[{"description": "A", "target": "1"},
                                {"description": "A", "target": "3"},
                                {"description": "B"}])
    assert paths(compare(before, after)) == [("objectives[2].target", "changed", ""),
                                             ("objectives[3]", "added", "")]


def test_extension_keys_and_types() -> None:
    assert not content_changed(BEFORE, changed(**{"x-team": "ops"}))
    assert same(1, 1) and not same(1, 1.0) and not same(1, True)
    assert compare(BEFORE, changed(**{"x-team": "ops"})) == ()


def test_version_history_and_review_date_are_not_content() -> None:
    after = changed(version="1.2.1", review={"last_reviewed": "2026-02-01"})
    before = changed(review={"last_reviewed": "2026-01-01"})
    assert not content_changed(before, after)
    assert content_changed(before, changed(review={"last_reviewed": "2026-01-01",
                                                   "interval_months": 6}))
    assert not history_added(BEFORE, after)


# -- formatting of hostile text ------------------------------------------------------------------


def test_markdown_escaping() -> None:
    assert md_text("a | b <script> `x` *y* @octocat") == (
        "a \\| b \\<script\\> \\`x\\` \\*y\\* @\u200boctocat")
    assert md_text("one\ntwo") == "one ⏎ two"
    assert md_code("a `b` c") == "``a `b` c``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b", table=True) == "`a\\|b`"
    assert md_code("") == '`""`'


def test_hostile_text_stays_inert(repo: Repo) -> None:
    hostile(repo)
    out = invoke("-f", "markdown").stdout
    outside_code = re.sub(r"(`+).*?\1", "", out)
    ours = re.sub(r"</?(ins|del)>|^> ", "", outside_code, flags=re.MULTILINE)  # sopkit's marks
    assert "\\<img" in ours and not re.search(r"(?<!\\)[<>]", ours)
    assert "\\<b\\>bold" in ours and "https://evil" not in ours  # escaped, and not a link
    assert "@octocat" not in outside_code  # mentions in code spans do not notify
    table = [line for line in out.splitlines() if line.startswith("| `HR-002`")]
    assert len(table) == 1 and table[0].count(" | ") == 4  # the title's '|' is escaped
    text = invoke("-f", "text").stdout
    assert "\x1b" not in text


def test_long_markdown_is_cut_to_fit_a_github_comment() -> None:
    lines = [f"| `HR-{number:03}` | a procedure | modified | 1.0.0 → 1.1.0 | yes |"
             for number in range(5000)]
    markdown = "\n".join(["## sopkit: procedure changes", "", *lines]) + "\n"
    assert len(markdown) > COMMENT_LIMIT
    cut = fit_comment(markdown)
    assert len(cut) <= COMMENT_LIMIT
    kept = cut.splitlines()
    assert kept[:-2] == markdown.splitlines()[:len(kept) - 2]  # whole lines, in order
    left_out = len(markdown.splitlines()) - (len(kept) - 2)
    assert kept[-2] == "" and kept[-1].startswith(f"**The report is cut here**: {left_out} more")
    assert fit_comment("short\n") == "short\n"
    assert len(fit_comment(markdown, limit=300)) <= 300


def test_format_diff_rejects_unknown_formats(repo: Repo) -> None:
    with pytest.raises(ValueError, match="unknown diff format"):
        format_diff(diff_handbook(load_config(repo.path), None, None), "html")


# -- organization.yml --------------------------------------------------------------------------

ORGANIZATION = """departments:
  - id: hr
    name: Human Resources
roles:
  - id: hr-manager
    title: HR Manager
    department: hr
  - id: hr-specialist
    title: HR Specialist
    department: hr
people:
  - id: li-na
    name: Li Na
    roles: [hr-manager]
"""


def with_organization(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    repo.write("organization.yml", ORGANIZATION)
    repo.commit("organization.yml")
    repo.git("checkout", "-q", "-B", "feature", "main")


def test_organization_changes_are_shown(repo: Repo) -> None:
    with_organization(repo)
    repo.edit("organization.yml", "title: HR Specialist", "title: People Partner")
    repo.edit("organization.yml", "    roles: [hr-manager]\n",
              "    roles: [hr-manager]\n  - id: wang-wei\n    name: Wang Wei\n"
              "    roles: [hr-specialist]\n")
    markdown = invoke("--format", "markdown").stdout
    assert "No procedure changed" in markdown
    assert "### `organization.yml` changed" in markdown
    assert "- `roles[hr-specialist].title`: `HR Specialist` → `People Partner`" in markdown
    assert "- `people[wang-wei]` added:" in markdown
    report = json.loads(invoke("--format", "json").stdout)
    assert report["organization"]["change"] == "modified"
    assert [c["path"] for c in report["organization"]["changes"]] == [
        "roles[hr-specialist].title", "people[wang-wei]"]
    text = invoke("--format", "text").stdout
    assert "organization.yml changed\n  roles[hr-specialist].title: HR Specialist → People " \
           "Partner\n" in text


def test_organization_unchanged_added_or_broken(repo: Repo) -> None:
    assert json.loads(invoke("--format", "json").stdout)["organization"] is None  # none yet
    repo.write("organization.yml", ORGANIZATION)
    assert json.loads(invoke("--format", "json").stdout)["organization"]["change"] == "added"
    repo.commit("organization.yml")
    repo.git("checkout", "-q", "-B", "feature")
    report = json.loads(invoke("--format", "json", "main").stdout)
    assert report["organization"]["change"] == "added"  # main has none
    with_organization(repo)
    assert json.loads(invoke("--format", "json").stdout)["organization"]["change"] == "unchanged"
    assert "organization.yml" not in invoke("--format", "markdown").stdout
    repo.edit("organization.yml", "title: HR Manager", "titel: HR Manager")
    broken = json.loads(invoke("--format", "json").stdout)["organization"]
    assert broken["change"] == "invalid" and broken["problems"]["head"]
    assert "### `organization.yml` is not valid" in invoke("--format", "markdown").stdout


def test_hostile_organization_text_stays_inert(repo: Repo) -> None:
    with_organization(repo)
    repo.edit("organization.yml", "title: HR Specialist",
              'title: "A | B <img src=x onerror=alert(1)> `x` @octocat"')
    out = invoke("--format", "markdown").stdout
    outside_code = re.sub(r"(`+).*?\1", "", out)
    assert "roles[hr-specialist].title" in out
    assert not re.search(r"(?<!\\)[<>]", outside_code) and "@octocat" not in outside_code
    assert "\x1b" not in invoke("--format", "text").stdout


def test_a_file_name_that_is_not_utf8_gives_valid_utf8(repo: Repo) -> None:
    import os

    name = os.fsdecode(b"procedures/hr/x\xff.yml")
    (repo.path / name).write_bytes((repo.path / ONBOARDING).read_bytes().replace(
        b"id: HR-001", b"id: HR-009"))
    repo.commit("a file whose name is not UTF-8")
    repo.edit(name, "title: New employee onboarding", "title: Changed")
    for fmt in ("json", "markdown", "text"):
        out = invoke("--format", fmt).stdout
        assert out.encode("utf-8")  # no lone surrogates left
    report = json.loads(invoke("--format", "json").stdout)
    assert [p["head_file"] for p in report["procedures"]] == ["procedures/hr/x\ufffd.yml"]


def test_control_and_bidi_characters_in_file_names_never_reach_the_output_raw(
        repo: Repo) -> None:
    name = "procedures/hr/\u202egpj\x1b[2J.yml"
    repo.git("checkout", "-q", "main")
    (repo.path / name).write_bytes((repo.path / ONBOARDING).read_bytes().replace(
        b"id: HR-001", b"id: HR-009"))
    repo.commit("a file whose name holds an override and an escape")
    repo.git("checkout", "-q", "-B", "feature", "main")
    # broken now: the problems name the file in every format
    repo.edit(name, "title: New employee onboarding", "title: [Changed \u2066x\u2069")
    for fmt in ("json", "markdown", "text"):
        out = invoke("--format", fmt).stdout
        assert not set(out) & {"\x1b", "\u202e", "\u2066", "\u2069"}, fmt
        if fmt != "json":
            assert "\\u202egpj\\x1b[2J.yml" in out.replace("\\\\", "\\")
    report = json.loads(invoke("--format", "json").stdout)
    assert [p["head_file"] for p in report["procedures"]] == [name]  # the exact name


# -- links: one policy with sopkit validate --------------------------------------------------------


def with_links(repo: Repo) -> Path:
    """On main: a link out of the repository (relative), one to an absolute path, one to
    another procedure and one to a procedure kept elsewhere in the repository. Returns the
    folder outside the repository, which holds a valid procedure with a secret."""
    outside = repo.path.parent / "outside"
    outside.mkdir()
    (outside / "secret.yml").write_text(repo.read(ACCESS).replace("IT-001", "IT-077")
                                        + "x-secret: hunter2\n", encoding="utf-8")
    repo.git("checkout", "-q", "main")
    hr = repo.path / "procedures" / "hr"
    (hr / "shared.yml").symlink_to(Path("..") / ".." / ".." / "outside" / "secret.yml")
    (hr / "absolute.yml").symlink_to(outside / "secret.yml")
    (hr / "alias.yml").symlink_to("onboarding.yml")
    repo.write("drafts/kept.yml", repo.read(ACCESS).replace("IT-001", "IT-050"))
    (hr / "kept.yml").symlink_to(Path("..") / ".." / "drafts" / "kept.yml")
    repo.commit("links")
    repo.git("checkout", "-q", "-B", "feature", "main")
    return outside


def test_links_are_judged_as_sopkit_validate_judges_them(repo: Repo) -> None:
    with_links(repo)
    repo.edit("drafts/kept.yml", "title: Access review", "title: Access review, kept")
    for head in ([], ["HEAD"]):
        if head:
            repo.commit("the kept procedure changed")
        out = invoke("--format", "json", "main", *head).stdout
        assert "hunter2" not in out and "IT-077" not in out
        report = json.loads(out)
        linked = {p["head_file"]: (p["change"], [d["rule"] for d in p["problems"]["base"]],
                                   [d["rule"] for d in p["problems"]["head"]])
                  for p in report["procedures"] if p["change"] == "invalid"}
        rules = ["link-outside-handbook"]
        assert linked == {"procedures/hr/shared.yml": ("invalid", rules, rules),
                          "procedures/hr/absolute.yml": ("invalid", rules, rules)}, head
        kept = [p for p in report["procedures"] if p["id"] == "IT-050"]
        assert [(p["head_file"], p["change"]) for p in kept] == [
            ("procedures/hr/kept.yml", "modified")]
        assert "HR-001" in report["unchanged"]  # the alias is not a second HR-001
        assert not [d for d in report["diagnostics"] if d["rule"] == "duplicate-procedure-id"]
    text = invoke("--format", "text", "main").stdout
    assert ("now: procedures/hr/shared.yml: this file is a link to a file outside the "
            "handbook") in text


def test_a_linked_folder_or_organization_yml_out_of_the_handbook(repo: Repo) -> None:
    outside = with_links(repo)
    (outside / "organization.yml").write_text(ORGANIZATION + "x-secret: hunter2\n",
                                              encoding="utf-8")
    (repo.path / "organization.yml").symlink_to(outside / "organization.yml")
    (repo.path / "procedures" / "linked").symlink_to(outside, target_is_directory=True)
    out = invoke("--format", "json").stdout
    assert "hunter2" not in out
    report = json.loads(out)
    folder = [p for p in report["procedures"] if p["head_file"] == "procedures/linked"]
    assert [d["rule"] for p in folder for d in p["problems"]["head"]] == [
        "link-outside-handbook"]
    organization = report["organization"]
    assert organization["change"] == "added"
    assert [d["rule"] for d in organization["problems"]["head"]] == ["link-outside-handbook"]
    repo.commit("organization.yml is a link now")
    committed = json.loads(invoke("--format", "json", "main", "HEAD").stdout)["organization"]
    assert [d["rule"] for d in committed["problems"]["head"]] == ["link-outside-handbook"]


def test_validate_with_base_and_a_link_out(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    with_links(repo)
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(main, ["validate", "-f", "json", "--base", "main"])
    assert result.exit_code == 1 and "hunter2" not in result.stdout
    assert {(d["file"], d["rule"]) for d in json.loads(result.stdout)["diagnostics"]} == {
        ("procedures/hr/shared.yml", "link-outside-handbook"),
        ("procedures/hr/absolute.yml", "link-outside-handbook")}
