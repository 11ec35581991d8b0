"""Registry tools <-> OpenAI function tools and MCP tools/list results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from compiler.registry import Registry, bundled_schema, load_profiles, load_registry
from compiler.runtime import (
    ToolSpecError,
    export_runbook_tools,
    export_tools,
    function_name,
    import_tools,
    read_artifact,
    registry_name,
)
from compiler.runtime.toolspec import FUNCTION_NAME, UNREVIEWED_PERMISSION, imported_name

from .conftest import REPO


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO / "runbooks_src" / "tools.yaml")


def openai_specs(registry: Registry) -> list[dict[str, Any]]:
    specs = export_tools(registry, "openai")
    assert isinstance(specs, list)
    return specs


def test_openai_export_names_are_valid_and_map_back(registry: Registry) -> None:
    specs = openai_specs(registry)
    assert len(specs) == len(registry.tools)
    names = [spec["function"]["name"] for spec in specs]
    assert names == sorted(names)
    for spec in specs:
        assert spec["type"] == "function"
        function = spec["function"]
        assert FUNCTION_NAME.match(function["name"])
        assert registry_name(function["name"]) in registry.tools
        assert function["description"]
        assert function["parameters"]["type"] == "object"
        jsonschema.Draft202012Validator.check_schema(function["parameters"])
    get_pods = next(s for s in specs if s["function"]["name"] == "oc__get_pods")
    assert get_pods["function"]["parameters"]["properties"]["namespace"] == {"type": "string"}


def test_name_mapping() -> None:
    assert function_name("oc.get_pods") == "oc__get_pods"
    assert registry_name("oc__get_pods") == "oc.get_pods"
    assert registry_name("oc.get_pods") == "oc.get_pods"
    with pytest.raises(ToolSpecError, match="no valid function name"):
        function_name("a." + "b" * 70)


def test_tool_without_params_gets_an_empty_object_schema(tmp_path: Path) -> None:
    path = tmp_path / "tools.yaml"
    path.write_text(
        "version: 1\ntools:\n  - {name: x.noop, description: Nothing., effect: read, "
        "permission: p}\n",
        "utf-8",
    )
    spec = openai_specs(load_registry(path))[0]["function"]
    assert spec["parameters"] == {"type": "object", "properties": {}}


def test_mcp_export(registry: Registry) -> None:
    result = export_tools(registry, "mcp")
    assert isinstance(result, dict)
    tools = {tool["title"]: tool for tool in result["tools"]}
    assert set(tools) == set(registry.tools)
    refund = tools["billing.issue_refund"]
    assert refund["name"] == "billing__issue_refund"
    assert refund["inputSchema"]["required"] == ["charge_id", "reason"]
    assert refund["annotations"] == {"readOnlyHint": False, "destructiveHint": True}
    assert tools["oc.get_pods"]["annotations"]["readOnlyHint"] is True


def test_unknown_format(registry: Registry) -> None:
    with pytest.raises(ToolSpecError, match="unknown tool spec format 'yaml'"):
        export_tools(registry, "yaml")  # type: ignore[arg-type]


def test_export_runbook_tools(registry: Registry) -> None:
    artifact = read_artifact(REPO / "compiled" / "etcd-defrag.json")
    specs = export_runbook_tools(artifact, registry)
    assert isinstance(specs, list)
    assert [s["function"]["name"] for s in specs] == [
        "oc__rsh",
        "etcdctl__endpoint_status",
        "etcdctl__endpoint_health",
        "etcdctl__defrag",
        "etcdctl__alarm_list",
        "etcdctl__alarm_disarm",
        "pagerduty__page",
    ]
    mcp = export_runbook_tools(artifact, registry, "mcp")
    assert isinstance(mcp, dict) and len(mcp["tools"]) == 7
    with pytest.raises(ToolSpecError, match="a registry is needed"):
        export_runbook_tools(artifact)


def assert_fail_closed(entries: list[dict[str, Any]]) -> None:
    jsonschema.validate({"version": 1, "tools": entries}, bundled_schema("registry.schema.json"))
    for entry in entries:
        assert entry["reviewed"] is False
        assert entry["effect"] == "destructive"
        assert entry["requires_approval"] is True
        assert entry["permission"] == UNREVIEWED_PERMISSION


def test_import_openai_tools() -> None:
    spec = [
        {
            "type": "function",
            "function": {
                "name": "oc__get_pods",
                "description": "List pods.",
                "parameters": {"type": "object", "properties": {"namespace": {"type": "string"}}},
            },
        },
        {"type": "function", "function": {"name": "checkStripe"}},
        {"name": "Page-OnCall", "description": "  ", "parameters": None},
    ]
    entries = import_tools(spec)
    assert [e["name"] for e in entries] == ["oc.get_pods", "check_stripe", "page-on_call"]
    assert entries[0]["params"]["properties"] == {"namespace": {"type": "string"}}
    assert entries[1]["params"] == {"type": "object", "properties": {}}
    assert entries[2]["description"] == "Imported tool Page-OnCall (no description given)."
    assert_fail_closed(entries)


def test_import_mcp_tools_even_when_annotated_read_only() -> None:
    result = {
        "tools": [
            {
                "name": "github/list_issues",
                "description": "List issues.",
                "inputSchema": {"type": "object", "properties": {"repo": {"type": "string"}}},
                "annotations": {"readOnlyHint": True},
            }
        ]
    }
    entries = import_tools(result)
    assert entries[0]["name"] == "github.list_issues"
    assert_fail_closed(entries)
    assert import_tools({"jsonrpc": "2.0", "id": 1, "result": result}) == entries


def test_export_import_round_trip_loads_as_unreviewed_registry(
    registry: Registry, tmp_path: Path
) -> None:
    entries = import_tools(openai_specs(registry))
    assert [e["name"] for e in entries] == sorted(registry.tools)
    path = tmp_path / "imported.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "tools": entries}, sort_keys=False), "utf-8")
    imported = load_registry(path)
    assert all(not tool.reviewed for tool in imported.tools.values())
    profiles = load_profiles(REPO / "runbooks_src" / "profiles.yaml")
    assert not any(UNREVIEWED_PERMISSION in p for p in profiles.permissions.values())
    mcp = import_tools(export_tools(registry, "mcp"))
    assert mcp == entries


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"not": "tools"}, "no `tools` list"),
        ("tools", "must be an OpenAI tool list"),
        ([{"type": "function"}], "without a function name"),
        ({"tools": [{"description": "x"}]}, "MCP tool without a name"),
        ([{"name": "a", "parameters": {"type": 5}}], "not a JSON Schema"),
        ([{"name": "a", "parameters": []}], "must be a JSON Schema object"),
        ([{"name": "Get"}, {"name": "get"}], "collide"),
        ([{"name": "__"}], "no valid registry name"),
    ],
)
def test_import_errors(spec: Any, message: str) -> None:
    with pytest.raises(ToolSpecError, match=message):
        import_tools(spec)


def test_imported_names() -> None:
    assert imported_name("oc__get_pods") == "oc.get_pods"
    assert imported_name("getPodLogs") == "get_pod_logs"
    assert imported_name("Check Stripe!") == "check_stripe"
    with pytest.raises(ToolSpecError, match="no valid registry name"):
        imported_name("9lives")
