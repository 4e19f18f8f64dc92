"""`sopkit init`, `sopkit new` and the pre-commit hooks: a handbook that sets itself up."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import REPO

from sopkit import REPOSITORY, __version__
from sopkit.cli.main import main
from sopkit.cli.scaffold import (
    DEFAULT_OWNER,
    ScaffoldError,
    check_id,
    handbook_files,
    plan_procedure,
    scalar,
    slug,
)
from sopkit.config import load_config
from sopkit.format.load import Document, load_bytes, load_file


def run(args: list[str], cwd: Path, *, module: bool = False) -> subprocess.CompletedProcess[str]:
    """`sopkit ARGS` in a subprocess, as a user runs it (``module``: via `python -m sopkit`)."""
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)


def sopkit(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args, catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its hash and modification time."""
    return {
        path.relative_to(folder).as_posix(): (hashlib.sha256(path.read_bytes()).hexdigest(),
                                              path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def validate_json(cwd: Path) -> dict[str, Any]:
    done = run(["validate", "--format", "json"], cwd, module=True)
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


INIT_FILES = {
    ".github/CODEOWNERS",
    ".vscode/extensions.json",
    ".vscode/settings.json",
    ".github/workflows/sopkit.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "mkdocs.yml",
    "organization.yml",
    "procedures/operations/OPS-001-example.yml",
    "schemas/organization.schema.json",
    "schemas/procedure.schema.json",
    "schemas/training.schema.json",
    "schemas/approval.schema.json",
    "templates/README.md",
}


@pytest.fixture(scope="module", params=["en", "zh"])
def initialised(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handbook that `sopkit init` wrote into an empty folder (shared: do not modify)."""
    folder = tmp_path_factory.mktemp(f"init-{request.param}") / "handbook"
    done = run(["init", str(folder), "--language", request.param], folder.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


# -- init -------------------------------------------------------------------------------------


def test_init_writes_the_handbook_and_lists_what_it_created(initialised: Path) -> None:
    files = {path.relative_to(initialised).as_posix()
             for path in initialised.rglob("*") if path.is_file()}
    assert files == INIT_FILES


def test_init_output_names_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["init", "book"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    created = {line.split()[1] for line in result.output.splitlines()
               if line.startswith("created ")}
    assert created == INIT_FILES
    assert "sopkit validate" in result.output


def test_the_new_handbook_validates_without_a_problem(initialised: Path) -> None:
    report = validate_json(initialised)
    assert report["summary"]["errors"] == 0
    assert report["summary"]["warnings"] == 0
    assert report["summary"]["files"] == 2  # the example procedure and organization.yml


def test_the_new_handbook_builds(initialised: Path, tmp_path: Path) -> None:
    # Build a copy: the fixture is shared, and a build writes site/.
    import shutil

    copy = tmp_path / "handbook"
    shutil.copytree(initialised, copy)
    done = run(["build", "--strict"], copy, module=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (copy / "site" / "index.html").is_file()
    assert list((copy / "site").glob("procedures/**/index.html"))


def test_a_second_init_changes_no_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = sopkit(["init"], tmp_path, monkeypatch)
    assert first.exit_code == 0
    before = snapshot(tmp_path)
    second = sopkit(["init"], tmp_path, monkeypatch)
    assert second.exit_code == 0, second.output
    assert snapshot(tmp_path) == before
    assert "created" not in second.output
    kept = {line.split()[1] for line in second.output.splitlines() if line.startswith("kept ")}
    assert kept == INIT_FILES


def test_init_never_replaces_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "README.md").write_text("# Our handbook\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    result = sopkit(["init"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Our handbook\n"
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Ours\n"
    assert "kept     README.md (it exists)" in result.output
    assert "created  organization.yml" in result.output


def test_init_adds_no_example_to_a_handbook_with_procedures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "procedures" / "HR-001.yml"
    own.parent.mkdir()
    own.write_text("id: HR-001\n", encoding="utf-8")
    result = sopkit(["init"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert not (tmp_path / "procedures" / "operations").exists()
    assert "skipped  procedures/operations/OPS-001-example.yml (the handbook already has " \
           "procedures)" in result.output


def test_init_adds_no_example_beside_an_organization_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "organization.yml").write_text("roles: []\n", encoding="utf-8")
    result = sopkit(["init"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert not (tmp_path / "procedures").exists()
    assert "skipped  procedures/operations/OPS-001-example.yml" in result.output


def test_init_into_a_file_is_a_usage_error(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = sopkit(["init", "taken"], tmp_path, monkeypatch)
    assert result.exit_code == 2


def test_mkdocs_yml_has_the_settings_the_pages_need(initialised: Path) -> None:
    settings = load_config(initialised).mkdocs
    theme = settings["theme"]
    assert theme["name"] == "material"
    assert theme["font"] is False
    language = "zh" if initialised.parent.name.startswith("init-zh") else "en"
    assert theme["language"] == language
    plugins = [next(iter(item)) if isinstance(item, dict) else item
               for item in settings["plugins"]]
    assert plugins == ["search", "tags", "sopkit"]
    from sopkit.publish.mkdocs_settings import markdown_extensions

    assert settings["markdown_extensions"] == markdown_extensions()


def test_the_languages_differ_only_where_they_should() -> None:
    en, zh = handbook_files("en"), handbook_files("zh")
    assert set(en) == set(zh)
    same = {".github/workflows/sopkit.yml", ".gitignore", ".pre-commit-config.yaml",
            "templates/README.md", "schemas/organization.schema.json",
            "schemas/procedure.schema.json", "schemas/training.schema.json",
            "schemas/approval.schema.json"}
    for name in same:
        assert en[name] == zh[name], name
    assert "%%" not in "".join(en.values()) + "".join(zh.values())


def test_the_example_has_every_section_of_the_format() -> None:
    schema = json.loads((REPO / "schemas" / "procedure.schema.json").read_text("utf-8"))
    example = handbook_files("en")["procedures/operations/OPS-001-example.yml"]
    loaded = load_bytes(example.encode(), "example.yml")
    assert isinstance(loaded, Document)
    optional_but_missing = set(schema["properties"]) - set(loaded.data)
    # approved-only fields are left out of a draft; related needs another procedure.
    assert optional_but_missing == {"approvers", "effective_date", "related"}


# -- the workflow -----------------------------------------------------------------------------


def _workflow(folder: Path) -> dict[Any, Any]:
    text = (folder / ".github" / "workflows" / "sopkit.yml").read_text(encoding="utf-8")
    data: dict[Any, Any] = yaml.safe_load(text)
    return data


def _trigger(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the bare key `on` as true; GitHub reads it as "on".
    trigger: dict[str, Any] = workflow.get("on", workflow.get(True))
    return trigger


@cache
def _help(subcommand: str) -> str:
    done = run([subcommand, "--help"], REPO)
    assert done.returncode == 0, f"`sopkit {subcommand}` does not exist: {done.stderr}"
    return done.stdout


def test_the_workflow_checks_pull_requests_and_publishes(initialised: Path) -> None:
    workflow = _workflow(initialised)
    trigger = _trigger(workflow)
    assert "pull_request" in trigger and "push" in trigger
    jobs = workflow["jobs"]
    check, publish = jobs["check"], jobs["publish"]
    assert check["permissions"]["security-events"] == "write"
    assert publish["permissions"]["pages"] == "write"
    assert publish["permissions"]["id-token"] == "write"

    def step(job: dict[str, Any], uses: str) -> dict[str, Any]:
        (found,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith(uses)]
        return found

    assert step(check, "actions/checkout@")["with"]["fetch-depth"] == 0
    # The sopkit action validates, reviews, checks CODEOWNERS and builds (tests/cli/test_ci.py).
    assert step(check, f"{REPOSITORY}@v{__version__}")["with"]["build"] == "preview"
    upload = step(check, "github/codeql-action/upload-sarif@v3")
    assert upload["continue-on-error"] is True
    step(check, "actions/upload-artifact@")
    assert step(publish, f"{REPOSITORY}@v{__version__}")["with"]["build"] == "site"
    step(publish, "actions/upload-pages-artifact@")
    step(publish, "actions/deploy-pages@")


def test_the_pre_commit_config_uses_this_repositorys_hooks(initialised: Path) -> None:
    config = yaml.safe_load((initialised / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (repo,) = config["repos"]
    assert repo["rev"] == f"v{__version__}"
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in hooks}


def test_the_handbook_sources_are_routed_to_a_role_of_the_organization(
    initialised: Path,
) -> None:
    config = load_config(initialised)
    assert config.handbook_owners == ("operations-manager",)
    roles = yaml.safe_load((initialised / "organization.yml").read_text("utf-8"))["roles"]
    assert "operations-manager" in [role["id"] for role in roles]
    text = (initialised / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith("# BEGIN sopkit") and text.endswith("# END sopkit\n")
    # The example names nobody yet: the gap is said, for each of the handbook's files.
    assert "# /organization.yml: no one to review it: no person with a github account holds " \
           "the handbook_owners role 'operations-manager' in organization.yml\n" in text
    done = run(["codeowners", "--check"], initialised)
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_writes_nothing_through_a_folder_that_leads_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    handbook = tmp_path / "handbook"
    handbook.mkdir()
    (handbook / ".github").symlink_to(elsewhere, target_is_directory=True)
    result = sopkit(["init"], handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    assert list(elsewhere.iterdir()) == []
    assert "skipped  .github/workflows/sopkit.yml (its folder is a link that leads out of " \
           "the handbook: make it a plain folder)" in result.output
    assert "skipped  .github/CODEOWNERS (.github leads out of the repository" in result.output
    assert "created  mkdocs.yml" in result.output


def test_gitignore_keeps_the_site_out(initialised: Path) -> None:
    lines = (initialised / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "site/" in lines


# -- .pre-commit-hooks.yaml -------------------------------------------------------------------


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def test_the_validate_hook() -> None:
    hook = _hooks()["sopkit-validate"]
    assert hook["entry"] == "sopkit validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def selected(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    for path in ("procedures/HR-001.yml", "procedures/hr/HR-001-onboarding.yaml",
                 "organization.yml", "organization.yaml"):
        assert selected(path), path
    for path in ("mkdocs.yml", "docs/x.yml", "procedures/README.md", "procedures/_notes.yml",
                 "procedures/_drafts/HR-009.yml", "x/organization.yml"):
        assert not selected(path), path


@pytest.mark.parametrize("hook_id", ["sopkit-validate", "sopkit-codeowners"])
def test_every_hook_entry_is_a_command(hook_id: str) -> None:
    words = shlex.split(_hooks()[hook_id]["entry"])
    assert words[0] == "sopkit"
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'sopkit = "sopkit.cli.entry:run"' in pyproject  # what `language: python` installs
    help_text = _help(words[1])
    for option in words[2:]:
        assert option in help_text


def test_the_validate_hook_checks_the_files_it_is_given(
    initialised: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "handbook"
    shutil.copytree(initialised, copy)
    broken = copy / "procedures" / "operations" / "OPS-002.yml"
    broken.write_text("id: OPS-002\n", encoding="utf-8")
    entry = shlex.split(_hooks()["sopkit-validate"]["entry"])
    done = run([*entry[1:], "procedures/operations/OPS-002.yml"], copy, module=True)
    assert done.returncode == 1
    assert "procedures/operations/OPS-002.yml" in done.stdout
    assert "OPS-001" not in done.stdout


# -- new --------------------------------------------------------------------------------------


@pytest.fixture
def handbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    result = sopkit(["init"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    return tmp_path


def test_new_writes_a_valid_draft(handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["new", "OPS-002", "--title", "Receive goods at the dock",
                     "--department", "operations", "--owner", "operations-manager"],
                    handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    path = handbook / "procedures" / "operations" / "OPS-002-receive-goods-at-the-dock.yml"
    assert result.output == (f"created {path.relative_to(handbook).as_posix()}\n"
                             "updated .github/CODEOWNERS (who reviews the new procedure)\n")
    document = load_file(path)
    assert isinstance(document, Document)
    data = document.data
    assert (data["id"], data["title"], data["status"]) == (
        "OPS-002", "Receive goods at the dock", "draft")
    assert data["department"] == "operations"
    assert data["owner"] == "operations-manager"
    assert data["roles"] == [{"id": "operations-manager",
                              "responsibilities": ["Keeps this procedure current"]}]
    report = validate_json(handbook)
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0
    assert report["summary"]["files"] == 3


def test_new_routes_the_procedure_in_the_codeowners_sopkit_wrote(
        handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Right after `sopkit new`, validate and `codeowners --check` pass: the new file's
    reviewers are in the CODEOWNERS section sopkit wrote, the lines around it kept."""
    codeowners = handbook / ".github" / "CODEOWNERS"
    codeowners.write_text("/docs/ @docs-team\n\n" + codeowners.read_text(encoding="utf-8")
                          + "\n/procedures/special/ @someone\n", encoding="utf-8")
    assert sopkit(["codeowners", "--check"], handbook, monkeypatch).exit_code == 0
    result = sopkit(["new", "OPS-002", "-t", "Count stock", "-d", "operations"],
                    handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    text = codeowners.read_text(encoding="utf-8")
    assert "/procedures/operations/OPS-002-count-stock.yml" in text
    assert text.startswith("/docs/ @docs-team\n") and "/procedures/special/ @someone" in text
    assert sopkit(["codeowners", "--check"], handbook, monkeypatch).exit_code == 0
    assert validate_json(handbook)["summary"]["errors"] == 0


def test_new_leaves_a_codeowners_sopkit_did_not_write_alone(
        handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codeowners = handbook / ".github" / "CODEOWNERS"
    codeowners.write_text("* @everyone\n", encoding="utf-8")
    result = sopkit(["new", "OPS-002", "-t", "Count stock"], handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "CODEOWNERS" not in result.output
    assert codeowners.read_text(encoding="utf-8") == "* @everyone\n"
    codeowners.unlink()
    result = sopkit(["new", "OPS-003", "-t", "Ship goods"], handbook, monkeypatch)
    assert result.exit_code == 0 and "CODEOWNERS" not in result.output
    assert not codeowners.exists()  # none is made: `sopkit codeowners` makes it when asked


def test_new_writes_no_codeowners_through_a_link(
        handbook: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A CODEOWNERS that is a link (to a file sopkit wrote, elsewhere) is not written
    through: the procedure is created, and a note says why CODEOWNERS was not."""
    codeowners = handbook / ".github" / "CODEOWNERS"
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "CODEOWNERS"
    elsewhere.write_bytes(codeowners.read_bytes())
    codeowners.unlink()
    codeowners.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    result = sopkit(["new", "OPS-002", "-t", "Count stock"], handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "created procedures/OPS-002-count-stock.yml" in result.output
    assert "symbolic link" in result.output and "sopkit codeowners" in result.output
    assert elsewhere.read_bytes() == before and codeowners.is_symlink()


def test_new_has_every_section_of_the_format(handbook: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    sopkit(["new", "OPS-002", "-t", "Anything"], handbook, monkeypatch)
    text = (handbook / "procedures" / "OPS-002-anything.yml").read_text(encoding="utf-8")
    schema = json.loads((REPO / "schemas" / "procedure.schema.json").read_text("utf-8"))
    for key in schema["properties"]:
        assert re.search(rf"^(# )?{key}:", text, re.M), f"no {key} in the new procedure"
    step_keys = schema["definitions"]["step"]["properties"]
    for key in step_keys:
        assert re.search(rf"^ +(#\s*)?(- )?{key}:", text, re.M), f"no step {key} hint"


def test_new_with_the_default_owner_declares_it(handbook: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["new", "OPS-002", "--title", "Anything"], handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    document = load_file(handbook / "procedures" / "OPS-002-anything.yml")
    assert isinstance(document, Document)
    assert document.data["owner"] == DEFAULT_OWNER
    assert document.data["roles"][0] == {"id": DEFAULT_OWNER, "title": "Process owner",
                                         "responsibilities": ["Keeps this procedure current"]}
    assert "department" not in document.data
    assert validate_json(handbook)["summary"]["errors"] == 0


def test_new_without_organization_declares_the_owner_with_a_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = sopkit(["new", "QA-1", "--title", "Calibrate the scales", "--owner",
                     "quality-lead", "--department", "quality"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    path = tmp_path / "procedures" / "quality" / "QA-1-calibrate-the-scales.yml"
    text = path.read_text(encoding="utf-8")
    assert not text.startswith("# yaml-language-server")  # no schemas/ in this folder
    document = load_file(path)
    assert isinstance(document, Document)
    assert document.data["roles"][0]["title"] == "Quality lead"
    report = validate_json(tmp_path)
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0


def test_new_points_editors_at_the_schema(handbook: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sopkit(["new", "OPS-002", "-t", "x", "-d", "operations"], handbook, monkeypatch)
    path = handbook / "procedures" / "operations" / "OPS-002-x.yml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/procedure.schema.json"
    assert (path.parent / "../../schemas/procedure.schema.json").resolve().is_file()


def test_a_chinese_title_gives_just_the_id(handbook: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["new", "OPS-003", "--title", "仓库收货", "-d", "operations"], handbook,
                    monkeypatch)
    assert result.exit_code == 0, result.output
    path = handbook / "procedures" / "operations" / "OPS-003.yml"
    document = load_file(path)
    assert isinstance(document, Document)
    assert document.data["title"] == "仓库收货"
    assert validate_json(handbook)["summary"]["errors"] == 0


def test_a_chinese_handbook_gets_chinese_hints(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sopkit(["init", "--language", "zh"], tmp_path, monkeypatch)
    result = sopkit(["new", "OPS-002", "-t", "收货", "-d", "operations"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "procedures" / "operations" / "OPS-002.yml").read_text(encoding="utf-8")
    assert "本流程为什么存在" in text  # one word for "procedure" throughout: 流程
    assert "流程负责人" in text
    report = validate_json(tmp_path)
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0


def test_chinese_files_use_one_word_for_procedure() -> None:
    # 流程 everywhere: not 程序, 标准作业程序 or another word the writer must map to it.
    from sopkit.publish.labels import labels_for

    texts = {**handbook_files("zh"), "labels": "\n".join(labels_for("zh").values())}
    assert {path for path, text in texts.items() if "程序" in text} == set()


def test_new_refuses_an_id_that_exists(handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(handbook)
    result = sopkit(["new", "OPS-001", "--title", "Again"], handbook, monkeypatch)
    assert result.exit_code == 2
    assert "OPS-001 already exists in procedures/operations/OPS-001-example.yml" in result.output
    assert snapshot(handbook) == before


def test_new_writes_nothing_through_a_folder_link_out_of_the_handbook(
        handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A department folder that is a link to somewhere else: validate would refuse a file
    there (link-outside-handbook), and new does not create one through it."""
    outside = handbook.parent / f"{handbook.name}-outside"
    (handbook / "procedures" / "operations").rename(outside)
    (handbook / "procedures" / "operations").symlink_to(outside, target_is_directory=True)
    before = sorted(path.name for path in outside.iterdir())
    result = sopkit(["new", "OPS-002", "--title", "Receive goods", "--department",
                     "operations"], handbook, monkeypatch)
    assert result.exit_code == 2, result.output
    assert "is a link out of the handbook" in result.output
    assert len(result.output.splitlines()) == 1
    assert sorted(path.name for path in outside.iterdir()) == before


@pytest.mark.parametrize(("bad", "hint"), [
    ("hr-001", "did you mean 'HR-001'?"),
    ("HR_001", "did you mean 'HR-001'?"),
    ("HR--1", ""),
    ("1HR", ""),
    ("HR-001-", ""),
])
def test_new_refuses_an_invalid_id(bad: str, hint: str, handbook: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["new", bad, "--title", "x"], handbook, monkeypatch)
    assert result.exit_code == 2
    assert f"'{bad}' is not a procedure id" in result.output
    assert "e.g. HR-001" in result.output
    assert hint in result.output


@pytest.mark.parametrize(("args", "shown"), [
    (["HR-001\n", "--title", "x"], "'HR-001\\n' is not a procedure id (did you mean 'HR-001'?)"),
    (["HR-001\n* @x", "--title", "x"], "'HR-001\\n* @x' is not a procedure id"),
    (["OPS-009", "--title", "x", "--department", "operations\n"],
     "'operations\\n' is not a department id"),
    (["OPS-009", "--title", "x", "--owner", "operations-manager\n"],
     "'operations-manager\\n' is not a role id"),
    (["OPS-009", "--title", "a\u2028b"], "the title must be one line of text: 'a\\u2028b'"),
    (["OPS-009", "--title", "a\x1bb"], "the title must be one line of text: 'a\\x1bb'"),
])
def test_new_refuses_a_line_break_in_a_value_with_one_line(
    args: list[str], shown: str, handbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(handbook)
    result = sopkit(["new", *args], handbook, monkeypatch)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert shown in result.output
    assert snapshot(handbook) == before


def test_new_takes_a_tab_in_the_title(handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["new", "OPS-009", "--title", "a\tb"], handbook, monkeypatch)
    assert result.exit_code == 0, result.output
    document = load_file(handbook / "procedures" / "OPS-009-a-b.yml")
    assert isinstance(document, Document) and document.data["title"] == "a\tb"


@pytest.mark.parametrize(("args", "message"), [
    (["--owner", "operations-manger"],
     "role 'operations-manger' is not in organization.yml (did you mean 'operations-manager'?)"),
    (["--owner", "Operations Manager"], "is not a role id"),
    (["--department", "operation"],
     "department 'operation' is not in organization.yml (did you mean 'operations'?)"),
    (["--title", " "], "the title is empty"),
    (["--title", "two\nlines"], "the title must be one line"),
])
def test_new_refuses_bad_options(args: list[str], message: str, handbook: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(handbook)
    result = sopkit(["new", "OPS-009", "--title", "x", *args], handbook, monkeypatch)
    assert result.exit_code == 2
    assert message in result.output
    assert snapshot(handbook) == before


def test_new_without_a_title_is_a_usage_error(handbook: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    result = sopkit(["new", "OPS-009"], handbook, monkeypatch)
    assert result.exit_code == 2
    assert "--title" in result.output


@pytest.mark.parametrize("title", [
    "Plain title", "Receive goods: dock 2", "Item #2", "true", "null", "1.10", "- a list?",
    "[bracketed]", "@mention", "*star", "'quoted'", '"double" and \\ backslash', "  spaced  ",
    "Café crème", "仓库: 收货", "a: b # c", "% percent", "!tag", "&anchor", "{x}", "`code`",
])
def test_any_title_is_written_so_that_it_reads_back_the_same(title: str) -> None:
    loaded = load_bytes(f"title: {scalar(title)}\n".encode(), "t.yml")
    assert isinstance(loaded, Document)
    assert loaded.data["title"] == title


@pytest.mark.parametrize(("title", "expected"), [
    ("New employee onboarding", "new-employee-onboarding"),
    ("Café & crème: the 2nd try!", "cafe-creme-the-2nd-try"),
    ("新员工入职", ""),
    ("IT 变更管理", ""),
    ("   ", ""),
    ("A" * 80, "a" * 50),
    ("Word " * 20, "-".join(["word"] * 10)),
])
def test_slug(title: str, expected: str) -> None:
    assert slug(title) == expected


def test_check_id() -> None:
    check_id("HR-001")
    check_id("A")
    with pytest.raises(ScaffoldError, match="did you mean 'IT-7'"):
        check_id("it 7")
    with pytest.raises(ScaffoldError, match=r"'HR-001\\n' is not a procedure id"):
        check_id("HR-001\n")  # `$` matches before a final newline: the id must fullmatch


def test_plan_procedure_fills_the_date(handbook: Path) -> None:
    from datetime import date

    config = load_config(handbook)
    planned = plan_procedure(config, "OPS-005", "x", today=date(2026, 2, 3))
    assert "    date: 2026-02-03\n" in planned.text
    assert not planned.path.exists()  # planning writes nothing
