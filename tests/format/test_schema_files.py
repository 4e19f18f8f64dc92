"""The two JSON Schemas in ``schemas/``: well-formed draft-07, documented, closed, and exact.

Valid examples live in ``tests/data/spec/`` (the spec's own examples verbatim, plus a minimal
and a full procedure and organization). Invalid documents are small mutations of
``minimal.yml`` / ``organization.yml``; each must fail at the expected JSON path with the
expected jsonschema validator, and with nothing else.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS
from jsonschema import Draft7Validator

from sopkit.format.load import Document, load_bytes, load_file

REPO = TESTS.parent
SCHEMAS = REPO / "schemas"
EXAMPLES = TESTS / "data" / "spec"

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
X_KEYS = {"^x-": {}}
# Keywords that may stand next to "$ref": draft-07 ignores every sibling of "$ref", so a
# validation keyword there would silently do nothing.
REF_SIBLINGS = {"$ref", "description", "title", "$comment", "examples", "default"}
# Keywords newer than draft-07, which editors' YAML support ignores.
NEWER_KEYWORDS = {
    "$defs", "unevaluatedProperties", "unevaluatedItems", "dependentRequired",
    "dependentSchemas", "prefixItems", "$anchor", "$dynamicRef", "$dynamicAnchor",
    "$recursiveRef", "$recursiveAnchor", "minContains", "maxContains",
}

Path_ = tuple[str | int, ...]


def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return schema


PROCEDURE = load_schema("procedure")
ORGANIZATION = load_schema("organization")
TRAINING = load_schema("training")
SCHEMA_BY_NAME = {"procedure": PROCEDURE, "organization": ORGANIZATION, "training": TRAINING}


def validator_for(schema: dict[str, Any]) -> Draft7Validator:
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_name_for(example: Path) -> str:
    for name in ("organization", "training"):
        if example.name.startswith(name):
            return name
    return "procedure"


def load_data(path: Path) -> dict[str, Any]:
    loaded = load_file(path)
    assert isinstance(loaded, Document), f"{path.name} does not load: {loaded}"
    return loaded.data


def errors_of(schema: dict[str, Any], data: Any) -> list[tuple[Path_, str | None]]:
    """Every error as (JSON path, validator name), sorted."""
    found = [
        (tuple(error.absolute_path), error.validator)
        for error in validator_for(schema).iter_errors(data)
    ]
    return sorted(found, key=repr)


# --------------------------------------------------------------------------- schema walk

CONDITIONAL = {"if", "then", "else"}


def walk(
    node: Any, pointer: tuple[str, ...] = (), conditional: bool = False
) -> Iterator[tuple[tuple[str, ...], Any, bool]]:
    """Every subschema with its pointer; ``conditional`` is true inside if/then/else."""
    yield pointer, node, conditional
    if not isinstance(node, dict):
        return
    for key in ("properties", "patternProperties", "definitions"):
        for name, sub in node.get(key, {}).items():
            yield from walk(sub, (*pointer, key, name), conditional)
    for key in ("items", "additionalProperties", "not", "if", "then", "else"):
        if key in node and isinstance(node[key], dict | bool):
            yield from walk(node[key], (*pointer, key), conditional or key in CONDITIONAL)
    for key in ("allOf", "anyOf", "oneOf"):
        for index, sub in enumerate(node.get(key, [])):
            yield from walk(sub, (*pointer, key, str(index)), conditional)


def where(pointer: tuple[str, ...]) -> str:
    return "#/" + "/".join(pointer)


# ------------------------------------------------------------------------ schema shape


@pytest.mark.parametrize("name", sorted(SCHEMA_BY_NAME))
def test_schema_is_valid_draft_07(name: str) -> None:
    schema = SCHEMA_BY_NAME[name]
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_07
    assert schema["$id"] == f"https://sopkit.dev/schemas/{name}.schema.json"
    assert schema["title"].strip()
    assert schema["description"].strip()


@pytest.mark.parametrize("name", sorted(SCHEMA_BY_NAME))
def test_schema_uses_only_draft_07_and_no_alternatives(name: str) -> None:
    for pointer, node, _ in walk(SCHEMA_BY_NAME[name]):
        if not isinstance(node, dict):
            continue
        assert not NEWER_KEYWORDS & node.keys(), f"{where(pointer)} uses a post-draft-07 keyword"
        # Step variants are if/then, so errors name the variant the writer meant.
        assert "oneOf" not in node and "anyOf" not in node, f"{where(pointer)} uses oneOf/anyOf"


@pytest.mark.parametrize("name", sorted(SCHEMA_BY_NAME))
def test_ref_has_no_ignored_siblings(name: str) -> None:
    for pointer, node, _ in walk(SCHEMA_BY_NAME[name]):
        if isinstance(node, dict) and "$ref" in node:
            extra = node.keys() - REF_SIBLINGS
            assert not extra, f"{where(pointer)}: draft-07 ignores {sorted(extra)} next to $ref"
            assert node["$ref"].startswith("#/definitions/")


@pytest.mark.parametrize("name", sorted(SCHEMA_BY_NAME))
def test_refs_resolve(name: str) -> None:
    schema = SCHEMA_BY_NAME[name]
    for pointer, node, _ in walk(schema):
        if isinstance(node, dict) and "$ref" in node:
            target = node["$ref"].removeprefix("#/definitions/")
            assert target in schema["definitions"], f"{where(pointer)}: no definition {target}"


@pytest.mark.parametrize("name", sorted(SCHEMA_BY_NAME))
def test_every_property_has_a_description(name: str) -> None:
    schema = SCHEMA_BY_NAME[name]
    checked = 0
    for pointer, node, _ in walk(schema):
        if not isinstance(node, dict):
            continue
        subschemas = [
            *((("properties", key), sub) for key, sub in node.get("properties", {}).items()),
            *((("definitions", key), sub) for key, sub in node.get("definitions", {}).items()),
        ]
        if "items" in node:
            subschemas.append((("items",), node["items"]))
        for suffix, sub in subschemas:
            if pointer and pointer[-1] == "if":
                continue  # a condition, not a property writers see
            assert isinstance(sub, dict), f"{where((*pointer, *suffix))} is a bare boolean"
            text = sub.get("description", "")
            assert isinstance(text, str) and len(text.strip()) >= 10, (
                f"{where((*pointer, *suffix))} has no description"
            )
            checked += 1
    assert checked > {"procedure": 60, "organization": 20, "training": 15}[name]


@pytest.mark.parametrize("name", sorted(SCHEMA_BY_NAME))
def test_every_object_is_closed_but_allows_x_keys(name: str) -> None:
    objects = 0
    for pointer, node, conditional in walk(SCHEMA_BY_NAME[name]):
        if not isinstance(node, dict):
            continue
        if node.get("type") == "object":
            objects += 1
            assert node.get("additionalProperties") is False, f"{where(pointer)} is open"
            assert node.get("patternProperties") == X_KEYS, f"{where(pointer)} refuses x- keys"
        elif "properties" in node:
            assert conditional, f"{where(pointer)} has properties but is not type: object"
    assert objects >= {"procedure": 17, "organization": 4, "training": 2}[name]


def test_procedure_required_keys_are_the_specs() -> None:
    assert sorted(PROCEDURE["required"]) == sorted(
        ["id", "title", "version", "status", "owner", "purpose", "scope", "roles", "steps",
         "history"]
    )
    assert PROCEDURE["properties"]["steps"]["minItems"] == 1
    assert PROCEDURE["properties"]["history"]["minItems"] == 1
    # A semantic rule, configurable elsewhere, not the schema's business.
    assert "allOf" not in PROCEDURE and "if" not in PROCEDURE


# --------------------------------------------------------------------------- examples

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yml"))


def test_examples_exist() -> None:
    names = {path.name for path in EXAMPLE_FILES}
    assert {"procedure.yml", "organization.yml", "minimal.yml", "full.yml"} <= names


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_is_valid(path: Path) -> None:
    schema = SCHEMA_BY_NAME[schema_name_for(path)]
    assert errors_of(schema, load_data(path)) == []


def schema_property_paths(
    schema: dict[str, Any], node: Any, prefix: tuple[str, ...] = ()
) -> set[tuple[str, ...]]:
    """Every property path the schema defines ("[]" for list items), following $ref."""
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        return schema_property_paths(
            schema, schema["definitions"][node["$ref"].removeprefix("#/definitions/")], prefix
        )
    paths: set[tuple[str, ...]] = set()
    for key, sub in node.get("properties", {}).items():
        paths.add((*prefix, key))
        paths |= schema_property_paths(schema, sub, (*prefix, key))
    if "items" in node:
        paths |= schema_property_paths(schema, node["items"], (*prefix, "[]"))
    return paths


def data_paths(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key.startswith("x-"):
                continue
            yield (*prefix, key)
            yield from data_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for value in data:
            yield from data_paths(value, (*prefix, "[]"))


def x_key_objects(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths of the objects that hold at least one x- key."""
    if isinstance(data, dict):
        if any(key.startswith("x-") for key in data):
            yield prefix
        for key, value in data.items():
            if not key.startswith("x-"):
                yield from x_key_objects(value, (*prefix, key))
    elif isinstance(data, list):
        for value in data:
            yield from x_key_objects(value, (*prefix, "[]"))


def object_paths(schema: dict[str, Any]) -> set[tuple[str, ...]]:
    paths = {()}
    for path in schema_property_paths(schema, schema):
        node: Any = schema
        for part in path:
            if "$ref" in node:
                node = schema["definitions"][node["$ref"].removeprefix("#/definitions/")]
            node = node["items"] if part == "[]" else node["properties"][part]
        if "$ref" in node:
            node = schema["definitions"][node["$ref"].removeprefix("#/definitions/")]
        if node.get("type") == "object":
            paths.add(path)
    return paths


@pytest.mark.parametrize(
    ("example", "name"),
    [("full.yml", "procedure"), ("organization-full.yml", "organization")],
)
def test_full_examples_use_every_key_and_x_keys_everywhere(example: str, name: str) -> None:
    schema = SCHEMA_BY_NAME[name]
    data = load_data(EXAMPLES / example)
    assert schema_property_paths(schema, schema) - set(data_paths(data)) == set()
    assert object_paths(schema) - set(x_key_objects(data)) == set()


def test_full_example_covers_the_variants() -> None:
    data = load_data(EXAMPLES / "full.yml")
    kinds = {resource.get("kind") for resource in data["resources"]}
    assert kinds == {"tool", "system", "document", "material", "other", None}
    steps = {step["id"]: step for step in data["steps"]}
    assert steps["grant-access"]["end"] is True
    branches = steps["standard-access"]["decision"]["branches"]
    # Written unquoted in the file: YAML 1.2 keeps Yes/No as text.
    assert [branch["when"] for branch in branches] == ["Yes", "No"]


# ---------------------------------------------------------------- invalid procedures

DELETE = object()


def mutate(data: dict[str, Any], changes: dict[Path_, Any]) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for path, value in changes.items():
        parent: Any = result
        for part in path[:-1]:
            parent = parent[part]
        if value is DELETE:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return result


DECISION = {
    "branches": [{"when": "Yes", "next": "restart"}, {"when": "No", "next": "restart"}]
}
STEP = ("steps", 0)

PROCEDURE_CASES = [
    pytest.param({("colour",): "red"}, [((), "additionalProperties")], id="unknown-key"),
    pytest.param(
        {(*STEP, "who"): "ops-lead"}, [(STEP, "additionalProperties")], id="unknown-step-key"
    ),
    pytest.param(
        {("scope",): {"include": ["x"]}},
        [(("scope",), "additionalProperties"), (("scope",), "required")],
        id="misspelt-scope-key",
    ),
    pytest.param({("id",): "ops-1"}, [(("id",), "pattern")], id="lowercase-procedure-id"),
    pytest.param({("id",): "OPS--1"}, [(("id",), "pattern")], id="double-hyphen-id"),
    pytest.param({("id",): "1-OPS"}, [(("id",), "pattern")], id="id-starts-with-digit"),
    pytest.param(
        {(*STEP, "id"): "Restart_Now"}, [((*STEP, "id"), "pattern")], id="bad-step-id"
    ),
    pytest.param({("owner",): "Ops Lead"}, [(("owner",), "pattern")], id="owner-not-an-id"),
    pytest.param({("version",): 1.1}, [(("version",), "type")], id="version-number"),
    pytest.param({("version",): "1.1"}, [(("version",), "pattern")], id="version-two-parts"),
    pytest.param({("version",): "v1.0.0"}, [(("version",), "pattern")], id="version-with-v"),
    pytest.param(
        {("history", 0, "version"): 1.0},
        [(("history", 0, "version"), "type")],
        id="history-version-number",
    ),
    pytest.param(
        {(*STEP, "duration"): "2 hours"}, [((*STEP, "duration"), "pattern")], id="duration-words"
    ),
    pytest.param(
        {(*STEP, "duration"): "2s"}, [((*STEP, "duration"), "pattern")], id="duration-seconds"
    ),
    pytest.param(
        {(*STEP, "duration"): "２h"}, [((*STEP, "duration"), "pattern")], id="duration-wide-digit"
    ),
    pytest.param(
        {("effective_date",): "2026-13-01"}, [(("effective_date",), "format")], id="bad-month"
    ),
    pytest.param(
        {("history", 0, "date"): "2026-02-30"},
        [(("history", 0, "date"), "format")],
        id="bad-day",
    ),
    pytest.param(
        {("effective_date",): "15.01.2026"}, [(("effective_date",), "format")], id="not-iso-date"
    ),
    pytest.param(
        {("review",): {"interval_months": 0}},
        [(("review", "interval_months"), "minimum")],
        id="interval-0",
    ),
    pytest.param(
        {("review",): {"interval_months": 61}},
        [(("review", "interval_months"), "maximum")],
        id="interval-61",
    ),
    pytest.param(
        {("review",): {"interval_months": "12"}},
        [(("review", "interval_months"), "type")],
        id="interval-text",
    ),
    pytest.param(
        {("review",): {"interval_months": 1.5}},
        [(("review", "interval_months"), "type")],
        id="interval-fraction",
    ),
    pytest.param(
        {("review",): {"last_reviewed": "2026-01-10"}},
        [(("review",), "required")],
        id="review-without-interval",
    ),
    pytest.param({("status",): "aproved"}, [(("status",), "enum")], id="status-typo"),
    pytest.param({("status",): "Approved"}, [(("status",), "enum")], id="status-capital"),
    pytest.param(
        {(*STEP, "decision"): DECISION, (*STEP, "next"): "restart"},
        [((*STEP, "next"), "not")],
        id="decision-with-next",
    ),
    pytest.param(
        {(*STEP, "decision"): DECISION, (*STEP, "end"): False},
        [((*STEP, "end"), "not")],
        id="decision-with-end-false",
    ),
    pytest.param(
        {(*STEP, "end"): True, (*STEP, "next"): "restart"},
        [((*STEP, "next"), "not")],
        id="end-with-next",
    ),
    pytest.param(
        {(*STEP, "end"): True, (*STEP, "decision"): DECISION},
        [((*STEP, "decision"), "not"), ((*STEP, "end"), "not")],
        id="end-with-decision",
    ),
    pytest.param({(*STEP, "end"): "yes"}, [((*STEP, "end"), "type")], id="end-yes-text"),
    pytest.param({("steps",): []}, [(("steps",), "minItems")], id="empty-steps"),
    pytest.param({("history",): []}, [(("history",), "minItems")], id="empty-history"),
    pytest.param({("roles",): []}, [(("roles",), "minItems")], id="empty-roles"),
    pytest.param({("purpose",): DELETE}, [((), "required")], id="missing-purpose"),
    pytest.param({("purpose",): ""}, [(("purpose",), "minLength")], id="empty-purpose"),
    pytest.param({("scope",): "everyone"}, [(("scope",), "type")], id="scope-as-text"),
    pytest.param({(*STEP, "role"): DELETE}, [(STEP, "required")], id="step-without-role"),
    pytest.param(
        {("history", 0, "summary"): DELETE}, [(("history", 0), "required")], id="history-no-summary"
    ),
    pytest.param(
        {("title",): "Restart\nthe server"}, [(("title",), "pattern")], id="two-line-title"
    ),
    pytest.param(
        {(*STEP, "decision"): {"branches": [{"when": "Yes", "next": "restart"}, {"when": "No"}]}},
        [((*STEP, "decision", "branches", 1), "required")],
        id="branch-without-next",
    ),
    pytest.param(
        {(*STEP, "decision"): {"branches": [{"when": "Yes", "next": "restart"}]}},
        [((*STEP, "decision", "branches"), "minItems")],
        id="single-branch",
    ),
    pytest.param(
        {(*STEP, "decision"): {"branches": [{"when": True, "next": "restart"},
                                            {"when": 1, "next": "restart"}]}},
        [((*STEP, "decision", "branches", 0, "when"), "type"),
         ((*STEP, "decision", "branches", 1, "when"), "type")],
        id="when-not-text",
    ),
    pytest.param(
        {(*STEP, "decision"): {"question": "Up?"}},
        [((*STEP, "decision"), "required")],
        id="decision-without-branches",
    ),
    pytest.param(
        {("metrics",): [{"name": "Uptime", "frequency": "hourly"}]},
        [(("metrics", 0, "frequency"), "enum")],
        id="metric-frequency-hourly",
    ),
    pytest.param(
        {("metrics",): [{"name": "Uptime", "frequency": "once"}]},
        [(("metrics", 0, "frequency"), "enum")],
        id="metric-frequency-once",
    ),
    pytest.param(
        {("metrics",): [{"name": "Uptime", "target": 99}]},
        [(("metrics", 0, "target"), "type")],
        id="metric-target-number",
    ),
    pytest.param(
        {("training",): [{"audience": ["ops-lead"], "topic": "Ops", "frequency": "biweekly"}]},
        [(("training", 0, "frequency"), "enum")],
        id="training-frequency",
    ),
    pytest.param(
        {("training",): [{"topic": "Ops"}]},
        [(("training", 0), "required")],
        id="training-without-audience",
    ),
    pytest.param(
        {("risks",): [{"description": "Outage", "impact": "critical"}]},
        [(("risks", 0, "impact"), "enum")],
        id="risk-level",
    ),
    pytest.param(
        {("resources",): [{"name": "Laptop", "kind": "hardware"}]},
        [(("resources", 0, "kind"), "enum")],
        id="resource-kind",
    ),
    pytest.param(
        {("resources",): [{"name": "Wiki", "link": "www.example.com"}]},
        [(("resources", 0, "link"), "pattern")],
        id="link-without-scheme",
    ),
    pytest.param(
        {("references",): [{"title": "Manual"}]},
        [(("references", 0), "required")],
        id="reference-without-url",
    ),
    pytest.param({("related",): ["hr-002"]}, [(("related", 0), "pattern")], id="related-id"),
    pytest.param(
        {("related",): ["HR-002", "HR-002"]}, [(("related",), "uniqueItems")], id="related-twice"
    ),
    pytest.param(
        {("approvers",): ["coo", "coo"]}, [(("approvers",), "uniqueItems")], id="approver-twice"
    ),
    pytest.param({("approvers",): "coo"}, [(("approvers",), "type")], id="approvers-not-list"),
    pytest.param(
        {(*STEP, "accountable"): ["ops-lead"]},
        [((*STEP, "accountable"), "type")],
        id="accountable-list",
    ),
    pytest.param(
        {(*STEP, "checklist"): ["Done", ""]},
        [((*STEP, "checklist", 1), "minLength")],
        id="empty-checklist-item",
    ),
    pytest.param(
        {(*STEP, "substeps"): "Open, then close"},
        [((*STEP, "substeps"), "type")],
        id="substeps-text",
    ),
    pytest.param({("$schema",): "x"}, [((), "additionalProperties")], id="dollar-schema-key"),
]


@pytest.fixture(scope="module")
def minimal() -> dict[str, Any]:
    return load_data(EXAMPLES / "minimal.yml")


@pytest.mark.parametrize(("changes", "expected"), PROCEDURE_CASES)
def test_invalid_procedure(
    minimal: dict[str, Any], changes: dict[Path_, Any], expected: list[tuple[Path_, str]]
) -> None:
    assert errors_of(PROCEDURE, minimal) == []
    assert errors_of(PROCEDURE, mutate(minimal, changes)) == sorted(expected, key=repr)


def test_x_keys_are_allowed_anywhere(minimal: dict[str, Any]) -> None:
    changes = {
        ("x-anything",): {"deep": [1, 2]},
        ("scope", "x-note"): None,
        ("roles", 0, "x-grade"): 3,
        (*STEP, "x-ui"): True,
        ("history", 0, "x-pr"): 12,
    }
    assert errors_of(PROCEDURE, mutate(minimal, changes)) == []


def test_decision_error_explains_itself(minimal: dict[str, Any]) -> None:
    data = mutate(minimal, {(*STEP, "decision"): DECISION, (*STEP, "next"): "restart"})
    [error] = validator_for(PROCEDURE).iter_errors(data)
    assert error.validator == "not"
    assert list(error.absolute_path) == ["steps", 0, "next"]
    assert list(error.absolute_schema_path)[-6:] == [
        "allOf", 0, "then", "properties", "next", "not"
    ]
    assert "decision" in error.schema["description"]


# -------------------------------------------------------------- YAML 1.2 as sopkit reads it

MINIMAL_TEXT = (EXAMPLES / "minimal.yml").read_text("utf-8")

YAML_CASES = [
    pytest.param("version: 0.1.0\nstatus", "version: 1.1\nstatus", [(("version",), "type")],
                 id="version-1.1"),
    pytest.param("version: 0.1.0\nstatus", "version: 1.10\nstatus", [(("version",), "type")],
                 id="version-1.10"),
    pytest.param("version: 0.1.0\nstatus", "version: '1.10.0'\nstatus", [], id="quoted-version"),
    pytest.param("    role: ops-lead\n", "    role: ops-lead\n    end: yes\n",
                 [((*STEP, "end"), "type")], id="end-yes"),
    pytest.param("    role: ops-lead\n", "    role: ops-lead\n    end: true\n", [], id="end-true"),
    pytest.param(
        "    role: ops-lead\n",
        "    role: ops-lead\n    decision:\n      branches:\n"
        "        - {when: No, next: restart}\n        - {when: Yes, next: restart}\n",
        [],
        id="when-no-unquoted",
    ),
    pytest.param(
        "    role: ops-lead\n",
        "    role: ops-lead\n    decision:\n      branches:\n"
        "        - {when: true, next: restart}\n        - {when: 2, next: restart}\n",
        [((*STEP, "decision", "branches", 0, "when"), "type"),
         ((*STEP, "decision", "branches", 1, "when"), "type")],
        id="when-bool-and-number",
    ),
    pytest.param("status: draft\n", "status: draft\neffective_date: 2026-01-15\n", [],
                 id="unquoted-date"),
    pytest.param("status: draft\n", "status: draft\neffective_date: 2026-1-5\n",
                 [(("effective_date",), "format")], id="short-date"),
]


@pytest.mark.parametrize(("old", "new", "expected"), YAML_CASES)
def test_yaml_values(old: str, new: str, expected: list[tuple[Path_, str]]) -> None:
    assert MINIMAL_TEXT.count(old) == 1
    loaded = load_bytes(MINIMAL_TEXT.replace(old, new).encode(), "minimal.yml")
    assert isinstance(loaded, Document), loaded
    assert errors_of(PROCEDURE, loaded.data) == sorted(expected, key=repr)


# ------------------------------------------------------------- invalid organizations

PERSON = ("people", 0)

ORGANIZATION_CASES = [
    pytest.param({("teams",): []}, [((), "additionalProperties")], id="unknown-key"),
    pytest.param(
        {("departments", 0, "head"): "x"},
        [(("departments", 0), "additionalProperties")],
        id="unknown-department-key",
    ),
    pytest.param(
        {("departments", 0, "id"): "HR"}, [(("departments", 0, "id"), "pattern")], id="dept-id"
    ),
    pytest.param(
        {("departments", 0, "name"): DELETE},
        [(("departments", 0), "required")],
        id="dept-without-name",
    ),
    pytest.param(
        {("roles", 0, "title"): DELETE}, [(("roles", 0), "required")], id="role-without-title"
    ),
    pytest.param(
        {("roles", 0, "department"): "Human Resources"},
        [(("roles", 0, "department"), "pattern")],
        id="role-department-not-an-id",
    ),
    pytest.param(
        {(*PERSON, "github"): "@lina-hr"}, [((*PERSON, "github"), "pattern")], id="github-at"
    ),
    pytest.param(
        {(*PERSON, "github"): "-lina"}, [((*PERSON, "github"), "pattern")], id="github-hyphen"
    ),
    pytest.param(
        {(*PERSON, "github"): "a" * 40}, [((*PERSON, "github"), "maxLength")], id="github-long"
    ),
    pytest.param(
        {(*PERSON, "email"): "lina.example.com"},
        [((*PERSON, "email"), "format")],
        id="bad-email",
    ),
    pytest.param({(*PERSON, "roles"): DELETE}, [(PERSON, "required")], id="person-no-roles"),
    pytest.param({(*PERSON, "roles"): []}, [((*PERSON, "roles"), "minItems")], id="no-roles"),
    pytest.param(
        {(*PERSON, "roles"): ["hr-manager", "hr-manager"]},
        [((*PERSON, "roles"), "uniqueItems")],
        id="role-twice",
    ),
    pytest.param({("people",): {"li-na": {}}}, [(("people",), "type")], id="people-mapping"),
]


@pytest.mark.parametrize(("changes", "expected"), ORGANIZATION_CASES)
def test_invalid_organization(
    changes: dict[Path_, Any], expected: list[tuple[Path_, str]]
) -> None:
    base = load_data(EXAMPLES / "organization.yml")
    assert errors_of(ORGANIZATION, base) == []
    assert errors_of(ORGANIZATION, mutate(base, changes)) == sorted(expected, key=repr)


def test_empty_organization_is_valid() -> None:
    assert errors_of(ORGANIZATION, {}) == []
