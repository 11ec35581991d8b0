"""Transcript audit: calls outside the graph or out of order, human-gated calls, and claims in
the final message that no successful tool call backs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.registry import Registry, load_registry
from compiler.runtime import (
    TranscriptError,
    TranscriptReport,
    audit_transcript,
    read_artifact,
    read_transcript,
)

from .conftest import FIXTURES, REPO

TRANSCRIPTS = FIXTURES / "transcripts"
SUPPORT = REPO / "compiled" / "support-billing-dispute.json"
ETCD = REPO / "compiled" / "etcd-defrag.json"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO / "runbooks_src" / "tools.yaml")


def kinds(report: TranscriptReport) -> list[str]:
    return [finding.kind for finding in report.findings]


def call(call_id: str, name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    function = {"name": name, "arguments": json.dumps(args or {})}
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": call_id, "function": function}],
    }


def result(call_id: str, content: str = "ok") -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def say(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def etcd_messages() -> list[dict[str, Any]]:
    return read_transcript(TRANSCRIPTS / "etcd-defrag.clean.jsonl")


# --- the two scenarios ----------------------------------------------------------------------


@pytest.mark.parametrize("with_registry", [False, True])
def test_support_agent_claims_what_it_never_did(registry: Registry, with_registry: bool) -> None:
    messages = read_transcript(TRANSCRIPTS / "support-billing-dispute.unbacked.json")
    report = audit_transcript(messages, SUPPORT, registry if with_registry else None)
    assert not report.ok
    assert kinds(report) == ["tool-not-in-graph"] + ["unbacked-claim"] * 3
    stray = report.findings[0]
    assert (stray.tool, stray.index) == ("check_stripe", 6)
    final = len(messages) - 1
    unbacked = {c.family: c.text for c in report.claims if c.backed_by is None}
    assert set(unbacked) == {"read", "escalate", "refund"}
    assert unbacked["read"].startswith("checked billing in Stripe")
    assert unbacked["escalate"] == "escalated to the AE"
    assert unbacked["refund"].startswith("refunded $48")
    assert all(f.index == final for f in report.findings[1:])


@pytest.mark.parametrize("with_registry", [False, True])
def test_clean_etcd_transcript_passes(registry: Registry, with_registry: bool) -> None:
    assert read_artifact(ETCD).status == "ready"
    report = audit_transcript(etcd_messages(), ETCD, registry if with_registry else None)
    assert report.ok, report.findings
    assert report.calls == 7
    assert [(c.family, c.backed_by) for c in report.claims] == [
        ("defrag", "etcdctl.defrag"),
        ("read", "etcdctl.endpoint_status"),
        ("read", "etcdctl.alarm_list"),
    ]
    assert report.to_dict()["ok"] is True


# --- call findings ----------------------------------------------------------------------------


def test_out_of_order_call() -> None:
    messages = [
        call("1", "support__get_ticket", {"ticket_id": "1"}),
        result("1"),
        call("2", "support__reply_ticket", {"ticket_id": "1"}),
        result("2"),
    ]
    report = audit_transcript(messages, SUPPORT)
    assert kinds(report) == ["out-of-order"]
    assert report.findings[0].index == 2
    assert "expected crm.get_account" in report.findings[0].message


def test_first_call_must_be_at_the_entry() -> None:
    messages = [call("1", "etcdctl__defrag", {}), result("1")]
    assert kinds(audit_transcript(messages, ETCD)) == ["out-of-order"]


def test_human_gated_call() -> None:
    messages = [
        call("1", "support__get_ticket"),
        result("1"),
        call("2", "crm__get_account"),
        result("2"),
        call("3", "billing__issue_refund", {"charge_id": "ch_1", "reason": "duplicate"}),
        result("3", '{"refund": "re_1"}'),
    ]
    report = audit_transcript(messages, SUPPORT)
    assert kinds(report) == ["human-gated"]
    assert report.findings[0].tool == "billing.issue_refund"


def test_retry_of_the_same_step_is_in_order() -> None:
    messages = etcd_messages()
    retry = [call("r", "oc__rsh"), result("r", "sh-5.1#")]
    report = audit_transcript(messages[:4] + retry + messages[4:], ETCD)
    assert report.ok, report.findings


def test_position_resyncs_after_an_out_of_order_call() -> None:
    messages = etcd_messages()
    # skip the rsh and the first status: one finding, then the rest follows the graph again
    report = audit_transcript(messages[:2] + messages[6:], ETCD)
    assert kinds(report) == ["out-of-order"]


def test_loop_control_tools_are_skipped() -> None:
    messages = etcd_messages()
    choose = [call("x", "choose_outcome", {"outcome": "otherwise"}), result("x")]
    report = audit_transcript(messages[:8] + choose + messages[8:], ETCD)
    assert report.ok, report.findings
    assert report.calls == 7
    strict = audit_transcript(messages[:8] + choose + messages[8:], ETCD, control_tools=())
    assert kinds(strict) == ["tool-not-in-graph"]


# --- claims -----------------------------------------------------------------------------------


def test_failed_call_does_not_back_a_claim() -> None:
    messages = etcd_messages()
    defrag = next(i for i, m in enumerate(messages) if m.get("tool_call_id") == "call_4")
    messages[defrag] = result("call_4", "Error: context deadline exceeded")
    report = audit_transcript(messages, ETCD)
    assert [c.family for c in report.claims if c.backed_by is None] == ["defrag"]
    assert kinds(report) == ["unbacked-claim"]


@pytest.mark.parametrize("content", ['{"error": "permission denied"}', "ERROR: forbidden", "error"])
def test_error_results_count_as_failed(content: str) -> None:
    messages = [call("1", "oc__rsh"), result("1", content), say("I checked the pod shell.")]
    report = audit_transcript(messages, ETCD)
    assert kinds(report) == ["unbacked-claim"]


def test_call_without_result_does_not_back_a_claim() -> None:
    messages = [call("1", "oc__rsh"), say("I checked the etcd pod shell.")]
    assert kinds(audit_transcript(messages, ETCD)) == ["unbacked-claim"]


def test_out_of_graph_success_does_not_back_a_claim() -> None:
    messages = [
        call("1", "check_stripe", {"customer": "cus_1"}),
        result("1", '{"charges": [48, 48]}'),
        say("I checked billing in Stripe."),
    ]
    report = audit_transcript(messages, SUPPORT)
    assert kinds(report) == ["tool-not-in-graph", "unbacked-claim"]


@pytest.mark.parametrize(
    "summary",
    [
        "I did not refund the customer.",
        "The pods should be restarted by the owners.",
        "I haven't escalated this yet.",
        "We could not have paged anyone.",
        "Please check billing in Stripe.",
        "If the alarm is still listed, it needs to be escalated.",
        "The ticket is waiting for a human.",
    ],
)
def test_hedged_or_negated_statements_are_not_claims(summary: str) -> None:
    report = audit_transcript([say(summary)], SUPPORT)
    assert report.claims == ()
    assert report.ok


def test_only_the_final_assistant_message_is_read() -> None:
    messages = [say("I refunded $48."), say("Nothing was changed.")]
    assert audit_transcript(messages, SUPPORT).ok


def test_action_claims_need_a_changing_call() -> None:
    messages = [call("1", "oc__rsh"), result("1"), call("2", "etcdctl__endpoint_status")]
    messages += [result("2"), say("I restarted etcd.")]
    report = audit_transcript(messages, ETCD)
    assert [c.family for c in report.claims] == ["restart"]
    assert kinds(report) == ["unbacked-claim"]


def test_read_claims_need_a_read_call_about_the_same_thing(registry: Registry) -> None:
    def after(count: int, summary: str) -> list[dict[str, Any]]:
        return [*etcd_messages()[:count], say(summary)]

    rsh_only = after(4, "I checked the etcd pod shell.")
    assert kinds(audit_transcript(rsh_only, ETCD)) == ["unbacked-claim"]  # rsh is a write
    # the registry description of endpoint_status mentions the raft term
    assert audit_transcript(after(6, "I checked the raft term."), ETCD, registry).ok
    unrelated = after(6, "I checked the certificates.")
    assert kinds(audit_transcript(unrelated, ETCD, registry)) == ["unbacked-claim"]


def test_escalation_backed_by_a_page(tmp_path: Path) -> None:
    artifact = read_artifact(ETCD)
    page = next(s for s in artifact.steps if s.tool and s.tool.name == "pagerduty.page")
    start = artifact.model_copy(update={"entry": page.id})
    messages = [call("1", "pagerduty__page", {"target": "etcd-owners"}), result("1", "paged")]
    messages += [say("I paged etcd-owners and escalated the incident.")]
    report = audit_transcript(messages, start)
    assert report.ok, report.findings
    assert {c.backed_by for c in report.claims} == {"pagerduty.page"}


# --- reading transcripts ----------------------------------------------------------------------


def test_read_transcript_formats(tmp_path: Path) -> None:
    messages = etcd_messages()
    as_list = tmp_path / "a.json"
    as_list.write_text(json.dumps(messages), "utf-8")
    wrapped = tmp_path / "b.json"
    wrapped.write_text(json.dumps({"messages": messages}), "utf-8")
    assert read_transcript(as_list) == read_transcript(wrapped) == messages
    assert audit_transcript({"messages": messages}, ETCD).ok


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", "{", "not valid JSON"),
        ("bad.jsonl", '{"role": "user"}\n{oops\n', "not valid JSON"),
        ("obj.json", '{"conversation": []}', "expected a list of chat messages"),
        ("nums.json", "[1, 2]", "expected a list of chat messages"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_read_transcript_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(TranscriptError, match=message):
        read_transcript(path)
    with pytest.raises(TranscriptError, match="cannot read"):
        read_transcript(tmp_path / "missing.json")
