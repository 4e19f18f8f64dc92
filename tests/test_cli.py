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

from sopkit.cli import main

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
    from test_load import HOSTILE

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
# os._exit (see sopkit.entry), so the peak is also written just before that.
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
