"""The YAML loader: YAML 1.2 scalars, positions, and refusing hostile files."""

from __future__ import annotations

import resource
import time

import pytest
from helpers.hostile_yaml import HOSTILE
from hypothesis import example, given
from hypothesis import strategies as st

import sopkit.format.load
from sopkit.check.diagnostics import Diagnostic
from sopkit.format.load import MAX_BYTES, MAX_DEPTH, Document, load_bytes


def load(text: str | bytes) -> Document:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    result = load_bytes(raw, "p.yml")
    assert isinstance(result, Document), result
    return result


def refuse(raw: bytes) -> Diagnostic:
    result = load_bytes(raw, "p.yml")
    assert isinstance(result, Diagnostic), f"expected an error, loaded {result!r}"[:300]
    assert result.file == "p.yml"
    assert result.severity == "error"
    assert result.rule == "syntax"
    assert "\n" not in result.message
    return result


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("when: No", "No"),
        ("when: yes", "yes"),
        ("when: on", "on"),
        ("when: OFF", "OFF"),
        ("when: true", True),
        ("when: False", False),
        ("when: 2026-01-15", "2026-01-15"),
        ("when: 12:30", "12:30"),
        ("when: 12", 12),
        ("when: 0x1F", 31),
        ("when: 0o17", 15),
        ("when: 1.5", 1.5),
        ("when: ~", None),
        ("when:", None),
        ("when: null", None),
        ("when: '12'", "12"),
        ("when: !!str 12", "12"),
        ("when: 1.2.0", "1.2.0"),
        ("when: 010", 10),
    ],
)
def test_plain_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    assert load(text).data["when"] == value


def test_numbers_keep_their_source_text() -> None:
    document = load("version: 1.10\n")
    assert document.data["version"] == 1.1
    assert document.numbers[("version",)] == "1.10"


def test_every_value_and_key_has_its_position() -> None:
    document = load(
        "id: HR-001\n"
        "steps:\n"
        "  - id: first\n"
        "    title: 中文标题\n"
        "    checklist: [甲, b]\n"
    )
    assert document.position(("id",)) == (1, 5)
    assert document.position(("steps",), key=True) == (2, 1)
    assert document.position(("steps", 0)) == (3, 5)
    assert document.position(("steps", 0, "title")) == (4, 12)
    # Columns count characters, not bytes: 'b' follows a CJK character.
    assert document.position(("steps", 0, "checklist", 1)) == (5, 20)
    # A path below a value with no position of its own falls back to the nearest one.
    assert document.position(("steps", 0, "missing", 3)) == (3, 5)


def test_aliases_are_expanded_and_point_at_the_alias() -> None:
    document = load("base: &roles [a, b]\ncopy: *roles\n")
    assert document.data["copy"] == ["a", "b"]
    assert document.position(("copy", 1)) == (2, 7)


def test_duplicate_keys_name_both_lines() -> None:
    problem = refuse(b"id: a\ntitle: b\nid: c\n")
    assert (problem.line, problem.column) == (3, 1)
    assert "line 1" in problem.message and "line 3" in problem.message


def test_duplicate_keys_in_nested_mappings() -> None:
    problem = refuse(b"steps:\n  - id: a\n    role: x\n    role: y\n")
    assert problem.line == 4


def test_utf8_bom_is_accepted() -> None:
    assert load(b"\xef\xbb\xbfid: HR-001\n").data == {"id": "HR-001"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_refused_quickly_with_one_line(name: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    problem = refuse(HOSTILE[name])
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert problem.line >= 1 and problem.column >= 1
    # Generous bounds (not a benchmark): a regression to "expand everything" takes minutes.
    assert elapsed < 5, f"{name} took {elapsed:.1f}s"
    assert grown_mb < 300, f"{name} grew memory by {grown_mb:.0f} MB"


@pytest.mark.parametrize("raw", [
    b"id: HR-001\nsteps:\n\t- id: a\n",  # a tab before a list item
    b"purpose: |\n  First line.\n\tA tab in a block.\n",  # ... in a block scalar
    b"purpose: Plain text\n\tgoes on after a tab\n",  # ... in a plain value
    b"a:\n  b: 1\n\t c: 2\n",  # ... before a key
])
def test_every_tab_gets_the_one_friendly_message(raw: bytes) -> None:
    problem = refuse(raw)
    assert problem.message == "a tab character is used for indentation: indent with spaces only"
    assert "while scanning" not in problem.message


@pytest.mark.parametrize(
    ("name", "words", "line"),
    [
        ("alias bomb", "aliases", None),
        ("50,000-deep block nesting", f"deeper than {MAX_DEPTH}", 1),
        ("30 MB file", "MB", 1),
        ("invalid UTF-8", "UTF-8", 2),
        ("empty file", "empty", 1),
        ("list at the top", "a list", 1),
        ("tab indentation", "tab", 3),
        ("unclosed quote", "closing quote", 2),
        ("two documents", "more than one", 2),
        ("python tag", "not supported", 1),
        ("recursive alias", "no anchor", 1),
    ],
)
def test_hostile_input_messages_say_what_to_do(name: str, words: str, line: int | None) -> None:
    problem = refuse(HOSTILE[name])
    assert words in problem.message
    if line is not None:
        assert problem.line == line


def test_invalid_utf8_points_at_the_character() -> None:
    problem = refuse("id: HR-001\ntitle: 中文".encode() + b"\xff\n")
    assert (problem.line, problem.column) == (2, 10)


def test_size_limit_is_checked_on_bytes_not_only_on_the_file() -> None:
    problem = refuse(b"#" * (MAX_BYTES + 1))
    assert "MB" in problem.message


# -- the fast paths of the loader ---------------------------------------------------------------


@given(st.text(max_size=30))
@example("\n")  # `$` in a resolver pattern once matched the empty string before it
def test_text_that_cannot_be_a_number_null_or_bool_is_not_resolved(text: str) -> None:
    # The loader skips the resolver for plain scalars whose first character rules it out.
    if text and text[0] not in sopkit.format.load._PLAIN_TEXT_FIRST:
        assert sopkit.format.load._resolve_plain(text) == text


def test_without_libyaml_the_same_documents_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import DATA

    samples = [path.read_bytes() for path in sorted(DATA.rglob("*.yml"))[:40]]
    samples += [raw for name, raw in sorted(HOSTILE.items()) if len(raw) < 100_000]
    with_libyaml = [load_bytes(raw, "p.yml") for raw in samples]
    monkeypatch.setattr(sopkit.format.load, "_CParser", None)
    for raw, expected in zip(samples, with_libyaml, strict=True):
        got = load_bytes(raw, "p.yml")
        if isinstance(expected, Document):
            assert isinstance(got, Document)
            assert (got.data, dict(got.values), dict(got.keys)) == (
                expected.data, dict(expected.values), dict(expected.keys))
        else:
            assert isinstance(got, Diagnostic)
            assert got.rule == expected.rule
