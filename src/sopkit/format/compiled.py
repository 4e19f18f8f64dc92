"""The compiled validator (jsonschema-rs), made to mean exactly what the Python one means.

sopkit asks jsonschema-rs first, because it answers in a fraction of the time, and trusts
only its "valid" (sopkit.format.schema asks the pure-Python validator, whose errors make
the messages, about everything else). That is sound only if the two agree on every
document, and two things differ between a Rust engine and Python's:

- a `pattern`: Rust's ``\\s`` and ``.`` differ from Python's, Python's ``$`` also
  matches before a final newline, and some syntax exists in one only. Each pattern is
  translated (:func:`compiled_schema`) from a small, well-understood subset; a schema
  with anything else is not given to jsonschema-rs at all;
- a `format`: ``date`` and ``email`` are checked by the same Python functions
  jsonschema uses (:data:`FORMATS`); a schema with any other format is not given to it.

tests/check/test_fast_paths.py checks the two against each other.

jsonschema-rs is a required dependency: it is imported where a validator is first
compiled, and a failed import is an installation problem, which the command line says
in one line (sopkit.cli.entry). The one way back to the Python validator alone is a
schema this module cannot translate or jsonschema-rs refuses: that is how a changed
schema stays correct before its translation is taught, and the tests exercise it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any


def compile_validator(schema: dict[str, Any]) -> Any | None:
    """jsonschema-rs' Draft 7 validator for ``schema``, or None when the schema cannot be
    translated or jsonschema-rs refuses it."""
    import jsonschema_rs  # here, not at the top: a run that finds every file cached skips it

    translated = compiled_schema(schema)
    if translated is None:
        return None
    try:
        return jsonschema_rs.Draft7Validator(
            translated, validate_formats=True, formats=dict(FORMATS),
            ignore_unknown_formats=False,
        )
    except Exception:  # a construct it does not take: the Python validator does it all
        return None


def compiled_verdict(validator: Any, data: Any, numbers: Iterable[str]) -> bool | None:
    """``validator``'s verdict on ``data``: True valid, False invalid, None when it cannot
    judge. ``numbers`` are the numbers of the document as written in the YAML."""
    for raw in numbers:
        # .nan and .inf have no JSON form, and a long number may not be held exactly in
        # Rust: such rare documents (and hex or octal numbers) go to the Python validator.
        if len(raw) > 15 or not raw[-1:].isdigit():
            return None
    try:
        return bool(validator.is_valid(data))
    except Exception:  # a value it cannot convert (a lone surrogate, ...): let Python judge
        return None


_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(instance: str) -> bool:
    """`format: date` exactly as jsonschema checks it (a real date, YYYY-MM-DD)."""
    if _RE_DATE.fullmatch(instance) is None:
        return False
    try:
        date.fromisoformat(instance)
    except ValueError:
        return False
    return True


def _is_email(instance: str) -> bool:
    """`format: email` exactly as jsonschema checks it."""
    return "@" in instance


FORMATS = {"date": _is_date, "email": _is_email}
"""The formats the schemas use, checked in Python as jsonschema checks them. A schema
with any other format is left to the Python validator."""

# Python's \s (str.isspace) spelt out for a Rust regex, whose \s differs (U+001C-U+001F,
# U+0085 and U+FEFF).
_PY_SPACE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SIMPLE_ESCAPES = frozenset("\\.-+*?()[]{}|^$/rnt")


_SUBSCHEMA = frozenset({"additionalItems", "additionalProperties", "contains", "propertyNames",
                        "if", "then", "else", "not", "items"})
_SUBSCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "items"})
_SUBSCHEMA_MAP = frozenset({"properties", "definitions", "$defs", "dependencies"})
_DATA = frozenset({"enum", "const", "default", "examples"})


class _Untranslatable(Exception):
    """A construct the compiled validator might read differently from the Python one."""


def compiled_schema(schema: Any) -> Any | None:
    """``schema`` with its regular expressions spelt so that a Rust engine reads them as
    Python does, or None when some construct might be read differently (then only the
    Python validator is used)."""
    try:
        return _translate(schema)
    except _Untranslatable:
        return None


def _translate(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema  # true / false
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            result[key] = _rust_pattern(value, end_anchor=True)
        elif key == "patternProperties" and isinstance(value, dict):
            result[key] = {_rust_pattern(pattern, end_anchor=False): _translate(subschema)
                           for pattern, subschema in value.items()}
        elif key == "format" and value not in FORMATS:
            raise _Untranslatable(f"format {value!r}")
        elif key in _SUBSCHEMA_LIST and isinstance(value, list):
            result[key] = [_translate(item) for item in value]
        elif key in _SUBSCHEMA and isinstance(value, dict | bool):
            result[key] = _translate(value)
        elif key in _SUBSCHEMA_MAP and isinstance(value, dict):
            result[key] = {name: _translate(item) for name, item in value.items()}
        elif isinstance(value, dict) and key not in _DATA:
            raise _Untranslatable(key)  # an unknown keyword might hold schemas
        else:
            result[key] = value  # data: enum, const, required, description, $ref, ...
    return result


def _rust_pattern(pattern: str, *, end_anchor: bool) -> str:
    r"""``pattern`` for a Rust regex engine, meaning what sopkit's Python check means.

    Only a small, well-understood subset is translated: literals, classes,
    groups, alternation, quantifiers, ``^`` at the start and ``$`` at the end
    (where sopkit's `pattern` means "end of text", as Rust's `$` does; in
    patternProperties Python's own `$` applies, so there it is refused), and the
    escapes ``\s``, ``\S`` and punctuation. Anything else is untranslatable.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "\\":
            escaped = pattern[index : index + 1]
            index += 1
            if escaped == "s":
                out.append(_PY_SPACE if in_class else f"[{_PY_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{_PY_SPACE}]")
            elif escaped in _SIMPLE_ESCAPES:
                out.append("\\" + escaped)
            else:
                raise _Untranslatable(pattern)
            continue
        if in_class:
            if char == "[" or pattern[index - 1 : index + 1] in ("&&", "--", "~~"):
                raise _Untranslatable(pattern)  # nested classes, set operations in Rust
            in_class = char != "]"
            out.append(char)
            continue
        if char == "[":
            in_class = True
            if pattern.startswith("^", index):
                out.append("[^")
                index += 1
            else:
                out.append("[")
            if pattern.startswith("]", index):
                raise _Untranslatable(pattern)  # a leading ']' is literal only in Python
            continue
        if (char == "." or (char == "(" and pattern.startswith("?", index))
                or (char == "^" and index != 1)
                or (char == "$" and (index != len(pattern) or not end_anchor))):
            raise _Untranslatable(pattern)  # `.` differs at \r and U+2028; (?...) differs
        out.append(char)
    if in_class:
        raise _Untranslatable(pattern)
    return "".join(out)
