"""Registry tools <-> agent tool specs: OpenAI Chat and Responses function tools, Anthropic
Messages tools and MCP tool definitions (export), OpenAI and MCP lists (import).

OpenAI function names must match ^[a-zA-Z0-9_-]{1,64}$, and several MCP clients enforce the same
rule, so a registry name's dots become double underscores: `oc.get_pods` <-> `oc__get_pods`.
Imported tools are untrusted until a human reviews them: they fail closed (destructive, approval
required, an `unreviewed` permission no profile grants).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import jsonschema

from compiler.models import Artifact
from compiler.registry import Registry, Tool, bundled_schema
from compiler.runtime.loader import CompiledRunbook

Format = Literal["openai", "openai-responses", "anthropic", "mcp"]
FORMATS: tuple[Format, ...] = ("openai", "openai-responses", "anthropic", "mcp")
"""`openai`: Chat Completions `tools`; `openai-responses`: Responses API `tools`; `anthropic`:
Messages API `tools`; `mcp`: MCP tool definitions (the `tools` of a tools/list result)."""

FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
REGISTRY_NAME = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$")
EMPTY_PARAMS: dict[str, Any] = {"type": "object", "properties": {}}
UNREVIEWED_PERMISSION = "unreviewed"


class ToolSpecError(ValueError):
    """A tool spec that cannot be exported or imported."""


def function_name(name: str) -> str:
    """The OpenAI function name of a registry tool: dots become double underscores."""
    converted = name.replace(".", "__")
    if not FUNCTION_NAME.match(converted):
        raise ToolSpecError(f"tool {name!r} has no valid function name ({converted!r})")
    return converted


def registry_name(name: str) -> str:
    """The registry name a function name stands for (`oc__get_pods` -> `oc.get_pods`)."""
    return name if "." in name else name.replace("__", ".")


def tool_parameters(tool: Tool | None) -> dict[str, Any]:
    """The tool's params JSON Schema, or an empty object schema."""
    if tool is None or not tool.params:
        return dict(EMPTY_PARAMS)
    return {"type": "object", **tool.params}


def describe(tool: Tool) -> str:
    """A tool's description, with its deprecation if it has one."""
    if tool.deprecated is None:
        return tool.description
    instead = f"; use {tool.deprecated.replacement}" if tool.deprecated.replacement else ""
    return f"{tool.description} (deprecated{instead})"


def openai_tool(tool: Tool, description: str | None = None) -> dict[str, Any]:
    """One OpenAI function-tool spec."""
    function = {
        "name": function_name(tool.name),
        "description": description or describe(tool),
        "parameters": tool_parameters(tool),
    }
    return {"type": "function", "function": function}


def check_format(fmt: object) -> Format:
    """`fmt` if it names a spec format; otherwise a ToolSpecError that says what goes there."""
    if isinstance(fmt, str) and fmt in FORMATS:
        return fmt
    if isinstance(fmt, str):
        raise ToolSpecError(f"unknown tool spec format {fmt!r}; use one of {list(FORMATS)}")
    raise ToolSpecError(
        f"the format must be one of {list(FORMATS)}, got a {type(fmt).__name__}: the tool source "
        "(registry, runbook or guard) comes first, the format second"
    )


def convert_spec(
    function: Mapping[str, Any], fmt: Format, tool: Tool | None = None
) -> dict[str, Any]:
    """One tool spec in `fmt`, from an OpenAI Chat function tool (or its `function` part).

    `tool`, when known, adds MCP's title and its read-only / destructive hints."""
    inner = function.get("function", function)
    name, description = inner["name"], inner.get("description", "")
    parameters = dict(inner.get("parameters") or EMPTY_PARAMS)
    if fmt == "openai":
        return {"type": "function", "function": dict(inner)}
    if fmt == "openai-responses":
        # Not strict: registry schemas use optional properties that strict mode rejects.
        return {
            "type": "function",
            "name": name,
            "description": description,
            "parameters": parameters,
            "strict": False,
        }
    if fmt == "anthropic":
        return {"name": name, "description": description, "input_schema": parameters}
    spec: dict[str, Any] = {"name": name, "description": description, "inputSchema": parameters}
    if tool is not None:
        spec["title"] = tool.name
        spec["annotations"] = {
            "readOnlyHint": tool.effect == "read",
            "destructiveHint": tool.effect == "destructive",
        }
    return spec


def export_specs(tools: Iterable[Tool], fmt: Format) -> list[dict[str, Any]] | dict[str, Any]:
    """Specs of the given tools: a list in `fmt`, except `mcp`, which is a tools/list result."""
    specs = [convert_spec(openai_tool(tool), check_format(fmt), tool) for tool in tools]
    return {"tools": specs} if fmt == "mcp" else specs


def export_tools(registry: Registry, fmt: Format) -> list[dict[str, Any]] | dict[str, Any]:
    """Every registry tool, sorted by name, in `fmt` (`mcp`: a tools/list result).
    `compiler.runtime.tool_specs` is the one-shape alternative (always a list)."""
    if not isinstance(registry, Registry):
        raise ToolSpecError(
            f"export_tools(registry, fmt): the first argument is the registry, got "
            f"{type(registry).__name__}; for a runbook use tool_specs(runbook, fmt)"
        )
    return export_specs((registry.tools[name] for name in sorted(registry.tools)), fmt)


def runbook_tools(runbook: CompiledRunbook | Artifact, registry: Registry | None) -> list[Tool]:
    """The registry tools a compiled runbook's steps use, in step order."""
    artifact = runbook.artifact if isinstance(runbook, CompiledRunbook) else runbook
    tools = registry or (runbook.registry if isinstance(runbook, CompiledRunbook) else None)
    if tools is None:
        raise ToolSpecError(
            f"runbook {artifact.runbook.id!r}: a registry is needed for specs "
            "(load it with registry=, or pass registry=)"
        )
    names = dict.fromkeys(step.tool.name for step in artifact.steps if step.tool is not None)
    missing = [name for name in names if name not in tools.tools]
    if missing:
        raise ToolSpecError(f"runbook {artifact.runbook.id!r}: tools not in registry: {missing}")
    return [tools.tools[name] for name in names]


def export_runbook_tools(
    runbook: CompiledRunbook | Artifact, registry: Registry | None = None, fmt: Format = "openai"
) -> list[dict[str, Any]] | dict[str, Any]:
    """The specs of the tools a compiled runbook's steps use, in step order (`mcp`: a
    tools/list result). `compiler.runtime.tool_specs(runbook, fmt)` is the one-shape
    alternative: source first, format second, always a list."""
    if isinstance(registry, str):
        raise ToolSpecError(
            f"export_runbook_tools(runbook, registry, fmt): the second argument is the registry, "
            f"got the format {registry!r}; call tool_specs(runbook, {registry!r}) or "
            f"export_runbook_tools(runbook, fmt={registry!r})"
        )
    if registry is not None and not isinstance(registry, Registry):
        raise ToolSpecError(
            f"export_runbook_tools(runbook, registry, fmt): registry must be a Registry, "
            f"got {type(registry).__name__}"
        )
    return export_specs(runbook_tools(runbook, registry), fmt)


def import_tools(spec: Mapping[str, Any] | list[Any]) -> list[dict[str, Any]]:
    """Registry entries (YAML-ready dicts) from an OpenAI tool list or an MCP tools/list result.

    Every entry is marked `reviewed: false` and fails closed until a human edits it."""
    entries = [_entry(name, text, params) for name, text, params in _read_spec(spec)]
    names = [entry["name"] for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ToolSpecError(f"imported tools collide on registry names: {duplicates}")
    _validate_entries(entries)
    return entries


def _read_spec(spec: Mapping[str, Any] | list[Any]) -> list[tuple[str, str, Any]]:
    if isinstance(spec, Mapping):
        result = spec.get("result", spec)
        if not isinstance(result, Mapping) or not isinstance(result.get("tools"), list):
            raise ToolSpecError("not an MCP tools/list result: no `tools` list")
        return [_mcp_fields(item) for item in result["tools"]]
    if isinstance(spec, list):
        return [_openai_fields(item) for item in spec]
    raise ToolSpecError("tool spec must be an OpenAI tool list or an MCP tools/list result")


def _mcp_fields(item: Any) -> tuple[str, str, Any]:
    if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
        raise ToolSpecError(f"MCP tool without a name: {item!r}")
    return item["name"], str(item.get("description") or ""), item.get("inputSchema")


def _openai_fields(item: Any) -> tuple[str, str, Any]:
    function = item.get("function", item) if isinstance(item, Mapping) else None
    if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
        raise ToolSpecError(f"OpenAI tool without a function name: {item!r}")
    return function["name"], str(function.get("description") or ""), function.get("parameters")


def imported_name(name: str) -> str:
    """A registry name for an imported tool name (`oc__get_pods` -> `oc.get_pods`,
    `getPods` -> `get_pods`); raises ToolSpecError if nothing usable is left."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.replace("__", ".").replace("/", "."))
    segments = [re.sub(r"[^a-z0-9_-]+", "_", part.lower()).strip("_-") for part in snake.split(".")]
    converted = ".".join(part for part in segments if part)
    if not REGISTRY_NAME.match(converted):
        raise ToolSpecError(f"tool name {name!r} has no valid registry name ({converted!r})")
    return converted


def _entry(name: str, description: str, params: Any) -> dict[str, Any]:
    converted = imported_name(name)
    schema = EMPTY_PARAMS if params is None else params
    if not isinstance(schema, Mapping):
        raise ToolSpecError(f"tool {name!r}: parameters must be a JSON Schema object")
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        raise ToolSpecError(
            f"tool {name!r}: parameters are not a JSON Schema: {error.message}"
        ) from None
    return {
        "name": converted,
        "description": description.strip() or f"Imported tool {name} (no description given).",
        "params": dict(schema),
        "effect": "destructive",
        "permission": UNREVIEWED_PERMISSION,
        "requires_approval": True,
        "reviewed": False,
    }


def _validate_entries(entries: list[dict[str, Any]]) -> None:
    validator = jsonschema.Draft202012Validator(bundled_schema("registry.schema.json"))
    invalid = jsonschema.exceptions.best_match(
        validator.iter_errors({"version": 1, "tools": entries})
    )
    if invalid is not None:
        where = "/".join(str(part) for part in invalid.absolute_path)
        raise ToolSpecError(
            f"imported tools are not a valid registry at {where}: {invalid.message}"
        )
