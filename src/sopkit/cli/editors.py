"""The editor settings `sopkit init` writes: VS Code's, in ``.vscode/``.

``.vscode/settings.json`` maps each of sopkit's JSON Schemas (written by init into
``schemas/``) to the files it describes, with ``yaml.schemas``: the YAML extension (Red
Hat's, on yaml-language-server) then checks and completes every procedure,
organization.yml, the training records and the approval records as they are typed,
whether or not the file starts with the ``# yaml-language-server: $schema=...`` comment
(which wins where it is). ``.vscode/extensions.json`` recommends that extension, so VS
Code offers to install it when the handbook is opened.

yaml-language-server puts ``**/`` before each pattern, so the settings also work when the
handbook is a folder of the repository opened in VS Code; the schema paths are relative to
the folder opened, which is then the handbook's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

YAML_EXTENSION = "redhat.vscode-yaml"
SETTINGS = ".vscode/settings.json"
EXTENSIONS = ".vscode/extensions.json"

SCHEMA_FILES: Mapping[str, tuple[str, ...]] = {
    "procedure": ("procedures/**/*.yml", "procedures/**/*.yaml",
                  # not procedures: files and folders whose names start with '_'
                  "!procedures/**/_*", "!procedures/**/_*/**"),
    "organization": ("organization.yml",),
    "training": ("training/**/*.yml", "training/**/*.yaml"),
    "approval": ("approvals/**/*.yml", "approvals/**/*.yaml"),
}
"""The files each schema (``schemas/KIND.schema.json``) describes, as the format places them."""


def schema_path(kind: str) -> str:
    """Where init writes the schema of ``kind``, as yaml.schemas names it (from the
    folder opened in the editor)."""
    return f"./schemas/{kind}.schema.json"


def editor_files(kinds: Sequence[str]) -> dict[str, str]:
    """The files of ``.vscode/`` for a handbook with the schemas of ``kinds``: name -> text."""
    schemas = {schema_path(kind): list(SCHEMA_FILES[kind])
               for kind in kinds if kind in SCHEMA_FILES}
    return {SETTINGS: _json({"yaml.schemas": schemas}),
            EXTENSIONS: _json({"recommendations": [YAML_EXTENSION]})}


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def not_written(name: str, existing: str, kinds: Sequence[str]) -> str | None:
    """Why init leaves the editor file ``name``, which exists with the text ``existing``,
    short of what sopkit would write (what to add by hand); None when it already says it
    (sopkit wrote it, or someone added the same), or when ``name`` is no editor file."""
    if name == SETTINGS:
        missing = [schema_path(kind).removeprefix("./") for kind in kinds
                   if kind in SCHEMA_FILES and schema_path(kind)[2:] not in existing]
        if missing:
            return (f"it exists, and sopkit does not change it: map {', '.join(missing)} to "
                    "the files they describe in its \"yaml.schemas\" setting, as the "
                    "handbook's README shows")
    elif name == EXTENSIONS and YAML_EXTENSION not in existing:
        return (f"it exists, and sopkit does not change it: add \"{YAML_EXTENSION}\" to its "
                "\"recommendations\"")
    return None


def short_of_sopkits(path: Path, name: str) -> str | None:
    """:func:`not_written` for the file at ``path`` (named ``name`` from the handbook's
    folder), which exists, with the schemas sopkit has."""
    from sopkit.format.schema import SCHEMA_KINDS

    if name not in (SETTINGS, EXTENSIONS):
        return None
    try:
        existing = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        existing = ""
    return not_written(name, existing, SCHEMA_KINDS)
