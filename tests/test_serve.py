"""`runbookc serve` driven as an MCP client would: the SDK's ClientSession over stdio against
a server subprocess. Hermetic (pipes only), each scenario bounded by a deadline."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

mcp = pytest.importorskip("mcp")

import mcp_types as types  # noqa: E402 - after the skip: mcp is an optional extra
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

from compiler.runtime import read_audit_log  # noqa: E402
from tests.conftest import FIXTURES, REPO  # noqa: E402

DEADLINE = 120  # seconds for a whole scenario; a hang fails the test instead of blocking CI
CONTROL = {"runbook_status", "runbook_advance", "runbook_request_approval"}
AGENT = "agent:test"

Scenario = Callable[[ClientSession, "Client"], Awaitable[None]]


class Client:
    """What the client saw: notifications, and the answers it gives to elicitations."""

    def __init__(self, answers: list[dict[str, Any]] | None) -> None:
        self.notifications: list[Any] = []
        self.answers = answers
        self.asked: list[str] = []

    async def on_message(self, message: Any) -> None:
        self.notifications.append(message)

    async def on_elicit(self, context: Any, params: Any) -> types.ElicitResult:
        assert self.answers, f"unexpected elicitation: {params.message}"
        self.asked.append(params.message)
        return types.ElicitResult(action="accept", content=self.answers.pop(0))

    def list_changes(self) -> int:
        return sum(isinstance(m, types.ToolListChangedNotification) for m in self.notifications)


def serve(args: list[str], scenario: Scenario, answers: list[dict[str, Any]] | None) -> None:
    """Start `runbookc serve ARGS` and run the scenario against it; elicitation is offered
    only when `answers` is given."""

    async def main() -> None:
        client = Client(answers)
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "compiler", "serve", *args], cwd=str(REPO)
        )
        with anyio.fail_after(DEADLINE):
            async with stdio_client(params) as (read, write):
                session = ClientSession(
                    read,
                    write,
                    message_handler=client.on_message,
                    elicitation_callback=client.on_elicit if answers is not None else None,
                )
                async with session:
                    await session.initialize()
                    await scenario(session, client)

    anyio.run(main)


async def names(session: ClientSession) -> set[str]:
    return {tool.name for tool in (await session.list_tools()).tools}


def text(result: types.CallToolResult) -> str:
    return " ".join(part.text for part in result.content if isinstance(part, types.TextContent))


async def call(session: ClientSession, name: str, args: dict[str, Any] | None = None) -> Any:
    return await session.call_tool(name, args or {})


def test_serve_walks_etcd_defrag_guarded(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    answers = [
        {"done": True, "confirmed_by": "alice", "outcome": "otherwise"},  # note the DB size
        {"done": True, "confirmed_by": "alice", "outcome": "otherwise"},  # repeat steps 4-5
        {"done": True, "confirmed_by": "alice"},  # get approval from etcd-owners
        {"approve": True, "approved_by": AGENT},  # the agent approving itself
        {"approve": False, "approved_by": "bob"},  # a person who declines
        {"approve": True, "approved_by": "bob"},
    ]
    calls: list[str] = []

    async def scenario(session: ClientSession, client: Client) -> None:
        async def step(name: str, args: dict[str, Any] | None = None) -> Any:
            calls.append(name)
            return await call(session, name, args)

        assert await names(session) == {"oc__rsh", *CONTROL}
        later = await step("etcdctl__alarm_disarm")
        assert later.is_error and text(later).startswith("denied by the runbook guard: ")
        assert "oc.rsh" in text(later)  # the reason names the tool this step allows
        retarget = await step("oc__rsh", {"target": "etcd-master-9"})
        assert retarget.is_error and "etcd-master-0" in text(retarget)

        rsh = await step("oc__rsh")
        assert not rsh.is_error
        assert rsh.structured_content["argv"] == [
            "oc", "rsh", "-n", "openshift-etcd", "-c", "etcdctl", "etcd-master-0",
        ]  # fmt: skip
        assert rsh.structured_content["dry_run"] is True
        assert client.list_changes() == 1
        assert await names(session) == {"etcdctl__endpoint_status", *CONTROL}

        skipped = await step("runbook_advance")
        assert skipped.is_error and "has not run its tool" in text(skipped)
        await step("etcdctl__endpoint_status")
        assert await names(session) == CONTROL  # a step for a person: no tool for the agent
        gate = await step("runbook_advance", {"outcome": "otherwise"})
        assert not gate.is_error, text(gate)
        assert gate.structured_content["moved_to"] == "procedure/etcdctl-endpoint-health-w-table"

        await step("etcdctl__endpoint_health")
        decision = (await session.list_tools()).tools
        advance = next(tool for tool in decision if tool.name == "runbook_advance")
        outcomes = advance.input_schema["properties"]["outcome"]["enum"]
        assert outcomes == ["any-member-reports-health-false", "otherwise"]
        await step("runbook_advance", {"outcome": "otherwise"})
        defrag = await step("etcdctl__defrag", {"endpoints": "https://10.0.0.3:2379"})
        assert "--endpoints https://10.0.0.3:2379 --command-timeout 60s" in text(defrag)
        await step("etcdctl__endpoint_status")
        await step("etcdctl__endpoint_health")
        await step("runbook_advance", {"outcome": "otherwise"})
        await step("etcdctl__alarm_list")
        changes = client.list_changes()
        await step("runbook_advance", {"outcome": "it-shows-alarm-nospace"})
        assert client.list_changes() == changes + 1
        assert await names(session) == CONTROL  # "get approval from etcd-owners": a person's
        confirmed = await step("runbook_advance")
        assert not confirmed.is_error, text(confirmed)
        assert await names(session) == {"etcdctl__alarm_disarm", *CONTROL}

        by_agent = await step("etcdctl__alarm_disarm")
        assert by_agent.is_error and "approv" in text(by_agent)
        declined = await step("etcdctl__alarm_disarm")
        assert declined.is_error and "approv" in text(declined)
        status = await step("runbook_status")
        assert status.structured_content["step"]["id"] == "procedure/etcdctl-alarm-disarm"
        approved = await step("etcdctl__alarm_disarm")
        assert not approved.is_error, text(approved)
        assert approved.structured_content["argv"] == ["etcdctl", "alarm", "disarm"]
        assert len(client.asked) == 6 and client.answers == []

    args = ["compiled/etcd-defrag.json", "--input", "etcd_pod=etcd-master-0"]
    args += ["--input", "member_endpoint=https://10.0.0.3:2379"]
    serve([*args, "--actor", AGENT, "--audit", str(audit)], scenario, answers)

    trail = read_audit_log(audit)
    assert trail.torn == []
    step_calls = [r for r in trail.records if r["verdict"] in ("allow", "deny") and r["tool"]]
    control = [r for r in trail.records if r["verdict"] == "call"]
    tool_calls = [name for name in calls if name not in CONTROL]
    assert [r["tool"].replace(".", "__") for r in step_calls] == tool_calls
    assert [r["tool"] for r in control] == [name for name in calls if name in CONTROL]
    allowed = sum(r["verdict"] == "allow" for r in step_calls)
    assert sum(r["verdict"] == "result" and r["tool"] not in CONTROL for r in trail.records) == (
        allowed
    )
    approvals = [r for r in trail.records if r["verdict"] == "approve"]
    assert [r["actor"] for r in approvals] == [AGENT, "bob"]
    confirmations = [
        r for r in trail.records if r["verdict"] == "advance" and r["actor"] == "alice"
    ]
    assert len(confirmations) == 3


def test_serve_execute_runs_the_rendered_argv(tmp_path: Path) -> None:
    compiled = compile_fixture(tmp_path)
    audit = tmp_path / "audit.jsonl"

    async def scenario(session: ClientSession, client: Client) -> None:
        assert await names(session) == {"text__basename", *CONTROL}
        other = await call(session, "text__basename", {"path": "/etc/hostname"})
        assert other.is_error and "denied by the runbook guard" in text(other)
        done = await call(session, "text__basename")
        assert not done.is_error, text(done)
        assert done.structured_content["exit_code"] == 0
        assert text(done).startswith("hello.txt\n")
        assert done.structured_content["argv"] == ["basename", "/srv/greetings/hello.txt"]
        assert done.structured_content.get("dry_run") is None
        # The last step is a person's, and this client offers no elicitation: it waits.
        waiting = await call(session, "runbook_advance")
        assert waiting.is_error
        assert "team-greeters" in text(waiting) and "no elicitation" in text(waiting)
        status = await call(session, "runbook_status")
        assert status.structured_content["step"]["gate"] == "human"
        resources = {str(r.uri) for r in (await session.list_resources()).resources}
        assert "runbook://greet/steps" in resources
        steps = await session.read_resource("runbook://greet/steps")
        assert json.loads(steps.contents[0].text)["runbook"] == "greet"

    args = [str(compiled), "--registry", str(FIXTURES / "serve" / "tools.yaml")]
    args += ["--input", "greeting_file=hello.txt", "--execute", "--timeout", "30"]
    serve([*args, "--audit", str(audit)], scenario, answers=None)
    results = [r for r in read_audit_log(audit).records if r["verdict"] == "result"]
    assert results[0]["args"]["exit_code"] == 0


def compile_fixture(tmp_path: Path) -> Path:
    from typer.testing import CliRunner

    from compiler.cli import app

    shutil.copytree(FIXTURES / "serve", tmp_path / "serve")  # load() finds the source above
    out = tmp_path / "compiled"
    result = CliRunner().invoke(app, ["compile", str(tmp_path / "serve"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "greet.json"


def test_serve_refuses_a_tampered_artifact(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from compiler.cli import app

    data = json.loads((REPO / "compiled" / "etcd-defrag.json").read_text("utf-8"))
    data["steps"][0]["requires_approval"] = True
    tampered = tmp_path / "etcd-defrag.json"
    tampered.write_text(json.dumps(data), "utf-8")
    registry = REPO / "runbooks_src" / "tools.yaml"
    result = CliRunner().invoke(app, ["serve", str(tampered), "--registry", str(registry)])
    assert result.exit_code == 2
    assert "integrity" in result.output or "tamper" in result.output.lower()


def test_serve_refuses_an_undeclared_input() -> None:
    from typer.testing import CliRunner

    from compiler.cli import app

    artifact = str(REPO / "compiled" / "etcd-defrag.json")
    result = CliRunner().invoke(app, ["serve", artifact, "--input", "namespace=x"])
    assert result.exit_code == 2
    assert "no served runbook declares" in result.output


def test_serve_refuses_an_input_a_command_would_read_as_an_option() -> None:
    from typer.testing import CliRunner

    from compiler.cli import app

    artifact = str(REPO / "compiled" / "etcd-defrag.json")
    result = CliRunner().invoke(app, ["serve", artifact, "--input", "etcd_pod=--all"])
    assert result.exit_code == 2 and "starts with '-'" in result.output
    assert "Traceback" not in result.output
