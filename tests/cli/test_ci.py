"""CI that runs as written: the GitHub Action in this repository (action.yml), the workflow
and the GitLab pipeline `sopkit init` writes, checked against GitHub's and GitLab's schemas
(as check-jsonschema vendors them), and the action's steps run as GitHub runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from helpers.commands import scaffolded, sopkit
from helpers.git_repo import IDENTITY
from jsonschema import Draft7Validator

from sopkit import REPOSITORY, __version__
from sopkit.cli.main import main
from sopkit.cli.scaffold import handbook_files
from sopkit.format.load import Document, load_bytes

WORKFLOW = ".github/workflows/sopkit.yml"


def vendored(name: str) -> dict[str, Any]:
    """A schema check-jsonschema ships (GitHub's and GitLab's, as their projects publish them)."""
    folder = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
    return schema


def yaml_data(text: str, name: str) -> dict[str, Any]:
    """``text`` as GitHub and GitLab read YAML (1.2: `on` is a key, not true)."""
    document = load_bytes(text.encode("utf-8"), name)
    assert isinstance(document, Document), document
    data: dict[str, Any] = document.data
    return data


def schema_errors(data: Any, schema: dict[str, Any]) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}"
            for error in Draft7Validator(schema).iter_errors(data)]


ACTION_TEXT = (REPO / "action.yml").read_text(encoding="utf-8")
ACTION = yaml_data(ACTION_TEXT, "action.yml")


def test_the_action_is_a_valid_github_action() -> None:
    assert schema_errors(ACTION, vendored("github-actions.json")) == []
    assert ACTION["runs"]["using"] == "composite"
    install = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "install")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]  # sopkit at the action's own ref


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_generated_workflow_is_valid_and_uses_the_action_that_wrote_it(
        language: str) -> None:
    text = handbook_files("en" if language == "en" else "zh")[WORKFLOW]
    workflow = yaml_data(text, WORKFLOW)
    assert schema_errors(workflow, vendored("github-workflows.json")) == []
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"]
            if "uses" in step]
    assert uses.count(f"{REPOSITORY}@v{__version__}") == 2  # the check and the publish job
    assert not [step for job in workflow["jobs"].values() for step in job["steps"]
                if "pip install" in step.get("run", "")]  # no install by name from an index


def steps_of(workflow: dict[str, Any], job: str) -> dict[str, dict[str, Any]]:
    return {str(step.get("uses", step.get("name"))).split("@")[0]: step
            for step in workflow["jobs"][job]["steps"]}


def test_a_sarif_upload_that_fails_never_fails_the_pull_request() -> None:
    text = handbook_files("en")[WORKFLOW]
    upload = steps_of(yaml_data(text, WORKFLOW), "check")["github/codeql-action/upload-sarif"]
    assert upload["continue-on-error"] is True
    assert upload["with"]["sarif_file"] == "${{ steps.sopkit.outputs.sarif }}"
    reason = text.split("- name: Upload the SARIF report", 1)[0].rsplit("\n\n", 1)[-1]
    assert "Code scanning is not available" in reason and "continue-on-error" in reason


def test_the_preview_and_the_published_site() -> None:
    workflow = yaml_data(handbook_files("en")[WORKFLOW], WORKFLOW)
    check, publish = steps_of(workflow, "check"), steps_of(workflow, "publish")
    assert check[REPOSITORY]["with"]["build"] == "preview"
    assert check["actions/upload-artifact"]["with"]["path"] == "${{ steps.sopkit.outputs.site }}"
    assert publish[REPOSITORY]["with"]["build"] == "site"
    pages = publish["actions/upload-pages-artifact"]["with"]["path"]
    assert pages == "${{ steps.sopkit.outputs.site }}"


def test_the_generated_gitlab_pipeline_is_valid() -> None:
    files = handbook_files("en", ci="gitlab")
    assert WORKFLOW not in files
    pipeline = yaml_data(files[".gitlab-ci.yml"], ".gitlab-ci.yml")
    assert schema_errors(pipeline, vendored("gitlab-ci.json")) == []
    assert pipeline["variables"]["SOPKIT_VERSION"] == __version__
    check = pipeline["sopkit-check"]
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert check["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    script = "\n".join(check["script"])
    assert "sopkit validate --format gitlab" in script and "> gl-code-quality-report.json" in script
    assert "sopkit build --no-directory-urls" in script and "site/" in check["artifacts"]["paths"]
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert "mv site public" in pipeline["pages"]["script"]


def test_init_writes_the_ci_it_is_asked_for(tmp_path: Path) -> None:
    for ci, present, absent in (("github", WORKFLOW, ".gitlab-ci.yml"),
                                ("gitlab", ".gitlab-ci.yml", WORKFLOW)):
        done = sopkit(["init", ci, "--ci", ci], tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"created  {present}" in done.stdout
        assert (tmp_path / ci / present).is_file() and not (tmp_path / ci / absent).exists()
    done = sopkit(["init", "none", "--ci", "none"], tmp_path)
    assert done.returncode == 0 and not (tmp_path / "none" / ".gitlab-ci.yml").exists()
    assert not (tmp_path / "none" / ".github" / "workflows").exists()


# -- every sopkit command the CI files run exists, with its options -------------------------

SOPKIT_COMMAND = re.compile(
    r"\bsopkit ([a-z]+)((?: +(?:--?[a-z-]+|\"[^\"]*\"|'[^']*'|[^\s;|&>]+))*)")


def ci_scripts() -> list[tuple[str, str]]:
    """(where, script) for every script of the action and of the generated pipelines."""
    scripts = [("action.yml", step["run"]) for step in ACTION["runs"]["steps"] if "run" in step]
    gitlab = yaml_data(handbook_files("en", ci="gitlab")[".gitlab-ci.yml"], ".gitlab-ci.yml")
    scripts += [(f".gitlab-ci.yml {name}", line) for name, job in gitlab.items()
                if isinstance(job, dict) for key in ("script", "before_script")
                for line in job.get(key, [])]
    return scripts


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_gitlab_handbook_routes_reviews_where_gitlab_reads_them(tmp_path: Path,
                                                                  language: str) -> None:
    """`init --ci gitlab` writes .gitlab/CODEOWNERS (GitLab does not read .github/), with
    the pipeline routed to the handbook's owners; its README speaks of merge requests on
    GitLab; codeowners --check, validate and new keep that file."""
    root = tmp_path / "handbook"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    done = sopkit(["init", "--ci", "gitlab", "--language", language], root)
    assert done.returncode == 0, done.stderr
    assert "created  .gitlab/CODEOWNERS" in done.stdout
    assert not (root / ".github").exists()
    codeowners = (root / ".gitlab" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "# BEGIN sopkit" in codeowners
    assert "\n# /.gitlab-ci.yml: " in codeowners and "\n# /.gitlab/: " in codeowners
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "GitLab" in readme and ".gitlab/CODEOWNERS" in readme and "merge request" in readme
    assert "GitHub" not in readme and ".github" not in readme and "pull request" not in readme
    assert "%%" not in readme
    assert sopkit(["codeowners", "--check"], root).returncode == 0
    done = sopkit(["new", "OPS-002", "-t", "Count stock", "-d", "operations"], root)
    assert "updated .gitlab/CODEOWNERS" in done.stdout, done.stdout + done.stderr
    assert "OPS-002-count-stock.yml" in (root / ".gitlab" / "CODEOWNERS").read_text(
        encoding="utf-8")
    validate = sopkit(["validate", "--format", "json"], root)
    assert json.loads(validate.stdout)["summary"]["errors"] == 0, validate.stdout
    assert not (root / ".github").exists()


def test_a_github_codeowners_is_kept_where_it_is_on_gitlab_too(tmp_path: Path) -> None:
    """A repository that has .github/CODEOWNERS keeps it as sopkit's file, whatever CI."""
    root = tmp_path / "handbook"
    (root / ".github").mkdir(parents=True)
    (root / ".github" / "CODEOWNERS").write_text("* @everyone\n", encoding="utf-8")
    done = sopkit(["init", "--ci", "gitlab"], root)
    assert "kept     .github/CODEOWNERS (it exists)" in done.stdout, done.stdout
    assert not (root / ".gitlab").exists()


def test_the_github_readme_keeps_its_words() -> None:
    for language in ("en", "zh"):
        for ci in ("github", "none"):
            readme = handbook_files(language, ci=ci)["README.md"]  # type: ignore[arg-type]
            assert ".github/CODEOWNERS" in readme and "GitHub" in readme
            assert "GitLab" not in readme and "%%" not in readme


def test_every_command_the_ci_files_run_exists() -> None:
    found = 0
    for where, script in ci_scripts():
        for name, arguments in SOPKIT_COMMAND.findall(script):
            assert name in main.commands, (where, name)
            options = {option for param in main.commands[name].params
                       for option in param.opts}
            for word in arguments.split():
                if word.startswith("-"):
                    assert word in options, (where, name, word)
            found += 1
    assert found >= 8


# -- the action's steps, run as GitHub runs them --------------------------------------------


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *IDENTITY, *args], cwd=folder, check=True, capture_output=True)


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A repository whose branch `feature` changes a procedure of the handbook on `main`, as
    actions/checkout leaves it for a pull request (with origin/main)."""
    origin = scaffolded(tmp_path / "origin")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "the handbook")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "checkout", "-q", "-b", "feature")
    example = clone / "procedures" / "operations" / "OPS-001-example.yml"
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("title: Change a procedure in this handbook",
                                    "title: Change a procedure in the handbook"), "utf-8")
    git(clone, "commit", "-q", "-am", "a clearer title")
    return clone


def run_step(step_id: str, workspace: Path, env: dict[str, str]) -> tuple[int, str]:
    """The `run:` of the action's step ``step_id`` in bash, in the handbook's folder, as the
    runner does (its env, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files)."""
    step = next(step for step in ACTION["runs"]["steps"] if step.get("id") == step_id)
    assert "${{" not in step["run"], "inputs reach the script through env only"
    environment = {**os.environ, "NO_COLOR": "1", "GITHUB_ACTIONS": "true",
                   "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                   "GITHUB_OUTPUT": str(workspace.parent / "output"),
                   "GITHUB_STEP_SUMMARY": str(workspace.parent / "summary.md"), **env}
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]  # `shell: bash`
    done = subprocess.run([*shell, step["run"]], cwd=workspace, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, done.stdout + done.stderr


def outputs(workspace: Path) -> dict[str, str]:
    lines = (workspace.parent / "output").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_the_actions_steps_check_review_and_build_a_pull_request(pull_request: Path) -> None:
    base = {"BASE": "origin/main", "HANDBOOK": "."}
    code, log = run_step("validate", pull_request, {**base, "SARIF": "sopkit.sarif"})
    assert code == 1, log  # the title changed, the version did not
    assert "::error file=procedures/operations/OPS-001-example.yml" in log
    assert "version-not-raised" in log
    sarif = json.loads((pull_request / "sopkit.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["version-not-raised"]
    assert outputs(pull_request)["sarif"] == "./sopkit.sarif"

    code, log = run_step("summary", pull_request, {"BASE": "origin/main"})
    assert code == 0, log
    summary = (pull_request.parent / "summary.md").read_text(encoding="utf-8")
    assert "OPS-001" in summary and "Change a procedure in the handbook" in summary

    code, log = run_step("codeowners", pull_request, {})
    assert code == 0, log
    code, log = run_step("build", pull_request, {**base, "BUILD": "preview"})
    assert code == 0, log
    assert outputs(pull_request)["site"] == "./site"
    assert (pull_request / "site" / "index.html").is_file()
    assert (pull_request / "site" / "procedures" / "operations" / "OPS-001.html").is_file()


def test_the_action_checks_a_handbook_in_a_folder_of_the_repository(tmp_path: Path) -> None:
    workspace = tmp_path / "repo"
    workspace.mkdir()
    handbook = scaffolded(workspace / "handbook")
    code, log = run_step("validate", handbook, {"BASE": "", "SARIF": "out.sarif",
                                                "HANDBOOK": "handbook/"})
    assert code == 0, log
    assert outputs(handbook)["sarif"] == "handbook/out.sarif"
