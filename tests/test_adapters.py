"""Runtime adapters: one tool_specs() for every vendor, outcome names, rendered commands,
the run session, LangChain tools, and a runtime that imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from compiler.cli import app
from compiler.registry import Registry, load_registry
from compiler.runtime import (
    FORMATS,
    CompiledRunbook,
    Execution,
    ExecutionResult,
    Guard,
    RenderError,
    RunbookSession,
    StepNotDoneError,
    ToolSpecError,
    export_runbook_tools,
    export_tools,
    fill_arguments,
    load,
    name_outcomes,
    outcome_name,
    read_artifact,
    render_command,
    tool_specs,
)
from tests.conftest import FIXTURES, REPO

VENDOR = FIXTURES / "vendor_tools"
ETCD = REPO / "compiled" / "etcd-defrag.json"
INPUTS = {"etcd_pod": "etcd-master-0", "member_endpoint": "https://10.0.0.3:2379"}


@pytest.fixture(scope="module")
def runbook() -> CompiledRunbook:
    src = REPO / "runbooks_src"
    return load(ETCD, registry=src / "tools.yaml", profiles=src / "profiles.yaml")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO / "runbooks_src" / "tools.yaml")


def vendor_schema(fmt: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((VENDOR / f"{fmt}.schema.json").read_text("utf-8"))
    return schema


@pytest.mark.parametrize("fmt", FORMATS)
def test_specs_have_each_vendors_documented_shape(
    fmt: Any, runbook: CompiledRunbook, registry: Registry
) -> None:
    schema = vendor_schema(fmt)
    guard = Guard(runbook, inputs=INPUTS)
    sources: list[Any] = [registry, runbook, read_artifact(ETCD), guard]
    for source in sources:
        specs = tool_specs(source, fmt, registry=registry)
        assert specs and isinstance(specs, list)
        for spec in specs:
            jsonschema.validate(spec, schema)


def test_mcp_specs_are_sdk_tools(runbook: CompiledRunbook) -> None:
    mcp_types = pytest.importorskip("mcp_types")
    for spec in tool_specs(runbook, "mcp"):
        tool = mcp_types.Tool.model_validate(spec)
        assert tool.input_schema["type"] == "object"


def test_one_function_one_order_same_tools(runbook: CompiledRunbook) -> None:
    names = {
        "openai": [s["function"]["name"] for s in tool_specs(runbook, "openai")],
        "openai-responses": [s["name"] for s in tool_specs(runbook, "openai-responses")],
        "anthropic": [s["name"] for s in tool_specs(runbook, "anthropic")],
        "mcp": [s["name"] for s in tool_specs(runbook, "mcp")],
    }
    assert len({tuple(v) for v in names.values()}) == 1
    assert names["openai"][0] == "oc__rsh"
    assert all(s["strict"] is False for s in tool_specs(runbook, "openai-responses"))


def test_guard_specs_offer_only_the_current_step(runbook: CompiledRunbook) -> None:
    guard = Guard(runbook, inputs=INPUTS)
    assert [s["name"] for s in tool_specs(guard, "anthropic")] == ["oc__rsh"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda rb: export_runbook_tools(rb, "openai"), "the second argument is the registry"),
        (lambda rb: tool_specs("openai", rb), "got the format 'openai' first"),
        (lambda rb: tool_specs(rb, rb.registry), "the tool source"),
        (lambda rb: tool_specs(rb, "yaml"), "unknown tool spec format 'yaml'"),
        (lambda rb: export_tools(rb, "openai"), "the first argument is the registry"),
        (lambda rb: tool_specs(read_artifact(ETCD), "openai"), "a registry is needed"),
    ],
)
def test_wrong_argument_order_is_a_clear_error(
    call: Any, message: str, runbook: CompiledRunbook
) -> None:
    with pytest.raises(ToolSpecError, match=message):
        call(runbook)


def test_readme_tools_export_works_from_the_repository_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["tools", "export", "compiled/etcd-defrag.json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["function"]["name"] == "oc__rsh"
    anthropic = CliRunner().invoke(
        app, ["tools", "export", "compiled/etcd-defrag.json", "--format", "anthropic"]
    )
    assert json.loads(anthropic.output)[0]["input_schema"]["type"] == "object"


def test_outcome_names_are_short_stable_and_distinct() -> None:
    assert outcome_name("If any member reports `HEALTH` = `false`") == (
        "any-member-reports-health-false"
    )
    assert outcome_name("If it shows `alarm:NOSPACE`") == "it-shows-alarm-nospace"
    outcomes = name_outcomes(["If the pod is gone", "if the pod is gone!", "otherwise"])
    assert [o.name for o in outcomes] == ["the-pod-is-gone", "the-pod-is-gone-2", "otherwise"]
    assert outcomes[0].when == "If the pod is gone"


def test_render_command_follows_the_registry_template(runbook: CompiledRunbook) -> None:
    steps = {step.tool.name: step for step in runbook.artifact.steps if step.tool}
    registry = runbook.registry
    assert registry is not None
    assert render_command(steps["oc.rsh"], INPUTS, registry) == [
        "oc", "rsh", "-n", "openshift-etcd", "-c", "etcdctl", "etcd-master-0",
    ]  # fmt: skip
    assert render_command(steps["pagerduty.page"], {}, registry) == [
        "pdctl", "page", "-m", "etcd defrag did not resolve low DB space",
        "--urgency", "high", "etcd-owners",
    ]  # fmt: skip
    hostile = {"endpoints": "x; rm -rf /", "command_timeout": "60s"}
    argv = render_command(steps["etcdctl.defrag"], {}, registry, hostile)
    assert argv[3] == "x; rm -rf /"  # one word, never a shell
    with pytest.raises(RenderError, match="needs the inputs"):
        render_command(steps["oc.rsh"], {}, registry)
    with pytest.raises(RenderError, match="holds the arguments"):
        render_command(steps["oc.rsh"], INPUTS, registry, {"target": "p", "bogus": "x"})


def test_render_spells_a_value_as_the_guard_compared_it(runbook: CompiledRunbook) -> None:
    """The guard compares a boolean as `true`: the argv says `true` too, not `True` (session
    11, sec11: what was checked is what runs)."""
    from compiler.runtime.guard import _as_text

    step = next(s for s in runbook.artifact.steps if s.tool and s.tool.name == "pagerduty.page")
    assert runbook.registry is not None and step.tool is not None
    for value in (True, False, 3, {"a": 1}):
        argv = render_command(step, {}, runbook.registry, {**step.tool.args, "urgency": value})
        assert argv[argv.index("--urgency") + 1] == _as_text(value)


def test_fill_arguments_leaves_unknown_inputs_to_the_agent(runbook: CompiledRunbook) -> None:
    rsh = runbook.entry
    assert fill_arguments(rsh, {"ETCD_POD": "etcd-master-1"})["target"] == "etcd-master-1"
    # keyed as the guard keys inputs: `etcd-pod` and `etcdPod` are the input `$ETCD_POD` too
    assert fill_arguments(rsh, {"etcd-pod": "etcd-master-2"})["target"] == "etcd-master-2"
    assert fill_arguments(rsh, {"etcdPod": "etcd-master-3"})["target"] == "etcd-master-3"
    assert "target" not in fill_arguments(rsh, {})


def test_session_walks_with_a_custom_executor(runbook: CompiledRunbook, tmp_path: Path) -> None:
    seen: list[Execution] = []

    def executor(execution: Execution) -> ExecutionResult:
        seen.append(execution)
        return ExecutionResult(True, "ran", {"custom": True})

    session = RunbookSession(
        runbook, executor=executor, inputs=INPUTS, audit=tmp_path / "a.jsonl", actor="bot"
    )
    assert session.call("etcdctl__defrag").verdict.allowed is False
    assert seen == []
    result = session.call("oc__rsh")
    assert result.ok and result.moved_to == "procedure/etcdctl-endpoint-status-w-table"
    assert seen[0].argv is not None and seen[0].argv[-1] == "etcd-master-0"
    with pytest.raises(StepNotDoneError):
        session.advance()
    session.call("etcdctl.endpoint_status")
    assert session.current.gate == "human"
    session.advance("otherwise", confirmed_by="alice")
    session.call("etcdctl__endpoint_health")
    assert [o.name for o in session.outcomes()] == ["any-member-reports-health-false", "otherwise"]
    choose = session.tools("anthropic")[-1]
    assert choose["input_schema"]["properties"]["outcome"]["enum"][0].startswith("any-member")
    assert session.advance("otherwise").id.startswith("procedure/etcdctl-defrag")
    verdicts = [line["verdict"] for line in map(json.loads, (tmp_path / "a.jsonl").open())]
    assert verdicts.count("result") == 3 and verdicts[0] == "deny"


def test_failing_executor_does_not_break_the_run(runbook: CompiledRunbook) -> None:
    def broken(execution: Execution) -> ExecutionResult:
        raise RuntimeError("boom")

    result = RunbookSession(runbook, executor=broken, inputs=INPUTS).call("oc__rsh")
    assert result.verdict.allowed and not result.ok and "boom" in result.message()


def test_langchain_tools(runbook: CompiledRunbook) -> None:
    pytest.importorskip("langchain_core")
    from compiler.runtime import langchain_tools

    session = RunbookSession(runbook, inputs=INPUTS)
    (rsh,) = langchain_tools(session)
    assert rsh.name == "oc__rsh"
    denied = rsh.invoke({"target": "etcd-master-9"})
    assert denied.startswith("denied by the runbook guard")
    assert "dry run" in rsh.invoke({})
    (status,) = langchain_tools(session)
    assert status.name == "etcdctl__endpoint_status"


LEAN = """
import sys
import compiler.runtime
heavy = {"typer", "rich", "jinja2", "markdown_it", "openai", "instructor", "mcp",
         "langchain_core", "uvicorn", "starlette"}
print(sorted(heavy & {name.split(".")[0] for name in sys.modules}))
"""


def test_runtime_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LEAN], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.strip() == "[]"
