"""JSON Schema validation, with errors in words a procedure writer understands.

jsonschema reports a JSON path and a message written for programmers
("'x' does not match '^[A-Z]...'"). This module turns each error into one
line at the line and column of the offending value (of the key, for an
unknown key), saying what is wrong and what to do.

Most documents are valid, and for them a compiled validator (jsonschema-rs)
answers in a fraction of the time: the pure-Python validator, which the
messages come from, runs only for a document the compiled one rejects (or
cannot judge). The compiled validator is given a schema translated to mean
exactly what the Python one means (sopkit.format.compiled), and the two are
tested to agree. jsonschema itself is imported only when a message is needed,
so that a clean run does not pay for importing it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sopkit.check.diagnostics import Diagnostic
from sopkit.format.compiled import compile_validator, compiled_verdict
from sopkit.format.load import Document, JsonPath
from sopkit.format.packaged import data_folder
from sopkit.format.words import did_you_mean

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

SchemaKind = Literal["procedure", "organization", "training", "approval"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = ("procedure", "organization", "training", "approval")

# Singular names for list items in messages: ("steps", 2) reads "step 3".
_ITEM_NAMES = {
    "steps": "step", "roles": "role", "inputs": "input", "outputs": "output",
    "objectives": "objective", "definitions": "definition", "resources": "resource",
    "metrics": "metric", "risks": "risk", "training": "training", "records": "record",
    "references": "reference", "history": "history entry", "branches": "branch",
    "departments": "department", "people": "person",
}

# What each pattern of the schemas means, for people rather than regex readers.
_PATTERN_HINTS = {
    r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$":
        "use capital letters and digits in parts joined by '-', like HR-001",
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$":
        "use lower-case letters and digits in parts joined by '-', like hr-manager",
    r"^[0-9]+(\.[0-9]+)?(m|h|d|w)$":
        "write a number and a unit: m (minutes), h (hours), d (days) or w (weeks), "
        "like 30m or 1.5d",
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$":
        "write a version as three numbers, like 1.2.0",
    r"^[^\r\n]*\n?$": "keep it on one line",
    r"^sha256:[0-9a-f]{64}$": "copy the digest `sopkit digest ID` prints: sha256: and 64 "
                              "hexadecimal digits",
    r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$": "write a full address with no spaces, like https://example.com/page",
    r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$": "write the GitHub account name without '@', like lina-hr",
}

_TYPE_WORDS: dict[str, str] = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping of keys", "null": "empty",
}


def _schema_folder() -> Path:
    return data_folder("schemas")


def schema_path(kind: SchemaKind) -> Path:
    return _schema_folder() / f"{kind}.schema.json"


def schema_text(kind: SchemaKind) -> str:
    return schema_path(kind).read_text(encoding="utf-8")


@cache
def load_schema(kind: SchemaKind) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text(kind))
    return data


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """`pattern` as JSON Schema means it: Python's `$` would also match before a final newline."""
    if not isinstance(instance, str):
        return
    if re.search(pattern, instance) is None or (
        pattern.endswith("$") and instance.endswith("\n")
        and re.search(pattern[:-1] + r"\Z", instance) is None
    ):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def validator(kind: SchemaKind) -> Any:
    """The pure-Python validator of ``kind``: slow, but its errors make the messages."""
    from jsonschema import Draft7Validator, validators

    extended = validators.extend(Draft7Validator, {"pattern": _pattern})
    return extended(load_schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)


def check_schema(document: Document, kind: SchemaKind) -> list[Diagnostic]:
    """Every way ``document`` breaks the schema, one diagnostic each."""
    if fast_verdict(document, kind) is True:
        return []
    found: dict[tuple[int, int, str], Diagnostic] = {}
    for error in validator(kind).iter_errors(document.data):
        for diagnostic in _explain(document, kind, _meant(error)):
            found.setdefault((diagnostic.line, diagnostic.column, diagnostic.message), diagnostic)
    return sorted(found.values())


# -- the compiled fast path ---------------------------------------------------------------------


def fast_verdict(document: Document, kind: SchemaKind) -> bool | None:
    """The compiled validator's verdict on ``document``: True valid, False invalid,
    None when it cannot judge (a schema it is not given, or values it does not represent
    as Python does, such as NaN). Only True is acted on: False and None send the
    document to the Python validator, whose verdict is final.
    """
    compiled = compiled_validator(kind)
    if compiled is None:
        return None
    return compiled_verdict(compiled, document.data, document.numbers.values())


@cache
def compiled_validator(kind: SchemaKind) -> Any | None:
    """jsonschema-rs' Draft 7 validator for ``kind``, or None when its schema cannot be
    translated (see :mod:`sopkit.format.compiled`)."""
    return compile_validator(load_schema(kind))


def _meant(error: ValidationError) -> ValidationError:
    """For an anyOf/oneOf failure, the branch the writer most likely meant."""
    from jsonschema.exceptions import best_match

    while error.context:
        error = best_match(error.context)
    return error


def _explain(document: Document, kind: SchemaKind, error: ValidationError) -> Iterator[Diagnostic]:
    path: JsonPath = tuple(error.absolute_path)
    where = describe(path, document.data, kind)
    field = _field_name(path, kind)
    instance = error.instance
    validator_name = error.validator
    value = error.validator_value

    def at(target: JsonPath, message: str, *, key: bool = False) -> Diagnostic:
        line, column = document.position(target, key=key)
        return Diagnostic(document.file, line, column, "error", "schema",
                          _line_breaks_escaped(message))

    if validator_name == "additionalProperties" and isinstance(instance, Mapping):
        allowed = sorted(error.schema.get("properties", {}))
        for extra in _extra_keys(instance, error.schema):
            hint = did_you_mean(extra, allowed) or _misplaced(extra, path, kind)
            yield at((*path, extra), f"unknown key '{extra}' in {where}{hint}", key=True)
        return
    if validator_name == "required":
        # A misspelt key ("purpse") is reported as unknown with a suggestion; do not
        # also report the key it was meant to be as missing.
        import difflib

        extras = _extra_keys(instance, error.schema) if isinstance(instance, Mapping) else []
        missing = [name for name in value if name not in instance
                   and not difflib.get_close_matches(name, extras, n=1, cutoff=0.6)]
        if len(missing) == 1:
            yield at(path, f"{where} is missing the required key '{missing[0]}': add it")
        elif missing:
            names = ", ".join(f"'{name}'" for name in missing)
            yield at(path, f"{where} is missing the required keys {names}: add them")
        return
    if validator_name is None or value is False:  # a `false` schema: the key may not be here
        yield at(path, f"{field} is not allowed in {describe(path[:-1], document.data, kind)}"
                       f"{_why_not_allowed(path, document.data)}", key=True)
        return
    if validator_name == "not" and value == {} and path and isinstance(path[-1], str):
        place = describe(path[:-1], document.data, kind)
        reason = error.schema.get("description")
        message = (f"in {place}: {reason.rstrip('.')}" if reason
                   else f"'{path[-1]}' is not allowed in {place}: remove it")
        yield at(path, message, key=True)
        return
    if validator_name == "not" and isinstance(value, Mapping) and "required" in value:
        for name in value["required"]:
            if isinstance(instance, Mapping) and name in instance:
                yield at((*path, name), f"'{name}' is not allowed in {where}"
                                        f"{_why_not_allowed((*path, name), document.data)}",
                         key=True)
        return
    yield at(path, _message(document, path, field, validator_name, value, instance))


_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _misplaced(key: str, path: JsonPath, kind: SchemaKind) -> str:
    """A hint for a key that belongs at the top of the file but sits indented inside
    something else: a wrongly indented ``risks:`` reads as a key of the item above it."""
    if not path or key not in load_schema(kind).get("properties", {}):
        return ""
    return (f": '{key}' is a key of the {kind} itself: check its indentation (it starts at "
            "the beginning of the line, with no spaces before it)")


def _line_breaks_escaped(message: str) -> str:
    """A message quotes keys and values as written; a line break in one (a key such as
    "\\n") is shown escaped as Python writes it, so that every diagnostic stays on one line
    (the reporters escape the other control and bidi characters: sopkit.format.terminal)."""
    return _LINE_BREAKS.sub(lambda match: repr(match.group())[1:-1], message)


def _message(document: Document, path: JsonPath, field: str, validator_name: str,
             value: Any, instance: Any) -> str:
    if validator_name == "type":
        return _type_message(document, path, field, value, instance)
    if validator_name == "enum":
        choices = [str(choice) for choice in value]
        hint = did_you_mean(str(instance), choices)
        return f"{field} '{instance}' is not allowed{hint}: use one of {', '.join(choices)}"
    if validator_name == "pattern":
        pattern_hint = _PATTERN_HINTS.get(value)
        if pattern_hint is None:
            return f"{field} '{instance}' does not have the required form ({value})"
        return f"{field} '{instance}' is not valid: {pattern_hint}"
    if validator_name == "format" and value == "date":
        return (f"{field} '{instance}' is not a real date: write it as YYYY-MM-DD, "
                "like 2026-01-31")
    if validator_name == "minItems":
        if value == 1:
            return f"{field} is empty: it needs at least one entry"
        return f"{field} needs at least {value} entries, not {len(instance)}"
    if validator_name == "maxItems":
        return f"{field} has {len(instance)} entries; at most {value} are allowed"
    if validator_name == "minLength":
        return f"{field} is empty: write a value"
    if validator_name == "maxLength":
        return f"{field} is longer than {value} characters: shorten it"
    if validator_name in ("minimum", "exclusiveMinimum"):
        return f"{field} is {instance}; it must be at least {value}"
    if validator_name in ("maximum", "exclusiveMaximum"):
        return f"{field} is {instance}; it must be at most {value}"
    if validator_name == "uniqueItems":
        return f"{field} lists the same entry twice: keep one"
    if validator_name == "const":
        return f"{field} must be {json.dumps(value, ensure_ascii=False)}"
    return f"{field}: {' '.join(str(instance)[:80].split())} is not valid here"


def _type_message(document: Document, path: JsonPath, field: str, value: Any,
                  instance: Any) -> str:
    expected = value if isinstance(value, list) else [value]
    wanted = " or ".join(_TYPE_WORDS.get(str(name), str(name)) for name in expected)
    if "string" in expected:
        raw = document.numbers.get(path)
        if raw is not None:
            return (f"{field} {raw} is read as a number: put it in quotes, "
                    f"\"{raw}\", to keep it as text")
        if isinstance(instance, bool):
            word = "true" if instance else "false"
            return f"{field} {word} is read as true/false: put it in quotes, \"{word}\""
    if instance is None:
        return f"{field} is empty: write {wanted}"
    return f"{field} must be {wanted}, not {_kind_of(instance)}"


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty"


def _extra_keys(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    known = set(schema.get("properties", {}))
    patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
    return sorted(
        key for key in instance
        if key not in known and not any(pattern.search(key) for pattern in patterns)
    )


def _why_not_allowed(path: JsonPath, data: Any) -> str:
    step = _lookup(data, path[:-1])
    key = path[-1] if path else ""
    if isinstance(step, Mapping):
        if "decision" in step and key in ("next", "end"):
            return (": a decision's branches say where the flow goes; "
                    f"remove '{key}' or the decision")
        if step.get("end") is True and key in ("next", "decision"):
            return f": an end step ends the flow; remove '{key}' or 'end: true'"
    return ": remove it"


def _lookup(data: Any, path: JsonPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _field_name(path: JsonPath, kind: SchemaKind) -> str:
    """How to name the value at ``path``: 'version', 'step 3 role', ..."""
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else ""
        return f"{_ITEM_NAMES.get(str(parent), 'entry')} {last + 1} of '{parent}'"
    return str(last)


def describe(path: JsonPath, data: Any, kind: SchemaKind = "procedure") -> str:
    """Where ``path`` is, in words: "step 3 ('check-docs')", "'review'", "the procedure"."""
    parts: list[str] = []
    node = data
    for index, part in enumerate(path):
        node = node[part] if isinstance(node, list | dict) and _has(node, part) else None  # type: ignore[index]
        if isinstance(part, int):
            parent = str(path[index - 1]) if index else ""
            label = f"{_ITEM_NAMES.get(parent, 'entry')} {part + 1}"
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                label += f" ('{node['id']}')"
            if parts:
                parts[-1] = label
            else:
                parts.append(label)
        else:
            parts.append(f"'{part}'")
    if not parts:
        return {"procedure": "the procedure", "organization": "organization.yml",
                "training": "the training file",
                "approval": "the approvals file"}[kind]
    return " > ".join(parts)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, list):
        return isinstance(part, int) and 0 <= part < len(node)
    return part in node


