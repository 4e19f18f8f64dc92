"""`sopkit render`'s pages built by Zensical (Material's successor, which reads mkdocs.yml
but runs no MkDocs plugin), as docs/publishing.md says: the handbook's mkdocs.yml without
the sopkit plugin, `docs_dir` the rendered folder, `nav` the one render wrote. The demo
builds with no issue, with its pages, flowcharts and search index. Zensical is installed
with the test extras (pyproject.toml), so this test always runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO


def test_the_demo_rendered_builds_with_zensical(tmp_path: Path) -> None:
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent))
    assert zensical is not None, "zensical is installed with the test extras"
    handbook = tmp_path / "handbook"
    for name in ("procedures", "training", "approvals", "docs", "schemas"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, handbook / name)
    shutil.copy(REPO / "organization.yml", handbook / "organization.yml")
    done = subprocess.run([sys.executable, "-m", "sopkit", "render", "--out", "pages",
                           "--today", "2026-12-07"], cwd=handbook,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    settings = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    settings["plugins"] = [plugin for plugin in settings["plugins"]
                           if plugin != "sopkit" and not (isinstance(plugin, dict)
                                                          and "sopkit" in plugin)]
    settings["docs_dir"] = "pages"
    settings["nav"] = yaml.safe_load((handbook / "pages" / ".nav.yml").read_text(
        encoding="utf-8"))["nav"]
    (handbook / "mkdocs.yml").write_text(yaml.safe_dump(settings, allow_unicode=True),
                                         encoding="utf-8")
    built = subprocess.run([zensical, "build"], cwd=handbook, capture_output=True, text=True,
                           timeout=600, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "No issues found" in built.stdout + built.stderr
    site = handbook / "site"
    page = (site / "procedures" / "hr" / "HR-001" / "index.html").read_text(encoding="utf-8")
    assert "HR-001" in page and "<svg" in page
    assert (site / "procedures" / "hr" / "HR-001.svg").is_file()
    indexes = [path for path in site.rglob("*.json") if "search" in path.name]
    assert indexes, sorted(path.name for path in site.rglob("*.json"))
    assert "HR-001" in json.dumps(json.loads(indexes[0].read_text(encoding="utf-8")))
