"""Checking params schemas against the JSON Schema 2020-12 meta-schema, each subschema once.

`Draft202012Validator.check_schema` checks every subschema of a schema against the whole
meta-schema again (the meta-schema reaches them through `$dynamicRef: "#meta"`), and the tools
of a registry repeat the same property schemas (`{"type": "string"}`, a namespace, a pod name)
hundreds of times. This checker is the same meta-schema, the same format checks and the same
first error; it only remembers, for the one check of a registry, the subschemas already found
valid and does not walk them again. A subschema with an error is always walked, so its errors
are reported as check_schema reports them.

The meta-schema documents are given to the validator without their `$schema` key, so that the
validator descends into them as this (remembering) class rather than as the plain
Draft202012Validator that `$schema` names. Should a jsonschema release stop honouring that,
the remembering is skipped and every subschema is walked: slower, never less strict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import referencing
from jsonschema import validators
from jsonschema_specifications import REGISTRY as SPECIFICATIONS  # type: ignore[import-untyped]
from referencing.jsonschema import DRAFT202012

_PLAIN = jsonschema.Draft202012Validator
_DIALECT = "https://json-schema.org/draft/2020-12/"

Keyword = Callable[[Any, Any, Any, Any], Iterator[jsonschema.ValidationError]]


def schema_checker() -> Callable[[Any], jsonschema.ValidationError | None]:
    """A function giving a schema's first error against the 2020-12 meta-schema (None when it
    is a valid schema), as `Draft202012Validator.check_schema` would raise it."""
    valid: set[tuple[str, str]] = set()
    dynamic_ref: Keyword = _PLAIN.VALIDATORS["$dynamicRef"]

    def remembered(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[Any]:
        key = (str(ref), repr(instance))
        if key in valid:
            return
        errors = list(dynamic_ref(validator, ref, instance, schema))
        if not errors:
            valid.add(key)
        yield from errors

    checker = validators.extend(_PLAIN, {"$dynamicRef": remembered})  # type: ignore[no-untyped-call]
    resources = [
        (uri, DRAFT202012.create_resource(_without_dialect(SPECIFICATIONS[uri].contents)))
        for uri in SPECIFICATIONS
        if uri.startswith(_DIALECT)
    ]
    meta = checker(
        _without_dialect(_PLAIN.META_SCHEMA),
        registry=referencing.Registry().with_resources(resources),
        format_checker=_PLAIN.FORMAT_CHECKER,
    )

    def first_error(schema: Any) -> jsonschema.ValidationError | None:
        return next(meta.iter_errors(schema), None)

    return first_error


def _without_dialect(document: Any) -> Any:
    if isinstance(document, dict):
        return {key: value for key, value in document.items() if key != "$schema"}
    return document
