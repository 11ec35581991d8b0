"""Security regressions on the extraction side: what a step does must never look safer in the
artifact than the command it holds (security issue item 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.compilation import SourceFile
from compiler.models import Artifact, Step
from compiler.pipeline import Environment, compile_bytes
from compiler.registry import load_registry

from ..conftest import REPO

REGISTRY = REPO / "runbooks_src" / "tools.yaml"


@pytest.fixture(scope="module")
def real_env() -> Environment:
    return Environment(load_registry(REGISTRY))


def _compile(env: Environment, body: str) -> Artifact:
    text = f"# Clean-up\n\n## Steps\n\n{body}\n"
    source = SourceFile(Path("r.md"), "r.md", "r.md", "r.json")
    return compile_bytes(text.encode("utf-8"), source, env)


def _only_step(artifact: Artifact) -> Step:
    steps = [s for s in artifact.steps if s.source is not None]
    assert len(steps) == 1, [s.text for s in steps]
    return steps[0]


@pytest.mark.parametrize(
    "command",
    [
        "curl -sXDELETE https://api.example.com/v2/orders/17",
        "curl -XDELETE https://api.example.com/v2/orders/17",
        "curl -s -X DELETE https://api.example.com/v2/orders/17",
        "curl --request=DELETE https://api.example.com/v2/orders/17",
        "curl --request DELETE https://api.example.com/v2/orders/17",
    ],
)
def test_curl_delete_never_binds_the_read_only_http_get(
    real_env: Environment, command: str
) -> None:
    step = _only_step(_compile(real_env, f"```\n{command}\n```"))
    assert step.tool is None or step.tool.name != "http.get"
    assert step.effect == "destructive" and step.kind == "action"
    assert step.requires_approval


@pytest.mark.parametrize(
    "command",
    [
        "curl -sXPOST https://api.example.com/v2/orders/17/retry",
        "curl -s -d '{\"a\": 1}' https://api.example.com/v2/orders",
        "curl -sXPUT https://api.example.com/v2/orders/17",
    ],
)
def test_any_non_get_method_never_binds_a_read_only_tool(
    real_env: Environment, command: str
) -> None:
    step = _only_step(_compile(real_env, f"```\n{command}\n```"))
    assert step.tool is None or step.tool.name != "http.get"
    assert step.effect in ("write", "destructive")


def test_a_plain_get_still_binds_http_get(real_env: Environment) -> None:
    step = _only_step(_compile(real_env, "```\ncurl -s https://api.example.com/healthz\n```"))
    assert step.tool is not None and step.tool.name == "http.get" and step.effect == "read"


@pytest.mark.parametrize("joiner", ["&&", ";", "||"])
def test_a_destructive_part_of_a_compound_command_is_never_lost(
    real_env: Environment, joiner: str
) -> None:
    command = f"oc get pods -n billing {joiner} oc delete namespace billing"
    step = _only_step(_compile(real_env, f"```\n{command}\n```"))
    assert step.effect == "destructive" and step.kind == "action" and step.requires_approval


@pytest.mark.parametrize(
    "command",
    [
        "ops-login billing-admin -- oc -n billing delete namespace billing",
        "sudo -u billing sh -c 'oc delete namespace billing'",
        "oc exec ledger-0 -n billing -- redis-cli flushall",
        "oc rsh ledger-0 sh -c 'rm -rf /var/lib/ledger'",
    ],
)
def test_a_destructive_command_inside_a_wrapper_is_never_lost(
    real_env: Environment, command: str
) -> None:
    step = _only_step(_compile(real_env, f"```\n{command}\n```"))
    assert step.effect == "destructive" and step.kind == "action" and step.requires_approval


def test_a_destructive_stage_after_a_pipe_is_never_lost(real_env: Environment) -> None:
    command = "oc get pods -n billing -o name | xargs oc delete"
    step = _only_step(_compile(real_env, f"```\n{command}\n```"))
    assert step.effect == "destructive"


@pytest.mark.parametrize(
    "command",
    [
        "SELECT=1 rm -rf /srv",
        "BEGIN=1 kubectl delete ns prod",
        "x = 1; rm -rf /srv",
        "COMMIT=abc oc delete namespace billing",
        "DROP=yes rm -rf /var/lib/ledger",
        "EXPLAIN=0 kubectl drain node-7 --force",
        "VACUUM=full redis-cli -n 3 flushall",
        "$ count = 3; oc delete pod ledger-0",
        "$ ledger = x && kubectl delete ns ledger",
        "$ x = 1; rm -rf /srv",
        "$ GRANT=all kubectl delete ns prod",
    ],
)
def test_a_shell_command_that_looks_like_console_code_stays_destructive(
    real_env: Environment, command: str
) -> None:
    artifact = _compile(real_env, f"```\n{command}\n```")
    step = _only_step(artifact)
    assert step.effect == "destructive" and step.kind == "action" and step.requires_approval
    assert "RB303" in [d.code for d in artifact.diagnostics]
