"""The remembering meta-schema check gives check_schema's verdicts, first errors and paths."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

from compiler.registry.metaschema import schema_checker

from .conftest import REPO

INVALID: list[Any] = [
    {"type": "strin"},
    {"type": 7},
    {"properties": {"a": {"type": 5}}},
    {"properties": {"a": {"pattern": "("}}},
    {"properties": {"a": {"type": "string"}, "b": {"pattern": "[", "type": "string"}}},
    {"items": {"minLength": -1}},
    {"properties": {"a": {"properties": {"b": {"enum": 1}}}}},
    {"$defs": {"x": {"type": ["string", "string"]}}},
    {"properties": {"a": {"format": 3}}},
    {"properties": {"a": {"$ref": 3}}},
    {"anyOf": [{"type": "string"}, {"required": "a"}]},
    {"properties": {"a": {"unevaluatedProperties": 3}}},
    {"prefixItems": [{"type": "string"}, {"maximum": "9"}]},
    {"dependentSchemas": {"a": {"type": "string"}, "b": {"minItems": 1.5}}},
    {"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "nope"}},
    [],
    "string",
]


def _registry_schemas() -> list[Any]:
    raw = yaml.safe_load((REPO / "runbooks_src" / "tools.yaml").read_text())
    return [tool.get("params", {}) for tool in raw["tools"]]


def _check_schema(schema: Any) -> tuple[str, list[Any]] | None:
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        return error.message, list(error.absolute_path)
    return None


def _remembering(first_error: Any, schema: Any) -> tuple[str, list[Any]] | None:
    error = first_error(schema)
    return None if error is None else (error.message, list(error.absolute_path))


def test_the_registry_schemas_are_valid_both_ways() -> None:
    first_error = schema_checker()
    for schema in _registry_schemas():
        assert _remembering(first_error, schema) is None
        assert _check_schema(schema) is None


@pytest.mark.parametrize("schema", INVALID, ids=repr)
def test_an_invalid_schema_gets_check_schemas_first_error(schema: Any) -> None:
    first_error = schema_checker()
    for valid in _registry_schemas():  # remember many valid subschemas first
        first_error(valid)
    expected = _check_schema(schema)
    assert expected is not None
    assert _remembering(first_error, schema) == expected
    assert _remembering(first_error, schema) == expected  # and again: errors are not remembered


def test_a_subschema_valid_in_one_place_is_still_checked_in_its_own() -> None:
    first_error = schema_checker()
    assert first_error({"properties": {"a": {"type": "string"}}}) is None
    # the same subschema beside an invalid sibling: the sibling's error is still found
    error = first_error({"properties": {"a": {"type": "string"}}, "items": {"type": 1}})
    assert error is not None
    assert list(error.absolute_path) == ["items", "type"]
