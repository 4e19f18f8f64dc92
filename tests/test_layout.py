"""The shape of src/sopkit a newcomer can find their way in (issue 10).

The top level shows the stages; modules and functions stay small enough to read at one
sitting; no two modules import each other, directly or through others. Sizes are counted
without docstrings, so explaining a thing never costs a module its place.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "sopkit"
MAX_TOP_LEVEL = 14
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
HOT_LOOP = ("format/load.py", "_build")
"""The YAML loader's documented hot loop: one function on purpose, because a call per
node costs a third of the load time (see its docstring); the one exception allowed."""


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _docstring_lines(tree: ast.AST) -> set[int]:
    """The line numbers taken by docstrings (module, class and function) in ``tree``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                doc = body[0]
                lines.update(range(doc.lineno, (doc.end_lineno or doc.lineno) + 1))
        # An attribute's docstring: a string statement after an assignment.
        if isinstance(node, (ast.Module, ast.ClassDef)):
            for before, after in pairwise(node.body):
                if (isinstance(before, (ast.Assign, ast.AnnAssign))
                        and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                        and isinstance(after.value.value, str)):
                    lines.update(range(after.lineno, (after.end_lineno or after.lineno) + 1))
    return lines


def _code_lines(text: list[str], docs: set[int], first: int, last: int) -> int:
    """Lines ``first``..``last`` that are neither blank nor docstring."""
    return sum(1 for number in range(first, last + 1)
               if number not in docs and text[number - 1].strip())


def module_sizes() -> dict[str, int]:
    sizes = {}
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        text = source.splitlines()
        sizes[_name(path)] = _code_lines(text, _docstring_lines(ast.parse(source)), 1, len(text))
    return sizes


def function_sizes() -> dict[tuple[str, str], int]:
    sizes = {}
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        text, docs = source.splitlines(), _docstring_lines(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                sizes[(_name(path), node.name)] = _code_lines(
                    text, docs, node.lineno, node.end_lineno or node.lineno)
    return sizes


def _module_of(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module of ``package`` -> the modules of it that it imports at module level (what
    can cycle)."""
    modules = {_module_of(path, package): path for path in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _module_level(tree.body):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # A name that is a module of its own is an import of that module; any
                # other name comes from ``base`` itself.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                           else base for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run on import: the body, and the branches of ``if``/``try`` in it
    (not ``if TYPE_CHECKING:``, which never runs)."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                continue
            found += _module_level(node.body) + _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            found += _module_level(node.body) + _module_level(node.orelse)
            for handler in node.handlers:
                found += _module_level(handler.body)
        else:
            found.append(node)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_top_level_shows_the_stages() -> None:
    entries = sorted(path.name for path in PACKAGE.iterdir()
                     if path.name != "__pycache__" and (path.suffix == ".py" or path.is_dir()))
    assert len(entries) <= MAX_TOP_LEVEL, entries


def test_no_module_is_over_the_size_a_reader_takes_in() -> None:
    over = {name: size for name, size in module_sizes().items() if size > MAX_MODULE_LINES}
    assert over == {}


def test_no_function_is_over_the_size_a_reader_takes_in() -> None:
    over = {key: size for key, size in function_sizes().items()
            if size > MAX_FUNCTION_LINES and key != HOT_LOOP}
    assert over == {}


def test_the_hot_loop_exception_still_names_a_function() -> None:
    assert HOT_LOOP in function_sizes(), "the exception names a function that is gone: drop it"


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_relative_and_absolute_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from pkg.sub import b\nimport pkg.c\n",
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
                "def later():\n    from pkg import a\n",
        "sub/__init__.py": "from .b import thing\n",
        "sub/b.py": "from ..c import later\ntry:\n    from . import d\nexcept ImportError:\n"
                    "    pass\n",
        "sub/d.py": "import os\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    assert import_graph(package) == {
        "pkg": set(),
        "pkg.a": {"pkg.sub.b", "pkg.c"},
        "pkg.c": set(),  # only under TYPE_CHECKING or inside a function: cannot cycle
        "pkg.sub": {"pkg.sub.b"},
        "pkg.sub.b": {"pkg.c", "pkg.sub.d"},
        "pkg.sub.d": set(),
    }
    (package / "sub" / "d.py").write_text("from pkg.sub.b import later\n", encoding="utf-8")
    assert cycles(import_graph(package)) == [["pkg.sub.b", "pkg.sub.d"]]
