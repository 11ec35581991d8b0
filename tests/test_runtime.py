"""Agent runtime: loading fails closed, the guard walks the graph and denies what it must, and
every decision lands in a crash-safe JSONL audit log.

Artifacts are copied from compiled/ into tmp_path with their provenance pointed at copies of
runbooks_src/tools.yaml and profiles.yaml (and resealed), so these tests do not depend on the
checked-in artifacts being recompiled after every registry edit.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pydantic
import pytest

from compiler.emit import content_digest
from compiler.registry import file_sha256, load_registry
from compiler.runtime import (
    ArtifactError,
    ArtifactSchemaError,
    ArtifactTampered,
    ArtifactUnreadable,
    AuditLog,
    CompiledRunbook,
    Guard,
    GuardError,
    HumanGateError,
    ProfilesDrift,
    RegistryDrift,
    RunbookBlocked,
    RunbookFinishedError,
    SourceDrift,
    ToolCall,
    UnknownOutcomeError,
    UnknownProfile,
    UnknownSchemaVersion,
    load,
    read_artifact,
    read_audit_log,
)
from compiler.runtime.audit_log import FIELDS
from compiler.runtime.toolspec import FUNCTION_NAME

from .conftest import REPO

COMPILED = REPO / "compiled"
SOURCES = REPO / "runbooks_src"

RSH = "procedure/oc-rsh-n-openshift-etcd-c-etcdctl"
STATUS = "procedure/etcdctl-endpoint-status-w-table"
NOTE = "procedure/note-the-db-size-of-each-member"
HEALTH = "procedure/etcdctl-endpoint-health-w-table"
HEALTHY = "procedure/if-any-member-reports-health-false"
DEFRAG = "procedure/etcdctl-defrag-endpoints-member-endpoint-command"
REPEAT = "procedure/repeat-steps-4-and-5-once-for"
ALARMS = "procedure/etcdctl-alarm-list"
EMPTY = "procedure/if-the-output-is-empty-go-to"
DISARM = "procedure/etcdctl-alarm-disarm"
APPROVAL = "procedure/get-approval-from-etcd-owners-or-the"
DONE = "procedure/record-the-db-size-before-and-after"

RSH_ARGS = {"target": "etcd-master-0", "namespace": "openshift-etcd", "container": "etcdctl"}
ENDPOINT = "https://10.0.0.3:2379"
INPUTS = {"etcd_pod": "etcd-master-0", "member_endpoint": ENDPOINT}

Mutate = Callable[[dict[str, Any]], None]


@dataclasses.dataclass
class Workspace:
    """Copies of the registry, profiles and artifacts in a temporary directory."""

    root: Path

    @property
    def tools(self) -> Path:
        return self.root / "tools.yaml"

    @property
    def profiles(self) -> Path:
        return self.root / "profiles.yaml"

    def artifact(self, name: str, mutate: Mutate | None = None, seal: bool = True) -> Path:
        """compiled/<name>.json, pointed at the copies, optionally changed, (re)sealed."""
        data = json.loads((COMPILED / f"{name}.json").read_text("utf-8"))
        data["provenance"]["registry_sha256"] = file_sha256(self.tools)
        data["provenance"]["profiles_sha256"] = file_sha256(self.profiles)
        if mutate is not None:
            mutate(data)
        if seal:
            data["integrity"] = content_digest(data)
        path = self.root / f"{name}.json"
        path.write_text(json.dumps(data, indent=2), "utf-8")
        return path

    def load(self, name: str = "etcd-defrag", **kwargs: Any) -> CompiledRunbook:
        kwargs.setdefault("registry", self.tools)
        kwargs.setdefault("profiles", self.profiles)
        return load(self.artifact(name), **kwargs)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    shutil.copy(SOURCES / "tools.yaml", tmp_path / "tools.yaml")
    shutil.copy(SOURCES / "profiles.yaml", tmp_path / "profiles.yaml")
    # load() verifies each artifact's recorded source (runbooks_src/<name>.md), found from
    # the artifact's folder upward: the copies sit where it looks.
    shutil.copytree(SOURCES, tmp_path / "runbooks_src", ignore=shutil.ignore_patterns("*.yaml"))
    return Workspace(tmp_path)


@pytest.fixture
def guard(ws: Workspace) -> Guard:
    return Guard(ws.load(), audit=ws.root / "audit.jsonl", inputs=INPUTS)


def walk_to(guard: Guard, target: str) -> None:
    """Advance along the graph to a step, confirming human-gated steps as a tester."""
    queue = [guard.current.id]
    paths: dict[str, list[str]] = {guard.current.id: []}
    while queue:
        step_id = queue.pop(0)
        for edge in guard.runbook.step(step_id).next:
            if edge.to not in paths:
                paths[edge.to] = [*paths[step_id], edge.when or "otherwise"]
                queue.append(edge.to)
    for outcome in paths[target]:
        human = guard.current.gate == "human"
        plain = not guard.outcomes()
        guard.advance(None if plain else outcome, confirmed_by="tester" if human else None)
    assert guard.current.id == target


def step_of(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(step for step in data["steps"] if step["id"] == step_id)


# --- isolation ---------------------------------------------------------------------------


def test_runtime_imports_neither_markdown_it_nor_openai() -> None:
    code = (
        "import sys, compiler.runtime\n"
        "assert 'markdown_it' not in sys.modules and 'openai' not in sys.modules\n"
        "heavy = ('markdown_it', 'openai', 'instructor', 'compiler.parse', 'compiler.extract',\n"
        "         'compiler.pipeline', 'compiler.cli', 'compiler.project', 'compiler.rules')\n"
        "bad = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --- loader ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(COMPILED.glob("*.json")), ids=lambda p: p.stem)
def test_checked_in_artifacts_are_intact(path: Path) -> None:
    assert read_artifact(path).runbook.id == path.stem


def test_loads_a_ready_runbook_read_only(ws: Workspace) -> None:
    runbook = ws.load()
    assert runbook.id == "etcd-defrag"
    assert runbook.profile == "oncall-sre"  # the runbook's front matter `executor`
    assert runbook.permissions is not None and "etcd-admin" in runbook.permissions
    assert runbook.entry.id == RSH
    assert runbook.step(DISARM).requires_approval
    with pytest.raises(KeyError, match="no step 'nope'"):
        runbook.step("nope")
    with pytest.raises(dataclasses.FrozenInstanceError):
        runbook.profile = "platform-admin"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        runbook.artifact.status = "blocked"
    with pytest.raises(TypeError):
        runbook.steps["x"] = runbook.entry  # type: ignore[index]


def test_loads_with_already_loaded_registry(ws: Workspace) -> None:
    registry = load_registry(ws.tools)
    assert ws.load(registry=registry).registry is registry


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ArtifactUnreadable, match=r"missing\.json"):
        load(tmp_path / "missing.json")


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("# not json\n", "utf-8")
    with pytest.raises(ArtifactSchemaError, match=r"x\.json: not valid JSON"):
        load(path)


def test_truncated_artifact(ws: Workspace) -> None:
    path = ws.artifact("etcd-defrag")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(ArtifactSchemaError, match="truncated"):
        load(path)


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]", "utf-8")
    with pytest.raises(ArtifactSchemaError, match="not a JSON object"):
        load(path)


def test_schema_version_is_checked_before_validation(ws: Workspace) -> None:
    def future(data: dict[str, Any]) -> None:
        data["schema_version"] = 2
        data["steps"] = "a shape this runtime does not know"

    with pytest.raises(UnknownSchemaVersion, match="schema_version is 2"):
        load(ws.artifact("etcd-defrag", future))
    with pytest.raises(UnknownSchemaVersion, match="schema_version is None"):
        load(ws.artifact("etcd-defrag", lambda data: data.pop("schema_version")))


def test_schema_invalid_even_when_sealed(ws: Workspace) -> None:
    def teleport(data: dict[str, Any]) -> None:
        data["steps"][0]["kind"] = "teleport"

    with pytest.raises(ArtifactSchemaError, match="steps/0/kind"):
        load(ws.artifact("etcd-defrag", teleport))
    with pytest.raises(ArtifactSchemaError, match="invalid artifact"):
        load(ws.artifact("etcd-defrag", lambda data: data.update(extra=1)))


def test_graph_must_be_closed(ws: Workspace) -> None:
    def dangling(data: dict[str, Any]) -> None:
        step_of(data, RSH)["next"] = [{"to": "procedure/nowhere", "when": None}]

    with pytest.raises(ArtifactSchemaError, match="unknown step 'procedure/nowhere'"):
        load(ws.artifact("etcd-defrag", dangling))
    with pytest.raises(ArtifactSchemaError, match="entry"):
        load(ws.artifact("etcd-defrag", lambda data: data.update(entry="procedure/nowhere")))


def test_tampered_artifact(ws: Workspace) -> None:
    def retarget(data: dict[str, Any]) -> None:
        step_of(data, RSH)["tool"]["args"]["namespace"] = "kube-system"

    with pytest.raises(ArtifactTampered, match="edited after compile"):
        load(ws.artifact("etcd-defrag", retarget, seal=False))
    with pytest.raises(ArtifactTampered, match="not sealed"):
        load(ws.artifact("etcd-defrag", lambda data: data.update(integrity=""), seal=False))


def test_registry_drift(ws: Workspace) -> None:
    path = ws.artifact("etcd-defrag")
    text = ws.tools.read_text("utf-8")
    ws.tools.write_text(text.replace("permission: etcd-admin", "permission: etcd-read"), "utf-8")
    with pytest.raises(RegistryDrift, match=r"etcd-defrag\.json: registry .* changed"):
        load(path, registry=ws.tools)


def test_profiles_drift(ws: Workspace) -> None:
    path = ws.artifact("etcd-defrag")
    ws.profiles.write_text(ws.profiles.read_text("utf-8") + "\n# edited\n", "utf-8")
    with pytest.raises(ProfilesDrift, match="profiles changed"):
        load(path, registry=ws.tools, profiles=ws.profiles)
    shutil.copy(SOURCES / "profiles.yaml", ws.profiles)

    def no_profiles(data: dict[str, Any]) -> None:
        data["provenance"]["profiles_sha256"] = None

    with pytest.raises(ProfilesDrift, match="compiled without a profiles file"):
        load(ws.artifact("etcd-defrag", no_profiles), profiles=ws.profiles)


def test_source_drift(ws: Workspace) -> None:
    source = ws.root / "etcd-defrag.md"
    shutil.copy(SOURCES / "etcd-defrag.md", source)

    def at_copy(data: dict[str, Any]) -> None:
        data["runbook"]["source_sha256"] = file_sha256(source)

    path = ws.artifact("etcd-defrag", at_copy)
    assert load(path, source=source).id == "etcd-defrag"
    source.write_text(source.read_text("utf-8") + "\n6. Also restart etcd.\n", "utf-8")
    with pytest.raises(SourceDrift, match="changed since compile"):
        load(path, source=source)


def test_blocked_status(ws: Workspace) -> None:
    with pytest.raises(RunbookBlocked, match=r"support-billing-dispute.*RB105@"):
        ws.load("support-billing-dispute")


def test_unsigned_blocking_diagnostic_blocks_a_ready_status(ws: Workspace) -> None:
    path = ws.artifact("support-billing-dispute", lambda data: data.update(status="ready"))
    with pytest.raises(RunbookBlocked, match="unsigned blocking diagnostics: RB108@"):
        load(path)


def test_signed_blocking_diagnostic_does_not_block(ws: Workspace) -> None:
    def signed(data: dict[str, Any]) -> None:
        diagnostic = data["diagnostics"][0]
        diagnostic["blocking"] = True
        diagnostic["signoff"] = {
            "code": diagnostic["code"],
            "fingerprint": diagnostic["fingerprint"],
            "by": "alice",
            "date": "2026-11-10",
            "reason": "the repeat is intended",
            "resolution": None,
        }

    assert load(ws.artifact("etcd-defrag", signed)).id == "etcd-defrag"


def test_unknown_profile(ws: Workspace) -> None:
    with pytest.raises(UnknownProfile, match="unknown executor profile 'night-shift'"):
        ws.load(profile="night-shift")
    with pytest.raises(UnknownProfile, match="no profiles file"):
        load(ws.artifact("etcd-defrag"), profile="oncall-sre")


def test_every_load_error_is_an_artifact_error() -> None:
    for error in (
        ArtifactUnreadable,
        ArtifactSchemaError,
        UnknownSchemaVersion,
        ArtifactTampered,
        SourceDrift,
        RegistryDrift,
        ProfilesDrift,
        RunbookBlocked,
        UnknownProfile,
    ):
        assert issubclass(error, ArtifactError)


# --- guard: the walk -----------------------------------------------------------------------


def test_walkthrough_of_etcd_defrag(guard: Guard) -> None:
    specs = guard.tools()
    assert [spec["function"]["name"] for spec in specs] == ["oc__rsh"]
    assert all(FUNCTION_NAME.match(spec["function"]["name"]) for spec in specs)
    pinned = specs[0]["function"]["parameters"]
    assert pinned["required"] == sorted(RSH_ARGS) == sorted(pinned["properties"])
    assert pinned["additionalProperties"] is False
    assert "namespace=openshift-etcd" in specs[0]["function"]["description"]
    assert guard.check(ToolCall("oc__rsh", json.dumps(RSH_ARGS))).allowed
    assert guard.advance().id == STATUS
    assert guard.check(ToolCall("etcdctl.endpoint_status", {"output": "table"})).allowed
    assert guard.advance().id == NOTE
    assert guard.tools() == []
    assert guard.outcomes()[-1] == "otherwise"  # "... below 85% of the quota, stop here"
    assert guard.advance("otherwise", confirmed_by="alice").id == HEALTH
    assert guard.check(ToolCall("etcdctl__endpoint_health", {"output": "table"})).allowed
    assert guard.advance().id == HEALTHY
    assert guard.tools() == []
    assert guard.outcomes() == ["If any member reports `HEALTH` = `false`", "otherwise"]
    assert guard.advance("otherwise").id == DEFRAG
    defrag = {"endpoints": ENDPOINT, "command_timeout": "60s"}
    assert guard.check(ToolCall("etcdctl__defrag", defrag)).allowed
    guard.advance()
    guard.advance()
    guard.advance()
    assert guard.current.id == REPEAT
    assert guard.advance("otherwise", confirmed_by="alice").id == ALARMS
    guard.advance()
    assert guard.advance("  if the OUTPUT is empty ").id == DONE
    assert not guard.done
    assert guard.advance(confirmed_by="alice").id == "end"
    assert guard.done
    assert guard.tools() == []
    assert guard.history[:3] == (RSH, STATUS, NOTE)


def test_outcome_tool_offers_the_branches(guard: Guard) -> None:
    assert guard.outcome_tool() is None
    walk_to(guard, HEALTHY)
    spec = guard.outcome_tool()
    assert spec is not None
    assert spec["function"]["name"] == "choose_outcome"
    outcome = spec["function"]["parameters"]["properties"]["outcome"]
    assert outcome["enum"] == guard.outcomes()


def test_decision_leading_to_an_approval_gated_step(guard: Guard) -> None:
    walk_to(guard, EMPTY)
    # Issue 15: "Get approval from `etcd-owners` ..." is a step of its own (an escalation).
    assert guard.advance("otherwise").id == APPROVAL
    assert guard.advance(confirmed_by="tester").id == DISARM
    assert [spec["function"]["name"] for spec in guard.tools()] == ["etcdctl__alarm_disarm"]


def test_advance_errors(guard: Guard) -> None:
    walk_to(guard, NOTE)
    with pytest.raises(HumanGateError, match="confirmed_by"):
        guard.advance()
    walk_to(guard, HEALTHY)
    with pytest.raises(UnknownOutcomeError, match="is a decision; pass outcome="):
        guard.advance()
    with pytest.raises(UnknownOutcomeError, match="'probably fine' is not an edge"):
        guard.advance("probably fine")
    walk_to(guard, "end")
    with pytest.raises(RunbookFinishedError):
        guard.advance()
    assert issubclass(UnknownOutcomeError, GuardError)
    denied = [d for d in guard.decisions if d["verdict"] == "deny"]
    assert len(denied) == 4
    assert all(d["reason"].startswith("cannot advance") for d in denied)


# --- guard: each deny reason -----------------------------------------------------------------


def denied(guard: Guard, call: ToolCall, reason: str) -> None:
    verdict = guard.check(call)
    assert not verdict.allowed
    assert reason in verdict.reason, verdict.reason
    assert verdict.step == guard.current.id


def test_deny_human_gated_step(guard: Guard) -> None:
    walk_to(guard, NOTE)
    denied(guard, ToolCall("etcdctl__endpoint_status", {}), "gated for a human")


def test_deny_step_without_tool(guard: Guard) -> None:
    walk_to(guard, HEALTHY)
    denied(guard, ToolCall("etcdctl__defrag", {}), "this step has no tool (decision)")


def test_deny_other_tool(guard: Guard) -> None:
    verdict = guard.check(ToolCall("oc__delete_pod", {"names": "etcd-master-0"}))
    assert not verdict.allowed
    assert verdict.tool == "oc.delete_pod"
    assert verdict.reason == (
        f"tool oc.delete_pod is not in step {RSH}; this step allows only oc.rsh"
    )
    denied(guard, ToolCall("check_stripe", {}), "tool check_stripe is not in step")


def test_deny_arguments_failing_the_schema(guard: Guard) -> None:
    denied(
        guard, ToolCall("oc__rsh", {**RSH_ARGS, "target": 7}), "params schema of oc.rsh at target"
    )
    denied(guard, ToolCall("oc__rsh", {**RSH_ARGS, "all": True}), "['all'] are not parameters")
    denied(guard, ToolCall("oc__rsh", "{not json"), "not a JSON object")
    denied(guard, ToolCall("oc__rsh", "[1, 2]"), "not a JSON object")


def test_deny_retargeted_literal_argument(guard: Guard) -> None:
    call = ToolCall("oc__rsh", {**RSH_ARGS, "namespace": "kube-system"})
    denied(guard, call, "fixed by the runbook to 'openshift-etcd', got 'kube-system'")
    missing = {k: v for k, v in RSH_ARGS.items() if k != "container"}
    denied(guard, ToolCall("oc__rsh", missing), "`container` is missing")


def test_deny_placeholder_that_differs_from_its_input(guard: Guard) -> None:
    call = ToolCall("oc__rsh", {**RSH_ARGS, "target": "etcd-master-2"})
    denied(guard, call, "with the inputs etcd_pod='etcd-master-0', got 'etcd-master-2'")


def test_placeholder_of_an_input_the_run_was_not_given_accepts_nothing(ws: Workspace) -> None:
    guard = Guard(ws.load())
    call = ToolCall("oc__rsh", {**RSH_ARGS, "target": "etcd-master-2"})
    denied(guard, call, "needs the input(s) ['etcd_pod'], which this run was not given")


def test_placeholder_forms(ws: Workspace) -> None:
    def forms(data: dict[str, Any]) -> None:
        step_of(data, RSH)["tool"]["args"].update(
            target="<etcd-pod>", command="etcdctl endpoint status --endpoints={{member_endpoint}}"
        )

    runbook = load(ws.artifact("etcd-defrag", forms), registry=ws.tools, profiles=ws.profiles)

    def fresh() -> Guard:  # a step allows one call, so each call gets its own walk
        return Guard(runbook, inputs={"ETCD_POD": "etcd-master-1", "member_endpoint": ENDPOINT})

    good = {**RSH_ARGS, "target": "etcd-master-1"}
    command = f"etcdctl endpoint status --endpoints={ENDPOINT}"
    assert fresh().check(ToolCall("oc.rsh", {**good, "command": command})).allowed
    assert fresh().check(ToolCall("oc.rsh", {**good, "command": command.split()})).allowed
    other = "etcdctl endpoint status --endpoints=https://10.9.9.9:2379"
    denied(fresh(), ToolCall("oc.rsh", {**good, "command": other}), "member_endpoint=")
    with pytest.raises(ValueError, match="declares no inputs"):
        Guard(runbook, inputs={"namespace": "x"})


def test_deny_missing_permission(ws: Workspace) -> None:
    guard = Guard(ws.load(), profile="release-engineer", inputs=INPUTS)
    denied(guard, ToolCall("oc__rsh", RSH_ARGS), "needs permission cluster-write, which release")
    with pytest.raises(UnknownProfile):
        Guard(ws.load(), profile="night-shift")


def test_deny_without_profile_or_registry(ws: Workspace) -> None:
    no_profile = Guard(load(ws.artifact("etcd-defrag"), registry=ws.tools))
    denied(no_profile, ToolCall("oc__rsh", RSH_ARGS), "no executor profile loaded")
    no_registry = Guard(load(ws.artifact("etcd-defrag"), profiles=ws.profiles))
    assert no_registry.tools() == []
    denied(no_registry, ToolCall("oc__rsh", RSH_ARGS), "no registry loaded")


def test_deny_missing_approval(guard: Guard) -> None:
    walk_to(guard, DISARM)
    denied(guard, ToolCall("etcdctl__alarm_disarm", {}), "requires approval")
    denied(guard, ToolCall("etcdctl__alarm_disarm", {}, approved_by=" "), "requires approval")
    denied(guard, ToolCall("etcdctl__alarm_disarm", {}, approved_by="agent"), "other than agent")
    assert guard.check(ToolCall("etcdctl__alarm_disarm", {}, approved_by="etcd-owners")).allowed


def test_deny_after_the_end(guard: Guard) -> None:
    walk_to(guard, "end")
    denied(guard, ToolCall("oc__rsh", RSH_ARGS), "the runbook is finished")


# --- audit log ---------------------------------------------------------------------------------


def test_every_decision_is_logged(guard: Guard, ws: Workspace) -> None:
    guard.check(ToolCall("oc__delete", {}))
    guard.check(ToolCall("oc__rsh", RSH_ARGS))
    guard.advance()
    trail = read_audit_log(ws.root / "audit.jsonl")
    assert trail.torn == []
    assert [r["verdict"] for r in trail.records] == ["deny", "allow", "advance"]
    assert trail.records == guard.decisions
    for entry in trail.records:
        assert set(entry) == set(FIELDS)
        assert entry["time"].endswith("Z")
        assert datetime.fromisoformat(entry["time"]).utcoffset() is not None
        assert entry["runbook"] == "etcd-defrag"
    deny, allow, advance = trail.records
    assert (deny["tool"], deny["step"]) == ("oc.delete", RSH)
    assert allow["args"] == RSH_ARGS
    assert (advance["tool"], advance["actor"]) == (None, "agent")
    assert advance["reason"] == f"{RSH} -> {STATUS}"


def test_human_confirmation_is_logged_as_the_human(guard: Guard) -> None:
    walk_to(guard, NOTE)
    guard.advance("otherwise", confirmed_by="alice")
    assert guard.decisions[-1]["actor"] == "alice"
    assert "confirmed by alice" in guard.decisions[-1]["reason"]


def test_log_appends_and_fsyncs_each_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    path = tmp_path / "audit.jsonl"
    path.write_text('{"earlier": "run"}\n', "utf-8")
    log = AuditLog(path)
    log.append({"n": 1})
    log.append({"n": 2})
    assert len(synced) == 2
    assert read_audit_log(path).records == [{"earlier": "run"}, {"n": 1}, {"n": 2}]


def test_torn_final_line_leaves_earlier_lines_valid(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    for n in range(3):
        log.append({"n": n})
    with path.open("a", encoding="utf-8") as stream:
        stream.write('{"n": 3, "reason": "crash in the mid')  # what a crash mid-write leaves
    trail = read_audit_log(path)
    assert trail.records == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert trail.torn == [4]
    log.append({"n": 4})  # the next run closes the torn line first
    trail = read_audit_log(path)
    assert trail.records == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 4}]
    assert trail.torn == [4]


WRITER = """
import sys
from compiler.runtime.audit_log import AuditLog
log = AuditLog(sys.argv[1])
n = 0
while True:
    log.append({"n": n, "reason": "x" * 2000})
    n += 1
"""


def test_killed_writer_leaves_valid_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO)
    try:
        while writer.poll() is None:  # it writes forever: wait for lines, not for a time
            if path.exists() and path.read_bytes().count(b"\n") >= 20:
                break
            time.sleep(0.01)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    lines = path.read_bytes().split(b"\n")
    complete = lines[:-1]  # everything before the last newline was fully written
    assert len(complete) >= 20
    assert [json.loads(line)["n"] for line in complete] == list(range(len(complete)))
    trail = read_audit_log(path)
    assert trail.records[: len(complete)] == [json.loads(line) for line in complete]
    assert trail.torn in ([], [len(complete) + 1])


def test_stop_here_ends_the_run(guard: Guard) -> None:
    walk_to(guard, NOTE)
    below_quota = guard.outcomes()[0]
    assert "below 85% of the quota" in below_quota
    assert guard.advance(below_quota, confirmed_by="alice").id == "end" and guard.done
