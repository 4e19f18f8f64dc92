"""Random handbooks for the property-based tests: valid procedures mutated, damaged text,
and `sopkit validate` run in-process on them."""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from conftest import DATA
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sopkit.cli.main import main
from sopkit.format.load import Document, load_file

VALID = [DATA / "spec" / "procedure.yml", DATA / "spec" / "full.yml"]
ORGANIZATION = DATA / "fuzz" / "organization.yml"
# Procedures that the valid examples name in `related`, so the bases validate clean.
CONTEXT = sorted((DATA / "fuzz").glob("[A-Z]*.yml"))

FUZZ = settings(max_examples=int(os.environ.get("SOPKIT_FUZZ_EXAMPLES", "150")),
                deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def handbook(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "procedures").mkdir()
        (root / "organization.yml").write_bytes(ORGANIZATION.read_bytes())
        for path in CONTEXT:
            (root / "procedures" / path.name).write_bytes(path.read_bytes())
        for name, content in files.items():
            (root / "procedures" / name).write_bytes(content)
        yield root


def validate(root: Path, *args: str) -> tuple[int, str]:
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["validate", "--today", "2026-06-01", *args])
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def valid_data() -> list[dict[str, Any]]:
    documents = [load_file(path) for path in VALID]
    return [document.data for document in documents if isinstance(document, Document)]


BASES = valid_data()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20) | st.sampled_from(["", "No", "1.10", "HR-001", "{{ x }}", "<b>"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(paths_of(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(paths_of(child, (*prefix, index)))
    return found


@st.composite
def mutated_procedure(draw: st.DrawFn) -> bytes:
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [path for path in paths_of(data) if path]
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["drop", "replace", "duplicate", "swap"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif action == "swap" and isinstance(parent, list) and len(parent) > 1:
            parent.reverse()
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8")


@st.composite
def damaged_text(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(VALID)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        chunk = draw(st.binary(min_size=1, max_size=4)
                     | st.sampled_from([b"\t", b":", b"- ", b"&a ", b"*a", b"\"", b"\n  ", b"{"]))
        if action == "insert":
            raw[position:position] = chunk
        elif action == "delete":
            del raw[position:position + len(chunk)]
        elif action == "replace":
            raw[position:position + len(chunk)] = chunk
        else:
            del raw[position:]
    return bytes(raw)


def check_output(code: int, output: str) -> None:
    assert code in (0, 1), output
    assert "Traceback" not in output

