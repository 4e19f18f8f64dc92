"""The docs: docs/rules.md is generated from the rule registry; the guides name real commands."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from functools import cache

import pytest
from conftest import REPO

from sopkit.check.handbook import rule_infos
from sopkit.cli import docs_gen
from sopkit.rules import all_rules

DOCS = REPO / "docs"
GUIDES = ("setup.md", "review.md")

PENDING_OPTIONS: set[tuple[str, str]] = set()
"""Options the guides describe that another part of sopkit is still adding to the command."""

BOOT = """\
from sopkit.cli.main import main
main(prog_name="sopkit")
"""


def test_rules_md_is_generated_from_the_registry() -> None:
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert committed == docs_gen.render(), (
        "docs/rules.md differs from the rule registry (a rule was added or its doc changed): "
        f"regenerate it with `{docs_gen.COMMAND}` and commit it"
    )


def test_every_rule_has_its_section() -> None:
    page = docs_gen.render()
    scopes = {rule.name: rule.takes for rule in all_rules()}
    for info in rule_infos():
        section = page.split(f"\n## {info.name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"**Default severity:** {info.severity}." in section
        assert info.summary in section
        first_line = info.doc.strip().splitlines()[0].lstrip("#").strip()
        assert first_line in section
        if info.name in scopes:
            assert f"        {info.name}: " in section  # how to change its severity
        assert f"| [{info.name}](#{info.name}) | {info.severity} |" in page


def test_rule_headings_are_nested_under_the_rule() -> None:
    page = docs_gen.render()
    assert "\n### What it does\n" in page
    assert "\n## What it does\n" not in page


def test_demote_leaves_code_alone() -> None:
    text = "## Example\n\n```yaml\n# organization.yml\n## not a heading\n```\n\n# Top\n"
    assert docs_gen.demote(text) == (
        "### Example\n\n```yaml\n# organization.yml\n## not a heading\n```\n\n## Top\n"
    )
    assert docs_gen.demote("~~~~\n# a\n~~~~\n#b\n# c") == "~~~~\n# a\n~~~~\n#b\n## c"


def test_the_module_prints_the_page() -> None:
    done = subprocess.run([sys.executable, "-m", "sopkit.cli.docs_gen"], capture_output=True,
                          timeout=120, check=True)
    assert done.stdout.decode("utf-8") == docs_gen.render()


@cache
def _help(subcommand: str) -> str:
    environment = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", BOOT, subcommand, "--help"], cwd=REPO,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, f"the docs name `sopkit {subcommand}`, which does not exist"
    return done.stdout


def _commands(markdown: str) -> list[list[str]]:
    """`sopkit ...` commands in code blocks and code spans, as words."""
    found = []
    spans = re.findall(r"^```sh\n(.*?)^```", markdown, re.M | re.S)
    lines = [line for block in spans for line in block.splitlines()]
    lines += re.findall(r"`(sopkit [^`]+)`", markdown)
    for line in lines:
        line = line.split(" #", 1)[0].strip()
        if line.startswith("sopkit "):
            found.append(shlex.split(line.split(">", 1)[0]))
    return found


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_name_commands_and_options_that_exist(guide: str) -> None:
    commands = _commands((DOCS / guide).read_text(encoding="utf-8"))
    assert commands
    for words in commands:
        if len(words) < 2 or words[1].startswith("-"):
            continue
        help_text = _help(words[1])
        for word in words[2:]:
            option = word.split("=", 1)[0]
            if not option.startswith("--") or (words[1], option) in PENDING_OPTIONS:
                continue
            assert re.search(rf"(^|[\s,]){re.escape(option)}\b", help_text, re.M), \
                f"{guide}: `sopkit {words[1]}` has no option {option}"


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_link_to_pages_and_rules_that_exist(guide: str) -> None:
    text = (DOCS / guide).read_text(encoding="utf-8")
    rules = {info.name for info in rule_infos()}
    links = re.findall(r"\]\(([^)#\s]+\.md)(?:#([^)\s]+))?\)", text)
    assert links
    for page, anchor in links:
        assert (DOCS / page).is_file(), f"{guide} links to {page}, which does not exist"
        if page == "rules.md" and anchor:
            assert anchor in rules, f"{guide} links to rule {anchor}, which does not exist"
        if page in GUIDES and anchor:
            headings = re.findall(r"^#+ (.+)$", (DOCS / page).read_text(encoding="utf-8"),
                                  re.M)
            slugs = {re.sub(r"[^\w\s-]", "", h).strip().lower().replace(" ", "-")
                     for h in headings}
            assert anchor in slugs, f"{guide} links to {page}#{anchor}, which does not exist"
