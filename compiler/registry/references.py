"""`$ref` checks of a params schema: only local pointers into the schema, and no cycle of
references that never descends into the value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    *("not", "if", "then", "else", "items", "additionalItems", "additionalProperties"),
    *("contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"),
)
_IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
"""Applicators that apply a subschema to the same value (the others descend into it)."""


SchemaPath = tuple[str, ...]


def _subschemas(schema: dict[str, Any]) -> Iterator[tuple[SchemaPath, Any, bool]]:
    """(relative path, subschema, applied to the same value?) of each subschema."""
    for keyword in _SCHEMA_MAPS:
        if isinstance(schema.get(keyword), dict):
            for key, sub in schema[keyword].items():
                yield (keyword, str(key)), sub, keyword in _IN_PLACE
    for keyword in _SCHEMA_LISTS:
        if isinstance(schema.get(keyword), list):
            for index, sub in enumerate(schema[keyword]):
                yield (keyword, str(index)), sub, keyword in _IN_PLACE
    for keyword in _SCHEMA_VALUES:
        if keyword in schema:
            yield (keyword,), schema[keyword], keyword in _IN_PLACE


def _pointer(root: Any, reference: str) -> SchemaPath:
    """The path a local `$ref` (`#` or `#/a/b`) points to; ValueError if it resolves to no
    schema of this document."""
    fragment = reference.removeprefix("#")
    if not reference.startswith("#") or (fragment and not fragment.startswith("/")):
        raise ValueError(f"params $ref {reference!r} is not local (write #/$defs/NAME)")
    parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment.split("/")[1:]]
    node = root
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ValueError(f"params $ref {reference!r} points to nothing")
    if not isinstance(node, dict | bool):
        raise ValueError(f"params $ref {reference!r} does not point to a schema")
    return tuple(parts)


def check_references(params: Any) -> None:
    """Refuse a params schema that would fail or never finish when arguments are validated:
    a `$ref` that is not a local pointer into the schema (nothing is fetched), an embedded
    `$id` or dynamic reference, or a cycle of references that never descends into the value
    (`{"$ref": "#"}` recurses forever). ValueError says which."""
    schemas: dict[SchemaPath, dict[str, Any]] = {}
    pending: list[tuple[SchemaPath, Any]] = [((), params)]
    while pending:
        path, schema = pending.pop()
        if not isinstance(schema, dict) or path in schemas:
            continue
        schemas[path] = schema
        if path and "$id" in schema:
            raise ValueError("params may not embed a `$id` below the top level")
        if "$dynamicRef" in schema or "$recursiveRef" in schema:
            raise ValueError("params may not use dynamic references")
        if isinstance(schema.get("$ref"), str):
            target = _pointer(params, schema["$ref"])
            pending.append((target, _at(params, target)))
        pending += [(path + relative, sub) for relative, sub, _ in _subschemas(schema)]
    same_value: dict[SchemaPath, list[SchemaPath]] = {
        path: [path + relative for relative, sub, in_place in _subschemas(schema) if in_place]
        for path, schema in schemas.items()
    }
    for path, schema in schemas.items():
        if isinstance(schema.get("$ref"), str):
            same_value[path].append(_pointer(params, schema["$ref"]))
    _refuse_cycles(same_value)


def _at(root: Any, path: SchemaPath) -> Any:
    for part in path:
        root = root[int(part)] if isinstance(root, list) else root[part]
    return root


def _refuse_cycles(edges: dict[SchemaPath, list[SchemaPath]]) -> None:
    """ValueError if following subschemas applied to the same value can come back around."""
    done: set[SchemaPath] = set()
    for start in edges:
        if start in done:
            continue
        on_path: set[SchemaPath] = {start}
        stack = [(start, iter(edges.get(start, ())))]
        while stack:
            node, following = stack[-1]
            step = next(following, None)
            if step is None:
                stack.pop()
                on_path.discard(node)
                done.add(node)
            elif step in on_path:
                where = "#/" + "/".join(step) if step else "#"
                raise ValueError(f"params $ref cycle through {where} never reaches a value")
            elif step not in done:
                on_path.add(step)
                stack.append((step, iter(edges.get(step, ()))))
