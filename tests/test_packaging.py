"""The wheel: schemas and templates inside the package, and a working `sopkit`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    (found,) = out.glob("sopkit-*.whl")
    return found


def test_the_wheel_holds_the_schemas_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in ("procedure", "organization"):
        assert f"sopkit/schemas/{schema}.schema.json" in names
    templates = sorted(name for name in names if name.startswith("sopkit/templates/"))
    sources = sorted(
        f"sopkit/templates/{path.relative_to(REPO / 'templates').as_posix()}"
        for path in (REPO / "templates").rglob("*") if path.is_file()
    )
    assert sources, "templates/ is empty"
    assert templates == sources
    assert "sopkit/py.typed" in names


def test_the_wheel_declares_the_command_and_the_plugin(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [name for name in archive.namelist() if name.endswith("entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "sopkit = sopkit.cli.entry:run" in text
    assert "[mkdocs.plugins]" in text and "sopkit = sopkit.publish.plugin:SopkitPlugin" in text


def test_the_installed_wheel_works_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    handbook = tmp_path / "handbook"
    shutil.copytree(REPO / "procedures", handbook / "procedures")
    shutil.copy(REPO / "organization.yml", handbook)
    environment = {**os.environ, "PYTHONPATH": str(target)}

    def sopkit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sopkit", *args], cwd=handbook,
                              env=environment, capture_output=True, text=True, timeout=120,
                              check=False)

    where = subprocess.run([sys.executable, "-c", "import sopkit; print(sopkit.__file__)"],
                           cwd=handbook, env=environment, capture_output=True, text=True,
                           check=True)
    assert where.stdout.startswith(str(target))
    schema = sopkit("schema", "procedure")
    assert schema.returncode == 0
    assert json.loads(schema.stdout)["$schema"] == "http://json-schema.org/draft-07/schema#"
    validated = sopkit("validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
