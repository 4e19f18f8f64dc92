"""YAML bytes -> a plain document with the position of every value.

sopkit reads YAML the way the procedure format says (YAML 1.2 plain scalars,
duplicate keys refused) and defends itself against hostile files: it builds
values from libyaml's event stream with an explicit stack, so deep nesting
cannot exhaust Python's recursion, and it counts every value an alias expands
to before sharing it, so an "alias bomb" is refused before anything walks it.
Every failure is a :class:`Diagnostic`, never an exception.
"""

# The loader's loop builds paths with `path + (key,)`: faster than `(*path, key)`.
# ruff: noqa: RUF005

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml

from sopkit.check.diagnostics import Diagnostic
from sopkit.format.terminal import single_spaced

MAX_BYTES = 2 * 1024 * 1024
"""Largest file sopkit reads; a real procedure is 5-30 KB."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists; a procedure needs about 6."""

MAX_VALUES = 200_000
"""Most values a file may hold once its aliases are expanded."""

JsonPath = tuple[str | int, ...]

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CParser: Any  # libyaml's parser itself: its events without a loader around it
try:
    from yaml import _yaml

    _CParser = _yaml.CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

# YAML 1.2 core schema, narrowed as the spec says: only true/false are booleans,
# and nothing resolves to a date (dates stay strings for `format: date`). `\Z`, not `$`:
# "1\n" is text (`$` would also match before a final newline).
_NULL = re.compile(r"^(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+\Z")
_INT8 = re.compile(r"^0o[0-7]+\Z")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)\Z")
_MAX_DIGITS = 64

_TAG = "tag:yaml.org,2002:"


class Document(NamedTuple):
    """A loaded YAML file: plain data plus where each part of it was written."""

    file: str
    data: dict[str, Any]
    values: Mapping[JsonPath, tuple[int, int]]
    keys: Mapping[JsonPath, tuple[int, int]]
    numbers: Mapping[JsonPath, str]
    """Source text of plain scalars read as numbers, so messages can quote `1.10`."""

    def __repr__(self) -> str:  # the positions would fill the screen
        return f"Document(file={self.file!r}, data={self.data!r})"

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
    raw = read_file(path, name)
    if isinstance(raw, Diagnostic):
        return raw
    return load_bytes(raw, name)


def read_file(path: Path, file: str) -> bytes | Diagnostic:
    """The bytes of one file, or why they cannot be read (too large, not readable)."""
    try:
        status = path.stat()
        # A FIFO or a device would block the read or never end: only plain files are read.
        if not stat.S_ISREG(status.st_mode):
            return Diagnostic(file, 0, 0, "error", "io",
                              "not a regular file (a pipe, device or socket): remove it from "
                              "the procedures folder")
        if status.st_size > MAX_BYTES:
            return too_large(file, status.st_size)
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return Diagnostic(file, 0, 0, "error", "io", f"cannot read the file: {reason}")
    if len(raw) > MAX_BYTES:
        return too_large(file, len(raw))
    return raw


def too_large(name: str, size: int) -> Diagnostic:
    """The finding about the file ``name`` of ``size`` bytes, over :data:`MAX_BYTES`."""
    return Diagnostic(
        name, 1, 1, "error", "syntax",
        f"the file is {size / 1024 / 1024:.1f} MB; sopkit reads files up to "
        f"{MAX_BYTES // 1024 // 1024} MB: split it into one procedure per file",
    )


def load_bytes(raw: bytes, file: str) -> Document | Diagnostic:
    """Load YAML bytes into a :class:`Document`, or say what is wrong."""
    try:
        if len(raw) > MAX_BYTES:
            return too_large(file, len(raw))
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
    if not text or text.isspace():
        raise _LoadError(1, 1, "the file is empty: a procedure needs at least id, title and steps")
    return text


def _event_source(text: str) -> Callable[[], Any]:
    """A function that returns the next libyaml event of ``text``, then None.

    It raises PyYAML's errors; :func:`_parse_error` turns them into messages.
    """
    if _CParser is not None:
        return cast(Callable[[], Any], _CParser(text).get_event)
    events = yaml.parse(text, Loader=_Parser)
    return lambda: next(events, None)


def _parse_error(error: yaml.YAMLError, text: str) -> _LoadError:
    if isinstance(error, yaml.MarkedYAMLError):
        return _syntax_error(error, text)
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _offset_to_position(text, error.position)
        return _LoadError(line, column,
                          f"character {error.character!r} is not allowed in YAML: remove it")
    # any other libyaml complaint, still one line
    return _LoadError(1, 1, f"not readable as YAML: {single_spaced(str(error))}")


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


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> _LoadError:
    problem = error.problem or "syntax error"
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    # PyYAML words a tab three ways ("'\\t'", "found a tab character ...", and a token that
    # cannot start with one); the writer needs one answer for all of them.
    if "'\\t'" in problem or "tab character" in problem or (
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
        message = f"not readable as YAML: {single_spaced(detail)}"
    if mark is None:
        return _LoadError(1, 1, message)
    return _LoadError(mark.line + 1, mark.column + 1, message)


_ScalarEvent = yaml.ScalarEvent
_MappingStartEvent = yaml.MappingStartEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_MappingEndEvent = yaml.MappingEndEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_AliasEvent = yaml.AliasEvent
_DocumentStartEvent = yaml.DocumentStartEvent
_KEY_TAGS = (None, "!", f"{_TAG}str")
_COLLECTION_TAGS = (None, "!", f"{_TAG}map", f"{_TAG}seq", f"{_TAG}omap")
_TOO_MANY = (f"the file expands to more than {MAX_VALUES:,} values (through its aliases): "
             "write the values out or use fewer aliases")
_PLAIN_TEXT_FIRST = frozenset("~nNtTfF+-.0123456789")
"""First characters a plain scalar may have when it is not text (null, bool, number)."""


def _build(text: str, file: str) -> Document:
    """The document of ``text``, built from libyaml's events with an explicit stack.

    The loop runs once per event (a 12 KB procedure has about a thousand), so it
    keeps its state in local variables and dispatches on the event's class, most
    frequent first. The container being filled is ``container``: a dict when
    ``key_seen`` holds its keys (with their lines), a list when ``key_seen`` is
    None, and None before the root. ``key`` is the key waiting for its value;
    None when the next scalar of a mapping is a key.
    """
    values: dict[JsonPath, tuple[int, int]] = {}
    keys: dict[JsonPath, tuple[int, int]] = {}
    numbers: dict[JsonPath, str] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    # One entry per open collection: what to restore when it ends.
    stack: list[tuple[Any, JsonPath, str | None, dict[str, int] | None, int, str | None]] = []
    container: Any = None
    path: JsonPath = ()
    key: Any = None  # str | None; Any keeps the hot loop free of asserts for mypy
    key_seen: dict[str, int] | None = None
    start_count = 0
    anchor: str | None = None
    count = 0
    root: Any = None
    root_mark = (1, 1)
    documents = 0
    depth = 0

    try:
        next_event = _event_source(text)
        while (event := next_event()) is not None:
            cls = event.__class__
            if cls is _ScalarEvent:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                count += 1
                if count > MAX_VALUES:
                    raise _LoadError(*mark, _TOO_MANY)
                if key_seen is not None and key is None:  # a mapping's key
                    name = event.value
                    if event.tag not in _KEY_TAGS:
                        raise _LoadError(*mark, f"key '{name}' has a tag ({event.tag}): "
                                                "keys must be plain text")
                    if name in key_seen:
                        raise _LoadError(*mark, f"key '{name}' appears twice, on line "
                                                f"{key_seen[name]} and line {mark[0]}: keep one")
                    key_seen[name] = mark[0]
                    key = name
                    keys[path + (name,)] = mark
                    continue
                raw = event.value
                style = event.style
                if event.tag is None and (style == "" or style is None):  # plain: "" from libyaml
                    value: Any = (_resolve_plain(raw) if not raw or raw[0] in _PLAIN_TEXT_FIRST
                                  else raw)
                else:
                    value = _scalar(event, mark)
                if key_seen is not None:
                    child: JsonPath = path + (key,)
                    container[key] = value
                    key = None
                elif container is not None:
                    child = path + (len(container),)
                    container.append(value)
                else:
                    child = ()
                    root, root_mark = value, mark
                values[child] = mark
                if value.__class__ is not str and (
                    value.__class__ is int or value.__class__ is float
                ):
                    numbers[child] = raw
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                continue

            if cls is _MappingEndEvent or cls is _SequenceEndEvent:
                if anchor is not None:
                    anchors[anchor] = (container, count - start_count)
                container, path, key, key_seen, start_count, anchor = stack.pop()
                depth -= 1
                continue

            if cls is _MappingStartEvent or cls is _SequenceStartEvent:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                count += 1
                if count > MAX_VALUES:
                    raise _LoadError(*mark, _TOO_MANY)
                if key_seen is not None and key is None:
                    raise _LoadError(*mark, "a key must be plain text, not a list or mapping")
                if depth >= MAX_DEPTH:
                    raise _LoadError(*mark, f"the file nests deeper than {MAX_DEPTH} levels: "
                                            "a procedure needs only a few")
                if event.tag not in _COLLECTION_TAGS:
                    raise _LoadError(*mark, f"tag '{event.tag}' is not supported: remove it")
                new: dict[str, Any] | list[Any] = {} if cls is _MappingStartEvent else []
                if key_seen is not None:
                    child = path + (key,)
                    container[key] = new
                elif container is not None:
                    child = path + (len(container),)
                    container.append(new)
                else:
                    child = ()
                    root, root_mark = new, mark
                values[child] = mark
                stack.append((container, path, None, key_seen, start_count, anchor))
                depth += 1
                container, path, key, start_count, anchor = new, child, None, count, event.anchor
                key_seen = {} if cls is _MappingStartEvent else None
                continue

            if cls is _AliasEvent:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                if event.anchor not in anchors:
                    raise _LoadError(*mark, f"alias '*{event.anchor}' names no anchor defined "
                                            "before it: define '&name' first")
                value, size = anchors[event.anchor]
                if key_seen is not None and key is None:
                    raise _LoadError(*mark, "an alias cannot be used as a key: write the key out")
                count += size
                if count > MAX_VALUES:
                    raise _LoadError(*mark, _TOO_MANY)
                if key_seen is not None:
                    child = path + (key,)
                    container[key] = value
                    key = None
                elif container is not None:
                    child = path + (len(container),)
                    container.append(value)
                else:
                    child = ()
                    root, root_mark = value, mark
                values[child] = mark
                continue

            if cls is _DocumentStartEvent:
                documents += 1
                if documents > 1:
                    start = event.start_mark
                    raise _LoadError(start.line + 1, start.column + 1,
                                     "the file holds more than one YAML document ('---'): "
                                     "keep one procedure per file")
            # StreamStart, StreamEnd, DocumentEnd: nothing to build
    except yaml.YAMLError as error:
        raise _parse_error(error, text) from None

    if documents == 0 or root is None:
        raise _LoadError(1, 1, "the file has no content, only comments: "
                               "a procedure needs at least id, title and steps")
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else "a single value"
        raise _LoadError(*root_mark, f"the file holds {kind}, but a procedure is a mapping of "
                                     "keys such as 'id:', 'title:' and 'steps:'")
    values[()] = root_mark
    return Document(file=file, data=root, values=values, keys=keys, numbers=numbers)


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
