"""`plainly_valid` (compiler/registry/plain_params.py) never says valid when jsonschema finds an
error, and on the schemas it decides it agrees with jsonschema exactly."""

from __future__ import annotations

import itertools
from typing import Any

import jsonschema
import pytest

from compiler.registry import load_registry
from compiler.registry.plain_params import plainly_valid

from .conftest import REPO

PROPERTY_SCHEMAS: list[Any] = [
    {"type": "string"},
    {"type": ["string", "null"]},
    {"type": "integer"},
    {"type": "array", "items": {"type": "string"}},
    {"type": "string", "enum": ["prod", "staging", 1]},
    {"enum": [1, True, None]},
    {"const": "v1"},
    {"const": 1},
    {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
    {"pattern": "[0-9]"},  # search, not match
    {"type": "string", "minLength": 1},
    {"type": "string", "minLength": 3, "maxLength": 4},
    {"type": "string", "description": "a note", "default": "x", "examples": ["y"]},
    {"items": {"type": "integer"}, "minimum": 3, "required": ["z"]},  # not for strings
    True,
    False,
    {"format": "uri"},  # not decided: jsonschema asked
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},  # not decided
]
VALUES = ["", "v1", "prod", "abc", "abcd", "abcde", "Node-1", "node-1", "x 9", "1", "ü"]
OBJECT_SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "properties": {"a": {}, "b": {}}},
    {"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a"]},
    {"properties": {"a": {}}, "required": ["a", "b"]},
    {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
    {"type": "object", "properties": {"a": {}}, "additionalProperties": {"minLength": 2}},
    {"type": ["object", "null"], "properties": {"a": {}}},
    {"type": "array"},
    {"type": "object", "patternProperties": {"^a": {"type": "integer"}}},  # not decided
    {"type": "object", "$defs": {}, "properties": {"a": {}}},  # not decided
]
ARGS: list[dict[str, str]] = [{}, {"a": "1"}, {"a": "x", "b": "y"}, {"b": "abc"}, {"c": "z"}]


def _jsonschema_valid(schema: Any, args: dict[str, str]) -> bool:
    return not list(jsonschema.Draft202012Validator(schema).iter_errors(args))


def _cases() -> list[tuple[dict[str, Any], dict[str, str]]]:
    cases = []
    for shape, args in itertools.product(OBJECT_SCHEMAS, ARGS):
        for prop in PROPERTY_SCHEMAS:
            schema = dict(shape)
            if "properties" in schema:
                schema["properties"] = dict.fromkeys(schema["properties"], prop)
            filled = {name: VALUES[(i + len(str(prop))) % len(VALUES)] for i, name in
                      enumerate(args)}  # fmt: skip
            cases.append((schema, filled))
            cases.append((schema, args))
    for prop, value in itertools.product(PROPERTY_SCHEMAS, VALUES):
        cases.append(({"type": "object", "properties": {"a": prop}}, {"a": value}))
    return cases


def test_never_valid_when_jsonschema_finds_errors_and_exact_where_it_decides() -> None:
    decided = 0
    for schema, args in _cases():
        if plainly_valid(schema, args):
            assert _jsonschema_valid(schema, args), (schema, args)
            decided += 1
    assert decided > 200  # the check does decide most plain schemas


@pytest.mark.parametrize(
    ("prop", "value", "valid"),
    [
        ({"type": "string", "enum": ["a", "b"]}, "b", True),
        ({"type": "string", "enum": ["a", "b"]}, "c", False),
        ({"pattern": "^v[0-9]+$"}, "v12", True),
        ({"pattern": "^v[0-9]+$"}, "v12x", False),
        ({"pattern": "[0-9]"}, "ab1", True),
        ({"minLength": 2, "maxLength": 3}, "abcd", False),
        ({"type": "integer"}, "3", False),
        ({"const": "x"}, "x", True),
    ],
)
def test_plain_verdicts(prop: dict[str, Any], value: str, valid: bool) -> None:
    schema = {"type": "object", "properties": {"a": prop}, "required": ["a"]}
    assert plainly_valid(schema, {"a": value}) is valid
    assert _jsonschema_valid(schema, {"a": value}) is valid


def test_the_example_registry_is_decided_exactly() -> None:
    """Every property schema of runbooks_src/tools.yaml is of the plain kind: the check's
    verdict is jsonschema's for each value tried."""
    registry = load_registry(REPO / "runbooks_src" / "tools.yaml")
    for tool in registry.tools.values():
        for name, prop in tool.params.get("properties", {}).items():
            schema = {"type": "object", "properties": {name: prop}}
            enum = [v for v in prop.get("enum", []) if isinstance(v, str)]
            for value in [*VALUES, *enum]:
                verdict = _jsonschema_valid(schema, {name: value})
                assert plainly_valid(schema, {name: value}) is verdict, (tool.name, name, value)


def test_argument_errors_are_jsonschemas_when_not_plainly_valid() -> None:
    registry = load_registry(REPO / "runbooks_src" / "tools.yaml")
    tool = next(t for t in registry.tools.values() if t.params.get("required"))
    errors = jsonschema.Draft202012Validator(tool.params).iter_errors({})
    expected = tuple((None, e.message) for e in sorted(errors, key=lambda e: e.message))
    assert expected and tool.argument_errors({}) == expected
    assert tool.argument_errors(dict.fromkeys(tool.params["required"], "x")) == ()
