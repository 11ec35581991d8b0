"""Arguments that plainly satisfy a tool's params schema, decided without jsonschema.

Binding checks every tool call's arguments (strings captured from the runbook) against the
tool's params schema. Almost every call passes, and almost every registry schema is an object
of string properties with `required`, `enum`, `const`, `pattern` or a length. For such a
schema `plainly_valid` decides validity exactly as jsonschema's Draft 2020-12 validator does
(the same `re.search`, the same string equality, the same `len`); it answers True only when
the arguments are valid, and False both when they are not and when the schema uses anything
else. On False the caller asks jsonschema, which also words the errors, so the messages are
jsonschema's; on True there are none to word, and a `check` whose calls all pass never
imports jsonschema.
"""

from __future__ import annotations

import re
from typing import Any

ANNOTATIONS = frozenset(
    {"description", "title", "default", "examples", "$comment", "deprecated", "readOnly",
     "writeOnly"}
)  # fmt: skip
"""Keywords that never make an instance invalid."""

NOT_FOR_STRINGS = frozenset(
    {"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains",
     "maxContains", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
     "properties", "required", "minProperties", "maxProperties", "additionalProperties",
     "patternProperties", "propertyNames", "dependentRequired"}
)  # fmt: skip
"""Keywords that apply to arrays, numbers or objects only: a string passes them (jsonschema
checks the instance's type first)."""

OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})


def plainly_valid(schema: Any, args: dict[str, str]) -> bool:
    """True when `args` certainly satisfy `schema`; False when they do not, or when the schema
    uses a keyword this check does not decide (ask jsonschema then)."""
    if not isinstance(schema, dict) or not all(isinstance(v, str) for v in args.values()):
        return False
    if not set(schema) <= OBJECT_KEYWORDS | ANNOTATIONS:
        return False
    if "type" in schema and not _allows(schema["type"], "object"):
        return False
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    extra = schema.get("additionalProperties", True)
    if not isinstance(properties, dict) or not isinstance(required, list):
        return False
    if any(name not in args for name in required):
        return False
    for name, value in args.items():
        subschema = properties.get(name, extra)
        if not _string_valid(subschema, value):
            return False
    return True


def _allows(declared: Any, kind: str) -> bool:
    if isinstance(declared, str):
        return declared == kind
    return isinstance(declared, list) and kind in declared


def _string_valid(schema: Any, value: str) -> bool:
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False  # `false`, or not a schema
    for keyword, expected in schema.items():
        if keyword in ANNOTATIONS or keyword in NOT_FOR_STRINGS:
            continue
        if keyword == "type":
            valid = _allows(expected, "string")
        elif keyword == "enum":
            valid = isinstance(expected, list) and value in [e for e in expected if type(e) is str]
        elif keyword == "const":
            valid = type(expected) is str and value == expected
        elif keyword == "pattern":
            valid = isinstance(expected, str) and _search(expected, value)
        elif keyword == "minLength":
            valid = type(expected) is int and len(value) >= expected
        elif keyword == "maxLength":
            valid = type(expected) is int and len(value) <= expected
        else:
            return False
        if not valid:
            return False
    return True


def _search(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except (re.error, RecursionError):
        return False
