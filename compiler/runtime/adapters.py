"""One function for every vendor's tool specs: `tool_specs(source, fmt)`.

The source comes first and the format second, whatever the source is: a `Guard` (the tools the
model may call now: the current step's tool, and `choose_outcome` at a decision), a compiled
runbook (every tool its steps use), or a registry (every tool). The result is always a list.
"""

from __future__ import annotations

from typing import Any

from compiler.models import Artifact
from compiler.registry import Registry, Tool
from compiler.runtime.guard import Guard
from compiler.runtime.loader import CompiledRunbook
from compiler.runtime.toolspec import (
    Format,
    ToolSpecError,
    check_format,
    convert_spec,
    openai_tool,
    registry_name,
    runbook_tools,
)

Source = Guard | CompiledRunbook | Artifact | Registry


def tool_specs(
    source: Source, fmt: Format = "openai", *, registry: Registry | None = None
) -> list[dict[str, Any]]:
    """Tool specs of `source` in `fmt`: `openai` (Chat Completions), `openai-responses`,
    `anthropic` (Messages) or `mcp` (tool definitions).

    `registry` is needed only for an `Artifact` read without one (`read_artifact`)."""
    if isinstance(source, str) and not isinstance(fmt, str):
        raise ToolSpecError(
            f"tool_specs(source, fmt): got the format {source!r} first; pass the guard, runbook "
            f"or registry first: tool_specs(source, {source!r})"
        )
    fmt = check_format(fmt)
    if isinstance(source, Guard):
        return _guard_specs(source, fmt)
    if isinstance(source, Registry):
        tools = [source.tools[name] for name in sorted(source.tools)]
    elif isinstance(source, CompiledRunbook | Artifact):
        tools = runbook_tools(source, registry)
    else:
        raise ToolSpecError(
            f"tool_specs(source, fmt): source must be a Guard, CompiledRunbook, Artifact or "
            f"Registry, got {type(source).__name__}"
        )
    return [convert_spec(openai_tool(tool), fmt, tool) for tool in tools]


def _guard_specs(guard: Guard, fmt: Format) -> list[dict[str, Any]]:
    specs = [convert_spec(spec, fmt, _registry_tool(guard, spec)) for spec in guard.tools()]
    choose = guard.outcome_tool()
    if choose is not None:
        specs.append(convert_spec(choose, fmt))
    return specs


def _registry_tool(guard: Guard, spec: dict[str, Any]) -> Tool | None:
    registry = guard.runbook.registry
    name = registry_name(spec.get("function", spec)["name"])
    return registry.tools.get(name) if registry is not None else None
