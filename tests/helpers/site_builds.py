"""A small valid handbook to build, and ways to look at what a build made."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sopkit.cli.main import main

TODAY = "2026-02-01"

ORGANIZATION = """\
departments:
  - id: hr
    name: 人力资源部 / Human Resources
roles:
  - id: hr-manager
    title: HR Manager
    department: hr
  - id: hr-specialist
    title: HR Specialist
    department: hr
"""

PROCEDURE = """\
id: HR-001
title: New hire onboarding
version: 1.0.0
status: draft
department: hr
owner: hr-manager
tags: [onboarding]
review:
  interval_months: 12
  last_reviewed: {last_reviewed}
purpose: Get every new hire ready for day one.
scope:
  includes: [All employees]
roles:
  - id: hr-manager
  - id: hr-specialist
steps:
  - id: collect
    title: 收集入职材料
    role: hr-specialist
    description: 核对身份证和学历证书，确认入职日期。
    checklist: [ID card, Degree certificate]
  - id: complete
    title: Are the documents complete?
    role: hr-specialist
    decision:
      branches:
        - when: "Yes"
          next: welcome
        - when: "No"
          next: collect
  - id: welcome
    title: Welcome the hire
    role: hr-manager
    description: Hand over the laptop and introduce the team.
    end: true
history:
  - version: 1.0.0
    date: 2026-01-10
    summary: First release.
"""

BROKEN = """\
id: HR-002
title: Broken
version: 1.0.0
status: draft
owner: hr-manager
purpose: x
scope:
  includes: [x]
roles:
  - id: hr-manager
steps:
  - id: one
    title: One
    role: nobody-knows-me
history:
  - version: 1.0.0
    date: 2026-01-10
    summary: First.
"""


def write_handbook(root: Path, *, mkdocs_yml: str | None = None,
                   last_reviewed: str = "2026-01-10",
                   docs: dict[str, str] | None = None) -> Path:
    """A small valid handbook: organization.yml and one procedure with a decision."""
    (root / "procedures" / "hr").mkdir(parents=True)
    (root / "organization.yml").write_text(ORGANIZATION, encoding="utf-8")
    (root / "procedures" / "hr" / "HR-001-onboarding.yml").write_text(
        PROCEDURE.format(last_reviewed=last_reviewed), encoding="utf-8")
    if mkdocs_yml is not None:
        (root / "mkdocs.yml").write_text(textwrap.dedent(mkdocs_yml), encoding="utf-8")
    for name, text in (docs or {}).items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


EXTERNAL = re.compile(
    r"<script[^>]+src=\"(?:https?:)?//|<link[^>]+href=\"(?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//|fonts\.googleapis|fonts\.gstatic")


def external_references(site: Path) -> list[str]:
    """Scripts, styles and fonts the built site would fetch from other hosts."""
    found = []
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.css")]):
        for match in EXTERNAL.finditer(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(site)}: {match.group()}")
    return found


def procedure_page(site: Path) -> Path:
    """The built page of HR-001, wherever the renderer put it."""
    pages = [path for path in site.rglob("*.html")
             if "New hire onboarding" in path.read_text(encoding="utf-8")
             and 'class="sop-flowchart"' in path.read_text(encoding="utf-8")]
    assert pages, "no built page holds HR-001's flowchart"
    return pages[0]


def mkdocs_build(root: Path, *, command: str = "build", site: Path | None = None,
                 **overrides: Any) -> Path:
    """Build ``root/mkdocs.yml`` with MkDocs' Python API, as `mkdocs build` (or, with
    ``command="serve"``, `mkdocs serve`) does; the site goes to ``site`` (default
    ``root/site``), which is returned."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = site if site is not None else root / "site"
    (root / "docs").mkdir(exist_ok=True)  # MkDocs requires the docs folder
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), **overrides)
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site
