"""YAML bytes -> a plain document with the position of every value.

sopkit reads YAML the way the procedure format says (YAML 1.2 plain scalars,
duplicate keys refused) and defends itself against hostile files: it builds
values from libyaml's event stream with an explicit stack, so deep nesting
cannot exhaust Python's recursion, and it counts every value an alias expands
to before sharing it, so an "alias bomb" is refused before anything walks it.
Every failure is a :class:`Diagnostic`, never an exception.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sopkit.diagnostics import Diagnostic

MAX_BYTES = 2 * 1024 * 1024
"""Largest file sopkit reads; a real procedure is 5-30 KB."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists; a procedure needs about 6."""

MAX_VALUES = 200_000
"""Most values a file may hold once its aliases are expanded."""

JsonPath = tuple[str | int, ...]

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.2 core schema, narrowed as the spec says: only true/false are booleans,
# and nothing resolves to a date (dates stay strings for `format: date`).
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_MAX_DIGITS = 64

_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: plain data plus where each part of it was written."""

    file: str
    data: dict[str, Any]
    values: Mapping[JsonPath, tuple[int, int]] = field(repr=False)
    keys: Mapping[JsonPath, tuple[int, int]] = field(repr=False)
    numbers: Mapping[JsonPath, str] = field(repr=False)
    """Source text of plain scalars read as numbers, so messages can quote `1.10`."""

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its key.

        Falls back to the nearest enclosing value that has a position, so a
        path into an aliased value points at the alias.
        """
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def at(self, path: JsonPath, *, key: bool = False) -> tuple[str, int, int]:
        line, column = self.position(path, key=key)
        return self.file, line, column


class _LoadError(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def load_file(path: Path, file: str | None = None) -> Document | Diagnostic:
    """Read and load one YAML file; ``file`` is the name used in messages."""
    name = file if file is not None else str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _too_large(name, size)
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return Diagnostic(name, 0, 0, "error", "io", f"cannot read the file: {reason}")
    if len(raw) > MAX_BYTES:
        return _too_large(name, len(raw))
    return load_bytes(raw, name)


def _too_large(name: str, size: int) -> Diagnostic:
    return Diagnostic(
        name, 1, 1, "error", "syntax",
        f"the file is {size / 1024 / 1024:.1f} MB; sopkit reads files up to "
        f"{MAX_BYTES // 1024 // 1024} MB: split it into one procedure per file",
    )


def load_bytes(raw: bytes, file: str) -> Document | Diagnostic:
    """Load YAML bytes into a :class:`Document`, or say what is wrong."""
    try:
        if len(raw) > MAX_BYTES:
            return _too_large(file, len(raw))
        text = _decode(raw)
        return _build(text, file)
    except _LoadError as error:
        return Diagnostic(file, error.line, error.column, "error", "syntax", error.message)


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", errors="replace")) + 1
        raise _LoadError(
            line, column,
            f"byte 0x{raw[error.start]:02x} is not UTF-8 text: save the file as UTF-8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _LoadError(1, 1, "the file is empty: a procedure needs at least id, title and steps")
    return text


def _events(text: str) -> Iterator[yaml.Event]:
    try:
        yield from yaml.parse(text, Loader=_Parser)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text) from None
    except yaml.reader.ReaderError as error:
        line, column = _offset_to_position(text, error.position)
        raise _LoadError(
            line, column,
            f"character {error.character!r} is not allowed in YAML: remove it",
        ) from None
    except yaml.YAMLError as error:  # any other libyaml complaint, still one line
        raise _LoadError(1, 1, f"not readable as YAML: {_one_line(str(error))}") from None


def _offset_to_position(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _char_at(text: str, mark: yaml.Mark) -> str:
    lines = text.split("\n", mark.line + 1)
    if mark.line >= len(lines):
        return ""
    line = lines[mark.line]
    return line[mark.column] if mark.column < len(line) else ""


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> _LoadError:
    problem = error.problem or "syntax error"
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    if "'\\t'" in problem or (
        "cannot start any token" in problem and mark is not None and _char_at(text, mark) == "\t"
    ):
        message = "a tab character is used for indentation: indent with spaces only"
    elif "maximum nesting depth" in problem:
        message = "the file nests deeper than YAML allows: a procedure needs only a few levels"
    elif "end of stream" in problem and "quoted scalar" in context:
        mark = error.context_mark or mark
        message = "a quoted value is never closed: add the closing quote"
    elif problem.startswith("mapping values are not allowed"):
        message = ("a ': ' is not allowed here: put a value that contains ': ' in quotes, "
                   "or check the indentation")
    elif problem.startswith("could not find expected ':'"):
        message = "expected 'key: value' here: check the indentation of this line and the one above"
    elif "did not find expected key" in problem or "expected <block end>" in problem:
        message = "the indentation does not line up with the lines around it: check this line"
    elif "did not find expected '-'" in problem:
        message = "a list item is out of line: start every item with '- ' at the same indentation"
    else:
        detail = f"{problem} ({context})" if context else problem
        message = f"not readable as YAML: {_one_line(detail)}"
    if mark is None:
        return _LoadError(1, 1, message)
    return _LoadError(mark.line + 1, mark.column + 1, message)


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: JsonPath
    start: int  # values counted before this node, to size anchors
    anchor: str | None
    key: str | None = None
    key_mark: tuple[int, int] | None = None
    seen: dict[str, int] = field(default_factory=dict)


def _build(text: str, file: str) -> Document:
    values: dict[JsonPath, tuple[int, int]] = {}
    keys: dict[JsonPath, tuple[int, int]] = {}
    numbers: dict[JsonPath, str] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    count = 0
    root: Any = None
    root_mark = (1, 1)
    documents = 0

    def child_path() -> JsonPath | None:
        """Path of the node about to be placed, or None when it is a mapping key."""
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.key is None:
            return None
        return (*top.path, top.key)

    def place(value: Any, mark: tuple[int, int]) -> None:
        nonlocal root, root_mark
        if not stack:
            root, root_mark = value, mark
            return
        top = stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
        else:
            assert top.key is not None
            top.container[top.key] = value
            top.key = None

    def count_values(amount: int, mark: tuple[int, int]) -> None:
        nonlocal count
        count += amount
        if count > MAX_VALUES:
            raise _LoadError(
                *mark,
                f"the file expands to more than {MAX_VALUES:,} values (through its aliases): "
                "write the values out or use fewer aliases",
            )

    for event in _events(text):
        start = event.start_mark
        mark = (start.line + 1, start.column + 1) if start is not None else (1, 1)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _LoadError(*mark, "the file holds more than one YAML document ('---'): "
                                        "keep one procedure per file")
            continue
        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
            continue

        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            if frame.anchor is not None:
                anchors[frame.anchor] = (frame.container, count - frame.start)
            place(frame.container, values.get(frame.path, mark))
            continue

        path = child_path()
        is_key = path is None

        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _LoadError(*mark, f"alias '*{event.anchor}' names no anchor defined "
                                        "before it: define '&name' first")
            value, size = anchors[event.anchor]
            if is_key:
                raise _LoadError(*mark, "an alias cannot be used as a key: write the key out")
            count_values(size, mark)
            assert path is not None
            values[path] = mark
            place(value, mark)
            continue

        count_values(1, mark)

        if isinstance(event, yaml.ScalarEvent):
            if is_key:
                _place_key(stack[-1], event, mark, keys)
                continue
            assert path is not None
            value = _scalar(event, mark)
            values[path] = mark
            if isinstance(value, int | float) and not isinstance(value, bool):
                numbers[path] = event.value
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            place(value, mark)
            continue

        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if is_key:
                raise _LoadError(*mark, "a key must be plain text, not a list or mapping")
            assert path is not None
            if len(stack) >= MAX_DEPTH:
                raise _LoadError(*mark, f"the file nests deeper than {MAX_DEPTH} levels: "
                                        "a procedure needs only a few")
            _check_collection_tag(event, mark)
            values[path] = mark
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            stack.append(_Frame(container, path, count, event.anchor))
            continue

    if documents == 0 or root is None:
        raise _LoadError(1, 1, "the file has no content, only comments: "
                               "a procedure needs at least id, title and steps")
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else "a single value"
        raise _LoadError(*root_mark, f"the file holds {kind}, but a procedure is a mapping of "
                                     "keys such as 'id:', 'title:' and 'steps:'")
    values[()] = root_mark
    return Document(file=file, data=root, values=values, keys=keys, numbers=numbers)


def _place_key(frame: _Frame, event: yaml.ScalarEvent, mark: tuple[int, int],
               keys: dict[JsonPath, tuple[int, int]]) -> None:
    key = event.value
    if event.tag not in (None, "!", f"{_TAG}str"):
        raise _LoadError(*mark, f"key '{key}' has a tag ({event.tag}): keys must be plain text")
    if key in frame.seen:
        raise _LoadError(*mark, f"key '{key}' appears twice, on line {frame.seen[key]} and "
                                f"line {mark[0]}: keep one")
    frame.seen[key] = mark[0]
    frame.key = key
    keys[(*frame.path, key)] = mark


def _check_collection_tag(event: yaml.CollectionStartEvent, mark: tuple[int, int]) -> None:
    if event.tag in (None, "!", f"{_TAG}map", f"{_TAG}seq", f"{_TAG}omap"):
        return
    raise _LoadError(*mark, f"tag '{event.tag}' is not supported: remove it")


def _scalar(event: yaml.ScalarEvent, mark: tuple[int, int]) -> Any:
    text = event.value
    tag = event.tag
    if tag in (None, "!"):
        if event.style not in (None, "") or tag == "!":
            return text
        return _resolve_plain(text)
    if tag == f"{_TAG}str":
        return text
    if tag in (f"{_TAG}int", f"{_TAG}float", f"{_TAG}bool", f"{_TAG}null"):
        value = _resolve_plain(text)
        wanted = tag[len(_TAG):]
        expected: dict[str, type | tuple[type, ...]] = {
            "int": int, "float": (int, float), "bool": bool, "null": type(None),
        }
        if not isinstance(value, expected[wanted]) or (wanted != "bool" and value is True):
            raise _LoadError(*mark, f"'{text}' is not a valid !!{wanted}: fix the value or "
                                    "remove the tag")
        return float(value) if isinstance(value, int | float) and wanted == "float" else value
    raise _LoadError(*mark, f"tag '{tag}' is not supported: remove it")


def _resolve_plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if len(text) <= _MAX_DIGITS:
        if _INT10.match(text):
            return int(text)
        if _INT8.match(text):
            return int(text[2:], 8)
        if _INT16.match(text):
            return int(text[2:], 16)
        if _FLOAT.match(text):
            return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def display_path(path: Path, base: Path | None = None) -> str:
    """How a file is named in messages: relative to ``base`` when inside it."""
    try:
        return os.path.relpath(path, base) if base is not None else str(path)
    except ValueError:
        return str(path)
