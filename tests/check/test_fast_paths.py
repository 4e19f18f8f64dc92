"""The fast paths lose nothing: the compiled validator agrees with the Python one.

sopkit trusts jsonschema-rs' "valid" and asks the pure-Python validator (whose
errors make the messages) about everything else. That is only sound if the two
give the same verdict, so this checks them against each other on every YAML
document under tests/ and the demo handbook, on mutations of valid procedures
(as in test_fuzz.py), and on the values where a Rust engine could read the
schema differently: `pattern` and its `$`, `\\s`, `format: date` and `email`,
numbers such as NaN, 1.0 and huge integers.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, REPO
from helpers.fuzz import BASES, FUZZ, json_values, mutated_procedure, paths_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopkit.format.compiled import _rust_pattern, _Untranslatable, compiled_schema
from sopkit.format.load import Document, load_bytes
from sopkit.format.schema import (
    SCHEMA_KINDS,
    SchemaKind,
    _pattern,
    check_schema,
    compiled_validator,
    fast_verdict,
    load_schema,
    validator,
)


def _loadable(path: Path) -> bool:
    """Files the loader refuses never reach the schema, so they are not compared."""
    return isinstance(load_bytes(path.read_bytes(), str(path)), Document)


YAML_FILES = [
    path for path in [
        *sorted(path for folder in (DATA, REPO / "procedures")
                for pattern in ("*.yml", "*.yaml") for path in folder.rglob(pattern)),
        REPO / "organization.yml",
    ]
    if _loadable(path)
]


def python_verdict(document: Document, kind: SchemaKind) -> bool:
    return bool(validator(kind).is_valid(document.data))


def assert_agree(document: Document, kind: SchemaKind) -> None:
    fast = fast_verdict(document, kind)
    slow = python_verdict(document, kind)
    if fast is not None:
        assert fast == slow, (kind, document.data)
    # Whatever the fast path says, the result is the Python validator's.
    assert (check_schema(document, kind) == []) == slow


def load(raw: bytes) -> Document | None:
    loaded = load_bytes(raw, "p.yml")
    return loaded if isinstance(loaded, Document) else None


def test_the_compiled_validator_is_used() -> None:
    # jsonschema-rs is a dependency; without it everything still works, only slower.
    for kind in SCHEMA_KINDS:
        assert compiled_schema(load_schema(kind)) is not None
        assert compiled_validator(kind) is not None


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(REPO)))
@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_the_validators_agree_on_every_yaml_file(path: Path, kind: SchemaKind) -> None:
    document = load(path.read_bytes())
    assert document is not None
    assert_agree(document, kind)


@FUZZ
@given(mutated_procedure())
def test_the_validators_agree_on_mutated_procedures(raw: bytes) -> None:
    document = load(raw)
    if document is not None:
        assert_agree(document, "procedure")


def put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    parent: Any = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value


TRICKY_STRINGS = [
    "2026-02-29", "2024-02-29", "2026-13-01", "2026-1-01", "2026-01-01\n", "20260101",
    "2026-W01-1", "٢٠٢٦-٠١-٠١", "+2026-01-01", "0000-01-01", "2026-04-31",
    "HR-001", "HR-001\n", "HR-001\n\n", "hr-001", "HR--001", "ＨＲ-001",
    "1.0.0", "1.0.0\n", "01.0.0", "1.0.0-beta.1+build", "1.5d", "1.5d\n", "30 m",
    "https://example.com", "https://example.com/a b", "https://example.com/\x1c",
    "https://example.com/\x85", "https://example.com/\ufeff", "https://example.com/\u3000",
    "mailto:a@b", "a\nb", "one line\n", "line\r", "", " ", "a@b", "ab", "@",
]
TRICKY_VALUES: list[Any] = [
    *TRICKY_STRINGS, 1, 1.0, 1.5, 0, -1, 60, 61, True, False, None, math.inf, -math.inf,
    math.nan, 2**53 + 1, 10**40, -(10**40), [], {}, ["a", "a"], [1, 1.0], [1, True],
]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_validators_agree_on_tricky_values(data: st.DataObject) -> None:
    procedure = copy.deepcopy(data.draw(st.sampled_from(BASES)))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from([p for p in paths_of(procedure) if p]))
        put(procedure, path, copy.deepcopy(data.draw(st.sampled_from(TRICKY_VALUES) | json_values)))
    document = Document("p.yml", procedure, {}, {}, numbers=_numbers(procedure))
    assert_agree(document, "procedure")


def _numbers(data: Any, prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], str]:
    """The source text the loader would record for numbers (the fast path reads it)."""
    found: dict[tuple[Any, ...], str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(_numbers(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.update(_numbers(value, (*prefix, index)))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        found[prefix] = ".nan" if data != data else (
            ".inf" if data == math.inf else "-.inf" if data == -math.inf else repr(data))
    return found


SPEC = (DATA / "spec" / "procedure.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new"), [
    ("version: 1.2.0 ", "version: .nan "),
    ("version: 1.2.0 ", "version: .inf "),
    ("version: 1.2.0 ", "version: !!float 1 "),
    ("version: 1.2.0 ", "version: 1.10 "),
    ("interval_months: 12 ", "interval_months: 12.0 "),
    ("interval_months: 12 ", "interval_months: 123456789012345678901234 "),
    ("interval_months: 12 ", "interval_months: .NaN "),
    ("effective_date: 2026-01-15", "effective_date: 2026-02-30"),
    ("effective_date: 2026-01-15", "effective_date: 2024-02-29"),
    ("effective_date: 2026-01-15", 'effective_date: "2026-01-15\\n"'),
    ("title: New employee onboarding", 'title: "New employee\\x1c"'),
    ("title: New employee onboarding", 'title: "two\\nlines"'),
    ("title: New employee onboarding", 'title: "one line\\n"'),
    ("id: HR-001 ", 'id: "HR-001\\n" '),
    ("id: HR-001 ", "id: HR-001-\u0661 "),
])
def test_the_validators_agree_on_yaml_edge_cases(old: str, new: str) -> None:
    assert old in SPEC
    document = load(SPEC.replace(old, new, 1).encode())
    assert document is not None
    assert_agree(document, "procedure")


@given(st.text(max_size=12))
@settings(max_examples=300, deadline=None)
def test_translated_patterns_match_as_python_does(text: str) -> None:
    for kind in SCHEMA_KINDS:
        for pattern in _patterns(load_schema(kind)):
            rust = compiled_validator_for_pattern(pattern)
            assert rust.is_valid(text) == _python_pattern(pattern, text), (pattern, text)


def _patterns(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            else:
                found |= _patterns(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _patterns(item)
    return found


def _python_pattern(pattern: str, text: str) -> bool:
    """sopkit's own `pattern` keyword: what the Python validator checks."""
    return not list(_pattern(None, pattern, text, {}))


def compiled_validator_for_pattern(pattern: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft7Validator({"pattern": _rust_pattern(pattern, end_anchor=True)})


@pytest.mark.parametrize("pattern", [
    r"^\d+$", r"^\w+$", r"^a.b$", r"(?i)^a$", r"^a$|^b$", r"^[[:alpha:]]$", r"^[a--b]$",
    r"^\bx$", r"^a\Z", r"^[]a]$", r"^a\u0041$",
])
def test_patterns_that_might_read_differently_turn_the_fast_path_off(pattern: str) -> None:
    with pytest.raises(_Untranslatable):
        _rust_pattern(pattern, end_anchor=True)
    assert compiled_schema({"properties": {"a": {"pattern": pattern}}}) is None


def test_dollar_in_pattern_properties_turns_the_fast_path_off() -> None:
    # Python's own `$` (in patternProperties) also matches before a final newline.
    assert compiled_schema({"patternProperties": {"^x-.*$": {}}}) is None
    assert compiled_schema({"patternProperties": {"^x-": {}}}) is not None


def test_unknown_formats_turn_the_fast_path_off() -> None:
    assert compiled_schema({"properties": {"a": {"format": "uri"}}}) is None
    assert compiled_schema({"properties": {"a": {"format": "date"}}}) is not None


def test_schemas_under_property_names_like_title_are_translated() -> None:
    # A property called "title" or "description" holds a schema, not a title.
    schema = {"properties": {"title": {"pattern": r"^\S+$"}, "enum": {"pattern": "^a$"}}}
    translated = compiled_schema(schema)
    assert translated is not None
    assert translated["properties"]["title"]["pattern"] != r"^\S+$"
    assert compiled_schema({"properties": {"description": {"pattern": r"^\d$"}}}) is None


def test_without_the_compiled_validator_the_python_one_does_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sopkit.format.schema

    monkeypatch.setattr(sopkit.format.schema, "compiled_validator", lambda kind: None)
    document = load((DATA / "spec" / "procedure.yml").read_bytes())
    assert document is not None
    assert fast_verdict(document, "procedure") is None
    assert check_schema(document, "procedure") == []
    broken = load((DATA / "spec" / "procedure.yml").read_bytes().replace(b"id:", b"idd:", 1))
    assert broken is not None and check_schema(broken, "procedure")
