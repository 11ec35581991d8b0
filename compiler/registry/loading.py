"""Reading tools.yaml and profiles.yaml: size limit, YAML, the bundled JSON Schemas, and the
registry's own checks (unique names, well-formed patterns, params schemas)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from compiler.registry.model import Deprecation, Profiles, Registry, RegistryError, Tool
from compiler.registry.patterns import FLAGS_PARAM, compile_pattern
from compiler.registry.references import check_references

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Largest registry or profiles file read (the real registry is well under 1 MiB)."""


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def bundled_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in compiler/schemas/."""
    text = resources.files("compiler").joinpath("schemas", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_limited(path: Path, what: str) -> bytes:
    """The bytes of a registry or profiles file; RegistryError when unreadable or too big."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RegistryError(f"{path}: cannot read {what}: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RegistryError(
            f"{path}: {what} is {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit"
        )
    return data


def _load_yaml(path: Path, data: bytes, schema_name: str, what: str) -> dict[str, Any]:
    # validation only: a cached, already validated file needs neither YAML nor jsonschema
    import jsonschema
    import yaml

    from compiler.safe_yaml import safe_load

    try:
        loaded = safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        detail = str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise RegistryError(f"{path}: {what} is not valid YAML: {detail}{where}") from None
    validator = jsonschema.Draft202012Validator(bundled_schema(schema_name))
    invalid = jsonschema.exceptions.best_match(validator.iter_errors(loaded))
    if invalid is not None:
        where = "/".join(str(part) for part in invalid.absolute_path) or "(top level)"
        raise RegistryError(f"{path}: invalid {what} at {where}: {invalid.message}")
    assert isinstance(loaded, dict)
    return loaded


def load_registry(path: Path) -> Registry:
    """Load and validate tools.yaml."""
    data = read_limited(path, "registry")
    return registry_from(validated_registry(path, data), hashlib.sha256(data).hexdigest(), path)


def validated_registry(path: Path, data: bytes) -> dict[str, Any]:
    """The registry document in `data` (read from `path`), checked against the registry
    schema, for unique tool names, well-formed command patterns and params schemas; a
    RegistryError says what is wrong. `registry_from` builds the registry from it."""
    import jsonschema

    from compiler.registry.metaschema import schema_checker

    raw = _load_yaml(path, data, "registry.schema.json", "registry")
    schema_error = schema_checker()  # check_schema's verdicts, repeated subschemas walked once
    names: set[str] = set()
    checked: set[str] = set()  # tools share params schemas; a schema is checked once
    for entry in raw["tools"]:
        name = entry["name"]
        if name in names:
            raise RegistryError(f"{path}: invalid registry: tool {name!r} is defined twice")
        names.add(name)
        params = entry.get("params", {})
        try:
            for pattern in entry.get("commands", []):
                compile_pattern(pattern)
            if repr(params) not in checked:
                problem = schema_error(params)
                if problem is not None:
                    raise jsonschema.SchemaError.create_from(problem)
                check_references(params)
                checked.add(repr(params))
        except ValueError as error:
            raise RegistryError(f"{path}: invalid registry: tool {name!r}: {error}") from None
        except jsonschema.SchemaError as error:
            raise RegistryError(
                f"{path}: invalid registry: tool {name!r} params is not a JSON Schema: "
                f"{error.message}"
            ) from None
        unknown = sorted(set(entry.get("agent_params", [])) - set(params.get("properties", {})))
        if unknown:
            raise RegistryError(
                f"{path}: invalid registry: tool {name!r} agent_params {unknown} are not in params"
            )
    return raw


def registry_from(raw: dict[str, Any], sha256: str, path: Path) -> Registry:
    """The registry of a document `validated_registry` accepted (nothing is checked again)."""
    tools = {entry["name"]: _tool(entry) for entry in raw["tools"]}
    value_flags = {
        program: frozenset(spec.get("value_flags", []))
        for program, spec in raw.get("programs", {}).items()
    }
    return Registry(tools, value_flags, frozenset(raw.get("filters", [])), sha256, str(path))


def _tool(entry: dict[str, Any]) -> Tool:
    patterns = tuple(compile_pattern(p) for p in entry.get("commands", []))
    params = entry.get("params", {})
    return Tool(
        name=entry["name"],
        description=entry["description"],
        effect=entry["effect"],
        permission=entry["permission"],
        aliases=tuple(entry.get("aliases", [])),
        patterns=patterns,
        params=_with_flags_param(params) if patterns else params,
        agent_params=frozenset(entry.get("agent_params", [])),
        requires_approval=entry.get("requires_approval", False),
        deprecated=_deprecation(entry.get("deprecated", False)),
        reviewed=entry.get("reviewed", True),
    )


def _with_flags_param(params: dict[str, Any]) -> dict[str, Any]:
    """A command tool's params with `flags`, where uncaptured options are recorded."""
    properties = params.get("properties", {})
    if FLAGS_PARAM in properties:
        return params
    flags = {
        "type": "string",
        "description": "Options exactly as the runbook wrote them that no parameter captures.",
    }
    return {"type": "object", **params, "properties": {**properties, FLAGS_PARAM: flags}}


def _deprecation(value: bool | dict[str, str]) -> Deprecation | None:
    if value is False:
        return None
    if value is True:
        return Deprecation(None, None)
    return Deprecation(value.get("replacement"), value.get("reason"))


def load_profiles(path: Path) -> Profiles:
    """Load and validate profiles.yaml."""
    data = read_limited(path, "profiles")
    return profiles_from(validated_profiles(path, data), hashlib.sha256(data).hexdigest())


def validated_profiles(path: Path, data: bytes) -> dict[str, Any]:
    """The profiles document in `data` (read from `path`), checked against its schema."""
    return _load_yaml(path, data, "profiles.schema.json", "profiles")


def profiles_from(raw: dict[str, Any], sha256: str) -> Profiles:
    """The profiles of a document `validated_profiles` accepted."""
    permissions = {name: frozenset(spec["permissions"]) for name, spec in raw["profiles"].items()}
    return Profiles(permissions, frozenset(raw.get("roles", [])), sha256)
