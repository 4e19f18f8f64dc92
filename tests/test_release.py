"""Release readiness: `python -m build` gives a wheel and an sdist that `twine check` accepts,
the changelog has the version's section, and the release workflow is valid and guards the
tag, the version and the repository the generated CI files name."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from jsonschema import Draft7Validator

from sopkit import REPOSITORY, __version__
from sopkit.format.load import Document, load_bytes


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                           str(REPO)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_build_gives_a_wheel_and_an_sdist_that_twine_accepts(dist: Path) -> None:
    assert sorted(path.name for path in dist.iterdir()) == [
        f"sopkit-{__version__}-py3-none-any.whl", f"sopkit-{__version__}.tar.gz"]
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                           *map(str, sorted(dist.iterdir()))],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_the_packages_hold_what_init_writes_and_the_changelog(dist: Path) -> None:
    wheel = set(zipfile.ZipFile(dist / f"sopkit-{__version__}-py3-none-any.whl").namelist())
    for name in ("ci.github/dot-github/workflows/sopkit.yml", "ci.gitlab/dot-gitlab-ci.yml"):
        assert f"sopkit/templates/scaffold/{name}" in wheel
    with tarfile.open(dist / f"sopkit-{__version__}.tar.gz") as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"CHANGELOG.md", "README.md", "LICENSE", "pyproject.toml"} <= names


def test_the_changelog_has_this_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert headings[0] in ("Unreleased", __version__) and __version__ in headings


def test_the_repository_is_named_once() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'Source = "https://github.com/{REPOSITORY}"' in pyproject
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert f"repo: https://github.com/{REPOSITORY}" in hooks


def release() -> dict[str, Any]:
    text = (REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    document = load_bytes(text.encode("utf-8"), "release.yml")
    assert isinstance(document, Document), document
    data: dict[str, Any] = document.data
    return data


def test_the_release_workflow_is_valid_and_checks_before_it_publishes() -> None:
    folder = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(folder.joinpath("github-workflows.json").read_text(encoding="utf-8"))
    workflow = release()
    assert [e.message for e in Draft7Validator(schema).iter_errors(workflow)] == []
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    runs = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    for check in ('"$TAG" = "v$version"', '"$REPOSITORY" = "$expected"', "CHANGELOG.md",
                  "twine check --strict", "sopkit validate"):
        assert check in runs, check
    assert jobs["publish"]["needs"] == "build"
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert any(str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish@")
               for step in jobs["publish"]["steps"])
