"""`sopkit` on the command line: output formats, exit codes, usage errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, REPO, Golden

from sopkit.cli.main import main

HANDBOOK = DATA / "cli" / "handbook"


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the installed command as a user would, in ``cwd``."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("GITHUB_ACTIONS", None) if env is None or "GITHUB_ACTIONS" not in env else None
    done = subprocess.run(
        [sys.executable, "-m", "sopkit", *args], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    target = tmp_path / "handbook"
    shutil.copytree(HANDBOOK, target)
    return target


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_validate_output_formats(fmt: str, handbook: Path, golden: Golden) -> None:
    code, out, err = run(["validate", "--format", fmt], handbook)
    assert code == 1
    assert err == ""
    suffix = {"text": "txt", "github": "txt"}.get(fmt, "json")
    if fmt == "sarif":
        # The results and which rules they cite; every rule's help text is the rule docs'
        # (tests/report/test_report.py checks the SARIF against its schema), not this run's.
        run_ = json.loads(out)["runs"][0]
        rules = run_["tool"]["driver"].pop("rules")
        run_["tool"]["driver"]["rules"] = [rule["id"] for rule in rules]
        out = json.dumps(run_, ensure_ascii=False, indent=2) + "\n"
    golden(f"cli/validate.{fmt}.{suffix}", out)


def test_json_output_counts_and_positions(handbook: Path) -> None:
    code, out, _ = run(["validate", "--format", "json"], handbook)
    report = json.loads(out)
    assert code == 1
    assert report["summary"]["files"] == 6  # five procedures and organization.yml
    by_file: dict[str, list[dict[str, object]]] = {}
    for item in report["diagnostics"]:
        by_file.setdefault(str(item["file"]), []).append(item)
    assert "procedures/HR-001-good.yml" not in by_file
    assert "procedures/_notes.yml" not in by_file
    typos = {(d["line"], d["column"], d["rule"]) for d in by_file["procedures/HR-002-typos.yml"]}
    assert (3, 10, "schema") in typos  # version: 1.10
    assert (6, 1, "schema") in typos  # purpse
    assert by_file["procedures/HR-003-broken.yml"][0]["line"] == 2
    assert by_file["procedures/HR-004-tabs.yml"][0]["line"] == 3


def test_a_clean_handbook_exits_0(tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    shutil.copy(HANDBOOK / "procedures" / "HR-001-good.yml", tmp_path / "procedures")
    shutil.copy(HANDBOOK / "organization.yml", tmp_path)
    code, out, _ = run(["validate"], tmp_path)
    assert (code, out) == (0, "No problems in 2 files\n")


def test_paths_limit_the_report_but_keep_the_handbook_as_context(handbook: Path) -> None:
    code, out, _ = run(["validate", "procedures/HR-001-good.yml"], handbook)
    assert (code, out) == (0, "No problems in 1 file\n")
    code, out, _ = run(["validate", "procedures/HR-004-tabs.yml"], handbook)
    assert code == 1
    assert out.startswith("procedures/HR-004-tabs.yml:3:1: error syntax: a tab")


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    flow = (HANDBOOK / "procedures" / "HR-005-flow.yml").read_text()
    flow = flow.replace("archiv\n", "archive\n")
    (tmp_path / "procedures" / "HR-005.yml").write_text(flow)
    shutil.copy(HANDBOOK / "organization.yml", tmp_path)
    code, out, _ = run(["validate", "--today", "2026-06-01"], tmp_path)
    assert code == 0, out
    assert "warning review-overdue" in out
    code, _, _ = run(["validate", "--strict", "--today", "2026-06-01"], tmp_path)
    assert code == 1
    code, out, _ = run(["validate", "--today", "2025-06-01"], tmp_path)
    assert (code, out) == (0, "No problems in 2 files\n")


def test_rule_severity_from_mkdocs_yml(handbook: Path) -> None:
    (handbook / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - sopkit:\n      today: 2026-06-01\n"
        "      rules:\n        review-overdue: error\n        unknown-step: off\n")
    _, out, _ = run(["validate", "procedures/HR-005-flow.yml"], handbook)
    assert "error review-overdue" in out
    assert "unknown-step" not in out


@pytest.mark.parametrize(
    ("args", "config", "words"),
    [
        (["validate", "missing.yml"], None, "no such file"),
        (["validate", "--format", "xml"], None, "Invalid value"),
        (["validate", "--today", "tomorrow"], None, "YYYY-MM-DD"),
        (["validate"], "plugins:\n  - sopkit:\n      rulez: {}\n", "did you mean 'rules'"),
        (["validate"], "plugins:\n  - sopkit:\n      rules: {no-such-rule: off}\n",
         "unknown rule 'no-such-rule'"),
        (["validate"], "plugins:\n  - sopkit:\n      rules: {review-overdue: loud}\n",
         "error, warning or off"),
        (["validate"], "plugins: [\n", "mkdocs.yml"),
        (["rules", "no-such-rule"], None, "no rule named"),
    ],
)
def test_usage_and_config_problems_exit_2(args: list[str], config: str | None, words: str,
                                          handbook: Path) -> None:
    if config is not None:
        (handbook / "mkdocs.yml").write_text(config)
    code, out, err = run(args, handbook)
    assert code == 2, (out, err)
    assert words in err
    assert "Traceback" not in err


def test_github_format_is_the_default_inside_github_actions(handbook: Path) -> None:
    _, out, _ = run(["validate"], handbook, env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("::error file=")


def test_rules_lists_and_explains() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["rules"])
    assert listing.exit_code == 0
    assert "unknown-step" in listing.output and "review-overdue" in listing.output
    explained = runner.invoke(main, ["rules", "unknown-step"])
    assert explained.exit_code == 0
    assert "```yaml" in explained.output


@pytest.mark.parametrize("kind", ["procedure", "organization"])
def test_schema_prints_the_shipped_schema(kind: str) -> None:
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(
        (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def test_help_teaches() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "--format" in result.output


def test_a_broken_organization_does_not_flood_the_report(handbook: Path) -> None:
    (handbook / "organization.yml").write_text("roles:\n  - id: hr-manager\n    titel: HR\n")
    _, out, _ = run(["validate", "--format", "json"], handbook)
    report = json.loads(out)
    rules = {item["rule"] for item in report["diagnostics"]}
    assert "unknown-role" not in rules and "role-without-title" not in rules
    organization = [d for d in report["diagnostics"] if d["file"] == "organization.yml"]
    assert organization[0]["line"] == 3 and "titel" in organization[0]["message"]


@pytest.mark.parametrize("name", ["alias bomb", "50,000-deep flow nesting", "30 MB file",
                                  "invalid UTF-8", "empty file", "list at the top",
                                  "tab indentation", "unclosed quote"])
def test_hostile_files_give_one_line_and_exit_1(name: str, tmp_path: Path) -> None:
    from helpers.hostile_yaml import HOSTILE

    (tmp_path / "procedures").mkdir()
    hostile = tmp_path / "procedures" / "hostile.yml"
    hostile.write_bytes(HOSTILE[name])
    rss_file = tmp_path / "maxrss"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, str(rss_file), "validate"], cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True, timeout=120,
        check=False,
    )
    elapsed = time.perf_counter() - started
    code, out, err = done.returncode, done.stdout, done.stderr
    lines = out.splitlines()
    assert code == 1
    assert err == ""
    assert len(lines) == 3 and lines[1] == "" and lines[2] == "1 error in 1 file", out
    assert lines[0].startswith("procedures/hostile.yml:")
    assert " error syntax: " in lines[0]
    # A guard against hangs, not a benchmark: the real figures are well under a second.
    assert elapsed < 20
    assert int(rss_file.read_text()) < 300 * 1024  # kilobytes


# Runs `sopkit ARGS` and writes the process's peak memory (KB) to the file named first.
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so it would count
# the memory of the test process that started this one. `sopkit validate` ends with
# os._exit (see sopkit.cli.entry), so the peak is also written just before that.
MEASURED = """\
import os, runpy, sys
rss_file = sys.argv.pop(1)
sys.argv[0] = "sopkit"

def record():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(rss_file, "w") as out:
        out.write(peak)

exit_now = os._exit
os._exit = lambda code: (record(), exit_now(code))
try:
    runpy.run_module("sopkit", run_name="__main__")
finally:
    record()
"""


def test_no_procedures_folder_is_a_usage_problem(tmp_path: Path) -> None:
    code, out, err = run(["validate"], tmp_path)
    assert code == 2 and out == ""
    assert "no procedures folder here (procedures/)" in err
    assert "sopkit init" in err


def test_no_cache_and_jobs_give_the_same_report(handbook: Path) -> None:
    _, cached, _ = run(["validate", "--format", "json"], handbook)
    _, fresh, _ = run(["validate", "--format", "json", "--no-cache", "--jobs", "2"], handbook)
    assert json.loads(cached) == json.loads(fresh)


def test_a_file_that_cannot_be_read_is_reported_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    os.mkfifo(tmp_path / "procedures" / "pipe.yml")  # reading it would block forever
    code, out, _ = run(["validate", "--no-cache"], tmp_path)
    assert code == 2
    assert out.startswith("procedures/pipe.yml: error io: not a regular file")


def test_a_file_named_twice_or_organization_yml_named_is_counted_once(
    handbook: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(handbook)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def count(*paths: str) -> int:
        done = CliRunner().invoke(main, ["validate", "--format", "json", *paths])
        return int(json.loads(done.stdout)["summary"]["files"])

    everything = count()
    one = "procedures/HR-001-good.yml"
    assert count(one, one) == count(one) == 1
    assert count("organization.yml") == 1
    assert count(".") == everything  # the folder holds the procedures and organization.yml


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "procedures").mkdir()
    name = os.fsdecode(b"bad\xffname.yml")  # Linux allows any bytes in a name
    (tmp_path / "procedures" / name).write_text("id: X-1\n", encoding="utf-8")
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "sopkit", "validate", "--format", fmt],
                          cwd=tmp_path, env=environment, capture_output=True, timeout=120,
                          check=False)
    assert done.returncode == 1, done.stderr
    assert b"internal error" not in done.stderr and b"Traceback" not in done.stderr
    if fmt in ("json", "sarif"):
        report = json.loads(done.stdout)
        if fmt == "sarif":
            location = report["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            assert location["artifactLocation"]["uri"] == "procedures/bad%FFname.yml"


# -- links out of the handbook, and file names that are unsafe to show ---------------------------

GOOD = HANDBOOK / "procedures" / "HR-001-good.yml"


def clean_handbook(root: Path) -> Path:
    """The cli handbook with its one clean procedure only; and a folder next to it."""
    shutil.copytree(HANDBOOK, root)
    for path in (root / "procedures").glob("HR-00[2-5]-*.yml"):
        path.unlink()
    (root.parent / "outside").mkdir()
    return root


def outside_procedure(path: Path, procedure_id: str, extra: str = "") -> Path:
    """A valid procedure outside the handbook (``extra``: more lines, say a secret)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD.read_text(encoding="utf-8").replace("id: HR-001", f"id: {procedure_id}")
                    .replace("Good onboarding", f"Outside {procedure_id}") + extra,
                    encoding="utf-8")
    return path


def invoke_in(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    done = CliRunner().invoke(main, list(args))
    assert "Traceback" not in done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.stdout, done.stderr


LINK_RULE = "link-outside-handbook"


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_link_out_of_the_handbook_is_an_error_and_never_read(
        fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    outside = tmp_path / "outside"
    secret = outside_procedure(outside / "secret.yml", "HR-077", "secret-token: hunter2\n")
    outside_procedure(outside / "folder" / "other.yml", "HR-078", "secret-token: hunter3\n")
    (root / "procedures" / "hr").mkdir()
    (root / "procedures" / "hr" / "shared.yml").symlink_to(secret)
    (root / "procedures" / "linked").symlink_to(outside / "folder", target_is_directory=True)
    # a link that stays inside the handbook is read as the file it names
    outside_procedure(root / "drafts" / "inside.yml", "HR-079")
    (root / "procedures" / "alias.yml").symlink_to(Path("..") / "drafts" / "inside.yml")

    code, out, err = invoke_in(root, monkeypatch, "validate", "--format", fmt)
    assert code == 1 and err == ""
    assert "hunter" not in out and "secret-token" not in out  # nothing of them is quoted
    if fmt in ("json", "sarif"):
        found = {(d["file"], d["rule"]) for d in json.loads(out)["diagnostics"]} if fmt == "json" \
            else {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
                  for r in json.loads(out)["runs"][0]["results"]}
        assert found == {("procedures/hr/shared.yml", LINK_RULE),
                         ("procedures/linked", LINK_RULE)}
    else:
        assert "procedures/hr/shared.yml" in out and "procedures/linked" in out
        assert "this file is a link to a file outside the handbook" in out
        assert "this folder is a link to a folder outside the handbook" in out
        assert "alias.yml" not in out


def test_a_link_out_gives_one_verdict_whatever_the_paths(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    outside = tmp_path / "outside"
    (root / "procedures" / "shared.yml").symlink_to(
        outside_procedure(outside / "secret.yml", "HR-077", "secret-token: hunter2\n"))
    (root / "procedures" / "linked").symlink_to(outside, target_is_directory=True)

    def findings(*paths: str) -> list[tuple[str, str]]:
        code, out, _ = invoke_in(root, monkeypatch, "validate", "-f", "json", *paths)
        assert code == 1 and "hunter" not in out
        return [(d["file"], d["rule"]) for d in json.loads(out)["diagnostics"]]

    assert findings() == findings(".") == [("procedures/linked", LINK_RULE),
                                           ("procedures/shared.yml", LINK_RULE)]
    assert findings("procedures/shared.yml") == [("procedures/shared.yml", LINK_RULE)]
    assert findings("procedures/linked") == [("procedures/linked/secret.yml", LINK_RULE)]
    assert findings("procedures/linked/secret.yml") == [
        ("procedures/linked/secret.yml", LINK_RULE)]


def test_organization_yml_or_the_procedures_folder_linked_out_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    outside = tmp_path / "outside"
    organization = outside / "organization.yml"
    organization.write_text((root / "organization.yml").read_text(encoding="utf-8")
                            + "secret-token: hunter2\n", encoding="utf-8")
    (root / "organization.yml").unlink()
    (root / "organization.yml").symlink_to(organization)
    code, out, _ = invoke_in(root, monkeypatch, "validate")
    assert code == 1 and "hunter" not in out and "secret-token" not in out
    assert out.startswith(f"organization.yml: error {LINK_RULE}: this file is a link to a "
                          "file outside the handbook")
    assert "unknown-role" not in out  # rules that read organization.yml are not run blind

    (root / "organization.yml").unlink()
    shutil.move(root / "procedures", outside / "procedures")
    (root / "procedures").symlink_to(outside / "procedures", target_is_directory=True)
    code, out, _ = invoke_in(root, monkeypatch, "validate")
    assert code == 1
    assert out.startswith(f"procedures: error {LINK_RULE}: the procedures folder is a link to a "
                          "folder outside the handbook")
    assert "HR-001" not in out and out.endswith("1 error in 0 files\n")


def test_a_link_out_stops_render_and_build(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    (root / "procedures" / "shared.yml").symlink_to(
        outside_procedure(tmp_path / "outside" / "shared.yml", "HR-077"))  # valid: publishable
    code, _, err = invoke_in(root, monkeypatch, "render", "--out", str(tmp_path / "out"))
    assert code == 1
    assert f"procedures/shared.yml: error {LINK_RULE}" in err and "nothing was published" in err
    assert not list(tmp_path.glob("out/**/*HR-077*"))
    code, _, err = invoke_in(root, monkeypatch, "build")
    assert code == 1 and "nothing was published" in err
    assert not (root / "site").exists()


UNSAFE_CHARACTERS = ["\n", "\t", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u200f"]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_file_name_with_a_control_or_bidi_character_is_an_error_shown_escaped(
        fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    names = []
    for number, character in enumerate(UNSAFE_CHARACTERS):
        name = f"procedures/x{number}{character}.yml"
        outside_procedure(root / name, f"HR-1{number:02}")
        names.append(name)
    (root / "procedures" / "hr\x1b").mkdir()  # a folder's name counts too
    names.append("procedures/hr\x1b/y.yml")
    outside_procedure(root / names[-1], "HR-200")
    code, out, _ = invoke_in(root, monkeypatch, "validate", "--format", fmt)
    assert code == 1
    assert not set(out) & (set(UNSAFE_CHARACTERS) - {"\n"})
    if fmt == "json":
        found = [(d["file"], d["rule"], d["line"]) for d in json.loads(out)["diagnostics"]]
        assert sorted(found) == sorted((name, "unsafe-file-name", 0) for name in names)
        assert "rename the file" in out
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [r["ruleId"] for r in results] == ["unsafe-file-name"] * len(names)
    else:
        assert len(out.splitlines()) == len(names) + (2 if fmt == "text" else 1)
        assert "x0\\x0a.yml" in out and "x6\\u202e.yml" in out and "hr\\x1b/y.yml" in out


def test_a_path_argument_is_shown_escaped_in_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    code, out, err = invoke_in(root, monkeypatch, "validate", "nope\x1b[2J\u202e.yml")
    assert code == 2 and out == ""
    assert err == "sopkit: nope\\x1b[2J\\u202e.yml: no such file or folder\n"


def test_bidi_overrides_in_procedure_text_are_shown_escaped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = clean_handbook(tmp_path / "hb")
    path = root / "procedures" / "HR-001-good.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "status: draft", "status: \u202edevorppa\u202c"), encoding="utf-8")
    for fmt in ("text", "github"):
        code, out, _ = invoke_in(root, monkeypatch, "validate", "--format", fmt)
        assert code == 1
        assert "\u202e" not in out and "\\u202edevorppa\\u202c" in out
    code, out, _ = invoke_in(root, monkeypatch, "validate", "--format", "json")
    assert "\u202e" not in out and "\\u202edevorppa" in out
    assert "\u202edevorppa" in json.loads(out)["diagnostics"][0]["message"]
