"""Editors set up by `sopkit init`: .vscode/ maps sopkit's schemas to the files they describe,
checked with the real YAML language server (what VS Code's YAML extension runs), for files
with and without the first-line schema comment; and no text an editor shows names a sopkit
command that does not exist."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from helpers.commands import scaffolded, sopkit
from helpers.lsp import LanguageServer

from sopkit.cli.main import main

EXAMPLE = "procedures/operations/OPS-001-example.yml"
TOP_LEVEL = {"id", "title", "version", "status", "owner", "purpose", "scope", "roles", "steps",
             "history", "objectives", "metrics", "risks"}


def without_comment(text: str) -> str:
    """``text`` without its first-line ``# yaml-language-server: $schema=`` comment."""
    first, rest = text.split("\n", 1)
    assert first.startswith("# yaml-language-server: $schema=")
    return rest


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scaffolded handbook with misspelt keys, in files with and without the comment."""
    root = scaffolded(tmp_path_factory.mktemp("editors") / "hb")
    example = (root / EXAMPLE).read_text(encoding="utf-8")
    folder = root / "procedures" / "drafts"
    folder.mkdir()
    misspelt = example.replace("\npurpose: |", "\npurpse: |")
    (folder / "with-comment.yml").write_text(misspelt, encoding="utf-8")  # same depth
    (folder / "without-comment.yml").write_text(without_comment(misspelt), encoding="utf-8")
    (folder / "new-with-comment.yml").write_text(
        "# yaml-language-server: $schema=../../schemas/procedure.schema.json\nid: OPS-009\n\n",
        encoding="utf-8")
    (folder / "new-without-comment.yml").write_text("id: OPS-009\n\n", encoding="utf-8")
    organization = without_comment((root / "organization.yml").read_text(encoding="utf-8"))
    (root / "organization.yml").write_text(organization.replace("\nroles:", "\nrolez:"),
                                           encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(handbook: Path) -> Iterator[LanguageServer]:
    """The server with the settings init wrote, as VS Code gives them."""
    settings = json.loads((handbook / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    with LanguageServer(handbook, settings) as running:
        yield running


def line_of(path: Path, text: str) -> int:
    """The line (from 0, as LSP counts) of ``path`` that starts with ``text``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines) if line.startswith(text))


def reported_at(diagnostics: list[dict[str, Any]], line: int) -> list[str]:
    return [d["message"] for d in diagnostics if d["range"]["start"]["line"] == line]


@pytest.mark.parametrize("name", ["with-comment.yml", "without-comment.yml"])
def test_a_misspelt_key_is_reported_at_its_line(name: str, handbook: Path,
                                                server: LanguageServer) -> None:
    path = handbook / "procedures" / "drafts" / name
    diagnostics = server.open(path)
    messages = reported_at(diagnostics, line_of(path, "purpse:"))
    assert any("purpse" in message and "not allowed" in message for message in messages), \
        diagnostics
    assert any('"purpose"' in d["message"] for d in diagnostics)  # and the key it lacks


@pytest.mark.parametrize("name", ["new-with-comment.yml", "new-without-comment.yml"])
def test_completion_offers_the_top_level_keys(name: str, handbook: Path,
                                              server: LanguageServer) -> None:
    path = handbook / "procedures" / "drafts" / name
    server.open(path)
    offered = set(server.completion(path, line_of(path, "id:") + 1, 0))
    assert offered >= TOP_LEVEL - {"id"}, offered
    assert "id" not in offered  # the file has it already


def test_organization_yml_is_checked_without_its_comment(handbook: Path,
                                                         server: LanguageServer) -> None:
    path = handbook / "organization.yml"
    diagnostics = server.open(path)
    assert any("rolez" in message
               for message in reported_at(diagnostics, line_of(path, "rolez:"))), diagnostics


def test_the_example_is_clean_in_the_editor(handbook: Path, server: LanguageServer) -> None:
    assert server.open(handbook / EXAMPLE) == []


def test_without_the_settings_a_file_without_the_comment_is_not_checked(
        tmp_path: Path) -> None:
    """What the settings are for: the same server, without them, says nothing."""
    root = scaffolded(tmp_path / "hb")
    path = root / "procedures" / "bare.yml"
    text = without_comment((root / EXAMPLE).read_text(encoding="utf-8"))
    path.write_text(text.replace("\npurpose: |", "\npurpse: |"), encoding="utf-8")
    with LanguageServer(root, {}) as bare:
        assert bare.open(path) == []


def test_init_writes_the_editor_settings(tmp_path: Path) -> None:
    root = scaffolded(tmp_path / "hb")
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    assert schemas["./schemas/procedure.schema.json"][:2] == ["procedures/**/*.yml",
                                                              "procedures/**/*.yaml"]
    assert schemas["./schemas/organization.schema.json"] == ["organization.yml"]
    for schema in schemas:
        assert (root / schema).is_file(), schema
    extensions = json.loads((root / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}


def test_init_never_overwrites_editor_settings(tmp_path: Path) -> None:
    root = tmp_path / "hb"
    (root / ".vscode").mkdir(parents=True)
    own = '{\n  // the team\'s own\n  "editor.tabSize": 2\n}\n'
    (root / ".vscode" / "settings.json").write_text(own, encoding="utf-8")
    (root / ".vscode" / "extensions.json").write_text('{"recommendations": []}\n', "utf-8")
    done = sopkit(["init", "hb"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (root / ".vscode" / "settings.json").read_text(encoding="utf-8") == own
    assert ("skipped  .vscode/settings.json (it exists, and sopkit does not change it: map "
            "schemas/procedure.schema.json, schemas/organization.schema.json, "
            "schemas/training.schema.json, schemas/approval.schema.json to the files they "
            "describe in its \"yaml.schemas\" setting") in done.stdout  # 1.1 and 1.2 too
    assert ("skipped  .vscode/extensions.json (it exists, and sopkit does not change it: add "
            "\"redhat.vscode-yaml\" to its \"recommendations\")") in done.stdout
    assert sopkit(["init", "fresh"], tmp_path).returncode == 0
    rerun = sopkit(["init", "fresh"], tmp_path)  # sopkit's own files are kept, not skipped
    assert "kept     .vscode/settings.json (it exists)" in rerun.stdout
    assert "kept     .vscode/extensions.json (it exists)" in rerun.stdout
    assert "skipped" not in rerun.stdout


# -- no text names a command that does not exist ----------------------------------------------

COMMAND = re.compile(r"\bsopkit ([a-z][a-z-]*)")
PROSE = {"keeps": "sopkit keeps x- keys", "procedure": "the schema's title, sopkit procedure",
         "organization": "the schema's title, sopkit organization",
         "handbook": "the bundle schema's title, sopkit handbook bundle",
         "approval": "the approvals schema's title, sopkit approval records"}
"""Words after "sopkit" in schema text that are not commands, with where they come from."""
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def markdown_code(text: str) -> Iterator[str]:
    """The code in Markdown ``text``: inline code spans and the lines of fenced blocks."""
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced:
            yield line
        else:
            yield from CODE_SPAN.findall(line)


def mentions() -> Iterator[tuple[str, str]]:
    """(where, command) for every `sopkit COMMAND` in the schemas' text and in the code of
    the docs, the README and the files init writes."""
    for path in sorted((REPO / "schemas").glob("*.json")):
        for word in COMMAND.findall(path.read_text(encoding="utf-8")):
            if word not in PROSE:
                yield path.name, word
    documents = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")),
                 *sorted((REPO / "templates" / "scaffold").rglob("*.md"))]
    for path in documents:
        for code in markdown_code(path.read_text(encoding="utf-8")):
            for word in COMMAND.findall(code):
                yield path.relative_to(REPO).as_posix(), word


def test_every_command_the_schemas_and_docs_name_exists() -> None:
    commands = set(main.commands)
    found = list(mentions())
    assert {word for _, word in found} >= {"validate", "build", "codeowners", "init"}
    assert [(where, word) for where, word in found if word not in commands] == []
