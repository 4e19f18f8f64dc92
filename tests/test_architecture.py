"""The import boundaries between the stages of src/sopkit (issue 10).

Imports are read from the source (function-level imports included), so a boundary
holds whatever path the code takes at run time.
"""

from __future__ import annotations

import ast

from conftest import REPO

PACKAGE = REPO / "src" / "sopkit"
CORE = ("format", "check", "rules", "model", "config")
"""The stages that load, check and model procedures: no publishing or command-line stack."""
PUBLISHING_STACK = {"click", "jinja2", "mkdocs", "markdown", "nh3", "material", "pymdownx",
                    "weasyprint"}


def _imports() -> dict[str, set[str]]:
    """Each module's stage (its package, or its own name at the top) -> what it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        stage = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        names = found.setdefault(f"{stage}:{path.relative_to(PACKAGE).as_posix()}", set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return found


def _stage(key: str) -> str:
    return key.split(":", 1)[0]


def test_the_modules_are_found() -> None:
    stages = {_stage(key) for key in _imports()}
    assert {"format", "check", "rules", "model", "publish", "review", "cli"} <= stages


def test_only_the_publishing_package_imports_mkdocs() -> None:
    offenders = sorted(key for key, names in _imports().items()
                       if _stage(key) != "publish"
                       and any(name.split(".")[0] in {"mkdocs", "material", "markdown",
                                                      "weasyprint"} for name in names))
    assert offenders == []


def test_the_core_imports_nothing_of_the_publishing_or_command_line_stack() -> None:
    crossings = {(key, name) for key, names in _imports().items() if _stage(key) in CORE
                 for name in names
                 if name.split(".")[0] in PUBLISHING_STACK
                 or name.startswith(("sopkit.publish", "sopkit.cli"))}
    assert sorted(crossings) == []


def test_publishing_never_imports_the_command_line() -> None:
    offenders = sorted((key, name) for key, names in _imports().items()
                       if _stage(key) == "publish" for name in names
                       if name == "sopkit.cli" or name.startswith(("sopkit.cli.", "click")))
    assert offenders == []
