"""The console entry point: `sopkit validate [PATH...]` takes the quick way (no click),
and says exactly what the click command says; no command imports what it does not use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import DATA, REPO

from sopkit.cli.entry import Options, quick_validate


def sopkit(*args: str, cwd: Path, importtime: bool = False) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("GITHUB_ACTIONS", None)  # the default format is then text
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run([sys.executable, *flags, "-m", "sopkit", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


CLICK_ONLY = "from sopkit.cli.main import main; main(prog_name='python -m sopkit')"


def click_sopkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line through click, never the quick way."""
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-c", CLICK_ONLY, *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


def imported(stderr: str) -> set[str]:
    """The top-level packages in `python -X importtime`'s report."""
    return {line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in stderr.splitlines() if line.startswith("import time:") and "|" in line}


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    root = tmp_path / "hb"
    shutil.copytree(DATA / "cli" / "handbook", root)
    return root


def test_which_arguments_take_the_quick_way() -> None:
    assert quick_validate(["validate"]) == ([], Options())
    assert quick_validate(["validate", "procedures/a.yml", "procedures"]) == (
        ["procedures/a.yml", "procedures"], Options())
    assert quick_validate(["validate", "--strict", "a.yml", "-f", "json", "--today",
                           "2026-11-27", "--no-cache", "-j", "2", "--base=origin/main"]) == (
        ["a.yml"], Options(fmt="json", strict=True, today=date(2026, 11, 27),
                           base="origin/main", cache=False, jobs=2))
    assert quick_validate(["validate", "--format=github", "--format", "sarif"]) == (
        [], Options(fmt="sarif"))  # the last one wins, as in click
    assert quick_validate(["validate", "--config", "other.yml"]) == (
        [], Options(config_file=Path("other.yml")))
    for click_reads_it in (
        [], ["rules"], ["render", "validate"], ["validate", "--"], ["validate", "--help"],
        ["validate", "-h"], ["validate", "--strict=yes"], ["validate", "-fjson"],
        ["validate", "-f=json"], ["validate", "--format", "xml"], ["validate", "--format"],
        ["validate", "--format", "--strict"], ["validate", "--format="],
        ["validate", "--today", "2026-13-01"], ["validate", "--jobs", "0"],
        ["validate", "--jobs", "two"], ["validate", "--config", "."],
        ["validate", "--unknown"], ["validate", "-"], ["validate", "--form", "json"],
    ):
        assert quick_validate(click_reads_it) is None, click_reads_it


def test_the_quick_way_knows_every_option_of_the_click_command() -> None:
    from sopkit.cli.entry import _FLAGS, _VALUED
    from sopkit.cli.main import validate

    options = {name for parameter in validate.params if parameter.param_type_name == "option"
               for name in parameter.opts}
    assert options == set(_FLAGS) | set(_VALUED)


@pytest.mark.parametrize("arguments", [
    [],                                          # problems: exit 1
    ["procedures"],                              # a folder
    ["procedures/HR-001-good.yml"],              # a clean file: exit 0
    ["no-such-file.yml"],                        # exit 2, one line on stderr
    ["--format", "github"],                      # what CI runs
    ["--format=json", "--today", "2026-11-27"],
    ["-f", "sarif", "--strict", "procedures/HR-001-good.yml"],
    ["--strict", "--no-cache", "-j", "1", "procedures"],
    ["--today", "2026-13-01"],                   # click's usage error, exit 2
    ["--format", "xml"],                         # click's usage error, exit 2
    ["--config", "mkdocs.yml", "--format", "text"],
    ["--config", "no-such.yml"],                 # exit 2
])
def test_the_quick_way_says_what_the_click_command_says(arguments: list[str],
                                                        handbook: Path) -> None:
    quick = sopkit("validate", *arguments, cwd=handbook)
    through_click = click_sopkit("validate", *arguments, cwd=handbook)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        through_click.returncode, through_click.stdout, through_click.stderr)
    assert "Traceback" not in quick.stderr


def test_the_quick_way_outside_a_handbook(tmp_path: Path) -> None:
    quick = sopkit("validate", cwd=tmp_path)
    through_click = click_sopkit("validate", cwd=tmp_path)
    assert quick.returncode == through_click.returncode == 2
    assert quick.stderr == through_click.stderr
    assert quick.stderr.startswith("sopkit: there is no procedures folder here")


def test_the_quick_way_with_a_broken_configuration(handbook: Path) -> None:
    (handbook / "mkdocs.yml").write_text("plugins:\n  - sopkit:\n      rules: [\n",
                                         encoding="utf-8")
    quick = sopkit("validate", cwd=handbook)
    through_click = click_sopkit("validate", cwd=handbook)
    assert quick.returncode == through_click.returncode == 2
    assert quick.stderr == through_click.stderr and quick.stderr.count("\n") == 1


def test_validate_imports_neither_click_nor_the_publishing_stack() -> None:
    done = sopkit("validate", cwd=REPO, importtime=True)
    assert done.returncode == 0, done.stdout
    modules = imported(done.stderr)
    assert {"sopkit", "yaml"} <= modules  # the report is read right
    assert not modules & {"click", "mkdocs", "jinja2", "material", "markdown", "nh3",
                          "jsonschema", "platformdirs"}


def test_the_options_ci_passes_import_no_click_either() -> None:
    done = sopkit("validate", "--strict", "--format", "github", "--today", "2026-11-27",
                  "procedures/it/IT-001-incident-response.yml", cwd=REPO, importtime=True)
    assert done.returncode == 0, done.stdout
    modules = imported(done.stderr)
    assert "sopkit" in modules
    assert not modules & {"click", "mkdocs", "jinja2", "material", "markdown", "nh3",
                          "jsonschema", "hashlib"}


def test_an_option_written_another_way_imports_click_but_not_the_publishing_stack() -> None:
    done = sopkit("validate", "-fgithub", "procedures/it/IT-001-incident-response.yml",
                  cwd=REPO, importtime=True)
    assert done.returncode == 0, done.stdout
    modules = imported(done.stderr)
    assert "click" in modules
    assert not modules & {"mkdocs", "jinja2", "material", "markdown", "nh3", "jsonschema"}


def test_ctrl_c_on_the_quick_way_says_what_click_says(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], handbook: Path,
) -> None:
    from click.testing import CliRunner

    import sopkit.cli.validate
    from sopkit.cli.entry import _validate
    from sopkit.cli.main import main

    def interrupted(*_args: object, **_options: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(sopkit.cli.validate, "validate_handbook", interrupted)
    monkeypatch.chdir(handbook)
    assert _validate([]) == 1
    quick = capsys.readouterr()
    through_click = CliRunner().invoke(main, ["validate", "--format", "text"])
    assert through_click.exit_code == 1
    assert quick.out == "" and quick.err == through_click.stderr == "\nAborted!\n"


def test_a_terminal_that_cannot_show_chinese_gets_question_marks_not_a_crash(
    tmp_path: Path,
) -> None:
    root = tmp_path / "hb"
    shutil.copytree(DATA / "render" / "zh", root)
    victim = next((root / "procedures").rglob("*.yml"))
    renamed = victim.with_name("采购流程.yml")  # the report names it: not ASCII
    renamed.write_text(victim.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                       encoding="utf-8")
    victim.unlink()
    environment = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "ascii"}
    environment.pop("GITHUB_ACTIONS", None)
    for extra in ([], ["-ftext"]):  # the quick way and click
        done = subprocess.run([sys.executable, "-m", "sopkit", "validate", *extra], cwd=root,
                              env=environment, capture_output=True, timeout=120, check=False)
        assert done.returncode == 1, done.stderr
        assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
        assert b"titel" in done.stdout and b"????.yml:" in done.stdout
        assert done.stdout.isascii()


@pytest.mark.parametrize("extra", [[], ["-ftext"]])  # the quick way and click
def test_closed_standard_streams_are_not_a_crash(extra: list[str], handbook: Path) -> None:
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("GITHUB_ACTIONS", None)
    for closed in (">&-", "2>&-"):
        done = subprocess.run(
            ["sh", "-c", f'exec "$@" {closed}', "sh", sys.executable, "-m", "sopkit",
             "validate", *extra], cwd=handbook, env=environment, capture_output=True,
            text=True, timeout=120, check=False)
        assert done.returncode == 1, (closed, done.stdout, done.stderr)  # the problems
        assert "internal error" not in done.stderr + done.stdout


@pytest.mark.parametrize("arguments", [["validate"], ["validate", "--no-cache"]])
def test_a_missing_library_is_an_installation_problem_in_one_line(
    arguments: list[str], handbook: Path,
) -> None:
    # jsonschema-rs is required: without it sopkit says so, on the quick path and through click.
    boot = ("import sys; sys.modules['jsonschema_rs'] = None; "
            f"sys.argv = ['sopkit', *{arguments!r}]; "
            "from sopkit.cli.entry import run; run()")
    environment = {**os.environ, "NO_COLOR": "1", "SOPKIT_CACHE_DIR": str(handbook / ".cache")}
    environment.pop("GITHUB_ACTIONS", None)
    environment.pop("SOPKIT_DEBUG", None)
    done = subprocess.run([sys.executable, "-c", boot], cwd=handbook, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("sopkit: the module jsonschema_rs is not installed, and sopkit needs "
                           "it: reinstall sopkit (pip install --force-reinstall sopkit)\n")
