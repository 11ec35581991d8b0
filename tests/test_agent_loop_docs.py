"""Each integration in docs/agent-loop.md runs as written: the snippets are taken from the page
and driven with stand-in model clients that answer the way each vendor's SDK does."""

from __future__ import annotations

import json
import re
import sys
from types import SimpleNamespace
from typing import Any

import anyio
import jsonschema
import pytest

from compiler.runtime import CompiledRunbook, RunbookSession, load
from tests.conftest import FIXTURES, REPO

PAGE = (REPO / "docs" / "agent-loop.md").read_text("utf-8")
INPUTS = {"etcd_pod": "etcd-master-0"}


def snippet(marker: str) -> dict[str, Any]:
    """The namespace of the python block that starts with `# docs-test: MARKER`."""
    blocks = re.findall(r"```python\n(# docs-test: (\w+)\n.*?)```", PAGE, re.DOTALL)
    code = next(text for text, name in blocks if name == marker)
    namespace: dict[str, Any] = {}
    exec(compile(code, f"docs/agent-loop.md:{marker}", "exec"), namespace)
    return namespace


@pytest.fixture
def session() -> RunbookSession:
    src = REPO / "runbooks_src"
    runbook: CompiledRunbook = load(
        REPO / "compiled" / "etcd-defrag.json",
        registry=src / "tools.yaml",
        profiles=src / "profiles.yaml",
    )
    return RunbookSession(runbook, inputs=INPUTS)


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / "vendor_tools" / name).read_text("utf-8"))
    return loaded


class FakeOpenAI:
    """chat.completions.create: checks the tools' shape, answers with one scripted call."""

    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = calls
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))

    def create(self, **request: Any) -> Any:
        for tool in request["tools"]:
            jsonschema.validate(tool, schema("openai.schema.json"))
        name, arguments = self.calls.pop(0)
        function = SimpleNamespace(name=name, arguments=json.dumps(arguments))
        call = SimpleNamespace(id=f"call_{len(self.calls)}", function=function)
        message = SimpleNamespace(
            tool_calls=[call], model_dump=lambda **_: {"role": "assistant", "tool_calls": []}
        )
        return SimpleNamespace(choices=[SimpleNamespace(message=message)])


class FakeAnthropic:
    """messages.create: checks the tools' shape, answers with one scripted tool_use block."""

    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = calls
        self.messages = SimpleNamespace(create=self.create)

    def create(self, **request: Any) -> Any:
        for tool in request["tools"]:
            jsonschema.validate(tool, schema("anthropic.schema.json"))
        name, arguments = self.calls.pop(0)
        block = SimpleNamespace(
            type="tool_use", id=f"toolu_{len(self.calls)}", name=name, input=arguments
        )
        return SimpleNamespace(content=[block])


def test_openai_snippet(session: RunbookSession) -> None:
    turn = snippet("openai")["openai_turn"]
    client = FakeOpenAI([("oc__rsh", {"target": "etcd-master-9"}), ("oc__rsh", {})])
    messages: list[dict[str, Any]] = []
    turn(client, session, messages)
    assert messages[-1]["content"].startswith("denied by the runbook guard")
    turn(client, session, messages)
    assert "dry run" in messages[-1]["content"]
    assert session.current.id == "procedure/etcdctl-endpoint-status-w-table"


def test_anthropic_snippet(session: RunbookSession) -> None:
    turn = snippet("anthropic")["anthropic_turn"]
    client = FakeAnthropic([("etcdctl__alarm_disarm", {}), ("oc__rsh", {})])
    messages: list[dict[str, Any]] = []
    turn(client, session, messages)
    assert messages[-1]["content"][0]["is_error"] is True
    turn(client, session, messages)
    assert messages[-1]["content"][0]["is_error"] is False
    assert session.current.id == "procedure/etcdctl-endpoint-status-w-table"


def test_langchain_snippet(session: RunbookSession) -> None:
    pytest.importorskip("langchain_core")
    step = snippet("langchain")["langchain_step"]
    assert "dry run" in step(session, lambda tools: ("oc__rsh", {}))
    assert "endpoint status" in step(session, lambda tools: (next(iter(tools)), {}))


def test_mcp_config_snippet_starts_the_server() -> None:
    pytest.importorskip("mcp")
    from mcp import ClientSession, StdioServerParameters, stdio_client

    block = re.search(r"```json\n(\{\n  \"mcpServers\".*?)```", PAGE, re.DOTALL)
    assert block is not None
    (entry,) = json.loads(block.group(1))["mcpServers"].values()
    assert entry["command"] == "runbookc"
    args = [arg if arg != "audit/etcd-defrag.jsonl" else "/dev/null" for arg in entry["args"]]

    async def main() -> list[str]:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "compiler", *args], cwd=str(REPO)
        )
        with anyio.fail_after(60):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                return [tool.name for tool in (await client.list_tools()).tools]

    assert anyio.run(main)[0] == "oc__rsh"
